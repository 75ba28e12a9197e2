"""The fonts of slips and notices: the shipped files, what they cover, and subsets of them.

WenQuanYi Micro Hei (``templates/fonts/``) prints the text, with fallbacks for what it lacks
(Noto Naskh Arabic for Uyghur and Kazakh, shaped by HarfBuzz; Hanazono cut to CJK Extensions
A and B). Each is loaded once per process and cut with HarfBuzz to the characters a document
uses (a few milliseconds); without ``uharfbuzz`` fpdf2 loads and subsets the whole primary
font itself (correct, about half a second slower).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path

from deskapp.locations import templates_dir
from deskapp.slips import SlipError

FONT_FILE = "wqy-microhei.ttc"
FONT_NAME = "desk"
"""The primary font's name inside the PDF."""


class _Face:
    """One shipped font file, loaded once per process (HarfBuzz); cuts subsets of it."""

    def __init__(self, file: str) -> None:
        self.file = file
        self._lock = threading.Lock()
        self._face: object | None = None
        self._path: Path | None = None
        self._coverage: frozenset[int] | None = None

    @property
    def path(self) -> Path:
        if self._path is None:
            path = templates_dir() / "fonts" / self.file
            if not path.is_file():
                raise SlipError(f"找不到回执所用的字体 {path}。请重新安装受理台。")
            self._path = path
        return self._path

    def load(self) -> object | None:
        try:
            import uharfbuzz as hb
        except ImportError:  # pragma: no cover - the desk depends on it; kept working without
            return None
        with self._lock:
            if self._face is None:
                self._face = hb.Face(hb.Blob.from_file_path(str(self.path)), 0)
            return self._face

    def coverage(self) -> frozenset[int] | None:
        if self._coverage is None:
            face = self.load()
            if face is None:
                return None
            self._coverage = frozenset(face.unicodes)  # type: ignore[attr-defined]
        return self._coverage

    def subset(self, chars: Iterable[str]) -> bytes | None:
        """A TrueType font holding just ``chars`` (layout tables kept for shaping); None without HarfBuzz."""
        face = self.load()
        if face is None:
            return None
        import uharfbuzz as hb

        spec = hb.SubsetInput()
        # Print needs no hinting; dropping it here spares fpdf2 stripping it glyph by glyph.
        spec.flags = hb.SubsetFlags.NO_HINTING
        for char in chars:
            spec.unicode_set.add(ord(char))
        result = hb.subset(face, spec)
        if result is None:
            return None
        return bytes(result.blob.data)


# The fallbacks, in the order asked: Arabic script (Uyghur, Kazakh), CJK Extension A, Extension B.
FALLBACK_FONTS: tuple[tuple[str, str], ...] = (
    ("desk-ar", "NotoNaskhArabic-Regular.ttf"),
    ("desk-xa", "HanaMinA-ExtA.ttf"),
    ("desk-xb", "HanaMinB-ExtB.ttf"),
)


def needs_shaping(chars: Iterable[str]) -> bool:
    """Arabic script joins its letters and runs right to left: only HarfBuzz shaping prints it right."""
    return any("\u0600" <= c <= "\u06ff" or "\u0750" <= c <= "\u077f" or "\ufb50" <= c <= "\ufeff" for c in chars)


class _FontCache:
    """The shipped fonts: WenQuanYi Micro Hei first, then the fallbacks for what it lacks."""

    def __init__(self) -> None:
        self.primary = _Face(FONT_FILE)
        self.fallbacks = [(name, _Face(file)) for name, file in FALLBACK_FONTS]

    @property
    def path(self) -> Path:
        return self.primary.path

    def coverage(self) -> frozenset[int] | None:
        """Code points some shipped font has (None when HarfBuzz is not installed: then not checked)."""
        primary = self.primary.coverage()
        if primary is None:
            return None
        covered = set(primary)
        for _name, face in self.fallbacks:
            covered |= face.coverage() or frozenset()
        return frozenset(covered)

    def plan(self, chars: Iterable[str]) -> list[tuple[str, _Face, set[str]]]:
        """Which font prints which characters: (font name in the PDF, font, its characters).

        The primary always comes first; a fallback only when the text needs it.
        """
        wanted = set(chars)
        primary = self.primary.coverage() or frozenset()
        mine = {c for c in wanted if ord(c) in primary or c.isspace()}
        out = [(FONT_NAME, self.primary, mine)]
        rest = wanted - mine
        for name, face in self.fallbacks:
            if not rest:
                break
            theirs = {c for c in rest if ord(c) in (face.coverage() or frozenset())}
            if theirs:
                out.append((name, face, theirs | {" "}))
                rest -= theirs
        return out

    def subset(self, chars: Iterable[str]) -> bytes | None:
        return self.primary.subset(chars)


FONTS = _FontCache()
