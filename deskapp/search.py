"""Live search over packs: receipt number, unit, name, leader, in Chinese or pinyin.

Every pack has one folded haystack (text + pinyin initials + full pinyin). A query
matches by substring; a query of Latin letters also matches the initials as a
subsequence, so ``zdmh`` finds 准东某煤化工. All matching is C-level string work
over a flat list, well under a millisecond per thousand packs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from deskapp.models import OLD_SEARCH_KEYS, SEARCH_KEYS
from deskapp.pinyin import fold

SEP = "\x1f"


def search_keys(doc: Mapping[str, Any]) -> dict[str, str]:
    """The pinyin keys stored on a pack when it is written (under ``search_keys``, see
    :data:`deskapp.models.SEARCH_KEYS`): ``{"initials": ..., "full": ...}``, each the unit,
    name and leader joined by ``SEP``."""
    from deskapp.pinyin import keys

    initials, full = [], []
    for name in ("unit", "name", "leader"):
        i, f = keys(str(doc.get(name) or ""))
        initials.append(i)
        full.append(f)
    return {"initials": SEP.join(initials), "full": SEP.join(full)}


def stored_search_keys(record: Mapping[str, Any]) -> dict[str, str] | None:
    """The pinyin search keys a stored document or update entry carries: ``search_keys``, or
    ``py`` in journals and snapshots written before the key was renamed (None: neither)."""
    keys = record.get(SEARCH_KEYS, record.get(OLD_SEARCH_KEYS))
    return keys if isinstance(keys, dict) else None


def haystack(doc: Mapping[str, Any]) -> tuple[str, str]:
    """(folded text + pinyin of the searched fields, pinyin initials) of a stored pack document."""
    text = SEP.join(fold(str(doc.get(k) or "")) for k in ("receipt_no", "unit", "name", "leader", "contact"))
    # The receipt number without its dashes too, as printed under the slip's QR code (ZD2026XM0001).
    text += SEP + re.sub(r"[^0-9a-z]", "", fold(str(doc.get("receipt_no") or "")))
    keys = stored_search_keys(doc) or {}
    initials = keys.get("initials", "")
    return text + SEP + initials + SEP + keys.get("full", ""), initials


class SearchIndex:
    """Pack id -> haystack, kept current as the store applies entries."""

    def __init__(self) -> None:
        self._hay: dict[int, tuple[str, str]] = {}

    def put(self, pack_id: int, doc: Mapping[str, Any]) -> None:
        """Index (or re-index) a pack from its stored document."""
        self._hay[pack_id] = haystack(doc)

    def clear(self) -> None:
        """Forget every pack."""
        self._hay.clear()

    def search(self, query: str, candidates: list[int]) -> list[int]:
        """Ids among ``candidates`` (in their order) that match; substring hits first."""
        q = fold(query)
        if not q:
            return list(candidates)
        hay = self._hay
        direct = [i for i in candidates if q in hay[i][0]]
        if not (q.isascii() and q.isalpha() and len(q) >= 2):
            return direct
        seen = set(direct)
        pattern = re.compile("[^\x1f]*?".join(re.escape(c) for c in q))  # within one field
        loose = [i for i in candidates if i not in seen and pattern.search(hay[i][1])]
        return direct + loose
