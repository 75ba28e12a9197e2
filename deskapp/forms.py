"""What the registration form needs from the core: choosing a sector by number or pinyin."""

from __future__ import annotations

from deskapp.pinyin import fold, has_han, keys


def match_sector(sectors: tuple[str, ...], text: str) -> list[str]:
    """Sectors that ``text`` may mean: its number (``1``), pinyin (``mt``, ``meitan``) or Chinese.

    One result is a choice; several ask for more letters; none means the text is kept as
    typed (and the rules flag it as out of scope).
    """
    wanted = fold(text)
    if not wanted:
        return []
    if wanted.isdigit():
        number = int(wanted)
        return [sectors[number - 1]] if 1 <= number <= len(sectors) else []
    exact = [s for s in sectors if fold(s) == wanted]
    if exact:
        return exact
    if has_han(wanted):
        return [s for s in sectors if wanted in fold(s)]
    if wanted.isascii() and wanted.isalpha():
        found = []
        for sector in sectors:
            initials, full = keys(sector)
            if initials.startswith(wanted) or full.startswith(wanted):
                found.append(sector)
        return found
    return []


def sector_hint(sectors: tuple[str, ...], text: str) -> tuple[str | None, str]:
    """(the sector chosen or None, a line for the clerk saying what will be recorded)."""
    if not text.strip():
        return None, "输入序号或拼音首字母选择：" + "  ".join(f"{n} {s}" for n, s in enumerate(sectors, 1))
    found = match_sector(sectors, text)
    if len(found) == 1:
        return found[0], f"→ {found[0]}"
    if found:
        return None, "可能是：" + "、".join(found) + "。请多输入几个字母"
    return None, f"“{text.strip()}”不在申报范围内，将按原文记录并标记"


MEDIUMS = ("U盘", "光盘", "邮件", "移动硬盘", "网盘")
"""Usual media of the electronic copy (any other text is kept as typed)."""


def expand_medium(text: str) -> str:
    """``u`` → U盘, ``光`` → 光盘: a unique prefix of a usual medium becomes it; else as typed."""
    wanted = text.strip()
    if not wanted:
        return ""
    found = [m for m in MEDIUMS if m.lower().startswith(wanted.lower())]
    return found[0] if len(found) == 1 else wanted


def phone_problem(text: str) -> str | None:
    """What is questionable in a contact phone as typed, or None when it looks like a number.

    A mobile number is 11 digits starting with 1; a landline is 7–8 digits, with an area code
    (0 + 2–3 digits) in front or not, an extension after 转/-/# allowed. Spaces, dashes and
    brackets are ignored; full-width digits count. Empty is not a problem (the field is optional).
    """
    import re
    import unicodedata

    raw = unicodedata.normalize("NFKC", text).strip()
    if not raw:
        return None
    number_part = re.split(r"转|ext|#|,|，", raw, maxsplit=1, flags=re.IGNORECASE)[0]
    if re.search(r"[^\d\s\-()（）+]", number_part):
        return "电话中有数字以外的字"
    digits = re.sub(r"\D", "", number_part)
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if len(digits) == 11 and digits.startswith("1"):
        return None
    if digits.startswith("0") and 10 <= len(digits) <= 12:
        return None
    if 7 <= len(digits) <= 8 and not digits.startswith(("0", "1")):
        return None
    return f"电话号码位数不对（{len(digits)}位）：手机11位，座机区号+7—8位"
