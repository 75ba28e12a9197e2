"""One pack: all it holds, its checklist by one key each, and its whole history."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, ScrollableContainer, Vertical, VerticalScroll
from textual.content import Content
from textual.suggester import SuggestFromList
from textual.widgets import Footer, Input, Label, Static

from deskapp import outcomes
from deskapp.config import Round
from deskapp.forms import MEDIUMS, expand_medium
from deskapp.history_text import change_label, describe
from deskapp.intake import label as door_label
from deskapp.intake import take_value
from deskapp.models import DETAIL_FIELDS, HistoryEntry, Pack, field_label
from deskapp.scan_route import looks_like_scan
from deskapp.store import RegistrationError, StoreWriteError
from deskapp.timeutil import show
from screens.checklist import Checklist
from screens.read_files import file_lines
from screens.scanning import ScanScreen
from screens.widgets import NumberBox, ScanBox


def history_line(round_: Round, kind: str, entry: HistoryEntry) -> Content:
    """One history entry as the pack screen shows it, in the words of :mod:`deskapp.history_text`."""
    line = describe(round_, kind, entry)
    parts: list[Content | str | tuple[str, str]] = [
        (line.at, "dim"),
        "  ",
        (line.actor, "bold"),
        "  ",
        (line.action, "bold $accent"),
    ]
    parts.extend(f"\n    {detail}" for detail in line.details)
    if line.reason:
        parts.append(Content.assemble("\n    原因：", (line.reason, "italic")))
    return Content.assemble(*parts)


def _pages_text(pages: int | None) -> str:
    return "" if pages is None else str(pages)


class PackScreen(ScanScreen):
    """A pack opened from the list, a scan, or after registering."""

    SCAN_BOX_ID = "#pack-scan"
    # RUF012 is silenced: Textual annotates this ``ClassVar[...] | None``, which mypy reads as an instance
    # variable, so a ClassVar here fails mypy ("cannot override instance variable").
    HORIZONTAL_BREAKPOINTS: list[tuple[int, str]] | None = [(0, "-narrow"), (110, "-wide")]  # noqa: RUF012
    """Below 110 columns the pack's fields and its checklist stack (desk.tcss)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "返回", id="back"),
        Binding("enter", "commit", "保存这一项", id="pack.commit", show=False, priority=True),
        # Keys that move the focus act when the app reads them (priority), so the keys typed
        # right after them land in the field they chose, however fast.
        Binding("f3", "edit('pages')", "页数", id="pack.pages", priority=True),
        Binding("f4", "edit('ecopy_medium')", "介质", id="pack.medium", priority=True),
        Binding("f5", "outcome", "结论…", id="pack.outcome"),
        Binding("f6", "edit('reason')", "原因", id="pack.reason", priority=True),
        Binding("f7", "focus_checklist", "清单", id="pack.checklist", priority=True),
        Binding("f8", "print('slip')", "打印回执", id="pack.print"),
        Binding("f12", "print('notice')", "补正告知书", id="pack.notice"),
        Binding("f9", "read_files", "读取电子版", id="pack.read"),
    ]

    def __init__(self, pack_id: int) -> None:
        super().__init__()
        self.pack_id = pack_id

    @property
    def pack(self) -> Pack:
        return self.desk.store.get(self.pack_id)

    def compose(self) -> ComposeResult:
        pack = self.pack
        yield Static(id="pack-title")
        yield ScanBox(placeholder="扫描或输入下一件的收件编号，Enter 打开", id="pack-scan", compact=True)
        with ScrollableContainer(id="pack-body", can_focus=False):
            with VerticalScroll(id="pack-fields", can_focus=False):
                yield Static(id="pack-info")
                yield Static(id="pack-verdict")
            with Vertical(id="pack-side"):
                yield Label("材料清单：Tab 或 F7 到这里，按数字键勾选/取消", classes="section")
                yield Checklist(self.desk.config.round.checklist(pack.kind), pack.checklist, id="checklist")
                with Horizontal(classes="field"):
                    yield Label("页数（纸质）", classes="field-label")
                    yield NumberBox(
                        _pages_text(pack.pages),
                        id="e-pages",
                        compact=True,
                        placeholder="输入后按 Enter 保存",
                    )
                with Horizontal(classes="field"):
                    yield Label("电子版介质", classes="field-label")
                    yield Input(
                        pack.ecopy_medium,
                        id="e-ecopy_medium",
                        compact=True,
                        placeholder="U盘 / 光盘 / 邮件，Enter 保存",
                        suggester=SuggestFromList(list(MEDIUMS)),
                    )
                with Horizontal(classes="field"):
                    yield Label("原因（可选）", classes="field-label")
                    yield Input(id="e-reason", compact=True, placeholder="写在这里，记入下一次修改")
        yield Label("历史（每一次修改：谁、何时、原值 → 新值、原因）", classes="section")
        with VerticalScroll(id="pack-history"):
            yield Static(id="history")
        yield Footer(compact=True)  # many keys: the slips, supervisor and readers add theirs here

    def on_mount(self) -> None:
        self.redraw()
        # The scan box has focus, not the checklist: a scanner's digits must never tick items.
        self.set_focus(self.query_one("#pack-scan", ScanBox), scroll_visible=False)

    def redraw(self) -> None:
        """Draw from the store (after own changes and other desks' writes: see refresh_data)."""
        pack = self.pack
        round_ = self.desk.config.round
        verdict = self.desk.store.assess(pack)
        self.query_one("#pack-title", Static).update(
            Content.assemble(
                (pack.receipt_no, "bold $accent"),
                f"  ·  {pack.kind_label}  ·  {outcomes.status_text(pack)}  ·  收件 {show(pack.received_at)}  受理人 {pack.clerk}",
            )
        )
        lines = [f"{field_label(pack.kind, 'unit')}：{pack.unit}", f"{field_label(pack.kind, 'name')}：{pack.name}"]
        for key in ("sector", "leader", "contact", "phone", "members", "notes"):
            if key == "members" and pack.kind != "studio":
                continue
            value = getattr(pack, key)
            lines.append(f"{field_label(pack.kind, key)}：{'' if value is None else value}")
        for key, label in DETAIL_FIELDS.items():
            if pack.details.get(key):
                lines.append(f"{label}：{pack.details[key]}")
        if pack.distinct_from:
            lines.append("已确认不是重复材料：" + "、".join(pack.distinct_from))
        if pack.voided:
            lines.insert(0, f"【已作废】原因：{pack.void_reason}")
        lines.extend(file_lines(pack))
        self.query_one("#pack-info", Static).update("\n".join(lines))
        if verdict.complete and not verdict.flags:
            summary = Content.styled("齐全", "bold $success")
        else:
            summary = Content.assemble(
                ("完整性：", "bold"),
                (verdict.summary(), "bold $error" if verdict.late or verdict.missing else "$warning"),
            )
        self.query_one("#pack-verdict", Static).update(summary)
        self.query_one(Checklist).set_state(pack.checklist)
        self.show_saved_values()
        history = self.desk.store.history(pack.id)
        self.query_one("#history", Static).update(
            Content("\n").join(history_line(round_, pack.kind, e) for e in reversed(history))
        )

    # -- changes ---------------------------------------------------------------------------
    def take_reason(self) -> str:
        box = self.query_one("#e-reason", Input)
        reason = box.value.strip()
        box.value = ""
        return reason

    def change(self, changes: dict[str, Any], done: str, noted: str = "") -> bool:
        """Write ``changes`` through the store with the signed-in clerk and the reason typed
        (``noted``: what the clerk was shown before confirming, recorded with it)."""
        reason = "；".join(r for r in (self.take_reason(), noted) if r)
        try:
            self.desk.store.update(self.pack_id, changes, self.app.clerk or "", reason=reason)
        except (RegistrationError, StoreWriteError) as exc:
            self.notify(f"没有保存：{exc}", title="没有保存", severity="error", timeout=10)
            self.refresh_data()
            return False
        self.notify(done, timeout=3)
        self.app.data_changed()
        self.refresh_data()
        return True

    @on(Checklist.Toggled, "#checklist")
    def toggled(self, event: Checklist.Toggled) -> None:
        label = change_label(self.desk.config.round, self.pack.kind, f"checklist.{event.key}")
        self.change({f"checklist.{event.key}": event.value}, f"{label}：{'已收到' if event.value else '未收到'}")

    def action_commit(self) -> None:
        """Enter in 页数 / 电子版介质 / 原因: focus back to the checklist at once (so keys typed
        next go there), then save the field once the keys typed before Enter are in it."""
        box = self.focused
        if not isinstance(box, Input) or box.id not in ("e-pages", "e-ecopy_medium", "e-reason"):
            raise SkipAction()  # the scan box handles its own Enter
        self.set_focus(self.query_one(Checklist))  # now, not after a refresh like widget.focus()
        box.call_later(self.commit_field, box)

    def commit_field(self, box: Input) -> None:
        if box.id != "e-pages" and looks_like_scan(box.value):
            # A scan typed into 电子版介质 / 原因 (the scanner does not know where the focus is).
            text, box.value = box.value, (self.pack.ecopy_medium if box.id == "e-ecopy_medium" else "")
            self.app.take_scan(text)
            return
        if box.id == "e-pages":
            self.commit_count(box, "pages")
        elif box.id == "e-ecopy_medium":
            box.value = expand_medium(box.value)
            if self.change({"ecopy_medium": box.value}, "电子版介质已保存"):
                self._show_saved(box)
            else:
                self._back_to(box)
        elif box.value.strip():
            self.notify("原因会记入下一次修改", timeout=3)

    confirming: tuple[str, str] | None = None
    """(field, text) shown as questionable at the last Enter: the same Enter again saves it as typed."""

    def commit_count(self, box: Input, key: str) -> None:
        """页数 (and any count) through the one door (:func:`deskapp.intake.take_value`), as the
        registration form and the ``register`` command: a refusal or a questionable value keeps the
        focus in the field, said with the field's Chinese name; the same Enter again records a
        questionable value as typed, and that it was shown."""
        text = box.value.strip()
        value, problems = take_value(self.desk.config.round, self.pack.kind, key, text)
        errors = [p.text for p in problems if p.blocks]
        if errors:
            self.confirming = None
            self._back_to(box)
            self.notify("；".join(errors) + "：没有保存，请改正后按 Enter。", title="没有保存", severity="error")
            return
        questions = "；".join(p.text for p in problems if not p.blocks)
        if questions and self.confirming != (key, text):
            self.confirming = (key, text)
            self._back_to(box)
            self.notify(
                f"{questions}。再按一次 Enter 按原样保存，或改正后按 Enter。", title="还没有保存", severity="warning"
            )
            return
        self.confirming = None
        noted = f"按原样记录（已提示有疑问）：{questions}" if questions else ""
        if self.change({key: value}, f"{door_label(self.pack.kind, key)}已保存", noted):
            self._show_saved(box)
        else:
            self._back_to(box)

    def _show_saved(self, box: Input) -> None:
        """``box`` shows the value as saved (``２０`` → ``20``, ``u`` → ``U盘``)."""
        saved = self.saved_texts()
        box.value = saved[str(box.id)]
        self._filled = saved

    def _back_to(self, box: Input) -> None:
        """The focus back in ``box`` with its text selected: the correction typed next replaces it."""
        self.set_focus(box)
        box.select_all()

    def saved_texts(self) -> dict[str, str]:
        """What the edit fields show when nothing is typed in them: the pack's saved values."""
        pack = self.pack
        return {"e-pages": _pages_text(pack.pages), "e-ecopy_medium": pack.ecopy_medium}

    def show_saved_values(self) -> None:
        """Fill the edit fields the clerk is not editing with the saved values (another desk may
        have changed them); a field with an edit typed and not saved keeps it."""
        filled = getattr(self, "_filled", {})
        for box_id, text in self.saved_texts().items():
            box = self.query_one(f"#{box_id}", Input)
            if box.value == filled.get(box_id, box.value):
                box.value = text
        self._filled = self.saved_texts()

    def unsaved_edits(self) -> list[str]:
        """What is typed in 页数 / 电子版介质 and not saved (Enter saves), in the clerk's words."""
        pack = self.pack
        found = []
        saved = self.saved_texts()
        if self.query_one("#e-pages", Input).value.strip() != saved["e-pages"]:
            found.append(f"页数（仍为 {saved['e-pages'] or '未填'}）")
        medium = self.query_one("#e-ecopy_medium", Input).value
        if expand_medium(medium) != pack.ecopy_medium:
            found.append(f"电子版介质（仍为 {pack.ecopy_medium or '未填'}）")
        return found

    def drop_unsaved(self) -> bool:
        """Esc with an edit not saved: say so and put the saved values back (True: there was one)."""
        unsaved = self.unsaved_edits()
        if not unsaved:
            return False
        for box_id, text in self.saved_texts().items():
            self.query_one(f"#{box_id}", Input).value = text
        self._filled = self.saved_texts()
        self.confirming = None
        self.notify(
            "没有保存：" + "、".join(unsaved) + "。要修改请重新输入后按 Enter。", title="修改未保存", severity="warning"
        )
        return True

    # -- actions ---------------------------------------------------------------------------
    def action_edit(self, what: str) -> None:
        self.set_focus(self.query_one(f"#e-{what}", Input))

    def action_outcome(self) -> None:
        """F5: 受理 / 补正 / 容缺受理 / 不予受理 / 撤回 / 补正收到 / 作废 / 更正 / 附件2内容."""
        from screens.outcomes import choose_outcome

        choose_outcome(self, self.pack_id)

    def action_focus_checklist(self) -> None:
        self.set_focus(self.query_one(Checklist))

    def action_print(self, doc: str) -> None:
        from screens.slips import print_document

        print_document(self.app, self.pack_id, doc)

    def action_read_files(self) -> None:
        from screens.read_files import read_into_pack

        read_into_pack(self, self.pack_id, after=self.refresh_data)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "print" and parameters == ("notice",):
            from screens.slips import needs_notice

            return needs_notice(self.app, self.pack) or None
        return action != "focus_table"  # the scan box's "to the list" belongs to the main screen

    def action_back(self) -> None:
        """Esc: out of an edit field to the checklist, else back to the list. An edit typed and not
        saved (no Enter) is never left looking saved: Esc puts the saved value back and says so."""
        in_field = isinstance(self.focused, Input) and self.focused.id != "pack-scan"
        if self.drop_unsaved() or in_field:
            self.set_focus(self.query_one(Checklist))
            return
        self.dismiss()
