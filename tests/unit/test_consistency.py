"""One reading of a name per article (tui.nlp.consistency), on short invented texts."""

from __future__ import annotations

from tui.nlp.consistency import consistent
from tui.nlp.suggest import Suggester
from tui.nlp.tokens import english

NLP = english()


def at(text: str, name: str, label: str, nth: int = 0) -> tuple[int, int, str]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(name, start + 1)
    return start, start + len(name), label


def test_the_names_opening_table_rows_take_the_label_most_of_them_have():
    text = "KELDBY 2031-04-02\nResults:\nRedhill 2 Oakvale 1\nBrantwick 0 Elmstow 3\nFernley 1 Gorsby 1\n"
    found = [at(text, "KELDBY", "LOC"), at(text, "Redhill", "ORG"), at(text, "Oakvale", "ORG"),
             at(text, "Brantwick", "PER"), at(text, "Elmstow", "ORG"), at(text, "Fernley", "LOC"),
             at(text, "Gorsby", "ORG")]
    # The place before a date is a dateline, not a row: it keeps its label.
    assert [label for *_, label in consistent(NLP.make_doc(text), found)] == ["LOC"] + ["ORG"] * 6
    # Two rows are no table, and a name not followed by a number is no cell.
    two = "Redhill 2 Oakvale 1\nThe Brantwick side lost .\n"
    found = [at(two, "Redhill", "ORG"), at(two, "Oakvale", "ORG"), at(two, "Brantwick", "PER")]
    assert consistent(NLP.make_doc(two), found, rules=("table",)) == found


def test_a_text_given_two_labels_takes_the_one_most_mentions_have_and_a_tie_changes_nothing():
    text = "Zarnovia voted. Troops left Zarnovia. Zarnovia said no."
    found = [at(text, "Zarnovia", "LOC"), at(text, "Zarnovia", "PER", 1), at(text, "Zarnovia", "LOC", 2)]
    assert [label for *_, label in consistent(NLP.make_doc(text), found)] == ["LOC", "LOC", "LOC"]
    tie = "Zarnovia voted. Troops left Zarnovia."
    found = [at(tie, "Zarnovia", "LOC"), at(tie, "Zarnovia", "PER", 1)]
    assert consistent(NLP.make_doc(tie), found, rules=("majority",)) == found


def test_a_persons_surname_alone_later_is_that_person():
    text = "HALVORSEN WINS VOTE\nMira Halvorsen won the vote. Critics said Halvorsen had not campaigned."
    found = [at(text, "HALVORSEN", "ORG"), at(text, "Mira Halvorsen", "PER")]
    # In a headline in capitals too, read as a firm there.
    assert consistent(NLP.make_doc(text), found) == [at(text, "HALVORSEN", "PER"), at(text, "Mira Halvorsen", "PER"),
                                                     at(text, "Halvorsen", "PER", 1)]
    # No label for people in the workspace: no surname rule.
    assert consistent(NLP.make_doc(text), found, person=None) == found


def test_a_surname_read_as_another_kind_of_name_is_the_person_but_longer_names_keep_it():
    text = ("Ivo Brask met Mira Halvorsen at the Brask Institute in Braskville . "
            "Halvorsen Bank paid . Halvorsen said so . Brask agreed .")
    found = [at(text, "Ivo Brask", "PER"), at(text, "Mira Halvorsen", "PER"), at(text, "Brask Institute", "ORG"),
             at(text, "Halvorsen Bank", "ORG"), at(text, "Halvorsen", "ORG", 2)]
    # "Halvorsen" alone, read as a firm, is the person; "Brask" alone, missed, is suggested;
    # the names that hold them keep them, and "Braskville" is another word.
    assert consistent(NLP.make_doc(text), found) == sorted(found[:4] + [at(text, "Halvorsen", "PER", 2),
                                                                        at(text, "Brask", "PER", 3)])


def test_a_firms_name_without_inc_standing_alone_is_the_firm():
    text = "Tovrik Ltd cut jobs . Tovrik said sales fell , and Tovrik shares slid ."
    found = [at(text, "Tovrik Ltd", "ORG"), at(text, "Tovrik", "PER", 1)]
    # Read as a person: relabelled; missed: suggested.
    assert consistent(NLP.make_doc(text), found) == [at(text, "Tovrik Ltd", "ORG"), at(text, "Tovrik", "ORG", 1),
                                                     at(text, "Tovrik", "ORG", 2)]
    # The first word of a firm's full name alone is the firm too.
    text = "Kessan Gold Corp sold a mine . Kessan shares rose ."
    found = [at(text, "Kessan Gold Corp", "ORG"), at(text, "Kessan", "PER", 1)]
    assert consistent(NLP.make_doc(text), found) == [found[0], at(text, "Kessan", "ORG", 1)]
    # No label for organisations in the workspace: no firms rule.
    assert consistent(NLP.make_doc(text), found, firm=None, rules=("firms",)) == found


def test_a_one_word_person_who_is_no_part_of_a_full_name_in_the_article_is_not_suggested():
    text = "VENN HOLDS ON . Dario Venn thanked Corvel staff . Corvel and Venn then left ."
    found = [at(text, "VENN", "PER"), at(text, "Dario Venn", "PER"), at(text, "Corvel", "PER"),
             at(text, "Corvel", "PER", 1), at(text, "Venn", "PER", 1)]
    assert consistent(NLP.make_doc(text), found) == [at(text, "VENN", "PER"), at(text, "Dario Venn", "PER"),
                                                     at(text, "Venn", "PER", 1)]


def _pipeline(trained: bool):
    """A blank pipeline whose NER is a ruler finding the full name only."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "PERSON", "pattern": "Mira Halvorsen"}])
    if trained:
        nlp.meta["readtui"] = {"articles": 2}
    return nlp


def test_the_suggester_reads_a_name_once_per_article_with_a_model_readtui_trained_only():
    text = "Mira Halvorsen won the vote. Critics said Halvorsen had not campaigned."

    def names(nlp):
        sugg = Suggester(nlp, ["PER"], label_map={"PERSON": "PER"})
        return [text[s.start:s.end] for s in sugg.suggest(text) if s.kind == "entity"]

    assert names(_pipeline(trained=True)) == ["Mira Halvorsen", "Halvorsen"]
    assert names(_pipeline(trained=False)) == ["Mira Halvorsen"]
