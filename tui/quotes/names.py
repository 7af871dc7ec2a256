"""The speaker's mention as a noun phrase, and the fullest name it stands for in the
article."""
from __future__ import annotations

import re
from bisect import bisect_left
from typing import Callable, NamedTuple

from ..speakers import clean_name, name_words
from .cues import Attribution, Context, SpeakerWord, is_cue
from .lexicon import (FEMALE_NAMES, FEMALE_TITLES, MALE_NAMES, MALE_TITLES, PERSON_PRONOUNS, PRONOUNS, RELATIVE,
                      TITLE_WORDS)


class Mention(NamedTuple):
    """Where a speaker is mentioned: characters [start, end) of the text."""

    start: int
    end: int


# whether the article names a word before a character of the parsed text
NamedBefore = Callable[[str, int], bool]


def named_in(text: str, place: Callable[[int], int] = lambda at: at) -> NamedBefore:
    """Whether ``text`` names a word before a character of the parsed text, which
    ``place`` maps into ``text`` (a masked sentence into its article)."""
    def named(word: str, at: int) -> bool:
        return re.compile(rf"\b{re.escape(word)}\b").search(text, 0, place(at)) is not None
    return named


def mention_span(tok, quote_lo: int, quote_hi: int, para: tuple[int, int], named_before: NamedBefore) -> Mention:
    """Character span of the noun phrase headed by ``tok``: the whole phrase with its
    titles and appositions (``Scott Pruitt, the attorney general of Oklahoma``), as news
    annotators mark a source, kept inside its paragraph and out of the quote.
    Pronouns stay pronouns, save for a coordination ("she and two other members").
    ``named_before`` tells a newcomer, whose description stays whole."""
    if (tok.lower_ in PRONOUNS or tok.lower_ in RELATIVE) and not any(c.dep_ == "conj" for c in tok.rights):
        # personal and relative pronouns stand alone, unless others share the words
        # ("she and other members"); "someone in the audience", "those surveyed" keep
        # their phrase
        return Mention(tok.idx, tok.idx + len(tok.text))
    doc = tok.doc
    lo, hi = tok.left_edge.i, tok.right_edge.i
    p_lo, p_hi = para
    # never reach into the quote nor out of the paragraph
    while lo < tok.i and (doc[lo].idx < p_lo or quote_lo <= doc[lo].idx < quote_hi):
        lo += 1
    while hi > tok.i and (doc[hi].idx > p_hi or quote_lo <= doc[hi].idx < quote_hi):
        hi -= 1
    if lo < tok.i and any(quote_lo <= doc[k].idx < quote_hi for k in range(lo, tok.i)):
        lo = tok.i
    if hi > tok.i and any(quote_lo <= doc[k].idx < quote_hi for k in range(tok.i, hi + 1)):
        hi = tok.i
    for k in range(tok.i - 1, lo - 1, -1):
        if doc[k].text in ("\u2015", "\u2014", "\u2013", ":", ";", "--") or (
            doc[k].text == "-" and doc[k].whitespace_ and doc[k - 1].whitespace_
        ):
            lo = k + 1
            break
    while lo < tok.i and (doc[lo].is_punct or doc[lo].is_space or doc[lo].dep_ == "cc"):
        lo += 1
    hi = _trim(doc, tok, _before_other_quote(tok, hi))
    start = doc[lo].idx
    end = doc[hi].idx + len(doc[hi].text)
    # a long relative clause set between a subject and its verb ("Reed, who has run
    # the shop for years, said “…”") is an aside; after the quote ("“…,” said Reed,
    # who has run the shop for years") annotators keep it to the end of the sentence,
    # and so they do where it brings in someone named in full for the first time
    newcomer = _introduced(tok, named_before)
    clauses = _CLAUSE_DEPS | {"relcl"} if tok.idx < quote_lo and not newcomer else _CLAUSE_DEPS
    cut = _trim(doc, tok, _before_clause(tok, hi, clauses))
    cut_end = doc[cut].idx + len(doc[cut].text)
    if end - start > max(3 * (cut_end - start), 40):
        # a long clause after the name is no part of it; a short one may stay, as news
        # annotators often keep it ("Smith, who chairs the panel")
        end = cut_end
    end = _name_after_title(doc, tok, end, (quote_lo, quote_hi), p_hi)
    # a newcomer's description ("Ann Lee, a professor of law at … who has …") runs longer
    longest = 200 if newcomer else 160
    if end - start <= longest:
        return Mention(start, end)
    # too long: up to the last comma that leaves it short enough
    for k in range(hi, tok.i, -1):
        if doc[k].text == "," and doc[k - 1].idx + len(doc[k - 1].text) - start <= longest:
            j = k - 1
            while j > tok.i and (doc[j].is_punct or doc[j].is_space):
                j -= 1
            return Mention(start, doc[j].idx + len(doc[j].text))
    # otherwise the name alone, with its titles and compounds
    lo = tok.i
    while lo > 0 and doc[lo - 1].dep_ in ("compound", "amod", "det", "poss", "case", "nmod") and doc[lo - 1].head.i >= lo:
        lo -= 1
    return Mention(doc[lo].idx, tok.idx + len(tok.text))


def mentions(ctx: Context, found: Attribution, qs: int, qe: int,
             named_before: NamedBefore | None = None) -> tuple[Mention, Mention]:
    """The speaker's mention, and the one a quote going on from this one inherits;
    ``named_before`` reads the article when ``ctx`` is only a piece of it."""
    named = named_before or named_in(ctx.text)

    def span(source) -> Mention:
        if isinstance(source, SpeakerWord):
            return mention_span(source.token, qs, qe, ctx.para_of(source.token.idx), named)
        return Mention(source.start, source.end)

    spk = span(found.speaker)
    return spk, (spk if found.carried is found.speaker else span(found.carried))


def _name_after_title(doc, tok, end: int, quote: tuple[int, int], p_hi: int) -> int:
    """The end of a mention that stops on a title the parser cut from its name ("said
    Army Capt. | Jo Lee", "1st Lt. | Jo Lee", "radio co-|host Jo Lee"): through the
    title's dot, hyphen and words to the end of the person's name right after it."""
    k = tok.i
    while k < len(doc) and doc[k].idx + len(doc[k].text) < end:
        k += 1
    if k >= len(doc) - 1 or doc[k].ent_type_ == "PERSON":
        return end
    last = doc[k]
    attached = not last.whitespace_ and doc[k + 1].text in (".", "-")
    if not (attached or _is_title(last) or last.text[:1].isdigit()):
        return end
    for j in range(k + 1, min(len(doc), k + 6)):
        t = doc[j]
        if t.idx >= p_hi or quote[0] <= t.idx < quote[1]:
            break
        if t.ent_type_ == "PERSON" and t.ent_iob_ == "B":
            while j + 1 < len(doc) and doc[j + 1].ent_iob_ == "I" and doc[j + 1].idx < p_hi:
                j += 1
            return doc[j].idx + len(doc[j].text)
        glued = not doc[j - 1].whitespace_
        if not (glued and (t.text in (".", "-") or doc[j - 1].text == "-") or _is_title(t)):
            break
    return end


def _is_title(t) -> bool:
    return t.lower_ in TITLE_WORDS or t.lower_ + "." in TITLE_WORDS


# what follows a name but is no part of it: "Perry, who hugged her", "The Post, which
# backed her", "Sanders, celebrating a win", "Smith as he dined"
_CLAUSE_DEPS = frozenset(("acl", "advcl"))


def _introduced(tok, named_before: NamedBefore) -> bool:
    """``tok`` ends a full name ("Tom Reed") that the article has not named before:
    the clause after it says who this newcomer is."""
    full = any(c.dep_ == "compound" and c.pos_ == "PROPN" for c in tok.lefts)
    return full and tok.pos_ == "PROPN" and not named_before(tok.text, tok.idx)


def _trim(doc, tok, hi: int) -> int:
    while hi > tok.i and ((doc[hi].is_punct and doc[hi].text != ")") or doc[hi].is_space):
        hi -= 1
    return hi


_QUOTE_MARKS = frozenset('"\u201c\u201d\u00ab\u00bb')


def _before_other_quote(tok, hi: int) -> int:
    """The last token of the mention before a relative clause that reports words of its
    own ("Beck, who said there were “too many …”" is Beck): that is another
    attribution, not part of who speaks."""
    doc = tok.doc
    for c in tok.rights:
        if c.i > hi or c.dep_ != "relcl":
            continue
        words = doc[c.left_edge.i:min(hi, c.right_edge.i) + 1]
        if any(t.text in _QUOTE_MARKS for t in words) and any(is_cue(t) for t in words):
            return max(tok.i, c.left_edge.i - 1)
    return hi


def _before_clause(tok, hi: int, deps=_CLAUSE_DEPS) -> int:
    """The last token of the mention before the first clause hanging from its head."""
    for c in tok.rights:
        if c.i <= hi and c.dep_ in deps and not _defining(tok, c):
            return max(tok.i, c.left_edge.i - 1)
    return hi


def _defining(tok, clause) -> bool:
    """A participle right after a common noun, with no comma ("a source involved in
    the talks", "one official briefed on the plan"): it says who the speaker is."""
    common = tok.pos_ == "NOUN" or any(c.dep_ in ("det", "nummod") for c in tok.lefts)  # "one Republican"
    return clause.dep_ == "acl" and common and clause.left_edge.i == tok.i + 1 and clause.tag_ == "VBN"


def _main_subject(tok) -> bool:
    """``tok`` is the subject of its sentence's main verb or of a speech verb: the one a
    later "he" or "she" most likely stands for ("Ross said Baker was wrong. He added"
    is Ross)."""
    if tok.dep_ not in ("nsubj", "nsubjpass"):
        return False
    verb = tok.head
    return verb.dep_ == "ROOT" or is_cue(verb)


class Names:
    """Full names of the article's people, by each word of them, and their gender."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.full: dict[str, str] = {}
        self.gender: dict[str, str] = {}
        # (char start, full-name key, the mention is a subject) in text order
        self.mentions: list[tuple[int, str, bool]] = []
        doc = ctx.doc
        for e in ctx.persons:
            name = clean_name(e.text)
            if not name:
                continue
            words = name_words(name)
            for w in words:
                key = w.lower()
                if len(name) > len(self.full.get(key, "")):
                    self.full[key] = name
            g = None
            prev = doc[e.start - 1].lower_ if e.start > 0 else ""
            if prev in FEMALE_TITLES:
                g = "f"
            elif prev in MALE_TITLES:
                g = "m"
            elif words and words[0].lower() in FEMALE_NAMES:
                g = "f"
            elif words and words[0].lower() in MALE_NAMES:
                g = "m"
            if words:
                last = words[-1].lower()
                if g and last not in self.gender:
                    self.gender[last] = g
                self.mentions.append((e.start_char, last, _main_subject(e.root)))
        # a surname the entity recogniser missed ("Ross later said") is still that person
        in_entity = {t.i for e in ctx.persons for t in e}
        for t in doc:
            if t.pos_ == "PROPN" and t.i not in in_entity and t.lower_ in self.full:
                self.mentions.append((t.idx, t.lower_, _main_subject(t)))
        self.mentions.sort()

    def by_word(self, word: str) -> str | None:
        return self.full.get(clean_name(word).lower())

    def before(self, char: int, gender: str | None) -> str | None:
        """The person a pronoun at ``char`` stands for: the nearest earlier one whose
        gender fits, preferring one who was the subject of a clause a few mentions back
        ("Tom Baker met Bill Ross. He added …" is Baker)."""
        k = bisect_left(self.mentions, (char, "")) - 1
        nearest = None
        for steps in range(30):
            if k - steps < 0:
                break
            _, last, subject = self.mentions[k - steps]
            g = self.gender.get(last)
            if gender is None or g is None or g == gender:
                if subject and steps < 8:
                    return self.full.get(last)
                if nearest is None:
                    nearest = last
        return None if nearest is None else self.full.get(nearest)


def _entities_within(span) -> list[tuple[str, str]]:
    """The label and text of each entity wholly inside ``span``, as ``span.ents`` but read
    off the span's own tokens (``span.ents`` walks all of the article's entities: once
    per quote, quadratic in a long article)."""
    doc = span.doc
    out = []
    k = span.start
    while k < span.end:
        if doc[k].ent_iob_ != "B":
            k += 1
            continue
        j = k + 1
        while j < len(doc) and doc[j].ent_iob_ == "I":
            j += 1
        if j > span.end:
            break
        out.append((doc[k].ent_type_, doc[k:j].text))
        k = j
    return out


def resolve_name(ctx: Context, names: Names, start: int, end: int) -> str | None:
    text = ctx.text[start:end]
    low = text.strip().lower()
    if low in PRONOUNS:
        if low in PERSON_PRONOUNS:
            return names.before(start, PERSON_PRONOUNS[low])
        return None
    doc = ctx.doc
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    ents = _entities_within(span)
    for label, name in ents:
        if label == "PERSON":
            words = [w for w in clean_name(name).split() if w[:1].isupper()]
            if words:
                return names.by_word(words[-1]) or clean_name(name)
    # a surname alone, or an upper-case transcript name ("PENCE")
    props = [t for t in span if t.pos_ == "PROPN" and t.text[:1].isupper() and t.lower_ not in TITLE_WORDS]
    for t in reversed(props):
        full = names.by_word(t.text)
        if full:
            return full
    for label, name in ents:
        if label in ("ORG", "NORP", "GPE", "PERSON"):
            return clean_name(name)
    if props:
        return clean_name(" ".join(t.text for t in props))
    return None


# --------------------------------------------------------------------------------------
# the finder
