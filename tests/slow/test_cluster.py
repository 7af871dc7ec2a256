"""``readtui suggest --cluster`` on a real Dask scheduler and two worker processes (127.0.0.1).

The shards of a run on the cluster hold the same records as those of a run on a local
cluster; a worker killed mid-run loses nothing and duplicates nothing once the command
is run again. Every process started here is killed when its test ends.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.hostile.helpers import one_line, readtui

pytest.importorskip("distributed")
pytestmark = pytest.mark.slow

DASK = Path(sys.executable).with_name("dask")
ARTICLES = 200
BAD_LINE = 41  # a line of the JSONL file that is not JSON


def write_archive(folder: Path) -> Path:
    """~200 short made-up stories: JSONL, gzipped JSONL and text files, one bad line."""
    rng = random.Random(19)
    first = ["Ilse", "Tomas", "Wanjiru", "Keoni", "Radka", "Amadou", "Sigrun", "Farid"]
    last = ["Vellacott", "Mbeki-Rowe", "Oyelaran", "Kastellan", "Drummore", "Quispe"]
    bodies = ["the Tidewater Authority", "Corvel Freight", "the Office of Fisheries", "Lumen Rail"]
    towns = ["Port Ardel", "Vexmoor", "Calloway", "Saint Orin", "Brightwater"]

    def story(i: int) -> str:
        who = f"{rng.choice(first)} {rng.choice(last)}"
        return (f"{rng.choice(towns)}: {who} of {rng.choice(bodies)} said on Tuesday that plan {i} "
                f"was on schedule. \"We will finish by June,\" {who.split()[1]} said.")

    folder.mkdir()
    (folder / "wire").mkdir()
    lines = [json.dumps({"text": story(i), "meta": {"source": rng.choice(["IANS", "AP"])}}) for i in range(120)]
    lines.insert(BAD_LINE - 1, "{not json")
    (folder / "wire" / "a.jsonl").write_text("\n".join(lines) + "\n")
    with gzip.open(folder / "wire" / "b.jsonl.gz", "wt") as fh:
        fh.writelines(json.dumps({"text": story(i)}) + "\n" for i in range(120, 190))
    for i in range(190, ARTICLES):
        (folder / f"story{i}.txt").write_text(story(i))
    return folder


def records(outdir: Path) -> list[tuple[str, bytes]]:
    """(text, line) for every line of every part file; the export's clock masked."""
    out = []
    for part in sorted(outdir.glob("part-*.jsonl")):
        for line in part.read_bytes().splitlines(keepends=True):
            out.append((json.loads(line)["text"], re.sub(rb'"_timestamp":\d+', b'"_timestamp":0', line)))
    return out


class Cluster:
    def __init__(self, folder: Path):
        self.folder, self.procs = folder, []
        self.file = folder / "scheduler.json"

    def start(self, *args) -> subprocess.Popen:
        log = open(self.folder / f"dask-{len(self.procs)}.log", "wb")
        proc = subprocess.Popen([str(DASK), *map(str, args)], stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True, cwd=self.folder)
        self.procs.append(proc)
        return proc

    def up(self, workers: int) -> str:
        self.start("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                   "--scheduler-file", self.file)
        self.workers = [self.start("worker", "--scheduler-file", self.file, "--nworkers", "1", "--nthreads", "1",
                                   "--host", "127.0.0.1", "--no-dashboard") for _ in range(workers)]
        from distributed import Client

        deadline = time.monotonic() + 60
        while not self.file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        with Client(scheduler_file=str(self.file), timeout="30s") as client:
            client.wait_for_workers(workers, timeout=60)
            return client.scheduler.address

    def kill(self, proc: subprocess.Popen) -> None:
        """The process and its children (a worker's nanny and worker): SIGKILL, no goodbye."""
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=30)

    def down(self) -> None:
        for proc in reversed(self.procs):
            self.kill(proc)


@pytest.fixture
def cluster(tmp_path):
    c = Cluster(tmp_path)
    try:
        yield c
    finally:
        c.down()


def test_shards_on_a_cluster_equal_those_of_a_local_run(tmp_path, cluster):
    archive = write_archive(tmp_path / "archive")
    address = cluster.up(workers=2)
    on_cluster = readtui("suggest", archive, "-o", tmp_path / "cluster", "--cluster", address, "--partition", "16")
    local = readtui("suggest", archive, "-o", tmp_path / "local", "--cluster", "-j", "2", "--partition", "50")
    # The bad line is reported as path:line: reason, skipped, and counted.
    for run in (on_cluster, local):
        assert run.returncode == 1, run.stderr
        assert f"a.jsonl:{BAD_LINE}: not valid JSON" in one_line(run.stderr)
        assert "failed 1" in one_line(run.stderr)
    got, want = records(tmp_path / "cluster"), records(tmp_path / "local")
    assert len(got) == ARTICLES
    assert sorted(got) == sorted(want)
    assert sorted(t for t, _ in got) == sorted(set(t for t, _ in got))
    manifest = json.loads((tmp_path / "cluster" / "manifest.json").read_text())
    assert manifest["cluster"] == address and manifest["workers"] == 2
    assert manifest["articles"] == ARTICLES and manifest["failed"] == 1
    assert re.fullmatch(r".*a\.jsonl:41: not valid JSON.*", manifest["failures"][0])
    assert manifest["model"].startswith("en_core_web_sm")
    # The articles got the model's suggestions: entities, and each its quote.
    assert sum(b'"label":"PERSON"' in line for _, line in got) > ARTICLES // 2
    assert all(json.loads(line)["quotes"] for _, line in got)


def test_a_worker_killed_mid_run_then_the_same_command_again_gives_every_article_once(tmp_path, cluster):
    archive = write_archive(tmp_path / "archive")
    address = cluster.up(workers=2)
    outdir = tmp_path / "out"
    args = [sys.executable, "-m", "tui", "suggest", str(archive), "-o", str(outdir), "--cluster", address,
            "--partition", "4"]
    run = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                           cwd=Path(__file__).resolve().parents[2])
    try:
        deadline = time.monotonic() + 120
        while not list(outdir.glob("part-*.jsonl")) and time.monotonic() < deadline and run.poll() is None:
            time.sleep(0.05)
        assert run.poll() is None, "the run ended before a worker could be killed"
        cluster.kill(cluster.workers[0])
        # Then the run itself, a few parts later (if it has not finished by then): the
        # next run finds a folder half done, maybe with a part half written.
        while len(list(outdir.glob("part-*.jsonl"))) < 12 and time.monotonic() < deadline and run.poll() is None:
            time.sleep(0.05)
    finally:
        cluster.kill(run)
    first = len(records(outdir))
    again = readtui("suggest", archive, "-o", outdir, "--cluster", address, "--partition", "4")
    assert "failed 1" in one_line(again.stderr), again.stderr
    texts = [t for t, _ in records(outdir)]
    assert len(texts) == ARTICLES and len(set(texts)) == ARTICLES
    assert f"already there {first}" in one_line(again.stderr)
    assert not list(outdir.glob(".*.tmp"))


def test_workers_without_the_model_say_so_in_one_line(tmp_path):
    (tmp_path / "a.txt").write_text("Nell Ashby spoke in Vexmoor on Monday.")
    r = readtui("suggest", tmp_path / "a.txt", "-o", tmp_path / "out", "--cluster", "-j", "1",
                "--model", "no_such_model_xyz")
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert "readtui: the workers could not load the model: Could not load the spaCy model 'no_such_model_xyz'" \
        in one_line(r.stderr)
    assert not list((tmp_path / "out").glob("part-*"))


def _live_articles() -> int:
    import gc

    from tui.model import Article

    gc.collect()
    return sum(isinstance(o, Article) for o in gc.get_objects())


def test_what_the_driver_holds_does_not_grow_with_the_stream(tmp_path):
    """Dask logged the last 1,000 messages it sent, whole partitions included: the driver
    (client and local scheduler) kept every article it had sent, ~1.7 MB every 1,000."""
    from tui.cluster.run import run

    src = tmp_path / "stream.jsonl"
    src.write_text("".join(json.dumps({"text": f"Radka Pike said plan {i} was on schedule."}) + "\n"
                           for i in range(500)))
    held: dict[int, int] = {}
    written = 0

    def count(n: int) -> None:
        nonlocal written
        written += n
        if written in (100, 500):
            held[written] = _live_articles()

    manifest = run([src], tmp_path / "out", workers=1, partition=2, on_written=count)
    assert manifest.written == 500
    # Kept whole, the last 400 articles would all be there; a few dozen come and go with
    # the messages in flight and the last 16 kept.
    assert held[500] < held[100] + 150, held


def test_local_workers_keep_the_allocator_default_and_no_profiler():
    """Dask's MALLOC_TRIM_THRESHOLD_=65536 made a worker's spaCy job ~20% more CPU per
    article, and its profiler samples the worker every 10 ms."""
    from tui.cluster.run import _client

    def probe():
        import dask

        return os.environ.get("MALLOC_TRIM_THRESHOLD_"), dask.config.get("distributed.worker.profile.enabled")

    client, cluster = _client(None, 1)
    try:
        assert list(client.run(probe).values()) == [(None, False)]
    finally:
        client.close()
        cluster.close()
