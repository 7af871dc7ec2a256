"""Who said a quote: the speech cue a quote hangs from, or the other ways news marks a
speaker (after the quote, a colon introduction, a dash byline, a transcript label).

``attribute`` tries the ways one after another, most reliable first; each step is a
function of the quote's place (``QuotePlace``) that returns where the speaker is
(``SpeakerWord``: a word of the parse, whose noun phrase is the mention; or
``SpeakerText``: characters read off the text) or None.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import TYPE_CHECKING, Union

from .cues import (Context, according_to, gender_of, has_own_clause, is_agentive, is_cue, line_break_between,
                   nearest_child, outside, speaker_of_cue, subject_of)
from .lexicon import PERSON_PRONOUNS, RELATIVE, SPEECH_FORMS, WEAK_CUES
from .marks import CLOSE_MARKS, DASHES, NAME_LABEL, NAME_LABEL_BEFORE, OPEN_MARKS, TRANSCRIPT_LABEL

if TYPE_CHECKING:  # spaCy loads only with the model
    from spacy.tokens import Token


@dataclass(frozen=True)
class SpeakerWord:
    """The speaker is the noun phrase headed by this word of the parse."""

    token: Token


@dataclass(frozen=True)
class SpeakerText:
    """The speaker is these characters of the text (a transcript label, a byline)."""

    start: int
    end: int


Source = Union[SpeakerWord, SpeakerText]


@dataclass(frozen=True)
class Attribution:
    """Who said a quote, and whom a quote that goes on from it inherits: the same,
    except where a pronoun cue gave way to the name it repeats."""

    speaker: Source
    carried: Source


@dataclass(frozen=True)
class QuotePlace:
    """A quote at characters [start, end), its tokens [a, b), and the characters of
    the paragraphs it spans [p_lo, p_hi]."""

    start: int
    end: int
    a: int
    b: int
    p_lo: int
    p_hi: int

    @classmethod
    def of(cls, ctx: Context, start: int, end: int) -> "QuotePlace | None":
        a = bisect_left(ctx.starts, start)
        b = bisect_left(ctx.starts, end)
        if a >= b:
            return None
        p_lo = ctx.para_of(start)[0]
        p_hi = ctx.para_of(max(start, end - 1))[1]  # a quote over paragraphs: up to its last
        return cls(start, end, a, b, p_lo, p_hi)


def _word(tok) -> SpeakerWord | None:
    return None if tok is None else SpeakerWord(tok)


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
    for k in starts:
        if k >= n or doc[k].lower_ != "as" or doc[k].idx > p_hi or doc[k].idx < p_lo:
            continue
        v = doc[k].head
        if v.i <= k or v.i - k > 12 or not outside(v, a, b):
            continue
        lem = v.lemma_.lower()
        if lem == "put" and any(c.lower_ == "it" for c in v.children) or (is_cue(v) and v.pos_ == "VERB"):
            spk = nearest_child(v, ("nsubj",))
            if spk is not None and k < spk.i < v.i:
                return spk
    return None


def _sentence_according_to(ctx: Context, q: QuotePlace):
    """ "According to Yahoo News, X said …" : the source of the report."""
    doc = ctx.doc
    a, b, p_lo, p_hi = q.a, q.b, q.p_lo, q.p_hi
    s_lo = doc[a].sent.start
    s_hi = doc[b - 1].sent.end
    for t in doc[s_lo:s_hi]:
        if t.lower_ == "according" and outside(t, a, b) and p_lo <= t.idx <= p_hi:
            spk = according_to([t])
            if spk is not None and outside(spk, a, b):
                return spk
    return None


def _after_quote(ctx: Context, q: QuotePlace) -> Source | None:
    """A cue right after a quote that the parse missed: ``said X`` or ``X said``."""
    doc = ctx.doc
    k, p_hi = q.b, q.p_hi
    n = len(doc)
    while k < n and doc[k].is_punct and doc[k].idx < p_hi:
        k += 1
    if k >= n or doc[k].idx >= p_hi:
        return None
    if is_cue(doc[k]) and doc[k].pos_ == "VERB":
        # "said Caddell", "added Rep. Jim Clyburn, the ..."
        j = k + 1
        if j < n and doc[j].idx < p_hi and (doc[j].pos_ in ("PROPN", "PRON", "NOUN", "DET", "ADJ")):
            t = doc[j]
            for _ in range(6):
                if t.head.i > t.i and t.head.i - k < 10 and t.head.pos_ in ("PROPN", "NOUN") and t.dep_ in ("compound", "det", "amod", "poss", "nmod"):
                    t = t.head
                else:
                    break
            return SpeakerWord(t)
        return None
    # "Chief Chuck Jordan said": a short noun phrase, then the cue
    for j in range(k, min(n, k + 10)):
        t = doc[j]
        if t.idx >= p_hi or (t.is_punct and t.text not in ".-()\u2019'") or t.is_space:
            break
        if t.pos_ in ("VERB", "AUX") and not (t.text[:1].isupper() and not is_cue(t)):
            if is_cue(t) and j > k:
                lo = k
                while lo < j and doc[lo].pos_ not in ("PROPN", "NOUN", "PRON", "DET", "ADJ", "NUM"):
                    lo += 1
                while lo < j and doc[lo].lower_ in ("which", "that", "who", "whom"):
                    lo += 1
                if lo < j and any(doc[x].pos_ in ("PROPN", "NOUN", "PRON") for x in range(lo, j)):
                    if j - lo == 1 and doc[lo].pos_ == "PRON":
                        return SpeakerWord(doc[lo])
                    return SpeakerText(doc[lo].idx, doc[j - 1].idx + len(doc[j - 1].text))
            break
    return _subject_after_quote(ctx, q, k)


def _subject_after_quote(ctx: Context, q: QuotePlace, k: int) -> SpeakerWord | None:
    """ "“…,” Ramos, 58, told AFP" / "“…!” the senator barked": a quote that closes on a
    comma, question or exclamation mark is followed by its attribution, whatever the
    verb; the speaker is that verb's subject, which opens the clause after the quote."""
    doc, text = ctx.doc, ctx.text
    inner_end = text[q.start:q.end].rstrip(CLOSE_MARKS + '"\u2019 ')
    if not inner_end.endswith((",", "?", "!")):
        return None
    for t in doc[k:min(len(doc), k + 24)]:
        if t.idx >= q.p_hi or t.text in (".", ";", ":") or t.is_space or t.text in OPEN_MARKS + '"':
            return None
        if t.pos_ in ("VERB", "AUX") and t.tag_ in ("VBD", "VBZ") or t.lower_ in SPEECH_FORMS and t.i > k:
            subj = nearest_child(t, ("nsubj",))
            if subj is not None and k <= subj.i < t.i and subj.left_edge.i == k and subj.lower_ not in RELATIVE:
                return SpeakerWord(subj)
            if subj is None and t.lower_ in SPEECH_FORMS and 0 < t.i - k <= 10:
                # a phrase the parser got wrong ("screenwriter" as a verb): the words
                # between the quote and its speech verb, when they hold a name or noun
                return _phrase(doc, k, t.i)
            if t.dep_ == "ROOT":  # the clause's own verb, with no subject after the quote
                return None
    return None


def _phrase(doc, lo: int, hi: int) -> SpeakerText | None:
    """Tokens [lo, hi) as a speaker, without punctuation at their ends, when they
    hold a noun or a name."""
    while hi > lo and (doc[hi - 1].is_punct or doc[hi - 1].is_space):
        hi -= 1
    if not any(doc[x].pos_ in ("PROPN", "NOUN") for x in range(lo, hi)):
        return None
    return SpeakerText(doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1].text))


def attribute(ctx: Context, qs: int, qe: int) -> Attribution | None:
    """Who said the quote at chars [qs, qe), or None when no cue tells."""
    q = QuotePlace.of(ctx, qs, qe)
    if q is None:
        return None
    found = _find_speaker(ctx, q)
    if found is None:
        return None
    if isinstance(found, SpeakerWord) and found.token.lower_ in ("he", "she", "they"):
        named = _named_cue_before(ctx, q, found.token) or _namer_above(found.token)
        if named is not None:
            return Attribution(SpeakerWord(named), found)
    return Attribution(found, found)


def _find_speaker(ctx: Context, q: QuotePlace) -> Source | None:
    """The ways a speaker is marked, most reliable first."""
    hung = _cue_above(ctx, q)
    explicit = _as_put_it(ctx, q)
    if explicit is None and hung.speaker is not None:
        explicit = _sentence_according_to(ctx, q)
    return (
        _word(explicit)
        or _word(hung.speaker)
        or _after_quote(ctx, q)
        or _clause_subject(ctx, q, hung.clause_verb)
        or _nearest_cue_in_sentence(ctx, q)
        or _according_to_in_sentence(ctx, q)
        or _cue_sentence_before(ctx, q)
        or _colon_introduction(ctx, q)
        or _dash_byline(ctx, q)
        or _transcript(ctx, q)
        or _subject_of_verb_above(ctx, q)
    )


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
                    best is not None and tok.lemma_.lower() in WEAK_CUES
                ):
                    # a naming verb ("called on Obama to …") never outranks a speech
                    # verb below it
                    spk = according_to([tok]) if tok.lower_ == "according" else speaker_of_cue(tok, ctx)
                    if spk is not None and outside(spk, a, b):
                        best, best_dist = spk, 0
                if tok.head is tok:
                    break
                if best is not None and tok.dep_ == "conj":
                    # "X said A, and Y called it “…”": a coordinated clause with its own
                    # subject is no cue of ours; "X says he likes her and calls her “…”"
                    # is X's
                    if nearest_child(tok, ("nsubj", "nsubjpass")) is not None:
                        break  # "… and the engineer replied, “…”": a speaker of its own
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


def _governor_of_coordination(tok):
    """The verb that governs the clauses ``tok`` is coordinated with when they are its
    complement ("says [he likes her and calls her …]"), else None."""
    while tok.dep_ == "conj" and tok.head is not tok:
        tok = tok.head
    if tok.dep_ == "ccomp" and tok.head is not tok:
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
        if tok.head is tok or tok.head.idx < q.p_lo:
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
    for t in doc[doc[a].sent.start:doc[b - 1].sent.end]:
        if not outside(t, a, b) or t.idx < q.p_lo or t.idx > q.p_hi:
            continue
        if is_cue(t) and t.pos_ == "VERB":
            spk = speaker_of_cue(t, ctx)
            if spk is None or not outside(spk, a, b):
                continue
            d = a - t.i if t.i < a else t.i - b
            if d < near_d:
                near, near_d = spk, d
    return _word(near)


def _according_to_in_sentence(ctx: Context, q: QuotePlace) -> SpeakerWord | None:
    doc = ctx.doc
    a, b = q.a, q.b
    acc = according_to([t for t in doc[doc[a].sent.start:doc[b - 1].sent.end] if outside(t, a, b)])
    if acc is not None and q.p_lo <= acc.idx <= q.p_hi:
        return SpeakerWord(acc)
    return None


def _cue_sentence_before(ctx: Context, q: QuotePlace) -> SpeakerWord | None:
    """The sentence just before, in the same paragraph, is an attribution:
    "…, Schiff said. “…”"."""
    doc = ctx.doc
    a = q.a
    first = doc[a]
    if not (first.sent.start == a or doc[a - 1].is_punct and first.sent.start >= a - 1):
        return None
    ps = first.sent.start - 1
    if ps <= 0 or doc[ps].idx < q.p_lo:
        return None
    prev_sent = doc[ps].sent
    if doc[prev_sent.start].idx < q.p_lo:
        return None
    if any(ch in OPEN_MARKS or ch == '"' for ch in ctx.text[prev_sent.start_char:prev_sent.end_char]):
        return None
    root = prev_sent.root
    for cue in [root] + [c for c in root.children if c.dep_ in ("ccomp", "conj", "parataxis")]:
        if is_cue(cue) and cue.pos_ == "VERB":
            spk = speaker_of_cue(cue, ctx)
            if spk is not None:
                return SpeakerWord(spk)
    return None


def _skip(text: str, k: int, chars: str, step: int, stop: int) -> int:
    """The first position from ``k`` on, going by ``step``, that holds none of
    ``chars`` (or ``stop``)."""
    while k != stop and text[k] in chars:
        k += step
    return k


def _colon_introduction(ctx: Context, q: QuotePlace) -> Source | None:
    """A colon introduction: "Carter articulated a stark reality: “…”"."""
    text = ctx.text
    doc = ctx.doc
    a = q.a
    j = _skip(text, q.start - 1, " \t\r\n\u00a0", -1, -1)
    if j < 0 or text[j] != ":":
        return None
    # a person's name as the label, opening the paragraph or after a heading's dash
    label = _name_label(ctx, NAME_LABEL_BEFORE.search(text, q.p_lo, j + 1))
    if label is not None:
        return label
    colon = ctx.tok_at(j)
    last = doc[colon - 1] if colon > 0 else None
    if last is not None and last.dep_ == "pobj" and last.head.lower_ in ("from", "by"):
        return SpeakerWord(last)  # "More from the report: “…”"
    sent = doc[colon].sent
    for t in sent:
        if t.i >= a:
            break
        if is_cue(t):
            spk = speaker_of_cue(t, ctx)
            if spk is not None and spk.i < a:
                return SpeakerWord(spk)
            if t.pos_ == "VERB" and t.i + 1 < a and t.nbor(1).pos_ in ("PROPN", "PRON"):
                return SpeakerWord(t.nbor(1))
    root = sent.root
    if root.i < a:
        spk = subject_of(root)
        if spk is not None and spk.i < a:
            return SpeakerWord(spk)
    return _subject_before_colon(ctx, q, colon)


def _subject_before_colon(ctx: Context, q: QuotePlace, colon: int) -> SpeakerWord | None:
    """ "She went on: “…”" where the parser took the quote for the sentence's main
    clause: the subject of the verb right before the colon."""
    doc = ctx.doc
    for v in reversed(doc[max(0, colon - 4):colon]):
        if v.idx < q.p_lo:
            break
        if v.pos_ == "VERB":
            spk = nearest_child(v, ("nsubj",))
            if spk is not None and spk.i < v.i and spk.idx >= q.p_lo:
                return SpeakerWord(spk)
            break
    return None


def _dash_byline(ctx: Context, q: QuotePlace) -> SpeakerText | None:
    """A dash byline after the quote: "“…” ― Name", or opening the next paragraph
    ("“…”¶¶- Name, tweeting after the speech.")."""
    text = ctx.text
    p_hi = q.p_hi
    k = _skip(text, q.end, " \t\u00a0,.", 1, p_hi)
    if k >= p_hi:
        return _byline_below(text, p_hi)
    if text[k] not in DASHES:
        return None
    k = _skip(text, k + 1, " \t\u00a0", 1, p_hi)
    e = p_hi
    while e > k and text[e - 1] in " \t\r\u00a0.":
        e -= 1
    if 0 < e - k <= 60 and text[k].isupper():
        return SpeakerText(k, e)
    return None


def _byline_below(text: str, p_hi: int) -> SpeakerText | None:
    """A paragraph that is a dash and a name (up to a comma or its end)."""
    k = _skip(text, p_hi, " \t\r\n\u00a0", 1, len(text))
    if k >= len(text) or text[k] not in DASHES or k - p_hi > 4:
        return None
    k = _skip(text, k + 1, " \t\u00a0", 1, len(text))
    e = k
    while e < len(text) and text[e] not in ",\n(":
        e += 1
    while e > k and text[e - 1] in " \t\r\u00a0.":
        e -= 1
    if 0 < e - k <= 60 and text[k:k + 1].isupper():
        return SpeakerText(k, e)
    return None


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
                spk = speaker_of_cue(tok, ctx)
                if spk is not None and outside(spk, a, b) and is_agentive(spk):
                    return SpeakerWord(spk)
                break
            if tok.head is tok:
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
        if verb.dep_ != "ccomp" or head is verb or head.pos_ not in ("VERB", "AUX"):
            break
        if head.idx < q.p_lo or nearest_child(head, ("nsubj",)) is None:
            break
        verb = head
    return verb


def _namer_above(pron):
    """ "Trump … encouraged Americans to check out what he called Machado's “sex
    tape”", "Clinton's campaign is seeking to contrast her approach with what they call
    …": the pronoun subject of a naming verb (call, describe) inside a complement or
    relative clause stands for the subject of the clause above it, which news
    annotators mark as the source."""
    verb = pron.head
    if pron.dep_ != "nsubj" or verb.lemma_.lower() not in WEAK_CUES:
        return None
    if verb.dep_ not in ("ccomp", "pcomp", "relcl"):
        return None
    tok = verb.head
    for _ in range(8):
        subj = nearest_child(tok, ("nsubj",)) if tok.pos_ in ("VERB", "AUX") else None
        if subj is not None and subj.i < pron.i and subj is not pron:
            if pron.lower_ == "they":
                ok = subj.pos_ in ("NOUN", "PROPN") and subj.lower_ not in RELATIVE
            else:
                ok = subj.pos_ == "PROPN" or subj.lower_ in ("he", "she")
                g = gender_of(subj)
                if g is not None and g != PERSON_PRONOUNS[pron.lower_]:
                    ok = False
            return subj if ok else None
        if tok.head is tok or tok.dep_ == "advcl" or line_break_between(tok.doc, tok.i, pron.i):
            return None
        tok = tok.head
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
    while k >= 0 and doc[k].idx >= p_lo and not (doc[k].text in (".", "!", "?") or doc[k].is_space):
        k -= 1
    for t in doc[k + 1:a]:
        if t.pos_ == "VERB" and is_cue(t) and not ctx.text[max(0, qs - 3):qs].strip().endswith(":"):
            spk = nearest_child(t, ("nsubj",))
            if spk is not None and spk.i < t.i and spk.pos_ == "PROPN" and spk.ent_type_ in ("PERSON", "ORG", "NORP", ""):
                return spk
    return None


def _transcript(ctx: Context, q: QuotePlace) -> SpeakerText | None:
    """A transcript line: "NAME: …", or a person's name as the label ("Jane Doe: “…”",
    "“Jane Doe: …")."""
    text = ctx.text
    m = TRANSCRIPT_LABEL.match(text, q.p_lo, q.p_hi)
    if m and m.end() <= q.start:
        return SpeakerText(m.start(1), m.end(1))
    m = TRANSCRIPT_LABEL.match(text, q.start + 1, q.p_hi)
    if m:
        return SpeakerText(m.start(1), m.end(1))
    return _name_label(ctx, NAME_LABEL.match(text, q.start + 1, q.p_hi))


def _name_label(ctx: Context, m) -> SpeakerText | None:
    if m and ctx.is_person_at(m.start(1), m.end(1)):
        return SpeakerText(m.start(1), m.end(1))
    return None
