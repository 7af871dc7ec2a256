"""Pilot tests: settling the analysts' disagreements in a gold workspace (issue 17)."""

from __future__ import annotations

import json
from contextlib import asynccontextmanager

from tui.service import Session
from tui.store import Workspace
from tui.ui.app import make_app
from tui.ui.screens.adjudication import AdjudicationScreen
from tui.ui.screens.help import HelpScreen, help_rows
from tui.ui.widgets.versions import VersionsPanel

from ..hostile.helpers import readtui
from .helpers import gold_workspace

SIZE = (120, 36)


def statuses(ws: Workspace, aid: str = "a") -> list[tuple[str, str, str]]:
    """(annotator, label and text, status) of the article's annotations, sorted."""
    return sorted((a.annotator, f"{a.label} {a.text}", a.status) for a in ws.annotations(aid))


def accepted(ws: Workspace, aid: str = "a") -> set[tuple[str, str]]:
    return {(who, what) for who, what, status in statuses(ws, aid) if status == "accepted"}


def rejected(ws: Workspace, aid: str = "a") -> int:
    return sum(status == "rejected" for *_, status in statuses(ws, aid))


def panel(app) -> str:
    return str(app.screen.query_one(VersionsPanel).render())


@asynccontextmanager
async def adjudicating(ws: Workspace):
    """The reader on the gold, for the adjudicator "judge", once it has opened."""
    app = make_app(Session(ws, "judge"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        yield app, pilot


async def test_a_gold_opens_on_its_first_disagreement_with_every_version(tmp_path):
    ws = gold_workspace(tmp_path / "gold.json")
    async with adjudicating(ws) as (app, pilot):
        assert isinstance(app.screen, AdjudicationScreen)
        assert app.screen.sub_title == "4 disagreements left"
        shown = panel(app)
        assert "1  ana" in shown and "2  bob" in shown and "3  cy" in shown
        assert "PERSON  Bob Lee" in shown and "PERSON  Lee" in shown
    ws.close()


async def test_one_key_takes_an_analysts_version_durably_and_moves_on(tmp_path):
    path = tmp_path / "gold.json"
    ws = gold_workspace(path)
    async with adjudicating(ws) as (app, pilot):
        await pilot.press("2")  # bob's "Lee"
        await pilot.pause()
        assert app.screen.sub_title == "3 disagreements left"
        assert "GPE  Paris" in panel(app) and "ORG  Paris" in panel(app)  # on to the next one
    ws.close()
    again = Workspace.open(path)  # from the disk: the journal kept it
    assert ("judge", "PERSON Lee") in accepted(again)  # the adjudicator's now, for the export
    assert rejected(again) == 2  # ana's and cy's "Bob Lee"
    async with adjudicating(again) as (app, pilot):
        assert app.screen.sub_title == "3 disagreements left"
        assert "GPE  Paris" in panel(app)  # reopened on the first still open
    again.close()


async def test_u_takes_a_settlement_back(tmp_path):
    ws = gold_workspace(tmp_path / "gold.json")
    before = statuses(ws)
    async with adjudicating(ws) as (app, pilot):
        await pilot.press("1")
        await pilot.pause()
        assert statuses(ws) != before
        await pilot.press("u")
        await pilot.pause()
        assert statuses(ws) == before
        assert app.screen.sub_title == "4 disagreements left"
        assert "PERSON  Bob Lee" in panel(app)
    ws.close()


async def test_u_in_the_next_article_goes_back_to_the_disagreement_it_undoes(tmp_path):
    ws = gold_workspace(tmp_path / "gold.json")
    async with adjudicating(ws) as (app, pilot):
        await pilot.press("n", "n")  # Rome, the last one in article a
        await pilot.press("2")  # settled: the screen goes on to article b's
        await pilot.pause()
        assert app.screen.article_id == "b"
        await pilot.press("u")
        await pilot.pause()
        assert app.screen.article_id == "a"
        assert "GPE  Rome" in panel(app) and app.screen.sub_title == "4 disagreements left"
    ws.close()


async def test_settling_every_disagreement_marks_done_and_exports_the_versions(tmp_path):
    path = tmp_path / "gold.json"
    ws = gold_workspace(path)
    async with adjudicating(ws) as (app, pilot):
        await pilot.press("1", "3", "b")  # ana's Bob Lee, cy's Paris GPE, Rome kept (only bob marked it)
        await pilot.pause()
        assert ws.row("a")["state"] == "done"
        assert app.screen.article_id == "b"  # on to the next article's disagreement
        shown = panel(app)
        assert "Sara Carter" in shown and "← Carter" in shown  # who said what: each speaker
        await pilot.press("0")  # neither speaker: the quote is rejected
        await pilot.pause()
        assert ws.row("b")["state"] == "done"
        assert app.screen.sub_title == "every disagreement settled"
    assert accepted(ws) == {
        ("judge", "PERSON Sara Carter"), ("judge", "PERSON Bob Lee"), ("judge", "GPE Paris"), ("judge", "GPE Rome")}
    ws.close()
    out = tmp_path / "gold.jsonl"
    r = readtui("export", "--db", path, "-o", out)
    assert r.returncode == 0, r.stderr
    first, second = map(json.loads, out.read_text().splitlines())
    assert first["_annotator_id"] == "judge"
    assert [v["_annotator_id"] for v in first["versions"]] == ["ana", "bob", "cy"]
    assert [(s["text"], s["label"]) for s in first["versions"][1]["spans"]] == [
        ("Sara Carter", "PERSON"), ("Lee", "PERSON"), ("Paris", "ORG"), ("Rome", "GPE")]
    assert [q["speaker"]["text"] for v in second["versions"] for q in v["quotes"]] == ["Sara Carter", "Carter"]
    assert "adjudication" not in first["meta"] and second["quotes"] == []


async def test_n_and_p_step_between_disagreements_across_articles(tmp_path):
    ws = gold_workspace(tmp_path / "gold.json")
    async with adjudicating(ws) as (app, pilot):
        await pilot.press("n", "n", "n")
        await pilot.pause()
        assert app.screen.article_id == "b" and "Disagreement · quote" in panel(app)
        await pilot.press("p")
        await pilot.pause()
        assert app.screen.article_id == "a" and "GPE  Rome" in panel(app)
        await pilot.press("n", "n")  # round to the first
        await pilot.pause()
        assert app.screen.article_id == "a" and "PERSON  Bob Lee" in panel(app)
    ws.close()


async def test_an_analyst_who_did_not_see_the_article_cannot_be_taken(tmp_path):
    ws = gold_workspace(tmp_path / "gold.json")
    async with adjudicating(ws) as (app, pilot):
        await pilot.press("n", "n", "n")  # the quote: cy did not see article b
        await pilot.pause()
        before = statuses(ws, "b")
        await pilot.press("3", "9")
        await pilot.pause()
        assert statuses(ws, "b") == before
        assert app.screen.sub_title == "4 disagreements left"
    ws.close()


async def test_the_usual_keys_still_edit_and_help_lists_the_adjudication_keys(tmp_path):
    ws = gold_workspace(tmp_path / "gold.json")
    async with adjudicating(ws) as (app, pilot):
        await pilot.press("x")  # reject the current candidate by hand (ana's Bob Lee)
        await pilot.pause()
        assert rejected(ws) == 1
        assert app.screen.sub_title == "4 disagreements left"  # two candidates still pending
        await pilot.press("g", "2")  # the caret on "Sara Carter", agreed: 2 is the label ORG, as usual
        await pilot.pause()
        assert ("judge", "ORG Sara Carter") in accepted(ws)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        titles = [title for title, _ in app.screen.left]
        assert "Adjudication (a gold workspace)" in titles
        rows = help_rows(app, dict(app.screen.left)["Adjudication (a gold workspace)"])
        assert ("1–9", "take analyst N's version of the disagreement (elsewhere: label N, as usual)") in rows
    ws.close()
