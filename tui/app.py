"""The Textual app: wires the workspace, the review session and the suggester into screens."""

from __future__ import annotations

import gc
from dataclasses import dataclass, field

import pyperclip
from textual import work
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.worker import get_current_worker

from .model import Annotation
from .review import Review
from .screens.articles import ArticlesScreen
from .screens.help import HelpScreen
from .screens.reader import ReaderScreen
from .spans import encodable, sanitize

LOADING = "loading model"


@dataclass
class ModelReady(Message):
    suggester: object


@dataclass
class ModelFailed(Message):
    error: str


@dataclass
class Suggested(Message):
    article_id: str
    annotations: list[Annotation] = field(default_factory=list)


@dataclass
class SuggestionsDone(Message):
    pass


def settle_heap() -> None:
    """Put what is alive now (the workspace index, a loaded spaCy model) out of the cyclic
    collector's reach. A full collection walks every object: over a loaded model it takes
    ~100 ms, a stall on whichever key press sets it off. Reference counting still frees them."""
    gc.freeze()


class ReadTUI(App):
    CSS_PATH = "app.tcss"
    TITLE = "readtui"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("question_mark", "help", "Help", id="app.help", tooltip="show every key"),
        Binding("u", "undo", "Undo", show=False, id="app.undo", tooltip="undo (within the session, across articles)"),
        Binding("ctrl+r", "redo", "Redo", show=False, id="app.redo", tooltip="redo"),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True,
                tooltip="quit (everything is already saved)"),
    ]

    def __init__(self, workspace, *, model: str | None = None, annotator: str = "", suggester=None):
        super().__init__()
        self.workspace = workspace
        self.annotator = annotator
        self.model_name = model
        self.suggester = suggester
        self.review = Review(workspace, annotator)
        self.model_status = ""  # "", LOADING, or why there are no suggestions
        self._told_osc52 = False
        self.title = f"readtui · {workspace.name} · {annotator or 'anonymous'}"

    # -- start ------------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.push_screen(ArticlesScreen())
        settle_heap()
        waiting = [r["id"] for r in self.workspace.rows() if not r.get("suggested", True)]
        if waiting:
            self.model_status = LOADING
            self.suggest(waiting)
        self.refresh_progress()

    def refresh_progress(self) -> None:
        """The header's progress line. The reader keeps it still: it shows the article's
        own progress in its side panel, and a changed header re-lays out the whole
        screen, which would cost more than the key press itself."""
        if isinstance(self.screen, ReaderScreen):
            parts = [self.model_status or "reading"]
        else:
            s = self.workspace.stats()
            parts = [f"articles {s['by_state'].get('done', 0)}/{s['articles']} done",
                     f"annotations {s['reviewed']}/{s['annotations']} reviewed"]
            if self.model_status:
                parts.append(self.model_status)
        sub = " · ".join(parts)
        if sub != self.sub_title:
            self.sub_title = sub

    # -- suggestions in a worker --------------------------------------------------------------

    @work(thread=True, exclusive=True, group="nlp", exit_on_error=False)
    def suggest(self, article_ids: list[str]) -> None:
        worker = get_current_worker()
        suggester = self.suggester
        if suggester is None:
            from .suggest import ModelMissing, Suggester

            try:
                suggester = Suggester(labels=self.workspace.labels, model=self.model_name)
            except ModelMissing as exc:
                self.post_message(ModelFailed(str(exc)))
                return
            except Exception as exc:  # a broken pipeline must not take the reader down
                self.post_message(ModelFailed(f"the model failed to load ({type(exc).__name__}: {exc})"))
                return
            self.post_message(ModelReady(suggester))
        for aid in article_ids:
            if worker.is_cancelled:
                return
            article = self.call_from_thread(self.workspace.article, aid)
            try:
                found = suggester.for_article(article)
            except Exception as exc:
                from .suggest import FIX

                self.post_message(ModelFailed(f"suggesting failed ({type(exc).__name__}: {exc}). {FIX}"))
                return
            self.post_message(Suggested(aid, found))
        self.post_message(SuggestionsDone())

    def on_model_ready(self, message: ModelReady) -> None:
        self.suggester = message.suggester
        settle_heap()

    def on_model_failed(self, message: ModelFailed) -> None:
        self.model_status = "no suggestions (model missing)"
        self.refresh_progress()
        if isinstance(self.screen, ArticlesScreen):
            self.screen.refresh_rows()  # "awaiting model" no longer
        self.notify(f"{message.error}\nYou can still read and annotate by hand.",
                    title="No suggestions", severity="error", timeout=20)

    def on_suggested(self, message: Suggested) -> None:
        from .store import SaveFailed

        ws = self.workspace
        aid = message.article_id
        row = ws.row(aid)
        if row.get("suggested", True):
            return
        existing = [a for a in ws.annotations(aid) if a.status != "rejected"]
        fresh = [a for a in message.annotations
                 if not any(a.kind == b.kind and a.start < b.end and b.start < a.end for b in existing)]
        try:
            ws.save(fresh, article_id=aid, state=row.get("state", "new"), suggested=True)
        except SaveFailed as exc:
            self.notify(f"Suggestions not saved: {exc}", severity="error", timeout=15)
            return
        screen = self.screen
        if isinstance(screen, ReaderScreen) and screen.article_id == aid:
            screen.reload_annotations()
        elif isinstance(screen, ArticlesScreen):
            screen.refresh_rows()
        self.refresh_progress()

    def on_suggestions_done(self, message: SuggestionsDone) -> None:
        self.model_status = ""
        self.refresh_progress()

    # -- navigation -----------------------------------------------------------------------------

    def _reader(self) -> ReaderScreen | None:
        for screen in reversed(self.screen_stack):
            if isinstance(screen, ReaderScreen):
                return screen
        return None

    def open_article(self, article_id: str) -> None:
        reader = self._reader()
        if reader is not None:
            reader.open(article_id)
        else:
            self.push_screen(ReaderScreen(self.workspace, article_id))

    def open_next(self, article_id: str) -> None:
        """Open the next article not done after ``article_id``, else go back to the list."""
        rows = self.workspace.rows()
        ids = [r["id"] for r in rows]
        i = ids.index(article_id) if article_id in ids else -1
        for r in rows[i + 1:] + rows[:i + 1]:
            if r.get("state") != "done" and r["id"] != article_id:
                self.open_article(r["id"])
                self.notify(f"Done. Next: {r.get('title') or r['id']}")
                return
        while isinstance(self.screen, ReaderScreen) or len(self.screen_stack) > 2:
            self.pop_screen()
        self.notify("Done. Every article is done.")

    # -- undo -------------------------------------------------------------------------------------

    def action_undo(self) -> None:
        self._history(undo=True)

    def action_redo(self) -> None:
        self._history(undo=False)

    def _history(self, *, undo: bool) -> None:
        from .model import AnnotationError
        from .store import SaveFailed

        try:
            entry = self.review.undo() if undo else self.review.redo()
        except (SaveFailed, AnnotationError) as exc:
            self.notify(f"Not {'undone' if undo else 'redone'}: {exc}", severity="error", timeout=15)
            return
        if entry is None:
            self.notify("Nothing to undo." if undo else "Nothing to redo.")
            return
        screen = self.screen
        if isinstance(screen, ReaderScreen):
            if screen.article_id == entry.article_id:
                screen.take(entry, undo=undo)
            else:
                screen.open(entry.article_id)
        elif isinstance(screen, ArticlesScreen):
            screen.refresh_rows()
        self.refresh_progress()
        title = self.workspace.row(entry.article_id).get("title", "")
        self.notify(f"{'Undid' if undo else 'Redid'} {entry.what} in “{title[:50]}”.")

    def notify(self, message: str, *, title: str = "", severity="information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Every notification is plain text: titles and annotation text in them are data.

        Textual's ``notify`` parses markup by default (``[@click=app.quit]`` in a title would
        be a link that quits); readtui never uses markup in a message, so it is always off.
        """
        super().notify(sanitize(message), title=sanitize(title), severity=severity, timeout=timeout,
                       markup=False)

    def action_help_quit(self) -> None:
        """ctrl+c: Textual's own hint is written in markup, and readtui's messages are plain."""
        self.notify("Press ctrl+q to quit (everything is already saved).", title="Do you want to quit?")

    # -- help and clipboard -----------------------------------------------------------------------

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return

        left = [("Reader", ReaderScreen.BINDINGS)]
        right = [("Articles list", ArticlesScreen.BINDINGS), ("Everywhere", ReadTUI.BINDINGS)]
        self.push_screen(HelpScreen(left, right))

    def copy_text(self, text: str) -> None:
        """Copy to the system clipboard; without one (SSH, no X) through the terminal (OSC 52)."""
        text = encodable(text)  # a lone surrogate (a JSON escape) would crash either way
        try:
            pyperclip.copy(text)
        except pyperclip.PyperclipException:
            self.copy_to_clipboard(text)
            if not self._told_osc52:
                self._told_osc52 = True
                self.notify("No system clipboard here; copying through the terminal (OSC 52), "
                            "which not every terminal supports.", timeout=8)
        self.notify(f"Copied: {text[:80]}{'…' if len(text) > 80 else ''}")


def make_app(workspace, *, model: str | None = None, annotator: str = "", suggester=None) -> ReadTUI:
    """The one factory for the CLI and the tests (tests hand in a fake suggester)."""
    return ReadTUI(workspace, model=model, annotator=annotator, suggester=suggester)
