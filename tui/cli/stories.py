"""``readtui stories``, ``compare``, ``quotes`` and ``entities``: JSON for programs, tables
for people. Article text reaches the terminal only as rich ``Text`` (never markup)."""

from __future__ import annotations

import sys
from argparse import Namespace
from pathlib import Path

import orjson
from rich import box
from rich.table import Table
from rich.text import Text

from ..store import SaveFailed
from ..stories import workspace as service
from .commands import _close, _open, err, out, shown


def _plain(s: str, width: int = 0) -> Text:
    s = shown(s)
    if width and len(s) > width:
        s = s[:width - 1] + "…"
    return Text(s)


def _json(data) -> int:
    sys.stdout.buffer.write(orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n")
    sys.stdout.flush()
    return 0


def _read(args: Namespace, fn):
    """``fn(ws)`` on the workspace opened read-only, and the workspace's path."""
    ws = _open(args, readonly=True)
    try:
        return fn(ws), ws.path
    finally:
        _close(ws)


def stories(args: Namespace) -> int:
    ws = _open(args, readonly=True)
    try:
        found = service.stories(ws)
        titles = {r["id"]: r.get("title") or "" for r in ws.rows()}
    finally:
        _close(ws)
    if args.json:
        return _json([s.to_dict() for s in found])
    if not found:
        out.print(shown(f"no story with two or more versions among {len(titles)} articles in {ws.path}"))
        return 0
    table = Table("story", "article", "title", box=box.SIMPLE_HEAD, title=f"{len(found)} stories")
    for s in found:
        for i, aid in enumerate(s.articles):
            table.add_row(_plain(s.id) if i == 0 else "", _plain(aid), _plain(titles.get(aid, ""), 70))
        table.add_section()
    out.print(table)
    return 0


def compare(args: Namespace) -> int:
    ws = _open(args, readonly=True)
    try:
        for aid in (args.a, args.b):
            if aid not in ws:
                err.print(_plain(f"readtui: no article {aid!r} in {ws.path}"), style="bold red")
                return 1
        result = service.comparison(ws, args.a, args.b)
    finally:
        _close(ws)
    if args.json:
        return _json(result.to_dict())
    table = Table("status", "speaker", "in A", "in B", box=box.SIMPLE_HEAD, title=shown(f"quotes: {args.a} / {args.b}"))
    for q in result.quotes:
        status = q.status + (f" ({', '.join(q.change)})" if q.change else "")
        table.add_row(status, _plain(q.speaker or ""), _plain(q.a.text if q.a else "", 60), _plain(q.b.text if q.b else "", 60))
    out.print(table)
    for side, sentences in (("A", result.sentences_only_a), ("B", result.sentences_only_b)):
        out.print(Text(f"sentences only in {side}: {len(sentences)}", style="bold"))
        for s in sentences:
            out.print(Text("  ") + _plain(s.text, 160))
    for side, ents in (("A", result.entities_only_a), ("B", result.entities_only_b)):
        if ents:
            out.print(Text(f"entities only in {side}: ", style="bold") + _plain(", ".join(e.text for e in ents)))
    return 0


def quotes(args: Namespace) -> int:
    speakers, _ = _read(args, service.quote_ledger)
    files = {"csv_path": args.csv, "jsonl_path": args.jsonl}
    if any(files.values()):
        try:
            service.write_ledger(speakers, **{k: Path(v) for k, v in files.items() if v})
        except SaveFailed as exc:
            err.print(_plain(f"readtui: {exc}"), style="bold red")
            return 1
        err.print(_plain(f"wrote {sum(len(s.quotes) for s in speakers)} quotes by {len(speakers)} speakers -> "
                         + ", ".join(v for v in files.values() if v)))
    if args.json:
        return _json([s.to_dict() for s in speakers])
    if not any(files.values()):
        table = Table("speaker", "quotes", "articles", "also named", box=box.SIMPLE_HEAD, title="quotes by speaker")
        for s in speakers:
            table.add_row(_plain(s.speaker or "(no speaker)"), str(len(s.quotes)), str(s.articles),
                          _plain(", ".join(s.aliases), 60))
        out.print(table)
    return 0


def entities(args: Namespace) -> int:
    index, _ = _read(args, service.entities)
    if args.json:
        return _json([e.to_dict() for e in index])
    table = Table("", "entity", "labels", "count", "articles", box=box.SIMPLE_HEAD,
                  title="entities (! labelled more than one way)")
    for e in index:
        table.add_row("!" if e.mixed else "", _plain(e.text, 60),
                      _plain(", ".join(f"{label} {n}" for label, n in e.labels.items())), str(e.count), str(e.articles))
    out.print(table)
    return 0
