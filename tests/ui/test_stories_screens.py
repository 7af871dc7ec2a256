"""Across articles, by keyboard (issue 18): the comparison of seed 000 with its rewrite 001
(V in the reader), the quote ledger (Q) and the entity index (E) from the list; snapshots
of each at 80x24.

The workspace: the seeds with the fake suggester's entities and, since it finds only
straight quotation marks, quotes of both kinds with the nearest person or organisation
after (else before) as speaker; deterministic, no model."""

from __future__ import annotations

import csv
import json
import re

import pytest

from tests.conftest import FIXED_TIME, make_workspace
from tui.model import QUOTE_LABEL, Annotation, Speaker
from tui.ui.app import make_app
from tui.ui.screens.compare import CompareScreen
from tui.ui.screens.ledger import EntityIndexScreen, QuoteLedgerScreen
from tui.ui.screens.reader import ReaderScreen

SMALL = (80, 24)


def _speaker(entities: list[Annotation], qs: int, qe: int) -> Speaker | None:
    who = [e for e in entities if e.label in ("PERSON", "ORG")]
    after = [e for e in who if 0 <= e.start - qe < 60]
    before = [e for e in who if 0 <= qs - e.end < 120]
    e = min(after, key=lambda e: e.start) if after else max(before, key=lambda e: e.end) if before else None
    return Speaker(e.start, e.end, e.text, "") if e else None


@pytest.fixture
def versions_ws(tmp_path):
    ws = make_workspace(tmp_path / "versions.json")
    for row in ws.rows():
        aid = row["id"]
        text = ws.article(aid).text
        anns = ws.annotations(aid)
        entities = [a for a in anns if a.kind == "entity"]
        gone = [a.id for a in anns if a.kind == "quote"]
        quotes = [Annotation(f"r{m.start():05d}", aid, "quote", m.start(), m.end(), QUOTE_LABEL, text=m.group(),
                             speaker=_speaker(entities, m.start(), m.end()), origin="rules", status="pending",
                             time=FIXED_TIME)
                  for m in re.finditer(r'["“][^"”\n]{20,}["”]', text)]
        ws.save(quotes, removed=gone, article_id=aid, state="new")
    yield ws
    ws.close()


def _copying(ws):
    """The app, and what it copies (instead of the clipboard)."""
    app = make_app(ws, annotator="analyst")
    copied: list[str] = []
    app.copy_text = copied.append
    return app, copied


async def _settled(pilot) -> None:
    await pilot.app.workers.wait_for_complete()  # the stories worker; the ledger's, the index's
    await pilot.pause()


async def _opened(pilot, key: str) -> None:
    """From the list, once the stories are known: Q the ledger, E the index (read in a worker)."""
    await _settled(pilot)
    await pilot.press(key)
    await _settled(pilot)


async def _compare(pilot) -> None:
    await _settled(pilot)
    await pilot.press("enter")  # seed 000, first in the list
    await pilot.pause()
    await pilot.press("V")
    await pilot.pause()


async def test_the_reader_says_how_many_versions_and_v_compares(versions_ws):
    a, b = (r["id"] for r in versions_ws.rows())
    app, copied = _copying(versions_ws)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settled(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert "1 other version (V)" in str(app.screen.query_one("#meta").render())
        await pilot.press("V")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CompareScreen) and (screen.a_id, screen.b_id) == (a, b)
        quotes = [d for d in screen.rows if d.kind == "quote"]
        # The seeds' targets: Carter's quote kept (001 cites its first sentence), the other four gone.
        assert quotes[0].status.startswith("same") and "Carter" in quotes[0].speaker and not quotes[0].changed
        assert [d.status for d in quotes[1:]] == ["only in A"] * 4
        assert any(d.status.startswith("added") and d.b[2].startswith("In an era where") for d in screen.rows)
        # It opens on the first difference; n and p go between differences, passing over the same quote.
        first = screen.options.highlighted
        assert screen.rows[first].changed and first == 1
        await pilot.press("n")
        assert screen.options.highlighted == 2
        await pilot.press("p", "p")  # wraps round to the last difference
        assert screen.options.highlighted == len(screen.rows) - 1
        await pilot.press("n")
        assert screen.options.highlighted == 1
        await pilot.press("c")
        text = copied[-1]
        assert text.startswith("quote only in A") and "India accorded the highest priority" in text
        assert f"article {a}, characters " in text and f"article {b}" in text
        # enter opens the passage in its article, the quote current.
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.view.current_annotation().text.startswith('"India accorded')


async def test_a_trimmed_quote_is_altered_and_its_cut_words_marked(versions_ws):
    a, b = (r["id"] for r in versions_ws.rows())
    q = next(x for x in versions_ws.annotations(b) if x.kind == "quote")
    cut = "“The drug crisis is now a core national"  # stops inside the sentence: not a citation of it
    versions_ws.save([q.changed(end=q.start + len(cut), text=cut)], article_id=b)
    app, copied = _copying(versions_ws)
    async with app.run_test(size=(120, 36)) as pilot:
        await _compare(pilot)
        carter = app.screen.rows[0]
        assert carter.status == "altered (trimmed)" and carter.changed
        assert app.screen.options.highlighted == 0  # the first difference now
        (s, e, kind), = carter.words_a
        assert kind == "removed" and versions_ws.article(a).text[s:e].startswith("security priority")
        await pilot.press("c")
        assert copied[-1].startswith("quote altered (trimmed) — Carter")


async def test_ledger_enter_jumps_to_the_quote_and_c_copies_it(versions_ws):
    app, copied = _copying(versions_ws)
    async with app.run_test(size=(120, 36)) as pilot:
        await _opened(pilot, "Q")
        ledger = app.screen
        assert isinstance(ledger, QuoteLedgerScreen)
        assert ledger.group().speaker == "Ministry of External Affairs"  # most quotes first
        await pilot.press("slash", *"carter", "enter")
        carter = ledger.group()
        assert carter.speaker == "Carter" and len(carter.quotes) == 2  # one in each version
        await pilot.press("enter")  # to the speaker's quotes
        await pilot.press("j")  # the second: 001's
        await pilot.press("c")
        assert copied[-1].startswith("“The drug crisis is now a core national security priority.” — Carter — ")
        assert f"article {carter.quotes[1].article}, characters {carter.quotes[1].start}–" in copied[-1]
        await pilot.press("enter")
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen) and reader.article_id == carter.quotes[1].article
        cur = reader.view.current_annotation()
        assert (cur.kind, cur.start, cur.end) == ("quote", carter.quotes[1].start, carter.quotes[1].end)
        await pilot.press("escape")
        assert app.screen is ledger


async def test_ledger_search_and_export(versions_ws):
    app = make_app(versions_ws, annotator="analyst")
    async with app.run_test(size=(120, 36)) as pilot:
        await _opened(pilot, "Q")
        await pilot.press("slash", *"tangible")
        await pilot.pause()
        ledger = app.screen
        assert len(ledger.shown) == 1 and [q.text[:9] for q in ledger._quotes] == ['"tangible']
        await pilot.press("enter", "e")
        await pilot.pause()
        await pilot.press("escape")
        assert len(ledger.shown) == len(ledger.all)  # esc clears the search
    csv_path = versions_ws.derived_path("quotes.csv")
    rows = list(csv.DictReader(csv_path.open(encoding="utf-8")))
    lines = [json.loads(x) for x in versions_ws.derived_path("quotes.jsonl").read_text().splitlines()]
    assert len(rows) == len(lines) == sum(len(s.quotes) for s in ledger.all) == 6
    assert {"speaker", "aliases", "article", "start", "end", "text"} <= set(lines[0])


async def test_index_flags_mixed_labels_first_and_n_visits_each_occurrence(versions_ws):
    # Washington as a person in one article: the index flags it and lists it first.
    b = versions_ws.rows()[1]["id"]
    w = next(x for x in versions_ws.annotations(b) if x.text == "Washington")
    versions_ws.save([w.changed(label="PERSON")], article_id=b)
    app = make_app(versions_ws, annotator="analyst")
    async with app.run_test(size=(120, 36)) as pilot:
        await _opened(pilot, "E")
        index = app.screen
        assert isinstance(index, EntityIndexScreen)
        entry = index.group()
        assert entry.text == "Washington" and entry.mixed and set(entry.labels) == {"GPE", "PERSON"}
        seen = []
        for _ in range(entry.count + 1):
            await pilot.press("n")
            await pilot.pause()
            cur = app.screen.view.current_annotation()
            seen.append((app.screen.article_id, cur.start, cur.label))
            await pilot.press("escape")
            await pilot.pause()
        assert seen[:-1] == [(aid, s, label) for aid, s, _, label in entry.occurrences]
        assert seen[-1] == seen[0]  # round again


# -- snapshots at 80x24 ------------------------------------------------------------------------

def test_compare_screen_snapshot(versions_ws, snap_compare):
    assert snap_compare(make_app(versions_ws, annotator="analyst"), terminal_size=SMALL, run_before=_compare)


@pytest.mark.parametrize("key", ["Q", "E"], ids=["quote_ledger", "entity_index"])
def test_across_screen_snapshot(versions_ws, snap_compare, key):
    async def opened(pilot):
        await _opened(pilot, key)

    assert snap_compare(make_app(versions_ws, annotator="analyst"), terminal_size=SMALL, run_before=opened)


async def test_several_versions_ask_which_and_t_groups_the_list_by_story(versions_ws):
    from tui.model import Article
    from tui.ui.screens.compare import VersionPicker

    first, second = (r["id"] for r in versions_ws.rows())
    text = versions_ws.article(first).text
    cut = text[:text.index("The US-India security cooperation")]  # a third version: its last paragraphs cut
    versions_ws.add_articles([
        (Article("other", "Apple growers near Port Ellis expect a record harvest after a mild spring. "
                          "Prices at the market could fall by a fifth, the cooperative said."), []),
        (Article("third", cut, title="Cut"), [])])
    app, _ = _copying(versions_ws)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settled(pilot)
        screen = app.screen
        assert screen.article_list.ids == [first, second, "other", "third"]  # import order
        await pilot.press("t")
        await pilot.pause()
        assert screen.article_list.ids == [first, second, "third", "other"]  # the story together
        await pilot.press("enter")
        await pilot.pause()
        assert "2 other versions (V)" in str(app.screen.query_one("#meta").render())
        await pilot.press("V")
        await pilot.pause()
        assert isinstance(app.screen, VersionPicker)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CompareScreen) and (app.screen.a_id, app.screen.b_id) == (first, "third")


async def test_a_large_workspace_finds_its_stories_when_first_asked_not_at_start(versions_ws, monkeypatch):
    """Above STORIES_AT_START articles the stories are not read at start (at 100,000 that
    took minutes and ~1 GB beside the list); t or V starts it and says so, and ⧉ follows."""
    import tui.ui.app as app_module

    monkeypatch.setattr(app_module, "STORIES_AT_START", 1)
    a, b = (r["id"] for r in versions_ws.rows())
    app, _ = _copying(versions_ws)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settled(pilot)
        assert app.stories_state == "" and app.versions.get(a, ()) == ()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("V")  # not known yet: found now, and the analyst is told
        await pilot.pause()
        assert any("Finding the stories among 2 articles" in n.message for n in app._notifications), ([n.message for n in app._notifications], app.screen, app.stories_state)
        assert not isinstance(app.screen, CompareScreen)
        await _settled(pilot)
        assert app.stories_state == "found" and app.versions.get(a, ()) == (b,)
        await pilot.press("V")  # known now: the comparison opens
        await pilot.pause()
        assert isinstance(app.screen, CompareScreen) and (app.screen.a_id, app.screen.b_id) == (a, b)
