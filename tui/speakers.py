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


def resolve_name(annotations: Sequence[Annotation], mention: Annotation) -> str:
    """The fullest name for a mention: "Carter" -> "Sara Carter" when the article has both."""
    text = mention.text
    if mention.label != "PERSON":
        return text
    best = text
    for a in annotations:
        if (a.kind == "entity" and a.label == "PERSON" and a.status != "rejected"
                and len(a.text) > len(best) and a.text.split()[-1:] == text.split()[-1:]):
            best = a.text
    return best


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
