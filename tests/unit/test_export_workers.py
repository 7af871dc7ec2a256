"""Worker processes that write an export in place: same bytes, errors in order, no hang."""

from __future__ import annotations

import io
import os
from functools import partial
from pathlib import Path

import pytest

from tests.conftest import break_span
from tui.formats import ExportError, gold, write_atomic, write_records
from tui.formats.workers import ExportWorkers, write_parallel
from tui.model import Annotation, Article, Speaker
from tui.store import Workspace, prefetch_articles, read_articles

pytestmark = pytest.mark.slow  # starts processes
TIME = "2026-02-01T09:00:00+00:00"


@pytest.fixture
def twelve_ws(tmp_path: Path) -> Path:
    """Twelve articles marked done, each with two entities and a quote with a speaker (all
    timed: a record without times is stamped with the export's clock)."""
    db = tmp_path / "twelve" / "workspace.json"
    items = []
    for i in range(12):
        aid = f"art{i:02d}"
        text = f"Sara Carter met Zoë Müller in São Paulo, article {i}. “We act now,” said Carter."
        said = text.index("Carter", 40)
        items.append((Article(aid, text, title=f"Article {i}", state="done"), [
            Annotation("e1", aid, "entity", 0, 11, "PERSON", "Sara Carter", status="accepted", time=TIME),
            Annotation("e2", aid, "entity", 16, 26, "PERSON", "Zoë Müller", status="accepted", time=TIME),
            Annotation("q1", aid, "quote", text.index("“"), text.index("”") + 1, "QUOTE",
                       text[text.index("“"):text.index("”") + 1], status="accepted", time=TIME,
                       speaker=Speaker(said, said + 6, "Carter", "Sara Carter")),
        ]))
    with Workspace.open(db) as ws:
        ws.add_articles(items, suggested=False)
    return db


def _ids(db: Path) -> list[str]:
    with Workspace.open(db, readonly=True) as ws:
        return [r["id"] for r in ws.rows()]


def _one_process(db: Path, fmt: str) -> bytes:
    with Workspace.open(db, readonly=True) as ws:
        out = io.BytesIO()
        write_records(gold(ws.iter_articles(_ids(db)), all=True), out, fmt)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["jsonl", "doccano", "spacy"])
@pytest.mark.parametrize("workspace", ["reviewed_ws", "twelve_ws"])
def test_written_in_place_or_sent_the_bytes_are_one_process_s(workspace, tmp_path, fmt, request):
    reviewed_ws = request.getfixturevalue(workspace)
    want = _one_process(reviewed_ws, fmt)
    load = partial(read_articles, reviewed_ws)
    # In place: each worker writes its shares (one article each) into the file itself.
    out = tmp_path / "out"
    seen = []
    summary = write_atomic(out, lambda fh: write_parallel(_ids(reviewed_ws), load, fh, fmt, all=True, jobs=2,
                                                          chunk=1, on_article=lambda: seen.append(1)))
    assert out.read_bytes() == want
    assert summary.articles == len(seen) == len(_ids(reviewed_ws))
    # To stdout (a named temporary file) and to a stream without a path (sent to this process).
    stdout = io.BytesIO()
    write_atomic("-", lambda fh: write_parallel(_ids(reviewed_ws), load, fh, fmt, all=True, jobs=3, chunk=2),
                 stdout=stdout)
    assert stdout.getvalue() == want
    stream = io.BytesIO(b"before|")
    stream.seek(0, io.SEEK_END)
    write_parallel(_ids(reviewed_ws), load, stream, fmt, all=True, jobs=2, chunk=1)
    assert stream.getvalue() == b"before|" + want


def test_the_first_broken_record_in_order_is_the_one_reported(twelve_ws, tmp_path):
    ids = _ids(twelve_ws)
    start, end = break_span(twelve_ws, ids[3])
    break_span(twelve_ws, ids[4])  # built by the other worker, and maybe first: not the one reported
    break_span(twelve_ws, ids[9])
    out = tmp_path / "out.jsonl"
    for _ in range(3):  # whichever worker gets there first
        with pytest.raises(ExportError) as err:
            write_atomic(out, lambda fh: write_parallel(ids, partial(read_articles, twelve_ws), fh, all=True,
                                                        jobs=2, chunk=1))
        assert err.value.article_id == ids[3] and (err.value.start, err.value.end) == (start, end)
    assert list(tmp_path.iterdir()) == [twelve_ws.parent]  # nothing left behind


def _die_on(victim: str, db: Path, ids):
    if victim in ids:
        os._exit(3)
    return read_articles(db, ids)


def test_a_worker_that_dies_stops_the_export(twelve_ws, tmp_path):
    ids = _ids(twelve_ws)
    out = tmp_path / "out.jsonl"
    with pytest.raises(RuntimeError, match="exit code 3"):
        write_atomic(out, lambda fh: write_parallel(ids, partial(_die_on, ids[5], twelve_ws), fh, all=True,
                                                    jobs=2, chunk=1))
    assert list(tmp_path.iterdir()) == [twelve_ws.parent]


def test_workers_started_and_never_used_stop(reviewed_ws):
    workers = ExportWorkers(_ids(reviewed_ws), partial(read_articles, reviewed_ws), "jsonl", jobs=2,
                            prefetch=partial(prefetch_articles, reviewed_ws))
    procs = list(workers._procs)
    workers.close()
    assert all(not p.is_alive() for p in procs)


@pytest.mark.parametrize("fmt", ["jsonl", "doccano", "spacy"])
def test_an_export_makes_no_reference_cycles(twelve_ws, fmt):
    """Workers run without the cyclic garbage collector (ExportJob.prepare): nothing may need it."""
    import gc

    from tui.formats.workers import ExportJob

    job = ExportJob(partial(read_articles, twelve_ws), fmt, True, False)
    job(_ids(twelve_ws))  # load what loads once
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(3):
            job(_ids(twelve_ws))
        assert gc.collect() == 0
    finally:
        if enabled:
            gc.enable()
