"""The suggester's performance tricks, in one place. Each gives the pipeline's own
annotations, token for token, and is justified by ``bench/pipeline.py``.

**The attribute ruler, same rules, less matching.** en_core_web_sm's ``attribute_ruler``
(the component that turns the tagger's fine tags into parts of speech and morphology,
and fixes a hundred-odd exceptions) cost ~1.5 ms an article, a tenth of the whole
pipeline, more than the tagger and the lemmatizer together: spaCy's ``Matcher`` tries
every one of its 179 patterns at every token, and sets each match through Python. Its
rules have two shapes, and each has a cheaper way to the same result:

- its first rules are a tag map (one token, ``{"TAG": t}`` -> POS and MORPH): a lookup
  over the Doc's tag array, written back with ``Doc.from_array``;
- the rest are one or two tokens long, and each requires its first token to have one
  of a few lowercase forms, tags or dependency labels, or to be a space: each is tried
  only at the tokens that have one, by a small Matcher of the rules that can start
  there, on a window of the Doc; a rule that says none of these goes through a
  Matcher over the whole Doc as before.

The order of the original holds: every match is found on the Doc as the tagger left it,
the tag map is applied first (its rules come first), then the rest in rule order, later
rules winning (a tag rule after an exception is simply one of the rest). A ruler whose
rules have another shape (an operator, a longer pattern, no tag map) is left as it is
(``quicker_attribute_ruler`` returns False).
"""

from __future__ import annotations

from typing import Any

_TAG_MAP_ATTRS = {"POS", "MORPH"}


def quicker_attribute_ruler(nlp: Any) -> bool:
    """Give ``nlp``'s attribute ruler the quicker matching above; False if it does not fit."""
    if "attribute_ruler" not in nlp.pipe_names:
        return False
    ruler = nlp.get_pipe("attribute_ruler")
    if isinstance(vars(ruler).get("match"), _QuickerMatch):
        return True
    try:
        quick = _QuickerMatch(ruler)
    except _DoesNotFit:
        return False
    # An instance attribute, not a new component: the pipeline saved to disk, its
    # config and its rules stay spaCy's own.
    ruler.match = quick
    return True


class _DoesNotFit(Exception):
    pass


class _QuickerMatch:
    """``AttributeRuler.match`` for one ruler: the same (rule, match id, start, end) list,
    with the tag map applied to the Doc on the way (it is the lowest-numbered rules)."""

    def __init__(self, ruler: Any):
        import numpy as np
        from spacy.attrs import MORPH, POS
        from spacy.matcher import Matcher

        strings, self.strings = ruler.vocab.strings, ruler.vocab.strings
        rules = [ruler.matcher.get(strings[str(i)])[1] for i in range(len(ruler.attrs))]
        self.tag_rules = _tag_map_length(ruler, rules)
        if not self.tag_rules:
            raise _DoesNotFit
        tag_map: dict[int, dict[int, int]] = {}
        for i in range(self.tag_rules):
            for pattern in rules[i]:
                # A later rule for the same tag wins, attribute by attribute, as set_token_attrs would do.
                tag_map.setdefault(strings.add(pattern[0]["TAG"]), {}).update(ruler.attrs[i])
        for attrs in tag_map.values():
            if MORPH in attrs:
                ruler.vocab.morphology.add(strings[attrs[MORPH]])
        tags = sorted(tag_map)
        self.tags = np.array(tags, dtype=np.uint64)
        self.pos = np.array([tag_map[t].get(POS, 0) for t in tags], dtype=np.uint64)
        self.has_pos = np.array([POS in tag_map[t] for t in tags])
        self.morph = np.array([tag_map[t].get(MORPH, 0) for t in tags], dtype=np.uint64)
        self.has_morph = np.array([MORPH in tag_map[t] for t in tags])

        # The rest, grouped by what their first token must be (its lowercase form, its
        # tag, its dependency label, or a space): a Matcher for each value, tried only
        # at the tokens that have it. A rule that says none of these goes to ``anywhere``.
        self.anywhere = Matcher(ruler.vocab, validate=False)
        self.starting: dict[tuple[str, int], Any] = {}
        self.width = 1
        for i in range(self.tag_rules, len(rules)):
            key = strings[str(i)]
            for pattern in rules[i]:
                if any("OP" in tok or "_" in tok for tok in pattern) or not 1 <= len(pattern) <= 2:
                    raise _DoesNotFit
                self.width = max(self.width, len(pattern))
                attr, values = _first_token_must(pattern[0])
                if not values:
                    self.anywhere.add(key, [pattern])
                for value in values:
                    v = value if isinstance(value, int) else strings.add(value)
                    self.starting.setdefault((attr, v), Matcher(ruler.vocab, validate=False)).add(key, [pattern])
        self.columns = sorted({attr for attr, _ in self.starting})
        self.values = {attr: np.array(sorted(v for a, v in self.starting if a == attr), dtype=np.uint64)
                       for attr in self.columns}

    def __call__(self, doc: Any) -> list[tuple[int, int, int, int]]:
        import numpy as np
        from spacy.attrs import IDS, MORPH, POS, TAG

        found = list(self.anywhere(doc, allow_missing=True)) if len(self.anywhere) else []
        arr = doc.to_array([TAG, POS, MORPH, *(IDS[c] for c in self.columns)])
        if len(arr):
            width, starting = self.width, self.starting
            for c, attr in enumerate(self.columns, start=3):
                column = arr[:, c]
                for i in np.flatnonzero(np.isin(column, self.values[attr])).tolist():
                    found.extend((key, i, i + end) for key, start, end in
                                 starting[attr, int(column[i])](doc[i:i + width], allow_missing=True) if start == 0)
            self._tag_map(doc, arr, np)
        matches = [(int(self.strings[key]), key, start, end) for key, start, end in found]
        matches.sort()
        return matches

    def _tag_map(self, doc: Any, arr: Any, np: Any) -> None:
        from spacy.attrs import MORPH, POS

        at = np.minimum(np.searchsorted(self.tags, arr[:, 0]), len(self.tags) - 1)
        known = self.tags[at] == arr[:, 0]
        out = np.empty((len(arr), 2), dtype=np.uint64)
        out[:, 0] = np.where(known & self.has_pos[at], self.pos[at], arr[:, 1])
        out[:, 1] = np.where(known & self.has_morph[at], self.morph[at], arr[:, 2])
        doc.from_array([POS, MORPH], out)


def _tag_map_length(ruler: Any, rules: list) -> int:
    """How many of the first rules are a tag map: one token matched on its tag alone,
    setting POS and MORPH only, on that token."""
    from spacy.attrs import MORPH, POS

    n = 0
    for i, patterns in enumerate(rules):
        if ruler.indices[i] != 0 or not set(ruler.attrs[i]) <= {POS, MORPH} or not all(
                len(p) == 1 and set(p[0]) == {"TAG"} and isinstance(p[0]["TAG"], str) for p in patterns):
            break
        n += 1
    return n


def _first_token_must(token: dict) -> tuple[str, list[str | int]]:
    """An attribute of a pattern's first token and the values it must have, or ("", [])
    if the pattern does not say one plainly (only ``NOT_IN``, say)."""
    for attr in ("LOWER", "DEP", "TAG"):  # the likely rarest first: fewer tokens to try
        want = token.get(attr)
        if isinstance(want, str):
            return attr, [want]
        if isinstance(want, dict) and set(want) == {"IN"} and all(isinstance(w, str) for w in want["IN"]):
            return attr, list(want["IN"])
    if token.get("IS_SPACE") is True:
        return "IS_SPACE", [1]
    return "", []
