"""What an analyst works with: articles and the annotations on them.

Plain frozen dataclasses, no I/O. Every offset is a Python string index into
``Article.text`` (end exclusive); ``check_annotation`` is the one place that
enforces it, and the store calls it on every write.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone
from typing import Any, Literal, Mapping

# The default label set, in the order the number keys 1-9 use.
DEFAULT_LABELS: tuple[str, ...] = (
    "PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "LAW", "DATE",
)
QUOTE_LABEL = "QUOTE"

Kind = Literal["entity", "quote"]
Origin = Literal["model", "rules", "manual", "learned"]
Status = Literal["pending", "accepted", "rejected"]
ReviewState = Literal["new", "in_progress", "done", "skipped", "flagged"]

KINDS = ("entity", "quote")
ORIGINS = ("model", "rules", "manual", "learned")  # learned: from the analyst's decisions
STATUSES = ("pending", "accepted", "rejected")
# skipped: set aside for now; flagged: to come back to (an expert, a question)
REVIEW_STATES = ("new", "in_progress", "done", "skipped", "flagged")


class AnnotationError(ValueError):
    """An annotation that does not fit its article's text or the schema."""


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def content_hash(text: str) -> str:
    """The identity of an article's text, used to store the same text once."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def new_id() -> str:
    return uuid.uuid4().hex[:16]


@dataclass(frozen=True)
class Article:
    id: str
    text: str
    title: str = ""
    source: str = ""  # the publisher, e.g. "IANS"
    published: str = ""  # ISO 8601 date-time, "" when unknown
    dateline: str = ""  # the place of the dateline, e.g. "New Delhi"
    path: str = ""  # where it was imported from
    original: str = ""  # the file content as read, before parsing
    meta: Mapping[str, Any] = field(default_factory=dict)
    state: ReviewState = "new"
    hash: str = ""
    # When the article took its review state (ISO 8601): its import, or the analyst's last
    # change of state (marked done …). The time of an export's record when no annotation
    # has one. Bookkeeping, not part of what makes two articles equal.
    state_time: str = field(default="", compare=False)
    # spaCy's tokens of ``text``, packed (tui.nlp.tokens), as the workspace keeps them: derived
    # from the text, so not part of what makes two articles equal; None until stored.
    tokens: list[int] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.text, str):
            raise AnnotationError("article text must be a string")
        if self.state not in REVIEW_STATES:
            raise AnnotationError(f"unknown review state {self.state!r}")
        if not self.hash:
            object.__setattr__(self, "hash", content_hash(self.text))

    def to_dict(self) -> dict[str, Any]:
        """The article's fields, without its tokens (the store writes those itself).

        Not ``asdict``: it would copy the ~600 tokens one by one, for nothing."""
        d = {name: getattr(self, name) for name in _ARTICLE_FIELDS}
        d["meta"] = dict(self.meta)
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Article":
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in d.items() if k in known})


_ARTICLE_FIELDS = tuple(name for name in Article.__dataclass_fields__ if name != "tokens")


@dataclass(frozen=True)
class Speaker:
    """Who said a quote: the mention in the text, and the resolved name."""

    start: int | None = None
    end: int | None = None
    text: str = ""
    name: str = ""  # "Carter" -> "Sara Carter"; "" when not resolved

    @property
    def has_mention(self) -> bool:
        return self.start is not None and self.end is not None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any] | None) -> "Speaker | None":
        if not d:
            return None
        return cls(d.get("start"), d.get("end"), d.get("text", "") or "", d.get("name", "") or "")


@dataclass(frozen=True)
class Annotation:
    id: str
    article_id: str
    kind: Kind
    start: int
    end: int
    label: str
    text: str = ""  # text[start:end], kept so a stored annotation can be checked
    speaker: Speaker | None = None  # quotes only
    origin: Origin = "model"
    status: Status = "pending"
    # What the suggestion said before the analyst changed it (label, start, end,
    # speaker); empty for untouched suggestions and manual annotations.
    original: Mapping[str, Any] = field(default_factory=dict)
    annotator: str = ""
    time: str = ""

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)

    def changed(self, annotator: str = "", **changes: Any) -> "Annotation":
        """A copy with ``changes``, remembering what a model suggestion first said."""
        original = dict(self.original)
        if self.origin != "manual" and not original:
            watched = ("label", "start", "end", "speaker")
            if any(k in changes and changes[k] != getattr(self, k) for k in watched):
                original = {
                    "label": self.label, "start": self.start, "end": self.end,
                    "speaker": self.speaker.to_dict() if self.speaker else None,
                }
        return replace(self, original=original, annotator=annotator or self.annotator,
                       time=now_iso(), **changes)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["speaker"] = self.speaker.to_dict() if self.speaker else None
        d["original"] = dict(self.original)
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Annotation":
        if cls is Annotation and type(d) is dict and d.keys() == _ANNOTATION_FIELDS:
            # What ``to_dict`` wrote (every stored annotation): fill the fields directly.
            # A frozen dataclass's __init__ sets each field through object.__setattr__ and
            # does nothing else here (no __post_init__; tests hold that): this is 4x faster,
            # and an export reads 400,000 of them from 10,000 articles.
            kw = dict(d)
            kw["speaker"] = Speaker.from_dict(d["speaker"])
            kw["original"] = dict(d["original"] or {})
            ann = object.__new__(cls)
            ann.__dict__.update(kw)
            return ann
        kw = {k: v for k, v in d.items() if k in _ANNOTATION_FIELDS}
        kw["speaker"] = Speaker.from_dict(d.get("speaker"))
        kw["original"] = dict(d.get("original") or {})
        return cls(**kw)

    @classmethod
    def adopt(cls, d: dict[str, Any]) -> "Annotation":
        """``from_dict`` of a dict that nothing else holds (just parsed from a file): taken
        over as the annotation's fields instead of copied, three times faster again; the
        store reads 1,200,000 of them for ``readtui agree`` over three large workspaces
        (bench/agree.py)."""
        if cls is not Annotation or type(d) is not dict or d.keys() != _ANNOTATION_FIELDS:
            return cls.from_dict(d)
        speaker, original = d["speaker"], d["original"]
        if speaker is not None:
            d["speaker"] = Speaker.from_dict(speaker)
        if type(original) is not dict:
            d["original"] = dict(original or {})
        ann = object.__new__(cls)
        object.__setattr__(ann, "__dict__", d)
        return ann


_ANNOTATION_FIELDS = frozenset(Annotation.__dataclass_fields__)


MAX_LABEL_CHARS = 64


def is_offset(x: Any) -> bool:
    """An offset is an int; ``True`` is an int to Python, never to an offset."""
    return isinstance(x, int) and not isinstance(x, bool)


def brief(x: Any) -> str:
    """A value from a file, short enough for a message: a scalar's repr, else its type."""
    if x is None or isinstance(x, (bool, int, float)):
        return repr(x)
    if isinstance(x, str):
        return repr(x[:40]) + ("…" if len(x) > 40 else "")
    if isinstance(x, (list, dict)):
        return f"a list of {len(x)}" if isinstance(x, list) else f"an object of {len(x)}"
    return f"a {type(x).__name__}"


def label_problem(label: Any) -> str | None:
    """Why ``label`` cannot be a label (one short printable line: it is painted in the
    article's lines and written in every export), or None when it can."""
    if not isinstance(label, str) or not label.strip():
        return "has no label"
    if len(label) > MAX_LABEL_CHARS:
        return f"has a label of {len(label)} characters (at most {MAX_LABEL_CHARS})"
    if not label.isprintable():  # line breaks, tabs, escapes, bidi and zero-width marks
        return f"has a label with a line break or control character ({brief(label)})"
    return None


def check_annotation(ann: Annotation, text: str) -> Annotation:
    """Refuse an annotation whose offsets do not point at its text.

    Returns the annotation with ``text`` filled in from the article when it was
    left empty, so callers can build annotations from offsets alone.
    """
    where = f"annotation {ann.id} on article {ann.article_id}"
    if ann.kind not in KINDS:
        raise AnnotationError(f"{where}: unknown kind {ann.kind!r}")
    if ann.status not in STATUSES:
        raise AnnotationError(f"{where}: unknown status {ann.status!r}")
    if ann.origin not in ORIGINS:
        raise AnnotationError(f"{where}: unknown origin {ann.origin!r}")
    if not ann.label:
        raise AnnotationError(f"{where}: empty label")
    if not (is_offset(ann.start) and is_offset(ann.end)):
        raise AnnotationError(f"{where}: offsets must be integers, got {brief(ann.start)}, {brief(ann.end)}")
    if not 0 <= ann.start < ann.end <= len(text):
        raise AnnotationError(
            f"{where}: span {ann.start}-{ann.end} is outside the text (length {len(text)})")
    actual = text[ann.start:ann.end]
    if ann.text and ann.text != actual:
        raise AnnotationError(
            f"{where}: text[{ann.start}:{ann.end}] is {actual!r}, not {ann.text!r}")
    sp = ann.speaker
    if sp is not None:
        if ann.kind != "quote":
            raise AnnotationError(f"{where}: only quotes have speakers")
        if (sp.start is None) != (sp.end is None):
            raise AnnotationError(f"{where}: the speaker has a start or an end, not both")
        if sp.has_mention:
            if not (is_offset(sp.start) and is_offset(sp.end)):
                raise AnnotationError(
                    f"{where}: speaker offsets must be integers, got {brief(sp.start)}, {brief(sp.end)}")
            if not 0 <= sp.start < sp.end <= len(text):  # type: ignore[operator]
                raise AnnotationError(f"{where}: speaker span {sp.start}-{sp.end} is outside the text")
            said = text[sp.start:sp.end]
            if sp.text and sp.text != said:
                raise AnnotationError(
                    f"{where}: speaker text[{sp.start}:{sp.end}] is {said!r}, not {sp.text!r}")
            if not sp.text:
                sp = replace(sp, text=said)
    if ann.original:
        _check_original(where, ann.original)
    if not ann.text or sp is not ann.speaker:
        ann = replace(ann, text=actual, speaker=sp)
    return ann


def _check_original(where: str, original: Mapping[str, Any]) -> None:
    """What a changed suggestion first said has the shape ``Annotation.changed`` gives it."""
    label, start, end = original.get("label"), original.get("start"), original.get("end")
    speaker = original.get("speaker")
    if not (label is None or isinstance(label, str)) or not all(
            x is None or type(x) is int for x in (start, end)) or not (speaker is None or isinstance(speaker, Mapping)):
        raise AnnotationError(f"{where}: original {dict(original)!r:.80} is not a label, offsets and a speaker")

