"""A document as rows of cells, and the label-driven extraction over them.

Word tables, body paragraphs and spreadsheet rows all become :class:`Row` objects in
reading order. A cell knows its grid column and span (merged cells appear once) and
whether it continues a vertically merged cell above (then it carries no text of its own).
Extraction never relies on fixed positions: it finds table header rows by their column
names, fields by their labels, and long texts by the label before them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from deskapp.readers.labels import Label, LabelSet, clean_cell, clean_long, clean_value, label_key, split_labelled

MAX_TABLE_ROWS = 500
MAX_LONG_CHARS = 50_000


@dataclass
class Cell:
    """One cell of a row, as laid out in the document's grid."""

    text: str
    col: int = 0
    """Grid column (0-based) where the cell starts."""
    span: int = 1
    """Grid columns it covers (a horizontally merged cell appears once)."""
    continued: bool = False
    """Continues a vertically merged cell above: it carries no text of its own."""


@dataclass
class Row:
    """One table row or body paragraph of a document, in reading order."""

    block: int
    """Rows of one table share a block number; each body paragraph has its own."""
    cells: list[Cell]
    paragraph: bool = False
    """A body paragraph (one cell), not a table row."""

    def texts(self) -> list[str]:
        """The texts of its own cells, left to right (continued cells left out)."""
        return [c.text for c in self.cells if not c.continued]

    def text(self) -> str:
        """Its non-blank cell texts, one per line."""
        return "\n".join(t for t in self.texts() if t.strip())


@dataclass(frozen=True)
class TableSpec:
    """A table found by its header row: at least ``min_hits`` of its column names in one row."""

    name: str
    columns: tuple[Label, ...]
    min_hits: int = 3


@dataclass(frozen=True)
class FormSpec:
    """What to find in one of the notice's forms (附件1–4, :mod:`deskapp.readers.forms`): short fields by
    their labels, long texts after their label, tables by their header rows."""

    scalars: tuple[Label, ...]
    longs: tuple[Label, ...]
    tables: tuple[TableSpec, ...]
    sections: tuple[Label, ...] = ()
    """Headings that are neither fields nor tables (they end a long text)."""
    stops: tuple[str, ...] = ()
    """Normalised prefixes of texts that end a long text or a table (opinion boxes, 附件N)."""


@dataclass
class Extracted:
    """What :meth:`Extractor.run` found: field name → text, table name → rows (column name → text)."""

    fields: dict[str, str] = field(default_factory=dict)
    tables: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    headers: set[str] = field(default_factory=set)
    """Tables whose header row was found (even with no rows filled)."""
    labels: set[str] = field(default_factory=set)
    """Every label seen, filled or not."""


class Extractor:
    """Finds a :class:`FormSpec`'s fields and tables in a document's rows, by labels, never by position."""

    def __init__(self, spec: FormSpec) -> None:
        self.spec = spec
        self.scalars = LabelSet(spec.scalars)
        self.longs = LabelSet(spec.longs)
        self.all = LabelSet((*spec.scalars, *spec.longs, *spec.sections))
        self.heads = LabelSet(col for t in spec.tables for col in t.columns)
        self.table_labels = [(table, LabelSet(table.columns)) for table in spec.tables]
        self.stops = tuple(label_key(s) for s in spec.stops)
        self.scalar_names = {label.name for label in spec.scalars}
        self.long_names = {label.name for label in spec.longs}

    # -- what a row is -----------------------------------------------------------------------
    def _header(self, row: Row) -> tuple[TableSpec, dict[int, str]] | None:
        if row.paragraph:
            return None
        best: tuple[TableSpec, dict[int, str]] | None = None
        for table, names in self.table_labels:
            hits: dict[int, str] = {}
            for cell in row.cells:
                label = None if cell.continued else names.exact(cell.text)
                if label is not None and label.name not in hits.values():
                    hits[cell.col] = label.name
            if len(hits) >= table.min_hits and (best is None or len(hits) > len(best[1])):
                best = (table, hits)
        return best

    def _stops(self, text: str) -> bool:
        key = label_key(text)
        return bool(key) and any(key.startswith(s) for s in self.stops)

    def _is_label_row(self, row: Row) -> bool:
        for text in row.texts():
            if self._stops(text) or self.all.exact(text) or self.heads.exact(text):
                return True
            found = self.all.match(text)
            if found and (found[0].name not in self.scalar_names or row.paragraph):
                return True
        return self._header(row) is not None

    # -- extraction --------------------------------------------------------------------------
    def run(self, rows: list[Row]) -> Extracted:
        """Tables first (header rows, at most :data:`MAX_TABLE_ROWS` rows each), then the fields in the
        rows no table used; long texts at most :data:`MAX_LONG_CHARS` characters. Never raises for odd
        content: what is not found is simply absent."""
        out = Extracted()
        used: set[int] = set()
        self._tables(rows, out, used)
        self._fields(rows, out, used)
        return out

    def _tables(self, rows: list[Row], out: Extracted, used: set[int]) -> None:
        for i, row in enumerate(rows):
            found = self._header(row)
            if found is None:
                continue
            table, columns = found
            used.add(i)
            out.headers.add(table.name)
            records = out.tables.setdefault(table.name, [])
            j = i + 1
            while j < len(rows) and rows[j].block == row.block and not self._is_label_row(rows[j]):
                used.add(j)
                record = _record(rows[j], columns)
                if any(v for k, v in record.items() if k != "序号") and len(records) < MAX_TABLE_ROWS:
                    records.append(record)
                j += 1

    def _fields(self, rows: list[Row], out: Extracted, used: set[int]) -> None:
        i = 0
        while i < len(rows):
            if i in used:
                i += 1
                continue
            row = rows[i]
            pieces = [p for text in row.texts() for p in split_labelled(text, self.all)]
            k = 0
            gathered = False
            while k < len(pieces):
                found = self.all.match(pieces[k])
                k += 1
                if found is None:
                    continue
                label, inline = found
                out.labels.add(label.name)
                nxt = pieces[k] if k < len(pieces) else None
                take_next = not inline and nxt is not None and self.all.match(nxt) is None and not self._stops(nxt)
                if take_next:
                    k += 1
                value = inline or (nxt if take_next else "") or ""
                if label.name in self.long_names:
                    if not take_next and (nxt is None) and not gathered:
                        more, last = self._gather(rows, i + 1, used)
                        value = "\n".join(v for v in (value, more) if v)
                        gathered = True
                        if last > i:
                            used.update(range(i + 1, last + 1))
                    value = clean_long(value)[:MAX_LONG_CHARS]
                elif label.name in self.scalar_names:
                    value = clean_value(value)
                else:
                    continue
                if value and not out.fields.get(label.name):
                    out.fields[label.name] = value
                else:
                    out.fields.setdefault(label.name, "")
            i += 1

    def _gather(self, rows: list[Row], start: int, used: set[int]) -> tuple[str, int]:
        """Texts of the rows after a long field's label, up to the next label; (text, last row)."""
        parts: list[str] = []
        last = start - 1
        size = 0
        for j in range(start, len(rows)):
            if j in used or self._is_label_row(rows[j]):
                break
            text = rows[j].text()
            if text.strip():
                parts.append(text)
                size += len(text)
            last = j
            if size > MAX_LONG_CHARS:
                break
        return "\n".join(parts), last


def _record(row: Row, columns: dict[int, str]) -> dict[str, str]:
    record = dict.fromkeys(columns.values(), "")
    for cell in row.cells:
        if cell.continued:
            continue
        for col in range(cell.col, cell.col + max(cell.span, 1)):
            name = columns.get(col)
            if name is not None:
                record[name] = record[name] or clean_cell(cell.text)
                break
    return record
