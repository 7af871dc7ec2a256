#!/usr/bin/env python3
"""The suggester's pipeline tricks (tui/nlp/speed.py) against spaCy's pipeline as it loads.

    python bench/pipeline.py                                   # 400 synthetic articles, 5 runs
    python bench/pipeline.py --texts ../shared/eval/polnear_dev.jsonl --runs 3

For each run, the same texts go through ``nlp.pipe`` (batches of 32, as the suggester
parses) on two copies of the model loaded in this process, one as spaCy loads it, one
with the tricks, alternately; the figure is CPU milliseconds an article (not wall
time: the machine is shared). Prints the medians, their ratio, the attribute ruler's
own share, and checks that both give the same annotations on every token.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def cpu_ms(nlp, texts: list[str]) -> float:
    t = time.process_time()
    for _ in nlp.pipe(texts, batch_size=32):
        pass
    return (time.process_time() - t) / len(texts) * 1000


def ruler_ms(nlp, texts: list[str]) -> float:
    """The attribute ruler alone, on Docs the components before it have annotated."""
    ruler = nlp.get_pipe("attribute_ruler")
    before = nlp.pipe_names[:nlp.pipe_names.index("attribute_ruler")]
    docs = list(nlp.pipe(texts, disable=[n for n in nlp.pipe_names if n not in before]))
    t = time.process_time()
    for doc in docs:
        ruler(doc)
    return (time.process_time() - t) / len(texts) * 1000


def annotations(docs) -> list:
    return [[(t.pos_, str(t.morph), t.lemma_, t.tag_, t.dep_, t.ent_type_) for t in d] for d in docs]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--texts", type=Path, help="a JSONL file with a 'text' per line (default: synthetic news)")
    ap.add_argument("--articles", type=int, default=400)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()

    from tui.nlp.speed import quicker_attribute_ruler
    from tui.nlp.suggest import load_pipeline

    if args.texts:
        with open(args.texts, encoding="utf-8") as fh:
            texts = [json.loads(line)["text"] for line in fh][:args.articles]
    else:
        from scale import texts as synthetic

        texts = synthetic(args.articles)
    plain, quick = load_pipeline(), load_pipeline()
    if not quicker_attribute_ruler(quick):
        raise SystemExit("this model's attribute ruler does not have the shape the trick needs: nothing to measure")
    same = annotations(plain.pipe(texts)) == annotations(quick.pipe(texts))  # also warms both up
    words = sum(len(t.split()) for t in texts) / len(texts)
    print(f"{len(texts)} articles of {words:.0f} words on average, {args.runs} runs, CPU ms an article (median):")
    runs = {"spaCy's pipeline as loaded": [], "with tui.nlp.speed": []}
    rulers = {"spaCy's pipeline as loaded": [], "with tui.nlp.speed": []}
    for _ in range(args.runs):
        for name, nlp in zip(runs, (plain, quick)):
            runs[name].append(cpu_ms(nlp, texts))
            rulers[name].append(ruler_ms(nlp, texts))
    base = statistics.median(runs["spaCy's pipeline as loaded"])
    for name in runs:
        whole, ruler = statistics.median(runs[name]), statistics.median(rulers[name])
        print(f"  {name:28} whole pipeline {whole:6.2f} ms ({whole / base:.3f}x)   attribute ruler {ruler:5.2f} ms")
    print(f"  same annotations on every token: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
