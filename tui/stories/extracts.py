"""What the ledger and the entity index read from each article, kept beside the workspace.

Reading 10,000 articles' files takes seconds; the ledger and the index must open in
under one. So each article's quotes, entities and the acronyms it defines are copied
into one file (``workspace.json.extracts``), keyed by the article's text hash and save
count (``rev``, kept by the store): opening reads that file and the articles changed since.
"""

from __future__ import annotations

import gc
import re
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator, Sequence

import orjson

from ..model import Annotation, Article
from .text import clean_name

EXTRACTS_VERSION = 2

ReadArticles = Callable[[Sequence[str]], Iterable[tuple[Article, list[Annotation]]]]

_LINK = re.compile(r"\b(?:of|and|for|on|in|the|to|at|de|du|&)\b", re.I)
# "the Ministry of External Affairs (MEA)": capitalised words (linked by of/and/for…),
# then the acronym in brackets.
_DEFINED = re.compile(r"((?:[A-Z][\w'’.-]*(?:\s+(?:of|and|for|on|in|the|to|at|&))*\s+)*[A-Z][\w'’.-]*)"
                      r"\s+\(([A-Z][A-Za-z&.]{1,11})\)")


def acronyms(text: str) -> list[tuple[str, str]]:
    """(acronym, long form) pairs the text defines, where the long form's capitals spell
    the acronym: "Office of National Drug Control Policy (ONDCP)"."""
    out = []
    for m in _DEFINED.finditer(text):
        letters = m.group(2).replace(".", "").replace("&", "").upper()
        words = m.group(1).split()
        # The shortest tail of the capitalised run whose initials spell it.
        for i in range(len(words)):
            tail = [w for w in words[i:] if not _LINK.fullmatch(w)]
            if "".join(w[0] for w in tail).upper() == letters:
                while i < len(words) and _LINK.fullmatch(words[i]):
                    i += 1
                out.append((m.group(2), " ".join(words[i:])))
                break
    return out


def extract(article: Article, annotations: Sequence[Annotation], rev: Any) -> dict:
    """One article's entry: its quotes (with speakers), entities and acronyms."""
    quotes: dict[str, list] = {"start": [], "end": [], "text": [], "name": []}
    entities: dict[str, list] = {"start": [], "end": [], "text": [], "label": []}
    for a in annotations:
        if a.status == "rejected":
            continue
        if a.kind == "quote":
            sp = a.speaker
            row = (a.start, a.end, a.text, clean_name((sp.name or sp.text) if sp else ""))
            for column, value in zip(quotes.values(), row):
                column.append(value)
        else:
            for column, value in zip(entities.values(), (a.start, a.end, a.text, a.label)):
                column.append(value)
    # Column by column: 400,000 entities load from the file in a tenth of the time as lists.
    return {"rev": rev, "title": article.title, "source": article.source, "published": article.published,
            "quotes": quotes, "entities": entities, "acronyms": acronyms(article.text)}


@contextmanager
def no_gc() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def fingerprint(row: dict) -> list:
    return [row.get("hash", ""), row.get("rev", 0), row.get("annotations", 0)]


class Extracts:
    """Every article's entry, in import order; ``update`` brings them to the workspace."""

    def __init__(self, entries: dict[str, dict] | None = None):
        self.entries: dict[str, dict] = entries or {}
        self.changed = False

    def update(self, rows: Sequence[dict], read: ReadArticles, leave_out: Sequence[str] = ()) -> None:
        """``leave_out``: parts of an entry not kept ("entities": the ledger's own extracts)."""
        wanted = {r["id"]: fingerprint(r) for r in rows}
        stale = [aid for aid, fp in wanted.items() if (self.entries.get(aid) or {}).get("rev") != fp]
        gone = [aid for aid in self.entries if aid not in wanted]
        for aid in gone:
            del self.entries[aid]
        for article, anns in read(stale):
            entry = self.entries[article.id] = extract(article, anns, wanted[article.id])
            for part in leave_out:
                entry.pop(part, None)
        if stale or gone:
            self.changed = True
            if stale:  # keep import order
                self.entries = {aid: self.entries[aid] for aid in wanted if aid in self.entries}

    def __iter__(self) -> Iterator[tuple[str, dict]]:
        return iter(self.entries.items())

    def dumps(self) -> bytes:
        return orjson.dumps({"version": EXTRACTS_VERSION, "articles": self.entries})

    @classmethod
    def loads(cls, raw: bytes) -> "Extracts":
        """The saved extracts; none when the file is damaged or of another make."""
        try:
            with no_gc():  # millions of small objects: the collector would run over them again and again
                data = orjson.loads(raw)
            if data.get("version") == EXTRACTS_VERSION and isinstance(data.get("articles"), dict):
                return cls(data["articles"])
        except (orjson.JSONDecodeError, AttributeError):
            pass
        return cls()

