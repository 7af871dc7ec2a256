"""The session's undo/redo history (pure; no UI imports).

Each entry is one user action on one article: the annotations it touched as they
were before and after (None = did not exist), and the article's review state
before and after. Undo saves the "before" side back through the store; redo the
"after" side. The history lives for the session and spans articles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from .model import Annotation


@dataclass(frozen=True)
class Entry:
    article_id: str
    what: str  # "accept", "reject", "label PERSON" … for messages
    before: Mapping[str, Annotation | None] = field(default_factory=dict)
    after: Mapping[str, Annotation | None] = field(default_factory=dict)
    state_before: str = ""
    state_after: str = ""

    def side(self, undo: bool) -> tuple[list[Annotation], list[str], str]:
        """(annotations to save, ids to remove, state) that restore one side."""
        anns = self.before if undo else self.after
        keep = [a for a in anns.values() if a is not None]
        gone = [i for i, a in anns.items() if a is None]
        return keep, gone, self.state_before if undo else self.state_after


class History:
    def __init__(self, limit: int = 1000):
        self.limit = limit
        self._done: list[Entry] = []
        self._undone: list[Entry] = []

    def push(self, entry: Entry) -> None:
        self._done.append(entry)
        del self._done[:-self.limit]
        self._undone.clear()

    @property
    def can_undo(self) -> bool:
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        return bool(self._undone)

    def peek_undo(self) -> Entry | None:
        return self._done[-1] if self._done else None

    def peek_redo(self) -> Entry | None:
        return self._undone[-1] if self._undone else None

    def undone(self) -> Entry:
        """Mark the last entry undone (after it was restored) and return it."""
        entry = self._done.pop()
        self._undone.append(entry)
        return entry

    def redone(self) -> Entry:
        entry = self._undone.pop()
        self._done.append(entry)
        return entry
