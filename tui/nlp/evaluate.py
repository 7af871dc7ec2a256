"""How good is the pre-annotator? Its suggestions scored against the analysts' gold.

Pure functions over articles and annotations; ``readtui stats`` prints the result.

Each reviewed annotation says what happened to a suggestion (``origin`` model or rules)
or that the analyst added one (``origin`` manual); ``original`` keeps what a changed
suggestion first said. Per label (the suggested label for suggestions, the final label
for additions):

- suggestion accepted unchanged (label, start, end as suggested): a true positive;
- suggestion changed (label or offsets) and accepted: the original is a false positive
  under its label, the corrected annotation a false negative under its label;
- suggestion rejected: a false positive;
- added by the analyst (manual, accepted): a false negative.

Pending annotations are not judged (counted as ``unreviewed``). A quote whose span was
kept but whose speaker was changed is a true positive for the span and counted in
``speaker_changed``. Only articles marked done count, unless ``all=True``: in an article
still under review, what the analyst has not added yet would look like precision.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from ..model import Annotation, Article, Speaker


def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


@dataclass
class LabelScore:
    label: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    suggested: int = 0  # suggestions reviewed (accepted, changed or rejected)
    changed: int = 0
    rejected: int = 0
    added: int = 0
    speaker_changed: int = 0

    @property
    def unchanged(self) -> int:
        return self.suggested - self.changed - self.rejected

    @property
    def precision(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None or p + r == 0:
            return None if p is None or r is None else 0.0
        return 2 * p * r / (p + r)

    def add(self, other: "LabelScore") -> None:
        for k in ("tp", "fp", "fn", "suggested", "changed", "rejected", "added", "speaker_changed"):
            setattr(self, k, getattr(self, k) + getattr(other, k))


@dataclass
class Evaluation:
    labels: dict[str, LabelScore] = field(default_factory=dict)
    articles: int = 0
    unreviewed: int = 0

    def label(self, name: str) -> LabelScore:
        if name not in self.labels:
            self.labels[name] = LabelScore(name)
        return self.labels[name]

    @property
    def total(self) -> LabelScore:
        """Micro-averaged over every label."""
        t = LabelScore("all")
        for s in self.labels.values():
            t.add(s)
        return t

    def ordered(self, first: Sequence[str] = ()) -> list[LabelScore]:
        order = [l for l in first if l in self.labels] + sorted(set(self.labels) - set(first))
        return [self.labels[l] for l in order]


def _speaker_key(sp: Any) -> tuple | None:
    if sp is None:
        return None
    if isinstance(sp, Mapping):
        return (sp.get("start"), sp.get("end"), sp.get("name") or "")
    if isinstance(sp, Speaker):
        return (sp.start, sp.end, sp.name or "")
    return None  # not a speaker: a file written elsewhere


def _was(orig: Mapping[str, Any], a: Annotation) -> tuple[str, int, int]:
    """What the suggestion said: label and offsets from ``original``, each where it has the
    right type (a file written elsewhere may hold anything there), else as it is now."""
    label, start, end = orig.get("label"), orig.get("start"), orig.get("end")
    return (label if isinstance(label, str) else a.label,
            start if type(start) is int else a.start, end if type(end) is int else a.end)


def score_annotation(ev: Evaluation, a: Annotation) -> None:
    if a.status == "pending":
        ev.unreviewed += 1
        return
    if a.origin == "manual":
        if a.status == "accepted":
            s = ev.label(a.label)
            s.fn += 1
            s.added += 1
        return
    orig = a.original or {}
    was = _was(orig, a)
    s = ev.label(was[0])
    s.suggested += 1
    if a.status == "rejected":
        s.fp += 1
        s.rejected += 1
    elif was == (a.label, a.start, a.end):
        s.tp += 1
        if a.kind == "quote" and "speaker" in orig and _speaker_key(orig["speaker"]) != _speaker_key(a.speaker):
            s.speaker_changed += 1
    else:
        s.fp += 1
        s.changed += 1
        ev.label(a.label).fn += 1


def evaluate(items: Iterable[tuple[Article, Sequence[Annotation]]], *, all: bool = False) -> Evaluation:
    """Per-label precision/recall/F1 of the suggestions against the accepted annotations."""
    ev = Evaluation()
    for article, anns in items:
        if not all and article.state != "done":
            continue
        ev.articles += 1
        for a in anns:
            score_annotation(ev, a)
    return ev
