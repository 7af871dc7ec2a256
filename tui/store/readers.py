"""Export workers' reads: each worker process opens a workspace once and reads through it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Sequence

from ..model import (
    Annotation,
    Article,
)
from .paths import shard_name
from .workspace import Workspace

_READERS: dict[str, tuple["Workspace", tuple]] = {}


def _version(path: Path) -> tuple:
    """What changes when a workspace is written: its table's and its journal's size and time."""
    out = []
    for p in (path, path.with_name(path.name + ".journal")):
        try:
            st = p.stat()
            out.append((st.st_size, st.st_mtime_ns))
        except OSError:
            out.append(None)
    return tuple(out)


def read_articles(path: str | Path, ids: Sequence[str]) -> list[tuple[Article, list[Annotation]]]:
    """``Workspace.iter_articles(ids)`` of the workspace at ``path``, opened read-only once per
    process (again if it was written since).

    For worker processes that each read a share of a large workspace (the export); forked
    ones find it opened already by their parent.
    """
    key = str(path)
    version = _version(Path(path))
    hit = _READERS.get(key)
    if hit is None or hit[1] != version or hit[0].closed:
        hit = _READERS[key] = (Workspace.open(path, readonly=True, create=False), version)
    return list(hit[0].iter_articles(ids))


def read_through(ws: "Workspace") -> None:
    """Let ``read_articles(ws.path, …)`` in this process, and in processes forked from it
    while ``ws`` is open, read through ``ws`` (open read-only) instead of opening it again."""
    if ws.readonly and not ws.closed:
        _READERS[str(ws.path)] = (ws, _version(ws.path))


def prefetch_articles(path: str | Path, ids: Iterable[str]) -> None:
    """Ask the OS to read the files of these articles into memory, in the background.

    For a large export: a thread calls it ahead of the worker processes, which then
    find the files in the page cache instead of waiting for the disk one by one.
    """
    shards = Path(path).with_name(Path(path).name + ".d")
    advise = getattr(os, "posix_fadvise", None)
    if advise is None:
        return
    for aid in ids:
        try:
            fd = os.open(shards / shard_name(aid), os.O_RDONLY)
        except OSError:
            continue
        try:
            advise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
        except OSError:
            pass
        finally:
            os.close(fd)
