"""Benchmark the quote and speaker finder on a PolNeAR-style gold file.

Usage: python bench/quotes.py GOLD.jsonl [--limit N] [--runs R] [--scorer PATH] [--keep PRED.jsonl]
                                    [--cache DIR] [--errors ERRORS.jsonl] [--model MODEL]
                                    [--show KIND] [--show-n N] [--first-parse-only]

Runs the finder the way ``readtui suggest`` does (``nlp.pipe`` over the article texts,
then ``find_quotes`` on each doc), writes the predictions in readtui's export shape to a
temporary file, runs the shared scorer on it and prints its figures, then the speed:
articles per second of plain ``nlp.pipe`` and of ``nlp.pipe`` + ``find_quotes``, measured
in the same run (median and worst of R runs, default 3), and their ratio.

``--cache DIR`` keeps the parsed Docs in a DocBin under DIR, keyed by the model and the
texts, so that a rule change re-runs only the finder: the speed lines then give the
finder's own time (with its second, quote-masked parse of weak attributions,
``tui.quotes.masked``) against the parse time measured when the cache was made.
``--first-parse-only`` leaves that second parse out, to compare.

After the figures comes a breakdown of the speaker errors by kind, judged with the
scorer's own matching (its ``quoted_chars``, ``alnum`` and ``speaker_match``), over the
gold quotes the finder found (@0.3) that have a source:
  missing       no covering prediction has a speaker
  too long      the mention covers the source but runs far past it (a clause swallowed)
  too short     the mention overlaps the source but covers less than half of it
  pronoun/name  one is a pronoun and the other is not ("he" for "John Smith", or back)
  wrong entity  someone else
``--errors PATH`` writes each error (kind, gold and predicted speaker, quote) for study;
``--show KIND [--show-n N]`` prints N errors of one kind in their paragraphs, the gold
source in [[…]], the predicted speaker in {{…}} and the quote in <<…>>;
``--show 'false positive'`` prints predicted quotes that fail precision@0.8 the same way.
"""
from __future__ import annotations

import argparse
import collections
import hashlib
import importlib.util
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
from tui.quotes.masked import reparse  # noqa: E402


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


def cache_path(cache: Path, nlp, texts: list[str]) -> Path:
    key = hashlib.sha1()
    key.update(f"{nlp.meta['name']}-{nlp.meta['version']}".encode())
    key.update(repr(sorted(nlp.tokenizer.rules or {})).encode())  # the tokenizer's exceptions (tui.nlp.titles)
    for t in texts:
        key.update(t.encode("utf-8", "surrogatepass") + b"\0")
    return cache / f"{nlp.meta['name']}-{nlp.meta['version']}-{key.hexdigest()[:16]}.spacy"


def cached_docs(cache: Path, nlp, texts: list[str]) -> tuple[list, float]:
    """The parsed Docs of ``texts`` and the seconds their parse took, from the cache or
    parsed now and stored."""
    from spacy.tokens import DocBin

    path = cache_path(cache, nlp, texts)
    timing = path.with_suffix(".json")
    if path.exists() and timing.exists():
        docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
        return docs, json.loads(timing.read_text())["parse_seconds"]
    t0 = time.perf_counter()
    docs = list(nlp.pipe(texts))
    seconds = time.perf_counter() - t0
    cache.mkdir(parents=True, exist_ok=True)
    DocBin(store_user_data=False, docs=docs).to_disk(path)
    timing.write_text(json.dumps({"parse_seconds": seconds}))
    return docs, seconds


def second_parse(args, nlp):
    """The re-parse of weak attributions that ``readtui suggest`` gives the finder."""
    return None if args.first_parse_only else reparse(nlp)


def timed_from_cache(args, nlp, texts: list[str]):
    """Predictions from cached Docs; the speed is the finder's own time against the
    parse time recorded with the cache."""
    docs, parse_seconds = cached_docs(args.cache, nlp, texts)
    finder = []
    found = []
    for _ in range(max(1, args.runs)):
        t0 = time.perf_counter()
        found = [find_quotes(doc, second_parse(args, nlp)) for doc in docs]
        finder.append(time.perf_counter() - t0)
    return found, parse_seconds, finder


_PRONOUNS = frozenset("he she they we i you it him her them us me who".split())


def load_scorer(path: Path):
    spec = importlib.util.spec_from_file_location("score_quotes", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _is_pronoun(text: str) -> bool:
    return text.strip().lower() in _PRONOUNS


def error_kind(scorer, text: str, gold_src: set[int], speakers: list[dict]) -> str | None:
    """The kind of speaker error of a found gold quote, or None when one is right."""
    if any(scorer.speaker_match(s, gold_src) for s in speakers):
        return None
    if not speakers:
        return "missing"
    s = speakers[0]
    pred = set(range(s["start"], s["end"]))
    shared = len(pred & gold_src)
    if shared >= 0.5 * len(gold_src):
        return "too long"
    if shared:
        return "too short"
    gold_text = "".join(text[i] for i in sorted(gold_src))
    if _is_pronoun(gold_text) != _is_pronoun(text[s["start"]:s["end"]]):
        return "pronoun/name"
    return "wrong entity"


def speaker_errors(scorer, gold_records: list[dict], preds: list[dict]):
    """Counts of speaker errors by kind, and the errors themselves."""
    counts: collections.Counter = collections.Counter()
    errors = []
    for g, p in zip(gold_records, preds):
        text = g["text"]
        pq = [(scorer.alnum(text, q["start"], q["end"]), q) for q in p["quotes"]]
        for a in g["attributions"]:
            chars = scorer.quoted_chars(text, a["content"])
            src = a.get("source") or []
            if len(chars) < 2 or not src:
                continue
            covering = [q for c, q in pq if c & chars]
            cov = set().union(*[c for c, _ in pq if c & chars]) & chars if covering else set()
            if len(cov) < 0.3 * len(chars):
                continue
            gold_src = set()
            for f in src:
                gold_src |= set(range(f["start"], f["end"]))
            speakers = [q["speaker"] for q in covering if q["speaker"]]
            kind = error_kind(scorer, text, gold_src, speakers)
            counts["found with a source"] += 1
            if kind is None:
                continue
            counts[kind] += 1
            quote = (min(c["start"] for c in a["content"]), max(c["end"] for c in a["content"]))
            errors.append({"id": g["id"], "kind": kind, "gold": " | ".join(f["text"] if "text" in f else
                           text[f["start"]:f["end"]] for f in src),
                           "predicted": speakers[0]["text"] if speakers else None,
                           "quote": text[quote[0]:quote[1]][:120],
                           "spans": {"gold": [(f["start"], f["end"]) for f in src], "quote": [quote],
                                     "predicted": [(s["start"], s["end"]) for s in speakers[:1]]}})
    return counts, errors


def false_positives(scorer, gold_records: list[dict], preds: list[dict], share: float = 0.8) -> list[dict]:
    """The predicted quotes that fail precision@``share``: less than that share of their
    characters inside a gold quoted region (the scorer's rule), in the shape of the
    speaker errors so that ``--show`` prints them in context."""
    out = []
    for g, p in zip(gold_records, preds):
        text = g["text"]
        regions = [scorer.quoted_chars(text, a["content"]) for a in g["attributions"]]
        gold_all = set().union(*[r for r in regions if len(r) >= 2])
        for q in p["quotes"]:
            chars = scorer.alnum(text, q["start"], q["end"])
            if chars and len(chars & gold_all) < share * len(chars):
                out.append({"id": g["id"], "kind": "false positive", "gold": None,
                            "predicted": q["speaker"]["text"] if q["speaker"] else None,
                            "spans": {"quote": [(q["start"], q["end"])],
                                      "predicted": [(q["speaker"]["start"], q["speaker"]["end"])] if q["speaker"] else []}})
    return out


def print_errors(counts) -> None:
    n = counts["found with a source"]
    wrong = sum(v for k, v in counts.items() if k != "found with a source")
    print(f"speaker errors: {wrong} of {n} found quotes with a source")
    for kind in ("missing", "too long", "too short", "pronoun/name", "wrong entity"):
        print(f"  {kind:13s} {counts[kind]:5d}  ({counts[kind] / n if n else 0:.3f})")


_MARKS = {"gold": ("[[", "]]"), "predicted": ("{{", "}}"), "quote": ("<<", ">>")}


def error_context(text: str, spans: dict, width: int = 700) -> str:
    """The paragraphs around an error, the gold source in [[…]], the predicted speaker
    in {{…}} and the quote in <<…>>, shortened to about ``width`` characters."""
    edges = [(k, lo, hi) for k, pairs in spans.items() for lo, hi in pairs]
    lo = min(e[1] for e in edges)
    hi = max(e[2] for e in edges)
    lo = text.rfind("\n", 0, lo) + 1
    hi = text.find("\n", hi)
    hi = len(text) if hi < 0 else hi
    inserts = sorted([(s, 1, _MARKS[k][0]) for k, s, _ in edges] + [(e, 0, _MARKS[k][1]) for k, _, e in edges])
    out, at = [], lo
    for pos, _, mark in inserts:
        out.append(text[at:pos])
        out.append(mark)
        at = pos
    out.append(text[at:hi])
    shown = "".join(out)
    if len(shown) > width:
        first = min(shown.find(m[0]) for m in _MARKS.values() if m[0] in shown)
        start = max(0, first - width // 3)
        shown = ("…" if start else "") + shown[start:start + width] + "…"
    return shown


def show_errors(records: list[dict], errors: list[dict], kind: str, n: int) -> None:
    """Print ``n`` errors of ``kind`` in their context, spread over the articles."""
    texts = {r["id"]: r["text"] for r in records}
    chosen = [e for e in errors if e["kind"] == kind]
    step = max(1, len(chosen) // n) if n else 1
    for e in chosen[::step][:n]:
        print(f"--- {e['id']}  gold: {e['gold']!r}  predicted: {e['predicted']!r}")
        print(error_context(texts[e["id"]], e["spans"]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold", type=Path)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--scorer", type=Path, default=ROOT.parent / "shared" / "eval" / "score_quotes.py")
    ap.add_argument("--keep", type=Path, default=None, help="also write the predictions here")
    ap.add_argument("--cache", type=Path, default=None, help="keep parsed Docs here (DocBin)")
    ap.add_argument("--errors", type=Path, default=None, help="write the speaker errors here (JSONL)")
    ap.add_argument("--show", metavar="KIND", default=None,
                    help="print some errors of this kind in context (missing, 'too long', 'too short', "
                         "pronoun/name, 'wrong entity', or 'false positive': quotes that fail precision@0.8)")
    ap.add_argument("--show-n", type=int, default=12, help="how many errors --show prints")
    ap.add_argument("--first-parse-only", action="store_true",
                    help="no second, quote-masked parse of weak attributions (tui.quotes.masked)")
    ap.add_argument("--model", default=None, help="another spaCy pipeline (a package or a path), as readtui --model")
    args = ap.parse_args()

    from tui.nlp.suggest import load_pipeline

    nlp = load_pipeline(args.model)  # as `readtui suggest` loads it
    records = load_gold(args.gold, args.limit)
    texts = [r["text"] for r in records]
    nlp("warm up")

    plain, full = [], []
    preds: list[dict] = []
    if args.cache:
        found, parse_seconds, finder = timed_from_cache(args, nlp, texts)
        preds = [prediction(r, q) for r, q in zip(records, found)]
    for run in range(0 if args.cache else max(1, args.runs)):
        t0 = time.perf_counter()
        for _ in nlp.pipe(texts):
            pass
        plain.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        found = [find_quotes(doc, second_parse(args, nlp)) for doc in nlp.pipe(texts)]
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

    counts, errors = speaker_errors(load_scorer(args.scorer), records, preds)
    print_errors(counts)
    if args.errors:
        args.errors.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in errors), encoding="utf-8")
    if args.show == "false positive":
        errors = false_positives(load_scorer(args.scorer), records, preds)
        print(f"false positives (predicted quotes with < 0.8 of their characters in a gold quote): {len(errors)}")
    if args.show:
        show_errors(records, errors, args.show, args.show_n)

    n = len(texts)
    if args.cache:
        f_med = statistics.median(finder)
        print(f"speed over {n} articles: parse {parse_seconds:.1f} s (when cached), "
              f"find_quotes {f_med:.2f} s median / {max(finder):.2f} s worst of {len(finder)}")
        print(f"  finder / parse {f_med / parse_seconds:.3f}")
        return
    p_med, f_med = statistics.median(plain), statistics.median(full)
    print(f"speed over {n} articles, {len(plain)} runs (median / worst):")
    print(f"  nlp.pipe               {n / p_med:6.2f} / {n / max(plain):6.2f} articles/s")
    print(f"  nlp.pipe + find_quotes {n / f_med:6.2f} / {n / max(full):6.2f} articles/s")
    print(f"  ratio (with finder / plain, medians) {p_med / f_med:.3f}")


if __name__ == "__main__":
    main()
