"""``kill -9`` while the analyst annotates in the real app: every change the screen showed is
in the workspace afterwards, and the workspace opens again (the lock went with the process)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import time

import pytest

from tui.store import Workspace

from ..conftest import make_workspace
from .reader import check_store, tmux_terminal

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")]


def kill_9(term, db) -> None:
    pid = json.loads((db.parent / (db.name + ".lock")).read_text())["pid"]
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while term.alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not term.alive(), "readtui survived kill -9"


def start(db):
    from ..e2e.test_tmux import READTUI

    env = "-u COLUMNS -u LINES TERM=xterm-256color TEXTUAL_ANIMATIONS=none"
    term = tmux_terminal(f"env {env} {READTUI} --db {db} --annotator killed")
    term.wait(lambda s: "articles 0/2 done" in s or "articles 1/2 done" in s, "the articles list")
    return term


def test_kill_9_keeps_everything_the_screen_showed(tmp_path):
    db = tmp_path / "ws.json"
    make_workspace(db).close()
    with Workspace.open(db, readonly=True) as ws:
        first, second = (r["id"] for r in ws.rows())
        anns = ws.annotations(first)
        total = len(anns)
    ents = [a for a in anns if a.kind == "entity"]

    term = start(db)
    try:
        term.keys("Enter")
        term.wait(lambda s: f"0/{total} reviewed" in s and "Next pending" in s, "the reader")
        term.keys("a")  # the first suggestion
        term.wait(lambda s: f"1/{total} reviewed" in s and "accepted  model" in s, "the accept")
        term.keys("n", "x")  # the second
        term.wait(lambda s: f"2/{total} reviewed" in s and "rejected  model" in s, "the reject")
        term.keys("n", "n", "3")  # the fourth, relabelled GPE
        term.wait(lambda s: f"3/{total} reviewed" in s and " GPE   accepted" in s, "the relabel")
        # A new entity: the caret to the start, then the second word as a LOC.
        term.keys(*["Left"] * 60, "Right", "v", "4")
        shown = term.wait(lambda s: f"4/{total + 1} reviewed" in s and "accepted  manual" in s, "the new entity")
        kill_9(term, db)
    finally:
        term.close()
    assert "LOC" in shown

    with Workspace.open(db) as ws:  # opens for writing: the lock was released
        now = {a.id: a for a in ws.annotations(first)}
        assert now[anns[0].id].status == "accepted"
        assert now[anns[1].id].status == "rejected"
        assert (now[anns[3].id].label, now[anns[3].id].status) == ("GPE", "accepted")
        manual = [a for a in now.values() if a.origin == "manual"]
        assert [(a.label, a.status, a.annotator) for a in manual] == [("LOC", "accepted", "killed")]
        assert ws.row(first)["reviewed"] == 4 and ws.row(first)["annotations"] == total + 1
        assert ws.row(first)["state"] == "in_progress"
        assert all(a.status == "pending" for a in ws.annotations(second))
        check_store(ws)
    assert ents  # the seeds have entities to work on


def test_kill_9_mid_stream_then_reopen_in_the_app(tmp_path):
    """Keys still arriving when the process dies: whatever was shown is kept, the journal's
    torn tail (if any) is dropped, and readtui itself opens the workspace again."""
    db = tmp_path / "ws.json"
    make_workspace(db).close()
    with Workspace.open(db, readonly=True) as ws:
        first = ws.rows()[0]["id"]
        total = ws.row(first)["annotations"]
    term = start(db)
    try:
        term.keys("Enter")
        term.wait(lambda s: f"0/{total} reviewed" in s and "Next pending" in s, "the reader")
        term.keys(*["a", "n"] * 6)
        term.wait(lambda s: f"6/{total} reviewed" in s, "six accepts")
        term.keys(*["x", "n"] * 6)  # and kill while these are being handled
        kill_9(term, db)
    finally:
        term.close()
    with Workspace.open(db, readonly=True) as ws:
        reviewed = ws.row(first)["reviewed"]
        assert 6 <= reviewed <= 12
        assert sum(a.status == "accepted" for a in ws.annotations(first)) == 6
        check_store(ws)
    term = start(db)  # the app opens it: no "open in another readtui"
    try:
        term.wait(lambda s: f"{reviewed}/" in s and "reviewed" in s, "the list with the saved progress")
        term.keys("C-q")
        deadline = time.monotonic() + 20
        while term.alive() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not term.alive()
    finally:
        term.close()
