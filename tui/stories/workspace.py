"""The stories, comparisons, ledger and index of a workspace: what the CLI and the
screens call. Each keeps its index beside the workspace (``Workspace.derived_path``) and
brings it up to date on the way: only articles new or changed since are read."""

from __future__ import annotations

from pathlib import Path

from ..store import SaveFailed, Workspace, write_atomic
from .compare import Comparison, compare
from .entity_index import IndexEntry, entity_index
from .extracts import Extracts, no_gc
from .ledger import LedgerSpeaker, ledger
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


def quote_ledger(ws: Workspace) -> list[LedgerSpeaker]:
    ex = extracts(ws)
    with no_gc():
        return ledger(ex)


def entities(ws: Workspace) -> list[IndexEntry]:
    ex = extracts(ws)
    with no_gc():
        return entity_index(ex)
