"""Pilot tests: the reader at 80×24 and 50×15, help, notifications (issue 14, point 6)."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.widgets._toast import Toast

from tui.ui.app import make_app
from tui.ui.screens.help import HelpScreen
from tui.ui.widgets.article_view import TAG_SEP
from tui.ui.widgets.keybar import KeyBar

from .test_keys import open_reader


async def test_80x24_keeps_the_essential_keys_and_narrows_the_panel(ws):
    app = make_app(ws, annotator="tester")
    async with app.run_test(size=(80, 24)) as pilot:
        reader = await open_reader(app, pilot)
        bar = str(reader.query_one(KeyBar).render())
        for what in ("Done", "Back", "Help", "Quit"):
            assert what in bar, bar
        side = reader.query_one("#side")
        assert side.display and side.outer_size.width <= 27
        assert reader.view.size.width >= 50
        await pilot.press("i")  # folds it
        assert not side.display and reader.view.size.width >= 75
        await pilot.press("i")
        assert side.display


async def test_help_scrolls_at_80x24(ws):
    app = make_app(ws, annotator="tester")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_reader(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        box = app.screen.query_one(VerticalScroll)
        assert box.region.bottom <= 24 and box.max_scroll_y > 0  # on screen, and it scrolls
        await pilot.press("end")
        await pilot.pause()
        assert box.scroll_y == box.max_scroll_y > 0


async def test_50x15_folds_the_panel_and_never_cuts_a_label_tag(ws):
    app = make_app(ws, annotator="tester")
    async with app.run_test(size=(50, 15)) as pilot:
        reader = await open_reader(app, pilot)
        assert not reader.query_one("#side").display
        view = reader.view
        view._ensure_layout()
        for bi in range(len(view.blocks)):
            lay = view._layout(bi)
            for pos, n, cum in zip(lay.ins_pos, lay.ins_len, lay.ins_cum):
                start = pos - view.blocks[bi][0] + cum + 1  # the label, after its TAG_SEP
                end = start + n - 1
                assert lay.line_of(start) == lay.line_of(end - 1), lay.display[start - 10:end]
        assert TAG_SEP in "".join(view._layout(b).display for b in range(len(view.blocks)))


async def test_one_short_notification_at_a_time_above_the_text(ws):
    app = make_app(ws, annotator="tester")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        reader = await open_reader(app, pilot)
        await pilot.press("r", "r", "r")
        await pilot.pause()
        assert len(app._notifications) == 1
        app.notify("x" * 300)
        await pilot.pause()
        told = list(app._notifications)
        assert len(told) == 1 and told[0].message.endswith("…") and len(told[0].message) < 80
        await pilot.pause(0.2)
        toasts = list(app.screen.query(Toast))
        assert toasts
        for toast in toasts:
            assert toast.region.bottom <= reader.view.region.y, (toast.region, reader.view.region)
