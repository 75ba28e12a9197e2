"""Reading a unit's electronic copies: .docx forms, .xlsx rows, PDFs, image scans, whole folders.

``read_file(path)`` reads in this process (bounded before parsing); ``read_isolated`` and
``read_isolated_many`` do the same in a child process with memory and time limits. All
return :class:`FileReport` objects and never raise for a bad file.
"""

from deskapp.readers.core import expand, read_file
from deskapp.readers.folder import Summary, read_folder, summarize
from deskapp.readers.isolate import read_isolated, read_isolated_many, read_many
from deskapp.readers.report import KIND_LABELS, FileReport

__all__ = [
    "KIND_LABELS",
    "FileReport",
    "Summary",
    "expand",
    "read_file",
    "read_folder",
    "read_isolated",
    "read_isolated_many",
    "read_many",
    "summarize",
]
