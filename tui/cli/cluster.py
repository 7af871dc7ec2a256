"""``readtui suggest --cluster`` and the sampling options of ``readtui import``, with rich output."""

from __future__ import annotations

from argparse import Namespace
from pathlib import Path
from typing import Iterable

from rich.text import Text

from ..cluster.sample import SampleError, parse_where, pick
from ..formats.common import ImportProblem, Record
from .commands import _labels, err, import_paths, progress_bar

SHOWN_PROBLEMS = 200


def suggest_cluster(args: Namespace) -> int:
    from ..cluster.run import ClusterMissing, WorkersFailed, need_dask, run

    outdir = Path(args.output)
    if str(args.output) == "-" or (outdir.exists() and not outdir.is_dir()):
        err.print(f"readtui: with --cluster, -o is a folder for the part files; {args.output} is not one",
                  markup=False, highlight=False)
        return 2
    try:
        need_dask()
    except ClusterMissing as exc:
        err.print(f"readtui: {exc}", markup=False, highlight=False)
        return 1
    shown = 0

    def problem(reason: str) -> None:
        nonlocal shown
        shown += 1
        if shown <= SHOWN_PROBLEMS:
            bar.console.print(Text(f"  failed {reason}", style="red"))

    where = args.cluster or "a local cluster"
    failure = None
    with progress_bar() as bar:
        task = bar.add_task(f"suggesting on {where}", total=None)
        try:
            manifest = run(args.paths, outdir, address=args.cluster or None, workers=args.jobs,
                           model=args.model, labels=_labels(args.labels), partition=max(1, args.partition),
                           on_written=lambda n: bar.advance(task, n), on_problem=problem)
        except (OSError, WorkersFailed) as exc:  # no scheduler at the address, no model, a full disk
            failure = exc
    if failure is not None:
        err.print(Text(f"readtui: {failure}", style="bold red"))
        return 1
    if shown > SHOWN_PROBLEMS:
        err.print(f"  … and {shown - SHOWN_PROBLEMS} more (listed in {outdir / 'manifest.json'})", markup=False)
    err.print(Text(f"suggested for {manifest.written} articles on {manifest.workers} worker{'s' * (manifest.workers != 1)} "
                   f"({manifest.articles_per_second:,.1f} articles/s) -> {outdir}: {manifest.articles} articles "
                   f"in {manifest.parts} parts; already there {manifest.already_done}, "
                   f"duplicates {manifest.duplicates}, failed {manifest.failed}"), soft_wrap=True)
    return 1 if manifest.failed else 0


def import_sample(args: Namespace) -> int:
    """``readtui import`` narrowed by --where and --sample."""
    try:
        if args.sample is not None and args.sample < 0:
            raise SampleError(f"--sample {args.sample}: give the number of articles to import")
        where = parse_where(args.where)
    except SampleError as exc:
        err.print(f"readtui: {exc}", markup=False, highlight=False)
        return 2

    def chosen(records: Iterable[Record | ImportProblem]) -> Iterable[Record | ImportProblem]:
        return pick(records, sample=args.sample, seed=args.seed, where=where)

    return import_paths(args, narrow=chosen)
