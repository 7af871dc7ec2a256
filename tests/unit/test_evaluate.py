"""The pre-annotator against the gold: per-label counts and P/R/F1."""

from __future__ import annotations

import pytest

from tui.__main__ import main
from tui.nlp.evaluate import evaluate
from tui.model import Annotation, Article, Speaker

TEXT = "Sara Carter met Vinay Kwatra in Washington and New Delhi. \"We will act,\" said Carter."


def ann(i, start, end, label, *, origin="model", status="accepted", original=None, kind="entity", speaker=None):
    return Annotation(f"a{i}", "x", kind, start, end, label, TEXT[start:end], speaker=speaker, origin=origin,
                      status=status, original=original or {})


def test_counts_and_scores_per_label():
    anns = [
        ann(1, 0, 11, "PERSON"),  # kept: TP PERSON
        ann(2, 16, 28, "PERSON", original={"label": "ORG", "start": 16, "end": 28}),  # relabelled: FP ORG, FN PERSON
        ann(3, 32, 42, "GPE"),  # kept: TP GPE
        ann(4, 47, 56, "GPE", status="rejected"),  # rejected: FP GPE
        ann(5, 47, 50, "GPE", origin="manual"),  # added: FN GPE
        ann(6, 58, 72, "QUOTE", kind="quote", origin="rules", speaker=Speaker(78, 84, "Carter"),
            original={"label": "QUOTE", "start": 58, "end": 72, "speaker": None}),  # speaker changed only
        ann(7, 0, 4, "PERSON", status="pending"),  # not reviewed
        ann(8, 4, 11, "ORG", origin="manual", status="rejected"),  # the analyst's own, undone: ignored
    ]
    ev = evaluate([(Article("x", TEXT, state="done"), anns)])
    person, org, gpe, quote = (ev.labels[k] for k in ("PERSON", "ORG", "GPE", "QUOTE"))
    assert (person.tp, person.fp, person.fn, person.suggested) == (1, 0, 1, 1)
    assert (org.tp, org.fp, org.fn, org.changed, org.suggested) == (0, 1, 0, 1, 1)
    assert (gpe.tp, gpe.fp, gpe.fn, gpe.rejected, gpe.added) == (1, 1, 1, 1, 1)
    assert (quote.tp, quote.speaker_changed) == (1, 1)
    assert person.precision == 1.0 and person.recall == 0.5 and person.f1 == pytest.approx(2 / 3)
    assert org.precision == 0.0 and org.recall is None and org.f1 is None
    assert gpe.precision == 0.5 and gpe.recall == 0.5
    assert ev.unreviewed == 1 and ev.articles == 1
    total = ev.total
    assert (total.tp, total.fp, total.fn) == (3, 2, 2)


def test_only_done_articles_count_unless_all():
    anns = [ann(1, 0, 11, "PERSON")]
    items = [(Article("x", TEXT, state="in_progress"), anns)]
    assert evaluate(items).articles == 0
    assert evaluate(items, all=True).labels["PERSON"].tp == 1


def test_stats_prints_the_comparison(reviewed_ws, capsys):
    assert main(["stats", "--db", str(reviewed_ws)]) == 0
    out = capsys.readouterr().out
    assert "pre-annotator vs gold (1 articles marked done)" in out
    header = next(line for line in out.splitlines() if "sugg." in line).split()
    assert header == ["label", "sugg.", "kept", "changed", "rej.", "added", "spk", "chg", "P", "R", "F1"] \
        or header[:6] == ["label", "sugg.", "kept", "changed", "rej.", "added"]
    assert any(line.split()[:1] == ["all"] for line in out.splitlines())
