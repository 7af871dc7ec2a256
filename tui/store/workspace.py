"""The workspace: articles and annotations in TinyDB files, durable on every action.

Layout for a workspace at ``workspace.json`` (see README, "How it stores your work"):

``workspace.json``           TinyDB: ``_meta`` (schema, labels), ``totals`` (the
                             figures of ``readtui stats``) and ``summary`` (every
                             article's summary row — title, state, counts — as
                             columns: see rows.Summary). Schema 1 kept one
                             ``articles`` row per article; it opens, and the next
                             checkpoint writes it in the new layout.
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

import os
from collections import OrderedDict
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path
from typing import IO, Any, Iterable, Iterator, Mapping, Sequence

from ..change import ArticleSummary, Change
from ..model import (
    DEFAULT_LABELS,
    REVIEW_STATES,
    Annotation,
    AnnotationError,
    Article,
    check_annotation,
    now_iso,
)
from .errors import (
    ROW_ERRORS,
    SNAPSHOT_TRIES,
    SaveFailed,
    WorkspaceCorrupt,
    WorkspaceError,
    WorkspaceTooNew,
    _Checkpointed,
    _still_changing,
)
from .files import (
    _article_doc,
    _dumps,
    _mode,
    _parse_json,
    _read_json,
    _same_file,
    write_atomic,
    write_many,
)
from .journal import Journal
from .lock import Lock
from .paths import _resolve, default_path, shard_name
from .rows import (
    SCHEMA_VERSION,
    Summary,
    _check_annotation_doc,
    account,
    check_totals,
    empty_totals,
    recount,
    summarize,
)


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
        self._rows = Summary()  # every article's summary row, in import order
        self._next_key = 1
        self._totals: dict[str, Any] = empty_totals()
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
        """``workspace.json``'s rows and totals read into memory; the table returned."""
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
        try:
            if "summary" in data:
                self._read_summary(data)
            else:
                self._read_rows(data.get("articles") or {})
        except ROW_ERRORS as exc:
            raise WorkspaceCorrupt(self.path, f"an article row is malformed ({exc!r})", backup) from None
        return data

    def _read_summary(self, data: dict) -> None:
        """Schema 2: the columns as they are, the totals as stored (kept by every checkpoint)."""
        summary = data["summary"]
        self._rows = Summary.from_table(summary.get("1") if isinstance(summary, dict) else None)
        totals = (data.get("totals") or {}).get("1")
        if totals is None:  # left out by hand: counted again
            for row in self._rows.rows():
                account(self._totals, row, 1)
        else:
            self._totals = check_totals(totals)
        self._next_key = max(self._rows.keys, default=0) + 1

    def _read_rows(self, rows: Any) -> None:
        """Schema 1: one row per article, each taken in and counted."""
        if not isinstance(rows, dict):
            raise TypeError("the articles table is not a table")
        for key, row in sorted(rows.items(), key=lambda kv: int(kv[0])):
            self._put_row(row, int(key))

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

    def _put_row(self, row: dict, key: int) -> None:
        aid = row["id"]
        if not isinstance(aid, str):
            raise TypeError(f"article id {aid!r:.40} is not a string")
        account(self._totals, row, 1)
        if aid in self._rows:
            account(self._totals, self._rows.get(aid), -1)
        self._rows.put(row, key)
        self._next_key = max(self._next_key, key + 1)

    def _drop_row(self, key: int) -> None:
        row = self._rows.drop(key)
        if row is not None:
            account(self._totals, row, -1)

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
        self.meta = {**self.meta, "schema": SCHEMA_VERSION}  # a schema 1 workspace is written anew here
        data = {"_meta": {"1": self.meta}, "totals": {"1": self._totals}, "summary": {"1": self._rows.table()}}
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

    def set_labels(self, labels: Sequence[str]) -> None:
        """The workspace's label set, in number-key order (durable through the journal)."""
        self._writable()
        meta = {**self.meta, "labels": list(labels)}
        self.journal.append([["meta", meta]])
        self.meta = meta

    @property
    def name(self) -> str:
        return self.path.stem if self.path.name != "workspace.json" else self.path.parent.name

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._rows

    def rows(self) -> list[dict]:
        """Summary rows of every article, in import order (built for the asking: at 100,000
        articles ``ids`` and ``row`` are the quicker way)."""
        return self._rows.rows()

    def ids(self, **where: Any) -> list[str]:
        """Article ids in import order; ``ids(state="done")``, ``ids(suggested=False)``: those
        whose summary row has that value (a field of ``rows.FIXED``)."""
        return self._rows.ids(**where)

    def derived_path(self, name: str) -> Path:
        """Where an index derived from the articles (stories, quotes) keeps its file: beside
        the workspace, never journaled; rebuilt from the articles when missing or stale."""
        return self.path.with_name(f"{self.path.name}.{name}")

    def row(self, article_id: str) -> dict:
        try:
            return self._rows.get(article_id)
        except ROW_ERRORS[:2] as exc:  # ValueError, TypeError: its stored text is damaged
            raise WorkspaceCorrupt(self.path, f"an article row is malformed ({exc})") from None

    def find_hash(self, text_hash: str) -> str | None:
        return self._rows.find_hash(text_hash)

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
        for aid in (self._rows.ids() if ids is None else ids):
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
            anns = {d["id"]: Annotation.adopt(d) for d in (data.get("annotations") or {}).values()}
            for ann_id, doc in self._pending_ann.get(article_id, {}).items():
                if doc is None:
                    anns.pop(ann_id, None)
                else:  # the journal's own dict: copied
                    anns[ann_id] = Annotation.from_dict(doc)
        except (StopIteration, AnnotationError, *ROW_ERRORS) as exc:
            if not data:
                raise WorkspaceCorrupt(path, "the article's file is missing") from None
            raise WorkspaceCorrupt(path, f"the article's file is malformed ({exc!r})") from None
        if article_id in self._rows:  # the row holds the review state as of the journal; the file, as of the last checkpoint
            try:
                state, since, note = self._rows.review(article_id)
            except ROW_ERRORS[:2] as exc:
                raise WorkspaceCorrupt(self.path, f"an article row is malformed ({exc})") from None
            state = article.state if state is None else state
            since = article.state_time if since is None else since
            if (state, since) != (article.state, article.state_time):
                article = replace(article, state=state, state_time=since)
            if note is not None:
                article = replace(article, meta={**article.meta, "note": note})
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
                     suggested: bool = True) -> list[str]:
        """Import articles with their annotations; returns the ids stored.

        An article's ``tokens`` (packed by tui.nlp.tokens, when the importer kept them) go
        into its file for the export; the store itself never tokenizes.

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
            if not article.state_time:
                filled["state_time"] = now_iso()
            if filled:
                article = replace(article, **filled)
            checked = {a.id: check_annotation(a, article.text) for a in anns}
            for a in checked.values():
                if a.article_id != article.id:
                    raise AnnotationError(f"annotation {a.id} belongs to {a.article_id}, not {article.id}")
            key = self._rows.key(article.id)
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
             suggested: bool | None = None, note: str | None = None) -> Change:
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
        old_row = self.row(aid)
        # Count only what changed: a key press costs the same at 40 annotations or 4,000.
        before = [current[a.id] for a in checked if a.id in current]
        before += [current[i] for i in removed if i in current]
        row = recount(old_row, before, checked, state=new_article.state, state_time=new_article.state_time,
                      suggested=old_row.get("suggested", True) if suggested is None else suggested)
        if note is not None:  # the analyst's note on the article: in its row, read as meta["note"]
            row["note"] = note
            new_article = replace(new_article, meta={**new_article.meta, "note": note})
        ops: list = [["ann", aid, a.id, a.to_dict()] for a in checked]
        ops += [["ann", aid, i, None] for i in removed]
        if new_article is not article:
            ops.append(["touch", aid])
        key = self._rows.key(aid)
        ops.append(["row", key, row])
        self.journal.append(ops)  # the durable step; raises SaveFailed and changes nothing
        pending = self._pending_ann.setdefault(aid, {})
        for op in ops:
            if op[0] == "ann":
                pending[op[2]] = op[3]
        self._cache[aid] = (new_article, new)
        self._cache.move_to_end(aid)
        self._put_row(row, key)
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
