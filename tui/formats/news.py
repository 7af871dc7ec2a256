"""News pages (``.txt``/``.md``): the headline, the ``Update:`` time, the dateline and the
source read out of the page; the body kept as the article text, the file as read in ``original``.
Every pattern here runs in linear time (tests/unit/test_ingest_linear.py)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from ..model import (
    Article,
    content_hash,
)
from .common import ImportProblem, Record
from .encoding import decode

MAX_TITLE_CHARS = 200


MAX_TITLE_WORDS = 30
# Levels of lists and objects a record's kept values (meta, an annotation's original) may
# have. Real records use a handful; a thousand breaks json (RecursionError) when stored.


_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
# Every pattern here runs in time linear in the line: a page is untrusted input, and one
# catastrophic backtrack hangs a whole folder's import. Runs that two parts of a pattern
# could share (white space around optional pieces, a word that may hold hyphens) are
# possessive (``*+``), so the engine never tries every way of splitting them;
# tests/unit/test_ingest_linear.py times each pattern on the inputs that would.


# Every pattern here runs in time linear in the line: a page is untrusted input, and one
# catastrophic backtrack hangs a whole folder's import. Runs that two parts of a pattern
# could share (white space around optional pieces, a word that may hold hyphens) are
# possessive (``*+``), so the engine never tries every way of splitting them;
# tests/unit/test_ingest_linear.py times each pattern on the inputs that would.
_UPDATE = re.compile(
    r"^\s*+(?:Update[d]?|Published|Posted|First published|Last updated)\s*+(?:on|at)?+\s*+:?+\s*+"
    r"(?P<when>.*?\S)\s*+$",
    re.I)


_BOILERPLATE = re.compile(
    r"^\s*+(?:(?:Photo|Image|Picture|File photo|Representative image|Photo credit|Credit|Video)\s*+:.*"
    r"|Tags\s*+:.*|Similar News|Related News|Related Stories|Also Read\b.*|Read More\b.*|Read also\b.*"
    r"|Advertisement|ADVERTISEMENT|Share this( article)?|Follow us on\b.*|Click here\b.*)\s*+$",
    re.I)


_SIGNATURE = re.compile(r"^\s*+(?:-{1,3}+|—|–)\s*+(?P<source>[A-Za-z][\w&.' ]{1,40}?)\s*+$")
# A one-character source counts only after a space ("Source: X"), as it always has.


# A one-character source counts only after a space ("Source: X"), as it always has.
_SOURCE_LINE = re.compile(r"^\s*+Source\s*+:\s*+(?P<source>\S.{1,59}?|(?<=\s)\S)\s*+$", re.I)


_PLACE_WORD = r"[A-Z][\w.'’\-]*+"  # possessive: "A-B-C" is one word, never split at its hyphens


_DATELINE = re.compile(
    rf"^(?P<place>{_PLACE_WORD}(?:[ \-]{_PLACE_WORD}){{0,3}}(?:,\s*+{_PLACE_WORD}(?: {_PLACE_WORD}){{0,2}})?)"
    rf"(?:,\s*+(?:{_MONTHS})[a-z]*+\.?\s++\d{{1,2}}(?:,\s*+\d{{4}})?)?"
    rf"\s*+(?:\((?P<agency>[A-Za-z .]{{2,20}})\))?\s*+(?::|—|–|(?<=\s)-)\s++")


MAX_DATELINE_CHARS = 80  # "NEW DELHI, Jan 28 (IANS) - " and the like; never a paragraph


_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*+\s++(?=[\"“‘(\[]?[A-Z0-9])")


_ZONE = re.compile(r"\b(GMT|UTC|Z|IST|EST|EDT|CET|CEST|BST|PST|PDT)\b\s*+([+-]\d{1,2}(?::?\d{2})?)?$")


_TZ = {"GMT": 0, "UTC": 0, "Z": 0, "IST": 330, "EST": -300, "EDT": -240, "CET": 60,
       "CEST": 120, "BST": 60, "PST": -480, "PDT": -420}


def parse_when(raw: str) -> str:
    """A news page's date-time as ISO 8601, or "" when it cannot be read."""
    s = raw.strip().rstrip(".")
    tz = timezone.utc
    m = _ZONE.search(s)
    has_tz = bool(m)
    if m:
        minutes = _TZ[m.group(1)]
        if m.group(2):
            sign = -1 if m.group(2)[0] == "-" else 1
            offset = m.group(2)[1:]  # "5", "05", "5:30", "0530"
            hours, _, mins = offset.partition(":") if ":" in offset else (offset[:-2] or offset, "", offset[-2:])
            minutes += sign * (int(hours) * 60 + (int(mins) if len(offset) > 2 else 0))
        if abs(minutes) >= 24 * 60:  # "GMT+99": no such zone, so no time to trust
            return ""
        tz = timezone(timedelta(minutes=minutes))
        s = s[: m.start()].strip()
    s = re.sub(r"\s+", " ", s.replace(",", ", ")).replace(" ,", ",")
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M",
                "%Y-%m-%d", "%d %B %Y %H:%M", "%d %b %Y %H:%M", "%B %d, %Y %H:%M", "%b %d, %Y %H:%M",
                "%B %d, %Y %I:%M %p", "%b %d, %Y %I:%M %p", "%d %B %Y", "%d %b %Y", "%B %d, %Y",
                "%b %d, %Y", "%d/%m/%Y %H:%M", "%d/%m/%Y"):
        try:
            dt = datetime.strptime(s, fmt)
        except ValueError:
            continue
        if has_tz or fmt.count("%H") or fmt.count("%I"):
            return dt.replace(tzinfo=tz).isoformat()
        return dt.date().isoformat()
    try:
        dt = datetime.fromisoformat(raw.strip())
        return dt.isoformat()
    except ValueError:
        return ""


def first_sentence(text: str) -> str:
    para = text.strip().split("\n", 1)[0]
    m = _SENTENCE_END.search(para)
    sent = para[: m.start() + 1] if m else para
    return sent.strip()[:MAX_TITLE_CHARS]


def _is_title(line: str) -> bool:
    line = line.strip()
    return (0 < len(line) <= MAX_TITLE_CHARS and len(line.split()) <= MAX_TITLE_WORDS
            and not _SENTENCE_END.search(line))


def parse_news(content: str, path: str = "") -> Article:
    """A news page as text -> Article with title, published time, dateline, source."""
    text = content.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    meta: dict[str, Any] = {}
    title = published = source = dateline = ""
    kept: list[str] = []
    for line in lines:
        stripped = line.strip()
        if not stripped:
            kept.append("")
            continue
        if _BOILERPLATE.match(stripped):
            continue
        if not title and not any(k.strip() for k in kept) and _is_title(stripped):
            title = stripped.lstrip("#").strip()
            continue
        m = _UPDATE.match(stripped) if len(stripped) < 80 else None
        if m and not published:
            when = parse_when(m.group("when"))
            if when:
                published = when
                continue
        m = _SIGNATURE.match(stripped) or _SOURCE_LINE.match(stripped)
        if m and not source:
            source = m.group("source").strip()
            continue
        kept.append(line.rstrip())
    # The dateline opens the first paragraph of the body.
    for i, line in enumerate(kept):
        if not line.strip():
            continue
        # Only the line's head can hold a dateline: the match never looks further.
        m = _DATELINE.match(line.lstrip(), 0, MAX_DATELINE_CHARS)
        if m and len(m.group(0)) < MAX_DATELINE_CHARS and len(line) > len(m.group(0)) + 20:
            dateline = m.group("place").strip()
            if m.group("agency") and not source:
                source = m.group("agency").strip()
            kept[i] = line.lstrip()[m.end():]
        break
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
    if not body and title:  # a one-line file: the line is the article
        body, title = title, ""
    if not title:
        title = first_sentence(body)
    if not body:
        raise ImportProblem(path or "<text>", "empty article (no text after removing boilerplate)")
    return Article(id=content_hash(body)[:16], text=body, title=title, source=source,
                   published=published, dateline=dateline, path=str(path), original=content,
                   meta=meta)


def read_text_file(path: Path, raw: bytes | None = None) -> Record:
    if raw is None:
        raw = path.read_bytes()
    if not raw.strip():
        raise ImportProblem(path, "empty file")
    content = decode(raw, path)
    if not content.strip():
        raise ImportProblem(path, "the file holds only white space")
    return Record(parse_news(content, str(path)), [], str(path))
