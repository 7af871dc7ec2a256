"""tui.nlp.affixes: the faster suffix and infix search gives spaCy's answers, so spaCy's tokens."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

spacy = pytest.importorskip("spacy")

from tui.nlp import affixes  # noqa: E402

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture(scope="module")
def english():
    nlp = spacy.blank("en")
    plain = nlp.tokenizer.suffix_search, nlp.tokenizer.infix_finditer
    return nlp, affixes.SuffixSearch(nlp.Defaults.suffixes), affixes.InfixFinditer(nlp.Defaults.infixes), plain


@pytest.fixture(scope="module")
def tokenizers():
    plain, fast = spacy.blank("en"), spacy.blank("en")
    assert affixes.install(fast)
    return plain.tokenizer, fast.tokenizer


def _span(m):
    return None if m is None else m.span()


def _same(english, text: str) -> None:
    _, suffix, infix, (suffix_search, infix_finditer) = english
    assert _span(suffix(text)) == _span(suffix_search(text)), text
    assert [m.span() for m in infix(text)] == [m.span() for m in infix_finditer(text)], text


# Characters around the rules' edges: every character a suffix rule can end with or an
# infix rule start with, a few either side of the ranges, letters, digits, spaces.
def _edge_alphabet(english) -> list[str]:
    _, suffix, infix, _ = english
    chars = set(suffix._by_char) | set(infix.starts or ())
    near = {chr(o + d) for c in chars for d in (-1, 1) if 0 <= (o := ord(c)) + d < 0x110000
            and not 0xD800 <= o + d <= 0xDFFF}
    return sorted(chars | near | set("aZ09 \n\t'\".,-°$%éß🎉\u0301שم東"))


def test_same_answers_on_the_seeds_words(english):
    for path in sorted(SEEDS.glob("*.txt")):
        for word in path.read_text(encoding="utf-8").split():
            _same(english, word)


def test_same_answers_on_random_words_from_the_rules_edges(english):
    import random

    alphabet = _edge_alphabet(english)
    rng = random.Random(5)
    for _ in range(20_000):
        _same(english, "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 9))))


@settings(max_examples=400, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=12))
def test_same_answers_on_any_text(english, text):
    _same(english, text)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(["U.S.", "don't", ":)", "km", "5km", "$5", "3.5%", "(MEA)", "“We", "won’t”",
                                           "e.g.", "--", "...", "http://x.co/a", "São", "Zoë's", "—"]),
                          st.text(st.characters(exclude_categories=("Cs",)), max_size=6)), max_size=20))
def test_the_tokenizer_cuts_texts_as_before(tokenizers, words):
    """spaCy's tokenizer with the faster search gives the same tokens as without."""
    plain, fast = tokenizers
    text = " ".join(words)
    assert [(t.idx, t.text, t.whitespace_) for t in fast(text)] == [(t.idx, t.text, t.whitespace_) for t in plain(text)]


def test_edges_of_rules():
    assert affixes.edge_chars(r"(?<=[0-9])(?:km|m²|\$)", last=True) == {"m", "²", "$"}
    assert affixes.edge_chars(r"\.\.+", last=False) == {"."}
    assert affixes.edge_chars(r"[a-c]x?", last=True) == {"a", "b", "c", "x"}
    assert affixes.edge_chars(r"\w", last=True) is None  # any character
    assert affixes.edge_chars(r"x?", last=True) is None  # may match nothing
    assert affixes.edge_chars(r"(?i:k)", last=True) is None
    # A rule referring to a group by number keeps its place: no shorter expressions.
    search = affixes.SuffixSearch([r"(a)\1", "b"])
    assert search._any == [0, 1] and _span(search("xaa")) == (1, 3)


def test_install_leaves_a_changed_tokenizer_alone():
    nlp = spacy.blank("en")
    nlp.tokenizer.suffix_search = re.compile(r"x$").search
    assert not affixes.install(nlp)
    assert nlp.tokenizer.suffix_search.__self__.pattern == "x$"
