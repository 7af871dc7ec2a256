"""An archive as a stream of articles: folders of .txt/.md, JSONL, and either gzipped.

Nothing is read ahead: folders are walked one directory at a time, JSONL files line by
line, so memory stays flat however large the archive. Each file or line is parsed by
``tui.formats`` exactly as ``readtui import`` parses it; a bad one comes back in the stream
as an ``ImportProblem`` (``path:line: reason``), never raised.
"""

from __future__ import annotations

import gzip
import os
import zlib
from pathlib import Path
from typing import IO, Iterable, Iterator

from ..formats.common import ImportProblem, Record
from ..formats.jsonl import read_jsonl_line
from ..formats.news import read_text_file
from ..formats.registry import JSONL_SUFFIXES, TEXT_SUFFIXES

GZIP = ".gz"


def _kind(path: Path) -> str | None:
    """"text", "jsonl" or None, from the name (``x.jsonl.gz`` is JSONL)."""
    name = path.name.lower()
    if name.endswith(GZIP):
        name = name[: -len(GZIP)]
    suffix = os.path.splitext(name)[1]
    if suffix in TEXT_SUFFIXES:
        return "text"
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    return None


def _walk(folder: Path) -> Iterator[Path]:
    """The archive's files under ``folder``, in name order, hidden ones left out."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(root, name)
            if not name.startswith(".") and _kind(path):
                yield path


def files(paths: Iterable[str | Path]) -> Iterator[Path | ImportProblem]:
    for p in map(Path, paths):
        if p.is_dir():
            yield from _walk(p)
        elif p.is_file():
            yield p
        else:
            yield ImportProblem(p, "not a regular file" if p.exists() else "no such file or folder")


def _open(path: Path) -> IO[bytes]:
    return gzip.open(path, "rb") if path.name.lower().endswith(GZIP) else open(path, "rb")


def _jsonl(path: Path) -> Iterator[Record | ImportProblem]:
    n = 0
    try:
        with _open(path) as fh:
            for n, raw in enumerate(fh, 1):
                if not raw.strip():
                    continue
                try:
                    line = raw.decode("utf-8-sig" if n == 1 else "utf-8")
                except UnicodeDecodeError as exc:
                    yield ImportProblem(path, f"not UTF-8 (byte {raw[exc.start]:#04x} at column {exc.start + 1})", n)
                    continue
                yield read_jsonl_line(line, path, n)
    except (OSError, EOFError, zlib.error) as exc:
        # A damaged or truncated gzip stream: the lines before it were read.
        yield ImportProblem(path, f"cannot read past here ({exc})", n + 1)


def _text(path: Path) -> Record | ImportProblem:
    try:
        with _open(path) as fh:
            raw = fh.read()
        return read_text_file(path, raw)
    except ImportProblem as exc:
        return exc
    except (OSError, EOFError, zlib.error) as exc:
        return ImportProblem(path, f"cannot read ({getattr(exc, 'strerror', None) or exc})")


def articles(paths: Iterable[str | Path]) -> Iterator[Record | ImportProblem]:
    """Every article under ``paths``, one at a time; problems come back in the stream."""
    for f in files(paths):
        if isinstance(f, ImportProblem):
            yield f
        elif _kind(f) == "jsonl":
            yield from _jsonl(f)
        elif _kind(f) == "text" or not f.suffix:
            yield _text(f)
        else:
            yield ImportProblem(f, f"unsupported file type {f.suffix!r} (use .txt, .md or .jsonl, maybe .gz)")
