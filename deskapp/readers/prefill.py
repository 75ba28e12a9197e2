"""From what the files say to the pack: proposals the clerk accepts, and the record of files.

Nothing read is saved by :func:`propose`; :func:`apply` writes only the proposals the clerk
accepted, through the store (who, when, why), together with the fingerprints and facts of
the files read (``pack.files``), from which :mod:`deskapp.crosscheck` derives its flags.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from deskapp.crosscheck import match_sector
from deskapp.models import DETAIL_FIELDS, Pack, field_label
from deskapp.readers.labels import norm
from deskapp.readers.report import FileReport

__all__ = ["Decision", "Prefill", "Proposal", "apply", "current_values", "match_sector", "propose"]

# Long fields of 附件1 / 附件2 → pack.details keys (the 附件2 export reads them there).
FORM1_DETAILS = {
    "领衔人主要工作业绩": "achievements",
    "依托单位简介": "unit_intro",
    "依托单位对工作室支持措施": "support",
    "人才工作室工作任务目标": "goals",
}
FORM2_DETAILS = {"领衔人主要获奖情况": "awards", **FORM1_DETAILS}
FORM2_FIELDS = {"申报单位": "unit", "工作室名称": "name", "研究领域": "sector", "领衔人": "leader"}


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


@dataclass
class Prefill:
    proposals: list[Proposal]
    notes: list[str]
    """Chinese remarks for the clerk: problems of the files, changed files, kind mismatches."""
    reports: list[FileReport]


@dataclass
class Decision:
    """What the clerk chose in the review: the proposals to save, and the files read."""

    accepted: list[Proposal]
    reports: list[FileReport]


def current_values(pack: Pack | None, draft: dict[str, Any] | None = None) -> dict[str, Any]:
    """The values proposals are compared with: a saved pack's, or a registration draft's."""
    values: dict[str, Any] = {}
    if pack is not None:
        values.update({k: getattr(pack, k) for k in ("unit", "name", "sector", "leader", "members")})
        values.update({f"details.{k}": pack.details.get(k, "") for k in DETAIL_FIELDS})
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


def found_values(report: FileReport, sectors: Sequence[str], name_hint: str = "") -> dict[str, Any]:
    """Pack paths → values a file gives."""
    f = report.fields
    out: dict[str, Any] = {}
    if report.kind == "form1":
        out = {
            "unit": f.get("申报人") or f.get("工作单位", ""),
            "name": f.get("工作室名称", ""),
            "sector": match_sector(f.get("专业领域", ""), sectors) if f.get("专业领域") else "",
            "leader": f.get("领衔人", ""),
            "members": f.get("成员人数"),
        }
        if report.tables.get("获奖情况"):
            out["details.awards"] = format_awards(report.tables["获奖情况"])
        out.update({f"details.{key}": f.get(label, "") for label, key in FORM1_DETAILS.items()})
    elif report.kind == "form2" or report.tables.get("附件2"):
        row = pick_row(report.tables.get("附件2", []), name_hint)
        if row:
            out = {path: row.get(label, "") for label, path in FORM2_FIELDS.items()}
            if out.get("sector"):
                out["sector"] = match_sector(out["sector"], sectors)
            out["members"] = _members(row.get("工作室成员人数", ""))
            out.update({f"details.{key}": row.get(label, "") for label, key in FORM2_DETAILS.items()})
    elif report.kind == "form3":
        out = {"name": f.get("项目名称", ""), "unit": f.get("项目申报单位", "")}
    return {k: v for k, v in out.items() if v not in (None, "")}


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
    """What the files would change, field by field; the first file giving a field wins."""
    proposals: dict[str, Proposal] = {}
    notes: list[str] = []
    form_kind = {"form1": "studio", "form2": "studio", "form3": "project"}
    name_hint = current.get("name", "") or next(
        (r.fields.get("工作室名称", "") for r in reports if r.kind == "form1"), ""
    )
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
        for path, value in found_values(report, sectors, name_hint).items():
            if path in proposals:
                if not _same(proposals[path].found, value) and str(value) not in proposals[path].others:
                    proposals[path].others.append(str(value))
                continue
            proposals[path] = Proposal(path, _label(kind, path), current.get(path), value, report.name)
    changed = [p for p in proposals.values() if not _same(p.current, p.found)]
    return Prefill(changed, notes, list(reports))


def _label(kind: str, path: str) -> str:
    return field_label(kind, path.split(".", 1)[-1])


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    return norm(str(a)) == norm(str(b))


# -- saving -------------------------------------------------------------------------------------
def facts_of(report: FileReport) -> dict[str, Any]:
    """What the cross-checks need from a file (never personal data such as 身份证号)."""
    f = report.fields
    facts: dict[str, Any] = {}
    if report.kind == "form1":
        facts = {
            "studio_name": f.get("工作室名称", ""),
            "unit": f.get("申报人", ""),
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


def file_entry(report: FileReport, actor: str, at: str) -> dict[str, Any]:
    entry: dict[str, Any] = {**report.fingerprint(), "kind": report.kind, "read_at": at, "by": actor}
    if report.pages is not None:
        entry["pages"] = report.pages
    if not report.readable:
        entry["unreadable"] = True
    facts = facts_of(report)
    if facts:
        entry["facts"] = facts
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


def apply(store: Any, pack_id: int, accepted: Iterable[Proposal], reports: Sequence[FileReport], actor: str) -> Pack:
    """Save the accepted values and the files' fingerprints in one recorded change."""
    from deskapp.timeutil import iso

    pack = store.get(pack_id)
    changes: dict[str, Any] = {p.path: p.found for p in accepted}
    at = iso(store.clock())
    known = {(e.get("name"), e.get("sha256")) for e in pack.files if isinstance(e, dict)}
    new = [file_entry(r, actor, at) for r in reports if r.sha256 and (r.name, r.sha256) not in known]
    if new:
        changes["files"] = [*pack.files, *new]
    if not changes:
        return pack
    names = "、".join(r.name for r in reports) or "（无）"
    accepted_paths = [p for p in changes if p != "files"]
    return store.update(
        pack_id,
        changes,
        actor,
        action="prefill",
        reason=f"读取电子版：{names}",
        data={"files": [r.name for r in reports], "accepted": accepted_paths},
    )
