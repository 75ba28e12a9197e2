"""The round's rules applied to a pack: what is missing, what is flagged."""

from __future__ import annotations

from dataclasses import dataclass, field

from deskapp.config import Round
from deskapp.crosscheck import file_flags
from deskapp.models import Pack
from deskapp.timeutil import show

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Flag:
    code: str
    severity: str
    text: str


@dataclass(frozen=True)
class Assessment:
    missing: tuple[str, ...] = ()
    """Labels of required checklist items not received."""
    flags: tuple[Flag, ...] = field(default_factory=tuple)

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def late(self) -> bool:
        return any(f.code == "late" for f in self.flags)

    def summary(self) -> str:
        """One line for lists: 齐全, or what is missing and flagged."""
        parts: list[str] = []
        if self.missing:
            parts.append("缺：" + "、".join(self.missing))
        parts.extend(f.text for f in self.flags)
        return "；".join(parts) if parts else "齐全"


def is_late(round_: Round, pack: Pack) -> bool:
    return pack.received > round_.deadline


def assess(round_: Round, pack: Pack, duplicates: tuple[str, ...] = ()) -> Assessment:
    """Everything the desk can say of a pack from its own record and the round's rules.

    ``duplicates`` are receipt numbers of probable duplicates in the round (same unit
    and name) that the clerk has not confirmed as different packs.
    """
    missing = [item.label for item in round_.checklist(pack.kind) if item.required and not pack.checklist.get(item.key)]
    if not pack.pages:  # 0 pages is no count at all (deskapp/intake.py questions it at the door)
        missing.append("页数未填")
    flags: list[Flag] = []
    if pack.pages == 0:
        flags.append(Flag("pages_zero", WARNING, "页数为 0"))
    if is_late(round_, pack):
        flags.append(Flag("late", ERROR, f"{round_.late_wording}（截止 {show(round_.deadline)}）"))
    if pack.kind == "studio":
        if not pack.sector:
            flags.append(Flag("sector_missing", WARNING, "未选研究领域"))
        elif pack.sector not in round_.sectors:
            flags.append(Flag("sector_out_of_scope", ERROR, f"研究领域“{pack.sector}”不在申报范围内"))
        if pack.members is None:
            flags.append(Flag("members_missing", WARNING, "未填工作室成员人数"))
        elif not round_.members_min <= pack.members <= round_.members_max:
            flags.append(
                Flag(
                    "members_out_of_range",
                    ERROR,
                    f"成员{pack.members}人，应为{round_.members_min}—{round_.members_max}人（不含领衔人）",
                )
            )
        if pack.pages is not None and pack.pages > round_.page_limit:
            flags.append(Flag("pages_over_limit", WARNING, f"{pack.pages}页，超过一般{round_.page_limit}页"))
    elif pack.sector and pack.sector not in round_.sectors:
        flags.append(Flag("sector_out_of_scope", WARNING, f"领域“{pack.sector}”不在重点领域内"))
    if duplicates:
        flags.append(Flag("duplicate", WARNING, "疑似重复：" + "、".join(duplicates)))
    for problem in pack.extra.get("cross_checks", []) or []:
        flags.append(Flag(problem.get("code", "cross_check"), WARNING, problem.get("text", "")))
    for code, text in file_flags(round_, pack):  # the pack against the electronic copies read for it
        flags.append(Flag(code, WARNING, text))
    return Assessment(tuple(missing), tuple(flags))
