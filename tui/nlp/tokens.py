"""An article's tokens: spaCy's English tokenizer, cut where annotations start or end.

The workspace keeps each article's tokens in the article's file, computed once when
the article comes in (``pack``): an export of 10,000 articles then reads them instead
of running the tokenizer 10,000 times again (a quarter of its CPU time), and a JSONL
export does not even load spaCy. They are kept packed, one integer a token::

    end * 2 + (1 if a space follows the token else 0)

The tokens are contiguous (each starts where the one before ends, after its space),
so the ends and the spaces give the starts; ~5 bytes a token in JSON.

``Tokenizer.split(text, spans, packed)`` uses packed tokens only when they fit the text
(every token non-empty, every marked space a space, the last one ending the text) and
runs spaCy otherwise: an article from a workspace made before tokens were kept, or from
a file damaged or edited by hand. Either way the tokens cover the text exactly.

Pure: no UI. numpy and spaCy are imported when first needed (the reader's start-up
opens the workspace without either).
"""

from __future__ import annotations

import bisect
import re
from operator import itemgetter
from typing import Any, Iterable, Sequence

_SURROGATE = re.compile("[\ud800-\udfff]")
_FIRST, _SECOND = itemgetter(0), itemgetter(1)

Split = tuple[list[int], list[int], list[bool], dict[int, int], dict[int, int]]


def english() -> Any:
    """``spacy.blank("en")``, set up to tokenize fast (the same tokens)."""
    import spacy

    nlp = spacy.blank("en")
    # Only offsets are wanted: skip computing shape, stop word … for every new word
    # (~40% of the tokenizer's time on news text). A DocBin does not store them.
    nlp.vocab.lex_attr_getters = {}
    # spaCy remembers the tokens of 10,000 whitespace-separated chunks, then works
    # out every new one again with its big regular expressions. 10,000 articles of
    # news hold ~90,000 distinct chunks (names, numbers, words with punctuation): a
    # cache that keeps them all makes tokenizing ~30% faster. Same tokens: it is
    # spaCy's own cache of its own results.
    nlp.tokenizer.max_cache_size = 1 << 30
    # And a new chunk is cut faster: only the suffix and infix rules that can apply
    # to it are tried (tui.nlp.affixes; the same tokens).
    from . import affixes

    affixes.install(nlp)
    return nlp


class Tokenizer:
    """spaCy's English tokenizer (loaded when first needed), splitting tokens where annotations start or end."""

    def __init__(self, nlp: Any = None):
        self._nlp = nlp

    @property
    def nlp(self) -> Any:
        if self._nlp is None:
            self._nlp = english()
        return self._nlp

    def pack(self, text: str) -> list[int]:
        """spaCy's tokens of ``text``, packed (module docstring): what the workspace keeps."""
        tok_start, tok_end, space = self._spacy(text)
        return (tok_end * 2 + space).tolist()

    def __call__(self, text: str, spans: Iterable[tuple[int, int]] = (),
                 packed: Sequence[int] | None = None) -> list[tuple[int, int, bool]]:
        """``(start, end, followed_by_space)`` for each token; each span starts and ends on tokens.

        A token is split where a span starts or ends inside it; the space after a token
        becomes a token of its own when a span starts on it or ends just after it.
        """
        return list(zip(*self.offsets(text, spans, packed)))

    def offsets(self, text: str, spans: Iterable[tuple[int, int]] = (),
                packed: Sequence[int] | None = None) -> tuple[list[int], list[int], list[bool]]:
        """The tokens of ``__call__`` as three lists: starts, ends, followed_by_space.

        Three lists rather than a tuple a token: the export encodes ~600 tokens an
        article, and building and unpacking a tuple for each was a good part of its time.
        """
        return self.split(text, list(spans), packed)[:3]

    def split(self, text: str, spans: Sequence[tuple[int, int]], packed: Sequence[int] | None = None) -> Split:
        """``offsets``, and the index of the token that starts (ends) where each span starts (ends).

        ``packed``: the article's kept tokens, used when they fit ``text``.
        """
        import numpy as np

        arrays = unpack(text, packed) if packed is not None else None
        tok_start, tok_end, space = arrays if arrays is not None else self._spacy(text)
        if not len(tok_start):
            return [], [], [], {}, {}
        # Most spans start and end where spaCy's tokens do: look them all up at once.
        starts, ends = list(map(_FIRST, spans)), list(map(_SECOND, spans))
        i = tok_start.searchsorted(starts)
        j = tok_end.searchsorted(ends)
        if np.array_equal(tok_start.take(i, mode="clip"), starts) \
                and np.array_equal(tok_end.take(j, mode="clip"), ends):
            return (tok_start.tolist(), tok_end.tolist(), space.astype(bool).tolist(),
                    dict(zip(starts, i.tolist())), dict(zip(ends, j.tolist())))
        return self._cut(len(text), tok_start.tolist(), tok_end.tolist(), space.astype(bool).tolist(), spans)

    def _spacy(self, text: str):
        """spaCy's tokens of ``text`` as three int64 arrays: starts, ends, spaces (0/1)."""
        import numpy as np
        from spacy.attrs import IDX, LENGTH, SPACY

        try:
            doc = self.nlp.tokenizer(text)
        except UnicodeEncodeError:  # lone surrogates (from JSON escapes): same length, same offsets
            doc = self.nlp.tokenizer(_SURROGATE.sub("\ufffd", text))
        if not len(doc):
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        arr = doc.to_array([IDX, LENGTH, SPACY]).astype(np.int64)
        tok_start = arr[:, 0]
        tok_end = tok_start + arr[:, 1]
        space = arr[:, 2]
        after = tok_end + space
        if tok_start[0] != 0 or after[-1] != len(text) or not np.array_equal(after[:-1], tok_start[1:]):
            raise ValueError("spaCy's tokens do not cover the text")  # never seen; checked for free
        return tok_start, tok_end, space

    @staticmethod
    def _cut(length: int, tok_start: list[int], tok_end: list[int], space: list[bool],
             spans: Sequence[tuple[int, int]]) -> Split:
        """``split`` where a span starts or ends inside a token or on the space after one."""
        n = len(tok_start)
        starts = {s for s, _ in spans}
        ends = {e for _, e in spans}
        # Tokens to change: those a span starts or ends inside, and those whose trailing
        # space a span starts on or ends after. Few per article: find them by offset
        # (both lists rise strictly: the tokens are contiguous and never empty).
        change: dict[int, list[int]] = {}  # token -> offsets to cut it at (inner) / [-1] for its space
        for c in starts | ends:
            if not 0 < c < length:
                continue
            i = bisect.bisect_right(tok_start, c) - 1
            if tok_start[i] < c < tok_end[i]:
                change.setdefault(i, []).append(c)
        for c in starts:
            i = bisect.bisect_left(tok_end, c)
            if i < n and tok_end[i] == c and space[i]:
                change.setdefault(i, []).append(-1)
        for c in ends:
            i = bisect.bisect_left(tok_end, c - 1)
            if i < n and tok_end[i] == c - 1 and space[i]:
                change.setdefault(i, []).append(-1)
        for i in sorted(change, reverse=True):
            s, e, w = tok_start[i], tok_end[i], space[i]
            cuts = sorted(set(c for c in change[i] if c > 0))
            p_start, p_end = [s] + cuts, cuts + [e]
            p_space = [False] * len(p_start)
            if w and -1 in change[i]:
                p_start.append(e)  # the space, as a token
                p_end.append(e + 1)
                p_space.append(False)
            elif w:
                p_space[-1] = True
            tok_start[i:i + 1] = p_start
            tok_end[i:i + 1] = p_end
            space[i:i + 1] = p_space
        # The token starting (first) or ending (last) at each span's offsets.
        n = len(tok_start)
        first, last = {}, {}
        for s in starts:
            i = bisect.bisect_left(tok_start, s)
            if i < n and tok_start[i] == s:
                first[s] = i
        for e in ends:
            i = bisect.bisect_left(tok_end, e)
            if i < n and tok_end[i] == e:
                last[e] = i
        return tok_start, tok_end, space, first, last

    def doc(self, text: str, spans: Iterable[tuple[int, int]] = (), packed: Sequence[int] | None = None):
        """A spaCy Doc of ``text`` on which every span starts and ends on tokens."""
        from spacy.tokens import Doc

        starts, ends, space = self.offsets(text, spans, packed)
        if _SURROGATE.search(text):
            raise ValueError("the text holds lone surrogates (\\ud800-\\udfff), which a spaCy Doc cannot")
        return Doc(self.nlp.vocab, words=list(map(text.__getitem__, map(slice, starts, ends))), spaces=space)


def unpack(text: str, packed: Any):
    """Packed tokens as ``Tokenizer._spacy`` gives them (starts, ends, spaces), or None
    when they do not fit ``text``: not a list of integers, an empty or backward token,
    a space marked where the text has none, or not ending where the text ends."""
    import numpy as np

    if not isinstance(packed, list):
        return None
    if not packed:
        if text:
            return None
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    try:
        arr = np.array(packed)
    except (ValueError, TypeError, OverflowError):
        return None
    if arr.dtype.kind != "i" or arr.ndim != 1:  # floats, bools, strings, nested lists, huge ints
        return None
    arr = arr.astype(np.int64, copy=False)
    tok_end = arr >> 1
    space = arr & 1
    after = tok_end + space
    tok_start = np.empty_like(tok_end)
    tok_start[0] = 0
    tok_start[1:] = after[:-1]
    if after[-1] != len(text) or not (tok_end > tok_start).all():
        return None
    marked = tok_end[space.astype(bool)]
    if len(marked):
        chars = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        if not (chars[marked] == 32).all():
            return None
    return tok_start, tok_end, space


_DEFAULT: Tokenizer | None = None


def default_tokenizer() -> Tokenizer:
    """The one English tokenizer of this process (spaCy loaded when first needed)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Tokenizer()
    return _DEFAULT


def pack(text: str) -> list[int] | None:
    """``text``'s tokens, packed, for the workspace to keep; None if spaCy cannot tokenize it."""
    try:
        return default_tokenizer().pack(text)
    except (ImportError, OSError, ValueError):  # no spaCy here, or a text it refuses: tokenized at export
        return None


def with_tokens(article):
    """``article`` with its tokens packed, for the workspace to keep (already kept: as is)."""
    if article.tokens is not None:
        return article
    from dataclasses import replace

    return replace(article, tokens=pack(article.text))
