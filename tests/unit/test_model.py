"""The offset invariant: text[start:end] is the annotated text, or the write is refused."""

from __future__ import annotations

import json

import pytest

from tui.model import Annotation, AnnotationError, Article, Speaker, check_annotation, label_problem

TEXT = "Sara Carter said \"we act now\" in Washington."


def ann(**kw):
    base = dict(id="a1", article_id="art", kind="entity", start=0, end=11, label="PERSON")
    base.update(kw)
    return Annotation(**base)


def test_text_filled_from_offsets():
    assert check_annotation(ann(), TEXT).text == "Sara Carter"


@pytest.mark.parametrize("bad, message", [
    (dict(start=5, end=5), "outside the text"),
    (dict(start=-1, end=4), "outside the text"),
    (dict(start=30, end=999), "outside the text"),
    (dict(text="Sarah Carter"), "not 'Sarah Carter'"),
    (dict(label=""), "empty label"),
    (dict(kind="thing"), "unknown kind"),
    (dict(status="maybe"), "unknown status"),
    (dict(start=0.0), "integers"),
    (dict(speaker=Speaker(0, 4)), "only quotes have speakers"),
    (dict(kind="quote", start=17, end=29, label="QUOTE", speaker=Speaker(0, 99)), "speaker span"),
    (dict(kind="quote", start=17, end=29, label="QUOTE", speaker=Speaker(0, 4, "Bob")), "speaker text"),
])
def test_refused(bad, message):
    with pytest.raises(AnnotationError, match=message):
        check_annotation(ann(**bad), TEXT)


def test_quote_with_speaker():
    q = check_annotation(ann(kind="quote", start=17, end=29, label="QUOTE",
                             speaker=Speaker(0, 11, name="Sara Carter")), TEXT)
    assert q.text == '"we act now"' and q.speaker.text == "Sara Carter"


def test_changed_remembers_the_suggestion():
    a = check_annotation(ann(), TEXT)
    b = a.changed("ana", label="ORG", status="accepted")
    assert b.original == {"label": "PERSON", "start": 0, "end": 11, "speaker": None}
    assert b.annotator == "ana" and b.time
    c = b.changed("ana", label="GPE")
    assert c.original == b.original  # the first suggestion is what is remembered
    assert ann(origin="manual").changed(label="ORG").original == {}


def test_dict_round_trip():
    q = ann(kind="quote", start=17, end=29, label="QUOTE", speaker=Speaker(0, 11, "Sara Carter", "Sara Carter"))
    assert Annotation.from_dict(q.to_dict()) == q
    art = Article(id="x", text="Body.", meta={"k": 1})
    assert Article.from_dict(art.to_dict()) == art


def test_from_dict_of_a_stored_annotation_is_what_the_constructor_makes():
    # from_dict fills a stored annotation's fields without __init__ (the export reads
    # 400,000 of them); that is only right while __init__ does nothing more.
    assert "__post_init__" not in vars(Annotation)
    q = ann(kind="quote", start=17, end=29, label="QUOTE", speaker=Speaker(0, 11, "Sara Carter", ""),
            original={"label": "QUOTE", "start": 16, "end": 29, "speaker": None}, status="accepted")
    for a in (q, ann(), ann(speaker=None, original={})):
        d = a.to_dict()
        got = Annotation.from_dict(d)
        assert got == a and repr(got) == repr(a) and hash(got.span) == hash(a.span)
        assert got.original is not d["original"]  # a copy, as before
        with pytest.raises(AttributeError):  # still frozen
            got.label = "ORG"  # type: ignore[misc]
    partial = {"id": "a1", "article_id": "art", "kind": "entity", "start": 0, "end": 11, "label": "PERSON",
               "extra": 1}
    assert Annotation.from_dict(partial) == ann()  # other shapes: defaults filled, unknown keys dropped


@pytest.mark.parametrize("start, end, speaker", [
    (0, True, None), (False, 4, None), (0, 4.0, None),
    (0, 4, Speaker(True, 4)), (0, 4, Speaker(0, True)), (0, 4, Speaker(0, None)),
])
def test_offsets_are_ints_never_bools(start, end, speaker):
    """True is 1 to Python: ``"end": true`` passed the checks and exported as true."""
    kind = "quote" if speaker else "entity"
    ann = Annotation("x", "a", kind, start, end, "QUOTE" if speaker else "ORG", speaker=speaker)
    with pytest.raises(AnnotationError):
        check_annotation(ann, "Sara said it.")


@pytest.mark.parametrize("label, ok", [
    ("PERSON", True), ("WORK_OF_ART", True), ("Ort für", True), ("L" * 64, True),
    ("", False), (" ", False), ("PERSON\nEVIL", False), ("A\tB", False), ("ORG\u202e", False),
    ("X\x1b[2J", False), ("L" * 65, False), (5, False), (None, False),
])
def test_label_problem(label, ok):
    assert (label_problem(label) is None) == ok


def test_adopt_takes_a_parsed_dict_over_and_gives_what_from_dict_gives():
    # The store's read of an article file (Workspace.iter_articles): the parsed dict becomes
    # the annotation's fields. The same annotation as from_dict, frozen, for any shape.
    q = ann(kind="quote", start=17, end=29, label="QUOTE", speaker=Speaker(0, 11, "Sara Carter", ""),
            original={"label": "QUOTE", "start": 16, "end": 29, "speaker": None}, status="accepted")
    for a in (q, ann(), ann(speaker=None, original={})):
        d = json.loads(json.dumps(a.to_dict()))  # as parsed from the file
        got = Annotation.adopt(d)
        assert got == a == Annotation.from_dict(a.to_dict()) and repr(got) == repr(a)
        assert got.to_dict() == a.to_dict()
        with pytest.raises(AttributeError):
            got.label = "ORG"  # type: ignore[misc]
    partial = {"id": "a1", "article_id": "art", "kind": "entity", "start": 0, "end": 11, "label": "PERSON",
               "extra": 1}
    assert Annotation.adopt(partial) == ann()  # another shape: as from_dict
