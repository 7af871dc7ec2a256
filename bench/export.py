"""How long `readtui export` takes on a large workspace: 10,000 articles x 40 annotations.

Builds the workspace itself in a temporary folder through the store API (no model; the
store keeps each article's spaCy tokens, as it does for `readtui import`), every article
marked done: ~470 words (sentences of the seeds and ten
novel words a paragraph), 34 entities and 6 quotes (4 with a speaker).
Then times the real command, `readtui export --format F -o FILE` in a fresh process
(what a user waits for, start-up included), for each format, and a
baseline measured in the same run: reading the same workspace with
``Workspace.iter_articles()`` and writing each article and its annotations with plain
``json.dumps`` (no tokens, no checks). Prints median and worst of the runs and the
ratio to the baseline, and the CPU time of the command and its workers (the steadier
figure on a shared machine). Target: jsonl under 10 s.

    python bench/export.py [--articles 10000] [--runs 3] [--keep DIR] [--no-kept-tokens]

``--no-kept-tokens`` builds the workspace as readtui did before it kept tokens (the export
then tokenizes every article): the figure for an older workspace.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tui.model import Annotation, Article, Speaker  # noqa: E402
from tui.store import Workspace  # noqa: E402
from tui.nlp.tokens import with_tokens  # noqa: E402

PEOPLE = ["Sara Carter", "Vinay Kwatra", "Debbie Seguin", "Monika Ashish Batra", "Narendra Modi",
          "Donald Trump", "Zoë Müller", "José Núñez"]
ORGS = ["the Ministry of External Affairs", "ONDCP", "the Narcotics Control Bureau", "MEA", "IANS"]
PLACES = ["Washington", "New Delhi", "São Paulo", "Mumbai", "Geneva", "Tel Aviv"]

def seed_sentences() -> list[str]:
    """Real news sentences (the bundled seeds) for the body text: a realistic vocabulary."""
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt")))
    sents = re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", " ".join(text.split()))
    return [s for s in sents if 8 <= len(s.split()) <= 60 and '"' not in s and "“" not in s]


SENTENCES = seed_sentences()
SYLLABLES = ["ka", "ro", "mi", "tu", "sen", "dra", "vel", "po", "li", "zan", "qu", "ët", "ño", "har"]


def novel_sentence(rng: random.Random) -> str:
    """Ten words never seen before (names, places, jargon): misses in the tokenizer's cache."""
    words = ["".join(rng.choices(SYLLABLES, k=rng.randint(1, 4))) for _ in range(10)]
    words[0] = words[0].capitalize()
    return " ".join(words) + rng.choice([".", ";", "!"])


def make_article(i: int, rng: random.Random) -> tuple[Article, list[Annotation]]:
    """~470 words of news text with 34 entities and 6 quotes, spans recorded as the text is built."""
    aid = f"bench{i:05d}"
    parts: list[str] = []
    anns: list[Annotation] = []
    pos = 0

    def put(s: str) -> tuple[int, int]:
        nonlocal pos
        parts.append(s)
        start = pos
        pos += len(s)
        return start, pos

    def entity(s: str, label: str) -> tuple[int, int]:
        start, end = put(s)
        anns.append(Annotation(f"e{len(anns)}", aid, "entity", start, end, label, s, origin="model",
                               status="accepted", annotator="bench", time="2026-02-01T09:00:00+00:00"))
        return start, end

    for k in range(6):  # six paragraphs: each a quote, a speaker, and entities
        put(f"In {'' if k else 'a statement from '}")
        entity(rng.choice(PLACES), "GPE")
        put(" on Wednesday, ")
        entity(rng.choice(ORGS), "ORG")
        put(" said that ")
        entity(rng.choice(PEOPLE), "PERSON")
        put(" had met ")
        entity(rng.choice(PEOPLE), "PERSON")
        put(f" for the {i}th time. {rng.choice(SENTENCES)} ")
        qs, qe = put(f"\u201cWe will not back down on paragraph {k} of this, not now and not ever,\u201d")
        put(" said ")
        ss, se = entity(rng.choice(PEOPLE), "PERSON")
        put(", adding that ")
        entity(rng.choice(PLACES), "GPE")
        put(" would host the next round. ")
        speaker = Speaker(ss, se, "".join(parts)[ss:se], "") if k < 4 else None
        anns.append(Annotation(f"q{k}", aid, "quote", qs, qe, "QUOTE", "", speaker=speaker, origin="rules",
                               status="accepted", annotator="bench", time="2026-02-01T09:00:00+00:00"))
        put(novel_sentence(rng) + "\n\n")
    text = "".join(parts).rstrip()
    anns = [a if a.text else Annotation(**{**a.__dict__, "text": text[a.start:a.end]}) for a in anns]
    ents = [a for a in anns if a.kind == "entity"][:34]
    quotes = [a for a in anns if a.kind == "quote"]
    return Article(aid, text, title=f"Bench article {i}", source="IANS", state="done",
                   path=f"/bench/{i}.txt"), ents + quotes


def kept(batch, keep_tokens: bool):
    """The batch with each article's tokens packed, as readtui import keeps them."""
    return [(with_tokens(a), anns) for a, anns in batch] if keep_tokens else batch


def build(db: Path, n: int, keep_tokens: bool = True) -> float:
    rng = random.Random(5)
    t0 = time.perf_counter()
    with Workspace.open(db) as ws:
        batch = []
        for i in range(n):
            batch.append(make_article(i, rng))
            if len(batch) == 500:
                ws.add_articles(kept(batch, keep_tokens), suggested=False)
                batch = []
        if batch:
            ws.add_articles(kept(batch, keep_tokens), suggested=False)
    return time.perf_counter() - t0


def baseline(db: Path, out: Path) -> float:
    t0 = time.perf_counter()
    with Workspace.open(db, readonly=True) as ws, open(out, "w", encoding="utf-8") as fh:
        for article, anns in ws.iter_articles():
            fh.write(json.dumps({"article": article.to_dict(), "annotations": [a.to_dict() for a in anns]},
                                ensure_ascii=False) + "\n")
    return time.perf_counter() - t0


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_export(db: Path, out: Path, fmt: str) -> tuple[float, float]:
    """Wall time, and CPU time of the command and its worker processes (steadier on a shared machine)."""
    cmd = [sys.executable, "-m", "tui", "export", "--db", str(db), "-o", str(out), "--format", fmt]
    c0, t0 = _children_cpu(), time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - t0, _children_cpu() - c0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="build (or reuse) the workspace here instead of a temp dir")
    ap.add_argument("--no-kept-tokens", action="store_true",
                    help="build it without kept tokens, as an older workspace (the export tokenizes)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="readtui-bench-export-"))
    where = args.keep or tmp
    db = where / "workspace.json"
    try:
        if not db.exists():
            secs = build(db, args.articles, keep_tokens=not args.no_kept_tokens)
            kept = "without kept tokens" if args.no_kept_tokens else "tokens kept"
            print(f"built {args.articles:,} articles x 40 annotations ({kept}) in {secs:.1f} s ({where})")
        with Workspace.open(db, readonly=True) as ws:
            n = len(ws)
            words = len(ws.article(ws.rows()[0]["id"]).text.split())
        print(f"workspace: {n:,} articles (~{words} words each), {n * 40:,} annotations; "
              f"python {sys.version.split()[0]}, {os.cpu_count()} cpus")
        base = [baseline(db, tmp / "baseline.jsonl") for _ in range(args.runs)]
        bmed = statistics.median(base)
        print(f"{'baseline (iter_articles + json.dumps)':40s} median {bmed:6.2f} s  worst {max(base):6.2f} s")
        for fmt, suffix in (("jsonl", ".jsonl"), ("spacy", ".spacy"), ("doccano", ".doccano.jsonl")):
            out = tmp / f"export{suffix}"
            runs = [run_export(db, out, fmt) for _ in range(args.runs)]
            times = [wall for wall, _ in runs]
            med = statistics.median(times)
            cpu = statistics.median(c for _, c in runs)
            size = out.stat().st_size / 1e6
            target = "  (target < 10 s: " + ("met)" if med < 10 else "MISSED)") if fmt == "jsonl" else ""
            print(f"{'readtui export --format ' + fmt:40s} median {med:6.2f} s  worst {max(times):6.2f} s  "
                  f"x{med / bmed:4.1f} baseline  {n / med:8,.0f} articles/s  cpu {cpu:6.1f} s  {size:7.1f} MB{target}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
