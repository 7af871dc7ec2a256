"""The reader: an article's text with its annotations, reviewed by keyboard.

Every action is one call on the ``Session`` (one durable save) that returns a ``Change``;
the view takes in exactly the annotations that changed.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Header, Static

from ...change import Change
from ..messages import AnnotationsChanged
from ...model import Annotation, AnnotationError
from ...service import NotSaved
from ...spans import move_end, move_start, sanitize, snap
from ...speakers import attribution, speaker_candidates, speaker_for
from ..widgets.article_view import ArticleView
from ..widgets.keybar import KeyBar
from ..widgets.panel import AnnotationPanel, Legend
from .confirm import Confirm
from .pickers import LabelPicker, SpeakerPicker


def _label_bindings() -> list[Binding]:
    return [Binding(str(n), f"label({n})", "Label", show=n == 1, key_display="1-9" if n == 1 else None,
                    id=f"reader.label.{n}",
                    tooltip="set the label to the legend's label N and accept (in a selection: "
                            "make it an entity)")
            for n in range(1, 10)]


class ReaderScreen(Screen):
    BINDINGS = [
        Binding("n", "step(1)", "Next", id="reader.next", tooltip="next annotation in text order"),
        Binding("p", "step(-1)", "Prev", id="reader.previous", tooltip="previous annotation in text order"),
        Binding("N", "next_pending", "Next pending", id="reader.next_pending",
                tooltip="next pending suggestion"),
        Binding("a", "accept", "Accept", id="reader.accept", tooltip="accept the current annotation"),
        Binding("x", "reject", "Reject", id="reader.reject", tooltip="reject the current annotation"),
        *_label_bindings(),
        Binding("l", "pick_label", "Labels", show=False, id="reader.pick_label",
                tooltip="pick any label from a list"),
        Binding("left_square_bracket", "resize('start', -1)", "Start ←", show=False,
                id="reader.start_left", tooltip="move the start one word left"),
        Binding("right_square_bracket", "resize('start', 1)", "Start →", show=False,
                id="reader.start_right", tooltip="move the start one word right"),
        Binding("left_curly_bracket", "resize('end', -1)", "End ←", show=False,
                id="reader.end_left", tooltip="move the end one word left"),
        Binding("right_curly_bracket", "resize('end', 1)", "End →", show=False,
                id="reader.end_right", tooltip="move the end one word right"),
        Binding("A", "accept_all", "Accept all", show=False, id="reader.accept_all",
                tooltip="accept every pending suggestion in this article"),
        Binding("v", "select", "Select", id="reader.select",
                tooltip="start a selection at the caret; arrows extend it"),
        Binding("quotation_mark", "make_quote", "Quote", id="reader.quote",
                tooltip="make the selection a quote"),
        Binding("s", "speaker", "Speaker", id="reader.speaker", tooltip="set the current quote's speaker"),
        Binding("c", "copy", "Copy", show=False, id="reader.copy",
                tooltip="copy the current annotation (a quote with its attribution)"),
        Binding("r", "toggle_rejected", "Rejected", show=False, id="reader.toggle_rejected",
                tooltip="show / hide rejected annotations"),
        Binding("d", "done", "Done", id="reader.done",
                tooltip="mark the article done and open the next one not done"),
        Binding("left", "caret_word(-1)", "Word ←", show=False, id="reader.caret_left",
                tooltip="move the caret a word left / right (extends a selection)"),
        Binding("right", "caret_word(1)", "Word →", show=False, id="reader.caret_right",
                tooltip="move the caret a word left / right (extends a selection)"),
        Binding("up", "caret_line(-1)", "Line ↑", show=False, id="reader.caret_up",
                tooltip="move the caret a line up / down (extends a selection)"),
        Binding("down", "caret_line(1)", "Line ↓", show=False, id="reader.caret_down",
                tooltip="move the caret a line up / down (extends a selection)"),
        Binding("k", "caret_line(-1)", "Line ↑", show=False, id="reader.caret_up_k",
                tooltip="move the caret a line up / down (extends a selection)"),
        Binding("j", "caret_line(1)", "Line ↓", show=False, id="reader.caret_down_j",
                tooltip="move the caret a line up / down (extends a selection)"),
        Binding("pageup", "page(-1)", "Page ↑", show=False, id="reader.page_up",
                tooltip="scroll a page up / down"),
        Binding("pagedown", "page(1)", "Page ↓", show=False, id="reader.page_down",
                tooltip="scroll a page up / down"),
        Binding("escape", "back", "Back", id="reader.back",
                tooltip="cancel the selection, else back to the articles list"),
    ]

    def __init__(self, article_id: str):
        super().__init__()
        self.article_id = article_id
        self.article = None
        self.view = ArticleView("", [], id="article")

    @property
    def session(self):
        return self.app.session

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        with Horizontal():
            with Vertical(id="reading"):
                yield Static(id="title")
                yield Static(id="meta")
                yield self.view
            with Vertical(id="side"):
                yield AnnotationPanel(id="current")
                yield Legend(id="legend")
        yield KeyBar()

    def on_mount(self) -> None:
        self.open(self.article_id)

    def on_screen_resume(self) -> None:
        self.app.refresh_progress()

    def _show_article(self) -> None:
        a = self.article
        self.query_one("#title", Static).update(Text(" ".join(sanitize(a.title or "(untitled)").split()),
                                                     style="bold"))
        meta = [x for x in (a.source, (a.published or "")[:16].replace("T", " "), a.dateline) if x]
        meta.append(f"{self.session.summary(a.id).words:,} words")
        self.query_one("#meta", Static).update(Text(" · ".join(sanitize(m) for m in meta), style="dim"))
        self._show_side()

    def _start_current(self) -> None:
        first = next((x for x in self.view.ordered() if x.status == "pending"), None) \
            or next((x for x in self.view.ordered() if self.view.visible(x)), None)
        self.view.set_current(first.id if first else None)
        self._show_side()

    def open(self, article_id: str) -> None:
        """Show another article in this screen."""
        article, annotations = self.session.article(article_id), self.session.annotations(article_id)
        self.article_id, self.article = article_id, article  # only once both were read
        self.view.load(article.text, annotations)
        self._show_article()
        self._start_current()
        self.refresh_bindings()

    def _show_side(self) -> None:
        sel = self.view.selection()
        self.query_one(AnnotationPanel).show(
            self.view.current_annotation(),
            selection=self.view.text[sel[0]:sel[1]] if sel else None)
        summary = self.session.summary(self.article_id)
        key = (self.article_id, summary.annotations, repr(summary.counts))
        if key != getattr(self, "_legend_key", None):  # counts change on saves only
            self._legend_key = key
            self.query_one(Legend).show(self.session.labels, summary)

    # -- taking in changes ------------------------------------------------------------------

    def take(self, change: Change, *, jump: bool = False) -> None:
        """Show a saved change. ``jump``: make what it changed current (undo, redo)."""
        after = change.after
        self.view.update_annotations([a for a in after.values() if a is not None],
                                     [i for i, a in after.items() if a is None])
        if change.state_before != change.state_after:
            self.article = self.session.article(self.article_id)
        if jump:
            shown = next((i for i, a in after.items() if a is not None and self.view.visible(a)), None)
            if shown is not None:
                self.view.set_current(shown)
        if self.view.current is not None and self.view.current not in self.view.anns:
            self.view.set_current(None)
        if self.view.current is None and change.what == "suggestions":
            self._start_current()
        self._show_side()
        self.refresh_bindings()

    @on(AnnotationsChanged)
    def _changed_elsewhere(self, message: AnnotationsChanged) -> None:
        """A change this screen did not make: suggestions arriving, undo, redo."""
        if message.change.article_id == self.article_id:
            self.take(message.change, jump=message.jump)
        elif message.jump:
            self.app.open_article(message.change.article_id)

    def _do(self, fn, *args, **kwargs) -> Change | None:
        try:
            entry = fn(*args, **kwargs)
        except NotSaved as exc:
            self.notify(f"Not saved: {exc}", title="Save failed", severity="error", timeout=15)
            return None
        except AnnotationError as exc:
            self.notify(str(exc), severity="warning")
            return None
        self.take(entry)
        self.app.tell_checkpoint_failed()
        return entry

    # -- which keys make sense ---------------------------------------------------------------

    def refresh_bindings(self) -> None:
        """Ask the footer to redraw only when what the keys can do has changed.

        The footer rebuilds its keys on every call, which costs more than the keystroke
        itself; most keystrokes (moving between two entities) change nothing it shows.
        """
        cur = self.view.current_annotation() if self.is_mounted else None
        state = (cur is not None, cur.kind if cur else None, self.view.selecting)
        if state != getattr(self, "_bindings_state", None):
            self._bindings_state = state
            super().refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        cur = self.view.current_annotation()
        selecting = self.view.selecting
        if action == "make_quote":
            return selecting
        if action == "label":
            return True if selecting or (cur is not None and cur.kind == "entity") else None
        if action in ("accept", "reject", "copy"):
            return None if cur is None or selecting else True
        if action in ("pick_label",):
            return None if cur is None or cur.kind != "entity" or selecting else True
        if action == "resize":
            return None if cur is None or selecting else True
        if action == "speaker":
            return None if cur is None or cur.kind != "quote" or selecting else True
        if action == "select":
            return not selecting
        return True

    # -- navigation ----------------------------------------------------------------------------

    def _go(self, ann: Annotation | None, none_message: str) -> None:
        if ann is None:
            self.notify(none_message)
            return
        self.view.set_current(ann.id)
        self._show_side()
        self.refresh_bindings()

    def action_step(self, direction: int) -> None:
        self._go(self.view.step(direction), "No annotations to step to.")

    def action_next_pending(self) -> None:
        self._go(self.view.step(1, pending_only=True), "No pending suggestions in this article.")

    def action_caret_word(self, step: int) -> None:
        self.view.move_caret_words(step)
        self._caret_moved()

    def action_caret_line(self, step: int) -> None:
        self.view.move_caret_lines(step)
        self._caret_moved()

    def _caret_moved(self) -> None:
        if not self.view.selecting:
            under = self.view.at_caret()
            if under is not None and under.id != self.view.current:
                self.view.set_current(under.id, move_caret=False)
        self._show_side()
        self.refresh_bindings()

    def action_page(self, step: int) -> None:
        if step > 0:
            self.view.scroll_page_down(animate=False)
        else:
            self.view.scroll_page_up(animate=False)

    def action_toggle_rejected(self) -> None:
        self.view.set_show_rejected(not self.view.show_rejected)
        self.notify("Showing rejected annotations." if self.view.show_rejected
                    else "Hiding rejected annotations.")

    # -- review actions ----------------------------------------------------------------------------

    def action_accept(self) -> None:
        cur = self.view.current_annotation()
        if cur is not None:
            self._do(self.session.accept, cur)

    def action_reject(self) -> None:
        cur = self.view.current_annotation()
        if cur is not None:
            self._do(self.session.reject, cur)

    def action_label(self, n: int) -> None:
        labels = self.session.labels
        if n > len(labels):
            self.notify(f"There is no label {n}; press l to pick one.", severity="warning")
            return
        label = labels[n - 1]
        if self.view.selecting:
            self._add_from_selection("entity", label)
            return
        cur = self.view.current_annotation()
        if cur is None:
            return
        if cur.kind != "entity":
            self.notify("A quote has no label; press s to set its speaker.", severity="warning")
            return
        self._do(self.session.relabel, cur, label)

    def action_pick_label(self) -> None:
        cur = self.view.current_annotation()
        if cur is None or cur.kind != "entity":
            return

        def chosen(label: str | None) -> None:
            now = self.view.anns.get(cur.id)
            if label and now is not None:
                self._do(self.session.relabel, now, label)

        self.app.push_screen(LabelPicker(self.session.labels, cur.label), chosen)

    def action_resize(self, which: str, step: int) -> None:
        cur = self.view.current_annotation()
        if cur is None:
            return
        mover = move_start if which == "start" else move_end
        span = mover(self.view.words, cur.start, cur.end, step)
        if span is None or span == (cur.start, cur.end):
            self.notify("Cannot move that boundary further.", severity="warning")
            return
        self._do(self.session.resize, cur, *span)

    def action_accept_all(self) -> None:
        entry = self._do(self.session.accept_all, self.article_id)
        if entry is not None:
            self.notify(f"Accepted {len(entry.after)} suggestions.")

    def action_select(self) -> None:
        self.view.start_selection()
        self._show_side()
        self.refresh_bindings()

    def action_make_quote(self) -> None:
        if self.view.selecting:
            self._add_from_selection("quote", "QUOTE")

    def _add_from_selection(self, kind: str, label: str) -> None:
        sel = self.view.selection()
        assert sel is not None
        span = snap(self.article.text, sel[0], sel[1], kind)
        if span is None:
            self.notify("Nothing to annotate in that selection.", severity="warning")
            return
        entry = self._do(self.session.add, self.article_id, kind, span[0], span[1], label)
        if entry is not None:
            self.view.cancel_selection()
            new_id = next(iter(entry.after))
            self.view.set_current(new_id, move_caret=False)
            self._show_side()
            self.refresh_bindings()

    def action_speaker(self) -> None:
        cur = self.view.current_annotation()
        if cur is None or cur.kind != "quote":
            return
        anns = self.view.ordered()
        found = [(a, speaker_for(anns, a)) for a in speaker_candidates(anns, cur)]

        def chosen(result) -> None:
            now = self.view.anns.get(cur.id)
            if result is not None and now is not None:
                self._do(self.session.set_speaker, now, result[1])

        self.app.push_screen(SpeakerPicker(found), chosen)

    def action_copy(self) -> None:
        cur = self.view.current_annotation()
        if cur is not None:
            self.app.copy_text(attribution(self.article, cur))

    def action_done(self) -> None:
        pending = sum(1 for a in self.view.anns.values() if a.status == "pending")
        if not pending:
            if self._do(self.session.mark_done, self.article_id):
                self.app.open_next(self.article_id)
            return

        def answered(yes: bool | None) -> None:
            if yes and self._do(self.session.accept_all, self.article_id, done=True):
                self.app.open_next(self.article_id)

        self.app.push_screen(Confirm(
            f"{pending} suggestion{'s are' if pending != 1 else ' is'} still pending in this article.",
            yes="accept them all and mark the article done"), answered)

    def action_back(self) -> None:
        if self.view.selecting:
            self.view.cancel_selection()
            self._show_side()
            self.refresh_bindings()
            return
        self.app.pop_screen()
