"""The command line in Chinese: argparse's own words, `show` as a readable record, a suggestion
for a mistyped receipt number, the dashboard's labels; the pack screen's history in the same words."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import pytest

from deskapp import outcomes
from deskapp.cli import build_parser, main
from deskapp.history_text import describe
from deskapp.numbering import nearest_receipts
from deskapp.service import Desk

from .conftest import studio_fields
from .supervisor_helpers import PIN, SUPERVISOR, add_supervisor

ROOT = Path(__file__).resolve().parent.parent
ARGPARSE_ENGLISH = (
    "usage:",
    "error:",
    "options:",
    "positional arguments",
    "show this help",
    "required",
    "invalid",
    "unrecognized",
    "expected",
    "choose from",
    "argument ",
)
PYTHON_VALUES = re.compile(r"\bNone\b|\bTrue\b|\bFalse\b|\{'|\['|'\]|'\}|\(\)")


def cli(capsys: pytest.CaptureFixture[str], data: Path, *args: str) -> tuple[int, str, str]:
    try:
        code = main(["--data", str(data), *args])
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def english_in(text: str) -> list[str]:
    return [w for w in ARGPARSE_ENGLISH if w in text]


# -- argparse's words -------------------------------------------------------------------------
def test_missing_argument_is_said_in_chinese(capsys, data_dir) -> None:  # type: ignore[no-untyped-def]
    code, _, err = cli(capsys, data_dir, "show")
    assert code == 2
    assert "用法：deskapp show" in err and "缺少必须给出的参数：收件编号" in err and "“deskapp show -h”显示说明" in err
    assert english_in(err) == []


def test_unknown_subcommand_names_the_nearest(capsys, data_dir) -> None:  # type: ignore[no-untyped-def]
    code, _, err = cli(capsys, data_dir, "shwo", "ZD2026-GZS-0001")
    assert code == 2
    assert "没有子命令“shwo”" in err and "您是不是要找 show？" in err and "dashboard" in err
    assert english_in(err) == []
    code, _, err = cli(capsys, data_dir, "xyzzy")
    assert code == 2 and "没有子命令“xyzzy”" in err and "您是不是要找" not in err


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("list", "--search"), "参数 --search：后面应有一个值"),
        (("list", "--bogus"), "不认识的参数：--bogus"),
        (("outcome", "ZD2026-GZS-0001", "accept", "--by", "张三", "--pages", "十"), "参数 --pages：“十”不是整数"),
        (("outcome", "ZD2026-GZS-0001", "acept", "--by", "张三"), "您是不是要找 accept？"),
        (("outcome", "ZD2026-GZS-0001", "accept"), "缺少必须给出的参数：--by"),
        (("export",), "缺少必须给出的参数：内容"),
        (("details", "ZD2026-GZS-0001", "--by", "张三", "--text", "goals"), "参数 --text：后面应有 2 个值"),
    ],
)
def test_usage_errors_of_every_kind_in_chinese(capsys, data_dir, args, said) -> None:  # type: ignore[no-untyped-def]
    code, _, err = cli(capsys, data_dir, *args)
    assert code == 2
    assert said in err and err.startswith("用法：")
    assert english_in(err) == []


def test_every_subcommands_help_is_chinese_and_every_argument_explained() -> None:
    parser = build_parser()
    subcommands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert len(subcommands.choices) >= 15
    for name, sub in [("deskapp", parser), *subcommands.choices.items()]:
        text = sub.format_help()
        assert text.startswith("用法：") and "显示本说明后退出" in text, name
        assert english_in(text) == [], (name, english_in(text))
        for action in sub._actions:
            assert action.help, (name, action.dest)  # nothing unexplained
    assert argparse._("usage: ") == "usage: "  # argparse's own words are back outside the desk's parser


def test_help_lines_up_in_terminal_columns(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from deskapp.cli_parser import cells

    monkeypatch.setenv("COLUMNS", "80")
    parser = build_parser()
    top = parser.format_help().splitlines()
    assert all(cells(line) <= 80 for line in top), [line for line in top if cells(line) > 80]
    lines = parser._subparsers._group_actions[0].choices["list"].format_help().splitlines()  # type: ignore[union-attr]
    for help_text in ("按编号、单位、名称、领衔人或拼音首字母筛选", "包括往年批次", "输出 JSON"):
        (line,) = [line for line in lines if line.endswith(help_text)]
        column = cells(line) - cells(help_text)
        assert column == cells(next(line for line in lines if line.endswith("显示本说明后退出"))) - cells(
            "显示本说明后退出"
        )


def test_the_installed_command_speaks_chinese(tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = subprocess.run(
        [sys.executable, "-m", "deskapp", "--data", str(tmp_path), "lst"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert out.returncode == 2
    assert "deskapp：错误：没有子命令“lst”" in out.stderr and "您是不是要找 list？" in out.stderr
    assert english_in(out.stderr) == [] and "Traceback" not in out.stderr


# -- show: the record and its history in words ------------------------------------------------
def lived_pack(desk: Desk, tmp_path: Path) -> int:
    """A pack with a life: edits, 补正, copies printed (one failing), a supplement, 附件2 text, a correction."""
    from deskapp.printing import issue

    add_supervisor(desk)
    pack = desk.store.register("studio", studio_fields(), "张三", checklist={"form1": True}, pages=12)
    desk.store.update(pack.id, {"checklist.unit_seal": True, "ecopy_medium": "U盘"}, "张三", reason="单位补盖公章")
    outcomes.perform(desk.store, pack.id, "supplement_request", "张三", due="2026-06-22")
    assert issue(desk, desk.store.get(pack.id), "张三", "slip", to_printer=False, out=tmp_path / "slip.pdf").ok
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    assert not issue(desk, desk.store.get(pack.id), "张三", "slip", to_printer=False, out=blocked / "slip.pdf").ok
    outcomes.perform(desk.store, pack.id, "supplement_received", "张三", items=["form2", "evidence"])
    outcomes.set_details(desk.store, pack.id, "张三", {"goals": "三年内培养技能人才" * 10})
    outcomes.perform(
        desk.store, pack.id, "correct", SUPERVISOR, pin=PIN, reason="收件时间录错", received_at="2026-06-10 09:00"
    )
    return pack.id


def test_show_is_a_readable_record_without_python_values(capsys, desk, data_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    pack_id = lived_pack(desk, tmp_path)
    code, out, err = cli(capsys, data_dir, "show", "ZD2026-GZS-0001")
    assert code == 0, err
    assert PYTHON_VALUES.findall(out) == [], PYTHON_VALUES.findall(out)
    for line in (
        "工作室名称：煤化工技能大师工作室",
        "领衔人：王建国",
        "工作室成员人数：6",
        "联系人：刘敏  联系电话：13900000000",
        "页数（纸质）：12 页",
        "电子版介质：U盘",
        "材料清单：",
        "  [✓] 附件1 工作室申报表",
        "  [✓] 依托单位公章",
        "  [ ] 行业主管部门公章",
        "受理人：张三",
        "已出文书：受理回执 2 份",
    ):
        assert line in out, line
    history = out[out.index("历史（") :]
    for said in (
        "张三  登记",
        "依托单位公章：未收到 → 已收到",
        "电子版介质：（空） → U盘",
        "原因：单位补盖公章",
        "结论：（空） → 补正（截止 2026-06-22）",
        "状态：已登记 → 补正",
        "截止日期：2026-06-22",
        "文书：受理回执",
        "份次：第 1 份",
        "结果：成功",
        "份次：第 2 份（补打第 1 次）",
        "结果：未成功",
        "补交材料：附件2 工作室申报汇总表、佐证材料",
        "填写附件2内容",
        f"{SUPERVISOR}  更正",
        "收件时间：2026-06-10 09:30:00 → 2026-06-10 09:00:00",
        "原因：收件时间录错",
    ):
        assert said in history, said
    assert "打印机：" not in out and "文书：slip" not in out and "成功：" not in out
    assert len(desk.store.history(pack_id)) == history.count("\n  20")  # every entry, one line each head


async def test_pack_screen_tells_the_history_in_the_same_words(desk, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from deskapp.app import DeskApp
    from tests.ui_keys import shown

    pack_id = lived_pack(desk, tmp_path)
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        app.open_pack(pack_id)
        await pilot.pause()
        on_screen = shown(app.screen.query_one("#history"))
    assert PYTHON_VALUES.findall(on_screen) == [] and "文书：slip" not in on_screen
    pack = desk.store.get(pack_id)
    for entry in desk.store.history(pack_id):
        line = describe(desk.config.round, pack.kind, entry)
        for detail in line.details:
            assert detail in on_screen, detail


# -- a mistyped receipt number ----------------------------------------------------------------
@pytest.mark.parametrize(
    "typed",
    [
        "zd2026gzs0002",
        "ZD2026 GZS 0002",
        "ZD2026-GZS-2",
        "ＺＤ２０２６ ＧＺＳ ０００２",
        "ZD2026-GSZ-0002",
        "ZD2026-GZS-00022",
        "ZD2026-GZ-0002",
        "ZD2026_GZS_0002",
    ],
)
def test_a_mistyped_receipt_number_gets_a_suggestion(capsys, desk, data_dir, typed) -> None:  # type: ignore[no-untyped-def]
    for n in range(3):
        desk.store.register("studio", studio_fields(name=f"第{n}个工作室"), "张三")
    code, _, err = cli(capsys, data_dir, "show", typed)
    assert code == 1
    assert "找不到收件编号" in err and "您是不是要找 ZD2026-GZS-0002？" in err


def test_no_suggestion_when_nothing_is_near(capsys, desk, data_dir) -> None:  # type: ignore[no-untyped-def]
    desk.store.register("studio", studio_fields(), "张三")
    code, _, err = cli(capsys, data_dir, "show", "ZD2026-XM-0107")
    assert code == 1 and "您是不是要找" not in err and "deskapp list" in err


def test_nearest_receipts_ties_and_limits() -> None:
    numbers = [f"ZD2026-GZS-{n:04d}" for n in range(1, 30)] + ["ZD2026-XM-0012"]
    assert nearest_receipts("ZD2026-XM-12", numbers) == ["ZD2026-XM-0012"]
    assert nearest_receipts("ZD2026-GZS-0130", numbers) == ["ZD2026-GZS-0010", "ZD2026-GZS-0013"]
    assert nearest_receipts("ZD2026-GZS-O12", numbers) == ["ZD2026-GZS-0012"]  # letter O for zero
    assert nearest_receipts("ZD2026-GZ-0023", numbers) == ["ZD2026-GZS-0023"]  # not 0003, nearer with its zeros
    assert nearest_receipts("ZD2026-GZS-9999", numbers) == []
    assert nearest_receipts("准东", numbers) == [] and nearest_receipts("", numbers) == []


# -- dashboard labels -------------------------------------------------------------------------
def test_dashboard_text_has_no_english_labels(capsys, desk, data_dir) -> None:  # type: ignore[no-untyped-def]
    desk.store.register("studio", studio_fields(), "张三")
    desk.store.register("project", {"unit": "某公司", "name": "项目甲"}, "张三")
    code, out, _ = cli(capsys, data_dir, "dashboard")
    assert code == 0
    assert "人才工作室（1 件）：已登记 1" in out and "人才项目（1 件）：已登记 1" in out and "每日收件：" in out
    assert not re.search(r"[A-Za-z]{4,}", out.replace("ZD2026-GZS-0001", "").replace("ZD2026-XM-0001", "")), out
