"""Shared fixtures: the seeds imported with real suggestions, then a scripted review."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tui.commands import import_records
from tui.ingest import read_paths
from tui.model import Annotation, new_id
from tui.store import Workspace

# The repository's seeds (tui.seeds is only importable from an installed readtui, and
# pytest run from the checkout imports tui/ from the source tree).
SEEDS = Path(__file__).resolve().parents[1] / "seeds"


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
    from tui.suggest import ModelMissing, Suggester

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
