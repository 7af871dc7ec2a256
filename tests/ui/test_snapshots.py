"""Snapshots of each screen on the seeds (deterministic data: fixed ids, fake suggestions)."""

from __future__ import annotations

import pytest

from tui.ui.app import make_app

SIZE = (120, 36)


@pytest.fixture(autouse=True)
def _no_animations(monkeypatch):
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")


async def _stories_known(pilot):
    """The stories worker done: the list marks the seeds as versions, the reader says so."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_articles_screen(ws, snap_compare):
    assert snap_compare(make_app(ws, annotator="analyst"), terminal_size=SIZE, run_before=_stories_known)


def test_reader_with_entities_and_a_quote_current(ws, snap_compare):
    async def to_quote(pilot):
        await _stories_known(pilot)
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
        await _stories_known(pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(make_app(ws, annotator="analyst"), terminal_size=SIZE, run_before=help_)


async def _to_reader(pilot):
    await _stories_known(pilot)
    await pilot.press("enter")
    await pilot.pause()


def test_reader_at_80x24(ws, snap_compare):
    assert snap_compare(make_app(ws, annotator="analyst"), terminal_size=(80, 24), run_before=_to_reader)


def test_reader_at_50x15(ws, snap_compare):
    assert snap_compare(make_app(ws, annotator="analyst"), terminal_size=(50, 15), run_before=_to_reader)


def test_speaker_picker(ws, snap_compare):
    async def picker(pilot):
        await _to_reader(pilot)
        for _ in range(40):
            cur = pilot.app.screen.view.current_annotation()
            if cur is not None and cur.kind == "quote" and cur.text.startswith('"India'):
                break
            await pilot.press("n")
        await pilot.press("s")
        await pilot.pause()

    assert snap_compare(make_app(ws, annotator="analyst"), terminal_size=SIZE, run_before=picker)


def test_done_dialog_with_pending_suggestions(ws, snap_compare):
    async def done(pilot):
        await _to_reader(pilot)
        await pilot.press("d")
        await pilot.pause()

    assert snap_compare(make_app(ws, annotator="analyst"), terminal_size=SIZE, run_before=done)


def test_adjudication_at_80x24(tmp_path, snap_compare):
    """A gold workspace: three analysts' versions of a disagreement in the side panel."""
    from tui.service import Session

    from .helpers import gold_workspace

    ws = gold_workspace(tmp_path / "gold.json")
    try:
        assert snap_compare(make_app(Session(ws, "judge")), terminal_size=(80, 24))
    finally:
        ws.close()
