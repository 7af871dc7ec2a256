#!/usr/bin/env python3
"""Workspace speed and memory at scale, next to plain TinyDB measured in the same run.

    python bench/store.py                 # 10,000 articles x 40 annotations (the issue's size)
    python bench/store.py --articles 2000 # smaller, quicker
    python bench/store.py --skip-import   # leave out the import-with-suggestions figure

It builds its workspaces itself in a temporary folder: a JSONL of synthetic articles
with 40 entity spans each, imported with `readtui import --no-suggest`. Figures:

- accept / reject / relabel of one annotation, durable (fsync'd): median and worst
  of 1,000, against plain TinyDB's `update` at sizes where it finishes in time;
- `readtui stats` end to end (wall time, median of 5) and its peak memory (max RSS);
- `readtui` to its first painted article list (headless), and its peak memory;
- import of new articles with suggestions against plain `nlp.pipe` on the same texts.
"""

from __future__ import annotations

import argparse
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

FIRST = ["Sara", "Vinay", "Debbie", "Monika", "Donald", "Narendra", "Maria", "Chen", "Olu", "Priya"]
LAST = ["Carter", "Kwatra", "Seguin", "Batra", "Trump", "Modi", "Lopez", "Wei", "Adeyemi", "Rao"]
ORGS = ["the Ministry of External Affairs", "Reuters", "the World Bank", "ONDCP", "Interpol"]
PLACES = ["Washington", "New Delhi", "Lagos", "Berlin", "Sao Paulo", "Jakarta"]
LABELS = ["PERSON", "ORG", "GPE"]


def synthetic_article(i: int, n_spans: int = 40, rng: random.Random | None = None) -> dict:
    """A news-like text of ~400 words with ``n_spans`` entity spans at known offsets."""
    rng = rng or random.Random(i)
    text = ""
    spans = []
    while len(spans) < n_spans:
        person = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        org = rng.choice(ORGS)
        place = rng.choice(PLACES)
        parts = [(person, "PERSON"), (" met officials of ", None), (org, "ORG"), (" in ", None),
                 (place, "GPE"), (f" on day {rng.randint(1, 28)} to discuss trade, security and "
                                  f"the budget for the coming year (item {i}). ", None)]
        for chunk, label in parts:
            if label and len(spans) < n_spans:
                spans.append({"start": len(text), "end": len(text) + len(chunk), "label": label})
            text += chunk
        if len(spans) % 12 == 0:
            text = text.rstrip() + "\n\n"
    return {"id": f"bench-{i}", "text": text.strip(), "title": f"Synthetic article {i}", "spans": spans}


def write_jsonl(path: Path, n: int) -> None:
    with open(path, "w") as fh:
        for i in range(n):
            fh.write(json.dumps(synthetic_article(i)) + "\n")


def readtui(*args: str, env: dict | None = None) -> tuple[float, int, subprocess.CompletedProcess]:
    """Run the readtui command; returns wall seconds, peak RSS in MB, the process."""
    # The peak of this process image: VmHWM starts afresh at exec, whereas ru_maxrss keeps
    # the high-water mark of the forked copy of the bench (inflated by the bench's own size).
    cmd = [sys.executable, "-c",
           "import sys, runpy; sys.argv = ['readtui'] + sys.argv[1:];\n"
           "try:\n    runpy.run_module('tui', run_name='__main__')\n"
           "finally:\n    print('MAXRSS', next(int(l.split()[1]) for l in open('/proc/self/status')"
           " if l.startswith('VmHWM')), file=sys.stderr)",
           *args]
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, **(env or {})), cwd=ROOT)
    wall = time.perf_counter() - t
    rss = 0
    for line in p.stderr.splitlines():
        if line.startswith("MAXRSS"):
            rss = int(line.split()[1]) // 1024
    if p.returncode not in (0, 1):
        raise SystemExit(f"readtui {' '.join(args)} failed:\n{p.stderr[-2000:]}")
    return wall, rss, p


def ms(values: list[float]) -> str:
    p99 = sorted(values)[int(len(values) * 0.99) - 1] if len(values) >= 100 else max(values)
    slow = sum(v > 0.020 for v in values)
    return (f"median {statistics.median(values) * 1000:7.2f} ms, p99 {p99 * 1000:7.2f} ms, "
            f"worst {max(values) * 1000:8.2f} ms, over 20 ms: {slow}")


def bench_actions(db: Path, n_actions: int, seed: int = 1) -> list[float]:
    """accept / reject / relabel, cycling, on random annotations of random articles."""
    from tui.store import Workspace

    rng = random.Random(seed)
    ws = Workspace.open(db)
    ids = [r["id"] for r in ws.rows()]
    times = []
    for i in range(n_actions):
        aid = rng.choice(ids)
        anns = ws.annotations(aid)
        ann = rng.choice(anns)
        change = [dict(status="accepted"), dict(status="rejected"),
                  dict(label=rng.choice(LABELS), status="accepted")][i % 3]
        new = ann.changed("bench", **change)
        t = time.perf_counter()
        ws.save([new])
        times.append(time.perf_counter() - t)
    ws.close()
    return times


def bench_plain_tinydb(n_articles: int, n_updates: int) -> list[float]:
    """Plain TinyDB, one table of annotations: the cost of one durable update."""
    from tinydb import TinyDB

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plain.json"
        db = TinyDB(path)
        arts = db.table("articles")
        anns = db.table("annotations")
        a_docs, n_docs = [], []
        for i in range(n_articles):
            art = synthetic_article(i)
            a_docs.append({"id": art["id"], "text": art["text"], "title": art["title"], "state": "new"})
            for j, s in enumerate(art["spans"]):
                n_docs.append({"id": f"{i}-{j}", "article_id": art["id"], "kind": "entity",
                               "status": "pending", "origin": "model", "annotator": "", **s})
        arts.insert_multiple(a_docs)
        anns.insert_multiple(n_docs)
        rng = random.Random(2)
        times = []
        for _ in range(n_updates):
            doc_id = rng.randint(1, len(n_docs))
            t = time.perf_counter()
            anns.update({"status": "accepted"}, doc_ids=[doc_id])
            with open(path, "rb") as fh:  # plain TinyDB does not fsync; give it the same durability
                os.fsync(fh.fileno())
            times.append(time.perf_counter() - t)
        db.close()
    return times


def bench_first_paint(db: Path, filter_key: str = "") -> tuple | None:
    """`readtui` headless until its article list is painted: (seconds, peak MB); None before
    the reader exists. With ``filter_key``, then 20 page-downs drawn and `/` with that key
    until its first matches are on the list, then until Pilot's pause returns: (paint s, MB,
    filter s, page-downs s, MB once the texts are read, first matches s)."""
    code = (
        "import asyncio, resource, sys, time\n"
        "t0 = time.perf_counter()\n"
        "from tui.store import Workspace\n"
        "from tui.ui.app import make_app\n"
        "async def main():\n"
        f"    ws = Workspace.open({str(db)!r})\n"
        "    app = make_app(ws, model='__no_model_for_bench__', annotator='bench')\n"
        "    async with app.run_test(size=(120, 36)) as pilot:\n"
        "        await pilot.pause()\n"
        "        print('PAINT', time.perf_counter() - t0)\n"
        "        print('MB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
        f"        if {filter_key!r}:\n"
        "            t = time.perf_counter()\n"
        "            await pilot.press(*['pagedown'] * 20)\n"
        "            await pilot.pause()\n"
        "            print('SCROLL', time.perf_counter() - t)\n"
        # the keys as Pilot sends them, without its waits for an idle process (up to 1 s each
        # while a worker reads): first matches = the list changed; then Pilot's pause as before
        "            from textual import events\n"
        "            rows, t = len(app.screen.article_list.ids), time.perf_counter()\n"
        "            app._driver.send_message(events.Key('slash', '/'))\n"
        "            while getattr(app.focused, 'id', None) != 'filter':  # the key goes to the filter box\n"
        "                await asyncio.sleep(0.005)\n"
        f"            app._driver.send_message(events.Key({filter_key!r}, {filter_key!r}))\n"
        "            while len(app.screen.article_list.ids) == rows and time.perf_counter() - t < 60:\n"
        "                await asyncio.sleep(0.005)\n"
        "            print('FIRST', time.perf_counter() - t)\n"
        "            await pilot.pause()\n"
        "            print('FILTER', time.perf_counter() - t)\n"
        "            while any(not w.is_finished for w in app.workers):  # the text index read: its memory\n"
        "                await app.workers.wait_for_complete()\n"
        "                await pilot.pause()\n"
        "    ws.close()\n"
        "asyncio.run(main())\n"
        "print('MAXRSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                       env=dict(os.environ, TEXTUAL_ANIMATIONS="none"))
    vals = dict(line.split() for line in p.stdout.splitlines()
                if line.split()[:1] in (["PAINT"], ["MB"], ["SCROLL"], ["FIRST"], ["FILTER"], ["MAXRSS"]))
    if "PAINT" not in vals:
        print(f"  (first paint not measured: {p.stderr.strip().splitlines()[-1:] or p.returncode})")
        return None
    if not filter_key:
        return float(vals["PAINT"]), int(vals["MAXRSS"]) // 1024
    return (float(vals["PAINT"]), int(vals["MB"]) // 1024, float(vals["FILTER"]), float(vals["SCROLL"]),
            int(vals["MAXRSS"]) // 1024, float(vals["FIRST"]))


def bench_import(n: int, jobs: int) -> None:
    from tui.nlp.suggest import load_pipeline

    rng = random.Random(5)
    texts = [synthetic_article(100_000 + i, n_spans=12, rng=rng)["text"] for i in range(n)]
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "new.jsonl"
        with open(src, "w") as fh:
            for i, t in enumerate(texts):
                fh.write(json.dumps({"id": f"new-{i}", "text": t}) + "\n")
        nlp = load_pipeline()
        t = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=32):
            pass
        plain = n / (time.perf_counter() - t)
        wall, rss, p = readtui("import", str(src), "--db", str(Path(tmp) / "imp.json"), "-j", str(jobs))
        ours = n / wall
    print(f"import of {n:,} new articles with suggestions (-j {jobs}, end to end incl. start-up): "
          f"{ours:,.1f} articles/s; plain nlp.pipe (1 process, model already loaded): {plain:,.1f} articles/s; "
          f"ratio {ours / plain:.2f} (target >= 0.70); peak {rss} MB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--actions", type=int, default=1000)
    ap.add_argument("--import-articles", type=int, default=10_000)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--skip-import", action="store_true")
    ap.add_argument("--plain-sizes", default="100,1000")
    args = ap.parse_args()

    print(f"readtui store benchmark — {args.articles:,} articles x 40 annotations, "
          f"{os.cpu_count()} cores, python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        src = tmp / "bench.jsonl"
        write_jsonl(src, args.articles)
        db = tmp / "ws.json"
        wall, rss, p = readtui("import", "--no-suggest", str(src), "--db", str(db))
        plain_json = sum(len(json.dumps(synthetic_article(i))) for i in range(min(args.articles, 200)))
        print(f"build: `readtui import --no-suggest` of {args.articles:,} articles: {wall:.1f} s "
              f"({args.articles / wall:,.0f} articles/s), peak {rss} MB; "
              f"~{plain_json / min(args.articles, 200) * args.articles / 1e6 * 2.2:.0f} MB as one plain TinyDB file")

        times = bench_actions(db, args.actions)
        print(f"accept/reject/relabel x{args.actions:,} at {args.articles:,} articles: {ms(times)}  "
              "(target <= 5 ms median, <= 20 ms worst)")
        ours_median = statistics.median(times)
        for size in [int(x) for x in args.plain_sizes.split(",") if x]:
            n_upd = 50 if size <= 100 else 10
            plain = bench_plain_tinydb(size, n_upd)
            print(f"  plain TinyDB update x{n_upd} at {size:,} articles:    {ms(plain)}  "
                  f"(ratio plain/readtui {statistics.median(plain) / ours_median:,.0f}x)")

        stats_runs = [readtui("stats", "--db", str(db)) for _ in range(5)]
        walls = [w for w, _, _ in stats_runs]
        print(f"`readtui stats` end to end: median {statistics.median(walls):.2f} s, worst {max(walls):.2f} s, "
              f"peak {max(r for _, r, _ in stats_runs)} MB (targets <= 1.5 s, <= 600 MB)")
        base = [readtui("--version")[0] for _ in range(5)]
        print(f"  baseline `readtui --version` (interpreter start-up): median {statistics.median(base):.2f} s")

        paints = [bench_first_paint(db) for _ in range(3)]
        paints = [x for x in paints if x]
        if paints:
            print(f"`readtui` to first painted article list: median {statistics.median(p for p, _ in paints):.2f} s, "
                  f"worst {max(p for p, _ in paints):.2f} s, peak {max(r for _, r in paints)} MB "
                  "(targets <= 1.5 s, <= 600 MB)")
    if not args.skip_import:
        bench_import(args.import_articles, args.jobs)


if __name__ == "__main__":
    main()
