"""The news-page parser takes time linear in its input: no page can hang an import.

Each pattern of the readers in ``tui.formats`` (news pages, encodings) meets long runs of the pieces it repeats, after the heads
that lead into it, at two sizes; each call must finish within a second (a linear pattern
takes milliseconds; a catastrophic one takes minutes at these sizes, and the alarm stops
it so the test fails instead of hanging)."""

from __future__ import annotations

import re
import signal
from contextlib import contextmanager

import pytest

from tui.formats import ImportProblem, encoding, news, parse_news, parse_when

SIZES = (2_000, 20_000)
BOUND = 1.0  # seconds for one call: generous, catastrophic backtracking takes minutes

# What the patterns repeat: hyphenated capitals (a place), white space, words, commas,
# dots, capitals, digits, quote marks, dashes, brackets.
PIECES = ["A-", " ", "Aa ", "A", "a", "1", ",", ", A", ".", ". ", "A.", "-", "\t", "'", "—", "(", ":"]
# What leads into them: the start of each kind of line the parser looks for.
HEADS = ["", "A", "Update a", "Updated on", "- A", "Source:", "Source: ab", "WASHINGTON", "New Delhi, Jan 28",
         "A (IANS)", "Photo", "Advertisement", "GMT", "x."]
TAILS = ["", "b!", "x" * 70]

PATTERNS = sorted((name, p) for name, p in [*vars(news).items(), *vars(encoding).items()] if isinstance(p, re.Pattern))


class TooSlow(Exception):
    pass


@contextmanager
def within(seconds: float, what: str):
    def stop(*_):
        raise TooSlow(f"{what} took over {seconds} s")

    old = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def adversarial(n: int):
    for head in HEADS:
        for piece in PIECES:
            for tail in TAILS:
                yield head + piece * n + tail


def test_every_parser_pattern_is_covered():
    names = {name for name, _ in PATTERNS}
    assert {"_UPDATE", "_BOILERPLATE", "_SIGNATURE", "_SOURCE_LINE", "_DATELINE", "_SENTENCE_END",
            "_ZONE"} <= names


@pytest.mark.parametrize("name, pattern", PATTERNS, ids=[n for n, _ in PATTERNS])
@pytest.mark.parametrize("n", SIZES)
def test_pattern_is_linear_on_adversarial_lines(name, pattern, n):
    for line in adversarial(n):
        subject = line.encode() if isinstance(pattern.pattern, bytes) else line
        with within(BOUND, f"{name} on {line[:40]!r}… ({len(line)} chars)"):
            pattern.match(subject)
            pattern.search(subject)


@pytest.mark.parametrize("n", SIZES)
def test_parse_news_is_linear_on_adversarial_pages(n):
    for line in adversarial(n):
        for page in (f"A headline\n\n{line}\n", f"{line}\n\nBody.\n", f"Title\n{line}\n- {line}\n"):
            with within(BOUND, f"parse_news on {page[:40]!r}… ({len(page)} chars)"):
                try:
                    parse_news(page)
                except ImportProblem:
                    pass
        with within(BOUND, f"parse_when on {line[:40]!r}…"):
            parse_when(line)


@pytest.mark.parametrize("line, dateline, agency", [
    ("WASHINGTON (Reuters) - The Senate voted on Tuesday to pass the bill.", "WASHINGTON", "Reuters"),
    ("New Delhi, Jan 28 (IANS) The talks went on.", None, None),  # no separator: not a dateline
    ("New Delhi, Jan 28 (IANS): The talks went on for hours.", "New Delhi", "IANS"),
    ("Jean-Pierre Ville, France — The mayor spoke to the press.", "Jean-Pierre Ville, France", None),
    ("A-B-C-D-E F G H: the words after a long hyphenated place.", "A-B-C-D-E F G H", None),
    ("A B C D E: five words are too many for a place name.", None, None),
    ("WASHINGTON - A hyphen with spaces around it separates the dateline.", "WASHINGTON", None),
    ("WASHINGTON-The hyphen without a space is part of the word here.", None, None),
])
def test_datelines_read_as_before(line, dateline, agency):
    m = news._DATELINE.match(line)
    assert ((m.group("place"), m.group("agency")) if m else (None, None)) == (dateline, agency)


@pytest.mark.parametrize("line, source", [
    ("Source: IANS", "IANS"), ("Source: X", "X"), ("Source:X", None), ("Source:  Press Trust ", "Press Trust"),
    ("Source: " + "x" * 61, None), ("--IANS", "IANS"), ("- Reuters ", "Reuters"),
])
def test_source_lines_read_as_before(line, source):
    m = news._SOURCE_LINE.match(line.strip()) or news._SIGNATURE.match(line.strip())
    assert (m.group("source").strip() if m else None) == source


def test_an_impossible_zone_is_no_time():
    assert parse_when("2026-01-28 10:16 GMT+99") == ""  # was a ValueError traceback
    assert parse_when("2026-01-28 10:16 GMT+5:30") == "2026-01-28T10:16:00+05:30"
