"""Rewrite deskapp/glyphs.py: the code points the receipt slip's shipped fonts can print.

    .venv/bin/python tools/make_glyphs.py

Run it whenever a font under templates/fonts/ changes (tests/test_intake.py fails until then):
the text door (deskapp/text.py, deskapp/intake.py) reads the table without loading any font.
"""

from __future__ import annotations

import re
from pathlib import Path

from deskapp.glyphs import ranges_of
from deskapp.slip_fonts import FONTS

OUT = Path(__file__).resolve().parent.parent / "deskapp" / "glyphs.py"
TABLE = re.compile(r"^RANGES: .*?^\)\n", re.DOTALL | re.MULTILINE)


def main() -> None:
    covered = FONTS.coverage()
    if covered is None:
        raise SystemExit("uharfbuzz is needed to read the fonts")
    rows = ranges_of(covered)
    table = "RANGES: tuple[tuple[int, int], ...] = (\n"
    table += "".join(f"    (0x{a:04X}, 0x{b:04X}),\n" for a, b in rows)
    table += ")\n"
    text = OUT.read_text(encoding="utf-8")
    OUT.write_text(TABLE.sub(lambda _: table, text, count=1), encoding="utf-8")
    print(f"{OUT}: {len(rows)} ranges")


if __name__ == "__main__":
    main()
