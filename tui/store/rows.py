"""An article's summary row in ``workspace.json``: what the list, the stats and the legend need."""

from __future__ import annotations

from typing import Any, Iterable

from ..model import (
    Annotation,
    Article,
)


def _check_annotation_doc(doc: Any, ann_id: Any) -> None:
    """Refuse a stored annotation that is not one (its offsets and label the reader relies on)."""
    if not isinstance(doc, dict) or doc.get("id") != ann_id or not isinstance(ann_id, str):
        raise ValueError(f"annotation {ann_id!r:.40} is malformed")
    for key in ("start", "end"):
        if type(doc.get(key)) is not int:
            raise ValueError(f"annotation {ann_id!r:.40}: {key} {doc.get(key)!r:.40} is not an integer")
    if not isinstance(doc.get("label"), str):
        raise ValueError(f"annotation {ann_id!r:.40}: label {doc.get('label')!r:.40} is not a string")


def summarize(article: Article, annotations: Iterable[Annotation], *, suggested: bool) -> dict:
    """The article's row in ``workspace.json``: what the articles list and stats need."""
    counts: dict[str, dict[str, int]] = {}
    total = reviewed = 0
    for a in annotations:
        by = counts.setdefault(a.label, {})
        by[a.status] = by.get(a.status, 0) + 1
        total += 1
        reviewed += a.status != "pending"
    return {
        "id": article.id, "title": article.title, "source": article.source,
        "published": article.published, "dateline": article.dateline, "path": article.path,
        "hash": article.hash, "state": article.state, "state_time": article.state_time,
        "words": len(article.text.split()),
        "annotations": total, "reviewed": reviewed, "counts": counts, "suggested": suggested,
    }


def recount(row: dict, before: Iterable[Annotation], after: Iterable[Annotation], *,
            state: str, state_time: str, suggested: bool) -> dict:
    """``row`` with the annotations ``before`` replaced by ``after`` in its counts."""
    counts = {label: dict(c) for label, c in (row.get("counts") or {}).items()}
    total, reviewed = row.get("annotations", 0), row.get("reviewed", 0)
    for sign, anns in ((-1, before), (1, after)):
        for a in anns:
            by = counts.setdefault(a.label, {})
            by[a.status] = by.get(a.status, 0) + sign
            if not by[a.status]:
                del by[a.status]
                if not by:
                    del counts[a.label]
            total += sign
            reviewed += sign * (a.status != "pending")
    # "rev" counts the article's saves: what an index derived from it (tui.stories) checks.
    return {**row, "counts": counts, "annotations": total, "reviewed": reviewed,
            "state": state, "state_time": state_time, "suggested": suggested, "rev": row.get("rev", 0) + 1}
