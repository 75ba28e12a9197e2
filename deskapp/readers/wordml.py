"""A Word document read as Word shows it: one walker over the body, in document order.

The walker turns the main part of a .docx (found by relationship, see
:mod:`deskapp.readers.package`) into :class:`~deskapp.readers.grid.Row` objects:

- **content controls** (``w:sdt``) and custom XML are looked through at every level: around
  paragraphs and tables, around table rows (Word's repeating sections), around cells and runs;
- **alternate content** (``mc:AlternateContent``) is read once: the first ``mc:Choice``, else the
  ``mc:Fallback`` — a text box is stored twice (DrawingML and VML) and shown once;
- **tracked changes** read as if all were accepted: ``w:del`` and ``w:moveFrom`` are dropped,
  ``w:ins`` and ``w:moveTo`` kept, deleted table rows and cells left out, a paragraph whose mark
  was deleted joined to the next;
- what Word does not show is not read: hidden text (``w:vanish``), field codes, and content
  controls still showing their placeholder;
- **altChunk** parts (what web "export to Word" tools write) are read through the part's
  relationships: HTML (also inside a web archive), a whole embedded .docx, plain text;
- **tables** are laid on their grid (``gridBefore``, ``gridSpan``, ``vMerge``, old-style
  ``hMerge``) without having to square them: a vertical merge that does not line up with the
  row above (Word shows such files) is read as far as it goes and reported by the table's
  position; a table that still fails is skipped with its position, and the rest of the file
  is read.

Errors: :class:`~deskapp.readers.sniff.UnsafeFile` when the document holds more than
``MAX_CELLS`` cells or ``MAX_ROWS`` rows (bounds the reading time).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import TYPE_CHECKING

from deskapp.readers.grid import Cell, Row
from deskapp.readers.package import Package
from deskapp.readers.sniff import UnsafeFile

if TYPE_CHECKING:
    from lxml.etree import _Element

MAX_ROWS = 5_000
MAX_CELLS = 20_000
"""A filled 附件1 has a few hundred cells; far more is refused, to bound the reading time."""
MAX_SPAN = 64
MAX_CHUNK_DEPTH = 2
"""An altChunk may hold a .docx that holds an altChunk; deeper nesting is not followed."""

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"

P, TBL, TR, TC, SDT, SDT_CONTENT = W + "p", W + "tbl", W + "tr", W + "tc", W + "sdt", W + "sdtContent"
ALT_CHUNK, ALTERNATE = W + "altChunk", MC + "AlternateContent"
CHOICE, FALLBACK = MC + "Choice", MC + "Fallback"
DROPPED = frozenset({W + "del", W + "moveFrom"})
"""Tracked deletions and the source of tracked moves: not in the document once changes are accepted."""
SEE_THROUGH = frozenset({W + "customXml", W + "ins", W + "moveTo", W + "smartTag", SDT_CONTENT})
"""Wrappers whose children belong to the level around them."""
NO_TEXT = frozenset(
    {
        W + "pPr",
        W + "rPr",
        W + "sdtPr",
        W + "sdtEndPr",
        W + "tblPr",
        W + "trPr",
        W + "tcPr",
        W + "instrText",
        W + "delText",
        W + "delInstrText",
        W + "fldData",
        W + "commentReference",
        W + "footnoteReference",
        W + "endnoteReference",
    }
)
"""Properties, field codes and deleted text: never shown as text."""
T, TAB, BR, CR, NB_HYPHEN = W + "t", W + "tab", W + "br", W + "cr", W + "noBreakHyphen"


def choose(alternate: _Element) -> _Element | None:
    """The one branch of ``mc:AlternateContent`` to read: the first Choice, else the Fallback."""
    for tag in (CHOICE, FALLBACK):
        branch = alternate.find(tag)
        if branch is not None:
            return branch
    return None


def _on(element: _Element | None) -> bool:
    """A toggle property (``<w:vanish/>``, ``<w:showingPlcHdr/>``) present and not switched off."""
    return element is not None and element.get(W + "val", "true") not in ("0", "false", "off")


def placeholder(sdt: _Element) -> bool:
    """A content control still showing its placeholder ("单击或点击此处输入文字"): nothing was typed."""
    props = sdt.find(W + "sdtPr")
    return props is not None and _on(props.find(W + "showingPlcHdr"))


def hidden(run: _Element) -> bool:
    """A run formatted as hidden text (Word does not show or print it)."""
    props = run.find(W + "rPr")
    return props is not None and _on(props.find(W + "vanish"))


def mark_deleted(paragraph: _Element) -> bool:
    """The paragraph mark was deleted with tracked changes: accepted, the paragraph joins the next."""
    props = paragraph.find(W + "pPr")
    marks = props.find(W + "rPr") if props is not None else None
    return marks is not None and (marks.find(W + "del") is not None or marks.find(W + "moveFrom") is not None)


def joined_paragraphs(items: Iterator[_Element] | list[_Element]) -> Iterator[tuple[_Element | None, str]]:
    """``(item, text)`` for block items, a paragraph whose mark was deleted joined to the next one
    (tables and chunks pass with text "")."""
    pending = ""
    for item in items:
        if item.tag == P:
            text = pending + paragraph_text(item)
            if mark_deleted(item):
                pending = text
                continue
            pending = ""
            yield item, text
        else:
            if pending:
                yield None, pending
                pending = ""
            yield item, ""
    if pending:
        yield None, pending


def paragraph_text(paragraph: _Element) -> str:
    """A paragraph's text as Word shows it with all changes accepted; tabs, breaks and text boxes kept."""
    parts: list[str] = []
    _inline(paragraph, parts)
    return "".join(parts)


def _inline(element: _Element, parts: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag == T:
            parts.append(child.text or "")
        elif tag in DROPPED or tag in NO_TEXT or not isinstance(tag, str):
            continue
        elif tag == TAB:
            parts.append("\t")
        elif tag in (BR, CR):
            parts.append("\n")
        elif tag == NB_HYPHEN:
            parts.append("-")
        elif tag == ALTERNATE:
            branch = choose(child)
            if branch is not None:
                _inline(branch, parts)
        elif (tag == W + "r" and hidden(child)) or (tag == SDT and placeholder(child)):
            continue
        elif tag == W + "txbxContent":  # a text box: its paragraphs, one per line
            lines = [line for line in _block_lines(child) if line.strip()]
            parts.append("\n".join(lines))
        else:  # runs, hyperlinks, fields, content controls, drawings, VML shapes …
            _inline(child, parts)


def _block_lines(container: _Element) -> list[str]:
    """Text lines of block-level content (a text box, a cell): paragraphs, and table cells by tabs."""
    lines: list[str] = []
    for item, text in joined_paragraphs(blocks(container)):
        if item is None or item.tag == P:
            lines.append(text)
        elif item.tag == TBL:
            lines.extend("\t".join("\n".join(_block_lines(tc)) for tc, _ in row_cells(tr)) for tr in table_rows(item))
    return lines


def blocks(parent: _Element) -> Iterator[_Element]:
    """Block-level items of a body, cell or text box in document order: ``w:p``, ``w:tbl``, ``w:altChunk``."""
    for child in parent:
        tag = child.tag
        if tag in (P, TBL, ALT_CHUNK):
            yield child
        elif tag == SDT:
            content = child.find(SDT_CONTENT)
            if content is not None and not placeholder(child):
                yield from blocks(content)
        elif tag in SEE_THROUGH:
            yield from blocks(child)
        elif tag == ALTERNATE:
            branch = choose(child)
            if branch is not None:
                yield from blocks(branch)


def table_rows(table: _Element) -> Iterator[_Element]:
    """A table's rows, also those wrapped in content controls (repeating sections) or custom XML;
    rows deleted with tracked changes left out."""
    for child in table:
        tag = child.tag
        if tag == TR:
            props = child.find(W + "trPr")
            if props is None or props.find(W + "del") is None:
                yield child
        elif tag == SDT:
            content = child.find(SDT_CONTENT)
            if content is not None:
                yield from table_rows(content)
        elif tag in SEE_THROUGH:
            yield from table_rows(child)
        elif tag == ALTERNATE:
            branch = choose(child)
            if branch is not None:
                yield from table_rows(branch)


def row_cells(row: _Element) -> Iterator[tuple[_Element, _Element | None]]:
    """A row's cells as ``(w:tc, w:tcPr or None)``, also those in content controls; deleted cells left out."""
    for child in row:
        tag = child.tag
        if tag == TC:
            props = child.find(W + "tcPr")
            if props is None or props.find(W + "cellDel") is None:
                yield child, props
        elif tag == SDT:
            content = child.find(SDT_CONTENT)
            if content is not None:
                yield from row_cells(content)
        elif tag in SEE_THROUGH:
            yield from row_cells(child)
        elif tag == ALTERNATE:
            branch = choose(child)
            if branch is not None:
                yield from row_cells(branch)


def _int(element: _Element | None, default: int) -> int:
    if element is None:
        return default
    try:
        return int(element.get(W + "val", default))
    except ValueError:
        return default


class Walker:
    """Rows of one Word document (and of the parts it pulls in); ``problems`` says what was odd."""

    def __init__(self, package: Package, part: str, depth: int = 0) -> None:
        self.package = package
        self.part = part
        self.depth = depth
        self.rows: list[Row] = []
        self.problems: list[str] = []
        self.block = 0
        self.cells = 0
        self.tables = 0
        self.last_text = ""
        """The last paragraph read, to say where a table is."""

    def read(self) -> list[Row]:
        """The rows of the part's ``w:body`` in reading order (paragraphs, table rows, pulled-in chunks).
        Raises :class:`UnsafeFile` when the part or its body is missing, or past :data:`MAX_CELLS` cells /
        :data:`MAX_ROWS` rows; an odd table is skipped with a remark in ``problems`` instead."""
        document = self.package.xml(self.part)
        if document is None:
            raise UnsafeFile(f"文件中找不到正文部件（{self.part}），可能已损坏；请让单位重新另存后再拷贝")
        body = document.find(W + "body")
        if body is None:
            raise UnsafeFile("文件中没有正文（w:body），不是正常的 Word 文档；请让单位重新另存后再拷贝")
        self.walk(body)
        return self.rows

    def _count(self, cells: int) -> None:
        self.cells += cells
        if self.cells > MAX_CELLS or len(self.rows) > MAX_ROWS:
            raise UnsafeFile(f"文件中的表格超过 {MAX_CELLS} 个单元格或 {MAX_ROWS} 行，远超申报表，疑似恶意文件，未读取")

    def walk(self, container: _Element) -> None:
        """Append the rows of a block container (the body, a text box) to :attr:`rows`."""
        for item, text in joined_paragraphs(blocks(container)):
            if item is None or item.tag == P:
                self.block += 1
                self.rows.append(Row(self.block, [Cell(text)], paragraph=True))
                self._count(0)
                if text.strip():
                    self.last_text = text.strip()
            elif item.tag == TBL:
                self.table(item)
            else:
                self.alt_chunk(item)

    # -- tables ------------------------------------------------------------------------------
    def where(self, number: int) -> str:
        """Where table ``number`` is, for the clerk: 第 N 个表格（“last paragraph before it”之后）."""
        after = self.last_text.replace("\n", " ")
        after = after if len(after) <= 16 else after[:15] + "…"
        return f"第 {number} 个表格" + (f"（“{after}”之后）" if after else "")

    def table(self, table: _Element) -> None:
        """Append a ``w:tbl``'s rows (merged cells once, nested tables after their row); a table that
        cannot be read is dropped with a remark, never the whole file (only :class:`UnsafeFile`, past the
        bounds, stops it)."""
        self.tables += 1
        number = self.tables
        start = len(self.rows)
        try:
            self._table(table, number)
        except UnsafeFile:
            raise
        except Exception as exc:  # noqa: BLE001 - one odd table must not lose the file
            del self.rows[start:]
            self.problems.append(f"{self.where(number)}无法读取（{type(exc).__name__}），已跳过；其余内容照常读取")

    def _table(self, table: _Element, number: int) -> None:
        self.block += 1
        block = self.block
        above: dict[int, int] = {}  # grid column where a cell of the row above starts → its span
        odd: list[int] = []
        for index, tr in enumerate(table_rows(table), 1):
            props = tr.find(W + "trPr")
            col = _int(props.find(W + "gridBefore") if props is not None else None, 0)
            cells: list[Cell] = []
            nested: list[_Element] = []
            for tc, tc_props in row_cells(tr):
                span, continued, h_continue = 1, False, False
                if tc_props is not None:
                    span = min(max(_int(tc_props.find(W + "gridSpan"), 1), 1), MAX_SPAN)
                    v_merge = tc_props.find(W + "vMerge")
                    continued = v_merge is not None and v_merge.get(W + "val", "continue") != "restart"
                    h_merge = tc_props.find(W + "hMerge")
                    h_continue = h_merge is not None and h_merge.get(W + "val", "continue") != "restart"
                if h_continue and cells:  # old-style horizontal merge: part of the cell before
                    cells[-1].span += span
                    col += span
                    continue
                if continued and above.get(col) != span and index not in odd:
                    odd.append(index)
                lines: list[str] = []
                for item, text in joined_paragraphs(blocks(tc)):
                    if item is None or item.tag == P:
                        lines.append(text)
                    else:
                        nested.append(item)  # nested tables (and chunks) are rows of their own
                cells.append(Cell("\n".join(lines), col=col, span=span, continued=continued))
                col += span
            above = {cell.col: cell.span for cell in cells}
            self.rows.append(Row(block, cells))
            self._count(len(cells))
            if nested:
                for item in nested:
                    if item.tag == TBL:
                        self.table(item)
                    else:
                        self.alt_chunk(item)
        if odd:
            rows = "、".join(str(i) for i in odd[:5]) + ("…" if len(odd) > 5 else "")
            first = next((c.text.strip() for r in self.rows if r.block == block for c in r.cells if c.text.strip()), "")
            first = first if len(first) <= 12 else first[:11] + "…"
            self.problems.append(
                f"{self.where(number)}{f'（首格“{first}”）' if first else ''}第 {rows} 行的纵向合并单元格与上一行对不齐，"
                "已按能读出的内容读取，请对照纸质版核对该表"
            )

    # -- altChunk ----------------------------------------------------------------------------
    def alt_chunk(self, chunk: _Element) -> None:
        """Append the rows of a ``w:altChunk`` (HTML, text or a whole .docx pulled into the document,
        bounded in depth); a missing target is a remark."""
        rel_id = chunk.get(R_ID, "")
        rel = next((r for r in self.package.rels(self.part) if r.id == rel_id), None)
        if rel is None or rel.external or not self.package.has(rel.target):
            self.problems.append(
                "文件中嵌入的内容（altChunk）找不到，未能读取这一部分；请让单位用 Word 重新另存后再拷贝"
            )
            return
        data = self.package.raw(rel.target) or b""
        content_type = self.package.content_type(rel.target).lower()
        from deskapp.readers.htmlrows import chunk_rows

        rows, problem = chunk_rows(data, content_type, self.depth, rel.target)
        if problem:
            self.problems.append(problem)
        offset = self.block
        for row in rows:
            row.block += offset
            self.block = max(self.block, row.block)
            self.rows.append(row)
            self._count(len(row.cells))


def docx_rows(package: Package, part: str, depth: int = 0) -> tuple[list[Row], list[str]]:
    """The rows of the Word document whose main part is ``part``, and the problems met."""
    walker = Walker(package, part, depth)
    rows = walker.read()
    return rows, walker.problems


def embedded_docx_rows(data: bytes, depth: int) -> tuple[list[Row], list[str]]:
    """A whole .docx held inside another (an altChunk of Word type), bounded like a file."""
    from deskapp.readers.sniff import check_zip

    if depth >= MAX_CHUNK_DEPTH:
        return [], ["文件中嵌入的 Word 内容层层嵌套过深，未读取其中更深的部分"]
    info = check_zip(io.BytesIO(data))
    if info.office != "docx":
        return [], ["文件中嵌入的内容不是 Word 文档，未读取"]
    with Package.open(io.BytesIO(data)) as package:
        return docx_rows(package, info.main, depth + 1)
