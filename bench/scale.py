#!/usr/bin/env python3
"""Past one machine: suggestion throughput on Dask, memory over a long stream, big workspaces.

    python bench/scale.py                         # 1,000 articles for throughput, a 20,000-article stream
    python bench/scale.py --articles 400 --stream 5000
    python bench/scale.py --articles 0 --stream 0 --workspaces 10000,100000 --keep /tmp/ws   # the workspaces alone

Figures, all on the same synthetic texts in the same run (bench/store.py's articles):

- articles/s of plain ``nlp.pipe`` in one process (model loaded beforehand: the baseline),
  ``readtui import -j 2``, and ``readtui suggest --cluster`` on a local cluster of 1 and
  2 workers, end to end (start-up and model loading included) and steady (from the first
  part file written to the last, what a long run sees);
- the memory of the whole process tree (driver and workers) sampled over a long
  stream of short articles, at each tenth of the run: flat means it does not grow;
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


def plain_pipe(items: list[str]) -> float:
    from tui.nlp.suggest import load_pipeline

    nlp = load_pipeline()
    t = time.perf_counter()
    for _ in nlp.pipe(items, batch_size=32):
        pass
    return len(items) / (time.perf_counter() - t)


def steady_rate(outdir: Path) -> float | None:
    """Articles/s between the first part file written and the last (start-up left out)."""
    parts = sorted((p.stat().st_mtime, sum(1 for _ in open(p, "rb"))) for p in outdir.glob("part-*.jsonl"))
    if len(parts) < 3:
        return None
    span = parts[-1][0] - parts[0][0]
    return sum(n for _, n in parts[1:]) / span if span > 0 else None


def cluster_run(src: Path, outdir: Path, workers: int, n: int) -> tuple[float, float | None, int]:
    wall, rss, p = readtui("suggest", str(src), "-o", str(outdir), "--cluster", "-j", str(workers),
                           "--partition", "32")
    return n / wall, steady_rate(outdir), rss


def tree(pid: int) -> tuple[int, float, float]:
    """Resident memory of a process and all its descendants (MB), the CPU seconds of the
    process itself and those of its descendants."""
    import psutil

    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0, 0.0, 0.0
    rss, cpu = 0, []
    for p in procs:
        try:
            rss += p.memory_info().rss
            t = p.cpu_times()
            cpu.append(t.user + t.system)
        except psutil.NoSuchProcess:
            cpu.append(0.0)
    return rss // (1 << 20), cpu[0], sum(cpu[1:])


def bench_stream(n: int, workers: int, tmp: Path) -> None:
    """A long stream of short articles: the process tree's memory at each tenth of the run."""
    rng = random.Random(9)
    src = tmp / "stream.jsonl.gz"
    names = ["Ilse Varga", "Tomas Quell", "Wanjiru Oyelaran", "Keoni Drummore", "Radka Pike"]
    write_texts(src, (f"{rng.choice(names)} of the Tidewater Authority said on Tuesday that plan {i} "
                      f"was on schedule. \"We will finish by June,\" she said." for i in range(n)))
    outdir = tmp / "stream-out"
    proc = subprocess.Popen([sys.executable, "-m", "tui", "suggest", str(src), "-o", str(outdir), "--cluster",
                             "-j", str(workers), "--partition", "64"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    samples: list[tuple[int, int]] = []  # (articles written, MB)
    driver = workers_cpu = 0.0
    t = time.perf_counter()
    while proc.poll() is None:
        done = sum(1 for _ in outdir.glob("part-*.jsonl")) * 64 if outdir.exists() else 0
        mb, cpu, children = tree(proc.pid)
        samples.append((done, mb))
        if mb:
            driver, workers_cpu = cpu, max(workers_cpu, children)
        time.sleep(0.5)
    wall = time.perf_counter() - t
    tenths = []
    for k in range(1, 11):
        at = [mb for done, mb in samples if done <= n * k / 10 and done > n * (k - 1) / 10]
        tenths.append(max(at) if at else None)
    shown = ", ".join("–" if x is None else str(x) for x in tenths)
    print(f"stream of {n:,} short articles on {workers} local workers: {n / wall:,.1f} articles/s end to end; "
          f"peak memory of driver + workers by tenth of the run (MB): {shown}; CPU: driver {driver:.0f} s, "
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
    base = plain_pipe(items)
    print(f"  plain nlp.pipe, 1 process, model loaded beforehand: {base:8.1f} articles/s (baseline)")
    wall, rss, _ = readtui("import", str(src), "--db", str(tmp / "imp" / "ws.json"), "-j", "2")
    rate = n / wall
    print(f"  readtui import -j 2, end to end:                    {rate:8.1f} articles/s "
          f"({rate / base:.2f}x), driver peak {rss} MB")
    for workers in (1, 2):
        out = tmp / f"out{workers}"
        end, steady, rss = cluster_run(src, out, workers, n)
        steady_s = f"{steady:8.1f} articles/s ({steady / base:.2f}x)" if steady else "–"
        size = sum(p.stat().st_size for p in out.glob("part-*.jsonl")) / n
        print(f"  readtui suggest --cluster -j {workers}: end to end {end:8.1f} articles/s ({end / base:.2f}x); "
              f"steady {steady_s}; driver peak {rss} MB; {size / 1000:.1f} kB of JSONL an article"
              + ("  (target: 2 workers >= 1.8x)" if workers == 2 else ""))
    # The machine may be shared: the baseline again, to see how much it moved meanwhile.
    print(f"  plain nlp.pipe again, after the runs above:        {plain_pipe(items):8.1f} articles/s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=1000, help="texts for the throughput figures")
    ap.add_argument("--stream", type=int, default=20_000, help="short articles for the memory figure (0: skip)")
    ap.add_argument("--workspaces", default="", help="comma-separated workspace sizes, e.g. 10000,100000")
    ap.add_argument("--keep", type=Path, help="build the workspaces here (DIR/ws<n>/workspace.json) or reuse them")
    args = ap.parse_args()
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
