"""Masking personal data: one rule per kind of datum.

DOMAIN (personal data): 附件1 carries 身份证号, phone numbers and addresses; they are never put on
the receipt slip or in 附件2, and lists show them masked. Every list of the desk masks with
these functions: the main list and the dashboard (phones), the history as read (phones), the
listing of the files read (phones and 身份证号). Records and ``--json`` keep the whole value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def mask_phone(phone: str) -> str:
    """A phone number in a list: the first 3 and the last 4 characters kept.

    ``13900000000`` → ``139****0000``, ``0994-1234567`` → ``099*****4567``; fewer than 7
    characters are all masked (``12345`` → ``*****``).
    """
    text = phone.strip()
    if len(text) >= 7:
        return text[:3] + "*" * (len(text) - 7) + text[-4:]
    return "*" * len(text)


def mask_id_number(number: str) -> str:
    """A 身份证号 in a list: the first 4 (province and prefecture) and the last 4 characters kept.

    ``652301198001011234`` → ``6523**********1234``; 8 characters or fewer are all masked.
    """
    text = number.strip()
    if len(text) > 8:
        return text[:4] + "*" * (len(text) - 8) + text[-4:]
    return "*" * len(text)


MASKS: dict[str, Callable[[str], str]] = {
    "联系电话": mask_phone,
    "手机": mask_phone,
    "手机号码": mask_phone,
    "电话": mask_phone,
    "身份证号": mask_id_number,
    "身份证号码": mask_id_number,
}
"""How a labelled value read from a form is masked, by its label on the form."""


def mask_field(label: str, value: Any) -> str:
    """``value`` as text, masked when ``label`` names personal data (:data:`MASKS`), else as it is."""
    text = str(value)
    mask = MASKS.get(label.strip())
    return mask(text) if mask is not None and text.strip() else text
