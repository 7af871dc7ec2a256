#!/usr/bin/env python3
"""Past one machine: suggestion throughput on Dask, memory over a long stream, big workspaces.

    python bench/scale.py                         # 1,000 articles for throughput, a 20,000-article stream
    python bench/scale.py --articles 400 --stream 5000
    python bench/scale.py --articles 0 --stream 0 --workspaces 10000,100000 --keep /tmp/ws   # the workspaces alone

Figures, all on the same synthetic texts in the same run (bench/store.py's articles):

- articles/s of plain ``nlp.pipe`` in one process (model loaded beforehand: the baseline),
  ``readtui import -j 2``, and ``readtui suggest --cluster`` on a local cluster of 1 and
  2 workers, end to end (start-up and model loading included) and steady (from the first
  part file written to the last, what a long run sees), and the ratio of 2 workers to 1;
- the CPU time an article of the baseline and, steady, of the workers and the driver, and
  what N free cores would give from them: on a shared machine these move far less than
  the rates;
- the memory of the driver and of the workers sampled over a long stream of short
  articles (each with new names), at each tenth of the run: flat means it does not grow;
- with ``--workspaces``: bench/store.py's figures (stats, accept, first paint, a first
  filter key, paging down, memory) for workspaces of those sizes, side by side, each the
  median of several runs; ``--keep DIR`` builds them once in DIR (a 100,000-article
  workspace takes minutes to import) and reuses them.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from store import bench_actions, bench_first_paint, ms, readtui, synthetic_article, write_jsonl  # noqa: E402


def texts(n: int) -> list[str]:
    rng = random.Random(5)
    return [synthetic_article(200_000 + i, n_spans=12, rng=rng)["text"] for i in range(n)]


def write_texts(path: Path, items) -> None:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt") as fh:
        for i, t in enumerate(items):
            fh.write(json.dumps({"id": f"scale-{i}", "text": t}) + "\n")


def plain_pipe(items: list[str]) -> tuple[float, float]:
    """Articles/s and CPU milliseconds an article of ``nlp.pipe`` alone, in this process."""
    from tui.nlp.suggest import load_pipeline

    nlp = load_pipeline()
    for _ in nlp.pipe(items[:32]):  # the first batch pays for lazy set-up
        pass
    t, cpu = time.perf_counter(), time.process_time()
    for _ in nlp.pipe(items, batch_size=32):
        pass
    return len(items) / (time.perf_counter() - t), (time.process_time() - cpu) / len(items) * 1000


def steady_rate(outdir: Path) -> float | None:
    """Articles/s between the first part file written and the last (start-up left out)."""
    parts = sorted((p.stat().st_mtime, sum(1 for _ in open(p, "rb"))) for p in outdir.glob("part-*.jsonl"))
    if len(parts) < 3:
        return None
    span = parts[-1][0] - parts[0][0]
    return sum(n for _, n in parts[1:]) / span if span > 0 else None


@dataclass
class ClusterRun:
    end_to_end: float  # articles/s, start-up included
    steady: float | None  # articles/s from the first part file written to the last
    workers_ms: float | None  # the workers' CPU milliseconds an article over the same span
    driver_ms: float | None  # the driver's (it runs the local scheduler too)
    rss: int  # the driver's peak, MB


PARTITION = 128  # --partition


def cluster_run(src: Path, outdir: Path, workers: int, n: int, partition: int = PARTITION) -> ClusterRun:
    """``readtui suggest --cluster`` on a local cluster, its CPU sampled every 0.2 s from
    the first part file on: what a long run costs an article, start-up left out, and
    immune to other work on the machine (unlike the rates)."""
    import psutil

    cmd = [sys.executable, "-m", "tui", "suggest", str(src), "-o", str(outdir), "--cluster", "-j", str(workers),
           "--partition", str(partition)]
    t = time.perf_counter()
    log = outdir.with_name(outdir.name + ".log")
    with open(log, "wb") as fh:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=fh, cwd=ROOT)
    cpu: dict[int, float] = {}  # pid -> CPU seconds, the last seen
    rss = 0  # the driver's peak, sampled: ru_maxrss would start from this process's own size at the fork
    first = last = None  # (articles in part files, driver CPU, workers' CPU)
    while proc.poll() is None:
        try:
            driver = psutil.Process(proc.pid)
            rss = max(rss, driver.memory_info().rss >> 20)
            for p in [driver, *driver.children(recursive=True)]:
                c = p.cpu_times()
                cpu[p.pid] = c.user + c.system
        except psutil.NoSuchProcess:
            pass
        done = sum(sum(1 for _ in open(f, "rb")) for f in outdir.glob("part-*.jsonl")) if outdir.exists() else 0
        now = (done, cpu.get(proc.pid, 0.0), sum(v for k, v in cpu.items() if k != proc.pid))
        if done and first is None:
            first = now
        if done:
            last = now
        time.sleep(0.2)
    wall = time.perf_counter() - t
    if proc.returncode not in (0, 1):
        raise SystemExit(f"readtui suggest --cluster failed:\n{log.read_text()[-2000:]}")
    span = (last[0] - first[0]) if first and last else 0
    per = (lambda i: (last[i] - first[i]) / span * 1000) if span >= n // 4 else (lambda i: None)
    return ClusterRun(n / wall, steady_rate(outdir), per(2), per(1), rss)


def tree(pid: int) -> tuple[int, int, float, float]:
    """Resident memory (MB) of a process and of all its descendants together, and the
    CPU seconds of each."""
    import psutil

    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0, 0, 0.0, 0.0
    rss, cpu = [], []
    for p in procs:
        try:
            rss.append(p.memory_info().rss)
            t = p.cpu_times()
            cpu.append(t.user + t.system)
        except psutil.NoSuchProcess:
            rss.append(0)
            cpu.append(0.0)
    return rss[0] >> 20, sum(rss[1:]) >> 20, cpu[0], sum(cpu[1:])


def made_up_name(rng: random.Random) -> str:
    """A name spaCy has never seen: each article brings new words, as an archive does."""
    return "".join(rng.choice(["ka", "ro", "mi", "tu", "len", "dar", "vo", "shi", "pel", "an", "qu", "ez"])
                   for _ in range(3)).title()


def bench_stream(n: int, workers: int, tmp: Path) -> None:
    """A long stream of short articles: the driver's and the workers' memory at each tenth of the run."""
    rng = random.Random(9)
    src = tmp / "stream.jsonl.gz"
    write_texts(src, (f"{made_up_name(rng)} {made_up_name(rng)} of the {made_up_name(rng)} Authority said on "
                      f"Tuesday that plan {i} was on schedule. \"We will finish by June,\" she said."
                      for i in range(n)))
    outdir = tmp / "stream-out"
    proc = subprocess.Popen([sys.executable, "-m", "tui", "suggest", str(src), "-o", str(outdir), "--cluster",
                             "-j", str(workers), "--partition", "64"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    samples: list[tuple[int, int, int]] = []  # (articles written, driver MB, workers MB)
    driver = workers_cpu = 0.0
    t = time.perf_counter()
    while proc.poll() is None:
        done = sum(1 for _ in outdir.glob("part-*.jsonl")) * 64 if outdir.exists() else 0
        mb, children_mb, cpu, children = tree(proc.pid)
        samples.append((done, mb, children_mb))
        if mb:
            driver, workers_cpu = cpu, max(workers_cpu, children)
        time.sleep(0.5)
    wall = time.perf_counter() - t
    tenths = []
    for k in range(1, 11):
        at = [(d, w) for done, d, w in samples if n * (k - 1) / 10 < done <= n * k / 10]
        tenths.append(f"{max(d for d, _ in at)}/{max(w for _, w in at)}" if at else "–")
    print(f"stream of {n:,} short articles on {workers} local workers: {n / wall:,.1f} articles/s end to end; "
          f"peak memory by tenth of the run, driver/workers (MB): {', '.join(tenths)}; CPU: driver {driver:.0f} s, "
          f"workers {workers_cpu:.0f} s ({driver / max(workers_cpu, 1e-9):.0%})")


def bench_workspace(n: int, tmp: Path, keep: Path | None = None) -> dict[str, str]:
    """bench/store.py's figures for a workspace of ``n`` articles x 40 annotations, each the
    median of several runs (the worst beside it): `readtui stats`, an accept, the first
    painted list and a first filter key, with peak memory. ``keep``: build it there once."""
    db = (keep or tmp) / f"ws{n}" / "workspace.json"
    built = "reused"
    if not db.exists():
        src = tmp / f"ws{n}.jsonl"
        write_jsonl(src, n)
        wall, rss, _ = readtui("import", "--no-suggest", str(src), "--db", str(db))
        src.unlink()
        built = f"{wall:.0f} s, peak {rss} MB"
    stats = [readtui("stats", "--db", str(db)) for _ in range(5)]
    rounds = [bench_actions(db, 1000, seed=k) for k in range(3)]
    paints = [x for x in (bench_first_paint(db, filter_key="7") for _ in range(3)) if x]
    med = statistics.median
    out = {
        "built (readtui import --no-suggest)": built,
        "`readtui stats`, median (worst) of 5": f"{med(w for w, _, _ in stats):.2f} s ({max(w for w, _, _ in stats):.2f} s), "
                                              f"{max(r for _, r, _ in stats)} MB",
        "accept, median of 3 x 1,000 (worst of each)": f"{med(med(r) for r in rounds) * 1000:.2f} ms ("
                                                       + ", ".join(f"{max(r) * 1000:.1f}" for r in rounds) + " ms)",
    }
    if paints:
        out["first painted list, median (worst) of 3"] = (f"{med(p[0] for p in paints):.2f} s ({max(p[0] for p in paints):.2f} s), "
                                                          f"{max(p[1] for p in paints)} MB")
        out["then 20 page-downs drawn, median (worst)"] = (f"{med(p[3] for p in paints):.2f} s "
                                                          f"({max(p[3] for p in paints):.2f} s)")
        out["then `/` and a key: first matches listed, median (worst)"] = (f"{med(p[5] for p in paints):.2f} s "
                                                                           f"({max(p[5] for p in paints):.2f} s)")
        out["then `/` and a key: Pilot's pause back, median (worst)"] = (f"{med(p[2] for p in paints):.2f} s "
                                                                   f"({max(p[2] for p in paints):.2f} s), "
                                                                   f"{max(p[4] for p in paints)} MB with the texts read")
    return out


def print_workspaces(figures: dict[int, dict[str, str]]) -> None:
    """The workspace figures side by side, one column a size (targets at 100,000: 1.5 s for
    stats and the first paint, an accept 5 ms median and 20 ms worst, 600 MB, 1 s for a filter)."""
    sizes = list(figures)
    names = list(next(iter(figures.values())))
    width = max(map(len, names))
    print(f"\n{'workspace (articles x 40 annotations)':{width}s}  " + "  ".join(f"{n:>34,}" for n in sizes))
    for name in names:
        print(f"{name:{width}s}  " + "  ".join(f"{figures[n].get(name, '–'):>34s}" for n in sizes))


def bench_throughput(n: int, tmp: Path) -> None:
    """The same texts through plain nlp.pipe, import -j 2 and the cluster on 1 and 2 workers."""
    items = texts(n)
    src = tmp / "texts.jsonl"
    write_texts(src, items)
    chars = sum(map(len, items)) / len(items)
    print(f"{n:,} synthetic articles of {chars:,.0f} characters on average")
    base, base_ms = plain_pipe(items)
    print(f"  plain nlp.pipe, 1 process, model loaded beforehand: {base:8.1f} articles/s (baseline), "
          f"{base_ms:.1f} ms CPU an article")
    wall, rss, _ = readtui("import", str(src), "--db", str(tmp / "imp" / "ws.json"), "-j", "2")
    rate = n / wall
    print(f"  readtui import -j 2, end to end:                    {rate:8.1f} articles/s "
          f"({rate / base:.2f}x), driver peak {rss} MB")
    steady: dict[int, float | None] = {}
    for workers in (1, 2):
        out = tmp / f"out{workers}"
        r = cluster_run(src, out, workers, n, PARTITION)
        steady[workers] = r.steady
        steady_s = f"{r.steady:8.1f} articles/s ({r.steady / base:.2f}x)" if r.steady else "–"
        size = sum(p.stat().st_size for p in out.glob("part-*.jsonl")) / n
        print(f"  readtui suggest --cluster -j {workers}: end to end {r.end_to_end:8.1f} articles/s "
              f"({r.end_to_end / base:.2f}x); steady {steady_s}; driver peak {r.rss} MB; "
              f"{size / 1000:.1f} kB of JSONL an article" + ("  (target: 2 workers >= 1.8x)" if workers == 2 else ""))
        if r.workers_ms and r.driver_ms is not None:
            # What N free cores would give, from CPU time alone: N articles every
            # (workers' + driver's) CPU time an article, against the baseline's one core.
            ceiling = workers * base_ms / (r.workers_ms + r.driver_ms)
            print(f"      CPU an article, steady: workers {r.workers_ms:.1f} ms ({base_ms / r.workers_ms:.2f}x the "
                  f"baseline's), driver {r.driver_ms:.1f} ms; on {workers} free core{'s' * (workers > 1)}: "
                  f"{ceiling:.2f}x the baseline")
    if steady[1] and steady[2]:
        print(f"  2 workers / 1 worker, steady: {steady[2] / steady[1]:.2f}x")
    # The machine may be shared: the baseline again, to see how much it moved meanwhile.
    again, again_ms = plain_pipe(items)
    print(f"  plain nlp.pipe again, after the runs above:        {again:8.1f} articles/s, {again_ms:.1f} ms CPU an article")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=1000, help="texts for the throughput figures")
    ap.add_argument("--partition", type=int, default=128, help="articles a cluster task takes (readtui suggest --partition)")
    ap.add_argument("--stream", type=int, default=20_000, help="short articles for the memory figure (0: skip)")
    ap.add_argument("--workspaces", default="", help="comma-separated workspace sizes, e.g. 10000,100000")
    ap.add_argument("--keep", type=Path, help="build the workspaces here (DIR/ws<n>/workspace.json) or reuse them")
    args = ap.parse_args()
    global PARTITION
    PARTITION = args.partition
    print(f"readtui scale benchmark — {os.cpu_count()} cores, python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if args.articles:
            bench_throughput(args.articles, tmp)
        if args.stream:
            bench_stream(args.stream, 2, tmp)
        sizes = [int(x) for x in args.workspaces.split(",") if x]
        if sizes:
            print_workspaces({n: bench_workspace(n, tmp, args.keep) for n in sizes})


if __name__ == "__main__":
    main()
