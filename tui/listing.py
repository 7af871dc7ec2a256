"""How the articles list filters and sorts: pure rules over ``ArticleSummary``.

A query is words and ``state:`` terms (``state:done``, ``state:flagged`` …); the words,
as one phrase, must appear in an article's title, source or text. Sorting puts titles in natural
order (Article 2 before Article 10).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence

from .change import ArticleSummary
from .model import REVIEW_STATES

STATE_WORDS = {"new": "new", "in_progress": "in_progress", "in-progress": "in_progress",
               "progress": "in_progress", "done": "done", "skipped": "skipped", "skip": "skipped",
               "flagged": "flagged", "flag": "flagged"}
STATE_CYCLE: tuple[str | None, ...] = (None, *REVIEW_STATES)  # what the list's state key steps through


@dataclass(frozen=True)
class Query:
    words: tuple[str, ...] = ()
    states: frozenset[str] = frozenset()
    unknown: tuple[str, ...] = ()  # state: terms that name no state

    @classmethod
    def parse(cls, text: str) -> "Query":
        words, states, unknown = [], set(), []
        for term in text.casefold().split():
            if term.startswith("state:"):
                name = term[len("state:"):]
                if name in STATE_WORDS:
                    states.add(STATE_WORDS[name])
                elif name:
                    unknown.append(name)
            else:
                words.append(term)
        return cls(tuple(words), frozenset(states), tuple(unknown))

    def matches(self, summary: ArticleSummary, haystack: str) -> bool:
        if self.states and summary.state not in self.states:
            return False
        return " ".join(self.words) in haystack


def haystack(summary: ArticleSummary, text: str = "") -> str:
    """What the filter searches: title, source and (once read) the text, casefolded."""
    return f"{summary.title}\n{summary.source}\n{text}".casefold()


def natural_key(text: str) -> tuple:
    """"Article 10" after "Article 2": runs of digits compare as numbers."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.split(r"(\d+)", text.casefold()) if part)


def _progress(a: ArticleSummary) -> tuple:
    return (a.reviewed / a.annotations if a.annotations else 0.0, a.reviewed)


SORTS: dict[str, Callable[[ArticleSummary], tuple]] = {
    "import": lambda a: (),
    "date": lambda a: (a.published or "\uffff",),  # undated last
    "source": lambda a: (natural_key(a.source or "\uffff"), natural_key(a.title)),
    "title": lambda a: (natural_key(a.title),),
    "progress": lambda a: _progress(a),
}
SORT_CYCLE = tuple(SORTS)


def arrange(summaries: Sequence[ArticleSummary], sort: str) -> list[ArticleSummary]:
    """``summaries`` in the order ``sort`` names (stable: import order breaks ties)."""
    return sorted(summaries, key=SORTS[sort]) if sort != "import" else list(summaries)
