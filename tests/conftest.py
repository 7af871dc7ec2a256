"""Shared fixtures: temporary workspaces (empty; on the seeds with deterministic
suggestions; on the seeds with real suggestions after a scripted review), the seed
paths, and the spaCy model loaded once per session."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from tui.cli.commands import import_records, seed_paths
from tui.formats import read_paths
from tui.model import QUOTE_LABEL, Annotation, Article, Speaker, new_id
from tui.store import Workspace, shard_name

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
    from tui.nlp.suggest import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def suggester(nlp):
    from tui.model import DEFAULT_LABELS
    from tui.nlp.suggest import Suggester

    return Suggester(nlp, DEFAULT_LABELS)


def nearest_person(anns: list[Annotation], quote: Annotation) -> Annotation | None:
    """The PERSON entity closest after the quote (else before it): the speaker, for the script."""
    people = [a for a in anns if a.kind == "entity" and a.label == "PERSON"]
    after = [p for p in people if p.start >= quote.end and p.start - quote.end < 120]
    if after:
        return min(after, key=lambda p: p.start)
    before = [p for p in people if p.end <= quote.start and quote.start - p.end < 200]
    return max(before, key=lambda p: p.end) if before else None


def scripted_review(ws: Workspace, annotator: str = "tester") -> None:
    """What an analyst does: first article reviewed and done, second half-way through.

    Article 1: possessive 's trimmed off entities, people tagged ORG relabelled PERSON,
    "This ..." entities rejected, each quote given its speaker, a missed ORG added,
    the rest accepted; marked done. Article 2: first half accepted, two rejected, the
    rest left pending; in progress.
    """
    from tui.model import Speaker

    rows = ws.rows()
    first, second = rows[0]["id"], rows[1]["id"]
    article = ws.article(first)
    anns = ws.annotations(first)
    changed = []
    for a in anns:
        if a.kind == "entity" and a.text.endswith("'s"):
            changed.append(a.changed(annotator, end=a.end - 2, text=a.text[:-2], status="accepted"))
        elif a.kind == "entity" and a.label == "ORG" and a.text in ("Debbie Seguin", "Monika Ashish Batra"):
            changed.append(a.changed(annotator, label="PERSON", status="accepted"))
        elif a.kind == "entity" and a.text.startswith("This "):
            changed.append(a.changed(annotator, status="rejected"))
        elif a.kind == "quote":
            who = nearest_person(anns, a)
            speaker = Speaker(who.start, who.end, who.text, "Sara Carter" if who.text == "Carter" else "") if who else None
            changed.append(a.changed(annotator, speaker=speaker, status="accepted"))
        else:
            changed.append(a.changed(annotator, status="accepted"))
    taken = [(a.start, a.end) for a in anns if a.kind == "entity"]
    at = article.text.find("ONDCP")
    while at >= 0 and any(s < at + 5 and at < e for s, e in taken):
        at = article.text.find("ONDCP", at + 1)
    if at >= 0:
        changed.append(Annotation(new_id(), first, "entity", at, at + 5, "ORG", origin="manual",
                                  status="accepted", annotator=annotator))
    ws.save(changed, article_id=first, state="done")

    anns = ws.annotations(second)
    half = len(anns) // 2
    changed = [a.changed(annotator, status="accepted") for a in anns[:half]]
    changed += [a.changed(annotator, status="rejected") for a in anns[half:half + 2]]
    ws.save(changed, article_id=second, state="in_progress")


@pytest.fixture(scope="session")
def _reviewed_template(tmp_path_factory) -> Path:
    from tui.nlp.suggest import ModelMissing, Suggester

    try:
        suggester = Suggester()
    except ModelMissing as exc:  # pragma: no cover - the model is a dependency
        pytest.skip(str(exc))
    path = tmp_path_factory.mktemp("template") / "workspace.json"
    ws = Workspace.open(path)
    try:
        import_records(ws, read_paths(sorted(SEEDS.glob("*.txt"))), suggester=suggester)
        scripted_review(ws)
    finally:
        ws.close()
    return path


@pytest.fixture
def reviewed_ws(_reviewed_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the seeds after the scripted review (closed; open it yourself)."""
    dest = tmp_path / "ws"
    shutil.copytree(_reviewed_template.parent, dest)
    return dest / "workspace.json"


def break_span(db: Path, aid: str) -> tuple[int, int]:
    """Move the first accepted entity in ``aid``'s file by one character (a broken record);
    its new offsets."""
    shard = db.with_name(db.name + ".d") / shard_name(aid)
    data = json.loads(shard.read_text())
    for doc in data["annotations"].values():
        if doc["kind"] == "entity" and doc["status"] == "accepted":
            doc["start"] += 1
            shard.write_text(json.dumps(data))
            return doc["start"], doc["end"]
    raise AssertionError(f"no accepted entity in {aid}")
