"""The Dask job behind ``readtui suggest --cluster``.

The driver (this process) streams the archive, cuts it into partitions of articles and
hands them to the workers, never more than a few per worker at a time, so its memory
stays flat. Each worker loads the spaCy pipeline once (``SuggesterPlugin``) and turns a
partition into the export's JSONL lines (``tui.formats.jsonl.jsonl_line``, as ``readtui suggest``
writes them). The driver writes each partition's lines as one part file, whole or not at
all, and at the end ``manifest.json``. The driver needs no shared file system with the
workers: the lines come back to it.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from ..formats.common import ImportProblem, Record
from ..model import Article, check_annotation, content_hash
from ..store.files import write_atomic
from . import resume
from .corpus import articles

PARTITION = 128  # articles a worker parses in one go: a few seconds of work; 128 is ~5 % cheaper
# an article than 64 on two workers (bench/scale.py --partition, docs/scale.md)
IN_FLIGHT = 2  # partitions queued per worker thread: enough to keep it busy
PLUGIN = "readtui-suggester"
MAX_LISTED_FAILURES = 1000
# Dask keeps the last 1,000 messages of each connection for debugging ("low-level
# logs"): the client's to the scheduler and the scheduler's to each worker hold whole
# partitions, so the driver grew by ~1.7 MB every 1,000 articles until ~1,000
# partitions a worker had gone by. A few are enough to read a failure.
DRIVER_CONFIG = {"distributed.admin.low-level-log-length": 16}
# Two of Dask's defaults for the workers of a local cluster cost a CPU-bound pipeline
# dearly (measured on en_core_web_sm, docs/scale.md): glibc told to hand freed memory
# back to the system past 64 kB makes spaCy's constant small allocations ~20% slower,
# and the statistical profiler samples the worker's thread every 10 ms. (Threads: Dask
# already starts workers with OMP/MKL/OPENBLAS_NUM_THREADS=1.)
WORKER_CONFIG = {
    **DRIVER_CONFIG,
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    "distributed.worker.profile.enabled": False,
}


class ClusterMissing(RuntimeError):
    """Dask is not installed; the message says how to get it."""


class WorkersFailed(RuntimeError):
    """The workers could not set up (no such model on them, say); the message says why."""


def need_dask() -> None:
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise ClusterMissing("--cluster needs Dask: pip install 'readtui[cluster]'") from None


# --- on the workers --------------------------------------------------------------

try:
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError:  # without the extra only need_dask() is ever called
    WorkerPlugin = object  # type: ignore[misc,assignment]


class SuggesterPlugin(WorkerPlugin):  # type: ignore[misc,valid-type]
    """Loads the suggester once per worker, when the worker joins."""

    name = PLUGIN

    def __init__(self, model: str | None, labels: Sequence[str]):
        self.model, self.labels = model, tuple(labels)
        self.suggester = None

    def setup(self, worker) -> None:
        from ..nlp.suggest import Suggester

        self.suggester = Suggester(labels=self.labels, model=self.model)


@dataclass
class PartResult:
    lines: list[bytes]
    keys: list[int]
    failures: list[str]
    model: str


def suggestion_id(article: Article, kind: str, start: int, end: int, label: str) -> str:
    """The same suggestion gets the same id on every run and every worker."""
    return content_hash(f"{article.hash}\x00{kind}\x00{start}\x00{end}\x00{label}")[:16]


def suggest_part(items: Sequence[tuple[str, Article]]) -> PartResult:
    """One partition (``where``, article) -> its JSONL lines; a bad article is reported and left out."""
    from dataclasses import replace

    from distributed import get_worker

    from ..formats.common import ExportError
    from ..formats.jsonl import jsonl_line
    from ..model import AnnotationError

    from ..nlp.tokens import default_tokenizer

    suggester = get_worker().plugins[PLUGIN].suggester
    tokenizer = default_tokenizer()
    out = PartResult([], [], [], suggester.name)
    # spaCy keeps every new word it meets (and the tokenizer every new chunk): over
    # millions of articles a worker would grow without end. What a partition adds is
    # freed when it is done; nothing of its Docs outlives the zone.
    with suggester.nlp.memory_zone(), tokenizer.nlp.memory_zone():
        found = suggester.suggest_many([a.text for _, a in items])
        for (where, article), suggestions in zip(items, found):
            try:
                anns = [check_annotation(replace(s.to_annotation(article.id), id=suggestion_id(
                    article, s.kind, s.start, s.end, s.label)), article.text) for s in suggestions]
                out.lines.append(jsonl_line(article, anns, tokenizer))
            except (ExportError, AnnotationError) as exc:
                out.failures.append(f"{where}: {exc}")
                continue
            out.keys.append(resume.key(article.hash))
    return out


# --- the driver -------------------------------------------------------------------

@dataclass
class Manifest:
    """What a run did, written to ``OUTDIR/manifest.json``."""

    model: str = ""
    labels: list[str] = field(default_factory=list)
    cluster: str = ""
    workers: int = 0
    articles: int = 0  # in OUTDIR, this run's and earlier runs'
    parts: int = 0
    written: int = 0  # by this run
    already_done: int = 0  # in OUTDIR before this run: skipped
    duplicates: int = 0  # the same text twice in the archive: written once
    failed: int = 0
    failures: list[str] = field(default_factory=list)  # path:line: reason (the first 1,000)
    started: str = ""
    seconds: float = 0.0
    articles_per_second: float = 0.0
    complete: bool = False

    def fail(self, reason: str, n: int = 1) -> None:
        self.failed += n
        if len(self.failures) < MAX_LISTED_FAILURES:
            self.failures.append(reason)


def _partitions(stream: Iterable[Record | ImportProblem], before: resume.Keys, manifest: Manifest,
                on_problem: Callable[[str], None], size: int) -> Iterator[list[tuple[str, Article]]]:
    """The articles not yet in OUTDIR, each text once, in lists of ``size``."""
    seen = resume.Keys()
    part: list[tuple[str, Article]] = []
    for item in stream:
        if isinstance(item, ImportProblem):
            manifest.fail(str(item))
            on_problem(str(item))
            continue
        k = resume.key(item.article.hash)
        if k in before:
            manifest.already_done += 1
        elif k in seen:
            manifest.duplicates += 1
        else:
            seen.add(k)
            part.append((item.where, item.article))
            if len(part) == size:
                yield part
                part = []
    if part:
        yield part


def _client(address: str | None, workers: int):
    """A client of the cluster at ``address``, or of one started here (closed with it)."""
    import dask
    from distributed import Client, LocalCluster

    if address:
        with dask.config.set(DRIVER_CONFIG):
            return Client(address, timeout="30s"), None
    # Its workers' own logs stay quiet: what goes wrong comes back with the results.
    with dask.config.set(WORKER_CONFIG):
        cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                               processes=True, dashboard_address=None, silence_logs=logging.CRITICAL)
        return Client(cluster), cluster


def run(paths: Sequence[str | Path], outdir: Path, *, address: str | None = None, workers: int = 0,
        model: str | None = None, labels: Sequence[str] = (), partition: int = PARTITION,
        on_written: Callable[[int], None] = lambda n: None,
        on_problem: Callable[[str], None] = lambda reason: None) -> Manifest:
    """Suggest for every article under ``paths`` not yet in ``outdir``; returns the manifest."""
    need_dask()
    from distributed import as_completed

    outdir.mkdir(parents=True, exist_ok=True)
    resume.clear_leftovers(outdir)
    before = resume.done(outdir)
    manifest = Manifest(labels=list(labels), started=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                        articles=len(before))
    number = resume.next_number(outdir)
    start = time.perf_counter()
    client, cluster = _client(address, workers)
    try:
        manifest.cluster = address or "local"
        try:
            client.register_plugin(SuggesterPlugin(model, labels), name=PLUGIN)
        except Exception as exc:  # raised on a worker, e.g. ModelMissing: its message says the fix
            raise WorkersFailed(f"the workers could not load the model: {str(exc).splitlines()[0]}") from None
        threads = sum(client.nthreads().values()) or 1
        manifest.workers = len(client.nthreads())
        pending: dict = {}
        finished = as_completed()

        def collect(future) -> None:
            number, items = pending.pop(future)
            try:
                result: PartResult = future.result()
            except Exception as exc:  # a worker lost too often, a broken pipeline
                reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                manifest.fail(f"{items[0][0]} … {items[-1][0]}: {len(items)} articles not parsed "
                              f"({type(exc).__name__}: {reason}); run the command again to retry them",
                              len(items))
                on_problem(manifest.failures[-1])
                on_written(len(items))
                return
            finally:
                future.release()
            manifest.model = manifest.model or result.model
            for reason in result.failures:
                manifest.fail(reason)
                on_problem(reason)
            if result.lines:
                write_atomic(resume.part_path(outdir, number), b"".join(result.lines))
            manifest.written += len(result.lines)
            on_written(len(result.lines) + len(result.failures))

        for items in _partitions(articles(paths), before, manifest, on_problem, partition):
            future = client.submit(suggest_part, items, pure=False)
            pending[future] = (number, items)
            finished.add(future)
            number += 1
            while len(pending) >= threads * IN_FLIGHT:
                collect(next(finished))
        for future in finished:
            collect(future)
        manifest.complete = True
    finally:
        manifest.seconds = round(time.perf_counter() - start, 3)
        manifest.articles += manifest.written
        manifest.parts = len(resume.parts(outdir))
        manifest.articles_per_second = round(manifest.written / manifest.seconds, 2) if manifest.seconds else 0.0
        write_atomic(outdir / resume.MANIFEST, json.dumps(manifest.__dict__, indent=2, ensure_ascii=False) + "\n")
        client.close()
        if cluster is not None:
            cluster.close()
    return manifest
