"""Words and sentences of news text, without a model: what versions and comparisons count."""

from __future__ import annotations

import re
from typing import NamedTuple

# Words that say little about what an article is about: left out when two texts are
# compared by the words they hold.
STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers herself him himself his how i if in into is it
its itself just me more most my myself no nor not now of off on once only or other our ours
out over own same she should so some such than that the their theirs them then there these
they this those through to too under until up very was we were what when where which while
who whom why will with would you your yours said says say told according mr ms mrs
""".split())

_WORD = re.compile(r"\w+(?:['’]\w+)*")
# A sentence ends at . ! ? or … (a closing quote or bracket may follow) before a space and
# a capital, a digit or an opening quote; a line break ends one too. Initials and short
# abbreviations ("D.C.", "Mr.", "U.S.") do not end one.
_END = re.compile(r"[.!?…][\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])|\n")
_ABBREV = re.compile(r"(?:\b[A-Z]\.|\b(?:Mr|Ms|Mrs|Dr|Sen|Rep|Gov|Gen|Lt|Col|Sgt|St|Jr|Sr|No|Vol|Jan|Feb|Mar|Apr"
                     r"|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Inc|Corp|Co|Ltd|vs|etc|Prof|Rev|Hon|Pres))\.$")


_SHORT = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")


class Sentence(NamedTuple):
    start: int
    end: int
    text: str


def words(text: str) -> list[str]:
    """Lower-cased words, punctuation and quote marks left out."""
    return _WORD.findall(text.lower().replace("’", "'"))


def content_words(text: str) -> set[str]:
    """The words that carry what a text says: no stopwords, no one-letter words."""
    return set(words(text)).difference(STOPWORDS).difference(_SHORT)


def sentences(text: str) -> list[Sentence]:
    """The sentences of ``text`` with their offsets, blank stretches left out."""
    out: list[Sentence] = []
    start = 0
    for m in _END.finditer(text):
        if m.group().startswith(".") and _ABBREV.search(text, max(0, m.start() - 6), m.start() + 1):
            continue
        _add(out, text, start, m.end())
        start = m.end()
    _add(out, text, start, len(text))
    return out


def _add(out: list[Sentence], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    lead = len(chunk) - len(chunk.lstrip())
    chunk = chunk.strip()
    if _WORD.search(chunk):
        out.append(Sentence(start + lead, start + lead + len(chunk), chunk))


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


_NAME_WORD = re.compile(r"[\w'’.&-]+")
# Words before a name that are not part of it.
TITLES = frozenset("""the a an mr mr. ms ms. mrs mrs. dr dr. director ambassador president sen sen. senator
rep rep. representative gov gov. governor minister secretary chief spokesman spokeswoman spokesperson
prime deputy acting general gen. professor prof. judge justice officer former""".split())


def clean_name(name: str) -> str:
    """A speaker's name without the titles and articles before it or a possessive after it."""
    words = _NAME_WORD.findall(name.strip())
    while words and words[0].lower() in TITLES:
        words.pop(0)
    if words:
        words[-1] = re.sub(r"['’]s$", "", words[-1]).rstrip(".,")
    return " ".join(words)


