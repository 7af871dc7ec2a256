"""An article's summary row in ``workspace.json``: what the list, the stats and the legend need;
the rows of a workspace as columns (``Summary``) and the totals kept beside them."""

from __future__ import annotations

from typing import Any, Iterable

import orjson

from ..model import (
    REVIEW_STATES,
    STATUSES,
    Annotation,
    Article,
)
from .files import _dumps

SCHEMA_VERSION = 2  # 2: the summary rows as columns (``Summary``), the totals stored; 1: one row per article


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


def empty_totals() -> dict[str, Any]:
    return {"by_state": {s: 0 for s in REVIEW_STATES}, "annotations": 0, "reviewed": 0, "by_label": {}}


def account(totals: dict[str, Any], row: dict, sign: int) -> None:
    """Keep the workspace totals current as rows come and go (stats without a scan)."""
    state = row.get("state", "new")
    totals["by_state"][state] = totals["by_state"].get(state, 0) + sign
    totals["annotations"] += sign * row.get("annotations", 0)
    totals["reviewed"] += sign * row.get("reviewed", 0)
    for label, counts in (row.get("counts") or {}).items():
        agg = totals["by_label"].setdefault(label, {s: 0 for s in STATUSES})
        for status, n in counts.items():
            agg[status] = agg.get(status, 0) + sign * n


def check_totals(totals: Any) -> dict[str, Any]:
    """``totals`` as stored, refused (ValueError) unless it has the shape ``empty_totals`` gives."""
    if not isinstance(totals, dict) or not isinstance(totals.get("by_state"), dict) \
            or not isinstance(totals.get("by_label"), dict) \
            or not all(isinstance(c, dict) for c in totals["by_label"].values()) \
            or type(totals.get("annotations")) is not int or type(totals.get("reviewed")) is not int:
        raise ValueError("the totals are malformed")
    return totals


# The fields every summary row has (``summarize``), each kept as a column; a row's other
# keys (counts, rev, note …) are one JSON text beside them.
FIXED = ("id", "title", "source", "published", "dateline", "path", "hash", "state", "state_time",
         "words", "annotations", "reviewed", "suggested")
_FIXED = frozenset(FIXED)


class Summary:
    """Every article's summary row, in import order, held as columns.

    Performance trick (bench/scale.py and bench/store.py, a workspace of 100,000
    articles): one list per field, stored as such in ``workspace.json``'s ``summary``
    table, parses ten times faster than a dict per row (0.2 s against 2.4 s at 100,000
    rows) and leaves no per-row dicts for the garbage collector to walk during an
    accept. A row's other keys are one JSON text, decoded when the row is asked for.
    """

    def __init__(self) -> None:
        self.keys: list[int] = []  # the TinyDB doc id of each row (the journal's "row" key)
        self.cols: dict[str, list] = {f: [] for f in FIXED}
        self.rest: list[str | None] = []
        self.where: dict[str, int] = {}  # article id -> position; a dropped row's id is None
        self._hashes: dict[str, str] | None = None  # text hash -> article id, built when first asked

    @classmethod
    def from_table(cls, doc: Any) -> "Summary":
        """From the ``summary`` table's one document; ValueError/TypeError when malformed."""
        if not isinstance(doc, dict):
            raise TypeError("the summary is not a table")
        out = cls()
        keys, rest = doc.get("key"), doc.get("rest")
        cols = {f: doc.get(f) for f in FIXED}
        n = len(keys) if isinstance(keys, list) else -1
        if n < 0 or not isinstance(rest, list) or len(rest) != n \
                or not all(isinstance(c, list) and len(c) == n for c in cols.values()):
            raise ValueError("its columns are not lists of one length")
        if not all(type(k) is int for k in keys) or not all(type(a) is str for a in cols["id"]) \
                or not all(r is None or type(r) is str for r in rest):
            raise ValueError("a key, id or row is not what it should be")
        out.keys, out.cols, out.rest = keys, cols, rest
        out.where = {aid: i for i, aid in enumerate(cols["id"])}
        if len(out.where) != n:
            raise ValueError("an article id is there twice")
        return out

    def table(self) -> dict[str, list]:
        """The ``summary`` table's one document (dropped rows left out)."""
        live = [i for i, aid in enumerate(self.cols["id"]) if aid is not None]
        pick = (lambda c: c) if len(live) == len(self.keys) else (lambda c: [c[i] for i in live])
        return {"key": pick(self.keys), **{f: pick(c) for f, c in self.cols.items()}, "rest": pick(self.rest)}

    def __len__(self) -> int:
        return len(self.where)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self.where

    def ids(self, **where: Any) -> list[str]:
        """Article ids in import order; ``state="done"``, ``suggested=False`` … keep those whose field is that."""
        ids = self.cols["id"]
        picked = range(len(ids))
        for field, value in where.items():
            col = self.cols[field]
            picked = [i for i in picked if col[i] == value]
        return [ids[i] for i in picked if ids[i] is not None]

    def get(self, article_id: str) -> dict:
        """The row of ``article_id`` (KeyError when none); ValueError when its stored text is malformed."""
        return self._row(self.where[article_id])

    def rows(self) -> list[dict]:
        out = []
        for values in zip(*self.cols.values(), self.rest):  # a row at a time, five times quicker than _row
            if values[0] is not None:
                row = {f: v for f, v in zip(FIXED, values) if v is not None}
                if values[-1] is not None:
                    _more(row, values[-1])
                out.append(row)
        return out

    def _row(self, i: int) -> dict:
        row = {f: c[i] for f, c in self.cols.items() if c[i] is not None}
        if self.rest[i] is not None:
            _more(row, self.rest[i])
        return row

    def review(self, article_id: str) -> tuple[Any, Any, Any]:
        """The review state, its time and the note (None when there is none) of an article
        in the summary, without building its row: every article read asks (``_read_shard``)."""
        i = self.where[article_id]
        rest = self.rest[i]
        note = None
        if rest is not None and '"note"' in rest:
            more: dict = {}
            _more(more, rest)
            note = more.get("note")
        return self.cols["state"][i], self.cols["state_time"][i], note

    def key(self, article_id: str) -> int | None:
        i = self.where.get(article_id)
        return None if i is None else self.keys[i]

    def put(self, row: dict, key: int) -> None:
        aid = row["id"]
        if not isinstance(aid, str):
            raise TypeError(f"article id {aid!r:.40} is not a string")
        i = self.where.get(aid)
        if i is None:
            i = self.where[aid] = len(self.keys)
            self.keys.append(key)
            for c in self.cols.values():
                c.append(None)
            self.rest.append(None)
        elif self._hashes is not None:
            self._hashes.pop(self.cols["hash"][i], None)
        self.keys[i] = key
        for f, c in self.cols.items():
            c[i] = row.get(f)
        more = {k: v for k, v in row.items() if k not in _FIXED}
        self.rest[i] = _dumps(more) if more else None
        if self._hashes is not None and row.get("hash"):
            self._hashes[row["hash"]] = aid

    def drop(self, key: int) -> dict | None:
        """Remove the row stored under ``key``; returns it (None when there was none)."""
        for aid, i in self.where.items():
            if self.keys[i] == key:
                row = self._row(i)
                del self.where[aid]
                self.cols["id"][i] = None
                if self._hashes is not None:
                    self._hashes.pop(row.get("hash"), None)
                return row
        return None

    def find_hash(self, text_hash: str) -> str | None:
        if self._hashes is None:
            ids, hashes = self.cols["id"], self.cols["hash"]
            self._hashes = {h: ids[i] for i, h in enumerate(hashes) if h and ids[i] is not None}
        return self._hashes.get(text_hash)


def _more(row: dict, rest: str) -> None:
    """``row`` with the keys its JSON text ``rest`` holds (counts, rev, note: no number past
    64 bits, so orjson reads it as json would)."""
    more = orjson.loads(rest)
    if not isinstance(more, dict):
        raise ValueError(f"the row of {row.get('id')!r:.40} is malformed")
    row.update(more)


def table_rows(data: dict) -> list[dict]:
    """The summary rows of a ``workspace.json`` read as JSON, in either layout (the
    ``summary`` columns, or schema 1's ``articles`` table of one row per article)."""
    doc = (data.get("summary") or {}).get("1")
    if doc is not None:
        return Summary.from_table(doc).rows()
    rows = data.get("articles") or {}
    return [r for _, r in sorted(rows.items(), key=lambda kv: int(kv[0])) if isinstance(r, dict)]
