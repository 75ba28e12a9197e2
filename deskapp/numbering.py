"""Receipt numbers: formatting from the round's config and reading them back."""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from deskapp.config import Round


def normalise_scan(text: str) -> str:
    """What a scanner or a Chinese IME typed, as the desk reads it: NFKC, upper case, trimmed."""
    return unicodedata.normalize("NFKC", text).strip().upper()


def format_receipt(round_: Round, kind: str, serial: int) -> str:
    """The receipt number of the ``serial``-th pack of ``kind`` in the round, e.g. ``ZD2026-GZS-0001``.

    The format is the round's (``[round.receipt]`` in ``templates/desk.toml``; ``{seq}`` there
    is the serial). KeyError: a kind the round has no format for.
    """
    return round_.receipt_formats[kind].format(year=round_.year, round=round_.id, seq=serial)


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
    """``(kind, serial)`` when ``text`` is a receipt number of this round, else None."""
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


_NOT_ALNUM = re.compile(r"[^0-9A-Z]+")
_NOT_ALNUM_LINES = re.compile(r"[^0-9A-Z\n]+")
_LOOK_ALIKE = str.maketrans("OIL", "011")
_LEADING_ZEROS = re.compile(r"(?<![0-9])0+(?=[0-9]+$)", re.MULTILINE)


def receipt_key(text: str, *, normalised: bool = False) -> str:
    """A receipt number reduced to what a clerk means by it: NFKC, upper case, letters and digits
    only, the trailing number without leading zeros (``zd2026 gzs 012`` → ``ZD2026GZS12``).
    ``normalised``: ``text`` already went through :func:`normalise_scan` (numbers on file)."""
    key = _NOT_ALNUM.sub("", text if normalised else normalise_scan(text))
    stem = key.rstrip("0123456789")
    digits = key[len(stem) :]
    return stem + (digits.lstrip("0") or "0") if digits else key


def nearest_receipts(typed: str, numbers: Iterable[str], limit: int = 3) -> list[str]:
    """Receipt numbers on file (as stored: normalised) a mistyped ``typed`` most likely meant, at
    most ``limit``, sorted.

    One written without dashes, with other separators, in lower case, full-width or with fewer
    leading zeros is that number. Otherwise the numbers at the smallest edit distance (one
    typo, one missing or extra character, two swapped neighbours count 1 each) of at most 2
    (1 for keys under 8 characters); among those, the nearest as written with its zeros, a letter
    O, I or L read as the digit it looks like; all of them when still tied. Empty when nothing is
    that near. ``bench/bench_words.py``: tens of milliseconds for 10,000 numbers (keys by regular
    expressions over one string, distances in C by rapidfuzz).
    """
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    wanted = receipt_key(typed)
    if not wanted:
        return []
    numbers = [n for n in numbers if "\n" not in n]
    # receipt_key of every number in two C-level passes over one string (a Python loop costs 10x).
    keys = _LEADING_ZEROS.sub("", _NOT_ALNUM_LINES.sub("", "\n".join(numbers))).split("\n")
    by_key: dict[str, list[str]] = {}
    for key, number in zip(keys, numbers, strict=True):
        by_key.setdefault(key, []).append(number)
    if wanted in by_key:
        return sorted(by_key[wanted])[:limit]
    cutoff = 2 if len(wanted) >= 8 else 1
    found = process.extract(wanted, list(by_key), scorer=OSA.distance, score_cutoff=cutoff, limit=None)
    if not found:
        return []
    best = min(distance for _, distance, _ in found)
    tied = sorted(n for key, distance, _ in found if distance == best for n in by_key[key])
    # Ties: the one nearer as written (zeros kept), letters read as the digits they look like (O → 0).
    typed_plain = _NOT_ALNUM.sub("", normalise_scan(typed)).translate(_LOOK_ALIKE)

    def as_written(number: str) -> int:
        return int(OSA.distance(typed_plain, _NOT_ALNUM.sub("", number).translate(_LOOK_ALIKE)))

    nearest = min(map(as_written, tied))
    return [n for n in tied if as_written(n) == nearest][:limit]
