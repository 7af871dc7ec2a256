"""The workspace: articles and annotations in TinyDB files, durable on every action.

Layout for a workspace at ``workspace.json`` (see README, "How it stores your work"):

``workspace.json``           TinyDB: ``_meta`` (schema, labels) and ``articles``
                             (one summary row per article: title, state, counts).
``workspace.json.d/xx/*.json``  one small TinyDB per article: tables ``article``
                             (the text and its metadata) and ``annotations``.
``workspace.json.journal``   append-only write-ahead log. Every action is one line
                             (a batch of whole-document upserts), fsync'd before the
                             action returns: one small append, whatever the size of
                             the workspace.
``workspace.json.lock``      who has the workspace open for writing.
``workspace.json.bak``       the previous good ``workspace.json``.

Opening replays the journal over the files (upserts are idempotent, so replaying
twice is harmless); ``checkpoint()`` folds it into the files (each written to a
temporary file, fsync'd, renamed) and only then empties it. A torn last journal
line — the process died mid-append, before the action returned — is dropped.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import socket
import sys
from collections import OrderedDict
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path
from typing import IO, Any, Iterable, Iterator, Mapping, Sequence

import orjson
from tinydb.storages import Storage

from .change import ArticleSummary, Change
from .model import (
    DEFAULT_LABELS, REVIEW_STATES, STATUSES, Annotation, AnnotationError, Article,
    check_annotation, now_iso,
)
from .nlp import tokens

SCHEMA_VERSION = 1
ENV_DB = "READTUI_DB"


class WorkspaceError(Exception):
    """A workspace that cannot be used; the message says which file and why."""


class WorkspaceLocked(WorkspaceError):
    pass


class WorkspaceCorrupt(WorkspaceError):
    def __init__(self, path: Path | str, reason: str, backup: Path | None = None):
        self.path, self.reason, self.backup = Path(path), reason, backup
        hint = f"; a backup exists at {backup}" if backup else ""
        super().__init__(f"{path} is damaged ({reason}); it was left untouched{hint}")

    def __reduce__(self):  # raised in an export's worker process, re-raised in the parent
        return (type(self), (self.path, self.reason, self.backup))


class WorkspaceTooNew(WorkspaceError):
    pass


class SaveFailed(WorkspaceError):
    """The disk refused a write; nothing was changed in memory or on disk."""


class _Checkpointed(Exception):
    """A checkpoint replaced ``workspace.json`` while a reader read it and the journal."""


# What a malformed row, change or annotation raises as it is taken in.
ROW_ERRORS = (ValueError, TypeError, KeyError, AttributeError, OverflowError, IndexError)
SNAPSHOT_TRIES = 50


def _still_changing(path: Path) -> WorkspaceError:
    return WorkspaceError(f"{path} kept changing while it was read ({SNAPSHOT_TRIES} tries); try again")


def _resolve(path: Path) -> Path:
    """A symlinked workspace is its target: files go beside it, and writes replace it, not the link."""
    return path.resolve() if path.is_symlink() else path


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


def _check_annotation_doc(doc: Any, ann_id: Any) -> None:
    """Refuse a stored annotation that is not one (its offsets and label the reader relies on)."""
    if not isinstance(doc, dict) or doc.get("id") != ann_id or not isinstance(ann_id, str):
        raise ValueError(f"annotation {ann_id!r:.40} is malformed")
    for key in ("start", "end"):
        if type(doc.get(key)) is not int:
            raise ValueError(f"annotation {ann_id!r:.40}: {key} {doc.get(key)!r:.40} is not an integer")
    if not isinstance(doc.get("label"), str):
        raise ValueError(f"annotation {ann_id!r:.40}: label {doc.get('label')!r:.40} is not a string")


def default_path() -> Path:
    env = os.environ.get(ENV_DB)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("readtui", appauthor=False)) / "workspace.json"


# --- files ---------------------------------------------------------------------

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


class AtomicJSONStorage(Storage):
    """TinyDB storage that never leaves a half-written file (temp, fsync, rename)."""

    def __init__(self, path: str | Path, **_: Any):
        self.path = Path(path)

    def read(self) -> dict | None:
        data = _read_json(self.path)
        return data or None

    def write(self, data: dict) -> None:
        write_atomic(self.path, _dumps(data))

    def close(self) -> None:
        pass


class WorkspaceStorage(AtomicJSONStorage):
    """TinyDB storage for ``workspace.json`` that sees the journal too.

    ``TinyDB("workspace.json", storage=WorkspaceStorage)`` gives the current
    article rows even while readtui has changes only in the journal. Writing
    through it is for repairs; do it while readtui is closed.
    """

    def read(self) -> dict | None:
        journal = Journal(self.path.with_name(self.path.name + ".journal"))
        for _ in range(SNAPSHOT_TRIES):  # as Workspace.open: again if a checkpoint came between
            try:
                return self._read(journal)
            except _Checkpointed:
                continue
        raise _still_changing(self.path)

    def _read(self, journal: "Journal") -> dict | None:
        try:
            table = open(self.path, "rb")
        except FileNotFoundError:
            table = None
        with table or nullcontext():
            data = _parse_json(self.path, table.read()) if table is not None else {}
            txns = list(journal.replay())
            if not _same_file(self.path, table):
                raise _Checkpointed
        for txn in txns:
            for op in txn:
                if op[0] == "row":
                    _, key, row = op
                    rows = data.setdefault("articles", {})
                    if row is None:
                        rows.pop(str(key), None)
                    else:
                        rows[str(key)] = row
                elif op[0] == "meta":
                    data.setdefault("_meta", {})["1"] = op[1]
        return data or None


class Journal:
    """The append-only log: one JSON line per action, fsync'd."""

    def __init__(self, path: Path, mode: int | None = None):
        self.path = path
        self.mode = mode  # of a journal this creates: the workspace's
        self._fh = None

    def replay(self, *, repair: bool = False) -> Iterator[list]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return
        good_end = 0
        lines = raw.split(b"\n")
        for i, line in enumerate(lines):
            if not line.strip():
                good_end += len(line) + 1
                continue
            try:
                txn = json.loads(line)
            except (ValueError, UnicodeDecodeError, RecursionError):
                if i == len(lines) - 1:  # torn last line: the action never returned
                    break
                raise WorkspaceCorrupt(self.path, f"line {i + 1} of the journal is unreadable")
            ops = txn.get("ops") if isinstance(txn, dict) else None
            if not isinstance(ops, list):  # whole JSON, so not torn: written wrong
                raise WorkspaceCorrupt(self.path, f"line {i + 1} of the journal is not a list of changes")
            good_end += len(line) + 1
            yield ops
        if repair and good_end < len(raw):
            with open(self.path, "r+b") as fh:
                fh.truncate(min(good_end, len(raw)))
                os.fsync(fh.fileno())

    def append(self, ops: list) -> None:
        line = (_dumps({"ops": ops}) + "\n").encode("ascii")
        try:
            if self._fh is None:
                mode = None if self.path.exists() else self.mode
                self._fh = open(_create(self.path, mode, os.O_WRONLY | os.O_APPEND | os.O_CREAT), "ab")
            start = self._fh.tell()
            self._fh.write(line)
            self._fh.flush()
            os.fsync(self._fh.fileno())
        except OSError as exc:
            self._undo_partial(locals().get("start"))
            raise SaveFailed(f"could not save to {self.path}: {exc.strerror or exc}") from exc

    def _undo_partial(self, start: int | None) -> None:
        # A failed append (disk full) may leave a fragment; cut it so the next
        # action starts on a clean line.
        try:
            if self._fh is not None:
                self._fh.close()
        except OSError:
            pass
        self._fh = None
        if start is not None:
            try:
                with open(self.path, "r+b") as fh:
                    fh.truncate(start)
            except OSError:
                pass

    @property
    def size(self) -> int:
        try:
            return self.path.stat().st_size
        except FileNotFoundError:
            return 0

    def clear(self) -> None:
        self.close()
        write_atomic(self.path, b"", mode=self.mode)

    def close(self) -> None:
        if self._fh is not None:
            try:
                self._fh.close()
            except OSError:
                pass
            self._fh = None


class Lock:
    """An exclusive lock on the workspace; the kernel drops it if we die."""

    def __init__(self, path: Path, mode: int | None = None):
        self.path = path
        self.mode = mode  # of a lock file this creates: the workspace's
        self._fd: int | None = None
        # The last holder died without releasing (kill -9, a power cut): its temporary
        # files may still lie around. Release empties the file; a death leaves it filled.
        self.left_by_dead = False
        self.created = False  # this lock made the file: a refused open removes it again

    def acquire(self) -> None:
        self.created = not self.path.exists()
        fd = _create(self.path, self.mode if self.created else None, os.O_RDWR | os.O_CREAT)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            try:
                holder = json.loads(self.path.read_text() or "{}")
            except (OSError, ValueError):
                holder = {}
            who = ", ".join(f"{k} {holder[k]}" for k in ("pid", "host", "command", "since") if k in holder)
            raise WorkspaceLocked(
                f"{self.path.with_suffix('')} is open in another readtui ({who or 'unknown process'}). "
                "Close that one first, or use --db to pick another workspace."
            ) from None
        self.left_by_dead = bool(os.pread(fd, 1, 0).strip())
        info = {"pid": os.getpid(), "host": socket.gethostname(),
                "command": " ".join(Path(sys.argv[0]).name.split() + sys.argv[1:2]), "since": now_iso()}
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps(info).encode())
        self._fd = fd

    def release(self, *, remove: bool = False) -> None:
        if self._fd is not None:
            try:
                if remove:
                    self.path.unlink()
                os.ftruncate(self._fd, 0)
            except OSError:
                pass
            os.close(self._fd)
            self._fd = None


# --- the workspace -------------------------------------------------------------

# Beside a workspace's table: its journal, backup, lock and the folder of article files.
SIDE_FILES = (".journal", ".bak", ".lock", ".d")


def workspace_files(path: Path) -> list[Path]:
    """The files of the workspace at ``path``: the table, then its SIDE_FILES."""
    return [path] + [path.with_name(path.name + side) for side in SIDE_FILES]


def shard_name(article_id: str) -> str:
    """A file name for any article id (ids come from users' files: keep them out of paths)."""
    h = hashlib.sha1(article_id.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{h[:2]}/{h[2:18]}.json"


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


class Workspace:
    """A readtui workspace. Open with ``Workspace.open(path)``; close to fold the journal."""

    CACHE = 8  # articles kept parsed in memory
    CHECKPOINT_BYTES = 32 * 1024 * 1024  # fold the journal on close, or when it grows past this

    def __init__(self, path: Path, *, readonly: bool):
        self.path = Path(path)
        self.readonly = readonly
        self.shards = self.path.with_name(self.path.name + ".d")
        self.backup = self.path.with_name(self.path.name + ".bak")
        self.mode = _mode(self.path)  # the files it creates get the workspace file's mode
        self.journal = Journal(self.path.with_name(self.path.name + ".journal"), self.mode)
        self._lock = Lock(self.path.with_name(self.path.name + ".lock"), self.mode)
        self.meta: dict[str, Any] = {}
        self._rows: dict[str, dict] = {}  # article id -> summary row, in import order
        self._keys: dict[str, int] = {}  # article id -> TinyDB doc id in "articles"
        self._by_hash: dict[str, str] = {}
        self._next_key = 1
        self._totals: dict[str, Any] = {"by_state": {s: 0 for s in REVIEW_STATES},
                                        "annotations": 0, "reviewed": 0, "by_label": {}}
        # Journal changes not yet folded into the shards.
        self._pending_ann: dict[str, dict[str, dict | None]] = {}
        self._cache: OrderedDict[str, tuple[Article, dict[str, Annotation]]] = OrderedDict()
        self.closed = False
        self.warning = ""  # set when close() could not fold the journal

    # opening and closing

    @classmethod
    def open(cls, path: Path | str | None = None, *, readonly: bool = False,
             labels: Sequence[str] | None = None, create: bool = True) -> "Workspace":
        where = _resolve(Path(path) if path else default_path())
        for _ in range(SNAPSHOT_TRIES):
            ws = cls(where, readonly=readonly)
            ws._check_place(create)
            if not readonly:
                ws._take_lock()
            try:
                ws._load(labels)
            except _Checkpointed:
                ws._lock.release()
                continue  # a writer folded its journal while we read: read again
            except BaseException:
                ws._lock.release(remove=ws._lock.created)  # a refused path keeps no lock file
                raise
            return ws
        raise _still_changing(where)

    def _check_place(self, create: bool) -> None:
        """Refuse, in one line, a path that cannot be a workspace, before anything is written."""
        path = self.path
        if path.is_dir():
            raise WorkspaceError(f"{path} is a folder, not a workspace file; "
                                 f"give a file name, such as {path / 'workspace.json'}")
        if not path.exists() and not self.journal.path.exists():
            if self.readonly or not create:
                raise WorkspaceError(f"no workspace at {path}")
            folder = next((p for p in path.parents if p.exists()), None)
            if folder is not None and not folder.is_dir():
                raise WorkspaceError(f"cannot create a workspace at {path}: {folder} is a file, not a folder")
        if not self.readonly:
            folder = path.parent if path.parent.exists() else None
            if folder is not None and not os.access(folder, os.W_OK):
                raise WorkspaceError(
                    f"{path} is read-only for you ({folder} cannot be written); readtui can read it "
                    "(readtui stats, readtui export) but not save to it")

    def _take_lock(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._lock.acquire()
        except OSError as exc:
            raise WorkspaceError(f"cannot open {self.path} for writing: {exc.strerror or exc}") from None
        if self._lock.left_by_dead:  # its holder died: nobody else writes these temporaries now
            self._remove_temporaries()

    def _remove_temporaries(self) -> None:
        """Drop the temporary files a killed writer left (an article file half-written by an
        import, a table or journal mid-rename). Only called holding the lock."""
        # Named as write_atomic and write_many name them: .<name>.<pid>.tmp.
        here = [self.path.parent.glob(f".{n}.[0-9]*.tmp") for n in (self.path.name, self.journal.path.name)]
        here.append(self.path.parent.glob(self.backup.name + ".tmp"))
        if self.shards.is_dir():
            here += [d.glob(".*.json.[0-9]*.tmp") for d in self.shards.iterdir() if d.is_dir()]
        for found in here:
            for tmp in found:
                try:
                    tmp.unlink()
                except OSError:
                    pass

    def _load(self, labels: Sequence[str] | None) -> None:
        backup = self.backup if self.backup.exists() else None
        try:
            table = open(self.path, "rb")
        except FileNotFoundError:
            table = None
        except OSError as exc:
            raise WorkspaceError(f"cannot read {self.path}: {exc.strerror or exc}") from None
        # The table stays open until the journal is read: if a checkpoint replaced it
        # meanwhile, the path names another file (this one's inode is still in use, so
        # no new file can have it) and what the journal held is in that one: read again.
        with table or nullcontext():
            data = self._read_table(table, backup) if table is not None else {}
            meta = self._meta_of(data, backup)
            for n, ops in enumerate(self.journal.replay(repair=not self.readonly), 1):
                meta = self._apply(ops, meta, n)
            if not _same_file(self.path, table):
                raise _Checkpointed
        if meta is None:
            meta = {"schema": SCHEMA_VERSION, "labels": list(labels or DEFAULT_LABELS),
                    "created": now_iso()}
            if not self.readonly:
                self.journal.append([["meta", meta]])
        schema, names = meta.get("schema", 0), meta.get("labels", [])
        if not isinstance(schema, int) or not isinstance(names, list) \
                or not all(isinstance(x, str) for x in names):
            raise WorkspaceCorrupt(self.path, "its settings (_meta) are malformed", backup)
        if schema > SCHEMA_VERSION:
            raise WorkspaceTooNew(
                f"{self.path} was written by a newer readtui (schema {schema}, this "
                f"readtui reads up to {SCHEMA_VERSION}); upgrade readtui to open it. The file was left untouched.")
        self.meta = meta

    def _read_table(self, table: IO[bytes], backup: Path | None) -> dict:
        """``workspace.json``'s rows read into memory; its ``_meta`` returned."""
        raw = table.read()
        if not raw.strip() and backup is None and not self.journal.size:
            return {}  # an empty file, as mktemp makes: a new workspace may go there
        try:
            data = _parse_json(self.path, raw)
        except WorkspaceCorrupt as exc:
            raise WorkspaceCorrupt(exc.path, exc.reason, backup) from None
        if data and "_meta" not in data:
            raise WorkspaceError(
                f"{self.path} is not a readtui workspace (a JSON file without readtui's _meta table); "
                "it was left untouched. Give --db a new file name to create a workspace.")
        rows = data.get("articles") or {}
        if not isinstance(rows, dict):
            raise WorkspaceCorrupt(self.path, "the articles table is not a table", backup)
        try:
            for key, row in sorted(rows.items(), key=lambda kv: int(kv[0])):
                self._put_row(row, int(key))
        except ROW_ERRORS as exc:
            raise WorkspaceCorrupt(self.path, f"an article row is malformed ({exc!r})", backup) from None
        return data

    def _meta_of(self, data: dict, backup: Path | None) -> dict | None:
        meta = data.get("_meta") or {}
        if not isinstance(meta, dict) or not isinstance(meta.get("1", {}), dict):
            raise WorkspaceCorrupt(self.path, "its settings (_meta) are malformed", backup)
        return meta.get("1")

    def _apply(self, ops: list, meta: dict | None, entry: int = 0) -> dict | None:
        try:
            for op in ops:
                meta = self._apply_one(op, meta)
        except ROW_ERRORS as exc:
            raise WorkspaceCorrupt(self.journal.path, f"entry {entry} of the journal is malformed ({exc!r})") from None
        return meta

    def _apply_one(self, op: list, meta: dict | None) -> dict | None:
        kind, *args = op
        if kind == "row" and len(args) == 2:
            key, row = args
            if row is None:
                self._drop_row(int(key))
            else:
                self._put_row(row, int(key))
        elif kind == "ann" and len(args) == 3:
            article_id, ann_id, doc = args
            if doc is not None:
                _check_annotation_doc(doc, ann_id)
            self._pending_ann.setdefault(article_id, {})[ann_id] = doc
        elif kind == "touch" and len(args) == 1:  # the review state changed: rewrite the shard at checkpoint
            self._pending_ann.setdefault(args[0], {})
        elif kind == "meta" and len(args) == 1 and isinstance(args[0], dict):
            meta = args[0]
        else:
            raise ValueError(f"unknown change {op!r:.80}")
        return meta

    def _account(self, row: dict, sign: int) -> None:
        """Keep the workspace totals current as rows come and go (stats without a scan)."""
        t = self._totals
        state = row.get("state", "new")
        t["by_state"][state] = t["by_state"].get(state, 0) + sign
        t["annotations"] += sign * row.get("annotations", 0)
        t["reviewed"] += sign * row.get("reviewed", 0)
        for label, counts in (row.get("counts") or {}).items():
            agg = t["by_label"].setdefault(label, {s: 0 for s in STATUSES})
            for status, n in counts.items():
                agg[status] = agg.get(status, 0) + sign * n

    def _put_row(self, row: dict, key: int) -> None:
        aid = row["id"]
        if not isinstance(aid, str):
            raise TypeError(f"article id {aid!r:.40} is not a string")
        old = self._rows.get(aid)
        if old is not None:
            self._account(old, -1)
        self._account(row, 1)
        if old is not None and old.get("hash") != row.get("hash"):
            self._by_hash.pop(old.get("hash"), None)
        self._rows[aid] = row
        self._keys[aid] = key
        self._next_key = max(self._next_key, key + 1)
        if row.get("hash"):
            self._by_hash[row["hash"]] = aid

    def _drop_row(self, key: int) -> None:
        for aid, k in list(self._keys.items()):
            if k == key:
                row = self._rows.pop(aid)
                self._account(row, -1)
                del self._keys[aid]
                self._by_hash.pop(row.get("hash"), None)

    @staticmethod
    def restore_backup(path: Path | str, *, force: bool = False) -> Path | None:
        """Put ``workspace.json.bak`` back in place; the file it replaces is kept beside it.

        Only a workspace that does not open is restored, unless ``force``: a healthy one
        would go back to its previous checkpoint (``restore_losses`` says what that loses).
        Returns where the replaced file went (a new name, never an existing file; None when
        there was none). Changes
        still in the journal replay over the backup on the next open.
        """
        path = _resolve(Path(path))
        backup = path.with_name(path.name + ".bak")
        if not backup.exists():
            raise WorkspaceError(f"no backup of {path} to restore ({backup} does not exist)")
        _read_json(backup)  # refuse a damaged backup too
        healthy = Workspace.opens(path)
        if healthy and not force:
            raise WorkspaceError(
                f"{path} is not damaged (it opens), so its backup was not restored: that would go back "
                "to the previous checkpoint and lose what came since. Pass --force to restore it anyway.")
        lock = Lock(path.with_name(path.name + ".lock"))
        lock.acquire()
        try:
            kept = None
            if path.exists():
                kept = _keep_aside(path, "replaced" if healthy else "damaged")
            write_atomic(path, backup.read_bytes())
        finally:
            lock.release()
        return kept

    @staticmethod
    def opens(path: Path | str) -> bool:
        """Whether the workspace at ``path`` opens (for reading)."""
        try:
            Workspace.open(path, readonly=True, create=False).close()
        except WorkspaceError:
            return False
        return True

    @staticmethod
    def restore_losses(path: Path | str) -> str:
        """What restoring the backup of a workspace that opens would lose, in words."""
        path = _resolve(Path(path))
        with Workspace.open(path, readonly=True, create=False) as now:
            rows = {r["id"]: r for r in now.rows()}
        backup = path.with_name(path.name + ".bak")
        old = {str(r.get("id")): r for r in (_read_json(backup).get("articles") or {}).values()
               if isinstance(r, dict)}
        gone = len(rows.keys() - old.keys())
        changed = sum(1 for aid, r in rows.items() if aid in old and
                      (r.get("state"), r.get("counts"), r.get("annotations")) !=
                      (old[aid].get("state"), old[aid].get("counts"), old[aid].get("annotations")))
        return (f"{gone} article{'s' * (gone != 1)} imported since and the review of {changed} "
                f"article{'s' * (changed != 1)} changed since (their review state or annotations)")

    def close(self) -> None:
        if self.closed:
            return
        try:
            if not self.readonly and self.journal.size:
                self._fold()  # on failure everything is still in the journal, which replays
        finally:
            self.journal.close()
            self._lock.release()
            self.closed = True

    def __enter__(self) -> "Workspace":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def checkpoint(self) -> None:
        """Fold the journal into the TinyDB files, then empty it."""
        self._writable()
        for aid in list(self._pending_ann):
            article, anns = self._read_shard(aid)
            write_atomic(self.shards / shard_name(aid), _dumps(self._shard_doc(article, anns)), mode=self.mode)
        data = {
            "_meta": {"1": self.meta},
            "articles": {str(self._keys[aid]): row for aid, row in self._rows.items()},
        }
        write_atomic(self.path, _dumps(data), keep_backup=self.backup)
        self.journal.clear()
        self._pending_ann.clear()

    # reading

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self.meta.get("labels") or DEFAULT_LABELS)

    @property
    def name(self) -> str:
        return self.path.stem if self.path.name != "workspace.json" else self.path.parent.name

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._rows

    def rows(self) -> list[dict]:
        """Summary rows of every article, in import order."""
        return list(self._rows.values())

    def derived_path(self, name: str) -> Path:
        """Where an index derived from the articles (stories, quotes) keeps its file: beside
        the workspace, never journaled; rebuilt from the articles when missing or stale."""
        return self.path.with_name(f"{self.path.name}.{name}")

    def row(self, article_id: str) -> dict:
        return self._rows[article_id]

    def find_hash(self, text_hash: str) -> str | None:
        return self._by_hash.get(text_hash)

    def article(self, article_id: str) -> Article:
        return self._load_article(article_id)[0]

    def annotations(self, article_id: str) -> list[Annotation]:
        """The article's annotations in text order (rejected ones included)."""
        anns = self._load_article(article_id)[1].values()
        return sorted(anns, key=lambda a: (a.start, -a.end, a.kind, a.id))

    def annotation(self, article_id: str, ann_id: str) -> Annotation | None:
        return self._load_article(article_id)[1].get(ann_id)

    def iter_articles(self, ids: Iterable[str] | None = None) -> Iterator[tuple[Article, list[Annotation]]]:
        """Each article (in import order, or ``ids``) with its annotations in text order.

        Reads the shards one after the other without filling the cache: for exports
        and figures over the whole workspace.
        """
        for aid in (self._rows if ids is None else ids):
            hit = self._cache.get(aid)
            article, anns = hit if hit is not None else self._read_shard(aid)
            yield article, sorted(anns.values(), key=lambda a: (a.start, -a.end, a.kind, a.id))

    def texts(self, ids: Iterable[str]) -> Iterator[tuple[str, str]]:
        """(id, text) of each article, for the list's filter: the text alone, without
        building the annotations. A damaged file gives "" here; opening it reports it."""
        for aid in ids:
            hit = self._cache.get(aid)
            if hit is not None:
                yield aid, hit[0].text
                continue
            try:
                text = _article_doc(_read_json(self.shards / shard_name(aid))).get("text")
            except (WorkspaceCorrupt, StopIteration, AttributeError):
                text = ""
            yield aid, text if isinstance(text, str) else ""

    def _load_article(self, article_id: str) -> tuple[Article, dict[str, Annotation]]:
        hit = self._cache.get(article_id)
        if hit is not None:
            self._cache.move_to_end(article_id)
            return hit
        if article_id not in self._rows:
            raise KeyError(f"no article {article_id!r} in {self.path}")
        loaded = self._read_shard(article_id)
        self._cache[article_id] = loaded
        while len(self._cache) > self.CACHE:
            self._cache.popitem(last=False)
        return loaded

    def _read_shard(self, article_id: str) -> tuple[Article, dict[str, Annotation]]:
        path = self.shards / shard_name(article_id)
        data = _read_json(path)
        try:
            article = Article.from_dict(_article_doc(data))
            docs = {d["id"]: d for d in (data.get("annotations") or {}).values()}
            for ann_id, doc in self._pending_ann.get(article_id, {}).items():
                if doc is None:
                    docs.pop(ann_id, None)
                else:
                    docs[ann_id] = doc
            anns = {k: Annotation.from_dict(d) for k, d in docs.items()}
        except (StopIteration, AnnotationError, *ROW_ERRORS) as exc:
            if not data:
                raise WorkspaceCorrupt(path, "the article's file is missing") from None
            raise WorkspaceCorrupt(path, f"the article's file is malformed ({exc!r})") from None
        row = self._rows.get(article_id)
        if row is not None:  # the row holds the review state as of the journal; the file, as of the last checkpoint
            state, since = row.get("state", article.state), row.get("state_time", article.state_time)
            if (state, since) != (article.state, article.state_time):
                article = replace(article, state=state, state_time=since)
        return article, anns

    @staticmethod
    def _shard_doc(article: Article, anns: Mapping[str, Annotation]) -> dict:
        doc = article.to_dict()
        if article.tokens is not None:
            doc["tokens"] = article.tokens
        return {
            "article": {"1": doc},
            "annotations": {str(i): a.to_dict() for i, a in enumerate(
                sorted(anns.values(), key=lambda a: (a.start, a.end, a.id)), 1)},
        }

    # writing

    def _writable(self) -> None:
        if self.readonly:
            raise WorkspaceError(f"{self.path} is open read-only")
        if self.closed:
            raise WorkspaceError(f"{self.path} is closed")

    def add_articles(self, items: Iterable[tuple[Article, Sequence[Annotation]]], *,
                     suggested: bool = True, keep_tokens: bool = True) -> list[str]:
        """Import articles with their annotations; returns the ids stored.

        ``keep_tokens``: tokenize each article (spaCy, loaded on first use) and keep its
        tokens in its file for the export (tui.nlp.tokens); without, the export tokenizes it.

        Each article's file is written whole and renamed into place; one sync for
        the batch, then the rows go to the journal as one line. Nothing changes in
        memory until that line is durable.
        """
        self._writable()
        ops: list = []
        files: list[tuple[Path, str]] = []
        rows: list[tuple[dict, int]] = []
        next_key = self._next_key
        for article, anns in items:
            filled: dict[str, Any] = {}
            if article.tokens is None and keep_tokens:  # an export need not tokenize it again
                filled["tokens"] = tokens.pack(article.text)
            if not article.state_time:
                filled["state_time"] = now_iso()
            if filled:
                article = replace(article, **filled)
            checked = {a.id: check_annotation(a, article.text) for a in anns}
            for a in checked.values():
                if a.article_id != article.id:
                    raise AnnotationError(f"annotation {a.id} belongs to {a.article_id}, not {article.id}")
            key = self._keys.get(article.id)
            if key is None:
                key, next_key = next_key, next_key + 1
            files.append((self.shards / shard_name(article.id), _dumps(self._shard_doc(article, checked))))
            row = summarize(article, checked.values(), suggested=suggested)
            ops.append(["row", key, row])
            rows.append((row, key))
        if not ops:
            return []
        write_many(files, mode=self.mode)
        self.journal.append(ops)
        for row, key in rows:
            self._pending_ann.pop(row["id"], None)
            self._cache.pop(row["id"], None)
            self._put_row(row, key)
        return [row["id"] for row, _ in rows]

    def save(self, annotations: Sequence[Annotation], *, removed: Sequence[str] = (),
             article_id: str | None = None, state: str | None = None,
             suggested: bool | None = None) -> Change:
        """Write changes to one article's annotations in one durable step; returns what
        changed (before and after, and the article's new summary).

        Every annotation is checked against the article's text first; if one is
        refused, nothing is written. ``state`` changes the article's review state.
        """
        self._writable()
        aid = article_id or (annotations[0].article_id if annotations else None)
        if aid is None:
            raise ValueError("save() needs annotations or an article_id")
        article, current = self._load_article(aid)
        checked = []
        for a in annotations:
            if a.article_id != aid:
                raise AnnotationError(f"annotation {a.id} belongs to {a.article_id}, not {aid}")
            checked.append(check_annotation(a, article.text))
        new = dict(current)
        for a in checked:
            new[a.id] = a
        for ann_id in removed:
            new.pop(ann_id, None)
        if state is None and article.state == "new" and (checked or removed):
            state = "in_progress"
        if state is not None and state not in REVIEW_STATES:
            raise ValueError(f"unknown review state {state!r}")
        new_article = replace(article, state=state, state_time=now_iso()) \
            if state and state != article.state else article
        old_row = self._rows[aid]
        # Count only what changed: a key press costs the same at 40 annotations or 4,000.
        before = [current[a.id] for a in checked if a.id in current]
        before += [current[i] for i in removed if i in current]
        row = recount(old_row, before, checked, state=new_article.state, state_time=new_article.state_time,
                      suggested=old_row.get("suggested", True) if suggested is None else suggested)
        ops: list = [["ann", aid, a.id, a.to_dict()] for a in checked]
        ops += [["ann", aid, i, None] for i in removed]
        if new_article is not article:
            ops.append(["touch", aid])
        ops.append(["row", self._keys[aid], row])
        self.journal.append(ops)  # the durable step; raises SaveFailed and changes nothing
        pending = self._pending_ann.setdefault(aid, {})
        for op in ops:
            if op[0] == "ann":
                pending[op[2]] = op[3]
        self._cache[aid] = (new_article, new)
        self._cache.move_to_end(aid)
        self._put_row(row, self._keys[aid])
        if self.journal.size > self.CHECKPOINT_BYTES:
            self._fold()
        was: dict[str, Annotation | None] = {a.id: current.get(a.id) for a in checked}
        was.update({i: current.get(i) for i in removed})
        now: dict[str, Annotation | None] = {a.id: a for a in checked}
        now.update({i: None for i in removed})
        return Change(aid, was, now, article.state, new_article.state, ArticleSummary.from_row(row))

    def _fold(self) -> None:
        """Checkpoint after a saved action. The action is saved (its journal line is durable
        and replays on the next open) whether or not this works, so a failure is a warning."""
        try:
            self.checkpoint()
            self.warning = ""
        except SaveFailed as exc:
            self.warning = f"{exc}; your changes are safe in {self.journal.path}"

    def take_warning(self) -> str:
        """What went wrong beside a saved action (a failed checkpoint), once."""
        warning, self.warning = self.warning, ""
        return warning

    def set_state(self, article_id: str, state: str) -> None:
        self.save([], article_id=article_id, state=state)

    # figures

    def stats(self) -> dict[str, Any]:
        """Articles by review state, annotations by label and status (kept current, no scan)."""
        t = self._totals
        by_label = {label: dict(c) for label, c in t["by_label"].items() if any(c.values())}
        return {"articles": len(self._rows), "by_state": dict(t["by_state"]),
                "annotations": t["annotations"], "reviewed": t["reviewed"], "by_label": by_label}
