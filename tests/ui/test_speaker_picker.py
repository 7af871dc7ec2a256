"""Pilot tests: the speaker picker as an analyst uses it (issue 14, point 1)."""

from __future__ import annotations

import pytest

from tui.ui.app import make_app
from tui.ui.screens.pickers import SpeakerPicker

from .helpers import small_workspace
from .test_keys import SIZE, current, go_to, open_reader, stored


def highlighted(picker: SpeakerPicker) -> str:
    from textual.widgets import OptionList

    options = picker.query_one(OptionList)
    return str(options.get_option_at_index(options.highlighted).prompt)


def prompts(picker) -> list[str]:
    return [str(o.prompt) for o in picker.query_one("OptionList")._options]


async def choose(pilot, prompt: str) -> None:
    """Arrow to the entry that starts with ``prompt`` and press enter, as an analyst would."""
    picker = pilot.app.screen
    target = next(i for i, p in enumerate(prompts(picker)) if p.startswith(prompt))
    at = picker.query_one("OptionList").highlighted
    await pilot.press(*(["down"] * (target - at) if target > at else ["up"] * (at - target)), "enter")
    await pilot.pause()


async def test_opens_on_the_current_speaker_and_enter_changes_nothing(ws, seed0):
    app = make_app(ws, annotator="tester")
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(app, pilot)
        quote = await go_to(app, pilot, lambda a: a.kind == "quote" and a.text.startswith('"The drug'))
        assert quote.speaker.text == "Carter"
        await pilot.press("s")
        picker = app.screen
        assert isinstance(picker, SpeakerPicker)
        assert highlighted(picker).startswith("Carter")
        await pilot.press("enter")  # out of habit: keeps the speaker (its name resolved)
        await pilot.pause()
        sp = stored(ws, quote).speaker
        assert (sp.start, sp.end, sp.text, sp.name) == (quote.speaker.start, quote.speaker.end, "Carter",
                                                        "Sara Carter")
        before = app.session.history.peek_undo()
        await pilot.press("s", "enter")  # again: nothing changes, nothing recorded
        await pilot.pause()
        assert stored(ws, quote).speaker == sp
        assert app.session.history.peek_undo() is before


async def test_never_inside_the_quote_people_first_other_labels_on_request(ws, seed0):
    app = make_app(ws, annotator="tester")
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(app, pilot)
        quote = await go_to(app, pilot, lambda a: a.kind == "quote" and a.text.startswith('"India'))
        assert quote.speaker is None
        await pilot.press("s")
        picker = app.screen
        names = [a.text for a, _ in picker.mentions]
        assert "India" not in names  # inside the quote
        assert {a.label for a, _ in picker.mentions} <= {"PERSON", "ORG"}
        assert highlighted(picker).startswith("Vinay Kwatra")  # nearest before, same paragraph
        await choose(pilot, "other labels…")
        labels = [a.label for a, _ in picker.mentions]
        assert "GPE" in labels and "NORP" in labels
        assert labels.index("GPE") > max(i for i, x in enumerate(labels) if x in ("PERSON", "ORG"))
        assert "India" not in [a.text for a, _ in picker.mentions if a.start >= quote.start and a.end <= quote.end]


async def test_type_a_name_without_a_mention(ws, seed0):
    app = make_app(ws, annotator="tester")
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(app, pilot)
        quote = await go_to(app, pilot, lambda a: a.kind == "quote" and a.text.startswith('"India'))
        await pilot.press("s")
        await choose(pilot, "type a name…")
        await pilot.press(*"Vinay Kwatra, ambassador", "enter")
        await pilot.pause()
        sp = stored(ws, quote).speaker
        assert (sp.start, sp.end, sp.name) == (None, None, "Vinay Kwatra, ambassador")
        await pilot.press("s")  # a typed speaker is the current one next time
        assert highlighted(app.screen).startswith("Vinay Kwatra, ambassador")
        await choose(pilot, "no speaker")
        assert stored(ws, quote).speaker is None


async def test_use_the_selection_as_a_new_speaker_mention(tmp_path):
    text = 'The mayor, Jo Banda, spoke on Monday. "We will build the bridge," she said.\n'
    with small_workspace(tmp_path / "w.json", text, quotes=['"We will build the bridge,"']) as ws:
        app = make_app(ws, annotator="tester")
        async with app.run_test(size=SIZE) as pilot:
            await open_reader(app, pilot)
            quote = current(app)
            assert quote.kind == "quote"
            await pilot.press("left", "left", "left", "left", "left", "v", "right", "s")  # "Jo Banda"
            assert "use the selection: Jo Banda" in prompts(app.screen)
            await choose(pilot, "use the selection")
            sp = stored(ws, quote).speaker
            assert (text[sp.start:sp.end], sp.name) == ("Jo Banda", "Jo Banda")
            assert not app.screen.view.selecting


@pytest.mark.parametrize("where", ["before", "after"])
def test_likely_speaker_in_the_quote_sentence_before_then_after(where):
    from tui.model import Annotation
    from tui.speakers import speaker_candidates

    text = 'Ann Lee met Bo Chan. "Fine," said Cy Dee.' if where == "after" else \
        'Ann Lee met Bo Chan. Bo Chan said: "Fine." Cy Dee left.'
    def ent(words, label="PERSON", nth=0):
        s = -1
        for _ in range(nth + 1):
            s = text.index(words, s + 1)
        return Annotation(words + str(nth), "a", "entity", s, s + len(words), label, text=words)
    q = text.index('"')
    quote = Annotation("q", "a", "quote", q, text.index('"', q + 1) + 1, "QUOTE")
    anns = [ent("Ann Lee"), ent("Bo Chan"), ent("Cy Dee")]
    if where == "before":
        anns.append(ent("Bo Chan", nth=1))
    first = speaker_candidates(anns, quote, text=text)[0]
    assert first.text == ("Bo Chan" if where == "before" else "Cy Dee")  # the attribution, not the nearest
