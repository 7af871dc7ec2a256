"""readtui's JSONL, which is Prodigy's task shape with readtui's own fields riding along:
the reader (``read_jsonl``: Prodigy spans, readtui quotes, doccano's keys) and the writer
(``jsonl_record``/``jsonl_line``) side by side. See README, "Export formats"."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import orjson

from ..model import (
    KINDS,
    QUOTE_LABEL,
    REVIEW_STATES,
    Annotation,
    AnnotationError,
    Article,
    Speaker,
    brief,
    check_annotation,
    content_hash,
    is_offset,
    label_problem,
    new_id,
)
from ..nlp.tokens import Tokenizer
from ..nlp.tokens import default_tokenizer as _default_tokenizer
from .checks import _check_parts, _spans, check_annotations
from .common import (
    SPEAKER_LABEL,
    ExportError,
    ImportProblem,
    Record,
    _answer_time,
    _record_id,
    _text_field,
    _text_order,
    article_meta,
    value_problem,
)
from .doccano import _doccano_quotes
from .encoding import decode
from .news import first_sentence
from .speed import _ANNOTATOR, _FIRST, _SECOND


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
        if line.strip():
            yield read_jsonl_line(line, path, n)


def read_jsonl_line(line: str, path: str | Path, n: int) -> Record | ImportProblem:
    """Line ``n`` of a JSONL file as a Record, or the problem with it (also for streams: tui.cluster)."""
    try:
        rec = json.loads(line)
    except RecursionError:  # "[[[[…": one bad line, not the end of the import
        return ImportProblem(path, "nested too deeply (lists or objects thousands of levels inside "
                             "one another)", n)
    except json.JSONDecodeError as exc:
        return ImportProblem(path, f"not valid JSON ({exc.msg} at column {exc.colno})", n)
    except ValueError as exc:  # an integer of more than 4,300 digits
        return ImportProblem(path, f"not valid JSON ({str(exc).split(':')[0]})", n)
    try:
        return record_to_article(rec, str(path), n)
    except ImportProblem as exc:
        return exc


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
    meta = article_meta(article)
    # A gold article (readtui adjudicate, tui/team/adjudication.py) keeps every analyst's
    # version: out of the meta, under "versions", as Prodigy's review recipe writes them.
    adjudicated = article.meta.get("adjudication")
    versions = {"versions": adjudicated["versions"]} if isinstance(adjudicated, dict) and "versions" in adjudicated else {}
    if versions and not annotator:
        annotator = str(adjudicated.get("adjudicator") or "")
    return {"text": text, "meta": meta, "_input_hash": input_hash,
            "_task_hash": _hash32(str(input_hash), task_key), "tokens": tokens,
            "spans": spans, "relations": relations, "quotes": quotes, "answer": "accept",
            "_annotator_id": annotator, **versions,
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
