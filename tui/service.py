"""The one API the screens use on a workspace: what the analyst sees, and what the
analyst does to it. Actions go in, a ``Change`` comes out; undo and redo; suggestions
arriving from the model. The screens never touch the store; this module is where the
analyst's actions meet it, and it imports nothing of the UI.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Sequence

from .change import ArticleSummary, Change
from .history import History
from .model import QUOTE_LABEL, Annotation, AnnotationError, Article, Speaker, new_id, now_iso
from .spans import overlapping
from .store import SaveFailed, Workspace, WorkspaceError


class NotSaved(Exception):
    """The action did not reach the disk; nothing changed (the disk is full, read-only …)."""


class ArticleUnreadable(Exception):
    """The article's file is damaged or missing; the message names it. The others still open."""


@dataclass(frozen=True)
class Progress:
    """The workspace's progress, for the header."""

    articles: int
    done: int
    annotations: int
    reviewed: int


class Session:
    """One analyst working on one workspace: reading, reviewing, undoing."""

    def __init__(self, workspace: Workspace, annotator: str = ""):
        self.ws = workspace
        self.annotator = annotator
        self.history = History()

    # -- what the analyst sees ----------------------------------------------------------------

    @property
    def name(self) -> str:
        return self.ws.name

    @property
    def labels(self) -> tuple[str, ...]:
        return self.ws.labels

    def article_ids(self) -> list[str]:
        """Every article, in import order."""
        return [r["id"] for r in self.ws.rows()]

    def summary(self, article_id: str) -> ArticleSummary:
        return ArticleSummary.from_row(self.ws.row(article_id))

    def summaries(self) -> Iterator[ArticleSummary]:
        return (ArticleSummary.from_row(r) for r in self.ws.rows())

    def article(self, article_id: str) -> Article:
        try:
            return self.ws.article(article_id)
        except WorkspaceError as exc:
            raise ArticleUnreadable(str(exc)) from exc

    def annotations(self, article_id: str) -> list[Annotation]:
        """In text order, rejected ones included."""
        try:
            return self.ws.annotations(article_id)
        except WorkspaceError as exc:
            raise ArticleUnreadable(str(exc)) from exc

    def take_warning(self) -> str:
        """What went wrong beside a saved action (its checkpoint failed: it is saved in the
        journal all the same), once; "" when nothing did."""
        return self.ws.take_warning()

    def texts(self, article_ids: Sequence[str]) -> Iterator[tuple[str, str]]:
        """(id, text) for the list's filter, without building annotations."""
        return self.ws.texts(article_ids)

    def progress(self) -> Progress:
        s = self.ws.stats()
        return Progress(s["articles"], s["by_state"].get("done", 0), s["annotations"], s["reviewed"])

    def awaiting_suggestions(self) -> list[str]:
        """Articles the model has not suggested for yet (the first-run seeds)."""
        return [r["id"] for r in self.ws.rows() if not r.get("suggested", True)]

    def next_not_done(self, after: str) -> ArticleSummary | None:
        """The first article not done after ``after`` (wrapping round), else None."""
        rows = self.ws.rows()
        ids = [r["id"] for r in rows]
        i = ids.index(after) if after in ids else -1
        for r in rows[i + 1:] + rows[:i + 1]:
            if r.get("state") != "done" and r["id"] != after:
                return ArticleSummary.from_row(r)
        return None

    # -- the one way to change things -------------------------------------------------------

    def _save(self, article_id: str, changed: Sequence[Annotation], removed: Sequence[str] = (),
              state: str | None = None, suggested: bool | None = None) -> Change:
        try:
            return self.ws.save(list(changed), removed=list(removed), article_id=article_id,
                                state=state, suggested=suggested)
        except SaveFailed as exc:
            raise NotSaved(str(exc)) from exc

    def apply(self, article_id: str, changed: Sequence[Annotation], *, removed: Sequence[str] = (),
              state: str | None = None, what: str = "") -> Change:
        """One durable save, recorded for undo unless it changed nothing."""
        change = self._save(article_id, changed, removed, state).named(what)
        if not change.empty:
            self.history.push(change)
        return change

    def undo(self) -> Change | None:
        """Undo the last action; the change that made (named as the action), or None."""
        return self._restore(undo=True)

    def redo(self) -> Change | None:
        return self._restore(undo=False)

    def _restore(self, *, undo: bool) -> Change | None:
        entry = self.history.peek_undo() if undo else self.history.peek_redo()
        if entry is None:
            return None
        keep, gone, state = entry.side(undo)
        change = self._save(entry.article_id, keep, gone, state)
        self.history.undone() if undo else self.history.redone()
        return change.named(entry.what)

    def add_suggestions(self, article_id: str, found: Sequence[Annotation]) -> Change | None:
        """The model's suggestions for an article that had none, minus any that overlap
        what the analyst already has there. None when it already had suggestions."""
        summary = self.summary(article_id)
        if summary.suggested:
            return None
        existing = [a for a in self.ws.annotations(article_id) if a.status != "rejected"]
        fresh = [a for a in found if overlapping((b for b in existing if b.kind == a.kind), a.start, a.end) is None]
        return self._save(article_id, fresh, state=summary.state, suggested=True).named("suggestions")

    # -- the analyst's actions -------------------------------------------------------------------

    def _change(self, ann: Annotation, **changes) -> Annotation:
        return ann.changed(self.annotator, **changes)

    def accept(self, ann: Annotation) -> Change:
        if ann.kind == "entity" and ann.status == "rejected":  # another may have taken its place
            self._check_free(ann.article_id, ann.start, ann.end, ignore=ann.id)
        return self.apply(ann.article_id, [self._change(ann, status="accepted")], what="accept")

    def reject(self, ann: Annotation) -> Change:
        return self.apply(ann.article_id, [self._change(ann, status="rejected")], what="reject")

    def relabel(self, ann: Annotation, label: str) -> Change:
        if ann.kind != "entity":
            raise AnnotationError("a quote has no label to change; press s to set its speaker")
        self._check_free(ann.article_id, ann.start, ann.end, ignore=ann.id)
        return self.apply(ann.article_id, [self._change(ann, label=label, status="accepted")],
                          what=f"label {label}")

    def resize(self, ann: Annotation, start: int, end: int) -> Change:
        if ann.kind == "entity":
            self._check_free(ann.article_id, start, end, ignore=ann.id)
        text = self.ws.article(ann.article_id).text
        return self.apply(ann.article_id, [self._change(ann, start=start, end=end, text=text[start:end],
                                                       status="accepted")], what="resize")

    def add(self, article_id: str, kind: str, start: int, end: int, label: str) -> Change:
        """A manual annotation, accepted. A new entity may not overlap another entity."""
        if kind == "entity":
            self._check_free(article_id, start, end)
        text = self.ws.article(article_id).text
        ann = Annotation(id=new_id(), article_id=article_id, kind=kind, start=start, end=end,  # type: ignore[arg-type]
                         label=QUOTE_LABEL if kind == "quote" else label, text=text[start:end],
                         origin="manual", status="accepted", annotator=self.annotator, time=now_iso())
        return self.apply(article_id, [ann], what=f"add {ann.label}")

    def set_speaker(self, quote: Annotation, speaker: Speaker | None) -> Change:
        if quote.kind != "quote":
            raise AnnotationError("only quotes have speakers")
        return self.apply(quote.article_id, [self._change(quote, speaker=speaker, status="accepted")],
                          what="speaker")

    def accept_all(self, article_id: str, *, done: bool = False) -> Change:
        pending = [a for a in self.ws.annotations(article_id) if a.status == "pending"]
        changed = [self._change(a, status="accepted") for a in pending]
        return self.apply(article_id, changed, state="done" if done else None,
                          what="accept all and mark done" if done else f"accept {len(changed)}")

    def mark_done(self, article_id: str) -> Change:
        return self.apply(article_id, [], state="done", what="mark done")

    def _check_free(self, article_id: str, start: int, end: int, ignore: str = "") -> None:
        others = (a for a in self.ws.annotations(article_id)
                  if a.kind == "entity" and a.status != "rejected" and a.id != ignore)
        hit = overlapping(others, start, end)
        if hit is not None:
            raise AnnotationError(f"overlaps the {hit.label} {hit.text!r}; reject or shrink it first")
