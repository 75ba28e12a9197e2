"""One door for text (issue 12, point 7) and supervisor-only register fields (point 4).

The cases of ``shared/cases/input/`` are built here in code: control characters in names and
附件2 texts, a lone surrogate in the middle of a batch, a BOM, invisible selectors.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from deskapp.integrity import check_problems
from deskapp.store import RegistrationError
from deskapp.text import BadText, clean_text

from .conftest import studio_fields
from .supervisor_helpers import PIN, SUPERVISOR
from .test_cli import add_supervisor_file, run

CONTROL_LINE = {
    "kind": "studio",
    "unit": "准东某\u000b煤化工有限公司",
    "name": "气化\u0016技能大师工作室",
    "sector": "煤炭煤电煤化工",
    "leader": "王建国",
    "members": 6,
    "details": {
        "awards": "全国技术能手\u0007（2021）",
        "achievements": "攻关\u000c12项\r\n带徒38人",
        "unit_intro": "成立于2012年\u0000。",
        "support": "场地120平方米",
        "goals": "三年培养技师5名",
    },
}


def test_clean_text_rule():
    assert clean_text("\ufeff准东\u200b某\ufe0f公司\x07") == "准东某公司"
    assert clean_text("a\tb\nc") == "a bc"  # short text: no line breaks
    assert clean_text("一\r\n二\r三\x0c四\x00", long=True) == "一\n二\n三\n四"
    decomposed = "Cafe\u0301"
    assert clean_text(decomposed) == unicodedata.normalize("NFC", decomposed) == "Caf\u00e9"
    assert clean_text("\U0001f600") == "\U0001f600"  # a whole emoji is text, kept
    with pytest.raises(BadText, match="名称"):
        clean_text("复制自网页\ud83d", label="名称")


def test_register_lines_with_control_characters_are_stored_clean(tmp_path):
    out = run(
        tmp_path, "register", "--clerk", "张三", stdin=json.dumps(CONTROL_LINE) + "\n"
    )  # ASCII escapes, as the case file
    assert out.returncode == 0, out.stderr
    shown = json.loads(run(tmp_path, "show", "ZD2026-GZS-0001", "--json").stdout)
    assert shown["unit"] == "准东某煤化工有限公司" and shown["name"] == "气化技能大师工作室"
    assert shown["details"]["awards"] == "全国技术能手（2021）"
    assert shown["details"]["achievements"] == "攻关\n12项\n带徒38人"  # line breaks kept in long texts
    assert shown["details"]["unit_intro"] == "成立于2012年。"


def test_a_lone_surrogate_is_a_line_error_and_the_batch_goes_on(tmp_path):
    lines = [
        '{"kind": "studio", "unit": "准东甲公司", "name": "甲工作室"}',
        '{"kind": "studio", "unit": "准东乙公司", "name": "乙工作室", "notes": "复制自网页\\ud83d"}',
        '{"kind": "studio", "unit": "准东丙公司", "name": "丙工作室"}',
        '{"kind": "bogus", "unit": "x", "name": "y"}',
    ]  # and a fifth line of bytes that are not UTF-8
    stdin = ("\n".join(lines[:4]) + "\n").encode("utf-8") + b"\xff\xfe{}\n"
    import subprocess
    import sys

    from .test_cli import ROOT

    out = subprocess.run(
        [sys.executable, "-m", "deskapp", "--data", str(tmp_path), "register", "--clerk", "张三"],
        input=stdin,
        capture_output=True,
        check=False,
        cwd=ROOT,
        timeout=60,
    )
    stderr = out.stderr.decode("utf-8")
    assert out.returncode == 1 and "Traceback" not in stderr
    done = [json.loads(line) for line in out.stdout.decode("utf-8").splitlines()]
    assert [(d["line"], d["unit"]) for d in done] == [(1, "准东甲公司"), (3, "准东丙公司")]
    errors = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    assert [e["line"] for e in errors] == [2, 4, 5]
    assert "代理项" in errors[0]["error"] and "kind" in errors[1]["error"] and "UTF-8" in errors[2]["error"]


def test_every_way_in_passes_the_door(desk, tmp_path):
    pack = desk.store.register("studio", studio_fields(name="气化\ufe0f工作室"), "张三")
    assert pack.name == "气化工作室"
    updated = desk.store.update(
        pack.id, {"leader": "王\x07建国", "details.goals": "\ufeff目标\r\n二"}, "张三", reason="改\x00正"
    )
    assert updated.leader == "王建国" and updated.details["goals"] == "目标\n二"
    assert desk.store.history(pack.id)[-1].reason == "改正"
    with pytest.raises(RegistrationError, match="代理项"):
        desk.store.update(pack.id, {"notes": "x\ud83d"}, "张三")
    with pytest.raises(RegistrationError, match="代理项"):
        desk.store.record_event("refused", "张三", reason="\udc00")
    assert check_problems(desk.store) == []


def test_details_file_from_notepad_loses_its_bom(tmp_path):
    out = run(
        tmp_path, "register", "--clerk", "张三", stdin='{"kind": "studio", "unit": "准东甲公司", "name": "甲工作室"}\n'
    )
    assert out.returncode == 0
    text = tmp_path / "goals.txt"
    text.write_bytes("\ufeff三年培养技师5名\r\n带徒10人".encode("utf-8"))
    out = run(tmp_path, "details", "ZD2026-GZS-0001", "--by", "张三", "--file", "goals", str(text))
    assert out.returncode == 0, out.stderr
    shown = json.loads(run(tmp_path, "show", "ZD2026-GZS-0001", "--json").stdout)
    assert shown["details"]["goals"] == "三年培养技师5名\n带徒10人"


def test_received_time_and_other_clerk_need_the_supervisor(tmp_path: Path):
    add_supervisor_file(tmp_path)
    backdated = '{"kind": "studio", "unit": "准东甲公司", "name": "甲工作室", "received_at": "2026-06-01 10:00"}\n'
    other = '{"kind": "studio", "unit": "准东乙公司", "name": "乙工作室", "clerk": "李四"}\n'
    future = '{"kind": "studio", "unit": "准东丙公司", "name": "丙工作室", "received_at": "2099-01-01 10:00"}\n'
    late = '{"kind": "studio", "unit": "准东丁公司", "name": "丁工作室", "received_at": "2026-06-16 09:00"}\n'
    out = run(tmp_path, "register", "--clerk", "张三", stdin=backdated + other)
    assert out.returncode == 1 and out.stdout == ""
    assert [json.loads(x)["line"] for x in out.stderr.splitlines()] == [1, 2] and "科室负责人" in out.stderr

    wrong = run(tmp_path, "register", "--clerk", "张三", "--supervisor", SUPERVISOR, "--pin", "000000", stdin=backdated)
    assert wrong.returncode == 2 and wrong.stdout == "" and "PIN" in wrong.stderr
    clerk_as_sup = run(tmp_path, "register", "--clerk", "张三", "--supervisor", "李四", "--pin", PIN, stdin=backdated)
    assert clerk_as_sup.returncode == 2 and clerk_as_sup.stdout == ""

    out = run(
        tmp_path,
        "register",
        "--clerk",
        "张三",
        "--supervisor",
        SUPERVISOR,
        "--pin",
        PIN,
        stdin=backdated + other + future + late,
    )
    assert out.returncode == 1
    done = {d["line"]: d for d in map(json.loads, out.stdout.splitlines())}
    assert sorted(done) == [1, 2, 4]
    assert "late" not in [f["code"] for f in done[1]["flags"]] and "late" in [f["code"] for f in done[4]["flags"]]
    assert json.loads(out.stderr.splitlines()[0])["line"] == 3 and "将来" in out.stderr
    shown = json.loads(run(tmp_path, "show", done[2]["receipt_no"], "--json").stdout)
    assert shown["clerk"] == "李四" and shown["history"][0]["actor"] == SUPERVISOR
    assert shown["history"][0]["data"]["supervisor"] == SUPERVISOR and "迁移旧台账" in shown["history"][0]["reason"]
