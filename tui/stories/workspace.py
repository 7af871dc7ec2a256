"""The stories, comparisons, ledger and index of a workspace: what the CLI and the
screens call. Each keeps its index beside the workspace (``Workspace.derived_path``) and
brings it up to date on the way: only articles new or changed since are read."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Sequence

from ..store import SaveFailed, Workspace, write_atomic
from . import ledger as ledger_file
from .compare import Comparison, compare
from .entity_index import IndexEntry, KeptIndex, entity_index, found_in
from .extracts import Extracts, extract, fingerprint, no_gc
from .ledger import CSV_COLUMNS, LedgerSpeaker, csv_rows, jsonl_lines, ledger
from .versions import Story, StoryIndex


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def _keep(path: Path, data: bytes) -> None:
    """Save a derived index; one that cannot be saved is rebuilt next time, no harm done."""
    try:
        write_atomic(path, data)
    except (SaveFailed, OSError):
        pass


def stories(ws: Workspace) -> list[Story]:
    """Stories of two or more articles, in import order of their first article."""
    path = ws.derived_path("stories")
    index = StoryIndex.loads(_read(path))
    rows = ws.rows()
    before = (set(index.hashes.items()), len(index.links))
    index.update([(r["id"], r.get("hash", "")) for r in rows], ws.texts)
    if (set(index.hashes.items()), len(index.links)) != before:
        _keep(path, index.dumps())
    return index.stories([r["id"] for r in rows])


def versions_of(ws: Workspace, article_id: str) -> tuple[str, ...]:
    """The other versions of an article ("2 other versions"), in import order."""
    for story in stories(ws):
        if article_id in story.articles:
            return tuple(a for a in story.articles if a != article_id)
    return ()


def comparison(ws: Workspace, a: str, b: str) -> Comparison:
    """Article ``a`` against article ``b``; KeyError names an id the workspace lacks."""
    return compare(ws.article(a), ws.annotations(a), ws.article(b), ws.annotations(b))


def extracts(ws: Workspace) -> Extracts:
    path = ws.derived_path("extracts")
    ex = Extracts.loads(_read(path))
    ex.update(ws.rows(), ws.iter_articles)
    if ex.changed:
        _keep(path, ex.dumps())
    return ex


# More articles changed since the index was kept, and building it from the extracts is as quick.
PATCH_AT_MOST = 500


def _made_from(ws: Workspace) -> dict[str, list]:
    """Every article's fingerprint (text hash, save count, annotations): any save changes it."""
    return {r["id"]: fingerprint(r) for r in ws.rows()}


def quote_ledger(ws: Workspace) -> list[LedgerSpeaker]:
    """Read from the ledger kept for the workspace as it is; else made again from the
    quotes' own extracts (no entities: a tenth of the size), and kept."""
    path = ws.derived_path("ledger")
    made_from = _made_from(ws)
    with no_gc():
        kept = ledger_file.loads(_read(path), made_from)
        if kept is not None:
            return kept
        quotes_path = ws.derived_path("quote-extracts")
        ex = Extracts.loads(_read(quotes_path))
        ex.update(ws.rows(), ws.iter_articles, leave_out=("entities",))
        if ex.changed:
            _keep(quotes_path, ex.dumps())
        made = ledger(ex)
    _keep(path, ledger_file.dumps(made, made_from))
    return made


def entities(ws: Workspace) -> list[IndexEntry]:
    """Read from the index kept for the workspace as it is; after saves to a few articles,
    only their entries are made again; else built from the extracts. Kept either way."""
    path = ws.derived_path("entity-index")
    made_from = _made_from(ws)
    with no_gc():
        kept = KeptIndex.loads(_read(path))
        if kept is not None and kept.made_from == made_from:
            return kept.entries
        changed = [a for a, fp in made_from.items() if kept is not None and kept.made_from.get(a) != fp]
        if kept is not None and len(changed) <= PATCH_AT_MOST:
            fresh = {article.id: list(found_in(article.id, extract(article, anns, None)))
                     for article, anns in ws.iter_articles(changed)}
            kept.patch(fresh, made_from, {a: i for i, a in enumerate(made_from)})
        else:
            kept = KeptIndex(entity_index(extracts(ws)), made_from)
    _keep(path, kept.dumps())
    return kept.entries


def write_ledger(speakers: Sequence[LedgerSpeaker], *, csv_path: Path | None = None,
                 jsonl_path: Path | None = None) -> None:
    """The ledger as CSV (one row per quote) and/or JSONL (one line per quote), each file
    written whole or not at all. SaveFailed when the disk refuses."""
    if csv_path is not None:
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(CSV_COLUMNS)
        writer.writerows(csv_rows(speakers))
        write_atomic(csv_path, buf.getvalue())
    if jsonl_path is not None:
        write_atomic(jsonl_path, b"".join(jsonl_lines(speakers)))
