"""The suggester's performance tricks (tui.nlp.speed) give the pipeline's own annotations."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.nlp.speed import quicker_attribute_ruler

SEEDS = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))

# Sentences written to meet the ruler's exceptions: existential "there", contractions,
# "gets/got", determiners used as pronouns, auxiliaries, odd spacing, an empty text.
MADE_UP = [
    "There's a storm coming. There are three of them, and there were more.",
    "She gets it; he got nothing. That is what they'd said, isn't it?",
    "  Two   spaces\tand a tab.\n\n\nThen this:  'that' which was that.",
    "The U.S. envoy didn't know whether to go, but he'd gone anyway.",
    "\"We're done,\" she said. \"Are we?\" asked Mr. O'Neil, who's 42.",
    "",
    " ",
]


def annotations(docs) -> list[list[tuple]]:
    return [[(t.pos_, str(t.morph), t.lemma_, t.tag_, t.dep_) for t in d] for d in docs]


def test_the_quicker_ruler_annotates_every_token_as_the_model_s_own():
    from tui.nlp.suggest import load_pipeline

    nlp = load_pipeline()  # its own copy: the session's may have the trick already
    texts = [p.read_text(encoding="utf-8") for p in SEEDS] + MADE_UP
    before = annotations(nlp.pipe(texts))
    assert quicker_attribute_ruler(nlp)
    assert annotations(nlp.pipe(texts)) == before
    assert annotations([nlp(t) for t in texts]) == before  # one text at a time too
    assert quicker_attribute_ruler(nlp)  # twice is once


def _tagged_pipeline(rules: list[tuple[list, dict]]):
    """A blank English pipeline whose 'tagger' sets each token's tag from its lowercase
    form, then an attribute ruler with ``rules`` (pattern list, attrs) in order."""
    import spacy
    from spacy.language import Language

    tags = {"the": "DT", "that": "DT", "dog": "NN", "runs": "VBZ", "gets": "VBZ", ".": "."}

    @Language.component("test_fixed_tags")
    def fixed_tags(doc):
        for t in doc:
            t.tag_ = tags.get(t.lower_, "XX")
        return doc

    nlp = spacy.blank("en")
    nlp.add_pipe("test_fixed_tags")
    ruler = nlp.add_pipe("attribute_ruler")
    for patterns, attrs in rules:
        ruler.add(patterns, attrs)
    return nlp


TAG_MAP = [
    ([[{"TAG": "DT"}]], {"POS": "DET", "MORPH": "PronType=Art"}),
    ([[{"TAG": "NN"}]], {"POS": "NOUN", "MORPH": "Number=Sing"}),
    ([[{"TAG": "VBZ"}]], {"POS": "VERB"}),
    ([[{"TAG": "VBZ"}]], {"MORPH": "Tense=Pres"}),  # a later rule for the same tag adds to it
]


@pytest.mark.parametrize("exceptions", [
    [([[{"LOWER": "that", "TAG": "DT"}]], {"POS": "PRON"})],  # by word
    [([[{"LOWER": {"IN": ["gets", "got"]}}]], {"LEMMA": "get"})],  # by one of several words
    [([[{"TAG": "DT"}, {"TAG": "NN"}]], {"MORPH": "Definite=Def"})],  # two tokens, on tags only
    [([[{"TAG": "DT"}]], {"POS": "X"})],  # a tag rule after an exception: still later, still wins
    [([[{"LOWER": "that"}, {"LOWER": "dog"}]], {"POS": "SCONJ"}),
     ([[{"LOWER": "that"}]], {"POS": "ADV"})],  # the later of two overlapping exceptions wins
])
def test_rule_order_holds_whatever_the_shape_of_the_exceptions(exceptions):
    text = "The dog runs. That dog gets that. That."
    slow, quick = _tagged_pipeline(TAG_MAP + exceptions), _tagged_pipeline(TAG_MAP + exceptions)
    assert quicker_attribute_ruler(quick)
    assert annotations([quick(text)]) == annotations([slow(text)])
    assert annotations([slow(text)]) != annotations([_tagged_pipeline(TAG_MAP)(text)])  # the exception bites


def test_a_ruler_of_another_shape_is_left_as_it_is():
    with_operator = _tagged_pipeline(TAG_MAP + [([[{"LOWER": "the"}, {"TAG": "NN", "OP": "+"}]], {"POS": "X"})])
    assert not quicker_attribute_ruler(with_operator)
    no_tag_map = _tagged_pipeline([([[{"LOWER": "dog"}]], {"POS": "NOUN"})])
    assert not quicker_attribute_ruler(no_tag_map)
    import spacy

    assert not quicker_attribute_ruler(spacy.blank("en"))  # no ruler at all
