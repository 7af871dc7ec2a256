"""Merging analysts' versions of one article for adjudication (tui.team.adjudication)."""

from __future__ import annotations

from tui.model import Annotation, Speaker
from tui.team.adjudication import gold, keep_apart, merge, take

TEXT = '"We will win," said Sara Carter of Acme Corp in Paris on Monday, and Bob Lee agreed.'


def ent(start: int, end: int, label: str, who: str) -> Annotation:
    return Annotation(f"{who}-{start}-{label}", "a", "entity", start, end, label, TEXT[start:end],
                      status="accepted", annotator=who)


def span(s: str) -> tuple[int, int]:
    i = TEXT.index(s)
    return i, i + len(s)


def quote(who: str, speaker: Speaker | None) -> Annotation:
    s, e = span('"We will win,"')
    return Annotation(f"{who}-q", "a", "quote", s, e, "QUOTE", TEXT[s:e], speaker=speaker, status="accepted",
                      annotator=who)


SARA = Speaker(*span("Sara Carter"), "Sara Carter", "Sara Carter")


def test_what_everyone_made_identically_is_agreed_the_rest_grouped_with_every_version():
    versions = {
        "ana": [ent(*span("Sara Carter"), "PERSON", "ana"), ent(*span("Acme Corp"), "ORG", "ana"),
                ent(*span("Paris"), "GPE", "ana"), quote("ana", SARA)],
        "bob": [ent(*span("Sara Carter"), "PERSON", "bob"), ent(*span("Acme"), "ORG", "bob"),
                ent(*span("Paris"), "GPE", "bob"), quote("bob", Speaker(*span("Sara Carter"), "", "sara carter"))],
        "cy": [ent(*span("Sara Carter"), "PERSON", "cy"), ent(*span("Acme Corp"), "ORG", "cy"),
               ent(*span("Paris"), "LOC", "cy"), ent(*span("Bob Lee"), "PERSON", "cy"), quote("cy", SARA)],
    }
    m = merge(versions)
    # Agreed: Sara Carter PERSON and the quote (same offsets, same mention, name casefolded).
    assert [(a.text, a.label) for a in m.agreed] == [('"We will win,"', "QUOTE"), ("Sara Carter", "PERSON")]
    assert m.agreed[1].annotator == "ana"  # the first analyst's copy
    got = [(d.kind, TEXT[d.start:d.end], {n: [(a.text, a.label) for a in v] for n, v in d.versions.items()})
           for d in m.disagreements]
    assert got == [
        ("entity", "Acme Corp", {"ana": [("Acme Corp", "ORG")], "bob": [("Acme", "ORG")], "cy": [("Acme Corp", "ORG")]}),
        ("entity", "Paris", {"ana": [("Paris", "GPE")], "bob": [("Paris", "GPE")], "cy": [("Paris", "LOC")]}),
        ("entity", "Bob Lee", {"ana": [], "bob": [], "cy": [("Bob Lee", "PERSON")]}),  # marked by one only
    ]
    assert m.disagreements[0].analysts == ["ana", "bob", "cy"]


def test_a_quote_with_another_speaker_is_a_disagreement_apart_from_the_entities_inside():
    versions = {"ana": [quote("ana", SARA), ent(*span("Sara Carter"), "PERSON", "ana")],
                "bob": [quote("bob", Speaker(*span("Bob Lee"), "Bob Lee", "Bob Lee")),
                        ent(*span("Sara Carter"), "PERSON", "bob")]}
    m = merge(versions)
    assert [a.label for a in m.agreed] == ["PERSON"]
    [d] = m.disagreements
    assert d.kind == "quote" and [v[0].speaker.text for v in d.versions.values()] == ["Sara Carter", "Bob Lee"]
    assert take(d, "bob")[0].speaker.name == "Bob Lee"


def test_a_chain_of_overlaps_is_one_disagreement_and_keep_apart_keeps_what_overlaps_nothing_else():
    # ana: "Sara Carter"; bob: "Carter of Acme Corp"; cy: "Acme Corp" and "Paris".
    versions = {"ana": [ent(*span("Sara Carter"), "PERSON", "ana")],
                "bob": [ent(*span("Carter of Acme Corp"), "ORG", "bob")],
                "cy": [ent(*span("Acme Corp"), "ORG", "cy"), ent(*span("Paris"), "GPE", "cy")]}
    m = merge(versions)
    assert not m.agreed
    assert [TEXT[d.start:d.end] for d in m.disagreements] == ["Sara Carter of Acme Corp", "Paris"]
    assert keep_apart(m.disagreements[0]) == []  # every one overlaps another analyst's
    assert [a.text for a in keep_apart(m.disagreements[1])] == ["Paris"]


def test_keep_apart_keeps_both_where_they_do_not_overlap_and_a_shared_one_once():
    versions = {"ana": [ent(*span("Sara Carter"), "PERSON", "ana"), ent(*span("Acme Corp"), "ORG", "ana")],
                "bob": [ent(*span("Sara Carter of Acme Corp"), "ORG", "bob")],
                "cy": [ent(*span("Acme Corp"), "ORG", "cy")]}
    [d] = merge(versions).disagreements
    assert keep_apart(d) == []  # bob's long span overlaps them all
    two = {"ana": [ent(*span("Sara Carter"), "PERSON", "ana"), ent(*span("Acme Corp"), "ORG", "ana")],
           "bob": [ent(*span("Acme Corp"), "ORG", "bob")]}
    m = merge(two)
    [d] = m.disagreements  # only ana's Sara Carter differs
    assert [a.text for a in keep_apart(d)] == ["Sara Carter"]
    assert [a.text for a in gold(m, [keep_apart(d)])] == ["Sara Carter", "Acme Corp"]


def test_one_analyst_alone_agrees_with_themself_and_nobody_marked_nothing():
    only = {"ana": [ent(*span("Paris"), "GPE", "ana")]}
    assert [a.text for a in merge(only).agreed] == ["Paris"] and not merge(only).disagreements
    assert merge({"ana": [], "bob": []}).disagreements == [] and merge({}).agreed == []


# --- the gold workspace: built, read back, settled through the service ---------------------

def test_the_gold_article_accepts_the_agreed_for_the_adjudicator_and_holds_each_version_pending():
    from tui.model import Article
    from tui.team.adjudication import ADJUDICATION, gold_article, held, settled

    versions = {"ana": [ent(*span("Sara Carter"), "PERSON", "ana"), ent(*span("Paris"), "GPE", "ana")],
                "bob": [ent(*span("Sara Carter"), "PERSON", "bob"), ent(*span("Paris"), "LOC", "bob")]}
    article, anns = gold_article(Article("a", TEXT, state="done"), versions, "judge")
    assert article.state == "new"  # a disagreement to settle
    assert [(a.text, a.status, a.annotator) for a in anns if a.status == "accepted"] == [("Sara Carter", "accepted", "judge")]
    [d] = held(article.meta, {a.id: a for a in anns})
    assert {n: [(a.label, a.status) for a in v] for n, v in d.versions.items()} == {
        "ana": [("GPE", "pending")], "bob": [("LOC", "pending")]}
    assert not settled(d)
    record = article.meta[ADJUDICATION]
    assert [(v["_annotator_id"], [s["label"] for s in v["spans"]]) for v in record["versions"]] == [
        ("ana", ["PERSON", "GPE"]), ("bob", ["PERSON", "LOC"])]
    whole, _ = gold_article(Article("a", TEXT), {"ana": versions["ana"], "bob": versions["ana"]}, "judge")
    assert whole.state == "done" and whole.meta[ADJUDICATION]["disagreements"] == []


def _gold_session(tmp_path):
    from tui.model import Article
    from tui.service import Session
    from tui.store import Workspace
    from tui.team.adjudication import ADJUDICATION, gold_article

    ws = Workspace.open(tmp_path / "gold.json")
    ws.set_setting(ADJUDICATION, {"analysts": ["ana", "bob"]})
    items = []
    for aid in ("a1", "a2"):
        versions = {"ana": [ent(*span("Acme Corp"), "ORG", "ana"), ent(*span("Paris"), "GPE", "ana")],
                    "bob": [ent(*span("Acme"), "ORG", "bob"), ent(*span("Bob Lee"), "PERSON", "bob")]}
        versions = {n: [Annotation(**{**a.__dict__, "article_id": aid}) for a in v] for n, v in versions.items()}
        items.append(gold_article(Article(aid, TEXT), versions, "judge"))
    ws.add_articles(items)
    return ws, Session(ws, "judge")


def test_keep_both_and_reject_all_settle_in_one_undoable_save_the_last_marks_done(tmp_path):
    ws, s = _gold_session(tmp_path)
    try:
        assert [d.start for d in s.disagreements("a1")] == [span("Acme Corp")[0], span("Paris")[0], span("Bob Lee")[0]]
        assert s.disagreements_left() == 6
        s.settle("a1", 1, "both")  # Paris: ana alone marked it, nothing overlaps it: kept
        s.settle("a1", 2, "none")  # Bob Lee: rejected
        assert {(a.text, a.status) for a in ws.annotations("a1") if a.start >= span("Paris")[0]} == {
            ("Paris", "accepted"), ("Bob Lee", "rejected")}
        change = s.settle("a1", 0, "bob")
        assert change.state_after == "done" and s.disagreements_left() == 3
        s.undo()
        assert ws.row("a1")["state"] != "done" and s.disagreements_left() == 4
        assert all(a.status == "pending" for a in s.disagreements("a1")[0].versions["ana"])
    finally:
        ws.close()


def test_next_disagreement_goes_on_across_articles_and_round(tmp_path):
    ws, s = _gold_session(tmp_path)
    try:
        assert s.next_disagreement("a1", 2) == ("a2", 0)
        assert s.next_disagreement("a2", 0, -1) == ("a1", 2)
        assert s.next_disagreement("a1", -1) == ("a1", 0)
        s.settle("a2", 0, "ana")
        s.settle("a2", 1, "ana")
        s.settle("a2", 2, "ana")
        assert s.next_disagreement("a1", 2) == ("a1", 0)  # round to this article's first open one
        for i in range(3):
            s.settle("a1", i, "ana")
        assert s.next_disagreement("a1", 2) is None and s.disagreements_left() == 0
    finally:
        ws.close()


def test_a_decision_in_a_gold_teaches_no_pattern_to_the_other_candidates(tmp_path):
    ws, s = _gold_session(tmp_path)
    try:
        before = sorted((a.id, a.status) for a in ws.annotations("a2"))
        paris = s.disagreements("a1")[1].versions["ana"][0]
        s.reject(paris)
        assert sorted((a.id, a.status) for a in ws.annotations("a2")) == before
    finally:
        ws.close()


def test_the_gold_export_keeps_the_versions_out_of_meta_and_names_the_adjudicator():
    from tui.formats.jsonl import jsonl_record
    from tui.model import Article
    from tui.team.adjudication import gold_article

    versions = {"ana": [ent(*span("Paris"), "GPE", "ana")], "bob": [ent(*span("Paris"), "LOC", "bob")]}
    article, _ = gold_article(Article("a", TEXT), versions, "judge")
    rec = jsonl_record(article, [])  # both rejected: no annotation left to name anyone
    assert rec["_annotator_id"] == "judge" and "adjudication" not in rec["meta"]
    assert [(v["_annotator_id"], v["spans"][0]["label"]) for v in rec["versions"]] == [("ana", "GPE"), ("bob", "LOC")]


def test_no_other_export_format_carries_the_gold_s_internal_record():
    from tui.formats.docbin import spacy_doc
    from tui.formats.doccano import doccano_record
    from tui.model import Article
    from tui.team.adjudication import gold_article

    versions = {"ana": [ent(*span("Paris"), "GPE", "ana")], "bob": [ent(*span("Paris"), "LOC", "bob")]}
    article, _ = gold_article(Article("a", TEXT), versions, "judge")
    assert "adjudication" in article.meta  # what the reader's adjudication mode reads
    assert "adjudication" not in str(doccano_record(article, []))
    assert "adjudication" not in spacy_doc(article, []).user_data["readtui"]["meta"]


def test_the_count_left_reads_only_the_articles_worked_on(tmp_path, monkeypatch):
    from tests.ui.helpers import gold_workspace
    from tui.service import Session

    ws = gold_workspace(tmp_path / "gold.json")
    try:
        Session(ws, "judge").settle("a", 0, "ana")
        read: list[str] = []
        article = ws.article
        monkeypatch.setattr(ws, "article", lambda aid: read.append(aid) or article(aid))
        assert Session(ws, "judge").disagreements_left() == 3  # a fresh session: nothing kept
        assert read == ["a"]  # b is untouched: it has the disagreements it was built with
    finally:
        ws.close()
