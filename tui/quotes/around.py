"""Speakers marked by the text around a quote rather than by the parse: the clause
right after it (``“…,” said X`` / ``“…,” X barked``), a dash byline, a transcript
label (``NAME: …``, ``Jane Doe: …``)."""
from __future__ import annotations

from .cues import Context, QuotePlace, Source, SpeakerText, SpeakerWord, is_cue, nearest_child
from .lexicon import PRONOUNS, RELATIVE, SPEECH_FORMS
from .marks import CLOSE_MARKS, DASHES, NAME_LABEL, OPEN_MARKS, TRANSCRIPT_LABEL


def skip(text: str, k: int, chars: str, step: int, stop: int) -> int:
    """The first position from ``k`` on, going by ``step``, that holds none of
    ``chars`` (or ``stop``)."""
    while k != stop and text[k] in chars:
        k += step
    return k


def after_quote(ctx: Context, q: QuotePlace) -> Source | None:
    """A cue right after a quote that the parse missed: ``said X`` or ``X said``."""
    doc = ctx.doc
    k, p_hi = q.b, q.p_hi
    n = len(doc)
    while k < n and (doc[k].is_punct or _blank(doc[k])) and doc[k].idx < p_hi:
        k += 1
    if k >= n or doc[k].idx >= p_hi:
        return None
    closing = ctx.text[q.start:q.end].rstrip(CLOSE_MARKS + '"\u2019 ')
    if closing.endswith(".") and not _bare_attribution(doc, k, p_hi):
        # the quote closes its sentence: what follows is a new statement ("“…” She
        # further announced …"), not this quote's attribution
        return None
    if closing.endswith(("?", "!")) and ctx.text[q.p_lo:q.start].rstrip().endswith(":"):
        # "Lee responded: “…?” Her critics cited it …": the colon introduced it
        return None
    if is_cue(doc[k]) and doc[k].pos_ == "VERB" and doc[k].tag_ != "VBG":
        # "said Caddell", "added Rep. Jim Clyburn, the ...", "read one" (but "saying the town …" opens
        # a clause of what was said)
        j = k + 1
        while j < n and _blank(doc[j]):
            j += 1
        if j < n and doc[j].idx < p_hi and (doc[j].pos_ in ("PROPN", "PRON", "NOUN", "DET", "ADJ", "NUM") or _capitalised(doc[j])):
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
        if _blank(t):
            continue
        if t.idx >= p_hi or (t.is_punct and t.text not in ".-()\u2019'") or t.is_space:
            break
        if t.text == "." and j + 1 < n and doc[j + 1].is_sent_start:
            break  # "“minimal” impact. As Lee explained": the quote's sentence ended
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
                    last = doc[j - 1] if not _blank(doc[j - 1]) else doc[j - 2]
                    return SpeakerText(doc[lo].idx, last.idx + len(last.text))
            break
    return _subject_after_quote(ctx, q, k)


def _blank(tok) -> bool:
    """A no-break space the tokenizer kept as a token of its own ("“…”\u00a0added Lee",
    "Lee\u00a0asked"): typed for a plain one."""
    return tok.is_space and "\u00a0" in tok.text and "\n" not in tok.text


def _bare_attribution(doc, k: int, p_hi: int) -> bool:
    """Tokens from ``k`` are a short "X said." and nothing more (a quote whose period
    was typed inside the marks)."""
    for j in range(k, min(len(doc) - 1, k + 6)):
        t = doc[j]
        if t.idx >= p_hi or t.text == ",":
            return False
        if t.lower_ in SPEECH_FORMS and j > k and doc[j + 1].text == ".":
            return True
    return False


def _subject_after_quote(ctx: Context, q: QuotePlace, k: int) -> SpeakerWord | None:
    """ "“…,” Ramos, 58, told AFP" / "“…!” the senator barked": a quote that closes on a
    comma, question or exclamation mark is followed by its attribution, whatever the
    verb; the speaker is that verb's subject, which opens the clause after the quote."""
    doc, text = ctx.doc, ctx.text
    inner_end = text[q.start:q.end].rstrip(CLOSE_MARKS + '"\u2019 ')
    if not inner_end.endswith((",", "?", "!")):
        return None
    asks = inner_end.endswith(("?", "!"))
    for t in doc[k:min(len(doc), k + 24)]:
        if t.idx >= q.p_hi or t.text in (".", ";", ":") or t.is_space or t.text in OPEN_MARKS + '"':
            return None
        if asks and t.pos_ in ("VERB", "AUX") and not (is_cue(t) or _ends_clause(ctx, t)):
            # "“…?” Others saw the same thing": after a question or an exclamation a
            # new sentence may begin; only a speech verb or a bare "X barked" attributes
            return None
        if t.pos_ in ("VERB", "AUX") and t.tag_ in ("VBD", "VBZ") or t.lower_ in SPEECH_FORMS and t.i > k and not _in_noun_phrase(t):
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


def _in_noun_phrase(tok) -> bool:
    """A speech word the parser hung on the next word, as a compound or as its subject
    ("the email read", "the tweet read"): a noun of the speaker's phrase, not its verb."""
    return tok.dep_ in ("compound", "nsubj") and tok.head.i == tok.i + 1


def _ends_clause(ctx: Context, verb) -> bool:
    """Nothing but punctuation follows ``verb`` in its sentence ("… the senator barked.")."""
    nxt = verb.i + 1
    return nxt >= ctx.sentence(verb.i).end or verb.doc[nxt].is_punct


def _phrase(doc, lo: int, hi: int) -> SpeakerText | None:
    """Tokens [lo, hi) as a speaker, without punctuation at their ends, when they
    hold a noun or a name."""
    while hi > lo and (doc[hi - 1].is_punct or doc[hi - 1].is_space):
        hi -= 1
    # "the editorial read" with "editorial" tagged an adjective: a determiner and a word
    # still make a noun phrase
    det_phrase = hi - lo >= 2 and doc[lo].pos_ == "DET" and doc[hi - 1].is_alpha
    if doc[lo].pos_ == "AUX" and not _capitalised(doc[lo]):
        return None  # a clause of its own ("“…,” was jailed in May and pleaded …"), no name
    if not det_phrase and not any(doc[x].pos_ in ("PROPN", "NOUN") or _capitalised(doc[x]) for x in range(lo, hi)):
        return None
    return SpeakerText(doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1].text))


def _capitalised(tok) -> bool:
    """A capitalised word right after a quote's closing mark is a name, whatever the
    tagger made of it ("“…,” Will wrote", "said Skelly")."""
    return tok.is_alpha and tok.text[:1].isupper() and tok.lower_ not in PRONOUNS


def dash_byline(ctx: Context, q: QuotePlace) -> SpeakerText | None:
    """A dash byline after the quote: "“…” ― Name", or opening the next paragraph
    ("“…”¶¶- Name, tweeting after the speech.")."""
    text = ctx.text
    p_hi = q.p_hi
    k = skip(text, q.end, " \t\u00a0,.", 1, p_hi)
    if k >= p_hi:
        return _byline_below(text, p_hi)
    if text[k] not in DASHES:
        return None
    k = skip(text, k + 1, " \t\u00a0", 1, p_hi)
    e = p_hi
    while e > k and text[e - 1] in " \t\r\u00a0.":
        e -= 1
    if 0 < e - k <= 60 and text[k].isupper():
        return SpeakerText(k, e)
    return None


def _byline_below(text: str, p_hi: int) -> SpeakerText | None:
    """A paragraph that is a dash and a name (up to a comma or its end), not a heading
    set between dashes."""
    k = skip(text, p_hi, " \t\r\n\u00a0", 1, len(text))
    if k >= len(text) or text[k] not in DASHES or k - p_hi > 4:
        return None
    k = skip(text, k + 1, " \t\u00a0", 1, len(text))
    e = k
    while e < len(text) and text[e] not in ",\n(":
        e += 1
    while e > k and text[e - 1] in " \t\r\u00a0.":
        e -= 1
    if text[e - 1] in DASHES:
        return None  # "– A new campaign –": a heading between dashes, no byline
    if 0 < e - k <= 60 and text[k:k + 1].isupper():
        return SpeakerText(k, e)
    return None


def transcript_label(ctx: Context, q: QuotePlace) -> SpeakerText | None:
    """A transcript line: "NAME: …" or "Q: …" / "A: …", opening the paragraph or the
    quote; as explicit as a speech verb."""
    text = ctx.text
    m = TRANSCRIPT_LABEL.match(text, q.p_lo, q.p_hi)
    if m and m.end() <= q.start:
        return SpeakerText(m.start(1), m.end(1))
    m = TRANSCRIPT_LABEL.match(text, q.start + 1, q.p_hi)
    if m:
        return SpeakerText(m.start(1), m.end(1))
    return None


def name_label_in_quote(ctx: Context, q: QuotePlace) -> SpeakerText | None:
    """A person's name as the label opening a quote ("“Jane Doe: …"); less sure than a
    label in capitals (a chant may name its target so: "“Jo Lee: bad for the town”")."""
    return name_label(ctx, NAME_LABEL.match(ctx.text, q.start + 1, q.p_hi))


def name_label(ctx: Context, m) -> SpeakerText | None:
    if m and ctx.ends_with_person(m.start(1), m.end(1)):
        return SpeakerText(m.start(1), m.end(1))
    return None
