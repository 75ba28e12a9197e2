"""Slips on the desk's screens: print in the background, read scanned slip QR codes.

- :func:`print_document` renders and prints a slip or a 补正告知书 in a thread worker of the
  app (it goes on when the clerk moves to the next pack); the result arrives as a
  notification: printed, or saved in the outbox and where. The desk never waits for it.
- A slip's QR payload scanned back is read by the desk's one scan route
  (``deskapp/scan_route.py``, ``screens/scanning.py``): genuine opens its pack, altered /
  truncated / another office's is refused with the reason and recorded.
"""

from __future__ import annotations

from typing import Any

from textual.app import App

from deskapp.models import DOC_LABELS
from deskapp.rules import is_late


def _is_late(app: App[Any], pack: Any) -> bool:
    config = app.desk.config  # type: ignore[attr-defined]
    return bool(pack.round == config.round.id and is_late(config.round, pack))


def print_document(app: App[Any], pack_id: int, doc: str = "slip") -> None:
    """Print ``doc`` (``slip`` / ``notice``) of a pack in a thread worker; tell the clerk when done."""
    desk = app.desk  # type: ignore[attr-defined]
    clerk = app.clerk or ""  # type: ignore[attr-defined]
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
        try:
            app.call_from_thread(_printed, app, result)
        except RuntimeError:
            pass  # the desk was closed meanwhile: the print is recorded in the pack's history anyway

    app.notify(f"正在生成并打印{label}…", timeout=3)
    app.run_worker(work, thread=True, group="print", exit_on_error=False, name=f"print-{doc}-{pack_id}")


def _printed(app: App[Any], result: Any) -> None:
    app.offer_file(result.path)  # type: ignore[attr-defined]  # a browser session downloads the PDF too
    if result.ok:
        app.notify(result.message, title="已打印", timeout=6)
    else:
        app.notify(result.message, title="没有打印出来", severity="warning", timeout=20)
    app.data_changed()  # type: ignore[attr-defined]  # the print is in the pack's history


def needs_notice(app: App[Any], pack: Any) -> bool:
    """A paper to hand out: the pack is late (逾期告知书), or a required item is missing (补正告知书)."""
    if _is_late(app, pack):
        return True
    checklist = app.desk.config.round.checklist(pack.kind)  # type: ignore[attr-defined]
    return any(item.required and not pack.checklist.get(item.key) for item in checklist)
