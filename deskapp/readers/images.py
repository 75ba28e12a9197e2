"""Scans handed in as images: JPEG, PNG, TIFF — each counted as pages of scans.

Only the image's header is read (Pillow opens lazily), so twenty 300-dpi scans take
milliseconds; a multi-page TIFF counts its frames. A picture too large to be a page scan
(Pillow's decompression-bomb limit) is refused; a JPEG or PNG cut short (no end marker) is
counted but said to be incomplete.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from deskapp.readers.report import FileReport

MAX_FRAMES = 2_000
TAIL_BYTES = 4096
_ENDS = {"JPEG": b"\xff\xd9", "PNG": b"IEND"}


def read_image(path: Path, report: FileReport) -> FileReport:
    """Fill ``report`` for an image scan: kind ``scan``, ``pages`` = frames, fields 格式/尺寸/分辨率."""
    report.kind = "scan"
    try:
        from PIL import Image, UnidentifiedImageError
    except ImportError:  # pragma: no cover - pillow is a dependency
        return report.fail("本机缺少 Pillow，无法读取扫描图片")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                fmt = image.format or "图片"
                width, height = image.size
                frames = 1
                if fmt == "TIFF":
                    frames = _frames(image)
                dpi = image.info.get("dpi")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return report.fail("图片像素过多（远超一页扫描件），疑似恶意文件，未读取")
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
        return report.fail(f"图片已损坏，无法识别其内容（{type(exc).__name__}）；请让单位重新扫描或拷贝")
    report.pages = frames
    report.fields["格式"] = fmt
    report.fields["尺寸"] = f"{width}×{height} 像素"
    if isinstance(dpi, tuple) and dpi and dpi[0]:
        report.fields["分辨率"] = f"{round(float(dpi[0]))} dpi"
    end = _ENDS.get(fmt)
    if end is not None and not _ends_with(path, end):
        report.problem("图片不完整（缺少文件结尾，可能复制未完成），页面下部可能缺失；请让单位重新拷贝")
    return report


def _frames(image: object) -> int:
    try:
        frames = int(getattr(image, "n_frames", 1))
    except (OSError, ValueError, EOFError, SyntaxError):
        return 1
    return min(max(frames, 1), MAX_FRAMES)


def _ends_with(path: Path, marker: bytes) -> bool:
    with open(path, "rb") as handle:
        handle.seek(0, 2)
        size = handle.tell()
        handle.seek(max(0, size - TAIL_BYTES))
        return marker in handle.read()
