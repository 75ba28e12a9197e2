"""Reading and checking desk.toml into the typed configuration (:mod:`deskapp.config_types`).

Shipped defaults live in ``templates/desk.toml``; the office's own
``data/desk.toml`` overrides them key by key and holds the staff list.
Every problem is reported at once, in Chinese, naming the key.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date, datetime
from pathlib import Path
from typing import Any

from deskapp.config_types import (
    KIND_LABELS,
    KINDS,
    PAPERS,
    ROLE_LABELS,
    ROLES,
    ChecklistItem,
    Config,
    ConfigError,
    ExportSettings,
    Office,
    Round,
    SlipSettings,
    StaffMember,
)
from deskapp.timeutil import BEIJING, parse_time
from deskapp.workdays import OfficeCalendar, parse_days

__all__ = [
    "BINDING_ID",
    "KEY_NAME",
    "KINDS",
    "KIND_LABELS",
    "KNOWN_KEYS",
    "PAPERS",
    "PRINTER_NAME_MAX",
    "ROLES",
    "ROLE_LABELS",
    "ChecklistItem",
    "Config",
    "ConfigError",
    "ExportSettings",
    "Office",
    "Round",
    "SlipSettings",
    "StaffMember",
    "counter_printers",
    "key_problems",
    "load_config",
    "parse_config",
    "read_toml",
]
"""The data types are re-exported: callers import them from here, as before the split."""


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def read_toml(path: Path) -> dict[str, Any]:
    """The TOML file at ``path`` as a dict; ``{}`` when it does not exist. Raises :class:`ConfigError`
    (with the path) when it is not valid TOML, not UTF-8, or cannot be read."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"不是有效的 TOML 格式：{exc}"], str(path)) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(["文件不是 UTF-8 编码，请另存为 UTF-8"], str(path)) from exc
    except OSError as exc:
        raise ConfigError([f"无法读取：{exc.strerror or exc}"], str(path)) from exc


def load_config(default: Path, office: Path | None = None) -> Config:
    """Load the shipped defaults and the office's overrides, validate, return typed config."""
    raw = read_toml(default)
    source = str(default)
    if office is not None and office.exists():
        raw = _merge(raw, read_toml(office))
        source = f"{default} + {office}"
    return parse_config(raw, source)


KNOWN_KEYS: dict[str, tuple[str, ...]] = {
    "": ("office", "round", "slip", "staff", "keys", "backup", "calendar", "export", "counters"),
    "office": ("name", "issuer", "phone", "address"),
    "round": (
        "id",
        "name",
        "deadline",
        "late_wording",
        "sectors",
        "page_limit",
        "members_min",
        "members_max",
        "receipt",
        "checklist",
    ),
    "round.receipt": KINDS,
    "round.checklist": KINDS,
    "round.checklist[]": ("key", "label", "required"),
    "slip": ("paper", "printer", "counterfoil", "notice_days", "print_on_save"),
    "staff[]": ("name", "role", "pin_hash"),
    "backup": ("keep_days",),
    "calendar": ("rest_days", "work_days"),
    "export": ("include_late",),
}
"""Every setting desk.toml may hold, per table (``[]``: each entry of an array of tables). A
setting not listed is refused by name: a misspelt key would otherwise be ignored in silence.
A helper adding a setting adds it here and to :func:`parse_config`."""

KEY_NAME = re.compile(
    r"((ctrl|shift|alt|meta|super|hyper)\+)*"
    r"([a-z0-9]|f([1-9]|1[0-9]|2[0-4])|enter|escape|tab|space|backspace|delete|insert|home|end|pageup|pagedown"
    r"|up|down|left|right|minus|plus|comma|full_stop|slash|backslash|semicolon|apostrophe|left_square_bracket"
    r"|right_square_bracket|grave_accent|equals_sign|asterisk|question_mark|exclamation_mark|number_sign|at)"
)
"""A key name as Textual spells it (``f5``, ``ctrl+s``, ``0``, ``minus``)."""
BINDING_ID = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*")


def key_problems(keys: dict[str, Any]) -> list[str]:
    """Problems of a ``[keys]`` table by itself: ids well formed (:data:`BINDING_ID`), values key names
    (:data:`KEY_NAME`, comma-separated for several keys). Chinese, one line per fault; ``[]`` if none.
    Whether a screen has the id is checked where the screens are known, not here."""
    problems = []
    for binding_id, value in keys.items():
        if not BINDING_ID.fullmatch(binding_id):
            problems.append(f"keys.{binding_id} 不是有效的按键编号（例：register、checklist.all）")
        if not isinstance(value, str) or not value.strip():
            problems.append(f'keys.{binding_id} 应为按键名称文字（例："f5"、"ctrl+s"），不是 {value!r}')
            continue
        problems.extend(
            f"keys.{binding_id} 的按键名称 {name.strip()!r} 无效（例：f5、ctrl+s、0、minus）"
            for name in value.split(",")
            if not KEY_NAME.fullmatch(name.strip())
        )
    return problems


class _Checker:
    """Reads typed values out of TOML tables, collecting every fault (in Chinese, naming the key)
    instead of stopping at the first: the office fixes its desk.toml in one go."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def known(self, raw: dict[str, Any], where: str, shown: str | None = None) -> None:
        """Refuse keys of ``raw`` not in ``KNOWN_KEYS[where]``, naming each."""
        allowed = KNOWN_KEYS[where]
        for key in raw:
            if key not in allowed:
                name = f"{shown or where}.{key}" if (shown or where) else key
                self.problems.append(f"不认识的设置 {name}（此处可用：{'、'.join(allowed)}）")

    def boolean(self, raw: dict[str, Any], key: str, where: str, default: bool) -> bool:
        """``raw[key]`` if a TOML boolean (``"no"`` or ``1`` is a fault, not truthy), else ``default``."""
        value = raw.get(key, default)
        if not isinstance(value, bool):
            self.problems.append(f"{where}.{key} 应为 true 或 false（不加引号），不是 {value!r}")
            return default
        return value

    def section(self, raw: dict[str, Any], name: str) -> dict[str, Any]:
        """The table ``[name]`` of ``raw`` (empty when absent; a fault when it is not a table)."""
        value = raw.get(name, {})
        if not isinstance(value, dict):
            self.problems.append(f"[{name}] 应为一个表（section）")
            return {}
        return value

    def text(self, raw: dict[str, Any], key: str, where: str, default: str | None = None) -> str:
        """``raw[key]`` as text; missing is a fault only without a ``default``; a non-string is a fault."""
        value = raw.get(key, default)
        if value is None:
            self.problems.append(f"{where}.{key} 缺失")
            return ""
        if not isinstance(value, str):
            self.problems.append(f"{where}.{key} 应为文字（加引号），不是 {value!r}")
            return ""
        return value

    def integer(self, raw: dict[str, Any], key: str, where: str, default: int | None = None) -> int:
        """``raw[key]`` as a whole number ≥ 0 (``true`` is not 1; a negative is a fault but returned)."""
        value = raw.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.problems.append(f"{where}.{key} 应为整数，不是 {value!r}")
            return 0
        if value < 0:
            self.problems.append(f"{where}.{key} 不能为负数")
        return value


def _receipt_format_ok(fmt: str) -> str | None:
    try:
        sample = fmt.format(year="2026", round="2026", seq=1)
    except (KeyError, IndexError, ValueError) as exc:
        return f"格式无效（只能用 {{year}} {{round}} {{seq}}）：{exc}"
    if "{seq" not in fmt:
        return "必须包含 {seq}"
    if not re.fullmatch(r"[0-9A-Z\-]+", sample):
        return "编号只能由大写字母、数字和 - 组成（扫码枪可靠输入）"
    return None


def parse_config(raw: dict[str, Any], source: str = "") -> Config:
    """Validate a merged desk.toml (``tomllib`` output: shipped defaults + the office's file) into a
    :class:`Config`, one table at a time (``_office`` … ``_export`` below, in the order the problems
    are listed).

    Every key must be in :data:`KNOWN_KEYS`; every value must have its type (text in quotes, whole
    numbers ≥ 0, ``true``/``false``). ``raw`` is kept on the result as given. Raises
    :class:`ConfigError` listing every problem at once, in Chinese, each naming its key, with
    ``source`` (the file names) in the message.
    """
    check = _Checker()
    check.known(raw, "")
    office = _office(check, check.section(raw, "office"))
    round_ = _round(check, check.section(raw, "round"))
    slip = _slip(check, check.section(raw, "slip"))
    staff = _staff(check, raw.get("staff", []))
    keys = _keys(check, check.section(raw, "keys"))
    keep_days = _backup(check, check.section(raw, "backup"))
    calendar = _calendar(check, check.section(raw, "calendar"))
    export = _export(check, check.section(raw, "export"))
    counters = counter_printers(check.section(raw, "counters"), check.problems)
    if check.problems:
        raise ConfigError(check.problems, source)
    return Config(
        office, round_, slip, staff, keys, keep_days, raw, calendar=calendar, export=export, counters=counters
    )


def _office(check: _Checker, office_raw: dict[str, Any]) -> Office:
    """``[office]``: the name is required; issuer, phone and address may be empty."""
    check.known(office_raw, "office")
    return Office(
        name=check.text(office_raw, "name", "office"),
        issuer=check.text(office_raw, "issuer", "office", ""),
        phone=check.text(office_raw, "phone", "office", ""),
        address=check.text(office_raw, "address", "office", ""),
    )


def _round(check: _Checker, round_raw: dict[str, Any]) -> Round:
    """``[round]``: the notice's rules for this year's call.

    deadline (notice 三.1: 于2026年6月15日前报送; a time, read as Beijing time), sectors (一（一）
    申报范围: non-empty, no repeats), members_min/max (一（二）2: 5—10名, leader not counted; min ≤ max),
    page_limit (三.1: 一般不超过25页), the receipt number formats and the checklists per kind.
    """
    check.known(round_raw, "round")
    deadline_text = check.text(round_raw, "deadline", "round")
    deadline = datetime(2000, 1, 1, tzinfo=BEIJING)  # placeholder: a bad deadline is a problem, never used
    if deadline_text:
        try:
            deadline = parse_time(deadline_text)
        except ValueError:
            check.problems.append(f"round.deadline 不是有效时间：{deadline_text!r}（例：2026-06-15 23:59:59）")
    sectors = round_raw.get("sectors", [])
    if not isinstance(sectors, list) or not sectors or not all(isinstance(s, str) and s.strip() for s in sectors):
        check.problems.append("round.sectors 应为非空的文字列表")
        sectors = []
    elif len(set(sectors)) != len(sectors):
        check.problems.append("round.sectors 有重复的领域")
    members_min = check.integer(round_raw, "members_min", "round", 5)
    members_max = check.integer(round_raw, "members_max", "round", 10)
    if members_min > members_max:
        check.problems.append("round.members_min 不能大于 members_max")
    page_limit = check.integer(round_raw, "page_limit", "round", 25)
    formats = _receipt_formats(check, round_raw.get("receipt", {}))
    checklists = _checklists(check, round_raw.get("checklist", {}))
    round_ = Round(
        id=check.text(round_raw, "id", "round", "").strip(),
        name=check.text(round_raw, "name", "round"),
        deadline=deadline,
        late_wording=check.text(round_raw, "late_wording", "round", "逾期，视为放弃"),
        sectors=tuple(sectors),
        page_limit=page_limit,
        members_min=members_min,
        members_max=members_max,
        receipt_formats=formats,
        checklists=checklists,
    )
    if not round_.id and isinstance(round_raw.get("id", ""), str):
        check.problems.append('round.id 缺失（例："2026"，加引号）')
    return round_


def _receipt_formats(check: _Checker, receipt_raw: object) -> dict[str, str]:
    """``[round.receipt]``: one format per kind with ``{seq}`` (``{year}``, ``{round}`` allowed), giving
    only capitals, digits and ``-`` (what a scanner types reliably); the two kinds must differ."""
    if isinstance(receipt_raw, dict):
        check.known(receipt_raw, "round.receipt")
    formats: dict[str, str] = {}
    for kind in KINDS:
        fmt = receipt_raw.get(kind) if isinstance(receipt_raw, dict) else None
        if not isinstance(fmt, str):
            check.problems.append(f"round.receipt.{kind} 缺失（收件编号格式）")
            continue
        fault = _receipt_format_ok(fmt)
        if fault:
            check.problems.append(f"round.receipt.{kind} {fault}")
        formats[kind] = fmt
    if len(formats) == 2 and formats["studio"] == formats["project"]:
        check.problems.append("round.receipt 两类申报的编号格式不能相同")
    return formats


def _checklists(check: _Checker, lists_raw: object) -> dict[str, tuple[ChecklistItem, ...]]:
    """``[[round.checklist.<kind>]]``: the items a pack of each kind must hold (notice 三.1: 附件1–4 and,
    for a studio, its 佐证材料); each a key (lower-case ASCII, unique per kind), a label, ``required``."""
    if isinstance(lists_raw, dict):
        check.known(lists_raw, "round.checklist")
    checklists: dict[str, tuple[ChecklistItem, ...]] = {}
    for kind in KINDS:
        items_raw = lists_raw.get(kind) if isinstance(lists_raw, dict) else None
        if not isinstance(items_raw, list) or not items_raw:
            check.problems.append(f"round.checklist.{kind} 缺失或为空")
            checklists[kind] = ()
            continue
        items: list[ChecklistItem] = []
        for n, item in enumerate(items_raw, 1):
            where = f"round.checklist.{kind}[{n}]"
            if not isinstance(item, dict):
                check.problems.append(f"{where} 应为一个表")
                continue
            check.known(item, "round.checklist[]", where)
            key = check.text(item, "key", where)
            if key and not re.fullmatch(r"[a-z][a-z0-9_]*", key):
                check.problems.append(f"{where}.key 只能用小写英文字母、数字和下划线：{key!r}")
            items.append(
                ChecklistItem(key, check.text(item, "label", where), check.boolean(item, "required", where, True))
            )
        item_keys = [i.key for i in items]
        if len(set(item_keys)) != len(item_keys):
            check.problems.append(f"round.checklist.{kind} 有重复的 key")
        checklists[kind] = tuple(items)
    return checklists


def _slip(check: _Checker, slip_raw: dict[str, Any]) -> SlipSettings:
    """``[slip]``: paper one of :data:`PAPERS`, printer name, counterfoil, notice_days, print_on_save."""
    check.known(slip_raw, "slip")
    paper = check.text(slip_raw, "paper", "slip", "A5")
    if paper and paper not in PAPERS:
        check.problems.append(f"slip.paper 只能是 {' / '.join(PAPERS)}，不是 {paper!r}")
    return SlipSettings(
        paper=paper or "A5",
        printer=check.text(slip_raw, "printer", "slip", ""),
        counterfoil=check.boolean(slip_raw, "counterfoil", "slip", False),
        notice_days=check.integer(slip_raw, "notice_days", "slip", 5),
        print_on_save=check.boolean(slip_raw, "print_on_save", "slip", False),
    )


def _staff(check: _Checker, staff_raw: object) -> tuple[StaffMember, ...]:
    """``[[staff]]``: names unique, role :data:`ROLES`, a supervisor must have a ``pin_hash``."""
    staff: list[StaffMember] = []
    if not isinstance(staff_raw, list):
        check.problems.append("staff 应为人员列表（[[staff]]）")
        staff_raw = []
    for n, person in enumerate(staff_raw, 1):
        where = f"staff[{n}]"
        if not isinstance(person, dict):
            check.problems.append(f"{where} 应为一个表")
            continue
        check.known(person, "staff[]", where)
        name = check.text(person, "name", where).strip()
        role = check.text(person, "role", where, "clerk")
        if role not in ROLES:
            check.problems.append(f"{where}.role 只能是 clerk 或 supervisor，不是 {role!r}")
        pin_hash = check.text(person, "pin_hash", where, "")
        if role == "supervisor" and not pin_hash:
            check.problems.append(f"{where}（{name}）是科室负责人，但没有设置 PIN（pin_hash）")
        staff.append(StaffMember(name, role, pin_hash))
    names = [s.name for s in staff]
    if len(set(names)) != len(names):
        check.problems.append("staff 有重名人员")
    return tuple(staff)


def _keys(check: _Checker, keys_raw: dict[str, Any]) -> dict[str, str]:
    """``[keys]``: binding id → key name(s), spaces dropped (see :func:`key_problems`)."""
    check.problems.extend(key_problems(keys_raw))
    return {str(k): str(v).replace(" ", "") for k, v in keys_raw.items()}


def _backup(check: _Checker, backup_raw: dict[str, Any]) -> int:
    """``[backup]``: keep_days, the days a daily backup is kept (default 30)."""
    check.known(backup_raw, "backup")
    return check.integer(backup_raw, "keep_days", "backup", 30)


def _calendar(check: _Checker, calendar_raw: dict[str, Any]) -> OfficeCalendar:
    """``[calendar]``: rest_days / work_days (dates), and no day in both."""
    check.known(calendar_raw, "calendar")
    days: dict[str, frozenset[date]] = {}
    for name in ("rest_days", "work_days"):
        values = calendar_raw.get(name, [])
        if not isinstance(values, list):
            check.problems.append(f'calendar.{name} 应为日期列表（例：["2027-01-01"]）')
            values = []
        days[name] = parse_days(values, f"calendar.{name}", check.problems)
    both = days["rest_days"] & days["work_days"]
    if both:
        check.problems.append("calendar 中同一天既是放假又是上班：" + "、".join(sorted(d.isoformat() for d in both)))
    return OfficeCalendar(days["rest_days"], days["work_days"])


def _export(check: _Checker, export_raw: dict[str, Any]) -> ExportSettings:
    """``[export]``: include_late (notice 三.3: late packs are deemed withdrawn, so off by default)."""
    check.known(export_raw, "export")
    return ExportSettings(include_late=check.boolean(export_raw, "include_late", "export", False))


PRINTER_NAME_MAX = 127
"""Longest printer name CUPS accepts (characters)."""


def counter_printers(raw: dict[str, Any], problems: list[str]) -> dict[str, str]:
    """``[counters]``: each key a counter (an address such as ``"192.168.1.21"``, or a ``DESK_COUNTER``
    name), each value the printer its slips print on. Problems are appended in Chinese; the entries
    that passed are returned, keys and values trimmed."""
    counters: dict[str, str] = {}
    for key, value in raw.items():
        name = str(key).strip()
        where = f"counters.{key}" if name else "counters"
        if not name:
            problems.append('[counters] 中有空的窗口名（应为浏览器的地址，如 "192.168.1.21"，或 DESK_COUNTER 的名称）')
            continue
        if not isinstance(value, str) or not value.strip():
            problems.append(f'{where} 应为打印机名称（加引号的文字，如 "counter1"），不是 {value!r}')
            continue
        printer = value.strip()
        if len(printer) > PRINTER_NAME_MAX or any(ord(c) < 32 or ord(c) == 127 for c in printer):
            problems.append(f"{where} 的打印机名称无效（最多 {PRINTER_NAME_MAX} 个字符，不含控制字符）：{value!r}")
            continue
        if name in counters:
            problems.append(f"[counters] 中窗口 {name} 出现了两次")
            continue
        counters[name] = printer
    return counters
