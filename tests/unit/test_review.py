"""Spans, the review actions and undo, without a terminal."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.model import Annotation, AnnotationError, Article, Speaker
from tui.service import Session
from tui.speakers import attribution, speaker_candidates, speaker_for
from tui.spans import PLACEHOLDER, blocks, move_end, move_start, sanitize, snap, words
from tui.store import Workspace

TEXT = 'Sara Carter, the director, said "We act now," in Washington D.C. on U.S. soil.'


def test_snap_trims_spaces_and_punctuation_and_never_halves_words():
    i = TEXT.index("arter")
    assert TEXT[slice(*snap(TEXT, i, i + 7))] == "Carter"  # "arter, " -> the whole word, no comma
    assert TEXT[slice(*snap(TEXT, 0, 13))] == "Sara Carter"
    q = TEXT.index('"We')
    assert TEXT[slice(*snap(TEXT, q - 1, q + 14, "quote"))] == '"We act now,"'
    assert TEXT[slice(*snap(TEXT, TEXT.index("U.S."), TEXT.index("U.S.") + 4))] == "U.S."
    assert snap(TEXT, 11, 13) is None  # just ", "


def test_boundaries_move_by_word():
    w = words(TEXT)
    s, e = TEXT.index("Carter"), TEXT.index("Carter") + 6
    assert TEXT[slice(*move_start(w, s, e, -1))] == "Sara Carter"
    assert move_start(w, s, e, 1) is None  # would be empty
    assert TEXT[slice(*move_end(w, s, e, 1))] == "Carter, the"
    assert move_end(w, s, e, -1) is None


def test_sanitize_keeps_length_and_drops_controls():
    raw = "a\x1b[31mb\x07\tc\u202ed\n"
    clean = sanitize(raw)
    assert len(clean) == len(raw)
    assert "\x1b" not in clean and "\x07" not in clean and "\u202e" not in clean
    assert clean.count(PLACEHOLDER) == 3 and clean.endswith("\n")


def test_blocks_cut_long_paragraphs_at_sentences():
    text = ("One sentence here. " * 400).strip() + "\nshort"
    bl = blocks(text, max_len=500)
    assert all(e - s <= 500 for s, e in bl)
    assert text[slice(*bl[0])].endswith(".")
    assert text[slice(*bl[-1])] == "short"


def _ws(tmp_path):
    ws = Workspace.open(tmp_path / "w.json")
    art = Article(id="a", text=TEXT, source="IANS", published="2026-01-28T10:00:00+00:00")
    anns = [Annotation("p1", "a", "entity", 0, 11, "PERSON"),
            Annotation("w1", "a", "entity", TEXT.index("Washington"), TEXT.index("Washington") + 10, "GPE"),
            Annotation("q1", "a", "quote", TEXT.index('"We'), TEXT.index('now,"') + 5, "QUOTE", origin="rules")]
    ws.add_articles([(art, anns)])
    return ws


def test_review_actions_and_overlap_rule(tmp_path):
    ws = _ws(tmp_path)
    r = Session(ws, "ana")
    ann = ws.annotation("a", "p1")
    r.relabel(ann, "ORG")
    assert ws.annotation("a", "p1").original["label"] == "PERSON"
    try:
        r.add("a", "entity", 5, 11, "PERSON")
    except AnnotationError as exc:
        assert "overlaps" in str(exc)
    else:
        raise AssertionError("overlap allowed")
    q = ws.annotation("a", "q1")
    r.add("a", "entity", TEXT.index("We"), TEXT.index("We") + 2, "NORP")  # quotes may contain entities
    cands = speaker_candidates(ws.annotations("a"), q)
    assert [c.text for c in cands] == ["Sara Carter"]  # never "We" inside the quote; no places
    cands = speaker_candidates(ws.annotations("a"), q, all_labels=True)
    assert [c.text for c in cands] == ["Sara Carter", "Washington"]
    r.set_speaker(q, Speaker(0, 11, "Sara Carter", "Sara Carter"))
    assert attribution(ws.article("a"), ws.annotation("a", "q1")) == \
        "“We act now,” — Sara Carter (IANS, 2026-01-28)"
    ws.close()


actions = st.lists(st.sampled_from(["accept", "reject", "relabel", "grow", "add", "all"]), max_size=12)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seq=actions)
def test_undo_everything_restores_the_start(tmp_path_factory, seq):
    ws = _ws(tmp_path_factory.mktemp("w"))
    start = {a.id: a for a in ws.annotations("a")}
    state0 = ws.row("a")["state"]
    r = Session(ws, "ana")
    w = words(TEXT)
    for i, act in enumerate(seq):
        anns = ws.annotations("a")
        ann = anns[i % len(anns)]
        try:
            if act == "accept":
                r.accept(ann)
            elif act == "reject":
                r.reject(ann)
            elif act == "relabel":
                r.relabel(ann, "LOC")
            elif act == "grow":
                span = move_end(w, ann.start, ann.end, 1)
                if span:
                    r.resize(ann, *span)
            elif act == "add":
                r.add("a", "entity", w[-1][0], w[-1][1], "LOC")
            else:
                r.accept_all("a", done=True)
        except AnnotationError:
            pass
    while r.undo() is not None:
        pass
    assert {a.id: a for a in ws.annotations("a")} == start
    assert ws.row("a")["state"] == state0
    ws.close()


def test_speaker_picker_resolves_a_possessive_or_titled_mention_as_the_finder_does():
    text = "Sara Carter spoke first. Mr. Carter\u2019s aide spoke later."

    def person(start, end):
        return Annotation(id=f"p{start}", article_id="a", kind="entity", start=start, end=end,
                          label="PERSON", text=text[start:end])

    full, titled = person(0, 11), person(25, 37)
    assert titled.text == "Mr. Carter\u2019s"
    assert speaker_for([full, titled], titled).name == "Sara Carter"
