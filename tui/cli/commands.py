"""What each ``readtui`` command does, with rich output. The UI is only in ``run_app``."""

from __future__ import annotations

import getpass
import os
import sys
from argparse import Namespace
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Callable, Iterable, Sequence

from rich import box
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from ..formats import ImportProblem, Record, read_paths
from ..model import DEFAULT_LABELS, QUOTE_LABEL, AnnotationError, label_problem
from ..nlp.tokens import with_tokens
from ..spans import one_line
from ..store import SaveFailed, Workspace, WorkspaceCorrupt, WorkspaceError, backup

# No markup, no emoji codes: what they print is text (see ``shown``).
err = Console(stderr=True, highlight=False, markup=False, emoji=False)
out = Console(highlight=False, markup=False, emoji=False)

# Articles written together (one sync each batch): small while the model runs so the
# progress bar moves, larger when only files are written.
BATCH, BATCH_NO_MODEL = 64, 1024


class RateColumn(ProgressColumn):
    """Articles per second, over the whole run so far."""

    def render(self, task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.1f} articles/s" if speed else "– articles/s", style="progress.data.speed")


def progress_bar(console: Console = err) -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                    MofNCompleteColumn(), RateColumn(), TimeElapsedColumn(),
                    TextColumn("eta"), TimeRemainingColumn(), console=console)


def shown(value: object) -> str:
    """``value`` (a message, a path, a label: anything that may hold a file's text) safe
    for one terminal line: control characters (an escape sequence's ESC, a line break)
    made a visible ``�``, as the reader paints a label (tui.spans.one_line). Every line
    and table cell the commands print goes through it."""
    return one_line(str(value))


def _labels(arg: str | None) -> tuple[str, ...]:
    if not arg:
        return DEFAULT_LABELS
    labels = tuple(dict.fromkeys(x.strip().upper() for x in arg.split(",") if x.strip()))
    if not labels:
        raise SystemExit("readtui: --labels needs at least one label")
    for label in labels:
        problem = label_problem(label)
        if problem:  # the reason shows the label as a repr: no control character reaches the terminal
            raise SystemExit(f"readtui: --labels {problem.removeprefix('has ')}")
    return labels


def login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return os.environ.get("USER", "analyst")


def _jobs(requested: int, n: int) -> int:
    if requested > 0:
        return requested
    # Worker processes each load the model (~2 s): worth it for large imports only.
    return min(os.cpu_count() or 1, 4) if n >= 200 else 1


def _open(args: Namespace, *, readonly: bool = False, labels: Sequence[str] | None = None,
          offer_backup: bool = False) -> Workspace:
    try:
        return Workspace.open(args.db, readonly=readonly, labels=labels)
    except WorkspaceCorrupt as exc:
        err.print(shown(f"readtui: {exc}"), style="bold red")
        if exc.backup is None:
            raise SystemExit(1) from None
        db = f" --db {args.db}" if args.db else ""
        if offer_backup and sys.stdin.isatty():
            answer = err.input(shown(f"Restore the last good backup ({exc.backup}) and keep the damaged file "
                                     "beside it? [y/N] "))
            if answer.strip().lower() in ("y", "yes"):
                kept = backup.restore_backup(exc.path)
                err.print(shown(f"restored {exc.path} from its backup; the damaged file is kept as {kept}"))
                return _open(args, readonly=readonly, labels=labels)
        err.print(shown(f"To restore the last good backup: readtui restore-backup{db}"))
        raise SystemExit(1) from None
    except WorkspaceError as exc:
        err.print(shown(f"readtui: {exc}"), style="bold red")
        raise SystemExit(1) from None


def _close(ws: Workspace) -> None:
    ws.close()
    if ws.warning:
        err.print(shown(f"readtui: {ws.warning}"), style="yellow")


def restore_backup(args: Namespace) -> int:
    from ..store import default_path

    path = Path(args.db) if args.db else default_path()
    force = getattr(args, "force", False)
    try:
        healthy = force and backup.opens(path)
        if healthy:
            err.print(shown(f"readtui: {path} is not damaged; restoring its backup loses "
                            f"{backup.restore_losses(path)}"), style="yellow")
        kept = backup.restore_backup(path, force=force)
    except WorkspaceError as exc:
        err.print(shown(f"readtui: {exc}"), style="bold red")
        return 1
    what = "the file it replaced" if healthy else "the damaged file"
    err.print(shown(f"restored {path} from {path}.bak" + (f"; {what} is kept as {kept}" if kept else "")))
    return 0


def _suggester(args: Namespace, labels: Sequence[str], ws: Workspace | None = None):
    """With a workspace: its model (--model overrides), labels, label map and patterns."""
    from ..nlp.suggest import ModelMissing
    from ..service import workspace_suggester

    try:
        return workspace_suggester(ws, labels, getattr(args, "model", None))
    except ModelMissing as exc:
        err.print(shown(f"readtui: {exc}"), style="bold red")
        raise SystemExit(1) from None


# --- import ------------------------------------------------------------------

@dataclass
class ImportReport:
    imported: int = 0
    duplicates: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    stopped: str = ""  # why the import stopped before the end (the disk refused a write)


def _batches(items: Sequence[Record], size: int) -> Iterable[Sequence[Record]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def import_records(ws: Workspace, stream: Iterable[Record | ImportProblem], *, suggester=None,
                   jobs: int = 1, keep_tokens: bool = True, on_start: Callable[[int], None] = lambda n: None,
                   on_progress: Callable[[int], None] = lambda n: None) -> ImportReport:
    """Store new articles (with suggestions when a suggester is given); duplicates once.

    ``keep_tokens``: keep each article's spaCy tokens in its file (tui.nlp.tokens), so an
    export need not tokenize it again; without, the export tokenizes it."""
    report = ImportReport()
    fresh: list[Record] = []
    seen: dict[str, str] = {}  # hash -> id, within this import
    ids: dict[str, str] = {}  # id -> hash, within this import
    for item in stream:
        if isinstance(item, ImportProblem):
            report.problems.append(item)
            continue
        art = item.article
        if ws.find_hash(art.hash) or art.hash in seen:
            report.duplicates += 1
            continue
        if art.id in ws or art.id in ids:
            report.problems.append(ImportProblem(item.where, f"duplicate id {art.id!r}: the workspace "
                                                 "already holds a different text under it"))
            continue
        seen[art.hash] = art.id
        ids[art.id] = art.hash
        fresh.append(item)
    on_start(len(fresh))
    # Records that arrive annotated keep their annotations (an exported article with none
    # included); the rest get suggestions.
    def has(r: Record) -> bool:
        return bool(r.annotations) or r.annotated

    need = [r for r in fresh if not has(r)]
    suggestions = iter(())
    if suggester is not None and need:
        suggestions = suggester.suggest_many((r.article.text for r in need), jobs=jobs)
    for batch in _batches(fresh, BATCH if suggester is not None else BATCH_NO_MODEL):
        store = with_tokens if keep_tokens else (lambda a: a)
        annotated = [(store(r.article), r.annotations) for r in batch if has(r)]
        plain = [(store(r.article), [s.to_annotation(r.article.id) for s in next(suggestions)]
                  if suggester is not None else []) for r in batch if not has(r)]
        try:  # each add stores all its articles or none (SaveFailed)
            ws.add_articles(annotated, suggested=True)
            report.imported += len(annotated)
            ws.add_articles(plain, suggested=suggester is not None)
            report.imported += len(plain)
        except SaveFailed as exc:  # a full disk: what was stored stays; the rest is not imported
            report.stopped = str(exc)
            getattr(suggestions, "close", lambda: None)()  # the model's workers stop too
            break
        on_progress(len(batch))
    return report


def import_paths(args: Namespace, narrow: Callable[[Iterable[Record | ImportProblem]],
                                                  Iterable[Record | ImportProblem]] | None = None) -> int:
    """``narrow``: picks among the records read (``readtui import --sample``, tui/cli/cluster.py)."""
    from ..service import NotSaved, set_label_map

    labels = _labels(args.labels) if args.labels else None
    records: Iterable[Record | ImportProblem] = read_paths(args.paths)
    if narrow is not None:
        records = narrow(records)
    ws = _open(args, labels=labels)
    try:
        if args.label_map:
            try:
                set_label_map(ws, args.label_map)
            except (ValueError, NotSaved) as exc:
                raise SystemExit(f"readtui: --label-map: {exc}") from None
        stream = list(records)
        # Records that arrive annotated (a pre-annotated archive's sample) need no model.
        plain = any(isinstance(r, Record) and not (r.annotations or r.annotated) for r in stream)
        suggester = None if args.no_suggest or not plain else _suggester(args, ws.labels, ws)
        with progress_bar() as bar:
            task = bar.add_task("importing", total=None)
            report = import_records(
                ws, stream, suggester=suggester,
                jobs=_jobs(args.jobs, sum(isinstance(r, Record) for r in stream)),
                on_start=lambda n: bar.update(task, total=n),
                on_progress=lambda n: bar.advance(task, n))
    finally:
        _close(ws)
    print_report(report, ws.path)
    return 1 if report.problems or report.stopped else 0


def print_report(report: ImportReport, path: Path) -> None:
    err.print(Text.assemble("imported ", (str(report.imported), "bold"),
                            f", duplicates {report.duplicates} (already in the workspace, stored once), "
                            f"failed {len(report.problems)} -> {shown(path)}"), soft_wrap=True)
    if report.stopped:
        err.print(shown(f"readtui: import stopped, the rest was not imported: {report.stopped}"), style="bold red",
                  soft_wrap=True)
    for p in report.problems[:200]:
        err.print(shown(f"  failed {p}"), style="red")
    if len(report.problems) > 200:
        err.print(f"  … and {len(report.problems) - 200} more")


# --- suggest -------------------------------------------------------------------

def suggest_paths(args: Namespace) -> int:
    from ..formats import ReaderGone, jsonl_line, write_atomic
    from ..model import check_annotation
    from ..store import default_path

    labels = _labels(args.labels)
    target = _output(args.output, args.db or default_path())
    problems: list[ImportProblem] = []
    records: list[Record] = []
    for item in read_paths(args.paths):
        (problems if isinstance(item, ImportProblem) else records).append(item)
    ws = _open(args, readonly=True) if args.db else None  # its model, labels, label map, patterns
    try:
        suggester = _suggester(args, labels, ws)
    finally:
        if ws is not None:
            _close(ws)
    lines: list[bytes] = []
    with progress_bar() as bar:
        task = bar.add_task("suggesting", total=len(records))
        sugg = suggester.suggest_many((r.article.text for r in records), jobs=_jobs(args.jobs, len(records)))
        for rec, found in zip(records, sugg):
            anns = [check_annotation(s.to_annotation(rec.article.id), rec.article.text) for s in found]
            lines.append(jsonl_line(rec.article, anns))  # the export's lines, byte for byte
            bar.advance(task)
    data = b"".join(lines)
    try:
        write_atomic(target, lambda fh: fh.write(data))
    except ReaderGone as exc:
        return _reader_gone(exc)
    except OSError as exc:
        err.print(shown(f"readtui: suggestions not written: {exc}"), style="bold red")
        return 1
    err.print(shown(f"suggested for {len(records)} articles -> {args.output}; failed {len(problems)}"))
    for p in problems:
        err.print(shown(f"  failed {p}"), style="red")
    return 1 if problems else 0


def _output(output: str | Path, workspace: Path):
    """Where ``-o`` leads (``export.output_target``: never a file of ``workspace`` or of
    any other), or a one-line refusal and exit 1, before anything is written."""
    from ..formats import OutputRefused, output_target

    try:
        return output_target(output, workspaces=[workspace])
    except (OutputRefused, OSError) as exc:
        err.print(shown(f"readtui: {exc}; nothing written"), style="bold red", soft_wrap=True)
        raise SystemExit(1) from None


def _reader_gone(exc: Exception) -> int:
    """The reader of the output (stdout, a FIFO) left early: say so, in one line."""
    if sys.stdout is not None:  # Python's own flush of stdout at exit would fail again, with a traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    err.print(shown(f"readtui: {exc}"), style="bold red", soft_wrap=True)
    return 1


# --- export ----------------------------------------------------------------------

def export_gold(args: Namespace) -> int:
    from contextlib import nullcontext
    from functools import partial

    from ..formats import SUFFIXES, ExportError, ReaderGone, export, gold, write_atomic
    from ..formats.workers import ExportWorkers
    from ..store import prefetch_articles, read_articles, read_through

    output = args.output or f"export{SUFFIXES[args.format]}"
    ws = _open(args, readonly=True)
    try:
        target = _output(output, ws.path)
        ids = ws.ids() if args.all else ws.ids(state="done")
        if not ids:
            # Nothing to write: an existing -o file stays as it is.
            what = "no articles" if args.all else "no article is marked done"
            err.print(shown(f"readtui: {what} in {ws.path}; nothing written ({output} left as it was). "
                            "Mark articles done in the reader (d), or pass --all."), soft_wrap=True)
            return 1
        # Processes pay off where a record is costly (JSONL's ~600 token dicts, a spaCy Doc);
        # a doccano line is so cheap that starting them does not (10k articles: 4.1 s in
        # one, 4.8 s in two, written in place).
        big = len(ids) >= 2000 and args.format != "doccano"
        jobs = args.jobs if args.jobs > 0 else (min(os.cpu_count() or 1, 4) if big else 1)
        # The worker processes start first (forked before the progress bar starts its
        # thread, with spaCy's tokenizer loaded here once for all when the export needs
        # it); then each reads, builds and writes its shares of the articles.
        if jobs > 1:
            read_through(ws)  # the workers, forked, read through this one
        workers = ExportWorkers(ids, partial(read_articles, ws.path), args.format, all=True,
                                suggestions=args.suggestions, jobs=jobs,
                                prefetch=partial(prefetch_articles, ws.path)) if jobs > 1 else None
        with workers or nullcontext(), progress_bar() as bar:
            task = bar.add_task("exporting", total=len(ids))
            advance = lambda: bar.advance(task)  # noqa: E731
            if workers is not None:
                summary = write_atomic(target, lambda fh: workers.write(fh, on_article=advance))
            else:
                items = gold(ws.iter_articles(ids), all=True, suggestions=args.suggestions)
                summary = export(items, target, args.format, on_article=advance)
    except ReaderGone as exc:
        return _reader_gone(exc)
    except ExportError as exc:
        err.print(Text.assemble(("readtui: ", "bold red"), shown(f"export stopped, nothing written: {exc}")))
        return 1
    except (OSError, WorkspaceError) as exc:
        err.print(Text.assemble(("readtui: ", "bold red"), shown(f"export failed, nothing written: {exc}")))
        return 1
    finally:
        ws.close()
    what = "done articles" if not args.all else "articles"
    err.print(shown(f"exported {summary.articles} {what}: {summary.entities} entities, {summary.quotes} quotes "
                    f"({summary.speakers} with a speaker) -> {'stdout' if str(output) == '-' else output} "
                    f"[{args.format}] from {ws.path}"), soft_wrap=True)
    return 0


# --- stats ---------------------------------------------------------------------

def _score(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def evaluation_table(ev, labels: Sequence[str]) -> Table:
    """The pre-annotator against the gold, per label (``tui.nlp.evaluate``)."""
    speaker = any(s.speaker_changed for s in ev.labels.values())
    cols = ["label", "sugg.", "kept", "changed", "rej.", "added"]
    cols += ["spk chg"] if speaker else []
    table = Table(*cols, "P", "R", "F1", title=f"pre-annotator vs gold ({ev.articles} articles marked done)",
                  box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    for c in table.columns[1:]:
        c.justify = "right"

    def row(s, style: str = "") -> None:
        cells = [shown(s.label), str(s.suggested), str(s.unchanged), str(s.changed), str(s.rejected), str(s.added)]
        cells += [str(s.speaker_changed)] if speaker else []
        table.add_row(*cells, _score(s.precision), _score(s.recall), _score(s.f1), style=style)

    for s in ev.ordered(list(labels)):
        row(s)
    if ev.labels:
        table.add_section()
        row(ev.total, "bold")
    return table


def stats(args: Namespace) -> int:
    from ..nlp.evaluate import evaluate

    ws = _open(args, readonly=True)
    try:
        s = ws.stats()
        done = ws.ids(state="done")
        ev = evaluate(ws.iter_articles(done))
    except WorkspaceError as exc:  # an article's file is damaged
        err.print(shown(f"readtui: {exc}"), style="bold red")
        return 1
    finally:
        _close(ws)
    out.print(Text.assemble((shown(ws.path), "bold"), f"  {s['articles']} articles: ",
                            ", ".join(f"{n} {state.replace('_', ' ')}" for state, n in s["by_state"].items())))
    out.print(f"{s['annotations']} annotations, {s['reviewed']} reviewed")
    table = Table("label", "pending", "accepted", "rejected", "total", title="annotations by label and status")
    order = list(ws.labels) + sorted(set(s["by_label"]) - set(ws.labels))
    for label in order:
        c = s["by_label"].get(label)
        if not c:
            continue
        table.add_row(shown(label), *(str(c.get(k, 0)) for k in ("pending", "accepted", "rejected")),
                      str(sum(c.values())))
    out.print(table)
    if ev.articles:
        out.print(evaluation_table(ev, list(ws.labels) + ["QUOTE"]))
        out.print("sugg.: suggestions reviewed (kept + changed + rejected); added: missed by the pre-annotator; "
                  "spk chg: quote kept, speaker changed", style="dim")
        if ev.unreviewed:
            out.print(f"{ev.unreviewed} suggestions in done articles were never reviewed (not counted)")
    else:
        out.print("pre-annotator vs gold: no article is marked done yet")
    return 0


# --- the app -------------------------------------------------------------------

def labels(args: Namespace) -> int:
    """readtui labels [list | add NEW | rename OLD NEW | retire OLD]."""
    from ..service import Session

    wanted = {"list": 0, "add": 1, "rename": 2, "retire": 1}[args.action]
    if len(args.names) != wanted:
        err.print(f"readtui: labels {args.action} takes {wanted or 'no'} label{'s' if wanted != 1 else ''}",
                  markup=False)
        return 2
    names = [x.strip().upper() for x in args.names]
    for name in names[-1:] if args.action in ("add", "rename") else []:
        problem = label_problem(name)
        if problem:
            err.print(shown(f"readtui: the label {problem.removeprefix('has ')}"), style="bold red")
            return 1
    ws = _open(args, readonly=args.action == "list")
    try:
        session = Session(ws)
        if args.action == "add":
            session.add_label(names[0])
        elif args.action == "retire":
            session.retire_label(names[0])
        elif args.action == "rename":
            n = session.rename_label(names[0], names[1])
            err.print(f"renamed {names[0]} to {names[1]} on {n:,} annotations", markup=False)
        counts = session.label_counts()
        for i, label in enumerate(session.labels):
            out.print(Text.assemble((f"{i + 1 if i < 9 else ' '} ", "bold"), f"{shown(label):<12}",
                                    (f"{counts.get(label, 0):>7,}", "dim")))
        for label in sorted(set(counts) - set(session.labels) - {QUOTE_LABEL}):
            out.print(Text.assemble("  ", f"{shown(label):<12}", (f"{counts[label]:>7,}", "dim"), (" retired", "dim")))
    except AnnotationError as exc:
        err.print(shown(f"readtui: {exc}"), style="bold red")
        return 1
    finally:
        _close(ws)
    return 0


def seed_paths() -> list[Path]:
    """The bundled demo articles (package data, so an installed readtui finds them)."""
    root = resources.files("tui.seeds")
    return sorted(Path(str(p)) for p in root.iterdir() if p.name.endswith(".txt"))


def run_app(args: Namespace) -> int:
    from ..settings import SettingsError, load_settings, settings_path

    try:
        settings = load_settings(settings_path(os.environ))
    except SettingsError as exc:
        err.print(shown(f"readtui: {exc}"), style="bold red")
        return 1
    labels = _labels(args.labels) if args.labels else None
    ws = _open(args, labels=labels, offer_backup=True)
    try:
        if len(ws) == 0:
            # First run: open on the bundled seeds; suggestions come from the app's worker.
            # Their tokens are not kept: loading spaCy for them would hold the first screen
            # back ~0.7 s, and an export tokenizes two articles in no time.
            import_records(ws, read_paths(seed_paths()), keep_tokens=False)
        from ..service import Session
        from ..ui.app import make_app

        app = make_app(Session(ws, args.annotator or login_name()), model=args.model, settings=settings)
        app.run()
    finally:
        _close(ws)
    return 0
