"""An .xlsx workbook as rows: every sheet's cell values, one block per sheet.

Read straight from the package (sheets by the workbook's relationships, shared strings,
inline strings, cached formula results), Strict or Transitional alike. Values are text as
Excel stores them; number formats are not applied (a whole number reads ``6``, not ``6.0``).
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

from deskapp.readers.grid import Cell, Row
from deskapp.readers.package import Package, refuse_dtd, to_transitional

if TYPE_CHECKING:
    from lxml.etree import _Element

MAX_CELLS = 20_000
MAX_SHEET_ROWS = 1_000
MAX_SHEET_COLS = 30
MAX_SHEETS = 10

S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_REF = re.compile(r"([A-Z]+)(\d+)")


def _column(ref: str) -> int | None:
    m = _REF.match(ref or "")
    if m is None:
        return None
    n = 0
    for ch in m.group(1):
        n = n * 26 + ord(ch) - 64
    return n - 1


def _text(element: _Element) -> str:
    """A shared or inline string: its ``t`` texts (rich-text runs joined), phonetic runs left out."""
    return "".join(t.text or "" for t in element.iter(S + "t") if _parent_tag(t) != S + "rPh")


def _parent_tag(element: _Element) -> str:
    parent = element.getparent()
    return "" if parent is None else str(parent.tag)


def _number(text: str) -> str:
    try:
        value = float(text)
    except ValueError:
        return text
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value) if "e" not in text.lower() else text


def xlsx_rows(package: Package, main: str) -> tuple[list[Row], bool]:
    """Every sheet's used range (first ``MAX_SHEETS`` sheets, ``MAX_SHEET_ROWS`` rows, ``MAX_SHEET_COLS``
    columns, ``MAX_CELLS`` cells); True when the workbook was cut short."""
    from lxml import etree

    workbook = package.xml(main)
    rels = {r.id: r for r in package.rels(main)}
    shared: list[str] = []
    strings = next((r for r in rels.values() if r.type.endswith("/sharedStrings")), None)
    if strings is not None and package.has(strings.target):
        tree = package.xml(strings.target)
        shared = [] if tree is None else [_text(si) for si in tree.iter(S + "si")]
    sheets = [] if workbook is None else list(workbook.iter(S + "sheet"))
    rows: list[Row] = []
    cells = 0
    for block, sheet in enumerate(sheets[:MAX_SHEETS], 1):
        rel = rels.get(sheet.get(R_ID, ""))
        if rel is None or not package.has(rel.target):
            continue
        data = to_transitional(package.raw(rel.target) or b"")
        refuse_dtd(data, rel.target)
        count = 0
        for _, row in etree.iterparse(
            io.BytesIO(data), events=("end",), tag=S + "row", resolve_entities=False, no_network=True, huge_tree=False
        ):
            count += 1
            if count > MAX_SHEET_ROWS:
                return rows, True
            out: list[Cell] = []
            for i, c in enumerate(row.iter(S + "c")):
                col = _column(c.get("r", ""))
                col = i if col is None else col
                if col >= MAX_SHEET_COLS:
                    continue
                kind = c.get("t", "n")
                v = c.find(S + "v")
                raw = v.text if v is not None and v.text is not None else ""
                if kind == "s":
                    try:
                        text = shared[int(raw)]
                    except (ValueError, IndexError):
                        text = ""
                elif kind == "inlineStr":
                    inline = c.find(S + "is")
                    text = _text(inline) if inline is not None else ""
                elif kind == "b":
                    text = {"1": "TRUE", "0": "FALSE"}.get(raw, raw)
                elif kind in ("str", "e", "d"):
                    text = raw
                else:
                    text = _number(raw) if raw else ""
                if text:
                    out.append(Cell(text, col=col))
            row.clear()
            rows.append(Row(block, out))
            cells += len(out)
            if cells > MAX_CELLS:
                return rows, True
    return rows, len(sheets) > MAX_SHEETS
