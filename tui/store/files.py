"""Durable file primitives: atomic writes (temporary, fsync, rename, the replaced file's mode kept) and the JSON codec."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import IO, Any, Sequence

import orjson

from ..model import (
    now_iso,
)
from .errors import SaveFailed, WorkspaceCorrupt


def _same_file(path: Path, table: IO[bytes] | None) -> bool:
    """Whether ``path`` still names the file ``table`` was read from (or, None, still no file)."""
    try:
        now = os.stat(path)
    except FileNotFoundError:
        return table is None
    if table is None:
        return False
    was = os.fstat(table.fileno())
    return (now.st_ino, now.st_dev) == (was.st_ino, was.st_dev)


def _dumps(data: Any) -> str:
    # ASCII-escaped: lone surrogates and odd code points survive, any encoding reads it.
    return json.dumps(data, ensure_ascii=True, separators=(",", ":"))


def _keep_aside(path: Path, why: str) -> Path:
    """Link ``path`` to a new name beside it (``.damaged-<time>``, ``-2`` … when taken): never
    over a file kept before."""
    stem = f"{path.name}.{why}-{now_iso().replace(':', '')}"
    for n in range(1, 10_000):
        kept = path.with_name(stem if n == 1 else f"{stem}-{n}")
        try:
            os.link(path, kept)
            return kept
        except FileExistsError:
            continue
        except OSError as exc:
            raise SaveFailed(f"could not keep {path} aside as {kept}: {exc.strerror or exc}") from None
    raise SaveFailed(f"could not keep {path} aside: {stem} and 9,998 more names are taken")


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _mode(path: Path) -> int | None:
    """The permission bits of ``path``, None when there is no such file."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        return None


def _create(path: Path, mode: int | None, flags: int = os.O_WRONLY | os.O_CREAT | os.O_TRUNC) -> int:
    """Open ``path`` for writing; a file it creates gets ``mode`` (else the umask's default)."""
    fd = os.open(path, flags, 0o600 if mode is not None else 0o666)
    if mode is not None:
        try:
            os.fchmod(fd, mode)
        except OSError:
            os.close(fd)
            raise
    return fd


def write_atomic(path: Path, data: str | bytes, *, keep_backup: Path | None = None,
                 mode: int | None = None) -> None:
    """Write ``path`` so that a crash leaves either the old file or the new one.

    The new file keeps the mode of the one it replaces (a chmod 600 stays 600); a file
    that did not exist gets ``mode``, else the umask's default.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    raw = data.encode("utf-8") if isinstance(data, str) else data
    kept = _mode(path)
    try:
        with open(_create(tmp, mode if kept is None else kept), "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        if keep_backup is not None and path.exists():
            bak_tmp = keep_backup.with_name(keep_backup.name + ".tmp")
            if bak_tmp.exists():
                bak_tmp.unlink()
            os.link(path, bak_tmp)
            os.replace(bak_tmp, keep_backup)
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except OSError as exc:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise SaveFailed(f"could not write {path}: {exc.strerror or exc}") from exc


def write_many(files: Sequence[tuple[Path, str]], *, mode: int | None = None) -> None:
    """Write many new files, each renamed into place, with one sync for them all.

    Bulk import writes thousands of small files; an fsync each would cost more
    than the import itself. A crash leaves each file either absent or whole.
    Each file gets ``mode`` (the workspace's), else the umask's default.
    """
    done = []
    try:
        for path, data in files:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            with open(_create(tmp, mode), "wb") as fh:
                fh.write(data.encode("utf-8"))
            done.append((tmp, path))
        for tmp, path in done:
            os.replace(tmp, path)
        os.sync()
    except OSError as exc:
        for tmp, _ in done:
            try:
                tmp.unlink()
            except OSError:
                pass
        raise SaveFailed(f"could not write the articles under {files[0][0].parent.parent}: "
                         f"{exc.strerror or exc}") from exc


# Digits to "0", and what can come before a number in JSON to "!".


# Digits to "0", and what can come before a number in JSON to "!".
_NUMBERS = bytes.maketrans(b"123456789:,[- \t\n\r", b"000000000!!!!!!!!")


_LONG_NUMBER = b"0" * 19


def _loads(raw: bytes) -> Any:
    """``json.loads(raw)``, by orjson (twice as fast) where it gives the same result.

    It does not where it refuses what json reads (NaN, lone surrogates, a BOM: then
    json reads it) or gives another value: an integer past 64 bits becomes a float.
    Such a number is 19 digits or more after ``:``, ``,``, ``[``, ``-`` or a space;
    anything holding such a run goes to json (the digits of a hash in a string do not).
    """
    marked = raw.translate(_NUMBERS)
    if b"!" + _LONG_NUMBER not in marked and not marked.startswith(_LONG_NUMBER):
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
    return json.loads(raw)


def _article_doc(shard: dict) -> dict:
    """The one document of an article file's ``article`` table (StopIteration when none)."""
    return next(iter((shard.get("article") or {}).values()))


def _read_json(path: Path) -> dict:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    return _parse_json(path, raw)


def _parse_json(path: Path, raw: bytes) -> dict:
    if not raw.strip():
        raise WorkspaceCorrupt(path, "the file is empty")
    try:
        data = _loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise WorkspaceCorrupt(path, f"not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise WorkspaceCorrupt(path, "not a TinyDB database (top level is not an object)")
    return data
