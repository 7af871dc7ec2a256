"""The Textual app (placeholder until the reader lands)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, OptionList


class ReadTUI(App):
    TITLE = "readtui"
    BINDINGS = [("ctrl+q", "quit", "Quit")]

    def __init__(self, workspace, *, model=None, annotator=""):
        super().__init__()
        self.workspace = workspace

    def compose(self) -> ComposeResult:
        yield Header()
        yield OptionList(*[r["title"] for r in self.workspace.rows()])
        yield Footer()


def make_app(workspace, *, model=None, annotator=""):
    return ReadTUI(workspace, model=model, annotator=annotator)
