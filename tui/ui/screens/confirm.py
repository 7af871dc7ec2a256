"""Questions: yes/no (y or n, escape means no), and what to do with the suggestions
still pending when an article is marked done."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


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


class PendingOnDone(ModalScreen[str | None]):
    """``d`` with suggestions still pending: accept the rest, reject the rest, or go back.
    Dismisses with "accept", "reject" or None."""

    BINDINGS = [
        Binding("a", "answer('accept')", "Accept the rest", id="done.accept"),
        Binding("r", "answer('reject')", "Reject the rest", id="done.reject"),
        Binding("escape", "answer(None)", "Cancel", id="done.cancel"),
        Binding("c", "answer(None)", "Cancel", show=False, id="done.cancel_c"),
        Binding("y", "answer('accept')", "Accept the rest", show=False, id="done.yes"),  # as before
        Binding("n", "answer(None)", "Cancel", show=False, id="done.no"),
    ]
    DEFAULT_CSS = """
    PendingOnDone { align: center middle; }
    PendingOnDone > Vertical { width: 64; max-width: 100%; height: auto; border: round $warning;
                               background: $surface; padding: 1 2; }
    PendingOnDone #keys { margin-top: 1; color: $text-muted; }
    """

    def __init__(self, pending: int):
        super().__init__()
        self.pending = pending

    def compose(self) -> ComposeResult:
        n = self.pending
        with Vertical():
            yield Static(Text(f"{n} suggestion{'s are' if n != 1 else ' is'} still pending in this article."))
            yield Static(Text("a    accept the rest and mark the article done\n"
                              "r    reject the rest and mark the article done\n"
                              "esc  cancel, keep reviewing"), id="keys")

    def action_answer(self, what: str | None) -> None:
        self.dismiss(what)


class NoteEditor(ModalScreen[str | None]):
    """The analyst's note on the article: one line of free text (enter saves, esc cancels)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="note.cancel")]
    DEFAULT_CSS = """
    NoteEditor { align: center middle; }
    NoteEditor > Vertical { width: 72; max-width: 100%; height: auto; border: round $accent;
                            background: $surface; padding: 0 1; }
    """

    def __init__(self, note: str):
        super().__init__()
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("Note on this article (enter saves, esc cancels; empty removes it)"))
            yield Input(self.note, id="note")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
