"""The quote ledger: every quote in the workspace, grouped by who said it.

A speaker goes by several names across articles: "Sara Carter", "Director Carter",
"Carter"; "the Ministry of External Affairs", "the MEA". They are merged here the way
the articles themselves allow: a surname joins the one full name that ends with it
(two Carters: kept apart), an acronym joins the long form an article defines for it
("the Ministry of External Affairs (MEA)").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, NamedTuple

import orjson

from .extracts import Extracts
from .text import clean_name  # noqa: F401  (the ledger's names, also for callers)

class LedgerQuote(NamedTuple):  # a tuple: 40,000 of them are made each time the ledger opens
    article: str
    start: int
    end: int
    text: str
    said_as: str = ""  # the name as the article gives it
    published: str = ""
    source: str = ""

    def to_dict(self) -> dict:
        return {"article": self.article, "start": self.start, "end": self.end, "text": self.text,
                "published": self.published, "source": self.source}


@dataclass(frozen=True)
class LedgerSpeaker:
    speaker: str  # "" for quotes nobody is named for
    aliases: tuple[str, ...]
    quotes: tuple[LedgerQuote, ...]

    @property
    def articles(self) -> int:
        return len({q.article for q in self.quotes})

    def to_dict(self) -> dict:
        return {"speaker": self.speaker or None, "aliases": list(self.aliases),
                "quotes": [q.to_dict() for q in self.quotes]}


def _key(name: str) -> str:
    return name.lower()


class _Names:
    """Every name under which quotes stand, and the one each resolves to."""

    def __init__(self, names: Iterable[str], acronyms: dict[str, str]):
        self.names = set(names)
        # Acronym -> its long form, only as the articles define it.
        self.long_forms = {_key(a): clean_name(long) for a, long in acronyms.items()}
        by_surname: dict[str, set[str]] = {}
        for n in self.names | set(self.long_forms.values()):
            words = n.split()
            if len(words) > 1 and words[-1][:1].isupper():
                by_surname.setdefault(_key(words[-1]), set()).add(n)
        # A surname joins a full name only when one full name ends with it.
        self.surnames = {s: next(iter(full)) for s, full in by_surname.items() if len(full) == 1}

    def resolve(self, name: str) -> str:
        long = self.long_forms.get(_key(name))
        if long:
            return long
        if " " not in name:
            return self.surnames.get(_key(name), name)
        return name


def ledger(extracts: Extracts) -> list[LedgerSpeaker]:
    """Speakers with most quotes first; quotes nobody is named for last."""
    said: list[tuple[str, LedgerQuote]] = []
    acronyms: dict[str, str] = {}
    for aid, e in extracts:
        for acronym, long in e.get("acronyms", ()):
            acronyms.setdefault(acronym, long)
        published, source = e.get("published", ""), e.get("source", "")
        q = e.get("quotes") or {}
        for start, end, text, name in zip(q.get("start", ()), q.get("end", ()), q.get("text", ()), q.get("name", ())):
            said.append((name, LedgerQuote(aid, start, end, text, name, published, source)))
    names = _Names((n for n, _ in said if n), acronyms)
    groups: dict[str, list[LedgerQuote]] = {}
    spellings: dict[str, set[str]] = {}
    key_of: dict[str, str] = {}  # each name resolved once: 40,000 quotes, a few hundred names
    for name, q in said:
        key = key_of.get(name)
        if key is None:
            who = names.resolve(name) if name else ""
            key = key_of[name] = _key(who)
            spellings.setdefault(key, set()).update((who, name) if name else (who,))
        groups.setdefault(key, []).append(q)
    out = []
    for key, quotes in groups.items():
        forms = spellings[key]
        # The fullest spelling names the speaker; the others are its aliases.
        speaker = max(forms, key=lambda f: (len(f.split()), sum(c.isupper() for c in f), f)) if key else ""
        aliases = tuple(sorted({f for f in forms if f and f != speaker} | _raw_aliases(quotes, speaker)))
        out.append(LedgerSpeaker(speaker, aliases, tuple(quotes)))
    out.sort(key=lambda s: (not s.speaker, -len(s.quotes), s.speaker.lower()))
    return out


def _raw_aliases(quotes: Iterable[LedgerQuote], speaker: str) -> set[str]:
    return {q.said_as for q in quotes if q.said_as and q.said_as != speaker}


CSV_COLUMNS = ("speaker", "aliases", "article", "start", "end", "published", "source", "text")


def csv_rows(speakers: Iterable[LedgerSpeaker]) -> Iterable[list]:
    """One row per quote, for the CSV export."""
    for s in speakers:
        for q in s.quotes:
            yield [s.speaker, "; ".join(s.aliases), q.article, q.start, q.end, q.published, q.source, q.text]


def jsonl_lines(speakers: Iterable[LedgerSpeaker]) -> Iterable[bytes]:
    """One JSON line per quote, for the JSONL export (the CSV's columns, aliases a list)."""
    for s in speakers:
        for q in s.quotes:
            yield orjson.dumps({"speaker": s.speaker or None, "aliases": list(s.aliases), **q.to_dict()}) + b"\n"


# --- kept beside the workspace, with the articles it was made from ---------------------------

LEDGER_VERSION = 2


def dumps(speakers: list[LedgerSpeaker], made_from: dict[str, list]) -> bytes:
    """The ledger as columns (one row per quote; speakers as ranges of rows)."""
    quotes = [q for s in speakers for q in s.quotes]
    first = {q.article: q for q in reversed(quotes)}  # an article's date and source, from any of its quotes
    ids = {a: i for i, a in enumerate(first)}
    return orjson.dumps({"version": LEDGER_VERSION, "made_from": made_from, "ids": list(ids),
                         "where": [(q.published, q.source) for q in first.values()],
                         "speakers": [[s.speaker, list(s.aliases), len(s.quotes)] for s in speakers],
                         "article": [ids[q.article] for q in quotes], "start": [q.start for q in quotes],
                         "end": [q.end for q in quotes], "text": [q.text for q in quotes],
                         "said_as": [q.said_as for q in quotes]})


def loads(raw: bytes, made_from: dict[str, list]) -> list[LedgerSpeaker] | None:
    """The ledger saved for these articles (id -> fingerprint); None when missing, damaged,
    or made from others."""
    try:
        d = orjson.loads(raw)
        if d.get("version") != LEDGER_VERSION or d.get("made_from") != made_from:
            return None
        ids, where = d["ids"], d["where"]
        quotes = [LedgerQuote(ids[a], s, e, t, n, *where[a])
                  for a, s, e, t, n in zip(d["article"], d["start"], d["end"], d["text"], d["said_as"])]
        out, at = [], 0
        for speaker, aliases, n in d["speakers"]:
            out.append(LedgerSpeaker(speaker, tuple(aliases), tuple(quotes[at:at + n])))
            at += n
    except (orjson.JSONDecodeError, AttributeError, KeyError, TypeError, ValueError, IndexError):
        return None
    return out
