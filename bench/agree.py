"""How long `readtui agree` takes over three analysts' workspaces of 10,000 articles x 40 annotations.

Builds the workspaces itself (a temporary folder, or --keep DIR) through the store API, no
model: the first analyst's articles are bench/export.py's (34 entities and 6 quotes each,
every article marked done, tokens kept as `readtui import` keeps them); the second and
third are derived from it with controlled differences: of the entities, ~4% dropped, ~3%
relabelled, ~3% with the end moved one word, ~2% added on a word nobody marked; of the quotes'
speakers, ~10% moved to another person. Then times the real command,
`readtui agree A B C --json` in a fresh process (start-up included), against a baseline
measured in the same run: reading the three workspaces with ``Workspace.iter_articles()``
and nothing else. Prints median and worst of the runs and the ratio to the baseline.
Target: under 5 s.

Then the adjudication screen: `readtui adjudicate` builds a gold from three analysts'
workspaces of --adjudicate articles (derived the same way), and Pilot drives the reader on
it, settling every disagreement with 1, 2, 3, b or 0 (drawn at random): keys pressed per
disagreement settled (target: one; the screen moves on by itself) and the time per key.

    python bench/agree.py [--articles 10000] [--runs 3] [--keep DIR] [--adjudicate 20]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from export import make_article  # noqa: E402  (bench/export.py: the same articles)

from tui.model import Annotation, Article, Speaker  # noqa: E402
from tui.store import Workspace  # noqa: E402
from tui.nlp.tokens import pack  # noqa: E402

ANALYSTS = ("ana", "bob", "cy")
WORD = re.compile(r"\b[a-z]{4,}\b")


def vary(article: Article, anns: list[Annotation], rng: random.Random) -> list[Annotation]:
    """Another analyst's version of the same article: a few controlled differences."""
    text = article.text
    out: list[Annotation] = []
    people = [a for a in anns if a.kind == "entity" and a.label == "PERSON"]
    for a in anns:
        r = rng.random()
        if a.kind == "quote":
            if a.speaker is not None and people and r < 0.10:
                p = rng.choice(people)
                a = replace(a, speaker=Speaker(p.start, p.end, p.text, ""))
            out.append(a)
        elif r < 0.04:
            continue  # missed
        elif r < 0.07:
            out.append(replace(a, label="NORP" if a.label != "NORP" else "ORG"))
        elif r < 0.10:
            m = re.match(r"\s+\S+", text[a.end:])  # one word longer
            end = a.end + m.end() if m else a.end
            out.append(replace(a, end=end, text=text[a.start:end]))
        else:
            out.append(a)
    marked = [(a.start, a.end) for a in anns]
    for m in WORD.finditer(text):
        if rng.random() < 0.002 and not any(s < m.end() and m.start() < e for s, e in marked):
            out.append(Annotation(f"x{m.start()}", article.id, "entity", m.start(), m.end(), "EVENT", m.group(),
                                  origin="manual", status="accepted", annotator="bench"))
    return out


def build(where: Path, n: int) -> float:
    t0 = time.perf_counter()
    rng = random.Random(17)
    spaces = [Workspace.open(where / name / "workspace.json") for name in ANALYSTS]
    try:
        batches: list[list] = [[] for _ in spaces]
        for i in range(n):
            article, anns = make_article(i, rng)
            article = replace(article, tokens=pack(article.text))  # tokenized once for all three
            batches[0].append((article, anns))
            batches[1].append((article, vary(article, anns, rng)))
            batches[2].append((article, vary(article, anns, rng)))
            if len(batches[0]) == 500 or i == n - 1:
                for ws, batch in zip(spaces, batches):
                    ws.add_articles(batch, suggested=False)
                    batch.clear()
    finally:
        for ws in spaces:
            ws.close()
    return time.perf_counter() - t0


def _cpu(who: int) -> float:
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


def baseline(paths: list[Path]) -> tuple[float, float]:
    """Wall and CPU time of reading the three workspaces, one after the other."""
    c0, t0 = _cpu(resource.RUSAGE_SELF), time.perf_counter()
    for p in paths:
        with Workspace.open(p, readonly=True) as ws:
            for _ in ws.iter_articles():
                pass
    return time.perf_counter() - t0, _cpu(resource.RUSAGE_SELF) - c0


def run_agree(paths: list[Path]) -> tuple[float, float, dict]:
    """Wall time, CPU time of the command and its reader processes (the steadier figure on
    a shared machine), and its report."""
    cmd = [sys.executable, "-m", "tui", "agree", *map(str, paths), "--json"]
    c0, t0 = _cpu(resource.RUSAGE_CHILDREN), time.perf_counter()
    done = subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - t0, _cpu(resource.RUSAGE_CHILDREN) - c0, json.loads(done.stdout)


def adjudicate(where: Path, n: int) -> None:
    """Keys per settled disagreement on a gold of ``n`` articles, driven by Pilot."""
    import asyncio

    paths = [where / name / "workspace.json" for name in ANALYSTS]
    if not all(p.exists() for p in paths):
        build(where, n)
    gold = where / "gold" / "workspace.json"
    shutil.rmtree(gold.parent, ignore_errors=True)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "tui", "adjudicate", *map(str, paths), "--db", str(gold),
                    "--annotator", "bench"], check=True, capture_output=True, cwd=ROOT)
    built = time.perf_counter() - t0
    os.environ["TEXTUAL_ANIMATIONS"] = "none"
    from tui.service import Session
    from tui.ui.app import make_app

    async def settle_all() -> tuple[int, int, int, float]:
        ws = Workspace.open(gold)
        session = Session(ws, "bench")
        rng = random.Random(17)
        before = session.disagreements_left()
        keys = 0
        app = make_app(session)
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            t = time.perf_counter()
            while session.disagreements_left() and keys < 10 * before:
                await pilot.press(rng.choice("123b0"))
                keys += 1
            per_key = (time.perf_counter() - t) / max(keys, 1)
        left = session.disagreements_left()
        ws.close()
        return before, before - left, keys, per_key

    before, settled, keys, per_key = asyncio.run(settle_all())
    print(f"adjudication: {n} articles x 3 analysts -> gold in {built:.2f} s; {before} disagreements; "
          f"{keys} keys settled {settled}: {keys / max(settled, 1):.2f} keys per disagreement "
          f"(target 1: {'met' if settled and keys <= settled else 'MISSED'}); {per_key * 1000:.0f} ms per key (Pilot)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="build (or reuse) the workspaces here instead of a temp dir")
    ap.add_argument("--adjudicate", type=int, default=20, metavar="N",
                    help="articles of the gold the adjudication screen settles (0: skip)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="readtui-bench-agree-"))
    where = args.keep or tmp
    paths = [where / name / "workspace.json" for name in ANALYSTS]
    try:
        if not all(p.exists() for p in paths):
            secs = build(where, args.articles)
            print(f"built 3 workspaces of {args.articles:,} articles x 40 annotations in {secs:.1f} s ({where})")
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpus")
        base = [baseline(paths) for _ in range(args.runs)]
        bmed = statistics.median(t for t, _ in base)
        print(f"{'baseline (iter_articles x 3)':32s} median {bmed:6.2f} s  worst {max(t for t, _ in base):6.2f} s  "
              f"cpu {statistics.median(c for _, c in base):6.2f} s")
        runs = [run_agree(paths) for _ in range(args.runs)]
        times = [t for t, _, _ in runs]
        med = statistics.median(times)
        report = runs[-1][2]
        print(f"{'readtui agree A B C --json':32s} median {med:6.2f} s  worst {max(times):6.2f} s  "
              f"cpu {statistics.median(c for _, c, _ in runs):6.2f} s  x{med / bmed:4.1f} baseline  "
              f"(target < 5 s: {'met' if med < 5 else 'MISSED'})")
        print(f"  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cpus")
        pair = report["pairs"][0]
        print(f"  {report['articles']:,} articles shared; {pair['a']}/{pair['b']}: F1 exact {pair['f1_exact']:.3f}, "
              f"overlap {pair['f1_overlap']:.3f}, kappa {pair['kappa']:.3f}; alpha {report['alpha']:.3f}; "
              f"speaker agreement {report['quotes']['speaker_agreement']:.3f}")
        if args.adjudicate:
            adjudicate(where / "team", args.adjudicate)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
