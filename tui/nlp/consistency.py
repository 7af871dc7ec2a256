"""One article, one reading of a name: the model's entities made consistent within an article.

The model decides each mention from the few words around it, so the same name can be one
label in one sentence and another in the next, and a person named in full is missed when
the article goes on with the surname alone. Within one article (one parsed doc), after
the model and before the learned patterns (the analyst's decisions keep the last word):

- ``table``: the names that open the rows of a table (a name at the start of a line or
  after a number, followed by a number: "Lyon 2 Nice 1", "Acme 12.5 13.0") take the
  label most of them have, when at least three do and 60% or more agree (a place
  before a date, "ROME 1996-08-28", is a dateline, not a row);
- ``majority``: a text given different labels takes the label most of its mentions have
  (a tie changes nothing);
- ``names``: the last word of a person's name of several words, standing alone
  ("Ann Lee" … "Lee", or "LEE" in a headline in capitals), is that person: relabelled
  where the model gave it another label (a surname read as a place or a firm), suggested
  where nothing covers it;
- ``firms``: a firm's name without the words that say it is a firm ("Keane Inc" …
  "Keane"), or its first word ("Barrick Gold Corp" … "Barrick"), standing alone, is that
  firm: relabelled, or suggested where nothing covers it;
- ``lone``: a person of one word that is no word of a person's full name in the article
  (case aside: "SELES" in a headline, "Anna Seles" below) is not suggested: news names a
  person in full first, and a small model fine-tuned on a few hundred articles calls many
  an unknown firm, town or team a person.

bench/suggestion_rules.py on one model fine-tuned on 200 CoNLL train articles, scored on
train articles 600-945 (never trained on): the model alone 0.8133 F1 / 8.38 corrections
per article; table, majority and names 0.8307 / 7.61 (the table rule taking datelines for
rows: 0.8287 / 7.70); firms on top 0.8330 / 7.51 (0.8360 / 7.38 with a firm's first word);
lone on top 0.8390 / 7.11; surnames in capitals too 0.8416 / 7.00 (P .854 R .830; PER
P .838 -> .906, R .937 -> .892). Each rule alone: table 0.8172, majority 0.8149, names
0.8295, firms 0.8185, lone 0.8185.
Measured and left out: labelling every other whole-token mention of a labelled text
(0.8149 with majority and the names rule as first written, against 0.8163 without: it
copies the model's false names), a name's first word as well as its last (0.8157), the
names rule leaving a surname the model labels otherwise alone (0.8180 with the others),
the first word of any organisation's name (no "Inc" …) alone as it (0.8286 adding, 0.8246
relabelling), titles stripped from people ("Queen", "Sheikh": 0.8380 / 7.14 on 0.8371), the
base model adding what the fine-tuned one missed (0.807; 0.811-0.813 for one label alone).

Works on (start, end, label) triples in the workspace's labels; pure, no UI.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Sequence

RULES = ("table", "majority", "names", "firms", "lone")
TABLE_ROWS = 3  # table rows before the table rule applies
TABLE_SHARE = 0.6  # share of the rows that must agree

Found = tuple[int, int, str]
# The words that end a firm's full name ("Keane Inc"): the name before them is the firm.
FIRM_WORDS = frozenset({"Inc", "Corp", "Corporation", "Ltd", "Co", "Plc", "PLC", "AG", "SA", "NV", "Group",
                        "Holdings", "LLC", "GmbH", "Bhd", "Oy", "AB", "ASA", "SpA", "Company", "Cos",
                        "Incorporated", "Limited"})
_NUMBER = re.compile(r"[\d.,/:-]*\d[\d.,/:-]*")
_DATE = re.compile(r"\d{4}-\d\d?-\d\d?\b|\d\d?/\d\d?/\d{2,4}\b")  # "ROME 1996-08-28": a dateline, no row


def trained_here(nlp) -> bool:
    """A pipeline readtui fine-tuned (its meta says so): the rules are measured on those."""
    return "readtui" in (nlp.meta or {})


def _tokens(doc, start: int, end: int) -> tuple[int, int] | None:
    span = doc.char_span(start, end)
    return (span.start, span.end) if span is not None and len(span) else None


def _number(token) -> bool:
    return _NUMBER.fullmatch(token.text) is not None


def _row_opener(doc, text: str, a: int, b: int) -> bool:
    """Tokens a..b open a table cell: a number after them (not a date), a line start or a
    number before."""
    if b >= len(doc) or not _number(doc[b]) or _DATE.match(text, doc[b].idx):
        return False
    return a == 0 or doc[a - 1].is_space or _number(doc[a - 1]) or text[doc[a].idx - 1] == "\n"


def table_rows(doc, found: Sequence[Found]) -> list[Found]:
    """``found`` with the names opening table rows under the label most of them have."""
    text = doc.text  # built from the tokens at each call: once
    rows = [i for i, (s, e, _) in enumerate(found) if (t := _tokens(doc, s, e)) and _row_opener(doc, text, *t)]
    if len(rows) < TABLE_ROWS:
        return list(found)
    label, n = Counter(found[i][2] for i in rows).most_common(1)[0]
    if n < TABLE_SHARE * len(rows):
        return list(found)
    out = list(found)
    for i in rows:
        out[i] = (out[i][0], out[i][1], label)
    return out


def _majority(counts: Counter) -> str | None:
    """The label most mentions have; None on a tie."""
    (top, n), *rest = counts.most_common()
    return top if not rest or n > rest[0][1] else None


def _firm_stem(words: tuple[str, ...]) -> tuple[str, ...] | None:
    """"Keane Inc" -> "Keane": a firm's name without the words that say it is a firm."""
    k = len(words)
    while k > 1 and words[k - 1].strip(".") in FIRM_WORDS:
        k -= 1
    return words[:k] if k < len(words) else None


def _occurrences(doc, words: tuple[str, ...]) -> list[tuple[int, int]]:
    """(first token, end token) of every whole-token occurrence of ``words`` in ``doc``."""
    n = len(words)
    return [(i, i + n) for i in range(len(doc) - n + 1)
            if doc[i].text == words[0] and all(doc[i + k].text == words[k] for k in range(1, n))]


def _name_word(word: str) -> bool:
    """A word that can stand for a person alone: capitalised letters ("Lee", "O'Neil")."""
    return len(word) > 1 and word[0].isupper() and word.replace("'", "").replace("-", "").isalpha()


def consistent(doc, found: Sequence[Found], person: str | None = "PER", firm: str | None = "ORG",
               rules: Sequence[str] = RULES) -> list[Found]:
    """``found`` (the model's entities in ``doc``, in the workspace's labels) after the
    ``rules`` (see the module); ``person``, ``firm``: the workspace's labels for people and
    organisations (None: no ``names``, no ``firms`` rule)."""
    text = doc.text  # built from the tokens at each call: once
    if "table" in rules:
        found = table_rows(doc, found)
    words_of: dict[tuple[int, int], tuple[str, ...]] = {}
    labels: dict[tuple[str, ...], Counter] = {}
    covered: set[int] = set()
    for s, e, label in found:
        t = _tokens(doc, s, e)
        if t is not None:
            words_of[(s, e)] = words = tuple(tok.text for tok in doc[t[0]:t[1]])
            labels.setdefault(words, Counter())[label] += 1
            covered.update(range(*t))
    out = list(found)
    if "majority" in rules:
        chosen = {words: _majority(counts) for words, counts in labels.items()}
        out = [(s, e, chosen.get(words_of.get((s, e), ())) or label) for s, e, label in out]
    if "names" in rules and person:
        surnames = {words[-1] for words, counts in labels.items()
                    if len(words) > 1 and _majority(counts) == person and _name_word(words[-1])}
        surnames |= {word.upper() for word in surnames}  # "SELES WINS": a headline in capitals
        out = [(s, e, person if text[s:e] in surnames else label) for s, e, label in out]
        for i, token in enumerate(doc):
            if token.text in surnames and i not in covered:
                out.append((token.idx, token.idx + len(token.text), person))
                covered.add(i)
    if "firms" in rules and firm:
        stems = set()
        for words, counts in labels.items():
            if _majority(counts) == firm and (stem := _firm_stem(words)):
                stems.add(stem)
                if len(stem) > 1 and _name_word(stem[0]):
                    stems.add(stem[:1])  # "Barrick Gold Corp" … "Barrick"
        out = [(s, e, firm if words_of.get((s, e)) in stems else label) for s, e, label in out]
        for words in sorted(stems, key=len, reverse=True):  # "Acme Steel" before "Acme"
            for a, b in _occurrences(doc, words):
                if not covered.intersection(range(a, b)):
                    out.append((doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text), firm))
                    covered.update(range(a, b))
    if "lone" in rules and person:
        people = [text[s:e].split() for s, e, label in out if label == person]
        named = {word.lower() for words in people if len(words) > 1 for word in words}
        out = [(s, e, label) for s, e, label in out
               if not (label == person and len(text[s:e].split()) == 1 and text[s:e].lower() not in named)]
    return sorted(out)
