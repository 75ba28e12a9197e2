"""Slips on the desk's screens: print in the background, read scanned slip QR codes.

- :func:`print_document` renders and prints a slip or a 补正告知书 in a thread worker of the
  app (it goes on when the clerk moves to the next pack); the result arrives as a
  notification: printed, or saved in the outbox and where. The desk never waits for it.
- :func:`install_slip_scans` adds a scan handler: a slip's QR payload scanned (or typed)
  into a scan box is verified; genuine opens its pack and says so, altered / truncated /
  another office's is refused with the reason, never opens a pack, and is recorded.
  Anything that is not shaped like a slip payload (a receipt number, a search) is left to
  the box's own lookup.
"""

from __future__ import annotations

from typing import Any

from textual.app import App

from deskapp.receipt_qr import SecretError, read_scan, signer_for
from deskapp.rules import is_late

DOC_LABELS = {"slip": "受理回执", "notice": "补正告知书", "late": "逾期告知书"}  # as deskapp.slips.DOC_LABELS


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
        from deskapp.printing import IssueResult, issue

        try:
            result = issue(desk, desk.store.get(pack_id), clerk, doc)
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


def install_slip_scans(app: App[Any]) -> None:
    """Let scan boxes read slip QR payloads first (see the module's docstring)."""
    app.scan_handlers.append(lambda text: read_slip_scan(app, text))  # type: ignore[attr-defined]


def read_slip_scan(app: App[Any], text: str) -> bool:
    """True when ``text`` was a slip payload (genuine or refused) and has been dealt with."""
    desk = app.desk  # type: ignore[attr-defined]
    try:
        first_look = signer_for(desk.locations.secret).verify(text)
    except SecretError as exc:
        app.notify(str(exc), title="无法核验回执", severity="error", timeout=30)
        return False
    if first_look.code in ("empty", "not_desk_code"):
        return False
    outcome = app.write(lambda: read_scan(desk.store, desk.locations.secret, text, app.clerk or ""), what="扫码记录")  # type: ignore[attr-defined]
    if outcome is None:
        return True  # told why; a refused code opens nothing
    if outcome.pack is None:
        app.notify(outcome.message + "没有打开任何材料，本次扫码已记录。", title="回执核验未通过", severity="error", timeout=20)
        return True
    app.notify(outcome.message, title="回执真实", timeout=8)
    app.open_pack(outcome.pack.id)  # type: ignore[attr-defined]
    return True
