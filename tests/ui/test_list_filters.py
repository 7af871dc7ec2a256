"""Pilot tests: the list filters by state, sorts, searches sources, says "no matches"
(issue 14, point 7)."""

from __future__ import annotations

import threading

import pytest
from textual.widgets import Static

from tui.model import Annotation, Article
from tui.store import Workspace
from tui.ui.app import make_app

SIZE = (120, 24)
# title, source, published, state, accepted of 2
ROWS = [("Article 10", "Wire B", "2026-03-01", "done", 2), ("Article 2", "Daily A", "2026-01-01", "new", 0),
        ("Article 1", "Wire B", "2026-02-01", "flagged", 1), ("Article 100", "Courier C", "", "in_progress", 1)]


@pytest.fixture
def list_ws(tmp_path):
    ws = Workspace.open(tmp_path / "w.json")
    items = []
    for i, (title, source, date, state, accepted) in enumerate(ROWS):
        text = f"Minister {i} met Sara Carter in Geneva."
        s = text.index("Sara")
        anns = [Annotation(f"e{i}{k}", f"a{i}", "entity", at, at + n, "PERSON",
                           status="accepted" if k < accepted else "pending")
                for k, (at, n) in enumerate([(s, 11), (text.index("Geneva"), 6)])]
        items.append((Article(id=f"a{i}", text=text, title=title, source=source,
                              published=f"{date}T00:00:00+00:00" if date else "", state=state), anns))
    ws.add_articles(items)
    yield ws
    ws.close()


def titles(app) -> list[str]:
    return [app.session.summary(i).title for i in app.screen.article_list.ids]


async def test_sort_by_date_source_title_and_progress(list_ws):
    app = make_app(list_ws, annotator="t")
    async with app.run_test(size=SIZE) as pilot:
        assert titles(app) == ["Article 10", "Article 2", "Article 1", "Article 100"]  # import order
        await pilot.press("o")
        assert titles(app) == ["Article 2", "Article 1", "Article 10", "Article 100"]  # date, undated last
        await pilot.press("o")
        assert titles(app) == ["Article 100", "Article 2", "Article 1", "Article 10"]  # source, then title
        await pilot.press("o")
        assert titles(app) == ["Article 1", "Article 2", "Article 10", "Article 100"]  # natural order
        await pilot.press("o")
        assert titles(app) == ["Article 2", "Article 1", "Article 100", "Article 10"]  # least reviewed first


async def test_filter_by_state_with_a_key_or_in_the_filter(list_ws):
    app = make_app(list_ws, annotator="t")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")  # new
        assert titles(app) == ["Article 2"]
        await pilot.press("f", "f")  # in progress, done
        assert titles(app) == ["Article 10"]
        await pilot.press("escape")
        assert len(titles(app)) == 4
        await pilot.press("slash", *"state:flagged", "enter")
        assert titles(app) == ["Article 1"]


async def test_source_is_searchable_and_no_matches_is_said(list_ws):
    app = make_app(list_ws, annotator="t")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"courier")
        assert titles(app) == ["Article 100"]  # by source, before the texts are read
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert titles(app) == ["Article 100"]
        await pilot.press(*"zzz")
        await pilot.pause()
        assert titles(app) == []
        nothing = app.screen.query_one("#nothing", Static)
        assert nothing.display and "No articles match" in str(nothing.render())


async def test_a_large_workspace_filters_once_its_summaries_are_read(list_ws, monkeypatch):
    """Past SUMMARIES_AT_ONCE articles the summaries are read in a worker: the list stays
    as it was until they come, then shows the matches; a change since is read again."""
    from tui.ui.screens import articles

    monkeypatch.setattr(articles, "SUMMARIES_AT_ONCE", 2)
    app = make_app(list_ws, annotator="t")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", "w", "i", "r", "e")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert titles(app) == ["Article 10", "Article 1"]
        await pilot.press("enter", "enter")  # open Article 10
        app.session.apply("a0", [], state="skipped")  # changed while the list is away
        app.pop_screen()
        await pilot.press("f", "f", "f", "f")  # skipped
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert titles(app) == ["Article 10"]


async def test_text_matches_show_batch_by_batch_while_the_index_is_read(list_ws, monkeypatch):
    """The filter's index reads the texts a batch at a time and shows each batch's matches:
    the first texts' matches are on the list while the rest are still being read (issue 19:
    at 100,000 articles the whole index takes many seconds)."""
    from tui.ui.screens import articles

    monkeypatch.setattr(articles, "TEXTS_AT_ONCE", 2)
    release = threading.Event()
    read = list_ws.texts

    def slow_texts(ids):
        for aid, text in read(ids):
            if aid in ("a2", "a3"):
                release.wait(10)  # the second batch is still on its way
            yield aid, text

    monkeypatch.setattr(list_ws, "texts", slow_texts)
    app = make_app(list_ws, annotator="t")
    async with app.run_test(size=SIZE) as pilot:
        try:
            await pilot.press("slash", *"geneva")  # in every text, in no title
            for _ in range(100):
                if titles(app):
                    break
                await pilot.pause(0.05)
            assert titles(app) == ["Article 10", "Article 2"]
        finally:
            release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert titles(app) == ["Article 10", "Article 2", "Article 1", "Article 100"]


async def test_a_large_workspace_shows_the_first_summaries_matches_while_the_rest_are_read(list_ws, monkeypatch):
    """Past SUMMARIES_AT_ONCE articles, the first summaries read are filtered at once: their
    matches are listed while the rest are still being read (issue 19: 100,000 take a second)."""
    from tui.ui.screens import articles

    monkeypatch.setattr(articles, "SUMMARIES_AT_ONCE", 2)
    monkeypatch.setattr(articles, "SUMMARIES_FIRST", 1)
    release = threading.Event()
    row = list_ws.row

    def slow_row(aid):
        if aid != "a0" and threading.current_thread() is not threading.main_thread():
            release.wait(10)  # the worker's summaries past the first are on their way
        return row(aid)

    monkeypatch.setattr(list_ws, "row", slow_row)
    app = make_app(list_ws, annotator="t")
    async with app.run_test(size=SIZE) as pilot:
        try:
            await pilot.press("slash", *"wire")
            for _ in range(100):
                if titles(app) != ["Article 10", "Article 2", "Article 1", "Article 100"]:
                    break
                await pilot.pause(0.05)
            assert titles(app) == ["Article 10"]
        finally:
            release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert titles(app) == ["Article 10", "Article 1"]
