"""Outcomes, supplements, corrections and voids, with who may do what."""

import pytest

from deskapp import outcomes, supplement_act
from deskapp.auth import NotAllowed
from deskapp.integrity import check_problems
from deskapp.outcomes import OutcomeError
from deskapp.store import RegistrationError

from .conftest import LATE, clock_at
from .supervisor_helpers import PIN, SUPERVISOR, add_supervisor, complete_studio, day, incomplete_studio


@pytest.fixture
def sdesk(desk):
    return add_supervisor(desk)


def test_clerk_accepts_a_complete_pack_and_history_says_who(sdesk):
    pack = complete_studio(sdesk)
    done = outcomes.accept(sdesk.store, pack.id, "张三", reason="材料齐全")
    assert done.status == "accepted" and done.status_label == "受理"
    assert done.outcome["by"] == "张三" and done.outcome["reason"] == "材料齐全"
    last = sdesk.store.history(pack.id)[-1]
    assert last.action == "accept" and last.actor == "张三" and last.changes["status"] == ["registered", "accepted"]


def test_incomplete_pack_cannot_simply_be_accepted(sdesk):
    pack = incomplete_studio(sdesk)
    with pytest.raises(OutcomeError, match="补正"):
        outcomes.accept(sdesk.store, pack.id, "张三")
    assert sdesk.store.get(pack.id).status == "registered"


def test_supplement_keeps_receipt_and_original_time_and_history_shows_both(sdesk):
    pack = incomplete_studio(sdesk, ("ecopy", "evidence"), received_at=day(8, 16))
    with pytest.raises(OutcomeError, match="截止日期"):
        outcomes.request_supplement(sdesk.store, pack.id, "张三", due=None)
    with pytest.raises(OutcomeError, match="已过"):
        outcomes.request_supplement(sdesk.store, pack.id, "张三", due="2026-06-01")
    asked = outcomes.request_supplement(sdesk.store, pack.id, "张三", due="2026-06-16")
    assert asked.status == "supplement" and outcomes.status_text(asked) == "补正（截止 2026-06-16）"
    notice = supplement_act.supplement_notice(sdesk.store, asked)
    assert (
        notice.missing == ("佐证材料", "电子版") and notice.due == "2026-06-16" and notice.receipt_no == pack.receipt_no
    )

    back = outcomes.supplement_received(sdesk.store, pack.id, "李四", items=["ecopy", "佐证材料"])
    assert back.receipt_no == pack.receipt_no and back.received_at == pack.received_at == "2026-06-08T16:00:00+08:00"
    assert back.status == "registered" and sdesk.store.assess(back).complete
    history = sdesk.store.history(pack.id)
    assert [h.action for h in history] == ["register", "supplement_request", "supplement_received"]
    assert history[0].at == "2026-06-08T16:00:00+08:00" and history[-1].at > history[0].at
    assert history[-1].data["items"] == ["佐证材料", "电子版"] and history[-1].actor == "李四"
    assert back.extra["supplements"][0]["by"] == "李四"
    assert outcomes.accept(sdesk.store, pack.id, "张三").status == "accepted"


def test_items_brought_later_are_one_act_named_by_what_they_answer(sdesk):
    """补正收到 answers a standing 补正; 补充材料 is brought with none standing; both recorded the same way."""
    from deskapp.history_text import record_lines

    asked = incomplete_studio(sdesk, ("ecopy", "evidence"), name="有补正工作室")
    outcomes.request_supplement(sdesk.store, asked.id, "张三", due="2026-06-16")
    unasked = incomplete_studio(sdesk, ("ecopy", "evidence"), name="无补正工作室")
    assert outcomes.receiving_action(sdesk.store.get(asked.id)) == outcomes.SUPPLEMENT_RECEIVED
    assert outcomes.receiving_action(unasked) == outcomes.ADDITIONAL_MATERIALS
    for pack in (asked, unasked):
        outcomes.receive_items(sdesk.store, pack.id, "李四", items=["佐证材料"], ecopy_medium="U盘", bundle_pages=3)
    answered, added = (sdesk.store.history(p.id)[-1] for p in (asked, unasked))
    assert (answered.action, added.action) == ("supplement_received", "additional_materials")
    for entry in (answered, added):
        assert entry.changes["checklist.evidence"] == [False, True] and entry.changes["ecopy_medium"] == ["", "U盘"]
        assert entry.data["items"] == ["佐证材料", "电子版"] and entry.data["bundle_pages"] == 3
    assert answered.changes["status"] == ["supplement", "registered"] and "status" not in added.changes
    assert "still_missing" not in answered.data and "still_missing" not in added.data  # nothing is missing now
    assert sdesk.store.get(asked.id).status == "registered" and sdesk.store.get(unasked.id).status == "registered"
    words = record_lines(sdesk.config.round, sdesk.store.get(unasked.id), sdesk.store.assess(unasked), [])
    assert any(line.startswith("补充材料：") for line in words)
    with pytest.raises(OutcomeError, match="勾选"):
        outcomes.receive_items(sdesk.store, unasked.id, "李四", items=[])  # nothing brought: nothing recorded


def test_a_journal_written_with_the_old_name_still_reads_as_additional_materials(sdesk):
    """Before the names, 补充材料 was recorded as action ``supplement``: read as written, never rewritten."""
    from deskapp.history_text import describe

    pack = incomplete_studio(sdesk, ("evidence",))
    sdesk.store.update(pack.id, {"checklist.evidence": True}, "张三", action="supplement", reason="补充材料")
    entry = sdesk.store.history(pack.id)[-1]
    assert entry.action == "supplement" and describe(sdesk.config.round, "studio", entry).action == "补充材料"
    assert supplement_act.item_arrivals(sdesk.store, sdesk.store.get(pack.id)) == {"evidence": entry.at}


def test_clerk_is_refused_a_supervisor_action_with_a_clear_message(sdesk):
    pack = incomplete_studio(sdesk)
    with pytest.raises(NotAllowed, match=r"容缺受理.*受理员"):
        outcomes.accept_pending(sdesk.store, pack.id, "张三", pin=PIN, due="2026-06-22")
    with pytest.raises(NotAllowed, match="PIN 不正确"):
        outcomes.accept_pending(sdesk.store, pack.id, SUPERVISOR, pin="0000", due="2026-06-22")
    assert sdesk.store.get(pack.id).status == "registered"
    assert len(sdesk.store.history(pack.id)) == 1

    pending = outcomes.accept_pending(sdesk.store, pack.id, SUPERVISOR, pin=PIN, due="2026-06-22")
    assert pending.status == "accepted_pending" and pending.outcome["missing"] == ["电子版"]
    done = outcomes.supplement_received(sdesk.store, pack.id, "张三", items={"ecopy": True})
    assert done.status == "accepted"


def test_reject_needs_a_reason_and_the_supervisor(sdesk):
    pack = complete_studio(sdesk, sector="旅游")
    with pytest.raises(OutcomeError, match="原因"):
        outcomes.reject(sdesk.store, pack.id, SUPERVISOR, pin=PIN, reason=" ")
    with pytest.raises(NotAllowed):
        outcomes.reject(sdesk.store, pack.id, "李四", pin="", reason="不在申报范围")
    done = outcomes.reject(sdesk.store, pack.id, SUPERVISOR, pin=PIN, reason="不在申报范围")
    assert done.status == "rejected" and sdesk.store.history(pack.id)[-1].reason == "不在申报范围"


def test_changing_a_decided_outcome_or_accepting_a_late_pack_needs_the_supervisor(sdesk):
    with clock_at(sdesk.store, LATE):
        late = complete_studio(sdesk, received_at=LATE)
    assert outcomes.needs_supervisor(sdesk.store, late, "accept")
    with pytest.raises(NotAllowed):
        outcomes.accept(sdesk.store, late.id, "张三")
    outcomes.accept(sdesk.store, late.id, SUPERVISOR, pin=PIN, reason="经领导同意")

    pack = complete_studio(sdesk, name="另一个")
    outcomes.withdraw(sdesk.store, pack.id, "张三")
    assert outcomes.needs_supervisor(sdesk.store, sdesk.store.get(pack.id), "accept")
    with pytest.raises(NotAllowed):
        outcomes.accept(sdesk.store, pack.id, "张三")
    again = outcomes.accept(sdesk.store, pack.id, SUPERVISOR, pin=PIN, reason="单位撤回后重新提交")
    assert again.status == "accepted" and again.outcome["history"][0]["action"] == "withdraw"


def test_void_keeps_the_pack_visible_and_stops_further_outcomes(sdesk):
    pack = complete_studio(sdesk)
    with pytest.raises(NotAllowed, match="受理员"):
        outcomes.void(sdesk.store, pack.id, "张三", pin=PIN, reason="重复")
    with pytest.raises(OutcomeError, match="原因"):
        outcomes.void(sdesk.store, pack.id, SUPERVISOR, pin=PIN, reason="")
    outcomes.void(sdesk.store, pack.id, SUPERVISOR, pin=PIN, reason="重复登记")
    kept = sdesk.store.by_receipt(pack.receipt_no)
    assert kept is not None and kept.voided and kept.status_label == "已作废" and kept.void_reason == "重复登记"
    assert [p.receipt_no for p in sdesk.store.packs()] == [pack.receipt_no]
    with pytest.raises(OutcomeError, match="已作废"):
        outcomes.accept(sdesk.store, pack.id, "张三")
    assert check_problems(sdesk.store) == []


def test_only_a_supervisor_corrects_received_time_or_clerk_with_a_reason(sdesk):
    pack = complete_studio(sdesk, received_at=day(9, 17))
    with pytest.raises(RegistrationError, match="科室负责人"):
        sdesk.store.update(pack.id, {"received_at": "2026-06-01T10:00:00+08:00"}, "张三")
    with pytest.raises(NotAllowed):
        outcomes.correct(sdesk.store, pack.id, "张三", pin=PIN, reason="录错", clerk="李四")
    with pytest.raises(OutcomeError, match="原因"):
        outcomes.correct(sdesk.store, pack.id, SUPERVISOR, pin=PIN, reason="", clerk="李四")
    with pytest.raises(OutcomeError, match="人员名单"):
        outcomes.correct(sdesk.store, pack.id, SUPERVISOR, pin=PIN, reason="录错", clerk="路人甲")
    fixed = outcomes.correct(
        sdesk.store,
        pack.id,
        SUPERVISOR,
        pin=PIN,
        reason="实际 9 日上午收到",
        received_at="2026-06-09 09:15",
        clerk="李四",
    )
    assert fixed.received_at == "2026-06-09T09:15:00+08:00" and fixed.clerk == "李四"
    last = sdesk.store.history(pack.id)[-1]
    assert last.action == "correct" and last.actor == SUPERVISOR and last.reason == "实际 9 日上午收到"
    assert last.changes == {
        "received_at": ["2026-06-09T17:00:00+08:00", "2026-06-09T09:15:00+08:00"],
        "clerk": ["张三", "李四"],
    }


def test_details_typed_on_a_pack_are_recorded(sdesk):
    pack = complete_studio(sdesk)
    with pytest.raises(OutcomeError):
        outcomes.set_details(sdesk.store, pack.id, "张三", {"salary": "x"})
    with pytest.raises(NotAllowed):
        outcomes.set_details(sdesk.store, pack.id, "路人甲", {"awards": "x"})
    done = outcomes.set_details(
        sdesk.store, pack.id, SUPERVISOR, {"awards": "2020年 自治区技术能手\r\n2022年 全国五一劳动奖章 "}
    )
    assert done.details["awards"] == "2020年 自治区技术能手\n2022年 全国五一劳动奖章"
    assert sdesk.store.history(pack.id)[-1].action == "details"


def test_perform_dispatches_by_name_and_rejects_unknown_actions(sdesk):
    pack = complete_studio(sdesk)
    assert outcomes.perform(sdesk.store, pack.id, "withdraw", "张三").status == "withdrawn"
    with pytest.raises(OutcomeError, match="不认识"):
        outcomes.perform(sdesk.store, pack.id, "delete", "张三")


def test_the_supplement_notice_carries_the_recorded_due_date(sdesk):
    from deskapp.printing import build_document

    pack = incomplete_studio(sdesk, ("ecopy", "evidence"))
    asked = outcomes.request_supplement(sdesk.store, pack.id, "张三", due="2026-06-18")
    notice, _ = build_document(sdesk, asked, "notice", "张三", sdesk.store.clock(), None)
    text = "\n".join(item for block in notice.blocks for item in (block.text, *block.items))
    assert "请于2026年6月18日前补齐" in text and "佐证材料" in text and "电子版" in text
