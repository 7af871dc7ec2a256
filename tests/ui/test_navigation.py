"""Pilot tests: the caret and moving around an article (issue 14, point 3)."""

from __future__ import annotations

from tui.ui.app import make_app

from .test_keys import SIZE, current, go_to, open_reader


def caret_cells(view):
    """The styles of the caret word's cells as painted on screen."""
    start, end = view.words[view.caret]
    y, x = view.position(start)
    strip = view.render_line(y - int(view.scroll_offset.y))
    out, col = [], 0
    for seg in strip:
        for ch in seg.text:
            if x <= col < x + (end - start):
                out.append((ch, seg.style))
            col += 1
    return out


async def test_the_caret_shows_inside_the_current_annotation(ws):
    app = make_app(ws, annotator="tester")
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_reader(app, pilot)
        await go_to(app, pilot, lambda a: a.text == "Ministry of External Affairs")
        await pilot.press("right")
        view = reader.view
        assert view.text[slice(*view.words[view.caret])] == "of"
        assert current(app).text == "Ministry of External Affairs"
        caret = view._style("article--caret")
        cells = caret_cells(view)
        assert "".join(ch for ch, _ in cells) == "of"
        assert all(st.bgcolor == caret.bgcolor and not st.reverse for _, st in cells)


async def test_home_end_g_G_and_pages_move_the_caret(ws):
    app = make_app(ws, annotator="tester")
    async with app.run_test(size=(80, 20)) as pilot:
        reader = await open_reader(app, pilot)
        view = reader.view
        await pilot.press("G")
        assert view.caret == len(view.words) - 1
        await pilot.press("g")
        assert view.caret == 0
        await pilot.press("end")
        line = view.position(view.words[0][0])[0]
        assert view.position(view.words[view.caret][0])[0] == line
        assert view.position(view.words[view.caret + 1][0])[0] == line + 1
        await pilot.press("home")
        assert view.caret == 0
        await pilot.press("pagedown")
        assert view.position(view.words[view.caret][0])[0] >= view.size.height - 2
        await pilot.press("pageup")
        assert view.position(view.words[view.caret][0])[0] <= 1


async def test_find_in_the_article_then_the_next_match(ws, seed0):
    text = ws.article(seed0).text
    first = text.lower().index("narco")
    second = text.lower().index("narco", first + 1)
    app = make_app(ws, annotator="tester")
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_reader(app, pilot)
        view = reader.view
        await pilot.press("g", "slash", *"Narco", "enter")
        assert view.words[view.caret][0] <= first < view.words[view.caret][1]
        await pilot.press("ctrl+g")
        assert view.words[view.caret][0] <= second < view.words[view.caret][1]
        await pilot.press("ctrl+f", *"no such words here", "enter")
        assert any("Not in this article" in n.message for n in app._notifications)
        await pilot.press("escape")  # the find box is closed: esc goes back to the list
        assert app.screen is not reader


async def test_n_and_p_say_when_they_wrap(ws, seed0):
    app = make_app(ws, annotator="tester")
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(app, pilot)
        first = current(app)
        await pilot.press("p")
        assert current(app).start > first.start
        assert any("Back at the last" in n.message for n in app._notifications)
        await pilot.press("n")
        assert current(app).id == first.id
        assert any("Back at the first" in n.message for n in app._notifications)


async def test_two_lines_of_context_around_the_current_annotation(ws, seed0):
    app = make_app(ws, annotator="tester")
    async with app.run_test(size=(100, 16)) as pilot:
        reader = await open_reader(app, pilot)
        view = reader.view
        total = view._tops[-1]
        for _ in range(len(view.anns)):
            await pilot.press("n")
            cur = current(app)
            top = int(view.scroll_offset.y)
            y0, _ = view.position(cur.start)
            y1, _ = view.position(cur.end - 1)
            if y1 - y0 + 5 <= view.size.height:
                assert y0 - top >= min(2, y0), (cur.text, y0, top)
                assert top + view.size.height - 1 - y1 >= min(2, total - 1 - y1), (cur.text, y1, top)
