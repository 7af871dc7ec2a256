"""Per-document lookups and the speech cues of a parse: which words are cues, and
whose subject speaks through them."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING, Union

from .lexicon import ADVERBIAL_MARKS, CUE_NOUNS, DOCUMENT_NOUNS, PRONOUNS, RELATIVE, SPEECH_FORMS, SPEECH_VERBS

if TYPE_CHECKING:  # spaCy loads only with the model
    from spacy.tokens import Token


# How far from a quote its cue is looked for within the sentence: news sentences are far
# shorter; a parse that runs on (a transcript with no full stops) would make the look
# at every quote read the whole text.
REACH = 120


def _sentence_bounds(doc, text: str, starts: list[int], first: list[int]) -> list[int]:
    """The first token of every sentence (``first``, the parser's), then the doc's
    length; no sentence runs over a line break (the parser may run the closing mark of
    one paragraph on into the first sentence of the next)."""
    n = len(doc)
    if not n:
        return [0, 0]
    bounds = set(first) | {0}
    for m in re.finditer(r"\n", text):
        k = bisect_right(starts, m.start())  # the token after the one holding the break
        if k < n:
            bounds.add(k)
    return sorted(bounds) + [n]


class Context:
    """Per-document lookups, built once in linear time."""

    __slots__ = ("doc", "text", "starts", "para_starts", "persons", "person_starts", "sent_bounds")

    def __init__(self, doc):
        self.doc = doc
        self.text = text = doc.text
        # read as arrays: a Token object per word costs more than the rest of this
        cols = doc.to_array(["IDX", "SENT_START"]).tolist() if len(doc) else []
        self.starts = [c[0] for c in cols]
        # spaCy's Token.sent walks to its sentence's edges at every call: a run-on
        # paragraph of many quotes made the finder quadratic (40 s at 60,000 characters)
        first = [i for i, c in enumerate(cols) if c[1] == 1] if doc.has_annotation("SENT_START") else []
        self.sent_bounds = _sentence_bounds(doc, text, self.starts, first)
        self.para_starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
        self.persons = [e for e in doc.ents if e.label_ == "PERSON"]
        self.person_starts = [e.start_char for e in self.persons]

    def is_person_at(self, start: int, end: int) -> bool:
        """A PERSON entity covers characters [start, end)."""
        k = bisect_right(self.person_starts, start) - 1
        return k >= 0 and self.persons[k].end_char >= end

    def ends_with_person(self, start: int, end: int) -> bool:
        """Characters [start, end) are a PERSON entity, perhaps after a title ("Rep. Jo
        Lee", "Mayor Ann Lee"): one ends at ``end`` and starts inside."""
        k = bisect_right(self.person_starts, end - 1) - 1
        return k >= 0 and self.persons[k].start_char >= start and self.persons[k].end_char >= end

    def sentence(self, i: int):
        """The sentence holding token ``i``, as ``doc[i].sent`` but without the walk."""
        k = bisect_right(self.sent_bounds, i) - 1
        return self.doc[self.sent_bounds[k]:self.sent_bounds[k + 1]]

    def around(self, a: int, b: int) -> tuple[int, int]:
        """The tokens a quote's cue is looked for in: the sentences holding tokens a..b,
        at most ``REACH`` tokens either side of them."""
        lo = self.sentence(a).start
        hi = self.sentence(b - 1).end
        return max(lo, a - REACH), min(hi, b + REACH)

    def tok_at(self, char: int) -> int:
        """Index of the token holding character ``char`` (or the one just before it)."""
        return max(0, bisect_right(self.starts, char) - 1)

    def para_of(self, char: int) -> tuple[int, int]:
        k = bisect_right(self.para_starts, char) - 1
        start = self.para_starts[k]
        end = self.para_starts[k + 1] - 1 if k + 1 < len(self.para_starts) else len(self.text)
        return start, end



def line_break_between(doc, i: int, j: int) -> bool:
    lo, hi = (i, j) if i < j else (j, i)
    for k in range(lo, hi):
        t = doc[k]
        if "\n" in t.whitespace_ or (t.is_space and "\n" in t.text):
            return True
    return False


def nearest_child(tok, deps):
    """The child of ``tok`` with one of ``deps`` nearest to it with no line break in
    between (a broken parse can hang a heading's "p.m." or a dash on the verb as a
    second subject), never a punctuation mark."""
    best = None
    doc = tok.doc
    for c in tok.children:
        if c.dep_ not in deps or c.is_punct or c.is_space:
            continue
        if line_break_between(doc, c.i, tok.i):
            continue
        if best is None or abs(c.i - tok.i) < abs(best.i - tok.i):
            best = c
    return best


def subject_of(v):
    """The subject of verb ``v``, climbing through conjuncts, open complements and
    prepositions ("began by saying", "after saying")."""
    tok = v
    if v.tag_ == "VBG" and v.i > 0 and v.dep_ in ("xcomp", "advcl", "acl", "conj", "dep"):
        # "footage of Clinton saying", "a video showing Trump saying": the -ing cue
        # right after a name is that person's, whatever the parser hung it on
        prev = v.doc[v.i - 1]
        if prev.pos_ == "PROPN" and prev.dep_ in ("pobj", "dobj") and prev.head != v:
            return prev
    for step in range(6):
        c = nearest_child(tok, ("nsubj", "csubj") if step == 0 else ("nsubj", "csubj", "nsubjpass"))
        if c is not None:
            return c
        for c in tok.children:
            if c.dep_ == "agent" and not _passive_conj_above(tok, step):  # passive: "was written by X"
                for g in c.children:
                    if g.dep_ == "pobj":
                        return g
        if tok.dep_ == "xcomp" and tok.head != tok and not is_cue(tok.head):
            # object control: "led the journalist to fear …" -> the journalist
            obj = nearest_child(tok.head, ("dobj",))
            if obj is not None and obj.i < tok.i and obj.lower_ not in PRONOUNS and (
                is_agentive(obj) or any(c.dep_ == "conj" and is_agentive(c) for c in obj.children)
            ):
                return obj
        if tok.dep_ in ("conj", "xcomp", "advcl", "acl", "ccomp", "pcomp") and tok.head != tok:
            if tok.dep_ == "acl":
                # "footage of Clinton asking" -> Clinton; "tweets saying" -> the clause
                if tok.head.pos_ == "PROPN" or tok.head.ent_type_ in ("PERSON", "ORG", "NORP"):
                    return tok.head
                tok = tok.head
                while tok.dep_ not in ("ROOT",) and tok.pos_ in ("NOUN", "PROPN", "ADP") and tok.head != tok:
                    tok = tok.head
                continue
            tok = tok.head
            continue
        if tok.pos_ == "ADP" and tok.dep_ in ("prep", "conj") and tok.head != tok and tok.head.pos_ in ("VERB", "AUX"):
            tok = tok.head
            continue
        break
    for c in tok.children:
        if c.dep_ == "nsubjpass" and tok.lemma_.lower() in ("quote", "cite"):
            return c
    return None


def _passive_conj_above(tok, step: int) -> bool:
    """ "Lee was booed and shouted down by the crowd after telling them …": climbing from
    a participle to a passive verb joined to another, the one who tells is the passive's
    subject, not its agent."""
    return step > 0 and tok.dep_ == "conj" and nearest_child(tok.head, ("nsubjpass",)) is not None


def is_cue(tok) -> bool:
    lem = tok.lemma_.lower()
    if tok.pos_ in ("VERB", "AUX"):
        return lem in SPEECH_VERBS or tok.lower_ in SPEECH_FORMS
    if tok.pos_ in ("NOUN",):
        return lem in CUE_NOUNS
    return False


def speaker_of_cue(cue, ctx):
    """The speaker token of a cue word (verb subject, or the owner of a cue noun or its
    author after "by"), looked for in the cue's own paragraph only."""
    if cue.pos_ == "NOUN":
        for c in cue.children:
            if c.dep_ == "poss":
                return _handler_of(cue, c) or c
        return _author_by(cue)
    spk = subject_of(cue) or _name_just_before(cue)
    if spk is None:
        return None
    spk = antecedent(spk)
    if spk is None:
        return None
    text = ctx.text
    lo, hi = (spk.idx, cue.idx) if spk.i < cue.i else (cue.idx, spk.idx)
    if "\n" in text[lo:hi]:
        return None
    return spk


def _author_by(noun):
    """ "the suggestion by the mayor that …": whose words a cue noun are, named after it."""
    for c in noun.children:
        if c.dep_ == "prep" and c.lower_ == "by":
            return next((g for g in c.children if g.dep_ == "pobj"), None)
    return None


def _handler_of(noun, owner):
    """Whoever handles someone's words: "Field called the mayor's claim “false”" is
    Field's; "Diaz pushed her promise of “…”" is Diaz's (the owner is a pronoun for
    her). The subject of the verb the cue noun is the object of, when that verb speaks
    or the owner is only a pronoun."""
    if noun.dep_ != "dobj" or noun.head.pos_ != "VERB":
        return None
    verb = noun.head
    subj = nearest_child(verb, ("nsubj",))
    if subj is None or subj.i > noun.i or subj.lower_ in RELATIVE:
        return None
    if is_cue(verb):
        return subj
    # "his"/"her" only stands for a person who is the subject ("The crowd picked up her
    # slogan" is hers)
    if owner.lower_ in ("his", "her") and (subj.pos_ == "PROPN" or subj.lower_ in ("he", "she")
                                           or _surname_taken_for_plural(subj, verb)):
        return subj
    return None


def _surname_taken_for_plural(subj, verb) -> bool:
    """ "Jenkins has pushed his …": a capitalised subject the tagger calls a plural noun
    but whose verb is singular is a surname ending in -s ("Voters have …" stays plural)."""
    return subj.tag_ == "NNS" and subj.is_title and (
        verb.tag_ == "VBZ" or any(c.dep_ in ("aux", "auxpass") and c.tag_ == "VBZ" for c in verb.children))


def _name_just_before(cue):
    """ "Shaw said that …" opening a paragraph: a name right before a speech verb that
    has no subject is that subject, which the parser hung elsewhere (on the paragraph
    before, or as the object of a word it took for a verb)."""
    if cue.i == 0 or cue.pos_ != "VERB" or cue.tag_ not in ("VBD", "VBZ", "VBN"):
        return None
    if cue.tag_ == "VBN" and any(c.dep_ in ("aux", "auxpass") for c in cue.children):
        return None  # "… was called": a participle, no past tense the tagger missed
    prev = cue.doc[cue.i - 1]
    if prev.pos_ == "PROPN" and prev.head != cue and prev.dep_ not in ("pobj", "poss"):
        return prev
    if prev.pos_ == "ADV" and prev.is_title and prev.is_alpha and not prev.is_sent_start:
        return prev  # "And Skelly called …": a surname the tagger took for an adverb
    if prev.dep_ == "appos" and prev.pos_ == "NOUN" and prev.left_edge.i > 0 and cue.doc[prev.left_edge.i - 1].text == ",":
        # "In an interview with Jo Lee, the candidate stated": the parser took the
        # subject for an apposition to the name before the comma
        return prev
    if prev.text == "," and cue.i > 1 and cue.doc[cue.i - 2].dep_ == "appos":
        # "In a statement to the paper, her adviser, Jake Lee, said": the parser hung
        # the speaker on the phrase before as an apposition; the outermost apposition
        # that is no object is the subject
        spk = cue.doc[cue.i - 2]
        while spk.dep_ == "appos" and spk.head.dep_ == "appos" and spk.head.i < spk.i:
            spk = spk.head
        if spk.pos_ in ("PROPN", "NOUN") and spk.head.i < spk.i:
            return spk
    return None


def antecedent(spk):
    """Relative pronouns as speakers.  "who" (and "which" after a name) is kept: news
    annotators mark the relative pronoun itself ("Schiff, who said").  A document that
    speaks ("a letter that says", "a comment that described") stands for whoever
    issued it, the subject of the verb it is the object of, or, when the sentence names no
    one, speaks itself ("linked to the report, which notes").  A bare "that" or "this"
    that is no relative pronoun is no speaker."""
    low = spk.lower_
    if low not in RELATIVE and low != "this":
        return spk
    if low in ("who", "whom"):
        return spk
    clause = spk.head
    if low == "this" or clause.head == clause:
        return None
    if clause.dep_ != "relcl":  # "the Police Department which reported", misparsed
        return spk if low == "which" and clause.head.pos_ in ("PROPN", "NOUN", "VERB") else None
    ante = clause.head
    if ante.pos_ in ("PROPN", "PRON") or ante.ent_type_ in ("PERSON", "ORG", "NORP", "GPE"):
        return spk
    if ante.pos_ == "NOUN" and ante.dep_ in ("dobj", "pobj", "attr"):
        gov = ante.head
        if ante.dep_ == "pobj" and gov.head != gov:
            gov = gov.head
        if gov.pos_ in ("VERB", "AUX"):
            s = subject_of(gov)
            if s is not None and s.lower_ not in RELATIVE:
                return s
        # no one issued it in the sentence ("linked to the report, which notes …"):
        # the document speaks, as its relative pronoun
        return spk if ante.lemma_.lower() in DOCUMENT_NOUNS else None
    return spk


def according_to(tokens):
    for t in tokens:
        if t.lower_ == "according":
            for c in t.children:
                if c.lower_ == "to":
                    for g in c.children:
                        if g.dep_ == "pobj":
                            return g
            if t.i + 1 < len(t.doc) and t.nbor(1).lower_ == "to":
                for g in t.nbor(1).children:
                    if g.dep_ == "pobj":
                        return g
    return None


def has_own_clause(tok) -> bool:
    """``tok`` heads an adverbial clause ("after she …", or a conjunct of one) with a
    subject of its own."""
    v = tok
    while v.dep_ == "conj" and v.head != v:
        if v.pos_ in ("VERB", "AUX") and nearest_child(v, ("nsubj", "nsubjpass")) is not None:
            return False
        v = v.head
    if v.dep_ != "advcl" or v.pos_ not in ("VERB", "AUX"):
        return False
    if not any(c.dep_ == "mark" and c.lower_ in ADVERBIAL_MARKS for c in v.children):
        return False  # "tweeted that Machado was …" misparsed as adverbial
    s = nearest_child(v, ("nsubj", "nsubjpass"))
    return s is not None and s.lower_ not in RELATIVE


def is_agentive(spk) -> bool:
    """A subject that can be the author of words: a name, a personal pronoun, an
    organisation, or a noun phrase that names one ("Another critic, Laurence Tribe",
    "a Government Accountability Office report")."""
    if spk.pos_ == "PROPN" or spk.lower_ in PRONOUNS or spk.ent_type_ in ("PERSON", "ORG", "NORP", "GPE"):
        return True
    return any(
        (c.dep_ == "appos" and (c.pos_ == "PROPN" or c.ent_type_ == "PERSON"))
        or (c.dep_ in ("compound", "nmod") and c.ent_type_ in ("PERSON", "ORG"))
        for c in spk.children
    )


def outside(tok, a: int, b: int) -> bool:
    return tok.i < a or tok.i >= b


# --------------------------------------------------------------------------------------
# where a quote is, and where its speaker is


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


def word_source(tok) -> SpeakerWord | None:
    return None if tok is None else SpeakerWord(tok)
