"""The articles list on a workspace longer than the screen: the keys, the mouse, the rows."""

from __future__ import annotations

import pytest

from tui.ui.app import make_app
from tui.model import Annotation, Article
from tui.ui.screens.articles import ArticlesScreen
from tui.ui.screens.reader import ReaderScreen
from tui.store import Workspace

from ..hostile.reader import screen_text

SIZE = (120, 24)  # 19 rows on screen under the header
N = 80


@pytest.fixture
def long_ws(tmp_path):
    ws = Workspace.open(tmp_path / "long.json")
    items = []
    for i in range(N):
        text = f"Minister number {i} met Sara Carter in Geneva on Tuesday."
        art = Article(id=f"a{i:03d}", text=text, title=f"Article {i:03d}", source="wire",
                      published="2026-01-02T00:00:00+00:00")
        start = text.index("Sara")
        items.append((art, [Annotation(f"e{i}", art.id, "entity", start, start + 11, "PERSON")]))
    ws.add_articles(items)
    yield ws
    ws.close()


async def test_cursor_keys_scroll_the_highlighted_row_into_view(long_ws):
    app = make_app(long_ws, annotator="t")
    async with app.run_test(size=SIZE) as pilot:
        shown = app.screen.article_list
        assert shown.row_count == N and app.screen.highlighted_id() == "a000"
        for _ in range(25):
            await pilot.press("j")
        assert app.screen.highlighted_id() == "a025"
        assert shown.scroll_offset.y > 0  # row 25 is below the first screenful
        top = int(shown.scroll_offset.y)
        assert top <= 25 < top + shown.scrollable_content_region.height - 1
        await pilot.press("end")
        assert app.screen.highlighted_id() == f"a{N - 1:03d}"
        await pilot.pause()
        assert shown.scroll_offset.y == shown.max_scroll_y
        await pilot.press("home")
        await pilot.pause()
        assert app.screen.highlighted_id() == "a000" and shown.scroll_offset.y == 0
        await pilot.press("pagedown")
        assert app.screen.highlighted_id() not in ("a000", "a001")
        await pilot.press("k", "up")
        before = app.screen.highlighted_id()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen) and app.screen.article_id == before


async def test_the_screen_draws_the_rows_in_view_with_their_header(long_ws):
    app = make_app(long_ws, annotator="t")
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(30):
            await pilot.press("down")
        await pilot.pause()
        text = screen_text(app)
        assert "Title" in text and "Progress" in text  # the header stays
        assert "Article 030" in text and "Article 000" not in text
        assert "0/1 reviewed" in text and "wire" in text


async def test_a_click_highlights_a_row_and_a_second_click_opens_it(long_ws):
    app = make_app(long_ws, annotator="t")
    async with app.run_test(size=SIZE) as pilot:
        shown = app.screen.article_list
        row3 = shown.region.y + 1 + 3  # the header, then rows 0, 1, 2, 3
        await pilot.click(offset=(5, row3))
        assert isinstance(app.screen, ArticlesScreen) and app.screen.highlighted_id() == "a003"
        await pilot.click(offset=(5, row3))
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen) and app.screen.article_id == "a003"


async def test_a_row_shows_the_review_done_in_the_reader(long_ws):
    app = make_app(long_ws, annotator="t")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert app.screen.article_id == "a002"
        await pilot.press("a", "escape")
        await pilot.pause()
        text = screen_text(app)
        assert "1/1 reviewed" in text and "in progress" in text
        assert long_ws.row("a002")["reviewed"] == 1
        assert app.screen.highlighted_id() == "a002"


async def test_filter_keeps_the_highlighted_article_when_it_still_matches(long_ws):
    app = make_app(long_ws, annotator="t")
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(7):
            await pilot.press("j")
        assert app.screen.highlighted_id() == "a007"
        await pilot.press("slash", *"Article 00")  # titles: searched at once
        await pilot.pause()
        assert app.screen.article_list.ids == [f"a{i:03d}" for i in range(10)]
        await app.workers.wait_for_complete()
        await pilot.press(*["backspace"] * 10, *"number 7", "enter")  # the text: a007, a070–a079
        await pilot.pause()
        shown = app.screen.article_list
        assert shown.ids == ["a007", *[f"a{i:03d}" for i in range(70, 80)]]
        assert app.screen.highlighted_id() == "a007"
        await pilot.press("escape")
        await pilot.press("slash", *"number 12", "enter")  # a007 is gone: the first match
        await pilot.pause()
        assert shown.ids == ["a012"] and app.screen.highlighted_id() == "a012"
        await pilot.press("escape")
        await pilot.pause()
        assert shown.row_count == N and app.screen.highlighted_id() == "a012"


async def test_a_narrow_terminal_shortens_the_titles_and_keeps_every_column(long_ws):
    app = make_app(long_ws, annotator="t")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Progress" in text and "0/1 reviewed" in text  # no sideways scrolling needed
        assert "Article 000" in text
        assert app.screen.article_list.max_scroll_x == 0
