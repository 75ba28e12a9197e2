"""A pack as the command line prints it with ``--json`` (``list``, ``show``): the README's JSON fields."""

from __future__ import annotations

from typing import Any

from deskapp.models import Pack
from deskapp.service import Desk


def pack_json(desk: Desk, pack: Pack, history: bool = False) -> dict[str, Any]:
    """``pack`` as the CLI prints it: every stored field (the pinyin index left out) plus ``id``,
    ``kind_label``, ``status_label``, ``complete``, ``missing`` (labels, 页数未填 included),
    ``flags`` (``code``, ``severity``, ``text``) and ``summary``, from :func:`deskapp.rules.assess`;
    with ``history`` every journal entry of the pack (``seq``, ``at``, ``actor``, ``action``,
    ``changes``, ``reason``, ``data``)."""
    verdict = desk.store.assess(pack)
    doc = pack.to_doc()
    doc.pop("py", None)
    doc["id"] = pack.id
    doc["kind_label"] = pack.kind_label
    doc["status_label"] = pack.status_label
    doc["complete"] = verdict.complete
    doc["missing"] = list(verdict.missing)
    doc["flags"] = [{"code": f.code, "severity": f.severity, "text": f.text} for f in verdict.flags]
    doc["summary"] = verdict.summary()
    if history:
        doc["history"] = [
            {
                "seq": h.entry_no,
                "at": h.at,
                "actor": h.actor,
                "action": h.action,
                "changes": h.changes,
                "reason": h.reason,
                "data": h.data,
            }
            for h in desk.store.history(pack.id)
        ]
    return doc
