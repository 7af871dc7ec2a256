#!/usr/bin/env python3
"""The quote ledger and the entity index at 10,000 articles (synthetic, no model).

    python bench/ledger.py                  # 10,000 articles x 40 entities + 4 quotes
    python bench/ledger.py --articles 2000

Builds a workspace through the store API in a temporary folder, then times: the first
build (every article's file read once, extracts kept beside the workspace), opening
the ledger and the index again (median and worst of 5: what a screen waits for; each
read from the file kept for the workspace's revision) against the baseline of building
them from the extracts every time (the way before), and opening them after one article
changed (the ledger made again from the quotes' own extracts, the index patched for that
article alone).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from store import FIRST, LAST, synthetic_article  # noqa: E402

from tui.model import Annotation, Article, Speaker  # noqa: E402
from tui.store import Workspace  # noqa: E402
from tui.stories import workspace as service  # noqa: E402
from tui.stories.entity_index import entity_index  # noqa: E402
from tui.stories.extracts import no_gc  # noqa: E402
from tui.stories.ledger import ledger  # noqa: E402


def build(path: Path, n: int) -> None:
    rng = random.Random(7)
    with Workspace.open(path) as ws:
        batch = []
        for i in range(n):
            d = synthetic_article(i, rng=rng)
            text = d["text"] + "".join(f' "Quote {k} of article {i} goes here," said {rng.choice(FIRST)} '
                                       f'{rng.choice(LAST)}.' for k in range(4))
            anns = [Annotation(f"e{j}", d["id"], "entity", s["start"], s["end"], s["label"])
                    for j, s in enumerate(d["spans"])]
            at = len(d["text"])
            for k in range(4):
                start = text.index('"', at) + 1
                end = text.index('"', start)
                name = text[end + 8:text.index(".", end)]
                anns.append(Annotation(f"q{k}", d["id"], "quote", start, end, "QUOTE", speaker=Speaker(name=name)))
                at = end + 1
            batch.append((Article(d["id"], text, title=d["title"]), anns))
            if len(batch) == 1000:
                ws.add_articles(batch)
                batch = []
        ws.add_articles(batch)


def timed(fn, runs: int = 5) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), max(times)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=10_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ws.json"
        t0 = time.perf_counter()
        build(path, args.articles)
        print(f"workspace of {args.articles:,} articles built in {time.perf_counter() - t0:.1f} s")
        with Workspace.open(path) as ws:
            t0 = time.perf_counter()
            speakers = service.quote_ledger(ws)
            print(f"first build (reads every article once): {time.perf_counter() - t0:.2f} s, "
                  f"{len(speakers)} speakers")
            for name, opened, make in (("ledger", service.quote_ledger, ledger),
                                        ("entity index", service.entities, entity_index)):
                service.entities(ws)  # both kept for this revision
                med, worst = timed(lambda: opened(ws))

                def baseline(make=make):
                    ex = service.extracts(ws)
                    with no_gc():
                        make(ex)
                base, base_worst = timed(baseline)
                print(f"{name + ':':<14} median {med:.3f} s, worst {worst:.3f} s; built from the extracts "
                      f"(before): median {base:.3f} s, worst {base_worst:.3f} s; ratio {base / med:.1f}x")
            print(f"({len(speakers):,} speakers, {len(service.entities(ws)):,} entity texts)")
            after = {"ledger": [], "entity index": []}
            for k in range(5):  # a save to one article each time: the ledger made again, the index patched
                ann = ws.annotations(ws.rows()[k]["id"])[0]
                ws.save([ann.changed(status="accepted" if ann.status != "accepted" else "pending")])
                t0 = time.perf_counter()
                service.quote_ledger(ws)
                t1 = time.perf_counter()
                service.entities(ws)
                after["ledger"].append(t1 - t0)
                after["entity index"].append(time.perf_counter() - t1)
            print("after a save to one article: " + "; ".join(
                f"{name} median {statistics.median(ts):.3f} s, worst {max(ts):.3f} s" for name, ts in after.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
