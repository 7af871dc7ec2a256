"""The session's undo/redo history (pure; no UI imports).

Each entry is one user action on one article, the ``Change`` its save returned: the
annotations it touched before and after, and the review state before and after. Undo
saves the "before" side back through the store; redo the "after" side. The history
lives for the session and spans articles.
"""

from __future__ import annotations

from .change import Change


class History:
    def __init__(self, limit: int = 1000):
        self.limit = limit
        self._done: list[Change] = []
        self._undone: list[Change] = []

    def push(self, entry: Change) -> None:
        self._done.append(entry)
        del self._done[:-self.limit]
        self._undone.clear()

    def peek_undo(self) -> Change | None:
        return self._done[-1] if self._done else None

    def peek_redo(self) -> Change | None:
        return self._undone[-1] if self._undone else None

    def undone(self) -> Change:
        """Mark the last entry undone (after it was restored) and return it."""
        entry = self._done.pop()
        self._undone.append(entry)
        return entry

    def redone(self) -> Change:
        entry = self._undone.pop()
        self._done.append(entry)
        return entry

    def articles(self) -> set[str]:
        """Every article an entry changed, with the suggestions that followed it elsewhere."""
        return {c.article_id for e in self._done + self._undone for c in (e, *e.follow)}
