"""What the reader's Pilot tests share: a workspace on a text of one's own."""

from __future__ import annotations

from pathlib import Path

from tui.model import QUOTE_LABEL, Annotation, Article
from tui.store import Workspace


def small_workspace(path: Path, text: str, entities=(), quotes=(), **article) -> Workspace:
    """One article of ``text`` with pending suggestions: ``entities`` as (words, label),
    ``quotes`` as the quoted words (the first occurrence of each)."""
    ws = Workspace.open(path)
    anns = []
    for i, (words, label) in enumerate(entities):
        s = text.index(words)
        anns.append(Annotation(f"e{i}", "a", "entity", s, s + len(words), label, text=words))
    for i, words in enumerate(quotes):
        s = text.index(words)
        anns.append(Annotation(f"q{i}", "a", "quote", s, s + len(words), QUOTE_LABEL, text=words,
                               origin="rules"))
    ws.add_articles([(Article(id="a", text=text, **article), anns)])
    return ws
