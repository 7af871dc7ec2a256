"""Agreement between analysts (tui.team.agreement) on cases small enough to compute by hand."""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest

from tui.model import Annotation, Article, Speaker
from tui.team.agreement import (
    Comparison, Patterns, against_gold, agreement, cohen_kappa, krippendorff_alpha, marked,
)

TEXT = "Sara Carter met Bob Lee in Paris and Rome."
#       0    5      12  16  20  24 27    33  37  41


def ent(start: int, end: int, label: str, text: str = TEXT) -> Annotation:
    return Annotation(f"{start}-{end}-{label}", "a1", "entity", start, end, label, text[start:end], status="accepted")


def quote(start: int, end: int, text: str, speaker: Speaker | None) -> Annotation:
    return Annotation(f"q{start}", "q1", "quote", start, end, "QUOTE", text[start:end], speaker=speaker,
                      status="accepted")


ARTICLE = Article("a1", TEXT, title="one", state="done")
# A: Sara Carter PERSON, Bob Lee PERSON, Paris GPE.
A = [ent(0, 11, "PERSON"), ent(16, 23, "PERSON"), ent(27, 32, "GPE")]
# B: Sara Carter PERSON (same), Lee PERSON (inside A's Bob Lee), Paris ORG (relabelled), Rome GPE (extra).
B = [ent(0, 11, "PERSON"), ent(20, 23, "PERSON"), ent(27, 32, "ORG"), ent(37, 41, "GPE")]


def pair():
    return agreement([marked("ana", [(ARTICLE, A)]), marked("bob", [(ARTICLE, B)])]).pairs[0]


def test_span_f1_exact_and_overlap_per_label_by_hand():
    p = pair()
    # PERSON: Sara Carter in both; Bob Lee / Lee differ. Exact 2*1/(2+2) = 0.5; by overlap
    # each of A's two is found by B and each of B's two by A: P = R = 1.
    person = p.labels["PERSON"]
    assert (person.both, person.a_only, person.b_only) == (1, 1, 1)
    assert person.f1_exact == 0.5 and person.f1_overlap == 1.0
    # GPE: Paris (A) vs Rome (B): nothing shared, nothing overlapping.
    gpe = p.labels["GPE"]
    assert (gpe.both, gpe.a_only, gpe.b_only) == (0, 1, 1) and gpe.f1_exact == 0.0 and gpe.f1_overlap == 0.0
    # ORG: only B's Paris; the same span as A's GPE does not count across labels.
    org = p.labels["ORG"]
    assert (org.both, org.a_only, org.b_only) == (0, 0, 1) and org.f1_overlap == 0.0
    # Overall: exact 2*1/(3+4) = 2/7; overlap R = 2/3 (A's Sara Carter, Bob Lee), P = 2/4
    # (B's Sara Carter, Lee): F1 = 2*(2/3)*(1/2) / (2/3 + 1/2) = 4/7.
    assert p.total.f1_exact == pytest.approx(2 / 7)
    assert p.total.f1_overlap == pytest.approx(4 / 7)


def test_span_f1_is_the_same_whichever_analyst_comes_first():
    p = agreement([marked("bob", [(ARTICLE, B)]), marked("ana", [(ARTICLE, A)])]).pairs[0]
    assert p.total.f1_exact == pytest.approx(2 / 7) and p.total.f1_overlap == pytest.approx(4 / 7)
    assert (p.labels["ORG"].a_only, p.labels["ORG"].b_only) == (1, 0)


# Token labels (spaCy's tokens: Sara Carter met Bob Lee in Paris and Rome .):
#   A: P P O P P O G   O O O
#   B: P P O O P O ORG O G O
CODES = {"O": 0, "P": 1, "G": 2, "ORG": 3}
A_TOKENS = [CODES[x] for x in "P P O P P O G O O O".split()]
B_TOKENS = [CODES[x] for x in "P P O O P O ORG O G O".split()]


def test_cohen_kappa_by_hand():
    # Agreement on 7 tokens of 10 (3 P-P, 4 O-O): p_o = 0.7. Marginals A: P 4, O 5, G 1;
    # B: P 3, O 5, G 1, ORG 1. p_e = (4*3 + 5*5 + 1*1) / 100 = 0.38.
    # kappa = (0.7 - 0.38) / (1 - 0.38) = 0.32 / 0.62 = 0.516129…
    assert pair().kappa == pytest.approx(0.32 / 0.62)
    assert pair().tokens == 10
    table = np.bincount(np.array(A_TOKENS) * 4 + B_TOKENS, minlength=16).reshape(4, 4)
    assert cohen_kappa(table) == pytest.approx(0.32 / 0.62)


def test_kappa_is_undefined_when_one_label_is_all_there_is():
    assert cohen_kappa(np.array([[10]])) is None


def test_alpha_by_hand_for_two_analysts_and_by_the_package():
    # Two coders, ten units, no missing data: n = 20 values. Coincidences: O-O 8, P-P 6,
    # and one each way for P-O, G-ORG, O-G: 6 off the diagonal. n_O = 10, n_P = 7, n_G = 2,
    # n_ORG = 1. D_o = 6/20; D_e = (20² - (100 + 49 + 4 + 1)) / (20·19) = 246/380.
    # alpha = 1 - (6/20) / (246/380) = 1 - 19/41 = 22/41 = 0.536585…
    ag = agreement([marked("ana", [(ARTICLE, A)]), marked("bob", [(ARTICLE, B)])])
    assert ag.alpha == pytest.approx(22 / 41)
    assert krippendorff.alpha(reliability_data=[A_TOKENS, B_TOKENS], level_of_measurement="nominal") \
        == pytest.approx(22 / 41)


@pytest.mark.parametrize("seed", range(5))
def test_merged_value_counts_give_the_packages_alpha_with_missing_data(seed):
    rng = np.random.default_rng(seed)
    labels = rng.choice(4, size=(3, 400), p=[0.7, 0.1, 0.1, 0.1]).astype(np.int8)
    labels[:, :150] = labels[0, :150]  # many unanimous units, as in real text
    labels[2, rng.random(400) < 0.3] = -1  # the third analyst did not see some
    labels[1, rng.random(400) < 0.05] = -1
    raw = np.where(labels < 0, np.nan, labels.astype(float))
    expected = krippendorff.alpha(reliability_data=raw, level_of_measurement="nominal")
    assert krippendorff_alpha(Patterns(labels, 4).value_counts()) == pytest.approx(expected, abs=1e-12)


def test_an_analyst_who_did_not_see_an_article_is_missing_data():
    other = Article("a2", "Paris is in France.", title="two", state="done")
    in_france = [ent(0, 5, "GPE", other.text), ent(12, 18, "GPE", other.text)]
    works = [marked("ana", [(ARTICLE, A), (other, in_france)]), marked("bob", [(ARTICLE, B), (other, in_france)]),
             marked("cy", [(ARTICLE, B)])]
    cmp = Comparison(works)
    p = cmp.patterns
    assert p.count.sum() == 10 + 5  # the tokens of both articles
    # cy's labels on the second article's tokens are missing, not "O".
    missing = p.labels[2] == -1
    assert p.count[missing].sum() == 5
    ag = agreement(works)
    assert [(x.a, x.b, x.articles) for x in ag.pairs] == [("ana", "bob", 2), ("ana", "cy", 1), ("bob", "cy", 1)]
    assert ag.pairs[2].total.f1_exact == 1.0 and ag.pairs[2].kappa == 1.0  # the same version twice
    assert ag.articles == 2


def test_articles_are_matched_by_text_not_by_id():
    renamed = Article("elsewhere-7", TEXT, title="one", state="done")
    ag = agreement([marked("ana", [(ARTICLE, A)]), marked("bob", [(renamed, B)])])
    assert ag.articles == 1 and ag.pairs[0].total.f1_exact == pytest.approx(2 / 7)


def test_quote_f1_and_speaker_agreement_by_mention_or_name():
    text = ('"We will win," said Sara Carter. Carter added: "Not today." '
            'Officials said "no comment" later.')
    art = Article("q1", text, state="done")
    q1, q2, q3 = text.index('"We'), text.index('"Not'), text.index('"no')
    e1, e2, e3 = q1 + len('"We will win,"'), q2 + len('"Not today."'), q3 + len('"no comment"')
    sara, carter = text.index("Sara Carter"), text.index("Carter added")
    a = [quote(q1, e1, text, Speaker(sara, sara + 11, "", "Sara Carter")),
         quote(q2, e2, text, Speaker(carter, carter + 6, "", "Sara Carter")),
         quote(q3, e3, text, None)]
    b = [quote(q1, e1, text, Speaker(carter, carter + 6, "", "sara carter")),  # other mention, same name
         quote(q2 + 1, e2 - 1, text, Speaker(sara, sara + 11, "", "Someone Else")),  # inner span, other speaker
         quote(q3, e3, text, None)]  # no speaker either side
    p = agreement([marked("ana", [(art, a)]), marked("bob", [(art, b)])]).pairs[0]
    # Exact quote spans: 2 shared of 3 each: F1 = 2*2/6.
    assert (p.quotes.both, p.quotes.a_only, p.quotes.b_only) == (2, 1, 1)
    assert p.quotes.f1 == pytest.approx(2 / 3)
    # Paired by overlap: all three; speakers agree on the first (name) and third (nobody).
    assert p.quotes.paired == 3 and p.quotes.same_speaker == 2
    assert p.quotes.speaker_agreement == pytest.approx(2 / 3)


def test_per_article_worst_first_and_a_warning_under_20_articles():
    good = Article("good", "Paris is in France.", title="good", state="done")
    ok = [ent(0, 5, "GPE", good.text)]
    ag = agreement([marked("ana", [(good, ok), (ARTICLE, A)]), marked("bob", [(good, ok), (ARTICLE, B)])])
    assert [r.id for r in ag.per_article] == ["a1", "good"]
    assert ag.per_article[0].differences == 2 + 3 and ag.per_article[1].entities.f1_exact == 1.0
    assert len(ag.warnings) == 1 and "2 articles" in ag.warnings[0] and "20" in ag.warnings[0]


def test_each_analyst_against_the_gold():
    gold = marked("gold", [(ARTICLE, A)])
    [score] = against_gold(gold, [marked("bob", [(ARTICLE, B)])])
    # bob's PERSON: 1 of his 2 right (P 0.5), 1 of the gold's 2 found (R 0.5).
    p, r, f = score.scores(score.labels["PERSON"])
    assert (p, r, f) == (0.5, 0.5, 0.5)
    # ORG: bob's Paris is not in the gold: P 0, no recall to speak of.
    assert score.scores(score.labels["ORG"])[:2] == (0.0, None)
    assert score.articles == 1


def test_kept_tokens_give_spacys_labels_and_damaged_ones_are_tokenized_again():
    from dataclasses import replace

    from tui.nlp.tokens import pack

    kept = replace(ARTICLE, tokens=pack(TEXT))
    damaged = replace(ARTICLE, tokens=pack(TEXT)[:-1] + [7])  # ends before the text does
    for a, b in ((kept, kept), (damaged, kept), (ARTICLE, damaged)):
        p = agreement([marked("ana", [(a, A)]), marked("bob", [(b, B)])]).pairs[0]
        assert p.tokens == 10 and p.kappa == pytest.approx(0.32 / 0.62)
    assert marked("ana", [(kept, A)]).texts == [None] and marked("ana", [(damaged, A)]).texts == [TEXT]
