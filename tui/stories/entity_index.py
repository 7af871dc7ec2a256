"""The entity index: every entity text across the workspace with its labels and counts.

A text labelled differently in different articles ("Washington" GPE here, PERSON there)
is the usual source of inconsistent gold; those come first.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from bisect import insort
from itertools import repeat
from typing import Iterable, Mapping

import orjson

from .extracts import Extracts


Occurrence = tuple[str, int, int, str]  # (article, start, end, label)


@dataclass(frozen=True)
class IndexEntry:
    text: str
    labels: dict[str, int]  # label -> occurrences, most first
    articles: int
    # The occurrences, or where they stand in a kept index (``_Rows``): an index read back
    # from its file makes them only for the entry the analyst opens (400,000 tuples would
    # cost most of a second).
    found: "tuple[Occurrence, ...] | _Rows" = field(repr=False)
    mixed: bool  # given more than one label (in different articles, or within one)

    @property
    def occurrences(self) -> tuple[Occurrence, ...]:
        return self.found.occurrences() if isinstance(self.found, _Rows) else self.found

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
        for text, occ in found_in(aid, e):
            seen.setdefault(text, []).append(occ)
    merged: dict[str, list[Occurrence]] = {}
    for text, occ in seen.items():  # a few hundred distinct texts: spacing evened out here
        merged.setdefault(" ".join(text.split()), []).extend(occ)
    return _ordered([_entry(text, occ) for text, occ in merged.items()])


def found_in(aid: str, entry: dict) -> Iterable[tuple[str, Occurrence]]:
    """(text, occurrence) of each entity in one article's extracts entry."""
    ents = entry.get("entities") or {}
    return zip(ents.get("text", ()), zip(repeat(aid), ents.get("start", ()), ents.get("end", ()), ents.get("label", ())))


def _entry(text: str, occ: list[Occurrence]) -> IndexEntry:
    labels = Counter(o[3] for o in occ)
    ordered = dict(sorted(labels.items(), key=lambda kv: (-kv[1], kv[0])))
    return IndexEntry(text, ordered, len({o[0] for o in occ}), tuple(occ), len(labels) > 1)


def _ordered(entries: list[IndexEntry]) -> list[IndexEntry]:
    entries.sort(key=lambda x: (not x.mixed, -x.count, x.text.lower()))
    return entries


# --- kept beside the workspace --------------------------------------------------------------
#
# One row per occurrence, in columns, each entry a range of rows; and the fingerprint of
# every article it was made from. Opening the index reads this file alone (bench/ledger.py:
# a quarter of a second at 10,000 articles, against seconds to build it); after a save,
# only the entries of the articles that changed are made again (``patch``).

INDEX_VERSION = 2


class _Table:
    """The occurrence columns of a kept index: article and label as numbers into ``ids``
    and ``labels``."""

    def __init__(self, ids: list[str], labels: list[str], article: list[int], start: list[int],
                 end: list[int], label: list[int]):
        self.ids, self.labels = ids, labels
        self.article, self.start, self.end, self.label = article, start, end, label


class _Rows:
    """One entry's rows in a table: made into occurrences only when asked."""

    __slots__ = ("table", "lo", "hi")

    def __init__(self, table: _Table, lo: int, hi: int):
        self.table, self.lo, self.hi = table, lo, hi

    def occurrences(self) -> tuple[Occurrence, ...]:
        t = self.table
        return tuple((t.ids[t.article[i]], t.start[i], t.end[i], t.labels[t.label[i]]) for i in range(self.lo, self.hi))


class KeptIndex:
    """The index as its file holds it, and the articles (by fingerprint) it was made from."""

    def __init__(self, entries: list[IndexEntry], made_from: Mapping[str, list]):
        self.entries = entries
        self.made_from = dict(made_from)

    def dumps(self) -> bytes:
        ids: dict[str, int] = {}
        labels: dict[str, int] = {}
        article: list[int] = []
        start: list[int] = []
        end: list[int] = []
        label: list[int] = []
        remaps: dict[int, tuple[list[int], list[int]] | None] = {}  # a kept table's numbers -> ours
        base = next((e.found.table for e in self.entries if isinstance(e.found, _Rows)), None)
        if base is not None:  # numbered as the kept table is: its rows are copied as they are
            ids.update((a, i) for i, a in enumerate(base.ids))
            labels.update((x, i) for i, x in enumerate(base.labels))
            remaps[id(base)] = None
        entries = []
        for e in self.entries:
            found = e.found
            if isinstance(found, _Rows):  # rows of a kept table: copied column by column
                t, lo, hi = found.table, found.lo, found.hi
                if id(t) not in remaps:
                    remaps[id(t)] = ([ids.setdefault(a, len(ids)) for a in t.ids],
                                     [labels.setdefault(x, len(labels)) for x in t.labels])
                remap = remaps[id(t)]
                if remap is None:
                    article.extend(t.article[lo:hi])
                    label.extend(t.label[lo:hi])
                else:
                    article.extend([remap[0][a] for a in t.article[lo:hi]])
                    label.extend([remap[1][x] for x in t.label[lo:hi]])
                start.extend(t.start[lo:hi])
                end.extend(t.end[lo:hi])
                n = hi - lo
            else:  # column by column: a patched entry may hold a quarter of a million
                columns = [[o[k] for o in found] for k in range(4)]  # (zip(*found) is slower at this size)
                for a in dict.fromkeys(columns[0]):
                    ids.setdefault(a, len(ids))
                for x in dict.fromkeys(columns[3]):
                    labels.setdefault(x, len(labels))
                article.extend(map(ids.__getitem__, columns[0]))
                start.extend(columns[1])
                end.extend(columns[2])
                label.extend(map(labels.__getitem__, columns[3]))
                n = len(found)
            entries.append([e.text, list(e.labels.items()), e.articles, e.mixed, n])
        return orjson.dumps({"version": INDEX_VERSION, "made_from": self.made_from, "ids": list(ids),
                             "labels": list(labels), "entries": entries, "article": article, "start": start,
                             "end": end, "label": label})

    @classmethod
    def loads(cls, raw: bytes) -> "KeptIndex | None":
        """The kept index; None when the file is missing, damaged or of another make."""
        try:
            d = orjson.loads(raw)
            if d.get("version") != INDEX_VERSION:
                return None
            table = _Table(d["ids"], d["labels"], d["article"], d["start"], d["end"], d["label"])
            entries, at = [], 0
            for text, labels, articles, mixed, n in d["entries"]:
                entries.append(IndexEntry(text, dict(labels), articles, _Rows(table, at, at + n), mixed))
                at += n
            return cls(entries, d["made_from"])
        except (orjson.JSONDecodeError, AttributeError, KeyError, TypeError, ValueError):
            return None

    def patch(self, fresh: Mapping[str, Iterable[tuple[str, Occurrence]]], made_from: Mapping[str, list],
              order: Mapping[str, int]) -> None:
        """Bring the index to ``made_from``: the occurrences of every article changed or gone
        since are dropped, those of ``fresh`` (article -> (text, occurrence) pairs, the
        articles changed or new) added; only the entries they touch are made again."""
        drop = {a for a, fp in self.made_from.items() if made_from.get(a) != fp}
        added: dict[str, list[Occurrence]] = {}
        for occ in fresh.values():
            for text, o in occ:
                added.setdefault(" ".join(text.split()), []).append(o)
        numbers: dict[int, set[int]] = {}  # a kept table -> its numbers of the dropped articles

        def place(o: Occurrence) -> tuple[int, int]:
            return (order.get(o[0], -1), o[1])

        def holds(e: IndexEntry) -> bool:
            found = e.found
            if not isinstance(found, _Rows):
                return any(o[0] in drop for o in found)
            t = found.table
            if id(t) not in numbers:
                numbers[id(t)] = {i for i, a in enumerate(t.ids) if a in drop}
            return not numbers[id(t)].isdisjoint(t.article[found.lo:found.hi])

        kept: list[IndexEntry] = []
        for e in self.entries:
            if e.text not in added and not (drop and holds(e)):
                kept.append(e)
                continue
            occ = [o for o in e.occurrences if o[0] not in drop]
            for o in added.pop(e.text, []):  # a few, into rows already in import order
                insort(occ, o, key=place)
            if occ:
                kept.append(_entry(e.text, occ))
        for text, occ in added.items():
            occ.sort(key=place)
            kept.append(_entry(text, occ))
        self.entries = _ordered(kept)
        self.made_from = dict(made_from)
