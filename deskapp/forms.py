"""What the registration form needs from the core: choosing a sector by number or pinyin."""

from __future__ import annotations

import re
import unicodedata

from deskapp.config import Round
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


PLAUSIBLE_PAGES = 2000
"""More pages than a paper pack plausibly has (a typo such as an extra zero): questioned, not refused."""


def whole_number(text: str) -> int | None:
    """``text`` as a whole number ≥ 0 (full-width digits count, ``+`` allowed), or None when it is not one."""
    raw = unicodedata.normalize("NFKC", text).strip()
    if not re.fullmatch(r"\+?[0-9]+", raw):
        return None
    return int(raw)


def number_refusal(text: str) -> str:
    """Why ``text`` cannot be saved as a count (成员人数, 页数), or '' when it can (empty too).

    Said in the clerk's words, never by dropping the characters: ``7.5`` has a decimal point,
    ``-3`` is negative, ``七`` / ``1e1`` are not written in digits.
    """
    raw = unicodedata.normalize("NFKC", text).strip()
    if not raw or whole_number(raw) is not None:
        return ""
    if re.fullmatch(r"-[0-9]+", raw):
        return "不能为负数"
    if re.fullmatch(r"[+-]?[0-9]*[.][0-9]+|[+-]?[0-9]+[.][0-9]*", raw):
        return "应为整数（不能有小数）"
    return "请用阿拉伯数字填写（如 6）"


def value_problem(round_: Round, kind: str, key: str, text: str) -> tuple[str, bool]:
    """What is questionable in field ``key`` typed as ``text``: (words for the clerk, refused).

    The one check of the registration form and the pack screen (``("", False)``: nothing).
    ``refused``: the store would not save it (not a whole number ≥ 0, a sector ambiguous);
    otherwise saving asks first and records that the clerk was shown it.
    """
    text = text.strip()
    if not text:
        return "", False
    if key == "phone":
        return phone_problem(text) or "", False
    if key == "sector":
        chosen, hint = sector_hint(round_.sectors, text)
        return ("", False) if chosen else (hint, hint.startswith("可能是"))
    if key not in ("members", "pages"):
        return "", False
    refusal = number_refusal(text)
    if refusal:
        return refusal, True
    number = whole_number(text)
    assert number is not None
    if key == "members" and not round_.members_min <= number <= round_.members_max:
        return f"应为 {round_.members_min}—{round_.members_max} 人（不含领衔人）", False
    if key == "pages" and number == 0:
        return "页数为 0", False
    if key == "pages" and number > PLAUSIBLE_PAGES:
        return f"{number} 页，不像一件纸质材料的页数（是否多打了 0？）", False
    if key == "pages" and kind == "studio" and number > round_.page_limit:
        return f"超过一般 {round_.page_limit} 页", False
    return "", False
