"""The core and the command line load without Textual (or the screens) in sys.modules; the screens
load without the app shell."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def loaded_after(modules: list[str], then: str = "") -> list[str]:
    """Import ``modules`` (then run ``then``) in a fresh interpreter; the names in its sys.modules."""
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"{then}\n"
        "print('\\n'.join(sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=False, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


def test_core_imports_without_textual():
    core = sorted(
        ".".join(p.relative_to(ROOT).with_suffix("").parts)  # subpackages too (deskapp.exports.annex2)
        for p in (ROOT / "deskapp").rglob("*.py")
        # app and serve_driver (a served session's Textual driver) are the screen side
        if p.stem not in ("__init__", "__main__", "app", "serve_driver") and "templates" not in p.parts
    )
    loaded = loaded_after(core, "from deskapp.cli import build_parser; build_parser()")
    assert [m for m in loaded if m == "textual" or m.startswith(("textual.", "screens"))] == []
    assert len(core) >= 8 and "deskapp.cli" in loaded


def test_screens_import_without_the_app_shell():
    """The screens sit under the app: every module of screens/ loads with deskapp.app absent from
    sys.modules (they name DeskApp for the type checker only; pyproject's import-linter contracts
    say the same of the source, this says it of the running interpreter)."""
    screens = sorted(f"screens.{p.stem}" for p in (ROOT / "screens").glob("*.py") if p.stem != "__init__")
    loaded = loaded_after(screens)
    assert [m for m in loaded if m in ("deskapp.app", "deskapp.cli") or m.startswith("deskapp.cli_")] == []
    assert len(screens) >= 15 and "screens.main" in loaded
