"""The core and the command line load without Textual (or the screens) in sys.modules."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_core_imports_without_textual():
    core = sorted(
        ".".join(p.relative_to(ROOT).with_suffix("").parts)  # subpackages too (deskapp.exports.annex2)
        for p in (ROOT / "deskapp").rglob("*.py")
        # app and serve_driver (a served session's Textual driver) are the screen side
        if p.stem not in ("__init__", "__main__", "app", "serve_driver") and "templates" not in p.parts
    )
    code = (
        "import importlib, sys\n"
        f"for name in {core!r}:\n"
        "    importlib.import_module(name.replace('/', '.'))\n"
        "from deskapp.cli import build_parser; build_parser()\n"
        "bad = [m for m in sys.modules if m == 'textual' or m.startswith(('textual.', 'screens'))]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    assert len(core) >= 8
