"""Two versions of a story side by side: which quotes survived word for word, which were
altered (trimmed, extended, words changed), which are only in one; whether the speaker
changed; the sentences and the entities only one of them holds."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Literal, Sequence

from ..model import Annotation, Article
from .text import content_words, sentences

Status = Literal["same", "altered", "only_a", "only_b"]
SpeakerStatus = Literal["same", "changed"]

# Two quotes are one quote in two versions when this share of the shorter one's words
# stand in the longer one in the same order (and at least MIN_SHARED of them).
QUOTE_MATCH = 0.5
MIN_SHARED = 3
# A sentence has a counterpart in the other version when one of its sentences holds
# this share of its content words.
SENTENCE_COVERED = 0.4
# Entities the comparison lists: who and what, not dates and numbers.
NAMED = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART"}

_WORD = re.compile(r"\w+(?:['’]\w+)*")
_SENTENCE_END = re.compile(r"[^\s\w]*?[.!?…]")


@dataclass(frozen=True)
class Passage:
    start: int
    end: int
    text: str

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class WordChange:
    """One difference between two quotes' wordings, as character spans in each article
    (an empty span where words were only added or only removed)."""

    kind: Literal["removed", "added", "changed"]
    a: tuple[int, int]
    b: tuple[int, int]


@dataclass(frozen=True)
class AlignedQuote:
    a: Annotation | None
    b: Annotation | None
    status: Status
    speaker: SpeakerStatus | None
    # For "altered": "trimmed" (words cut at an end), "extended" (words added at an end),
    # "words changed" (inside). For "same": "in part" when one cites whole sentences of the other.
    change: tuple[str, ...] = ()
    words: tuple[WordChange, ...] = ()

    def to_dict(self) -> dict:
        def side(q: Annotation | None) -> dict | None:
            return None if q is None else {"start": q.start, "end": q.end, "text": q.text}

        return {"a": side(self.a), "b": side(self.b), "status": self.status, "speaker": self.speaker,
                "change": list(self.change)}


@dataclass(frozen=True)
class Comparison:
    quotes: tuple[AlignedQuote, ...]
    sentences_only_a: tuple[Passage, ...]
    sentences_only_b: tuple[Passage, ...]
    entities_only_a: tuple[Passage, ...] = ()
    entities_only_b: tuple[Passage, ...] = ()
    labels: dict = field(default_factory=dict, compare=False)  # entity passage -> label

    def to_dict(self) -> dict:
        def ents(ps: Sequence[Passage]) -> list[dict]:
            return [{**p.to_dict(), "label": self.labels.get(p, "")} for p in ps]

        return {"quotes": [q.to_dict() for q in self.quotes],
                "sentences": {"only_a": [s.to_dict() for s in self.sentences_only_a],
                              "only_b": [s.to_dict() for s in self.sentences_only_b]},
                "entities": {"only_a": ents(self.entities_only_a), "only_b": ents(self.entities_only_b)}}


# --- quotes ----------------------------------------------------------------------

@dataclass(frozen=True)
class _Words:
    """A quote's words (lower-cased), where each stands, and which end a sentence."""

    words: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]
    ends: tuple[bool, ...]

    @classmethod
    def of(cls, q: Annotation) -> "_Words":
        ms = list(_WORD.finditer(q.text))
        ends = tuple(bool(_SENTENCE_END.match(q.text, m.end())) for m in ms)
        return cls(tuple(m.group().lower().replace("’", "'") for m in ms),
                   tuple((q.start + m.start(), q.start + m.end()) for m in ms), ends)


def _shared(a: _Words, b: _Words) -> int:
    return sum(block.size for block in SequenceMatcher(None, a.words, b.words, autojunk=False).get_matching_blocks())


def _whole_sentences(long: _Words, short: _Words) -> bool:
    """``short`` stands word for word in ``long``, cut at sentence ends."""
    n = len(short.words)
    for i in range(len(long.words) - n + 1):
        if long.words[i:i + n] == short.words and (i == 0 or long.ends[i - 1]) \
                and (i + n == len(long.words) or long.ends[i + n - 1]):
            return True
    return False


def _changes(a: _Words, b: _Words) -> tuple[tuple[str, ...], tuple[WordChange, ...]]:
    ops = SequenceMatcher(None, a.words, b.words, autojunk=False).get_opcodes()
    kinds: list[str] = []
    changes: list[WordChange] = []
    for n, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag == "equal":
            continue
        at_end = n == 0 or n == len(ops) - 1
        if tag == "delete":
            kinds.append("trimmed" if at_end else "words changed")
        elif tag == "insert":
            kinds.append("extended" if at_end else "words changed")
        else:
            kinds.append("words changed")
        changes.append(WordChange("removed" if tag == "delete" else "added" if tag == "insert" else "changed",
                                  _span(a, i1, i2), _span(b, j1, j2)))
    return tuple(dict.fromkeys(kinds)), tuple(changes)


def _span(w: _Words, i: int, j: int) -> tuple[int, int]:
    if i < j:
        return (w.spans[i][0], w.spans[j - 1][1])
    at = w.spans[i][0] if i < len(w.spans) else (w.spans[-1][1] if w.spans else 0)
    return (at, at)


def speaker_name(q: Annotation) -> str:
    sp = q.speaker
    return (sp.name or sp.text).strip() if sp else ""


_TITLES = {"the", "mr", "ms", "mrs", "dr", "director", "ambassador", "president", "sen", "senator",
           "rep", "gov", "governor", "minister", "prime", "secretary", "chief", "general"}


def same_speaker(x: str, y: str) -> bool:
    """One speaker named two ways: "Sara Carter" / "Director Carter" / "Carter"."""
    wx = [w for w in (w.lower() for w in _WORD.findall(x)) if w not in _TITLES]
    wy = [w for w in (w.lower() for w in _WORD.findall(y)) if w not in _TITLES]
    if not wx or not wy:
        return x.strip().lower() == y.strip().lower()
    return wx == wy or set(wx) <= set(wy) or set(wy) <= set(wx) or wx[-1] == wy[-1]


def _speaker(a: Annotation, b: Annotation) -> SpeakerStatus | None:
    x, y = speaker_name(a), speaker_name(b)
    if not x or not y:
        return None
    return "same" if same_speaker(x, y) else "changed"


def align_quotes(quotes_a: Sequence[Annotation], quotes_b: Sequence[Annotation]) -> list[AlignedQuote]:
    """Each quote of one version with its counterpart in the other (best first, one to one),
    in the order of version a, then the quotes only b holds in b's order."""
    wa, wb = [_Words.of(q) for q in quotes_a], [_Words.of(q) for q in quotes_b]
    scored = []
    for i, x in enumerate(wa):
        for j, y in enumerate(wb):
            # A quote the article repeats: the copy standing at the same place goes first.
            near = abs(i / len(wa) - j / len(wb)) / 100
            if x.words == y.words:
                scored.append((2.0 - near, i, j))
                continue
            shorter = min(len(x.words), len(y.words))
            if not shorter or not set(x.words) & set(y.words):
                continue
            shared = _shared(x, y)
            if shared >= MIN_SHARED and shared / shorter >= QUOTE_MATCH:
                scored.append((shared / max(len(x.words), len(y.words)) + shared / shorter - near, i, j))
    pair_of: dict[int, int] = {}
    taken: set[int] = set()
    for _, i, j in sorted(scored, reverse=True):
        if i not in pair_of and j not in taken:
            pair_of[i] = j
            taken.add(j)
    out: list[AlignedQuote] = []
    for i, qa in enumerate(quotes_a):
        j = pair_of.get(i)
        if j is None:
            out.append(AlignedQuote(qa, None, "only_a", None))
            continue
        qb, x, y = quotes_b[j], wa[i], wb[j]
        speaker = _speaker(qa, qb)
        if x.words == y.words:
            out.append(AlignedQuote(qa, qb, "same", speaker))
        elif _whole_sentences(x, y) or _whole_sentences(y, x):
            out.append(AlignedQuote(qa, qb, "same", speaker, ("in part",)))
        else:
            kinds, changes = _changes(x, y)
            out.append(AlignedQuote(qa, qb, "altered", speaker, kinds, changes))
    out += [AlignedQuote(None, qb, "only_b", None) for j, qb in enumerate(quotes_b) if j not in taken]
    return out


# --- sentences and entities ------------------------------------------------------

def sentences_only_in(text: str, other: str) -> list[Passage]:
    """Sentences of ``text`` with no counterpart in ``other`` (added, or removed there)."""
    theirs = [content_words(s.text) for s in sentences(other)]
    vocabulary = set().union(*theirs) if theirs else set()
    out = []
    for s in sentences(text):
        mine = content_words(s.text)
        if not mine:
            continue
        if len(mine) < 3:  # a dateline or a byline: kept when none of its words are there
            covered = bool(mine & vocabulary)
        else:
            covered = any(len(mine & t) >= SENTENCE_COVERED * len(mine) for t in theirs)
        if not covered:
            out.append(Passage(s.start, s.end, s.text))
    return out


def _entity_key(text: str) -> str:
    t = re.sub(r"['’]s$", "", text.strip())
    return " ".join(w.lower() for w in _WORD.findall(re.sub(r"^(?i:the)\s+", "", t)))


def entities_only_in(anns: Sequence[Annotation], other_anns: Sequence[Annotation],
                     other_text: str) -> tuple[list[Passage], dict[Passage, str]]:
    """Named entities of one version that the other neither marks nor mentions
    (a person counts as mentioned by surname)."""
    others = {_entity_key(a.text) for a in other_anns if a.kind == "entity" and a.status != "rejected"}
    surnames = {k.split()[-1] for k in others if k}
    said = " ".join(w.lower() for w in _WORD.findall(other_text))
    out: list[Passage] = []
    labels: dict[Passage, str] = {}
    seen: set[str] = set()
    for a in anns:
        if a.kind != "entity" or a.status == "rejected" or a.label not in NAMED:
            continue
        key = _entity_key(a.text)
        if not key or key in seen:
            continue
        seen.add(key)
        mentioned = key in others or f" {key} " in f" {said} " \
            or (a.label == "PERSON" and key.split()[-1] in surnames)
        if not mentioned:
            p = Passage(a.start, a.end, a.text)
            out.append(p)
            labels[p] = a.label
    return out, labels


def compare(a: Article, anns_a: Sequence[Annotation], b: Article, anns_b: Sequence[Annotation]) -> Comparison:
    """Version ``a`` against version ``b`` (rejected annotations left out)."""
    def quotes(anns: Sequence[Annotation]) -> list[Annotation]:
        return sorted((x for x in anns if x.kind == "quote" and x.status != "rejected"), key=lambda x: x.start)

    only_a, labels_a = entities_only_in(anns_a, anns_b, b.text)
    only_b, labels_b = entities_only_in(anns_b, anns_a, a.text)
    return Comparison(tuple(align_quotes(quotes(anns_a), quotes(anns_b))),
                      tuple(sentences_only_in(a.text, b.text)), tuple(sentences_only_in(b.text, a.text)),
                      tuple(only_a), tuple(only_b), {**labels_a, **labels_b})
