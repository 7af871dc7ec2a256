"""End to end: the installed ``readtui`` in a real terminal (tmux), checked in the workspace."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tui.store import Workspace

pytestmark = pytest.mark.slow

READTUI = Path(sys.executable).parent / "readtui"


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=False).stdout


class Terminal:
    def __init__(self, command: str):
        self.name = f"readtui-e2e-{uuid.uuid4().hex[:8]}"
        subprocess.run(["tmux", "new-session", "-d", "-s", self.name, "-x", "120", "-y", "36",
                        command], check=True)
        # A detached session may follow the server's default size; pin it.
        tmux("set-option", "-t", self.name, "window-size", "manual")
        tmux("resize-window", "-t", self.name, "-x", "120", "-y", "36")

    def screen(self) -> str:
        return tmux("capture-pane", "-p", "-t", self.name)

    def alive(self) -> bool:
        return subprocess.run(["tmux", "has-session", "-t", self.name], capture_output=True).returncode == 0

    def wait(self, check, what: str, timeout: float = 90.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.screen()
            if check(text):
                return text
            if not self.alive():
                raise AssertionError(f"readtui exited while waiting for {what}")
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; screen:\n{self.screen()}")

    def keys(self, *keys: str) -> None:
        for k in keys:
            subprocess.run(["tmux", "send-keys", "-t", self.name, k], check=True)

    def click(self, x: int, y: int) -> None:
        """A left click at screen cell (x, y), 0-based, as the terminal reports one (SGR 1006)."""
        for end in ("M", "m"):  # press, release
            subprocess.run(["tmux", "send-keys", "-t", self.name, "-l", f"\x1b[<0;{x + 1};{y + 1}{end}"],
                           check=True)

    def quit(self, timeout: float = 20.0) -> None:
        """Press ctrl+q and wait for readtui to exit."""
        self.keys("C-q")
        deadline = time.monotonic() + timeout
        while self.alive() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not self.alive(), "readtui did not quit on ctrl+q"

    def close(self) -> None:
        if self.alive():
            tmux("kill-session", "-t", self.name)


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_review_an_article_in_a_real_terminal(tmp_path: Path):
    db = tmp_path / "e2e.json"
    # Something in the test process sets COLUMNS/LINES (80x24); the app must see the pane's size.
    env = f"-u COLUMNS -u LINES TERM=xterm-256color TEXTUAL_ANIMATIONS=none READTUI_DB={db}"
    term = Terminal(f"env {env} {READTUI} --db {db} --annotator e2e-analyst")
    try:
        term.wait(lambda s: "articles 0/2 done" in s, "the articles list")
        term.wait(lambda s: "loading model" not in s and "reviewed" in s and "/0 reviewed" not in s,
                  "suggestions from the model", timeout=120)
        term.keys("Enter")
        term.wait(lambda s: "Next pending" in s and "words" in s, "the reader")
        term.keys("a", "n", "x", "n", "9")  # accept, reject, relabel (the third suggestion) as DATE
        # Caret to the start of the text, then five words on: "inaugural meeting" as EVENT (7).
        term.keys(*["Left"] * 40, *["Right"] * 5, "v", "Right", "7")
        term.wait(lambda s: "EVENT" in s and "manual" in s, "the new entity")
        # The mouse: a click on "Modi" makes Narendra Modi's entity current (the panel shows it).
        screen = term.screen().splitlines()
        y = next(i for i, line in enumerate(screen) if "Modi" in line[:84])
        term.click(screen[y].index("Modi") + 1, y)
        term.wait(lambda s: any("Narendra Modi" in line[84:] for line in s.splitlines()), "the clicked entity")
        # The speaker picker: to a quote, s, then a name typed (no mention in the text).
        for _ in range(40):
            if "QUOTE" in "".join(line[84:] for line in term.screen().splitlines()[:6]):
                break
            term.keys("n")
            time.sleep(0.2)
        term.keys("s")
        term.wait(lambda s: "Who said it?" in s, "the speaker picker")
        for key in ("End", "Up", "Enter"):  # "type a name…" is second to last
            term.keys(key)
            time.sleep(0.3)
        term.wait(lambda s: "the speaker's name" in s, "the name box")
        term.keys(*"E2E Speaker", "Enter")
        term.wait(lambda s: "E2E Speaker" in s and "Who said it?" not in s, "the typed speaker")
        term.keys("d")
        term.wait(lambda s: "still pending" in s, "the done question")
        term.keys("y")
        term.wait(lambda s: "Done. Next:" in s, "the next article after marking this one done")
        term.keys("Escape")
        term.wait(lambda s: "articles 1/2 done" in s, "the article marked done in the list")
        term.quit()
    finally:
        term.close()

    ws = Workspace.open(db, readonly=True)
    try:
        first, second = ws.rows()
        anns = ws.annotations(first["id"])
        assert first["state"] == "done"
        assert second["state"] != "done"
        rejected = [a for a in anns if a.status == "rejected"]
        assert len(rejected) == 1 and rejected[0].origin in ("model", "rules")
        relabelled = [a for a in anns if a.original and a.original.get("label") != a.label]
        assert len(relabelled) == 1 and relabelled[0].label == "DATE"
        manual = [a for a in anns if a.origin == "manual"]
        assert [(a.text, a.label, a.status) for a in manual] == [("inaugural meeting", "EVENT", "accepted")]
        assert all(a.status != "pending" for a in anns)  # "y" accepted the rest
        typed = [a.speaker for a in anns if a.kind == "quote" and a.speaker and a.speaker.name == "E2E Speaker"]
        assert len(typed) == 1 and not typed[0].has_mention
        changed = [a for a in anns if a.annotator]
        assert changed and all(a.annotator == "e2e-analyst" for a in changed)
        assert second["annotations"] > 0  # the worker suggested for the other seed too
    finally:
        ws.close()


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_adjudicate_in_a_real_terminal(tmp_path: Path):
    """`readtui adjudicate` builds the gold; the reader settles a disagreement with one key,
    undoes it, settles it again; the export keeps every analyst's version (issue 17)."""
    import json

    from ..hostile.test_adjudicate_cli import exports

    gold = tmp_path / "gold" / "workspace.json"
    made = subprocess.run([str(READTUI), "adjudicate", *map(str, exports(tmp_path)), "--db", str(gold),
                           "--annotator", "e2e-judge"], capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr
    env = "-u COLUMNS -u LINES TERM=xterm-256color TEXTUAL_ANIMATIONS=none"
    term = Terminal(f"env {env} {READTUI} --db {gold} --annotator e2e-judge")
    try:
        term.wait(lambda s: "4 disagreements left" in s and "3  cy" in s, "the first disagreement")
        term.keys("2")  # bob's "Lee"
        term.wait(lambda s: "3 disagreements left" in s and "ORG  Paris" in s, "the next disagreement")
        term.keys("u")
        term.wait(lambda s: "4 disagreements left" in s and "Undid" in s, "the settlement undone")
        term.keys("1")  # ana's "Bob Lee" after all
        term.wait(lambda s: "3 disagreements left" in s, "the disagreement settled again")
        term.quit()
    finally:
        term.close()

    out = tmp_path / "gold.jsonl"
    r = subprocess.run([str(READTUI), "export", "--all", "--db", str(gold), "-o", str(out)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    first = json.loads(out.read_text().splitlines()[0])
    assert first["_annotator_id"] == "e2e-judge"
    assert [s["text"] for s in first["spans"]] == ["Sara Carter", "Bob Lee"]
    assert [v["_annotator_id"] for v in first["versions"]] == ["ana", "bob", "cy"]
