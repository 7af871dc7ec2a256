"""Who said a quote, and how the analyst cites it: the speaker picker's candidates,
names resolved within an article, and what ``c`` copies. Pure domain code."""

from __future__ import annotations

from typing import Sequence

from .model import Annotation, Article, Speaker

SPEAKER_LABELS = ("PERSON", "ORG", "NORP", "GPE")


def speaker_candidates(annotations: Sequence[Annotation], quote: Annotation) -> list[Annotation]:
    """People and organisations (accepted or pending) nearest to ``quote`` first, one per text."""
    def distance(a: Annotation) -> int:
        if a.end <= quote.start:
            return quote.start - a.end
        if a.start >= quote.end:
            return a.start - quote.end
        return 0

    found = [a for a in annotations if a.kind == "entity" and a.status != "rejected"
             and a.label in SPEAKER_LABELS]
    found.sort(key=lambda a: (distance(a), a.start))
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


def clean_name(s: str) -> str:
    """A name without its possessive and the punctuation around it."""
    s = s.strip()
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


def resolve_name(annotations: Sequence[Annotation], mention: Annotation) -> str:
    """The fullest name for a mention: "Carter" -> "Sara Carter" when the article has both."""
    if mention.label != "PERSON":
        return mention.text
    people = [a.text for a in annotations if a.kind == "entity" and a.label == "PERSON" and a.status != "rejected"]
    return fullest_name(mention.text, people)


def speaker_for(annotations: Sequence[Annotation], mention: Annotation) -> Speaker:
    return Speaker(mention.start, mention.end, mention.text, resolve_name(annotations, mention))


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
