"""Across the workspace: the quote ledger (every quote by speaker, aliases merged) and the
entity index (every entity text with its labels, those labelled more than one way first).

Both are read through the service (kept beside the workspace, so they open in well under
a second at 10,000 articles); a list on the left, what the highlighted row holds on the
right; enter goes to the quote or the occurrence in its article.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from ...service import NotSaved
from ...spans import sanitize
from ..widgets.keybar import KeyBar
from .compare import citation


def _line(text: str, width: int = 0) -> str:
    s = " ".join(sanitize(text).split())
    return s[:width - 1] + "…" if width and len(s) > width else s


def _row(t: Text) -> Option:
    return Option(t)


# The keys both screens share (the help lists them once).
SHARED_BINDINGS = [
    Binding("slash", "search", "Search", id="across.search", tooltip="search (enter keeps it, esc clears it)"),
    Binding("tab", "switch", "Switch", show=False, id="across.switch", tooltip="between the two lists"),
    Binding("j", "cursor(1)", "Down", show=False, id="across.down", tooltip="down / up the list (also ↓ ↑)"),
    Binding("k", "cursor(-1)", "Up", show=False, id="across.up", tooltip="down / up the list (also ↓ ↑)"),
    Binding("escape", "back", "Back", id="across.back", tooltip="clear the search, else back to the list"),
]


class _TwoLists(Screen):
    """A searchable list of groups (speakers, entity texts) and the rows of the highlighted one."""

    BINDINGS = SHARED_BINDINGS
    DEFAULT_CSS = """
    _TwoLists #search { margin: 0 1; }
    _TwoLists #counts { padding: 0 1; height: 1; color: $text-muted; }
    _TwoLists Horizontal { height: 1fr; }
    _TwoLists OptionList { text-wrap: nowrap; text-overflow: ellipsis; }  /* one line a row: the head says the rest */
    _TwoLists #groups { width: 40%; border: none; border-right: vkey $foreground 20%; }
    _TwoLists #head { padding: 0 1; height: auto; max-height: 4; }
    _TwoLists #rows { height: 1fr; border: none; }
    """
    placeholder = ""

    def __init__(self) -> None:
        super().__init__()
        self.query_text = ""
        self.shown: list = []  # the groups the search keeps, in order

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        yield Input(placeholder=self.placeholder, id="search")
        yield Static(id="counts")
        with Horizontal():
            yield OptionList(id="groups")
            with Vertical():
                yield Static(id="head")
                yield OptionList(id="rows")
        yield KeyBar()

    @property
    def groups(self) -> OptionList:
        return self.query_one("#groups", OptionList)

    @property
    def rows(self) -> OptionList:
        return self.query_one("#rows", OptionList)

    def on_mount(self) -> None:
        self.query_one("#search").display = False
        self.all: list = []
        self.query_one("#counts", Static).update(Text("Reading the workspace… (the first time, every article)",
                                                      style="italic"))
        self.groups.focus()
        self._load()

    @work(thread=True, exclusive=True, group="across", exit_on_error=False)
    def _load(self) -> None:
        """Off the UI thread: read back in a fraction of a second, but built from every
        article the first time (seconds at 10,000)."""
        try:
            found = self.load()
        except Exception as exc:  # a damaged article file: said, rather than "reading" for ever
            self.app.call_from_thread(self.app.notify, f"Cannot read the workspace ({type(exc).__name__}: {exc})",
                                      severity="error", timeout=15)
            return
        self.app.call_from_thread(self._loaded, found)

    def _loaded(self, found: list) -> None:
        if not self.is_mounted:  # closed while it read
            return
        self.all = found
        self.query_one("#counts", Static).update(Text(self.counts()))
        self.fill()

    # what a subclass says

    def load(self) -> list:
        raise NotImplementedError

    def counts(self) -> str:
        raise NotImplementedError

    def group_prompt(self, group) -> Text:
        raise NotImplementedError

    def matches(self, group, needle: str) -> bool:
        raise NotImplementedError

    def show_group(self, group) -> None:
        raise NotImplementedError

    # the lists

    def fill(self) -> None:
        needle = self.query_text.lower()
        self.shown = [g for g in self.all if not needle or self.matches(g, needle)]
        self.groups.clear_options()
        self.groups.add_options([_row(self.group_prompt(g)) for g in self.shown])
        if self.shown:
            self.groups.highlighted = 0
        self._group_changed()

    def group(self):
        i = self.groups.highlighted
        return self.shown[i] if i is not None and 0 <= i < len(self.shown) else None

    @on(OptionList.OptionHighlighted, "#groups")
    def _group_changed(self) -> None:
        g = self.group()
        self.rows.clear_options()
        if g is None:
            self.query_one("#head", Static).update(Text("Nothing matches; esc clears the search.", style="italic"))
            return
        self.show_group(g)
        if self.rows.option_count:
            self.rows.highlighted = 0

    @on(OptionList.OptionSelected, "#groups")
    def _group_chosen(self) -> None:
        self.rows.focus()

    @on(OptionList.OptionSelected, "#rows")
    def _row_chosen(self, event: OptionList.OptionSelected) -> None:
        self.open_row(event.option_index)

    def open_row(self, i: int) -> None:
        raise NotImplementedError

    def action_open(self) -> None:
        """enter: from a group to its rows; from a row to its article."""
        if self.groups.has_focus:
            self.rows.focus()
        elif self.rows.highlighted is not None:
            self.open_row(self.rows.highlighted)

    # keys

    def action_search(self) -> None:
        box = self.query_one("#search", Input)
        box.display = True
        box.focus()

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value.strip()
        self.fill()

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        if not self.query_text:
            self.query_one("#search").display = False
        self.groups.focus()

    def action_switch(self) -> None:
        (self.rows if self.groups.has_focus else self.groups).focus()

    def action_cursor(self, step: int) -> None:
        target = self.rows if self.rows.has_focus else self.groups
        (target.action_cursor_down if step > 0 else target.action_cursor_up)()

    def action_back(self) -> None:
        box = self.query_one("#search", Input)
        if box.display or self.query_text:
            box.value = ""
            box.display = False
            self.groups.focus()
            return
        self.app.pop_screen()


class QuoteLedgerScreen(_TwoLists):
    """Every quote by speaker: counts, articles, dates and sources; enter opens the quote."""

    BINDINGS = [
        Binding("c", "copy", "Copy", id="ledger.copy", tooltip="copy the highlighted quote with its citation"),
        Binding("e", "export", "Export", id="ledger.export",
                tooltip="export the ledger as CSV and JSONL beside the workspace"),
        Binding("enter", "open", "Open", show=False, id="ledger.open",
                tooltip="on a speaker: to their quotes; on a quote: open it in its article"),
    ]
    placeholder = "search speakers, aliases and quote words (enter keeps it, esc clears it)"

    def load(self) -> list:
        speakers = self.app.session.quote_ledger()
        # What the search looks in, lower-cased once.
        self._hay = {id(s): " ".join([s.speaker, *s.aliases]).lower() for s in speakers}
        return speakers

    def counts(self) -> str:
        quotes = sum(len(s.quotes) for s in self.all)
        return f"{quotes:,} quotes by {sum(1 for s in self.all if s.speaker):,} speakers"

    def group_prompt(self, s) -> Text:
        t = Text(_line(s.speaker, 30) or "(no speaker)", style="" if s.speaker else "italic")
        t.append(f"  {len(s.quotes)}", style="bold")
        return t

    def matches(self, s, needle: str) -> bool:
        return needle in self._hay[id(s)] or any(needle in q.text.lower() for q in s.quotes)

    def quotes(self, s) -> list:
        """The speaker's quotes the search keeps: all when it names the speaker."""
        needle = self.query_text.lower()
        if not needle or needle in self._hay[id(s)]:
            return list(s.quotes)
        return [q for q in s.quotes if needle in q.text.lower()]

    def show_group(self, s) -> None:
        head = Text(_line(s.speaker) or "(no speaker)", style="bold")
        if s.aliases:
            head.append(f"  also: {_line(', '.join(s.aliases))}", style="italic")
        sources = sorted({q.source for q in s.quotes if q.source})
        dates = sorted(q.published[:10] for q in s.quotes if q.published)
        head.append(f"\n{len(s.quotes)} quotes in {s.articles} articles", style="dim")
        if dates:
            head.append(f" · {dates[0]}{f' – {dates[-1]}' if dates[-1] != dates[0] else ''}", style="dim")
        if sources:
            head.append(f" · {_line(', '.join(sources), 60)}", style="dim")
        self.query_one("#head", Static).update(head)
        self._quotes = self.quotes(s)
        options = []
        for q in self._quotes:
            t = Text(f"{q.published[:10] or '—':<10} {_line(q.source, 14):<14} ", style="dim")
            t.append(_line(q.text, 300))
            options.append(_row(t))
        self.rows.add_options(options)

    def _quote(self):
        i = self.rows.highlighted
        quotes = getattr(self, "_quotes", [])
        return quotes[i] if i is not None and 0 <= i < len(quotes) else None

    def open_row(self, i: int) -> None:
        q = self._quotes[i]
        self.app.open_article(q.article, at=(q.start, q.end, "quote"))

    def action_copy(self) -> None:
        q, s = self._quote(), self.group()
        if q is None:
            return
        body = _line(q.text).strip("\"“”'‘’ ")
        who = f" — {s.speaker}" if s is not None and s.speaker else ""
        summary = self.app.session.summary(q.article)
        self.app.copy_text(f"“{body}”{who} — {citation(summary, (q.start, q.end))}")

    def action_export(self) -> None:
        if not self.all:
            return
        try:
            csv_path, jsonl_path = self.app.session.export_ledger(self.all)
        except NotSaved as exc:
            self.notify(f"Not exported: {exc}", severity="error", timeout=15)
            return
        self.notify(f"Exported {sum(len(s.quotes) for s in self.all):,} quotes to {csv_path} and {jsonl_path}",
                    severity="warning", timeout=8)  # a warning: said whole, not cut to half the width


class EntityIndexScreen(_TwoLists):
    """Every entity text with its labels; those labelled more than one way first (flagged)."""

    BINDINGS = [
        Binding("enter", "open", "Open", show=False, id="index.open",
                tooltip="on a text: to its occurrences; on an occurrence: open it in its article"),
        Binding("n", "occurrence(1)", "Next place", id="index.next",
                tooltip="open the next occurrence of the highlighted text in its article"),
        Binding("p", "occurrence(-1)", "Prev place", show=False, id="index.previous",
                tooltip="open the previous occurrence of the highlighted text"),
    ]
    placeholder = "search entity texts and labels (enter keeps it, esc clears it)"

    def load(self) -> list:
        return self.app.session.entity_index()

    def counts(self) -> str:
        mixed = sum(1 for e in self.all if e.mixed)
        return f"{len(self.all):,} entity texts · {mixed:,} labelled more than one way (! first)"

    def group_prompt(self, e) -> Text:
        t = Text("! " if e.mixed else "  ", style="bold")
        t.append(_line(e.text, 28))
        t.append(f"  {' '.join(f'{label}:{n}' for label, n in e.labels.items())}", style="dim")
        return t

    def matches(self, e, needle: str) -> bool:
        return needle in e.text.lower() or any(needle in label.lower() for label in e.labels)

    def show_group(self, e) -> None:
        head = Text(_line(e.text), style="bold")
        head.append(f"  {'labelled more than one way · ' if e.mixed else ''}"
                    f"{', '.join(f'{label} {n}' for label, n in e.labels.items())}"
                    f" · {e.count} in {e.articles} articles", style="dim")
        self.query_one("#head", Static).update(head)
        self._occurrences = e.occurrences
        session = self.app.session
        options = []
        for aid, start, end, label in self._occurrences:
            t = Text(f"{label:<10} ", style="bold")
            t.append(f"{start:>6}–{end:<6} ", style="dim")
            t.append(_line(session.summary(aid).title or aid, 60))
            options.append(_row(t))
        self.rows.add_options(options)

    def open_row(self, i: int) -> None:
        aid, start, end, _ = self._occurrences[i]
        self.app.open_article(aid, at=(start, end, "entity"))

    def action_occurrence(self, step: int) -> None:
        """Open the next (previous) occurrence: each press, the one after the last opened."""
        n = self.rows.option_count
        if not n:
            return
        at = getattr(self, "_opened", None)
        i = self.rows.highlighted or 0 if at is None else (at + step) % n
        self.rows.highlighted = i
        self._opened = i
        self.open_row(i)

    @on(OptionList.OptionHighlighted, "#groups")
    def _new_text(self) -> None:
        self._opened = None
