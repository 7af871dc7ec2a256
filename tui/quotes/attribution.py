"""Who said a quote: the speech cue a quote hangs from, or the other ways news marks a
speaker (after the quote, a colon introduction, a dash byline, a transcript label).

``attribute`` tries the ways one after another, most reliable first; each step is a
function of the quote's place (``cues.QuotePlace``) that returns where the speaker is
(``SpeakerWord``: a word of the parse, whose noun phrase is the mention; or
``SpeakerText``: characters read off the text) or None.  The steps that read the text
around the quote rather than the parse live in ``around``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .around import after_quote, dash_byline, name_label, name_label_in_quote, skip, transcript_label
from .cues import (REACH, Attribution, Context, QuotePlace, Source, SpeakerText, SpeakerWord, according_to, has_own_clause,
                   is_agentive, is_cue, nearest_child, outside, speaker_of_cue, subject_of,
                   word_source)
from .lexicon import (ADVERBIAL_MARKS, DOCUMENT_NOUNS, POLL_NOUNS, POSSESSIVES, PRONOUNS, RELATIVE, ROLE_NOUNS,
                      SHARE_WORDS, SPEECH_FORMS, VIEW_NOUNS, WEAK_CUES)
from .marks import CLOSE_MARKS, DASH_LABEL_BEFORE, NAME_LABEL_BEFORE, OPEN_MARKS

if TYPE_CHECKING:  # spaCy loads only with the model
    from spacy.tokens import Token

# an adverbial clause opened by these keeps the speaker of its own cue ("while" and
# "whereas" contrast two findings of the same report instead)
_OWN_CLAUSE_MARKS = ADVERBIAL_MARKS - {"while", "whereas"}


def _as_put_it(ctx: Context, q: QuotePlace):
    """ "…," as a Homeland Security memo put it / As Smith wrote, "…": the subject of
    the cue verb of an "as" clause right next to the quote."""
    doc = ctx.doc
    a, b, p_lo, p_hi = q.a, q.b, q.p_lo, q.p_hi
    n = len(doc)
    starts = []
    k = b
    while k < n and doc[k].is_punct and doc[k].idx < p_hi:
        k += 1
    starts.append(k)
    k = a - 1
    while k >= 0 and doc[k].is_punct and doc[k].idx >= p_lo:
        k -= 1
    # "As Smith wrote, “…”": the clause before the quote, opening its sentence
    for j in range(k, max(-1, k - 12), -1):
        if doc[j].lower_ == "as" and doc[j].dep_ == "mark" and doc[j].idx >= p_lo:
            starts.append(j)
            break
    # "As Smith puts it, the council wants “…”": opening the quote's sentence, it frames
    # the whole sentence, as "according to" does
    first = ctx.sentence(a).start
    while first < a and (doc[first].is_punct or doc[first].is_space):
        first += 1
    if first < a and first not in starts:
        starts.append(first)
    for k in starts:
        if k >= n or doc[k].lower_ != "as" or doc[k].idx > p_hi or doc[k].idx < p_lo:
            continue
        v = doc[k].head
        if v.i <= k or v.i - k > 12 or not outside(v, a, b):
            continue
        lem = v.lemma_.lower()
        speech = is_cue(v) and v.pos_ == "VERB" and not _as_of_likeness(v)
        if lem == "put" and any(c.lower_ == "it" for c in v.children) or speech:
            spk = nearest_child(v, ("nsubj",))
            if spk is not None and k < spk.i < v.i:
                return spk
    return None


def _as_of_likeness(v) -> bool:
    """ "the same as Lee referring to herself as “…”" compares: an "as" with an -ing
    verb never stands for the words reported, as "as Lee wrote" does."""
    return v.tag_ == "VBG"


def _sentence_according_to(ctx: Context, q: QuotePlace):
    """ "According to Yahoo News, X said …" : the source of the report."""
    doc = ctx.doc
    a, b, p_lo, p_hi = q.a, q.b, q.p_lo, q.p_hi
    s_lo = ctx.around(a, b)[0]
    s_hi = _attributed_sentence_end(ctx, q)
    for t in doc[s_lo:s_hi]:
        if t.lower_ == "according" and outside(t, a, b) and p_lo <= t.idx <= p_hi:
            spk = according_to([t])
            if spk is not None and outside(spk, a, b):
                return spk
    return _viewpoint(ctx, q) or _in_whose_view(ctx, q, s_lo, s_hi) or _reports_at_end(ctx, q, s_hi)


def _attributed_sentence_end(ctx: Context, q: QuotePlace) -> int:
    """The end of the quote's sentence, taking in the attribution after a quote that
    closes on "?" or "!" ("“…?” Lee asked, according to the Sun."), which the parser
    starts a new sentence with."""
    doc = ctx.doc
    end = ctx.around(q.a, q.b)[1]
    if end != q.b or q.b >= len(doc) or doc[q.b].idx > q.p_hi:
        return end
    nxt = doc[q.b]
    if nxt.is_lower or is_cue(nxt) or (q.b + 1 < len(doc) and is_cue(doc[q.b + 1])):
        return ctx.around(q.b, q.b + 1)[1]
    return end


def _viewpoint(ctx: Context, q: QuotePlace):
    """ "To Sharp, Trump is the “kind-hearted” man", "In Bolton's view, it is “…”": a
    sentence that opens with whose view it gives is that person's; one that opens "In a
    new poll," is the poll's, whoever it quotes."""
    doc = ctx.doc
    k = ctx.sentence(q.a).start
    while k < q.a and (doc[k].is_punct or doc[k].dep_ in ("cc", "advmod") or doc[k].is_space):
        k += 1
    if k >= q.a or doc[k].lower_ not in ("to", "in") or doc[k].idx < q.p_lo:
        return None
    obj = next((c for c in doc[k].children if c.dep_ == "pobj"), None)
    if obj is None or obj.right_edge.i + 1 >= q.a or doc[obj.right_edge.i + 1].text != ",":
        return None
    if doc[k].lower_ == "to":
        return obj if obj.pos_ in ("PROPN", "PRON") and obj.lower_ not in ("it", "this", "that") else None
    if obj.lemma_.lower() in POLL_NOUNS:
        return obj  # "In a new poll, 60 percent said …": the poll speaks through those it asked
    if obj.lower_ in VIEW_NOUNS:
        return next((c for c in obj.children if c.dep_ == "poss"), None)
    return None


def _in_whose_view(ctx: Context, q: QuotePlace, s_lo: int, s_hi: int):
    """ "“…”, in Bolton's view." / "because, in the chief's words, “…”": an aside set
    off by commas anywhere in the sentence gives whose view the sentence is."""
    doc = ctx.doc
    for k in range(s_lo, s_hi - 2):
        t = doc[k]
        if t.lower_ != "in" or not outside(t, q.a, q.b) or t.idx < q.p_lo or t.idx > q.p_hi:
            continue
        obj = next((c for c in t.children if c.dep_ == "pobj"), None)
        if obj is None or obj.lower_ not in VIEW_NOUNS or k == 0 or doc[k - 1].text != ",":
            continue
        end = obj.right_edge.i + 1
        if end < len(doc) and doc[end].text in (",", ".") and outside(obj, q.a, q.b):
            owner = next((c for c in obj.children if c.dep_ == "poss"), None)
            # "in her words" belongs to the sentence's own subject, not to the pronoun
            if owner is not None and owner.lower_ not in POSSESSIVES:
                return owner
    return None


def _reports_at_end(ctx: Context, q: QuotePlace, s_hi: int):
    """ "“…,” said X, reports USA Today" / "X also chanted “…”, the Tribune reports": a
    closing "reports" clause after a comma cites the outlet for the whole sentence,
    as "according to" does."""
    doc = ctx.doc
    for k in range(q.b, s_hi):
        t = doc[k]
        if t.lower_ not in ("reports", "reported") or t.pos_ != "VERB" or t.idx > q.p_hi:
            continue
        spk = nearest_child(t, ("nsubj",))
        if spk is None and _after_comma(doc, t.i):
            spk = nearest_child(t, ("dobj", "attr"))  # ", reports The Star.": parsed as an object
            if spk is not None and spk.i < t.i:
                spk = None
        if spk is None or not outside(spk, q.a, q.b) or min(spk.left_edge.i, t.i) < q.b:
            continue
        lo = min(spk.left_edge.i, t.i)
        hi = max(spk.right_edge.i, t.i) + 1
        # ", the Post reported in 1991." / "… on Monday.": a time or place may follow
        adverbials = [c for c in t.rights if c.dep_ in ("prep", "npadvmod", "advmod")]
        if adverbials and all(c.dep_ in ("prep", "npadvmod", "advmod", "punct") for c in t.rights):
            hi = max(hi, max(c.right_edge.i for c in adverbials) + 1)
        if _after_comma(doc, lo) and (hi >= s_hi or doc[hi].is_punct):
            return spk
    return None


def _after_comma(doc, i: int) -> bool:
    """Token ``i`` follows a comma, perhaps with a closing quotation mark between
    ("…,” reported X")."""
    k = i - 1
    while k > 0 and doc[k].text in CLOSE_MARKS + '"':
        k -= 1
    return doc[k].text == ","


def _closes_a_quote(doc, verb) -> bool:
    """``verb`` is a speech verb whose subject comes right after a quote's closing comma
    ("“…,” Lee added"): an attribution clause, never the words someone reports."""
    if not is_cue(verb) or verb.pos_ != "VERB" or verb.tag_ not in ("VBD", "VBZ", "VBP"):
        return False
    subj = nearest_child(verb, ("nsubj",))
    if subj is None or subj.i > verb.i or any(t.text in OPEN_MARKS + '"' for t in verb.doc[subj.i:verb.i]):
        return False  # "Lee “thus confirmed …”": words of the quote, no attribution
    lo = subj.left_edge.i
    return lo > 1 and doc[lo - 1].text in CLOSE_MARKS + '"' and _after_comma(doc, lo)


def attribute(ctx: Context, qs: int, qe: int) -> Attribution | None:
    """Who said the quote at chars [qs, qe), or None when no cue tells."""
    q = QuotePlace.of(ctx, qs, qe)
    if q is None:
        return None
    found = _find_speaker(ctx, q)
    if found is None:
        return None
    if isinstance(found, SpeakerWord) and _a_share_of_people(found.token):
        poll = _poll_before(ctx, found.token)
        if poll is not None:
            found = SpeakerWord(poll)
    if isinstance(found, SpeakerWord) and found.token.lower_ in ("he", "she", "they"):
        named = _named_cue_before(ctx, q, found.token) or _namer_of_what(found.token) or _doer_above(ctx, found.token)
        if named is not None:
            return Attribution(SpeakerWord(named), found)
    return Attribution(found, found)


def _a_share_of_people(tok) -> bool:
    """ "60 percent of residents", "six in 10 voters", "a majority": those a poll asked."""
    words = {t.lower_ for t in tok.subtree if t.i <= tok.i + 3}
    return bool(words & SHARE_WORDS) or any(t.lower_ == "in" and t.nbor(-1).like_num for t in tok.subtree if t.i > 0)


def _poll_before(ctx: Context, tok):
    """The poll or survey that is the subject of a clause earlier in ``tok``'s sentence
    ("A new poll shows how divided the town is: six in 10 residents said …")."""
    for t in ctx.doc[ctx.sentence(tok.i).start:tok.i]:
        if t.lemma_.lower() in POLL_NOUNS and t.dep_ in ("nsubj", "nsubjpass"):
            return t
    return None


def _find_speaker(ctx: Context, q: QuotePlace) -> Source | None:
    """The ways a speaker is marked, most reliable first."""
    hung = _cue_above(ctx, q)
    explicit = _as_put_it(ctx, q)
    if explicit is None:
        explicit = _sentence_according_to(ctx, q)
    ways = (
        lambda: word_source(explicit),
        lambda: transcript_label(ctx, q),
        lambda: _dash_label(ctx, q),
        lambda: _closing_attribution(ctx, q, hung.speaker),
        lambda: _pronoun_cue_after(ctx, q),
        lambda: word_source(hung.speaker),
        lambda: None if _mid_clause(ctx, q) else after_quote(ctx, q),
        lambda: _clause_subject(ctx, q, hung.clause_verb),
        lambda: _according_to_in_sentence(ctx, q),
        lambda: _nearest_cue_in_sentence(ctx, q),
        lambda: word_source(_viewpoint(ctx, q)),
        lambda: dash_byline(ctx, q),
        lambda: _cue_sentence_before(ctx, q),
        lambda: _colon_introduction(ctx, q),
        lambda: name_label_in_quote(ctx, q),
        lambda: word_source(_owner_of_words_before(ctx, q)),
        lambda: _subject_of_verb_above(ctx, q),
        lambda: _subject_sentence_before(ctx, q),
    )
    for way in ways:
        found = way()
        if found is not None and not _stands_for_no_one(found):
            return found
    return None


def _mid_clause(ctx: Context, q: QuotePlace) -> bool:
    """A finite verb comes before the quote in its sentence (after any colon): the quote
    sits inside that clause, and the words after it go on with it ("Reed summed her up
    as “lazy,” denounced her record …"; "because of “poison pill” measures added by
    …"), no attribution of their own."""
    doc = ctx.doc
    # back from the quote, at most REACH words (linear on a run-on paragraph)
    lo = max(ctx.sentence(q.a).start, ctx.tok_at(q.p_lo), q.a - REACH)
    for t in reversed(doc[lo:q.a]):
        if t.text in (":", ";"):
            return False
        if t.pos_ == "VERB" and t.tag_ in ("VBD", "VBZ", "VBP"):
            return True
    return False


def _closing_attribution(ctx: Context, q: QuotePlace, hung) -> Source | None:
    """ "Kim said Lee “would never win,” the aide recalled": a quote inside a clause
    that reports someone, closed by a comma and a short cue clause that ends the
    sentence (or goes on with "adding …"), is the closing speaker's: the whole clause
    before it is what they say.  The parser hangs the closing cue on the first."""
    if hung is None or hung.i > q.a:
        return None
    if not ctx.text[q.start:q.end].rstrip(CLOSE_MARKS + '"\u2019 ').endswith(","):
        return None
    doc = ctx.doc
    end = ctx.sentence(q.b - 1).end
    k = q.b
    while k < end and (doc[k].is_punct or doc[k].is_space):
        k += 1
    j = k
    while j < end and doc[j].text not in (",", ".", ";", ":", "!", "?"):
        j += 1
    if j == k or j - k > 6 or not any(is_cue(t) and t.pos_ == "VERB" and t.tag_ != "VBG" for t in doc[k:j]):
        return None
    if j < end and doc[j].text != "." and not (doc[j].text == "," and j + 1 < end and doc[j + 1].tag_ == "VBG"):
        return None
    return after_quote(ctx, q)


def _pronoun_cue_after(ctx: Context, q: QuotePlace) -> SpeakerWord | None:
    """ "“…,” she said, but … “…,” said Kunin": a personal pronoun and a speech verb
    right after the quote's closing comma are its attribution, whatever cue the parser
    hung the quote from."""
    if not ctx.text[q.start:q.end].rstrip(CLOSE_MARKS + '"\u2019 ').endswith(","):
        return None
    doc = ctx.doc
    k = q.b
    while k < len(doc) and doc[k].is_punct and doc[k].idx < q.p_hi:
        k += 1
    if k + 1 >= len(doc) or doc[k + 1].idx >= q.p_hi:
        return None
    pron, verb = doc[k], doc[k + 1]
    if pron.lower_ in ("he", "she", "they") and is_cue(verb) and verb.pos_ == "VERB" and verb.tag_ != "VBG":
        return SpeakerWord(pron)
    return None


def _stands_for_no_one(found: Source) -> bool:
    """ "It's been common to …", "it seems": the "it" of a copula stands for no one (a
    document's "it said", "it attacked" does); nor does the reader's "you" ("you can't
    yell “fire” in a theater")."""
    if not isinstance(found, SpeakerWord):
        return False
    low = found.token.lower_
    return low == "you" or low == "it" and found.token.head.lemma_.lower() in _COPULAS


_COPULAS = frozenset(("be", "seem", "appear", "become", "remain"))


@dataclass(frozen=True)
class _Hung:
    """What the walk up the parse from the quote found: the speaker of the outermost
    cue, or else an adverbial clause with a subject of its own that holds the quote."""

    speaker: Token | None
    clause_verb: Token | None


def _cue_above(ctx: Context, q: QuotePlace) -> _Hung:
    """The verb (or noun) the quote hangs from in the parse, or a cue hanging from it."""
    doc = ctx.doc
    a, b, p_lo, p_hi = q.a, q.b, q.p_lo, q.p_hi
    best = None
    best_dist = 99
    clause_verb = None
    # the quote's own punctuation hangs wherever the parser left it (a closing period
    # on the previous sentence's root): follow it only when no word leads out
    words_out = any(outside(t.head, a, b) for t in doc[a:b] if not t.is_punct)
    for t in doc[a:b]:
        h = t.head
        if outside(h, a, b) and not (words_out and t.is_punct):
            # the outermost cue wins: "Trump said Clinton called it “…”" is Trump's
            tok, steps = h, 0
            while steps < 12:
                if tok.idx < p_lo or tok.idx > p_hi:
                    break
                if (is_cue(tok) or tok.lower_ == "according") and not (
                    best is not None and (_naming(tok) or _silencing(tok))
                ):
                    # a naming verb ("called on Obama to …") never outranks a speech
                    # verb below it
                    spk = according_to([tok]) if tok.lower_ == "according" else (
                        _judge_of_words(tok, a) or speaker_of_cue(tok, ctx))
                    if spk is not None and outside(spk, a, b) and not _stands_for_no_one(SpeakerWord(spk)):
                        best, best_dist = spk, 0
                aside = _parenthetical_speaker(ctx, tok, q)
                if aside is not None:
                    best, best_dist = aside, 0
                if tok.head == tok:
                    break
                if best is not None and _closes_a_quote(doc, tok):
                    # "A said that “…,” Lee added, saying “…”": a closing attribution
                    # the parser made the complement of the verb before it is Lee's
                    break
                if best is not None and tok.dep_ == "advcl" and any(
                    c.dep_ == "mark" and (c.lower_ in _OWN_CLAUSE_MARKS or c.lower_ in ("while", "whereas")
                                          and best.pos_ == "PROPN" and best.head.i == tok.i)
                    for c in tok.children
                ):
                    # "X said A, though he said “…”": the clause's own speaker; and "X
                    # acted, while Lee proposed “…”": a named speaker of a contrast
                    break
                if best is not None and _with_its_own_subject(tok):
                    # "The campaign denied it, with Lee taking to Twitter to call him
                    # “…”": a "with" clause that names its own doer keeps its speaker
                    break
                if best is not None and tok.dep_ == "relcl":
                    # "X denounced the plan, which Y called “…”", "X praised Y, who vowed
                    # “…”": a relative clause keeps its own speaker; the cue outside
                    # speaks of the noun, not of the quote
                    best = _reporter_above(ctx, tok, q, best) or best
                    break
                if best is not None and tok.dep_ == "conj":
                    # "X said A, and Y called it “…”": a coordinated clause with its own
                    # subject is no cue of ours; "X says he likes her and calls her “…”"
                    # is X's
                    if nearest_child(tok, ("nsubj", "nsubjpass")) is not None:
                        # "… and the engineer replied, “…”": a speaker of its own
                        best = _reporter_above(ctx, tok, q, best) or best
                        break
                    tok = _governor_of_coordination(tok)
                    if tok is None:
                        break
                    steps += 1
                    continue
                if best is None and has_own_clause(tok):
                    # "X described Clinton as a “disgrace” after she … blamed shootings
                    # on “implicit bias”": no cue in the adverbial clause, and it has
                    # its own subject: the words are that subject's
                    clause_verb = tok
                    break
                tok = tok.head
                steps += 1
        for c in t.children:
            if outside(c, a, b) and c.dep_ in ("parataxis", "ccomp", "advcl", "conj") and is_cue(c):
                if c.idx < p_lo or c.idx > p_hi:
                    continue
                spk = speaker_of_cue(c, ctx)
                if spk is not None and outside(spk, a, b) and best_dist > 0:
                    best, best_dist = spk, 0
    return _Hung(best, clause_verb)


def _with_its_own_subject(tok) -> bool:
    """``tok`` heads an absolute "with" clause with a subject of its own ("with Lee
    taking to Twitter …")."""
    return tok.dep_ == "pcomp" and tok.head.lower_ == "with" and nearest_child(tok, ("nsubj",)) is not None


def _judge_of_words(noun, a: int):
    """ "Lee played down Kim's comments as “…”": a quote in an "as" phrase of someone's
    words that are the object of a verb judges those words; it is the verb's subject's."""
    if noun.pos_ != "NOUN" or noun.dep_ != "dobj" or noun.head.pos_ != "VERB":
        return None
    if not any(c.dep_ == "prep" and c.lower_ == "as" and c.i < a <= c.right_edge.i for c in noun.children):
        return None
    subj = nearest_child(noun.head, ("nsubj",))
    return subj if subj is not None and subj.i < noun.i and subj.lower_ not in RELATIVE else None


def _silencing(verb) -> bool:
    """ "was shouted down by the crowd after telling them “…”": a speech verb with
    "down" silences someone; it never outranks the words below it."""
    return any(c.dep_ == "prt" and c.lower_ == "down" for c in verb.children)


def _naming(verb) -> bool:
    """A naming verb ("called it a disgrace", "described him as"), which never outranks
    a speech verb below it; but "call for X to …" is a demand, words of its own."""
    if verb.lemma_.lower() not in WEAK_CUES:
        return False
    return not (verb.lemma_.lower() == "call" and any(_opens_with_for(c) for c in verb.children))


def _opens_with_for(tok) -> bool:
    """ "for" itself, or a clause "for X to …" (the parser hangs it either way)."""
    return tok.lower_ == "for" or tok.dep_ == "advcl" and any(
        g.dep_ == "mark" and g.lower_ == "for" for g in tok.children)


def _reporter_above(ctx: Context, tok, q: QuotePlace, own):
    """The one who reports the clause ``tok`` sits in ("Lee said the town lost a man
    who called it “…”", "Lee notes that A, and Kim called it “…”"): a relative or
    coordinated clause inside what someone says is part of what they report, so its
    own speaker gives way to theirs.  None when no speech verb takes it as its
    complement, or when the clause's own subject is a pronoun ("Lee said A, which he
    called “…”": news annotators mark the "he"; but in "Lee said she saw schools that
    reminded her of “…”" the "she" only stands in for "that"), or when the clause's
    own speech verb opens the quote ("…, and Kim replied, “…”": direct speech of its
    own)."""
    if own.lower_ in PRONOUNS and own.head.i == tok.i or _opens_quote(ctx.doc, own.head, q):
        return None
    for _ in range(14):  # a report runs deep: "said that she plans to … after criticising a plan that Kim said …"
        head = tok.head
        if head == tok or head.idx < q.p_lo or head.idx > q.p_hi:
            return None
        if (tok.dep_ == "ccomp" or _that_clause(tok)) and is_cue(head) and head.pos_ == "VERB" and head.lemma_.lower() not in WEAK_CUES:
            spk = speaker_of_cue(head, ctx)
            return spk if spk is not None and outside(spk, q.a, q.b) else None
        tok = head
    return None


def _that_clause(tok) -> bool:
    """ "Lee recalled that before the vote, the town was …": a clause opened by "that"
    is what the verb above reports, even where the parser hung it as adverbial."""
    return tok.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ == "that" for c in tok.children)


def _opens_quote(doc, verb, q: QuotePlace) -> bool:
    """Only punctuation stands between ``verb`` and the quote after it."""
    return verb.i < q.a and all(t.is_punct or t.is_space for t in doc[verb.i + 1:q.a])


def _parenthetical_speaker(ctx: Context, tok, q: QuotePlace):
    """The speaker of a reporting aside set off by commas in ``tok``'s clause ("CNN,
    Cruz said, called it “…”", "Nor, he said, did he …"): it frames the whole clause,
    unless it closes an earlier quote."""
    for c in _children_near(ctx, tok, q):
        if c.dep_ != "parataxis" or not (is_cue(c) and c.pos_ == "VERB") or not outside(c, q.a, q.b):
            continue
        if c.idx < q.p_lo or c.idx > q.p_hi or not _set_off_by_commas(ctx.doc, c) or _after_another_quote(ctx.doc, c, q):
            continue
        spk = nearest_child(c, ("nsubj",))
        if spk is not None and spk.i < c.i and outside(spk, q.a, q.b):
            return spk
    return None


def _children_near(ctx: Context, tok, q: QuotePlace):
    """``tok``'s children at most REACH words from the quote: the root of a run-on
    paragraph has thousands, and walking them all for every quote made the finder
    quadratic there."""
    lo, hi = max(0, q.a - REACH), min(len(ctx.doc), q.b + REACH)
    if tok.n_lefts + tok.n_rights <= hi - lo:
        return [c for c in tok.children if lo <= c.i < hi]
    return [t for t in ctx.doc[lo:hi] if t.head == tok and t != tok]


def _after_another_quote(doc, c, q: QuotePlace) -> bool:
    """ "“…,” Lee said, after Kim said “…”": an aside right after the closing mark of an
    earlier quote attributes that quote, not the clause around it."""
    lo = c.left_edge.i
    while lo < c.i and doc[lo].is_punct:
        lo += 1
    return any(t.text in CLOSE_MARKS or t.text == '"' for t in doc[max(0, lo - 2):min(lo, q.a)])


def _set_off_by_commas(doc, c) -> bool:
    lo, hi = c.left_edge.i, c.right_edge.i
    before = doc[lo] if doc[lo].text == "," else (doc[lo - 1] if lo > 0 else None)
    after = doc[hi] if doc[hi].text == "," else (doc[hi + 1] if hi + 1 < len(doc) else None)
    return before is not None and after is not None and before.text == "," and after.text == ","


def _governor_of_coordination(tok):
    """The verb that governs the clauses ``tok`` is coordinated with when they are its
    complement ("says [he likes her and calls her …]"), else None."""
    while tok.dep_ == "conj" and tok.head != tok:
        tok = tok.head
    if tok.dep_ == "ccomp" and tok.head != tok:
        return tok.head
    return None


def _clause_subject(ctx: Context, q: QuotePlace, clause_verb) -> SpeakerWord | None:
    """The subject of an adverbial clause that holds the quote ("… after she blamed
    shootings on “implicit bias”"), or, when the clause is part of what someone
    reports ("X told reporters that … because he will have “…”"), the reporter."""
    if clause_verb is None:
        return None
    tok = clause_verb
    for _ in range(6):
        if tok.head == tok or tok.head.idx < q.p_lo:
            break
        tok = tok.head
        if is_cue(tok) and tok.pos_ == "VERB" and tok.lemma_.lower() not in WEAK_CUES:
            reporter = speaker_of_cue(tok, ctx)
            if reporter is not None and outside(reporter, q.a, q.b):
                return SpeakerWord(reporter)
            break
    spk = subject_of(clause_verb)
    if spk is not None and outside(spk, q.a, q.b) and is_agentive(spk):
        return SpeakerWord(spk)
    return None


def _nearest_cue_in_sentence(ctx: Context, q: QuotePlace) -> SpeakerWord | None:
    """The sentences the quote sits in: the nearest cue outside the quote."""
    doc = ctx.doc
    a, b = q.a, q.b
    near = None
    near_d = 10**9
    for t in doc[slice(*ctx.around(a, b))]:
        if not outside(t, a, b) or t.idx < q.p_lo or t.idx > q.p_hi:
            continue
        if is_cue(t) and t.pos_ == "VERB" and not _in_side_clause(t, a, b):
            spk = speaker_of_cue(t, ctx)
            if spk is None or not outside(spk, a, b):
                continue
            d = a - t.i if t.i < a else t.i - b
            if d < near_d:
                near, near_d = spk, d
    return word_source(near)


def _in_side_clause(verb, a: int, b: int) -> bool:
    """``verb`` sits in an adverbial clause of its own ("After Lee criticized him, Kim
    shot back, “…”", "when the crowd cheered") that does not hold the quote [a, b): the
    clause sets the scene; its speaker is not the quote's."""
    tok = verb
    for _ in range(6):
        if has_own_clause(tok) or _when_clause(tok):
            if tok.left_edge.i <= a and b - 1 <= tok.right_edge.i:
                return False
            # the clause it hangs from must have a named subject of its own, or the
            # side clause may be the parser's mistake ("after Lee told the Post he was “…”")
            main = nearest_child(tok.head, ("nsubj", "nsubjpass"))
            return main is not None and main.lower_ not in PRONOUNS and is_agentive(main)
        if tok.head == tok:
            return False
        tok = tok.head
    return False


def _when_clause(tok) -> bool:
    """ "When Lee suggested …, Kim fired back: “…”": the parser makes "when" an adverb of
    the clause rather than its mark, but it is a clause of its own all the same."""
    return tok.dep_ == "advcl" and tok.pos_ == "VERB" and any(
        c.dep_ == "advmod" and c.lower_ == "when" and c.i == tok.left_edge.i for c in tok.children
    ) and nearest_child(tok, ("nsubj", "nsubjpass")) is not None


def _according_to_in_sentence(ctx: Context, q: QuotePlace) -> SpeakerWord | None:
    doc = ctx.doc
    a, b = q.a, q.b
    acc = according_to([t for t in doc[slice(*ctx.around(a, b))] if outside(t, a, b)])
    if acc is not None and q.p_lo <= acc.idx <= q.p_hi:
        return SpeakerWord(acc)
    return None


def _sentence_before(ctx: Context, q: QuotePlace):
    """The sentence just before a quote that opens its sentence, in the same
    paragraph, or a one-sentence paragraph just before one the quote opens; None when
    it opens a quotation."""
    doc = ctx.doc
    a = q.a
    opens_paragraph = not ctx.text[q.p_lo:q.start].strip()
    if opens_paragraph:
        # "Howard continued his remarks.¶“…”": a one-sentence paragraph before
        ps = a - 1
        while ps > 0 and doc[ps].is_space:
            ps -= 1
        lo = ctx.para_of(doc[ps].idx)[0] if ps > 0 else 0
    else:
        first_start = ctx.sentence(a).start
        if not (first_start == a or doc[a - 1].is_punct and first_start >= a - 1):
            return None
        ps = first_start - 1
        lo = q.p_lo
    if ps <= 0 or doc[ps].idx < lo:
        return None
    prev_sent = ctx.sentence(ps)
    if doc[prev_sent.start].idx < lo:
        return None
    if any(ch in OPEN_MARKS or ch == '"' for ch in ctx.text[prev_sent.start_char:prev_sent.end_char]):
        return None
    return prev_sent


def _cue_sentence_before(ctx: Context, q: QuotePlace) -> SpeakerWord | None:
    """The sentence just before is an attribution: "…, Schiff said. “…”"."""
    prev_sent = _sentence_before(ctx, q)
    if prev_sent is None:
        return None
    root = prev_sent.root
    for cue in [root] + [c for c in root.children if c.dep_ in ("ccomp", "conj", "parataxis")]:
        if is_cue(cue) and cue.pos_ == "VERB":
            spk = speaker_of_cue(cue, ctx)
            if spk is not None:
                return SpeakerWord(spk)
    return None


def _subject_sentence_before(ctx: Context, q: QuotePlace) -> SpeakerWord | None:
    """A quote with no cue after a sentence about someone: "Clinton touted her record.
    “…”" is Clinton's, whatever the verb (news introduces a quote so)."""
    prev_sent = _sentence_before(ctx, q)
    if prev_sent is None or any(ch in CLOSE_MARKS for ch in ctx.text[prev_sent.start_char:prev_sent.end_char]):
        return None  # the tail of a quote ("… They have become like the rest.”¶“…”") is about no one
    spk = nearest_child(prev_sent.root, ("nsubj",))
    if spk is None or spk.lower_ in RELATIVE or spk.lower_ in ("it", "we", "you", "i") or not (
        is_agentive(spk) or spk.lower_ in ROLE_NOUNS
    ):
        return None
    return SpeakerWord(spk)


def _dash_label(ctx: Context, q: QuotePlace) -> SpeakerText | None:
    """ "Pollsters agree – The Farm Bureau: “…”": a source label after a heading's dash
    and right before the quote names who speaks, whatever verb the heading has."""
    text = ctx.text
    j = skip(text, q.start - 1, " \t\r\n\u00a0", -1, -1)
    if j < 0 or text[j] != ":":
        return None
    dashed = DASH_LABEL_BEFORE.search(text, q.p_lo, j + 1)
    return None if dashed is None else SpeakerText(dashed.start(1), dashed.end(1))


def _colon_introduction(ctx: Context, q: QuotePlace) -> Source | None:
    """A colon introduction: "Carter articulated a stark reality: “…”"; a cue in a clause
    that sets the scene ("When Lee suggested …, Kim shot back: “…”") is not its cue."""
    text = ctx.text
    doc = ctx.doc
    a = q.a
    j = skip(text, q.start - 1, " \t\r\n\u00a0", -1, -1)
    if j < 0 or text[j] != ":":
        return None
    # a person's name as the label, opening the paragraph or after a heading's dash
    label = name_label(ctx, NAME_LABEL_BEFORE.search(text, q.p_lo, j + 1)) or _label_phrase(ctx, j)
    if label is not None:
        return label
    colon = ctx.tok_at(j)
    last = doc[colon - 1] if colon > 0 else None
    if last is not None and last.dep_ == "pobj" and last.head.lower_ in ("from", "by"):
        return SpeakerWord(last)  # "More from the report: “…”"
    sent = ctx.sentence(colon)
    colon_para = ctx.para_of(doc[colon].idx)[0]
    for t in doc[max(sent.start, a - REACH):min(sent.end, a)]:
        if t.idx < colon_para:
            continue  # a sentence the parser ran on from the paragraph before
        if is_cue(t) and not _in_side_clause(t, a, q.b):
            spk = speaker_of_cue(t, ctx)
            if spk is not None and spk.i < a:
                return SpeakerWord(spk)
            if t.pos_ == "VERB" and t.i + 1 < a and t.nbor(1).pos_ in ("PROPN", "PRON"):
                return SpeakerWord(t.nbor(1))
    root = sent.root
    if colon_para <= root.idx and root.i < a:
        spk = _moved_one(root) or subject_of(root)
        if spk is not None and spk.i < a:
            return SpeakerWord(spk)
    return _subject_before_colon(ctx, q, colon) or _subject_of_colons_verb(ctx, q, colon)


# verbs whose object is the one moved ("The result did not surprise Lee: “…”")
_MOVING_VERBS = frozenset("surprise shock worry alarm puzzle trouble bother disappoint astonish amaze".split())


def _moved_one(verb):
    """The person a verb of feeling moves, who then speaks: "The timing of the vote
    doesn't surprise pollster Ann Lee: “…”" is Ann Lee's."""
    if verb.lemma_.lower() not in _MOVING_VERBS:
        return None
    obj = nearest_child(verb, ("dobj",))
    return obj if obj is not None and obj.lower_ not in PRONOUNS and is_agentive(obj) else None


def _label_phrase(ctx: Context, colon: int) -> SpeakerText | None:
    """A paragraph that opens with a person named with a title and no verb, then a colon
    ("Former county executive Ann Lee: “…”"), or with a speech verb and the name ("Said
    Lee: “…”"): a label, as a transcript's."""
    doc = ctx.doc
    p_lo = ctx.para_of(colon)[0]
    lo, hi = ctx.tok_at(p_lo), ctx.tok_at(colon)
    if doc[hi].idx < colon:
        hi += 1  # the colon glued to the name and the quote (spaCy keeps `Lee:"We` whole)
    while lo < hi and (doc[lo].is_space or doc[lo].is_punct):
        lo += 1
    words = doc[lo:hi]
    said = len(words) > 1 and words[0].lower_ in SPEECH_FORMS and words[0].is_title
    if said:
        words = words[1:]  # "Said Lee:", "Stated Lee:"
    if not 1 <= len(words) <= 10 or any(t.pos_ in ("VERB", "AUX") or t.is_punct and t.text not in ".-" for t in words):
        return None
    start = words[0].idx
    end = skip(ctx.text, colon - 1, " \t\u00a0", -1, start) + 1
    if ctx.ends_with_person(start, end) or said and all(t.is_title for t in words) or _glued_surname(ctx, words, colon):
        return SpeakerText(start, end)
    return None


def _glued_surname(ctx: Context, words, colon: int) -> bool:
    """ `Jane Ann Lee:"We …`: the recogniser, blind to the surname glued to the colon and
    the quote, names a person that ends right before it."""
    last = words[-1]
    if len(words) < 2 or last.idx > colon or not last.text[:1].isupper() or not last.text[:colon - last.idx].isalpha():
        return False
    before = words[-2]
    return ctx.ends_with_person(words[0].idx, before.idx + len(before.text))


_WH_WORDS = RELATIVE | {"what", "whatever"}


def _subject_before_colon(ctx: Context, q: QuotePlace, colon: int) -> SpeakerWord | None:
    """ "She went on: “…”" where the parser took the quote for the sentence's main
    clause: the subject of the verb right before the colon, in the quote's paragraph
    or the one before ("X issued the following statement:¶“…”"); the object of a verb
    of feeling ("… did not surprise Lee: “…”")."""
    doc = ctx.doc
    lo = ctx.para_of(doc[colon].idx)[0]
    for v in reversed(doc[max(0, colon - 4):colon]):
        if v.idx < lo:
            break
        if v.pos_ == "VERB" and v.dep_ != "amod":  # "the following statement:" is no verb
            moved = _moved_one(v)
            if moved is not None and moved.i < colon:
                return SpeakerWord(moved)
            spk = nearest_child(v, ("nsubj",))
            if spk is not None and spk.lower_ in _WH_WORDS:
                continue  # "X apologized for what happened:": the verb before is X's
            if spk is not None and spk.i < v.i and spk.idx >= lo:
                return SpeakerWord(spk)
            break
    return None


def _owner_of_words_before(ctx: Context, q: QuotePlace):
    """ "after her comment that, “…”": a quote right after someone's words and a
    "that" is what they said, wherever the parser hung it."""
    doc = ctx.doc
    k = q.a - 1
    while k > 0 and (doc[k].is_punct or doc[k].is_space) and doc[k].idx >= q.p_lo:
        k -= 1
    if doc[k].lower_ != "that":
        return None
    k -= 1
    if k < 0 or doc[k].idx < q.p_lo or doc[k].pos_ != "NOUN" or not is_cue(doc[k]):
        return None
    spk = speaker_of_cue(doc[k], ctx)
    return spk if spk is not None and spk.i < k else None


def _subject_of_colons_verb(ctx: Context, q: QuotePlace, colon: int) -> SpeakerWord | None:
    """ "He then listed the qualities a nominee needs in 2016:¶“…”", where the parser
    made the quote in the next paragraph the sentence's main clause: the subject of the
    verb the colon hangs from, however far before it.  (In the quote's own paragraph the
    masked second look reads such a sentence again.)"""
    doc = ctx.doc
    verb = doc[colon].head
    if doc[colon].idx >= q.p_lo or verb.i >= colon or verb.pos_ != "VERB" or verb.idx < ctx.para_of(doc[colon].idx)[0]:
        return None
    spk = nearest_child(verb, ("nsubj",))
    if spk is None or spk.i > verb.i or spk.lower_ in _WH_WORDS:
        return None
    return SpeakerWord(spk)


def _subject_of_verb_above(ctx: Context, q: QuotePlace) -> SpeakerWord | None:
    """No speech verb: the one whose words are quoted is the subject of the verb the
    quote hangs from ("Reid has gone after Trump as a “con artist”")."""
    doc = ctx.doc
    a, b = q.a, q.b
    for t in doc[a:b]:
        if not outside(t.head, a, b):
            continue
        tok = t.head
        for _ in range(4):
            if tok.idx < q.p_lo or tok.idx > q.p_hi:
                break
            if tok.pos_ in ("VERB", "AUX"):
                tok = _main_clause_of(tok, q)
                if tok.lemma_.lower() in _COPULAS:
                    # "Rubio was “a lightweight”": the subject is what is described;
                    # but "Lee's answer was “…”": the owner of words speaks
                    subj = nearest_child(tok, ("nsubj",))
                    if subj is not None and subj.i < a and is_cue(subj) and tok.dep_ == "ROOT":
                        owner = next((c for c in subj.children if c.dep_ == "poss"), None)
                        if owner is not None:
                            return SpeakerWord(owner)
                    break
                spk = speaker_of_cue(tok, ctx)
                if spk is not None and outside(spk, a, b) and (
                    is_agentive(spk) or spk.lemma_.lower() in DOCUMENT_NOUNS or spk.lower_ in ROLE_NOUNS
                    or spk.lower_ == "who"  # "Lee, who is looking to bring “…”": a person
                ):
                    return SpeakerWord(spk)
                break
            if tok.head == tok:
                break
            tok = tok.head
        break
    return None


def _main_clause_of(verb, q: QuotePlace):
    """The verb whose complement ``verb``'s clause is ("X is questioning whether Y
    would attend “…”" -> questioning): news annotators give words quoted inside a
    reported clause to the one who reports them."""
    for _ in range(4):
        head = verb.head
        if verb.dep_ != "ccomp" or head == verb or head.pos_ not in ("VERB", "AUX"):
            break
        if head.idx < q.p_lo or nearest_child(head, ("nsubj",)) is None:
            break
        verb = head
    return verb


def _namer_of_what(pron):
    """ "Cruz has railed against what he calls the “cartel”": the one who names a thing
    inside a clause about their own deeds is the subject of that deed, which news
    annotators mark rather than the pronoun; after a speech verb the pronoun stays."""
    verb = pron.head
    if pron.dep_ != "nsubj" or verb.lemma_.lower() not in WEAK_CUES or not any(
            c.dep_ == "dobj" and c.lower_ == "what" for c in verb.children):
        return None
    tok = verb
    for _ in range(6):
        if tok.head == tok:
            return None
        tok = tok.head
        if tok.pos_ in ("VERB", "AUX"):
            subj = nearest_child(tok, ("nsubj",))
            if subj is None:
                continue
            if subj.i > pron.i or is_cue(tok) or subj.lower_ in PRONOUNS or subj.lower_ in RELATIVE:
                return None
            return subj
    return None


def _doer_above(ctx: Context, pron):
    """ "Cruz chided Trump for raising questions about whether he met the “natural born”
    standard": a pronoun that is the subject of no speech verb, in a clause inside what
    a named subject earlier in the sentence does (not a clause of its own beside it),
    gives way to that subject: the whole clause is the named one's charge."""
    tok = pron.head
    if is_cue(tok):
        return None
    sent_lo = ctx.sentence(pron.i).start
    for _ in range(12):
        if tok.head == tok or tok.head.i < sent_lo:
            return None
        below, tok = tok, tok.head
        if tok.pos_ not in ("VERB", "AUX"):
            continue
        if is_cue(tok):
            return None
        subj = nearest_child(tok, ("nsubj",))
        if subj is None or subj.i > pron.i:
            continue
        if subj.lower_ in PRONOUNS or subj.lower_ in RELATIVE or below.dep_ in ("advcl", "conj"):
            return None
        return subj if is_agentive(subj) else None
    return None


def _named_cue_before(ctx: Context, q: QuotePlace, pron):
    """ "DuVernay said she felt … because “…,” she said.": a pronoun cue after the
    quote repeats a named speaker of a speech verb earlier in the same sentence; news
    annotators mark the name.  Not after a colon ("Clinton seemed irritated: “…,” she
    wrote."): there the pronoun's own cue is the attribution."""
    doc = ctx.doc
    a, p_lo, qs = q.a, q.p_lo, q.start
    if pron.i < a:
        return None
    k = a - 1
    while k >= 0 and doc[k].idx >= p_lo and not (doc[k].text in (".", "!", "?") or "\n" in doc[k].text):
        k -= 1
    for t in doc[k + 1:a]:
        if t.pos_ == "VERB" and is_cue(t) and not ctx.text[max(0, qs - 3):qs].strip().endswith(":"):
            spk = nearest_child(t, ("nsubj",))
            if spk is not None and spk.i < t.i and spk.pos_ == "PROPN" and spk.ent_type_ in ("PERSON", "ORG", "NORP", ""):
                return spk
    return None

