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
