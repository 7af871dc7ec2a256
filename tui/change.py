"""What a write did, as the store reports it: the article's summary and a ``Change``.

A write returns what it changed, so nobody reads the store again to find out: the
service turns a ``Change`` into an undo entry, the app into one message, the reader
into exactly the annotations to redraw. Pure data, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Mapping

from .model import Annotation


@dataclass(frozen=True)
class ArticleSummary:
    """One article as the list, the stats and the legend see it, without its text."""

    id: str
    title: str = ""
    source: str = ""
    published: str = ""
    dateline: str = ""
    path: str = ""
    state: str = "new"
    words: int = 0
    annotations: int = 0
    reviewed: int = 0
    # annotations by label and status: {"PERSON": {"pending": 3, "accepted": 1}, ...}
    counts: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    suggested: bool = True  # False while the model has not suggested for it yet
    note: str = ""  # the analyst's free-text note on the article

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> "ArticleSummary":
        """From the store's summary row (``tui.store.summarize``)."""
        return cls(id=row["id"], title=row.get("title") or "", source=row.get("source") or "",
                   published=row.get("published") or "", dateline=row.get("dateline") or "",
                   path=row.get("path") or "", state=row.get("state", "new"), words=row.get("words", 0),
                   annotations=row.get("annotations", 0), reviewed=row.get("reviewed", 0),
                   counts=row.get("counts") or {}, suggested=row.get("suggested", True),
                   note=row.get("note") or "")

    def live(self, label: str) -> int:
        """Annotations of ``label`` not rejected."""
        c = self.counts.get(label) or {}
        return c.get("pending", 0) + c.get("accepted", 0)

    def by_status(self) -> dict[str, int]:
        out = {"pending": 0, "accepted": 0, "rejected": 0}
        for c in self.counts.values():
            for status, n in c.items():
                out[status] = out.get(status, 0) + n
        return out


@dataclass(frozen=True)
class Change:
    """One durable write to one article: its annotations before and after (None: did
    not exist / removed), its review state before and after, and its summary after."""

    article_id: str
    before: Mapping[str, Annotation | None]
    after: Mapping[str, Annotation | None]
    state_before: str
    state_after: str
    summary: ArticleSummary
    what: str = ""  # "accept", "label PERSON" ... for messages and undo
    note_before: str = ""
    note_after: str = ""
    # What the decision taught (tui.nlp.patterns): the pattern for one text before and
    # after, and the pending suggestions in other articles that followed it.
    learned: tuple[str, Any, Any] | None = None
    follow: tuple["Change", ...] = ()

    @property
    def empty(self) -> bool:
        """Nothing changed: every annotation as it was, and the same review state."""
        return self.state_before == self.state_after and self.note_before == self.note_after and all(
            self.before.get(i) == a for i, a in self.after.items())

    def named(self, what: str) -> "Change":
        return replace(self, what=what)

    def note(self, undo: bool) -> str:
        """The note one side had."""
        return self.note_before if undo else self.note_after

    def side(self, undo: bool) -> tuple[list[Annotation], list[str], str]:
        """(annotations to save, ids to remove, state) that restore one side."""
        anns = self.before if undo else self.after
        keep = [a for a in anns.values() if a is not None]
        gone = [i for i, a in anns.items() if a is None]
        return keep, gone, self.state_before if undo else self.state_after
