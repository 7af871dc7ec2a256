"""The learning loop's pure parts and the service's decisions (issue 16): label maps,
patterns (latest decision wins, counted), what follows into articles not done, scores."""

from __future__ import annotations

import pytest

from tui.nlp.labels import map_label, parse_label_map, train_labels
from tui.nlp.learn import Gold, Scores, TrainingRefused, check_labels, held_out
from tui.nlp.patterns import Pattern, Patterns, follow, pattern_problem
from tui.nlp.tokens import english
from tui.service import Session

NLP = english()


def test_label_map_parses_and_trains_each_label_as_the_first_model_label_mapped_onto_it():
    m = parse_label_map("person=PER, GPE=LOC,LOC=LOC ,NORP=MISC")
    assert m == {"PERSON": "PER", "GPE": "LOC", "LOC": "LOC", "NORP": "MISC"}
    assert train_labels(m, ["PER", "ORG", "LOC", "MISC", "DRUG"]) == {
        "PER": "PERSON", "ORG": "ORG", "LOC": "GPE", "MISC": "NORP", "DRUG": "DRUG"}
    assert map_label("DATE", m) is None and map_label("GPE", m) == "LOC" and map_label("DATE", None) == "DATE"
    with pytest.raises(ValueError, match="MODEL=LABEL"):
        parse_label_map("PERSON")


def test_patterns_latest_decision_wins_and_counts_every_decision():
    p = Patterns()
    p.decide("ONDCP", "PERSON")
    was, now = p.decide("ONDCP", "ORG")
    assert was == Pattern("ONDCP", "PERSON", 1) and now == Pattern("ONDCP", "ORG", 2)
    p.decide("ONDCP", None)
    assert p.get("ONDCP") == Pattern("ONDCP", None, 3)
    again = Patterns.from_records(__import__("json").loads(line) for line in p.to_jsonl().splitlines())
    assert list(again) == list(p)


def test_apply_relabels_suppresses_and_adds_but_leaves_overlapping_names_alone():
    text = "ONDCP met Sara Carter and the Carter Center in Delhi."
    doc = NLP.make_doc(text)
    p = Patterns([Pattern("ONDCP", "ORG"), Pattern("Delhi", None), Pattern("Carter", "PERSON"),
                  Pattern("Sara Carter", "PERSON")])
    found = [(0, 5, "PERSON"), (10, 21, "PER_WRONG"), (30, 43, "ORG"), (47, 52, "LOC")]
    assert p.apply(doc, NLP.make_doc, found) == [
        (0, 5, "ORG", True),             # relabelled
        (10, 21, "PERSON", True),        # exact: relabelled
        (30, 43, "ORG", False),          # "Carter" inside "Carter Center": left alone
    ]                                    # "Delhi" suppressed
    # Nothing found: every labelled pattern is suggested, the longest name first where two overlap.
    assert p.apply(doc, NLP.make_doc, []) == [(0, 5, "ORG", True), (10, 21, "PERSON", True),
                                              (30, 36, "PERSON", True)]


def test_follow_never_touches_reviewed_annotations(ws):
    aid = ws.rows()[1]["id"]
    anns = ws.annotations(aid)
    text = ws.article(aid).text
    target = next(a for a in anns if a.text == "Monika Ashish Batra")
    reviewed = target.changed("t", status="accepted")
    others = [a for a in anns if a.id != target.id] + [reviewed]
    changed, removed = follow(aid, NLP.make_doc(text), NLP.make_doc, Pattern(target.text, "PERSON"), others)
    assert changed == [] and removed == []
    changed, removed = follow(aid, NLP.make_doc(text), NLP.make_doc, Pattern(target.text, None), anns)
    assert removed == [target.id] and changed == []


def test_an_added_entity_is_suggested_where_the_model_missed_it(ws):
    first, second = [r["id"] for r in ws.rows()]
    session = Session(ws, "t")
    text = ws.article(first).text
    start = text.index("Executive Working Group")
    change = session.add(first, "entity", start, start + len("Executive Working Group"), "ORG")
    found = [a for a in ws.annotations(second) if a.text == "Executive Working Group"]
    assert found and all((a.origin, a.status, a.label) == ("learned", "pending", "ORG") for a in found)
    assert {c.article_id for c in change.follow} == {second}
    session.undo()
    assert [a for a in ws.annotations(second) if a.text == "Executive Working Group"] == []


def test_pattern_records_from_files_are_checked():
    assert pattern_problem({"label": "ORG", "pattern": "ONDCP"}) == ""
    assert "token patterns" in pattern_problem({"label": "ORG", "pattern": [{"LOWER": "x"}]})
    assert pattern_problem({"label": 3, "pattern": "x"})
    assert pattern_problem([1])


def test_held_out_share_and_label_checks():
    golds = [Gold(str(i), "x", ((0, 1, "A"), (0, 1, "B"))) for i in range(20)]
    train, dev = held_out(golds, 0.1)
    assert len(dev) == 2 and len(train) == 18 and not set(train) & set(dev)
    with pytest.raises(TrainingRefused, match="at least 2"):
        held_out(golds[:1], 0.1)
    with pytest.raises(TrainingRefused, match="one label only"):
        check_labels([Gold("1", "x", ((0, 1, "PER"),))])


def test_scores_count_corrections_per_article():
    s = Scores()
    s.add([(0, 3, "PER"), (5, 8, "ORG")], [(0, 3, "PER"), (5, 8, "LOC"), (9, 12, "LOC")])
    assert (s.total.tp, s.total.fp, s.total.fn) == (1, 1, 2)
    assert s.corrections == 3


def test_the_reader_suggests_with_the_workspace_model_unless_told_otherwise(ws):
    from tui.nlp.suggest import ModelMissing

    models = ws.learned_path("models")
    models.mkdir(parents=True)
    (models / "current").write_text("v2\n")
    session = Session(ws, "t")
    assert session.model_path() == str(models / "v2")
    with pytest.raises(ModelMissing, match="models/v2"):  # the folder is gone: said, by path
        session.suggester()


def test_marking_done_records_the_effort_and_stats_shows_it(ws):
    import json
    import subprocess
    import sys

    first, second = [r["id"] for r in ws.rows()]
    session = Session(ws, "t")
    session.article(first)
    anns = [a for a in ws.annotations(first) if a.kind == "entity"]
    session.reject(anns[0])
    session.relabel(anns[1], "ORG" if anns[1].label != "ORG" else "PERSON")
    session.accept_all(first, done=True)
    session.article(second)
    session.accept_all(second, done=True)
    records = [json.loads(line) for line in ws.learned_path("effort.jsonl").read_text().splitlines()]
    assert [(r["article"], r["actions"], r["corrections"], r["model"]) for r in records] == [
        (first, 3, 2, "base"), (second, 1, 0, "base")]
    ws.close()
    res = subprocess.run([sys.executable, "-m", "tui", "stats", "--db", str(ws.path)], capture_output=True,
                         text=True, env={"COLUMNS": "120", "PATH": "/usr/bin:/bin"})
    assert res.returncode == 0, res.stderr
    assert "corrections/article" in res.stdout and "corrections per article, in the order marked done" in res.stdout
    assert " base " in res.stdout and " 1.0 " in res.stdout  # (2 + 0) / 2


def test_a_full_disk_after_the_action_keeps_the_action_and_its_undo(ws, monkeypatch):
    import tui.service as service
    from tui.store import SaveFailed

    first, second = [r["id"] for r in ws.rows()]
    session = Session(ws, "t")

    def full(path, data, **kw):
        raise SaveFailed(f"could not write {path}: No space left on device")

    monkeypatch.setattr(service, "write_atomic", full)
    ann = next(a for a in ws.annotations(first) if a.text == "Monika Ashish Batra")
    change = session.relabel(ann, "PERSON")  # saved, and followed; the patterns file could not be written
    assert ws.annotation(first, ann.id).label == "PERSON" and session.learned_from(ann.text) == 1
    assert [c.article_id for c in change.follow] == [second]
    session.undo()  # undone too, though the patterns file still cannot be written
    assert ws.annotation(first, ann.id).label == "ORG" and session.learned_from(ann.text) == 0
    assert {a.label for a in ws.annotations(second) if a.text == ann.text} == {"ORG"}


def test_patterns_the_training_articles_taught_defer_to_the_model_until_decided_again(tmp_path):
    import json

    from tui.nlp.learn import TAUGHT, taught, untaught

    golds = [Gold("a", "ONDCP met Sara Carter in Delhi.", ((0, 5, "ORG"), (10, 21, "PER")))]
    p = Patterns([Pattern("ONDCP", "ORG", 2), Pattern("Sara Carter", "LOC"), Pattern("Delhi", None),
                  Pattern("Lima", "LOC")])
    known = taught(golds, p)
    assert known == {"ONDCP": 2, "Sara Carter": 1, "Delhi": 1}  # every text the done articles hold
    model = tmp_path / "v1"
    model.mkdir()
    (model / TAUGHT).write_text("".join(json.dumps({"pattern": t, "decisions": n}) + "\n" for t, n in known.items()))
    assert [x.text for x in untaught(p, model)] == ["Lima"]
    p.decide("ONDCP", "PER")  # decided again after the training: the pattern is newer than the model
    assert [x.text for x in untaught(p, model)] == ["ONDCP", "Lima"]
    assert len(untaught(p, None)) == 4 and len(untaught(p, tmp_path / "no-such-model")) == 4


def test_a_refresh_keeps_what_the_new_model_says_again_and_leaves_touched_articles_alone(ws):
    from dataclasses import replace

    first, second = [r["id"] for r in ws.rows()]
    session = Session(ws, "t")
    anns = ws.annotations(second)
    kept, dropped = anns[0], anns[1]
    found = [replace(a, id=f"new-{a.id}") for a in anns if a.id != dropped.id]
    found.append(replace(dropped, id="relabelled", label="LAW" if dropped.label != "LAW" else "ORG"))
    change = session.refresh_suggestions(second, found)
    now = {a.id: a for a in ws.annotations(second)}
    assert kept.id in now and dropped.id not in now and now["relabelled"].status == "pending"
    assert len(now) == len(anns) and ws.row(second)["state"] == "new"
    assert change.what == "suggestions" and session.history.peek_undo() is None
    session.accept(ws.annotations(first)[0])  # touched: its suggestions are the analyst's now
    assert session.refresh_suggestions(first, []) is None and ws.annotations(first)


def test_each_gold_span_trains_as_the_base_models_own_label_where_that_maps_back():
    from tui.nlp.labels import CONLL_MAP
    from tui.nlp.learn import in_model_labels

    as_model = train_labels(CONLL_MAP, ["PER", "ORG", "LOC", "MISC"])
    text = "The Tour de France passed the Alps near Lyon, said Anna Berg on the Nightly."
    gold = Gold("a", text, ((4, 18, "MISC"), (30, 34, "LOC"), (40, 44, "LOC"), (51, 60, "PER"), (68, 75, "MISC")))
    base = [(0, 18, "EVENT"),    # a near span with a label mapped onto MISC: EVENT, not NORP
            (30, 34, "LOC"),     # LOC mapped onto LOC: kept, not GPE
            (40, 44, "PERSON"),  # a label that maps elsewhere: the default, GPE
            (51, 60, "PERSON"),
            (76, 77, "CARDINAL")]
    assert in_model_labels(gold, base, CONLL_MAP, as_model).spans == (
        (4, 18, "EVENT"), (30, 34, "LOC"), (40, 44, "GPE"), (51, 60, "PERSON"), (68, 75, "NORP"))


def test_early_stopping_scores_the_held_out_articles_in_the_workspaces_labels():
    import spacy

    from tui.nlp.labels import CONLL_MAP
    from tui.nlp.learn import in_scheme

    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "EVENT", "pattern": "Tour de France"},
                                               {"label": "DATE", "pattern": "July"}])
    text = "The Tour de France ends in July."
    f1, scores = in_scheme(nlp, [Gold("a", text, ((4, 18, "MISC"),))], CONLL_MAP)()
    assert f1 == 1.0 and scores["ents_f"] == 1.0  # EVENT is MISC; DATE is no label of the scheme
