"""The entity index: every entity text across the workspace with its labels and counts.

A text labelled differently in different articles ("Washington" GPE here, PERSON there)
is the usual source of inconsistent gold; those come first.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import repeat
from typing import Callable

import orjson

from .extracts import Extracts


Occurrence = tuple[str, int, int, str]  # (article, start, end, label)


@dataclass(frozen=True)
class IndexEntry:
    text: str
    labels: dict[str, int]  # label -> occurrences, most first
    articles: int
    # The occurrences, or how to read them: an index read back from its file makes them
    # only for the entry the analyst opens (400,000 tuples would cost most of a second).
    found: tuple[Occurrence, ...] | Callable[[], tuple[Occurrence, ...]] = field(repr=False)
    mixed: bool  # given more than one label (in different articles, or within one)

    @property
    def occurrences(self) -> tuple[Occurrence, ...]:
        return self.found() if callable(self.found) else self.found

    @property
    def count(self) -> int:
        return sum(self.labels.values())

    def to_dict(self) -> dict:
        return {"text": self.text, "labels": self.labels, "count": self.count, "articles": self.articles,
                "mixed": self.mixed,
                "occurrences": [{"article": a, "start": s, "end": e, "label": lab}
                                for a, s, e, lab in self.occurrences]}


def entity_index(extracts: Extracts) -> list[IndexEntry]:
    """Texts labelled differently across articles first, then by occurrences."""
    seen: dict[str, list[Occurrence]] = {}
    for aid, e in extracts:
        ents = e.get("entities") or {}
        texts = ents.get("text", ())
        for occ, text in zip(zip(repeat(aid), ents.get("start", ()), ents.get("end", ()), ents.get("label", ())), texts):
            seen.setdefault(text, []).append(occ)
    merged: dict[str, list[Occurrence]] = {}
    for text, occ in seen.items():  # a few hundred distinct texts: spacing evened out here
        merged.setdefault(" ".join(text.split()), []).extend(occ)
    out = []
    for text, occ in merged.items():
        labels = Counter(o[3] for o in occ)
        ordered = dict(sorted(labels.items(), key=lambda kv: (-kv[1], kv[0])))
        out.append(IndexEntry(text, ordered, len({o[0] for o in occ}), tuple(occ), len(labels) > 1))
    out.sort(key=lambda x: (not x.mixed, -x.count, x.text.lower()))
    return out


# --- kept beside the workspace, keyed by the workspace's revision ---------------------------

INDEX_VERSION = 1


def dumps(index: list[IndexEntry], revision: str) -> bytes:
    """The index as columns (one row per occurrence, entries as ranges of rows)."""
    ids: dict[str, int] = {}
    labels: dict[str, int] = {}
    entries, article, start, end, label = [], [], [], [], []
    for e in index:
        occ = e.occurrences
        entries.append([e.text, list(e.labels.items()), e.articles, e.mixed, len(occ)])
        for a, s, x, lab in occ:
            article.append(ids.setdefault(a, len(ids)))
            start.append(s)
            end.append(x)
            label.append(labels.setdefault(lab, len(labels)))
    return orjson.dumps({"version": INDEX_VERSION, "revision": revision, "ids": list(ids), "labels": list(labels),
                         "entries": entries, "article": article, "start": start, "end": end, "label": label})


def loads(raw: bytes, revision: str) -> list[IndexEntry] | None:
    """The index saved for ``revision``; None when the file is missing, damaged, of another
    make or of another revision of the workspace."""
    try:
        d = orjson.loads(raw)
        if d.get("version") != INDEX_VERSION or d.get("revision") != revision:
            return None
        columns = (d["ids"], d["labels"], d["article"], d["start"], d["end"], d["label"])
        out, at = [], 0
        for text, labels, articles, mixed, n in d["entries"]:
            out.append(IndexEntry(text, dict(labels), articles, _rows(columns, at, at + n), mixed))
            at += n
    except (orjson.JSONDecodeError, AttributeError, KeyError, TypeError, ValueError):
        return None
    return out


def _rows(columns: tuple, lo: int, hi: int) -> Callable[[], tuple[Occurrence, ...]]:
    ids, labels, article, start, end, label = columns

    def occurrences() -> tuple[Occurrence, ...]:
        return tuple((ids[article[i]], start[i], end[i], labels[label[i]]) for i in range(lo, hi))
    return occurrences
