"""spaCy's suffix and infix rules, asked faster: the same answers without trying every rule.

spaCy's tokenizer cuts a new word with regular expressions: ``suffix_search`` (83
alternatives, each anchored at the end, tried at every position of the word) and
``infix_finditer``. For a word it has not seen, they are most of its time: ~5 µs
and ~3 µs a call, and news has new words (names, numbers) in every article.

Most rules cannot apply to a given word, and which ones can is known from one character:

- a suffix rule can only match a word that ends with a character its match can end
  with (the word holds no line break, so ``$`` is its end): ``suffix_search`` asks a
  regular expression of just those rules, in their order. The leftmost match of that
  expression is the leftmost match of all the rules, with the same span;
- an infix rule can only match where the word holds a character its match can start
  with: a word holding none of them has no infix, and ``infix_finditer`` does not
  need to look.

Which characters those are is read off the parsed rules (``re._parser``). Where a
rule's edge is not a plain set of characters (a class like ``\\w``, anything that
may match nothing), the rule is kept for every word, or nothing is changed.
``install`` checks that the tokenizer's expressions are the ones spaCy builds from
the language's rules, and changes nothing otherwise.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Iterable, Iterator

try:  # the parser behind re.compile: re._parser from Python 3.11, sre_parse before
    import re._constants as _c
    import re._parser as _parser
except ImportError:  # pragma: no cover
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _parser  # type: ignore[no-redef]

_ZERO_WIDTH = {_c.AT, _c.ASSERT, _c.ASSERT_NOT}
_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT} | ({_c.POSSESSIVE_REPEAT} if hasattr(_c, "POSSESSIVE_REPEAT") else set())
_MAX_RANGE = 20_000  # a character range wider than this counts as "any character"
_UNICODE = re.UNICODE


def _chars(items: Iterable[tuple[Any, Any]]) -> set[str] | None:
    """The characters a class ``[...]`` matches, or None when it is not a plain set of them."""
    out: set[str] = set()
    for op, av in items:
        if op is _c.LITERAL:
            out.add(chr(av))
        elif op is _c.RANGE and av[1] - av[0] <= _MAX_RANGE:
            out.update(map(chr, range(av[0], av[1] + 1)))
        else:  # NEGATE, CATEGORY (\w, \d …), a huge range
            return None
    return out


def _edge(seq: Iterable[tuple[Any, Any]], last: bool) -> tuple[set[str] | None, bool]:
    """The characters the first (``last``: the last) character of a match of ``seq`` can be,
    or None for any; and whether ``seq`` can match nothing."""
    items = list(seq)
    if last:
        items.reverse()
    out: set[str] = set()
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        chars, empty = _edge_of(op, av, last)
        if chars is None:
            return None, False
        out |= chars
        if not empty:
            return out, False
    return out, True


def _edge_of(op: Any, av: Any, last: bool) -> tuple[set[str] | None, bool]:
    if op is _c.LITERAL:
        return {chr(av)}, False
    if op is _c.IN:
        return _chars(av), False
    if op is _c.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        if (add_flags | del_flags) & ~_UNICODE:  # e.g. (?i:…)
            return None, False
        return _edge(sub, last)
    if op is _c.BRANCH:
        out: set[str] = set()
        empty = False
        for sub in av[1]:
            chars, e = _edge(sub, last)
            if chars is None:
                return None, False
            out |= chars
            empty = empty or e
        return out, empty
    if op in _REPEATS:
        low, _high, sub = av
        chars, empty = _edge(sub, last)
        return chars, empty or low == 0
    if hasattr(_c, "ATOMIC_GROUP") and op is _c.ATOMIC_GROUP:
        return _edge(av, last)
    return None, False  # ANY, NOT_LITERAL, CATEGORY, GROUPREF …: any character


def edge_chars(piece: str | Any, *, last: bool) -> set[str] | None:
    """The characters a match of the regular expression ``piece`` (or its parse) can start
    (end) with; None when that is any character or the match can be empty."""
    parsed = _parser.parse(piece, 0) if isinstance(piece, str) else piece
    if parsed.state.flags & ~_UNICODE:  # a global flag, e.g. (?i)
        return None
    chars, empty = _edge(parsed, last)
    return None if empty else chars


def _refers_back(seq: Iterable[tuple[Any, Any]]) -> bool:
    """Whether a parsed expression refers to a group (``\\1``, ``(?P=name)``, ``(?(1)…)``)."""
    for op, av in seq:
        if op in (_c.GROUPREF, _c.GROUPREF_EXISTS):
            return True
        for sub in (av if isinstance(av, (list, tuple)) else ()):
            if isinstance(sub, _parser.SubPattern) and _refers_back(sub):
                return True
            if isinstance(sub, (list, tuple)) and any(isinstance(x, _parser.SubPattern) and _refers_back(x)
                                                      for x in sub):
                return True
    return False


class SuffixSearch:
    """``re.compile("|".join(p + "$" for p in pieces)).search``, trying only the rules that can match."""

    def __init__(self, pieces: Iterable[str]):
        self.pieces = [p for p in pieces if p.strip()]  # as spacy.util.compile_suffix_regex
        self.search = re.compile("|".join(p + "$" for p in self.pieces)).search
        parsed = [_parser.parse(p, 0) for p in self.pieces]
        # A rule that refers to a group by number would refer to another in a shorter expression.
        renumbered = any(map(_refers_back, parsed))
        ends = [None if renumbered else edge_chars(p, last=True) for p in parsed]
        self._any = [i for i, e in enumerate(ends) if e is None]  # rules kept for every word
        self._by_char: dict[str, list[int]] = {}
        for i, chars in enumerate(ends):
            for ch in chars or ():
                self._by_char.setdefault(ch, []).append(i)
        self._for_char: dict[str, Callable[[str], Any] | None] = {}
        self._compiled: dict[tuple[int, ...], Callable[[str], Any] | None] = {}

    def __call__(self, text: str) -> Any:
        if not text or text[-1] == "\n":  # "$" also matches before a final line break
            return self.search(text)
        try:
            search = self._for_char[text[-1]]
        except KeyError:
            search = self._for_char[text[-1]] = self._rules_for(text[-1])
        return None if search is None else search(text)

    def _rules_for(self, ch: str) -> Callable[[str], Any] | None:
        rules = tuple(sorted(self._any + self._by_char.get(ch, [])))
        if rules not in self._compiled:
            self._compiled[rules] = re.compile("|".join(self.pieces[i] + "$" for i in rules)).search \
                if rules else None
        return self._compiled[rules]


class InfixFinditer:
    """``re.compile("|".join(pieces)).finditer``, not looking in a word no rule can match in."""

    def __init__(self, pieces: Iterable[str]):
        self.pieces = [p for p in pieces if p.strip()]  # as spacy.util.compile_infix_regex
        self.finditer = re.compile("|".join(self.pieces)).finditer
        starts = [edge_chars(p, last=False) for p in self.pieces]
        self.starts: frozenset[str] | None = None if any(s is None for s in starts) \
            else frozenset().union(*starts)  # type: ignore[arg-type]

    def __call__(self, text: str) -> Iterator[Any]:
        if self.starts is not None and self.starts.isdisjoint(text):
            return iter(())
        return self.finditer(text)


def install(nlp: Any) -> bool:
    """Give ``nlp`` a tokenizer like its own but with the faster suffix and infix search,
    if its expressions are the ones spaCy builds from the language's rules (checked);
    True if it did."""
    tokenizer, defaults = nlp.tokenizer, nlp.Defaults
    suffixes, infixes = list(defaults.suffixes or ()), list(defaults.infixes or ())
    if not all(isinstance(p, str) for p in suffixes + infixes):
        return False
    suffix, infix = SuffixSearch(suffixes), InfixFinditer(infixes)
    for mine, theirs in ((suffix.search, tokenizer.suffix_search), (infix.finditer, tokenizer.infix_finditer)):
        pattern = getattr(theirs, "__self__", None)
        if not isinstance(pattern, re.Pattern) or (pattern.pattern, pattern.flags) != \
                (mine.__self__.pattern, mine.__self__.flags):
            return False
    # One new tokenizer rather than two assignments: each reloads all the special cases.
    nlp.tokenizer = type(tokenizer)(tokenizer.vocab, rules=tokenizer.rules, prefix_search=tokenizer.prefix_search,
                                    suffix_search=suffix, infix_finditer=infix, token_match=tokenizer.token_match,
                                    url_match=tokenizer.url_match, faster_heuristics=tokenizer.faster_heuristics,
                                    max_cache_size=tokenizer.max_cache_size)
    return True
