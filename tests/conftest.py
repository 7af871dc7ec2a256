"""Shared fixtures: temporary workspaces (empty, or on the seeds with deterministic
suggestions), the seed paths, and the spaCy model loaded once per session."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tui.commands import import_records, seed_paths
from tui.ingest import read_paths
from tui.model import QUOTE_LABEL, Annotation, Article, Speaker
from tui.store import Workspace

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_000 = SEEDS / "000_c0d3f13051a800f4.txt"
SEED_001 = SEEDS / "001_ea4951d480e9e557.txt"

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

FIXED_TIME = "2026-01-01T00:00:00+00:00"

# Names in the seed articles and the label a model would (mostly) give them.
ENTITIES = [
    ("Sara Carter", "PERSON"), ("Carter", "PERSON"), ("Vinay Kwatra", "PERSON"),
    ("Debbie Seguin", "PERSON"), ("Monika Ashish Batra", "ORG"), ("Donald Trump", "PERSON"),
    ("Narendra Modi", "PERSON"), ("Washington", "GPE"), ("Ministry of External Affairs", "ORG"),
    ("MEA", "ORG"), ("ONDCP", "ORG"), ("Narcotics Control Bureau", "ORG"), ("India", "GPE"),
    ("Indian", "NORP"), ("Wednesday", "DATE"), ("January 20-21", "DATE"),
]


class FakeSuggester:
    """Deterministic suggestions (fixed ids and times) so snapshots don't flake."""

    labels = ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "LAW", "DATE")

    def for_article(self, article: Article) -> list[Annotation]:
        text = article.text
        out: list[Annotation] = []
        taken: list[tuple[int, int]] = []
        for name, label in ENTITIES:
            for m in re.finditer(r"\b" + re.escape(name) + r"\b", text):
                if any(m.start() < e and s < m.end() for s, e in taken):
                    continue
                taken.append(m.span())
                out.append(Annotation(id=f"e{m.start():05d}", article_id=article.id, kind="entity",
                                      start=m.start(), end=m.end(), label=label, text=m.group(),
                                      origin="model", status="pending", time=FIXED_TIME))
        for m in re.finditer(r'"[^"\n]{20,}"', text):
            speaker = None
            after = re.match(r',?\s*said (\w+)', text[m.end():])
            if after:
                s = m.end() + after.start(1)
                speaker = Speaker(s, s + len(after.group(1)), after.group(1), "")
            out.append(Annotation(id=f"q{m.start():05d}", article_id=article.id, kind="quote",
                                  start=m.start(), end=m.end(), label=QUOTE_LABEL, text=m.group(),
                                  speaker=speaker, origin="rules", status="pending", time=FIXED_TIME))
        return sorted(out, key=lambda a: (a.start, -a.end))


def make_workspace(path: Path, *, suggested: bool = True) -> Workspace:
    ws = Workspace.open(path)
    import_records(ws, read_paths(seed_paths()))
    if suggested:
        fake = FakeSuggester()
        for row in ws.rows():
            ws.save(fake.for_article(ws.article(row["id"])), article_id=row["id"], state="new",
                    suggested=True)
    return ws


@pytest.fixture
def ws(tmp_path):
    workspace = make_workspace(tmp_path / "demo.json")
    yield workspace
    workspace.close()


@pytest.fixture
def seed0(ws) -> str:
    return ws.rows()[0]["id"]


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
