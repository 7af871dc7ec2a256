"""What the analyst does to an article's annotations, one durable save per action.

``Review`` wraps the workspace for the reader: every method is one user action,
makes exactly one ``Workspace.save`` call (durable before it returns) and records
an undo entry. Pure domain code: no UI imports, so it is tested without a terminal.
"""

from __future__ import annotations

from typing import Sequence

from .history import Entry, History
from .model import QUOTE_LABEL, Annotation, AnnotationError, Article, Speaker, new_id, now_iso
from .spans import overlapping

SPEAKER_LABELS = ("PERSON", "ORG", "NORP", "GPE")


class Review:
    def __init__(self, workspace, annotator: str = ""):
        self.ws = workspace
        self.annotator = annotator
        self.history = History()

    # -- the one way to change things ---------------------------------------------

    def apply(self, article_id: str, changed: Sequence[Annotation], *, removed: Sequence[str] = (),
              state: str | None = None, what: str = "") -> Entry:
        before = {a.id: self.ws.annotation(article_id, a.id) for a in changed}
        before.update({i: self.ws.annotation(article_id, i) for i in removed})
        state_before = self.ws.row(article_id).get("state", "new")
        self.ws.save(list(changed), removed=list(removed), article_id=article_id, state=state)
        after: dict[str, Annotation | None] = {a.id: self.ws.annotation(article_id, a.id) for a in changed}
        after.update({i: None for i in removed})
        entry = Entry(article_id, what, before, after, state_before,
                      self.ws.row(article_id).get("state", "new"))
        self.history.push(entry)
        return entry

    def undo(self) -> Entry | None:
        entry = self.history.peek_undo()
        if entry is None:
            return None
        self._restore(entry, undo=True)
        return self.history.undone()

    def redo(self) -> Entry | None:
        entry = self.history.peek_redo()
        if entry is None:
            return None
        self._restore(entry, undo=False)
        return self.history.redone()

    def _restore(self, entry: Entry, *, undo: bool) -> None:
        keep, gone, state = entry.side(undo)
        self.ws.save(keep, removed=gone, article_id=entry.article_id, state=state)

    # -- actions --------------------------------------------------------------------

    def _change(self, ann: Annotation, **changes) -> Annotation:
        return ann.changed(self.annotator, **changes)

    def accept(self, ann: Annotation) -> Entry:
        if ann.kind == "entity" and ann.status == "rejected":  # another may have taken its place
            self._check_free(ann.article_id, ann.start, ann.end, ignore=ann.id)
        return self.apply(ann.article_id, [self._change(ann, status="accepted")], what="accept")

    def reject(self, ann: Annotation) -> Entry:
        return self.apply(ann.article_id, [self._change(ann, status="rejected")], what="reject")

    def relabel(self, ann: Annotation, label: str) -> Entry:
        if ann.kind != "entity":
            raise AnnotationError("a quote has no label to change; press s to set its speaker")
        self._check_free(ann.article_id, ann.start, ann.end, ignore=ann.id)
        return self.apply(ann.article_id, [self._change(ann, label=label, status="accepted")],
                          what=f"label {label}")

    def resize(self, ann: Annotation, start: int, end: int) -> Entry:
        if ann.kind == "entity":
            self._check_free(ann.article_id, start, end, ignore=ann.id)
        text = self.ws.article(ann.article_id).text
        return self.apply(ann.article_id, [self._change(ann, start=start, end=end, text=text[start:end],
                                                       status="accepted")], what="resize")

    def add(self, article_id: str, kind: str, start: int, end: int, label: str) -> Entry:
        """A manual annotation, accepted. A new entity may not overlap another entity."""
        if kind == "entity":
            self._check_free(article_id, start, end)
        text = self.ws.article(article_id).text
        ann = Annotation(id=new_id(), article_id=article_id, kind=kind, start=start, end=end,  # type: ignore[arg-type]
                         label=QUOTE_LABEL if kind == "quote" else label, text=text[start:end],
                         origin="manual", status="accepted", annotator=self.annotator, time=now_iso())
        return self.apply(article_id, [ann], what=f"add {ann.label}")

    def set_speaker(self, quote: Annotation, speaker: Speaker | None) -> Entry:
        if quote.kind != "quote":
            raise AnnotationError("only quotes have speakers")
        return self.apply(quote.article_id, [self._change(quote, speaker=speaker, status="accepted")],
                          what="speaker")

    def accept_all(self, article_id: str, *, done: bool = False) -> Entry:
        pending = [a for a in self.ws.annotations(article_id) if a.status == "pending"]
        changed = [self._change(a, status="accepted") for a in pending]
        return self.apply(article_id, changed, state="done" if done else None,
                          what="accept all and mark done" if done else f"accept {len(changed)}")

    def mark_done(self, article_id: str) -> Entry:
        return self.apply(article_id, [], state="done", what="mark done")

    def _check_free(self, article_id: str, start: int, end: int, ignore: str = "") -> None:
        others = (a for a in self.ws.annotations(article_id)
                  if a.kind == "entity" and a.status != "rejected" and a.id != ignore)
        hit = overlapping(others, start, end)
        if hit is not None:
            raise AnnotationError(f"overlaps the {hit.label} {hit.text!r}; reject or shrink it first")


# -- speakers and attribution ---------------------------------------------------------

def speaker_candidates(annotations: Sequence[Annotation], quote: Annotation) -> list[Annotation]:
    """People and organisations (accepted or pending) nearest to ``quote`` first, one per text."""
    def distance(a: Annotation) -> int:
        if a.end <= quote.start:
            return quote.start - a.end
        if a.start >= quote.end:
            return a.start - quote.end
        return 0

    found = [a for a in annotations if a.kind == "entity" and a.status != "rejected"
             and a.label in SPEAKER_LABELS]
    found.sort(key=lambda a: (distance(a), a.start))
    seen: set[str] = set()
    out = []
    for a in found:
        key = a.text.casefold()
        if key not in seen:
            seen.add(key)
            out.append(a)
    return out


def resolve_name(annotations: Sequence[Annotation], mention: Annotation) -> str:
    """The fullest name for a mention: "Carter" -> "Sara Carter" when the article has both."""
    text = mention.text
    if mention.label != "PERSON":
        return text
    best = text
    for a in annotations:
        if (a.kind == "entity" and a.label == "PERSON" and a.status != "rejected"
                and len(a.text) > len(best) and a.text.split()[-1:] == text.split()[-1:]):
            best = a.text
    return best


def speaker_for(annotations: Sequence[Annotation], mention: Annotation) -> Speaker:
    return Speaker(mention.start, mention.end, mention.text, resolve_name(annotations, mention))


QUOTE_MARKS = "\"'“”‘’«»„"


def attribution(article: Article, ann: Annotation) -> str:
    """What ``c`` copies: an entity's text, or a quote with its attribution.

    ``“…” — Sara Carter (IANS, 2026-01-28)``
    """
    if ann.kind != "quote":
        return ann.text
    body = ann.text.strip().strip(QUOTE_MARKS).strip()
    who = ""
    if ann.speaker is not None:
        who = ann.speaker.name or ann.speaker.text
    where = ", ".join(x for x in (article.source, article.published[:10]) if x)
    out = f"“{body}”"
    if who:
        out += f" — {who}"
    if where:
        out += f" ({where})"
    return out
