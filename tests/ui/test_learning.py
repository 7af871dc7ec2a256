"""Decisions that propagate (issue 16), pressed for real in the reader: a relabel or a
reject in one article changes the pending suggestions for the same text in the articles
not yet done, marked learned; u takes the decision and what followed back together."""

from __future__ import annotations

import pytest

from tui.store import Workspace
from tui.ui.app import make_app

from .test_keys import SIZE, current, go_to, open_reader

NAME = "Monika Ashish Batra"  # the fake model calls her ORG in both seed articles


def suggestions_for(ws: Workspace, aid: str, text: str):
    return [a for a in ws.annotations(aid) if a.kind == "entity" and a.text == text]


def durable_patterns(ws: Workspace) -> str:
    path = ws.learned_path("patterns.jsonl")
    return path.read_text() if path.exists() else ""


async def test_relabel_follows_into_the_next_article_and_undo_takes_it_back(ws):
    first, second = [r["id"] for r in ws.rows()]
    [before] = suggestions_for(ws, second, NAME)
    assert (before.label, before.origin, before.status) == ("ORG", "model", "pending")
    app = make_app(ws, annotator="tester")
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(app, pilot)
        await go_to(app, pilot, lambda a: a.text == NAME)
        await pilot.press("1")  # PERSON
        await pilot.pause()
        assert current(app).label == "PERSON"
        [followed] = suggestions_for(ws, second, NAME)
        assert (followed.label, followed.origin, followed.status) == ("PERSON", "learned", "pending")
        assert app.session.learned_from(NAME) == 1
        assert '"pattern": "Monika Ashish Batra"' in durable_patterns(ws)
        assert ws.row(second)["state"] == "new"  # a suggestion that followed is not a review

        await pilot.press("u")
        await pilot.pause()
        [back] = suggestions_for(ws, second, NAME)
        assert back == before
        assert app.session.learned_from(NAME) == 0
        assert NAME not in durable_patterns(ws)
        assert [a.label for a in suggestions_for(ws, first, NAME)] == ["ORG"]


async def test_reject_suppresses_the_suggestion_elsewhere_but_never_in_a_done_article(ws):
    first, second = [r["id"] for r in ws.rows()]
    app = make_app(ws, annotator="tester")
    async with app.run_test(size=SIZE) as pilot:
        # The second article is reviewed first: marked done with its suggestion pending.
        app.session.mark_done(second)
        await open_reader(app, pilot)
        await go_to(app, pilot, lambda a: a.text == "ONDCP")
        await pilot.press("x")
        await pilot.pause()
        pending = suggestions_for(ws, second, "ONDCP")
        assert len(pending) == 2 and {a.status for a in pending} == {"pending"}  # done: untouched
        app.session.undo()
        app.session.undo()  # the mark done
        assert ws.row(second)["state"] == "new"
        await go_to(app, pilot, lambda a: a.text == "ONDCP" and a.status == "pending")
        await pilot.press("x")
        await pilot.pause()
        assert suggestions_for(ws, second, "ONDCP") == []  # suppressed in the article not done
        assert app.session.learned_from("ONDCP") == 1  # the first reject was undone
        await pilot.press("u")
        await pilot.pause()
        assert suggestions_for(ws, second, "ONDCP") == pending


async def test_the_panel_says_how_many_decisions_taught_a_learned_suggestion(ws):
    first, second = [r["id"] for r in ws.rows()]
    app = make_app(ws, annotator="tester")
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_reader(app, pilot)
        await go_to(app, pilot, lambda a: a.text == NAME)
        await pilot.press("1")
        await pilot.pause()
        reader.open(second)
        await pilot.pause()
        await go_to(app, pilot, lambda a: a.text == NAME)
        from tui.ui.widgets.panel import AnnotationPanel

        shown = str(app.screen.query_one(AnnotationPanel).render())
        assert "learned from 1 decision" in shown


# -- a new model takes over: the articles nobody has touched are refreshed in the background ----

class NewModel:
    """A trained model as the reader's suggester sees it: it calls ONDCP an ORG, Sara Carter a
    PERSON and nothing else. ``gate``: it waits there first (the test holds it to press keys
    while the refresh runs)."""

    def __init__(self, gate=None):
        self.gate = gate

    def suggest(self, text: str):
        from tui.nlp.suggest import Suggestion

        if self.gate is not None:
            assert self.gate.wait(30)
        return [Suggestion("entity", text.index(name), text.index(name) + len(name), label)
                for name, label in (("ONDCP", "ORG"), ("Sara Carter", "PERSON")) if name in text]


def a_model_takes_over(ws, version: str = "v1", articles: int = 1) -> None:
    """What `readtui train` leaves: models/vN with its meta, and the pointer moved to it."""
    import json

    from tui.nlp.learn import Shelf

    shelf = Shelf(ws.learned_path("models"))
    (shelf.folder / version).mkdir(parents=True)
    (shelf.folder / version / "meta.json").write_text(json.dumps({"readtui": {"articles": articles, "held_out": 0}}))
    shelf.use(shelf.folder / version)


async def wait_for(pilot, test, rounds: int = 400):
    for _ in range(rounds):
        if test():
            return
        await pilot.pause(0.05)
    raise AssertionError("it never happened")


def entities(ws, aid):
    return {(a.text, a.label, a.status) for a in ws.annotations(aid) if a.kind == "entity"}


async def test_a_new_model_refreshes_untouched_articles_in_the_background_and_the_reader_stays_responsive(
        ws, monkeypatch):
    import threading

    import tui.ui.app as app_module

    monkeypatch.setattr(app_module, "WATCH_SECONDS", 0.05, raising=False)
    first, second = [r["id"] for r in ws.rows()]
    gate = threading.Event()
    app = make_app(ws, annotator="tester")
    monkeypatch.setattr(app.session, "suggester", lambda model=None: NewModel(gate))
    untouched_before = entities(ws, second)
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(app, pilot)  # the first article: the analyst works in it
        a_model_takes_over(ws)
        await wait_for(pilot, lambda: "v1" in app.sub_title)  # the header says the new model is coming in
        await pilot.press("A")  # the refresh waits at the gate: the reader still answers
        await pilot.pause()
        assert {a.status for a in ws.annotations(first)} == {"accepted"}
        assert entities(ws, second) == untouched_before
        gate.set()
        await app.workers.wait_for_complete()
        await wait_for(pilot, lambda: any("v1 takes over" in n.message for n in app._notifications))
        assert entities(ws, second) == {("ONDCP", "ORG", "pending"), ("Sara Carter", "PERSON", "pending")}
        assert ws.row(second)["state"] == "new"
        # the article the analyst was in keeps every suggestion of the old model
        assert ("Monika Ashish Batra", "ORG", "accepted") in entities(ws, first)
        assert app.session.history.peek_undo().what.startswith("accept")  # a refresh is no action to undo


async def test_a_refresh_never_touches_a_reviewed_article_nor_one_a_decision_followed_into(ws, monkeypatch):
    import tui.ui.app as app_module

    monkeypatch.setattr(app_module, "WATCH_SECONDS", 0.05, raising=False)
    first, second = [r["id"] for r in ws.rows()]
    app = make_app(ws, annotator="tester")
    monkeypatch.setattr(app.session, "suggester", lambda model=None: NewModel())
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(app, pilot)
        await go_to(app, pilot, lambda a: a.text == NAME)
        await pilot.press("1")  # PERSON: follows into the second article, undoable from here
        await pilot.pause()
        followed = entities(ws, second)
        assert (NAME, "PERSON", "pending") in followed
        await pilot.press("escape")  # back to the list: no article open
        await pilot.pause()
        a_model_takes_over(ws)
        await wait_for(pilot, lambda: any("v1 takes over" in n.message for n in app._notifications))
        await app.workers.wait_for_complete()
        assert entities(ws, second) == followed
        await pilot.press("u")  # and undo still finds what the decision left there
        await pilot.pause()
        assert (NAME, "ORG", "pending") in entities(ws, second)


async def test_a_model_switched_while_no_reader_was_open_refreshes_untouched_articles_at_the_next_start(
        ws, monkeypatch):
    """`readtui train` run with the reader closed: the next reader sees the switch and refreshes
    the articles nobody touched; the one after that does not do it again."""
    import tui.ui.app as app_module

    monkeypatch.setattr(app_module, "WATCH_SECONDS", 0.05, raising=False)
    first, second = [r["id"] for r in ws.rows()]
    a_model_takes_over(ws)  # no reader open
    app = make_app(ws, annotator="tester")
    monkeypatch.setattr(app.session, "suggester", lambda model=None: NewModel())
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: any("v1 takes over" in n.message for n in app._notifications))
        await app.workers.wait_for_complete()
        assert entities(ws, second) == {("ONDCP", "ORG", "pending"), ("Sara Carter", "PERSON", "pending")}
    again = make_app(ws, annotator="tester")
    monkeypatch.setattr(again.session, "suggester", lambda model=None: NewModel())
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause(0.5)
        assert not any("takes over" in n.message for n in again._notifications)


# -- retraining by itself every N articles marked done (the [learning] setting) -----------------

FAKE_TRAIN = """
import json, sys, time
from pathlib import Path
models = Path(sys.argv[1]) / "models"
deadline = time.monotonic() + 60  # a test that failed before its go: gone soon all the same
while not (models / "go").exists() and time.monotonic() < deadline:  # the test's go, once it saw it run
    time.sleep(0.05)
if sys.argv[2] == "fail":
    print("readtui: the articles marked done hold one label only (PER): review more articles; "
          "the workspace keeps its current model.", file=sys.stderr)
    sys.exit(1)
(models / "v1").mkdir()
(models / "v1" / "meta.json").write_text(json.dumps({"readtui": {"articles": 1, "held_out": 0}}))
(models / "current").write_text("v1\\n")
"""


def fake_training(monkeypatch, ws, how: str = "ok") -> None:
    """`readtui train` as a quick process of its own that waits for the test's go."""
    import sys

    import tui.nlp.retrain as retrain

    learned = ws.learned_path("models").parent
    monkeypatch.setattr(retrain, "command", lambda db: [sys.executable, "-c", FAKE_TRAIN, str(learned), how],
                        raising=False)


@pytest.mark.parametrize("how", ["ok", "fail"])
async def test_retrain_every_n_done_runs_training_in_its_own_process_and_says_when_the_model_takes_over(
        ws, monkeypatch, how):
    import os

    import tui.ui.app as app_module
    from tui.settings import Settings

    monkeypatch.setattr(app_module, "WATCH_SECONDS", 0.05, raising=False)
    fake_training(monkeypatch, ws, how)
    first, second = [r["id"] for r in ws.rows()]
    app = make_app(ws, annotator="tester", settings=Settings(retrain_every=1))
    monkeypatch.setattr(app.session, "suggester", lambda model=None: NewModel())
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(app, pilot)
        await pilot.press("A", "d")  # accept all, mark done: the one article the setting waits for
        await wait_for(pilot, lambda: app.training is not None)
        assert app.training.process.pid != os.getpid()
        assert "training a new model in the background" in app.sub_title
        assert app.session.model_version() is None  # the old model suggests meanwhile
        (ws.learned_path("models") / "go").write_text("")
        if how == "fail":
            await wait_for(pilot, lambda: any("Retraining failed" in n.message for n in app._notifications))
            told = next(n for n in app._notifications if "Retraining failed" in n.message)
            assert "one label only (PER)" in told.message and "keeps its current model" in told.message
            assert app.session.model_version() is None and "training" not in app.sub_title
            return
        await wait_for(pilot, lambda: any("v1 takes over" in n.message for n in app._notifications))
        await app.workers.wait_for_complete()
        assert app.session.model_version() == "v1" and app.training is None
        assert "training" not in app.sub_title
        assert app.screen.article_id == second  # opened after the first was done: on screen, so kept
        assert ("Vinay Kwatra", "PERSON", "pending") in entities(ws, second)


def test_the_retrain_setting_is_read_from_the_settings_file_and_a_bad_one_is_one_line(tmp_path):
    from tui.settings import SettingsError, load_settings

    path = tmp_path / "settings.toml"
    path.write_text("[learning]\nretrain_every = 25\n")
    assert load_settings(path).retrain_every == 25
    for bad in ("retrain_every = -1", 'retrain_every = "often"', "every = 3"):
        path.write_text(f"[learning]\n{bad}\n")
        with pytest.raises(SettingsError, match="retrain_every") as told:
            load_settings(path)
        assert "\n" not in str(told.value)


# -- the effort meter: what the reader does, counted --------------------------------------------

async def test_the_effort_meter_counts_accept_all_and_resize_and_the_clock_starts_when_the_article_opens(
        tmp_path, monkeypatch):
    import json
    from types import SimpleNamespace

    import tui.service as service
    from tests.conftest import FakeSuggester, make_workspace

    clock = [0.0]
    monkeypatch.setattr(service, "time", SimpleNamespace(monotonic=lambda: clock[0]))
    ws = make_workspace(tmp_path / "w.json", suggested=False)  # the model suggests as the reader starts
    try:
        app = make_app(ws, annotator="tester", suggester=FakeSuggester())
        async with app.run_test(size=SIZE) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            clock[0] = 1000.0  # the analyst comes back to the list later, and opens the first article
            await open_reader(app, pilot)
            await go_to(app, pilot, lambda a: a.text == "Washington")
            await pilot.press("right_curly_bracket")  # the end one word on: a correction
            await pilot.press("A")
            clock[0] = 1042.0
            await pilot.press("d")
            await pilot.pause()
        [record] = [json.loads(line) for line in ws.learned_path("effort.jsonl").read_text().splitlines()]
        assert (record["actions"], record["corrections"], record["seconds"], record["model"]) == (3, 1, 42.0, "base")
    finally:
        ws.close()


async def test_a_new_model_that_cannot_load_is_said_and_the_suggestions_stay(ws, monkeypatch):
    import tui.ui.app as app_module

    monkeypatch.setattr(app_module, "WATCH_SECONDS", 0.05, raising=False)
    first, second = [r["id"] for r in ws.rows()]
    before = entities(ws, second)
    app = make_app(ws, annotator="tester")
    async with app.run_test(size=SIZE) as pilot:
        a_model_takes_over(ws)  # models/v1 holds a meta.json and nothing else: damaged
        await wait_for(pilot, lambda: any("No suggestions" in n.message for n in app._notifications))
        await app.workers.wait_for_complete()
        told = next(n for n in app._notifications if "No suggestions" in n.message)
        assert "v1 cannot be used" in told.message and "Traceback" not in told.message
        assert entities(ws, second) == before and entities(ws, first)
        assert not any("takes over" in n.message for n in app._notifications)
        assert "refreshing" not in app.sub_title


async def test_a_refresh_that_breaks_is_said_and_the_header_stops_saying_it_refreshes(ws, monkeypatch):
    import tui.ui.app as app_module

    monkeypatch.setattr(app_module, "WATCH_SECONDS", 0.05, raising=False)
    app = make_app(ws, annotator="tester")
    monkeypatch.setattr(app.session, "suggester", lambda model=None: NewModel())
    monkeypatch.setattr(app.session, "untouched", lambda: 1 / 0)  # a fault inside the worker
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(app, pilot)
        a_model_takes_over(ws)
        await wait_for(pilot, lambda: any("ZeroDivisionError" in n.message for n in app._notifications))
        assert "refreshing" not in app.sub_title
