"""From what the files say to the pack: proposals the clerk accepts, and the record of files.

Nothing read is saved by :func:`propose`; :func:`apply` writes only the proposals the clerk
accepted, through the store (who, when, why), together with the fingerprints and facts of
the files read (``pack.files``), from which :mod:`deskapp.crosscheck` derives its flags.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from deskapp.crosscheck import match_sector, value_digest
from deskapp.models import DETAIL_FIELDS, Pack, field_label
from deskapp.readers.labels import norm
from deskapp.readers.report import FileReport

if TYPE_CHECKING:
    from deskapp.store import DeskStore

__all__ = [
    "Choice",
    "Decision",
    "Prefill",
    "Proposal",
    "apply",
    "current_values",
    "is_unit_name",
    "match_sector",
    "propose",
]

# Long fields of 附件1 / 附件2 → pack.details keys (the 附件2 export reads them there).
FORM1_DETAILS = {
    "领衔人主要工作业绩": "achievements",
    "依托单位简介": "unit_intro",
    "依托单位对工作室支持措施": "support",
    "人才工作室工作任务目标": "goals",
}
FORM2_DETAILS = {"领衔人主要获奖情况": "awards", **FORM1_DETAILS}
FORM2_FIELDS = {"申报单位": "unit", "工作室名称": "name", "研究领域": "sector", "领衔人": "leader"}


UNIT_ENDINGS = (
    "公司",
    "集团",
    "企业",
    "工厂",
    "矿业",
    "煤矿",
    "电厂",
    "学校",
    "小学",
    "中学",
    "大学",
    "学院",
    "幼儿园",
    "医院",
    "卫生院",
    "中心",
    "研究院",
    "研究所",
    "设计院",
    "委员会",
    "管委会",
    "办公室",
    "事务所",
    "合作社",
    "协会",
    "学会",
    "商会",
    "基金会",
    "银行",
    "分行",
    "支行",
    "园区",
    "工作室",
    "部门",
    "分局",
    "支队",
    "大队",
)
"""Endings that make a name a unit whatever its length (有限公司, 股份有限公司 end in 公司)."""
UNIT_CHAR_ENDINGS = ("局", "院", "校", "厂", "矿", "所", "站", "队", "委", "办", "社", "馆", "处", "部", "会", "场")
"""One-character endings of units (人社局, 设计院): trusted only from 4 characters on, since a
three-character person's name may end in one of them."""


def is_unit_name(text: Any) -> bool:
    """True when ``text`` is clearly the name of a unit, not a person (附件1's 申报人 line holds either).

    Clearly a unit: it ends in a unit word (公司, 有限公司, 集团, 学校, 医院, 中心, 研究院, 委员会…), or it
    is at least 4 characters and ends in a one-character unit ending (局, 院, 校, 厂, 所, 站…).
    A person's name (2–4 characters, or with the · of Uyghur and Kazakh names) never is.
    Brackets and spaces are ignored. Rule source: notice 附件1 (封面 申报人; 工作单位 is the unit).
    """
    key = norm(str(text or ""))
    for left, right in (("（", "）"), ("(", ")")):
        while key.endswith(right) and left in key:  # 某公司（盖章） → 某公司
            key = key[: key.rindex(left)]
    if len(key) < 3 or not any("\u4e00" <= ch <= "\u9fff" for ch in key):
        return False
    if key.endswith(UNIT_ENDINGS):
        return True
    if "·" in key or "•" in key:
        return False
    return len(key) >= 4 and key.endswith(UNIT_CHAR_ENDINGS)


@dataclass
class Choice:
    """One value one file gives for a field: what, from which file (name and SHA-256), where in it."""

    value: Any
    source: str
    sha256: str = ""
    where: str = ""
    """The form's label the value was read from (工作单位, 申报人, 项目执行人…)."""


@dataclass
class Proposal:
    """One value found in a file, next to what the pack (or the draft) holds now."""

    path: str
    """Where it goes on the pack: ``unit``, ``members``, ``details.goals``."""
    label: str
    current: Any
    found: Any
    source: str
    """The file name it came from."""
    others: list[str] = field(default_factory=list)
    """Different values other files gave for the same field (shown to the clerk)."""
    sha256: str = ""
    """Fingerprint of the file ``found`` came from."""
    choices: list[Choice] = field(default_factory=list)
    """Every distinct value the files gave, first the one proposed; the clerk may pick another."""
    guess: bool = False
    """Inferred from the file's text rather than read from its own field (a 附件3's sector)."""

    @property
    def typed_over(self) -> bool:
        """The pack (or form) already holds another value: accepting replaces what was typed."""
        return self.current not in (None, "")

    @property
    def conflict(self) -> bool:
        """The files disagree with each other, or with what the clerk typed."""
        return self.typed_over or len(self.choices) > 1

    def choose(self, index: int) -> None:
        """Take the value of ``choices[index]`` (the clerk chose another file's value)."""
        choice = self.choices[index % len(self.choices)]
        self.found, self.source, self.sha256 = choice.value, choice.source, choice.sha256

    def choose_source(self, name: str) -> bool:
        """Take the value the file named ``name`` gave; False when no such file gave one."""
        for i, choice in enumerate(self.choices):
            if choice.source == name:
                self.choose(i)
                return True
        return False

    def conflict_text(self) -> str:
        """One Chinese line: the current value and every file's value, side by side."""
        parts = [f"当前“{_one_line(self.current)}”"] if self.typed_over else []
        parts += [f"{c.source}{'（' + c.where + '）' if c.where else ''}“{_one_line(c.value)}”" for c in self.choices]
        return f"{self.label}：" + "｜".join(parts)


def _one_line(value: Any, width: int = 40) -> str:
    text = "（空）" if value in (None, "") else str(value).replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


@dataclass
class Prefill:
    """What the files offer for a pack's form: one :class:`Proposal` per field they fill, remarks, and
    the reports of every file read."""

    proposals: list[Proposal]
    notes: list[str]
    """Chinese remarks for the clerk: problems of the files, changed files, kind mismatches."""
    reports: list[FileReport]

    @property
    def conflicts(self) -> list[Proposal]:
        """Proposals the clerk must decide: files disagree, or a typed value would be replaced."""
        return [p for p in self.proposals if p.conflict]


@dataclass
class Decision:
    """What the clerk chose in the review: the proposals to save, and the files read."""

    accepted: list[Proposal]
    reports: list[FileReport]


def current_values(pack: Pack | None, draft: dict[str, Any] | None = None) -> dict[str, Any]:
    """The values proposals are compared with: a saved pack's, or a registration draft's."""
    values: dict[str, Any] = {}
    if pack is not None:
        values.update(
            {k: getattr(pack, k) for k in ("unit", "name", "sector", "leader", "contact", "phone", "members")}
        )
        values.update({f"details.{k}": pack.details.get(k, "") for k in DETAIL_FIELDS})
        values.update({f"details.{k}": pack.details.get(k, "") for k in PROJECT_DETAILS if k in pack.details})
    for key, value in (draft or {}).items():
        if key == "details" and isinstance(value, dict):
            values.update({f"details.{k}": v for k, v in value.items()})
        else:
            values[key] = value
    return values


def format_awards(rows: Iterable[dict[str, str]]) -> str:
    """The awards table as lines for 附件2's 领衔人主要获奖情况."""
    lines = []
    for row in rows:
        title = row.get("奖励名称") or row.get("获奖项目") or ""
        year = row.get("年度", "")
        head = f"{year}{'' if not year or year.endswith('年') else '年'} {title}".strip()
        rank = row.get("排名", "")
        parts = [
            row.get("获奖项目", "") if row.get("奖励名称") else "",
            row.get("授予单位", ""),
            row.get("等级", ""),
            (f"排名第{rank}" if rank.isdigit() else rank),
        ]
        detail = "，".join(p for p in parts if p)
        lines.append(f"{head}（{detail}）" if detail else head)
    return "\n".join(line for line in lines if line)


def _members(text: str) -> int | None:
    digits = "".join(ch for ch in str(text) if ch.isdigit())
    return int(digits) if digits and len(digits) <= 3 else None


PROJECT_DETAILS = {
    "funds_total": "资金总额（万元）",
    "funds_own": "自筹资金（万元）",
    "funds_requested": "申请资金（万元）",
}
"""附件3's 资金 figures, kept in ``pack.details`` of a project (the 台账 and the checks read them)."""
FUNDS_LABELS = {"funds_total": "资金总额", "funds_own": "自筹资金", "funds_requested": "申请资金"}
LEAD_TITLES = ("项目负责人", "负责人", "组长", "牵头人", "主持人")


def _amount_text(text: str) -> str:
    """``100万元`` → ``100``; the figures are in 万元 as the form asks."""
    value = norm(str(text)).replace("万元", "").replace("万", "").replace("元", "").replace(",", "")
    return value


def project_lead(rows: Sequence[dict[str, str]]) -> dict[str, str] | None:
    """The 项目执行人 row of the project's lead: the one titled 负责人/组长…, else the first named one."""
    named = [r for r in rows if norm(r.get("姓名", ""))]
    for row in named:
        if any(t in norm(row.get("职务", "")) for t in LEAD_TITLES):
            return row
    return named[0] if named else None


def sector_told(texts: Iterable[str], sectors: Sequence[str]) -> str:
    """The one round sector a text names (煤化工 → 煤炭煤电煤化工), or "" when none or several.

    A sector is named by its whole name or by one of its parts (煤炭煤电煤化工 → 煤炭, 煤电, 煤化工;
    新能源新材料 → 新能源, 新材料). Used for 附件3, which has no sector field.
    """
    hay = norm("".join(texts))
    told = []
    for sector in sectors:
        key = norm(sector)
        parts = {key}
        head = key[:1]
        if head and key.count(head) > 1:
            parts |= {head + part for part in key.split(head) if len(part) >= 1}
        if any(part and len(part) >= 2 and part in hay for part in parts):
            told.append(sector)
    return told[0] if len(told) == 1 else ""


def found_choices(report: FileReport, sectors: Sequence[str], name_hint: str = "") -> dict[str, list[Choice]]:
    """Pack paths → the values a file gives, each with where in the form it was read.

    The unit comes from the form's unit fields (附件1 工作单位, 附件2 申报单位, 附件3 项目申报单位);
    附件1's 申报人 only when :func:`is_unit_name` says it is a unit (notice 附件1–3).
    """
    f = report.fields
    out: dict[str, list[tuple[Any, str]]] = {}

    def put(path: str, value: Any, where: str) -> None:
        if value not in (None, ""):
            out.setdefault(path, []).append((value, where))

    if report.kind == "form1":
        put("unit", f.get("工作单位", ""), "工作单位")
        if is_unit_name(f.get("申报人", "")):
            put("unit", f.get("申报人", ""), "申报人")
        put("name", f.get("工作室名称", ""), "工作室名称")
        if f.get("专业领域"):
            put("sector", match_sector(f.get("专业领域", ""), sectors), "专业领域")
        put("leader", f.get("领衔人", ""), "领衔人")
        put("members", f.get("成员人数"), "成员")
        if report.tables.get("获奖情况"):
            put("details.awards", format_awards(report.tables["获奖情况"]), "获奖情况")
        for label, key in FORM1_DETAILS.items():
            put(f"details.{key}", f.get(label, ""), label)
    elif report.kind == "form2" or report.tables.get("附件2"):
        row = pick_row(report.tables.get("附件2", []), name_hint)
        if row:
            for label, path in FORM2_FIELDS.items():
                value = row.get(label, "")
                put(path, match_sector(value, sectors) if path == "sector" and value else value, label)
            put("members", _members(row.get("工作室成员人数", "")), "工作室成员人数")
            for label, key in FORM2_DETAILS.items():
                put(f"details.{key}", row.get(label, ""), label)
    elif report.kind == "form3":
        put("name", f.get("项目名称", ""), "项目名称")
        put("unit", f.get("项目申报单位", ""), "项目申报单位")
        lead = project_lead(report.tables.get("项目团队", []))
        if lead:
            put("leader", lead.get("姓名", ""), "项目执行人")
            put("contact", lead.get("姓名", ""), "项目执行人")
            put("phone", lead.get("联系电话", ""), "项目执行人·联系电话")
        elif f.get("联系电话"):
            put("phone", f.get("联系电话", ""), "联系电话")
        funds = (report.tables.get("资金") or [{}])[0]
        for key, label in FUNDS_LABELS.items():
            put(f"details.{key}", _amount_text(funds.get(label, "") or f.get(label, "")), label)
    return {path: [Choice(v, report.name, report.sha256, where) for v, where in values] for path, values in out.items()}


def found_values(report: FileReport, sectors: Sequence[str], name_hint: str = "") -> dict[str, Any]:
    """Pack paths → the first value a file gives."""
    return {path: choices[0].value for path, choices in found_choices(report, sectors, name_hint).items()}


def pick_row(rows: list[dict[str, str]], name: str) -> dict[str, str] | None:
    """The 附件2 row of this studio: the one named like it, or the only one."""
    if name:
        for row in rows:
            if norm(row.get("工作室名称", "")) == norm(name):
                return row
    return rows[0] if len(rows) == 1 else (rows[0] if rows and not name else None)


def propose(
    kind: str,
    current: dict[str, Any],
    reports: Sequence[FileReport],
    sectors: Sequence[str] = (),
    pack: Pack | None = None,
) -> Prefill:
    """What the files would change, field by field, with every file's value for each field.

    The first value found is proposed (files in the order given); a field whose files
    disagree, or that already holds another value, is a conflict (:attr:`Proposal.conflict`)
    the clerk decides. A field is proposed when any file's value differs from the current one.
    """
    choices: dict[str, list[Choice]] = {}
    notes: list[str] = []
    form_kind = {"form1": "studio", "form2": "studio", "form3": "project"}
    name_hint = current.get("name", "") or next(
        (r.fields.get("工作室名称", "") for r in reports if r.kind == "form1"), ""
    )
    project_texts: list[str] = []
    for report in reports:
        notes.extend(report.problems)
        if pack is not None:
            change = changed_since(pack, report)
            if change:
                notes.append(change)
        wanted = form_kind.get(report.kind)
        if wanted and wanted != kind:
            notes.append(f"“{report.name}”是{report.kind_label}，与这件的类别不符，未取其内容")
            continue
        if (
            report.kind == "form2"
            and len(report.tables.get("附件2", [])) > 1
            and pick_row(report.tables["附件2"], name_hint) is None
        ):
            notes.append(
                f"“{report.name}”有{len(report.tables['附件2'])}行，没有一行的工作室名称与本件相同，未取其内容"
            )
        if report.kind == "form3":
            project_texts.extend(str(v) for v in report.fields.values())
        for path, found in found_choices(report, sectors, name_hint).items():
            known = choices.setdefault(path, [])
            for choice in found:
                if not any(_same(c.value, choice.value) for c in known):
                    known.append(choice)
    guessed = set()
    if kind == "project" and "sector" not in choices and project_texts:
        sector = sector_told(project_texts, sectors)
        if sector:
            source = next(r for r in reports if r.kind == "form3")
            choices["sector"] = [Choice(sector, source.name, source.sha256, "据内容推断")]
            guessed.add("sector")
    proposals = []
    for path, found in choices.items():
        now = current.get(path)
        if all(_same(now, c.value) for c in found):
            continue
        first = next(c for c in found if not _same(now, c.value))
        ordered = [first, *(c for c in found if c is not first)]
        proposals.append(
            Proposal(
                path,
                path_label(kind, path),
                now,
                first.value,
                first.source,
                others=[str(c.value) for c in ordered[1:]],
                sha256=first.sha256,
                choices=ordered,
                guess=path in guessed,
            )
        )
    return Prefill(proposals, notes, list(reports))


def path_label(kind: str, path: str) -> str:
    """The label the clerk reads for a pack path (``details.goals`` → 人才工作室工作任务目标)."""
    key = path.split(".", 1)[-1]
    return PROJECT_DETAILS.get(key) or field_label(kind, key)


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b or (a in (None, "") and b in (None, ""))
    return norm(str(a)) == norm(str(b))


# -- saving -------------------------------------------------------------------------------------
def facts_of(report: FileReport) -> dict[str, Any]:
    """What the cross-checks need from a file (never personal data such as 身份证号)."""
    f = report.fields
    facts: dict[str, Any] = {}
    if report.kind == "form1":
        facts = {
            "studio_name": f.get("工作室名称", ""),
            "unit": f.get("工作单位", "") or (f.get("申报人", "") if is_unit_name(f.get("申报人", "")) else ""),
            "sector": f.get("专业领域", ""),
            "leader": f.get("领衔人", ""),
            "members_listed": f.get("成员人数"),
        }
    if report.tables.get("附件2"):
        facts["studio_names"] = [r.get("工作室名称", "") for r in report.tables["附件2"] if r.get("工作室名称")]
    if report.kind == "form3":
        facts = {
            "project_name": f.get("项目名称", ""),
            "unit": f.get("项目申报单位", ""),
            "funds": {
                k: f[label]
                for k, label in (("total", "资金总额"), ("own", "自筹资金"), ("requested", "申请资金"))
                if f.get(label)
            },
        }
    return {k: v for k, v in facts.items() if v not in (None, "", {}, [])}


def file_entry(report: FileReport, actor: str, at: str, gave: dict[str, str] | None = None) -> dict[str, Any]:
    """One ``pack.files`` entry: name, size, SHA-256, kind, when and by whom read, the facts the
    cross-checks need, and ``gave``: pack path → :func:`value_digest` of each value taken from it."""
    entry: dict[str, Any] = {**report.fingerprint(), "kind": report.kind, "read_at": at, "by": actor}
    if report.pages is not None:
        entry["pages"] = report.pages
    if not report.readable:
        entry["unreadable"] = True
    facts = facts_of(report)
    if facts:
        entry["facts"] = facts
    if gave:
        entry["gave"] = gave
    return entry


def changed_since(pack: Pack, report: FileReport) -> str | None:
    """A Chinese sentence when a file of this name was read before with other content."""
    earlier = [e for e in pack.files if isinstance(e, dict) and e.get("name") == report.name]
    if not earlier or not report.sha256:
        return None
    last = earlier[-1]
    if last.get("sha256") == report.sha256:
        return None
    return (
        f"“{report.name}”与 {str(last.get('read_at', ''))[:16].replace('T', ' ')} 读取的版本不同"
        f"（原 {last.get('size')} 字节、指纹 {str(last.get('sha256'))[:12]}…，"
        f"现 {report.size} 字节、指纹 {report.sha256[:12]}…）：文件在登记后被改动过"
    )


def apply(
    store: DeskStore,
    pack_id: int,
    accepted: Iterable[Proposal],
    reports: Sequence[FileReport],
    actor: str,
    *,
    set_values: bool = True,
) -> Pack:
    """Save the accepted values and the files' fingerprints in one recorded change.

    Every accepted value the pack then holds is recorded with the file it came from: the history
    entry's ``data.sources`` (path → file name and SHA-256) and the file's ``pack.files`` entry
    (``gave``: path → digest of the value), from which :func:`deskapp.crosscheck.annex2_content`
    tells values from files from typed ones. ``set_values=False`` (after a registration whose form
    the files filled) changes no value and records the sources of the values the pack still holds
    as the files gave them — a value the clerk retyped after the fill is not credited to a file.
    """
    from deskapp.timeutil import iso

    pack = store.get(pack_id)
    accepted = list(accepted)
    now = current_values(pack)
    changes: dict[str, Any] = {p.path: p.found for p in accepted} if set_values else {}
    taken = [p for p in accepted if set_values or _same(now.get(p.path), p.found)]
    sources = {p.path: {"name": p.source, "sha256": p.sha256} for p in taken}
    gave: dict[tuple[str, str], dict[str, str]] = {}
    for p in taken:
        gave.setdefault((p.source, p.sha256), {})[p.path] = value_digest(p.found)
    at = iso(store.clock())
    known = {(e.get("name"), e.get("sha256")) for e in pack.files if isinstance(e, dict)}
    new = [
        file_entry(r, actor, at, gave.get((r.name, r.sha256)))
        for r in reports
        if r.sha256 and ((r.name, r.sha256) not in known or gave.get((r.name, r.sha256)))
    ]
    if new:
        changes["files"] = [*pack.files, *new]
    if not changes:
        return pack
    names = "、".join(r.name for r in reports) or "（无）"
    return store.update(
        pack_id,
        changes,
        actor,
        action="prefill",
        reason=f"读取电子版：{names}",
        data={"files": [r.name for r in reports], "accepted": [p.path for p in taken], "sources": sources},
    )
