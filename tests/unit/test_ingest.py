"""Reading news pages and JSONL into articles."""

from __future__ import annotations

import json

import pytest

from tui.formats import ImportProblem, decode, parse_news, parse_when, read_paths, read_text_file


from ..conftest import SEED_000, SEED_001


def test_seed_000_metadata_and_boilerplate():
    art = read_text_file(SEED_000).article
    assert art.title == "India-US discuss global drug trafficking, push smoother legitimate trade"
    assert art.published == "2026-01-28T10:16:00+00:00"
    assert art.dateline == "New Delhi"
    assert art.source == "IANS"
    assert art.text.startswith("The United States hosted the inaugural meeting")
    for junk in ("Photo:", "Tags:", "Similar News", "--IANS", "Update:", "New Delhi, Jan 28"):
        assert junk not in art.text
    assert art.text.endswith("organised crime and terrorism.")
    assert art.original == SEED_000.read_text()
    assert art.path == str(SEED_000)


def test_seed_001_without_title_line_gets_first_sentence():
    art = read_text_file(SEED_001).article
    assert art.title == ("On January 20-21, Washington, D.C. became the stage for the inaugural "
                         "meeting of the U.S.-India Drug Policy Executive Working Group.")
    assert art.text.startswith("On January 20-21, Washington, D.C.")  # the sentence stays in the body
    assert art.source == "" and art.published == "" and art.dateline == ""


@pytest.mark.parametrize("raw, expected", [
    ("2026-01-28 10:16 GMT", "2026-01-28T10:16:00+00:00"),
    ("2026-01-28 10:16 IST", "2026-01-28T10:16:00+05:30"),
    ("Jan 28, 2026", "2026-01-28"),
    ("28 January 2026 09:05", "2026-01-28T09:05:00+00:00"),
    ("yesterday-ish", ""),
])
def test_parse_when(raw, expected):
    assert parse_when(raw) == expected


def test_dateline_variants():
    art = parse_news("Headline here\n\nWASHINGTON (Reuters) - The Senate voted on Tuesday to pass the bill.\n")
    assert art.dateline == "WASHINGTON" and art.source == "Reuters"
    assert art.text.startswith("The Senate voted")


def test_windows_line_endings_and_empty_article():
    art = parse_news("Title\r\n\r\nBody line one.\r\nBody line two.\r\n")
    assert "\r" not in art.text and art.text == "Body line one.\nBody line two."
    with pytest.raises(ImportProblem):
        parse_news("Photo: x\nTags: a\n", "f.txt")


def test_jsonl_with_and_without_spans(tmp_path):
    f = tmp_path / "in.jsonl"
    text = "Sara Carter met Vinay Kwatra in Washington."
    f.write_text("\n".join([
        json.dumps({"text": "A plain article with no spans.", "id": "plain-1", "meta": {"source": "X"}}),
        json.dumps({"text": text, "id": 7, "title": "T",
                    "spans": [{"start": 0, "end": 11, "label": "PERSON"},
                              {"start": 32, "end": 42, "label": "GPE", "text": "Washington"}]}),
        json.dumps({"text": text + " ", "label": [[16, 28, "PERSON"]]}),  # doccano
    ]) + "\n")
    recs = list(read_paths([f]))
    assert all(not isinstance(r, ImportProblem) for r in recs)
    plain, prodigy, doccano = recs
    assert plain.article.id == "plain-1" and plain.annotations == [] and plain.article.source == "X"
    assert prodigy.article.id == "7" and prodigy.article.title == "T"
    assert prodigy.article.text == text  # kept exactly
    assert [(a.text, a.label, a.status) for a in prodigy.annotations] == [
        ("Sara Carter", "PERSON", "accepted"), ("Washington", "GPE", "accepted")]
    assert [(a.text, a.label) for a in doccano.annotations] == [("Vinay Kwatra", "PERSON")]


def test_jsonl_bad_lines_are_reported_and_good_ones_kept(tmp_path):
    f = tmp_path / "mixed.jsonl"
    f.write_text("\n".join([
        '{"text": "Good one."}',
        '{"text": "broken',
        '[1, 2]',
        '{"id": "no-text"}',
        '{"text": 42}',
        '{"text": "Span out of range.", "spans": [{"start": 0, "end": 99, "label": "ORG"}]}',
        '{"text": "Span text differs.", "spans": [{"start": 0, "end": 4, "label": "ORG", "text": "Nope"}]}',
        '{"text": "Good two."}',
    ]) + "\n")
    out = list(read_paths([f]))
    good = [r for r in out if not isinstance(r, ImportProblem)]
    bad = [r for r in out if isinstance(r, ImportProblem)]
    assert [r.article.text for r in good] == ["Good one.", "Good two."]
    assert [p.line for p in bad] == [2, 3, 4, 5, 6, 7]
    msgs = [str(p) for p in bad]
    assert msgs[0].startswith(f"{f}:2: not valid JSON")
    assert "not an object" in msgs[1] and 'no "text"' in msgs[2] and "not a string" in msgs[3]
    assert "outside the text" in msgs[4] and "'Span'" in msgs[5]


@pytest.mark.parametrize("key", ["spans", "quotes", "entities", "relations"])
@pytest.mark.parametrize("value", [True, 3, "x", {"start": 0}])
def test_span_lists_that_are_not_lists_are_reported(tmp_path, key, value):
    f = tmp_path / "odd.jsonl"
    f.write_text(json.dumps({"text": "Some text.", key: value}) + "\n" + '{"text": "Fine."}\n')
    bad, good = list(read_paths([f]))
    assert isinstance(bad, ImportProblem) and f"{key!r} must be a list" in str(bad) and bad.line == 1
    assert good.article.text == "Fine."


def test_bad_files_are_reported_with_path(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "bin.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "ok.md").write_text("# A title\n\nSome body text here.\n")
    (tmp_path / "notes.pdf").write_text("ignored: not an article type")
    out = list(read_paths([tmp_path, tmp_path / "missing.txt"]))
    problems = {p.path.rsplit("/", 1)[-1]: p.reason for p in out if isinstance(p, ImportProblem)}
    assert problems == {"bin.txt": "binary file (contains NUL bytes), not text",
                        "empty.txt": "empty file", "missing.txt": "no such file or folder"}
    [ok] = [r for r in out if not isinstance(r, ImportProblem)]
    assert ok.article.title == "A title"


def test_decode_encodings():
    assert decode("Café déjà vu".encode("utf-16"), "x") == "Café déjà vu"
    assert decode("naïve".encode("utf-8-sig"), "x") == "naïve"
    latin = ("Le café est très bon à Genève, où l'été dure longtemps et "
             "les élèves préfèrent la crème brûlée.").encode("latin-1")
    assert "café" in decode(latin, "x")
