"""Adjudication's domain: the analysts' versions of one article, merged.

Annotations every analyst made identically (entities: offsets and label; quotes: offsets,
label and speaker, i.e. the mention's offsets and the resolved name, casefolded) are
**agreed**: they go into the gold as they are. The rest fall into **disagreements**:
clusters of overlapping annotations of one kind (entities apart from quotes, since quotes
contain entities), each holding every analyst's version of that stretch of text, an
empty one for an analyst who marked nothing there. The adjudication screen walks the
disagreements and settles each with ``take`` (one analyst's version) or ``keep_apart``
(every version's annotations that overlap no other), or by hand.

Pure functions: annotations in, annotations out.

The gold workspace (``gold_article``) holds the agreed annotations accepted and every
analyst's annotations of each disagreement as pending **candidates** (their annotator the
analyst); the article's ``meta["adjudication"]`` names the analysts, keeps their whole
versions (Prodigy's review shape, for the export) and which candidates make up which
disagreement. A disagreement is settled once none of its candidates is pending, so
settling one is an ordinary save of statuses (durable, undoable).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Mapping, Sequence

from ..model import Annotation, Article

ADJUDICATION = "adjudication"  # the gold article's meta key, and the gold workspace's setting

Key = tuple


def same_as(a: Annotation) -> Key:
    """What makes two analysts' annotations the same annotation."""
    if a.kind == "entity":
        return ("entity", a.start, a.end, a.label)
    sp = a.speaker
    mention = (sp.start, sp.end) if sp is not None and sp.has_mention else None
    name = sp.name.casefold() if sp is not None else ""
    return ("quote", a.start, a.end, a.label, mention, name)


@dataclass(frozen=True)
class Disagreement:
    """A stretch of text where the analysts' annotations of one kind differ."""

    kind: str
    start: int
    end: int
    versions: Mapping[str, tuple[Annotation, ...]]  # every analyst, in the order given; () = marked nothing

    @property
    def analysts(self) -> list[str]:
        return list(self.versions)


@dataclass
class Merge:
    agreed: list[Annotation] = field(default_factory=list)  # text order; the first analyst's copy
    disagreements: list[Disagreement] = field(default_factory=list)  # text order


def merge(versions: Mapping[str, Sequence[Annotation]]) -> Merge:
    """The analysts' versions (name -> their accepted annotations on one article), merged."""
    names = list(versions)
    keys = {n: {} for n in names}  # name -> key -> annotation (an annotation made twice counts once)
    for n in names:
        for a in versions[n]:
            keys[n].setdefault(same_as(a), a)
    everyone = set.intersection(*(set(k) for k in keys.values())) if names else set()
    out = Merge(agreed=sorted((keys[names[0]][k] for k in everyone), key=_text_order))
    rest = [(n, a) for n in names for k, a in keys[n].items() if k not in everyone]
    for kind in ("entity", "quote"):
        out.disagreements += _clusters([(n, a) for n, a in rest if a.kind == kind], kind, names)
    out.disagreements.sort(key=lambda d: (d.start, d.end, d.kind))
    return out


def _text_order(a: Annotation) -> tuple:
    return (a.start, -a.end, a.kind, a.label, a.id)


def _clusters(marked: list[tuple[str, Annotation]], kind: str, names: list[str]) -> list[Disagreement]:
    """Overlapping annotations (a chain of overlaps included) as one disagreement each."""
    marked.sort(key=lambda na: _text_order(na[1]))
    out: list[Disagreement] = []
    group: list[tuple[str, Annotation]] = []
    end = -1
    for n, a in marked + [("", None)]:  # type: ignore[list-item]
        if group and (a is None or a.start >= end):
            start = min(x.start for _, x in group)
            out.append(Disagreement(kind, start, end, {
                name: tuple(x for who, x in group if who == name) for name in names}))
            group, end = [], -1
        if a is not None:
            group.append((n, a))
            end = max(end, a.end)
    return out


def take(d: Disagreement, analyst: str) -> list[Annotation]:
    """The disagreement settled by one analyst's version."""
    return list(d.versions[analyst])


def keep_apart(d: Disagreement) -> list[Annotation]:
    """Every annotation of any version that overlaps no annotation of another version
    (once, when several analysts made it); what does overlap is left out."""
    every = [(n, a) for n, anns in d.versions.items() for a in anns]
    kept: dict[Key, Annotation] = {}
    for n, a in every:
        clash = any(m != n and b.start < a.end and a.start < b.end and same_as(b) != same_as(a) for m, b in every)
        if not clash:
            kept.setdefault(same_as(a), a)
    return sorted(kept.values(), key=_text_order)


def gold(m: Merge, settled: Iterable[Sequence[Annotation]]) -> list[Annotation]:
    """The article's gold: the agreed annotations and each disagreement as settled."""
    return sorted([*m.agreed, *(a for s in settled for a in s)], key=_text_order)


# --- the gold workspace -------------------------------------------------------------

def gold_article(article: Article, versions: Mapping[str, Sequence[Annotation]],
                 adjudicator: str) -> tuple[Article, list[Annotation]]:
    """The article as the gold holds it: agreed annotations accepted (by the adjudicator),
    each disagreement's versions as pending candidates, the versions in its meta. Done
    already when the analysts agree on everything."""
    m = merge(versions)
    # Ids by place (an article's ids need only differ from one another): the same work gives
    # the same gold, and manual annotations (tui.model.new_id) never take one of these.
    anns = [replace(a, id=f"agreed-{k}", article_id=article.id, status="accepted", annotator=adjudicator)
            for k, a in enumerate(m.agreed)]
    held = []
    for i, d in enumerate(m.disagreements):
        ids: dict[str, list[str]] = {}
        for n, (name, version) in enumerate(d.versions.items()):
            candidates = [replace(a, id=f"d{i}-{n}-{k}", article_id=article.id, status="pending", annotator=name)
                          for k, a in enumerate(version)]
            anns += candidates
            ids[name] = [a.id for a in candidates]
        held.append({"kind": d.kind, "start": d.start, "end": d.end, "candidates": ids})
    meta = {**article.meta, ADJUDICATION: {
        "analysts": list(versions), "adjudicator": adjudicator,
        "versions": [prodigy_version(name, anns_of) for name, anns_of in versions.items()],
        "disagreements": held}}
    state = "new" if held else "done"
    return replace(article, meta=meta, state=state, state_time=""), anns


def prodigy_version(analyst: str, annotations: Sequence[Annotation]) -> dict[str, Any]:
    """One analyst's version of an article as Prodigy's ``review`` keeps it under ``versions``."""
    anns = sorted(annotations, key=_text_order)
    spans = [{"start": a.start, "end": a.end, "label": a.label, "text": a.text} for a in anns if a.kind == "entity"]
    quotes = []
    for a in anns:
        if a.kind == "quote":
            sp = a.speaker
            quotes.append({"start": a.start, "end": a.end, "label": a.label, "text": a.text,
                           "speaker": {"start": sp.start, "end": sp.end, "text": sp.text, "name": sp.name}
                           if sp is not None and sp.has_mention else None,
                           "speaker_name": (sp.name or sp.text or None) if sp is not None else None})
    return {"_annotator_id": analyst, "_session_id": analyst, "sessions": [analyst], "answer": "accept",
            "spans": spans, "quotes": quotes}


def held(meta: Mapping[str, Any], annotations: Mapping[str, Annotation]) -> list[Disagreement]:
    """The gold article's disagreements, each version its candidates as they are now (a
    candidate since removed is left out); [] for an article that is not a gold one."""
    record = meta.get(ADJUDICATION)
    if not isinstance(record, Mapping):
        return []
    out = []
    for d in record.get("disagreements") or ():
        versions = {name: tuple(annotations[i] for i in ids if i in annotations)
                    for name, ids in (d.get("candidates") or {}).items()}
        out.append(Disagreement(d["kind"], d["start"], d["end"], versions))
    return out


def settled(d: Disagreement) -> bool:
    """No candidate of the disagreement is pending any more."""
    return all(a.status != "pending" for version in d.versions.values() for a in version)
