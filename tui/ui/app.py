"""The Textual app: wires the workspace, the review session and the suggester into screens."""

from __future__ import annotations

import gc

import pyperclip
from textual import work
from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive
from textual.worker import Worker, WorkerState, get_current_worker

from .messages import (AnnotationsChanged, ModelFailed, ModelReady, Refreshed, RefreshDone, StoriesFound, Suggested,
                       SuggestionsDone)
from ..model import AnnotationError
from .screens.adjudication import AdjudicationScreen
from .screens.articles import ArticlesScreen
from .screens.compare import CompareScreen
from .screens.help import HelpScreen
from .screens.ledger import SHARED_BINDINGS, EntityIndexScreen, QuoteLedgerScreen
from .screens.reader import ReaderScreen
from ..service import ArticleUnreadable, NotSaved, Session
from ..settings import Settings
from ..spans import encodable, sanitize
from ..stories.others import StoryVersions

LOADING = "loading model"
WATCH_SECONDS = 2.0  # how often the reader looks for a new model and a training that ended
# Above this many articles the stories are found when first asked for (t, V), not at
# start: the first time, it reads every text and signs it (minutes and ~1 GB at 100,000,
# bench/scale.py --workspaces), which would slow the list and the reader meanwhile.
STORIES_AT_START = 20_000


def settle_heap() -> None:
    """Put what is alive now (the workspace index, a loaded spaCy model) out of the cyclic
    collector's reach. A full collection walks every object: over a loaded model it takes
    ~100 ms, a stall on whichever key press sets it off. Reference counting still frees them."""
    gc.freeze()


class ReadTUI(App):
    CSS_PATH = ["app.tcss", "entities.tcss"]
    TITLE = "readtui"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("question_mark", "help", "Help", id="app.help", tooltip="show every key"),
        Binding("u", "undo", "Undo", show=False, id="app.undo", tooltip="undo (within the session, across articles)"),
        Binding("ctrl+r", "redo", "Redo", show=False, id="app.redo", tooltip="redo"),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True,
                tooltip="quit (everything is already saved)"),
    ]

    # "", "loading", "failed" (no model: the list says so on rows still waiting), "ready"
    model_state: reactive[str] = reactive("", init=False)

    def __init__(self, session: Session, *, model: str | None = None, suggester=None,
                 settings: Settings | None = None):
        self.settings = settings or Settings()
        palette = ["entities-colourblind.tcss"] if self.settings.palette == "colour-blind" else []
        super().__init__(css_path=[*self.CSS_PATH, *palette])
        self.session = session
        self.model_name = model
        self.suggester = suggester
        self.model_status = ""  # what the header says about the model: "", LOADING, or why none
        self._told_osc52 = False
        self.versions = StoryVersions()  # article -> its other versions (the stories worker)
        self.stories_state = ""  # "finding", then "found"; "": a large workspace's, not asked for yet
        self.learning_status = ""  # a training running in the background, for the header
        self.training = None  # that training (tui.nlp.retrain.Training)
        self._model_seen: str | None = None
        self._done_seen = 0
        self.title = f"readtui · {session.name} · {session.annotator or 'anonymous'}"

    # -- start ------------------------------------------------------------------------------

    def on_mount(self) -> None:
        self._apply_settings()
        self.push_screen(ArticlesScreen())
        if self.session.adjudicating:  # a gold: straight to the first disagreement left
            ids = self.session.article_ids()
            first = self.session.next_disagreement(ids[0], -1) if ids else None
            if first is not None:
                self.open_article(first[0])
        settle_heap()
        waiting = self.session.awaiting_suggestions()
        if waiting:
            self.model_status, self.model_state = LOADING, "loading"
            self.suggest(waiting)
        articles = len(self.session.article_ids())
        if articles <= 1:
            self.stories_state = "found"  # none to find
        elif articles <= STORIES_AT_START:
            self.stories_state = "finding"
            self.find_stories()
        # The model the untouched articles' suggestions came from: a model switched while
        # no reader was open differs from the current one, and the first watch refreshes them.
        self._model_seen = self.session.suggestions_model()
        self.set_interval(WATCH_SECONDS, self.watch_learning)
        self.refresh_progress()

    def _apply_settings(self) -> None:
        """Key remaps (binding ids) and the theme; a name that means nothing is said, not fatal."""
        s = self.settings
        screens = (ReaderScreen, AdjudicationScreen, ArticlesScreen, ReadTUI, CompareScreen, QuoteLedgerScreen, EntityIndexScreen)
        known = {b.id for screen in screens for klass in screen.__mro__ for b in getattr(klass, "BINDINGS", ())
                 if isinstance(b, Binding) and b.id}
        wrong = sorted(set(s.keys) - known)
        if wrong:
            self.notify(f"Settings: no key binding {wrong[0]!r} (help lists the ids).", severity="warning")
        if s.keys:
            self.set_keymap({k: v for k, v in s.keys.items() if k in known})
        if s.theme:
            if s.theme in self.available_themes:
                self.theme = s.theme
            else:
                self.notify(f"Settings: no theme {s.theme!r}.", severity="warning")

    def refresh_progress(self) -> None:
        """The header's progress line. The reader keeps it still: it shows the article's
        own progress in its side panel, and a changed header re-lays out the whole
        screen, which would cost more than the key press itself."""
        if isinstance(self.screen, ReaderScreen):
            parts = [self.model_status or "reading"]
        else:
            p = self.session.progress()
            parts = [f"articles {p.done}/{p.articles} done", f"annotations {p.reviewed}/{p.annotations} reviewed"]
            if self.model_status:
                parts.append(self.model_status)
        if self.learning_status:
            parts.append(self.learning_status)
        sub = " · ".join(parts)
        if sub != self.sub_title:
            self.sub_title = sub

    def show_change(self, change: AnnotationsChanged) -> None:
        """Hand a saved change to the screen on top, and keep the header current."""
        self.screen.post_message(change)
        self.refresh_progress()

    # -- suggestions in a worker --------------------------------------------------------------

    @work(thread=True, exclusive=True, group="nlp", exit_on_error=False)
    def suggest(self, article_ids: list[str]) -> None:
        worker = get_current_worker()
        suggester = self.suggester
        if suggester is None:
            from ..nlp.suggest import ModelMissing

            try:
                suggester = self.session.suggester(self.model_name)
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
            try:
                article = self.call_from_thread(self.session.article, aid, reading=False)
            except ArticleUnreadable:  # a damaged article file: opening it says so; suggest the rest
                continue
            try:
                found = suggester.for_article(article)
            except Exception as exc:
                from ..nlp.suggest import FIX

                self.post_message(ModelFailed(f"suggesting failed ({type(exc).__name__}: {exc}). {FIX}"))
                return
            self.post_message(Suggested(aid, found))
        self.post_message(SuggestionsDone())

    def on_model_ready(self, message: ModelReady) -> None:
        self.suggester = message.suggester
        self.model_state = "ready"
        settle_heap()

    def on_model_failed(self, message: ModelFailed) -> None:
        self.model_status = "no suggestions (model missing)"
        self.model_state = "failed"
        self.refresh_progress()
        self.notify(f"{message.error}\nYou can still read and annotate by hand.",
                    title="No suggestions", severity="error", timeout=20)

    def on_suggested(self, message: Suggested) -> None:
        try:
            change = self.session.add_suggestions(message.article_id, message.annotations)
        except NotSaved as exc:
            self.notify(f"Suggestions not saved: {exc}", severity="error", timeout=15)
            return
        self.tell_checkpoint_failed()
        if change is not None:
            self.show_change(AnnotationsChanged(change))

    def tell_checkpoint_failed(self) -> None:
        """An action was saved (in the journal) but folding the journal failed: say so, as a
        warning, not as "not saved"."""
        warning = self.session.take_warning()
        if warning:
            self.notify(f"Saved. {warning}", title="Checkpoint failed", severity="warning", timeout=15)

    def on_suggestions_done(self, message: SuggestionsDone) -> None:
        self.model_status = ""
        self.refresh_progress()

    # -- stories in a worker --------------------------------------------------------------------

    def want_stories(self) -> bool:
        """The stories are known; if not, they are being found (started here when a large
        workspace did not find them at start): False, and the analyst is told."""
        if self.stories_state == "found":
            return True
        if self.stories_state != "finding":
            self.stories_state = "finding"
            self.find_stories()
        self.notify(f"Finding the stories among {len(self.session.article_ids()):,} articles in the background; "
                    "⧉ marks the versions once they are known.", timeout=6)
        return False

    @work(thread=True, exclusive=True, group="stories", exit_on_error=False)
    def find_stories(self) -> None:
        """Group the articles into stories: the first time it reads every text (seconds at
        10,000 articles), so the reader says "2 other versions" once it is known."""
        self.post_message(StoriesFound(self.session.versions()))

    def on_stories_found(self, message: StoriesFound) -> None:
        self.versions, self.stories_state = message.versions, "found"
        for screen in self.screen_stack:
            screen.post_message(StoriesFound(message.versions))

    # -- the model learning: a new version takes over, retraining by itself (issue 16) -------------

    def watch_learning(self) -> None:
        """Every few seconds: a training that ended, a new model on the shelf (from this
        reader's training or a `readtui train` elsewhere), a training that is due."""
        if self.training is not None and not self.training.running():
            code, said = self.training.outcome()
            self.training, self.learning_status = None, ""
            if code != 0:
                self.notify(f"{said.removeprefix('readtui: ')}", title="Retraining failed", severity="error",
                            timeout=20)
            self.refresh_progress()
        version = self.session.model_version()
        if version != self._model_seen:
            self._model_seen = version
            if self.model_name is None:  # --model overrides the workspace's model
                self.learning_status = f"{version or 'base model'}: refreshing suggestions"
                self.refresh_progress()
                self.refresh_untouched(version or "the base model")
        every = self.settings.retrain_every
        done = self.session.marked_done
        if every and self.training is None and done != self._done_seen:
            self._done_seen = done
            if self.session.retrain_due(every):
                self.start_training()

    def start_training(self) -> None:
        try:
            self.training = self.session.start_training()
        except OSError as exc:
            self.notify(f"Retraining could not start ({exc.strerror or exc}); the current model stays.",
                        severity="error", timeout=15)
            return
        self.learning_status = "training a new model in the background"
        self.refresh_progress()

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False)
    def refresh_untouched(self, version: str) -> None:
        """The new model's suggestions for every article nobody has touched, one message each;
        the session replaces them only if the article is still untouched when it arrives."""
        worker = get_current_worker()
        try:
            suggester = self.session.suggester(self.model_name)
        except Exception as exc:  # a missing or broken model: the suggestions stay as they were
            self.post_message(ModelFailed(f"the model {version} cannot be used ({type(exc).__name__}: {exc})"))
            self.post_message(RefreshDone(version, refreshed=False))
            return
        self.post_message(ModelReady(suggester))
        ids = self.call_from_thread(self.session.untouched)
        for i in range(0, len(ids), 50):  # the store is read on the app's thread, a little at a time
            texts = self.call_from_thread(self.session.texts, ids[i:i + 50])
            for aid, text in texts:
                if worker.is_cancelled:
                    return
                found = [s.to_annotation(aid) for s in suggester.suggest(text)]
                self.post_message(Refreshed(aid, found))
        self.post_message(RefreshDone(version))

    def on_refreshed(self, message: Refreshed) -> None:
        reader = self._reader()
        if reader is not None and reader.article_id == message.article_id:
            return  # the article on screen keeps what the analyst is reading
        try:
            change = self.session.refresh_suggestions(message.article_id, message.annotations)
        except NotSaved:
            return  # a full disk: the article keeps its suggestions; the reader says so on the next action
        if change is not None and not change.empty:
            self.show_change(AnnotationsChanged(change))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A background job that failed is said in one line, never silent: a refresh that
        dies would otherwise leave the header saying it is still refreshing."""
        if event.state != WorkerState.ERROR:
            return
        err = event.worker.error
        if event.worker.group == "refresh":
            self.learning_status = ""
            self.refresh_progress()
        if event.worker.group == "stories":
            self.stories_state = ""  # asked for again, it starts again
        self.notify(f"{event.worker.name or event.worker.group}: {type(err).__name__}: {err}",
                    title="A background job failed", severity="error", timeout=20)

    def on_refresh_done(self, message: RefreshDone) -> None:
        self.learning_status = ""
        self.refresh_progress()
        if message.refreshed:
            self.session.suggestions_refreshed(self._model_seen)
            self.notify(f"{message.version} takes over: suggestions refreshed in the articles nobody has "
                        "touched.", title="New model")

    # -- navigation -----------------------------------------------------------------------------

    def _reader(self) -> ReaderScreen | None:
        for screen in reversed(self.screen_stack):
            if isinstance(screen, ReaderScreen):
                return screen
        return None

    def open_article(self, article_id: str, at: tuple[int, int, str] | None = None) -> bool:
        """Show the article (``at``: with the annotation at (start, end, kind) current); a
        damaged article file is an error message, and the app goes on."""
        reader = self._reader()
        try:
            if reader is not None:
                reader.open(article_id)
                if at is not None:
                    reader.show_at(*at)
            else:
                self.session.annotations(article_id)  # read before the screen shows (and keeps) it
                self.push_screen((AdjudicationScreen if self.session.adjudicating else ReaderScreen)(article_id, at=at))
        except ArticleUnreadable as exc:
            self.notify(f"Cannot open this article: {exc}", severity="error", timeout=20)
            return False
        return True

    def open_next(self, article_id: str, said: str = "Done") -> None:
        """Open the next article not done (nor skipped) after ``article_id``, else go back
        to the list."""
        nxt = self.session.next_not_done(article_id)
        if nxt is not None:
            self.open_article(nxt.id)
            self.notify(f"{said}. Next: {nxt.title or nxt.id}")
            return
        while isinstance(self.screen, ReaderScreen) or len(self.screen_stack) > 2:
            self.pop_screen()
        self.notify(f"{said}. No article left to review.")

    # -- undo -------------------------------------------------------------------------------------

    def action_undo(self) -> None:
        self._history(undo=True)

    def action_redo(self) -> None:
        self._history(undo=False)

    def _history(self, *, undo: bool) -> None:
        try:
            change = self.session.undo() if undo else self.session.redo()
        except (NotSaved, AnnotationError) as exc:
            self.notify(f"Not {'undone' if undo else 'redone'}: {exc}", severity="error", timeout=15)
            return
        if change is None:
            self.notify("Nothing to undo." if undo else "Nothing to redo.")
            return
        self.tell_checkpoint_failed()
        self.show_change(AnnotationsChanged(change, jump=True))
        self.notify(f"{'Undid' if undo else 'Redid'} {change.what} in “{change.summary.title[:50]}”.")

    def notify(self, message: str, *, title: str = "", severity="information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Every notification is plain text: titles and annotation text in them are data.

        Textual's ``notify`` parses markup by default (``[@click=app.quit]`` in a title would
        be a link that quits); readtui never uses markup in a message, so it is always off.
        """
        line = " ".join(sanitize(f"{title}: {message}" if title else message).split())
        room = max(20, self.size.width // 2 - 4)
        if severity == "information" and len(line) > room:  # errors say all they must
            line = line[:room - 1] + "…"
        for told in list(self._notifications):  # one at a time: three quick keys, one toast
            if told.severity == "information":
                self._unnotify(told, refresh=False)
        super().notify(line, severity=severity, timeout=timeout, markup=False)

    def action_help_quit(self) -> None:
        """ctrl+c: Textual's own hint is written in markup, and readtui's messages are plain."""
        self.notify("Press ctrl+q to quit (everything is already saved).", title="Do you want to quit?")

    # -- help and clipboard -----------------------------------------------------------------------

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return

        left = [("Reader", ReaderScreen.BINDINGS)]
        if self.session.adjudicating:
            left.append(("Adjudication (a gold workspace)", AdjudicationScreen.BINDINGS))
        right = [("Articles list", ArticlesScreen.BINDINGS), ("Everywhere", ReadTUI.BINDINGS),
                 ("Comparing two versions (V)", CompareScreen.BINDINGS),
                 ("Quote ledger (Q) and entity index (E)",
                  [*SHARED_BINDINGS, *QuoteLedgerScreen.BINDINGS, *EntityIndexScreen.BINDINGS])]
        self.push_screen(HelpScreen(left, right, settings=self.settings.path))

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
                            "which not every terminal supports.", severity="warning", timeout=8)
        self.notify(f"Copied: {text[:80]}{'…' if len(text) > 80 else ''}")


def make_app(session, *, model: str | None = None, annotator: str = "", suggester=None,
             settings: Settings | None = None) -> ReadTUI:
    """The one factory for the CLI and the tests (tests hand in a fake suggester). Takes a
    ``Session``, or a workspace to open one on for ``annotator``."""
    if not isinstance(session, Session):
        session = Session(session, annotator)
    return ReadTUI(session, model=model, suggester=suggester, settings=settings)
