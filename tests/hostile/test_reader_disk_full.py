"""The disk fills up (or turns read-only) while the analyst works in the reader.

Every action then fails for real inside the store (the journal's fsync or write raises), so
each one is refused: the screen keeps showing the previous state, an error says so, nothing
saved earlier is lost, and the next action after space returns is saved. One test does this
in the installed ``readtui`` in tmux on a 1 MB tmpfs that really fills up.

``tests/ui/test_keys.py::test_a_save_failure_is_shown_and_not_applied`` covers a refused
``a`` with ``Workspace.save`` replaced; here the failure comes from the disk, for every kind
of action.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from pathlib import Path

import pyperclip
import pytest

import tui.store
from tui.ui.app import make_app
from tui.ui.screens.pickers import SpeakerPicker
from tui.ui.screens.reader import ReaderScreen
from tui.store import Workspace

from .reader import SIZE, check_store, screen_text, tmux_terminal


class Disk:
    """Makes the journal's writes fail the way a full (or read-only) disk does."""

    def __init__(self, monkeypatch, error: int = errno.ENOSPC):
        self.monkeypatch = monkeypatch
        self.error = error
        self.real_fsync = os.fsync

    def fill(self) -> None:
        def refuse(fd):
            raise OSError(self.error, os.strerror(self.error))

        # fsync fails after the line was written: the journal must cut the fragment off.
        self.monkeypatch.setattr(tui.store.files.os, "fsync", refuse)

    def free(self) -> None:
        self.monkeypatch.setattr(tui.store.files.os, "fsync", self.real_fsync)


def durable(path: Path) -> dict:
    """Every annotation as a fresh reader of the files sees it (journal replayed)."""
    with Workspace.open(path, readonly=True) as fresh:
        return {(r["id"], a.id): a for r in fresh.rows() for a in fresh.annotations(r["id"])}


async def refused(pilot, keys: tuple[str, ...], ws: Workspace, reason: str) -> None:
    """Press ``keys``: the screen, the store and the journal stay as they were; an error says so."""
    app = pilot.app
    before_screen = screen_text(app)
    before_store = {a.id: a for a in ws.annotations(app.screen.article_id)}
    before_row = dict(ws.row(app.screen.article_id))
    journal = ws.journal.path.read_bytes()
    told = len(app._notifications)
    await pilot.press(*keys)
    await pilot.pause()
    assert isinstance(app.screen, ReaderScreen)
    assert screen_text(app) == before_screen, f"{keys}: the screen changed"
    assert {a.id: a for a in ws.annotations(app.screen.article_id)} == before_store, keys
    assert app.screen.view.anns == before_store, keys
    assert ws.row(app.screen.article_id) == before_row, keys
    assert ws.journal.path.read_bytes() == journal, f"{keys}: a fragment was left in the journal"
    new = [n for n in list(app._notifications)[told:]]
    assert any(reason in n.message and n.severity == "error" for n in new), (keys, [n.message for n in new])


@pytest.mark.parametrize("error", [errno.ENOSPC, errno.EROFS], ids=["full", "read-only"])
async def test_full_disk_refuses_every_action_in_the_reader(ws, seed0, monkeypatch, error):
    monkeypatch.setattr(pyperclip, "copy", lambda text: None)
    disk = Disk(monkeypatch, error)
    reason = os.strerror(error)
    app = make_app(ws, annotator="t")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        reader = app.screen
        first = reader.view.current_annotation()
        await pilot.press("a")  # saved before the disk fills
        saved = durable(ws.path)
        assert saved[(seed0, first.id)].status == "accepted"

        disk.fill()
        await pilot.press("n")
        second = reader.view.current_annotation()
        await refused(pilot, ("x",), ws, reason)
        await refused(pilot, ("a",), ws, reason)
        if second.kind == "entity":
            await refused(pilot, ("3",), ws, reason)
        await refused(pilot, ("A",), ws, reason)
        await refused(pilot, ("u",), ws, reason)  # undoing the accept is a write too
        # A new entity from a selection: refused, and the selection stays to try again.
        await pilot.press(*["left"] * 20, "v", "right")
        await refused(pilot, ("2",), ws, reason)
        assert reader.view.selecting
        await pilot.press("escape")
        # Resizing, the speaker of a quote, marking the article done.
        for _ in range(40):
            if reader.view.current_annotation().kind == "entity" and " " in reader.view.current_annotation().text:
                break
            await pilot.press("n")
        await refused(pilot, ("right_square_bracket",), ws, reason)
        for _ in range(40):
            if reader.view.current_annotation().kind == "quote":
                break
            await pilot.press("n")
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SpeakerPicker)
        await pilot.press("escape")
        await refused(pilot, ("s", "enter"), ws, reason)
        await refused(pilot, ("d", "y"), ws, reason)
        assert ws.row(seed0)["state"] != "done"
        assert durable(ws.path) == saved  # nothing earlier lost, nothing refused saved

        disk.free()  # space returns: work continues
        await pilot.press("x")
        now = reader.view.current_annotation()
        assert now.status == "rejected" and ws.annotation(seed0, now.id).status == "rejected"
        await pilot.press("u", "ctrl+r")
        assert app.is_running and app._exception is None
    after = durable(ws.path)
    assert after[(seed0, now.id)].status == "rejected"
    assert after[(seed0, first.id)].status == "accepted"
    check_store(ws)


async def test_full_disk_while_suggestions_arrive(tmp_path, monkeypatch):
    """The model's suggestions cannot be saved: said so, the article stays as it was, and
    reading goes on."""
    from ..conftest import FakeSuggester, make_workspace

    ws = make_workspace(tmp_path / "w.json", suggested=False)
    disk = Disk(monkeypatch)
    disk.fill()
    try:
        app = make_app(ws, annotator="t", suggester=FakeSuggester())
        async with app.run_test(size=SIZE) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert any("Suggestions not saved" in n.message and "No space left" in n.message
                       for n in app._notifications)
            assert all(r["annotations"] == 0 for r in ws.rows())
            await pilot.press("enter")
            assert isinstance(app.screen, ReaderScreen) and app.is_running
    finally:
        disk.free()
        ws.close()


def mount_tmpfs(where: Path, size: str = "1m") -> bool:
    where.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True)
    return r.returncode == 0


def fill(disk: Path) -> Path:
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as fh:
        try:
            while True:
                fh.write(b"\0" * 4096)
        except OSError:
            pass
    return filler


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_real_full_disk_in_a_real_terminal(tmp_path):
    """readtui in tmux with its workspace on a 1 MB tmpfs: fill it, keep pressing a/x until a
    save fails, check the screen kept the last saved state, free the space, go on, fill it
    again and quit while it is full: everything shown as saved is there afterwards."""
    from ..conftest import make_workspace
    from ..e2e.test_tmux import READTUI

    disk = tmp_path / "disk"
    if not mount_tmpfs(disk):
        pytest.skip("cannot mount a small tmpfs here; the Pilot tests cover the same path")
    try:
        db = disk / "ws.json"
        make_workspace(db).close()
        with Workspace.open(db, readonly=True) as ws:
            aid = ws.rows()[0]["id"]
        env = "-u COLUMNS -u LINES TERM=xterm-256color TEXTUAL_ANIMATIONS=none"
        term = tmux_terminal(f"env {env} {READTUI} --db {db} --annotator t")
        try:
            term.wait(lambda s: "articles 0/2 done" in s, "the articles list")
            term.keys("Enter")
            term.wait(lambda s: "pending  model" in s, "the reader on its first suggestion")
            term.keys("a")
            term.wait(lambda s: "accepted  model" in s, "the accept")
            filler = fill(disk)
            shown = ""
            for i in range(60):  # until the journal's last page is full too
                key = "x" if i % 2 == 0 else "a"
                term.keys(key)
                want = "rejected" if key == "x" else "accepted"
                shown = term.wait(lambda s: f"{want}  model" in s or "Save failed" in s, "the action or its refusal")
                if "Save failed" in shown:
                    break
            assert "Save failed" in shown and "No space left" in " ".join(shown.split())
            last_saved = "accepted" if key == "x" else "rejected"  # the refused one is not shown
            assert f"{last_saved}  model" in shown
            filler.unlink()  # space returns
            key = "x" if last_saved == "accepted" else "a"
            term.keys(key)
            expected = "rejected" if key == "x" else "accepted"
            term.wait(lambda s: f"{expected}  model" in s, "the action after space returned")
            fill(disk)  # full again; quitting cannot fold the journal into the files
            term.quit()
        finally:
            term.close()
        (disk / "filler").unlink()
        with Workspace.open(db) as ws:  # opens (the lock was released), replays the journal
            first = ws.annotations(aid)[0]
            assert first.status == expected
            check_store(ws)
    finally:
        subprocess.run(["umount", "-l", str(disk)])
