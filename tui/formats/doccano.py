"""doccano's JSONL: the quotes and speakers a doccano record carries (read) and the record
that both doccano project types import (written). See README, "doccano"."""

from __future__ import annotations

from typing import Any, Iterable

from ..model import (
    QUOTE_LABEL,
    Annotation,
    Article,
    Speaker,
)
from .checks import check_annotations
from .common import SPEAKER_LABEL, ExportError, ImportProblem, _text_order, article_meta


def _doccano_quotes(rec: dict, add: Any, where: str) -> None:
    """doccano's relation shape: QUOTE entities linked to their speaker by SPEAKER relations."""
    entities = [e for e in rec.get("entities") or [] if isinstance(e, dict)]
    if not all(isinstance(e.get("id"), (int, str, type(None))) for e in entities):
        raise ImportProblem(where, "an entity's id is not a string or an integer")
    ents = {e.get("id"): e for e in entities}
    meta = rec.get("meta") if isinstance(rec.get("meta"), dict) else {}
    names = meta.get("speaker_names") if isinstance(meta.get("speaker_names"), dict) else {}
    speakers = {}
    for r in rec.get("relations") or []:
        if isinstance(r, dict) and r.get("type") == "SPEAKER" \
                and isinstance(r.get("from_id"), (int, str)) and isinstance(r.get("to_id"), (int, str)):
            speakers[r.get("from_id")] = ents.get(r.get("to_id"))
    for eid, e in ents.items():
        if e.get("label") != QUOTE_LABEL:
            continue
        sp = speakers.get(eid)
        name = names.get(str(eid)) or ""
        speaker = Speaker(sp.get("start_offset"), sp.get("end_offset"), "", name) if sp else \
            (Speaker(name=name) if name else None)
        add("quote", e.get("start_offset"), e.get("end_offset"), QUOTE_LABEL, speaker=speaker)


def doccano_record(article: Article, annotations: Iterable[Annotation], *, check: bool = True) -> dict[str, Any]:
    """One article in doccano's shapes: ``label`` (entities) and ``entities``/``relations``."""
    anns = sorted(annotations, key=_text_order)
    if check:
        check_annotations(article, anns)
    entities: list[dict[str, Any]] = []
    by_span: dict[tuple[int, int, str], int] = {}

    def entity(start: int, end: int, label: str) -> int:
        key = (start, end, label)
        if key not in by_span:
            by_span[key] = len(entities) + 1
            entities.append({"id": by_span[key], "label": label, "start_offset": start, "end_offset": end})
        return by_span[key]

    ents = [a for a in anns if a.kind == "entity"]
    label = [[a.start, a.end, a.label] for a in ents]
    ent_at: dict[tuple[int, int], int] = {}
    for a in ents:
        ent_at[(a.start, a.end)] = entity(a.start, a.end, a.label)
    relations: list[dict[str, Any]] = []
    names: dict[str, str] = {}
    for a in anns:
        if a.kind != "quote":
            continue
        qid = entity(a.start, a.end, a.label)
        sp = a.speaker
        if sp is None:
            continue
        if sp.name:
            names[str(qid)] = sp.name
        if sp.has_mention:
            to = ent_at.get((sp.start, sp.end)) or entity(sp.start, sp.end, SPEAKER_LABEL)  # type: ignore[arg-type]
            relations.append({"id": len(relations) + 1, "from_id": qid, "to_id": to, "type": SPEAKER_LABEL})
    meta = article_meta(article)
    if names:
        meta["speaker_names"] = names
    if check:
        text = article.text
        for e in entities:
            s, t = e["start_offset"], e["end_offset"]
            if not (0 <= s < t <= len(text)):
                raise ExportError(article.id, s, t, f"{e['label']} is outside the text")
    return {"id": article.id, "text": article.text, "label": label, "entities": entities,
            "relations": relations, "meta": meta}
