"""The round's rules applied to a pack: what is missing, whether it is late, what is flagged.

This is the one place of each rule; the slip, the 补正告知书, the dashboard, the lists and
the exports ask these functions and never decide again themselves:

- :func:`missing_items` — the required checklist items not received (notice 三.1: the forms,
  the signatures and seals of both heads, the paper and electronic copies, the evidence);
- :func:`is_late` — received after the round's deadline (notice 三.1 "于2026年6月15日前",
  三.3 逾期视为放弃);
- :func:`assess` — both, plus the flags of notice 一 (sector 一(一), 5–10 members 一(二)2,
  the page limit 三.1) and of the files read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from deskapp.config import Round
from deskapp.crosscheck import file_flags
from deskapp.models import Pack
from deskapp.timeutil import show

ERROR = "error"
WARNING = "warning"
PAGES_UNKNOWN = "页数未填"
"""Shown among what a pack misses while the clerk has not counted its pages: the desk's gap, not
an item the unit brings (never on a 补正告知书)."""


@dataclass(frozen=True)
class Flag:
    """One finding on a pack: ``code`` (e.g. ``late``, ``members_out_of_range``), ``severity``
    (:data:`ERROR` / :data:`WARNING`) and the ``text`` the clerk reads."""

    code: str
    severity: str
    text: str


@dataclass(frozen=True)
class Assessment:
    """What :func:`assess` says of a pack."""

    missing_items: tuple[str, ...] = ()
    """Labels of required checklist items not received, in checklist order (:func:`missing_items`):
    what the unit must bring, what a 补正 asks for."""
    flags: tuple[Flag, ...] = field(default_factory=tuple)
    pages_unknown: bool = False
    """The clerk has not entered the page count yet."""

    @property
    def missing(self) -> tuple[str, ...]:
        """Everything the pack still lacks: :attr:`missing_items`, then 页数未填 when the page count is unknown."""
        return (*self.missing_items, PAGES_UNKNOWN) if self.pages_unknown else self.missing_items

    @property
    def complete(self) -> bool:
        """Nothing missing, page count entered."""
        return not self.missing

    @property
    def late(self) -> bool:
        """Received after the deadline (:func:`is_late`)."""
        return any(f.code == "late" for f in self.flags)

    def summary(self) -> str:
        """One line for lists: 齐全, or what is missing and flagged."""
        parts: list[str] = []
        if self.missing:
            parts.append("缺：" + "、".join(self.missing))
        parts.extend(f.text for f in self.flags)
        return "；".join(parts) if parts else "齐全"


def missing_items(round_: Round, pack: Pack) -> tuple[str, ...]:
    """Labels of the required checklist items ``pack`` has not received, in checklist order.

    The one answer to "what must the unit bring": the slip's 缺少材料, the 补正告知书's list
    (一次性告知), the recorded 补正 and the dashboard's 缺项 all come from here. Items are
    ``round.checklist.<kind>`` in ``desk.toml`` (from notice 三.1: forms, signatures and seals,
    electronic copy, evidence); an item marked not required never counts.
    """
    return tuple(
        item.label for item in round_.checklist(pack.kind) if item.required and not pack.checklist.get(item.key)
    )


def is_late(round_: Round, pack: Pack) -> bool:
    """Whether ``pack`` arrived after ``round_``'s deadline (notice 三.1, 三.3: 逾期视为放弃).

    ``round_.deadline`` is the last on-time moment, Beijing time (``2026-06-15 23:59:59``). A pack
    of another round is judged by that round's notice, which the desk does not hold: never late here.
    """
    return pack.round == round_.id and pack.received > round_.deadline


def assess(round_: Round, pack: Pack, duplicates: tuple[str, ...] = ()) -> Assessment:
    """Everything the desk can say of a pack from its own record and the round's rules.

    ``duplicates`` are receipt numbers of probable duplicates in the round (same unit
    and name) that the clerk has not confirmed as different packs. Flags: ``late`` (error,
    :func:`is_late`); for a studio the sector (notice 一(一)), 成员人数 5–10 not counting the
    leader (一(二)2) and more than ``round.page_limit`` pages (三.1, a warning); for a project a
    sector outside the key fields (二(一), a warning); duplicates, cross-checks and the files read.
    """
    flags: list[Flag] = []
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
    flags.extend(
        Flag(problem.get("code", "cross_check"), WARNING, problem.get("text", ""))
        for problem in pack.extra.get("cross_checks", []) or []
    )
    # the pack against the electronic copies read for it
    flags.extend(Flag(code, WARNING, text) for code, text in file_flags(round_, pack))
    return Assessment(missing_items(round_, pack), tuple(flags), pages_unknown=pack.pages is None)
