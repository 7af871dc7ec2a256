"""Decisions that propagate: what the analyst decided about a name, as spaCy phrase patterns.

Each decision on an entity (accept, relabel, add: the name is that label; reject: the
name is no entity) updates one pattern per exact text: the latest decision wins, and the
pattern counts the decisions behind it. The patterns then apply wherever that text is
suggested or missed, through spaCy's ``PhraseMatcher``:

- a pending suggestion on exactly the text takes the pattern's label, or goes (reject);
- where nothing overlaps the text, a pending suggestion is added (origin ``learned``);
- a suggestion that only overlaps the text (a longer or shorter name) is left alone.

Kept as Prodigy-style ``patterns.jsonl`` lines, ``{"label": "ORG", "pattern": "ONDCP"}``,
with readtui's count (``decisions``) beside; a rejection is a line with ``"label": null``,
which Prodigy skips. Pure: no UI, no store.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any, Iterable, Iterator, Mapping, Sequence

from ..model import Annotation, new_id

MAX_PATTERN_CHARS = 200


@dataclass(frozen=True)
class Pattern:
    text: str
    label: str | None  # None: the analyst rejected this text as an entity
    decisions: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "pattern": self.text, "decisions": self.decisions}


def pattern_problem(d: Any) -> str:
    """Why a patterns.jsonl record is not one readtui can use ("" when it is)."""
    if not isinstance(d, dict):
        return "is not an object"
    text, label = d.get("pattern"), d.get("label")
    if not isinstance(text, str) or not text.strip():
        return "has no \"pattern\" string (token patterns are not supported; use a phrase)"
    if len(text) > MAX_PATTERN_CHARS or text != text.strip():
        return "has a pattern too long or with spaces around it"
    if label is not None and (not isinstance(label, str) or not label.strip()):
        return "has a \"label\" that is not a string"
    n = d.get("decisions", 1)
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        return "has \"decisions\" that is not a positive whole number"
    return ""


class Patterns:
    """The learned patterns of a workspace, one per exact text."""

    def __init__(self, items: Iterable[Pattern] = ()):
        self._by_text: dict[str, Pattern] = {}
        for p in items:
            self._by_text[p.text] = p
        self._matcher: Any = None

    def __len__(self) -> int:
        return len(self._by_text)

    def __iter__(self) -> Iterator[Pattern]:
        return iter(self._by_text.values())

    def get(self, text: str) -> Pattern | None:
        return self._by_text.get(text)

    def decide(self, text: str, label: str | None) -> tuple[Pattern | None, Pattern]:
        """Record one decision; (the pattern before, the pattern after)."""
        was = self._by_text.get(text)
        now = Pattern(text, label, (was.decisions if was else 0) + 1)
        self.put(text, now)
        return was, now

    def put(self, text: str, pattern: Pattern | None) -> None:
        """Set (or with None remove) the pattern for ``text``: how undo puts one back."""
        if pattern is None:
            self._by_text.pop(text, None)
        else:
            self._by_text[text] = pattern
        self._matcher = None

    # -- files -----------------------------------------------------------------------------

    def to_jsonl(self) -> str:
        return "".join(json.dumps(p.to_dict(), ensure_ascii=False) + "\n" for p in self)

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]]) -> "Patterns":
        return cls(Pattern(r["pattern"], r.get("label"), r.get("decisions", 1)) for r in records)

    # -- matching --------------------------------------------------------------------------

    def matches(self, doc, make_doc) -> list[tuple[int, int, Pattern]]:
        """(start, end, pattern) for every place a pattern's text occurs in ``doc``;
        ``make_doc`` is the tokenizer that made ``doc`` (patterns are cut the same way)."""
        if not self._by_text:
            return []
        if self._matcher is None or self._matcher.vocab is not doc.vocab:
            from spacy.matcher import PhraseMatcher

            matcher = PhraseMatcher(doc.vocab)
            for text in self._by_text:
                matcher.add(text, [make_doc(text)])
            self._matcher = matcher
        out = []
        for key, s, e in self._matcher(doc):
            p = self._by_text.get(doc.vocab.strings[key])
            if p is not None:
                span = doc[s:e]
                out.append((span.start_char, span.end_char, p))
        return sorted(out, key=lambda m: (m[0], -m[1]))  # the longest name first where two start together

    def apply(self, doc, make_doc, found: Sequence[tuple[int, int, str]]) -> list[tuple[int, int, str, bool]]:
        """The entities ``found`` in ``doc`` after the patterns (see the module's rules), as
        (start, end, label, learned): learned when a pattern set or added it."""
        spans = {(s, e): (label, False) for s, e, label in found}
        for s, e, p in self.matches(doc, make_doc):
            if (s, e) in spans:
                if p.label is None:
                    del spans[(s, e)]
                elif spans[(s, e)][0] != p.label:
                    spans[(s, e)] = (p.label, True)
            elif p.label is not None and not any(s < e2 and s2 < e for s2, e2 in spans):
                spans[(s, e)] = (p.label, True)
        return sorted((s, e, label, learned) for (s, e), (label, learned) in spans.items())


def follow(article_id: str, doc, make_doc, pattern: Pattern,
           anns: Sequence[Annotation]) -> tuple[list[Annotation], list[str]]:
    """What one decision does to an article not yet done (its parsed ``doc`` and its
    annotations): pending suggestions on the text relabelled or removed, the text
    suggested where nothing covers it. Reviewed annotations are never touched.
    Returns (annotations changed or added, ids removed)."""
    changed: list[Annotation] = []
    removed: list[str] = []
    entities = [a for a in anns if a.kind == "entity" and a.status != "rejected"]
    for s, e, _ in Patterns([pattern]).matches(doc, make_doc):
        same = [a for a in entities if (a.start, a.end) == (s, e)]
        if same:
            a = same[0]
            if a.status != "pending":
                continue
            if pattern.label is None:
                removed.append(a.id)
            elif a.label != pattern.label:
                changed.append(replace(a, label=pattern.label, origin="learned"))
        elif pattern.label is not None and not any(a.start < e and s < a.end for a in entities):
            added = Annotation(id=new_id(), article_id=article_id, kind="entity",
                               start=s, end=e, label=pattern.label, text=doc.text[s:e],
                               origin="learned", status="pending")
            changed.append(added)
            entities.append(added)
    return changed, removed
