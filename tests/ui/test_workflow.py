"""Pilot tests: an article's review state and note (issue 14, point 5)."""

from __future__ import annotations

import json

from textual.widgets import Static

from tui.store import Workspace
from tui.ui.app import make_app
from tui.ui.screens.articles import ArticlesScreen
from tui.ui.screens.confirm import PendingOnDone
from tui.ui.widgets.panel import Legend

from ..hostile.helpers import readtui
from .test_keys import SIZE, open_reader


def meta_line(app) -> str:
    return str(app.screen.query_one("#meta", Static).render())


async def test_d_offers_reject_the_rest(ws):
    ids = [r["id"] for r in ws.rows()]
    app = make_app(ws, annotator="tester")
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(app, pilot)
        await pilot.press("a")  # one accepted by hand, the rest pending
        await pilot.press("d")
        assert isinstance(app.screen, PendingOnDone)
        await pilot.press("r")
        await pilot.pause()
        assert ws.row(ids[0])["state"] == "done"
        statuses = [a.status for a in ws.annotations(ids[0])]
        assert statuses.count("accepted") == 1 and "pending" not in statuses
        assert app.screen.article_id == ids[1]


async def test_the_reader_shows_the_state_and_a_done_article_reopens_with_undo(ws):
    ids = [r["id"] for r in ws.rows()]
    app = make_app(ws, annotator="tester")
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(app, pilot)
        assert "new" in meta_line(app)
        await pilot.press("A", "d")  # all accepted, done; the next article opens
        await pilot.pause()
        await pilot.press("escape")
        await pilot.press("home", "enter")  # the done one again
        await pilot.pause()
        assert app.screen.article_id == ids[0]
        assert "done" in meta_line(app)
        await pilot.press("o")
        assert ws.row(ids[0])["state"] == "in_progress"
        assert "in progress" in meta_line(app)
        await pilot.press("u")
        assert ws.row(ids[0])["state"] == "done"


async def test_skip_and_flag_show_in_the_list(ws):
    ids = [r["id"] for r in ws.rows()]
    app = make_app(ws, annotator="tester")
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(app, pilot)
        await pilot.press("f")
        assert ws.row(ids[0])["state"] == "flagged"
        assert "flagged" in meta_line(app)
        await pilot.press("S")  # skipped; the next one opens
        await pilot.pause()
        assert ws.row(ids[0])["state"] == "skipped"
        assert app.screen.article_id == ids[1]
        await pilot.press("f", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ArticlesScreen)
        shown = app.screen.article_list
        states = [app.screen._cells(i)[3][0] for i in shown.ids]
        assert states == ["skipped", "flagged"]


async def test_a_note_is_stored_shown_and_exported(ws, tmp_path):
    ids = [r["id"] for r in ws.rows()]
    app = make_app(ws, annotator="tester")
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(app, pilot)
        await pilot.press("m", *"ask the desk about ONDCP", "enter")
        await pilot.pause()
        assert "note: ask the desk about ONDCP" in str(app.screen.query_one(Legend).render())
        await pilot.press("u")  # the note is undone like any action
        assert ws.article(ids[0]).meta.get("note", "") == ""
        await pilot.press("ctrl+r")
    fresh = Workspace.open(ws.path, readonly=True)
    try:
        assert fresh.article(ids[0]).meta["note"] == "ask the desk about ONDCP"
    finally:
        fresh.close()
    ws.close()
    out = tmp_path / "gold.jsonl"
    done = readtui("export", "--db", ws.path, "--all", "-o", out)
    assert done.returncode == 0, done.stderr
    metas = {r["meta"]["id"]: r["meta"] for r in map(json.loads, out.read_text().splitlines())}
    assert metas[ids[0]]["note"] == "ask the desk about ONDCP"
    assert metas[ids[0]]["state"] == "new"  # a note is not a review
