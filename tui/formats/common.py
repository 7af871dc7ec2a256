"""What every format shares: the record an import reads, the problems it reports, the
selection an export writes (``gold``), its errors and its summary."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from ..model import (
    Annotation,
    Article,
    brief,
    is_offset,
)

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


def _answer_time(stamp: Any) -> str:
    """A Prodigy task's ``_timestamp`` (Unix seconds: when it was answered) as ISO 8601, or ""."""
    if not isinstance(stamp, (int, float)) or isinstance(stamp, bool):
        return ""
    try:
        return datetime.fromtimestamp(stamp, timezone.utc).isoformat(timespec="seconds")
    except (OverflowError, OSError, ValueError):  # out of range, NaN
        return ""


Item = tuple[Article, Sequence[Annotation]]


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


SPEAKER_LABEL = "SPEAKER"  # the relation label, and the label of speaker-only spans


def _text_order(a: Annotation) -> tuple[int, int, str, str]:
    return (a.start, -a.end, a.kind, a.id)


# Kept in an article's meta for readtui's own use, never exported as meta: a gold
# article's versions (tui/team/adjudication.py), which JSONL writes as "versions".
INTERNAL_META = frozenset({"adjudication"})


def article_meta(article: Article) -> dict[str, Any]:
    meta = {k: v for k, v in article.meta.items() if k not in INTERNAL_META}
    meta.update(id=article.id, title=article.title, source=article.source,
                published=article.published, dateline=article.dateline, path=article.path,
                state=article.state)
    return meta
