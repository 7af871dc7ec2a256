"""Article text with Rich/Textual markup and terminal escape sequences is shown as inert text.

Checked twice: on the screen (the literal ``[bold red]`` is there, offsets stay right) and in
the bytes written to the terminal (no clipboard write, hyperlink, clear-screen, C1 control or
bidi override from the article gets through), in every place article text is shown: the
articles list, the title, the metadata line, the article, the side panel, the speaker picker,
the label picker and the notifications (copied, undone, done-next, overlap warning).
"""

from __future__ import annotations

import shutil

import pyperclip
import pytest
from textual.app import App

from tui.ui.app import make_app
from tui.speakers import attribution
from tui.ui.screens.articles import ArticlesScreen
from tui.ui.screens.pickers import LabelPicker, SpeakerPicker
from tui.ui.screens.reader import ReaderScreen
from tui.spans import encodable, sanitize
from tui.store import Workspace
from tui.ui.widgets.article_view import SPEAKER_MARK, TAG_SEP

from .reader import (SECOND_TITLE, SIZE, TEXT, TITLE, capture_terminal, check_store,
                     hostile_workspace, leaks, screen_text, tmux_terminal)
from ..e2e.test_tmux import READTUI


@pytest.fixture
def hws(tmp_path):
    ws = hostile_workspace(tmp_path / "hostile.json")
    yield ws
    ws.close()


@pytest.fixture
def copied(monkeypatch):
    out: list[str] = []

    def copy(text: str) -> None:  # as pyperclip does: the clipboard takes UTF-8
        out.append(text.encode("utf-8").decode("utf-8"))

    monkeypatch.setattr(pyperclip, "copy", copy)
    return out


async def go_to(pilot, ann_id: str) -> None:
    for _ in range(20):
        if pilot.app.screen.view.current == ann_id:
            return
        await pilot.press("n")
    raise AssertionError(f"never reached {ann_id}")


async def test_markup_and_escapes_never_reach_the_terminal(hws, copied, monkeypatch):
    stream = capture_terminal(monkeypatch)
    app = make_app(hws, annotator="t")
    told = []  # every notification as it reached Textual (one is shown at a time)
    real_notify = App.notify
    monkeypatch.setattr(App, "notify", lambda self, message, **kw: (told.append((message, kw)),
                                                                     real_notify(self, message, **kw)))
    seen: list[str] = []
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        seen.append(screen_text(app))  # the articles list
        assert "[@click=app.quit]Evil title[/]" in seen[-1]
        await pilot.press("enter")
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        seen.append(screen_text(app))
        for key in ("c", "n", "c", "n", "c", "n", "c", "n", "c"):  # every annotation, copied
            await pilot.press(key)
            await pilot.pause()
            seen.append(screen_text(app))
        await go_to(pilot, "q1")
        await pilot.press("s")  # the speaker picker
        await pilot.pause()
        assert isinstance(app.screen, SpeakerPicker)
        seen.append(screen_text(app))
        await pilot.press("escape")
        await go_to(pilot, "e2")
        await pilot.press("l")  # the label picker, on the hostile label
        await pilot.pause()
        assert isinstance(app.screen, LabelPicker)
        seen.append(screen_text(app))
        await pilot.press("escape")
        await pilot.press("a", "u")  # "Undid accept in “<title>”"
        await pilot.pause()
        seen.append(screen_text(app))  # one notification at a time: this one, before the next
        await go_to(pilot, "e5")
        await pilot.press("v", "1")  # overlaps the ORG "[@click…]Ministry": a warning with the text
        await pilot.pause()
        assert app.screen.view.selecting
        await pilot.press("escape", "x", "r")  # cancel; reject; show rejected ones too
        await pilot.press("d", "y")  # "Done. Next: <second title>"
        await pilot.pause()
        seen.append(screen_text(app))
        assert app.screen.article_id == "a2"
        assert app.is_running and app._exception is None

    messages = [m for m, _ in told]
    assert any(m.startswith("Copied: ") for m in messages)
    assert any("Undid accept" in m for m in messages)
    assert any(m.startswith("Done. Next: ") for m in messages)
    assert any("overlaps the ORG" in m for m in messages)
    assert all(kw.get("markup") is False for _, kw in told)  # notifications are never markup

    shown = "\n".join(seen)
    for literal in ("[bold red]Markup[/]", "[@click=app.quit]click", "[link=https://evil.example]a",
                    "link[/link]", "[@click=app.quit]Ministry[/]", "[@click=app.quit]Evil title[/]",
                    "[b]IANS", "[@click=app.quit]Delhi", "[@click=app.quit]Second[/]"):
        assert literal in shown, literal
    assert "Copied: [bold red]Markup[/]" in shown
    assert "Undid accept in “[@click=app.quit]Evil title[/]" in shown
    assert "Done. Next: [@click=app.quit]Second[/]" in shown

    data = "".join(stream)
    assert "[bold red]Markup[/]" in data  # the literal text was painted...
    assert leaks(data) == []  # ...and nothing the terminal would act on came with it
    assert copied and TEXT.index("Sara") and any("Sara\x1b[2J Carter" in c for c in copied)  # the copy is exact
    check_store(hws)


async def test_offsets_stay_right_in_the_article_view(hws):
    app = make_app(hws, annotator="t")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        view = app.screen.view
        assert view.text == sanitize(TEXT) and len(view.text) == len(TEXT)
        for a in view.ordered():  # every annotation still covers exactly its text
            assert view.text[a.start:a.end] == sanitize(a.text)
        for s, e in view.words:  # the caret's words are the same words in the stored text
            assert view.text[s:e] == TEXT[s:e]
        # A new entity over "[b]win[/b]": snapped to words in the stored text's offsets.
        target = TEXT.index("win[/b]")
        while view.words[view.caret][0] < target:
            await pilot.press("right")
        while view.words[view.caret][0] > target:
            await pilot.press("left")
        await pilot.press("v", "3")
        new = [a for a in hws.annotations("a1") if a.origin == "manual"]
        assert [(a.text, a.label) for a in new] == [("win", "GPE")]
        assert TEXT[new[0].start:new[0].end] == "win"
        lines = [view.render_line(y).text for y in range(view.size.height)]
        shown = " ".join(ln.strip() for ln in lines)
        for tag in {TAG_SEP + sanitize(a.label) for a in view.ordered()} | {SPEAKER_MARK}:
            shown = shown.replace(tag, "")
        for word in sanitize(TEXT).split():  # every word painted whole (a label tag with a
            assert word in shown, word       # control character once shifted the lines after it)
        assert not any("\x1b" in ln or "\x9b" in ln or "\u202e" in ln for ln in lines)
    check_store(hws)


async def click_on(pilot, word: str) -> int:
    """Click every place the screen shows ``word``; returns how many there were."""
    lines = screen_text(pilot.app).splitlines()
    spots = [(line.index(word) + 2, y) for y, line in enumerate(lines) if word in line]
    for x, y in spots:
        await pilot.click(offset=(x, y))
        await pilot.pause()
    return len(spots)


async def test_click_markup_in_a_title_or_the_text_does_not_quit(hws, monkeypatch):
    quits = []
    app = make_app(hws, annotator="t")
    monkeypatch.setattr(app, "action_quit", lambda: quits.append(1))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert await click_on(pilot, "Second[/]") == 1  # the articles list (not the highlighted row)
        assert isinstance(app.screen, ArticlesScreen)
        await pilot.press("up", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        # The title, the text, the label tag, the side panel.
        for word in ("Evil title", "Delhi", "Markup[/]", "[@click=app.quit] and", "Ministry"):
            assert await click_on(pilot, word) >= 1, word
        await go_to(pilot, "q1")  # the quote (the clicks above moved the caret): its speaker in the panel
        assert await click_on(pilot, "[@click=app.quit]Sara") == 1
        await pilot.press("a", "u")  # a notification with the title in it
        await pilot.pause()
        assert await click_on(pilot, "Evil title") == 2  # the title and the toast
        assert app.is_running and not quits
        assert isinstance(app.screen, ReaderScreen)


def test_sanitize_keeps_offsets_and_removes_every_control():
    clean = sanitize(TEXT + TITLE + SECOND_TITLE)
    assert len(clean) == len(TEXT + TITLE + SECOND_TITLE)
    assert not leaks(clean.replace("\n", " "))


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_real_terminal_gets_no_escape_from_the_article(tmp_path):
    """The installed ``readtui`` in tmux; ``pipe-pane`` records the raw bytes it writes."""
    db = tmp_path / "hostile.json"
    hostile_workspace(db).close()
    raw = tmp_path / "pane.raw"
    env = "-u COLUMNS -u LINES -u DISPLAY -u WAYLAND_DISPLAY TERM=xterm-256color TEXTUAL_ANIMATIONS=none"
    term = tmux_terminal(f"env {env} {READTUI} --db {db} --annotator t", record=raw)
    try:
        term.wait(lambda s: "Evil title" in s and "articles 0/2 done" in s, "the articles list")
        term.keys("Enter")
        term.wait(lambda s: "[bold red]Markup[/]" in s and "Next pending" in s, "the reader")
        term.keys("c")  # copy "[bold red]Markup[/]": the clipboard or OSC 52 (Textual's own)
        term.wait(lambda s: "Copied:" in s, "the copy notification")
        term.keys("n", "n", "n", "c")  # the quote, with its hostile attribution
        term.keys("a", "u")
        term.wait(lambda s: "Undid accept" in s, "the undo notification")
        term.keys("d")
        term.wait(lambda s: "still pending" in s, "the done question")
        term.keys("y")
        shown = term.wait(lambda s: "Done. Next:" in s, "the next article")
        term.quit()
    finally:
        term.close()
    data = raw.read_bytes()
    assert b"\x1b[?1049h" in data and b"[bold red]Markup[/]" in data  # the app's output was recorded
    text = data.decode("utf-8")
    article = Workspace.open(db, readonly=True)
    try:
        anns = {a.id: a for a in article.annotations("a1")}
        copies = [encodable(attribution(article.article("a1"), anns[i])) for i in ("e1", "q1")]
    finally:
        article.close()
    assert leaks(text, copies) == []
    assert "Done. Next: [@click=app.quit]Second[/]" in shown


async def test_windows_line_endings_and_tabs_show_as_spaces(tmp_path):
    from tui.model import Annotation, Article

    text = "First line\twith a tab.\r\nSecond line, Sara Carter.\r\n\r\nThird.\r\n"
    ws = Workspace.open(tmp_path / "w.json")
    s = text.index("Sara")
    ws.add_articles([(Article(id="a1", text=text, title="CRLF\r\n"),
                      [Annotation("e1", "a1", "entity", s, s + 11, "PERSON")])])
    app = make_app(ws, annotator="t")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        shown = screen_text(app).replace(TAG_SEP, " ")
        assert "\ufffd" not in shown
        assert "First line with a tab." in shown and "Second line, Sara Carter PERSON." in shown
        await pilot.press("a")
        assert ws.annotation("a1", "e1").text == "Sara Carter"
    ws.close()


async def test_a_huge_title_or_source_leaves_room_for_the_article(tmp_path):
    from tui.model import Annotation, Article

    ws = Workspace.open(tmp_path / "w.json")
    ws.add_articles([(Article(id="a1", text="Body text with Sara Carter.", title="Long " * 2000,
                              source="S" * 3000, dateline="D" * 500),
                      [Annotation("e1", "a1", "entity", 15, 26, "PERSON")])])
    app = make_app(ws, annotator="t")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.view.size.height >= SIZE[1] - 8  # the title takes three lines at most
        assert "Body text with Sara Carter" in screen_text(app)
    ws.close()
