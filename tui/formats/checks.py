"""Every record is checked before it is written: each span's text is the text at its
offsets and it starts and ends on token boundaries. A mismatch is an ``ExportError``."""

from __future__ import annotations

from operator import lt
from typing import Any, Iterable, Sequence

from ..model import (
    Annotation,
    Article,
)
from .common import ExportError
from .speed import _END, _SPEAKER, _START, _TEXT


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
