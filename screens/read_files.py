"""Reading a unit's electronic copies into a pack: pick files, read them in the background,
review what was found next to what the pack holds, accept all, some or none.

Two dialogs and two entry points (F9 on both screens):
- :func:`read_into_pack` (from any pack): saves the accepted values and the files'
  fingerprints through ``deskapp.readers.prefill.apply`` with the clerk's name;
- :func:`read_into_form` (from the registration form): the accepted values fill the form,
  unsaved; once the pack is saved, :func:`record_files` puts the files' fingerprints on it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Input, Static
from textual.worker import Worker, WorkerState, get_current_worker

from deskapp.crosscheck import latest_files
from deskapp.models import Pack
from deskapp.readers import KIND_LABELS, FileReport, expand, read_isolated_many, summarize
from deskapp.readers.prefill import Decision, Prefill, Proposal, apply, current_values, path_label, propose
from deskapp.timeutil import show
from screens.base import DeskModal, DeskScreen, when_alive
from screens.pick_files import CSS, PickFilesScreen, from_usb

if TYPE_CHECKING:
    from deskapp.app import DeskApp
    from screens.register import RegisterScreen

COLUMNS = (("采用", 4), ("栏目", 24), ("当前", 20), ("文件中", 30), ("来源", 12))
"""Review table columns and their widths in cells (a Chinese character takes two)."""


def _pages(pages: int | None) -> str:
    return "" if pages is None else f"，{pages}页"


def _short(value: Any, width: int) -> str:
    """One line of at most ``width`` terminal cells."""
    text = "（空）" if value in (None, "") else str(value).replace("\n", " ")
    if cell_len(text) <= width:
        return text
    while cell_len(text) > width - 1:
        text = text[:-1]
    return text + "…"


def pages_proposal(reports: list[FileReport], current: Any) -> Proposal | None:
    """页数 from the PDF copies read (their pages added up), unless the form already says so."""
    pdfs = [r for r in reports if r.readable and r.kind == "pdf" and isinstance(r.pages, int)]
    if not pdfs:
        return None
    found = sum(r.pages or 0 for r in pdfs)
    if str(current or "") == str(found):
        return None
    return Proposal("pages", "页数（纸质，按PDF）", current or "", found, "、".join(r.name for r in pdfs))


class _Stopped(Exception):
    """The clerk closed the review while files were being read."""


class ReviewPrefillScreen(DeskModal[Decision | None]):
    """Reads the files in a thread worker, then lists found vs current values with accept toggles.

    Fields that are empty now and on which the files agree start accepted; a conflict (a field
    that would overwrite something already typed, or whose files disagree) starts not accepted
    and is listed above the table with every value, so the clerk decides without hunting for
    the row; ``v`` takes the next file's value for the row under the cursor.
    """

    CSS_PATH = CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_accept", "采用/不采用", id="review.toggle"),
        Binding("v", "next_choice", "换用另一文件的值", id="review.choice"),
        Binding("a", "all", "全部采用", id="review.all"),
        Binding("n", "none", "全不采用", id="review.none"),
        Binding("ctrl+s", "save", "保存所选", id="review.save", priority=True),
        Binding("escape", "cancel", "取消（不保存）", id="review.cancel"),
    ]

    def __init__(
        self,
        paths: list[Path],
        kind: str,
        current: dict[str, Any],
        sectors: list[str],
        pack: Pack | None = None,
        reader: Callable[..., list[FileReport]] = read_isolated_many,
        offer_pages: bool = False,
    ) -> None:
        super().__init__()
        self.offer_pages = offer_pages
        """Registration form: offer the PDF's page count for 页数 (a row like the others)."""
        self.paths = paths
        self.kind = kind
        self.current = current
        self.sectors = sectors
        self.pack = pack
        self.reader = reader
        self.prefill: Prefill | None = None
        self.accept: dict[str, bool] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="review"):
            yield Static(
                "读取电子版：文件中的内容与当前登记对照（空格 采用/不采用，Ctrl+S 保存所选）", classes="read-title"
            )
            yield Static("正在查找文件…", id="review-progress")
            yield Static("", id="review-conflicts")
            table: DataTable[str] = DataTable(id="review-table", cursor_type="row", zebra_stripes=True)
            for label, width in COLUMNS:
                table.add_column(label, width=width)
            yield table
            yield Static("", id="review-detail")
            yield Static("", id="review-notes")
        yield Footer()

    def on_mount(self) -> None:
        self.read_files()

    @work(thread=True, exclusive=True, group="read-files", exit_on_error=False)
    def read_files(self) -> None:
        """Thread worker: never touches widgets; hands results back with call_from_thread."""
        worker = get_current_worker()
        files = expand(self.paths)

        def progress(n: int, total: int, name: str) -> None:
            if worker.is_cancelled:
                raise _Stopped
            self.app.call_from_thread(self._progress, f"正在读取 {n}/{total}：{name}…")

        try:
            reports = self.reader(files, progress=progress)
        except _Stopped:
            return
        if not worker.is_cancelled:
            prefill = propose(self.kind, self.current, reports, self.sectors, pack=self.pack)
            self.app.call_from_thread(self._show, prefill)

    @on(Worker.StateChanged)
    def worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self._progress(f"读取出错（{event.worker.error}）。请按 Esc 关闭，再试一次或改为手工填写。")

    @when_alive  # the worker's answers may come after the dialog was closed
    def _progress(self, text: str) -> None:
        self.query_one("#review-progress", Static).update(text)

    @when_alive
    def _show(self, prefill: Prefill) -> None:
        if self.offer_pages:
            pages = pages_proposal(prefill.reports, self.current.get("pages"))
            if pages is not None:
                prefill.proposals.append(pages)
        self.prefill = prefill
        reports = prefill.reports
        if reports:
            self._progress(
                summarize(reports).text()
                + "\n"
                + "、".join(f"{r.name}〔{r.kind_label}{_pages(r.pages)}〕" for r in reports)
            )
        else:
            self._progress("没有找到文件（文件夹是空的，或只有隐藏文件、系统文件）")
        self.accept = {p.path: not p.conflict and not p.guess for p in prefill.proposals}
        self._fill()
        notes = list(prefill.notes)
        if not prefill.proposals:
            notes.insert(0, "文件内容与当前登记一致，没有要改的栏目；Ctrl+S 仍会记下文件指纹。")
        self.query_one("#review-notes", Static).update("\n".join("！" + n for n in notes))
        self.query_one("#review-table", DataTable).focus()

    def _fill(self) -> None:
        table = self.query_one("#review-table", DataTable)
        row = table.cursor_row
        table.clear()
        for p in self.prefill.proposals if self.prefill else []:
            mark = ("☑" if self.accept.get(p.path) else "☐") + ("！" if p.conflict else "")
            label = p.label + ("（推断）" if p.guess else "")
            table.add_row(mark, label, _short(p.current, 20), _short(p.found, 30), _short(p.source, 12), key=p.path)
        if table.row_count:
            table.move_cursor(row=min(max(row, 0), table.row_count - 1))
        self._show_conflicts()

    def _show_conflicts(self) -> None:
        """Every conflict up front: the typed value and each file's value, and what is chosen."""
        conflicts = self.prefill.conflicts if self.prefill else []
        lines = [
            f"{'☑' if self.accept.get(p.path) else '☐'} {p.conflict_text()}  → 采用时取 {p.source}" for p in conflicts
        ]
        head = f"需要您决定的 {len(conflicts)} 项（文件之间或与已填内容不一致；默认不采用，空格采用，v 换用另一文件的值）："
        panel = self.query_one("#review-conflicts", Static)
        panel.update(head + "\n" + "\n".join(lines) if lines else "")
        panel.display = bool(lines)

    def _selected(self) -> Proposal | None:
        table = self.query_one("#review-table", DataTable)
        if not self.prefill or not table.row_count:
            return None
        return self.prefill.proposals[table.cursor_row]

    @on(DataTable.RowHighlighted)
    def highlighted(self) -> None:
        p = self._selected()
        if p is None:
            return
        text = f"{p.label}（来自 {p.source}）：\n{p.found}"
        others = [c for c in p.choices if not (c.source == p.source and c.value == p.found)]
        if others:
            text += "\n其他文件中为：" + "；".join(f"{c.source}“{c.value}”" for c in others)
        self.query_one("#review-detail", Static).update(text)

    def action_toggle_accept(self) -> None:
        p = self._selected()
        if p is not None:
            self.accept[p.path] = not self.accept.get(p.path)
            self._fill()

    def action_next_choice(self) -> None:
        p = self._selected()
        if p is None or len(p.choices) < 2:
            self.notify("这一栏只有一个文件给出了值。", timeout=3)
            return
        index = next((i for i, c in enumerate(p.choices) if c.source == p.source and c.value == p.found), 0)
        p.choose(index + 1)
        self._fill()
        self.highlighted()

    def action_all(self) -> None:
        self.accept = dict.fromkeys(self.accept, True)
        self._fill()

    def action_none(self) -> None:
        self.accept = dict.fromkeys(self.accept, False)
        self._fill()

    def action_save(self) -> None:
        if self.prefill is None:
            self.notify("还在读取，请稍候。", severity="warning")
            return
        accepted = [p for p in self.prefill.proposals if self.accept.get(p.path)]
        self.dismiss(Decision(accepted, self.prefill.reports))

    def action_cancel(self) -> None:
        self.workers.cancel_group(self, "read-files")
        self.dismiss(None)


# -- entry points -------------------------------------------------------------------------------
def pick_and_review(
    screen: DeskScreen[None],
    kind: str,
    current: dict[str, Any],
    pack: Pack | None,
    done: Callable[[Decision], None],
    folder: Path | None = None,
    offer_pages: bool = False,
) -> None:
    """File picker, then the review; ``done`` gets the clerk's decision (not called on cancel)."""
    app = screen.app
    sectors = list(screen.desk.config.round.sectors)

    def reviewed(decision: Decision | None) -> None:
        if decision is not None:
            done(decision)

    def picked(paths: list[Path] | None) -> None:
        if paths:
            app.push_screen(ReviewPrefillScreen(paths, kind, current, sectors, pack, offer_pages=offer_pages), reviewed)

    app.push_screen(PickFilesScreen(folder), picked)


def read_into_pack(
    screen: DeskScreen[None], pack_id: int, after: Callable[[], None] | None = None, folder: Path | None = None
) -> None:
    """From a pack: pick, read, review; the accepted values are saved with the clerk's name."""
    app = screen.app
    store = screen.desk.store
    clerk = app.clerk or ""

    def done(decision: Decision) -> None:
        saved = app.write(
            lambda: apply(store, pack_id, decision.accepted, decision.reports, clerk), what="读取的电子版内容"
        )
        if saved is None:
            return
        flags = [f.text for f in store.assess(saved).flags if f.code.startswith("file_")]
        text = f"已采用 {len(decision.accepted)} 项，记下 {len(decision.reports)} 个文件的指纹。"
        app.notify(
            text + ("\n核对：" + "；".join(flags) if flags else ""),
            title="电子版",
            severity="warning" if flags else "information",
            timeout=10,
        )
        app.data_changed()
        if after is not None:
            after()

    pack = store.get(pack_id)
    pick_and_review(screen, pack.kind, current_values(pack), pack, done, folder)


FORM_INPUTS = ("unit", "name", "sector", "leader", "contact", "phone", "members", "pages")
"""Registration form fields (``#f-<key>`` inputs) that files can fill."""


def accepted_details(decision: Decision | None) -> dict[str, str]:
    """The accepted long fields, as ``pack.details`` keys (what the 附件2 export reads)."""
    if decision is None:
        return {}
    return {p.path.split(".", 1)[1]: str(p.found) for p in decision.accepted if p.path.startswith("details.")}


def _merge(before: Decision | None, after: Decision) -> Decision:
    """A second F9 on the same form adds to the first: newer values win, every file is kept."""
    if before is None:
        return after
    paths = {p.path for p in after.accepted}
    shas = {r.sha256 for r in after.reports}
    return Decision(
        [*(p for p in before.accepted if p.path not in paths), *after.accepted],
        [*(r for r in before.reports if r.sha256 not in shas), *after.reports],
    )


def read_into_form(screen: RegisterScreen, folder: Path | None = None) -> None:
    """From the registration form (F9): accepted values fill the form's inputs, unsaved.

    Long fields are kept on ``screen.files_read`` and go into the pack's details when the
    form is saved; the files' fingerprints are recorded on the new pack then (:func:`record_files`).
    """

    def inputs(key: str) -> list[Input]:
        return list(screen.query(f"#f-{key}").results(Input))

    draft: dict[str, Any] = {key: field[0].value.strip() for key in FORM_INPUTS if (field := inputs(key))}
    draft["details"] = accepted_details(screen.files_read)

    def fill(decision: Decision) -> None:
        for p in decision.accepted:
            for field in inputs(p.path):
                field.value = str(p.found)
        medium = inputs("ecopy_medium")
        if (
            medium
            and not medium[0].value.strip()
            and decision.reports
            and from_usb(Path(r.path) for r in decision.reports)
        ):
            medium[0].value = "U盘"
        merged = screen.files_read = _merge(screen.files_read, decision)
        screen.notify(
            f"已填入 {len(decision.accepted)} 项（保存登记时一并记下 {len(merged.reports)} 个文件的指纹）。",
            title="电子版",
        )
        screen.after_files()

    pick_and_review(screen, screen.kind, current_values(None, draft), None, fill, folder, offer_pages=True)


def record_files(app: DeskApp, pack_id: int, decision: Decision | None) -> None:
    """After registering from files: the files' fingerprints and facts go on the new pack, with
    the sources of the values the form took from them (a value retyped after the fill is not credited)."""
    if decision is not None and decision.reports:
        app.write(
            lambda: apply(
                app.desk.store, pack_id, decision.accepted, decision.reports, app.clerk or "", set_values=False
            ),
            what="电子版文件指纹",
        )


def file_lines(pack: Pack) -> list[str]:
    """One line per electronic copy read for the pack (latest reading of each file name)."""
    lines = []
    for entry in latest_files(pack):
        kind = KIND_LABELS.get(entry.get("kind", ""), entry.get("kind", ""))
        pages = f"，{entry['pages']}页" if isinstance(entry.get("pages"), int) else ""
        bad = "，无法读取" if entry.get("unreadable") else ""
        when = show(entry["read_at"]) if entry.get("read_at") else ""
        gave = "、".join(path_label(pack.kind, path) for path in entry.get("gave") or {})
        filled = f"；填入：{gave}" if gave else ""
        lines.append(f"电子版：{entry['name']}（{kind}{pages}{bad}；{when} {entry.get('by', '')}读取{filled}）")
    return lines
