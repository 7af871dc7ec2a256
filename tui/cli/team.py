"""``readtui assign`` and ``readtui agree``: the team's commands, with rich output.

The work is done in ``tui.team``; this module reads the options and prints.
"""

from __future__ import annotations

import json
import random
import sys
from argparse import Namespace
from dataclasses import replace
from pathlib import Path

from rich import box
from rich.table import Table
from rich.text import Text

from ..formats import ImportProblem, Record, read_paths
from ..team.agreement import (
    Agreement,
    GoldScore,
    LabelAgreement,
    against_gold,
    agreement,
)
from ..team.assign import AssignError, analysts, assign, write
from ..team.sources import SourceError, read_works, tell_apart
from .commands import err, out, shown

WORST = 10  # articles shown in the table of the worst ones


def _fail(message: str) -> int:
    err.print(Text.assemble(("readtui: ", "bold red"), shown(message)), soft_wrap=True)
    return 1


def _t(s: str) -> Text:
    """A cell from a file (a name, a title, a label), made safe by ``commands.shown``."""
    return Text(shown(s))


# --- assign --------------------------------------------------------------------

def assign_corpus(args: Namespace) -> int:
    try:
        names = analysts(args.annotators)
    except AssignError as exc:
        return _fail(str(exc))
    records: list[Record] = []
    problems: list[ImportProblem] = []
    texts: dict[str, str] = {}  # id -> hash
    for item in read_paths(args.paths):
        if isinstance(item, ImportProblem):
            problems.append(item)
            continue
        art = item.article
        if texts.get(art.id) == art.hash:
            continue  # the same article twice: once
        if art.id in texts:
            problems.append(ImportProblem(item.where, f"duplicate id {art.id!r} with a different text"))
            continue
        texts[art.id] = art.hash
        records.append(item)
    if problems:
        for p in problems[:20]:
            err.print(Text(shown(f"  {p}"), style="red"), soft_wrap=True)
        more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
        return _fail(f"{len(problems)} problem{'s' if len(problems) > 1 else ''} in the corpus{more}; "
                     "nothing written")
    if not records:
        return _fail("no articles in the corpus; nothing written")
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 31)
    try:
        plan = assign(records, names, args.overlap, seed)
        write(plan, Path(args.output))
    except AssignError as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"cannot write to {args.output}: {exc.strerror or exc}")
    counts = ", ".join(f"{n} {len(plan.shares[n])}" for n in names)
    err.print(shown(f"assigned {len(records)} articles, each to {args.overlap} of {len(names)} analysts "
                       f"({counts}; seed {seed}) -> {args.output}"), markup=False, highlight=False, soft_wrap=True)
    return 0


# --- agree -----------------------------------------------------------------------

def _num(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def _cell(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def _label_json(lab: LabelAgreement) -> dict:
    return {"f1_exact": _num(lab.f1_exact), "f1_overlap": _num(lab.f1_overlap),
            "a_only": lab.a_only, "b_only": lab.b_only, "both": lab.both}


def _gold_json(scores: list[GoldScore], path: str) -> dict:
    def row(lab: LabelAgreement) -> dict:
        p, r, f = GoldScore.scores(lab)
        return {"precision": _num(p), "recall": _num(r), "f1": _num(f),
                "both": lab.both, "missed": lab.a_only, "extra": lab.b_only}

    return {"path": path, "analysts": [
        {"name": s.analyst, "articles": s.articles, **row(s.total),
         "labels": {label: row(lab) for label, lab in s.labels.items()}} for s in scores]}


def as_json(ag: Agreement, sources: list, gold: dict | None = None) -> dict:
    total, quotes = ag.total, ag.quotes
    return {
        "articles": ag.articles,
        "analysts": [{"name": w.name, "path": w.path, "articles": len(w.keys)} for w in sources],
        "f1_exact": _num(total.f1_exact), "f1_overlap": _num(total.f1_overlap),
        "alpha": _num(ag.alpha),
        "quotes": {"f1": _num(quotes.f1), "speaker_agreement": _num(quotes.speaker_agreement),
                   "both": quotes.both, "a_only": quotes.a_only, "b_only": quotes.b_only, "paired": quotes.paired},
        "pairs": [{"a": p.a, "b": p.b, "articles": p.articles, "f1_exact": _num(p.total.f1_exact),
                   "f1_overlap": _num(p.total.f1_overlap), "kappa": _num(p.kappa), "tokens": p.tokens,
                   "labels": {label: _label_json(lab) for label, lab in p.labels.items()},
                   "quotes": {"f1": _num(p.quotes.f1), "speaker_agreement": _num(p.quotes.speaker_agreement),
                              "both": p.quotes.both, "a_only": p.quotes.a_only, "b_only": p.quotes.b_only,
                              "paired": p.quotes.paired}}
                  for p in ag.pairs],
        "per_article": [{"id": r.id, "title": r.title, "analysts": r.analysts,
                         "f1_exact": _num(r.entities.f1_exact), "differences": r.differences}
                        for r in ag.per_article],
        "warnings": ag.warnings,
        **({"gold": gold} if gold is not None else {}),
    }


def _table(title: str, *cols: str) -> Table:
    t = Table(*cols, title=title, box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    for c in t.columns[1:]:
        c.justify = "right"
    return t


def print_agreement(ag: Agreement, sources: list, scores: list[GoldScore] | None) -> None:
    who = ", ".join(f"{w.name} ({len(w.keys)})" for w in sources)
    out.print(_t(f"{ag.articles} articles seen by two analysts or more; analysts (articles): {who}"),
              soft_wrap=True)
    total, quotes = ag.total, ag.quotes
    overall = _table("agreement", "measure", "value")
    overall.add_row("span F1, exact", _cell(total.f1_exact))
    overall.add_row("span F1, overlap", _cell(total.f1_overlap))
    overall.add_row("Krippendorff's alpha (tokens)", _cell(ag.alpha))
    overall.add_row("quote F1", _cell(quotes.f1))
    overall.add_row("quote speaker agreement", _cell(quotes.speaker_agreement))
    out.print(overall)

    pairs = _table("pairs", "A", "B", "articles", "F1 exact", "F1 overlap", "kappa", "quote F1", "speaker")
    for p in ag.pairs:
        pairs.add_row(_t(p.a), _t(p.b), str(p.articles), _cell(p.total.f1_exact), _cell(p.total.f1_overlap),
                      _cell(p.kappa), _cell(p.quotes.f1), _cell(p.quotes.speaker_agreement))
    pairs.columns[1].justify = "left"
    out.print(pairs)

    labels: dict[str, LabelAgreement] = {}
    for p in ag.pairs:
        for label, lab in p.labels.items():
            labels[label] = labels.get(label, LabelAgreement()) + lab
    per_label = _table("per label (all pairs)", "label", "both", "A only", "B only", "F1 exact", "F1 overlap")
    for label, lab in labels.items():
        per_label.add_row(_t(label), str(lab.both), str(lab.a_only), str(lab.b_only),
                          _cell(lab.f1_exact), _cell(lab.f1_overlap))
    out.print(per_label)

    if len(ag.analysts) > 2:
        matrix = _table("F1 exact, pair by pair", "", *map(shown, ag.analysts))
        f1s = {(p.a, p.b): p.total.f1_exact for p in ag.pairs}
        for a in ag.analysts:
            matrix.add_row(_t(a), *("·" if a == b else _cell(f1s.get((a, b), f1s.get((b, a)))) for b in ag.analysts))
        out.print(matrix)

    worst = _table(f"worst articles (of {len(ag.per_article)})", "article", "title", "analysts", "F1 exact",
                   "differences")
    worst.columns[1].justify = "left"
    for r in ag.per_article[:WORST]:
        worst.add_row(_t(r.id), _t(r.title[:50]), str(r.analysts), _cell(r.entities.f1_exact),
                      str(r.differences))
    out.print(worst)

    if scores:
        gold = _table("against the gold (exact spans)", "analyst", "label", "P", "R", "F1", "missed", "extra")
        gold.columns[1].justify = "left"
        for s in scores:
            for label, lab in [*s.labels.items(), ("all", s.total)]:
                p, r, f = GoldScore.scores(lab)
                gold.add_row(_t(s.analyst), _t(label), _cell(p), _cell(r), _cell(f), str(lab.a_only),
                             str(lab.b_only), style="bold" if label == "all" else "")
            gold.add_section()
        out.print(gold)
    for w in ag.warnings:
        err.print(Text(shown(f"warning: {w}"), style="yellow"), soft_wrap=True)


def agree(args: Namespace) -> int:
    paths = list(args.paths) + ([args.gold] if args.gold else [])
    if len(args.paths) < 2 and not args.gold:
        return _fail("agree needs two analysts' files or more (workspaces .json or exports .jsonl)")
    try:
        works = read_works(paths, all=args.all)
    except SourceError as exc:
        return _fail(str(exc))
    gold = works.pop() if args.gold else None
    tell_apart(works)
    ag = agreement(works)
    scores = against_gold(gold, works) if gold is not None else None
    if args.json:
        report = as_json(ag, works, _gold_json(scores, gold.path) if scores is not None else None)
        sys.stdout.write(json.dumps(report) + "\n")  # ASCII: no control character from a file reaches a terminal
        for w in ag.warnings:
            err.print(Text(shown(f"warning: {w}"), style="yellow"), soft_wrap=True)
    else:
        print_agreement(ag, works, scores)
    if not ag.articles and gold is None:
        return _fail("the analysts share no article (matched by text); nothing to compare")
    return 0


# --- adjudicate ------------------------------------------------------------------

GOLD_BATCH = 500  # articles the gold takes in one durable step


def _into_gold(gold, works: list, fresh: dict[str, list[int]], adjudicator: str,
               built: dict[str, int]) -> tuple[int, int]:
    """Add the ``fresh`` articles (text hash -> the analysts who have it) to the gold, a batch
    at a time; each analyst's copy is let go once in the gold. ``built`` takes each one's
    number of disagreements. (Disagreements, articles agreed whole.)"""
    from ..team.adjudication import ADJUDICATION, gold_article

    disputes = whole = 0
    taken: set[str] = set()  # ids given in this run
    keys = list(fresh)
    for at in range(0, len(keys), GOLD_BATCH):
        items = []
        for key in keys[at:at + GOLD_BATCH]:
            article = works[fresh[key][0]].articles[key][0]
            if article.id in gold or article.id in taken:  # another text under this id: a re-run overwrites nothing
                article = replace(article, id=f"{article.id}-{article.hash[:8]}")
            taken.add(article.id)
            items.append(gold_article(article, {works[i].name: works[i].articles.pop(key)[1] for i in fresh[key]},
                                      adjudicator))
        gold.add_articles(items)
        built.update((a.id, len(a.meta[ADJUDICATION]["disagreements"])) for a, _ in items)
        disputes += sum(len(a.meta[ADJUDICATION]["disagreements"]) for a, _ in items)
        whole += sum(1 for a, _ in items if a.state == "done")
    return disputes, whole


def adjudicate(args: Namespace) -> int:
    """Build (or extend) a gold workspace from the analysts' work: see tui/team/adjudication.py.
    Running it again on the same gold adds only the articles it does not hold yet: what was
    adjudicated stays as it is."""
    from ..model import DEFAULT_LABELS
    from ..store import Workspace, WorkspaceError
    from ..team.adjudication import ADJUDICATION
    from ..team.sources import read_annotated
    from .commands import login_name

    if len(args.paths) < 2:
        return _fail("adjudicate needs two analysts' files or more (workspaces .json or exports .jsonl)")
    if args.db is None:
        return _fail("adjudicate needs --db GOLD: the gold workspace to build (a new path, or a gold built before)")
    try:  # the first analyst's articles whole (the gold takes theirs, tokens kept), the others' lighter
        works = [read_annotated(p, all=args.all, whole=i == 0) for i, p in enumerate(args.paths)]
    except SourceError as exc:
        return _fail(str(exc))
    tell_apart(works)
    seen: dict[str, list[int]] = {}  # text hash -> the analysts who have the article
    for i, w in enumerate(works):
        for key in w.articles:
            seen.setdefault(key, []).append(i)
    shared = [key for key, who in seen.items() if len(who) > 1]
    if not shared:
        return _fail("the analysts share no article (matched by text); nothing to adjudicate")
    adjudicator = args.annotator or login_name()
    labels = [*DEFAULT_LABELS, *(a.label for w in works for _, anns in w.articles.values()
                                 for a in anns if a.kind == "entity")]
    try:
        gold = Workspace.open(args.db, labels=list(dict.fromkeys(labels)))
    except WorkspaceError as exc:
        return _fail(str(exc))
    try:
        record = gold.setting(ADJUDICATION)
        if record is None and len(gold):
            return _fail(f"{gold.path} is an analyst's workspace ({len(gold)} articles), not a gold one; "
                         "give --db a new path")
        analysts = list(dict.fromkeys([*((record or {}).get("analysts") or []), *(w.name for w in works)]))
        gold.set_labels(list(dict.fromkeys([*gold.labels, *labels[len(DEFAULT_LABELS):]])))
        fresh = [key for key in shared if gold.find_hash(key) is None]
        built = dict((record or {}).get("built") or {})
        gold.set_setting(ADJUDICATION, {"analysts": analysts, "built": built})
        disputes, whole = _into_gold(gold, works, {key: seen[key] for key in fresh}, adjudicator, built)
        # How many disagreements each article was built with: the reader counts those left
        # without reading every article (tui.service.Session.disagreements_left).
        gold.set_setting(ADJUDICATION, {"analysts": analysts, "built": built})
    except WorkspaceError as exc:
        return _fail(f"cannot write the gold: {exc}")
    finally:
        gold.close()
    kept = len(shared) - len(fresh)
    err.print(shown(f"gold {args.db}: {len(fresh)} articles added ({disputes} disagreements to settle, "
                    f"{whole} articles agreed whole)"
                    + (f"; {kept} already in the gold, left as adjudicated" if kept else "")
                    + (f"; {len(seen) - len(shared)} seen by one analyst only, left out" if len(seen) > len(shared) else "")
                    + f"; analysts {', '.join(analysts)}. Open it: readtui --db {args.db}"),
              markup=False, highlight=False, soft_wrap=True)
    return 0

