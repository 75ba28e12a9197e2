"""A unit's whole folder at once: every file read by content, and what the folder holds.

``deskapp read FOLDER --pack RECEIPT`` and F9 on a pack use :func:`read_folder`: every file
of the folder (and its subfolders) is read — forms, PDFs, scans, and files the desk cannot
read, which are listed with what they are, never dropped — and :func:`summarize` says in
one line what the folder holds (附件1/2/3, PDFs with their pages, scans with their pages).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from deskapp.readers.isolate import Progress, read_isolated_many
from deskapp.readers.report import KIND_LABELS, FileReport

FORMS = ("form1", "form2", "form3")
SHORT = {"form1": "附件1", "form2": "附件2", "form3": "附件3", "pdf": "PDF", "scan": "扫描图片"}


@dataclass
class Summary:
    """What one reading of a unit's files found (counts, pages by medium, the files not read)."""

    files: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    """Kind (``form1``, ``pdf``, ``scan``, ``unknown`` …) → number of files."""
    pdf_pages: int = 0
    """Pages of the readable PDFs (their page trees)."""
    scan_pages: int = 0
    """Pages of the image scans (a multi-page TIFF counts its frames)."""
    unreadable: list[str] = field(default_factory=list)
    """Names of the files that could not be read (listed with their reason in each report)."""

    def text(self) -> str:
        """One Chinese line for the clerk, e.g. ``共 24 个文件：附件1 1 个；PDF 1 个（30 页）；扫描图片 20 个（20 页）``."""
        if not self.files:
            return "没有找到文件"
        parts = []
        for kind in (*FORMS, "pdf", "scan"):
            n = self.kinds.get(kind, 0)
            if not n:
                continue
            pages = {"pdf": self.pdf_pages, "scan": self.scan_pages}.get(kind)
            parts.append(f"{SHORT[kind]} {n} 个" + (f"（{pages} 页）" if pages is not None else ""))
        others = {k: n for k, n in self.kinds.items() if k not in (*FORMS, "pdf", "scan")}
        for kind, n in sorted(others.items()):
            parts.append(f"{KIND_LABELS.get(kind, kind)} {n} 个")
        text = f"共 {self.files} 个文件：" + "；".join(parts)
        if self.unreadable:
            names = "、".join(self.unreadable[:5]) + ("等" if len(self.unreadable) > 5 else "")
            text += f"。{len(self.unreadable)} 个无法读取：{names}"
        return text


def summarize(reports: Iterable[FileReport]) -> Summary:
    """Counts for the clerk over read files: how many, per kind, PDF and scanned pages (readable files
    only), and the names of those that could not be read."""
    summary = Summary()
    kinds: Counter[str] = Counter()
    for report in reports:
        summary.files += 1
        kinds[report.kind] += 1
        if report.readable and report.pages is not None:
            if report.kind == "pdf":
                summary.pdf_pages += report.pages
            elif report.kind == "scan":
                summary.scan_pages += report.pages
        if not report.readable:
            summary.unreadable.append(report.name)
    summary.kinds = dict(kinds)
    return summary


def read_folder(
    paths: Iterable[str | os.PathLike[str]], *, isolated: bool = True, progress: Progress | None = None
) -> tuple[list[FileReport], Summary]:
    """Every file of the given folders (and the files given), each read by content in one limited
    child process (``isolated``) or in this process; never raises for a bad file."""
    from deskapp.readers.core import expand, read_file

    files = expand(paths)
    if isolated:
        reports = read_isolated_many(files, progress=progress)
    else:
        reports = []
        for n, path in enumerate(files, 1):
            if progress is not None:
                progress(n, len(files), path.name)
            reports.append(read_file(path))
    return reports, summarize(reports)
