"""The supervisor's commands, run as the office would run them."""

import json
from pathlib import Path

from openpyxl import load_workbook

from deskapp.service import open_desk

from .conftest import Ticker
from .supervisor_helpers import PIN, SUPERVISOR, add_supervisor, complete_studio, incomplete_studio
from .test_cli import run


def _desk(data: Path):
    return add_supervisor(open_desk(data, clock=Ticker()))


def test_export_commands_write_new_files_and_say_where(tmp_path):
    desk = _desk(tmp_path)
    complete_studio(desk, unit="=HYPERLINK(1)")
    incomplete_studio(desk, name="乙")
    out = run(tmp_path, "export", "annex2")
    assert out.returncode == 0, out.stderr
    path = Path(out.stdout.strip())
    assert path.parent == tmp_path / "exports" and "已导出 2 行" in out.stderr
    assert load_workbook(path).worksheets[0]["B4"].value == "=HYPERLINK(1)"
    assert run(tmp_path, "export", "annex2").stdout.strip() != str(path)

    target = tmp_path / "会议.docx"
    assert run(tmp_path, "export", "annex2-docx", "--out", str(target)).returncode == 0 and target.exists()
    again = run(tmp_path, "export", "annex2-docx", "--out", str(target))
    assert again.returncode == 1 and "已存在" in again.stderr
    reg = run(tmp_path, "export", "register")
    assert reg.returncode == 0 and load_workbook(reg.stdout.strip())["人才工作室"].max_row == 3
    bad = run(tmp_path, "export", "annex2", "--status", "nonsense")
    assert bad.returncode == 1 and "不认识的状态" in bad.stderr and "Traceback" not in bad.stderr
    only = run(tmp_path, "export", "annex2", "--status", "受理")
    assert "已导出 0 行" in only.stderr


def test_outcome_command_asks_for_the_supervisor(tmp_path):
    desk = _desk(tmp_path)
    pack = incomplete_studio(desk)
    no_pin = run(tmp_path, "outcome", pack.receipt_no, "accept_pending", "--by", SUPERVISOR, "--due", "2026-06-20")
    assert no_pin.returncode == 2 and "--pin" in no_pin.stderr
    clerk = run(tmp_path, "outcome", pack.receipt_no, "void", "--by", "张三", "--pin", PIN, "--reason", "重复")
    assert clerk.returncode == 1 and "受理员" in clerk.stderr
    ok = run(tmp_path, "outcome", pack.receipt_no, "void", "--by", SUPERVISOR, "--pin", PIN, "--reason", "重复")
    assert ok.returncode == 0 and "已作废" in ok.stdout
    shown = json.loads(run(tmp_path, "show", pack.receipt_no, "--json").stdout)
    assert shown["voided"] and shown["history"][-1]["actor"] == SUPERVISOR and shown["history"][-1]["reason"] == "重复"

    other = complete_studio(desk, name="另一个")
    # The command line runs on the real clock: a due date no run of this test can have passed.
    asked = run(
        tmp_path,
        "outcome",
        other.receipt_no,
        "supplement_request",
        "--by",
        "张三",
        "--due",
        "2999-12-31",
        "--missing",
        "原件核对",
    )
    assert asked.returncode == 0 and "补正" in asked.stdout
    got = run(tmp_path, "outcome", other.receipt_no, "supplement_received", "--by", "李四", "--items", "电子版")
    assert got.returncode == 0


def test_details_and_dashboard_commands(tmp_path):
    desk = _desk(tmp_path)
    pack = incomplete_studio(desk, contact="赵六")
    text = tmp_path / "awards.txt"
    text.write_text("2021年 自治区技术能手\n", encoding="utf-8")
    out = run(
        tmp_path,
        "details",
        pack.receipt_no,
        "--by",
        SUPERVISOR,
        "--file",
        "awards",
        str(text),
        "--text",
        "goals",
        "三年培养30名高级工",
    )
    assert out.returncode == 0 and "领衔人主要获奖情况" in out.stdout
    desk.store.refresh()
    assert desk.store.get(pack.id).details == {"awards": "2021年 自治区技术能手", "goals": "三年培养30名高级工"}
    board = json.loads(run(tmp_path, "dashboard", "--json").stdout)
    assert board["incomplete"] == 1 and board["incomplete_packs"][0]["missing"] == ["电子版"]
    assert board["incomplete_packs"][0]["contact"] == "赵六"


def test_other_commands_do_not_load_the_export_libraries():
    import subprocess
    import sys

    from .test_cli import ROOT

    code = (
        "import sys\nfrom deskapp.cli import build_parser\nbuild_parser()\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'openpyxl', 'docx'}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=False, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_annex2_export_says_first_which_rows_lack_content_and_leaves_late_packs_out(tmp_path):
    from .supervisor_helpers import LATE

    desk = _desk(tmp_path)
    full = dict.fromkeys(("awards", "achievements", "unit_intro", "support", "goals"), "内容")
    complete_studio(desk, name="齐全", details=full)
    bare = complete_studio(desk, name="空白")
    late = complete_studio(desk, name="迟到", details=full, received_at=LATE)
    out = run(tmp_path, "export", "annex2")
    assert out.returncode == 0, out.stderr
    lines = out.stderr.splitlines()
    assert lines[0] == f"注意：1 行缺附件2内容：{bare.receipt_no}（缺5栏）"
    assert lines[1].startswith("注意：逾期 1 件视为放弃，未列入附件2") and late.receipt_no in lines[1]
    assert "已导出 2 行" in out.stderr
    wb = load_workbook(out.stdout.strip())
    assert [r[2] for r in wb["附件2"].iter_rows(min_row=4, values_only=True)] == ["齐全", "空白"]
    assert wb["申报情况"].max_row == 4
    every = run(tmp_path, "export", "annex2", "--include-late")
    assert "已导出 3 行" in every.stderr and "视为放弃，未列入" not in every.stderr
    board = run(tmp_path, "dashboard")
    assert (
        "附件2内容：3 个工作室，齐 2，缺 1" in board.stdout and bare.receipt_no in board.stdout.split("附件2内容：")[1]
    )
    doc = json.loads(run(tmp_path, "dashboard", "--json").stdout)
    assert {r["receipt_no"]: r["origin"] for r in doc["annex2_content"]}[bare.receipt_no] == "missing"
