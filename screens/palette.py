"""The command palette (Ctrl+P): the desk's own commands and a theme switch, in Chinese.

The desk's commands are the keys the footer shows on the current screen — bindings the
desk declares with an ``id`` (so staff can remap them) and ``show`` on. Textual's widget
bindings ("Scroll Up", "Move cursor left", ...) have no id and are left out, and so are
Textual's English system commands: :class:`DeskCommands` is the app's only provider and
offers 切换配色 itself, which opens :class:`DeskThemes`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Final

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.widgets.option_list import Option

THEME_COMMAND: Final = "切换配色"
"""The palette's name for the theme switch."""

NO_MATCHES: Final = "没有找到这个命令"


class DeskPalette(CommandPalette):
    """Textual's palette with Chinese words (placeholder, nothing found)."""

    def __init__(
        self, providers: list[type[Provider]] | None = None, placeholder: str = "输入命令名称，↑↓ 选择，Enter 执行"
    ) -> None:
        super().__init__(
            providers=providers, placeholder=placeholder, id="--command-palette" if providers is None else None
        )

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual's own says "No matches found"; same timing, in Chinese.
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(Align.center(Text(NO_MATCHES, style="not bold")), disabled=True, id=self._NO_MATCHES)
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)


class DeskCommands(Provider):
    """What the keys of the current screen do (the footer's keys), then 切换配色."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        found: list[tuple[str, str, Callable[[], object]]] = []
        seen: set[str] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if binding.id is None or not binding.show or not binding.description or not active.enabled:
                continue  # Textual's widget bindings carry no id; the desk's keys all do
            if binding.action in seen or binding.action in ("command_palette", "app.command_palette"):
                continue
            seen.add(binding.action)
            shown = self.app.get_key_display(binding)
            found.append(
                (binding.description, f"按键：{shown}", partial(self.app.run_action, binding.action, active.node))
            )
        found.append((THEME_COMMAND, "深色、浅色等配色方案", self.app.action_change_theme))
        return found

    async def discover(self) -> Hits:
        for label, help_text, run in self._commands():
            yield DiscoveryHit(label, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, help_text, run in self._commands():
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, matcher.highlight(label), run, text=label, help=help_text)


class DeskThemes(Provider):
    """Every theme the app knows, dark or light said in Chinese; Enter switches to it."""

    def _themes(self) -> list[tuple[str, str, Callable[[], object]]]:
        def use(name: str) -> None:
            self.app.theme = name

        found: list[tuple[str, str, Callable[[], object]]] = []
        for name, theme in sorted(self.app.available_themes.items()):
            help_text = ("深色" if theme.dark else "浅色") + ("（正在使用）" if name == self.app.theme else "")
            found.append((name, help_text, partial(use, name)))
        return found

    async def discover(self) -> Hits:
        for name, help_text, run in self._themes():
            yield DiscoveryHit(name, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, run in self._themes():
            score = max(matcher.match(name), matcher.match(help_text))
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, text=name, help=help_text)
