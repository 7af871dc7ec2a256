"""Stories: articles that are versions of one another (updated, cut, rewritten), grouped.

Two steps, as near-duplicate finders at scale do: MinHash LSH (datasketch) over each
article's content words finds the few articles worth a look among thousands; a finer
test confirms them (the share of content words both hold; for a rewrite, which shares
its facts but few of its words, how many sentences find a counterpart). A story is a
set of articles linked by confirmed pairs.

The signatures and the links are kept beside the workspace (``StoryIndex``), keyed by
each article's text hash: adding articles compares only the new ones.
"""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

import numpy as np
from scipy import sparse
from datasketch import LeanMinHash, MinHash, MinHashLSH

from .text import content_words, sentences

NUM_PERM = 256
SCHEME = "affine32"
# LSH lets through pairs whose content words overlap from about this Jaccard, weighted
# towards not missing a pair (85 bands of 3): a heavy rewrite (the seeds) shares ~0.33 of
# its words and is let through 19 times in 20; a pair sharing 0.05 once in 90.
LSH_THRESHOLD, LSH_WEIGHTS = 0.3, (0.1, 0.9)
SAME_WORDS = 0.5  # from here two articles are versions without a closer look
LOOK_WORDS = 0.22  # below, never versions
# Between the two: versions when this share of sentences (mean of both directions) has a
# counterpart in the other article holding a quarter of its content words or more.
SENTENCE_MATCH = 0.25
SAME_SENTENCES = 0.45
INDEX_VERSION = 1

TextsOf = Callable[[Sequence[str]], Iterable[tuple[str, str]]]


@dataclass(frozen=True)
class Story:
    """Articles that are versions of one another; ``id`` is its first article's id."""

    id: str
    articles: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"story": self.id, "articles": list(self.articles)}


def word_hashes(text: str) -> np.ndarray:
    """An article's content words as sorted 32-bit hashes: what signatures are made of."""
    return np.unique(np.array([zlib.crc32(w.encode("utf-8", "surrogatepass")) for w in content_words(text)],
                              dtype=np.uint32))


_PROTO: list[MinHash] = []


def signature(hashes: np.ndarray) -> np.ndarray:
    """The MinHash signature of a set of word hashes."""
    if not _PROTO:  # the permutations are drawn once (seeded), not for every article
        _PROTO.append(MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME))
    m = MinHash(num_perm=NUM_PERM, seed=1, hashfunc=int, permutations=_PROTO[0].permutations, scheme=SCHEME)
    if len(hashes):
        m.update_batch(hashes.tolist())
    return m.hashvalues.astype(np.uint32)


def sentence_words(text: str) -> sparse.csr_matrix:
    """Which content words each sentence (of three or more of them) holds: one row per
    sentence, one column per word (hashed), so two articles' sentences are matched in
    one sparse product."""
    rows = [content_words(s.text) for s in sentences(text)]
    rows = [w for w in rows if len(w) >= 3]
    cols = [zlib.crc32(w.encode("utf-8", "surrogatepass")) & _COLUMNS for r in rows for w in r]
    indptr = np.cumsum([0] + [len(r) for r in rows])
    m = sparse.csr_matrix((np.ones(len(cols), np.float32), np.array(cols, np.int64), indptr),
                          shape=(len(rows), _COLUMNS + 1))
    m.sum_duplicates()
    m.data[:] = 1
    return m


_COLUMNS = (1 << 16) - 1  # word hashes folded to 65,536 columns: a rare collision only adds a word


def sentence_match(a: sparse.csr_matrix, b: sparse.csr_matrix) -> float:
    """The share of sentences (``sentence_words``) with a counterpart in the other text
    (a quarter of their content words in common or more), the mean of both ways."""
    if not a.shape[0] or not b.shape[0]:
        return 0.0
    both = (a @ b.T).toarray()
    either = np.add.outer(np.asarray(a.sum(axis=1)).ravel(), np.asarray(b.sum(axis=1)).ravel()) - both
    matched = both >= SENTENCE_MATCH * either
    return (matched.any(axis=1).mean() + matched.any(axis=0).mean()) / 2


def words_overlap(a: np.ndarray, b: np.ndarray) -> float:
    both = len(np.intersect1d(a, b, assume_unique=True))
    either = len(a) + len(b) - both
    return both / either if either else 0.0


def are_versions(text_a: str, text_b: str) -> bool:
    """The finer test on two texts, as the index applies it to a candidate pair."""
    j = words_overlap(word_hashes(text_a), word_hashes(text_b))
    return j >= SAME_WORDS or (j >= LOOK_WORDS and sentence_match(sentence_words(text_a), sentence_words(text_b)) >= SAME_SENTENCES)


class StoryIndex:
    """Signatures of the articles seen, and the version links confirmed between them."""

    def __init__(self) -> None:
        self.hashes: dict[str, str] = {}  # article id -> text hash it was signed at
        self.words: dict[str, np.ndarray] = {}
        self.signatures: dict[str, np.ndarray] = {}
        self.links: set[tuple[str, str]] = set()

    # keeping it current

    def update(self, articles: Sequence[tuple[str, str]], texts_of: TextsOf) -> int:
        """Bring the index to ``articles`` ((id, text hash), in import order); returns how
        many were signed anew. ``texts_of(ids)`` gives (id, text) for the ones it needs.

        Only what grouping needs is kept: one link for each article that joins a story
        (a spanning forest, never every pair: 10,000 versions of one story were 50 million
        links, 800 MB on disk and gigabytes in memory), and a story is looked up by its
        first ``REPRESENTATIVES`` members only, so an archive of look-alike articles stays
        linear. An article that changed or went takes its story's links with it, and the
        rest of that story is linked again."""
        current = dict(articles)
        gone = {aid for aid, h in self.hashes.items() if current.get(aid) != h}
        relink = self._forget(gone)
        fresh = [aid for aid, _ in articles if aid not in self.hashes]
        texts: dict[str, str] = {}
        for aid, text in texts_of(fresh) if fresh else ():
            texts[aid] = text
            self.words[aid] = word_hashes(text)
            self.signatures[aid] = signature(self.words[aid])
            self.hashes[aid] = current[aid]
        to_link = [aid for aid, _ in articles if aid in texts or aid in relink]
        if not to_link:
            return len(fresh)
        stories = _Forest(self.links)
        lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM, weights=LSH_WEIGHTS)
        waiting = set(to_link)
        with lsh.insertion_session() as session:
            for aid, _ in articles:
                if aid in self.signatures and aid not in waiting and stories.represent(aid):
                    session.insert(aid, self._lean(self.signatures[aid]), check_duplication=False)
        look: list[tuple[str, str]] = []
        for aid in to_link:
            sig = self._lean(self.signatures[aid])
            others = [o for o in lsh.query(sig) if not stories.together(o, aid)]
            if others:
                # The signatures' estimate first (one array operation); the exact overlap only
                # where the estimate is not far below LOOK_WORDS (its error is ~0.03 at 256).
                estimate = (np.array([self.signatures[o] for o in others]) == self.signatures[aid]).mean(axis=1)
                for other in (o for o, e in zip(others, estimate) if e >= LOOK_WORDS - 0.1):
                    if stories.together(other, aid):  # joined through an earlier one of them
                        continue
                    j = words_overlap(self.words[aid], self.words[other])
                    if j >= SAME_WORDS:
                        stories.link(aid, other)
                    elif j >= LOOK_WORDS:
                        look.append((aid, other))
            if stories.represent(aid):
                lsh.insert(aid, sig, check_duplication=False)
        self._look_closer(look, texts, texts_of, stories)
        self.links = stories.links
        return len(fresh)

    def _look_closer(self, pairs: list[tuple[str, str]], texts: dict[str, str], texts_of: TextsOf,
                     stories: "_Forest") -> None:
        pairs = [(a, b) for a, b in pairs if not stories.together(a, b)]
        missing = sorted({x for p in pairs for x in p if x not in texts})
        if missing:
            texts.update(texts_of(missing))
        split: dict[str, list[set[str]]] = {}
        for a, b in pairs:
            if stories.together(a, b):
                continue
            for x in (a, b):
                if x not in split:
                    split[x] = sentence_words(texts[x])
            if sentence_match(split[a], split[b]) >= SAME_SENTENCES:
                stories.link(a, b)

    def _forget(self, gone: set[str]) -> set[str]:
        """Drop the articles ``gone`` and every link of their stories; the other members of
        those stories, to be linked again."""
        if not gone:
            return set()
        stories = _Forest(self.links)
        hit = {stories.root(a) for a in gone}
        relink = {x for pair in self.links for x in pair if stories.root(x) in hit} - gone
        self.links = {p for p in self.links if stories.root(p[0]) not in hit}
        for aid in gone:
            self.hashes.pop(aid, None)
            self.words.pop(aid, None)
            self.signatures.pop(aid, None)
        return relink

    @staticmethod
    def _lean(sig: np.ndarray) -> LeanMinHash:
        return LeanMinHash(seed=1, hashvalues=sig, scheme=SCHEME)

    # reading

    def stories(self, order: Sequence[str]) -> list[Story]:
        """Stories of two or more articles, each in ``order`` (import order), by first article."""
        forest = _Forest(self.links)
        groups: dict[str, list[str]] = {}
        for aid in order:
            if aid in forest.parent:
                groups.setdefault(forest.root(aid), []).append(aid)
        return [Story(members[0], tuple(members)) for members in groups.values() if len(members) > 1]

    # on disk

    def dumps(self) -> bytes:
        ids = list(self.hashes)
        idx = {aid: i for i, aid in enumerate(ids)}
        lengths = np.array([len(self.words[a]) for a in ids], dtype=np.int64)
        buf = io.BytesIO()
        np.savez(buf, version=np.array([INDEX_VERSION, NUM_PERM]), ids=np.array(ids, dtype=str),
                 hashes=np.array([self.hashes[a] for a in ids], dtype=str),
                 signatures=np.array([self.signatures[a] for a in ids], dtype=np.uint32).reshape(-1, NUM_PERM),
                 words=np.concatenate([self.words[a] for a in ids]) if ids else np.zeros(0, np.uint32),
                 lengths=lengths,
                 links=np.array([(idx[a], idx[b]) for a, b in self.links], dtype=np.int64).reshape(-1, 2))
        return buf.getvalue()

    @classmethod
    def loads(cls, raw: bytes) -> "StoryIndex":
        """The index saved by ``dumps``; an empty one when it is damaged or of another make."""
        index = cls()
        try:
            with np.load(io.BytesIO(raw), allow_pickle=False) as z:
                if z["version"].tolist() != [INDEX_VERSION, NUM_PERM]:
                    return index
                ids = z["ids"].tolist()
                bounds = np.concatenate([[0], np.cumsum(z["lengths"])])
                words, sigs = z["words"], z["signatures"]
                for i, (aid, h) in enumerate(zip(ids, z["hashes"].tolist())):
                    index.hashes[aid] = h
                    index.words[aid] = words[bounds[i]:bounds[i + 1]]
                    index.signatures[aid] = sigs[i]
                index.links = {(ids[a], ids[b]) for a, b in z["links"].tolist()}
        except (ValueError, KeyError, OSError, EOFError, IndexError):
            return cls()
        return index


REPRESENTATIVES = 16  # members of a story new articles are compared with: most stories have fewer


class _Forest:
    """Which articles are versions of one another, by union-find over the links, and the
    links that make a spanning forest of them (a new one only where two stories join)."""

    def __init__(self, links: Iterable[tuple[str, str]]):
        self.parent: dict[str, str] = {}
        self.shown: dict[str, int] = {}  # story root -> members looked up by the LSH
        self.links: set[tuple[str, str]] = set()
        for a, b in links:
            self.link(a, b)

    def root(self, x: str) -> str:
        parent = self.parent
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    def together(self, a: str, b: str) -> bool:
        return a == b or self.root(a) == self.root(b)

    def link(self, a: str, b: str) -> None:
        self.parent.setdefault(a, a)  # every linked article is in ``parent``: a member of a story
        self.parent.setdefault(b, b)
        ra, rb = self.root(a), self.root(b)
        if ra == rb:
            return
        self.parent[rb] = ra
        self.shown[ra] = self.shown.get(ra, 0) + self.shown.pop(rb, 0)
        self.links.add(_pair(a, b))

    def represent(self, aid: str) -> bool:
        """Whether ``aid`` is one of its story's first REPRESENTATIVES looked up (counted)."""
        r = self.root(aid)
        if self.shown.get(r, 0) >= REPRESENTATIVES:
            return False
        self.shown[r] = self.shown.get(r, 0) + 1
        return True


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def group(articles: Sequence[tuple[str, str]]) -> list[Story]:
    """Stories among (id, text) pairs, from scratch: for tests and figures."""
    from ..model import content_hash

    texts = dict(articles)
    index = StoryIndex()
    index.update([(aid, content_hash(t)) for aid, t in articles], lambda ids: ((i, texts[i]) for i in ids))
    return index.stories([aid for aid, _ in articles])
