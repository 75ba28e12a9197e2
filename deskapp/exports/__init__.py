"""Exports of the desk: the 附件2 workbook and Word table, and the register (台账) workbook.

Every export writes a new, timestamped file under the data folder's ``exports/`` (or a
chosen file that does not exist yet) and returns an :class:`ExportResult` saying where.
"""

from deskapp.exports.common import ExportError, ExportResult

__all__ = ["ExportError", "ExportResult"]
