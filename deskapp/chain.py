"""The hash chain of the journal: how an entry's hash is made, and the whole-chain check.

Each entry carries ``seq`` (its entry number, 1, 2, 3 ... with no gap), ``prev`` (the hash of
the entry before; :data:`GENESIS` for the first) and ``hash``: HMAC-SHA256 under the desk's
chain key over ``prev`` and the entry's canonical JSON without ``hash`` (entries marked
``"v": 2``); journals written before carry a plain SHA-256, still read. A quiet edit of
history breaks the chain where it was made, and a forger without the key cannot mend it.
``deskapp.journal`` writes entries; :func:`verify_chain` checks a whole file from the start.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deskapp.office_secret import SecretError, load_secret

GENESIS = "0" * 64
CHAIN_VERSION = 2
"""Entries carrying ``"v": 2`` are keyed: their hash is HMAC-SHA256 under the desk's chain key.
Entries without ``v`` (journals written before) carry a plain SHA-256; once a keyed entry is on
file, every later one must be keyed too."""


def canonical(body: dict[str, Any]) -> bytes:
    """The bytes an entry is hashed (and written) as: sorted keys, no spaces, UTF-8."""
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def entry_hash(prev: str, body: dict[str, Any], key: bytes | None = None) -> str:
    """The hash an entry must carry: HMAC-SHA256 under ``key`` for a keyed entry (``v`` = 2),
    plain SHA-256 of ``prev`` + canonical JSON for an old one. ValueError: keyed entry, no key."""
    data = prev.encode("ascii") + canonical(body)
    if body.get("v") == CHAIN_VERSION:
        if key is None:
            raise ValueError("no chain key")
        return hmac.new(key, data, hashlib.sha256).hexdigest()
    return hashlib.sha256(data).hexdigest()


def chain_key(secret: bytes) -> bytes:
    """The journal's chain key, derived from the office's secret (``data/secret.key``)."""
    return hmac.new(secret, b"desk-journal-chain-v2", hashlib.sha256).digest()


def body_of(entry: dict[str, Any]) -> dict[str, Any]:
    """The entry without its own ``hash``: what the hash covers."""
    return {k: v for k, v in entry.items() if k != "hash"}


@dataclass(frozen=True)
class BadEntry:
    """The first entry of a journal that is not what the chain says it should be."""

    line: int
    why: str
    action: str = ""
    at: str = ""

    def describe(self) -> str:
        """Where and why, as the supervisor reads it (Chinese)."""
        what = f"（{self.action}，{self.at}）" if self.action or self.at else ""
        return f"第 {self.line} 行（序号 {self.line}）{what}：{self.why}"


@dataclass(frozen=True)
class ChainReport:
    """What :func:`verify_chain` found."""

    entries: int
    """Entries whose chain and hash are good, from the first on."""
    last_hash: str
    bad: BadEntry | None = None
    torn_tail: bool = False
    """An unterminated last line: a write interrupted by a crash, never committed (not a fault)."""
    committed_bytes: int = 0
    acknowledged: tuple[int, ...] = ()
    """Lines found altered that a supervisor has acknowledged (they did not stop the check)."""

    @property
    def ok(self) -> bool:
        """No entry breaks the chain."""
        return self.bad is None


SIBLING_KEY: Any = object()
"""``verify_chain``'s default: the key derived from ``secret.key`` beside the journal (a data folder, a backup)."""


def sibling_key(path: Path) -> bytes | None:
    """The chain key from the ``secret.key`` beside ``path``, or None (never creates one)."""
    secret = path.with_name("secret.key")
    if not secret.exists():
        return None
    try:
        return chain_key(load_secret(secret))
    except (SecretError, OSError):
        return None


def verify_chain(
    path: Path, key: bytes | None = SIBLING_KEY, *, acknowledged: dict[int, str] | None = None
) -> ChainReport:
    """Check the whole chain from the start: every line parses, seq runs 1..n, each ``prev``
    is the hash before, each ``hash`` is right for its content -- keyed entries (``v`` = 2)
    under ``key``; after the first keyed entry, every one must be keyed.

    ``acknowledged``: line -> hash of entries whose content a supervisor acknowledged as
    altered (``deskapp recover``); they do not stop the check (the report still lists them).
    """
    if key is SIBLING_KEY:
        key = sibling_key(path)
    good = 0
    prev = GENESIS
    position = 0
    keyed = False
    known: list[int] = []
    if acknowledged is None:
        acknowledged = acknowledged_lines(path)
    try:
        handle = open(path, "rb")  # noqa: SIM115 -- the with below closes it; a missing file returns first
    except FileNotFoundError:
        return ChainReport(0, GENESIS)
    with handle:
        for line_no, raw in enumerate(handle, 1):
            if not raw.endswith(b"\n"):
                return ChainReport(good, prev, torn_tail=True, committed_bytes=position)
            try:
                entry = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                return ChainReport(
                    good,
                    prev,
                    BadEntry(line_no, "无法解析（不是完整的 JSON，文件被改动或损坏）"),
                    committed_bytes=position,
                )
            if not isinstance(entry, dict):
                return ChainReport(good, prev, BadEntry(line_no, "不是一条记录"), committed_bytes=position)
            action, at = str(entry.get("action", "")), str(entry.get("at", ""))
            if entry.get("seq") != line_no:
                why = f"序号应为 {line_no}，实为 {entry.get('seq')!r}（记录被删除、插入或调换过）"
                return ChainReport(good, prev, BadEntry(line_no, why, action, at), committed_bytes=position)
            if entry.get("prev") != prev:
                why = "与前一条记录的哈希链不符（前一条被改动过，或此条被替换过）"
                return ChainReport(good, prev, BadEntry(line_no, why, action, at), committed_bytes=position)
            if entry.get("v") == CHAIN_VERSION:
                keyed = True
            elif keyed:
                why = "旧格式（无密钥）的记录出现在新格式记录之后（此条是伪造或被替换的）"
                return ChainReport(good, prev, BadEntry(line_no, why, action, at), committed_bytes=position)
            if entry.get("v") == CHAIN_VERSION and key is None:
                why = "无法核对：缺少本台的密钥 secret.key"
                return ChainReport(good, prev, BadEntry(line_no, why, action, at), committed_bytes=position)
            if not _hash_fits(raw, prev, entry, key):
                if (acknowledged or {}).get(line_no) == entry.get("hash"):
                    known.append(line_no)
                else:
                    why = "内容与其哈希不符（此条记录被改动过）"
                    return ChainReport(
                        good,
                        prev,
                        BadEntry(line_no, why, action, at),
                        committed_bytes=position,
                        acknowledged=tuple(known),
                    )
            prev = entry["hash"]
            good += 1
            position += len(raw)
    return ChainReport(good, prev, committed_bytes=position, acknowledged=tuple(known))


def _hash_fits(raw: bytes, prev: str, entry: dict[str, Any], key: bytes | None) -> bool:
    """Is ``entry["hash"]`` right for the entry on line ``raw``?

    Fast path: a desk writes each line as the canonical JSON of the entry, so the bytes hashed
    are the line without its own ``"hash":"…"`` member -- no re-serialisation (which costs most
    of a whole-journal check). Any other line (edited by hand, another writer) is re-serialised.
    """
    own = entry.get("hash")
    if not isinstance(own, str):
        return False
    try:
        member = f'"hash":"{own}"'.encode("ascii")
    except UnicodeEncodeError:
        return False
    line = raw.rstrip(b"\n")
    body = line.replace(member + b",", b"", 1) if member + b"," in line else line.replace(b"," + member, b"", 1)
    if body != line:
        data = prev.encode("ascii") + body
        if entry.get("v") == CHAIN_VERSION:
            if key is not None and hmac.compare_digest(hmac.new(key, data, hashlib.sha256).hexdigest(), own):
                return True
        elif hashlib.sha256(data).hexdigest() == own:
            return True
    try:
        return entry_hash(prev, body_of(entry), key) == own
    except ValueError:
        return False


ACKNOWLEDGED = "damage_acknowledged"
"""The journal action by which a supervisor acknowledges an altered entry (``data``: line, hash)."""


def acknowledged_lines(path: Path) -> dict[int, str]:
    """line -> hash of the entries acknowledged as altered (a quick byte search first)."""
    found: dict[int, str] = {}
    try:
        data = path.read_bytes()
    except OSError:
        return found
    marker = f'"action":"{ACKNOWLEDGED}"'.encode("ascii")
    if marker not in data:
        return found
    for raw in data.split(b"\n"):
        if marker in raw:
            try:
                entry = json.loads(raw.decode("utf-8"))
                info = entry.get("data", {})
                if int(info["line"]) < int(entry["seq"]):  # only an earlier entry, never itself
                    found[int(info["line"])] = str(info["hash"])
            except (ValueError, KeyError, TypeError, AttributeError):
                continue
    return found


def verify(path: Path, key: bytes | None = SIBLING_KEY) -> tuple[int, str | None]:
    """Check the whole chain from the start. Returns (entries good, first problem or None).

    An unterminated last line (a crash mid-write, never committed) is not a problem.
    """
    report = verify_chain(path, key)
    return report.entries, (report.bad.describe() if report.bad else None)
