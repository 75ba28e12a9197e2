"""The core of the scan route: what a line read is, without any screen."""

from __future__ import annotations

from deskapp.receipt_qr import signer_for
from deskapp.scan_route import log_scan, looks_like_desk_code, looks_like_scan, not_taken, quoted, read_line, read_log
from deskapp.service import Desk
from tests.conftest import ON_TIME, studio_fields


def test_every_form_of_a_receipt_finds_its_pack(desk: Desk) -> None:
    desk.store.register("studio", studio_fields(), "张三")
    pack = desk.store.register("project", studio_fields(name="储能项目", members=None), "张三")
    payload = signer_for(desk.locations.secret).payload(pack.receipt_no)
    cut = payload.rfind("U")
    for text, kind in [
        (payload, "payload"),
        (payload.lower(), "payload"),
        (payload[:cut], "receipt"),
        (payload[cut:], "code"),
        (" " + payload[cut:].lower() + " ", "code"),
        ("ZD2026-XM-0001", "receipt"),
        ("zd2026xm0001", "receipt"),
        ("ＺＤ２０２６－ＸＭ－０００１", "receipt"),
        ("xm0001", "search"),
    ]:
        verdict = read_line(desk, text, "张三")
        assert (verdict.outcome, verdict.kind, verdict.pack_id) == ("opened", kind, pack.id), text


def test_refusals_and_misses(desk: Desk) -> None:
    pack = desk.store.register("studio", studio_fields(), "张三")
    payload = signer_for(desk.locations.secret).payload(pack.receipt_no)
    cut = payload.rfind("U")
    forged_code = payload[cut:][:-1] + ("0" if payload[-1] != "0" else "1")
    assert read_line(desk, payload[:-1] + ("0" if payload[-1] != "0" else "1"), "李四").outcome == "refused"
    assert read_line(desk, forged_code, "李四").outcome == "not_found"
    assert read_line(desk, "ZD2026GZS0099", "李四").outcome == "not_found"
    assert read_line(desk, "ZD2026-GZS-0099", "李四").message.startswith("找不到收件编号")
    assert read_line(desk, "QWERTY42", "李四").outcome == "not_found"
    assert read_line(desk, "  ", "李四").outcome == "nothing"
    assert [h.action for h in desk.store.history()] == ["register", "scan_refused"]


def test_scan_shape() -> None:
    assert looks_like_scan("ZD2026-GZS-0001") and looks_like_scan("zd2026gzs0001")
    assert not looks_like_scan("U盘") and not looks_like_scan("12345678") and not looks_like_scan("次日补交")


def test_desk_code_shape_tells_a_scan_from_field_data(desk: Desk) -> None:
    """What a form field must not take as data: receipt numbers (any round, any case, with or
    without dashes, full width), slip payloads (even altered or cut), the code line; not an ID card
    number, a phone number, a unit's name or an address."""
    payload = signer_for(desk.locations.secret).payload("ZD2026-GZS-0001")
    for text in ("ZD2026-GZS-0001", "zd2026xm0001", "ＺＤ２０２６－ＸＭ－０００１", "ZD2025-GZS-0007", payload,
                 payload.lower(), payload[:-5], payload[payload.index("U"):]):  # fmt: skip
        assert looks_like_desk_code(text), text
    for text in ("65230119900101123X", "13900000000", "0994-1234567", "准东某煤化工有限公司", "ABC2000", "mt", ""):
        assert not looks_like_desk_code(text), text


def test_a_long_line_is_quoted_short_and_logged_whole(desk: Desk, tmp_path) -> None:  # type: ignore[no-untyped-def]
    junk = "ABCDEFGHJK0123456789" * 300
    assert quoted("ZD2026GZS0001U70603MYE21GVT95RF1") == "ZD2026GZS0001U70603MYE21GVT95RF1"  # a payload whole
    assert quoted(junk) == junk[:40] + "…（共 6000 个字符）"
    verdict = read_line(desk, junk, "张三")
    assert verdict.outcome == "not_found" and len(verdict.message) < 100
    path = tmp_path / "scans.jsonl"
    assert log_scan(path, not_taken(junk, "请先登录，再扫码。"), "", ON_TIME) == ""
    assert read_log(path)[0]["read"] == junk and read_log(path)[0]["outcome"] == "not_taken"


def test_scan_log_lines_and_a_log_that_cannot_be_written(desk: Desk, tmp_path) -> None:  # type: ignore[no-untyped-def]
    verdict = read_line(desk, "QWERTY42", "张三")
    path = tmp_path / "logs" / "scans.jsonl"
    assert log_scan(path, verdict, "张三", ON_TIME) == ""
    assert read_log(path) == [
        {
            "at": "2026-06-10T09:30:00+08:00",
            "actor": "张三",
            "read": "QWERTY42",
            "kind": "search",
            "outcome": "not_found",
            "receipt": "",
            "recorded": False,
        }
    ]
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"at": "2026-06-10T09:31:00+08:00", "actor": "张')  # another desk is mid-write
    assert [line["read"] for line in read_log(path)] == ["QWERTY42"]
    blocked = tmp_path / "file"
    blocked.write_text("x")
    assert "扫码记录写不进" in log_scan(blocked / "scans.jsonl", verdict, "张三", ON_TIME)
