"""The ledger and the entity index kept beside the workspace (issue 18: they open in under
a second at 10,000 articles, bench/ledger.py): read back as they were made; after a save,
the index patched for the articles that changed equals one built from scratch."""

from __future__ import annotations

import pytest

from tui.model import QUOTE_LABEL, Annotation, Article, Speaker
from tui.store import Workspace
from tui.stories import workspace as across
from tui.stories.entity_index import entity_index
from tui.stories.ledger import ledger

TEXTS = {
    "a1": 'Nora Quill met the Bureau of Coastal Safety (BCS) in Port Ellis. "Storms are coming," said Nora Quill.',
    "a2": 'The BCS said Port Ellis would close its harbour. "Stay home tonight," Quill said on Friday.',
    "a3": 'Port Ellis fishermen met Ines Marlow on Friday. "We are ready for it," said Ines Marlow.',
}


def _anns(aid: str, text: str) -> list[Annotation]:
    out = []
    for i, (words, label) in enumerate([("Nora Quill", "PERSON"), ("Port Ellis", "GPE"), ("BCS", "ORG"),
                                        ("Ines Marlow", "PERSON"), ("Friday", "DATE"), ("Quill", "PERSON")]):
        at = text.find(words)
        if at >= 0 and not any(a.start <= at < a.end for a in out):
            out.append(Annotation(f"e{i}", aid, "entity", at, at + len(words), label, text=words))
    q0 = text.index('"')
    q1 = text.index('"', q0 + 1) + 1
    who = "Nora Quill" if "Nora" in text[q1:] else "Quill" if "Quill" in text[q1:] else "Ines Marlow"
    out.append(Annotation("q0", aid, "quote", q0, q1, QUOTE_LABEL, text=text[q0:q1], speaker=Speaker(name=who)))
    return out


@pytest.fixture
def kept_ws(tmp_path):
    ws = Workspace.open(tmp_path / "ws.json")
    ws.add_articles([(Article(aid, text), _anns(aid, text)) for aid, text in TEXTS.items()])
    yield ws
    ws.close()


def _built(ws) -> tuple[list[dict], list[dict]]:
    """The index and the ledger from the whole extracts, as they were made before."""
    ex = across.extracts(ws)
    return [e.to_dict() for e in entity_index(ex)], [s.to_dict() for s in ledger(ex)]


def _not_from_the_extracts(monkeypatch):
    def refuse(*args):
        raise AssertionError("built from every article's extracts")
    monkeypatch.setattr(across, "extracts", refuse)
    monkeypatch.setattr(across, "entity_index", refuse)


def test_kept_index_and_ledger_read_back_without_the_extracts(kept_ws, monkeypatch):
    index, speakers = _built(kept_ws)
    assert [e.to_dict() for e in across.entities(kept_ws)] == index
    assert [s.to_dict() for s in across.quote_ledger(kept_ws)] == speakers
    _not_from_the_extracts(monkeypatch)
    again = across.entities(kept_ws)
    assert [e.to_dict() for e in again] == index
    assert again[0].text == "Port Ellis" and again[0].count == 3
    assert [s.to_dict() for s in across.quote_ledger(kept_ws)] == speakers


def test_after_a_save_the_index_is_patched_and_equals_one_built_anew(kept_ws, monkeypatch):
    across.entities(kept_ws)
    across.quote_ledger(kept_ws)
    # Port Ellis as an organisation in a2, a new article, Friday rejected in a3.
    port = next(a for a in kept_ws.annotations("a2") if a.text == "Port Ellis")
    kept_ws.save([port.changed(label="ORG")], article_id="a2")
    friday = next(a for a in kept_ws.annotations("a3") if a.text == "Friday")
    kept_ws.save([friday.changed(status="rejected")], article_id="a3")
    text = 'Ines Marlow (BCS) spoke in Port Ellis. "Nobody sails," said Ines Marlow.'
    kept_ws.add_articles([(Article("a4", text), _anns("a4", text))])
    index, speakers = _built(kept_ws)
    _not_from_the_extracts(monkeypatch)
    patched = [e.to_dict() for e in across.entities(kept_ws)]
    assert patched == index
    assert patched[0]["text"] == "Port Ellis" and patched[0]["mixed"] and patched[0]["labels"] == {"GPE": 3, "ORG": 1}
    assert "Friday" in {e["text"] for e in patched} and {e["text"]: e["count"] for e in patched}["Friday"] == 1
    assert [s.to_dict() for s in across.quote_ledger(kept_ws)] == speakers  # from the quotes' own extracts
    assert [e.to_dict() for e in across.entities(kept_ws)] == index  # and read back as patched


def test_a_damaged_kept_file_is_built_again(kept_ws):
    index, speakers = _built(kept_ws)
    across.entities(kept_ws)
    across.quote_ledger(kept_ws)
    kept_ws.derived_path("entity-index").write_bytes(b'{"version": 2, "made_from": {')
    kept_ws.derived_path("ledger").write_bytes(b"\x00garbage")
    assert [e.to_dict() for e in across.entities(kept_ws)] == index
    assert [s.to_dict() for s in across.quote_ledger(kept_ws)] == speakers
