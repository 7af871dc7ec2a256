#!/usr/bin/env python3
"""Rules after the model, compared on one trained model (no training: the rules need none).

    python bench/learning_variants.py ../shared/eval/conll2003_train.jsonl --keep /tmp/m200
    python bench/suggestion_rules.py /tmp/m200 ../shared/eval/conll2003_train.jsonl --errors

Runs MODEL (a fine-tuned pipeline, e.g. kept by bench/learning_variants.py --keep) once over
TRAIN's articles from --check-from on (never trained on; dev stays for bench/learning.py),
and the base model once beside it, then scores each variant of the rules that come after
the model (tui.nlp.consistency, the base model as a second opinion): entity F1 exact match,
per label P/R/F1, corrections per article. --errors sorts the false and missed entities of
the model alone by kind (label, boundary, spurious, missed) and prints the most common.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from learning import read_gold  # noqa: E402
from tui.nlp import consistency, learn  # noqa: E402
from tui.nlp.labels import map_label  # noqa: E402
from tui.nlp.suggest import load_pipeline  # noqa: E402


def entities(doc, label_map) -> list[tuple[int, int, str]]:
    return [(e.start_char, e.end_char, lab) for e in doc.ents
            if e.text.strip() and (lab := map_label(e.label_, label_map))]


def second_opinion(found, base, labels) -> list[tuple[int, int, str]]:
    """``found`` plus the base model's entities of ``labels`` that overlap none of them."""
    extra = [b for b in base if b[2] in labels and not any(b[0] < e and s < b[1] for s, e, _ in found)]
    return sorted(list(found) + extra)


def line(name: str, sc: learn.Scores) -> str:
    per = "  ".join(f"{k} P {v.p:.3f} R {v.r:.3f} F {v.f1:.3f}" for k, v in sorted(sc.labels.items()))
    return f"{name:<34} F1 {sc.total.f1:.4f} P {sc.total.p:.3f} R {sc.total.r:.3f} corr {sc.corrections:.2f} | {per}"


def kinds(found, gold) -> Counter:
    """The corrections of one article by kind, with the text and labels behind each."""
    out: Counter = Counter()
    p, g = set(found), set(gold)
    for s, e, label in p - g:
        same = [x for x in g if (x[0], x[1]) == (s, e)]
        over = [x for x in g if x[0] < e and s < x[1]]
        kind = ("label", f"{label}->{same[0][2]}") if same else ("boundary", label) if over else ("spurious", label)
        out[kind] += 1
    for s, e, label in g - p:
        if not any(x[0] < e and s < x[1] for x in p):
            out[("missed", label)] += 1
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model", help="the fine-tuned pipeline's folder")
    ap.add_argument("train", type=Path)
    ap.add_argument("--check-from", type=int, default=600)
    ap.add_argument("--errors", action="store_true", help="the model's corrections by kind, with examples")
    args = ap.parse_args()
    golds = read_gold(args.train)[args.check_from:]
    texts = [g.text for g in golds]
    nlp = load_pipeline(args.model)
    with nlp.select_pipes(enable=["ner"]):
        docs = list(nlp.pipe(texts, batch_size=32))
    base = load_pipeline()
    with base.select_pipes(enable=["ner"]):
        base_found = [entities(d, learn.CONLL_MAP) for d in base.pipe(texts, batch_size=32)]
    found = [entities(d, learn.CONLL_MAP) for d in docs]

    def run(name, post):
        sc = learn.Scores()
        for g, d, f, b in zip(golds, docs, found, base_found):
            sc.add(post(d, f, b), g.spans)
        print(line(name, sc), flush=True)

    print(f"{len(golds)} articles, TRAIN[{args.check_from}:]")
    run("model alone", lambda d, f, b: f)
    for rules in [(r,) for r in consistency.RULES] + [("majority", "names"), consistency.RULES[:-1], consistency.RULES]:
        run("+".join(rules), lambda d, f, b, r=rules: consistency.consistent(d, f, "PER", "ORG", r))
    for labels in (("PER", "ORG", "LOC", "MISC"), ("PER",), ("ORG",), ("LOC",), ("MISC",)):
        run("base adds " + ",".join(labels), lambda d, f, b, ls=labels: second_opinion(f, b, ls))
    run("base alone", lambda d, f, b: b)
    if args.errors:
        count: Counter = Counter()
        examples: dict = {}
        for g, f in zip(golds, found):
            count.update(kinds(f, g.spans))
            for s, e, label in set(f) ^ set(g.spans):
                examples.setdefault(label, Counter())[g.text[s:e]] += 1
        for (kind, label), n in count.most_common():
            print(f"  {kind:<9} {label:<10} {n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
