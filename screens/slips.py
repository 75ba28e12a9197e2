"""Slips on the desk's screens: print in the background, read scanned slip QR codes.

- :func:`print_document` renders and prints a slip or a 补正告知书 in a thread worker of the
  app (it goes on when the clerk moves to the next pack); the result arrives as a
  notification: printed, or saved in the outbox and where. The desk never waits for it.
- A slip's QR payload scanned back is read by the desk's one scan route
  (``deskapp/scan_route.py``, ``screens/scanning.py``): genuine opens its pack, altered /
  truncated / another office's is refused with the reason and recorded.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from deskapp.models import DOC_LABELS, Pack
from deskapp.rules import is_late, missing_items

if TYPE_CHECKING:
    from deskapp.app import DeskApp
    from deskapp.printing import IssueResult


def _is_late(app: DeskApp, pack: Pack) -> bool:
    return is_late(app.desk.config.round, pack)


def print_document(app: DeskApp, pack_id: int, doc: str = "slip") -> None:
    """Print ``doc`` (``slip`` / ``notice``) of a pack in a thread worker; tell the clerk when done."""
    desk = app.desk
    clerk = app.clerk or ""
    late = doc == "notice" and _is_late(app, desk.store.get(pack_id))
    label = DOC_LABELS["late" if late else doc]

    def work() -> None:
        # Imported here: fpdf2 takes a second to load, the desk starts without waiting for it.
        from deskapp.counters import issue_at_counter
        from deskapp.printing import IssueResult

        try:  # on this counter's printer, or to the clerk's browser to print there (deskapp/counters.py)
            result = issue_at_counter(desk, desk.store.get(pack_id), clerk, doc, in_browser=app.is_web)
        except Exception as exc:  # noqa: BLE001 - nothing may escape a print into the desk
            result = IssueResult(False, f"{label}没有打印：{exc}", doc, recorded=False)
        # RuntimeError: the desk was closed meanwhile; the print is recorded in the pack's history anyway.
        with contextlib.suppress(RuntimeError):
            app.call_from_thread(_printed, app, result)

    app.notify(f"正在生成并打印{label}…", timeout=3)
    app.run_worker(work, thread=True, group="print", exit_on_error=False, name=f"print-{doc}-{pack_id}")


def _printed(app: DeskApp, result: IssueResult) -> None:
    app.offer_file(result.path)  # a browser session downloads the PDF too
    if result.ok:
        app.notify(result.message, title="已打印", timeout=6)
    else:
        app.notify(result.message, title="没有打印出来", severity="warning", timeout=20)
    app.data_changed()  # the print is in the pack's history


def needs_notice(app: DeskApp, pack: Pack) -> bool:
    """A paper to hand out: the pack is late (逾期告知书), or a required item is missing (补正告知书).

    Both from :mod:`deskapp.rules`, as the papers themselves decide."""
    return _is_late(app, pack) or bool(missing_items(app.desk.config.round, pack))
