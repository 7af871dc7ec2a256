"""Token boundaries, snapping and safe text for the reader (pure; no UI imports).

The reader moves and selects by "word": a cheap regex tokenizer (runs of word
characters, abbreviations like ``U.S.``, a possessive ``'s`` on its own, and
single punctuation marks). Selections snap to these tokens so a span never holds
half a word, a stray space or a trailing comma.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import Iterable, Sequence

TOKEN_RE = re.compile(r"(?:[^\W\d_]\.){2,}|(?<=\w)['’]\w+|\w+|[^\w\s]")
WORD_RE = re.compile(r"\w")

# C0 controls except \n (tab and CR are made spaces), DEL, C1 (includes the CSI introducer),
# the invisible characters that reorder or hide text in a terminal, and lone surrogates
# (from JSON escapes like \ud800: no terminal can show one, and written out they take six cells).
CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff"
                        "\ud800-\udfff]")
PLACEHOLDER = "\ufffd"
LONE_SURROGATE_RE = re.compile("[\ud800-\udfff]")

Span = tuple[int, int]


def sanitize(text: str) -> str:
    """``text`` safe to paint: same length (offsets map 1:1), no control characters.

    Tabs and carriage returns (Windows line ends) become one space; other control
    characters, escape sequences' ESC and bidi/zero-width marks become a visible ``�``.
    """
    text = text.replace("\t", " ").replace("\r", " ")
    return CONTROL_RE.sub(lambda m: PLACEHOLDER * len(m.group()), text)


def one_line(text: str) -> str:
    """``sanitize``, and line breaks made ``�`` too: for a label, painted inside a line of
    the article (a newline in it would hide the rest of that line)."""
    return re.sub("[\n\u2028\u2029]", PLACEHOLDER, sanitize(text))


def encodable(text: str) -> str:
    """``text`` with lone surrogates made ``�``: what a clipboard (UTF-8) can take."""
    return LONE_SURROGATE_RE.sub(PLACEHOLDER, text)


def tokens(text: str) -> list[Span]:
    return [m.span() for m in TOKEN_RE.finditer(text)]


def words(text: str) -> list[Span]:
    """Tokens that hold a word character: what the caret and ``[ ] { }`` step over."""
    return [m.span() for m in TOKEN_RE.finditer(text) if WORD_RE.search(m.group())]


def is_word(text: str, span: Span) -> bool:
    return WORD_RE.search(text, span[0], span[1]) is not None


QUOTE_TRIM = set(",;:")


def snap(text: str, start: int, end: int, kind: str = "entity") -> Span | None:
    """The token-aligned span covering ``start:end``, trimmed; None if nothing is left.

    Entities lose punctuation at both ends ("Carter," -> "Carter"); quotes keep their
    quotation marks and full stop but lose stray commas, semicolons and colons.
    """
    if start > end:
        start, end = end, start
    toks = [m.span() for m in TOKEN_RE.finditer(text, max(0, start - 64), min(len(text), end + 64))
            if m.start() < end and m.end() > start]
    if not toks:
        return None

    def keep(span: Span) -> bool:
        if kind == "entity":
            return is_word(text, span)
        return text[span[0]:span[1]] not in QUOTE_TRIM

    while toks and not keep(toks[0]):
        toks.pop(0)
    while toks and not keep(toks[-1]):
        toks.pop()
    if not toks:
        return None
    return toks[0][0], toks[-1][1]


OPENING_MARKS = "\"“‘«„'"
CLOSING_MARKS = "\"”’»'"
INNER_PUNCT = ",.;:!?…"  # what sits between a quote's last word and its closing mark


def take_quote_marks(text: str, start: int, end: int) -> Span:
    """The readtui quote convention: a quote spans its quotation marks. A span that starts
    right after an opening mark takes it in, and one that ends next to a closing mark
    (across the punctuation before it, as in ``industries,"``) takes that in."""
    if start > 0 and text[start - 1] in OPENING_MARKS and not (
            text[start - 1] == "'" and start > 1 and text[start - 2].isalnum()):  # an apostrophe
        start -= 1
    j = end
    while j < len(text) and j - end < 3 and text[j] in INNER_PUNCT:
        j += 1
    if j < len(text) and text[j] in CLOSING_MARKS and not (
            text[j] == "'" and j + 1 < len(text) and text[j + 1].isalnum()):
        end = j + 1
    return start, end


def move_quote_edge(text: str, word_spans: Sequence[Span], start: int, end: int,
                    which: str, step: int) -> Span | None:
    """Move a quote's start or end one word, keeping the convention: the edge moves from
    the words inside the marks, then takes in the marks next to where it lands."""
    inner = snap(text, start, end, "entity")
    if inner is None:
        return None
    moved = (move_start if which == "start" else move_end)(word_spans, inner[0], inner[1], step)
    return None if moved is None else take_quote_marks(text, *moved)


def move_start(word_spans: Sequence[Span], start: int, end: int, step: int) -> Span | None:
    """Move a span's start one word left (-1) or right (+1); None when it cannot."""
    starts = [w[0] for w in word_spans]
    if step < 0:
        i = bisect_left(starts, start) - 1
        return (starts[i], end) if i >= 0 else None
    i = bisect_right(starts, start)
    if i < len(starts) and starts[i] < end:
        return starts[i], end
    return None


def move_end(word_spans: Sequence[Span], start: int, end: int, step: int) -> Span | None:
    """Move a span's end one word left (-1) or right (+1); None when it cannot."""
    ends = [w[1] for w in word_spans]
    if step < 0:
        i = bisect_left(ends, end) - 1
        return (start, ends[i]) if i >= 0 and ends[i] > start else None
    i = bisect_right(ends, end)
    return (start, ends[i]) if i < len(ends) else None


def blocks(text: str, max_len: int = 1500) -> list[Span]:
    """The text cut into drawable blocks: each line, long lines at sentence ends.

    The reader wraps and repaints per block, so a keystroke costs one block, not the
    article. A paragraph longer than ``max_len`` is cut after a sentence (". ") so
    even a 20,000-word article without line breaks stays cheap to repaint.
    """
    out: list[Span] = []
    pos = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        while end - start > max_len:
            cut = text.rfind(". ", start + max_len // 3, start + max_len)
            if cut >= 0:
                cut += 1  # keep the full stop, drop the space
            else:
                cut = text.rfind(" ", start + max_len // 3, start + max_len)
            if cut < 0:
                out.append((start, start + max_len))
                start += max_len
                continue
            out.append((start, cut))
            start = cut + 1
        out.append((start, end))
        pos = end + 1
    return out


def overlapping(spans: Iterable, start: int, end: int):
    """The first annotation-like object in ``spans`` that overlaps ``start:end``."""
    for a in spans:
        if a.start < end and start < a.end:
            return a
    return None
