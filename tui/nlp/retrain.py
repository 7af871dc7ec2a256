"""Retraining by itself (issue 16): ``readtui train`` in a process of its own, started by the
reader when enough articles were marked done since the current model was trained.

The process is the command itself (``python -m tui train --db WS``), so it trains,
checks and switches models exactly as an analyst's own ``readtui train`` would; its
output goes to ``models/train.log``. The reader polls it and sees the new model take
over through the shelf's pointer. Pure: no UI.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def command(db: Path) -> list[str]:
    """The training command for workspace ``db`` (tests swap in a quick one)."""
    return [sys.executable, "-m", "tui", "train", "--db", str(db)]


def trained_on(model: str | Path | None) -> int:
    """How many done articles the model at ``model`` was trained on (0: the base model, or
    a model that does not say)."""
    if model is None:
        return 0
    try:
        meta = json.loads((Path(model) / "meta.json").read_text(encoding="utf-8")).get("readtui") or {}
        return int(meta.get("articles", 0)) + int(meta.get("held_out", 0))
    except (OSError, ValueError, TypeError, AttributeError):
        return 0


class Training:
    """A ``readtui train`` running in the background for a workspace."""

    def __init__(self, db: Path, log: Path):
        self.log = log
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "wb") as out:  # the child keeps its own handle
            self.process = subprocess.Popen(command(db), stdin=subprocess.DEVNULL, stdout=out,
                                            stderr=subprocess.STDOUT, start_new_session=True)

    def running(self) -> bool:
        return self.process.poll() is None

    def outcome(self) -> tuple[int, str]:
        """(exit code, the last line it wrote): call once it has stopped."""
        code = self.process.wait()
        try:
            lines = self.log.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            lines = []
        said = [line.strip() for line in lines if line.strip()]
        told = [line for line in said if line.startswith("readtui:")]  # a refusal says why here
        return code, (told or said or [f"exit code {code}"])[-1]

    def stop(self) -> None:
        if self.running():
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
