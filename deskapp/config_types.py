"""The configuration's typed data: the round, the office, slips, staff, exports, counters.

What :mod:`deskapp.config` reads out of ``desk.toml`` and checks; every field says which key it comes
from and, for a rule, the notice's section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from deskapp.workdays import OfficeCalendar

KINDS = ("studio", "project")
KIND_LABELS = {"studio": "人才工作室", "project": "人才项目"}
ROLES = ("clerk", "supervisor")
ROLE_LABELS = {"clerk": "受理员", "supervisor": "科室负责人"}
PAPERS = ("A5", "A4", "80mm")


class ConfigError(ValueError):
    """A bad configuration; ``problems`` lists every fault found, in Chinese."""

    def __init__(self, problems: list[str], source: str = "") -> None:
        self.problems = problems
        self.source = source
        head = f"配置文件有误（{source}）：" if source else "配置有误："
        super().__init__(head + "；".join(problems))


@dataclass(frozen=True)
class ChecklistItem:
    """One line of a kind's checklist (``[[round.checklist.studio]]``): a paper the pack must (or may)
    hold, from the notice's list of materials (三.1: 附件1–4, 佐证材料)."""

    key: str
    """Stable English key stored on packs."""
    label: str
    """What the clerk reads (and what a slip lists as missing)."""
    required: bool = True
    """A required item not ticked makes the pack incomplete."""


@dataclass(frozen=True)
class Round:
    """One yearly call for applications (批次)."""

    id: str
    """Short id, e.g. ``2026``; packs carry it."""
    name: str
    """What slips and exports print, e.g. 2026年准东开发区人才工作室和人才项目申报."""
    deadline: datetime
    """Last moment a pack counts as on time (Beijing time)."""
    late_wording: str
    """Printed for a late pack, from the notice: 逾期，视为放弃."""
    sectors: tuple[str, ...]
    """The 申报范围 a studio may choose from."""
    page_limit: int
    """一般不超过25页: more is a warning."""
    members_min: int
    """Fewest 培养对象 a studio may name, leader not counted (notice 一（二）2: 5—10名)."""
    members_max: int
    """Most 培养对象 (notice 一（二）2)."""
    receipt_formats: dict[str, str]
    """Receipt number format per kind, with {year}, {round}, {seq}."""
    checklists: dict[str, tuple[ChecklistItem, ...]]
    """Kind (``studio``/``project``) → its checklist, in the order the clerk ticks it."""

    @property
    def year(self) -> str:
        """The round's year for receipt numbers (``{year}``): the first four digits of ``id``, else the
        deadline's year."""
        match = re.search(r"\d{4}", self.id)
        return match.group(0) if match else str(self.deadline.year)

    def checklist(self, kind: str) -> tuple[ChecklistItem, ...]:
        """The checklist of ``kind`` (one of :data:`KINDS`; KeyError for another)."""
        return self.checklists[kind]


@dataclass(frozen=True)
class Office:
    """``[office]``: who receives the packs, as printed on slips and notices."""

    name: str
    """The office, e.g. 准东开发区组织部（人社局）人才援疆科."""
    issuer: str
    """The body that issued the notice (its signature: 中共新疆准东经济技术开发区工作委员会组织部); unused
    by the desk today, kept for the office's own templates."""
    phone: str
    """The contacts the notice names (联系人 and phone numbers, 三.3), printed on slips."""
    address: str = ""
    """Where to bring missing items, printed on the slip and the 补正告知书."""


@dataclass(frozen=True)
class SlipSettings:
    """``[slip]``: how receipt slips and 补正告知书 are printed."""

    paper: str = "A5"
    """A5 (default), A4 or 80mm (thermal roll)."""
    printer: str = ""
    """CUPS printer name (Windows: printer of the system's print); empty = the default printer."""
    counterfoil: bool = False
    """Also print a counterfoil (存根) beside the applicant's copy (申请人联)."""
    notice_days: int = 5
    """Working days (State Council schedule, see ``deskapp.workdays``) a 补正告知书 gives to bring the missing items."""
    print_on_save: bool = False
    """Saving a registration also prints its receipt slip (one key less per pack: Enter on the
    form's last field saves and prints)."""


@dataclass(frozen=True)
class ExportSettings:
    """``[export]``: what the exports list."""

    include_late: bool = False
    """List late packs (逾期，视为放弃) in the official 附件2 sheet too. By default they are left out,
    as the notice deems them withdrawn (notice 三.3), and listed on the second sheet with that reason."""


@dataclass(frozen=True)
class StaffMember:
    """One ``[[staff]]`` entry: a person who may sign in at the desk."""

    name: str
    """As signed on slips and in the journal; unique in the list."""
    role: str = "clerk"
    """One of :data:`ROLES`: ``clerk`` (受理员) or ``supervisor`` (科室负责人)."""
    pin_hash: str = ""
    """Salted scrypt hash of a supervisor's PIN; never the PIN itself."""

    @property
    def is_supervisor(self) -> bool:
        """Whether this person may do the supervisor's actions (with their PIN)."""
        return self.role == "supervisor"


@dataclass(frozen=True)
class Config:
    """Everything desk.toml says, validated (:func:`parse_config`)."""

    office: Office
    round: Round
    slip: SlipSettings
    staff: tuple[StaffMember, ...]
    keys: dict[str, str]
    """``[keys]``: binding id → key name(s), comma-separated, as Textual spells them."""
    backup_keep_days: int = 30
    """``[backup] keep_days``: days a daily backup is kept."""
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    calendar: OfficeCalendar = field(default_factory=OfficeCalendar)
    """``[calendar]``: next year's published 放假 / 调休上班 days, added by the office."""
    export: ExportSettings = ExportSettings()
    """``[export]``: what the 附件2 export lists."""
    counters: dict[str, str] = field(default_factory=dict)
    """``[counters]``: counter (address or DESK_COUNTER name) → its printer (``deskapp.counters``)."""

    def staff_member(self, name: str) -> StaffMember | None:
        """The staff entry named exactly ``name``, or None."""
        return next((s for s in self.staff if s.name == name), None)
