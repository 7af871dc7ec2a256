"""SVG screenshots of each screen, from the real app on the bundled seeds (real spaCy model).

    python screenshots/make_screenshots.py     # or: make screenshots
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

os.environ["TEXTUAL_ANIMATIONS"] = "none"
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tui.ui.app import make_app  # noqa: E402
from tui.cli.commands import import_records, seed_paths  # noqa: E402
from tui.formats import read_paths  # noqa: E402
from tui.store import Workspace  # noqa: E402


async def shoot(ws: Workspace) -> None:
    app = make_app(ws, annotator="analyst")
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.save_screenshot("articles.svg", str(HERE))
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("a", "n", "x", "n", "3", "n", "a")
        for _ in range(40):
            cur = app.screen.view.current_annotation()
            if cur is not None and cur.kind == "quote":
                break
            await pilot.press("n")
        await pilot.pause()
        app.save_screenshot("reader.svg", str(HERE))
        await pilot.press("s")
        await pilot.pause()
        app.save_screenshot("speaker.svg", str(HERE))
        await pilot.press("escape", "question_mark")
        await pilot.pause()
        app.save_screenshot("help.svg", str(HERE))
        await pilot.press("escape")
        await app.workers.wait_for_complete()  # the stories worker: 001 is another version of 000
        await pilot.press("V")
        await pilot.pause()
        app.save_screenshot("compare.svg", str(HERE))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace.open(Path(tmp) / "seeds.json")
        try:
            import_records(ws, read_paths(seed_paths()))
            asyncio.run(shoot(ws))
        finally:
            ws.close()
    print("wrote", ", ".join(sorted(p.name for p in HERE.glob("*.svg"))))


if __name__ == "__main__":
    main()
