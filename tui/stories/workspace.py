"""The stories, comparisons, ledger and index of a workspace: what the CLI and the
screens call. Each keeps its index beside the workspace (``Workspace.derived_path``) and
brings it up to date on the way: only articles new or changed since are read."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path
from typing import Callable, Sequence, TypeVar

import orjson

from ..store import SaveFailed, Workspace, write_atomic
from . import entity_index as index_file, ledger as ledger_file
from .compare import Comparison, compare
from .entity_index import IndexEntry, entity_index
from .extracts import Extracts, fingerprint, no_gc
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


T = TypeVar("T")


def revision(rows: Sequence[dict]) -> str:
    """The workspace as the ledger and the index see it: every article's text hash, save
    count and annotation count. Any save changes it."""
    return hashlib.blake2b(orjson.dumps([[r["id"], *fingerprint(r)] for r in rows]), digest_size=16).hexdigest()


def _derived(ws: Workspace, name: str, build: Callable[[Extracts], T],
             dumps: Callable[[T, str], bytes], loads: Callable[[bytes, str], T | None]) -> T:
    """What ``build`` makes of the extracts, kept in its own file for the workspace's
    revision: opening the ledger or the index at 10,000 articles reads one file
    (bench/ledger.py; building from the extracts takes seconds), and any save rebuilds it."""
    path = ws.derived_path(name)
    rev = revision(ws.rows())
    with no_gc():
        kept = loads(_read(path), rev)
        if kept is not None:
            return kept
        made = build(extracts(ws))
    _keep(path, dumps(made, rev))
    return made


def quote_ledger(ws: Workspace) -> list[LedgerSpeaker]:
    return _derived(ws, "ledger", ledger, ledger_file.dumps, ledger_file.loads)


def entities(ws: Workspace) -> list[IndexEntry]:
    return _derived(ws, "entity-index", entity_index, index_file.dumps, index_file.loads)


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
