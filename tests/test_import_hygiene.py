"""The core and the command line load without Textual (or the screens) in sys.modules."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_core_imports_without_textual():
    core = sorted(
        ".".join(p.relative_to(ROOT).with_suffix("").parts)  # subpackages too (deskapp.exports.annex2)
        for p in (ROOT / "deskapp").rglob("*.py")
        if p.stem not in ("__init__", "__main__", "app") and "templates" not in p.parts
    )
    code = (
        "import importlib, sys\n"
        f"for name in {core!r}:\n"
        "    importlib.import_module(name.replace('/', '.'))\n"
        "from deskapp.cli import build_parser; build_parser()\n"
        "bad = [m for m in sys.modules if m == 'textual' or m.startswith(('textual.', 'screens'))]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=False, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert len(core) >= 8


def test_screens_import_without_the_app_shell():
    """The screens sit under the app: every module of screens/ loads with deskapp.app absent from
    sys.modules (they name DeskApp for the type checker only; pyproject's import-linter contracts
    say the same of the source, this says it of the running interpreter)."""
    screens = sorted(f"screens.{p.stem}" for p in (ROOT / "screens").glob("*.py") if p.stem != "__init__")
    code = (
        "import importlib, sys\n"
        f"for name in {screens!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = [m for m in sys.modules if m in ('deskapp.app', 'deskapp.cli') or m.startswith('deskapp.cli_')]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=False, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert len(screens) >= 15
