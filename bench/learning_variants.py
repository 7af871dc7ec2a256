#!/usr/bin/env python3
"""Training choices of `readtui train`, compared on the train side (dev stays for bench/learning.py).

    python bench/learning_variants.py ../shared/eval/conll2003_train.jsonl --set whole_articles=0
    python bench/learning_variants.py TRAIN --n 200 --check-from 600 --set fresh_ner=1 --set max_minutes=12

Trains tui.nlp.learn.train on TRAIN's first N articles (a share held out for early stopping,
as `readtui train` does), with TrainSettings fields changed by --set, and scores the model
alone (label-mapped, entity F1 exact match, corrections per article) on TRAIN's articles from
--check-from on, which it never trains on. One variant per run: several runs side by side
on a shared machine share its cores, and the time budget cuts the slower ones short, so
the printed steps and the reason training stopped belong with each figure.
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from learning import LABELS, read_gold, score_model  # noqa: E402
from tui.nlp import learn  # noqa: E402


def settings(pairs: list[str]) -> learn.TrainSettings:
    s = learn.TrainSettings()
    for pair in pairs:
        name, _, value = pair.partition("=")
        was = getattr(s, name)
        setattr(s, name, value in ("1", "true") if isinstance(was, bool) else type(was)(value))
    return s


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("train", type=Path)
    ap.add_argument("--n", type=int, default=200, help="articles done (trained on, a share held out)")
    ap.add_argument("--check-from", type=int, default=600, help="score on TRAIN's articles from here on")
    ap.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE", help="a TrainSettings field")
    ap.add_argument("--keep", type=Path, help="keep the trained model in this folder (for a look at its errors)")
    ap.add_argument("--base", default=None, help="the pipeline to fine-tune (default: the workspace's default model)")
    args = ap.parse_args()
    golds = read_gold(args.train)
    s = settings(args.set)
    with tempfile.TemporaryDirectory(prefix="readtui-variants-") as tmp:
        started = time.perf_counter()
        trained = learn.train(args.base, golds[:args.n], LABELS.split(","), learn.CONLL_MAP, Path(tmp) / "model", s)
        seconds = time.perf_counter() - started
        sc = score_model(str(trained.path), golds[args.check_from:], learn.CONLL_MAP)
        if args.keep:
            shutil.copytree(trained.path, args.keep)
    changed = {k: v for k, v in dataclasses.asdict(s).items() if getattr(learn.TrainSettings(), k) != v}
    per = " ".join(f"{k} {v.f1:.3f}" for k, v in sorted(sc.labels.items()))
    print(f"{changed or 'defaults'}: {trained.steps} steps, stopped by {trained.stopped}, {seconds:.0f} s (loaded); "
          f"TRAIN[{args.check_from}:] F1 {sc.total.f1:.3f} P {sc.total.p:.3f} R {sc.total.r:.3f} "
          f"corr/article {sc.corrections:.2f}  {per}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
