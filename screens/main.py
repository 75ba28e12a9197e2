"""The main screen: one box with focus (search or scan), the round's packs below."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer

from deskapp.listing import Page
from deskapp.numbering import normalise_scan, parse_receipt
from deskapp.service import Desk
from deskapp.timeutil import show
from screens.widgets import Line, ListRow, PackList, ScanBox

COLUMNS = (
    ("收件编号", 15),
    ("收件时间", 11),
    ("类别", 10),
    ("申报单位", 22),
    ("名称", 22),
    ("状态", 6),
    ("缺件/标记", 0),  # the rest of the width
)


def deadline_text(desk_deadline, now) -> str:  # type: ignore[no-untyped-def]
    days = (desk_deadline.date() - now.date()).days
    if now > desk_deadline:
        return f"截止 {show(desk_deadline)}，已过截止时间：此后收到的材料标记逾期"
    if days == 0:
        return f"今天 {desk_deadline:%H:%M} 截止"
    return f"截止 {desk_deadline:%Y-%m-%d}，还有 {days} 天"


QUIET_SECONDS = 0.08
"""How long the box must be still before a scanned pack opens (a scanner types ~1 ms per key)."""


@dataclass(frozen=True)
class Lookup:
    """What a line typed or scanned and Enter found."""

    pack_id: int | None
    receipt_no: str = ""
    message: str = ""
    style: str = ""
    matches: int = 0


def scan_consumed(app: App[Any], text: str) -> bool:
    """Give the scan handlers (e.g. a receipt slip's QR payload reader) the first look."""
    return any(handler(text) for handler in list(app.scan_handlers))  # type: ignore[attr-defined]


def lookup_scan(desk: Desk, text: str) -> Lookup:
    """A receipt number opens its pack; a search with exactly one match opens that."""
    wanted = normalise_scan(text)
    if not wanted:
        return Lookup(None)
    store = desk.store
    pack = store.by_receipt(wanted)
    if pack is not None:
        return Lookup(pack.id, pack.receipt_no, f"已打开 {pack.receipt_no}", matches=1)
    if parse_receipt(desk.config.round, wanted) is not None:
        return Lookup(
            None,
            message=f"找不到收件编号 {wanted}：本批次还没有登记这个编号。请核对回执，或按 F2 登记。",
            style="$error",
        )
    ids = store.search_ids(text, desk.config.round.id)
    if len(ids) == 1:
        receipt_no = store.get(ids[0]).receipt_no
        return Lookup(ids[0], receipt_no, f"已打开 {receipt_no}", matches=1)
    if ids:
        return Lookup(None, message=f"找到 {len(ids)} 件：按 ↓ 到列表选择，Enter 打开", matches=len(ids))
    return Lookup(None, message=f"没有找到“{text.strip()}”。按 F2 登记新材料。", style="$warning")


class MainScreen(Screen[None]):
    """Type to search, scan or type a receipt number and Enter to open, F2 to register."""

    AUTO_FOCUS = "#scan"
    SCAN_BOX: type[ScanBox] = ScanBox

    BINDINGS = [
        Binding("f2", "register", "登记新材料", id="register", priority=True),
        Binding("escape", "focus_box", "回输入框", id="to_box"),
        Binding("f10", "app.switch_clerk", "换人", id="switch_clerk"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.scans: list[str] = []
        """Receipt numbers opened by Enter here, in order (what the scanner delivered)."""
        self._shown_text: str | None = None
        self._shown_version = -1
        self._to_open: list[int] = []
        self._open_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Line(id="status")
        yield self.SCAN_BOX(
            placeholder="扫描或输入收件编号后按 Enter 打开；输入单位、名称、领衔人或拼音首字母（如 zdmh）即时查找",
            id="scan",
        )
        yield Line(id="message")
        table = PackList(COLUMNS, id="packs")
        yield table
        yield Line(id="count")
        yield Footer()

    def on_mount(self) -> None:
        self.show_rows(force=True)
        self.update_status()
        self.set_interval(60, self.update_status, name="days-left")

    def on_screen_resume(self) -> None:
        self.app.data_changed()  # type: ignore[attr-defined]
        self.refresh_data()
        self.say("")
        self.query_one(ScanBox).focus()

    # -- showing ---------------------------------------------------------------------------
    @property
    def desk(self):  # type: ignore[no-untyped-def]
        return self.app.desk  # type: ignore[attr-defined]

    def refresh_data(self) -> None:
        self.show_rows()
        self.update_status()

    def update_status(self) -> None:
        store = self.desk.store
        round_ = self.desk.config.round
        now = store.clock()
        total = len(store.ids(round_.id))
        clerk = self.app.clerk or ""  # type: ignore[attr-defined]
        line = Content.assemble(
            (round_.name, "bold"),
            "  ·  ",
            deadline_text(round_.deadline, now),
            "  ·  受理人 ",
            (clerk, "bold $accent"),
            f"  ·  本批次 {total} 件",
        )
        self.query_one("#status", Line).update(line)

    def show_rows(self, force: bool = False) -> None:
        """The list for what is in the box now (skipped when nothing changed)."""
        text = self.query_one(ScanBox).value
        listing = self.app.listing  # type: ignore[attr-defined]
        changed = force or listing.version != self._shown_version
        if not changed and text == self._shown_text:
            return
        self._shown_text, self._shown_version = text, listing.version
        page = listing.page(text)
        self.query_one(PackList).set_rows(page.ids, self.list_row, changed)
        self._show_count(page, text)

    def list_row(self, pack_id: int) -> ListRow:
        row = self.app.listing.row(pack_id)  # type: ignore[attr-defined]
        return ListRow(
            row.pack_id,
            (row.receipt_no, row.received[5:], row.kind_label, row.unit, row.name, row.status, row.summary),
            "late" if row.late else ("ok" if row.summary == "齐全" else "missing"),
        )

    def _show_count(self, page: Page, text: str) -> None:
        if not text.strip():
            head = f"本批次共 {page.total} 件，最新的在最上面"
        elif page.total:
            head = f"找到 {page.total} 件"
        else:
            head = f"没有找到“{text.strip()}”：可按收件编号、单位、名称、领衔人或拼音首字母查找；F2 登记新材料"
        if page.truncated:
            head += f"，列出最新的 {len(page.ids)} 件（继续输入可缩小范围）"
        self.query_one("#count", Line).update(head)

    def say(self, text: str, style: str = "") -> None:
        self.query_one("#message", Line).update(Content.styled(text, style) if style else text)

    # -- the box ---------------------------------------------------------------------------
    @on(ScanBox.Changed, "#scan")
    def search_as_typed(self, event: ScanBox.Changed) -> None:
        if event.value != self.query_one(ScanBox).value:
            return  # more keys already arrived (a scan or fast typing): the last change shows it
        self.say("")
        self.show_rows()
        if self._open_timer is not None:  # more of a burst is arriving: wait for its end
            self._open_timer.reset()

    @on(ScanBox.Submitted, "#scan")
    def scanned(self, event: ScanBox.Submitted) -> None:
        text = event.value
        if scan_consumed(self.app, text):
            return
        found = lookup_scan(self.desk, text)
        if found.pack_id is not None:
            self.scans.append(found.receipt_no)
            self.say(found.message)
            self.open_when_quiet(found.pack_id)
            return
        self.say(found.message, found.style)
        if found.matches > 1:
            box = self.query_one(ScanBox)
            if not box.value:
                box.value = text  # keep the search the clerk typed

    def open_when_quiet(self, pack_id: int) -> None:
        """Open after the box has been quiet a moment, so the rest of a burst of scans stays here.

        A scanner with several codes queued types them all within milliseconds: each is
        read whole by this box and opened in order, instead of the next one's characters
        landing on the screen just opened.
        """
        self._to_open.append(pack_id)
        if self._open_timer is not None:
            self._open_timer.stop()
        self._open_timer = self.set_timer(QUIET_SECONDS, self._open_pending)

    def _open_pending(self) -> None:
        self._open_timer = None
        pending, self._to_open = self._to_open, []
        for pack_id in pending:
            self.app.open_pack(pack_id)  # type: ignore[attr-defined]

    # -- actions ---------------------------------------------------------------------------
    def action_register(self) -> None:
        from screens.register import start_registration

        start_registration(self.app)

    def action_focus_table(self) -> None:
        table = self.query_one(PackList)
        if table.row_count:
            table.focus()

    def action_focus_box(self) -> None:
        self.query_one(ScanBox).focus()

    @on(PackList.Selected, "#packs")
    def row_chosen(self, event: PackList.Selected) -> None:
        self.app.open_pack(event.pack_id)  # type: ignore[attr-defined]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        on_table = isinstance(self.focused, PackList)
        if action == "focus_box":
            return on_table
        if action == "focus_table":
            return not on_table
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()
