"""Quotation marks: the quoted strings of a text, and the short ones that are names or
titles rather than speech."""
from __future__ import annotations

import re
from bisect import bisect_left

from .cues import Context
from .lexicon import APPEARANCE_WORDS, BROADCASTERS, SMALL_WORDS, TITLE_CUES, TITLED_THINGS

MARKS = re.compile(r'["\u201c\u201d\u00ab\u00bb\n]')
OPEN_MARKS = "\u201c\u00ab"
CLOSE_MARKS = "\u201d\u00bb"
DASHES = "\u2015\u2014\u2013-"
# "NAME: …" in capitals, or the "Q:" and "A:" of an interview
TRANSCRIPT_LABEL = re.compile(r"[ \t\u00a0]*([A-Z][A-Z.'\u2019\- ]{1,40}[A-Z.]|[QA])[ \t\u00a0]*:[ \t\u00a0]")
# a name as a speaker label, "Jane Doe: …" (taken when the name is a person's)
NAME_LABEL = re.compile(r"[ \t\u00a0]*([A-Z][\w.'\u2019-]*(?: [A-Z][\w.'\u2019-]*){0,3})[ \t\u00a0]*:[ \t\u00a0]")
# before the quote: opening the paragraph, after a heading's dash or after the sentence
# (or quote) before; a party and state in brackets may follow ("Rep. Jo Lee (D-Ohio):")
NAME_LABEL_BEFORE = re.compile(r"(?:^|[\u2013\u2014-][ \t\u00a0]+|[.!?][\"\u201d\u2019]?[ \t\u00a0]+)"
                               r"([A-Z][\w.'\u2019-]*(?: [A-Z][\w.'\u2019-]*){0,3})(?:[ \t\u00a0]*\([^()\n]{1,24}\))?"
                               r"[ \t\u00a0]*:[ \t\u00a0]*$", re.MULTILINE)
# a source label after a heading's dash, "FARM PRICES FALL – The Farm Bureau: “…”": a
# person, a pollster, a paper, or two of them ("Ann Lee and Bob Ray")
DASH_LABEL_BEFORE = re.compile(r"(?:^|\s)[\u2013\u2014-][ \t\u00a0]+([A-Z][\w.'\u2019-]*(?:(?: and| &)? [A-Z][\w.'\u2019-]*){0,4})"
                               r"[ \t\u00a0]*:[ \t\u00a0]*$")
WORD = re.compile(r"[A-Za-z0-9]+(?:['\u2019][A-Za-z]+)*")
# a single-quoted string: opens after a space, a bracket or a dash and before a letter
# or digit; closes before anything but a letter (so "don\u2019t" and "Clinton\u2019s" never do)
SINGLE_QUOTED = re.compile(r"(?:(?<=^)|(?<=[\s(\[\u2014\u2013-]))\u2018(?=[\w$])[^\u2018\u2019\n]*?[^\s\u2018]\u2019(?![A-Za-z])",
                           re.MULTILINE)


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Character spans (marks included) of quoted strings, in order, non-overlapping:
    double quotes (see ``double_quote_spans``), or in a text that has none, single
    ones (``‘…’``, headlines and British style)."""
    if any(m in text for m in '"\u201c\u201d\u00ab\u00bb'):
        return double_quote_spans(text)
    return [m.span() for m in SINGLE_QUOTED.finditer(text)]


def double_quote_spans(text: str) -> list[tuple[int, int]]:
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
    for m in MARKS.finditer(text):
        i = m.start()
        ch = text[i]
        if ch == "\n":
            if open_at < 0:
                continue
            j = i
            while j < n and text[j] in " \t\r\n\u00a0":
                j += 1
            if j < n and text[j] in '"\u201c\u00ab' and not TRANSCRIPT_LABEL.match(text, j + 1):
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
            if ch in OPEN_MARKS:
                open_at, straight, nested = i, False, 0
            elif ch == '"' and not (nxt.isspace() and not prev.isspace()):
                open_at, straight, nested = i, True, 0
            continue
        if straight:
            if ch == '"':
                spans.append((open_at, i + 1))
                open_at = -1
            elif ch in OPEN_MARKS:
                nested += 1
            elif nested:
                nested -= 1
            else:  # a curly close with no curly open: mixed marks, take it as the end
                spans.append((open_at, i + 1))
                open_at = -1
        elif ch in CLOSE_MARKS or (ch in '"\u201c' and not prev.isspace() and (nxt.isspace() or not nxt.isalnum())):
            # a straight mark, or an opening one typed for a closing one ("…,“ said"),
            # that can only close
            spans.append((open_at, i + 1))
            open_at = -1
    if open_at >= 0:
        end = n
        while end > open_at and text[end - 1].isspace():
            end -= 1
        spans.append((open_at, end))
    return spans


# --------------------------------------------------------------------------------------

def looks_like_title(inner: str) -> bool:
    """A short quoted string in Title Case ("Face the Nation", "Morning Joe"): a show,
    a book or a nickname rather than speech."""
    words = WORD.findall(inner)
    caps = [w for w in words if w.lower() not in SMALL_WORDS]
    if not caps or not all(w[0].isupper() or w[0].isdigit() for w in caps):
        return False
    body = inner.strip('"\u201c\u201d\u00ab\u00bb ,.')
    return not body.endswith(("!", "?"))



# after a quoted title, its author: "“How Towns Grow,” by Ann Lee"
BYLINE_AFTER = re.compile(r"[ \t\u00a0]*by[ \t\u00a0]+(?:the[ \t\u00a0]+)?[A-Z]")
# before an excerpt of a cited work, its title and author: "“How Towns Grow,” by Ann Lee: “…”"
BYLINE_BEFORE = re.compile(r"[,.][\"\u201d][ \t\u00a0]+by[ \t\u00a0]+[^\n:\"\u201c\u201d]{1,60}:[ \t\u00a0]*$")


def is_never_speech(ctx: Context, qs: int, qe: int, inner: str) -> bool:
    """Whatever its length, a quoted string that is no one's words: a value in markup
    (``date="…"``), a work cited with its author (``“How Towns Grow,” by Ann Lee``)
    and the excerpt of it that follows (``by Ann Lee: “…”``), or a heading in capitals
    standing as its own paragraph."""
    text = ctx.text
    j = qs - 1
    while j >= 0 and text[j] == " ":
        j -= 1
    if j >= 0 and text[j] == "=":
        return True
    body = inner.strip('"\u201c\u201d\u00ab\u00bb ')
    if body.endswith(",") and BYLINE_AFTER.match(text, qe) or BYLINE_BEFORE.search(text, max(0, qs - 120), qs):
        return True
    return _is_heading(ctx, qs, qe, body)


def _is_heading(ctx: Context, qs: int, qe: int, body: str) -> bool:
    """A quote in capitals that is a paragraph of its own: a heading."""
    if any(c.islower() for c in body) or sum(c.isupper() for c in body) < 4:
        return False
    lo, hi = ctx.para_of(qs)
    return not ctx.text[lo:qs].strip() and not ctx.text[qe:hi].strip()


def is_name_or_title(ctx: Context, qs: int, qe: int, inner: str) -> bool:
    """A nickname inside a name (Robert "Bobby" Scott) or a show or book title
    (MSNBC's "Morning Joe", a documentary titled "13th")."""
    text = ctx.text
    doc = ctx.doc
    a = bisect_left(ctx.starts, qs)
    b = bisect_left(ctx.starts, qe)
    before = doc[a - 1] if a > 0 else None
    after = doc[b] if b < len(doc) else None
    if before is not None and after is not None and before.pos_ == "PROPN" and after.pos_ == "PROPN" \
            and before.idx + len(before.text) < qs and text[qe:qe + 1] == " " \
            and not inner.strip('"\u201c\u201d\u00ab\u00bb\u2018\u2019 ').endswith((".", ",", "!", "?", ";", ":")):
        # a nickname has no sentence punctuation of its own: 'said Lee "caused death." Reed …'
        return True
    return looks_like_title(inner) and _placed_as_a_title(ctx, a, qe, inner, after)


# what joins the items of a list: "“…” and “…”", "“…,” “…,” or “…”" (the comma
# may sit inside the first one's marks)
LIST_JOINER = re.compile(r"[ \t\u00a0]*(?:,?[ \t\u00a0]*(?:and|or)|,)?[ \t\u00a0]*")


def listed_after_a_title(text: str, title_end: int, qs: int, inner: str) -> bool:
    """A Title Case string listed right after a quote that is a title ("starred in “…”
    and “…”", "hits such as “…,” “…” and “…”"): a title too, whatever its length."""
    return 0 <= title_end < qs and LIST_JOINER.fullmatch(text, title_end, qs) is not None and looks_like_title(inner)


def _placed_as_a_title(ctx: Context, a: int, qe: int, inner: str, after) -> bool:
    """A Title Case string whose neighbours make it a title: the "Town Hall" host, a
    documentary titled "…", the drama, "…", an interview with "…", acting in "…", told
    "…", said on "…", CNN's "…", Sunday's "…"."""
    doc = ctx.doc
    if after is not None and after.lower_ in TITLED_THINGS and ctx.text[qe:qe + 1] == " " \
            and not inner.strip('"\u201c\u201d\u00ab\u00bb ').endswith((",", ".")):
        return True
    if a == 0:
        return False
    before = doc[a - 1].lower_
    if before in TITLE_CUES or before in ("told", "tells", "telling"):
        return True
    if a == 1:
        return False
    word = doc[a - 2]
    if before == "," and word.lower_ in TITLE_CUES and word.lower_ != "nickname" and word.pos_ == "NOUN":
        return True  # "his memoir, “…”", "the cable drama, “…”": the work in apposition
    if before in ("on", "with", "of", "in") and word.lower_ in APPEARANCE_WORDS:
        return True
    if before in ("on", "to") and word.lemma_.lower() in ("say", "speak", "talk", "tell"):
        return True  # "said on “…”", "speaking to “…”": a programme, not what was said
    return before in ("'s", "\u2019s") and (word.ent_type_ in ("ORG", "NORP", "FAC", "WORK_OF_ART", "DATE")
                                         or word.lower_ in BROADCASTERS)
