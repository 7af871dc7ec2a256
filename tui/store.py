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
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

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


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: str | bytes, *, keep_backup: Path | None = None) -> None:
    """Write ``path`` so that a crash leaves either the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        with open(tmp, "wb") as fh:
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


def write_many(files: Sequence[tuple[Path, str]]) -> None:
    """Write many new files, each renamed into place, with one sync for them all.

    Bulk import writes thousands of small files; an fsync each would cost more
    than the import itself. A crash leaves each file either absent or whole.
    """
    done = []
    try:
        for path, data in files:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            with open(tmp, "wb") as fh:
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
    if not raw.strip():
        raise WorkspaceCorrupt(path, "the file is empty")
    try:
        data = _loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
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
        data = _read_json(self.path)
        journal = Journal(self.path.with_name(self.path.name + ".journal"))
        for txn in journal.replay():
            for op in txn:
                if op[0] == "row":
                    _, key, row = op
                    table = data.setdefault("articles", {})
                    if row is None:
                        table.pop(str(key), None)
                    else:
                        table[str(key)] = row
                elif op[0] == "meta":
                    data.setdefault("_meta", {})["1"] = op[1]
        return data or None


class Journal:
    """The append-only log: one JSON line per action, fsync'd."""

    def __init__(self, path: Path):
        self.path = path
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
                ops = txn["ops"]
            except (ValueError, KeyError, TypeError, UnicodeDecodeError):
                if i == len(lines) - 1:  # torn last line: the action never returned
                    break
                raise WorkspaceCorrupt(self.path, f"line {i + 1} of the journal is unreadable")
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
                self._fh = open(self.path, "ab")
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
        write_atomic(self.path, b"")

    def close(self) -> None:
        if self._fh is not None:
            try:
                self._fh.close()
            except OSError:
                pass
            self._fh = None


class Lock:
    """An exclusive lock on the workspace; the kernel drops it if we die."""

    def __init__(self, path: Path):
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
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
        info = {"pid": os.getpid(), "host": socket.gethostname(),
                "command": " ".join(Path(sys.argv[0]).name.split() + sys.argv[1:2]), "since": now_iso()}
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps(info).encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            try:
                os.ftruncate(self._fd, 0)
            except OSError:
                pass
            os.close(self._fd)
            self._fd = None


# --- the workspace -------------------------------------------------------------

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
    return {**row, "counts": counts, "annotations": total, "reviewed": reviewed,
            "state": state, "state_time": state_time, "suggested": suggested}


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
        self.journal = Journal(self.path.with_name(self.path.name + ".journal"))
        self._lock = Lock(self.path.with_name(self.path.name + ".lock"))
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
        ws = cls(Path(path) if path else default_path(), readonly=readonly)
        if not ws.path.exists() and not ws.journal.path.exists():
            if readonly or not create:
                raise WorkspaceError(f"no workspace at {ws.path}")
        if not readonly:
            ws.path.parent.mkdir(parents=True, exist_ok=True)
            ws._lock.acquire()
        try:
            ws._load(labels)
        except BaseException:
            ws._lock.release()
            raise
        return ws

    def _load(self, labels: Sequence[str] | None) -> None:
        backup = self.backup if self.backup.exists() else None
        try:
            data = _read_json(self.path)
        except WorkspaceCorrupt as exc:
            raise WorkspaceCorrupt(exc.path, exc.reason, backup) from None
        meta = (data.get("_meta") or {}).get("1")
        rows = data.get("articles") or {}
        if not isinstance(rows, dict):
            raise WorkspaceCorrupt(self.path, "the articles table is not a table", backup)
        try:
            for key, row in sorted(rows.items(), key=lambda kv: int(kv[0])):
                self._put_row(row, int(key))
        except (ValueError, TypeError, KeyError) as exc:
            raise WorkspaceCorrupt(self.path, f"an article row is malformed ({exc})", backup) from None
        for ops in self.journal.replay(repair=not self.readonly):
            if not isinstance(ops, list):
                raise WorkspaceCorrupt(self.journal.path, "a journal entry is not a list of changes")
            meta = self._apply(ops, meta)
        if meta is None:
            meta = {"schema": SCHEMA_VERSION, "labels": list(labels or DEFAULT_LABELS),
                    "created": now_iso()}
            if not self.readonly:
                self.journal.append([["meta", meta]])
        if int(meta.get("schema", 0)) > SCHEMA_VERSION:
            raise WorkspaceTooNew(
                f"{self.path} was written by a newer readtui (schema {meta.get('schema')}, this "
                f"readtui reads up to {SCHEMA_VERSION}); upgrade readtui to open it. The file was left untouched.")
        self.meta = meta

    def _apply(self, ops: list, meta: dict | None) -> dict | None:
        for op in ops:
            kind = op[0]
            if kind == "row":
                _, key, row = op
                if row is None:
                    self._drop_row(key)
                else:
                    self._put_row(row, int(key))
            elif kind == "ann":
                _, article_id, ann_id, doc = op
                self._pending_ann.setdefault(article_id, {})[ann_id] = doc
            elif kind == "touch":  # the review state changed: rewrite the shard at checkpoint
                self._pending_ann.setdefault(op[1], {})
            elif kind == "meta":
                meta = op[1]
            else:
                raise WorkspaceCorrupt(self.journal.path, f"unknown change {kind!r}")
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
    def restore_backup(path: Path | str) -> Path:
        """Put ``workspace.json.bak`` back in place; the damaged file is kept beside it.

        Returns where the damaged file went. Changes still in the journal replay
        over the backup on the next open.
        """
        path = Path(path)
        backup = path.with_name(path.name + ".bak")
        if not backup.exists():
            raise WorkspaceError(f"no backup of {path} to restore ({backup} does not exist)")
        _read_json(backup)  # refuse a damaged backup too
        lock = Lock(path.with_name(path.name + ".lock"))
        lock.acquire()
        try:
            kept = path.with_name(f"{path.name}.damaged-{now_iso().replace(':', '')}")
            if path.exists():
                os.replace(path, kept)
            write_atomic(path, backup.read_bytes())
        finally:
            lock.release()
        return kept

    def close(self) -> None:
        if self.closed:
            return
        try:
            if not self.readonly and self.journal.size:
                try:
                    self.checkpoint()
                except SaveFailed as exc:
                    # Everything is still in the journal, which replays on the next open.
                    self.warning = f"{exc}; your changes are safe in {self.journal.path}"
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
            write_atomic(self.shards / shard_name(aid), _dumps(self._shard_doc(article, anns)))
        data = {
            "_meta": {"1": self.meta},
            "articles": {str(self._keys[aid]): row for aid, row in self._rows.items()},
        }
        write_atomic(self.path, _dumps(data), keep_backup=self.backup)
        self.journal.clear()
        self._pending_ann.clear()

    # settings kept with the work (issue 16: the label map …), journaled like any change

    def setting(self, key: str, default: Any = None) -> Any:
        return self.meta.get(key, default)

    def set_setting(self, key: str, value: Any) -> None:
        self._writable()
        meta = dict(self.meta, **{key: value})
        self.journal.append([["meta", meta]])  # the durable step; raises SaveFailed
        self.meta = meta

    def learned_path(self, name: str) -> Path:
        """Where what the workspace learned lives: ``models/`` (trained versions),
        ``patterns.jsonl`` (tui.nlp.patterns), ``effort.jsonl``."""
        return self.shards / name

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
        except (StopIteration, TypeError, KeyError, AnnotationError) as exc:
            if not data:
                raise WorkspaceCorrupt(path, "the article's file is missing") from None
            raise WorkspaceCorrupt(path, f"the article's file is malformed ({exc!r})") from None
        for ann_id, doc in self._pending_ann.get(article_id, {}).items():
            if doc is None:
                docs.pop(ann_id, None)
            else:
                docs[ann_id] = doc
        row = self._rows.get(article_id)
        if row is not None:  # the row holds the review state as of the journal; the file, as of the last checkpoint
            state, since = row.get("state", article.state), row.get("state_time", article.state_time)
            if (state, since) != (article.state, article.state_time):
                article = replace(article, state=state, state_time=since)
        return article, {k: Annotation.from_dict(d) for k, d in docs.items()}

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
        write_many(files)
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
            self.checkpoint()
        was: dict[str, Annotation | None] = {a.id: current.get(a.id) for a in checked}
        was.update({i: current.get(i) for i in removed})
        now: dict[str, Annotation | None] = {a.id: a for a in checked}
        now.update({i: None for i in removed})
        return Change(aid, was, now, article.state, new_article.state, ArticleSummary.from_row(row))

    def set_state(self, article_id: str, state: str) -> None:
        self.save([], article_id=article_id, state=state)

    # figures

    def stats(self) -> dict[str, Any]:
        """Articles by review state, annotations by label and status (kept current, no scan)."""
        t = self._totals
        by_label = {label: dict(c) for label, c in t["by_label"].items() if any(c.values())}
        return {"articles": len(self._rows), "by_state": dict(t["by_state"]),
                "annotations": t["annotations"], "reviewed": t["reviewed"], "by_label": by_label}
