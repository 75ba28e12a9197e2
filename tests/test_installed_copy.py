"""The desk as users install it: a wheel built from this checkout, installed into a fresh venv
outside the checkout, run from an unrelated folder.

Every test before this one ran on the editable install, which finds modules in the checkout; this
one finds only what the wheel carries (a forgotten subpackage, template or font fails here).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.formfactory import form1

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from this checkout, as ``pip install .`` builds it."""
    wheels = tmp_path_factory.mktemp("wheels")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    (built,) = wheels.glob("*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``bin/`` folder of a fresh venv, outside the checkout, holding the desk installed from its wheel."""
    venv = tmp_path_factory.mktemp("installed") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    done = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)],
        check=False,  # the assertion below shows pip's own words
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return venv / "bin"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "DESK_DATA")}
    env.update({"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "utf-8"}, **extra)
    return env


def deskapp(bin_dir: Path, cwd: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(bin_dir / "deskapp"), *args],
        check=False,  # callers assert the exit code the desk is meant to give
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env=_env(),
        timeout=120,
    )


def test_wheel_carries_every_package_and_the_shipped_files(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for top in ("deskapp", "screens"):
        for init in (ROOT / top).rglob("__init__.py"):
            assert init.relative_to(ROOT).as_posix() in names, f"{init} missing from the wheel"
        for source in (ROOT / top).rglob("*"):
            if source.suffix in (".py", ".tcss") and "__pycache__" not in source.parts:
                assert source.relative_to(ROOT).as_posix() in names, f"{source} missing from the wheel"
    for shipped in (ROOT / "templates").rglob("*"):
        if shipped.is_file():
            assert "deskapp/templates/" + shipped.relative_to(ROOT / "templates").as_posix() in names


def test_installed_copy_runs_every_command_from_any_folder(installed: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    data = tmp_path / "office-data"
    d = ["--data", str(data)]

    helped = deskapp(installed, elsewhere, "--help")
    assert helped.returncode == 0, helped.stderr
    for name in ("register", "list", "slip", "read", "export", "check"):
        assert name in helped.stdout

    line = json.dumps(
        {
            "kind": "studio",
            "unit": "准东某煤化工有限公司",
            "name": "煤化工技能大师工作室",
            "leader": "张卫东",
            "sector": "煤炭煤电煤化工",
            "members": 6,
            "pages": 20,
        },
        ensure_ascii=False,
    )
    reg = deskapp(installed, elsewhere, *d, "register", "--clerk", "张三", stdin=line + "\n")
    assert reg.returncode == 0, reg.stderr
    receipt = json.loads(reg.stdout.splitlines()[0])["receipt_no"]
    assert receipt == "ZD2026-GZS-0001"

    listed = deskapp(installed, elsewhere, *d, "list", "--json")
    assert [p["receipt_no"] for p in json.loads(listed.stdout)] == [receipt]

    slip = deskapp(installed, elsewhere, *d, "slip", receipt, "--out", str(tmp_path / "slip.pdf"), "--clerk", "张三")
    assert slip.returncode == 0, slip.stderr
    assert (tmp_path / "slip.pdf").read_bytes().startswith(b"%PDF")

    form = tmp_path / "附件1.docx"
    form1(form)
    read = deskapp(installed, elsewhere, *d, "read", str(form), "--json")
    assert read.returncode == 0, read.stderr
    assert "form1" in read.stdout or "附件1" in read.stdout

    book = tmp_path / "附件2.xlsx"
    exported = deskapp(installed, elsewhere, *d, "export", "annex2", "--out", str(book))
    assert exported.returncode == 0, exported.stderr
    assert zipfile.is_zipfile(book)

    checked = deskapp(installed, elsewhere, *d, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert not (elsewhere / "data").exists(), "the installed desk wrote into the folder it was started from"


def test_installed_copy_starts_its_screen_in_a_real_terminal(installed: Path, tmp_path: Path) -> None:
    data = tmp_path / "office-data"
    data.mkdir()
    (data / "desk.toml").write_text('[[staff]]\nname = "张三"\nrole = "clerk"\n', encoding="utf-8")
    session = f"installed-{os.getpid()}"
    env = _env(TERM="xterm-256color")
    command = f"{installed / 'deskapp'} --data {data}"
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "36", command],
        check=True,
        cwd=tmp_path,
        env=env,
    )
    try:

        def screen() -> str:
            return subprocess.run(
                ["tmux", "capture-pane", "-p", "-t", session], check=True, capture_output=True, text=True
            ).stdout

        def wait_for(text: str, seconds: float = 90) -> str:
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                shown = screen()
                if text.lower() in shown.lower():
                    return shown
                time.sleep(0.2)
            raise AssertionError(f"{text!r} never appeared:\n{screen()}")

        wait_for("张三")
        subprocess.run(["tmux", "send-keys", "-t", session, "Enter"], check=True)
        wait_for("f2 登记")  # the main screen's footer: the registration key
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], check=False, capture_output=True)  # may be gone


def test_installed_copy_keeps_one_record_whatever_the_folder(installed: Path, tmp_path: Path) -> None:
    """No --data: one fixed folder (the user data folder), never the folder the desk was started from."""
    env = _env(XDG_DATA_HOME=str(tmp_path / "share"), XDG_CONFIG_HOME=str(tmp_path / "config"))
    line = json.dumps(
        {
            "kind": "studio",
            "unit": "准东某煤化工有限公司",
            "name": "煤化工技能大师工作室",
            "leader": "张卫东",
            "sector": "煤炭煤电煤化工",
            "members": 6,
            "pages": 20,
        },
        ensure_ascii=False,
    )

    def run(cwd: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(installed / "deskapp"), *args],
            check=False,  # the test asserts the exit codes
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            cwd=cwd,
            env=env,
            timeout=120,
        )

    numbers = []
    for name in ("counterA", "counterB"):
        cwd = tmp_path / name
        cwd.mkdir()
        done = run(cwd, "register", "--clerk", "张三", stdin=line + "\n")
        assert done.returncode == 0, done.stderr
        numbers.append(json.loads(done.stdout)["receipt_no"])
        assert not (cwd / "data").exists() and not any(cwd.iterdir()), (
            "the desk wrote into the folder it was started from"
        )
    assert numbers == ["ZD2026-GZS-0001", "ZD2026-GZS-0002"]
    where = run(tmp_path, "where")
    assert (
        where.stdout.strip() == str(tmp_path / "share" / "zhundong-intake-desk")
        and "本机默认数据文件夹" in where.stderr
    )
    (tmp_path / "office").mkdir()
    assert run(tmp_path, "where", "--set", str(tmp_path / "office")).returncode == 0
    assert run(tmp_path / "counterA", "where").stdout.strip() == str(tmp_path / "office")
    listed = run(tmp_path, "list", "--json", "--data", str(tmp_path / "share" / "zhundong-intake-desk"))
    assert sorted(p["receipt_no"] for p in json.loads(listed.stdout)) == numbers
