#!/usr/bin/env python3
"""The learning loop on news with a custom scheme, replayed as an analyst would.

    python bench/learning.py ../shared/eval/conll2003_train.jsonl ../shared/eval/conll2003_dev.jsonl
    python bench/learning.py TRAIN DEV --steps 50,100,200 --max-minutes 5

TRAIN and DEV hold gold PER/ORG/LOC/MISC spans in readtui's JSONL import shape. The
replay, all through readtui's own commands and service:

1. `readtui import TRAIN[:N] --labels PER,ORG,LOC,MISC --label-map conll`: the base
   model's suggestions, mapped.
2. Article by article, what an analyst does in the reader (tui.service.Session): accept a
   suggestion the gold holds, relabel one whose span is right, reject the rest, add what
   was missed, mark done. Each decision teaches a pattern that follows into the articles
   not yet reviewed. The corrections it took (rejects, relabels, additions) are counted.
3. After each N of 50, 100, 200 done articles: `readtui train --db WS` (timed), then
   `readtui suggest DEV --db WS`, scored on DEV (entity F1, exact match; corrections per
   article = false suggestions + missed entities). The fine-tuned model is also scored
   alone, without the patterns, to show what each part brings.

Baselines measured in the same run: the base model with its labels mapped, and a plain
`spacy train` fine-tune of en_core_web_sm's NER on the same 200 articles (the scheme's
labels added to it, 600 steps, spaCy's defaults otherwise).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tui.nlp import learn  # noqa: E402

LABELS = "PER,ORG,LOC,MISC"


def cpu_of_children() -> float:
    """CPU seconds of every finished child process and its own children so far: the work a
    command did, which a loaded machine stretches less than its wall-clock time."""
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def readtui(*args, check: bool = True) -> subprocess.CompletedProcess:
    res = subprocess.run([sys.executable, "-m", "tui", *map(str, args)], capture_output=True, text=True,
                         cwd=ROOT, env=dict(os.environ, COLUMNS="160"))
    if check and res.returncode != 0:
        sys.exit(f"readtui {' '.join(map(str, args))} failed:\n{res.stderr[-2000:]}")
    return res


def read_gold(path: Path, n: int | None = None) -> list[learn.Gold]:
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            out.append(learn.Gold(str(r["id"]), r["text"],
                                  tuple(sorted((s["start"], s["end"], s["label"]) for s in r["spans"]))))
            if n and len(out) >= n:
                break
    return out


def score_file(path: Path, dev: list[learn.Gold]) -> learn.Scores:
    found = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            found[r["text"]] = [(s["start"], s["end"], s["label"]) for s in r.get("spans", [])]
    return learn.score(lambda texts: (found.get(t, []) for t in texts), dev)


def score_model(model: str, dev: list[learn.Gold], label_map) -> learn.Scores:
    from tui.nlp.suggest import load_pipeline

    nlp = load_pipeline(model)
    with nlp.select_pipes(enable=["ner"]):
        return learn.score(learn.entity_predictor(nlp, label_map), dev)


def review(session, article_id: str, gold: learn.Gold) -> int:
    """What an analyst does to one article; the corrections it took."""
    wanted = {(s, e): label for s, e, label in gold.spans}
    corrections = 0
    for ann in session.annotations(article_id):
        if ann.kind != "entity" or ann.status != "pending":
            continue
        label = wanted.get((ann.start, ann.end))
        if label == ann.label:
            session.accept(ann)
        elif label is not None:
            session.relabel(ann, label)
            corrections += 1
        else:
            session.reject(ann)
            corrections += 1
    have = {(a.start, a.end) for a in session.annotations(article_id)
            if a.kind == "entity" and a.status == "accepted"}
    for (s, e), label in wanted.items():
        if (s, e) not in have:
            for a in session.annotations(article_id):  # a wrong span in the way: reject it
                if a.kind == "entity" and a.status != "rejected" and a.start < e and s < a.end:
                    session.reject(a)
                    corrections += 1
            session.add(article_id, "entity", s, e, label)
            corrections += 1
    session.mark_done(article_id)
    return corrections


def replay(ws_path: Path, golds: list[learn.Gold], ids: list[str], start: int, stop: int) -> list[int]:
    from tui.service import Session
    from tui.store import Workspace

    ws = Workspace.open(ws_path)
    try:
        session = Session(ws, "bench")
        return [review(session, ids[i], golds[i]) for i in range(start, stop)]
    finally:
        ws.close()


def plain_spacy_train(golds: list[learn.Gold], work: Path, steps: int = 600) -> tuple[str, float]:
    """en_core_web_sm's NER fine-tuned by `spacy train`, the scheme's labels added to it."""
    from spacy.tokens import DocBin

    from tui.nlp.suggest import load_pipeline

    nlp = load_pipeline()
    docs = learn.to_docs(nlp, golds, {}, split=False)
    DocBin(docs=docs).to_disk(work / "plain_train.spacy")
    DocBin(docs=docs[: max(1, len(docs) // 10)]).to_disk(work / "plain_dev.spacy")
    base = str(nlp.path)
    cfg = work / "plain.cfg"
    cfg.write_text(f"""
[paths]
train = "{work / 'plain_train.spacy'}"
dev = "{work / 'plain_dev.spacy'}"
[nlp]
lang = "en"
pipeline = ["ner"]
[components]
[components.ner]
source = "{base}"
[corpora]
[corpora.train]
@readers = "spacy.Corpus.v1"
path = ${{paths.train}}
[corpora.dev]
@readers = "spacy.Corpus.v1"
path = ${{paths.dev}}
[training]
max_steps = {steps}
eval_frequency = {max(1, min(200, steps))}
[initialize]
vectors = null
""")
    full = work / "plain.full.cfg"  # spaCy fills in its defaults for everything not said
    res = subprocess.run([sys.executable, "-m", "spacy", "init", "fill-config", str(cfg), str(full)],
                         capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit(f"spacy init fill-config failed:\n{res.stdout[-1500:]}\n{res.stderr[-1500:]}")
    started = time.perf_counter()
    res = subprocess.run([sys.executable, "-m", "spacy", "train", str(full), "--output", str(work / "plain")],
                         capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit(f"spacy train failed:\n{res.stdout[-1500:]}\n{res.stderr[-1500:]}")
    return str(work / "plain" / "model-last"), time.perf_counter() - started


def row(name: str, s: learn.Scores, seconds: float | None = None, replay: float | None = None) -> str:
    t = f"{seconds:6.0f} s" if seconds is not None else "      –"
    r = f"{replay:6.1f}" if replay is not None else "     –"
    per = " ".join(f"{k} {v.f1:.3f}" for k, v in sorted(s.labels.items()))
    return f"{name:<44} F1 {s.total.f1:.3f}  P {s.total.p:.3f}  R {s.total.r:.3f}  corr/article {s.corrections:5.2f}  " \
           f"train {t}  replay corr/article {r}   {per}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("train", type=Path)
    ap.add_argument("dev", type=Path)
    ap.add_argument("--steps", default="50,100,200", help="numbers of done articles to train after")
    ap.add_argument("--max-minutes", type=float, default=5.0)
    ap.add_argument("--no-plain", action="store_true", help="leave out the plain spacy train baseline")
    ap.add_argument("--plain-steps", type=int, default=600, help="steps of the plain spacy train baseline")
    ap.add_argument("--dev-limit", type=int, default=0, help="score on the first N dev articles only")
    ap.add_argument("--train-check", type=int, default=0, metavar="K",
                    help="also score the last model on TRAIN's articles from K on (never trained on): "
                         "a train-side figure beside dev's")
    args = ap.parse_args()
    marks = sorted(int(x) for x in args.steps.split(","))
    golds = read_gold(args.train, marks[-1])
    dev = read_gold(args.dev, args.dev_limit or None)
    check = read_gold(args.train)[args.train_check:] if args.train_check else []
    print(f"load average at the start: {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} cores (training times are loaded)", flush=True)
    with tempfile.TemporaryDirectory(prefix="readtui-learning-") as tmp:
        work = Path(tmp)
        ws = work / "ws.json"
        plain = work / "train.jsonl"
        plain.write_text("".join(json.dumps({"id": g.id, "text": g.text}) + "\n" for g in golds))
        readtui("import", plain, "--db", ws, "--labels", LABELS, "--label-map", "conll")
        ids = [g.id for g in golds]
        dev_in = work / "dev.jsonl"  # the texts alone: suggest sees no gold
        dev_in.write_text("".join(json.dumps({"id": g.id, "text": g.text}) + "\n" for g in dev))
        dev_out = work / "dev.out.jsonl"
        readtui("suggest", dev_in, "--db", ws, "-o", dev_out)
        print(f"dev: {len(dev)} articles; training articles replayed: up to {marks[-1]}", flush=True)
        print(row("base model, labels mapped", score_file(dev_out, dev)), flush=True)
        done = 0
        for n in marks:
            corr = replay(ws, golds, ids, done, n)
            done = n
            started, cpu = time.perf_counter(), cpu_of_children()
            res = readtui("train", "--db", ws, "--max-minutes", args.max_minutes)
            seconds, cpu = time.perf_counter() - started, cpu_of_children() - cpu
            readtui("suggest", dev_in, "--db", ws, "-o", dev_out)
            model = (ws.parent / "ws.json.d" / "models" / "current").read_text().strip()
            last = res.stdout.strip().splitlines()[-1] if res.stdout.strip() else ""
            print(row(f"N={n}: readtui train + learned patterns", score_file(dev_out, dev), seconds,
                      sum(corr) / len(corr)), flush=True)
            print(row(f"N={n}: the fine-tuned model alone ({model})",
                      score_model(str(ws.parent / "ws.json.d" / "models" / model), dev, learn.CONLL_MAP)),
                  flush=True)
            print(f"   {last} ({cpu:.0f} CPU seconds)", flush=True)
        if check:
            model = (ws.parent / "ws.json.d" / "models" / "current").read_text().strip()
            print(row(f"train-side check: TRAIN[{args.train_check}:] ({len(check)}), {model} alone",
                      score_model(str(ws.parent / "ws.json.d" / "models" / model), check, learn.CONLL_MAP)),
                  flush=True)
        if not args.no_plain:
            plain_cpu = cpu_of_children()
            path, plain = plain_spacy_train(golds, work, args.plain_steps)
            plain_cpu = cpu_of_children() - plain_cpu
            print(row(f"plain spacy train, {len(golds)} articles, {args.plain_steps} steps", score_model(path, dev, None), plain),
                  flush=True)
            print(f"readtui train at N={marks[-1]} took {seconds / plain:.2f}x the plain spacy train's time "
                  f"in the same run, {cpu / plain_cpu:.2f}x its CPU seconds ({cpu:.0f} / {plain_cpu:.0f})",
                  flush=True)
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
