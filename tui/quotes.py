"""Direct quotes and their speakers, found by rules over a parsed spaCy ``Doc``.

Pure domain code: it reads a ``Doc`` made by an English spaCy pipeline with a tagger,
a dependency parser and an entity recogniser (en_core_web_sm 3.8) and returns plain
frozen dataclasses.  It never imports textual or rich.

The finder works in three passes, each linear in the length of the text:

1. ``_quote_spans`` scans the characters for paired quotation marks (straight ``"``,
   curly ``“ ”`` and guillemets ``« »``), one paragraph at a time.  A quote left open at
   the end of a paragraph runs on when the next paragraph opens with a quotation mark
   (the newspaper convention for quotes over several paragraphs).  Single quotes
   (``‘ ’``) only nest inside double quotes and are never taken as quotes of their own,
   so apostrophes (``don't``, ``’90s``, ``Clinton’s``) are harmless.
2. ``_attribute`` looks for the speech cue of each quote: the verb the quote hangs from
   in the parse (``said``, ``told``, ``called`` …), ``according to X``, a colon
   introduction (``X said: “…”``), a transcript line (``NAME: …``), a dash byline
   (``“…” ― Name``), and otherwise the speaker of the previous quote when the quote
   continues it.  An explicit ``as X put it`` or ``according to X`` in the quote's
   sentence outranks the verb's subject.  The speaker mention is the cue's subject as a
   noun phrase (pronouns and ``who`` stay as they are, as news annotators mark them;
   ``a letter that says`` stands for whoever issued the letter); a pronoun yields to a
   name that is the same speaker higher in the same sentence (``X said … “…,” she
   said``; ``X … what he called “…”``).
3. ``_resolve_name`` maps a mention to a full name within the article: a surname to the
   longest PERSON entity that contains it, a pronoun to the nearest earlier person.

Quoted strings of one or two words with no speech cue are dropped: in news they are
scare quotes, titles and nicknames far more often than speech.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

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


# --------------------------------------------------------------------------------------
# word lists (generic English, not drawn from any corpus)

SPEECH_VERBS = frozenset(
    """
    say tell state add write argue articulate mention note explain insist claim declare
    announce ask reply respond answer continue conclude warn suggest tweet post report
    call describe label brand dub term quip joke recall acknowledge admit concede assert
    contend maintain predict promise vow pledge urge testify confirm deny shout chant sing
    yell scream whisper complain boast brag muse observe remark comment emphasize emphasise
    stress exhort charge accuse praise criticize criticise lament decry proclaim rule rate read
    text email recount reiterate retort counter caution advise add demand plead blast
    slam condemn denounce dismiss mock tout hail cite quote characterize characterise
    summarize summarise opine surmise reason allege affirm swear repeat echo thank
    interject exclaim cry murmur mutter sigh snap laugh wonder speculate estimate
    announce concur disagree agree object protest insist highlight underline underscore
    point tell inform assure remind instruct order signal acknowledge pronounce write
    headline title caption sign tweet retweet blog publish print broadcast air
    """.split()
)


def _inflections(verbs) -> frozenset:
    """Regular inflected forms of each verb, so that a wrong lemma ("rated" -> "rat")
    does not hide a cue."""
    out = set()
    for v in verbs:
        stem = v[:-1] if v.endswith("e") else v
        out.update((v, v + "s", v + "es", v + "ed", stem + "ed", stem + "ing", v + "ing"))
        if v.endswith("y") and len(v) > 2 and v[-2] not in "aeiou":
            out.update((v[:-1] + "ies", v[:-1] + "ied"))
        if len(v) > 2 and v[-1] in "tpgnm" and v[-2] in "aeiou" and v[-3] not in "aeiou":
            out.update((v + v[-1] + "ed", v + v[-1] + "ing"))
    out.update("said says told tells wrote written sang sung spoke spoken thought".split())
    return frozenset(out)


SPEECH_FORMS = _inflections(SPEECH_VERBS)
# verbs that take a quote as object/complement only when clearly about words
WEAK_CUES = frozenset("call describe label brand dub term rate rule characterize characterise".split())
CUE_NOUNS = frozenset(
    """
    statement claim remark comment words word message tweet assertion promise warning
    speech letter email post response reply answer interview testimony quote quip
    announcement declaration argument accusation charge pledge vow description
    """.split()
)
PRONOUNS = frozenset("he she they we i you it him her them us me".split())
PERSON_PRONOUNS = {"he": "m", "him": "m", "she": "f", "her": "f"}
FEMALE_TITLES = frozenset("mrs. mrs ms. ms miss madam madame lady queen sister mother".split())
MALE_TITLES = frozenset("mr. mr sir lord king father brother".split())
TITLE_WORDS = frozenset(
    """
    mr. mr mrs. mrs ms. ms dr. dr prof. president sen. senator rep. gov. governor
    director ambassador secretary minister judge justice general gen. col. lt. capt.
    sgt. rev. chairman chairwoman chief mayor speaker
    """.split()
)
# common first names, to guess a pronoun's gender cheaply (US census top names)
FEMALE_NAMES = frozenset(
    """
    mary patricia jennifer linda elizabeth barbara susan jessica sarah sara karen nancy
    lisa betty margaret sandra ashley kimberly emily donna michelle dorothy carol amanda
    melissa deborah stephanie rebecca sharon laura cynthia kathleen amy shirley angela
    helen anna brenda pamela nicole emma samantha katherine christine debra rachel
    catherine carolyn janet ruth maria heather diane virginia julie joyce victoria olivia
    kelly christina lauren joan evelyn judith megan cheryl andrea hannah martha jacqueline
    frances gloria ann teresa kathryn sara janice jean alice madison doris abigail julia
    judy grace denise amber marilyn beverly danielle theresa sophia marie diana brittany
    natalie isabella charlotte rose alexis kayla hillary hilary chelsea nikki kellyanne
    monica elena sonia valerie condoleezza nancy michele melania ivanka huma hope
    jill debbie monika
    """.split()
)
MALE_NAMES = frozenset(
    """
    james robert john michael david william richard joseph thomas charles christopher
    daniel matthew anthony mark donald steven paul andrew joshua kenneth kevin brian
    george timothy ronald edward jason jeffrey ryan jacob gary nicholas eric jonathan
    stephen larry justin scott brandon benjamin samuel gregory alexander frank patrick
    raymond jack dennis jerry tyler aaron jose adam nathan henry douglas zachary peter
    kyle ethan walter noah jeremy christian keith roger terry gerald harold sean austin
    carl arthur lawrence dylan jesse jordan bryan billy joe bruce gabriel logan albert
    willie alan juan wayne elijah randy roy vincent ralph eugene russell bobby mason
    philip louis barack bill mike ted marco rand chris newt rudy tim bernie jeb ben
    mitt harry al rick reince vinay narendra vladimir
    """.split()
)

_MARKS = re.compile(r'["\u201c\u201d\u00ab\u00bb\n]')
_OPEN = "\u201c\u00ab"
_CLOSE = "\u201d\u00bb"
_DASHES = "\u2015\u2014\u2013-"
_TRANSCRIPT = re.compile(r"[ \t\u00a0]*([A-Z][A-Z.'\u2019\- ]{1,40}[A-Z.])[ \t\u00a0]*:[ \t\u00a0]")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['\u2019][A-Za-z]+)*")


# --------------------------------------------------------------------------------------
# pass 1: quoted strings


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """Character spans (marks included) of quoted strings, in order, non-overlapping.

    A quote opened by a straight mark closes at the next straight mark, one opened by
    a curly mark or guillemet at the next closing one (or at a straight mark that can
    only close); marks of the other kind in between are nested quotes.  A quote still
    open at a paragraph break continues when the next paragraph opens with a mark
    (unless that paragraph is a transcript line ``"NAME: …``); otherwise it ends with
    its paragraph.
    """
    spans: list[tuple[int, int]] = []
    open_at = -1
    straight = False  # the open quote began with a straight mark
    nested = 0  # curly quotes opened inside a straight-quoted string
    skip = -1  # an opening mark that continues the quote across paragraphs
    n = len(text)
    for m in _MARKS.finditer(text):
        i = m.start()
        ch = text[i]
        if ch == "\n":
            if open_at < 0:
                continue
            j = i
            while j < n and text[j] in " \t\r\n\u00a0":
                j += 1
            if j < n and text[j] in '"\u201c\u00ab' and not _TRANSCRIPT.match(text, j + 1):
                skip = j
                nested = 0
                continue
            end = i
            while end > open_at and text[end - 1] in " \t\r\u00a0":
                end -= 1
            spans.append((open_at, end))
            open_at = -1
            continue
        if i == skip:
            continue
        prev = text[i - 1] if i > 0 else " "
        nxt = text[i + 1] if i + 1 < n else " "
        if open_at < 0:
            if ch in _OPEN:
                open_at, straight, nested = i, False, 0
            elif ch == '"' and not (nxt.isspace() and not prev.isspace()):
                open_at, straight, nested = i, True, 0
            continue
        if straight:
            if ch == '"':
                spans.append((open_at, i + 1))
                open_at = -1
            elif ch in _OPEN:
                nested += 1
            elif nested:
                nested -= 1
            else:  # a curly close with no curly open: mixed marks, take it as the end
                spans.append((open_at, i + 1))
                open_at = -1
        elif ch in _CLOSE or (ch == '"' and not prev.isspace() and (nxt.isspace() or not nxt.isalnum())):
            spans.append((open_at, i + 1))
            open_at = -1
    if open_at >= 0:
        end = n
        while end > open_at and text[end - 1].isspace():
            end -= 1
        spans.append((open_at, end))
    return spans


# --------------------------------------------------------------------------------------
# pass 2: speech cues and speaker mentions


class _Ctx:
    """Per-document lookups, built once in linear time."""

    __slots__ = ("doc", "text", "starts", "para_starts", "persons", "person_starts", "ent_of")

    def __init__(self, doc):
        self.doc = doc
        self.text = doc.text
        self.starts = [t.idx for t in doc]
        text = self.text
        self.para_starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
        self.persons = [e for e in doc.ents if e.label_ == "PERSON"]
        self.person_starts = [e.start_char for e in self.persons]

    def tok_at(self, char: int) -> int:
        """Index of the token holding character ``char`` (or the one just before it)."""
        return max(0, bisect_right(self.starts, char) - 1)

    def para_of(self, char: int) -> tuple[int, int]:
        k = bisect_right(self.para_starts, char) - 1
        start = self.para_starts[k]
        end = self.para_starts[k + 1] - 1 if k + 1 < len(self.para_starts) else len(self.text)
        return start, end


_SUBJ = ("nsubj", "nsubjpass", "csubj")
_CUT_DEPS = frozenset(("relcl", "acl", "advcl", "punct", "cc", "conj", "appos", "prep"))


def _line_break_between(doc, i: int, j: int) -> bool:
    lo, hi = (i, j) if i < j else (j, i)
    for k in range(lo, hi):
        t = doc[k]
        if "\n" in t.whitespace_ or (t.is_space and "\n" in t.text):
            return True
    return False


def _nearest(tok, deps):
    """The child of ``tok`` with one of ``deps`` nearest to it with no line break in
    between (a broken parse can hang a heading's "p.m." or a dash on the verb as a
    second subject), never a punctuation mark."""
    best = None
    doc = tok.doc
    for c in tok.children:
        if c.dep_ not in deps or c.is_punct or c.is_space:
            continue
        if _line_break_between(doc, c.i, tok.i):
            continue
        if best is None or abs(c.i - tok.i) < abs(best.i - tok.i):
            best = c
    return best


def _subject(v):
    """The subject of verb ``v``, climbing through conjuncts, open complements and
    prepositions ("began by saying", "after saying")."""
    tok = v
    if v.tag_ == "VBG" and v.i > 0 and v.dep_ in ("xcomp", "advcl", "acl", "conj", "dep"):
        # "footage of Clinton saying", "a video showing Trump saying": the -ing cue
        # right after a name is that person's, whatever the parser hung it on
        prev = v.doc[v.i - 1]
        if prev.pos_ == "PROPN" and prev.dep_ in ("pobj", "dobj") and prev.head is not v:
            return prev
    for step in range(6):
        c = _nearest(tok, ("nsubj", "csubj") if step == 0 else ("nsubj", "csubj", "nsubjpass"))
        if c is not None:
            return c
        for c in tok.children:
            if c.dep_ == "agent":  # passive: "was written by X"
                for g in c.children:
                    if g.dep_ == "pobj":
                        return g
        if tok.dep_ == "xcomp" and tok.head is not tok and not _is_cue(tok.head):
            # object control: "led the journalist to fear …" -> the journalist
            obj = _nearest(tok.head, ("dobj",))
            if obj is not None and obj.i < tok.i and obj.lower_ not in PRONOUNS and (
                _agentive(obj) or any(c.dep_ == "conj" and _agentive(c) for c in obj.children)
            ):
                return obj
        if tok.dep_ in ("conj", "xcomp", "advcl", "acl", "ccomp", "pcomp") and tok.head is not tok:
            if tok.dep_ == "acl":
                # "footage of Clinton asking" -> Clinton; "tweets saying" -> the clause
                if tok.head.pos_ == "PROPN" or tok.head.ent_type_ in ("PERSON", "ORG", "NORP"):
                    return tok.head
                tok = tok.head
                while tok.dep_ not in ("ROOT",) and tok.pos_ in ("NOUN", "PROPN", "ADP") and tok.head is not tok:
                    tok = tok.head
                continue
            tok = tok.head
            continue
        if tok.pos_ == "ADP" and tok.dep_ in ("prep", "conj") and tok.head is not tok and tok.head.pos_ in ("VERB", "AUX"):
            tok = tok.head
            continue
        break
    for c in tok.children:
        if c.dep_ == "nsubjpass" and tok.lemma_.lower() in ("quote", "cite"):
            return c
    return None


def _mention(tok, quote_lo: int, quote_hi: int, para: tuple[int, int]) -> tuple[int, int]:
    """Character span of the noun phrase headed by ``tok``: the whole phrase with its
    titles and appositions (``Scott Pruitt, the attorney general of Oklahoma``), as news
    annotators mark a source, kept inside its paragraph and out of the quote.
    Pronouns stay pronouns."""
    if tok.pos_ == "PRON" or tok.lower_ in PRONOUNS:
        return tok.idx, tok.idx + len(tok.text)
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
    while hi > tok.i and ((doc[hi].is_punct and doc[hi].text != ")") or doc[hi].is_space):
        hi -= 1
    start = doc[lo].idx
    # relative clauses stay: news annotators keep them in the source ("Victor Cha,
    # who served as Asia director …"); cutting them where they dwarf the name lost more
    # than it won
    end = doc[hi].idx + len(doc[hi].text)
    if end - start <= 160:
        return start, end
    # too long: up to the last comma that leaves it short enough
    for k in range(hi, tok.i, -1):
        if doc[k].text == "," and doc[k - 1].idx + len(doc[k - 1].text) - start <= 160:
            j = k - 1
            while j > tok.i and (doc[j].is_punct or doc[j].is_space):
                j -= 1
            return start, doc[j].idx + len(doc[j].text)
    # otherwise the name alone, with its titles and compounds
    lo = tok.i
    while lo > 0 and doc[lo - 1].dep_ in ("compound", "amod", "det", "poss", "case", "nmod") and doc[lo - 1].head.i >= lo:
        lo -= 1
    return doc[lo].idx, tok.idx + len(tok.text)


def _is_cue(tok) -> bool:
    lem = tok.lemma_.lower()
    if tok.pos_ in ("VERB", "AUX"):
        return lem in SPEECH_VERBS or tok.lower_ in SPEECH_FORMS
    if tok.pos_ in ("NOUN",):
        return lem in CUE_NOUNS
    return False


def _speaker_of_cue(cue, ctx):
    """The speaker token of a cue word (verb subject, or the owner of a cue noun),
    looked for in the cue's own paragraph only."""
    if cue.pos_ == "NOUN":
        for c in cue.children:
            if c.dep_ == "poss":
                return c
        return None
    spk = _subject(cue)
    if spk is None:
        return None
    spk = _antecedent(spk)
    if spk is None:
        return None
    text = ctx.text
    lo, hi = (spk.idx, cue.idx) if spk.i < cue.i else (cue.idx, spk.idx)
    if "\n" in text[lo:hi]:
        return None
    return spk


_RELATIVE = frozenset(("who", "that", "which", "whom"))


def _antecedent(spk):
    """Relative pronouns as speakers.  "who" (and "which" after a name) is kept: news
    annotators mark the relative pronoun itself ("Schiff, who said").  A document that
    speaks ("a letter that says", "a comment that described") stands for whoever
    issued it, the subject of the verb it is the object of.  A bare "that" or "this"
    that is no relative pronoun is no speaker."""
    low = spk.lower_
    if low not in _RELATIVE and low != "this":
        return spk
    if low in ("who", "whom"):
        return spk
    clause = spk.head
    if low == "this" or clause.head is clause:
        return None
    if clause.dep_ != "relcl":  # "the Police Department which reported", misparsed
        return spk if low == "which" and clause.head.pos_ in ("PROPN", "NOUN", "VERB") else None
    ante = clause.head
    if ante.pos_ in ("PROPN", "PRON") or ante.ent_type_ in ("PERSON", "ORG", "NORP", "GPE"):
        return spk
    if ante.pos_ == "NOUN" and ante.dep_ in ("dobj", "pobj", "attr"):
        gov = ante.head
        if ante.dep_ == "pobj" and gov.head is not gov:
            gov = gov.head
        if gov.pos_ in ("VERB", "AUX"):
            s = _subject(gov)
            if s is not None and s.lower_ not in _RELATIVE:
                return s
        return None
    return spk


def _according_to(tokens):
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


def _as_put_it(ctx: _Ctx, a: int, b: int, p_lo: int, p_hi: int):
    """ "…," as a Homeland Security memo put it / As Smith wrote, "…": the subject of
    the cue verb of an "as" clause right next to the quote."""
    doc = ctx.doc
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
        if v.i <= k or v.i - k > 12 or not _outside(v, a, b):
            continue
        lem = v.lemma_.lower()
        if lem == "put" and any(c.lower_ == "it" for c in v.children) or (_is_cue(v) and v.pos_ == "VERB"):
            spk = _nearest(v, ("nsubj",))
            if spk is not None and k < spk.i < v.i:
                return spk
    return None


def _sentence_according_to(ctx: _Ctx, a: int, b: int, p_lo: int, p_hi: int):
    """ "According to Yahoo News, X said …" : the source of the report."""
    doc = ctx.doc
    s_lo = doc[a].sent.start
    s_hi = doc[b - 1].sent.end
    for t in doc[s_lo:s_hi]:
        if t.lower_ == "according" and _outside(t, a, b) and p_lo <= t.idx <= p_hi:
            spk = _according_to([t])
            if spk is not None and _outside(spk, a, b):
                return spk
    return None


_ADV_MARKS = frozenset("after before when while because since although though until once whereas".split())


def _own_clause(tok) -> bool:
    """``tok`` heads an adverbial clause ("after she …", or a conjunct of one) with a
    subject of its own."""
    v = tok
    while v.dep_ == "conj" and v.head is not v:
        if v.pos_ in ("VERB", "AUX") and _nearest(v, ("nsubj", "nsubjpass")) is not None:
            return False
        v = v.head
    if v.dep_ != "advcl" or v.pos_ not in ("VERB", "AUX"):
        return False
    if not any(c.dep_ == "mark" and c.lower_ in _ADV_MARKS for c in v.children):
        return False  # "tweeted that Machado was …" misparsed as adverbial
    s = _nearest(v, ("nsubj", "nsubjpass"))
    return s is not None and s.lower_ not in _RELATIVE


def _agentive(spk) -> bool:
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


def _outside(tok, a: int, b: int) -> bool:
    return tok.i < a or tok.i >= b


def _after_quote(ctx: _Ctx, b: int, p_hi: int):
    """A cue right after a quote that the parse missed: ``said X`` or ``X said``."""
    doc = ctx.doc
    k = b
    n = len(doc)
    while k < n and doc[k].is_punct and doc[k].idx < p_hi:
        k += 1
    if k >= n or doc[k].idx >= p_hi:
        return None
    if _is_cue(doc[k]) and doc[k].pos_ == "VERB":
        # "said Caddell", "added Rep. Jim Clyburn, the ..."
        j = k + 1
        if j < n and doc[j].idx < p_hi and (doc[j].pos_ in ("PROPN", "PRON", "NOUN", "DET", "ADJ")):
            t = doc[j]
            for _ in range(6):
                if t.head.i > t.i and t.head.i - k < 10 and t.head.pos_ in ("PROPN", "NOUN") and t.dep_ in ("compound", "det", "amod", "poss", "nmod"):
                    t = t.head
                else:
                    break
            return "tok", t
        return None
    # "Chief Chuck Jordan said": a short noun phrase, then the cue
    for j in range(k, min(n, k + 10)):
        t = doc[j]
        if t.idx >= p_hi or (t.is_punct and t.text not in ".-()\u2019'") or t.is_space:
            return None
        if t.pos_ in ("VERB", "AUX") and not (t.text[:1].isupper() and not _is_cue(t)):
            if _is_cue(t) and j > k:
                lo = k
                while lo < j and doc[lo].pos_ not in ("PROPN", "NOUN", "PRON", "DET", "ADJ", "NUM"):
                    lo += 1
                while lo < j and doc[lo].lower_ in ("which", "that", "who", "whom"):
                    lo += 1
                if lo < j and any(doc[x].pos_ in ("PROPN", "NOUN", "PRON") for x in range(lo, j)):
                    if j - lo == 1 and doc[lo].pos_ == "PRON":
                        return "tok", doc[lo]
                    return "span", (doc[lo].idx, doc[j - 1].idx + len(doc[j - 1].text))
            return None
    return None


def _attribute(ctx: _Ctx, qs: int, qe: int):
    """Speaker of the quote at chars [qs, qe) and the mention a quote that goes on from
    it carries: (kind, value, carried value) or None; see ``_attribute1``."""
    found = _attribute1(ctx, qs, qe)
    if found is None:
        return None
    if found[0] == "tok" and found[1].lower_ in ("he", "she", "they"):
        named = _named_cue_before(ctx, qs, qe, found[1]) or _namer_above(found[1])
        if named is not None:
            return "tok", named, found[1]
    return found[0], found[1], found[1]


def _gender(tok) -> str | None:
    for t in tok.subtree:
        low = t.lower_
        if t.i > tok.i:
            break
        if low in FEMALE_TITLES or low in FEMALE_NAMES:
            return "f"
        if low in MALE_TITLES or low in MALE_NAMES:
            return "m"
    return PERSON_PRONOUNS.get(tok.lower_)


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
        subj = _nearest(tok, ("nsubj",)) if tok.pos_ in ("VERB", "AUX") else None
        if subj is not None and subj.i < pron.i and subj is not pron:
            if pron.lower_ == "they":
                ok = subj.pos_ in ("NOUN", "PROPN") and subj.lower_ not in _RELATIVE
            else:
                ok = subj.pos_ == "PROPN" or subj.lower_ in ("he", "she")
                g = _gender(subj)
                if g is not None and g != PERSON_PRONOUNS[pron.lower_]:
                    ok = False
            return subj if ok else None
        if tok.head is tok or tok.dep_ == "advcl" or _line_break_between(tok.doc, tok.i, pron.i):
            return None
        tok = tok.head
    return None


def _named_cue_before(ctx: _Ctx, qs: int, qe: int, pron):
    """ "DuVernay said she felt … because “…,” she said." / "Sen. X scolded him: “…,”
    she said.": a pronoun cue after the quote repeats a named speaker introduced
    earlier in the same sentence; news annotators mark the name."""
    doc = ctx.doc
    a = bisect_left(ctx.starts, qs)
    if pron.i < a:
        return None
    p_lo, _ = ctx.para_of(qs)
    k = a - 1
    while k >= 0 and doc[k].idx >= p_lo and not (doc[k].text in (".", "!", "?") or doc[k].is_space):
        k -= 1
    for t in doc[k + 1:a]:
        if t.pos_ == "VERB" and (_is_cue(t) or (t.dep_ in ("ROOT", "ccomp") and ctx.text[max(0, qs - 3):qs].strip().endswith(":"))):
            spk = _nearest(t, ("nsubj",))
            if spk is not None and spk.i < t.i and spk.pos_ == "PROPN" and spk.ent_type_ in ("PERSON", "ORG", "NORP", ""):
                return spk
    return None


def _attribute1(ctx: _Ctx, qs: int, qe: int):
    """Speaker token (or a transcript/dash span) for the quote at chars [qs, qe).

    Returns (kind, value): kind "tok" with a Token, "span" with (start, end), or None.
    """
    doc = ctx.doc
    text = ctx.text
    a = bisect_left(ctx.starts, qs)
    b = bisect_left(ctx.starts, qe)
    if a >= b:
        return None
    p_lo, _ = ctx.para_of(qs)
    p_hi = ctx.para_of(max(qs, qe - 1))[1]  # a quote over paragraphs: up to its last

    # 1. the parse: the verb (or noun) the quote hangs from, or a cue hanging from it
    best = None
    best_dist = 99
    clause_verb = None
    # the quote's own punctuation hangs wherever the parser left it (a closing period
    # on the previous sentence's root): follow it only when no word leads out
    words_out = any(_outside(t.head, a, b) for t in doc[a:b] if not t.is_punct)
    for t in doc[a:b]:
        h = t.head
        if _outside(h, a, b) and not (words_out and t.is_punct):
            # the outermost cue wins: "Trump said Clinton called it “…”" is Trump's
            tok, steps = h, 0
            while steps < 12:
                if tok.idx < p_lo or tok.idx > p_hi:
                    break
                if (_is_cue(tok) or tok.lower_ == "according") and not (
                    best is not None and tok.lemma_.lower() in WEAK_CUES
                ):
                    # a naming verb ("called on Obama to …") never outranks a speech
                    # verb below it
                    spk = _according_to([tok]) if tok.lower_ == "according" else _speaker_of_cue(tok, ctx)
                    if spk is not None and _outside(spk, a, b):
                        best, best_dist = spk, 0
                if tok.head is tok or (best is not None and tok.dep_ == "conj"):
                    break
                if best is None and _own_clause(tok):
                    # "X described Clinton as a “disgrace” after she … blamed shootings
                    # on “implicit bias”": no cue in the adverbial clause, and it has
                    # its own subject: the words are that subject's
                    clause_verb = tok
                    break
                tok = tok.head
                steps += 1
        for c in t.children:
            if _outside(c, a, b) and c.dep_ in ("parataxis", "ccomp", "advcl", "conj") and _is_cue(c):
                if c.idx < p_lo or c.idx > p_hi:
                    continue
                spk = _speaker_of_cue(c, ctx)
                if spk is not None and _outside(spk, a, b) and best_dist > 0:
                    best, best_dist = spk, 0
    # an explicit "as X put it" / "according to X" in the quote's sentence names the
    # source over the subject of the verb the quote hangs from
    explicit = _as_put_it(ctx, a, b, p_lo, p_hi)
    if explicit is None and best is not None:
        explicit = _sentence_according_to(ctx, a, b, p_lo, p_hi)
    if explicit is not None:
        return "tok", explicit
    if best is not None:
        return "tok", best

    # 1b. next to the closing mark: "“…,” said Caddell" / "“…,” Chief Chuck Jordan said"
    spk = _after_quote(ctx, b, p_hi)
    if spk is not None:
        return spk

    if clause_verb is not None:
        spk = _subject(clause_verb)
        if spk is not None and _outside(spk, a, b) and _agentive(spk):
            return "tok", spk

    # 2. the sentences the quote sits in: the nearest cue outside the quote
    s_lo = doc[a].sent.start
    s_hi = doc[b - 1].sent.end
    near = None
    near_d = 10**9
    for t in doc[s_lo:s_hi]:
        if not _outside(t, a, b) or t.idx < p_lo or t.idx > p_hi:
            continue
        if _is_cue(t) and t.pos_ == "VERB":
            spk = _speaker_of_cue(t, ctx)
            if spk is None or not _outside(spk, a, b):
                continue
            d = a - t.i if t.i < a else t.i - b
            if d < near_d:
                near, near_d = spk, d
    if near is not None:
        return "tok", near
    acc = _according_to([t for t in doc[s_lo:s_hi] if _outside(t, a, b)])
    if acc is not None and p_lo <= acc.idx <= p_hi:
        return "tok", acc

    # 2b. the sentence just before, in the same paragraph, is an attribution:
    # "…, Schiff said. “…”"
    first = doc[a]
    if first.sent.start == a or doc[a - 1].is_punct and first.sent.start >= a - 1:
        ps = first.sent.start - 1
        if ps > 0 and doc[ps].idx >= p_lo:
            prev_sent = doc[ps].sent
            if prev_sent.start >= 0 and doc[prev_sent.start].idx >= p_lo:
                root = prev_sent.root
                cands = [root] + [c for c in root.children if c.dep_ in ("ccomp", "conj", "parataxis")]
                for cue in cands:
                    if _is_cue(cue) and cue.pos_ == "VERB" and not any(
                        ch in _OPEN or ch == '"' for ch in text[prev_sent.start_char:prev_sent.end_char]
                    ):
                        spk = _speaker_of_cue(cue, ctx)
                        if spk is not None:
                            return "tok", spk

    # 3. a colon introduction: "Carter articulated a stark reality: “…”"
    j = qs - 1
    while j >= 0 and text[j] in " \t\r\n\u00a0":
        j -= 1
    if j >= 0 and text[j] == ":":
        ct = ctx.tok_at(j)
        sent = doc[ct].sent
        for t in sent:
            if t.i >= a:
                break
            if _is_cue(t):
                spk = _speaker_of_cue(t, ctx)
                if spk is not None and spk.i < a:
                    return "tok", spk
                if t.pos_ == "VERB" and t.i + 1 < a and t.nbor(1).pos_ in ("PROPN", "PRON"):
                    return "tok", t.nbor(1)
        root = sent.root
        if root.i < a:
            spk = _subject(root)
            if spk is not None and spk.i < a:
                return "tok", spk

    # 4. a dash byline after the quote: "“…” ― Name"
    k = qe
    while k < p_hi and text[k] in " \t\u00a0,.":
        k += 1
    if k < p_hi and text[k] in _DASHES:
        k += 1
        while k < p_hi and text[k] in " \t\u00a0":
            k += 1
        e = p_hi
        while e > k and text[e - 1] in " \t\r\u00a0.":
            e -= 1
        if 0 < e - k <= 60 and text[k].isupper():
            return "span", (k, e)

    # 5. a transcript line: "NAME: …"
    found = _transcript(ctx, qs, p_lo, p_hi)
    if found is not None:
        return found

    # 6. no speech verb: the one whose words are quoted is the subject of the verb the
    # quote hangs from ("Reid has gone after Trump as a “con artist”")
    for t in doc[a:b]:
        h = t.head
        if not _outside(h, a, b):
            continue
        tok = h
        for _ in range(4):
            if tok.idx < p_lo or tok.idx > p_hi:
                break
            if tok.pos_ in ("VERB", "AUX"):
                spk = _speaker_of_cue(tok, ctx)
                if spk is not None and _outside(spk, a, b) and _agentive(spk):
                    return "tok", spk
                break
            if tok.head is tok:
                break
            tok = tok.head
        break
    return None


def _transcript(ctx: _Ctx, qs: int, p_lo: int, p_hi: int):
    text = ctx.text
    m = _TRANSCRIPT.match(text, p_lo, p_hi)
    if m and m.end() <= qs:
        return "span", (m.start(1), m.end(1))
    m = _TRANSCRIPT.match(text, qs + 1, p_hi)
    if m:
        return "span", (m.start(1), m.end(1))
    return None


# --------------------------------------------------------------------------------------
# pass 3: names


def _clean_name(s: str) -> str:
    s = s.strip()
    for suffix in ("\u2019s", "'s", "\u2019", "'"):
        if s.endswith(suffix):
            s = s[: -len(suffix)]
            break
    return s.strip(" ,.;:")


class _Names:
    """Full names of the article's people, by each word of them, and their gender."""

    def __init__(self, ctx: _Ctx):
        self.ctx = ctx
        self.full: dict[str, str] = {}
        self.gender: dict[str, str] = {}
        self.mentions: list[tuple[int, str]] = []  # (char start, full-name key) in order
        doc = ctx.doc
        for e in ctx.persons:
            name = _clean_name(e.text)
            if not name:
                continue
            words = [w for w in name.split() if w[:1].isupper() and w.lower() not in TITLE_WORDS]
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
                self.mentions.append((e.start_char, last))

    def by_word(self, word: str) -> str | None:
        return self.full.get(_clean_name(word).lower())

    def before(self, char: int, gender: str | None) -> str | None:
        """The nearest person mentioned before ``char`` whose gender fits."""
        k = bisect_left(self.mentions, (char, "")) - 1
        steps = 0
        while k >= 0 and steps < 30:
            last = self.mentions[k][1]
            g = self.gender.get(last)
            if gender is None or g is None or g == gender:
                return self.full.get(last)
            k -= 1
            steps += 1
        return None


def _resolve_name(ctx: _Ctx, names: _Names, start: int, end: int) -> str | None:
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
    for e in span.ents:
        if e.label_ == "PERSON":
            words = [w for w in _clean_name(e.text).split() if w[:1].isupper()]
            if words:
                return names.by_word(words[-1]) or _clean_name(e.text)
    # a surname alone, or an upper-case transcript name ("PENCE")
    props = [t for t in span if t.pos_ == "PROPN" and t.text[:1].isupper() and t.lower_ not in TITLE_WORDS]
    for t in reversed(props):
        full = names.by_word(t.text)
        if full:
            return full
    for e in span.ents:
        if e.label_ in ("ORG", "NORP", "GPE", "PERSON"):
            return _clean_name(e.text)
    if props:
        return _clean_name(" ".join(t.text for t in props))
    return None


# --------------------------------------------------------------------------------------
# the finder


MIN_WORDS = 3  # speakerless quoted strings shorter than this are dropped
_SMALL = frozenset("of the a an and in on for to at by with or from vs vs. de la".split())


def _looks_like_title(inner: str) -> bool:
    """A short quoted string in Title Case ("Face the Nation", "Morning Joe"): a show,
    a book or a nickname rather than speech."""
    words = _WORD.findall(inner)
    caps = [w for w in words if w.lower() not in _SMALL]
    if not caps or not all(w[0].isupper() or w[0].isdigit() for w in caps):
        return False
    body = inner.strip('"\u201c\u201d\u00ab\u00bb ,.')
    return not body.endswith(("!", "?"))


_TITLE_CUES = frozenset(
    "titled entitled nickname episode documentary show program programme film movie book column segment series".split()
)


def _is_name_or_title(ctx: _Ctx, qs: int, qe: int, inner: str) -> bool:
    """Markup, a nickname inside a name (Robert "Bobby" Scott) or a show or book title
    (MSNBC's "Morning Joe", a documentary titled "13th")."""
    text = ctx.text
    j = qs - 1
    while j >= 0 and text[j] == " ":
        j -= 1
    if j >= 0 and text[j] == "=":
        return True
    doc = ctx.doc
    a = bisect_left(ctx.starts, qs)
    b = bisect_left(ctx.starts, qe)
    before = doc[a - 1] if a > 0 else None
    after = doc[b] if b < len(doc) else None
    if before is not None and after is not None and before.pos_ == "PROPN" and after.pos_ == "PROPN" \
            and before.idx + len(before.text) < qs and text[qe:qe + 1] == " ":
        return True
    if not _looks_like_title(inner) or before is None:
        return False
    if before.lower_ in _TITLE_CUES:
        return True
    if before.lower_ in ("'s", "\u2019s") and a > 1 and doc[a - 2].ent_type_ in ("ORG", "NORP", "FAC", "WORK_OF_ART"):
        return True
    return False


def find_quotes(doc) -> list[FoundQuote]:
    """The direct quotes of a parsed ``Doc`` with their speakers, sorted by start."""
    text = doc.text
    spans = _quote_spans(text)
    if not spans:
        return []
    ctx = _Ctx(doc)
    names = _Names(ctx)
    out: list[FoundQuote] = []
    prev = None  # (speaker_start, speaker_end, name, quote end, paragraph start)
    for qs, qe in spans:
        inner = text[qs:qe]
        n_words = len(_WORD.findall(inner))
        if n_words == 0:
            continue
        found = _attribute(ctx, qs, qe)
        spk = carry = None
        if found is not None:
            kind, val, cval = found
            if kind == "tok":
                spk = _mention(val, qs, qe, ctx.para_of(val.idx))
                carry = spk if cval is val else _mention(cval, qs, qe, ctx.para_of(cval.idx))
            else:
                spk = carry = val
        carried = False
        p_lo, _ = ctx.para_of(qs)
        if spk is None and prev is not None and n_words >= 4:
            # a quote that goes on from the previous one: same or next paragraph,
            # opening its sentence
            before = text[p_lo:qs].strip()
            prev_p_lo = prev[4]
            same_para = prev_p_lo == p_lo
            if same_para or (prev[3] >= ctx.para_of(max(0, p_lo - 2))[0]):
                if not before or before[-1] in ".!?\u201d\"":
                    spk = carry = (prev[0], prev[1])
                    carried = True
        if spk is None and (n_words < MIN_WORDS):
            continue
        if not any(c.isalpha() for c in inner) or (n_words <= 6 and _is_name_or_title(ctx, qs, qe, inner)):
            continue
        if spk is not None:
            name = prev[2] if carried else _resolve_name(ctx, names, spk[0], spk[1])
            out.append(FoundQuote(qs, qe, spk[0], spk[1], name))
            prev = (carry[0], carry[1], name, qe, p_lo)
        else:
            out.append(FoundQuote(qs, qe, None, None, None))
    return out
