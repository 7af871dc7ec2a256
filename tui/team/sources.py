"""One analyst's annotations, read from a workspace (.json) or an exported JSONL.

What counts is what the export would write: articles marked done (every article with
``all``) and their accepted annotations (``tui.formats.gold``). The analyst is named by
the JSONL's ``_annotator_id`` (readtui writes the most frequent annotator of an
article's annotations there, and reading it back gives each annotation that name), else
by the workspace's or the file's name.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from ..formats import JSONL_SUFFIXES, ImportProblem, read_jsonl
from ..model import Annotation, Article
from ..store import Workspace, WorkspaceError
from .agreement import Marked, marked


class SourceError(ValueError):
    """A file that cannot be read as an analyst's work: one line for the user."""


def read_work(path: str | Path, *, all: bool = False) -> Marked:
    """What the analyst of ``path`` marked, as an export would write it (SourceError if unreadable)."""
    path, items, name = _items(path)
    annotators: Counter = Counter()

    def counted(items):
        for article, anns in items:
            annotators.update(a.annotator for a in anns if a.annotator)
            yield article, anns

    work = marked(name or "", counted(_exported(items, all=all)))
    if name is None:  # an export: its _annotator_id, which each annotation took on import
        work.name = annotators.most_common(1)[0][0] if annotators else path.stem
    work.path = str(path)
    return work


def _items(path: str | Path) -> tuple[Path, Iterator[tuple[Article, list[Annotation]]], str | None]:
    """The articles of a workspace or an export, and the analyst's name (None for an export:
    its annotations carry it)."""
    path = Path(path)
    if path.is_dir() and (path / "workspace.json").exists():
        path = path / "workspace.json"
    if path.suffix.lower() in JSONL_SUFFIXES:
        return path, _read_export(path), None
    if path.suffix.lower() == ".json":
        return path, _read_workspace(path), _workspace_name(path)
    if not path.exists():
        raise SourceError(f"{path}: no such file")
    raise SourceError(f"{path}: neither a workspace (.json) nor an exported JSONL (.jsonl)")


@dataclass
class Annotated:
    """One analyst's work whole, for adjudication: text hash -> (article, accepted annotations)."""

    name: str
    path: str
    articles: dict[str, tuple[Article, list[Annotation]]]


def read_annotated(path: str | Path, *, all: bool = False, whole: bool = True) -> Annotated:
    """What the analyst of ``path`` marked, as ``read_work`` reads it, but with the articles
    and annotations themselves (SourceError if unreadable). Not ``whole``: the articles
    without their kept tokens and original file content (a tenth of the memory; three
    analysts' 10,000 articles held whole take gigabytes)."""
    path, items, name = _items(path)
    articles: dict[str, tuple[Article, list[Annotation]]] = {}
    for article, anns in _exported(items, all=all):
        if article.hash not in articles:
            articles[article.hash] = (article if whole else replace(article, tokens=None, original=""), anns)
    if name is None:
        annotators = Counter(a.annotator for _, anns in articles.values() for a in anns if a.annotator)
        name = annotators.most_common(1)[0][0] if annotators else path.stem
    return Annotated(name, str(path), articles)


def _exported(items: Iterable[tuple[Article, list[Annotation]]], *, all: bool) -> Iterator[tuple[Article, list[Annotation]]]:
    """What ``tui.formats.gold`` picks (articles marked done, or all; accepted annotations),
    without its sort into text order: ``marked`` needs none (a tenth of reading 10,000 articles)."""
    for article, anns in items:
        if all or article.state == "done":
            yield article, [a for a in anns if a.status == "accepted"]


def _workspace_name(path: Path) -> str:
    return path.stem if path.name != "workspace.json" else path.parent.name


def _read_workspace(path: Path) -> Iterator[tuple[Article, list[Annotation]]]:
    if not path.exists():
        raise SourceError(f"{path}: no such workspace")
    try:
        ws = Workspace.open(path, readonly=True, create=False)
    except WorkspaceError as exc:
        raise SourceError(str(exc)) from None
    try:
        yield from ws.iter_articles()
    except WorkspaceError as exc:
        raise SourceError(str(exc)) from None
    except OSError as exc:
        raise SourceError(f"{path}: cannot read ({exc.strerror or exc})") from None
    finally:
        ws.close()


def _read_export(path: Path) -> Iterator[tuple[Article, list[Annotation]]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        for item in read_jsonl(path, raw):
            if isinstance(item, ImportProblem):
                raise SourceError(str(item))
            yield item.article, item.annotations
    except ImportProblem as exc:  # the whole file (its encoding)
        raise SourceError(str(exc)) from None


def read_works(paths: Sequence[str | Path], *, all: bool = False) -> list[Marked]:
    """Each source read, in a process of its own where there is more than one core: three
    sources on two cores end after one and a half readings, not two."""
    jobs = min(len(paths), 16) if (os.cpu_count() or 1) > 1 else 1
    if jobs > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        from functools import partial

        ctx = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
        with ProcessPoolExecutor(jobs, mp_context=ctx) as pool:
            works = list(pool.map(partial(read_work, all=all), paths))
    else:
        works = [read_work(p, all=all) for p in paths]
    return works


def tell_apart(works: Sequence[Marked] | Sequence[Annotated]) -> None:
    """Two analysts of the same name are named by their paths instead."""
    names = Counter(w.name for w in works)
    for w in works:
        if names[w.name] > 1:
            w.name = w.path
