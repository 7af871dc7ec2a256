"""Who said a quote, and how the analyst cites it: the speaker picker's candidates,
names resolved within an article, and what ``c`` copies. Pure domain code."""

from __future__ import annotations

import re
from typing import Sequence

from .model import Annotation, Article, Speaker

SPEAKER_LABELS = ("PERSON", "ORG")  # who says things; other labels only on request


def _distance(a: Annotation, quote: Annotation) -> int:
    return quote.start - a.end if a.end <= quote.start else a.start - quote.end


def speaker_candidates(annotations: Sequence[Annotation], quote: Annotation, *, text: str = "",
                       all_labels: bool = False) -> list[Annotation]:
    """Who may have said ``quote``: entities (accepted or pending) outside it, one per text,
    the most likely first (``likely_speaker``), then nearest first; people and
    organisations only unless ``all_labels``, and then they still come first."""
    found = [a for a in annotations if a.kind == "entity" and a.status != "rejected"
             and (all_labels or a.label in SPEAKER_LABELS)
             and (a.end <= quote.start or a.start >= quote.end)]  # never a mention inside the quote
    likely = likely_speaker(found, quote, text)
    found.sort(key=lambda a: (a is not likely, a.label not in SPEAKER_LABELS, _distance(a, quote), a.start))
    seen: set[str] = set()
    out = []
    for a in found:
        key = a.text.casefold()
        if key not in seen:
            seen.add(key)
            out.append(a)
    return out


# titles that are no part of who a person is ("Sen. Sara Carter" is Carter)
TITLE_WORDS = frozenset(
    """
    mr. mr mrs. mrs ms. ms dr. dr prof. president sen. senator rep. gov. governor
    director ambassador secretary minister judge justice general gen. col. lt. capt.
    sgt. rev. chairman chairwoman chief mayor speaker
    """.split()
)


_QUOTE_MARKS = "\"\u201c\u201d\u00ab\u00bb"
_NOT_IN_A_NAME = re.compile(f"[:{_QUOTE_MARKS}]")


def clean_name(s: str) -> str:
    """A name without its possessive and the punctuation around it.  A name holds no
    colon or quotation mark: the tokenizer leaves "Lee:\"We" (a transcript label with no
    space) as one word, and the name ends where that label does."""
    s = _NOT_IN_A_NAME.split(s.strip(_QUOTE_MARKS + " "), maxsplit=1)[0].strip()
    for suffix in ("\u2019s", "'s", "\u2019", "'"):
        if s.endswith(suffix):
            s = s[: -len(suffix)]
            break
    return s.strip(" ,.;:")


def name_words(name: str) -> list[str]:
    """The words of a person's name that tell who it is: capitalised, no titles
    ("Sen. Sara Carter's" -> Sara, Carter)."""
    return [w for w in clean_name(name).split() if w[:1].isupper() and w.lower() not in TITLE_WORDS]


def fullest_name(mention: str, people) -> str:
    """The longest of ``people`` (names of the article's persons) that is the same
    person as ``mention`` by its last name word ("Mr. Carter's" -> "Sara Carter"), else
    the mention without its possessive.  The speaker picker and the quote finder
    (tui.quotes) share this rule."""
    words = name_words(mention)
    best = clean_name(mention)
    if not words:
        return best
    last = words[-1].lower()
    for name in people:
        full = clean_name(name)
        if len(full) > len(best) and last in (w.lower() for w in name_words(full)):
            best = full
    return best


def likely_speaker(mentions: Sequence[Annotation], quote: Annotation, text: str = "") -> Annotation | None:
    """The nearest person or organisation before the quote, else the nearest after it:
    first within the quote's sentence, where the attribution usually is ("…," said
    Carter), then its paragraph, then anywhere (the paragraph needs the article's ``text``)."""
    people = [a for a in mentions if a.label in SPEAKER_LABELS]
    for lo, hi in _surroundings(text, quote):
        near = [a for a in people if a.start >= lo and a.end <= hi]
        before = [a for a in near if a.end <= quote.start]
        if before:
            return max(before, key=lambda a: a.end)
        after = [a for a in near if a.start >= quote.end]
        if after:
            return min(after, key=lambda a: a.start)
    return None


def _surroundings(text: str, quote: Annotation) -> list[tuple[int, int]]:
    """The quote's sentence, its paragraph, the whole text, as (start, end) offsets."""
    whole = (0, max(len(text), quote.end) if text else 1 << 62)
    if not text:
        return [whole]
    par_lo = text.rfind("\n", 0, quote.start) + 1
    par_hi = text.find("\n", quote.end)
    par_hi = len(text) if par_hi < 0 else par_hi
    sent_lo = max(par_lo, max(text.rfind(m, par_lo, quote.start) for m in (". ", "? ", "! ")) + 2)
    ends = [i for i in (text.find(m, quote.end, par_hi) for m in (". ", "? ", "! ")) if i >= 0]
    sent_hi = min(ends) + 1 if ends else par_hi
    return [(sent_lo, sent_hi), (par_lo, par_hi), whole]


def same_speaker(mention: Annotation, speaker: Speaker | None) -> bool:
    """Whether ``mention`` is the quote's current speaker (same place, else same words)."""
    if speaker is None:
        return False
    if speaker.has_mention:
        return (mention.start, mention.end) == (speaker.start, speaker.end)
    return mention.text.casefold() in (speaker.text.casefold(), speaker.name.casefold())


def resolve_name(annotations: Sequence[Annotation], mention: Annotation) -> str:
    """The fullest name for a mention: "Carter" -> "Sara Carter" when the article has both."""
    if mention.label != "PERSON":
        return mention.text
    return _fullest(annotations, mention.text)


def _fullest(annotations: Sequence[Annotation], text: str) -> str:
    """The fullest name of the article's people for ``text`` (the finder's rule)."""
    people = [a.text for a in annotations if a.kind == "entity" and a.label == "PERSON" and a.status != "rejected"]
    return fullest_name(text, people)


def speaker_for(annotations: Sequence[Annotation], mention: Annotation) -> Speaker:
    return Speaker(mention.start, mention.end, mention.text, resolve_name(annotations, mention))


def speaker_from_selection(annotations: Sequence[Annotation], text: str, start: int, end: int) -> Speaker:
    """A new speaker mention the analyst selected in the text, its name resolved like a person's."""
    words = " ".join(text[start:end].split())
    return Speaker(start, end, text[start:end], _fullest(annotations, words))


def named_speaker(name: str) -> Speaker | None:
    """A speaker the analyst typed: a resolved name with no mention in the text."""
    name = " ".join(name.split())
    return Speaker(None, None, "", name) if name else None


QUOTE_MARKS = "\"'“”‘’«»„"


def attribution(article: Article, ann: Annotation) -> str:
    """What ``c`` copies: an entity's text, or a quote with its attribution.

    ``“…” — Sara Carter (IANS, 2026-01-28)``
    """
    if ann.kind != "quote":
        return ann.text
    body = ann.text.strip().strip(QUOTE_MARKS).strip()
    who = ""
    if ann.speaker is not None:
        who = ann.speaker.name or ann.speaker.text
    where = ", ".join(x for x in (article.source, article.published[:10]) if x)
    out = f"“{body}”"
    if who:
        out += f" — {who}"
    if where:
        out += f" ({where})"
    return out
