"""Every key, generated from the screens' bindings so the help cannot drift."""

from __future__ import annotations

from typing import Iterable, Sequence

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

Section = tuple[str, Sequence[BindingType]]


def _bindings(items: Iterable[BindingType]) -> list[Binding]:
    out: list[Binding] = []
    for item in items:
        if isinstance(item, Binding):
            out.append(item)
        else:
            out.extend(Binding.make_bindings([item]))
    return out


def help_rows(app, bindings: Iterable[BindingType]) -> list[tuple[str, str]]:
    """(keys, what they do) per binding; bindings with the same help text share a row."""
    rows: list[tuple[list[str], str]] = []
    for b in _bindings(bindings):
        what = b.tooltip or b.description or b.action
        keys = [app.get_key_display(Binding(k.strip(), b.action)) for k in b.key.split(",")]
        if rows and rows[-1][1] == what:
            rows[-1][0].extend(keys)
        else:
            rows.append((keys, what))
    out = []
    for keys, what in rows:
        if len(keys) > 3 and all(k.isdigit() for k in keys):
            shown = f"{keys[0]}–{keys[-1]}"
        else:
            shown = " ".join(keys)
        out.append((shown, what))
    return out


def help_table(app, title: str, bindings: Iterable[BindingType]) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold", box=None,
                  show_header=False, padding=(0, 1), expand=True)
    table.add_column("keys", style="bold", no_wrap=True, min_width=7)
    table.add_column("what", ratio=1)
    for keys, what in help_rows(app, bindings):
        table.add_row(Text(keys), Text(what))
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "close", "Close help", id="help.close"),
                Binding("j", "scroll(1)", "Down", show=False, id="help.down"),
                Binding("k", "scroll(-1)", "Up", show=False, id="help.up")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 116; max-width: 100%; height: 34; max-height: 100%;
                                  border: round $accent; background: $surface; padding: 0 1; }
    HelpScreen Horizontal { height: auto; }
    HelpScreen .column { width: 1fr; height: auto; }
    HelpScreen #help-title { text-style: bold; margin-bottom: 1; }
    """

    def __init__(self, left: Sequence[Section], right: Sequence[Section], *, settings: str = ""):
        super().__init__()
        self.left, self.right = left, right
        self.settings = settings

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text("readtui keys  (esc or ? closes)"), id="help-title")
            if self.settings:
                yield Static(Text(f"Settings (key remaps by binding id, theme, palette): {self.settings}",
                                  style="dim"))
            with Horizontal():
                for sections in (self.left, self.right):
                    with Vertical(classes="column"):  # the whole help scrolls, as one
                        for title, bindings in sections:
                            yield Static(help_table(self.app, title, bindings))
                            yield Static("")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()  # arrows, pgup/pgdn, home/end scroll it

    def action_scroll(self, step: int) -> None:
        box = self.query_one(VerticalScroll)
        box.scroll_relative(y=step, animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
