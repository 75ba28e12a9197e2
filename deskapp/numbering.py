"""Receipt numbers: formatting from the round's config and reading them back."""

from __future__ import annotations

import re
import string
import unicodedata
from functools import lru_cache

from deskapp.config import Round


def normalise_scan(text: str) -> str:
    """What a scanner or a Chinese IME typed, as the desk reads it: NFKC, upper case, trimmed."""
    return unicodedata.normalize("NFKC", text).strip().upper()


def format_receipt(round_: Round, kind: str, seq: int) -> str:
    return round_.receipt_formats[kind].format(year=round_.year, round=round_.id, seq=seq)


@lru_cache(maxsize=32)
def _pattern(fmt: str, year: str, round_id: str) -> re.Pattern[str]:
    parts: list[str] = []
    for literal, name, spec, _conv in string.Formatter().parse(fmt):
        parts.append(re.escape(literal))
        if name is None:
            continue
        if name == "seq":
            width = re.match(r"0?(\d+)", spec or "")
            parts.append(r"(?P<seq>\d{%s,})" % (width.group(1) if width else "1"))
        elif name == "year":
            parts.append(re.escape(year))
        elif name == "round":
            parts.append(re.escape(round_id))
    return re.compile("".join(parts))


def parse_receipt(round_: Round, text: str) -> tuple[str, int] | None:
    """``(kind, seq)`` when ``text`` is a receipt number of this round, else None."""
    wanted = normalise_scan(text)
    for kind, fmt in round_.receipt_formats.items():
        match = _pattern(fmt, round_.year, round_.id).fullmatch(wanted)
        if match:
            return kind, int(match.group("seq"))
    return None


def looks_like_receipt(text: str) -> bool:
    """Cheap test: upper letters, digits, dashes and at least one digit."""
    wanted = normalise_scan(text)
    return bool(wanted) and bool(re.fullmatch(r"[0-9A-Z\-]+", wanted)) and any(c.isdigit() for c in wanted)
