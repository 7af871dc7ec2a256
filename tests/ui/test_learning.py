"""Decisions that propagate (issue 16), pressed for real in the reader: a relabel or a
reject in one article changes the pending suggestions for the same text in the articles
not yet done, marked learned; u takes the decision and what followed back together."""

from __future__ import annotations

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
