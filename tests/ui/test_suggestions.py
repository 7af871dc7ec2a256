"""Suggestions for unseen articles come from a worker; the UI paints first."""

from __future__ import annotations

from pathlib import Path

from ..conftest import FakeSuggester, make_workspace
from tui.ui.app import LOADING, make_app
from tui.ui.screens.reader import ReaderScreen

SIZE = (120, 36)


async def test_worker_suggests_unseen_articles_and_the_loading_note_goes(tmp_path: Path):
    ws = make_workspace(tmp_path / "w.json", suggested=False)
    app = make_app(ws, annotator="t", suggester=FakeSuggester())
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert LOADING not in app.sub_title
        rows = ws.rows()
        assert all(r["suggested"] for r in rows)
        assert all(r["state"] == "new" for r in rows)  # suggestions are not a review
        assert sum(r["annotations"] for r in rows) > 20
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.view.current_annotation() is not None
    ws.close()


async def test_missing_model_keeps_the_reader_usable(tmp_path: Path, monkeypatch):
    from tui.nlp import suggest

    def missing(*args, **kwargs):
        raise suggest.ModelMissing("Could not load the model. Install it with pip install x.")

    monkeypatch.setattr(suggest.Suggester, "__init__", missing)
    ws = make_workspace(tmp_path / "w.json", suggested=False)
    app = make_app(ws, annotator="t", model="nope")
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any("pip install" in n.message for n in app._notifications)
        assert "model missing" in app.sub_title
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("v", "right", "1")  # manual annotation still works
        aid = app.screen.article_id
        assert [a.origin for a in ws.annotations(aid)] == ["manual"]
    ws.close()
