"""Registering a pack: kind, fields, checklist by one key each, Ctrl+S; then its receipt number."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Footer, Input, Label, Static

from deskapp import outcomes
from deskapp.auth import NotAllowed
from deskapp.config import KIND_LABELS
from deskapp.forms import MEDIUMS, sector_hint
from deskapp.intake import Intake, take
from deskapp.models import Pack, field_label
from deskapp.readers.prefill import Decision
from deskapp.store import RegistrationError, StoreWriteError
from deskapp.timeutil import show
from screens.base import DeskModal, DeskScreen
from screens.bigtext import BigText
from screens.checklist import Checklist
from screens.keygate import Confirmation
from screens.read_files import accepted_details, read_into_form, record_files
from screens.widgets import NumberBox, header_line

if TYPE_CHECKING:
    from deskapp.app import DeskApp

KIND_KEYS = {"1": "studio", "2": "project"}


def form_fields(kind: str) -> list[str]:
    """The fields a clerk types for ``kind``, in order (备注 last, after the checklist)."""
    fields = ["unit", "name", "sector", "leader", "contact", "phone"]
    if kind == "studio":
        fields.append("members")
    return [*fields, "notes"]


def enter_chain(kind: str) -> list[str]:
    """Where Enter goes next, in order: the typed fields, the checklist, 页数, 介质 (then it saves).

    备注 is left out (usually empty; Tab reaches it): a complete studio pack takes 12 keys
    besides its data from F2 to the slip printed (bench/bench_keys.py counts them).
    """
    return [key for key in form_fields(kind) if key != "notes"] + ["checklist", "pages", "ecopy_medium"]


def start_registration(app: DeskApp) -> None:
    """Ask the kind, then open the form (F2 on the main screen)."""

    def chosen(kind: str | None) -> None:
        if kind:
            app.push_screen(RegisterScreen(kind))

    app.push_screen(KindDialog(), chosen)


class KindDialog(DeskModal[str | None]):
    """1 = 人才工作室, 2 = 人才项目."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "choose('studio')", "人才工作室", id="kind.studio"),
        Binding("2", "choose('project')", "人才项目", id="kind.project"),
        Binding("escape", "dismiss", "取消", id="kind.cancel"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("登记新材料：是哪一类？", classes="dialog-title")
            for key, kind in KIND_KEYS.items():
                yield Static(Content.assemble((f" {key} ", "reverse"), f"  {KIND_LABELS[kind]}"))
            yield Static("按 1 或 2 选择，Esc 取消", classes="hint")
        yield Footer()

    def action_choose(self, kind: str) -> None:
        self.dismiss(kind)


class FormScroll(VerticalScroll, can_focus=False, inherit_bindings=False):
    """The form's scrolling body: never a Tab stop itself (a key typed there would go nowhere).

    Textual's scroll keys are not inherited: Ctrl+PageUp/PageDown switch tabs in a browser (a
    served desk), and the body never has the focus to use them anyway.
    """

    BINDINGS: ClassVar[list[BindingType]] = []


class RegisterScreen(DeskScreen[None]):
    """The form of one pack. Enter or Tab moves on; Enter on the last field (or Ctrl+S) saves; Esc cancels.

    Every value is checked as typed (beside its field, with the round's own rules); saving asks
    before a questionable value is recorded, so a saved pack never carries one the clerk was not
    shown. Keys typed at any speed land where they were meant: the app's key gate
    (``screens/keygate.py``) hands each key on only once the previous one has taken effect.
    """

    SCAN_IS_NOT_DATA = True
    """A scan while the form is open is read (its pack opens over the form) and never typed into a
    field; the clerk is told the form is kept (``DeskApp.take_scan``)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "保存登记", id="form.save", priority=True),
        Binding("f4", "save_and_print", "保存并打印回执", id="form.save_print", priority=True),
        Binding("enter", "next_field", "下一项/保存", id="next_field_enter", priority=True),
        Binding("tab", "app.focus_next", "下一项", id="next_field", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", "上一项", id="previous_field", show=False, priority=True),
        Binding("f7", "to_checklist", "材料清单", id="form.checklist"),
        Binding("f8", "to_notes", "备注", id="form.notes"),
        Binding("f9", "read_files", "读取电子版", id="read_files"),
        Binding("escape", "cancel", "取消", id="form.cancel"),
    ]

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind
        self.received_at: datetime | None = None
        self.files_read: Decision | None = None
        """What the clerk accepted from the unit's files (F9); recorded on the pack when saved."""
        self.saved = False

    def _field(self, key: str) -> ComposeResult:
        with Horizontal(classes="field"):
            yield Label(self.label(key), classes="field-label")
            box = NumberBox if key in ("members", "pages") else Input  # counts: nothing typed is dropped
            yield box(id=f"f-{key}", compact=True, select_on_focus=False, **_input_options(key))
            if key in CHECKED_FIELDS:
                yield Label("", id=f"note-{key}", classes="field-note")

    def label(self, key: str) -> str:
        return FORM_LABELS.get(key) or field_label(self.kind, key)

    def compose(self) -> ComposeResult:
        round_ = self.desk.config.round
        self.received_at = self.desk.store.clock()
        yield Static(self.title_line(), id="reg-title")
        with FormScroll(id="reg-form"):
            for key in form_fields(self.kind):
                if key == "notes":
                    continue
                yield from self._field(key)
                if key == "sector":
                    yield Static(sector_hint(round_.sectors, "")[1], id="sector-hint", classes="field-hint")
            yield Label("材料清单：按数字键勾选收到的材料，0 全部收到（F7 到这里），Enter 到页数", classes="section")
            yield Checklist(round_.checklist(self.kind), id="checklist")
            yield from self._field("pages")
            yield from self._field("ecopy_medium")
            yield Static("在介质一栏按 Enter 即保存登记；备注（F8）不在 Enter 的顺序里", classes="field-hint")
            yield from self._field("notes")
        yield Static(id="reg-error")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#f-unit", Input).focus()

    def title_line(self) -> Content:
        """The form's header, what matters first: the kind, 逾期 after the deadline (before saving,
        not only on the number screen), the clerk; the rest as the width allows."""
        round_ = self.desk.config.round
        clerk = self.app.clerk or ""
        parts = [Content.styled(f"登记{KIND_LABELS[self.kind]}", "bold")]
        if self.received_at is not None and self.received_at > round_.deadline:
            parts.append(Content.styled(f"已过截止时间：这件将标记{round_.late_wording}", "bold $error"))
        parts += [
            Content.assemble("受理人 ", (clerk, "bold $accent")),
            Content(f"收件时间 {show(self.received_at)}"),
            Content(f"保存后取得编号（下一个约为 {self.desk.store.next_receipt(self.kind)}）"),
        ]
        return header_line(parts, self.app.size.width - 2)

    def on_resize(self) -> None:
        self.query_one("#reg-title", Static).update(self.title_line())

    # -- moving around -----------------------------------------------------------------------
    def _widget(self, key: str) -> Widget:
        return self.query_one("#checklist" if key == "checklist" else f"#f-{key}")

    def _go(self, key: str) -> None:
        """Focus ``key`` at once (``set_focus``, not the deferred ``focus()``)."""
        self.set_focus(self._widget(key))

    def action_next_field(self) -> None:
        """Enter: the next field of :func:`enter_chain`; on the last field (or 备注) it saves."""
        chain = enter_chain(self.kind)
        focused = self.focused
        key = "checklist" if isinstance(focused, Checklist) else (focused.id or "")[2:] if focused else ""
        if key == "notes" or key == chain[-1]:
            self.action_save()
        elif key in chain:
            self._go(chain[chain.index(key) + 1])
        else:
            self.app.action_focus_next()

    def action_to_checklist(self) -> None:
        self._go("checklist")

    def action_to_notes(self) -> None:
        self._go("notes")

    @on(Checklist.AllReceived)
    def all_received(self) -> None:
        """0 on the checklist: nothing left there, on to the first of 页数 / 介质 still empty."""
        for key in ("pages", "ecopy_medium"):
            if not self.value(key):
                self._go(key)
                return
        self._go("ecopy_medium")

    # -- typing ----------------------------------------------------------------------------
    @on(Input.Changed, "#f-sector")
    def sector_typed(self, event: Input.Changed) -> None:
        _, hint = sector_hint(self.desk.config.round.sectors, event.value)
        self.query_one("#sector-hint", Static).update(hint)

    @on(Input.Changed)
    def value_typed(self, event: Input.Changed) -> None:
        key = (event.input.id or "")[2:]
        if key not in CHECKED_FIELDS:
            return
        problem = self.problems_of(key)
        note = self.query_one(f"#note-{key}", Label)
        note.update(Content.styled("！" + problem, "bold $warning") if problem else self._fine(key))

    def _fine(self, key: str) -> Content:
        return Content.styled("✓", "$success") if self.value(key) else Content("")

    def value(self, key: str) -> str:
        return self.query_one(f"#f-{key}", Input).value.strip()

    def draft(self) -> dict[str, Any]:
        """The form as typed, a draft for the one door (:func:`deskapp.intake.take`)."""
        draft: dict[str, Any] = {key: self.query_one(f"#f-{key}", Input).value for key in form_fields(self.kind)}
        draft["ecopy_medium"] = self.query_one("#f-ecopy_medium", Input).value
        draft["details"] = accepted_details(self.files_read)
        draft["checklist"] = dict(self.query_one(Checklist).state)
        draft["pages"] = self.query_one("#f-pages", Input).value
        return draft

    def intake(self) -> Intake:
        """The form through the door every way in passes (the ``register`` command's too)."""
        return take(self.desk.config.round, self.kind, self.draft())

    def problems_of(self, key: str) -> str:
        """What is questionable in field ``key`` as typed now ('' when nothing); the door's rules."""
        return "；".join(p.note for p in self.intake().problems if p.field == key)

    def collect(self) -> dict[str, Any]:
        """The form as arguments of ``store.register`` (raises RegistrationError for the clerk)."""
        taken = self.intake()
        if taken.errors:
            raise RegistrationError(taken.error_text())
        return {"fields": dict(taken.fields), "checklist": taken.checklist, "pages": taken.pages}

    def faults(self) -> list[tuple[str, str, bool]]:
        """(field key, what is wrong, blocks saving) for every field, in the form's order."""
        here = {*form_fields(self.kind), "checklist", "pages", "ecopy_medium"}
        return [(p.field if p.field in here else "unit", p.text, p.blocks) for p in self.intake().problems]

    def show_error(self, text: str) -> None:
        self.query_one("#reg-error", Static).update(Content.styled(text, "bold $error"))
        self.notify(text, title="没有保存", severity="error")

    # -- saving ----------------------------------------------------------------------------
    print_after_save = False
    """F4 asked for the slip as soon as the number is issued (one key for save + print)."""

    def action_save_and_print(self) -> None:
        """F4: save as Ctrl+S does, then print the receipt slip at once (the saved screen's P)."""
        self.print_after_save = True
        self.action_save()

    def action_save(self) -> None:
        faults = self.faults()
        blocking = [f for f in faults if f[2]]
        if blocking:
            self.print_after_save = False
            self._go(blocking[0][0])
            self.show_error("；".join(text for _, text, _ in blocking) + "。改正后再保存。")
            return
        if faults:

            def answered(keep: bool | None) -> None:
                if keep:
                    self._save_checked("按原样记录（登记时已提示有疑问）：" + "；".join(t for _, t, _ in faults))
                else:
                    self.print_after_save = False
                    self._go(faults[0][0])

            self.app.push_screen(QuestionableDialog([text for _, text, _ in faults]), answered)
            return
        self._save_checked("")

    def _save_checked(self, reason: str) -> None:
        try:
            draft = self.collect()
        except RegistrationError as exc:
            self.show_error(str(exc))
            return
        draft["reason"] = reason
        fields = draft["fields"]
        store = self.desk.store
        earlier = store.duplicates(self.desk.config.round.id, fields["unit"], fields["name"])
        if earlier:
            self.app.push_screen(DuplicateDialog(earlier), partial(self._duplicate_chosen, draft, earlier))
        else:
            self._register(draft)

    def _duplicate_chosen(self, draft: dict[str, Any], earlier: list[Pack], choice: str | None) -> None:
        if choice == "distinct":
            self._register(draft, distinct_from=[p.receipt_no for p in earlier])
        elif choice == "supplement":
            self._supplement(draft, earlier[0])

    def _register(self, draft: dict[str, Any], distinct_from: list[str] | None = None) -> None:
        reasons = [r for r in (draft.get("reason", ""), "确认不是重复材料" if distinct_from else "") if r]
        try:
            pack = self.desk.store.register(
                self.kind,
                draft["fields"],
                self.app.clerk or "",
                checklist=draft["checklist"],
                pages=draft["pages"],
                received_at=self.received_at,
                distinct_from=distinct_from or [],
                reason="；".join(reasons),
            )
        except RegistrationError as exc:
            self.show_error(f"{exc}。改正后再按 Ctrl+S 保存。")
            return
        except StoreWriteError as exc:
            self.show_error(f"保存失败：{exc}。已填写的内容都还在，问题解决后再按 Ctrl+S 保存。")
            return
        self.saved = True
        record_files(self.app, pack.id, self.files_read)
        self.app.data_changed()
        self.after_save(pack)

    def _supplement(self, draft: dict[str, Any], original: Pack) -> None:
        """No new number: the items received now are recorded on the earlier pack (补充材料, or
        补正收到 when a 补正 stands on it: :func:`deskapp.outcomes.receive_items`)."""
        ticked = [key for key, on in draft["checklist"].items() if on]
        try:
            outcomes.receive_items(
                self.desk.store,
                original.id,
                self.app.clerk or "",
                items=ticked,
                bundle_pages=draft["pages"],
                ecopy_medium=draft["fields"].get("ecopy_medium", ""),
                notes=draft["fields"].get("notes") or "",
                reason="补充材料",
            )
        except (RegistrationError, StoreWriteError, NotAllowed) as exc:
            self.show_error(f"保存失败：{exc}。已填写的内容都还在。")
            return
        self.saved = True
        record_files(self.app, original.id, self.files_read)
        self.app.data_changed()
        self.notify(f"已作为补充材料记到 {original.receipt_no}，没有发新编号。", title="已保存")
        from screens.pack import PackScreen

        self.app.switch_screen(PackScreen(original.id))

    def after_save(self, pack: Pack) -> None:
        """A pack was registered: show its number and completeness.

        Extension point: the slips helper prints or offers the receipt slip from here.
        """
        self.app.switch_screen(SavedScreen(pack.id, print_slip=self.print_after_save))

    def action_read_files(self) -> None:
        read_into_form(self)

    def after_files(self) -> None:
        """The unit's files filled what they could: on to what is left, the checklist."""
        if all(self.query_one(Checklist).state.values()):
            self.all_received()
        else:
            self._go("checklist")

    def has_unsaved(self) -> bool:
        """Something typed, ticked or read from files and not saved yet (leaving asks first)."""
        if self.saved:
            return False
        typed = any(i.value.strip() for i in self.query(Input)) or any(self.query_one(Checklist).state.values())
        return typed or self.files_read is not None

    def action_cancel(self) -> None:
        if not self.has_unsaved():
            self.dismiss()
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss()

        self.app.push_screen(ConfirmCancel(), answered)


FORM_LABELS = {"pages": "页数（纸质）", "ecopy_medium": "电子版介质"}

CHECKED_FIELDS = ("sector", "phone", "members", "pages")
"""Fields checked as typed; what is questionable shows beside them (``#note-<key>``)."""


def _input_options(key: str) -> dict[str, Any]:
    if key == "members":
        return {"placeholder": "不含领衔人，应为 5—10 人"}
    if key == "sector":
        return {"placeholder": "序号或拼音首字母，如 1 或 mt"}
    if key == "phone":
        return {"placeholder": "手机或座机"}
    if key == "pages":
        return {"placeholder": "数字"}
    if key == "ecopy_medium":
        return {"placeholder": "U盘 / 光盘 / 邮件 …（没有电子版就空着）", "suggester": SuggestFromList(list(MEDIUMS))}
    if key == "notes":
        return {"placeholder": "一般空着；F8 到这里"}
    return {}


class ConfirmCancel(Confirmation, DeskModal[bool]):
    """Leaving a half-filled form must be a choice, not a slip of the finger."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "discard", "放弃这次登记", id="confirm.discard"),
        Binding("enter", "keep", "继续填写", id="confirm.keep"),
    ]

    def __init__(self, question: str = "放弃这次登记？已填写的内容不会保存。", leave: str = "放弃这次登记") -> None:
        super().__init__()
        self.question = question
        self.leave = leave
        """What Esc (or the same key again) does, in the clerk's words: the form only, or the desk too."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="dialog-title")
            yield Static(f"Enter 继续填写　　Esc（或再按一次同一个键）{self.leave}", classes="hint")
        yield Footer()

    def action_discard(self) -> None:
        self.dismiss(True)

    def action_keep(self) -> None:
        self.dismiss(False)


class QuestionableDialog(Confirmation, DeskModal[bool]):
    """Values the rules question, listed before anything is saved: fix them, or record them as typed."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "fix", "返回修改", id="questionable.fix"),
        Binding("enter", "fix", "返回修改", id="questionable.fix_enter", show=False),
        Binding("1", "keep", "按原样保存", id="questionable.keep"),
    ]

    def __init__(self, problems: list[str]) -> None:
        super().__init__()
        self.problems = problems

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static("以下内容有疑问，还没有保存：", classes="dialog-title")
            yield Static(Content("\n").join(Content.styled("！" + p, "bold $warning") for p in self.problems))
            yield Static(
                Content.assemble(
                    ("Enter", "reverse"), " 返回修改（光标到第一项）　　", (" 1 ", "reverse"), " 按原样保存并记下已提示"
                ),
                classes="hint",
            )
        yield Footer()

    def action_fix(self) -> None:
        self.dismiss(False)

    def action_keep(self) -> None:
        self.dismiss(True)


class DuplicateDialog(Confirmation, DeskModal[str | None]):
    """Same unit and same name already in the round: a different pack, or a supplement?"""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "choose('distinct')", "不同材料，继续登记", id="dup.distinct"),
        Binding("2", "choose('supplement')", "作为补充材料记到原件", id="dup.supplement"),
        Binding("escape", "dismiss", "取消", id="dup.cancel"),
    ]

    def __init__(self, earlier: list[Pack]) -> None:
        super().__init__()
        self.earlier = earlier

    def compose(self) -> ComposeResult:
        store = self.desk.store
        with Vertical(classes="dialog wide"):
            yield Static("疑似重复：本批次已有同一单位、同一名称的材料", classes="dialog-title")
            for pack in self.earlier:
                yield Static(
                    Content.assemble(
                        (pack.receipt_no, "bold"),
                        f"  {show(pack.received_at)}  {pack.kind_label}  受理人 {pack.clerk}\n",
                        f"{pack.unit} · {pack.name}\n",
                        (store.assess(pack).summary(), "$warning"),
                    ),
                    classes="dup-pack",
                )
            yield Static(
                Content.assemble(
                    (" 1 ", "reverse"),
                    "  不同材料，继续登记（发新编号）\n",
                    (" 2 ", "reverse"),
                    f"  作为补充材料记到 {self.earlier[0].receipt_no}（不发新编号）\n",
                    ("Esc", "reverse"),
                    " 取消，回到表单",
                )
            )
        yield Footer()

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)


class SavedScreen(DeskScreen[None]):
    """The number just issued, large, and what the pack lacks. Enter: next pack."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "done", "下一件", id="saved.next", priority=True),
        Binding("escape", "done", "回主界面", id="saved.back", show=False, priority=True),
        # Function keys, as on a pack: a letter here is typed by a scanner or by a clerk already
        # typing the next search, and printing a slip or issuing a 补正 is an official act.
        Binding("f3", "open", "打开这件", id="saved.open", priority=True),
        Binding("f8", "print('slip')", "打印回执", id="saved.print", priority=True),
        Binding("f12", "print('notice')", "补正告知书", id="saved.notice", priority=True),
    ]
    REPLACED_BY_PACK = True
    """A scan here opens its pack in place of this screen (``DeskApp.open_pack``)."""

    def __init__(self, pack_id: int, *, print_slip: bool = False) -> None:
        super().__init__()
        self.pack_id = pack_id
        self.print_slip = print_slip
        """Print the slip on arrival: F4 on the form (or ``[slip] print_on_save``)."""

    @property
    def pack(self) -> Pack:
        return self.desk.store.get(self.pack_id)

    def on_mount(self) -> None:
        if self.print_slip or self.desk.config.slip.print_on_save:
            self.action_print("slip")

    def compose(self) -> ComposeResult:
        pack = self.pack
        verdict = self.desk.store.assess(pack)
        with Vertical(id="saved"):
            yield Static(Content.assemble(("已登记  ", "bold $success"), f"{pack.kind_label}  收件编号："))
            yield BigText(pack.receipt_no, id="saved-number")
            yield Static(pack.receipt_no, id="saved-number-text")
            yield Static(f"{pack.unit} · {pack.name}\n收件时间 {show(pack.received_at)}  受理人 {pack.clerk}")
            if verdict.complete and not verdict.flags:
                yield Static(Content.styled("齐全", "bold $success"), id="saved-verdict")
            else:
                lines = [("缺：" + "、".join(verdict.missing), "bold $error")] if verdict.missing else []
                lines.extend(
                    (flag.text, "bold $error" if flag.severity == "error" else "$warning") for flag in verdict.flags
                )
                yield Static(Content("\n").join(Content.styled(t, s) for t, s in lines), id="saved-verdict")
            yield Static("F8 打印回执   Enter 登记下一件（回主界面）   F3 打开这件查看或修改", classes="hint")
        yield Footer()

    def action_done(self) -> None:
        self.dismiss()

    def action_print(self, doc: str) -> None:
        from screens.slips import print_document

        print_document(self.app, self.pack_id, doc)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "print" and parameters == ("notice",):
            from screens.slips import needs_notice

            return needs_notice(self.app, self.pack) or None
        return True

    def action_open(self) -> None:
        from screens.pack import PackScreen

        self.app.switch_screen(PackScreen(self.pack_id))
