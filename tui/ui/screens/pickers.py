"""Small modal pickers: a label from the full set, a quote's speaker."""

from __future__ import annotations

from typing import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from ...model import Annotation, Speaker
from ...spans import one_line, sanitize


class _Picker(ModalScreen):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="picker.cancel"),
                Binding("j", "down", "Down", show=False, id="picker.down"),
                Binding("k", "up", "Up", show=False, id="picker.up")]
    DEFAULT_CSS = """
    _Picker { align: center middle; }
    _Picker > Vertical { width: 60; height: auto; max-height: 80%; border: round $accent;
                         background: $surface; padding: 0 1; }
    _Picker OptionList { height: auto; max-height: 24; border: none; }
    """
    prompt = ""

    def options(self) -> list[Option]:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.prompt)
            yield OptionList(*self.options())

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()


class LabelPicker(_Picker):
    """Any label of the workspace (for label sets larger than nine)."""

    prompt = "Label for the current annotation (enter to choose, esc to cancel)"

    def __init__(self, labels: Sequence[str], current: str = ""):
        super().__init__()
        self.labels = list(labels)
        self.current = current

    def options(self) -> list[Option]:
        return [Option(Text(f"{i + 1 if i < 9 else ' '}  {one_line(label)}"), id=label)
                for i, label in enumerate(self.labels)]

    def on_mount(self) -> None:
        if self.current in self.labels:
            self.query_one(OptionList).highlighted = self.labels.index(self.current)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


NO_SPEAKER = "\x00none"


class SpeakerPicker(_Picker):
    """The article's people and organisations, nearest to the quote first, and "no speaker".

    Dismisses with ``("speaker", Speaker | None)``, or None when cancelled.
    """

    prompt = "Who said it? (nearest first; enter to choose, esc to cancel)"

    def __init__(self, candidates: Sequence[tuple[Annotation, Speaker]]):
        super().__init__()
        self.candidates = {a.id: sp for a, sp in candidates}
        self.mentions = list(candidates)

    def options(self) -> list[Option]:
        out = []
        for a, sp in self.mentions:
            t = Text(sanitize(a.text), style="bold")
            t.append(f"  {one_line(a.label)}", style="dim")
            if sp.name and sp.name != a.text:
                t.append(f"  → {sanitize(sp.name)}", style="italic")
            out.append(Option(t, id=a.id))
        out.append(Option(Text("no speaker", style="italic"), id=NO_SPEAKER))
        return out

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == NO_SPEAKER:
            self.dismiss(("speaker", None))
        else:
            self.dismiss(("speaker", self.candidates[event.option.id]))
