"""Worker processes that build a large export and write it in place.

``jobs`` processes each take the next share (``chunk`` articles) of the ids, read those
articles from the workspace themselves, build their records and, in the order of the
shares, claim the next stretch of the output file and write their bytes there
(``os.pwrite``). The parent hands out only the output's path and counts what was
written: no article and no line travels through a pipe (a 10,000-article JSONL export
is 500 MB, and sending it to the parent to write cost that process ~4 s of CPU on a
two-core machine where the workers needed every cycle).

Shares are claimed in order, so the file holds the records in the order of the ids,
byte for byte what ``export.write_records`` writes. A share that fails (ExportError:
a record that does not line up with its text) is reported in that same order: every
share before it has been written, none after it is, and the parent raises its error;
the caller (``export.write_atomic``) then removes the temporary file.

The processes are started by ``ExportWorkers(...)`` before the caller does anything
else: forked when this process runs no other thread (then before the progress bar
starts its own), after this process has opened the workspace and, if the export
needs it (a DocBin, or articles stored without their tokens), loaded spaCy's tokenizer
for them all; else spawned, and each loads them itself. Then they wait for ``write``.

Formats whose output cannot be written piece by piece (the spaCy DocBin, serialised
once at the end), and outputs without a path, go the old way: each share's result is
sent to the parent, which joins them in order.

Pure: no UI. Used by ``commands.export_gold``.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import pickle
import stat
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import IO, Any, Callable, Iterable, Sequence

from ..nlp.tokens import default_tokenizer as _default_tokenizer
from .common import ExportSummary, Item, gold
from .docbin import spacy_doc
from .doccano import doccano_record
from .jsonl import _json_line, jsonl_line
from .registry import FORMATS, _counted

# The parts of a DocBin that DocBin.merge joins: a worker's share travels as these
# (pickling a DocBin goes through to_bytes/from_bytes, which does not give back the
# same bytes).
_DOCBIN_PARTS = ("tokens", "spaces", "strings", "cats", "flags", "user_data", "span_groups")
MAX_PENDING = 32  # shares (~3 MB each) a worker may hold built, waiting for their turn to be written
POLL = 0.2  # seconds between looks at the shared state while waiting


@dataclass(frozen=True)
class ExportJob:
    """In a worker process: load a share of the articles, select their gold, build the output."""

    load: Callable[[Sequence[str]], Iterable[Item]]
    fmt: str
    all: bool
    suggestions: bool

    def __call__(self, ids: Sequence[str]) -> tuple[Any, ExportSummary]:
        """The share's bytes (JSONL, doccano) or DocBin parts, and what it counted."""
        summary = ExportSummary()
        items = _counted(gold(self.load(ids), all=self.all, suggestions=self.suggestions), summary)
        if self.fmt == "jsonl":
            return b"".join([jsonl_line(article, anns, in_order=True) for article, anns in items]), summary
        if self.fmt == "doccano":
            return b"".join([_json_line(doccano_record(article, anns), ascii_only=True)
                             for article, anns in items]), summary
        from spacy.tokens import DocBin

        docbin = DocBin(store_user_data=True)
        for article, anns in items:
            docbin.add(spacy_doc(article, anns))
        return {k: getattr(docbin, k) for k in _DOCBIN_PARTS}, summary

    def load_tools(self, ids: Sequence[str] = ()) -> None:
        """Open the workspace (``load``), and load spaCy's tokenizer if this export needs
        it, once per process: always for a DocBin (its Docs need spaCy's vocabulary), for
        JSONL only when the articles do not carry their tokens (a workspace from before
        they were kept, judged by the first of ``ids``; any other is tokenized when met)."""
        first = list(self.load(list(ids[:1])))
        if self.fmt == "doccano":
            return
        import numpy  # noqa: F401 (every token lookup uses it: import it once, before a fork)

        if self.fmt == "spacy" or any(a.tokens is None for a, _ in first):
            _default_tokenizer().nlp

    def prepare(self, ids: Sequence[str]) -> None:
        """A worker's first steps: ``load_tools`` (done already when forked from a process
        that did it), then stop the cyclic garbage collector. The export makes ~3,000
        containers an article and no reference cycle (test_export_workers checks each
        format): every collection was work for nothing, 5-10% of a worker's time, and
        its first full ones walked spaCy's hundreds of thousands of objects. Reference
        counting still frees everything; the process ends with the export."""
        self.load_tools(ids)
        if self.fmt == "spacy":
            _look_up_msgpack_encoders_once()
        gc.freeze()
        gc.disable()


def _look_up_msgpack_encoders_once() -> None:
    """srsly looks up its msgpack encoders in catalogue's registry for every Packer it
    makes, and DocBin.add makes four an article (user_data, span groups): each lookup scans
    the installed packages' entry points and spaCy's whole registry, ~25% of a spaCy
    export's time. Nothing registers encoders during an export: in a worker process,
    look them up once and hand out the same ones."""
    try:
        from srsly.msgpack import msgpack_encoders
    except ImportError:  # pragma: no cover
        return
    encoders = msgpack_encoders.get_all()
    msgpack_encoders.get_all = lambda: dict(encoders)  # this registry object only


class _Shared:
    """What the workers share: the next share to take, the next share to write and where."""

    def __init__(self, ctx: Any):
        self.turn = ctx.Condition()
        self.taken = ctx.RawValue("q", 0)  # shares handed out so far
        self.next = ctx.RawValue("q", 0)  # the share whose bytes go next
        self.offset = ctx.RawValue("q", 0)  # where they go
        self.failed = ctx.RawValue("b", 0)  # a share failed, or the parent gave up: stop


def _portable(exc: BaseException) -> BaseException:
    """``exc``, or a stand-in when it would not survive the trip to the parent."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")


def _pwrite_all(fd: int, data: bytes, offset: int) -> None:
    view = memoryview(data)
    while view:
        n = os.pwrite(fd, view, offset)
        view, offset = view[n:], offset + n


def _end_with(parent: int) -> None:
    """End this worker process once ``parent`` (the export) is gone. Killed (kill -9), it
    neither stops its workers nor reads what they send: a worker would wait for it for
    ever (a DocBin share blocks in the full pipe, the other worker waits for its turn)."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(POLL)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="readtui-export-watch").start()


def _work(conn: Connection, shared: _Shared, job: ExportJob, ids: Sequence[str], chunk: int, parent: int) -> None:
    """A worker process: take shares until none is left, build each, write them in turn."""
    _end_with(parent)
    fd = None
    try:
        job.prepare(ids)
        msg = conn.recv()
        if msg[0] != "go":
            return
        path = msg[1]
        if path is not None:
            fd = os.open(path, os.O_WRONLY)
        shares = (len(ids) + chunk - 1) // chunk
        pending: dict[int, tuple] = {}
        while not shared.failed.value:
            with shared.turn:
                k = shared.taken.value
                shared.taken.value = k + 1
            if k >= shares:
                break
            try:
                pending[k] = ("ok", *job(ids[k * chunk:(k + 1) * chunk]))
            except Exception as exc:  # reported in its turn, as a one-process export would meet it
                pending[k] = ("error", _portable(exc))
            _flush(pending, shared, conn, fd, block=len(pending) >= MAX_PENDING)
        _flush(pending, shared, conn, fd, block=True)
    except KeyboardInterrupt:  # Ctrl-C reaches every process; the parent reports it
        pass
    except Exception as exc:  # not a share's fault (e.g. the workspace went away): stop them all
        with shared.turn:
            shared.failed.value = 1
            shared.turn.notify_all()
        try:
            conn.send(("error", -1, _portable(exc)))
        except OSError:  # the parent is gone
            pass
    finally:
        if fd is not None:
            os.close(fd)
        conn.close()


def _flush(pending: dict[int, tuple], shared: _Shared, conn: Connection, fd: int | None, *, block: bool) -> None:
    """Write (or send) the built shares whose turn has come; with ``block``, wait for it."""
    while pending:
        k = min(pending)
        with shared.turn:
            while shared.next.value != k and not shared.failed.value:
                if not block:
                    return
                shared.turn.wait(POLL)
            if shared.failed.value:
                return
            out = pending.pop(k)
            if out[0] == "error":
                shared.failed.value = 1
                shared.turn.notify_all()
                conn.send(("error", k, out[1]))
                return
            _, data, summary = out
            offset = shared.offset.value
            if fd is not None:
                shared.offset.value = offset + len(data)
            shared.next.value = k + 1
            shared.turn.notify_all()
        if fd is not None:
            try:
                _pwrite_all(fd, data, offset)
            except OSError as exc:  # e.g. the disk is full
                with shared.turn:
                    shared.failed.value = 1
                    shared.turn.notify_all()
                conn.send(("error", k, _portable(exc)))
                return
            data = len(data)
        conn.send(("done", k, data, summary))


def _add(summary: ExportSummary, counts: ExportSummary) -> None:
    summary.articles += counts.articles
    summary.entities += counts.entities
    summary.quotes += counts.quotes
    summary.speakers += counts.speakers
    summary.labels.update(counts.labels)


def _path_of(fh: IO[bytes]) -> str | None:
    """The path of the regular file ``fh`` writes to, if it has one that another process
    can open and write into at an offset (os.pwrite: not on Windows, nor into a FIFO)."""
    name = getattr(fh, "name", None)
    if not isinstance(name, str) or not hasattr(os, "pwrite"):
        return None
    try:
        st = os.fstat(fh.fileno())
        return name if stat.S_ISREG(st.st_mode) and os.path.samestat(st, os.stat(name)) else None
    except (OSError, ValueError, AttributeError):
        return None


class ExportWorkers:
    """``jobs`` worker processes for exporting the articles ``ids`` in ``fmt``; see the module docstring.

    Start them first thing (before any thread), ``write(fh)`` once, and close
    them (a context manager): ``with ExportWorkers(ids, load, "jsonl") as w: w.write(fh)``.
    ``load(share_of_ids)`` reads articles in a worker (picklable:
    ``partial(store.read_articles, path)``); ``prefetch(ids)``, if given, runs in a
    thread of this process while they work (``partial(store.prefetch_articles, path)``).
    """

    def __init__(self, ids: Sequence[str], load: Callable[[Sequence[str]], Iterable[Item]], fmt: str = "jsonl",
                 *, all: bool = False, suggestions: bool = False, jobs: int = 2, chunk: int = 64,
                 prefetch: Callable[[Sequence[str]], None] | None = None):
        if fmt not in FORMATS:
            raise ValueError(f"unknown export format {fmt!r} (use one of {', '.join(FORMATS)})")
        # fork: the workers start with what this process has loaded. Not when other threads
        # run (a progress bar's): fork copies none of them, nor the locks they hold.
        fork = threading.active_count() == 1 and "fork" in mp.get_all_start_methods()
        ctx = mp.get_context("fork" if fork else "spawn")
        self.fmt, self.ids, self.chunk, self.prefetch = fmt, list(ids), max(1, chunk), prefetch
        self.shares = (len(self.ids) + self.chunk - 1) // self.chunk
        self._shared = _Shared(ctx)
        job = ExportJob(load, fmt, all, suggestions)
        if fork:
            # Load spaCy's tokenizer here (if the export needs it), once, for every worker:
            # two processes loading it side by side took ~1.4 s each on two cores
            # (measured), one ~0.9 s.
            job.load_tools(self.ids)
        self._procs: list[Any] = []
        self._conns: list[Connection] = []
        try:
            for _ in range(max(1, jobs)):
                mine, theirs = ctx.Pipe()
                proc = ctx.Process(target=_work, args=(theirs, self._shared, job, self.ids, self.chunk, os.getpid()),
                                   daemon=True, name="readtui-export")
                proc.start()
                theirs.close()
                self._procs.append(proc)
                self._conns.append(mine)
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> "ExportWorkers":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def write(self, fh: IO[bytes], on_article: Callable[[], None] = lambda: None) -> ExportSummary:
        """Have the workers write the export into ``fh``; raises the first share's error, in order."""
        path = _path_of(fh) if self.fmt != "spacy" else None
        fh.flush()
        start = fh.tell() if path is not None else 0
        self._shared.offset.value = start
        for conn in self._conns:
            conn.send(("go", path))
        if self.prefetch is not None:  # the workers read the articles in this order: warm them ahead
            threading.Thread(target=self.prefetch, args=(self.ids,), daemon=True, name="readtui-prefetch").start()
        summary = ExportSummary()
        sent: dict[int, Any] = {}  # share -> what a worker sent, until the shares before it are in
        size, joined, done = 0, 0, 0
        docbin = None
        if self.fmt == "spacy":
            from spacy.tokens import DocBin

            docbin = DocBin(store_user_data=True)
        live = dict(zip(self._conns, self._procs))
        while done < self.shares:
            if not live:
                raise RuntimeError("the export's worker processes stopped before the export was done")
            wait(list(live))  # a message, or a worker gone (end of file)
            for conn, proc in list(live.items()):
                while conn.poll():
                    try:
                        msg = conn.recv()
                    except EOFError:  # the worker is done or died
                        proc.join()
                        del live[conn]
                        if proc.exitcode:
                            raise RuntimeError(f"an export worker process stopped (exit code {proc.exitcode})")
                        break
                    if msg[0] == "error":
                        raise msg[2]
                    _, k, data, counts = msg
                    done += 1
                    _add(summary, counts)
                    for _ in range(counts.articles):
                        on_article()
                    if path is not None:
                        size += data
                        continue
                    sent[k] = data
                    while joined in sent:
                        out = sent.pop(joined)
                        if docbin is None:
                            fh.write(out)
                        else:
                            for part in _DOCBIN_PARTS:
                                mine = getattr(docbin, part)
                                mine.update(out[part]) if part == "strings" else mine.extend(out[part])
                        joined += 1
        if docbin is not None:
            fh.write(docbin.to_bytes())
        elif path is not None:
            fh.seek(start + size)
            if os.fstat(fh.fileno()).st_size != start + size:
                raise RuntimeError("the export's workers did not write the whole file")
        return summary

    def _give_up(self) -> None:
        with self._shared.turn:
            self._shared.failed.value = 1
            self._shared.turn.notify_all()

    def close(self) -> None:
        """Stop the workers (at once if they are not done) and wait for them."""
        self._give_up()
        for conn in self._conns:
            try:
                conn.send(("stop",))
            except (OSError, ValueError):
                pass
        for proc in self._procs:
            proc.join(timeout=2)
            if proc.is_alive():
                proc.terminate()
                proc.join()
        for conn in self._conns:
            conn.close()
        self._procs, self._conns = [], []


def write_parallel(ids: Sequence[str], load: Callable[[Sequence[str]], Iterable[Item]], fh: IO[bytes],
                   fmt: str = "jsonl", *, all: bool = False, suggestions: bool = False, jobs: int = 2,
                   chunk: int = 64, on_article: Callable[[], None] = lambda: None) -> ExportSummary:
    """``fmt`` for the articles ``ids``, built by ``jobs`` worker processes and written in order.

    ``load(share_of_ids)`` reads articles in a worker. The bytes are those of
    ``export.write_records``; the first record that fails its checks stops the export
    with its ExportError, as there.
    """
    with ExportWorkers(ids, load, fmt, all=all, suggestions=suggestions, jobs=jobs, chunk=chunk) as workers:
        return workers.write(fh, on_article)
