"""Shared fixtures: a temporary workspace, the seeds, and the spaCy model loaded once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_000 = SEEDS / "000_c0d3f13051a800f4.txt"
SEED_001 = SEEDS / "001_ea4951d480e9e557.txt"

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")


@pytest.fixture
def ws_path(tmp_path: Path) -> Path:
    return tmp_path / "workspace.json"


@pytest.fixture
def workspace(ws_path: Path):
    from tui.store import Workspace

    ws = Workspace.open(ws_path)
    yield ws
    ws.close()


@pytest.fixture(scope="session")
def nlp():
    from tui.suggest import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def suggester(nlp):
    from tui.model import DEFAULT_LABELS
    from tui.suggest import Suggester

    return Suggester(nlp, DEFAULT_LABELS)
