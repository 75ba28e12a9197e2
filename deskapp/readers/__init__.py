"""Reading a unit's electronic copies: .docx forms, .xlsx rows, PDFs.

``read_file(path)`` reads in this process (bounded before parsing); ``read_isolated``
does the same in a child process with memory and time limits. Both return a
:class:`FileReport` and never raise for a bad file.
"""

from deskapp.readers.core import expand, read_file, read_isolated, read_many
from deskapp.readers.report import KIND_LABELS, FileReport

__all__ = ["KIND_LABELS", "FileReport", "expand", "read_file", "read_isolated", "read_many"]
