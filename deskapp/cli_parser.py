"""The command line's parser in Chinese: usage, help headings and every error message.

:class:`DeskArgumentParser` is an :class:`argparse.ArgumentParser` whose own words are
Chinese. argparse takes its words through ``gettext`` (the module's ``_`` and ``ngettext``);
while one of the parser's methods runs, those two answer from :data:`ARGPARSE_ZH`, and are
put back afterwards, so nothing else in the process (pytest's own options, say) changes.
Subparsers made with ``add_subparsers().add_parser`` are of the same class, so every
subcommand speaks Chinese too. An unknown subcommand or choice names the choices and the
nearest one ("您是不是要找 show？").
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn, TypeVar

ARGPARSE_ZH: dict[str, str] = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "subcommands": "子命令",
    "show this help message and exit": "显示本说明后退出",
    "show program's version number and exit": "显示版本号后退出",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "unrecognized arguments: %s": "不认识的参数：%s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "此选项不带值，多出了 %r",
    "the following arguments are required: %s": "缺少必须给出的参数：%s",
    "one of the arguments %s is required": "必须给出以下参数之一：%s",
    "expected one argument": "后面应有一个值",
    "expected at most one argument": "后面最多一个值",
    "expected at least one argument": "后面至少要有一个值",
    "expected %s argument": "后面应有 %s 个值",
    "expected %s arguments": "后面应有 %s 个值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是：%(matches)s",
    "unexpected option string: %s": "意外的选项：%s",
    "invalid %(type)s value: %(value)r": "%(value)r 不是有效的 %(type)s 值",
    "invalid choice: %(value)r (choose from %(choices)s)": "没有 %(value)r 这一项（可选：%(choices)s）",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "没有子命令 %(parser_name)r（可选：%(choices)s）",
    "can't open '%(filename)s': %(error)s": "无法打开 %(filename)s：%(error)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
}
"""argparse's English words (its gettext message ids, Python 3.11–3.13) → what the office reads."""

TYPE_NAMES: dict[Callable[[str], Any], str] = {int: "整数", float: "数字"}
"""Converters whose refusal is said in Chinese ("“x” 不是整数")."""

_T = TypeVar("_T")


class _Patched:
    """How deep :func:`chinese_argparse` is nested, and argparse's own gettext functions to put back."""

    depth = 0
    saved: tuple[object, object] | None = None


_patched = _Patched()


def _gettext(message: str) -> str:
    return ARGPARSE_ZH.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return _gettext(singular if n == 1 else plural)


@contextmanager
def chinese_argparse() -> Iterator[None]:
    """While inside, argparse's gettext answers from :data:`ARGPARSE_ZH` (re-entrant: the outermost
    exit puts argparse's own back). Not thread-safe: the CLI parses on one thread."""
    if _patched.depth == 0:
        _patched.saved = (getattr(argparse, "_", None), getattr(argparse, "ngettext", None))
        argparse._ = _gettext  # type: ignore[attr-defined]  # argparse's module-level gettext alias
        argparse.ngettext = _ngettext  # type: ignore[attr-defined]  # likewise, not in typeshed
    _patched.depth += 1
    try:
        yield
    finally:
        _patched.depth -= 1
        if _patched.depth == 0 and _patched.saved is not None:
            argparse._, argparse.ngettext = _patched.saved  # type: ignore[attr-defined]  # as above
            _patched.saved = None


def _in_chinese(method: Callable[..., _T]) -> Callable[..., _T]:
    def wrapped(*args: Any, **kwargs: Any) -> _T:
        with chinese_argparse():
            return method(*args, **kwargs)

    wrapped.__name__ = method.__name__
    wrapped.__doc__ = method.__doc__
    return wrapped


def cells(text: str) -> int:
    """Terminal columns ``text`` takes: Chinese characters and full-width forms take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


_PIECES = re.compile(r"[\x21-\x7e]+|\s+|.")  # an ASCII word stays whole; Chinese breaks between characters
_NO_LINE_START = frozenset("，。、；：？！）》」』")


class DeskHelpFormatter(argparse.HelpFormatter):
    """argparse's help layout measured in terminal columns, so Chinese help lines up and wraps
    at the terminal's width (argparse counts characters: a Chinese one is two columns)."""

    def add_argument(self, action: argparse.Action) -> None:
        """As argparse's, with the invocation's width in terminal columns (:func:`cells`), not characters."""
        if action.help is not argparse.SUPPRESS:
            invocations = [self._format_action_invocation(a) for a in (action, *self._iter_indented_subactions(action))]
            self._action_max_length = max(self._action_max_length, max(map(cells, invocations)) + self._current_indent)
            self._add_item(self._format_action, [action])

    def _format_action(self, action: argparse.Action) -> str:
        help_position = min(self._action_max_length + 2, self._max_help_position)
        help_width = max(self._width - help_position, 11)
        action_width = help_position - self._current_indent - 2
        header = self._format_action_invocation(action)
        indent_first = help_position
        if not action.help:
            header = f"{'':{self._current_indent}}{header}\n"
        elif cells(header) <= action_width:
            header = f"{'':{self._current_indent}}{header}{'':{action_width - cells(header)}}  "
            indent_first = 0
        else:
            header = f"{'':{self._current_indent}}{header}\n"
        parts = [header]
        help_text = self._expand_help(action) if action.help and action.help.strip() else ""
        if help_text:
            lines = self._split_lines(help_text, help_width)
            parts.append(f"{'':{indent_first}}{lines[0]}\n")
            parts.extend(f"{'':{help_position}}{line}\n" for line in lines[1:])
        elif not header.endswith("\n"):
            parts.append("\n")
        parts.extend(self._format_action(sub) for sub in self._iter_indented_subactions(action))
        return self._join_parts(parts)

    def _split_lines(self, text: str, width: int) -> list[str]:
        lines: list[str] = []
        line, used = "", 0
        for piece in _PIECES.findall(" ".join(text.split())):
            size = cells(piece)
            if used + size > width and line.strip() and piece not in _NO_LINE_START and not piece.isspace():
                lines.append(line.rstrip())
                line, used = "", 0
            if not line and piece.isspace():
                continue
            line += piece
            used += size
        if line.strip():
            lines.append(line.rstrip())
        return lines or [""]


class DeskArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser that speaks Chinese; errors end with how to get help (exit code 2)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", DeskHelpFormatter)
        with chinese_argparse():  # the -h help text, group headings
            super().__init__(*args, **kwargs)

    add_subparsers = _in_chinese(argparse.ArgumentParser.add_subparsers)
    parse_args = _in_chinese(argparse.ArgumentParser.parse_args)  # type: ignore[assignment]
    parse_known_args = _in_chinese(argparse.ArgumentParser.parse_known_args)  # type: ignore[assignment]
    format_usage = _in_chinese(argparse.ArgumentParser.format_usage)
    format_help = _in_chinese(argparse.ArgumentParser.format_help)

    def error(self, message: str) -> NoReturn:
        """Usage, the message in Chinese and where the help is, on stderr; exit code 2."""
        with chinese_argparse():
            self.print_usage(sys.stderr)
            self.exit(2, f"{self.prog}：错误：{message}\n（“{self.prog} -h”显示说明）\n")

    def _get_value(self, action: argparse.Action, arg_string: str) -> Any:
        convert = action.type
        name = TYPE_NAMES.get(convert) if callable(convert) else None
        if name is None or not callable(convert):
            return super()._get_value(action, arg_string)
        try:
            return convert(arg_string)
        except (TypeError, ValueError):
            raise argparse.ArgumentError(action, f"“{arg_string}”不是{name}") from None

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        if action.choices is None or value in action.choices:
            return
        choices = [str(c) for c in action.choices]
        what = "子命令" if isinstance(action, argparse._SubParsersAction) else "这一项"
        message = f"没有{what}“{value}”（可选：{'、'.join(choices)}）"
        near = difflib.get_close_matches(str(value), choices, n=1, cutoff=0.5)
        if near:
            message += f"。您是不是要找 {near[0]}？"
        raise argparse.ArgumentError(None if what == "子命令" else action, message)
