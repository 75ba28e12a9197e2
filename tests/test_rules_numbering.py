import pytest

from deskapp.config import load_config
from deskapp.locations import templates_dir
from deskapp.models import Pack
from deskapp.numbering import format_receipt, normalise_scan, parse_receipt
from deskapp.rules import assess


@pytest.fixture
def round_():
    return load_config(templates_dir() / "desk.toml").round


def make(round_, kind="studio", **over) -> Pack:
    values = {
        "id": 1,
        "receipt_no": "X",
        "round": "2026",
        "kind": kind,
        "serial": 1,
        "unit": "u",
        "name": "n",
        "received_at": "2026-06-10T09:30:00+08:00",
        "clerk": "张三",
        "sector": "教育",
        "members": 6,
        "pages": 20,
        "checklist": {i.key: True for i in round_.checklist(kind)},
    }
    values.update(over)
    return Pack(**values)


def test_complete_pack_is_complete(round_):
    verdict = assess(round_, make(round_))
    assert verdict.complete and verdict.flags == () and verdict.summary() == "齐全"


def test_missing_items_are_named(round_):
    pack = make(round_, checklist={"unit_seal": True}, pages=None)
    verdict = assess(round_, pack)
    assert "依托单位公章" not in verdict.missing
    assert "行业主管部门公章" in verdict.missing and "电子版" in verdict.missing and "页数未填" in verdict.missing


@pytest.mark.parametrize(
    "received, late",
    [
        ("2026-06-15T23:59:59+08:00", False),
        ("2026-06-16T00:00:00+08:00", True),
        # 16:30 UTC on the 15th is 00:30 on the 16th in Beijing: late whatever the machine's zone.
        ("2026-06-15T16:30:00+00:00", True),
        ("2026-06-15T15:59:00+00:00", False),
    ],
)
def test_lateness_is_judged_in_beijing_time(round_, received, late):
    verdict = assess(round_, make(round_, received_at=received))
    assert verdict.late is late
    if late:
        assert "逾期，视为放弃" in verdict.summary()


@pytest.mark.parametrize("members, flagged", [(4, True), (5, False), (10, False), (11, True)])
def test_members_between_five_and_ten(round_, members, flagged):
    codes = [f.code for f in assess(round_, make(round_, members=members)).flags]
    assert ("members_out_of_range" in codes) is flagged


def test_sector_out_of_scope_and_pages_over_limit(round_):
    codes = {f.code: f.severity for f in assess(round_, make(round_, sector="金融", pages=26)).flags}
    assert codes["sector_out_of_scope"] == "error"
    assert codes["pages_over_limit"] == "warning"
    assert "pages_over_limit" not in [f.code for f in assess(round_, make(round_, pages=25)).flags]


def test_project_has_no_member_rule(round_):
    verdict = assess(round_, make(round_, kind="project", members=None, sector=""))
    assert verdict.complete and not verdict.flags


def test_receipt_numbers_format_and_parse(round_):
    assert format_receipt(round_, "studio", 1) == "ZD2026-GZS-0001"
    assert format_receipt(round_, "project", 12345) == "ZD2026-XM-12345"
    assert parse_receipt(round_, "zd2026-gzs-0007") == ("studio", 7)
    assert parse_receipt(round_, "ＺＤ２０２６－ＸＭ－００１２") == ("project", 12)  # full-width from an IME
    assert parse_receipt(round_, "ZD2025-XM-0012") is None
    assert parse_receipt(round_, "ZD2026-GZS-01") is None
    assert normalise_scan(" zd2026-xm-0001\n") == "ZD2026-XM-0001"
