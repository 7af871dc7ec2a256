"""Random key sequences in the reader, over the seeds and over an article full of hostile
characters: the app never crashes, the view shows what is saved, and the store's invariants
hold (offsets point at their text, entities do not overlap, speakers point at their mention,
the summary rows match a recount)."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import tempfile
from pathlib import Path
from unittest import mock

import pyperclip
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.ui.app import make_app
from tui.model import QUOTE_LABEL, Annotation, Article, Speaker
from tui.ui.screens.reader import ReaderScreen
from tui.store import Workspace

from ..conftest import make_workspace
from .reader import SIZE, check_store

# A dozen runs of each in the suite (about 20 s); READTUI_FUZZ_EXAMPLES=500 for a long hunt.
FUZZ = settings(max_examples=int(os.environ.get("READTUI_FUZZ_EXAMPLES", 12)), deadline=None,
                suppress_health_check=list(HealthCheck))

# The reader's keys, the app's, the pickers' and the question's, and the list's enter; the
# ones that change annotations (and show rejected ones again) twice as often.
KEYS = (list("npNax123456789lAvscrdjkuy") + ['"', "?", "n", "a", "x", "v", "r", "1", "2", "u",
        "left", "right", "up", "down",
        "left_square_bracket", "right_square_bracket", "left_curly_bracket", "right_curly_bracket",
        "pageup", "pagedown", "escape", "enter", "ctrl+r", "quotation_mark", "question_mark"])

# Emoji (with ZWJ sequences and flags), combining marks, right-to-left text, tabs, CRLF,
# C0/C1 controls, zero-width and bidi characters, a lone surrogate (a JSON \ud800 escape).
HOSTILE = (
    "Zoë Ca\u0301rdenas 👩\u200d👩\u200d👧 met أحمد الشرع\tin Tel Aviv on Monday.\r\n"
    "\"We will rebuild 🇺🇦 together, whatever it takes,\" said Zoë Ca\u0301rdenas.\r\n"
    "The ministry\u200b said\x00 nothing\x07 at all \x1b[31mred\x1b[0m \x9b2J ok.\r\n"
    "\u202eRTL override\u202c and \u2067isolate\u2069 and e\u0301\u0301\u0301 and ﷽ and 𝔘𝔫𝔦.\r\n"
    "\t\tIndented\tline with שלום עולם and \"a second quote, lone\ud800surrogate, long enough\" said أحمد."
)


def hostile_article(ws: Workspace) -> None:
    t = HOSTILE
    anns: list[Annotation] = []
    for i, (name, label) in enumerate([("Zoë Ca\u0301rdenas", "PERSON"), ("أحمد الشرع", "PERSON"),
                                       ("Tel Aviv", "GPE"), ("Monday", "DATE"), ("שלום", "ORG"),
                                       ("𝔘𝔫𝔦", "ORG")]):
        for m in re.finditer(re.escape(name), t):
            if not any(a.start < m.end() and m.start() < a.end for a in anns):
                anns.append(Annotation(f"e{i}{m.start()}", "h1", "entity", m.start(), m.end(), label))
    zoe = t.index("Zoë", 10)
    for m in re.finditer(r'"[^"]{20,}"', t):
        sp = Speaker(zoe, zoe + len("Zoë Ca\u0301rdenas"), "Zoë Ca\u0301rdenas", "") if m.start() < zoe else None
        anns.append(Annotation(f"q{m.start()}", "h1", "quote", m.start(), m.end(), QUOTE_LABEL,
                               speaker=sp, origin="rules"))
    ws.add_articles([(Article(id="h1", text=t, title="Zoë 👩\u200d👩\u200d👧 \u202eeltit\tTab"), anns)])


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("fuzz")
    make_workspace(root / "seeds" / "ws.json").close()
    ws = Workspace.open(root / "hostile" / "ws.json")
    hostile_article(ws)
    ws.close()
    return {"seeds": root / "seeds", "hostile": root / "hostile"}


def view_matches_store(app, ws: Workspace) -> None:
    for screen in app.screen_stack:
        if isinstance(screen, ReaderScreen):
            stored = {a.id: a for a in ws.annotations(screen.article_id)}
            assert screen.view.anns == stored, "the view shows something other than what is saved"
            assert screen.view.current is None or screen.view.current in stored


async def drive(folder: Path, keys: list[str]) -> None:
    ws = Workspace.open(folder / "ws.json")
    try:
        app = make_app(ws, annotator="fuzz")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("enter")
            for k in keys:
                await pilot.press(k)
            await pilot.pause()
            assert app.is_running and app._exception is None, app._exception
            view_matches_store(app, ws)
        assert app._exception is None, app._exception
        check_store(ws)
    finally:
        ws.close()
    with Workspace.open(folder / "ws.json", readonly=True) as again:  # and durably so
        check_store(again)


def run_keys(template: Path, keys: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp, mock.patch.object(pyperclip, "copy", lambda text: text.encode("utf-8")):
        folder = Path(tmp) / "ws"
        shutil.copytree(template, folder)
        asyncio.run(drive(folder, keys))


key_sequences = st.lists(st.sampled_from(KEYS), min_size=1, max_size=40)


@FUZZ
@given(keys=key_sequences)
def test_random_keys_on_the_seeds(templates, keys):
    run_keys(templates["seeds"], keys)


@FUZZ
@given(keys=key_sequences)
def test_random_keys_on_a_hostile_article(templates, keys):
    run_keys(templates["hostile"], keys)


async def test_accepting_a_rejected_entity_never_overlaps_its_replacement(ws, seed0):
    """Reject "Sara Carter", make "Sara" a PERSON in its place, show rejected, accept the old
    one: refused with the reason (two live entities over one name would break the export)."""
    app = make_app(ws, annotator="t")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        view = app.screen.view
        for _ in range(40):
            if view.current_annotation().text == "Sara Carter":
                break
            await pilot.press("n")
        old = view.current_annotation()
        await pilot.press("x", "v", "1", "r")
        while view.current != old.id:
            await pilot.press("n")
        await pilot.press("a")
        assert ws.annotation(seed0, old.id).status == "rejected"
        assert view.anns[old.id].status == "rejected"
        assert any("overlaps the PERSON 'Sara'" in n.message for n in app._notifications)
        await pilot.press("a")  # and the view still works
        assert app.is_running and app._exception is None
    check_store(ws)
