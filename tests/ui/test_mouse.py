"""Pilot tests: the mouse in the reader and the list (issue 14, point 4)."""

from __future__ import annotations

from textual.events import MouseMove

from tui.ui.app import make_app
from tui.ui.screens.reader import ReaderScreen

from .test_keys import SIZE, current, open_reader


def cell_of(view, pos: int) -> tuple[int, int]:
    """Where text position ``pos`` is painted, relative to the view (its padding included)."""
    y, x = view.position(pos)
    return x + view.styles.padding.left, y - int(view.scroll_offset.y)


async def test_click_an_annotation_makes_it_current(ws, seed0):
    text = ws.article(seed0).text
    app = make_app(ws, annotator="tester")
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_reader(app, pilot)
        view = reader.view
        target = next(a for a in view.ordered() if a.text == "Narendra Modi")
        assert current(app).id != target.id
        await pilot.click(view, offset=cell_of(view, text.index("Modi", target.start)))
        assert current(app).id == target.id
        assert view.text[slice(*view.words[view.caret])] == "Modi"


async def test_click_a_word_puts_the_caret_there(ws, seed0):
    text = ws.article(seed0).text
    app = make_app(ws, annotator="tester")
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_reader(app, pilot)
        view = reader.view
        was = current(app)
        at = text.index("underscoring")
        await pilot.click(view, offset=cell_of(view, at + 3))  # inside the word
        assert view.words[view.caret][0] == at
        assert current(app).id == was.id


async def test_drag_selects_then_a_number_makes_an_entity(ws, seed0):
    text = ws.article(seed0).text
    app = make_app(ws, annotator="tester")
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_reader(app, pilot)
        view = reader.view
        start = text.index("Office of National Drug Control Policy")
        end = start + len("Office of National Drug Control Policy")
        await pilot.mouse_down(view, offset=cell_of(view, start))
        await pilot._post_mouse_events([MouseMove], view, offset=cell_of(view, end - 2), button=1)
        await pilot.mouse_up(view, offset=cell_of(view, end - 2))
        assert view.selecting
        assert view.selection() == (start, end)
        await pilot.press("2")  # ORG
        made = [a for a in ws.annotations(seed0) if a.origin == "manual"]
        assert [(a.text, a.label) for a in made] == [("Office of National Drug Control Policy", "ORG")]


async def test_double_click_in_the_list_opens(ws):
    ids = [r["id"] for r in ws.rows()]
    app = make_app(ws, annotator="tester")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.double_click(app.screen.article_list, offset=(5, 2))  # the second row
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.article_id == ids[1]
