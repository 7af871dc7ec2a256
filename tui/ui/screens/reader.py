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
from textual.widgets import Header, Input, Static

from ...change import Change
from ..messages import AnnotationsChanged, StoriesFound, TextClicked, TextDragged
from ...model import Annotation, AnnotationError
from ...service import NotSaved
from ...spans import move_end, move_quote_edge, move_start, sanitize, snap
from ...speakers import attribution, speaker_candidates, speaker_for, speaker_from_selection
from ..widgets.article_view import ArticleView
from ..widgets.keybar import KeyBar
from ..widgets.panel import AnnotationPanel, Legend
from .confirm import NoteEditor, PendingOnDone
from .pickers import LabelPicker, SpeakerPicker


STATE_NAMES = {"new": "new", "in_progress": "in progress", "done": "✓ done", "skipped": "skipped",
               "flagged": "⚑ flagged"}


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
        Binding("o", "reopen", "Reopen", id="reader.reopen",
                tooltip="reopen a done or skipped article (u undoes it)"),
        Binding("S", "skip", "Skip", show=False, id="reader.skip",
                tooltip="skip the article for now and open the next one"),
        Binding("f", "flag", "Flag", show=False, id="reader.flag",
                tooltip="flag the article to come back to later (again: unflag)"),
        Binding("m", "note", "Note", show=False, id="reader.note",
                tooltip="write a note on the article (shown in the panel, exported in meta)"),
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
                tooltip="a page up / down (caret too)"),
        Binding("pagedown", "page(1)", "Page ↓", show=False, id="reader.page_down",
                tooltip="a page up / down (caret too)"),
        Binding("home", "caret_line_end(-1)", "Line start", show=False, id="reader.line_start",
                tooltip="the caret to the start / end of its line"),
        Binding("end", "caret_line_end(1)", "Line end", show=False, id="reader.line_end",
                tooltip="the caret to the start / end of its line"),
        Binding("g", "caret_edge(0)", "Top", show=False, id="reader.top",
                tooltip="the caret to the first / last word of the article"),
        Binding("G", "caret_edge(-1)", "Bottom", show=False, id="reader.bottom",
                tooltip="the caret to the first / last word of the article"),
        Binding("slash", "find", "Find", show=False, id="reader.find",
                tooltip="find words in the article (ctrl+f too)"),
        Binding("ctrl+f", "find", "Find", show=False, id="reader.find_ctrl_f",
                tooltip="find words in the article (ctrl+f too)"),
        Binding("ctrl+g", "find_next", "Next match", show=False, id="reader.find_next",
                tooltip="the next match of the last search"),
        Binding("i", "toggle_side", "Panel", show=False, id="reader.toggle_side",
                tooltip="show / hide the side panel (it folds by itself in a narrow terminal)"),
        Binding("V", "versions", "Versions", id="reader.versions",
                tooltip="compare with another version of this story (the line under the title says how many)"),
        Binding("escape", "back", "Back", id="reader.back",
                tooltip="cancel the selection, else back to the articles list"),
    ]

    PANEL = AnnotationPanel  # the side panel's top: what the current annotation is

    def __init__(self, article_id: str, at: tuple[int, int, str] | None = None):
        super().__init__()
        self.article_id = article_id
        self.at = at  # (start, end, kind): the annotation to make current on opening
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
                yield self.PANEL(id="current")
                yield Legend(id="legend")
        yield KeyBar()

    def on_mount(self) -> None:
        self.view.show_tags = self.app.settings.label_tags
        self.open(self.article_id)
        if self.at is not None:
            self.show_at(*self.at)

    # The side panel's width by terminal width: full, narrow, folded (the text needs ~40 columns).
    SIDE_FULL, SIDE_NARROW, NARROW_BELOW, FOLD_BELOW = 36, 26, 110, 70
    side_shown: bool | None = None  # None: as the width allows; else the analyst's choice (i)

    def on_resize(self) -> None:
        self._fit_side()

    def _fit_side(self) -> None:
        width = self.size.width
        side = self.query_one("#side")
        show = self.side_shown if self.side_shown is not None else width >= self.FOLD_BELOW
        side.display = show
        side.styles.width = self.SIDE_FULL if width >= self.NARROW_BELOW else self.SIDE_NARROW

    def action_toggle_side(self) -> None:
        self.side_shown = not self.query_one("#side").display
        self._fit_side()

    def on_screen_resume(self) -> None:
        self.app.refresh_progress()

    def _show_article(self) -> None:
        a = self.article
        self.query_one("#title", Static).update(Text(" ".join(sanitize(a.title or "(untitled)").split()),
                                                     style="bold"))
        summary = self.session.summary(a.id)
        meta = [STATE_NAMES.get(summary.state, summary.state)]  # first: a narrow line keeps it
        meta += [x for x in (a.source, (a.published or "")[:16].replace("T", " "), a.dateline) if x]
        meta.append(f"{summary.words:,} words")
        others = self.app.versions.count(a.id)
        if others:  # second: a narrow line keeps it too
            meta.insert(1, f"{others} other version{'s' * (others != 1)} (V)")
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

    def show_at(self, start: int, end: int, kind: str) -> None:
        """Make the annotation at (start, end) current (the ledger's quote, the index's
        occurrence, a difference between versions); with none there, put the caret there."""
        here = next((a for a in self.view.ordered() if (a.start, a.end, a.kind) == (start, end, kind)), None) \
            or next((a for a in self.view.ordered() if a.start <= start < a.end and a.kind == kind), None)
        if here is not None:
            if not self.view.visible(here):
                self.view.set_show_rejected(True)
            self.view.set_current(here.id)
        else:
            self.view.move_caret_to_pos(start)
            self.view.scroll_to_span(start, end)
        self._show_side()
        self.refresh_bindings()

    @on(StoriesFound)
    def _stories_found(self) -> None:
        if self.article is not None:
            self._show_article()
            super().refresh_bindings()

    def _show_side(self) -> None:
        sel = self.view.selection()
        self.query_one(AnnotationPanel).show(
            self.view.current_annotation(),
            selection=self.view.text[sel[0]:sel[1]] if sel else None)
        summary = self.session.summary(self.article_id)
        key = (self.article_id, summary.annotations, repr(summary.counts), summary.note)
        if key != getattr(self, "_legend_key", None):  # counts change on saves only
            self._legend_key = key
            self.query_one(Legend).show(self.session.labels, summary)

    # -- taking in changes ------------------------------------------------------------------

    def take(self, change: Change, *, jump: bool = False) -> None:
        """Show a saved change. ``jump``: make what it changed current (undo, redo)."""
        after = change.after
        self.view.update_annotations([a for a in after.values() if a is not None],
                                     [i for i, a in after.items() if a is None])
        if change.state_before != change.state_after or change.note_before != change.note_after:
            self.article = self.session.article(self.article_id, reading=False)
            self._show_article()
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
        elif message.jump and self.app.open_article(message.change.article_id):
            self.take(message.change, jump=True)  # what it changed current, as in this article

    @on(TextClicked)
    def _clicked(self, message: TextClicked) -> None:
        """A click puts the caret on the word; on an annotation, makes it current."""
        if self.view.selecting:
            self.view.cancel_selection()
        self.view.move_caret_to(message.word)
        under = self.view.at_caret()
        if under is not None:
            self.view.set_current(under.id, move_caret=False)
        self._show_side()
        self.refresh_bindings()

    @on(TextDragged)
    def _dragged(self, message: TextDragged) -> None:
        self._show_side()
        self.refresh_bindings()

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
        if action == "speaker":  # in a selection too: the selection may be the speaker
            return None if cur is None or cur.kind != "quote" else True
        if action == "select":
            return not selecting
        if action == "versions":
            # a large workspace's stories, not asked for yet: V finds them
            return bool(self.app.versions.count(self.article_id)) or self.app.stories_state == "" or None
        if action == "reopen":
            return self.session.summary(self.article_id).state in ("done", "skipped") or None
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
        was = self.view.current_annotation()
        nxt = self.view.step(direction)
        self._go(nxt, "No annotations to step to.")
        if was is not None and nxt is not None and (nxt.start - was.start) * direction < 0:
            self.notify("Back at the first annotation." if direction > 0 else "Back at the last annotation.",
                        timeout=2)

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
        self.view.move_caret_lines(step * max(1, self.view.size.height - 2))
        self._caret_moved()

    def action_caret_line_end(self, end: int) -> None:
        self.view.move_caret_line_end(end)
        self._caret_moved()

    def action_caret_edge(self, index: int) -> None:
        self.view.move_caret_to(index)
        self._caret_moved()

    def action_find(self) -> None:
        """A find box under the text, there only while in use (it would take the keys)."""
        if not self.query("#find"):
            self.query_one("#reading").mount(
                Input(placeholder="find in the article (enter to go, esc to close)", id="find"))
        self.query_one("#find", Input).focus()

    @on(Input.Submitted, "#find")
    def _find_submitted(self, event: Input.Submitted) -> None:
        self.needle = event.value
        self._close_find()
        self.action_find_next()

    def _close_find(self) -> None:
        for find in self.query("#find"):
            find.remove()

    def action_find_next(self) -> None:
        needle = getattr(self, "needle", "")
        if not needle:
            self.action_find()
            return
        at = self.view.find(needle)
        if at is None:
            self.notify(f"Not in this article: {needle[:40]}", severity="warning", timeout=3)
            return
        if at < self.view.words[self.view.caret][0]:
            self.notify("Search wrapped to the top.", timeout=2)
        self.view.move_caret_to_pos(at)
        self._caret_moved()

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
        if cur.kind == "quote":  # by word, keeping the quotation marks
            span = move_quote_edge(self.view.text, self.view.words, cur.start, cur.end, which, step)
        else:
            span = (move_start if which == "start" else move_end)(self.view.words, cur.start, cur.end, step)
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
        text = self.view.text

        def found(all_labels: bool) -> list:
            return [(a, speaker_for(anns, a))
                    for a in speaker_candidates(anns, cur, text=text, all_labels=all_labels)]

        sel = self.view.selection()
        span = snap(text, *sel) if sel else None
        selected = speaker_from_selection(anns, text, *span) if span else None

        def chosen(result) -> None:
            now = self.view.anns.get(cur.id)
            if result is not None and now is not None:
                if self._do(self.session.set_speaker, now, result[1]) is not None and selected is not None:
                    self.view.cancel_selection()
                    self.view.set_current(now.id, move_caret=False)
                    self._show_side()
                    self.refresh_bindings()

        self.app.push_screen(SpeakerPicker(found(False), found(True), current=cur.speaker,
                                           selection=selected), chosen)

    def action_copy(self) -> None:
        cur = self.view.current_annotation()
        if cur is not None:
            self.app.copy_text(attribution(self.article, cur))

    def action_versions(self) -> None:
        from .compare import CompareScreen, VersionPicker

        others = self.app.versions.get(self.article_id, ())
        if not others:
            if self.app.want_stories():  # else they are being found, and the analyst was told
                self.notify("This article has no other version in the workspace.")
            return
        if len(others) == 1:
            self.app.push_screen(CompareScreen(self.article_id, others[0]))
            return

        def chosen(other: str | None) -> None:
            if other:
                self.app.push_screen(CompareScreen(self.article_id, other))

        self.app.push_screen(VersionPicker([self.session.summary(o) for o in others]), chosen)

    def action_done(self) -> None:
        pending = sum(1 for a in self.view.anns.values() if a.status == "pending")
        if not pending:
            if self._do(self.session.mark_done, self.article_id):
                self.app.open_next(self.article_id)
            return

        def answered(what: str | None) -> None:
            act = {"accept": self.session.accept_all, "reject": self.session.reject_rest}.get(what or "")
            if act is not None and self._do(act, self.article_id, done=True):
                self.app.open_next(self.article_id)

        self.app.push_screen(PendingOnDone(pending), answered)

    def action_reopen(self) -> None:
        if self._do(self.session.reopen, self.article_id):
            self.notify("Reopened: back in progress (u undoes it).", timeout=3)

    def action_skip(self) -> None:
        if self._do(self.session.skip, self.article_id):
            self.app.open_next(self.article_id, said="Skipped")

    def action_flag(self) -> None:
        entry = self._do(self.session.flag, self.article_id)
        if entry is not None:
            self.notify("Flagged for later." if entry.state_after == "flagged" else "Flag taken off.",
                        timeout=3)

    def action_note(self) -> None:
        def written(note: str | None) -> None:
            if note is not None:
                self._do(self.session.set_note, self.article_id, note)

        self.app.push_screen(NoteEditor(self.session.summary(self.article_id).note), written)

    def action_back(self) -> None:
        if self.query("#find"):
            self._close_find()
            return
        if self.view.selecting:
            self.view.cancel_selection()
            self._show_side()
            self.refresh_bindings()
            return
        self.app.pop_screen()
