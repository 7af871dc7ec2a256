"""How far analysts agree: span F1 per label, Cohen's kappa, Krippendorff's alpha, quotes.

Pure computation over what each analyst marked on the articles they share; no I/O.

- **Span F1, exact**: an entity counts as agreed when the other analyst has one with the
  same offsets and label (order-free). F1 = 2·both / (A + B), symmetric in A and B.
- **Span F1, overlap**: an entity counts as found when the other analyst has one of the
  same label overlapping it by a character or more; with P the share of B's entities
  found by A and R the share of A's found by B, F1 = 2PR / (P + R).
- **Cohen's kappa** (two analysts) and **Krippendorff's alpha** (all of them; nominal;
  an analyst who did not see an article is missing data) on token labels: each token of
  a shared article (the workspace's kept spaCy tokens, else spaCy's tokenizer) takes the
  label of the entity its first character falls in, else "O".
- **Quotes**: exact span F1, and speaker agreement over the quotes both analysts marked
  (paired one to one by overlap): the same speaker mention (offsets) or the same resolved
  name (casefolded); two quotes without any speaker agree too.

All analysts' articles are laid end to end in one coordinate space (each article at its
own offset), so every measure is a handful of numpy operations over all articles at
once: 10,000 articles x 40 annotations x 3 analysts in well under a second.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain, combinations
from operator import attrgetter
from typing import Iterable, Sequence

import numpy as np

from ..model import DEFAULT_LABELS, Annotation, Article

OUTSIDE = "O"  # the token label of a token in no entity
FEW_ARTICLES = 20  # alpha (and kappa) are unreliable on fewer shared articles


# --- what one analyst marked -----------------------------------------------------

@dataclass
class Marked:
    """What one analyst marked, compactly: their articles (by text hash) and, as integer
    arrays, their entities and quotes with offsets local to each article.

    ``entities``: rows (article, start, end, label); ``quotes``: rows (article, start, end,
    speaker start, speaker end, name), speaker -1, -1 without a mention; labels and names
    index ``labels`` and ``names`` (resolved names casefolded, ``names[0]`` == "")."""

    name: str
    path: str = ""
    keys: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    lengths: list[int] = field(default_factory=list)
    # Every article's kept token starts, end to end; ``token_at[k]`` where article k's begin.
    token_starts: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    token_at: np.ndarray = field(default_factory=lambda: np.zeros(1, np.int64))
    texts: list[str | None] = field(default_factory=list)  # an article without kept tokens that fit
    entities: np.ndarray = field(default_factory=lambda: np.zeros((0, 4), np.int64))
    quotes: np.ndarray = field(default_factory=lambda: np.zeros((0, 6), np.int64))
    labels: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=lambda: [""])


def marked(name: str, items: Iterable[tuple[Article, Sequence[Annotation]]]) -> Marked:
    """``Marked`` from articles and their annotations (take only the accepted ones first);
    an article met twice (the same text) counts once."""
    m = Marked(name)
    texts: list[str] = []
    packed: list[list[int] | None] = []
    # Field by field, a list each (400,000 annotations in a large workspace): the
    # annotations themselves are not kept.
    where: list[int] = []  # the article of each annotation
    start: list[int] = []
    end: list[int] = []
    is_quote: list[bool] = []
    labels: list[str] = []
    speakers: list[tuple[int, int, str]] = []
    seen: set[str] = set()
    for article, anns in items:
        if article.hash in seen:
            continue
        seen.add(article.hash)
        where += [len(m.keys)] * len(anns)
        start += map(_START, anns)
        end += map(_END, anns)
        is_quote += map(_is_quote, anns)
        labels += map(_LABEL, anns)
        speakers += [_speaker(a) for a in anns if a.kind == "quote"]
        m.keys.append(article.hash)
        m.ids.append(article.id)
        m.titles.append(article.title)
        m.lengths.append(len(article.text))
        texts.append(article.text)
        packed.append(article.tokens)
    quote = np.array(is_quote, bool)
    ent = ~quote
    rows = np.array([where, start, end], np.int64).reshape(3, -1)
    m.labels = list(dict.fromkeys(x for x, q in zip(labels, is_quote) if not q))
    code = {x: i for i, x in enumerate(m.labels)}
    codes = np.array([code[x] for x, q in zip(labels, is_quote) if not q], np.int64)
    m.entities = np.concatenate([rows[:, ent], codes[None]]).T.reshape(-1, 4)
    m.names = list(dict.fromkeys(["", *(x[2] for x in speakers)]))
    who = {x: i for i, x in enumerate(m.names)}
    spk = np.array([(s, e, who[x]) for s, e, x in speakers], np.int64).reshape(-1, 3).T
    m.quotes = np.concatenate([rows[:, quote], spk]).T.reshape(-1, 6)
    m.token_starts, m.token_at, m.texts = _kept_tokens(texts, packed)
    return m


_START, _END, _LABEL = attrgetter("start"), attrgetter("end"), attrgetter("label")


def _is_quote(a: Annotation) -> bool:
    return a.kind == "quote"


def _speaker(a: Annotation) -> tuple[int, int, str]:
    """A quote's speaker: the mention's offsets (-1, -1 without one) and the resolved name, casefolded."""
    sp = a.speaker
    if sp is None:
        return -1, -1, ""
    s, e = (sp.start, sp.end) if sp.has_mention else (-1, -1)
    return s, e, sp.name.casefold()


def _kept_tokens(texts: list[str], packed: list[list[int] | None]) -> tuple[np.ndarray, np.ndarray, list[str | None]]:
    """The articles' kept tokens (``tui.nlp.tokens``) as token starts end to end, checked all at
    once: each token ends after it starts, the last one where the text ends. An article
    whose tokens do not fit keeps its text, to be tokenized (once, if it is shared)."""
    fits = [isinstance(p, list) and len(p) > 0 and type(p[-1]) is int and (p[-1] >> 1) + (p[-1] & 1) == len(t)
            for t, p in zip(texts, packed)]
    counts = np.array([len(p) if ok else 0 for p, ok in zip(packed, fits)], np.int64)
    at = np.zeros(len(texts) + 1, np.int64)
    np.cumsum(counts, out=at[1:])
    try:
        arr = np.fromiter(chain.from_iterable(p for p, ok in zip(packed, fits) if ok), np.int64, count=int(at[-1]))
    except (TypeError, ValueError, OverflowError):  # something else than integers in a hand-edited file
        arr, fits = np.zeros(0, np.int64), [False] * len(texts)
        at[:] = 0
        counts[:] = 0
    ends = arr >> 1
    starts = np.empty_like(ends)
    if len(arr):
        starts[1:] = ends[:-1] + (arr[:-1] & 1)
    first = at[:-1][counts > 0]
    starts[first] = 0
    bad = np.unique(np.searchsorted(at, np.nonzero(ends <= starts)[0], side="right") - 1)
    for k in bad:
        fits[k] = False
    return starts.astype(np.int32), at, [None if ok else t for t, ok in zip(texts, fits)]


# --- results ---------------------------------------------------------------------

def f1(both: int, a: int, b: int) -> float | None:
    """2·both / (a + b): None when neither marked anything."""
    return 2 * both / (a + b) if a + b else None


def f1_found(a_found: int, a: int, b_found: int, b: int) -> float | None:
    """F1 from the share of A's spans B found (recall) and of B's that A found (precision)."""
    if not a and not b:
        return None
    r, p = (a_found / a if a else 0.0), (b_found / b if b else 0.0)
    return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class LabelAgreement:
    """One label between analysts A and B: exact matches, and spans found by overlap."""

    both: int = 0
    a_only: int = 0
    b_only: int = 0
    a_found: int = 0  # A's spans that overlap one of B's (same label)
    b_found: int = 0

    @property
    def f1_exact(self) -> float | None:
        return f1(self.both, self.both + self.a_only, self.both + self.b_only)

    @property
    def f1_overlap(self) -> float | None:
        return f1_found(self.a_found, self.both + self.a_only, self.b_found, self.both + self.b_only)

    def __add__(self, other: "LabelAgreement") -> "LabelAgreement":
        return LabelAgreement(self.both + other.both, self.a_only + other.a_only, self.b_only + other.b_only,
                              self.a_found + other.a_found, self.b_found + other.b_found)


@dataclass
class QuoteAgreement:
    both: int = 0  # the same quote span (offsets)
    a_only: int = 0
    b_only: int = 0
    paired: int = 0  # quotes of A and B paired by overlap
    same_speaker: int = 0  # of the paired ones

    @property
    def f1(self) -> float | None:
        return f1(self.both, self.both + self.a_only, self.both + self.b_only)

    @property
    def speaker_agreement(self) -> float | None:
        return self.same_speaker / self.paired if self.paired else None

    def __add__(self, other: "QuoteAgreement") -> "QuoteAgreement":
        return QuoteAgreement(self.both + other.both, self.a_only + other.a_only, self.b_only + other.b_only,
                              self.paired + other.paired, self.same_speaker + other.same_speaker)


@dataclass
class PairAgreement:
    a: str
    b: str
    articles: int
    labels: dict[str, LabelAgreement]
    quotes: QuoteAgreement
    tokens: int  # tokens both labelled
    kappa: float | None

    @property
    def total(self) -> LabelAgreement:
        return sum(self.labels.values(), LabelAgreement())


@dataclass
class ArticleAgreement:
    """One shared article, over every pair of analysts that saw it."""

    id: str
    title: str
    analysts: int
    entities: LabelAgreement
    quotes: QuoteAgreement

    @property
    def differences(self) -> int:
        return self.entities.a_only + self.entities.b_only + self.quotes.a_only + self.quotes.b_only


@dataclass
class Agreement:
    analysts: list[str]
    articles: int  # seen by two analysts or more
    pairs: list[PairAgreement]
    alpha: float | None
    per_article: list[ArticleAgreement]  # worst first
    warnings: list[str] = field(default_factory=list)

    @property
    def quotes(self) -> QuoteAgreement:
        return sum((p.quotes for p in self.pairs), QuoteAgreement())

    @property
    def total(self) -> LabelAgreement:
        return sum((p.total for p in self.pairs), LabelAgreement())


# --- the computation ---------------------------------------------------------------

def label_order(labels: Iterable[str]) -> list[str]:
    """readtui's labels in their usual order, then any others alphabetically."""
    labels = set(labels)
    return [x for x in DEFAULT_LABELS if x in labels] + sorted(labels - set(DEFAULT_LABELS))


def _keys(cols: Sequence[np.ndarray], radix: Sequence[int]) -> np.ndarray:
    """One int64 per row of ``cols`` (non-negative ints below ``radix``): equal rows, equal keys."""
    if float(np.prod([float(r) for r in radix])) >= 2.0 ** 62:
        raise ValueError("the articles are too long to compare (over 10^12 characters)")
    key = np.zeros(len(cols[0]), np.int64)
    for c, r in zip(cols, radix):
        key = key * r + c
    return key


def _found_in(keys: np.ndarray, other_sorted: np.ndarray) -> np.ndarray:
    """For each key: is it among ``other_sorted``?"""
    if not len(other_sorted):
        return np.zeros(len(keys), bool)
    i = np.searchsorted(other_sorted, keys).clip(0, len(other_sorted) - 1)
    return other_sorted[i] == keys


def _overlapping(starts: np.ndarray, ends: np.ndarray, o_starts: np.ndarray, o_ends: np.ndarray) -> np.ndarray:
    """For each span: does any of the other spans overlap it? (The others need no order.)"""
    if not len(o_starts):
        return np.zeros(len(starts), bool)
    order = np.argsort(o_starts, kind="stable")
    s, reach = o_starts[order], np.maximum.accumulate(o_ends[order])
    i = np.searchsorted(s, ends, side="left")  # the others starting before each span ends
    return (i > 0) & (reach[np.maximum(i - 1, 0)] > starts)


@dataclass
class _Marks:
    """One analyst's spans over all shared articles, in global offsets."""

    article: np.ndarray
    start: np.ndarray
    end: np.ndarray
    code: np.ndarray  # label (entities) or name (quotes) code
    key: np.ndarray
    sorted_key: np.ndarray
    speaker_start: np.ndarray | None = None
    speaker_end: np.ndarray | None = None

    def where(self, articles: np.ndarray) -> "_Marks":
        keep = articles[self.article]
        sk = None if self.speaker_start is None else self.speaker_start[keep]
        se = None if self.speaker_end is None else self.speaker_end[keep]
        key = self.key[keep]
        return _Marks(self.article[keep], self.start[keep], self.end[keep], self.code[keep], key,
                      np.sort(key), sk, se)


class Comparison:
    """The analysts' versions of the articles two or more of them saw (the shared
    articles), laid end to end in one coordinate space (each article at its own offset,
    one apart), so that each measure runs over all articles at once."""

    def __init__(self, works: Sequence[Marked], *, least: int = 2):
        self.names = [w.name for w in works]
        where: dict[str, list[tuple[int, int]]] = {}  # text hash -> (analyst, article index there)
        for i, w in enumerate(works):
            for k, key in enumerate(w.keys):
                where.setdefault(key, []).append((i, k))
        shared = [v for v in where.values() if len(v) >= least]
        n = len(shared)
        # Each analyst's article index -> shared article index (-1: seen by them alone).
        self.index = [np.full(len(w.keys), -1, np.int64) for w in works]
        self.seen = np.zeros((len(works), n), bool)
        for g, who in enumerate(shared):
            for i, k in who:
                self.index[i][k] = g
                self.seen[i, g] = True
        first = [who[0] for who in shared]
        self.ids = [works[i].ids[k] for i, k in first]
        self.titles = [works[i].titles[k] for i, k in first]
        lengths = np.array([works[i].lengths[k] for i, k in first], np.int64)
        self.width = int(lengths.sum() + n + 1)
        self.base = np.zeros(n, np.int64)
        self.base[1:] = np.cumsum(lengths + 1)[:-1]
        starts = [self._token_starts(works, who) for who in shared]
        self._cache: dict[tuple, tuple] = {}
        self.token_article = np.repeat(np.arange(n), [len(s) for s in starts])
        # int32 while the corpus allows: half the memory to search through.
        self.offset_type = np.int32 if self.width < 2 ** 31 else np.int64
        self.token_start = ((np.concatenate(starts).astype(np.int64) if n else np.zeros(0, np.int64))
                            + self.base[self.token_article]).astype(self.offset_type)
        self.labels = label_order({label for w in works for label in w.labels})
        self.code = {label: c for c, label in enumerate([OUTSIDE] + self.labels)}
        names = {name: c for c, name in enumerate(dict.fromkeys(n for w in works for n in w.names))}
        longest = max([int((w.entities[:, 2] - w.entities[:, 1]).max(initial=0)) for w in works]
                      + [int((w.quotes[:, 2] - w.quotes[:, 1]).max(initial=0)) for w in works] + [0])
        radix = (self.width, longest + 1, len(self.code))
        self.entities = [self._spans(w.entities, self.index[i], [self.code[x] for x in w.labels], radix)
                         for i, w in enumerate(works)]
        self.quotes = [self._spans(w.quotes, self.index[i], [names[x] for x in w.names], radix[:2])
                       for i, w in enumerate(works)]
        token_labels = np.empty((len(works), len(self.token_start)), np.int8)
        for i in range(len(works)):
            self._token_labels(i, token_labels[i])
        self.patterns = Patterns(token_labels, len(self.code))

    # building

    @staticmethod
    def _token_starts(works: Sequence[Marked], who: list[tuple[int, int]]) -> np.ndarray:
        """The article's token starts: kept by one of the analysts, else spaCy's (once)."""
        for i, k in who:
            w = works[i]
            if w.texts[k] is None:
                return w.token_starts[w.token_at[k]:w.token_at[k + 1]]
        from ..nlp.tokens import default_tokenizer

        i, k = who[0]
        return default_tokenizer()._spacy(works[i].texts[k])[0]

    def _spans(self, rows: np.ndarray, index: np.ndarray, codes: list[int], radix: tuple) -> _Marks:
        """An analyst's rows (article, start, end, code[, speaker start, end]) on the shared
        articles, in global offsets and shared codes."""
        art = index[rows[:, 0]] if len(rows) else np.zeros(0, np.int64)
        rows = rows[art >= 0]
        art = art[art >= 0]
        base = self.base[art]
        start, end = rows[:, 1] + base, rows[:, 2] + base
        code = np.array(codes, np.int64)[rows[:, 3 if rows.shape[1] == 4 else 5]] if len(rows) \
            else np.zeros(0, np.int64)
        cols = [start, end - start, code][:len(radix)]
        key = _keys(cols, radix)
        if rows.shape[1] == 4:
            return _Marks(art, start, end, code, key, np.sort(key))
        sp_start = np.where(rows[:, 3] >= 0, rows[:, 3] + base, -1)
        sp_end = np.where(rows[:, 4] >= 0, rows[:, 4] + base, -1)
        return _Marks(art, start, end, code, key, np.sort(key), sp_start, sp_end)

    def _token_labels(self, i: int, labels: np.ndarray) -> None:
        """Each token's label code for analyst ``i`` into ``labels``: 0 ("O"), a label, or -1 (not seen)."""
        labels.fill(-1)
        labels[self.seen[i][self.token_article]] = 0
        m = self.entities[i]
        if len(m.start):
            order = np.lexsort((-m.end, m.start))  # inner spans painted last win
            first = np.searchsorted(self.token_start, m.start[order].astype(self.offset_type), side="left")
            stop = np.searchsorted(self.token_start, m.end[order].astype(self.offset_type), side="left")
            n = (stop - first).clip(0)
            pos = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n) + np.repeat(first, n)
            labels[pos] = np.repeat(m.code[order], n)

    # measures

    def _matched(self, kind: str, i: int, j: int) -> tuple[_Marks, _Marks, np.ndarray, np.ndarray]:
        """Analysts i's and j's spans of ``kind`` on the articles both saw, and which of
        each they both marked (exact); once per pair, for the pair and the articles."""
        got = self._cache.get((kind, i, j))
        if got is None:
            marks = self.entities if kind == "entity" else self.quotes
            both_saw = self.seen[i] & self.seen[j]
            a, b = marks[i].where(both_saw), marks[j].where(both_saw)
            got = self._cache[kind, i, j] = (a, b, _found_in(a.key, b.sorted_key), _found_in(b.key, a.sorted_key))
        return got

    def pair(self, i: int, j: int) -> PairAgreement:
        both_saw = self.seen[i] & self.seen[j]
        a, b, a_both, b_both = self._matched("entity", i, j)
        # Labels apart: a label's spans are shifted past every other label's.
        width = self.width
        a_found = _overlapping(a.start + a.code * width, a.end + a.code * width,
                               b.start + b.code * width, b.end + b.code * width)
        b_found = _overlapping(b.start + b.code * width, b.end + b.code * width,
                               a.start + a.code * width, a.end + a.code * width)
        size = len(self.code)
        count = lambda codes, flags: np.bincount(codes, weights=flags, minlength=size).astype(int)  # noqa: E731
        both, a_n, b_n = count(a.code, a_both), count(a.code, None), count(b.code, None)
        af, bf = count(a.code, a_found), count(b.code, b_found)
        labels = {label: LabelAgreement(int(both[c]), int(a_n[c] - both[c]), int(b_n[c] - both[c]),
                                        int(af[c]), int(bf[c]))
                  for label, c in self.code.items() if c and (a_n[c] or b_n[c])}
        kappa, tokens = self._kappa(i, j)
        return PairAgreement(self.names[i], self.names[j], int(both_saw.sum()), labels,
                             self._quote_pair(i, j), tokens, kappa)

    def _quote_pair(self, i: int, j: int) -> QuoteAgreement:
        a, b, a_both, _ = self._matched("quote", i, j)
        both = int(a_both.sum())
        paired = same = 0
        if len(a.start) and len(b.start):
            order = np.argsort(b.start, kind="stable")
            bs = b.start[order]
            # Each quote of A with the last quote of B starting before it ends, if they overlap;
            # a quote of B is paired once.
            k = np.searchsorted(bs, a.end, side="left") - 1
            ok = k >= 0
            ai, bi = np.nonzero(ok)[0], order[k[ok]]
            ok = b.end[bi] > a.start[ai]
            ai, bi = ai[ok], bi[ok]
            bi, first = np.unique(bi, return_index=True)
            ai = ai[first]
            mention = (a.speaker_start[ai] == b.speaker_start[bi]) & (a.speaker_end[ai] == b.speaker_end[bi])
            has_mention = a.speaker_start[ai] >= 0
            named = a.code[ai] > 0
            nobody = ~has_mention & (b.speaker_start[bi] < 0) & ~named & (b.code[bi] == 0)
            agree = (mention & has_mention) | (named & (a.code[ai] == b.code[bi])) | nobody
            paired, same = len(ai), int(agree.sum())
        return QuoteAgreement(both, len(a.key) - both, len(b.key) - both, paired, same)

    def _kappa(self, i: int, j: int) -> tuple[float | None, int]:
        table = self.patterns.table(i, j)
        return cohen_kappa(table), int(table.sum())

    def alpha(self) -> float | None:
        return krippendorff_alpha(self.patterns.value_counts())

    def per_article(self) -> list[ArticleAgreement]:
        """Every shared article over the pairs that saw it, worst first (lowest exact F1, most differences)."""
        n = len(self.ids)
        ent = {f: np.zeros(n, np.int64) for f in ("both", "a_only", "b_only", "a_found", "b_found")}
        quo = {f: np.zeros(n, np.int64) for f in ("both", "a_only", "b_only")}
        for i, j in combinations(range(len(self.names)), 2):
            for kind, into in (("entity", ent), ("quote", quo)):
                a, b, a_both, b_both = self._matched(kind, i, j)
                into["both"] += np.bincount(a.article[a_both], minlength=n)
                into["a_only"] += np.bincount(a.article[~a_both], minlength=n)
                into["b_only"] += np.bincount(b.article[~b_both], minlength=n)
        analysts = self.seen.sum(axis=0)
        rows = [ArticleAgreement(self.ids[k], self.titles[k], int(analysts[k]),
                                 LabelAgreement(int(ent["both"][k]), int(ent["a_only"][k]), int(ent["b_only"][k])),
                                 QuoteAgreement(int(quo["both"][k]), int(quo["a_only"][k]), int(quo["b_only"][k])))
                for k in range(n)]
        rows.sort(key=lambda r: (r.entities.f1_exact if r.entities.f1_exact is not None else 2.0, -r.differences))
        return rows


def cohen_kappa(table: np.ndarray) -> float | None:
    """Cohen's kappa from a confusion table (A's labels by rows, B's by columns):
    (p_o - p_e) / (1 - p_e). None when chance alone agrees fully (one label for everything)."""
    n = table.sum()
    if not n:
        return None
    p_o = np.trace(table) / n
    p_e = float((table.sum(axis=1) / n) @ (table.sum(axis=0) / n))
    return None if p_e >= 1.0 else float((p_o - p_e) / (1 - p_e))


class Patterns:
    """The token labels (analysts x tokens, codes 0..values-1, -1 missing) as the distinct
    columns they hold and how often each occurs: kappa and alpha need no more, and a
    corpus of millions of tokens holds a few hundred distinct columns."""

    def __init__(self, labels: np.ndarray, values: int):
        self.values = values
        m = labels.shape[0]
        radix = values + 1
        code = np.zeros(labels.shape[1], np.int64)
        for row in labels[::-1]:
            code = code * radix + (row.astype(np.int64) + 1)
        if radix ** m <= 1 << 24:
            counts = np.bincount(code, minlength=1)
            self.code = np.nonzero(counts)[0]
            self.count = counts[self.code]
        else:
            self.code, self.count = np.unique(code, return_counts=True)
        # Each distinct column back as labels: analysts x patterns.
        self.labels = np.stack([(self.code // radix ** i) % radix - 1 for i in range(m)]) \
            if m else np.zeros((0, len(self.code)), np.int64)

    def table(self, i: int, j: int) -> np.ndarray:
        """The confusion table of analysts i and j on the tokens both labelled."""
        a, b = self.labels[i], self.labels[j]
        both = (a >= 0) & (b >= 0)
        v = self.values
        return np.bincount(a[both] * v + b[both], weights=self.count[both], minlength=v * v).reshape(v, v)

    def value_counts(self) -> np.ndarray:
        """Krippendorff's value counts (units x values), units with fewer than two values
        left out (they pair with nothing).

        Units on which every analyst who saw them gave the same value are merged into one
        row per value: such a unit of m values adds m to the coincidence matrix's diagonal
        and nothing else, so k of them add what one unit of k·m values adds. The alpha is
        exactly the same, computed on thousands of rows instead of millions."""
        v = self.values
        per = np.stack([(self.labels == x).sum(axis=0) for x in range(v)], axis=1).astype(np.float64)
        present = per.sum(axis=1)
        pairable = present >= 2
        unanimous = pairable & (per.max(axis=1) == present)
        merged = (per[unanimous] * self.count[unanimous, None]).sum(axis=0)
        mixed = pairable & ~unanimous
        rows = [np.repeat(per[mixed], self.count[mixed], axis=0)]
        rows += [np.eye(v)[x:x + 1] * merged[x] for x in range(v) if merged[x]]
        return np.concatenate(rows)


def krippendorff_alpha(counts: np.ndarray) -> float | None:
    """Krippendorff's alpha, nominal, by the ``krippendorff`` package, from value counts
    (units x values). None when it is undefined (fewer than two values in play)."""
    import krippendorff

    if not len(counts) or np.count_nonzero(counts.sum(axis=0)) < 2:
        return None
    return float(krippendorff.alpha(value_counts=counts, level_of_measurement="nominal"))


def agreement(works: Sequence[Marked]) -> Agreement:
    """Every measure for the analysts' ``works`` over the articles two or more of them saw."""
    cmp = Comparison(works)
    pairs = [cmp.pair(i, j) for i, j in combinations(range(len(works)), 2)]
    warnings = [f"{p.a} and {p.b} share {p.articles} article{'s' if p.articles != 1 else ''}: "
                f"kappa and alpha are unreliable below {FEW_ARTICLES}"
                for p in pairs if p.articles < FEW_ARTICLES]
    return Agreement(cmp.names, len(cmp.ids), pairs, cmp.alpha(), cmp.per_article(), warnings)


# --- against a gold --------------------------------------------------------------

@dataclass
class GoldScore:
    """One analyst against the gold: per label, B (the analyst) against A (the gold)."""

    analyst: str
    articles: int
    labels: dict[str, LabelAgreement]  # "QUOTE" for the quotes

    @staticmethod
    def scores(lab: LabelAgreement) -> tuple[float | None, float | None, float | None]:
        """Precision, recall, F1 of the analyst's spans (exact) against the gold's."""
        marked, gold = lab.both + lab.b_only, lab.both + lab.a_only
        p = lab.both / marked if marked else None
        r = lab.both / gold if gold else None
        return p, r, f1(lab.both, gold, marked)

    @property
    def total(self) -> LabelAgreement:
        return sum(self.labels.values(), LabelAgreement())


def against_gold(gold: Marked, works: Sequence[Marked]) -> list[GoldScore]:
    """Each analyst against the gold, over the articles both have."""
    cmp = Comparison([gold, *works])
    out = []
    for j in range(1, len(works) + 1):
        p = cmp.pair(0, j)
        labels = dict(p.labels)
        q = p.quotes
        if q.both or q.a_only or q.b_only:
            labels["QUOTE"] = LabelAgreement(q.both, q.a_only, q.b_only)
        out.append(GoldScore(works[j - 1].name, p.articles, labels))
    return out
