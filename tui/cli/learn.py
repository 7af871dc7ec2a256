"""The commands of the learning loop (issue 16): ``readtui labels``, ``train``, ``patterns``,
and the workspace's model for ``import`` and ``suggest``. Rich output, like tui.commands.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import queue
from argparse import Namespace
from pathlib import Path
from typing import Any

from rich import box
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from ..nlp.learn import Shelf, TrainingRefused, TrainSettings, gold_of, model_problem
from ..nlp.patterns import Patterns, pattern_problem
from ..service import NotSaved, read_patterns, set_label_map, workspace_model
from ..store import Workspace, WorkspaceError, write_atomic
from . import commands
from .commands import _close, _open, err, out, shown


def say(message: str, style: str = "bold red") -> None:
    err.print(shown(message), style=style, soft_wrap=True)


# --- readtui labels --------------------------------------------------------------------------

def labels_command(args: Namespace) -> int:
    """``readtui labels map MODEL=LABEL,…``; the other actions are tui.cli.commands.labels,
    and ``list`` also shows the label map and the model in use."""
    if args.action != "map":
        code = commands.labels(args)
        if code == 0 and args.action == "list":
            ws = _open(args, readonly=True)
            try:
                out.print(shown(f"label map: {_show(ws.setting('label_map') or {}) or 'none (the model labels as they are)'}"))
                out.print(shown(f"model: {workspace_model(ws) or 'the base model'}"))
            finally:
                _close(ws)
        return code
    if len(args.names) != 1:
        say("readtui: labels map takes one MODEL=LABEL,… (e.g. PERSON=PER,GPE=LOC, or conll)")
        return 2
    ws = _open(args)
    try:
        mapping = set_label_map(ws, args.names[0])
    except (ValueError, NotSaved) as exc:
        say(f"readtui: labels map: {exc}")
        return 1
    finally:
        _close(ws)
    err.print(shown(f"label map: {_show(mapping)} -> {ws.path}"), soft_wrap=True)
    return 0


def _show(mapping: dict) -> str:
    return ",".join(f"{k}={v}" for k, v in mapping.items())


# --- readtui train ---------------------------------------------------------------------------

def _train_in_child(channel, base, golds, labels, label_map, current, target, settings) -> None:
    """The training process: reports ("step", n, total, f1), then ("done", Trained) or ("failed", msg)."""
    from ..nlp import learn

    try:
        trained = learn.train(base, golds, labels, label_map, Path(target), settings, current=current,
                              on_step=lambda n, total, f1: channel.put(("step", n, total, f1)))
        channel.put(("done", trained))
    except TrainingRefused as exc:
        channel.put(("failed", str(exc)))
    except OSError as exc:
        channel.put(("failed", f"the model could not be written ({exc.strerror or exc})"))
    except Exception as exc:  # spaCy's own errors: one line, never a traceback
        channel.put(("failed", f"training failed ({type(exc).__name__}: {str(exc)[:300]})"))


def train_command(args: Namespace) -> int:
    ws = _open(args, readonly=True)  # the reader may hold the workspace open meanwhile
    try:
        done = ws.ids(state="done")
        golds = [gold_of(a, anns) for a, anns in ws.iter_articles(done)]
        labels, label_map = ws.labels, dict(ws.setting("label_map") or {})
        shelf = Shelf(ws.learned_path("models"))
    finally:
        _close(ws)
    kept = "the workspace keeps its current model"
    if not golds:
        say(f"readtui: no article is marked done in {ws.path}: nothing to train on; {kept}. "
            "Review articles and mark them done (d) first.")
        return 1
    current = shelf.current_path()
    if current is not None and not args.from_base:
        problem = model_problem(current)
        if problem:
            say(f"readtui: the workspace's model {current.name} cannot be used: {problem}. Nothing trained; "
                f"the workspace still points to it. Put the folder back, or run `readtui train --from-base`.")
            return 1
    settings = TrainSettings(max_minutes=args.max_minutes)
    if args.max_steps:
        settings.max_steps = args.max_steps
        settings.eval_frequency = max(1, min(settings.eval_frequency, args.max_steps // 4 or 1))
    try:
        shelf.folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        say(f"readtui: cannot make {shelf.folder} ({exc.strerror or exc}); {kept}")
        return 1
    target = shelf.next_path()
    ctx = mp.get_context("spawn")  # a process of its own: the reader stays responsive
    channel = ctx.Queue()
    child = ctx.Process(target=_train_in_child, daemon=True,
                        args=(channel, args.model, golds, labels, label_map,
                              None if args.from_base or current is None else str(current), str(target), settings))
    child.start()
    result: Any = None
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("steps"), TimeElapsedColumn(), console=err) as bar:
        task = bar.add_task(f"training {target.name} on {len(golds)} done articles", total=settings.max_steps)
        while result is None:
            try:
                msg = channel.get(timeout=0.5)
            except queue.Empty:
                if not child.is_alive():
                    result = ("failed", f"the training process stopped (exit code {child.exitcode})")
                continue
            if msg[0] == "step":
                _, n, total, f1 = msg
                bar.update(task, completed=n, total=total,
                           description=f"training {target.name}" + (f" · held-out F1 {f1:.3f}" if f1 is not None else ""))
            else:
                result = msg
    child.join(timeout=30)
    if result[0] == "failed":
        say(f"readtui: {result[1]}; {kept}.")
        return 1
    trained = result[1]
    try:
        shelf.use(Path(trained.path))
    except OSError as exc:
        say(f"readtui: the new model {target.name} is saved but could not be made current "
            f"({exc.strerror or exc}); {kept}.")
        return 1
    out.print(scores_table(trained))
    out.print(shown(f"{trained.path.name}: trained on {trained.train_articles} articles, checked on "
                   f"{trained.held_out} held out; {trained.steps} steps in {trained.seconds:.0f} s "
                   f"(stopped: {trained.stopped}). The workspace now suggests with {trained.path}"), soft_wrap=True)
    return 0


def _f(x: float) -> str:
    return f"{x:.3f}"


def scores_table(trained) -> Table:
    t = Table("label", "P before", "R before", "F1 before", "P after", "R after", "F1 after",
              title=f"held-out articles ({trained.held_out}): entities, exact match", box=box.SIMPLE_HEAD)
    for label in sorted(set(trained.before.labels) | set(trained.after.labels)):
        b, a = trained.before.labels.get(label), trained.after.labels.get(label)
        t.add_row(shown(label), *(_f(getattr(x, k)) if x else "–" for x in (b, a) for k in ("p", "r", "f1")))
    b, a = trained.before.total, trained.after.total
    t.add_section()
    t.add_row("all", _f(b.p), _f(b.r), _f(b.f1), _f(a.p), _f(a.r), _f(a.f1), style="bold")
    return t


# --- readtui patterns ------------------------------------------------------------------------

def patterns_command(args: Namespace) -> int:
    if args.action == "import":
        return _import_patterns(args)
    ws = _open(args, readonly=True)
    try:
        patterns = read_patterns(ws)
    finally:
        _close(ws)
    if args.action == "export":
        data = patterns.to_jsonl()
        if args.file in (None, "-"):
            out.file.write(data)
        else:
            write_atomic(Path(args.file), data)
            err.print(shown(f"exported {len(patterns)} patterns -> {args.file}"))
        return 0
    for p in patterns:
        out.print(shown(f"{p.label or '(not an entity)'}  {p.text}  learned from {p.decisions} decisions"))
    if not len(patterns):
        out.print("no learned patterns yet: accept, relabel, reject or add entities in the reader")
    return 0


def _import_patterns(args: Namespace) -> int:
    if not args.file:
        raise SystemExit("readtui: patterns import needs a patterns.jsonl file")
    try:
        lines = Path(args.file).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        say(f"readtui: cannot read {args.file!r} ({getattr(exc, 'strerror', None) or exc})")
        return 1
    records, problems = [], []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
        except ValueError:
            problems.append(f"line {n}: not JSON")
            continue
        problem = pattern_problem(d)
        if problem:
            problems.append(f"line {n}: {problem}")
        else:
            records.append(d)
    ws = _open(args)
    try:
        unknown = sorted({d["label"] for d in records if d.get("label") and d["label"] not in ws.labels})
        if unknown:
            problems.append(f"labels not in the workspace, skipped: {', '.join(map(repr, unknown))}")
            records = [d for d in records if not d.get("label") or d["label"] in ws.labels]
        patterns = read_patterns(ws)
        for p in Patterns.from_records(records):
            patterns.put(p.text, p)
        write_atomic(ws.learned_path("patterns.jsonl"), patterns.to_jsonl())
    except (OSError, WorkspaceError) as exc:
        say(f"readtui: the patterns were not saved ({exc})")
        return 1
    finally:
        _close(ws)
    err.print(shown(f"imported {len(records)} patterns -> {ws.path}; skipped {len(problems)}"))
    for p in problems[:50]:
        say(f"  {p}", style="red")
    return 1 if problems else 0


# --- the effort meter (after `readtui stats`) ---------------------------------------------------

def read_effort(ws: Workspace) -> list[dict]:
    """effort.jsonl's records (one per article marked done in the reader), in order."""
    try:
        lines = ws.learned_path("effort.jsonl").read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    out = []
    for line in lines:
        try:
            d = json.loads(line)
        except ValueError:
            continue  # a torn last line
        if isinstance(d, dict) and all(isinstance(d.get(k), (int, float)) and not isinstance(d.get(k), bool)
                                       for k in ("seconds", "actions", "corrections")):
            out.append(d)
    return out


def effort_command(args: Namespace) -> int:
    ws = _open(args, readonly=True)
    try:
        records = read_effort(ws)
    finally:
        _close(ws)
    if not records:
        out.print("effort: no article marked done in the reader yet (corrections and time are counted there)")
        return 0
    t = Table("model", "articles", "corrections/article", "actions/article", "minutes/article",
              title="effort per article marked done, by the model that suggested", box=box.SIMPLE_HEAD)
    by_model: dict[str, list[dict]] = {}
    for r in records:
        by_model.setdefault(str(r.get("model") or "base"), []).append(r)
    for model, rs in by_model.items():
        n = len(rs)
        t.add_row(shown(model), str(n), f"{sum(r['corrections'] for r in rs) / n:.1f}",
                  f"{sum(r['actions'] for r in rs) / n:.1f}", f"{sum(r['seconds'] for r in rs) / n / 60:.1f}")
    out.print(t)
    if len(records) > 1:
        out.print(Text(effort_plot(records, width=min(out.width, 100))))
    return 0


def effort_plot(records: list[dict], width: int = 80, height: int = 12) -> str:
    """Corrections per article in the order they were marked done (plotext, plain text)."""
    import plotext as plt

    plt.clear_figure()
    plt.plotsize(width, height)
    plt.theme("clear")
    plt.plot(list(range(1, len(records) + 1)), [r["corrections"] for r in records], marker="braille")
    plt.title("corrections per article, in the order marked done")
    plt.xlabel("article")
    return plt.uncolorize(plt.build())  # plain text: the terminal styles it, if at all


def stats_command(args) -> int:
    """readtui stats: the workspace's figures, then the effort meter's."""
    from .commands import stats

    return stats(args) or effort_command(args)
