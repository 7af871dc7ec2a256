"""Gold data out: readtui's JSONL record shape (first version; see issue 5)."""

from __future__ import annotations

from typing import Any, Iterable

from .model import Annotation, Article


def quote_record(a: Annotation) -> dict[str, Any]:
    sp = a.speaker
    speaker = None
    if sp is not None and sp.has_mention:
        speaker = {"start": sp.start, "end": sp.end, "text": sp.text}
    return {"start": a.start, "end": a.end, "text": a.text, "speaker": speaker,
            "speaker_name": (sp.name or sp.text) if sp else None}


def jsonl_record(article: Article, annotations: Iterable[Annotation]) -> dict[str, Any]:
    anns = sorted(annotations, key=lambda a: (a.start, a.end))
    return {
        "text": article.text,
        "meta": {"id": article.id, "title": article.title, "source": article.source,
                 "published": article.published, "dateline": article.dateline,
                 "path": article.path},
        "spans": [{"start": a.start, "end": a.end, "label": a.label, "text": a.text}
                  for a in anns if a.kind == "entity"],
        "quotes": [quote_record(a) for a in anns if a.kind == "quote"],
    }
