"""The supervisor's dashboard: counts, arrivals per day, and the packs that miss items."""

from __future__ import annotations

from typing import ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Input, Static

from deskapp.config import KIND_LABELS, KINDS
from deskapp.crosscheck import ORIGIN_LABELS
from deskapp.dashboard import (
    SORT_LABELS,
    STATUS_COLUMNS,
    Annex2Row,
    Dashboard,
    IncompleteRow,
    bar_chart,
    build_dashboard,
    filter_rows,
)
from deskapp.integrity import check_status
from deskapp.journal import JournalError
from deskapp.store import DeskStore
from deskapp.timeutil import show
from screens.base import DeskScreen, when_alive

KIND_CYCLE: tuple[str | None, ...] = (None, *KINDS)
SORT_CYCLE = tuple(SORT_LABELS)


def integrity_text(store: DeskStore) -> str:
    """What the last recorded ``deskapp check`` found (:func:`deskapp.integrity.check_status`), in
    Chinese. A record that cannot be read (a damaged entry, a file gone: :class:`JournalError`,
    ``OSError``) is said in the title instead: the dashboard still opens with its counts."""
    try:
        return check_status(store).text()
    except (JournalError, OSError) as exc:
        return f"完整性校验记录无法读取：{exc}"


class DashboardScreen(DeskScreen[None]):
    """总览: what is complete, what is missing and whom to call."""

    CSS_PATH = "supervisor.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "返回", id="dash.back"),
        Binding("slash", "search", "搜索", id="dash.search"),
        Binding("f3", "cycle_kind", "类别", id="dash.kind"),
        Binding("f4", "cycle_sort", "排序", id="dash.sort"),
        Binding("f5", "refresh", "刷新", id="dash.refresh"),
        Binding("f6", "export('annex2_docx')", "导出附件2(Word)", id="dash.export_docx"),
        Binding("f7", "export('register')", "导出台账", id="dash.export_register"),
        Binding("f8", "toggle_list", "缺件/附件2内容", id="dash.annex2"),
        Binding("enter", "open", "打开", id="dash.open", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.board: Dashboard | None = None
        self.kind_index = 0
        self.sort_index = 0
        self.incomplete_shown: list[IncompleteRow] = []
        """The packs missing items listed now, in the list's order (Enter opens the one under the cursor)."""
        self.annex2_view = False
        """F8: the list shows every studio's 附件2 content instead of the packs missing items."""
        self.annex2_shown: list[Annex2Row] = []

    def compose(self) -> ComposeResult:
        yield Static(id="dash-title")
        yield Static(id="dash-summary")
        with Horizontal(id="dash-top"):
            with Vertical(id="dash-tables"):
                yield DataTable(id="dash-kinds", cursor_type="none", zebra_stripes=True)
                yield DataTable(id="dash-sectors", cursor_type="none", zebra_stripes=True)
            yield Static(id="dash-chart")
        yield Static(id="dash-list-head")
        yield Input(
            placeholder="搜索缺件清单：编号、单位、名称、联系人、缺项（/ 到这里，↓ 到列表）",
            id="dash-search",
            compact=True,
        )
        yield DataTable(id="dash-list", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        kinds = self.query_one("#dash-kinds", DataTable)
        kinds.add_columns("类别", *STATUS_COLUMNS.values(), "合计")
        self.query_one("#dash-sectors", DataTable).add_columns("研究领域", *KIND_LABELS.values())
        self._list_columns()
        table = self.query_one("#dash-list", DataTable)
        self.redraw()
        table.focus()

    def _list_columns(self) -> None:
        table = self.query_one("#dash-list", DataTable)
        table.clear(columns=True)
        if self.annex2_view:
            table.add_columns("收件编号", "申报单位", "工作室名称", "状态", "附件2内容", "缺少栏目")
        else:
            table.add_columns("收件编号", "类别", "申报单位", "名称", "状态", "收件时间", "联系人", "电话", "缺少材料")

    # -- data ------------------------------------------------------------------------------
    def redraw(self) -> None:
        """Recompute from the store in a thread (10,000 packs take a fraction of a second)."""
        self.compute()

    @work(thread=True, exclusive=True, group="dashboard")
    def compute(self) -> None:
        store = self.desk.store
        board = build_dashboard(store)
        integrity = integrity_text(store)
        self.app.call_from_thread(self.show_board, board, integrity)

    @when_alive  # the worker's answer may come after the dashboard was closed
    def show_board(self, board: Dashboard, integrity: str) -> None:
        self.board = board
        self.query_one("#dash-title", Static).update(
            f"总览 · {board.round_id} 批次 · 截止 {show(board.deadline)} · 统计于 {show(board.generated_at)} · {integrity}"
        )
        lacking = len(board.annex2_lacking)
        self.query_one("#dash-summary", Static).update(
            f"共 {board.total} 件   齐全 {board.complete}   缺件 {board.incomplete}   逾期 {board.late}   "
            f"撤回 {board.withdrawn}   作废 {board.voided}   "
            f"附件2内容：齐 {len(board.annex2_rows) - lacking} / 缺 {lacking} 个工作室（F8）"
        )
        kinds = self.query_one("#dash-kinds", DataTable)
        kinds.clear()
        for kind, counts in board.by_kind_status.items():
            kinds.add_row(
                KIND_LABELS.get(kind, kind), *(str(counts.get(s, 0)) for s in STATUS_COLUMNS), str(sum(counts.values()))
            )
        sectors = self.query_one("#dash-sectors", DataTable)
        sectors.clear()
        for sector, counts in board.by_sector.items():
            sectors.add_row(sector, *(str(counts.get(k, 0)) for k in KIND_LABELS))
        width = max(10, self.query_one("#dash-chart", Static).size.width - 14)
        chart = bar_chart(board.arrivals, width=width)
        late = f"\n截止后收到（逾期）：{board.late_arrivals} 件" if board.late_arrivals else ""
        self.query_one("#dash-chart", Static).update("每日收件（至截止日）\n" + "\n".join(chart) + late)
        self.fill_list()

    def fill_list(self) -> None:
        if self.board is None:
            return
        if self.annex2_view:
            self._fill_annex2()
            return
        kind = KIND_CYCLE[self.kind_index]
        sort = SORT_CYCLE[self.sort_index]
        text = self.query_one("#dash-search", Input).value
        self.incomplete_shown = filter_rows(self.board.incomplete_rows, text=text, kind=kind, sort=sort)
        table = self.query_one("#dash-list", DataTable)
        table.clear()
        for row in self.incomplete_shown:
            status = row.status_label + (f"（截止 {row.due}）" if row.due else "") + ("·逾期" if row.late else "")
            table.add_row(
                row.receipt_no,
                row.kind_label,
                row.unit,
                row.name,
                status,
                show(row.received_at),
                row.contact,
                row.phone_masked,
                row.missing_text,
                key=str(row.pack_id),
            )
        scope = KIND_LABELS.get(kind, "全部") if kind else "全部"
        self.query_one("#dash-list-head", Static).update(
            f"缺件清单：{len(self.incomplete_shown)} / {len(self.board.incomplete_rows)} 件 · 类别：{scope}（F3） · "
            f"排序：{SORT_LABELS[sort]}（F4） · Enter 打开"
        )

    def _fill_annex2(self) -> None:
        """Every live studio: its 附件2 content (from files / typed / missing), lacking ones first."""
        assert self.board is not None
        text = self.query_one("#dash-search", Input).value
        rows = [r for r in self.board.annex2_rows if not text or r.matches(text)]
        self.annex2_shown = sorted(rows, key=lambda r: r.complete)
        table = self.query_one("#dash-list", DataTable)
        table.clear()
        for row in self.annex2_shown:
            content = row.content
            state = "齐" if content.complete else f"缺{len(content.missing)}栏"
            origin = "未填" if content.origin == "missing" else ORIGIN_LABELS[content.origin]
            table.add_row(
                row.receipt_no,
                row.unit,
                row.name,
                row.status_label + ("·逾期" if row.late else ""),
                f"{state}（{origin}）",
                "、".join(content.missing) or "—",
                key=str(row.pack_id),
            )
        lacking = sum(1 for r in self.annex2_shown if not r.complete)
        self.query_one("#dash-list-head", Static).update(
            f"附件2内容：{len(self.annex2_shown)} 个工作室，缺内容 {lacking} 个（Ctrl+G 导出前会列出） · F8 回到缺件清单 · Enter 打开"
        )

    # -- keys ------------------------------------------------------------------------------
    @on(Input.Changed, "#dash-search")
    def search_changed(self) -> None:
        self.fill_list()

    @on(Input.Submitted, "#dash-search")
    def search_done(self) -> None:
        self.query_one("#dash-list", DataTable).focus()

    def on_key(self, event: events.Key) -> None:
        if event.key == "down" and self.focused is self.query_one("#dash-search", Input):
            self.query_one("#dash-list", DataTable).focus()
            event.stop()

    @on(DataTable.RowSelected, "#dash-list")
    def row_chosen(self, event: DataTable.RowSelected) -> None:
        self.app.open_pack(int(str(event.row_key.value)))

    def action_open(self) -> None:
        table = self.query_one("#dash-list", DataTable)
        rows: list[Annex2Row] | list[IncompleteRow] = self.annex2_shown if self.annex2_view else self.incomplete_shown
        if rows and 0 <= table.cursor_row < len(rows):
            self.app.open_pack(rows[table.cursor_row].pack_id)

    def action_toggle_list(self) -> None:
        self.annex2_view = not self.annex2_view
        self._list_columns()
        self.fill_list()

    def action_search(self) -> None:
        self.query_one("#dash-search", Input).focus()

    def action_cycle_kind(self) -> None:
        self.kind_index = (self.kind_index + 1) % len(KIND_CYCLE)
        self.fill_list()

    def action_cycle_sort(self) -> None:
        self.sort_index = (self.sort_index + 1) % len(SORT_CYCLE)
        self.fill_list()

    def action_export(self, kind: str) -> None:
        from screens.exporting import start_export

        start_export(self.app, kind)

    def action_refresh(self) -> None:
        self.refresh_data()

    def action_back(self) -> None:
        if self.focused is self.query_one("#dash-search", Input) and self.query_one("#dash-search", Input).value:
            self.query_one("#dash-search", Input).value = ""
            return
        self.app.pop_screen()
