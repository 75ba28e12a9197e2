"""Pinyin keys for searching Chinese names by typing Latin letters (``zdmh``).

pypinyin takes ~0.4 s to import, so it is loaded on first use only, and the keys are
computed when a pack is written and stored on it: start-up and search never need it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_HAN = re.compile(r"[\u3400-\u9fff]")


def has_han(text: str) -> bool:
    """Whether ``text`` has a Chinese character (CJK Unified Ideographs and Extension A)."""
    return bool(_HAN.search(text))


@lru_cache(maxsize=4096)
def keys(text: str) -> tuple[str, str]:
    """(initials, full pinyin) of ``text``, lower case, no spaces: ('zdmmhg', 'zhundongmou...')."""
    if not text or not has_han(text):
        plain = fold(text)
        return plain, plain
    from pypinyin import lazy_pinyin

    # pypinyin also takes a list back (one syllable per character: 'A1' -> 'a', '1'); its stub says str only.
    syllables = lazy_pinyin(text, errors=_one_per_character)  # type: ignore[arg-type]
    initials = "".join(s[0] for s in syllables if s and s.strip())
    return fold(initials), fold("".join(syllables))


def _one_per_character(chars: str) -> list[str]:
    return list(chars)


def fold(text: str) -> str:
    """Normalise for matching: NFKC, lower case, no white space."""
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


def warm_up() -> None:
    """Import pypinyin ahead of need (call from a background thread)."""
    keys("准东")
