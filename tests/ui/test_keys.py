"""Pilot tests: every key of the contract, pressed for real, checked in the store."""

from __future__ import annotations

import pyperclip
import pytest

from tui.ui.app import make_app
from tui.ui.screens.articles import ArticlesScreen
from tui.ui.screens.confirm import PendingOnDone
from tui.ui.screens.help import HelpScreen
from tui.ui.screens.pickers import LabelPicker, SpeakerPicker
from tui.ui.screens.reader import ReaderScreen
from tui.store import SaveFailed, Workspace

SIZE = (120, 36)


@pytest.fixture
def app(ws):
    return make_app(ws, annotator="tester")


async def open_reader(app, pilot) -> ReaderScreen:
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, ReaderScreen)
    return app.screen


def current(app):
    return app.screen.view.current_annotation()


def stored(ws, ann):
    return ws.annotation(ann.article_id, ann.id)


def durable(ws, ann):
    """The annotation as a fresh reader of the files sees it (journal replayed)."""
    fresh = Workspace.open(ws.path, readonly=True)
    try:
        return fresh.annotation(ann.article_id, ann.id)
    finally:
        fresh.close()


async def go_to(app, pilot, pred):
    for _ in range(80):
        cur = current(app)
        if cur is not None and pred(cur):
            return cur
        await pilot.press("n")
    raise AssertionError("no such annotation")


# -- the articles list ---------------------------------------------------------------------

async def test_list_moves_with_arrows_and_jk_and_enter_opens(app, ws):
    ids = [r["id"] for r in ws.rows()]
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ArticlesScreen)
        assert screen.highlighted_id() == ids[0]
        await pilot.press("down")
        assert screen.highlighted_id() == ids[1]
        await pilot.press("k")
        assert screen.highlighted_id() == ids[0]
        await pilot.press("j")
        assert screen.highlighted_id() == ids[1]
        await pilot.press("up")
        reader = await open_reader(app, pilot)
        assert reader.article_id == ids[0]
        await pilot.press("escape")
        assert isinstance(app.screen, ArticlesScreen)


async def test_slash_filters_over_title_and_text(app, ws):
    texts = {r["id"]: ws.article(r["id"]).text for r in ws.rows()}
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"counterterrorism")
        await app.workers.wait_for_complete()  # the texts are read in a worker
        await pilot.pause()
        shown = app.screen.article_list
        expected = [i for i, t in texts.items() if "counterterrorism" in t]
        assert 0 < len(expected) < len(texts)
        assert shown.ids == expected
        await pilot.press("enter")  # keeps the filter, back to the list
        await pilot.press("escape")  # clears it
        assert shown.row_count == len(texts)
        await pilot.press("slash", *"stage for the inaugural")
        assert shown.row_count == 1


async def test_header_shows_workspace_annotator_and_progress(app, ws):
    async with app.run_test(size=SIZE):
        assert "demo" in app.title and "tester" in app.title
        total = sum(r["annotations"] for r in ws.rows())
        assert "articles 0/2 done" in app.sub_title
        assert f"annotations 0/{total} reviewed" in app.sub_title


# -- moving ---------------------------------------------------------------------------------

async def test_n_p_step_in_text_order(app, ws, seed0):
    order = [a.id for a in ws.annotations(seed0)]
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(app, pilot)
        assert current(app).id == order[0]
        await pilot.press("n", "n")
        assert current(app).id == order[2]
        await pilot.press("p")
        assert current(app).id == order[1]


async def test_N_skips_to_the_next_pending(app, ws, seed0):
    order = [a.id for a in ws.annotations(seed0)]
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(app, pilot)
        await pilot.press("n", "a", "p")  # the second one is now accepted
        assert current(app).id == order[0]
        await pilot.press("N")
        assert current(app).id == order[2]


# -- reviewing --------------------------------------------------------------------------------

async def test_a_accepts_and_x_rejects_durably(app, ws):
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(app, pilot)
        first = current(app)
        await pilot.press("a")
        assert stored(ws, first).status == "accepted"
        assert durable(ws, first).status == "accepted"
        assert stored(ws, first).annotator == "tester"
        await pilot.press("n")
        second = current(app)
        await pilot.press("x")
        assert durable(ws, second).status == "rejected"


@pytest.mark.parametrize("key", list("123456789"))
async def test_number_keys_relabel_and_accept(app, ws, key):
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(app, pilot)
        ent = await go_to(app, pilot, lambda a: a.kind == "entity")
        await pilot.press(key)
        now = stored(ws, ent)
        assert now.label == ws.labels[int(key) - 1]
        assert now.status == "accepted"
        if now.label != ent.label:
            assert now.original["label"] == ent.label


async def test_l_picks_any_label(app, ws):
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(app, pilot)
        ent = await go_to(app, pilot, lambda a: a.kind == "entity" and a.label == "GPE")
        await pilot.press("l")
        assert isinstance(app.screen, LabelPicker)
        await pilot.press("down", "enter")  # the picker opens on GPE; one down is LOC
        await pilot.pause()
        assert stored(ws, ent).label == "LOC"


async def test_brackets_move_start_and_end_by_word(app, ws, seed0):
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(app, pilot)
        ent = await go_to(app, pilot, lambda a: a.text == "Sara Carter")
        await pilot.press("right_square_bracket")
        assert stored(ws, ent).text == "Carter"
        await pilot.press("left_square_bracket")
        assert stored(ws, ent).text == "Sara Carter"
        await pilot.press("right_curly_bracket")
        assert stored(ws, ent).text == "Sara Carter, Director"  # the comma inside is fine
        await pilot.press("left_curly_bracket")
        now = stored(ws, ent)
        assert now.text == "Sara Carter"
        assert now.status == "accepted" and now.original["start"] == ent.start


async def test_A_accepts_every_pending_in_one_save(app, ws, seed0):
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(app, pilot)
        lines_before = ws.journal.path.read_bytes().count(b"\n")
        await pilot.press("A")
        assert all(a.status == "accepted" for a in ws.annotations(seed0))
        assert ws.journal.path.read_bytes().count(b"\n") == lines_before + 1


async def test_v_selection_makes_an_entity_snapped_to_words(app, ws, seed0):
    text = ws.article(seed0).text
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_reader(app, pilot)
        target = text.index("Drug Policy Executive Working Group")
        while reader.view.words[reader.view.caret][0] < target:
            await pilot.press("right")
        await pilot.press("v", "right", "right", "right", "right")
        assert reader.view.selecting
        await pilot.press("2")
        new = [a for a in ws.annotations(seed0) if a.origin == "manual"]
        assert [(a.text, a.label, a.status) for a in new] == [
            ("Drug Policy Executive Working Group", "ORG", "accepted")]
        assert not reader.view.selecting


async def test_v_selection_refuses_overlap_with_an_entity(app, ws, seed0):
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_reader(app, pilot)
        await go_to(app, pilot, lambda a: a.text == "Sara Carter")
        await pilot.press("v", "right", "right", "1")
        assert not [a for a in ws.annotations(seed0) if a.origin == "manual"]
        assert reader.view.selecting  # still selecting: the analyst can fix it
        await pilot.press("escape")
        assert not reader.view.selecting
        assert isinstance(app.screen, ReaderScreen)


async def test_v_then_quote_mark_makes_a_quote_and_escape_cancels(app, ws, seed0):
    text = ws.article(seed0).text
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_reader(app, pilot)
        target = text.index("Counter-narcotics efforts")
        while reader.view.words[reader.view.caret][0] < target:
            await pilot.press("down")
        while reader.view.words[reader.view.caret][0] > target:
            await pilot.press("left")
        await pilot.press("v", "right", "right", "right", "quotation_mark")
        quotes = [a for a in ws.annotations(seed0) if a.origin == "manual"]
        assert [(a.kind, a.text) for a in quotes] == [("quote", "Counter-narcotics efforts have")]


async def test_s_sets_the_speaker_most_likely_first(app, ws, seed0):
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(app, pilot)
        quote = await go_to(app, pilot, lambda a: a.kind == "quote" and a.text.startswith('"India'))
        await pilot.press("s")
        picker = app.screen
        assert isinstance(picker, SpeakerPicker)
        assert picker.mentions[0][0].text == "Vinay Kwatra"  # the attribution before the quote
        names = [a.text for a, _ in picker.mentions]
        assert names.index("Vinay Kwatra") < names.index("Sara Carter")
        await pilot.press("enter")
        await pilot.pause()
        sp = stored(ws, quote).speaker
        assert (sp.text, sp.name) == ("Vinay Kwatra", "Vinay Kwatra")
        assert ws.article(seed0).text[sp.start:sp.end] == "Vinay Kwatra"
        await pilot.press("s", "end", "enter")  # "no speaker" is last
        await pilot.pause()
        assert stored(ws, quote).speaker is None


async def test_c_copies_a_quote_with_attribution(app, ws, monkeypatch):
    copied = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(app, pilot)
        await go_to(app, pilot, lambda a: a.kind == "quote")
        await pilot.press("s")  # Carter is the quote's speaker; resolve to "Sara Carter"
        names = [a.text for a, _ in app.screen.mentions]
        await pilot.press(*["down"] * names.index("Carter"), "enter")
        await pilot.pause()
        await pilot.press("c")
        assert copied == ["“The drug crisis is now a core national security priority. This Executive "
                          "Working Group leverages the bilateral partnership to protect families while "
                          "also supporting legitimate industries,” — Sara Carter (IANS, 2026-01-28)"]
        await pilot.press("n", "c")
        assert copied[-1] == "Carter"


async def test_c_falls_back_to_osc52_and_says_so_once(app, ws, monkeypatch):
    def broken(text):
        raise pyperclip.PyperclipException("no clipboard")

    monkeypatch.setattr(pyperclip, "copy", broken)
    sent = []
    monkeypatch.setattr(app, "copy_to_clipboard", sent.append)
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(app, pilot)
        await pilot.press("c", "n", "c")
        assert len(sent) == 2
        told = [n for n in app._notifications if "OSC 52" in n.message]
        assert len(told) == 1


async def test_u_and_ctrl_r_undo_and_redo_across_articles(app, ws):
    ids = [r["id"] for r in ws.rows()]
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(app, pilot)
        first = current(app)
        await pilot.press("a", "escape", "down", "enter")
        await pilot.pause()
        second = current(app)
        assert second.article_id == ids[1]
        await pilot.press("x", "u")
        assert stored(ws, second).status == "pending"
        await pilot.press("u")  # the accept in the first article
        assert stored(ws, first).status == "pending"
        assert app.screen.article_id == ids[0]
        await pilot.press("ctrl+r")
        assert durable(ws, first).status == "accepted"
        await pilot.press("ctrl+r")
        assert stored(ws, second).status == "rejected"


async def test_u_removes_an_added_entity(app, ws, seed0):
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(app, pilot)
        await pilot.press(*["left"] * 20)  # to "The United", which holds no entity
        await pilot.press("v", "right", "1")
        assert [a.text for a in ws.annotations(seed0) if a.origin == "manual"] == ["The United"]
        await pilot.press("u")
        assert not any(a.origin == "manual" for a in ws.annotations(seed0))


async def test_d_with_pending_asks_then_y_accepts_all_and_opens_next(app, ws):
    ids = [r["id"] for r in ws.rows()]
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(app, pilot)
        await pilot.press("d")
        assert isinstance(app.screen, PendingOnDone)
        await pilot.press("n")
        assert isinstance(app.screen, ReaderScreen) and ws.row(ids[0])["state"] != "done"
        await pilot.press("d", "escape")
        assert ws.row(ids[0])["state"] != "done"
        await pilot.press("d", "y")
        await pilot.pause()
        assert ws.row(ids[0])["state"] == "done"
        assert all(a.status != "pending" for a in ws.annotations(ids[0]))
        assert app.screen.article_id == ids[1]
        await pilot.press("A", "d")  # nothing pending: no question; every article done
        await pilot.pause()
        assert ws.row(ids[1])["state"] == "done"
        assert isinstance(app.screen, ArticlesScreen)
        assert "articles 2/2 done" in app.sub_title


async def test_r_toggles_rejected_back_into_view(app, ws):
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_reader(app, pilot)
        first = current(app)
        await pilot.press("x", "n")
        assert not reader.view.visible(reader.view.anns[first.id])
        await pilot.press("r")
        assert reader.view.visible(reader.view.anns[first.id])


async def test_question_mark_shows_help_from_the_bindings(app):
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(app, pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        from tui.ui.screens.help import help_rows

        rows = dict(help_rows(app, ReaderScreen.BINDINGS))
        assert "1–9" in rows and "[" in rows and '"' in rows
        await pilot.press("escape")
        assert isinstance(app.screen, ReaderScreen)


async def test_ctrl_q_quits_and_loses_nothing(app, ws):
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(app, pilot)
        first = current(app)
        await pilot.press("a", "ctrl+q")
        await pilot.pause()
    assert app.return_code == 0 or app.return_code is None
    assert durable(ws, first).status == "accepted"


async def test_a_save_failure_is_shown_and_not_applied(app, ws, monkeypatch):
    def refuse(*args, **kwargs):
        raise SaveFailed("disk full")

    async with app.run_test(size=SIZE) as pilot:
        reader = await open_reader(app, pilot)
        first = current(app)
        monkeypatch.setattr(ws, "save", refuse)
        await pilot.press("a")
        assert reader.view.anns[first.id].status == "pending"
        assert any("disk full" in n.message for n in app._notifications)


async def test_article_text_is_data_not_markup(tmp_path):
    from tui.model import Annotation, Article

    ws = Workspace.open(tmp_path / "w.json")
    text = "Plain [bold]not bold[/bold] and \x1b[31mred\x1b[0m and a bell \x07 here."
    art = Article(id="a1", text=text, title="[red]Title[/red]")
    ws.add_articles([(art, [Annotation("x1", "a1", "entity", 0, 5, "ORG", status="pending")])])
    app = make_app(ws, annotator="t")
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(app, pilot)
        lines = [app.screen.view.render_line(y).text for y in range(3)]
        joined = "".join(lines)
        assert "[bold]not bold[/bold]" in joined
        assert "\x1b" not in joined and "\x07" not in joined
        assert "\ufffd[31mred" in joined
    ws.close()


async def test_ctrl_c_tells_how_to_quit_in_plain_words(app, ws):
    async with app.run_test(size=SIZE) as pilot:
        for where in ("list", "reader"):
            if where == "reader":
                await open_reader(app, pilot)
            await pilot.press("ctrl+c")
            await pilot.pause()
            told = [n for n in app._notifications if "quit" in n.message]
            assert told and all("[" not in n.message and "ctrl+q" in n.message for n in told)
            assert app.is_running
