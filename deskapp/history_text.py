"""A pack and its history in words, as the office reads them: one formatter for CLI and screen.

``deskapp show`` prints :func:`record_lines`; the pack screen builds its history from
:func:`describe`, so both say the same thing in the same words: 文书：受理回执, 结果：未成功,
结论：（空） → 补正（截止 2026-06-20）. No Python value is ever shown as Python writes it
(no ``None``, ``False``, ``{'action': …}``): every value goes through :func:`words`, and
empty values in an entry's data are left out.

Imports no Textual and nothing slow (the CLI's ``show`` must start fast).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from deskapp import outcomes
from deskapp.config import KIND_LABELS, ROLE_LABELS, Round
from deskapp.models import DETAIL_FIELDS, DOC_LABELS, PACK_FIELDS, STATUS_LABELS, HistoryEntry, Pack, field_label
from deskapp.privacy import mask_phone
from deskapp.rules import Assessment
from deskapp.timeutil import show

ACTION_LABELS: dict[str, str] = {
    "register": "登记",
    "update": "修改",
    **{old: outcomes.ACTIONS[new] for old, new in outcomes.LEGACY_ACTIONS.items()},  # journals before the names
    "print": "打印",
    "prefill": "读取电子版",
    "scan_refused": "扫码核验未通过",
    "sign_in": "登录",
    "sign_out": "退出登录",
    "staff_edit": "打开人员名单",
    "staff": "修改人员名单",
    "backup": "备份",
    "restore": "恢复",
    "check": "校验记录（通过）",
    "check_failed": "校验记录（发现问题）",
    "integrity_alarm": "记录校验未通过",
    "recovered": "科室负责人处理损坏的记录",
    "damage_acknowledged": "科室负责人确认被改动的记录",
    **outcomes.ACTIONS,
    "outcome": "受理结论",
    "details": "填写附件2内容",
    "refused": "拒绝（无权限）",
}
"""What the history calls each action (an action not listed shows as stored)."""

FIELD_LABELS: dict[str, str] = {
    "pages": "页数",
    "ecopy_medium": "电子版介质",
    "status": "状态",
    "voided": "作废",
    "void_reason": "作废原因",
    "received_at": "收件时间",
    "clerk": "受理人",
    "outcome": "结论",
    "files": "电子版文件",
    "distinct_from": "已确认不是重复的材料",
    "doc": "文书",
    "copy": "份次",
    "ok": "结果",
    "error": "问题",
    "printer": "打印机",
    "job": "打印任务",
    "file": "文件",
    "payload": "扫到的内容",
    "receipt": "编号",
    "code": "原因代码",
    "accepted": "采用的栏目",
    "action": "操作",
    "to": "保存到",
    "from": "来自",
    "aside": "原文件另存于",
    "entries": "记录条数",
    "packs": "材料件数",
    "daily": "每日自动备份",
    "problems": "问题",
    "bad_line": "出错的行",
    "line": "行",
    "why": "问题",
    "hash": "哈希",
    "bytes": "字节数",
    "lines": "行数",
    "added": "加入",
    "removed": "删去",
    "renamed": "改名",
    "roles": "角色改为",
    "pin": "重设 PIN",
    **outcomes.DATA_LABELS,
}
"""Labels of changed fields and recorded data that are not the pack's form fields."""

HIDDEN_DATA = frozenset({"code"})
"""Data kept for machines only; the entry's reason already says it in words."""

LONG_TEXT = 60
"""History lines cut long texts (附件2 fields) to this many characters; ``show`` prints them whole above."""


@dataclass(frozen=True)
class HistoryLine:
    """One history entry in words."""

    at: str
    """``2026-06-10 09:30:00`` (Beijing time)."""
    actor: str
    action: str
    """The action's Chinese name."""
    details: tuple[str, ...]
    """``label：old → new`` per change, then ``label：value`` per recorded datum."""
    reason: str

    def text(self, indent: str = "  ") -> str:
        """The entry as plain lines: time, who, what; details and reason indented below."""
        lines = [f"{indent}{self.at}  {self.actor}  {self.action}"]
        lines.extend(f"{indent}    {d}" for d in self.details)
        if self.reason:
            lines.append(f"{indent}    原因：{self.reason}")
        return "\n".join(lines)


def change_label(round_: Round, kind: str, path: str) -> str:
    """``checklist.ecopy`` → 电子版; ``unit`` → 申报单位; ``details.goals`` → 人才工作室工作任务目标."""
    head, _, rest = path.partition(".")
    if head == "checklist" and rest:
        for item in round_.checklist(kind) if kind in round_.checklists else ():
            if item.key == rest:
                return item.label
        return rest
    if head == "details" and rest:
        return DETAIL_FIELDS.get(rest, rest)
    return FIELD_LABELS.get(path) or field_label(kind, path)


def words(value: Any, key: str = "") -> str:
    """Any stored value in words: 是/否 for booleans, lists joined by 、, mappings as 标签：值."""
    if value is None or value == "" or value == [] or value == {}:
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Mapping):
        return "，".join(f"{FIELD_LABELS.get(str(k), str(k))}：{words(v, str(k))}" for k, v in value.items())
    if isinstance(value, (list, tuple, set)):
        return "、".join(words(v, key) for v in value)
    return str(value)


def change_value(round_: Round, kind: str, path: str, value: Any) -> str:
    """A changed field's old or new value in words."""
    if value is None or value == "":
        return "（空）"
    if path.startswith("checklist."):
        return "已收到" if value else "未收到"
    if path == "checklist" and isinstance(value, Mapping):
        return checklist_words(round_, kind, value)
    if path == "phone":
        return mask_phone(str(value))
    if path == "status":
        return STATUS_LABELS.get(str(value), str(value))
    if path == "received_at":
        return show(str(value), seconds=True)
    if path == "outcome" and isinstance(value, Mapping):
        return outcome_words(value)
    if path == "files" and isinstance(value, list):
        return "、".join(str(f.get("name", "")) for f in value if isinstance(f, Mapping)) or "（空）"
    if path == "voided":
        return "已作废" if value else "未作废"
    text = words(value, path)
    if path.startswith("details.") and len(text) > LONG_TEXT:
        return f"{text[:LONG_TEXT]}…（共 {len(text)} 字）"
    return text


def outcome_words(outcome: Mapping[str, Any]) -> str:
    """A recorded outcome: 补正（截止 2026-06-20）; what it lists as missing is told beside it."""
    label = str(outcome.get("label") or outcomes.ACTIONS.get(str(outcome.get("action", "")), "") or "（空）")
    return f"{label}（截止 {outcome['due']}）" if outcome.get("due") else label


def checklist_words(round_: Round, kind: str, ticks: Mapping[str, Any]) -> str:
    """A whole checklist in words: ``已收到：…；未收到：…`` (labels of ``kind``'s items)."""
    got = [change_label(round_, kind, f"checklist.{k}") for k, v in ticks.items() if v]
    lacking = [change_label(round_, kind, f"checklist.{k}") for k, v in ticks.items() if not v]
    parts = [f"已收到：{'、'.join(got)}" if got else "", f"未收到：{'、'.join(lacking)}" if lacking else ""]
    return "；".join(p for p in parts if p) or "（空）"


def data_value(round_: Round, kind: str, key: str, value: Any) -> str:
    """A datum an action recorded (a print's document, a refused scan's payload, ...) in words."""
    if key == "doc":
        return DOC_LABELS.get(str(value), str(value))
    if key == "ok":
        return "成功" if value else "未成功"
    if key == "copy" and isinstance(value, int):
        return f"第 {value} 份" + (f"（补打第 {value - 1} 次）" if value > 1 else "")
    if key == "action":
        return ACTION_LABELS.get(str(value), str(value))
    if key == "accepted" and isinstance(value, list):
        return "、".join(change_label(round_, kind, str(p)) for p in value)
    if key == "roles" and isinstance(value, Mapping):
        return "，".join(f"{n}：{ROLE_LABELS.get(str(r), str(r))}" for n, r in value.items())
    if key == "renamed" and isinstance(value, list):
        return "、".join(
            f"{pair[0]} → {pair[1]}" for pair in value if isinstance(pair, (list, tuple)) and len(pair) == 2
        )
    return words(value, key)


def _order(round_: Round, kind: str) -> dict[str, int]:
    """The order details are told in: form fields, checklist (its own order), then the rest."""
    paths = [*PACK_FIELDS, *(f"checklist.{i.key}" for i in round_.checklists.get(kind, ())), *FIELD_LABELS]
    return {path: n for n, path in enumerate(paths)}


def describe(round_: Round, kind: str, entry: HistoryEntry) -> HistoryLine:
    """One history entry in words (``kind``: the pack's kind, for its labels; "" for none)."""
    order = _order(round_, kind)

    def rank(path: str) -> int:
        return order.get(path, len(order))  # sorted() is stable: unknown keys keep their order

    details = [
        f"{change_label(round_, kind, path)}：{change_value(round_, kind, path, old)} → {change_value(round_, kind, path, new)}"
        for path, (old, new) in sorted(entry.changes.items(), key=lambda item: rank(item[0]))
    ]
    for key, value in sorted(entry.data.items(), key=lambda item: rank(item[0])):
        if key in HIDDEN_DATA or value is None or value == "" or value == [] or value == {}:
            continue
        details.append(f"{change_label(round_, kind, key)}：{data_value(round_, kind, key, value)}")
    return HistoryLine(
        at=show(entry.at, seconds=True),
        actor=entry.actor,
        action=ACTION_LABELS.get(entry.action, entry.action),
        details=tuple(details),
        reason=entry.reason,
    )


def record_lines(round_: Round, pack: Pack, verdict: Assessment, history: Iterable[HistoryEntry]) -> list[str]:
    """``deskapp show``: the whole pack as the office reads it, then its history, oldest first.

    Fields of the pack's kind, contacts, received time and clerk, pages against the round's
    page limit, electronic copy medium, the checklist ticked item by item, what the desk
    concludes, the recorded outcome, supplements, copies printed, electronic files read, the
    附件2 long fields, and every history entry (:func:`describe`).
    """
    lines = [f"{pack.receipt_no}  {KIND_LABELS.get(pack.kind, pack.kind)}  {outcomes.status_text(pack)}"]
    if pack.voided:
        lines.append(f"【已作废】原因：{pack.void_reason or '（未写）'}")
    lines.extend(
        f"{field_label(pack.kind, key)}：{getattr(pack, key) or '（未填）'}"
        for key in ("unit", "name", "sector", "leader")
    )
    if pack.kind == "studio":
        lines.append(f"{field_label(pack.kind, 'members')}：{'（未填）' if pack.members is None else pack.members}")
    lines.append(f"联系人：{pack.contact or '（未填）'}  联系电话：{pack.phone or '（未填）'}")
    if pack.notes:
        lines.append(f"备注：{pack.notes}")
    lines.append(f"收件时间：{show(pack.received_at, True)}  受理人：{pack.clerk}")
    pages = "（未填）" if pack.pages is None else f"{pack.pages} 页"
    lines.append(f"页数（纸质）：{pages}（一般不超过 {round_.page_limit} 页）")
    lines.append(f"电子版介质：{pack.ecopy_medium or '（未填）'}")
    lines.append("材料清单：")
    for item in round_.checklist(pack.kind) if pack.kind in round_.checklists else ():
        tick = "✓" if pack.checklist.get(item.key) else " "
        lines.append(f"  [{tick}] {item.label}{'' if item.required else '（非必需）'}")
    lines.append(f"结论：{verdict.summary()}")
    if pack.outcome:
        outcome = pack.outcome
        who = "，".join(x for x in (str(outcome.get("by") or ""), show(str(outcome.get("at") or ""))) if x)
        reason = f"；原因：{outcome['reason']}" if outcome.get("reason") else ""
        lines.append(f"受理结论：{outcome_words(outcome)}{f'（{who}）' if who else ''}{reason}")
    for later in pack.extra.get("supplements", []) or []:
        if isinstance(later, Mapping):
            got = words(later.get("items") or [])
            # entries before the names were told apart carry no action: only 补正收到 pushed one then
            act = outcomes.ACTIONS.get(str(later.get("action") or outcomes.SUPPLEMENT_RECEIVED), "补正收到")
            lines.append(f"{act}：{show(str(later.get('at', '')))} {later.get('by', '')}：{got}")
    if pack.prints:
        by_doc: dict[str, int] = {}
        for record in pack.prints:
            if isinstance(record, Mapping):
                doc = str(record.get("doc", "slip"))
                by_doc[doc] = by_doc.get(doc, 0) + 1
        lines.append("已出文书：" + "，".join(f"{DOC_LABELS.get(d, d)} {n} 份" for d, n in by_doc.items()))
    for entry in pack.files:
        if isinstance(entry, Mapping):
            pages_read = f"，{entry['pages']} 页" if entry.get("pages") else ""
            lines.append(f"电子版文件：{entry.get('name', '')}（{entry.get('kind', '')}{pages_read}）")
    for key, label in DETAIL_FIELDS.items():
        if pack.details.get(key):
            lines.append(f"{label}：{pack.details[key]}")
    if pack.distinct_from:
        lines.append("已确认不是重复的材料：" + "、".join(pack.distinct_from))
    entries = list(history)
    lines.append(f"历史（{len(entries)} 条）：")
    lines.extend(describe(round_, pack.kind, e).text() for e in entries)
    return lines
