"""Pilot tests: one quote convention, a quote spans its quotation marks (issue 14, point 2)."""

from __future__ import annotations

from tui.ui.app import make_app

from .helpers import small_workspace
from .test_keys import SIZE, current, open_reader, stored

TEXT = 'The mayor said: "We act now, and we act together," and left. Then “it is done” she added.\n'


def quotes(ws):
    return [a.text for a in ws.annotations("a") if a.kind == "quote"]


async def test_a_selection_next_to_the_marks_takes_them_in(tmp_path):
    with small_workspace(tmp_path / "w.json", TEXT) as ws:
        app = make_app(ws, annotator="tester")
        async with app.run_test(size=SIZE) as pilot:
            await open_reader(app, pilot)
            await pilot.press(*["right"] * 3, "v", *["right"] * 6, "quotation_mark")  # We … together
            await pilot.press(*["right"] * 4, "v", *["right"] * 2, "quotation_mark")  # it is done
            assert quotes(ws) == ['"We act now, and we act together,"', "“it is done”"]


async def test_resizing_a_quote_moves_by_word_and_keeps_the_marks(tmp_path):
    with small_workspace(tmp_path / "w.json", TEXT, quotes=['"We act now, and we act together,"']) as ws:
        app = make_app(ws, annotator="tester")
        async with app.run_test(size=SIZE) as pilot:
            await open_reader(app, pilot)
            quote = current(app)
            await pilot.press("left_curly_bracket")  # one word, not the ,"
            assert stored(ws, quote).text == '"We act now, and we act'
            await pilot.press("right_curly_bracket")
            assert stored(ws, quote).text == '"We act now, and we act together,"'
            await pilot.press("right_square_bracket")
            assert stored(ws, quote).text == 'act now, and we act together,"'
            await pilot.press("left_square_bracket")
            assert stored(ws, quote).text == '"We act now, and we act together,"'


async def test_an_old_quote_without_its_marks_still_works(tmp_path):
    ws = small_workspace(tmp_path / "w.json", TEXT, quotes=["We act now, and we act"])  # made before
    app = make_app(ws, annotator="tester")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await open_reader(app, pilot)
            quote = current(app)
            assert quote.text == "We act now, and we act"
            await pilot.press("a")
            assert stored(ws, quote).status == "accepted" and stored(ws, quote).text == quote.text
            await pilot.press("right_curly_bracket")  # its next edit follows the convention
            assert stored(ws, quote).text == '"We act now, and we act together,"'
    finally:
        ws.close()
