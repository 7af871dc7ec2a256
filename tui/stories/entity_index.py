"""The entity index: every entity text across the workspace with its labels and counts.

A text labelled differently in different articles ("Washington" GPE here, PERSON there)
is the usual source of inconsistent gold; those come first.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import repeat

from .extracts import Extracts


@dataclass(frozen=True)
class IndexEntry:
    text: str
    labels: dict[str, int]  # label -> occurrences, most first
    articles: int
    occurrences: tuple[tuple[str, int, int, str], ...]  # (article, start, end, label)
    mixed: bool  # given more than one label (in different articles, or within one)

    @property
    def count(self) -> int:
        return len(self.occurrences)

    def to_dict(self) -> dict:
        return {"text": self.text, "labels": self.labels, "count": self.count, "articles": self.articles,
                "mixed": self.mixed,
                "occurrences": [{"article": a, "start": s, "end": e, "label": lab}
                                for a, s, e, lab in self.occurrences]}


def entity_index(extracts: Extracts) -> list[IndexEntry]:
    """Texts labelled differently across articles first, then by occurrences."""
    seen: dict[str, list[tuple[str, int, int, str]]] = {}
    for aid, e in extracts:
        ents = e.get("entities") or {}
        texts = ents.get("text", ())
        for occ, text in zip(zip(repeat(aid), ents.get("start", ()), ents.get("end", ()), ents.get("label", ())), texts):
            seen.setdefault(text, []).append(occ)
    merged: dict[str, list[tuple[str, int, int, str]]] = {}
    for text, occ in seen.items():  # a few hundred distinct texts: spacing evened out here
        merged.setdefault(" ".join(text.split()), []).extend(occ)
    out = []
    for text, occ in merged.items():
        labels = Counter(o[3] for o in occ)
        ordered = dict(sorted(labels.items(), key=lambda kv: (-kv[1], kv[0])))
        out.append(IndexEntry(text, ordered, len({o[0] for o in occ}), tuple(occ), len(labels) > 1))
    out.sort(key=lambda x: (not x.mixed, -x.count, x.text.lower()))
    return out
