#!/usr/bin/env python3
"""Story grouping and altered-quote flags on versions made at run time from real articles.

    python bench/versions.py ../shared/eval/polnear_dev.jsonl            # the figures
    python bench/versions.py ../shared/eval/polnear_train.jsonl --seed 2
    python bench/versions.py --scale 10000 ../shared/eval/polnear_train.jsonl  # + grouping time at 10,000

Each article (PolNeAR: attributions with quotation marks give its quotes and speakers)
gets one to three versions, made here and never stored: sentences deleted, moved and
reworded; inside quotes words trimmed at an end, added at an end or changed; a speaker
swapped for another of the article's. One version in four is a heavy rewrite (most
sentences reworded, a third deleted). The other articles of the split, on the same
topics (US politics), are the hard negatives. PolNeAR holds a few articles republished
with small changes: originals sharing 60% of their content words or more (seven pairs in
train, a gap down to 27% after them) are one story in the gold.

Figures: pairwise precision and recall of the stories; precision and recall of the
"altered" flags over the originals' quotes (compare(original, version) with the quotes
and speakers given, so the finder's own errors stay out); time.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tui.model import Annotation, Article, Speaker  # noqa: E402
from tui.stories.compare import compare, same_speaker  # noqa: E402
from tui.stories.text import content_words, jaccard, sentences  # noqa: E402
from tui.stories.versions import group  # noqa: E402

# Words a rewording puts in; written here, not taken from any article.
FILLER = ("reportedly", "notably", "officials", "broadly", "largely", "recently", "significant", "major",
          "key", "widely", "sharply", "clearly", "strongly", "indeed", "further", "new", "several", "many")
SWAPS = {"said": "stated", "says": "states", "told": "informed", "big": "large", "very": "highly",
         "also": "additionally", "but": "however", "many": "numerous", "help": "assist", "show": "reveal",
         "people": "individuals", "get": "obtain", "start": "begin", "end": "finish", "try": "attempt",
         "think": "believe", "need": "require", "about": "regarding", "plan": "proposal", "said,": "stated,"}
QUOTE_MARK = re.compile(r"[\"“”]")
QUOTED = re.compile(r"[\"“]([^\"“”]{3,}?)[\"”]")


def load(path: Path) -> list[dict]:
    """Canonical records, one per text, with their quotes (span of the quoted words, speaker)."""
    seen, out = set(), []
    for line in path.open(encoding="utf-8"):
        r = json.loads(line)
        if not r.get("canonical") or r["text"] in seen:
            continue
        seen.add(r["text"])
        quotes = []
        for a in r.get("attributions", []):
            speaker = " ".join(s["text"] for s in a.get("source", []))
            for c in a.get("content", []):
                for m in QUOTED.finditer(r["text"], c["start"], c["end"]):
                    if len(m.group(1).split()) >= 4:
                        quotes.append((m.start(1), m.end(1), speaker))
        quotes = sorted(set(quotes))
        kept = [q for i, q in enumerate(quotes) if i == 0 or q[0] >= quotes[i - 1][1]]
        out.append({"id": r["id"], "text": r["text"], "quotes": kept})
    return out


# --- making versions ---------------------------------------------------------------

def units(rec: dict) -> list[dict]:
    """Runs of sentences, merged where a quote crosses a sentence end."""
    text, out = rec["text"], []
    for s in sentences(text):
        if out and any(q[0] < out[-1]["end"] < q[1] or (q[0] < s.start < q[1]) for q in rec["quotes"]):
            out[-1]["end"] = s.end
        else:
            out.append({"start": s.start, "end": s.end})
    for u in out:
        u["quotes"] = [q for q in rec["quotes"] if u["start"] <= q[0] and q[1] <= u["end"]]
    return out


def reword(text: str, rng: random.Random, share: float) -> str:
    ws = text.split(" ")
    for i, w in enumerate(ws):
        if rng.random() < share:
            low = w.lower()
            if low in SWAPS:
                ws[i] = SWAPS[low]
            elif len(w) > 3 and w.isalpha() and w.islower():
                ws[i] = rng.choice(FILLER) if rng.random() < 0.5 else ""
    if rng.random() < share:
        ws.insert(rng.randrange(len(ws) + 1), rng.choice(FILLER))
    return re.sub(r" {2,}", " ", " ".join(ws)).strip()


def alter_quote(words: list[str], rng: random.Random) -> tuple[list[str], str]:
    """Trim, extend or change words inside a quote; never cut at a sentence end."""
    kind = rng.choice(("trim", "extend", "change"))
    if kind == "trim" and len(words) >= 7:
        k = rng.randint(1, min(3, len(words) - 5))
        cut = words[k:] if rng.random() < 0.5 else words[:-k]
        if not re.search(r"[.!?]$", cut[-1]) or re.search(r"[.!?]$", words[-1]):
            return cut, "trimmed"
    if kind == "extend":  # words added at an end, inside its sentence
        extra = rng.sample(FILLER, 2)
        if rng.random() < 0.5:
            return extra + words, "extended"
        last, punct = re.match(r"(.*?)([^\w]*)$", words[-1]).groups()
        return words[:-1] + [last, *extra[:-1], extra[-1] + punct], "extended"
    i = rng.randrange(len(words))
    return words[:i] + [rng.choice(FILLER)] + words[i + 1:], "changed"


def make_version(rec: dict, rng: random.Random, vid: str) -> tuple[dict, dict]:
    """A version of ``rec`` and the gold of each original quote: (status, speaker changed)."""
    text = rec["text"]
    us = units(rec)
    heavy = rng.random() < 0.25
    p_delete, p_reword = (0.3, 0.8) if heavy else (rng.uniform(0.0, 0.25), rng.uniform(0.0, 0.3))
    speakers = sorted({q[2] for q in rec["quotes"] if q[2]})
    gold: dict[tuple, tuple[str, bool]] = {}
    parts: list[tuple[str, list[tuple[int, int, str, tuple]]]] = []
    for u in us:
        if rng.random() < p_delete and len(us) > 3:
            for q in u["quotes"]:
                gold[q] = ("only_a", False)
            continue
        pieces, quotes, at = [], [], u["start"]
        for q in u["quotes"]:
            outside = text[at:q[0]]
            pieces.append(reword(outside, rng, 0.4) + (" " if outside.endswith(" ") else "")
                          if rng.random() < p_reword else outside)
            words = text[q[0]:q[1]].split()
            status = "same"
            if rng.random() < 0.3:
                words, status = alter_quote(words, rng)
                status = "same" if words == text[q[0]:q[1]].split() else "altered"
            speaker = q[2]
            swapped = False
            others = [s for s in speakers if s and q[2] and not same_speaker(s, q[2])]
            if others and rng.random() < 0.1:
                speaker, swapped = rng.choice(others), True
            start = sum(map(len, pieces))
            quote = " ".join(words)
            pieces.append(quote)
            quotes.append((start, start + len(quote), speaker, q))
            gold[q] = (status, swapped)
            at = q[1]
        tail = text[at:u["end"]]
        pieces.append(reword(tail, rng, 0.4) if rng.random() < p_reword else tail)
        parts.append(("".join(pieces), quotes))
    if len(parts) > 3:  # move a few sentences
        for _ in range(rng.randint(0, 2)):
            i, j = rng.randrange(len(parts)), rng.randrange(len(parts))
            parts.insert(j, parts.pop(i))
    out, quotes = "", []
    for piece, qs in parts:
        base = len(out) + (1 if out else 0)
        out += (" " if out else "") + piece
        quotes += [(base + s, base + e, spk, orig) for s, e, spk, orig in qs]
    return {"id": vid, "text": out, "quotes": quotes}, gold


def as_article(rec: dict) -> tuple[Article, list[Annotation]]:
    art = Article(id=rec["id"], text=rec["text"])
    anns = [Annotation(f"{rec['id']}-q{i}", rec["id"], "quote", q[0], q[1], "QUOTE", rec["text"][q[0]:q[1]],
                       Speaker(name=q[2]) if q[2] else None)
            for i, q in enumerate(rec["quotes"])]
    return art, anns


# --- figures -----------------------------------------------------------------------

def pairs_of(clusters) -> set[tuple[str, str]]:
    return {tuple(sorted(p)) for c in clusters for p in combinations(c, 2)}


def pr(tp: int, predicted: int, actual: int) -> tuple[float, float]:
    return (tp / predicted if predicted else 1.0, tp / actual if actual else 1.0)


def gold_stories(recs: list[dict], versions: dict[str, list[str]]) -> list[list[str]]:
    """Each original with its versions; republished originals (60% shared words) together."""
    parent = {r["id"]: r["id"] for r in recs}

    def root(x: str) -> str:
        while parent[x] != x:
            x = parent[x]
        return x

    words = [content_words(r["text"]) for r in recs]
    for i, j in combinations(range(len(recs)), 2):
        if jaccard(words[i], words[j]) >= 0.6:
            parent[root(recs[j]["id"])] = root(recs[i]["id"])
    groups: dict[str, list[str]] = {}
    for r in recs:
        groups.setdefault(root(r["id"]), []).extend([r["id"], *versions[r["id"]]])
    return list(groups.values())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("split", type=Path)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--scale", type=int, default=0, help="also time grouping this many articles (versions)")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    recs = load(args.split)
    docs, versions = [], {}
    flags_tp = flags_pred = flags_gold = 0
    spk_tp = spk_pred = spk_gold = 0
    quotes_seen = 0
    t_compare = 0.0
    for rec in recs:
        versions[rec["id"]] = []
        art, anns = as_article(rec)
        docs.append((rec["id"], rec["text"]))
        for n in range(rng.randint(1, 3)):
            v, gold = make_version(rec, rng, f"{rec['id']}~v{n}")
            versions[rec["id"]].append(v["id"])
            docs.append((v["id"], v["text"]))
            vart, vanns = as_article(v)
            t0 = time.perf_counter()
            cmp = compare(art, anns, vart, vanns)
            t_compare += time.perf_counter() - t0
            by_quote = {(q.a.start, q.a.end): q for q in cmp.quotes if q.a is not None}
            for q in rec["quotes"]:
                status, swapped = gold[q]
                got = by_quote[(q[0], q[1])]
                quotes_seen += 1
                flags_gold += status == "altered"
                flags_pred += got.status == "altered"
                flags_tp += status == "altered" and got.status == "altered"
                spk_gold += swapped
                spk_pred += got.speaker == "changed"
                spk_tp += swapped and got.speaker == "changed"
    t0 = time.perf_counter()
    stories = group(docs)
    t_group = time.perf_counter() - t0
    gold = pairs_of(gold_stories(recs, versions))
    found = pairs_of(s.articles for s in stories)
    sp, sr = pr(len(gold & found), len(found), len(gold))
    fp, fr = pr(flags_tp, flags_pred, flags_gold)
    kp, kr = pr(spk_tp, spk_pred, spk_gold)
    print(f"{args.split.name}: {len(recs)} articles + {len(docs) - len(recs)} versions made here (seed {args.seed})")
    print(f"stories        precision {sp:.3f}  recall {sr:.3f}  ({len(gold)} gold pairs, {len(found)} found)")
    print(f"altered quotes precision {fp:.3f}  recall {fr:.3f}  ({flags_gold} altered of {quotes_seen} quotes)")
    print(f"speaker change precision {kp:.3f}  recall {kr:.3f}  ({spk_gold} swapped)")
    print(f"time: grouping {len(docs)} articles {t_group:.2f} s; {sum(map(len, versions.values()))} "
          f"comparisons {t_compare:.2f} s")
    if args.scale:
        big = list(docs)
        while len(big) < args.scale:
            rec = rng.choice(recs)
            v, _ = make_version(rec, rng, f"{rec['id']}~x{len(big)}")
            big.append((v["id"], v["text"]))
        t0 = time.perf_counter()
        n = len(group(big[:args.scale]))
        print(f"grouping {args.scale:,} articles: {time.perf_counter() - t0:.1f} s ({n} stories)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
