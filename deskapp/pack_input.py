"""What a registration or an update may carry, checked before anything is written.

Every value goes through the one door, :mod:`deskapp.intake` (the form, the ``register`` command,
F9 and the pack screen ask the same): texts cleaned (:func:`deskapp.text.clean_text`), sectors by
number or pinyin, numbers whole and sane, checklist values ``true``/``false``, ``distinct_from``
this round's numbers. A blocking problem raises :class:`RegistrationError` with the door's Chinese
text; a questionable one is stored and handed back in ``notices``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from deskapp.config import KIND_LABELS, KINDS, Config, Round
from deskapp.intake import Problem, take, take_value
from deskapp.models import OLD_SEARCH_KEYS, SEARCH_KEYS, field_label

SUPERVISED_FIELDS = ("received_at", "clerk", "voided", "void_reason")
"""Changed only by a supervisor's correction or void (``deskapp.outcomes`` checks the PIN)."""
FIXED_FIELDS = ("receipt_no", "seq", "serial", "round", "kind", SEARCH_KEYS, OLD_SEARCH_KEYS)
"""Never changed once registered (the receipt serial is stored as ``seq``)."""
SUPERVISED_ACTIONS = ("correct", "void")
SEARCH_FIELDS = ("unit", "name", "leader")
"""Fields the pinyin search keys are computed from."""
ECOPY_ITEM = "ecopy"
"""The checklist key of the electronic copy: naming its medium ticks it."""


class RegistrationError(ValueError):
    """Bad input for a registration or update; the message is for the clerk."""


def new_pack_doc(
    config: Config,
    kind: str,
    fields: Mapping[str, Any],
    clerk: str,
    checklist: Mapping[str, bool],
    pages: int | None,
    *,
    distinct_from: Iterable[str] = (),
    receipts: Collection[str] | None = None,
    notices: list[Problem] | None = None,
) -> dict[str, Any]:
    """The document of a new pack of the current round, before its number and time are given.

    ``fields``: the :data:`deskapp.intake.TEXT_FIELDS`, ``members`` and ``details`` (a dict of 附件2 texts);
    ``checklist``: item key -> ticked, keys of the round's checklist for ``kind`` only;
    ``distinct_from``: receipt numbers of ``receipts`` (this round's). RegistrationError: an unknown
    kind, field or item, a missing unit, name or clerk, any problem the door refuses
    (:func:`deskapp.intake.take`); its questionable problems are appended to ``notices``.
    """
    if kind not in KINDS:
        raise RegistrationError(f"申报类别只能是 {' / '.join(KIND_LABELS.values())}")
    if not clerk.strip():
        raise RegistrationError("缺少受理人")
    draft = {
        **fields,
        "checklist": checklist,
        "pages": pages,
        "distinct_from": distinct_from if isinstance(distinct_from, str) else list(distinct_from),
    }
    taken = take(config.round, kind, draft, receipts=receipts)
    if taken.errors:
        raise RegistrationError(taken.error_text())
    if notices is not None:
        notices.extend(taken.questions)
    doc: dict[str, Any] = {
        "round": config.round.id,
        "kind": kind,
        "clerk": clerk.strip(),
        "status": "registered",
        **taken.fields,
        "pages": taken.pages,
        "checklist": taken.checklist,
        "distinct_from": taken.distinct_from,
    }
    if doc["ecopy_medium"] and ECOPY_ITEM in doc["checklist"]:
        doc["checklist"][ECOPY_ITEM] = True  # a medium named is an electronic copy received
    return doc


def checked_change(
    doc: Mapping[str, Any],
    path: str,
    value: Any,
    action: str,
    *,
    round_: Round,
    notices: list[Problem] | None = None,
) -> Any:
    """``value`` as stored at dotted ``path`` of a registered pack ``doc`` by ``action``.

    RegistrationError: a field fixed at registration, a supervised field outside a supervisor's
    correction or void, any problem the door refuses (:func:`deskapp.intake.take_value`: a bad
    text or number, a text as a checklist value); its questionable problems go to ``notices``.
    """
    kind = doc.get("kind", "")
    if path in FIXED_FIELDS:
        raise RegistrationError(f"{field_label(kind, path)} 不能修改")
    if path in SUPERVISED_FIELDS and action not in SUPERVISED_ACTIONS:
        raise RegistrationError(f"{field_label(kind, path)} 只能由科室负责人更正或作废（请用“结论…”中的更正或作废）")
    value, problems = take_value(round_, kind, path, value)
    refused = [p.text for p in problems if p.blocks]
    if refused:
        raise RegistrationError("；".join(refused))
    if notices is not None:
        notices.extend(problems)
    return value


def with_notices(reason: str, problems: Iterable[Problem]) -> str:
    """``reason`` with what the door removed (characters the slip cannot print), unless it says so already."""
    notes = [p.text for p in problems if p.code == "unprintable" and p.text not in reason]
    return "；".join([r for r in (reason, *notes) if r])


def with_medium(doc: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """``changes`` plus the electronic copy ticked when they name its medium."""
    out = dict(changes)
    medium = out.get("ecopy_medium")
    if isinstance(medium, str) and medium.strip() and ECOPY_ITEM in doc.get("checklist", {}):
        out.setdefault(f"checklist.{ECOPY_ITEM}", True)  # a medium named is a copy received
    return out
