"""Direct quotes and their speakers, found by rules over a parsed spaCy ``Doc``.

Pure domain code: it reads a ``Doc`` made by an English spaCy pipeline with a tagger,
a dependency parser and an entity recogniser (en_core_web_sm 3.8) and returns plain
frozen dataclasses.  It never imports textual or rich.

The finder works in three passes, each linear in the length of the text:

1. ``marks.quote_spans`` scans the characters for paired quotation marks (straight
   ``"``, curly ``“ ”`` and guillemets ``« »``), one paragraph at a time.  A quote left
   open at the end of a paragraph runs on when the next paragraph opens with a
   quotation mark (the newspaper convention for quotes over several paragraphs).
   Single quotes (``‘ ’``) nest inside double quotes; in a text with no double quotes
   (headlines, British style) they are the quotes.  Apostrophes (``don't``, ``’90s``,
   ``Clinton’s``) never open or close one.
2. ``attribution.attribute`` looks for the speech cue of each quote: the verb the quote
   hangs from in the parse (``said``, ``told``, ``called``, and for documents and polls
   ``found``, ``showed`` …), ``according to X``, the clause right after the quote
   (``“…,” the mayor barked``; ``“…,” she said`` before any cue the parse hangs it from;
   not after a quote inside a clause whose own verb came before it: ``Lee summed her up
   as “lazy,” denounced …``), a colon introduction (``X said: “…”``, ``More from the
   report: “…”``), a transcript label (``NAME: …``, ``Jane Doe: …``, ``Former mayor Jane
   Doe: …``, ``Said Doe: …``), a dash byline (``“…” ― Name``, or on the next line),
   someone's words and a "that" right before the quote (``after her comment that, “…”``;
   ``the suggestion by X that …``), the subject of the sentence just before (``Quinn has
   run the board since 2010. “…”``), and otherwise the speaker of the previous quote
   when the quote continues it (a quote of three words only in the same paragraph:
   ``“…,” Lee said. “But, come on.”``; also behind a connective opening its sentence:
   ``“…,” Lee said. Instead, “…”``) or sits in its sentence.  The outermost reporting
   verb wins (``X says he likes her and calls her “…”`` is X's), but the walk up stops
   at a closing attribution the parser made a complement (``A cannot say that “…,” Lee
   added, saying “…”`` is Lee's), and it does not cross a relative or adverbial clause
   with a cue of its own (``X praised Y, who vowed “…”``, ``…, though he said “…”``,
   ``When A suggested …, B shot back: “…”``) nor a ``with`` clause with a subject of its
   own (``…, with Lee taking to Twitter to call it “…”``), unless that clause is itself
   inside what someone reports (``X notes that A, and Y called it “…”`` is X's); ``call
   for Y to …`` is a demand, a cue of its own; a reporting aside (``The council, Lee
   said, called it “…”``; not one that closes an earlier quote), a closing ``, reported
   the Star`` and an opening ``To Lee,`` / ``In Lee's view,`` frame the whole sentence,
   as ``according to`` does; so do an opening ``In a new poll,`` and a poll earlier in
   the sentence for a share of people (``six in 10 voters said``).  A copula's "it" and
   the reader's "you" are no one, nor is anyone named inside the words of another quote.
   The speaker mention is the cue's subject as a noun phrase (``names.mention_span``;
   personal pronouns and ``who`` stay as they are, as news annotators mark them, unless
   others are coordinated with them (``she and two aides``), ``someone in the crowd``
   keeps its phrase; a long participial phrase after the name is cut, and so is a
   relative clause that reports words of its own, or a long one set between the name and
   its verb, unless it brings in someone named in full for the first time); a pronoun
   yields to a name that is the same speaker higher in the same sentence, to the subject
   of the deed it names a thing in (``X railed against what he calls “…”``), or to the
   named subject of a deed its clause is part of (``X chided Y for asking whether he met
   the “…”``).
3. ``names.resolve_name`` maps a mention to a full name within the article: a surname
   to the longest PERSON entity that contains it (``speakers.fullest_name``, the rule the
   reader's speaker picker uses too), a pronoun to the nearest earlier person of its
   gender, preferring one who was a subject.

Given a ``parse`` (``nlp.pipe``; ``readtui suggest``, the import, the export and the
cluster all give one through ``tui.nlp.suggest``), the finder takes a second look at
the quotes pass 2 left without a speaker or with a weak one (``masked``): it re-parses
their sentences with the quotation's words masked, which en_core_web_sm parses far
better than a sentence that holds a long quotation, and attributes them again (those
still without a speaker once more, with a clause in place of the quotation).

Quoted strings of one or two words with no speech cue are dropped, and so are Title Case
strings of three ("Keep the Promise"): in news they are scare quotes, titles and
nicknames far more often than speech.  So are, cue or not and at any length: Title Case
strings placed as titles (``marks.is_name_or_title``: the "…" host, an interview with
"…", the author of "…", her memoir, "…", told "…", said on "…", Sunday's "…", her book
"…: …", a report titled "…"), and the Title Case strings listed right after one
(``starred in "…" and "…"``); quotes inside the noun phrase of their own speaker, which
tell who the speaker is (``Lee, the hacker known as "…", said``), unless under a cue of
their own or in a clause about the speaker's deeds (``Lee, who sees himself as "…",
said``); and, at any length, markup values, a work cited with its author (``"…," by Ann
Lee``) and headings in capitals (``marks.is_never_speech``).  A quote set before the
noun of its speaker's phrase (``the "…" movement continues``, ``her "…" plan``) labels
that noun: it keeps no speaker, and so, when short, is dropped too.  So does a quote
inside a question put by no one named (``Asked whether Lee is "…," 60 percent said no``,
``Lee was asked, "…?"``): the one asked did not say it.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import NamedTuple

from .attribution import attribute
from .cues import Attribution, Context, is_cue
from .lexicon import RELATIVE, SPEECH_FORMS
from .marks import WORD, is_name_or_title, is_never_speech, listed_after_a_title, looks_like_title, quote_spans
from .masked import Parse, needs_second_look, second_look
from .names import Mention, Names, mentions, resolve_name

_quote_spans = quote_spans  # the name the tests know

__all__ = ["FoundQuote", "find_quotes"]


@dataclass(frozen=True)
class FoundQuote:
    """A direct quote in ``doc.text`` and, when known, who said it.

    ``start``/``end`` are character offsets (end exclusive); the span includes its
    opening and closing quotation marks when present.  ``speaker_start``/``speaker_end``
    delimit the speaker mention in the text ("Carter", "he", "the MEA");
    ``speaker_name`` is that speaker's fullest name in the article ("Sara Carter"), or
    None when it cannot be told.
    """

    start: int
    end: int
    speaker_start: int | None
    speaker_end: int | None
    speaker_name: str | None


MIN_WORDS = 3  # speakerless quoted strings shorter than this are dropped
MIN_TITLE_WORDS = 4  # and speakerless Title Case ones ("Keep the Promise") shorter than this


class _LastSpeaker(NamedTuple):
    """The speaker of the last attributed quote, which a quote going on from it inherits."""

    mention: Mention
    name: str | None
    quote_end: int
    para_start: int


def _goes_on(ctx: Context, prev: _LastSpeaker | None, qs: int, n_words: int) -> bool:
    """A quote that goes on from the previous one: same or next paragraph (a short one,
    same paragraph only), opening its sentence."""
    if prev is None:
        return False
    p_lo = ctx.para_of(qs)[0]
    if n_words < MIN_WORDS or n_words < 4 and prev.para_start != p_lo:
        return False
    if prev.para_start != p_lo and prev.quote_end < ctx.para_of(max(0, p_lo - 2))[0]:
        return False
    before = _CONNECTIVE.sub("", _ADDING.sub("", ctx.text[p_lo:qs].strip()))
    return not before or before[-1] in ".!?\u201d\""


def _same_sentence(ctx: Context, prev: _LastSpeaker | None, qs: int, n_words: int) -> bool:
    """A quote with no cue of its own in the sentence of the last attributed quote is
    that speaker's too ("He said, “…” - the crowd chanted “…” - “and restore order”",
    "Trump launched into a lament for the “…” who are “…”")."""
    if prev is None or n_words < MIN_WORDS:
        return False
    return ctx.sentence(ctx.tok_at(qs)).start <= ctx.tok_at(prev.quote_end - 1)


# "… Lee said. Adding, “…”": a speech verb's participle with no subject opening the
# sentence goes on from the speaker before, as a quote opening it would
_ADDING = re.compile(r"(^|(?<=[.!?\u201d\"]))\s*(" + "|".join(sorted(w for w in SPEECH_FORMS if w.endswith("ing")))
                     + r")\s*[,:]$", re.IGNORECASE)
# "… Lee said. But “…”", "… Lee said. Instead, “…”": a connective opening the sentence
# ties the quote to what came before and names no one new
_CONNECTIVE = re.compile(r"(^|(?<=[.!?\u201d\"]))\s*(But|And|Yet|So|Still|Then|Instead|Indeed|Also|However|Now"
                         r"|Specifically|Moreover|Besides|Otherwise|Again|In fact|Of course)\s*,?$")


def _describes_its_speaker(ctx: Context, spk: Mention, qs: int, qe: int) -> bool:
    """A quote inside the noun phrase of its own speaker, after the name ("Lee, the
    hacker known as “…”, said", "said Lee, whose book has “…” people in it"): it tells
    who the speaker is, not what they said.  Not a label's quote ("Lee: “…”"), which the
    parser may hang on the name too, nor one in a clause about the speaker's own deeds
    ("Lee, who sees himself as the “…”, said") or with a speech cue of its own ("Lee,
    speaking on the radio, called it “…”"): those are the speaker's words."""
    if spk.start >= qs or ":" in ctx.text[spk.end:qs]:
        return False
    words, top = _words_under_speaker(ctx, spk, qs, qe)
    if not top:
        return False
    if top[0].dep_ == "pobj" and top[0].head.head.lower_ == "according":
        return False  # "According to Lee, the plan is “…”": the frame of the sentence
    tok = words[0]
    while tok != top[0]:
        if is_cue(tok) or tok.dep_ == "relcl" and any(c.dep_ == "nsubj" and c.lower_ in RELATIVE for c in tok.children):
            return False
        tok = tok.head
    return True


def _words_under_speaker(ctx: Context, spk: Mention, qs: int, qe: int) -> tuple[list, list]:
    """The words of a quote and the head of its speaker's phrase when that head governs
    all of them (the quote is part of the speaker's phrase), else no head."""
    doc = ctx.doc
    words = [t for t in doc[ctx.tok_at(qs):ctx.tok_at(qe - 1) + 1] if not t.is_punct and qs <= t.idx < qe]
    top = [t for t in doc[ctx.tok_at(spk.start):ctx.tok_at(spk.end - 1) + 1]
           if spk.start <= t.idx < spk.end and not spk.start <= t.head.idx < spk.end]
    if not words or len(top) != 1 or top[0].pos_ in ("VERB", "AUX") or not all(top[0].is_ancestor(w) for w in words):
        return words, []
    return words, top


_CLAUSE_MARK = re.compile(r"[,.!?;:()\u2014\u2013]")


def _names_its_speaker(ctx: Context, spk: Mention, qs: int, qe: int) -> bool:
    """A quote inside the noun phrase of its own speaker, before the head noun (the
    “Stop Now” movement, the “clean air” plan of the mayor): a label of the speaker,
    which the quote does not report."""
    if spk.start <= qe:
        return False
    words, top = _words_under_speaker(ctx, spk, qs, qe)
    if not top or top[0].idx < qe or _CLAUSE_MARK.search(ctx.text, qe - 2, top[0].idx):
        return False  # a clause of its own ("“It's done,” says Lee"), not a label
    return not any(is_cue(t) for t in top[0].subtree if qs <= t.idx < top[0].idx)


def _asked_of_someone(ctx: Context, qs: int, qe: int) -> bool:
    """A quote inside a question put to someone by no one named ("Asked whether Lee is
    “…,” 60 percent said no", "Lee was asked, “…?”"): the asker's words, and the asker
    is not told, so the one asked is no speaker of it."""
    doc = ctx.doc
    words = [t for t in doc[ctx.tok_at(qs):ctx.tok_at(qe - 1) + 1] if not t.is_punct and qs <= t.idx < qe]
    tops = [t for t in words if not qs <= t.head.idx < qe]
    if not tops:
        return False
    tok = tops[0]
    while not is_cue(tok) and tok.head != tok:
        if tok.dep_ == "conj":
            return False  # "Lee was asked to vote, and the board is “…”": a clause of its own
        tok = tok.head
    return (tok.lemma_.lower() == "ask" and tok.tag_ == "VBN"
            and not any(c.dep_ in ("nsubj", "agent") for c in tok.children))


def _inside_another_quote(spans: list[tuple[int, int]], k: int, spk: Mention) -> bool:
    """A speaker mention inside the words of another quote ("“… No one else can say
    that,” she said. “…”"): someone the quoted speaker named, not who spoke."""
    i = bisect_right(spans, (spk.start, float("inf"))) - 1  # the last quote opening before it
    return i >= 0 and i != k and spans[i][0] < spk.start and spk.end <= spans[i][1]


def _read_again(ctx: Context, spans: list[tuple[int, int]], firsts: list[Attribution | None],
                parse: Parse) -> dict[int, tuple[Mention, Mention]]:
    """The mentions the masked second parse finds for the weakly attributed quotes, by
    the quote's index."""
    weak = [k for k, (qs, qe) in enumerate(spans)
            if WORD.search(ctx.text, qs, qe) and needs_second_look(ctx, firsts[k], qs, qe, spans)]
    found = second_look(ctx, [spans[k] for k in weak], parse)
    return {k: m for k, m in zip(weak, found) if m is not None}


def find_quotes(doc, parse: Parse | None = None) -> list[FoundQuote]:
    """The direct quotes of a parsed ``Doc`` with their speakers, sorted by start.

    ``parse`` (texts in, Docs out, as ``nlp.pipe``) lets the finder re-parse the
    sentences of the quotes it could not attribute well, their quotations masked
    (``masked``)."""
    text = doc.text
    spans = quote_spans(text)
    if not spans:
        return []
    ctx = Context(doc)
    names = Names(ctx)
    out: list[FoundQuote] = []
    prev: _LastSpeaker | None = None
    title_end = -1  # where the last quote dropped as a title ends
    firsts = [attribute(ctx, qs, qe) if WORD.search(text, qs, qe) else None for qs, qe in spans]
    again = _read_again(ctx, spans, firsts, parse) if parse is not None else {}
    for k, (qs, qe) in enumerate(spans):
        inner = text[qs:qe]
        n_words = len(WORD.findall(inner))
        if n_words == 0:
            continue
        found = firsts[k]
        spk = carry = None
        if k in again:
            spk, carry = again[k]
        elif found is not None:
            spk, carry = mentions(ctx, found, qs, qe)
        if spk is not None and _inside_another_quote(spans, k, spk):
            spk = carry = None
        carried = spk is None and (_goes_on(ctx, prev, qs, n_words) or _same_sentence(ctx, prev, qs, n_words))
        if carried:
            spk = carry = prev.mention
        if not any(c.isalpha() for c in inner) or is_never_speech(ctx, qs, qe, inner):
            continue
        if is_name_or_title(ctx, qs, qe, inner) or listed_after_a_title(text, title_end, qs, inner):
            title_end = qe
            continue
        if spk is not None and not carried and (_names_its_speaker(ctx, spk, qs, qe) or _asked_of_someone(ctx, qs, qe)):
            spk = None
        if spk is None and (n_words < MIN_WORDS or n_words < MIN_TITLE_WORDS and looks_like_title(inner)):
            continue
        if spk is None:
            out.append(FoundQuote(qs, qe, None, None, None))
            continue
        if _describes_its_speaker(ctx, spk, qs, qe):
            continue
        name = prev.name if carried else resolve_name(ctx, names, spk.start, spk.end)
        out.append(FoundQuote(qs, qe, spk.start, spk.end, name))
        prev = _LastSpeaker(carry, name, qe, ctx.para_of(qs)[0])
    return out
