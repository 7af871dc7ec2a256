"""End to end: the installed ``readtui`` in a real terminal (tmux) on the seeds, imported
with the model: the reader says 001 is another version of 000, V compares them, c copies
a difference (the terminal's clipboard: OSC 52 without a system one)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.e2e.test_tmux import READTUI, Terminal
from tests.hostile.helpers import ROOT

pytestmark = pytest.mark.slow


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_compare_the_seeds_in_a_real_terminal(tmp_path):
    db = tmp_path / "versions.json"
    subprocess.run([str(READTUI), "import", str(ROOT / "seeds"), "--db", str(db)], check=True,
                   capture_output=True)
    env = f"-u COLUMNS -u LINES -u DISPLAY -u WAYLAND_DISPLAY TERM=xterm-256color TEXTUAL_ANIMATIONS=none"
    term = Terminal(f"env {env} {READTUI} --db {db} --annotator e2e-analyst")
    try:
        term.wait(lambda s: "articles 0/2 done" in s and "⧉2" in s, "the list, the seeds marked as versions")
        term.keys("Enter")
        term.wait(lambda s: "1 other version (V)" in s, "the reader saying there is another version")
        term.keys("V")
        screen = term.wait(lambda s: "5 quotes: 1 same, 0 altered, 4 only in A" in s, "the comparison")
        assert "sentences 5 removed, 3 added" in screen
        assert "same (in part)" in screen and "The drug crisis is now a core national" in screen
        term.keys("n")
        term.wait(lambda s: "B not in this version" in s, "the next difference, only in A")
        term.keys("c")
        term.wait(lambda s: "Copied: quote only in A" in s, "the difference copied")
        term.keys("Escape")
        term.wait(lambda s: "1 other version (V)" in s and "5 quotes:" not in s, "back in the reader")
        term.quit()
    finally:
        term.close()
