"""A yes/no question answered with y or n (escape means no)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


class Confirm(ModalScreen[bool]):
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n", "answer(False)", "No", id="confirm.no"),
        Binding("escape", "answer(False)", "Go back", id="confirm.back"),
    ]
    DEFAULT_CSS = """
    Confirm { align: center middle; }
    Confirm > Vertical { width: 64; height: auto; border: round $warning; background: $surface;
                         padding: 1 2; }
    Confirm #keys { margin-top: 1; color: $text-muted; }
    """

    def __init__(self, question: str, yes: str, no: str = "go back"):
        super().__init__()
        self.question, self.yes, self.no = question, yes, no

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.question))
            yield Static(Text(f"y  {self.yes}\nn  {self.no}"), id="keys")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
