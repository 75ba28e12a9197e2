import json
import subprocess
import sys
from pathlib import Path

from .supervisor_helpers import PIN, SUPERVISOR

ROOT = Path(__file__).resolve().parent.parent


def add_supervisor_file(data: Path) -> None:
    """Staff 张三, 李四 and the supervisor of ``supervisor_helpers`` in ``data/desk.toml``."""
    import tomlkit

    from .supervisor_helpers import _PIN_HASH

    staff = [
        {"name": "张三", "role": "clerk"},
        {"name": "李四", "role": "clerk"},
        {"name": SUPERVISOR, "role": "supervisor", "pin_hash": _PIN_HASH},
    ]
    data.mkdir(parents=True, exist_ok=True)
    (data / "desk.toml").write_text(tomlkit.dumps({"staff": staff}), encoding="utf-8")


def run(data: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "deskapp", "--data", str(data), *args],
        check=False,  # callers assert the exit codes
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        timeout=60,
    )


def test_help_lists_subcommands(tmp_path):
    out = run(tmp_path, "--help")
    assert out.returncode == 0
    for name in ("list", "show", "register"):
        assert name in out.stdout


def test_register_from_json_lines_reports_bad_lines_by_number(tmp_path):
    lines = [
        json.dumps(
            {
                "kind": "studio",
                "unit": "准东某煤化工有限公司",
                "name": "大师工作室",
                "members": 6,
                "pages": 12,
                "received_at": "2026-06-01 10:00",
            },
            ensure_ascii=False,
        ),
        "{not json",
        json.dumps({"kind": "project", "unit": "某公司"}, ensure_ascii=False),
        json.dumps(
            {"kind": "人才项目", "unit": "某公司", "name": "项目A", "received_at": "2026-06-20T09:00:00+08:00"},
            ensure_ascii=False,
        ),
    ]
    add_supervisor_file(tmp_path)
    out = run(
        tmp_path, "register", "--clerk", "张三", "--supervisor", SUPERVISOR, "--pin", PIN, stdin="\n".join(lines) + "\n"
    )
    assert out.returncode == 1
    results = [json.loads(line) for line in out.stdout.splitlines()]
    assert [(r["line"], r["receipt_no"]) for r in results] == [(1, "ZD2026-GZS-0001"), (4, "ZD2026-XM-0001")]
    assert "late" in [f["code"] for f in results[1]["flags"]]
    errors = [json.loads(line) for line in out.stderr.splitlines() if line.startswith("{")]
    assert [e["line"] for e in errors] == [2, 3]
    assert "项目名称" in errors[1]["error"]

    listed = json.loads(run(tmp_path, "list", "--json").stdout)
    assert [p["receipt_no"] for p in listed] == ["ZD2026-XM-0001", "ZD2026-GZS-0001"]
    shown = json.loads(run(tmp_path, "show", "zd2026-gzs-0001", "--json").stdout)
    assert shown["unit"] == "准东某煤化工有限公司" and shown["clerk"] == "张三"
    assert shown["history"][0]["actor"] == SUPERVISOR  # a migration with received times: the supervisor's act
    assert shown["received_at"] == "2026-06-01T10:00:00+08:00"
    assert run(tmp_path, "show", "ZD2026-GZS-0099").returncode == 1


def test_bad_config_gives_chinese_message_not_traceback(tmp_path):
    (tmp_path / "desk.toml").write_text("[round]\nmembers_min = 'x'\n", encoding="utf-8")
    out = run(tmp_path, "list")
    assert out.returncode == 2
    assert "round.members_min 应为整数" in out.stderr and "Traceback" not in out.stderr
