"""Gold data out: Prodigy-shaped JSONL, a spaCy ``DocBin``, doccano JSONL.

Pure: articles and annotations in, files out; no UI imports. See README, "Export formats".

What goes out
-------------
``gold(items, all=False, suggestions=False)`` picks the records: articles marked done
(``all``: every article) with their accepted annotations (``suggestions``: pending ones
too, as if accepted). Rejected annotations never go out.

Tokens
------
Prodigy's ``tokens`` and the ``DocBin``'s words come from spaCy's English tokenizer
(``spacy.blank("en")``: the workspace keeps each article's tokens from its import, see
``tui.nlp.tokens``; spaCy runs only for an article without them), with every token split
where an annotation (entity, quote or speaker) starts or ends inside it, and a token's
trailing space made a token of its own when a span starts on it or ends just after it.
So every span the analyst made lines up with tokens:
``doc.char_span(start, end, alignment_mode="strict")`` works for each.

JSONL (Prodigy task shape), one article a line
----------------------------------------------
``text``, ``meta`` (``id``, ``title``, ``source``, ``published``, ``dateline``, ``path``,
``state`` and any extra metadata), ``_input_hash``, ``_task_hash`` (signed 32-bit ints),
``tokens`` (``text``, ``start``, ``end``, ``id``, ``ws``), ``spans`` (entities: ``start``,
``end``, ``token_start``, ``token_end`` — inclusive —, ``label``, ``text``), ``relations``
(one per quote with a speaker mention: ``head``/``child`` are the last tokens of the quote
and the speaker, ``head_span``/``child_span`` the spans themselves, ``label`` "SPEAKER"),
``quotes`` (``start``, ``end``, ``text``, ``label``, ``speaker`` ``{start, end, text, name}``
or null, ``speaker_name``), ``answer`` "accept", ``_annotator_id``, ``_timestamp`` (the newest
of the annotations' times and the time the article took its review state, e.g. was marked
done, in Unix seconds: the same in every export; the export's clock only for an article
with no time at all, from a workspace made before readtui kept them).
readtui's own fields ride along on spans and quotes so ``readtui import`` is lossless:
``id``, ``origin``, ``original`` (when the suggestion was changed), ``status`` (only when not
accepted, i.e. pending with ``--suggestions``), ``annotator`` (when it differs from
``_annotator_id``), ``time``.

spaCy DocBin (``.spacy``, ``store_user_data=True``)
---------------------------------------------------
``doc.ents``: the entities. ``doc.spans["quotes"]``: the quotes (label "QUOTE").
``doc.spans["speakers"]``: each distinct speaker mention once (label "SPEAKER").
``doc.user_data["readtui"]`` links them and carries the metadata::

    {"version": 1,
     "meta": {"id": ..., "title": ..., "source": ..., "published": ..., "dateline": ...,
              "path": ..., "state": ...},
     "quotes": [  # one per doc.spans["quotes"][i], same order
        {"id": ..., "speaker": j | None,   # index into doc.spans["speakers"]
         "speaker_name": "Sara Carter" | ""}],
     "entities": [{"id": ...}, ...]}   # one per doc.ents[i], same order

so the speaker of quote ``i`` is ``doc.spans["speakers"][q["speaker"]]``.

doccano JSONL, one article a line
---------------------------------
``id`` (the article id), ``text``, ``label`` ``[[start, end, "LABEL"], ...]`` (entities only:
a sequence-labelling project takes it), ``entities`` (``id``, ``label``, ``start_offset``,
``end_offset``: entities, quotes labelled "QUOTE", and speaker mentions that are not an
entity labelled "SPEAKER") and ``relations`` (``id``, ``from_id`` the quote, ``to_id`` the
speaker, ``type`` "SPEAKER") for a relation-extraction project, and ``meta`` (the article
metadata and ``speaker_names``: quote entity id -> resolved name). Written with non-ASCII
escaped: doccano guesses the encoding of relation files and would shift offsets.
Quotes contain entities, so a relation project must allow overlapping spans.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import stat
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from operator import attrgetter, itemgetter, lt
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Iterator, Sequence

import orjson

from .model import Annotation, Article
from .nlp.tokens import Tokenizer
from .nlp.tokens import default_tokenizer as _default_tokenizer
from .store import SIDE_FILES, workspace_files


FORMATS = ("jsonl", "spacy", "doccano")
SUFFIXES = {"jsonl": ".jsonl", "spacy": ".spacy", "doccano": ".doccano.jsonl"}
SPEAKER_LABEL = "SPEAKER"  # the relation label, and the label of speaker-only spans
QUOTES_KEY, SPEAKERS_KEY = "quotes", "speakers"  # doc.spans keys
USER_DATA_KEY = "readtui"
USER_DATA_VERSION = 1

Item = tuple[Article, Sequence[Annotation]]
_FIRST, _SECOND = itemgetter(0), itemgetter(1)
_LABEL, _KIND, _SPEAKER = attrgetter("label"), attrgetter("kind"), attrgetter("speaker")
_START, _END, _TEXT, _ANNOTATOR = attrgetter("start"), attrgetter("end"), attrgetter("text"), attrgetter("annotator")
_HAS_MENTION = attrgetter("has_mention")


class ExportError(ValueError):
    """A record that does not line up with its text; nothing was written."""

    def __init__(self, article_id: str, start: int | None, end: int | None, reason: str):
        self.article_id, self.start, self.end, self.reason = article_id, start, end, reason
        where = f"article {article_id!r}" + (f", span {start}-{end}" if start is not None else "")
        super().__init__(f"{where}: {reason}")

    def __reduce__(self):  # raised in a worker process, re-raised in the parent
        return (type(self), (self.article_id, self.start, self.end, self.reason))


@dataclass
class ExportSummary:
    articles: int = 0
    entities: int = 0
    quotes: int = 0
    speakers: int = 0
    labels: Counter = field(default_factory=Counter)


# --- what goes out -------------------------------------------------------------

def gold_annotations(annotations: Iterable[Annotation], *, suggestions: bool = False) -> list[Annotation]:
    """The annotations an export writes: accepted ones (and pending ones with ``suggestions``)."""
    keep = ("accepted", "pending") if suggestions else ("accepted",)
    kept = [a for a in annotations if a.status in keep]
    kept.sort(key=_text_order)
    return kept


def gold(items: Iterable[Item], *, all: bool = False, suggestions: bool = False) -> Iterator[Item]:
    """Articles to export (done ones, or every one with ``all``) with their gold annotations."""
    for article, anns in items:
        if all or article.state == "done":
            yield article, gold_annotations(anns, suggestions=suggestions)


# --- checks --------------------------------------------------------------------

def check_annotations(article: Article, annotations: Iterable[Annotation]) -> None:
    """Refuse annotations whose offsets do not point at their text (ExportError)."""
    text, aid = article.text, article.id
    anns = list(annotations)
    if _all_line_up(text, anns):
        return
    for a in anns:
        if not (isinstance(a.start, int) and isinstance(a.end, int) and 0 <= a.start < a.end <= len(text)):
            raise ExportError(aid, a.start, a.end, f"{a.kind} {a.label} is outside the text (length {len(text)})")
        if text[a.start:a.end] != a.text:
            raise ExportError(aid, a.start, a.end, f"{a.kind} {a.label}: text[{a.start}:{a.end}] is "
                              f"{text[a.start:a.end]!r}, the annotation says {a.text!r}")
        sp = a.speaker
        if sp is not None and sp.has_mention:
            if not (isinstance(sp.start, int) and isinstance(sp.end, int)
                    and 0 <= sp.start < sp.end <= len(text)):
                raise ExportError(aid, sp.start, sp.end, f"the speaker of quote {a.start}-{a.end} is outside the text")
            if text[sp.start:sp.end] != sp.text:
                raise ExportError(aid, sp.start, sp.end, f"speaker: text[{sp.start}:{sp.end}] is "
                                  f"{text[sp.start:sp.end]!r}, the annotation says {sp.text!r}")


def _all_line_up(text: str, anns: list[Annotation]) -> bool:
    """``check_annotations`` would find nothing wrong: the common case, checked a field at a
    time over all the annotations (an export checks 40 an article). False may also mean
    "look one by one" (e.g. an offset that is a bool, which the loop accepts)."""
    if not anns:
        return True
    starts, ends = list(map(_START, anns)), list(map(_END, anns))
    if not {type(x) for x in starts + ends} <= {int} or min(starts) < 0 or max(ends) > len(text) \
            or not all(map(lt, starts, ends)) \
            or list(map(text.__getitem__, map(slice, starts, ends))) != list(map(_TEXT, anns)):
        return False
    for sp in filter(None, map(_SPEAKER, anns)):
        if sp.has_mention and not (type(sp.start) is int and type(sp.end) is int
                                   and 0 <= sp.start < sp.end <= len(text) and text[sp.start:sp.end] == sp.text):
            return False
    return True


def check_record(rec: dict[str, Any]) -> None:
    """Check a JSONL record against its own text and tokens before it is written."""
    text = rec["text"]
    aid = str(rec.get("meta", {}).get("id", "?"))
    toks = []
    for i, t in enumerate(rec["tokens"]):
        if t["id"] != i or text[t["start"]:t["end"]] != t["text"]:
            raise ExportError(aid, t["start"], t["end"], f"token {i} does not line up with the text")
        toks.append((t["start"], t["end"], t["ws"]))
    _check_parts(aid, text, toks, rec)


def _check_parts(aid: str, text: str, toks: Sequence[tuple[int, int, bool]], rec: dict[str, Any],
                 first: dict[int, int] | None = None, last: dict[int, int] | None = None) -> None:
    """The tokens cover the text; every span's text and token boundaries line up.

    With ``first``/``last`` (token index by start/end offset) the tokens come from
    ``Tokenizer``, which checked they cover the text; only the spans are checked.
    """
    if first is None or last is None:
        pos = 0
        for i, (s, e, w) in enumerate(toks):
            if s != pos or e <= s or (w and text[e:e + 1] != " "):
                raise ExportError(aid, s, e, f"token {i} does not line up with the text")
            pos = e + 1 if w else e
        if pos != len(text):
            raise ExportError(aid, pos, len(text), "the tokens do not cover the text")
        first = {s: i for i, (s, _, _) in enumerate(toks)}
        last = {e: i for i, (_, e, _) in enumerate(toks)}

    def span(s: dict[str, Any], what: str) -> None:
        start, end = s["start"], s["end"]
        if not (0 <= start < end <= len(text)) or ("text" in s and text[start:end] != s["text"]):
            got = text[start:end] if 0 <= start < end <= len(text) else "(outside the text)"
            raise ExportError(aid, start, end, f"{what} {s.get('label', '')}: text[{start}:{end}] is "
                              f"{got!r}, the record says {s.get('text')!r}")
        if start not in first or end not in last:
            raise ExportError(aid, start, end, f"{what} {s.get('label', '')}: the span does not start "
                              "and end on token boundaries")
        ts, te = s.get("token_start", first[start]), s.get("token_end", last[end])
        if (ts, te) != (first[start], last[end]):
            raise ExportError(aid, start, end, f"{what} {s.get('label', '')}: tokens {ts}-{te} do not "
                              "start and end with the span")

    for s in rec["spans"]:
        span(s, "entity")
    for q in rec["quotes"]:
        span(q, "quote")
        if q["speaker"] is not None:
            span(q["speaker"], "speaker")
    for r in rec["relations"]:
        span(r["head_span"], "quote")
        span(r["child_span"], "speaker")
        if r["head"] != r["head_span"]["token_end"] or r["child"] != r["child_span"]["token_end"]:
            raise ExportError(aid, r["head_span"]["start"], r["head_span"]["end"],
                              "relation head/child are not the spans' last tokens")


def _spans(annotations: Iterable[Annotation]) -> list[tuple[int, int]]:
    """Every span the annotations mark: themselves and their speakers' mentions."""
    out = []
    for a in annotations:
        out.append((a.start, a.end))
        sp = a.speaker
        if sp is not None and sp.has_mention:
            out.append((sp.start, sp.end))  # type: ignore[arg-type]
    return out


def _hash32(*parts: str) -> int:
    h = hashlib.blake2b(digest_size=4)
    for p in parts:
        h.update(p.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return int.from_bytes(h.digest(), "big", signed=True)


def _timestamp(iso: str) -> int | None:
    try:
        return int(datetime.fromisoformat(iso).timestamp())
    except (TypeError, ValueError):
        return None


def article_meta(article: Article) -> dict[str, Any]:
    meta = {k: v for k, v in article.meta.items()}
    meta.update(id=article.id, title=article.title, source=article.source,
                published=article.published, dateline=article.dateline, path=article.path,
                state=article.state)
    return meta


def _annotator(annotations: Sequence[Annotation]) -> str:
    names = Counter(filter(None, map(_ANNOTATOR, annotations)))
    return names.most_common(1)[0][0] if names else ""


def _extras(a: Annotation, annotator: str, d: dict[str, Any]) -> dict[str, Any]:
    """``d`` with readtui's own fields added, so that ``readtui import`` gives the annotation back whole."""
    d["id"] = a.id
    d["origin"] = a.origin
    if a.original:
        d["original"] = dict(a.original)
    if a.status != "accepted":
        d["status"] = a.status
    if a.annotator != annotator:
        d["annotator"] = a.annotator
    if a.time:
        d["time"] = a.time
    return d


def _text_order(a: Annotation) -> tuple[int, int, str, str]:
    return (a.start, -a.end, a.kind, a.id)


# --- JSONL (Prodigy) -------------------------------------------------------------

def jsonl_record(article: Article, annotations: Iterable[Annotation],
                 tokenizer: Tokenizer | None = None, *, check: bool = True,
                 in_order: bool = False) -> dict[str, Any]:
    """One article as a Prodigy-shaped task (see the module docstring); checked before it returns.

    ``in_order``: the annotations are a list in text order already (from ``gold``).
    """
    anns = annotations if in_order else sorted(annotations, key=_text_order)  # type: ignore[assignment]
    aid, text = article.id, article.text
    if check:
        check_annotations(article, anns)
    marked = _spans(anns)
    try:
        tok = tokenizer or _default_tokenizer()
        tok_start, tok_end, space, first, last = tok.split(text, marked, article.tokens)
    except ValueError as exc:
        raise ExportError(aid, None, None, str(exc)) from None

    def span(start: int, end: int, label: str) -> dict[str, Any]:
        return {"start": start, "end": end, "token_start": first.get(start), "token_end": last.get(end),
                "label": label, "text": text[start:end]}

    annotator = _annotator(anns)
    spans, ent_label = [], {}
    for a in anns:
        if a.kind == "entity":
            spans.append(_extras(a, annotator, span(a.start, a.end, a.label)))
            ent_label[(a.start, a.end)] = a.label
    quotes, relations = [], []
    for a in anns:
        if a.kind != "quote":
            continue
        sp = a.speaker
        speaker = None
        if sp is not None and sp.has_mention:
            speaker = {"start": sp.start, "end": sp.end, "text": sp.text, "name": sp.name}
            head = span(a.start, a.end, a.label)
            child = span(sp.start, sp.end, ent_label.get((sp.start, sp.end), SPEAKER_LABEL))  # type: ignore[arg-type]
            relations.append({"head": head["token_end"], "child": child["token_end"],
                              "head_span": head, "child_span": child, "label": SPEAKER_LABEL})
        quotes.append(_extras(a, annotator, {
            "start": a.start, "end": a.end, "text": a.text, "label": a.label, "speaker": speaker,
            "speaker_name": (sp.name or sp.text or None) if sp is not None else None}))
    input_hash = _hash32(text)
    task_key = json.dumps([[s["start"], s["end"], s["label"]] for s in spans]
                          + [[q["start"], q["end"], q["label"],
                              q["speaker"] and [q["speaker"]["start"], q["speaker"]["end"]],
                              q["speaker_name"]] for q in quotes], ensure_ascii=True)
    times = [t for t in map(_timestamp, {a.time for a in anns if a.time} | {article.state_time}) if t is not None]
    if check and not (first.keys() >= set(map(_FIRST, marked)) and last.keys() >= set(map(_SECOND, marked))):
        # A span that does not start or end on a token: say which (every span's text was
        # checked against the article's by check_annotations, and taken from it here).
        _check_parts(aid, text, (), {"spans": spans, "quotes": quotes, "relations": relations}, first, last)
        raise ExportError(aid, None, None, "a span does not start and end on token boundaries")
    tokens = [{"text": t, "start": s, "end": e, "id": i, "ws": w}
              for i, t, s, e, w in zip(range(len(tok_start)), map(text.__getitem__, map(slice, tok_start, tok_end)),
                                       tok_start, tok_end, space)]
    return {"text": text, "meta": article_meta(article), "_input_hash": input_hash,
            "_task_hash": _hash32(str(input_hash), task_key), "tokens": tokens,
            "spans": spans, "relations": relations, "quotes": quotes, "answer": "accept",
            "_annotator_id": annotator,
            "_timestamp": max(times) if times else int(datetime.now(timezone.utc).timestamp())}


def jsonl_line(article: Article, annotations: Iterable[Annotation],
               tokenizer: Tokenizer | None = None, *, in_order: bool = False) -> bytes:
    """``jsonl_record`` as one compact UTF-8 JSON line, checked: the bytes of
    ``json.dumps(record, ensure_ascii=False, separators=(",", ":"))``, the way Prodigy
    (srsly) writes its own JSONL.

    Encoded by orjson, which writes strings exactly as ``json.dumps`` does and is ~5x
    faster on a record of ~600 tokens; a record orjson refuses (a lone surrogate, an
    integer past 64 bits in the metadata) goes to ``json``. ``in_order``: the annotations
    are a list in text order already, as ``gold`` gives them.
    """
    rec = jsonl_record(article, annotations, tokenizer, in_order=in_order)
    try:
        line = orjson.dumps(rec, option=orjson.OPT_APPEND_NEWLINE)
    except orjson.JSONEncodeError:
        return _json_line(rec, ascii_only=False, compact=True)
    if b"\xc2\x85" in line or b"\xe2\x80\xa8" in line or b"\xe2\x80\xa9" in line:
        line = line.decode("utf-8").translate(_LINE_BREAKS).encode("utf-8")
    return line


# --- doccano ------------------------------------------------------------------

def doccano_record(article: Article, annotations: Iterable[Annotation], *, check: bool = True) -> dict[str, Any]:
    """One article in doccano's shapes: ``label`` (entities) and ``entities``/``relations``."""
    anns = sorted(annotations, key=_text_order)
    if check:
        check_annotations(article, anns)
    entities: list[dict[str, Any]] = []
    by_span: dict[tuple[int, int, str], int] = {}

    def entity(start: int, end: int, label: str) -> int:
        key = (start, end, label)
        if key not in by_span:
            by_span[key] = len(entities) + 1
            entities.append({"id": by_span[key], "label": label, "start_offset": start, "end_offset": end})
        return by_span[key]

    ents = [a for a in anns if a.kind == "entity"]
    label = [[a.start, a.end, a.label] for a in ents]
    ent_at: dict[tuple[int, int], int] = {}
    for a in ents:
        ent_at[(a.start, a.end)] = entity(a.start, a.end, a.label)
    relations: list[dict[str, Any]] = []
    names: dict[str, str] = {}
    for a in anns:
        if a.kind != "quote":
            continue
        qid = entity(a.start, a.end, a.label)
        sp = a.speaker
        if sp is None:
            continue
        if sp.name:
            names[str(qid)] = sp.name
        if sp.has_mention:
            to = ent_at.get((sp.start, sp.end)) or entity(sp.start, sp.end, SPEAKER_LABEL)  # type: ignore[arg-type]
            relations.append({"id": len(relations) + 1, "from_id": qid, "to_id": to, "type": SPEAKER_LABEL})
    meta = article_meta(article)
    if names:
        meta["speaker_names"] = names
    if check:
        text = article.text
        for e in entities:
            s, t = e["start_offset"], e["end_offset"]
            if not (0 <= s < t <= len(text)):
                raise ExportError(article.id, s, t, f"{e['label']} is outside the text")
    return {"id": article.id, "text": article.text, "label": label, "entities": entities,
            "relations": relations, "meta": meta}


# --- spaCy DocBin ----------------------------------------------------------------

def spacy_doc(article: Article, annotations: Iterable[Annotation], tokenizer: Tokenizer | None = None,
              *, check: bool = True):
    """One article as a spaCy Doc with ents, span groups and ``user_data`` (module docstring)."""
    from spacy.tokens import Span

    anns = sorted(annotations, key=_text_order)
    if check:
        check_annotations(article, anns)
    tok = tokenizer or _default_tokenizer()
    try:
        doc = tok.doc(article.text, _spans(anns), article.tokens)
    except ValueError as exc:
        raise ExportError(article.id, None, None, str(exc)) from None
    if doc.text != article.text:
        raise ExportError(article.id, None, None, "the tokens do not reproduce the text")

    def char_span(start: int, end: int, label: str) -> Span:
        s = doc.char_span(start, end, label=label, alignment_mode="strict")
        if s is None or s.text != article.text[start:end]:
            raise ExportError(article.id, start, end, f"{label}: no tokens start and end with the span")
        return s

    ents = [a for a in anns if a.kind == "entity"]
    for prev, a in zip(ents, ents[1:]):
        if a.start < prev.end:  # doc.ents cannot overlap (readtui never makes such entities)
            raise ExportError(article.id, a.start, a.end, f"entity {a.label} overlaps entity {prev.label} "
                              f"{prev.start}-{prev.end}; spaCy's doc.ents cannot hold both")
    doc.ents = [char_span(a.start, a.end, a.label) for a in ents]
    quotes, speakers, links = [], [], []
    speaker_at: dict[tuple[int, int], int] = {}
    for a in anns:
        if a.kind != "quote":
            continue
        quotes.append(char_span(a.start, a.end, a.label))
        sp = a.speaker
        index = None
        if sp is not None and sp.has_mention:
            key = (sp.start, sp.end)
            if key not in speaker_at:
                speaker_at[key] = len(speakers)
                speakers.append(char_span(sp.start, sp.end, SPEAKER_LABEL))  # type: ignore[arg-type]
            index = speaker_at[key]
        links.append({"id": a.id, "speaker": index, "speaker_name": sp.name if sp is not None else ""})
    doc.spans[QUOTES_KEY] = quotes
    doc.spans[SPEAKERS_KEY] = speakers
    doc.user_data[USER_DATA_KEY] = {
        "version": USER_DATA_VERSION, "meta": article_meta(article), "quotes": links,
        "entities": [{"id": a.id} for a in ents],
    }
    return doc


def speaker_of(doc, i: int):
    """The speaker span of ``doc.spans["quotes"][i]`` in a doc read from readtui's DocBin, or None."""
    link = doc.user_data[USER_DATA_KEY]["quotes"][i]
    return None if link["speaker"] is None else doc.spans[SPEAKERS_KEY][link["speaker"]]


# --- writing -------------------------------------------------------------------

# Line breaks to str.splitlines() (and to many JSONL readers) that JSON leaves unescaped.
_LINE_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def _json_line(rec: dict[str, Any], *, ascii_only: bool, compact: bool = False) -> bytes:
    seps = (",", ":") if compact else None
    if not ascii_only:
        try:
            line = json.dumps(rec, ensure_ascii=False, separators=seps)
            if "\x85" in line or "\u2028" in line or "\u2029" in line:
                line = line.translate(_LINE_BREAKS)
            return (line + "\n").encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: escaped, it survives any reader
            pass
    return (json.dumps(rec, ensure_ascii=True, separators=seps) + "\n").encode("ascii")


def _counted(items: Iterable[Item], summary: ExportSummary) -> Iterator[Item]:
    labels = summary.labels
    for article, anns in items:
        summary.articles += 1
        labels.update(map(_LABEL, anns))
        kinds = list(map(_KIND, anns))
        summary.entities += kinds.count("entity")
        summary.quotes += kinds.count("quote")
        summary.speakers += sum(map(_HAS_MENTION, filter(None, map(_SPEAKER, anns))))
        yield article, anns


def write_records(items: Iterable[Item], fh: IO[bytes], fmt: str, *,
                  tokenizer: Tokenizer | None = None,
                  on_article: Callable[[], None] = lambda: None) -> ExportSummary:
    """Write ``items`` (already selected) to a binary stream in ``fmt``; checks each record first."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (use one of {', '.join(FORMATS)})")
    summary = ExportSummary()
    tok = tokenizer or (_default_tokenizer() if fmt != "doccano" else None)
    docbin = None
    if fmt == "spacy":
        from spacy.tokens import DocBin

        docbin = DocBin(store_user_data=True)
    for article, anns in _counted(items, summary):
        if fmt == "jsonl":
            fh.write(jsonl_line(article, anns, tok))
        elif fmt == "doccano":
            fh.write(_json_line(doccano_record(article, anns), ascii_only=True))
        else:
            docbin.add(spacy_doc(article, anns, tok))  # type: ignore[union-attr]
        on_article()
    if docbin is not None:
        fh.write(docbin.to_bytes())
    return summary


# --- where it goes ----------------------------------------------------------------

class OutputRefused(ValueError):
    """``-o`` names what an export must not or cannot write; nothing was written."""


class ReaderGone(Exception):
    """Whoever reads the output (stdout, a FIFO) closed it before everything was written."""

    def __init__(self, name: str):
        self.name = name
        super().__init__(f"the reader of {name} closed it early: it got only part of the export")


@dataclass(frozen=True)
class Output:
    """What writing an export's ``-o`` means (``output_target``). ``how``: "stdout" ("-");
    "replace", a regular file (new, or a symlink's target) written beside itself and
    renamed into place; "stream", a FIFO or a character device (``/dev/stdout``, a
    terminal, ``/dev/null``), written as the bytes come."""

    name: str  # as the user gave it, for messages
    how: str
    path: Path | None = None


def output_target(output: str | Path, *, workspaces: Iterable[Path] = ()) -> Output:
    """Where ``output`` leads, or OutputRefused: a folder, a socket, a block device, or a
    file of a workspace (one of ``workspaces``, or one the path itself shows to be one)."""
    name = str(output)
    if name == "-":
        if sys.stdout is None:
            raise OutputRefused("stdout is closed")
        return Output(name, "stdout")
    try:
        st: os.stat_result | None = os.stat(output)  # through symlinks
    except FileNotFoundError:
        st = None
    real = Path(os.path.realpath(output))
    held = _workspace_holding(real, st, workspaces)
    if held is not None:
        raise OutputRefused(f"{name} is a file of the workspace {held}, never an export")
    if st is None or stat.S_ISREG(st.st_mode) and _same_file(real, st):
        return Output(name, "replace", real)
    if stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode) or stat.S_ISREG(st.st_mode):
        # (a regular file here is one only a link in /proc leads to: /dev/stdout into a file)
        return Output(name, "stream", Path(output))
    what = ("a folder" if stat.S_ISDIR(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode)
            else "a block device" if stat.S_ISBLK(st.st_mode) else "not a file")
    raise OutputRefused(f"{name} is {what}, not a file to write into")


def _same_file(path: Path, st: os.stat_result) -> bool:
    try:
        return os.path.samestat(os.stat(path), st)
    except OSError:
        return False


def _workspace_holding(real: Path, st: os.stat_result | None, workspaces: Iterable[Path]) -> Path | None:
    """The workspace that ``real`` (a resolved path; ``st`` its stat, None when there is
    nothing yet) is a file of: its table, journal, backup, lock, or the folder of article
    files and anything in it; hard links to them included."""
    tables = [real] + [real.with_name(real.name[:-len(side)]) for side in SIDE_FILES if real.name.endswith(side)]
    tables += [folder.with_name(folder.name[:-len(".d")]) for folder in real.parents if folder.name.endswith(".d")]
    for table in tables:
        if _is_workspace(table) and any(real == f or f in real.parents for f in workspace_files(table)):
            return table
    for ws in workspaces:
        files = [Path(os.path.realpath(f)) for f in workspace_files(Path(ws))]
        if any(real == f or f in real.parents for f in files):
            return Path(ws)
        if st is not None and st.st_nlink > 1 and any(_same_file(f, st) for f in _all_files(files)):
            return Path(ws)
    return None


def _is_workspace(table: Path) -> bool:
    """A readtui workspace is at ``table``: its journal or lock is beside it, or its first bytes say so."""
    journal, _backup, lock, _articles = workspace_files(table)[1:]
    if journal.exists() or lock.exists():
        return True
    if not table.is_file():  # (never open a FIFO to look: it would wait for a writer)
        return False
    try:
        with open(table, "rb") as fh:
            return fh.read(64).lstrip().startswith(b'{"_meta"')
    except OSError:
        return False


def _all_files(paths: Iterable[Path]) -> Iterator[Path]:
    """``paths`` and, for a folder, every file in it."""
    for path in paths:
        yield path
        for folder, _, names in os.walk(path):
            yield from (Path(folder, n) for n in names)


# --- writing it --------------------------------------------------------------------

def write_atomic(output: str | Path | Output, write: Callable[[IO[bytes]], ExportSummary], *,
                 stdout: IO[bytes] | None = None) -> ExportSummary:
    """Run ``write(fh)`` into ``output`` ("-" for stdout; see ``output_target``), all or
    nothing where the output allows it.

    A file is written to a temporary file beside it (beside a symlink's target),
    fsync'd and renamed into place; on any error the temporary file is removed and the
    file is left as it was. Stdout gets the bytes only once ``write`` has returned. A
    FIFO or a device gets them as they come (ReaderGone if its reader leaves early).
    """
    target = output if isinstance(output, Output) else output_target(output)
    if target.how == "stdout":
        return _write_stdout(write, stdout)
    assert target.path is not None
    if target.how == "stream":
        try:
            with _WholeWriter(io.FileIO(target.path, "wb")) as fh:
                return write(fh)
        except BrokenPipeError:
            raise ReaderGone(target.name) from None
    path = target.path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp_name = _temporary(path.parent, path.name)
    try:
        # Opened by its path, which ``fh.name`` then gives: worker processes open it too.
        with open(tmp_name, "wb", buffering=1 << 20) as fh:
            summary = write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp_name, 0o644 & ~_umask())
        os.replace(tmp_name, path)
    except BaseException:
        _remove(tmp_name)
        raise
    return summary


def _write_stdout(write: Callable[[IO[bytes]], ExportSummary], stdout: IO[bytes] | None) -> ExportSummary:
    # Named: worker processes open it by its path to write their part (export_workers).
    tmp_name = _temporary(Path(tempfile.gettempdir()), "readtui-export")
    try:
        with open(tmp_name, "w+b") as tmp:
            summary = write(tmp)
            tmp.flush()
            tmp.seek(0)
            if stdout is None:
                sys.stdout.flush()
            dest = stdout if stdout is not None else sys.stdout.buffer
            try:
                while chunk := tmp.read(1 << 20):
                    _write_all(dest.write, chunk)
                dest.flush()
            except BrokenPipeError:
                raise ReaderGone("stdout") from None
    finally:
        _remove(tmp_name)
    return summary


def _write_all(write: Callable[[Any], int], data: bytes | memoryview) -> None:
    """All of ``data`` through ``write``. A BufferedWriter whose pipe is closed midway
    returns a short count, not an error (CPython); the next write raises it."""
    view = memoryview(data)
    while view:
        view = view[write(view):]


class _WholeWriter(io.BufferedWriter):
    """A BufferedWriter whose ``write`` writes everything or raises (see ``_write_all``)."""

    def write(self, data: Any) -> int:
        _write_all(super().write, data)
        return len(data)


# What mkstemp adds after ".{name}." in ``_temporary``: the writer's pid, random letters.
_TEMPORARY_TAIL = re.compile(r"(\d+)\.[^.]+\.tmp")


def _temporary(folder: Path, name: str) -> str:
    """A new empty temporary file for ``name`` in ``folder``, named with this process's
    id; first removes the ones whose writer is gone (an export killed midway)."""
    prefix = f".{name}."
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                m = entry.name.startswith(prefix) and _TEMPORARY_TAIL.fullmatch(entry.name, len(prefix))
                if m and not _alive(int(m.group(1))) and entry.is_file(follow_symlinks=False):
                    _remove(entry.path)
    except OSError:  # cannot list the folder: the export itself will say what is wrong
        pass
    fd, tmp_name = tempfile.mkstemp(prefix=f"{prefix}{os.getpid()}.", suffix=".tmp", dir=folder)
    os.close(fd)
    return tmp_name


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):  # someone else's process, or not a pid: leave its file alone
        return True
    return True


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def export(items: Iterable[Item], output: str | Path | Output, fmt: str = "jsonl", *,
           tokenizer: Tokenizer | None = None, stdout: IO[bytes] | None = None,
           on_article: Callable[[], None] = lambda: None) -> ExportSummary:
    """Write ``items`` (already selected, e.g. by ``gold``) to ``output`` in ``fmt``, all or nothing."""
    return write_atomic(output, lambda fh: write_records(items, fh, fmt, tokenizer=tokenizer,
                                                         on_article=on_article), stdout=stdout)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
