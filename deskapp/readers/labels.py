"""Finding a form's fields by their labels, however a unit spaced or broke them.

Labels are compared after :func:`norm`: NFKC (full-width letters and brackets become
half-width), every whitespace, colon and zero-width character removed, and the form's
own placeholder hints (``（可另附页详细阐述）``) dropped. Values keep their original text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

_DROP = re.compile(r"[\s:：*＊\u200b\u200c\u200d\u2060\ufeff]+")

# The placeholder hints printed in the empty form.
HINTS = (
    "（可另附页详细阐述）",
    "（包括生产、科研以及人才队伍情况）",
    "（若人员较多可另附表）",
    "（可另附页）",
    "（含计算过程）",
)


def norm(text: str) -> str:
    """``text`` NFKC-normalised (full-width letters and digits to ASCII) without whitespace, colons,
    asterisks and zero-width characters: the form in which labels are compared."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text or ""))


_CLASSES = {"(": "[(（]", ")": "[)）]", ",": "[,，、]"}


def _loose(text: str) -> str:
    """A regex matching ``text`` with any whitespace between characters, either bracket width."""
    parts = [_CLASSES.get(ch) or re.escape(ch) for ch in norm(text)]
    return r"\s*".join(parts)


_NORM_HINTS = tuple(norm(h) for h in HINTS)
_HINT_RE = re.compile("|".join(_loose(h) for h in HINTS))


def strip_hints(text: str) -> str:
    """The value without the form's placeholder hints, trimmed."""
    return _HINT_RE.sub("", text or "").strip()


@lru_cache(maxsize=8192)
def label_key(text: str) -> str:
    """:func:`norm` of a cell, without the empty form's printed hints (``HINTS``, e.g. 可另附页详细阐述):
    the key a label is looked up by."""
    key = norm(text)
    for hint in _NORM_HINTS:
        key = key.replace(hint, "")
    return key


_CJK = r"[\u3400-\u9fff\uf900-\ufaff]"
_CJK_GAP = re.compile(rf"(?<={_CJK})\s+(?={_CJK})")


def clean_value(text: str) -> str:
    """A single-line value: hints dropped, whitespace collapsed, no spaces between Chinese characters."""
    text = " ".join(strip_hints(text).split())
    return _CJK_GAP.sub("", text)


def clean_cell(text: str) -> str:
    """A table cell: each line cleaned as a single value, line breaks kept."""
    return "\n".join(v for v in (clean_value(line) for line in (text or "").splitlines()) if v)


def clean_long(text: str) -> str:
    """A long value: hints dropped, blank lines and trailing spaces removed, line breaks kept."""
    lines = [line.rstrip() for line in strip_hints(text).splitlines()]
    return "\n".join(line for line in lines if line.strip()).strip()


@dataclass(frozen=True)
class Label:
    """A field of a form: its canonical label (the key in reports) and other spellings."""

    name: str
    aliases: tuple[str, ...] = ()
    keys: frozenset[str] = field(init=False)
    firsts: frozenset[str] = field(init=False)
    """First characters of the spellings (after :func:`norm`): a text starting otherwise is not this label."""

    def __post_init__(self) -> None:
        spellings = (self.name, *self.aliases)
        object.__setattr__(self, "keys", frozenset(label_key(s) for s in spellings))
        object.__setattr__(self, "firsts", frozenset(norm(s)[:1] for s in spellings))

    @cached_property
    def inline(self) -> re.Pattern[str]:
        """ "label: value" or "label   value" inside one cell or paragraph (longest spelling first);
        compiled on first use (a reading needs few of them)."""
        spellings = sorted((self.name, *self.aliases), key=lambda s: -len(norm(s)))
        alts = "|".join(_loose(s) for s in spellings)
        return re.compile(rf"^\s*(?:{alts})\s*(?:[:：]\s*|\s+)(?P<value>\S.*)$", re.DOTALL)


class LabelSet:
    """Labels to look for; answers "is this cell a label, and does it carry a value?"."""

    def __init__(self, labels: Iterable[Label]) -> None:
        self.labels = list(labels)
        self._by_key = {key: label for label in self.labels for key in label.keys}
        # Longer names first, so 工作室面积 wins over a shorter spelling that prefixes it.
        self._inline_order = sorted(self.labels, key=lambda lb: -max(len(k) for k in lb.keys))
        self._colon: re.Pattern[str] | None = None
        # Every spelling's first character: a text starting otherwise holds no "label: value".
        self._firsts = {norm(s)[:1] for lb in self.labels for s in (lb.name, *lb.aliases)}

    @property
    def colon_pattern(self) -> re.Pattern[str]:
        """``label：`` for any label, anywhere in a text, at its start or after whitespace."""
        if self._colon is None:
            spellings = sorted({s for lb in self.labels for s in (lb.name, *lb.aliases)}, key=lambda s: -len(norm(s)))
            alts = "|".join(_loose(s) for s in spellings)
            self._colon = re.compile(rf"(?:^|(?<=\s))(?:{alts})\s*[:：]")
        return self._colon

    def exact(self, text: str) -> Label | None:
        """The label ``text`` is, whole (by :func:`label_key`), or None."""
        key = label_key(text)
        return self._by_key.get(key) if key else None

    def match(self, text: str) -> tuple[Label, str] | None:
        """``(label, inline value)``; the value is "" when the cell holds only the label."""
        label = self.exact(text)
        if label is not None:
            return label, ""
        first = unicodedata.normalize("NFKC", (text or "").lstrip()[:1])
        if first not in self._firsts:
            return None
        for label in self._inline_order:
            if first not in label.firsts:
                continue
            m = label.inline.match(text or "")
            if m:
                return label, m.group("value")
        return None


def split_labelled(text: str, labels: LabelSet) -> list[str]:
    """Split ``性别：男  民族：汉族`` into one piece per ``label：`` (a block typed as one line)."""
    if "：" not in text and ":" not in text:
        return [text]
    starts = [m.start() for m in labels.colon_pattern.finditer(text)]
    if len(starts) < 2:
        return [text]
    if starts[0] != 0 and text[: starts[0]].strip():
        starts.insert(0, 0)
    return [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
