"""Two versions of a story side by side: the quotes aligned (same, altered with the words
that changed, only in one, speaker changed), the sentences and the entities only one holds.

The comparison itself is ``tui.stories.compare`` (asked through the service); this screen
lists its differences, shows the highlighted one in both versions and copies it with both
citations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from ...change import ArticleSummary
from ...spans import sanitize
from ...stories.compare import Comparison, speaker_name
from ..widgets.keybar import KeyBar
from .pickers import _Picker

STATUS = {"same": "same", "altered": "altered", "only_a": "only in A", "only_b": "only in B"}


def _line(text: str) -> str:
    return " ".join(sanitize(text).split())


@dataclass(frozen=True)
class Difference:
    """One row of the comparison: a quote pair, or a sentence or entity only in one version.
    ``a``/``b``: (start, end, text) in each article, or None."""

    kind: str  # "quote", "sentence", "entity"
    status: str  # what the row says: "same", "altered (trimmed)", "removed", "only in B" …
    a: tuple[int, int, str] | None
    b: tuple[int, int, str] | None
    speaker: str = ""
    changed: bool = True  # a difference (n/p stop here); a quote kept word for word is not
    words_a: tuple[tuple[int, int, str], ...] = ()  # (start, end, kind) of the words that changed
    words_b: tuple[tuple[int, int, str], ...] = ()


def differences(comparison: Comparison) -> list[Difference]:
    """The rows, in the order the screen lists them: quotes, then sentences, then entities."""
    out: list[Difference] = []
    for q in comparison.quotes:
        status = STATUS[q.status] + (f" ({', '.join(q.change)})" if q.change else "")
        if q.speaker == "changed":
            status += ", speaker changed"
        names = [speaker_name(x) for x in (q.a, q.b) if x is not None]
        speaker = " → ".join(dict.fromkeys(n for n in names if n)) if q.speaker == "changed" \
            else next((n for n in names if n), "")
        out.append(Difference(
            "quote", status, (q.a.start, q.a.end, q.a.text) if q.a else None,
            (q.b.start, q.b.end, q.b.text) if q.b else None, speaker,
            changed=q.status != "same" or q.speaker == "changed",
            words_a=tuple((w.a[0], w.a[1], w.kind) for w in q.words if w.a[0] < w.a[1]),
            words_b=tuple((w.b[0], w.b[1], w.kind) for w in q.words if w.b[0] < w.b[1])))
    for s in comparison.sentences_only_a:
        out.append(Difference("sentence", "removed (only in A)", (s.start, s.end, s.text), None))
    for s in comparison.sentences_only_b:
        out.append(Difference("sentence", "added (only in B)", None, (s.start, s.end, s.text)))
    for e in comparison.entities_only_a:
        out.append(Difference("entity", f"{comparison.labels.get(e, '')} only in A", (e.start, e.end, e.text), None))
    for e in comparison.entities_only_b:
        out.append(Difference("entity", f"{comparison.labels.get(e, '')} only in B", None, (e.start, e.end, e.text)))
    return out


def _where(s: ArticleSummary) -> str:
    return ", ".join(x for x in (s.source, s.published[:10]) if x)


def citation(summary: ArticleSummary, span: tuple[int, int] | None = None) -> str:
    """Where a passage stands: "Title (IANS, 2026-01-28), article ID, characters 652–841"."""
    where = _where(summary)
    out = f"{_line(summary.title) or '(untitled)'}{f' ({where})' if where else ''}, article {summary.id}"
    return out + (f", characters {span[0]}–{span[1]}" if span else "")


def copied(d: Difference, a: ArticleSummary, b: ArticleSummary) -> str:
    """What ``c`` copies: the difference, each side's words and its citation."""
    head = f"{d.kind} {d.status}" + (f" — {d.speaker}" if d.speaker else "")
    lines = [head]
    for name, side, summary in (("A", d.a, a), ("B", d.b, b)):
        if side is None:
            lines.append(f"{name}: (not in this version) — {citation(summary)}")
        else:
            lines.append(f"{name}: {_line(side[2])} — {citation(summary, side[:2])}")
    return "\n".join(lines)


class DiffDetail(Static):
    """The highlighted difference in both versions, the changed words marked."""

    COMPONENT_CLASSES = {"diff--removed", "diff--added", "diff--changed", "diff--side"}
    DEFAULT_CSS = """
    DiffDetail { height: 10; border-top: solid $foreground 20%; padding: 0 1; overflow-y: auto; }
    DiffDetail > .diff--removed { color: $error; text-style: strike; }
    DiffDetail > .diff--added { color: $success; text-style: bold underline; }
    DiffDetail > .diff--changed { color: $warning; text-style: bold underline; }
    DiffDetail > .diff--side { text-style: bold; }
    """

    def show(self, d: Difference | None, a: ArticleSummary, b: ArticleSummary) -> None:
        if d is None:
            self.update("")
            return
        out = Text()
        for name, side, words, summary in (("A", d.a, d.words_a, a), ("B", d.b, d.words_b, b)):
            out.append(f"{name} ", style=self.get_component_rich_style("diff--side"))
            if side is None:
                out.append("not in this version\n", style="italic dim")
                continue
            start, end, text = side
            out.append(Text(citation(summary, (start, end)), style="dim"))
            out.append("\n")
            body = Text(sanitize(text))
            for s, e, kind in words:
                style = {"removed": "diff--removed", "added": "diff--added"}.get(kind, "diff--changed")
                body.stylize(self.get_component_rich_style(style), s - start, e - start)
            out.append(body)
            out.append("\n")
        self.update(out)


class CompareScreen(Screen):
    BINDINGS = [
        Binding("n", "jump(1)", "Next diff", id="compare.next",
                tooltip="the next difference (a quote kept word for word is passed over)"),
        Binding("p", "jump(-1)", "Prev diff", id="compare.previous", tooltip="the previous difference"),
        Binding("c", "copy", "Copy", id="compare.copy",
                tooltip="copy the highlighted difference with both citations"),
        Binding("enter", "open", "Open", id="compare.open",
                tooltip="open the highlighted passage in its article (A, else B)"),
        Binding("j", "cursor(1)", "Down", show=False, id="compare.down", tooltip="down / up the list (also ↓ ↑)"),
        Binding("k", "cursor(-1)", "Up", show=False, id="compare.up", tooltip="down / up the list (also ↓ ↑)"),
        Binding("escape", "back", "Back", id="compare.back", tooltip="back to the reader"),
    ]
    DEFAULT_CSS = """
    CompareScreen #versions { padding: 0 1; height: 2; text-wrap: nowrap; text-overflow: ellipsis; }
    CompareScreen #counts { padding: 0 1; height: 1; color: $text-muted; }
    CompareScreen #differences { height: 1fr; border: none; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, a: str, b: str):
        super().__init__()
        self.a_id, self.b_id = a, b
        self.rows: list[Difference] = []

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        yield Static(id="versions")
        yield Static(id="counts")
        yield OptionList(id="differences")
        yield DiffDetail(id="detail")
        yield KeyBar()

    @property
    def session(self):
        return self.app.session

    @property
    def options(self) -> OptionList:
        return self.query_one("#differences", OptionList)

    def on_mount(self) -> None:
        self.a, self.b = self.session.summary(self.a_id), self.session.summary(self.b_id)
        self.rows = differences(self.session.compare(self.a_id, self.b_id))
        versions = Text()
        for name, s in (("A", self.a), ("B", self.b)):
            versions.append(f"{name} ", style="bold")
            versions.append(f"{_where(s)}  ", style="dim")
            versions.append(f"{_line(s.title) or '(untitled)'}\n")
        versions.rstrip()
        self.query_one("#versions", Static).update(versions)
        self.query_one("#counts", Static).update(Text(self._counts()))
        self.options.add_options(self._options())
        self.options.focus()
        first = next((i for i, d in enumerate(self.rows) if d.changed), 0)
        if self.rows:
            self.options.highlighted = first
        self._show()

    def _counts(self) -> str:
        quotes = [d for d in self.rows if d.kind == "quote"]
        by = {s: sum(1 for d in quotes if d.status.startswith(s)) for s in ("same", "altered", "only in A", "only in B")}
        changed = sum(1 for d in quotes if "speaker changed" in d.status)
        sentences = [d for d in self.rows if d.kind == "sentence"]
        entities = [d for d in self.rows if d.kind == "entity"]
        return (f"{len(quotes)} quotes: " + ", ".join(f"{n} {s}" for s, n in by.items())
                + (f", {changed} speaker changed" if changed else "")
                + f" · sentences {sum(d.a is not None for d in sentences)} removed,"
                  f" {sum(d.b is not None for d in sentences)} added"
                + f" · entities {sum(d.a is not None for d in entities)} only in A,"
                  f" {sum(d.b is not None for d in entities)} only in B")

    def _options(self) -> list[Option]:
        out = []
        for i, d in enumerate(self.rows):
            t = Text(f"{d.kind:<8} ", style="dim")
            t.append(f"{d.status:<22} ", style="bold" if d.changed else "")
            if d.speaker:
                t.append(f"{_line(d.speaker)}: ", style="italic")
            t.append(_line((d.a or d.b)[2])[:300])  # type: ignore[index]  (one line: the detail shows it whole)
            out.append(Option(t, id=str(i)))
        return out

    def current(self) -> Difference | None:
        i = self.options.highlighted
        return self.rows[i] if i is not None and 0 <= i < len(self.rows) else None

    @on(OptionList.OptionHighlighted, "#differences")
    def _highlighted(self) -> None:
        self._show()

    @on(OptionList.OptionSelected, "#differences")
    def _selected(self) -> None:
        self.action_open()

    def _show(self) -> None:
        self.query_one(DiffDetail).show(self.current(), self.a, self.b)

    def action_jump(self, step: int) -> None:
        """To the next (previous) difference, wrapping round."""
        n = len(self.rows)
        at = self.options.highlighted if self.options.highlighted is not None else -step
        for k in range(1, n + 1):
            i = (at + step * k) % n
            if self.rows[i].changed:
                if (i - at) * step < 0:
                    self.notify("Back at the first difference." if step > 0 else "Back at the last difference.",
                                timeout=2)
                self.options.highlighted = i
                return
        self.notify("No differences between these versions.")

    def action_cursor(self, step: int) -> None:
        (self.options.action_cursor_down if step > 0 else self.options.action_cursor_up)()

    def action_copy(self) -> None:
        d = self.current()
        if d is not None:
            self.app.copy_text(copied(d, self.a, self.b))

    def action_open(self) -> None:
        d = self.current()
        if d is None:
            return
        aid, side = (self.a_id, d.a) if d.a is not None else (self.b_id, d.b)
        self.app.pop_screen()
        assert side is not None
        self.app.open_article(aid, at=(side[0], side[1], d.kind))

    def action_back(self) -> None:
        self.app.pop_screen()


class VersionPicker(_Picker):
    """Which other version to compare with, when the story has several."""

    prompt = "Compare with which version? (enter to choose, esc to cancel)"

    def __init__(self, versions: Sequence[ArticleSummary]):
        super().__init__()
        self.versions = list(versions)

    def options(self) -> list[Option]:
        return [Option(Text(f"{_line(s.title) or '(untitled)'}  {_where(s)}"), id=s.id) for s in self.versions]

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
