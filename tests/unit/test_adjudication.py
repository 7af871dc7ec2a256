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
