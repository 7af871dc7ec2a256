"""The entity index: every entity text across the workspace with its labels and counts.

A text labelled differently in different articles ("Washington" GPE here, PERSON there)
is the usual source of inconsistent gold; those come first.
"""

from __future__ import annotations

from dataclasses import dataclass

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
        for start, end, text, label in e.get("entities", ()):
            seen.setdefault(" ".join(text.split()), []).append((aid, start, end, label))
    out = []
    for text, occ in seen.items():
        labels: dict[str, int] = {}
        for _, _, _, label in occ:
            labels[label] = labels.get(label, 0) + 1
        mixed = len(labels) > 1
        ordered = dict(sorted(labels.items(), key=lambda kv: (-kv[1], kv[0])))
        out.append(IndexEntry(text, ordered, len({o[0] for o in occ}), tuple(occ), mixed))
    out.sort(key=lambda x: (not x.mixed, -x.count, x.text.lower()))
    return out
