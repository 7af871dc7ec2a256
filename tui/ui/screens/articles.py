"""The articles list: title, source, date, review state and progress; `/` filters."""

from __future__ import annotations

import time
from dataclasses import replace

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header, Input, Static
from textual.worker import get_current_worker

from ...change import ArticleSummary
from ...listing import SORT_CYCLE, STATE_CYCLE, Query, arrange, haystack
from ..messages import AnnotationsChanged, StoriesFound
from ...spans import sanitize
from ..widgets.article_list import ArticleList, Column
from ..widgets.keybar import KeyBar

STATE_TEXT = {"new": ("new", "dim"), "in_progress": ("in progress", "yellow"), "done": ("done", "green"),
              "skipped": ("skipped", "dim"), "flagged": ("flagged", "magenta")}
COLUMNS = [Column("Title", 60), Column("Source", 12), Column("Published", 10), Column("State", 11),
           Column("Progress", 16)]


SUMMARIES_AT_ONCE = 20_000  # more articles than this: their summaries are read in a worker,
SUMMARIES_FIRST = 2_000  # these first, their matches shown while the rest are read
TEXTS_AT_ONCE = 500  # the filter's index reads this many texts, shows their matches, then lets the keys in


def _plain(text: str) -> str:
    return " ".join(sanitize(text).split())


class ArticlesScreen(Screen):
    BINDINGS = [
        Binding("enter", "open", "Open", id="articles.open", tooltip="open the highlighted article"),
        Binding("j", "cursor(1)", "Down", show=False, id="articles.down",
                tooltip="move down / up the list (also ↓ ↑)"),
        Binding("k", "cursor(-1)", "Up", show=False, id="articles.up",
                tooltip="move down / up the list (also ↓ ↑)"),
        Binding("slash", "filter", "Filter", id="articles.filter",
                tooltip="filter the list by title and text (enter keeps it, esc clears it)"),
        Binding("escape", "clear_filter", "Clear filter", id="articles.clear_filter",
                tooltip="clear the filter"),
        Binding("f", "state_filter", "State", id="articles.state",
                tooltip="show only one review state: new, in progress, done, skipped, flagged, all "
                        "(or state:done in /)"),
        Binding("o", "sort", "Sort", id="articles.sort",
                tooltip="sort by import order, date, source, title (natural order), progress"),
        Binding("t", "by_story", "Stories", show=False, id="articles.stories",
                tooltip="group the list by story (an article's versions together; ⧉ marks them)"),
        Binding("Q", "ledger", "Quotes", id="articles.ledger",
                tooltip="the quote ledger: every quote by speaker, with search, copy and export"),
        Binding("E", "entity_index", "Entities", id="articles.entities",
                tooltip="the entity index: every entity text with its labels, mixed labels first"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._summaries: list[ArticleSummary] | None = None  # for filters and sorts; None: read again
        self._summaries_asked = 0  # which reading of them is the current one
        self._first: list[ArticleSummary] = []  # the first ones of a large workspace, while the rest are read
        self._reading = False  # a worker reads them
        self._query = ""
        self._indexing = False
        self._index_shown = 0.0  # when a batch of the index last drew the list (now and then, not each)
        self._state: str | None = None  # the f key's state filter
        self._sort = "import"
        self._by_story = False

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        yield Input(placeholder="filter by title and text", id="filter")
        yield Static(id="nothing")
        yield ArticleList(COLUMNS, self._cells, id="articles")
        yield KeyBar()

    @property
    def article_list(self) -> ArticleList:
        return self.query_one("#articles", ArticleList)

    def on_mount(self) -> None:
        self.query_one("#filter").display = False
        self.query_one("#nothing").display = False
        self.reload()
        self.article_list.focus()
        # rows waiting for the model say "no model" once it fails to load
        self.watch(self.app, "model_state", lambda _: self.refresh_rows(), init=False)

    def on_screen_resume(self) -> None:
        self._forget_summaries()  # the reader may have changed some
        self.refresh_rows()

    def _status(self, a: ArticleSummary) -> tuple[tuple[str, str], tuple[str, str]]:
        """The state and progress cells."""
        label, style = STATE_TEXT.get(a.state, ("?", ""))
        if a.suggested or a.annotations:
            return (label, style), (f"{a.reviewed}/{a.annotations} reviewed", "")
        failed = self.app.model_state == "failed"
        return (label, style), (("no model", "red") if failed else ("awaiting model", "dim"))

    def _cells(self, article_id: str) -> list[tuple[str, str]]:
        """What the list shows for an article: asked only when its row is drawn."""
        a = self.app.session.summary(article_id)
        others = self.app.versions.count(article_id)
        title = _plain(a.title or "(untitled)")
        return [(f"⧉{others + 1} {title}" if others else title, ""), (_plain(a.source), "dim"),
                (_plain(a.published[:10]), ""), *self._status(a)]

    @on(AnnotationsChanged)
    def _changed(self, message: AnnotationsChanged) -> None:
        self._forget_summaries()
        self.refresh_rows()

    def _forget_summaries(self) -> None:
        self._summaries = None
        self._first = []
        self._summaries_asked += 1

    def _have_summaries(self) -> bool:
        """Whether every article's summary is here for a filter or a sort. A large workspace's
        are read in a worker (100,000 take a second or two: bench/scale.py --workspaces), the
        list meanwhile as it was, filtered when they come; a small one's at once."""
        if self._summaries is not None:
            return True
        if len(self.app.session.article_ids()) <= SUMMARIES_AT_ONCE:
            self._summaries = list(self.app.session.summaries())
            return True
        if not self._reading:
            self._reading = True
            self._read_summaries(self._summaries_asked)
        return False

    @work(thread=True, exclusive=True, group="list-summaries")
    def _read_summaries(self, asked: int) -> None:
        """The first few thousand first, their matches shown at once, then the rest."""
        session = self.app.session
        ids = session.article_ids()
        first = [session.summary(aid) for aid in ids[:SUMMARIES_FIRST]]
        self.app.call_from_thread(self._first_read, asked, first)
        summaries = first + [session.summary(aid) for aid in ids[SUMMARIES_FIRST:]]
        self.app.call_from_thread(self._summaries_read, asked, summaries)

    def _first_read(self, asked: int, first: list[ArticleSummary]) -> None:
        if asked == self._summaries_asked:
            self._first = first
            self.reload()

    def _summaries_read(self, asked: int, summaries: list[ArticleSummary]) -> None:
        self._reading = False
        self._first = []
        if asked == self._summaries_asked:
            self._summaries = summaries
        self.reload()  # filtered now (or, changed meanwhile, asked for again)
        if self.query_one("#filter").display:
            self._read_texts()  # not before: the title matches first, the two readers not fighting

    def refresh_rows(self) -> None:
        """Show what changed (coming back from the reader, suggestions arriving): the list
        asks for the cells of the rows on screen and draws again only those that differ."""
        self.article_list.refresh()
        self.app.refresh_progress()

    def reload(self) -> None:
        """Fill the list from the store's summary rows, keeping the highlighted article."""
        query = Query.parse(self._query)
        if self._state:
            query = replace(query, states=query.states | {self._state})
        if query.words or query.states or self._sort != "import":
            if self._have_summaries():
                shown = [a.id for a in arrange(self._summaries, self._sort) if query.matches(a, self._haystack(a))]
            else:  # the first ones' matches, if any, in import order ("no matches" waits for the rest)
                shown = [a.id for a in self._first if query.matches(a, self._haystack(a))]
                if not shown or self._sort != "import":
                    return
        else:  # everything in import order: no summary built for the rows off screen (100,000 articles)
            shown = self.app.session.article_ids()
        if self._by_story:
            shown = self._grouped(shown)
        self.article_list.set_rows(shown, keep=self.article_list.highlighted)
        self._say_nothing(query, not shown)
        self.app.refresh_progress()

    def _say_nothing(self, query: Query, empty: bool) -> None:
        """ "No matches", said, rather than an empty list that looks broken."""
        nothing = self.query_one("#nothing", Static)
        nothing.display = empty
        if empty:
            what = " ".join([*query.words, *(f"state:{s}" for s in sorted(query.states))])
            hint = f" (no state {', '.join(query.unknown)})" if query.unknown else ""
            nothing.update(Text(f"No articles match {what}{hint}. esc clears the filter.", style="italic"))

    def _haystack(self, a: ArticleSummary) -> str:
        """What the filter searches: title and source, and the text once the index has it."""
        hay = self.app.session.haystack(a.id)
        return hay if hay is not None else haystack(a)

    def action_state_filter(self) -> None:
        self._state = STATE_CYCLE[(STATE_CYCLE.index(self._state) + 1) % len(STATE_CYCLE)]
        self.reload()
        self.notify(f"Showing {STATE_TEXT[self._state][0] if self._state else 'every state'}.", timeout=2)

    def _grouped(self, shown: list[str]) -> list[str]:
        """Each story's versions together, where its first version stands; the others after."""
        versions = self.app.versions
        place = {aid: i for i, aid in enumerate(shown)}
        def key(aid: str) -> tuple[int, int, int]:
            members = [m for m in versions.members(aid) if m in place]
            return (0 if len(members) > 1 else 1, min(place[m] for m in members), place[aid])
        return sorted(shown, key=key)

    def action_by_story(self) -> None:
        if not self._by_story and not self.app.want_stories():
            return
        self._by_story = not self._by_story
        self.reload()
        stories = len({frozenset((aid, *v)) for aid, v in self.app.versions.items()})
        self.notify(f"Grouped by story ({stories} with more than one version)." if self._by_story
                    else "Not grouped by story.", timeout=2)

    @on(StoriesFound)
    def _stories_found(self) -> None:
        if self._by_story:
            self.reload()
        self.refresh_rows()

    def action_ledger(self) -> None:
        from .ledger import QuoteLedgerScreen

        self.app.push_screen(QuoteLedgerScreen())

    def action_entity_index(self) -> None:
        from .ledger import EntityIndexScreen

        self.app.push_screen(EntityIndexScreen())

    def action_sort(self) -> None:
        self._sort = SORT_CYCLE[(SORT_CYCLE.index(self._sort) + 1) % len(SORT_CYCLE)]
        self.reload()
        self.notify(f"Sorted by {'import order' if self._sort == 'import' else self._sort}.", timeout=2)

    @work(thread=True, exclusive=True, group="filter-index")
    def _index_texts(self, ids: list[str]) -> None:
        """Read every article's text for the filter, off the UI thread and a few hundred at a
        time: 100,000 take many seconds, and the list filters by title meanwhile, each batch's
        text matches added as it is read. The pause between batches gives the UI thread the
        interpreter, so a key waits for one batch, not for the whole index."""
        session, worker = self.app.session, get_current_worker()
        for start in range(0, len(ids), TEXTS_AT_ONCE):
            if worker.is_cancelled:
                return
            session.index_texts(ids[start:start + TEXTS_AT_ONCE])
            self.app.call_from_thread(self._indexed, start + TEXTS_AT_ONCE >= len(ids))
            time.sleep(0.01)

    def _indexed(self, finished: bool) -> None:
        """A batch read: the first one's matches shown at once, then the list drawn again at
        most twice a second (a reload filters every summary) and when the index is complete."""
        self._indexing = not finished
        if self._query and (finished or time.monotonic() - self._index_shown >= 0.5):
            self._index_shown = time.monotonic()
            self.reload()

    def highlighted_id(self) -> str | None:
        return self.article_list.highlighted

    def action_open(self) -> None:
        aid = self.highlighted_id()
        if aid is not None:
            self.app.open_article(aid)

    @on(ArticleList.Selected)
    def _selected(self, event: ArticleList.Selected) -> None:
        event.stop()
        self.app.open_article(event.row_id)

    def action_cursor(self, step: int) -> None:
        self.article_list.action_move(step)

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        box.focus()
        if self._have_summaries():  # else read while the analyst types, the texts after them
            self._read_texts()

    def _read_texts(self) -> None:
        """Start the filter's index of the texts not read yet (once at a time)."""
        missing = [aid for aid in self.app.session.article_ids() if self.app.session.haystack(aid) is None]
        if missing and not self._indexing:
            self._indexing = True
            self._index_texts(missing)

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.value = ""
        box.display = False
        self._query = ""
        self._state = None
        self.reload()
        self.article_list.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_filter":
            return bool(self._query or self._state) or self.query_one("#filter").display
        return True

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._query = event.value.strip()
        self.reload()
        self.refresh_bindings()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        if not self._query:
            event.control.display = False
        self.article_list.focus()
