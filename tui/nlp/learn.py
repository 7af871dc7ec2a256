"""Fine-tuning the workspace's NER on the articles the analyst marked done.

The start is the base pipeline (en_core_web_sm unless the workspace says otherwise) with
its own labels, never a blank one: each gold entity is trained as the model label the
base model itself gives it, where that label maps onto the gold one (a MISC it calls
EVENT as EVENT, a LOC it calls LOC as LOC: ``model_label``), else as the model label
that maps onto it (``train_labels``: LOC as GPE, PER as PERSON, MISC as NORP …), so the
output layer starts from what the model already knows about that kind of name and the
label map turns it back at suggestion time. A workspace label no model label maps onto
is added as a new one.

The training is spaCy's own: a config generated from the base pipeline's (its
``[training]`` and ``[corpora]`` sections filled in here, written beside the model), the
batches, updates, evaluation and patience of ``spacy.training.loop``. A share of the done
articles is held out for evaluation (early stopping, the before/after figures).

Pure: no UI. The command line runs ``train`` in a separate process (``tui.cli.learn``).
"""

from __future__ import annotations

import json
import random
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from ..model import Annotation, Article
from .labels import CONLL_MAP, map_label, parse_label_map, train_labels  # noqa: F401 (the learning loop's names)


class TrainingRefused(Exception):
    """The done articles cannot train a model (none, one label only …); the message says why."""


# --- the examples ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Gold:
    """A done article as training sees it: its text and accepted entities."""

    id: str
    text: str
    spans: tuple[tuple[int, int, str], ...]


def gold_of(article: Article, anns: Iterable[Annotation]) -> Gold:
    spans = sorted((a.start, a.end, a.label) for a in anns
                   if a.kind == "entity" and a.status == "accepted")
    return Gold(article.id, article.text, tuple(spans))


def held_out(golds: Sequence[Gold], share: float, seed: int = 0) -> tuple[list[Gold], list[Gold]]:
    """(train, evaluation): ``share`` of the articles, at least one, kept aside at random."""
    if len(golds) < 2:
        raise TrainingRefused(f"{len(golds)} article marked done: training needs at least 2 "
                              "(one to learn from, one to check on); mark more articles done (d)")
    order = list(golds)
    random.Random(seed).shuffle(order)
    n = min(max(1, round(len(order) * share)), len(order) - 1)
    return order[n:], order[:n]


def check_labels(golds: Sequence[Gold]) -> None:
    labels = {s[2] for g in golds for s in g.spans}
    if not labels:
        raise TrainingRefused("the articles marked done hold no accepted entity: nothing to learn")
    if len(labels) == 1:
        raise TrainingRefused(f"the articles marked done hold one label only ({next(iter(labels))}): "
                              "the model would learn to call every name that; review more articles")


def _lines(text: str) -> Iterable[tuple[int, int]]:
    """Paragraph pieces (start, end): the examples the model trains on, so that a batch
    mixes many articles and an update sees whole sentences."""
    start = 0
    for i, ch in enumerate(text):
        if ch == "\n":
            if text[start:i].strip():
                yield start, i
            start = i + 1
    if text[start:].strip():
        yield start, len(text)


def model_label(span: tuple[int, int, str], base: Iterable[tuple[int, int, str]],
                label_map: Mapping[str, str], as_model: Mapping[str, str]) -> str:
    """The model label a gold span is trained as: the base model's own label where it
    found the span (or one overlapping it) with a label the map sends to the gold one
    (MISC it calls EVENT stays EVENT, LOC it calls LOC stays LOC), so fine-tuning keeps
    the distinctions it has; else the default of ``train_labels``."""
    s, e, label = span
    best, overlap = as_model.get(label, label), 0
    for bs, be, blabel in base:
        shared = min(e, be) - max(s, bs)
        if shared > 0 and label_map.get(blabel) == label and (bs, be) == (s, e):
            return blabel
        if shared > overlap and label_map.get(blabel) == label:
            best, overlap = blabel, shared
    return best


def in_model_labels(gold: Gold, base: Sequence[tuple[int, int, str]], label_map: Mapping[str, str],
                    as_model: Mapping[str, str]) -> Gold:
    """``gold`` with its spans under model labels (``model_label``). Keeping the base model's
    DATE, MONEY … (kinds the scheme leaves out) in the training docs as well scored worse
    (bench/learning_variants.py: 0.799 F1 against 0.813)."""
    spans = [(s, e, model_label((s, e, label), base, label_map, as_model)) for s, e, label in gold.spans]
    return Gold(gold.id, gold.text, tuple(spans))


def base_entities(nlp, golds: Sequence[Gold]) -> list[list[tuple[int, int, str]]]:
    """The base model's entities on each gold article, in its own labels."""
    with nlp.select_pipes(enable=["ner"]):
        return [[(e.start_char, e.end_char, e.label_) for e in doc.ents]
                for doc in nlp.pipe((g.text for g in golds), batch_size=32)]


def to_docs(nlp, golds: Iterable[Gold], as_model: Mapping[str, str], *, split: bool = True) -> list:
    """spaCy Docs with the gold entities under their training labels (every other token
    outside an entity)."""
    docs = []
    for g in golds:
        pieces = list(_lines(g.text)) if split else [(0, len(g.text))]
        for ps, pe in pieces:
            doc = nlp.make_doc(g.text[ps:pe])
            ents = []
            for s, e, label in g.spans:
                if s < ps or e > pe:
                    continue
                span = doc.char_span(s - ps, e - ps, label=as_model.get(label, label), alignment_mode="expand")
                if span is not None and not any(span.start < o.end and o.start < span.end for o in ents):
                    ents.append(span)
            doc.set_ents(ents, default="outside")
            docs.append(doc)
    return docs


# --- scoring ---------------------------------------------------------------------------------

@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def p(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def r(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        return 2 * self.p * self.r / (self.p + self.r) if self.p + self.r else 0.0


@dataclass
class Scores:
    """Exact-match entity scores, per label and overall; ``corrections`` per article is
    what the analyst fixes: false suggestions plus missed entities."""

    labels: dict[str, Score] = field(default_factory=dict)
    total: Score = field(default_factory=Score)
    articles: int = 0

    @property
    def corrections(self) -> float:
        return (self.total.fp + self.total.fn) / self.articles if self.articles else 0.0

    def add(self, predicted: Iterable[tuple[int, int, str]], gold: Iterable[tuple[int, int, str]]) -> None:
        p, g = set(predicted), set(gold)
        self.articles += 1
        for kind, items in (("tp", p & g), ("fp", p - g), ("fn", g - p)):
            for *_, label in items:
                s = self.labels.setdefault(label, Score())
                setattr(s, kind, getattr(s, kind) + 1)
                setattr(self.total, kind, getattr(self.total, kind) + 1)


def score(predict: Callable[[Sequence[str]], Iterable[Sequence[tuple[int, int, str]]]],
          golds: Sequence[Gold]) -> Scores:
    out = Scores()
    for g, found in zip(golds, predict([g.text for g in golds])):
        out.add(found, g.spans)
    return out


def entity_predictor(nlp, label_map: Mapping[str, str] | None, patterns=None, *, one_reading: bool = False):
    """texts -> the entities a suggester would show: the NER's, mapped, made consistent
    within each article when ``one_reading`` (as the suggester does with a fine-tuned
    model: tui.nlp.consistency), then the learned patterns."""
    from .consistency import consistent

    def predict(texts: Sequence[str]):
        for doc in nlp.pipe(texts, batch_size=32):
            found = [(e.start_char, e.end_char, lab) for e in doc.ents
                     if e.text.strip() and (lab := map_label(e.label_, label_map))]
            if one_reading:
                found = consistent(doc, found, map_label("PERSON", label_map), map_label("ORG", label_map))
            yield [f[:3] for f in patterns.apply(doc, nlp.make_doc, found)] if patterns is not None else found
    return predict


# --- training ---------------------------------------------------------------------------------

@dataclass
class TrainSettings:
    """bench/learning_variants.py, 200 CoNLL articles, scored on train articles 600-945: these
    0.813 F1 (8.38 corrections per article); each span as one label per scheme label
    (base_labels off) 0.811; line by line 0.799; learn_rate 0.002 0.807; dropout 0.1 0.808;
    batch_words 500 0.809; the learning rate falling linearly to nothing 0.808; a fresh NER
    head 0.710; dropout 0.3 0.809; once the step count is chosen, going on from the chosen
    model over every done article 0.810, or training again from the base on every done
    article for as many epochs 0.810 (and twice the time); held_out 0.05 0.813; spaCy's
    lower-case augmenter on 10% of the articles 0.806, an upper-case one 0.811; patience 800
    0.813 (the same best step, 1050) (each within
    the same time budget, on a loaded machine)."""

    max_minutes: float = 5.0
    held_out: float = 0.1  # share of the done articles kept aside for evaluation
    max_steps: int = 2000
    patience: int = 400  # steps without a better held-out score
    eval_frequency: int = 50
    dropout: float = 0.2
    learn_rate: float = 0.001
    batch_words: int = 1000
    seed: int = 0
    base_labels: bool = True  # each gold span as the label the base model gives it, where that maps back
    eval_in_scheme: bool = True  # early stopping on the held-out F1 in the workspace's labels
    whole_articles: bool = True  # train on whole articles, as they are suggested on (line by line: worse, bench)
    fresh_ner: bool = False  # for comparison (bench): a new NER head instead of the base model's


@dataclass
class Trained:
    path: Path
    before: Scores
    after: Scores
    steps: int
    seconds: float
    train_articles: int
    held_out: int
    stopped: str  # why training stopped: "patience", "steps", "time"


def in_scheme(nlp, golds: Sequence[Gold], label_map: Mapping[str, str]) -> Callable[[], tuple[float, dict]]:
    """spaCy's evaluation callback, scoring as the analyst sees it: the entities in the
    workspace's labels (NORP and EVENT both MISC), not the model's."""
    def evaluate() -> tuple[float, dict]:
        f1 = score(entity_predictor(nlp, label_map), golds).total.f1
        return f1, {"ents_f": f1}
    return evaluate


def training_config(base_config, train_path: Path, dev_path: Path, s: TrainSettings) -> Any:
    """The base pipeline's config with spaCy training sections for these corpora."""
    from thinc.api import Config

    cfg = Config(base_config).copy()
    cfg["paths"] = {"train": str(train_path), "dev": str(dev_path), "vectors": None, "init_tok2vec": None}
    cfg["corpora"] = {
        "train": {"@readers": "spacy.Corpus.v1", "path": "${paths.train}", "max_length": 0,
                  "gold_preproc": False, "limit": 0, "augmenter": None},
        "dev": {"@readers": "spacy.Corpus.v1", "path": "${paths.dev}", "max_length": 0,
                "gold_preproc": False, "limit": 0, "augmenter": None},
    }
    t = cfg["training"]
    t.update({
        "train_corpus": "corpora.train", "dev_corpus": "corpora.dev", "seed": s.seed,
        "dropout": s.dropout, "patience": s.patience, "max_steps": s.max_steps, "max_epochs": 0,
        "eval_frequency": s.eval_frequency, "accumulate_gradient": 1,
        "frozen_components": [n for n in cfg["nlp"]["pipeline"] if n != "ner"],
        "annotating_components": [], "before_to_disk": None, "before_update": None,
        "score_weights": {"ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0, "ents_per_type": None},
    })
    t["optimizer"] = {"@optimizers": "Adam.v1", "beta1": 0.9, "beta2": 0.999, "L2_is_weight_decay": True,
                      "L2": 0.01, "grad_clip": 1.0, "use_averages": True, "eps": 1e-8,
                      "learn_rate": s.learn_rate}
    t["batcher"] = {"@batchers": "spacy.batch_by_words.v1", "discard_oversize": False, "tolerance": 0.2,
                    "get_length": None, "size": s.batch_words}
    t["logger"] = {"@loggers": "spacy.ConsoleLogger.v1", "progress_bar": False}
    return cfg


def train(base: str | None, golds: Sequence[Gold], labels: Sequence[str], label_map: Mapping[str, str],
          out: Path, settings: TrainSettings | None = None, *,
          on_step: Callable[[int, int, float | None], None] = lambda step, total, f: None,
          patterns=None, current: str | None = None, learned=None) -> Trained:
    """Fine-tune ``base``'s NER on ``golds``; the pipeline saved at ``out`` (which must not exist).
    ``current``: the model the workspace suggests with now, for the "before" figures
    (default: the base). ``learned``: the workspace's patterns; those about texts in the done
    articles are written beside the model (``TAUGHT``) so that they defer to it.

    ``on_step(step, max_steps, held-out F1 or None)`` after every update. Raises
    TrainingRefused before anything is written when the articles cannot train a model.
    """
    from spacy.tokens import DocBin
    from spacy.training.loop import create_evaluation_callback, create_train_batches, train_while_improving
    from spacy.util import fix_random_seed, registry, resolve_dot_names
    from spacy.schemas import ConfigSchemaTraining

    from .consistency import trained_here
    from .suggest import load_pipeline

    s = settings or TrainSettings()
    check_labels(golds)
    train_golds, dev_golds = held_out(golds, s.held_out, s.seed)
    started = time.monotonic()
    fix_random_seed(s.seed)
    nlp = load_pipeline(base)
    if "ner" not in nlp.pipe_names:
        raise TrainingRefused(f"the base pipeline {base or 'en_core_web_sm'} has no NER to fine-tune")
    now = load_pipeline(current) if current else nlp
    with now.select_pipes(enable=["ner"]):
        before = score(entity_predictor(now, label_map, patterns, one_reading=trained_here(now)), dev_golds)
    del now
    as_model = train_labels(label_map, labels)
    ner = nlp.get_pipe("ner")
    if s.fresh_ner:
        nlp.remove_pipe("ner")
        ner = nlp.add_pipe("ner")
    if s.base_labels:
        golds = [in_model_labels(g, b, label_map, as_model)
                 for g, b in zip(golds, base_entities(nlp, golds))]
        train_golds, dev_golds_model = held_out(golds, s.held_out, s.seed)
        as_model = {}
    else:
        dev_golds_model = dev_golds
    for label in sorted({as_model.get(sp[2], sp[2]) for g in golds for sp in g.spans}):
        if label not in ner.labels:
            ner.add_label(label)

    work = out.with_name(out.name + ".training")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        train_docs = to_docs(nlp, train_golds, as_model, split=not s.whole_articles)
        DocBin(docs=train_docs).to_disk(work / "train.spacy")
        if s.fresh_ner:
            from spacy.training import Example

            ner.initialize(lambda: [Example(nlp.make_doc(d.text), d) for d in train_docs], nlp=nlp)
        DocBin(docs=to_docs(nlp, dev_golds_model, as_model, split=False)).to_disk(work / "dev.spacy")
        cfg = training_config(nlp.config, work / "train.spacy", work / "dev.spacy", s)
        cfg.to_disk(work / "config.cfg")
        nlp._config = cfg  # the pipeline carries the config it was trained with
        config = cfg.interpolate()
        T = registry.resolve(config["training"], schema=ConfigSchemaTraining)
        train_corpus, dev_corpus = resolve_dot_names(config, [T["train_corpus"], T["dev_corpus"]])
        optimizer = T["optimizer"]
        frozen = T["frozen_components"]
        # Only the NER runs while training and evaluating: the frozen parts of the
        # pipeline are not needed to score entities.
        with nlp.select_pipes(enable=["ner"]):
            steps = train_while_improving(
                nlp, optimizer, create_train_batches(nlp, train_corpus, T["batcher"], T["max_epochs"]),
                (in_scheme(nlp, dev_golds, label_map) if s.eval_in_scheme
                 else create_evaluation_callback(nlp, dev_corpus, T["score_weights"])),
                dropout=T["dropout"], accumulate_gradient=1, patience=T["patience"],
                max_steps=T["max_steps"], eval_frequency=T["eval_frequency"], exclude=frozen,
                annotating_components=[], before_update=None)
            best, step, stopped = None, 0, "patience"
            budget = s.max_minutes * 60
            for _batch, info, is_best in steps:
                step = info["step"]
                if is_best:
                    with nlp.use_params(optimizer.averages):
                        best = ner.to_bytes(exclude=["vocab"])
                on_step(step, s.max_steps, info["score"])
                if time.monotonic() - started > budget:
                    stopped = "time"
                    break
            else:
                if step >= s.max_steps:
                    stopped = "steps"
        if best is not None:
            ner.from_bytes(best, exclude=["vocab"])
        with nlp.select_pipes(enable=["ner"]):
            after = score(entity_predictor(nlp, label_map, patterns, one_reading=True), dev_golds)
        nlp.meta["name"] = f"{nlp.meta.get('name', 'model')}_readtui"
        nlp.meta["readtui"] = {"base": base or "", "articles": len(train_golds), "held_out": len(dev_golds),
                               "f1_before": round(before.total.f1, 4), "f1_after": round(after.total.f1, 4),
                               "steps": step}
        nlp.to_disk(work / "model")
        (work / "model" / "config.train.cfg").write_text((work / "config.cfg").read_text())
        (work / "model" / TAUGHT).write_text("".join(
            json.dumps({"pattern": text, "decisions": n}, ensure_ascii=False) + "\n"
            for text, n in taught(golds, learned or ()).items()), encoding="utf-8")
        (work / "model").rename(out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return Trained(out, before, after, step, time.monotonic() - started, len(train_golds),
                   len(dev_golds), stopped)


# --- patterns that defer to the model they taught --------------------------------------------

TAUGHT = "taught.jsonl"  # in a trained model's folder: the patterns that defer to it


def taught(golds: Iterable[Gold], patterns) -> dict[str, int]:
    """text -> decisions, for each pattern whose text occurs in the done articles ``golds``:
    the model saw every decision about that text there, in its context, which a pattern
    cannot weigh (a name rejected as part of a longer one is still a name elsewhere), so
    for these the model decides (``untaught``). bench/learning.py, N=200, CoNLL dev: with
    only the names holding the same label in the training articles deferring, the
    remaining patterns cost 0.009 F1 against the model alone; deferring these, nothing."""
    done = "\n\n".join(g.text for g in golds)
    return {p.text: p.decisions for p in patterns if p.text in done}


def untaught(patterns, model: str | Path | None):
    """The patterns the model at ``model`` was not trained on, or that were decided again since
    (all of them for the base model): the others defer to the model."""
    from .patterns import Patterns

    if patterns is None or model is None:
        return patterns
    try:
        lines = (Path(model) / TAUGHT).read_text(encoding="utf-8").splitlines()
        known = {d["pattern"]: d["decisions"] for d in map(json.loads, lines)}
    except (OSError, ValueError, KeyError, TypeError):
        return patterns
    return Patterns(p for p in patterns if p.decisions > known.get(p.text, 0))


# --- the workspace's models -------------------------------------------------------------------

class Shelf:
    """A workspace's trained models: ``models/v1``, ``v2`` …, and ``models/current``
    naming the one in use. The pointer is a file of its own, so ``readtui train`` can
    switch models while the reader holds the workspace open."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    @property
    def pointer(self) -> Path:
        return self.folder / "current"

    def versions(self) -> list[int]:
        if not self.folder.is_dir():
            return []
        return sorted(int(p.name[1:]) for p in self.folder.iterdir()
                      if p.name[:1] == "v" and p.name[1:].isdigit())

    def current(self) -> str | None:
        """The version in use ("v3"), None for the base model."""
        try:
            name = self.pointer.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            return None
        return name if name[:1] == "v" and name[1:].isdigit() else None

    def current_path(self) -> Path | None:
        name = self.current()
        return self.folder / name if name else None

    def next_path(self) -> Path:
        return self.folder / f"v{max(self.versions(), default=0) + 1}"

    def use(self, path: Path) -> None:
        """Make ``path`` (a folder on the shelf) the current model, in one rename. What the
        untouched articles' suggestions came from is written down first, if it is not yet:
        a reader opened later sees the switch and refreshes them (``suggested``)."""
        if self.suggested() is None:
            self.mark_suggested(self.current())
        self._write("current", path.name)

    @property
    def _suggested(self) -> Path:
        return self.folder / "suggested"

    def suggested(self) -> str | None:
        """The model the untouched articles' pending suggestions came from: "v3", "base",
        or None when nothing is written down (no model was ever switched)."""
        try:
            name = self._suggested.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            return None
        return name if name == "base" or name[:1] == "v" and name[1:].isdigit() else None

    def mark_suggested(self, version: str | None) -> None:
        """The untouched articles now hold ``version``'s suggestions (None: the base model's)."""
        self._write("suggested", version or "base")

    def _write(self, name: str, value: str) -> None:
        import os

        tmp = self.folder / f"{name}.tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(value + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.folder / name)


def model_problem(path: Path) -> str:
    """Why the saved pipeline at ``path`` cannot be loaded ("" when it can)."""
    from .suggest import ModelMissing, load_pipeline

    if not path.is_dir():
        return f"its folder {path} is missing"
    try:
        load_pipeline(str(path))
    except ModelMissing as exc:
        return f"it is damaged ({str(exc)[:160]})"
    return ""
