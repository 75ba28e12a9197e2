"""One door for every value that enters a pack, whatever the way in.

The registration form, the ``register`` command's JSON lines, the files read (F9, ``read``),
a paste, the pack screen's edits: all hand a draft to :func:`take` (a whole new pack) or
:func:`take_value` (one changed field), which return the cleaned values and every
:class:`Problem` found. A problem either **blocks** (the value cannot be stored: the form does
not save, the command reports a line error) or is **questionable** (the form asks before saving,
the command flags it in its result, the history records that it was shown). Both ways give the
same values and the same problems for the same draft, because there is only this one.

Each ``_rule_*`` below names where its rule comes from: the notice's section, or the desk's own.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from deskapp.config import Round
from deskapp.forms import expand_medium, match_sector, phone_problem, sector_hint
from deskapp.models import field_label
from deskapp.scan_route import looks_like_desk_code, quoted
from deskapp.text import BadText, clean_text, split_unprintable

TEXT_FIELDS = ("unit", "name", "sector", "leader", "contact", "phone", "notes", "ecopy_medium")
"""Text fields a registration may carry (``details`` holds the 附件2 long texts)."""
LONG_TEXTS = ("notes", "details")
"""Fields whose texts keep their line breaks."""
DRAFT_KEYS = frozenset({*TEXT_FIELDS, "members", "details", "pages", "checklist", "distinct_from"})

MAX_LENGTH: dict[str, int] = {
    "unit": 60,
    "name": 60,
    "leader": 30,
    "contact": 30,
    "phone": 40,
    "sector": 30,
    "ecopy_medium": 20,
    "notes": 500,
}
"""Longest text per field, in characters (the desk's own: a slip is one page; the longest unit names
on the 2025 台账 are under 40 characters). Longer is refused with the limit in the message."""
DETAIL_MAX_LENGTH = 20000
"""Longest 附件2 text (not on the slip; the 附件2 export widens its columns and warns for long ones)."""
PERSON_MAX_LENGTH = 20
"""Longest staff name (the staff editor)."""
MEMBERS_SANE = 99
PAGES_SANE = 9999
"""Numbers above these are typing or file errors, refused (never stored, never exported as ``1e+20``)."""

LABELS = {
    "pages": "页数",
    "ecopy_medium": "电子版介质",
    "checklist": "材料清单",
    "distinct_from": "不同材料",
    "void_reason": "作废原因",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a value, for the clerk (Chinese)."""

    field: str
    """The draft key (``unit``, ``members``, ``checklist``, ``details.goals``)."""
    note: str
    """Short, for beside the field: ``应为 5—10 人（不含领衔人）``."""
    text: str
    """The whole line, naming the field and the value: ``工作室成员人数“12”：应为 5—10 人（不含领衔人）``."""
    blocks: bool
    """True: the value cannot be stored. False: questionable, stored once the clerk was shown it."""
    code: str = "input"
    """Stable code; the same as the rules' flag where both speak of one thing (``members_out_of_range``)."""


@dataclass
class Intake:
    """A draft through the door: the values to store, and what was found."""

    fields: dict[str, Any] = field(default_factory=dict)
    """Text fields, ``members`` and ``details``, as :meth:`DeskStore.register` takes them."""
    checklist: dict[str, bool] = field(default_factory=dict)
    pages: int | None = None
    distinct_from: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """The problems that keep the draft from being stored (a line error, the form not saved)."""
        return [p for p in self.problems if p.blocks]

    @property
    def questions(self) -> list[Problem]:
        """The questionable values: stored once shown (the form's dialog, the command's flags)."""
        return [p for p in self.problems if not p.blocks]

    def error_text(self) -> str:
        """Every blocking problem in one Chinese line, for the clerk."""
        return "；".join(p.text for p in self.errors)


def label(kind: str, key: str) -> str:
    """The clerk's name of a draft key (``pages`` → 页数, ``details.goals`` → 人才工作室工作任务目标)."""
    return LABELS.get(key) or field_label(kind, key.split(".")[-1])


def _problem(kind: str, key: str, value: Any, note: str, *, blocks: bool, code: str = "input") -> Problem:
    shown = value if isinstance(value, str) else repr(value) if not isinstance(value, int) else str(value)
    if len(shown) > 20:
        shown = shown[:19] + "…"
    where = f"{label(kind, key)}“{shown}”" if shown else label(kind, key)
    return Problem(key, note, f"{where}：{note}", blocks, code)


def _unprintable(kind: str, key: str, dropped: str) -> Problem:
    """The notice for characters removed because the slip's fonts cannot print them (questionable: said, not refused)."""
    note = f"回执无法打印“{dropped[:10]}”，已删去"
    return Problem(key, note, f"{label(kind, key)}：{note}", False, "unprintable")


# -- the rules ---------------------------------------------------------------------------------


IDENTITY_FIELDS = frozenset({"unit", "name", "leader", "contact", "sector", "phone", "ecopy_medium"})
"""Fields a receipt number or slip code can never be (:func:`deskapp.scan_route.looks_like_desk_code`)."""


def _rule_text(kind: str, key: str, value: Any, problems: list[Problem]) -> str:
    """A text field (desk's own rule, issue 12 point 7, and the slip's fonts).

    Not text is refused; :func:`deskapp.text.clean_text` cleans it (control characters, terminal
    escapes, invisible marks; a lone surrogate is refused); characters the slip's fonts cannot
    print (emoji) are removed with a notice; longer than :data:`MAX_LENGTH` is refused.
    """
    if value is None:
        return ""
    if not isinstance(value, str):
        problems.append(_problem(kind, key, value, "应为文字", blocks=True))
        return ""
    head = key.split(".")[0]
    try:
        text = clean_text(value, long=head in LONG_TEXTS, label=label(kind, key))
    except BadText as exc:
        problems.append(Problem(key, str(exc), str(exc), True, "bad_text"))
        return ""
    text, dropped = split_unprintable(text)
    text = text.strip()
    if dropped:
        problems.append(_unprintable(kind, key, dropped))
    limit = DETAIL_MAX_LENGTH if head == "details" else MAX_LENGTH.get(key, DETAIL_MAX_LENGTH)
    if len(text) > limit:
        note = f"太长（{len(text)}字），最多{limit}字，请删减"
        problems.append(Problem(key, note, f"{label(kind, key)}{note}", True, "too_long"))
    elif key in IDENTITY_FIELDS and looks_like_desk_code(text):
        # a slip scanned or a receipt number typed into the form: never a unit's or a person's name
        note = "是收件编号或回执码：请改正"
        problems.append(Problem(key, note, f"{label(kind, key)}“{quoted(text)}”{note}", True, "desk_code"))
    return text


def _rule_number(round_: Round, kind: str, key: str, value: Any, problems: list[Problem]) -> int | None:
    """成员人数 and 页数: whole numbers, not negative, within sane bounds (desk's own rule).

    Text of digits is read (full-width too); ``7.5``, ``1e1``, ``true`` are refused. 成员人数 outside
    5—10 (notice 一（二）2, 不含领衔人) and 页数 0 or over 25 (notice 三 1, 人才工作室 一般不超过25页) are
    questionable.
    """
    if value is None or value == "":
        return None
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        if re.fullmatch(r"[+-]?[0-9]+", text) and len(text) <= 30:
            number = int(text)
    if number is None:
        problems.append(_problem(kind, key, value, "应为整数", blocks=True))
        return None
    if number < 0:
        problems.append(_problem(kind, key, value, "不能为负数", blocks=True))
        return None
    if key == "members":
        wanted = f"应为 {round_.members_min}—{round_.members_max} 人（不含领衔人）"
        if number > MEMBERS_SANE:
            problems.append(_problem(kind, key, number, f"人数不合理，{wanted}", blocks=True))
            return None
        if kind == "studio" and not round_.members_min <= number <= round_.members_max:
            problems.append(_problem(kind, key, number, wanted, blocks=False, code="members_out_of_range"))
    else:
        if number > PAGES_SANE:
            problems.append(_problem(kind, key, number, f"页数不合理（最多 {PAGES_SANE} 页）", blocks=True))
            return None
        if number == 0:
            problems.append(_problem(kind, key, number, "页数为 0", blocks=False, code="pages_zero"))
        elif kind == "studio" and number > round_.page_limit:
            note = f"超过一般 {round_.page_limit} 页"
            problems.append(_problem(kind, key, number, note, blocks=False, code="pages_over_limit"))
    return number


def _rule_sector(round_: Round, kind: str, text: str, problems: list[Problem]) -> str:
    """研究领域 by number or pinyin (``1``, ``mt``, ``jy``) → the round's sector (notice 一（一）).

    Several sectors meant blocks (type more letters); none is kept as typed and questioned (the
    rules flag it as out of scope).
    """
    if not text:
        return ""
    found = match_sector(round_.sectors, text)
    if len(found) == 1:
        return found[0]
    _, hint = sector_hint(round_.sectors, text)
    code = "sector_ambiguous" if found else "sector_out_of_scope"
    problems.append(_problem(kind, "sector", text, hint, blocks=bool(found), code=code))
    return text


def _rule_phone(kind: str, text: str, problems: list[Problem]) -> None:
    """联系电话 (附件1): the form's own check (:func:`deskapp.forms.phone_problem`), questionable."""
    problem = phone_problem(text) if text else None
    if problem:
        problems.append(_problem(kind, "phone", text, problem, blocks=False, code="phone"))


SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施"
    "文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷"
    "盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷"
    "晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "长孙",
    "宇文",
    "司徒",
    "夏侯",
    "令狐",
)


def looks_like_person(text: str) -> bool:
    """True when a 申报单位 reads as a person's name (``张伟``, ``王小明``, ``买买提·艾力``), not a unit.

    Not :func:`deskapp.readers.prefill.is_unit_name`, and either 2–4 Chinese characters starting
    with a common surname, or Chinese names joined by ``·`` (Uyghur, Kazakh names). Notice 三 1:
    the 申报单位 is a unit that signs and seals the forms (附件1 工作单位).
    """
    from deskapp.readers.prefill import is_unit_name

    key = re.sub(r"\s", "", unicodedata.normalize("NFKC", text))
    if not key or is_unit_name(key):
        return False
    if "·" in key or "•" in key:
        parts = re.split("[·•]", key)
        return all(1 <= len(p) <= 8 and all("\u4e00" <= c <= "\u9fff" for c in p) for p in parts)
    if not 2 <= len(key) <= 4 or not all("\u4e00" <= c <= "\u9fff" for c in key):
        return False
    return key[0] in SURNAMES or key.startswith(COMPOUND_SURNAMES)


def _rule_unit(kind: str, text: str, problems: list[Problem]) -> None:
    """申报单位 (notice 三 1, 附件1 工作单位): required; a person's name there is questioned."""
    if not text:
        problems.append(Problem("unit", "请填写申报单位", "请填写申报单位", True, "unit_missing"))
    elif looks_like_person(text):
        note = "像是人名，申报单位应填单位全称"
        problems.append(_problem(kind, "unit", text, note, blocks=False, code="unit_person"))


def _rule_checklist(round_: Round, kind: str, value: Any, problems: list[Problem]) -> dict[str, bool]:
    """材料清单 (notice 三 1: 附件1–4, 佐证材料, 电子版): known items, each ``true`` or ``false`` only.

    ``"no"``, ``"false"``, ``0``, ``"1"`` are refused: a text is never read as received.
    """
    items = {item.key: item for item in round_.checklist(kind)}
    out = dict.fromkeys(sorted(items), False)
    if value is None:
        return out
    if not isinstance(value, Mapping):
        problems.append(_problem(kind, "checklist", "", '应为对象，如 {"form1": true}', blocks=True))
        return out
    unknown = sorted(str(k) for k in value if k not in items)
    if unknown:
        text = "清单中没有这些项：" + "、".join(unknown)
        problems.append(Problem("checklist", text, text, True, "checklist_unknown"))
    for key, ticked in value.items():
        if key not in items:
            continue
        if not isinstance(ticked, bool):
            note = f"“{items[key].label}”应为 true 或 false，不是 {ticked!r}"
            problems.append(Problem("checklist", note, f"材料清单{note}", True, "checklist_value"))
            continue
        out[key] = ticked
    return out


def _rule_distinct(value: Any, receipts: Collection[str] | None, problems: list[Problem]) -> list[str]:
    """不同材料（``distinct_from``, desk's own rule): receipt numbers of this round's packs only."""
    if value is None or value == []:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        text = 'distinct_from 应为收件编号的列表，如 ["ZD2026-GZS-0001"]'
        problems.append(Problem("distinct_from", text, text, True, "distinct_from"))
        return []
    numbers = sorted({v.strip().upper() for v in value if v.strip()})
    unknown = [n for n in numbers if receipts is not None and n not in receipts]
    if unknown:
        text = "distinct_from 中的 " + "、".join(unknown) + " 不是本批次的收件编号"
        problems.append(Problem("distinct_from", text, text, True, "distinct_from"))
        return [n for n in numbers if n not in unknown]
    return numbers


# -- the door ----------------------------------------------------------------------------------


def take(
    round_: Round,
    kind: str,
    draft: Mapping[str, Any],
    *,
    receipts: Collection[str] | None = None,
) -> Intake:
    """A new pack's draft through the door: every rule above, in the form's order.

    ``draft`` holds the text fields, ``members``, ``details``, ``pages``, ``checklist`` and
    ``distinct_from`` as they came (text from the form, JSON values from a line). ``receipts``:
    the round's receipt numbers, for ``distinct_from`` (None: not checked).
    """
    problems: list[Problem] = []
    unknown = sorted(str(k) for k in draft if k not in DRAFT_KEYS)
    if unknown:
        text = "不认识的字段：" + "、".join(unknown)
        problems.append(Problem("draft", text, text, True, "unknown_field"))
    fields: dict[str, Any] = {}
    for key in TEXT_FIELDS:
        fields[key] = _rule_text(kind, key, draft.get(key), problems)
    _rule_unit(kind, fields["unit"], problems)
    if not fields["name"]:
        text = "请填写" + label(kind, "name")
        problems.append(Problem("name", text, text, True, "name_missing"))
    fields["sector"] = _rule_sector(round_, kind, fields["sector"], problems)
    _rule_phone(kind, fields["phone"], problems)
    fields["ecopy_medium"] = expand_medium(fields["ecopy_medium"])
    fields["members"] = _rule_number(round_, kind, "members", draft.get("members"), problems)
    details = draft.get("details") or {}
    if not isinstance(details, Mapping):
        problems.append(Problem("details", "details 应为对象", "details 应为对象", True, "details"))
        details = {}
    fields["details"] = {
        str(_rule_text(kind, "details", str(k), problems)): _rule_text(
            kind, f"details.{k}", "" if v is None else str(v), problems
        )
        for k, v in details.items()
    }
    checklist = _rule_checklist(round_, kind, draft.get("checklist"), problems)
    pages = _rule_number(round_, kind, "pages", draft.get("pages"), problems)
    distinct = _rule_distinct(draft.get("distinct_from"), receipts, problems)
    order = [*TEXT_FIELDS[:6], "members", "checklist", "pages", "ecopy_medium", "notes"]

    def place(p: Problem) -> int:
        head = p.field.split(".")[0]
        return order.index(head) if head in order else len(order)

    problems.sort(key=place)  # stable: the form's order, then draft keys, details, distinct_from
    return Intake(fields, checklist, pages, distinct, problems)


def take_value(round_: Round, kind: str, path: str, value: Any) -> tuple[Any, list[Problem]]:
    """One changed field of a saved pack (the pack screen, F9, ``details``, corrections) through
    the same rules as :func:`take`: (the value to store, problems). Paths the door does not know
    (``outcome.*``, ``voided``) come back as they are."""
    problems: list[Problem] = []
    head = path.split(".")[0]
    rules: dict[str, Callable[[], Any]] = {
        "members": lambda: _rule_number(round_, kind, path, value, problems),
        "pages": lambda: _rule_number(round_, kind, path, value, problems),
    }
    if head in rules:
        return rules[head](), problems
    if head == "checklist" and path != "checklist":
        if not isinstance(value, bool):
            note = f"应为 true 或 false，不是 {value!r}"
            problems.append(Problem(path, note, f"材料清单“{path[10:]}”{note}", True, "checklist_value"))
        return value, problems
    if head in TEXT_FIELDS or head == "details":
        if not isinstance(value, str):
            if value is None:
                value = ""
            else:
                problems.append(_problem(kind, path, value, "应为文字", blocks=True))
                return value, problems
        text = _rule_text(kind, path, value, problems)
        if path == "sector":
            text = _rule_sector(round_, kind, text, problems)
        elif path == "phone":
            _rule_phone(kind, text, problems)
        elif path == "unit":
            _rule_unit(kind, text, problems)
        elif path == "name" and not text:
            problems.append(Problem("name", "请填写" + label(kind, "name"), "请填写" + label(kind, "name"), True))
        return text, problems
    if isinstance(value, str):  # void_reason is printed on the slip too: the same notice for what it cannot print
        try:
            text, dropped = split_unprintable(clean_text(value, long=True, label=label(kind, path)))
        except BadText as exc:
            problems.append(Problem(path, str(exc), str(exc), True, "bad_text"))
            return value, problems
        if dropped:
            problems.append(_unprintable(kind, path, dropped))
        return text, problems
    return value, problems


def person_name(text: str) -> tuple[str, list[Problem]]:
    """A staff name (the staff editor, sign-in): the same text rules, at most :data:`PERSON_MAX_LENGTH`.

    Characters the slip cannot print block here (a name signs every paper: the clerk retypes it).
    """
    problems: list[Problem] = []
    try:
        name = clean_text(text, label="姓名").strip()
    except BadText as exc:
        return "", [Problem("name", str(exc), str(exc), True, "bad_text")]
    kept, dropped = split_unprintable(name)
    if dropped:
        note = f"姓名中有回执无法打印的字符“{dropped[:10]}”，请删去"
        problems.append(Problem("name", note, note, True, "unprintable"))
    if len(kept) > PERSON_MAX_LENGTH:
        note = f"姓名太长（{len(kept)}字），最多{PERSON_MAX_LENGTH}字，请改短"
        problems.append(Problem("name", note, note, True, "too_long"))
    return kept, problems
