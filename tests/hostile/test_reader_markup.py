"""Article text with Rich/Textual markup and terminal escape sequences is shown as inert text.

Checked twice: on the screen (the literal ``[bold red]`` is there, offsets stay right) and in
the bytes written to the terminal (no clipboard write, hyperlink, clear-screen, C1 control or
bidi override from the article gets through), in every place article text is shown: the
articles list, the title, the metadata line, the article, the side panel, the speaker picker,
the label picker and the notifications (copied, undone, done-next, overlap warning).
"""

from __future__ import annotations

import pyperclip
import pytest

from tui.app import make_app
from tui.screens.articles import ArticlesScreen
from tui.screens.pickers import LabelPicker, SpeakerPicker
from tui.screens.reader import ReaderScreen
from tui.spans import sanitize
from tui.widgets.article_view import SPEAKER_MARK, TAG_SEP

from .reader import (SECOND_TITLE, SIZE, TEXT, TITLE, capture_terminal, check_store,
                     hostile_workspace, leaks, screen_text)


@pytest.fixture
def hws(tmp_path):
    ws = hostile_workspace(tmp_path / "hostile.json")
    yield ws
    ws.close()


@pytest.fixture
def copied(monkeypatch):
    out: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", out.append)
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

    messages = [n.message for n in app._notifications]
    assert any(m.startswith("Copied: ") for m in messages)
    assert any("Undid accept" in m for m in messages)
    assert any(m.startswith("Done. Next: ") for m in messages)
    assert any("overlaps the ORG" in m for m in messages)
    assert all(not n.markup for n in app._notifications)  # notifications are never markup

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
        await pilot.press("n", "n", "n")  # the quote: its speaker's name in the panel
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
