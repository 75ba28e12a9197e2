"""The supervisor's picture of the round: counts, arrivals per day, and who misses what.

:func:`build_dashboard` reads the store's state once and assesses every pack in one pass
(duplicates grouped by unit and name, not searched per pack), so a refresh stays fast at
10,000 packs. The result is plain data; the dashboard screen and the CLI only show it.
"""

from __future__ import annotations

import weakref
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from deskapp.config import KIND_LABELS, KINDS
from deskapp.crosscheck import Annex2Content, annex2_content
from deskapp.duplicates import DuplicateKey, counts, earlier_duplicates
from deskapp.duplicates import key_of as duplicate_key_of
from deskapp.models import STATUS_LABELS, Pack
from deskapp.pinyin import fold
from deskapp.privacy import mask_phone
from deskapp.rules import Assessment, assess
from deskapp.store import DeskStore
from deskapp.timeutil import parse_time, to_beijing

VOIDED = "voided"
STATUS_COLUMNS: dict[str, str] = {**STATUS_LABELS, VOIDED: "已作废"}
"""Columns of the kind x status table: every status, then voided packs."""
NO_SECTOR = "（未填）"
OPEN_STATUSES = ("registered", "supplement", "accepted_pending")
"""Statuses whose missing items the office still chases."""


def _day(received_at: str) -> date:
    """The Beijing date of a stored time (the store writes Beijing ISO times: the first 10 characters)."""
    if received_at.endswith("+08:00"):
        return date.fromisoformat(received_at[:10])
    return to_beijing(parse_time(received_at)).date()


def status_key(pack: Pack) -> str:
    """The column of ``pack`` in the kind x status table: its status, or ``voided``."""
    return VOIDED if pack.voided else pack.status


class _Memo:
    """Per store: the last verdict of each pack object, and its duplicate key.

    The store hands out a new :class:`Pack` object whenever a pack changes, so a verdict
    computed for the same object, the same duplicates and the same round is still right.
    A refresh after one change re-assesses one pack, not 10,000.
    """

    def __init__(self) -> None:
        self.round: object = None
        self.verdicts: dict[int, tuple[Pack, tuple[str, ...], Assessment]] = {}
        self.keys: dict[int, tuple[Pack, DuplicateKey | None]] = {}
        self.contents: dict[int, tuple[Pack, Annex2Content]] = {}


_MEMOS: weakref.WeakKeyDictionary[DeskStore, _Memo] = weakref.WeakKeyDictionary()


def assess_packs(store: DeskStore, packs: Iterable[Pack]) -> dict[int, Assessment]:
    """``store.assess`` for many packs at once: the same verdicts in one pass (the duplicates by
    ``deskapp.duplicates``, grouped once instead of looked up per pack)."""
    packs = list(packs)
    memo = _MEMOS.setdefault(store, _Memo())
    round_ = store.config.round
    if memo.round is not round_:
        memo.round, memo.verdicts = round_, {}
    keys: dict[int, DuplicateKey | None] = {}
    for p in packs:
        known = memo.keys.get(p.id)
        if known is None or known[0] is not p:
            known = (p, duplicate_key_of(p))
            memo.keys[p.id] = known
        keys[p.id] = known[1]
    groups: dict[DuplicateKey, list[Pack]] = defaultdict(list)
    for pack in packs:
        key = keys[pack.id]
        if key is not None and counts(pack):
            groups[key].append(pack)
    verdicts: dict[int, Assessment] = {}
    for pack in packs:
        key = keys[pack.id]
        group = groups[key] if key is not None and key in groups else ()
        dups = earlier_duplicates(pack, group) if len(group) > 1 else ()  # a group of one is the pack alone
        cached = memo.verdicts.get(pack.id)
        if cached is not None and cached[0] is pack and cached[1] == dups:
            verdicts[pack.id] = cached[2]
            continue
        verdict = assess(round_, pack, dups)
        memo.verdicts[pack.id] = (pack, dups, verdict)
        verdicts[pack.id] = verdict
    return verdicts


def annex2_contents(store: DeskStore, packs: Iterable[Pack]) -> dict[int, Annex2Content]:
    """:func:`deskapp.crosscheck.annex2_content` of many studio packs, remembered per pack object."""
    memo = _MEMOS.setdefault(store, _Memo())
    out: dict[int, Annex2Content] = {}
    for pack in packs:
        known = memo.contents.get(pack.id)
        if known is None or known[0] is not pack:
            known = (pack, annex2_content(pack))
            memo.contents[pack.id] = known
        out[pack.id] = known[1]
    return out


@dataclass(frozen=True)
class Annex2Row:
    """One live studio pack and whether its 附件2 row is complete (notice 附件2)."""

    pack_id: int
    receipt_no: str
    unit: str
    name: str
    status_label: str
    content: Annex2Content
    late: bool

    @property
    def complete(self) -> bool:
        """Every 附件2 column of the row has content."""
        return self.content.complete

    def matches(self, text: str) -> bool:
        """Free-text filter (pinyin folded) over receipt number, unit, name and the 附件2 text."""
        q = fold(text)
        return q in fold(" ".join((self.receipt_no, self.unit, self.name, self.content.text())))


@dataclass(frozen=True)
class IncompleteRow:
    """One pack the office must chase: what it misses, and whom to call."""

    pack_id: int
    receipt_no: str
    kind: str
    kind_label: str
    unit: str
    name: str
    status_label: str
    received_at: str
    missing: tuple[str, ...]
    contact: str
    phone: str
    late: bool
    due: str = ""
    """补正 / 容缺受理 deadline (``YYYY-MM-DD``) when one was set."""

    @property
    def phone_masked(self) -> str:
        """The phone as a list shows it (:func:`deskapp.privacy.mask_phone`)."""
        return mask_phone(self.phone)

    @property
    def missing_text(self) -> str:
        """What the pack misses, joined with 、 (页数未填 included: the desk's own gap)."""
        return "、".join(self.missing)

    def matches(self, text: str) -> bool:
        """Free-text filter over receipt, unit, name, contact and the missing items."""
        q = fold(text)
        hay = fold(" ".join((self.receipt_no, self.unit, self.name, self.contact, self.phone, self.missing_text)))
        return q in hay


@dataclass(frozen=True)
class Dashboard:
    """The round at a glance, as :func:`build_dashboard` counts it (late: :func:`deskapp.rules.is_late`)."""

    round_id: str
    deadline: datetime
    generated_at: datetime
    total: int
    """All packs of the round, voided included."""
    live: int
    """Not voided, not withdrawn."""
    complete: int
    incomplete: int
    late: int
    withdrawn: int
    voided: int
    by_kind_status: dict[str, dict[str, int]]
    """kind -> status (``STATUS_COLUMNS`` keys) -> count."""
    by_sector: dict[str, dict[str, int]]
    """sector -> kind -> count of live packs."""
    arrivals: list[tuple[date, int]]
    """Packs received per day (voided excluded), every day from the first arrival to the deadline."""
    late_arrivals: int
    incomplete_rows: list[IncompleteRow] = field(default_factory=list)
    """Open packs that miss items, oldest first."""
    annex2_rows: list[Annex2Row] = field(default_factory=list)
    """Every live studio pack (not voided, not withdrawn), oldest first: is its 附件2 content in?"""

    @property
    def annex2_lacking(self) -> list[Annex2Row]:
        """The studio rows whose 附件2 content is not complete."""
        return [r for r in self.annex2_rows if not r.complete]

    def kind_total(self, kind: str) -> int:
        """Packs of ``kind`` in the round, voided included."""
        return sum(self.by_kind_status.get(kind, {}).values())


def build_dashboard(store: DeskStore, round_id: str | None = None, now: datetime | None = None) -> Dashboard:
    """Everything the dashboard shows, from the store's state read once."""
    round_ = store.config.round
    round_id = round_id or round_.id
    packs = store.packs(round_id)
    packs.reverse()  # oldest first
    verdicts = assess_packs(store, packs)
    by_kind_status: dict[str, dict[str, int]] = {k: dict.fromkeys(STATUS_COLUMNS, 0) for k in KINDS}
    by_sector: dict[str, Counter[str]] = defaultdict(Counter)
    per_day: Counter[date] = Counter()
    complete = incomplete = late = withdrawn = voided = late_arrivals = 0
    rows: list[IncompleteRow] = []
    contents = annex2_contents(
        store, [p for p in packs if p.kind == "studio" and not p.voided and p.status != "withdrawn"]
    )
    annex2_rows: list[Annex2Row] = []
    deadline = round_.deadline
    for pack in packs:
        key = status_key(pack)
        counts = by_kind_status.setdefault(pack.kind, dict.fromkeys(STATUS_COLUMNS, 0))
        counts[key] = counts.get(key, 0) + 1
        if pack.voided:
            voided += 1
            continue
        verdict = verdicts[pack.id]
        if verdict.late:
            late += 1
            late_arrivals += 1
        else:
            per_day[_day(pack.received_at)] += 1
        if pack.status == "withdrawn":
            withdrawn += 1
            continue
        by_sector[pack.sector or NO_SECTOR][pack.kind] += 1
        if pack.kind == "studio":
            annex2_rows.append(
                Annex2Row(
                    pack.id, pack.receipt_no, pack.unit, pack.name, pack.status_label, contents[pack.id], verdict.late
                )
            )
        if verdict.complete:
            complete += 1
        else:
            incomplete += 1
            if pack.status in OPEN_STATUSES:
                rows.append(
                    IncompleteRow(
                        pack_id=pack.id,
                        receipt_no=pack.receipt_no,
                        kind=pack.kind,
                        kind_label=KIND_LABELS.get(pack.kind, pack.kind),
                        unit=pack.unit,
                        name=pack.name,
                        status_label=pack.status_label,
                        received_at=pack.received_at,
                        missing=verdict.missing,
                        contact=pack.contact,
                        phone=pack.phone,
                        late=verdict.late,
                        due=str(pack.outcome.get("due", "")) if pack.status != "registered" else "",
                    )
                )
    arrivals: list[tuple[date, int]] = []
    if per_day:
        day, last = min(per_day), to_beijing(deadline).date()
        while day <= last:
            arrivals.append((day, per_day.get(day, 0)))
            day += timedelta(days=1)
    sectors = {
        s: dict(by_sector[s])
        for s in (*round_.sectors, *sorted(set(by_sector) - set(round_.sectors)))
        if s in by_sector
    }
    return Dashboard(
        round_id=round_id,
        deadline=deadline,
        generated_at=now or store.clock(),
        total=len(packs),
        live=len(packs) - voided - withdrawn,
        complete=complete,
        incomplete=incomplete,
        late=late,
        withdrawn=withdrawn,
        voided=voided,
        by_kind_status=by_kind_status,
        by_sector=sectors,
        arrivals=arrivals,
        late_arrivals=late_arrivals,
        incomplete_rows=rows,
        annex2_rows=annex2_rows,
    )


SORT_KEYS = {
    "received": lambda r: r.received_at,
    "receipt": lambda r: r.receipt_no,
    "unit": lambda r: fold(r.unit),
    "missing": lambda r: (-len(r.missing), r.received_at),
    "due": lambda r: (r.due or "9999", r.received_at),
}
SORT_LABELS = {"received": "收件时间", "receipt": "编号", "unit": "单位", "missing": "缺项数", "due": "补正截止"}


def filter_rows(
    rows: list[IncompleteRow], text: str = "", kind: str | None = None, sort: str = "received"
) -> list[IncompleteRow]:
    """The incomplete list as the supervisor narrows it: kind, free text, sort order."""
    chosen = [r for r in rows if (kind is None or r.kind == kind) and (not text or r.matches(text))]
    return sorted(chosen, key=SORT_KEYS.get(sort, SORT_KEYS["received"]))


def bar_chart(arrivals: list[tuple[date, int]], width: int = 40) -> list[str]:
    """Arrivals per day as lines of block characters: ``06-10 ████▌ 9``."""
    if not arrivals:
        return ["（尚无收件）"]
    peak = max(n for _, n in arrivals) or 1
    eighths = " ▏▎▍▌▋▊▉█"
    lines = []
    for day, n in arrivals:
        units = n * width * 8 // peak
        bar = "█" * (units // 8) + (eighths[units % 8] if units % 8 else "")
        lines.append(f"{day:%m-%d} {bar} {n}")
    return lines
