"""Small modal pickers: a label from the full set, a quote's speaker."""

from __future__ import annotations

from typing import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from ...model import Annotation, Speaker
from ...spans import one_line, sanitize
from ...speakers import named_speaker, same_speaker


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
CURRENT = "\x00current"
MORE = "\x00more"
TYPE_NAME = "\x00type"
SELECTION = "\x00selection"


class SpeakerPicker(_Picker):
    """Who said the quote: opens on its speaker, else the most likely one; people and
    organisations outside the quote (other labels on request), the ``v`` selection as a
    new mention, a typed name, or no speaker.

    Dismisses with ``("speaker", Speaker | None)``, or None when cancelled.
    """

    prompt = "Who said it? (enter to choose, esc to cancel)"

    def __init__(self, people: Sequence[tuple[Annotation, Speaker]],
                 everyone: Sequence[tuple[Annotation, Speaker]] = (), *,
                 current: Speaker | None = None, selection: Speaker | None = None):
        super().__init__()
        self.people = list(people)
        self.everyone = list(everyone)
        self.current = current
        self.selected = selection
        self.mentions = self.people
        self.speakers: dict[str, Speaker] = {}

    def options(self) -> list[Option]:
        self.speakers = {}
        out = []
        cur = self.current
        matched = any(same_speaker(a, cur) for a, _ in self.mentions)
        if cur is not None and not matched:
            out.append(self._option(CURRENT, cur.text or cur.name, "", cur.name, cur, current=True))
        for a, sp in self.mentions:
            out.append(self._option(a.id, a.text, a.label, sp.name, sp, current=same_speaker(a, cur)))
        if len(self.everyone) > len(self.mentions):
            out.append(Option(Text("other labels…", style="italic"), id=MORE))
        if self.selected is not None:
            t = Text("use the selection: ", style="italic")
            t.append(sanitize(" ".join(self.selected.text.split())), style="bold")
            out.append(Option(t, id=SELECTION))
        out.append(Option(Text("type a name…", style="italic"), id=TYPE_NAME))
        out.append(Option(Text("no speaker", style="italic"), id=NO_SPEAKER))
        return out

    def _option(self, key: str, text: str, label: str, name: str, speaker: Speaker, *,
                current: bool = False) -> Option:
        self.speakers[key] = speaker
        t = Text(sanitize(text), style="bold")
        if label:
            t.append(f"  {one_line(label)}", style="dim")
        if name and name != text:
            t.append(f"  → {sanitize(name)}", style="italic")
        if current:
            t.append("  (current)", style="dim")
        return Option(t, id=key)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.prompt)
            yield OptionList(*self.options())
            yield Input(placeholder="the speaker's name, then enter", id="name")

    def on_mount(self) -> None:
        name = self.query_one("#name", Input)
        name.display = False
        options = self.query_one(OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        first = next((i for i in ids if i in self.speakers), None)  # current, else the most likely
        mark = next((k for k, a in ((a.id, a) for a, _ in self.mentions) if same_speaker(a, self.current)),
                    CURRENT if self.current is not None else first)
        if self.current is None and first is None:
            mark = NO_SPEAKER
        options.highlighted = ids.index(mark) if mark in ids else 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        key = event.option.id
        if key == NO_SPEAKER:
            self.dismiss(("speaker", None))
        elif key == MORE:
            self.mentions = self.everyone
            options = self.query_one(OptionList)
            options.clear_options()
            options.add_options(self.options())
            options.highlighted = 0
        elif key == SELECTION:
            self.dismiss(("speaker", self.selected))
        elif key == TYPE_NAME:
            name = self.query_one("#name", Input)
            name.display = True
            name.focus()
        else:
            self.dismiss(("speaker", self.speakers[key]))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        speaker = named_speaker(event.value)
        if speaker is not None:
            self.dismiss(("speaker", speaker))
