"""spaCy's ``DocBin``: one ``Doc`` per article, entities in ``doc.ents``, quotes and
speakers in ``doc.spans``, the links and metadata in ``doc.user_data["readtui"]``."""

from __future__ import annotations

from typing import Iterable

from ..model import (
    Annotation,
    Article,
)
from ..nlp.tokens import Tokenizer
from ..nlp.tokens import default_tokenizer as _default_tokenizer
from .checks import _spans, check_annotations
from .common import SPEAKER_LABEL, ExportError, _text_order, article_meta

QUOTES_KEY, SPEAKERS_KEY = "quotes", "speakers"  # doc.spans keys
USER_DATA_KEY = "readtui"


USER_DATA_VERSION = 1


def spacy_doc(article: Article, annotations: Iterable[Annotation], tokenizer: Tokenizer | None = None,
              *, check: bool = True):
    """One article as a spaCy Doc with ents, span groups and ``user_data`` (module docstring)."""
    from spacy.tokens import Span

    anns = sorted(annotations, key=_text_order)
    if check:
        check_annotations(article, anns)
    tok = tokenizer or _default_tokenizer()
    try:
        doc = tok.doc(article.text, _spans(anns), article.tokens)
    except ValueError as exc:
        raise ExportError(article.id, None, None, str(exc)) from None
    if doc.text != article.text:
        raise ExportError(article.id, None, None, "the tokens do not reproduce the text")

    def char_span(start: int, end: int, label: str) -> Span:
        s = doc.char_span(start, end, label=label, alignment_mode="strict")
        if s is None or s.text != article.text[start:end]:
            raise ExportError(article.id, start, end, f"{label}: no tokens start and end with the span")
        return s

    ents = [a for a in anns if a.kind == "entity"]
    for prev, a in zip(ents, ents[1:]):
        if a.start < prev.end:  # doc.ents cannot overlap (readtui never makes such entities)
            raise ExportError(article.id, a.start, a.end, f"entity {a.label} overlaps entity {prev.label} "
                              f"{prev.start}-{prev.end}; spaCy's doc.ents cannot hold both")
    doc.ents = [char_span(a.start, a.end, a.label) for a in ents]
    quotes, speakers, links = [], [], []
    speaker_at: dict[tuple[int, int], int] = {}
    for a in anns:
        if a.kind != "quote":
            continue
        quotes.append(char_span(a.start, a.end, a.label))
        sp = a.speaker
        index = None
        if sp is not None and sp.has_mention:
            key = (sp.start, sp.end)
            if key not in speaker_at:
                speaker_at[key] = len(speakers)
                speakers.append(char_span(sp.start, sp.end, SPEAKER_LABEL))  # type: ignore[arg-type]
            index = speaker_at[key]
        links.append({"id": a.id, "speaker": index, "speaker_name": sp.name if sp is not None else ""})
    doc.spans[QUOTES_KEY] = quotes
    doc.spans[SPEAKERS_KEY] = speakers
    doc.user_data[USER_DATA_KEY] = {
        "version": USER_DATA_VERSION, "meta": article_meta(article), "quotes": links,
        "entities": [{"id": a.id} for a in ents],
    }
    return doc


def speaker_of(doc, i: int):
    """The speaker span of ``doc.spans["quotes"][i]`` in a doc read from readtui's DocBin, or None."""
    link = doc.user_data[USER_DATA_KEY]["quotes"][i]
    return None if link["speaker"] is None else doc.spans[SPEAKERS_KEY][link["speaker"]]


# --- writing -------------------------------------------------------------------

# Line breaks to str.splitlines() (and to many JSONL readers) that JSON leaves unescaped.
