"""One door for text: every text that enters the store passes :func:`clean_text`.

Screens, the ``register`` command's JSON lines, files read by the readers and
``details --file`` all reach the store through :class:`~deskapp.store.DeskStore`, which cleans
every text field with this one function, so the same rule holds whatever the way in:

- a lone UTF-16 surrogate (half of an emoji cut by a web page or a bad copy) is refused with
  :class:`BadText` -- it cannot be written as UTF-8, and guessing what was meant would be silent;
- a byte-order mark (a Notepad file) is dropped wherever it stands;
- terminal escape sequences go whole, not only their ESC byte (``\\x1b[31m``, ``\\x1b[2J``, OSC titles,
  and the caret form ``^[[31m`` a terminal shows them as), so no ``[31m`` is left behind;
- control characters (C0, DEL, C1: ``\\x00``-``\\x1f``, ``\\x7f``-``\\x9f``) are removed, and in short
  texts the Unicode line and paragraph separators (U+2028/2029) with them; in long
  texts (the 附件2 fields) line breaks stay, as ``\\n`` (``\\r\\n`` and ``\\r`` become ``\\n``);
  a form feed or vertical tab there becomes a line break, a tab a space;
- invisible format characters that print as a box on the slip are dropped: variation selectors
  (U+FE00-FE0F, U+E0100-E01EF), zero-width space/joiners (U+200B-200D), word joiner
  (U+2060), soft hyphen (U+00AD) and bidi controls (U+200E/F, U+202A-202E, U+2066-2069);
- the result is NFC (a decomposed ``é`` from a Mac file equals the composed one, so search
  and duplicate detection see one text).

What the receipt slip's fonts cannot print (emoji, most symbols) is not decided here but by
:func:`split_unprintable`, which :mod:`deskapp.intake` applies to every pack field and reports,
so a character is removed with a notice, never printed as 〓 and never dropped silently.

The rule is the desk's own (issue 12, point 7), not the notice's.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_SURROGATE = re.compile("[\ud800-\udfff]")
_INVISIBLE = "\ufeff\u00ad\u200b\u200c\u200d\u2060\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_DROP_SHORT = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_INVISIBLE}\ufe00-\ufe0f\U000e0100-\U000e01ef]")
_DROP_LONG = re.compile(f"[\x00-\x09\x0b-\x1f\x7f-\x9f{_INVISIBLE}\ufe00-\ufe0f\U000e0100-\U000e01ef]")
_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: \x1b[31m, \x1b[2J
    r"|\x9b[0-?]*[ -/]*[@-~]"  # the same with the 8-bit CSI
    r"|\x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"  # OSC (a window title), to BEL or ST
    r"|\x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)"  # DCS, SOS, PM, APC, to ST
    r"|\x1b[ -/]*[0-~]"  # two-character escapes (ESC c, ESC ( B)
    r"|\^\[\[?[0-?]*[ -/]*[@-~]"  # the caret form a terminal shows (and a paste may carry): ^[[31m
)


class BadText(ValueError):
    """A text that cannot be stored (a lone surrogate); the message is for the clerk."""


def clean_text(value: str, *, long: bool = False, label: str = "") -> str:
    """``value`` cleaned as the module says (str -> str); ``long`` keeps line breaks.

    Raises :class:`BadText` naming ``label`` for a lone surrogate. Leading and trailing
    whitespace is left to the caller (the store strips short fields).
    """
    if _SURROGATE.search(value):
        where = f"{label} " if label else ""
        raise BadText(
            f"{where}含有无法保存的字符（不完整的 UTF-16 代理项，多见于从网页复制的表情符号），请删去后重新输入"
        )
    value = _ESCAPES.sub("", value)
    if long:
        value = _DROP_LONG.sub("", _BREAKS.sub("\n", value).replace("\t", " "))
    else:
        value = _DROP_SHORT.sub("", value.replace("\t", " "))
    return unicodedata.normalize("NFC", value)


def clean_value(value: Any, *, long: bool = False, label: str = "") -> Any:
    """:func:`clean_text` on every text inside ``value`` (dicts' keys and values, lists); other values as they are."""
    if isinstance(value, str):
        return clean_text(value, long=long, label=label)
    if isinstance(value, dict):
        return {
            clean_text(str(k), label=label): clean_value(v, long=long, label=f"{label}.{k}" if label else str(k))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [clean_value(v, long=long, label=label) for v in value]
    return value


def split_unprintable(value: str) -> tuple[str, str]:
    """(``value`` without the characters the slip's fonts cannot print, those characters in order).

    Whitespace is always printable. :mod:`deskapp.glyphs` holds what the shipped fonts cover.
    """
    from deskapp.glyphs import printable

    kept: list[str] = []
    dropped: list[str] = []
    for char in value:
        (kept if char.isspace() or printable(char) else dropped).append(char)
    return "".join(kept), "".join(dropped)
