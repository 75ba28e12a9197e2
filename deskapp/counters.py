"""Which printer a counter's slips go to, or that they go to the clerk's browser (issue 10, point 4:
"slips print on the printer set for that counter, or are downloaded to print there").

``[counters]`` in desk.toml maps a counter to a printer (a CUPS queue name; on Windows a printer
of the system's print)::

    [counters]
    "192.168.1.21" = "counter1"          # the browser (or SSH account) at that address
    "一号窗口" = "HP_LaserJet_M1005"      # a terminal desk started with DESK_COUNTER=一号窗口

A counter is named by :func:`deskapp.auth.counter_label` — ``浏览器 <address>`` for a served
session, ``SSH <address>``, or ``DESK_COUNTER`` — and an entry may use that label or just the address.

- A counter with a printer set prints there, in a browser session too; the paper comes out at the
  counter, so nothing is downloaded (a clerk would only print it twice); a failed print is saved
  in the outbox and, in a browser, downloaded like any saved copy.
- A browser session whose counter has no printer set does not print on the host (its printer is in
  another room): the PDF is saved in the outbox and offered to the browser, to print at the clerk's PC.
- A terminal or SSH desk with no printer set for its counter prints on ``[slip] printer`` as before.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from deskapp.auth import counter_label
from deskapp.config import Config
from deskapp.models import Pack
from deskapp.printing import IssueResult, issue
from deskapp.service import Desk

LABEL_PREFIXES = ("浏览器 ", "SSH ")
"""Labels that carry the counter's address after them (:func:`deskapp.auth.counter_label`)."""


@dataclass(frozen=True)
class SlipRoute:
    """Where one counter's slips and notices go."""

    printer: str | None
    """Printer to print on ("" = the host's default printer); None = not printed on the host."""
    download: bool
    """The PDF is saved in the outbox and offered to the clerk's browser, to print there."""


def counter_names(label: str) -> tuple[str, ...]:
    """The names a ``[counters]`` entry may give this counter: the label itself, then its address
    (``浏览器 10.0.0.7`` → ``("浏览器 10.0.0.7", "10.0.0.7")``)."""
    label = label.strip()
    for prefix in LABEL_PREFIXES:
        if label.startswith(prefix) and label[len(prefix) :].strip():
            return (label, label[len(prefix) :].strip())
    return (label,)


def counter_printer(config: Config, label: str) -> str | None:
    """The printer ``[counters]`` sets for the counter ``label`` (the label's entry before its
    address's), or None when neither is listed."""
    for name in counter_names(label):
        if name in config.counters:
            return config.counters[name]
    return None


def slip_route(config: Config, label: str, in_browser: bool) -> SlipRoute:
    """Where a slip made at counter ``label`` goes; ``in_browser``: the desk is a served browser
    session (it can hand the clerk a download). The rules are in the module's docstring."""
    printer = counter_printer(config, label)
    if printer is not None:
        return SlipRoute(printer, download=False)
    if in_browser:
        return SlipRoute(None, download=True)
    return SlipRoute(config.slip.printer, download=False)


def issue_at_counter(
    desk: Desk, pack: Pack, clerk: str, doc: str = "slip", *, in_browser: bool, label: str | None = None
) -> IssueResult:
    """:func:`deskapp.printing.issue` on this counter's route (``label``: the counter, by default
    :func:`~deskapp.auth.counter_label`). For a download the copy is written to the outbox and its
    ``path`` set, for the desk to offer it (``DeskApp.offer_file``); the message says to print it at
    the clerk's PC. Never raises for a counter's troubles (as ``issue``)."""
    route = slip_route(desk.config, counter_label() if label is None else label, in_browser)
    if route.printer is not None:
        return issue(desk, pack, clerk, doc, printer=route.printer)
    result = issue(desk, pack, clerk, doc, to_printer=False, out=desk.locations.outbox)
    if result.ok and result.path is not None:
        result = replace(result, message=f"{result.message}；已发送到本机浏览器下载，请在本机打印")
    return result
