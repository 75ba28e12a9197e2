"""HTML (and the other altChunk formats) as rows: what web "export to Word" tools put in a .docx.

:func:`html_rows` turns paragraphs into paragraph rows and tables into table rows laid on a
grid (``colspan``/``rowspan``: a cell spanned from above is ``continued``), so the same
label-driven extraction reads a form whatever its container. Only the standard library's
``html.parser`` is used; scripts and styles are skipped; nothing is fetched.
"""

from __future__ import annotations

import email
import email.policy
import re
from html.parser import HTMLParser

from deskapp.readers.grid import Cell, Row

MAX_CELLS = 20_000
MAX_SPAN = 64
BLOCK_TAGS = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "blockquote", "pre", "section", "article"}
)
SKIPPED = frozenset({"script", "style", "head", "title", "template", "noscript"})
_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.IGNORECASE)


def decode(data: bytes) -> str:
    """Text of an HTML or plain-text part: BOM, then the declared charset, then UTF-8, then GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    declared = _CHARSET.search(data[:4096])
    candidates = [declared.group(1).decode("ascii").lower()] if declared else []
    for encoding in (*candidates, "utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("utf-8", "replace")


class _Table:
    def __init__(self) -> None:
        self.rows: list[list[tuple[str, int, int]]] = []
        self.cell: list[str] | None = None
        self.span = (1, 1)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[Row] = []
        self.block = 0
        self.text: list[str] = []
        self.tables: list[_Table] = []
        self.skip = 0
        self.cells = 0

    # paragraphs outside tables
    def _flush(self) -> None:
        text = "".join(self.text).strip()
        self.text = []
        if text:
            self.block += 1
            self.out.append(Row(self.block, [Cell(" ".join(text.split()) if "\n" not in text else text)], True))

    def _sink(self) -> list[str]:
        if self.tables and self.tables[-1].cell is not None:
            return self.tables[-1].cell
        return self.text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED:
            self.skip += 1
            return
        if tag == "br":
            self._sink().append("\n")
        elif tag == "table":
            if not self.tables:
                self._flush()
            self.tables.append(_Table())
        elif not self.tables:
            if tag in BLOCK_TAGS:
                self._flush()
        elif tag == "tr":
            self.tables[-1].rows.append([])
        elif tag in ("td", "th"):
            table = self.tables[-1]
            if not table.rows:
                table.rows.append([])
            self._end_cell(table)
            table.cell = []
            values = dict(attrs)
            table.span = (_span(values.get("colspan")), _span(values.get("rowspan")))
        elif tag in BLOCK_TAGS:
            cell = self._sink()
            if cell and cell[-1] != "\n":
                cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED:
            self.skip = max(0, self.skip - 1)
            return
        if tag == "table" and self.tables:
            table = self.tables.pop()
            self._end_cell(table)
            self._emit(table)
        elif tag in ("td", "th") and self.tables:
            self._end_cell(self.tables[-1])
        elif tag in BLOCK_TAGS and not self.tables:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self._sink().append(data)

    def _end_cell(self, table: _Table) -> None:
        if table.cell is not None:
            text = "\n".join(" ".join(line.split()) for line in "".join(table.cell).split("\n"))
            table.rows[-1].append((text.strip("\n"), *table.span))
            table.cell = None

    def _emit(self, table: _Table) -> None:
        self.block += 1
        taken: dict[tuple[int, int], bool] = {}  # (row, grid column) covered by a rowspan from above
        for r, raw in enumerate(table.rows):
            cells: list[Cell] = []
            col = 0
            for text, colspan, rowspan in raw:
                while taken.get((r, col)):
                    cells.append(Cell("", col=col, continued=True))
                    col += 1
                cells.append(Cell(text, col=col, span=colspan))
                for below in range(r + 1, r + rowspan):
                    for c in range(col, col + colspan):
                        taken[(below, c)] = True
                col += colspan
            while taken.get((r, col)):
                cells.append(Cell("", col=col, continued=True))
                col += 1
            self.cells += len(cells)
            if self.cells > MAX_CELLS:
                return
            self.out.append(Row(self.block, cells))

    def close(self) -> None:
        super().close()
        while self.tables:
            table = self.tables.pop()
            self._end_cell(table)
            self._emit(table)
        self._flush()


def _span(value: str | None) -> int:
    try:
        return min(max(int(value or 1), 1), MAX_SPAN)
    except ValueError:
        return 1


def html_rows(text: str) -> list[Row]:
    """Paragraph rows and table rows of an HTML page, in document order (nested tables after their cell's table)."""
    parser = _Parser()
    parser.feed(text)
    parser.close()
    return parser.out


def text_rows(text: str) -> list[Row]:
    """Plain text as rows: each non-blank line a paragraph row of one cell (blocks numbered from 1)."""
    return [Row(i, [Cell(line)], paragraph=True) for i, line in enumerate(text.splitlines(), 1) if line.strip()]


def mime_html(data: bytes) -> str | None:
    """The HTML page of a web archive (.mht, "single file web page"), or None."""
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                charset = part.get_content_charset()
                if charset:
                    try:
                        return payload.decode(charset)
                    except (LookupError, UnicodeDecodeError):
                        pass
                return decode(payload)
    return None


def chunk_rows(data: bytes, content_type: str, depth: int, name: str) -> tuple[list[Row], str]:
    """Rows of an altChunk part, by its content (and content type); ``(rows, problem or "")``."""
    from deskapp.readers.sniff import sniff

    kind = sniff(data[:2048])
    if kind == "zip" or "wordprocessingml" in content_type:
        from deskapp.readers.wordml import embedded_docx_rows

        rows, problems = embedded_docx_rows(data, depth)
        return rows, "；".join(problems)
    if kind == "mime" or "rfc822" in content_type or "multipart" in content_type:
        html = mime_html(data)
        if html is None:
            return [], f"文件中嵌入的网页存档（{name}）里没有网页内容，未能读取这一部分"
        return html_rows(html), ""
    if kind == "html" or "html" in content_type or "xml" in content_type or data.lstrip()[:1] == b"<":
        return html_rows(decode(data)), ""
    if kind == "rtf" or "rtf" in content_type:
        return [], f"文件中嵌入了 RTF 格式的内容（{name}），无法读取这一部分；请让单位在 Word 中另存为 .docx 后再拷贝"
    if kind == "text" or content_type.startswith("text/"):
        return text_rows(decode(data)), ""
    return [], f"文件中嵌入的内容（{name}）格式无法识别，未能读取这一部分"
