"""A second look at a quote's sentence, re-parsed with the quotation's words masked.

en_core_web_sm parses a sentence that holds a long quotation badly: the quoted words
outnumber the reporting clause, so the parser leaves the cue without a subject, hangs
the reporter's subject on a verb inside the quote, or cuts the sentence between the cue
and the quote.  The finder then finds no speaker, or one from a weaker way.  With the
quotation replaced by one short word inside the same marks (``Lee, who …, told
reporters on Monday: “Yes.”``) the same parser gets the sentence right.

So for each quote whose first attribution is weak (``needs_second_look``: no speaker,
a speaker inside a quote, one whose verb the quote does not hang from, or the subject
of a clause below the sentence's verb that does not speak), the finder
builds that masked sentence (``Masked``), re-parses all of an article's at once through
the ``parse`` it was given (``nlp.pipe``), attributes the quote on the new parse with
the same rules, and maps the speaker's characters back onto the article.  A quote that
parse still leaves without a speaker is masked again with a clause ("It is true", then
"We can win this") in place of the word, which the parser reads another way.  Only weak quotes are re-parsed:
applied to every quote, the second parse breaks more speakers than it mends (the parse
of a short sentence is not always the better one) and costs three times as much.  The
re-parse leaves out the entity recogniser and takes the article's entities instead; all
of an article's masked sentences, all placeholders' together, hold no more characters
than the article has.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Callable, Iterable, NamedTuple, Sequence

from .attribution import attribute
from .cues import Attribution, Context, SpeakerWord, is_cue
from .marks import WORD
from .names import Mention, mentions, named_in

Parse = Callable[[Iterable[str]], Iterable]

MAX_CHARS = 600  # words around the quote in a sentence worth parsing again
# What stands in for the quotation, tried in turn: "Yes" is both a whole sentence and a
# complement of "said"; where the parser still finds no speaker, a clause gives it
# another reading, and a longer one a third (bench/quotes.py: train speaker errors
# 399 -> 395 with the second, 366 -> 364 with the third; dev unchanged by either)
PLACEHOLDERS = ("Yes", "It is true", "We can win this")
_TRAIL = re.compile(r"[\s.,!?;:\u2026\u2014\u2013-]*$")
_CLAUSES = frozenset(("ccomp", "xcomp", "advcl", "conj", "relcl", "acl", "pcomp"))
_ENDS_SENTENCE = re.compile(r"[.!?][\"\u201d\u2019')\]]*\s*$")


def needs_second_look(ctx: Context, found: Attribution | None, qs: int, qe: int,
                      spans: Sequence[tuple[int, int]]) -> bool:
    """The first parse gave no speaker, a speaker inside a quote, one whose verb the
    quote does not hang from (a rule of last resort found it), or the subject of a
    clause below the sentence's own verb that is no speech verb."""
    if found is None:
        return True
    source = found.carried
    if not isinstance(source, SpeakerWord):
        return False  # read off the text (a label, a byline): no parse to mend
    tok = source.token
    if any(lo <= tok.idx < hi for lo, hi in spans):
        return True
    verb = tok.head
    if not any(verb.is_ancestor(t) for t in ctx.doc[ctx.tok_at(qs):ctx.tok_at(qe - 1) + 1]):
        return True
    # the subject of a clause that does not speak ("X issued a statement saying it took
    # the step “…”"): the one who speaks may be higher than the parse shows
    return verb.dep_ in _CLAUSES and not is_cue(verb)


@dataclass(frozen=True)
class Masked:
    """A quote's sentence, characters [lo, hi) of the article, with the quote's words
    (between its marks, [qs + 1, qe - 1)) replaced by ``word``."""

    lo: int
    hi: int
    qs: int
    qe: int
    word: str

    def text(self, article: str) -> str:
        return article[self.lo:self.qs + 1] + self.word + article[self.qe - 1:self.hi]

    def size(self) -> int:
        """How many characters the masked text has (what its parse reads)."""
        return (self.hi - self.lo) - (self.qe - self.qs) + len(self.word) + 2

    def quote(self) -> tuple[int, int]:
        """The quote's characters, with its marks, in the masked text."""
        start = self.qs - self.lo
        return start, start + len(self.word) + 2

    def forth(self, start: int, end: int) -> tuple[int, int] | None:
        """Characters [start, end) of the article in the masked text, or None when they
        are not all in it."""
        if self.lo <= start and end <= self.qs:
            return start - self.lo, end - self.lo
        if self.qe <= start and end <= self.hi:
            shift = self.lo + (self.qe - self.qs) - (len(self.word) + 2)
            return start - shift, end - shift
        return None

    def back_char(self, at: int) -> int:
        """Character ``at`` of the masked text in the article (the quote's start when it
        falls in the placeholder)."""
        q_lo, q_hi = self.quote()
        if at < q_hi:
            return min(at, q_lo) + self.lo
        return at + self.lo + (self.qe - self.qs) - (q_hi - q_lo)

    def back(self, mention: Mention) -> Mention | None:
        """A mention in the masked text as characters of the article, or None when it
        reaches into the placeholder."""
        q_lo, q_hi = self.quote()
        if mention.end <= q_lo + 1:
            return Mention(mention.start + self.lo, mention.end + self.lo)
        if mention.start >= q_hi - 1:
            shift = self.lo + (self.qe - self.qs) - (q_hi - q_lo)
            return Mention(mention.start + shift, mention.end + shift)
        return None


def _placeholder(inner: str, word: str) -> str:
    """The placeholder, with the punctuation that closed the quotation ("Yes," "Yes.")."""
    return word + "".join(_TRAIL.search(inner).group(0).split())


class Sentences(NamedTuple):
    """Where each sentence of the parse starts and ends (characters): the sentences the
    article's ``Context`` found once, read as characters."""

    starts: list[int]
    ends: list[int]

    @classmethod
    def of(cls, ctx: Context) -> "Sentences":
        doc, bounds = ctx.doc, ctx.sent_bounds
        pairs = [(doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1])) for lo, hi in zip(bounds, bounds[1:]) if hi > lo]
        return cls([lo for lo, _ in pairs], [hi for _, hi in pairs])


def _sentence_of(text: str, sents: Sentences, qs: int, qe: int) -> tuple[int, int]:
    """The characters of the sentence(s) the quote sits in, inside its paragraph, joined
    again where the parse cut one sentence before or after the quote."""
    p_lo = text.rfind("\n", 0, qs) + 1
    p_hi = text.find("\n", qe)
    p_hi = len(text) if p_hi < 0 else p_hi
    starts, ends = sents
    i = max(0, bisect_right(starts, qs) - 1)
    j = max(i, bisect_right(starts, qe - 1) - 1)
    lo, hi = starts[i], ends[j]
    # "Lee said | “…”": the piece before, when it ends no sentence
    while i > 0 and ends[i - 1] > max(p_lo, qs - MAX_CHARS):
        if _ENDS_SENTENCE.search(text, starts[i - 1], ends[i - 1]):
            break
        i -= 1
        lo = starts[i]
    # "“…,” | said Lee.": the piece after, while the sentence has not ended
    while j + 1 < len(starts) and starts[j + 1] < min(p_hi, qe + MAX_CHARS):
        if _ENDS_SENTENCE.search(text, lo, hi):
            break
        j += 1
        hi = ends[j]
    return max(lo, p_lo), min(hi, p_hi)


def masked_sentence(text: str, sents: Sentences, qs: int, qe: int,
                    word: str = PLACEHOLDERS[0]) -> Masked | None:
    """The quote's sentence with its quotation masked, or None when the quote is the
    whole sentence (nothing outside it to parse again) or no sentence at all."""
    lo, hi = _sentence_of(text, sents, qs, qe)
    if not WORD.search(text, lo, qs) and not WORD.search(text, qe, hi):
        return None
    if (qs - lo) + (hi - qe) > MAX_CHARS:
        return None  # a run-on paragraph: no sentence worth parsing again
    return Masked(lo, hi, qs, qe, _placeholder(text[qs + 1:qe - 1], word))


def _with_entities(masked_doc, ents: list[tuple[int, int, str]], m: Masked):
    """The masked sentence with the article's own entities (found in their whole
    context, and the re-parse may leave its recogniser out).  ``ents`` are in text
    order: only those inside the sentence are looked at."""
    spans = []
    for start, end, label in ents[bisect_left(ents, (m.lo,)):bisect_left(ents, (m.hi,))]:
        at = m.forth(start, end)
        span = at and masked_doc.char_span(*at, label=label, alignment_mode="contract")
        if span is not None and len(span):
            spans.append(span)
    masked_doc.set_ents(spans, default="outside")
    return masked_doc


def reparse(nlp) -> Parse:
    """``nlp.pipe`` without the entity recogniser (``_with_entities`` brings the
    article's)."""
    return lambda texts: nlp.pipe(texts, disable=[n for n in ("ner",) if n in nlp.pipe_names])


def _within_budget(masks: dict[int, Masked | None], left: int) -> tuple[dict[int, Masked | None], int]:
    """The masked sentences, up to ``left`` characters, and what is left: where many weak
    quotes share a sentence, the second parse still costs no more than the first."""
    out: dict[int, Masked | None] = {}
    for k, m in masks.items():
        if m is not None and m.size() > left:
            m = None
        out[k] = m
        left -= 0 if m is None else m.size()
    return out, left


def second_look(article: Context, spans: Sequence[tuple[int, int]],
                parse: Parse) -> list[tuple[Mention, Mention] | None]:
    """For each quote, its speaker's mention and the one a quote going on from it
    inherits (as ``names.mentions``), found on its masked sentence; None when that
    finds no one.  Each placeholder in turn, for the quotes still without a speaker."""
    doc, text = article.doc, article.text
    out: list[tuple[Mention, Mention] | None] = [None] * len(spans)
    if not doc.has_annotation("DEP"):
        return out  # no parser: no sentences to mask
    sents = Sentences.of(article)
    ents = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
    todo, left = list(range(len(spans))), len(text)
    for word in PLACEHOLDERS:
        masks, left = _within_budget({k: masked_sentence(text, sents, *spans[k], word) for k in todo}, left)
        wanted = [(k, m) for k, m in masks.items() if m is not None]
        for (k, m), masked_doc in zip(wanted, parse([m.text(text) for _, m in wanted]) if wanted else ()):
            out[k] = _speaker_on(Context(_with_entities(masked_doc, ents, m)), m, text)
        todo = [k for k, m in wanted if out[k] is None]
        if not todo:
            break
    return out


def _speaker_on(ctx: Context, m: Masked, article: str) -> tuple[Mention, Mention] | None:
    """The quote's speaker and carried mention found on its masked sentence, as
    characters of the article."""
    mqs, mqe = m.quote()
    found = attribute(ctx, mqs, mqe)
    if found is None:
        return None
    named = named_in(article, m.back_char)
    spk, carry = (m.back(x) for x in mentions(ctx, found, mqs, mqe, named))
    return None if spk is None or carry is None else (spk, carry)
