"""readtui labels: list, add, rename (durably, every annotation), retire — through the real
command (issue 14, point 8)."""

from __future__ import annotations

from tui.store import Workspace

from ..conftest import make_workspace
from .helpers import one_line, readtui


def labels_of(db):
    with Workspace.open(db, readonly=True) as ws:  # a fresh reader: the journal replayed
        return ws.labels, sorted({a.label for r in ws.rows() for a in ws.annotations(r["id"])})


def test_list_add_rename_retire(tmp_path):
    db = tmp_path / "w.json"
    make_workspace(db).close()
    listed = readtui("labels", "--db", db)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.split()[:2] == ["1", "PERSON"]

    assert readtui("labels", "add", "weapon", "--db", db).returncode == 0
    assert labels_of(db)[0][-1] == "WEAPON"

    renamed = readtui("labels", "rename", "PERSON", "PER", "--db", db)
    assert renamed.returncode == 0, renamed.stderr
    assert "renamed PERSON to PER on" in one_line(renamed.stderr)
    labels, used = labels_of(db)
    assert labels[0] == "PER" and "PERSON" not in labels
    assert "PER" in used and "PERSON" not in used

    assert readtui("labels", "retire", "NORP", "--db", db).returncode == 0
    labels, used = labels_of(db)
    assert "NORP" not in labels and "NORP" in used  # its annotations keep it
    assert "retired" in readtui("labels", "--db", db).stdout


def test_refusals_are_one_line(tmp_path):
    db = tmp_path / "w.json"
    make_workspace(db).close()
    for args, says in ((("add", "PERSON"), "already has the label 'PERSON'"),
                       (("retire", "NOPE"), "has no label 'NOPE'"),
                       (("rename", "PERSON"), "labels rename takes 2 labels"),
                       (("add", "A\x1b[2JB"), "label")):
        done = readtui("labels", *args, "--db", db)
        assert done.returncode != 0 and says in one_line(done.stderr), (args, done.stderr)
        assert "Traceback" not in done.stderr and "\x1b[2J" not in done.stderr
