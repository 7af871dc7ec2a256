"""Splitting a corpus among analysts: each article to ``overlap`` of them, balanced.

Every analyst gets the same number of articles, give or take one; which ones is drawn
from ``seed`` (the same seed, the same split). Each analyst's share is written as a JSONL
that ``readtui import`` takes back unchanged (the export's records, ids kept); an article
that arrives without annotations is written without them, so that the import suggests
for it as for a text file. ``manifest.json`` says who has what.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from ..formats import Record, jsonl_line, jsonl_record
from ..formats.jsonl import _json_line
from ..store import write_atomic

MANIFEST = "manifest.json"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
# Fields of a record that say what its annotations are: without them, import suggests.
_ANNOTATION_FIELDS = ("tokens", "spans", "relations", "quotes")


class AssignError(ValueError):
    """Options or a corpus that cannot be split: one line for the user."""


@dataclass
class Assignment:
    analysts: list[str]
    overlap: int
    seed: int
    shares: dict[str, list[Record]] = field(default_factory=dict)  # analyst -> records, corpus order
    who: dict[str, list[str]] = field(default_factory=dict)  # article id -> analysts

    def manifest(self) -> dict:
        return {"analysts": self.analysts, "overlap": self.overlap, "seed": self.seed,
                "counts": {a: len(self.shares[a]) for a in self.analysts},
                "articles": [{"id": aid, "analysts": names} for aid, names in self.who.items()]}


def analysts(arg: str) -> list[str]:
    """``ana,bob,cy`` -> the names, each usable as a file name, none twice."""
    names = [x.strip() for x in arg.split(",") if x.strip()]
    if not names:
        raise AssignError("--annotators needs at least one name, e.g. --annotators ana,bob,cy")
    for n in names:
        if not _NAME.fullmatch(n):
            raise AssignError(f"analyst name {n!r}: use letters, digits, '.', '_' or '-' (it names a file)")
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise AssignError(f"analyst {twice[0]!r} is named twice in --annotators")
    return names


def assign(records: Sequence[Record], names: Sequence[str], overlap: int, seed: int) -> Assignment:
    """Each record to ``overlap`` analysts: the least loaded so far, ties drawn from ``seed``,
    the articles taken in an order drawn from ``seed`` too."""
    if not 1 <= overlap <= len(names):
        raise AssignError(f"--overlap {overlap}: each article can go to 1 to {len(names)} analysts "
                          f"({len(names)} named in --annotators)")
    rng = random.Random(seed)
    load = {n: 0 for n in names}
    picked: dict[int, list[str]] = {}
    order = list(range(len(records)))
    rng.shuffle(order)
    for i in order:
        draw = {n: rng.random() for n in names}
        chosen = sorted(names, key=lambda n: (load[n], draw[n]))[:overlap]
        for n in chosen:
            load[n] += 1
        picked[i] = sorted(chosen, key=list(names).index)
    out = Assignment(list(names), overlap, seed, shares={n: [] for n in names})
    for i, rec in enumerate(records):  # each share in corpus order
        out.who[rec.article.id] = picked[i]
        for n in picked[i]:
            out.shares[n].append(rec)
    return out


def record_line(rec: Record) -> bytes:
    """The record as ``readtui import`` reads it back unchanged (the export's record)."""
    annotated = bool(rec.annotations) or rec.annotated
    if annotated and (rec.article.state_time or any(a.time for a in rec.annotations)):
        return jsonl_line(rec.article, rec.annotations)
    task = jsonl_record(rec.article, rec.annotations)
    # No time of its own: the export would stamp the clock's, and the same seed would not
    # give the same files. Import stamps its own.
    del task["_timestamp"]
    if not annotated:
        for k in _ANNOTATION_FIELDS:
            del task[k]
    return _json_line(task, ascii_only=False, compact=True)


def write(assignment: Assignment, folder: Path) -> list[Path]:
    """One JSONL per analyst and the manifest in ``folder``; refuses a folder that holds an assignment."""
    if (folder / MANIFEST).exists():
        raise AssignError(f"{folder} already holds an assignment ({MANIFEST}); choose another -o folder")
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in assignment.analysts:
        path = folder / f"{name}.jsonl"
        write_atomic(path, b"".join(map(record_line, assignment.shares[name])))
        paths.append(path)
    write_atomic(folder / MANIFEST, json.dumps(assignment.manifest(), ensure_ascii=False, indent=1) + "\n")
    return paths
