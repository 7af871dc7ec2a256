"""Settings: key remaps by binding id, theme, a colour-blind-safe palette, hidden label tags
(issue 14, point 8); a broken settings file is one line from the real command."""

from __future__ import annotations

from pathlib import Path

from tui.settings import Settings, load_settings
from tui.ui.app import make_app
from tui.ui.widgets.article_view import TAG_SEP

from ..hostile.helpers import one_line, readtui
from .test_keys import SIZE, current, open_reader, stored


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "settings.toml"
    path.write_text(text)
    return path


async def test_keys_remapped_by_binding_id_theme_and_hidden_tags(ws, tmp_path):
    settings = load_settings(write(tmp_path, '[keys]\n"reader.accept" = "y"\n\n'
                                             '[look]\ntheme = "textual-light"\nlabel_tags = false\n'))
    app = make_app(ws, annotator="tester", settings=settings)
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_reader(app, pilot)
        assert app.theme == "textual-light"
        first = current(app)
        await pilot.press("y")
        assert stored(ws, first).status == "accepted"
        view = reader.view
        shown = "".join(view._layout(b).display for b in range(len(view.blocks)))
        assert TAG_SEP + "GPE" not in shown and TAG_SEP + "PERSON" not in shown


async def test_a_colour_blind_palette(ws, tmp_path):
    async def person_colour(settings):
        app = make_app(ws, annotator="tester", settings=settings)
        async with app.run_test(size=SIZE) as pilot:
            reader = await open_reader(app, pilot)
            return reader.view._style("ent--person").bgcolor

    plain = await person_colour(Settings())
    safe = await person_colour(load_settings(write(tmp_path, '[look]\npalette = "colour-blind"\n')))
    assert plain != safe and safe.triplet.hex == "#e69f00"


def test_a_broken_settings_file_is_one_line(tmp_path):
    path = write(tmp_path, '[look]\npalette = "rainbow"\n')
    done = readtui("--db", tmp_path / "w.json", env={"READTUI_SETTINGS": str(path)}, timeout=60)
    assert done.returncode == 1
    assert "look.palette must be one of displacy, colour-blind" in one_line(done.stderr)
    assert "Traceback" not in done.stderr
