"""The snapshot: the state up to one journal entry, so a start replays only what came after.

The file (``data/journal.snapshot``), format 3:

- a header line, JSON: ``format``; the entry it ends at (``offset`` in bytes, ``seq`` its
  entry number, ``hash``, ``last_start``, ``prefix_crc``); ``bytes`` and ``crc`` (CRC-32) of the rest;
- a line ``{"packs": [[id, round, kind, serial, receipt_no, unit, name, hay, initials, [offsets]], ...],
  "events": {action: offset}}``: the index rows (unit and name folded);
- one line per pack document (compact JSON), in the order of the rows.

Format 2 (written before the pinyin search keys were stored as ``search_keys`` instead of
``py``) is read the same way: its documents are brought to today's key when decoded.

It is a cache, never the record: it is used only when its checksum is right and the journal
holds the very entry it names (:meth:`deskapp.journal.Journal.resume`); otherwise the whole
journal is replayed. ``deskapp check`` compares it with a full replay (``deskapp.integrity``).
"""

from __future__ import annotations

import json
import time
import zlib
from pathlib import Path
from typing import Any

from deskapp.journal import Journal, write_atomic
from deskapp.search import haystack
from deskapp.state import PackRow, PackState

FORMAT = 3
READS = (2, 3)
"""Formats this version starts from."""
STALE_TMP_S = 600
"""A half-written snapshot (a desk killed while writing) older than this is removed."""


def load(path: Path, state: PackState, journal: Journal) -> int | None:
    """Fill the empty ``state`` from the snapshot at ``path`` and resume ``journal`` after it.

    Returns the entry number it ends at, or None when there is none, it is not whole, or the
    journal does not hold its entry (``state`` may then be half filled: clear it). Documents stay
    bytes until first used, so a start costs the index rows only.
    """
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    try:
        head_end = raw.index(b"\n")
        header: dict[str, Any] = json.loads(raw[:head_end])
        body = memoryview(raw)[head_end + 1 :]
        if header.get("format") not in READS or len(body) != header["bytes"] or zlib.crc32(body) != header["crc"]:
            return None
        rows_end = raw.index(b"\n", head_end + 1)
        index = json.loads(raw[head_end + 1 : rows_end])
        rows = index["packs"]
        docs = raw[rows_end + 1 :].split(b"\n")
        if len(docs) != len(rows) + 1 or docs[-1] != b"":
            return None
        for row, doc in zip(rows, docs, strict=False):
            pack_id, hay, lines = row[0], row[7:9], row[9]
            state.add_pack(pack_id, PackRow(row[1], row[2], int(row[3]), row[4], row[5], row[6]))
            state.docs.raw[pack_id] = doc
            state.index.set_hay(pack_id, (hay[0], hay[1]))
            state.lines[pack_id] = lines
        state.last_event.update(index["events"])
        last = state.order[-1] if state.order else None
        if last is not None and state.index.hay(last) != haystack(state.docs[last]):
            for pack_id in state.order:  # the search keys changed with a new version
                state.index.put(pack_id, state.docs[pack_id])
        resumed = journal.resume(
            header["offset"], header["seq"], header["hash"], header["last_start"], header.get("prefix_crc")
        )
    except (ValueError, KeyError, TypeError, IndexError, AttributeError):
        return None
    return int(header["seq"]) if resumed else None


def encode(state: PackState, journal: Journal) -> tuple[int, bytes]:
    """(entry number it ends at, the file's bytes) of the state as it is now (call under the store's lock)."""
    header: dict[str, Any] = {
        "format": FORMAT,
        "offset": journal.offset,
        "seq": journal.entry_no,
        "hash": journal.last_hash,
        "last_start": journal.last_start,
        "prefix_crc": journal.prefix_crc,
    }
    rows = [[i, *state.rows[i], *state.index.hay(i), state.lines.get(i, [])] for i in state.order]
    index = json.dumps({"packs": rows, "events": state.last_event}, ensure_ascii=False, separators=(",", ":"))
    body = b"\n".join([index.encode("utf-8")] + [state.docs.encoded(i) for i in state.order]) + b"\n"
    header["bytes"] = len(body)
    header["crc"] = zlib.crc32(body)
    return journal.entry_no, json.dumps(header).encode("ascii") + b"\n" + body


def write(path: Path, data: bytes) -> bool:
    """Write the snapshot atomically (any desk, any time); False when it could not (the old one stays)."""
    for stale in path.parent.glob(f".{path.name}.*.tmp"):  # left by a desk killed while writing one
        try:
            if time.time() - stale.stat().st_mtime > STALE_TMP_S:
                stale.unlink()
        except OSError:
            pass
    try:
        write_atomic(path, data)
    except OSError:
        return False
    return True
