"""Snapshots of each screen on the seeds (deterministic data: fixed ids, fake suggestions)."""

from __future__ import annotations

import pytest

from tui.ui.app import make_app

SIZE = (120, 36)


@pytest.fixture(autouse=True)
def _no_animations(monkeypatch):
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")


def test_articles_screen(ws, snap_compare):
    assert snap_compare(make_app(ws, annotator="analyst"), terminal_size=SIZE)


def test_reader_with_entities_and_a_quote_current(ws, snap_compare):
    async def to_quote(pilot):
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("a", "n", "n", "a", "n", "x")  # accepted, pending and rejected styles
        for _ in range(30):
            cur = pilot.app.screen.view.current_annotation()
            if cur is not None and cur.kind == "quote":
                break
            await pilot.press("n")
        await pilot.pause()

    assert snap_compare(make_app(ws, annotator="analyst"), terminal_size=SIZE, run_before=to_quote)


def test_help_screen(ws, snap_compare):
    async def help_(pilot):
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(make_app(ws, annotator="analyst"), terminal_size=SIZE, run_before=help_)
