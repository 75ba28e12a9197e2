"""The main screen: one box with focus (search or scan), the round's packs below."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Footer

from deskapp.listing import Page
from deskapp.scan_route import ScanVerdict
from deskapp.timeutil import show
from screens.scanning import ScanScreen
from screens.widgets import Line, ListRow, PackList, ScanBox

COLUMNS = (
    ("收件编号", 15, 0),
    ("收件时间", 11, 2),
    ("类别", 10, 1),
    ("申报单位", 22, 0),
    ("名称", 22, 3),
    ("状态", 6, 0),
    ("缺件/标记", 0, 0),  # the rest of the width
)
"""(label, width, when to leave it out on a narrow terminal: 1 first, 0 never)."""


def deadline_text(desk_deadline: datetime, now: datetime) -> str:
    """The status line's word on the deadline (Beijing times): the day and days left, today's hour, or past."""
    days = (desk_deadline.date() - now.date()).days
    if now > desk_deadline:
        return f"截止 {show(desk_deadline)}，已过截止时间：此后收到的材料标记逾期"
    if days == 0:
        return f"今天 {desk_deadline:%H:%M} 截止"
    return f"截止 {desk_deadline:%Y-%m-%d}，还有 {days} 天"


class MainScreen(ScanScreen):
    """Type to search, scan or type a receipt number and Enter to open, F2 to register."""

    AUTO_FOCUS = "#scan"
    SCAN_BOX: type[ScanBox] = ScanBox

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "register", "登记新材料", id="register", priority=True),
        Binding("escape", "focus_box", "回输入框", id="to_box"),
        Binding("f10", "app.switch_clerk", "换人", id="switch_clerk"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._shown_text: str | None = None
        self._shown_version = -1
        self._kept_search = ""
        """A search read with Enter that found several packs: listed until the clerk types again."""

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
        self.app.data_changed()
        self.refresh_data()
        self.say("")
        self.query_one(ScanBox).focus()

    # -- showing ---------------------------------------------------------------------------
    def redraw(self) -> None:
        self.show_rows()
        self.update_status()

    def update_status(self) -> None:
        store = self.desk.store
        round_ = self.desk.config.round
        now = store.clock()
        total = len(store.ids(round_.id))
        clerk = self.app.clerk or ""
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
        text = self.query_one(ScanBox).value or self._kept_search
        listing = self.app.listing
        changed = force or listing.version != self._shown_version
        if not changed and text == self._shown_text:
            return
        self._shown_text, self._shown_version = text, listing.version
        page = listing.page(text)
        self.query_one(PackList).set_rows(page.ids, self.list_row, changed)
        self._show_count(page, text)

    def list_row(self, pack_id: int) -> ListRow:
        row = self.app.listing.row(pack_id)
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
        if event.value:
            self._kept_search = ""
            self.say("")
        self.show_rows()

    def show_scan(self, verdict: ScanVerdict) -> None:
        """What the line read did, in the message line (the pack it opened shows itself)."""
        style = {"warning": "$warning", "error": "$error"}.get(verdict.severity, "")
        self.say(verdict.message, style)
        self._kept_search = verdict.text if verdict.outcome == "several" else ""
        self.show_rows()

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
        self.app.open_pack(event.pack_id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        on_table = isinstance(self.focused, PackList)
        if action == "focus_box":
            return on_table
        if action == "focus_table":
            return not on_table
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()
