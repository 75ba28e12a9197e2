"""What a registration or an update may carry, checked before anything is written.

Every text goes through the one door, :func:`deskapp.text.clean_text`; numbers are whole and
not negative; the checklist keys are the round's (``templates/desk.toml``). Refusals raise
:class:`RegistrationError` with a message in Chinese for the clerk. The rules on the values
themselves (5–10 members, the page limit: 通知 二) are ``deskapp.rules``' job, not this one's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from deskapp.config import KIND_LABELS, KINDS, Config
from deskapp.models import OLD_SEARCH_KEYS, SEARCH_KEYS, field_label
from deskapp.text import BadText, clean_text

TEXT_FIELDS = ("unit", "name", "sector", "leader", "contact", "phone", "notes", "ecopy_medium")
"""Fields of a registration that are text."""
SUPERVISED_FIELDS = ("received_at", "clerk", "voided", "void_reason")
"""Changed only by a supervisor's correction or void (``deskapp.outcomes`` checks the PIN)."""
FIXED_FIELDS = ("receipt_no", "seq", "serial", "round", "kind", SEARCH_KEYS, OLD_SEARCH_KEYS)
"""Never changed once registered (the receipt serial is stored as ``seq``)."""
SUPERVISED_ACTIONS = ("correct", "void")
SEARCH_FIELDS = ("unit", "name", "leader")
"""Fields the pinyin search keys are computed from."""
LONG_TEXTS = ("notes", "details")
"""Fields whose texts keep their line breaks (the 附件2 long texts, notes)."""
ECOPY_ITEM = "ecopy"
"""The checklist key of the electronic copy: naming its medium ticks it."""


class RegistrationError(ValueError):
    """Bad input for a registration or update; the message is for the clerk."""


def clean(value: str, kind: str, path: str) -> str:
    """A field's text through the one door (:func:`deskapp.text.clean_text`); RegistrationError if refused."""
    try:
        return clean_text(value, long=path.split(".")[0] in LONG_TEXTS, label=field_label(kind, path.split(".")[-1]))
    except BadText as exc:
        raise RegistrationError(str(exc)) from None


def int_or_none(value: object, label: str) -> int | None:
    """A count typed or given (``"12"``, 12) as an int; None for empty. RegistrationError: not a
    whole number, a bool, or negative."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise RegistrationError(f"{label} 应为整数")
    try:
        number = int(str(value).strip())
    except ValueError:
        raise RegistrationError(f"{label} 应为整数，不是 {value!r}") from None
    if number < 0:
        raise RegistrationError(f"{label} 不能为负数")
    return number


def new_pack_doc(
    config: Config,
    kind: str,
    fields: Mapping[str, Any],
    clerk: str,
    checklist: Mapping[str, bool],
    pages: int | None,
) -> dict[str, Any]:
    """The document of a new pack of the current round, before its number and time are given.

    ``fields``: the :data:`TEXT_FIELDS`, ``members`` and ``details`` (a dict of 附件2 texts);
    ``checklist``: item key -> ticked, keys of the round's checklist for ``kind`` only.
    RegistrationError: an unknown kind, field or item, a missing unit, name or clerk, a bad text
    or number.
    """
    if kind not in KINDS:
        raise RegistrationError(f"申报类别只能是 {' / '.join(KIND_LABELS.values())}")
    if not clerk.strip():
        raise RegistrationError("缺少受理人")
    doc: dict[str, Any] = {"round": config.round.id, "kind": kind, "clerk": clerk.strip(), "status": "registered"}
    unknown = set(fields) - set(TEXT_FIELDS) - {"members", "details"}
    if unknown:
        raise RegistrationError("不认识的字段：" + "、".join(sorted(unknown)))
    for key in TEXT_FIELDS:
        value = fields.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise RegistrationError(f"{key} 应为文字")
        doc[key] = clean(value, kind, key).strip()
    if not doc["unit"]:
        raise RegistrationError("请填写申报单位")
    if not doc["name"]:
        raise RegistrationError("请填写" + ("工作室名称" if kind == "studio" else "项目名称"))
    doc["members"] = int_or_none(fields.get("members"), "工作室成员人数")
    doc["pages"] = int_or_none(pages, "页数")
    known = {item.key for item in config.round.checklist(kind)}
    bad = set(checklist) - known
    if bad:
        raise RegistrationError("清单中没有这些项：" + "、".join(sorted(bad)))
    doc["checklist"] = {key: bool(checklist.get(key, False)) for key in sorted(known)}
    details = fields.get("details") or {}
    if not isinstance(details, dict):
        raise RegistrationError("details 应为对象")
    doc["details"] = {clean(str(k), kind, "details"): clean(str(v), kind, f"details.{k}") for k, v in details.items()}
    if doc["ecopy_medium"] and ECOPY_ITEM in doc["checklist"]:
        doc["checklist"][ECOPY_ITEM] = True  # a medium named is an electronic copy received
    return doc


def checked_change(doc: Mapping[str, Any], path: str, value: Any, action: str) -> Any:
    """``value`` as stored at dotted ``path`` of a registered pack ``doc`` by ``action``.

    RegistrationError: a field fixed at registration, a supervised field outside a supervisor's
    correction or void, a bad text or number.
    """
    kind = doc.get("kind", "")
    if path in FIXED_FIELDS:
        raise RegistrationError(f"{field_label(kind, path)} 不能修改")
    if path in SUPERVISED_FIELDS and action not in SUPERVISED_ACTIONS:
        raise RegistrationError(f"{field_label(kind, path)} 只能由科室负责人更正或作废（请用“结论…”中的更正或作废）")
    if path in ("members", "pages"):
        return int_or_none(value, field_label(kind, path))
    if isinstance(value, str):
        value = clean(value, kind, path)
        if path.split(".")[0] in (*TEXT_FIELDS, "details"):
            value = value.strip()
    return value


def with_medium(doc: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """``changes`` plus the electronic copy ticked when they name its medium."""
    out = dict(changes)
    medium = out.get("ecopy_medium")
    if isinstance(medium, str) and medium.strip() and ECOPY_ITEM in doc.get("checklist", {}):
        out.setdefault(f"checklist.{ECOPY_ITEM}", True)  # a medium named is a copy received
    return out
