"""Files and JSONL records -> ``Article`` (plus the annotations a record already has).

News pages are messy: a headline, an ``Update:`` line, photo credits, a dateline,
a ``--IANS`` signature, tag clouds. ``parse_news`` reads the metadata out of them
and keeps the body as the article text; the file as read stays in ``original``.
JSONL text is kept exactly as given: offsets in the record point into it.
"""

from __future__ import annotations

import codecs
import json
import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator

from .model import (
    KINDS, QUOTE_LABEL, REVIEW_STATES, Annotation, AnnotationError, Article, Speaker, brief,
    check_annotation, content_hash, is_offset, label_problem, new_id,
)

TEXT_SUFFIXES = {".txt", ".md", ".text", ".markdown"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
MAX_TITLE_CHARS = 200
MAX_TITLE_WORDS = 30
# Levels of lists and objects a record's kept values (meta, an annotation's original) may
# have. Real records use a handful; a thousand breaks json (RecursionError) when stored.
MAX_NESTING = 100


class ImportProblem(Exception):
    """One file or line that could not be imported: ``path:line: reason``."""

    def __init__(self, path: str | Path, reason: str, line: int | None = None):
        self.path, self.reason, self.line = str(path), reason, line
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {reason}")


@dataclass
class Record:
    """An article read from a file, with the annotations it arrived with."""

    article: Article
    annotations: list[Annotation] = field(default_factory=list)
    where: str = ""  # path, or path:line
    # The record says what its annotations are (it has spans/quotes/label/entities, maybe
    # empty): import keeps them as they are and does not ask the model for suggestions.
    annotated: bool = False


# --- decoding ----------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Letters of Central European code pages that Windows-1252 reads as symbols inside a word
# ("Za¿ó³æ", "¾e"); Spanish "¿Qué" and "25°C" stay Western.
_SYMBOL_IN_WORD = re.compile(r"[A-Za-zÀ-ÿ][¤¦¬¯±³¶¹¼½¾¿]|[¤¦¬¯±³¶¹¼¾][A-Za-zÀ-ÿ]")
_ICELANDIC = re.compile(r"[ÐÝÞðýþ]")


def _as_western(raw: bytes) -> str | None:
    """Windows-1252 (a superset of Latin-1 for text) when the result reads as a
    Western European language: mostly ASCII letters with some accented ones.
    Cyrillic or Greek bytes read this way give words of accented letters only."""
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        return None
    letters = [c for c in text if c.isalpha()]
    accented = sum(ord(c) > 127 for c in letters)
    if not letters or accented > 0.3 * len(letters) or _CONTROL.search(text):
        return None
    # Central European, Baltic and Turkish code pages put letters where Windows-1252 has
    # symbols (¿ ³ ¹ ¾ ...) or the Icelandic letters (ð þ ý): such a reading is not sure.
    if _SYMBOL_IN_WORD.search(text) or _ICELANDIC.search(text):
        return None
    return text


def decode(raw: bytes, path: str | Path) -> str:
    """Bytes -> text when the encoding can be known; otherwise refuse, never guess wildly."""
    for bom, enc in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(enc)
            except UnicodeDecodeError as exc:
                raise ImportProblem(path, f"starts with a {enc} byte-order mark but is not valid {enc} ({exc.reason})")
    if b"\x00" in raw[:8192]:
        raise ImportProblem(path, "binary file (contains NUL bytes), not text")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if _UTF8_MULTIBYTE.search(raw):
        # Valid UTF-8 sequences next to invalid bytes: two encodings in one file.
        # Any single guess would turn one half into mojibake.
        raise ImportProblem(
            path, f"mixes UTF-8 with another encoding (invalid byte {raw[utf8_error.start]:#04x} at "
            f"offset {utf8_error.start}); convert it to UTF-8 first")
    western = _as_western(raw)
    if western is not None:
        return western
    from charset_normalizer import from_bytes

    matches = from_bytes(raw)
    best = matches.best()
    # Trust the detector only when it is sure: no noise, a language recognised, and no
    # other clean reading of the bytes (a different text) nearly as likely. Short
    # single-byte texts often read as well in two scripts; refusing beats mojibake.
    if best is not None and best.chaos == 0.0 and best.coherence > 0.0:
        text = str(best)
        rivals = [m for m in matches if m.chaos == 0.0 and m.coherence >= best.coherence - 0.1
                  and str(m) != text]
        if not rivals and not _CONTROL.search(text):
            return text
    raise ImportProblem(
        path, f"not UTF-8 (byte {raw[utf8_error.start]:#04x} at offset {utf8_error.start}) "
        "and the encoding could not be recognised; convert it to UTF-8 first")


# --- news pages --------------------------------------------------------------

_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
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


# --- JSONL records -----------------------------------------------------------

def value_problem(value: Any, what: str) -> str | None:
    """Why a value a record brings cannot be kept as it is, or None: nested deeper than
    ``MAX_NESTING`` (json could not write it back), or a number that is not finite (JSON
    has no NaN or Infinity: an export would write null)."""
    stack = [(value, 0)]
    while stack:  # not recursive: the value may be as deep as the line is long
        v, depth = stack.pop()
        if isinstance(v, float) and not math.isfinite(v):
            return f"{what} holds {v!r}, which JSON cannot write (an export would make it null)"
        if isinstance(v, (list, dict)):
            if depth >= MAX_NESTING:
                return f"{what} is nested too deeply (more than {MAX_NESTING} levels)"
            stack.extend((c, depth + 1) for c in (v.values() if isinstance(v, dict) else v))
    return None


def _text_field(value: Any, what: str) -> str:
    """A record's title, source … as text: a string, or a number written out."""
    if value is None or isinstance(value, str):
        return value or ""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return str(value)
    raise ValueError(f"{what} is {brief(value)}, not text")


def _record_id(value: Any) -> str | None:
    """A record's id: a string, or an integer as its decimal string; None when it has none."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str) or is_offset(value):
        return str(value)
    raise ValueError(f"the id is {brief(value)}, not a string or an integer")


def _span_annotations(rec: dict, article: Article, where: str) -> list[Annotation]:
    """Annotations a record brings: Prodigy/readtui ``spans`` and ``quotes``, doccano ``label``/``entities``."""
    text = article.text
    for key in ("spans", "quotes", "entities", "relations"):
        if rec.get(key) is not None and not isinstance(rec[key], list):
            raise ImportProblem(where, f"{key!r} must be a list, got {type(rec[key]).__name__}")
    annotator = str(rec.get("_annotator_id") or "")
    status_default = "accepted"
    out: list[Annotation] = []

    ids: set[str] = set()

    def add(kind: str, start: Any, end: Any, label: Any, *, speaker: Speaker | None = None,
            seen_text: Any = None, status: str = status_default, origin: str = "manual",
            original: Any = None, extra: dict | None = None) -> None:
        if not (is_offset(start) and is_offset(end)):
            raise ImportProblem(where, f"span offsets must be integers, got {brief(start)}-{brief(end)}")
        problem = label_problem(label) or value_problem(original, "its original")
        if speaker is not None and not (isinstance(speaker.name, str) and isinstance(speaker.text, str)):
            problem = "has a speaker whose name or text is not a string"
        if problem:
            raise ImportProblem(where, f"span {start}-{end} {problem}")
        extra = extra or {}
        # readtui's own export carries each annotation's id, annotator and time: keep them.
        ann_id = extra.get("id")
        if not isinstance(ann_id, str) or not ann_id or ann_id in ids:
            ann_id = new_id()
        ids.add(ann_id)
        who = extra.get("annotator", annotator)
        when = extra.get("time", "")
        ann = Annotation(id=ann_id, article_id=article.id, kind=kind, start=start, end=end,
                         label=label, text=seen_text if isinstance(seen_text, str) else "",
                         speaker=speaker, origin=origin, status=status,
                         original=original if isinstance(original, dict) else {},
                         annotator=who if isinstance(who, str) else annotator,
                         time=when if isinstance(when, str) else "")
        try:
            out.append(check_annotation(ann, text))
        except AnnotationError as exc:
            msg = str(exc).split(": ", 1)[-1]
            raise ImportProblem(where, f"span {start}-{end} {label}: {msg}") from None

    for s in rec.get("spans") or []:
        if not isinstance(s, dict):
            raise ImportProblem(where, "a span is not an object")
        kind = s.get("kind") if s.get("kind") in KINDS else "entity"
        add(kind, s.get("start"), s.get("end"), s.get("label"), seen_text=s.get("text"),
            status=s.get("status") if s.get("status") in ("accepted", "pending", "rejected") else status_default,
            origin=s.get("origin") if s.get("origin") in ("model", "rules", "manual") else "manual",
            original=s.get("original"), extra=s)
    labels = rec.get("label")
    ents = rec.get("entities")
    relation_shape = isinstance(ents, list) and any(isinstance(e, dict) for e in ents)
    # doccano files from readtui carry entities twice (``label`` and ``entities``): read one.
    if isinstance(labels, list) and not (relation_shape and "quotes" not in rec):
        for item in labels:
            if not (isinstance(item, (list, tuple)) and len(item) == 3):
                raise ImportProblem(where, f"doccano label {brief(item)} is not [start, end, label]")
            add("entity", item[0], item[1], item[2])
    if isinstance(ents, list) and "quotes" not in rec:
        for e in ents:
            if not isinstance(e, dict):
                raise ImportProblem(where, "an entity is not an object")
            label = e.get("label")
            if label in (QUOTE_LABEL, "SPEAKER"):
                continue  # rebuilt from the relations below
            add("entity", e.get("start_offset"), e.get("end_offset"), label)
        _doccano_quotes(rec, add, where)
    for q in rec.get("quotes") or []:
        if not isinstance(q, dict):
            raise ImportProblem(where, "a quote is not an object")
        sp = q.get("speaker")
        speaker = None
        if isinstance(sp, dict) or q.get("speaker_name"):
            sp = sp if isinstance(sp, dict) else {}
            # readtui writes the resolved name in speaker.name ("" when unresolved) and a
            # readable speaker_name (the name, else the mention); other tools only the latter.
            name = sp["name"] if isinstance(sp.get("name"), str) else q.get("speaker_name")
            speaker = Speaker(sp.get("start"), sp.get("end"), sp.get("text") or "", name or "")
        add("quote", q.get("start"), q.get("end"), q.get("label") or QUOTE_LABEL, speaker=speaker,
            seen_text=q.get("text"),
            status=q.get("status") if q.get("status") in ("accepted", "pending", "rejected") else status_default,
            origin=q.get("origin") if q.get("origin") in ("model", "rules", "manual") else "manual",
            original=q.get("original"), extra=q)
    if "quotes" not in rec and not relation_shape:
        _prodigy_quotes(rec, add)
    return out


def _doccano_quotes(rec: dict, add: Any, where: str) -> None:
    """doccano's relation shape: QUOTE entities linked to their speaker by SPEAKER relations."""
    entities = [e for e in rec.get("entities") or [] if isinstance(e, dict)]
    if not all(isinstance(e.get("id"), (int, str, type(None))) for e in entities):
        raise ImportProblem(where, "an entity's id is not a string or an integer")
    ents = {e.get("id"): e for e in entities}
    meta = rec.get("meta") if isinstance(rec.get("meta"), dict) else {}
    names = meta.get("speaker_names") if isinstance(meta.get("speaker_names"), dict) else {}
    speakers = {}
    for r in rec.get("relations") or []:
        if isinstance(r, dict) and r.get("type") == "SPEAKER" \
                and isinstance(r.get("from_id"), (int, str)) and isinstance(r.get("to_id"), (int, str)):
            speakers[r.get("from_id")] = ents.get(r.get("to_id"))
    for eid, e in ents.items():
        if e.get("label") != QUOTE_LABEL:
            continue
        sp = speakers.get(eid)
        name = names.get(str(eid)) or ""
        speaker = Speaker(sp.get("start_offset"), sp.get("end_offset"), "", name) if sp else \
            (Speaker(name=name) if name else None)
        add("quote", e.get("start_offset"), e.get("end_offset"), QUOTE_LABEL, speaker=speaker)


def _prodigy_quotes(rec: dict, add: Any) -> None:
    """Prodigy's relation shape without readtui's ``quotes``: SPEAKER relations whose head is a QUOTE span."""
    for r in rec.get("relations") or []:
        if not (isinstance(r, dict) and r.get("label") == "SPEAKER"):
            continue
        head, child = r.get("head_span"), r.get("child_span")
        if not (isinstance(head, dict) and isinstance(child, dict)) or head.get("label") != QUOTE_LABEL:
            continue
        add("quote", head.get("start"), head.get("end"), QUOTE_LABEL, seen_text=head.get("text"),
            speaker=Speaker(child.get("start"), child.get("end"), child.get("text") or ""))


def _answer_time(stamp: Any) -> str:
    """A Prodigy task's ``_timestamp`` (Unix seconds: when it was answered) as ISO 8601, or ""."""
    if not isinstance(stamp, (int, float)) or isinstance(stamp, bool):
        return ""
    try:
        return datetime.fromtimestamp(stamp, timezone.utc).isoformat(timespec="seconds")
    except (OverflowError, OSError, ValueError):  # out of range, NaN
        return ""


def record_to_article(rec: Any, path: str, line: int) -> Record:
    where = f"{path}:{line}"
    if not isinstance(rec, dict):
        raise ImportProblem(path, f"the line is a JSON {type(rec).__name__}, not an object", line)
    text = rec.get("text")
    if text is None:
        raise ImportProblem(path, "no \"text\" field", line)
    if not isinstance(text, str):
        raise ImportProblem(path, f"\"text\" is a {type(text).__name__}, not a string", line)
    if not text.strip():
        raise ImportProblem(path, "\"text\" is empty", line)
    meta = rec.get("meta") if isinstance(rec.get("meta"), dict) else {}
    kept = {k: v for k, v in meta.items()
            if k not in ("id", "title", "source", "published", "dateline", "path", "state", "speaker_names")}
    try:
        # meta.id first: doccano's export puts its own example id in "id".
        aid = _record_id(meta.get("id", rec.get("id"))) or content_hash(text)[:16]
        title = _text_field(rec.get("title") or meta.get("title"), "the title") or first_sentence(text)
        fields = {k: _text_field(meta.get(k) or None, k) for k in ("source", "published", "dateline", "path")}
        problem = value_problem(kept, "meta")
        if problem:
            raise ValueError(problem)
    except ValueError as exc:
        raise ImportProblem(path, str(exc), line) from None
    state = meta.get("state") if meta.get("state") in REVIEW_STATES else "new"
    article = Article(
        id=aid, text=text, title=title, source=fields["source"], published=fields["published"],
        dateline=fields["dateline"], path=fields["path"] or f"{path}:{line}", original="", meta=kept,
        state=state, state_time=_answer_time(rec.get("_timestamp")))
    try:
        anns = _span_annotations(rec, article, where)
    except ImportProblem as exc:
        raise ImportProblem(path, exc.reason, line) from None
    annotated = any(isinstance(rec.get(k), list) for k in ("spans", "quotes", "label", "entities"))
    return Record(article, anns, where, annotated=annotated)


def read_jsonl(path: Path, raw: bytes | None = None) -> Iterator[Record | ImportProblem]:
    """Each line of a JSONL file as a Record, or the problem with that line."""
    if raw is None:
        raw = path.read_bytes()
    text = decode(raw, path)
    # Records end at "\n" only: U+2028, U+0085 … may sit unescaped inside a JSON string.
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except RecursionError:  # "[[[[…": one bad line, not the end of the import
            yield ImportProblem(path, "nested too deeply (lists or objects thousands of levels inside "
                                "one another)", n)
            continue
        except json.JSONDecodeError as exc:
            yield ImportProblem(path, f"not valid JSON ({exc.msg} at column {exc.colno})", n)
            continue
        except ValueError as exc:  # an integer of more than 4,300 digits
            yield ImportProblem(path, f"not valid JSON ({str(exc).split(':')[0]})", n)
            continue
        try:
            yield record_to_article(rec, str(path), n)
        except ImportProblem as exc:
            yield exc


def read_text_file(path: Path, raw: bytes | None = None) -> Record:
    if raw is None:
        raw = path.read_bytes()
    if not raw.strip():
        raise ImportProblem(path, "empty file")
    content = decode(raw, path)
    if not content.strip():
        raise ImportProblem(path, "the file holds only white space")
    return Record(parse_news(content, str(path)), [], str(path))


def expand(paths: Iterable[str | Path]) -> Iterator[Path | ImportProblem]:
    """Files to import: the paths given, folders walked recursively in name order."""
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix.lower() in TEXT_SUFFIXES | JSONL_SUFFIXES \
                        and not any(part.startswith(".") for part in f.relative_to(p).parts):
                    yield f
        elif p.is_file():
            yield p
        elif p.exists():
            yield ImportProblem(p, "not a regular file")
        else:
            yield ImportProblem(p, "no such file or folder")


def read_paths(paths: Iterable[str | Path]) -> Iterator[Record | ImportProblem]:
    """Every article under ``paths``; problems come back in the stream, never raised."""
    for f in expand(paths):
        if isinstance(f, ImportProblem):
            yield f
            continue
        try:
            raw = f.read_bytes()
        except OSError as exc:
            yield ImportProblem(f, f"cannot read ({exc.strerror or exc})")
            continue
        suffix = f.suffix.lower()
        try:
            if suffix in JSONL_SUFFIXES:
                yield from read_jsonl(f, raw)
            elif suffix in TEXT_SUFFIXES or not f.suffix:
                yield read_text_file(f, raw)
            else:
                yield ImportProblem(f, f"unsupported file type {f.suffix!r} (use .txt, .md or .jsonl)")
        except ImportProblem as exc:
            yield exc
