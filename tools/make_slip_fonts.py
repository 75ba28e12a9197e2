"""Rebuild the slips' fallback fonts under templates/fonts/ from Debian's font packages.

    apt-get download fonts-noto-core fonts-hanazono
    python tools/make_slip_fonts.py fonts-noto-core_*.deb fonts-hanazono_*.deb

- ``NotoNaskhArabic-Regular.ttf``: Arabic script (Uyghur, Kazakh), unaltered (SIL OFL 1.1).
- ``HanaMinA-ExtA.ttf``: HanaMinA cut with HarfBuzz to CJK Extension A (U+3400–U+4DBF) and the
  Unified Ideographs added after U+9FA5 (U+9FA6–U+9FFF), which WenQuanYi Micro Hei lacks.
- ``HanaMinB-ExtB.ttf``: HanaMinB cut to CJK Extension B (U+20000–U+2A6DF), e.g. 𠮷.
  Both under the Hanazono Font License or SIL OFL 1.1 (the desk uses OFL 1.1); a subset is a
  Modified Version under OFL, so the Reserved Font Names are not used for them in the PDFs' font names.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import uharfbuzz as hb

OUT = Path(__file__).resolve().parent.parent / "templates" / "fonts"
CUTS = {
    "HanaMinA.ttf": ("HanaMinA-ExtA.ttf", [(0x3400, 0x4DBF), (0x9FA6, 0x9FFF)]),
    "HanaMinB.ttf": ("HanaMinB-ExtB.ttf", [(0x20000, 0x2A6DF)]),
}


def cut(source: Path, target: Path, ranges: list[tuple[int, int]]) -> None:
    face = hb.Face(hb.Blob.from_file_path(str(source)), 0)
    have = set(face.unicodes)
    spec = hb.SubsetInput()
    spec.flags = hb.SubsetFlags.NO_HINTING
    for low, high in ranges:
        for code in range(low, high + 1):
            if code in have:
                spec.unicode_set.add(code)
    target.write_bytes(bytes(hb.subset(face, spec).blob.data))
    print(target, target.stat().st_size)


def main(debs: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for deb in debs:
            subprocess.run(["dpkg-deb", "-x", deb, tmp], check=True)
        root = Path(tmp) / "usr/share/fonts/truetype"
        (OUT / "NotoNaskhArabic-Regular.ttf").write_bytes((root / "noto/NotoNaskhArabic-Regular.ttf").read_bytes())
        for name, (target, ranges) in CUTS.items():
            cut(root / "hanazono" / name, OUT / target, ranges)


if __name__ == "__main__":
    main(sys.argv[1:])
