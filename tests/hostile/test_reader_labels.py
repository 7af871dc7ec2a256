"""A label from an old workspace (before import validated labels) is painted on one line:
a newline in it once hid the rest of the article's line, with the suggestion there."""

from __future__ import annotations

import pytest

from tui.ui.app import make_app
from tui.model import Annotation, Article
from tui.store import Workspace

from .reader import SIZE, leaks, capture_terminal, screen_text


@pytest.mark.parametrize("label", ["PERSON\nEVIL", "PERSON\u2028EVIL", "PER\x1b]52;c;SGVsbG8=\x07SON"])
async def test_a_pending_suggestion_after_a_bad_label_stays_visible(tmp_path, monkeypatch, label):
    written = capture_terminal(monkeypatch)
    text = "Sara Carter met Vinay Kwatra in Washington on Tuesday."
    ws = Workspace.open(tmp_path / "w.json")
    v = text.index("Vinay")
    ws.add_articles([(Article(id="a1", text=text, title="Labels"), [
        Annotation("e1", "a1", "entity", 0, 11, label, status="accepted", origin="manual"),
        Annotation("e2", "a1", "entity", v, v + 12, "PERSON"),  # pending: the analyst is on it
    ])])
    app = make_app(ws, annotator="t")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.view.current == "e2"
        shown = screen_text(app)
        [line] = [ln for ln in shown.splitlines() if "Sara Carter" in ln]
        assert "Vinay Kwatra" in line and "Tuesday" in shown, line
        assert "EVIL" in line or "SON" in line  # the label shown, its break as �
        await pilot.press("a")
        assert ws.annotation("a1", "e2").status == "accepted"
    ws.close()
    assert leaks("".join(written)) == []
