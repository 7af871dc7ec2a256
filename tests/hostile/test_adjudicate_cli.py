"""`readtui adjudicate` as a user meets it: the gold it builds, a re-run, and what it refuses
(one line, exit 1, no traceback, nothing written)."""

from __future__ import annotations

import subprocess
from dataclasses import replace

from tui.formats import jsonl_line
from tui.service import Session
from tui.store import Workspace

from ..ui.helpers import team_versions
from .helpers import held_open, one_line, readtui


def exports(tmp_path, versions=None) -> list:
    """One export per analyst of ``team_versions`` (their done articles, accepted annotations)."""
    by_analyst: dict[str, list] = {}
    for article, work in versions or team_versions():
        for name, anns in work.items():
            by_analyst.setdefault(name, []).append((article, anns))
    paths = []
    for name, items in by_analyst.items():
        path = tmp_path / f"{name}.jsonl"
        path.write_bytes(b"".join(jsonl_line(a, anns) for a, anns in items))
        paths.append(path)
    return paths


def refused(r: subprocess.CompletedProcess, *words: str) -> str:
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and "\x1b" not in r.stderr
    line = one_line(r.stderr)
    assert line.startswith("readtui: ") and all(w in line for w in words), line
    return line


def test_builds_a_gold_and_a_rerun_keeps_what_was_adjudicated(tmp_path):
    files, gold = exports(tmp_path), tmp_path / "gold" / "workspace.json"
    r = readtui("adjudicate", *files, "--db", gold, "--annotator", "judge")
    assert r.returncode == 0, r.stderr
    assert "2 articles added (4 disagreements to settle" in one_line(r.stderr)
    with Workspace.open(gold) as ws:
        session = Session(ws, "judge")
        assert session.analysts() == ["ana", "bob", "cy"] and session.disagreements_left() == 4
        session.settle("a", 0, "bob")
        settled = sorted((a.id, a.status) for a in ws.annotations("a"))

    # Again, with a third article only ana and bob have: it comes in; the rest stays as settled.
    article, work = team_versions()[1]
    more = replace(article, id="c", text=article.text.replace("today", "tonight"), hash="")
    extra = [(more, {n: [replace(a, article_id="c") for a in anns] for n, anns in work.items()})]
    files = exports(tmp_path, team_versions() + extra)
    r = readtui("adjudicate", *files, "--db", gold, "--annotator", "judge")
    assert r.returncode == 0, r.stderr
    assert "1 articles added" in one_line(r.stderr) and "2 already in the gold" in one_line(r.stderr)
    with Workspace.open(gold, readonly=True) as ws:
        assert sorted((a.id, a.status) for a in ws.annotations("a")) == settled
        assert Session(ws).disagreements_left() == 4  # 3 left in a, 1 in the new c


def test_analysts_who_share_no_article_are_refused(tmp_path):
    (ana, bob, cy), gold = exports(tmp_path), tmp_path / "gold.json"
    only_b = tmp_path / "only_b.jsonl"
    only_b.write_text(ana.read_text().splitlines()[1] + "\n")
    only_a = tmp_path / "only_a.jsonl"
    only_a.write_text(cy.read_text())  # cy saw article a only
    refused(readtui("adjudicate", only_a, only_b, "--db", gold), "share no article")
    assert not gold.exists()


def test_a_missing_file_is_one_line(tmp_path):
    files = exports(tmp_path)
    refused(readtui("adjudicate", files[0], tmp_path / "nobody.jsonl", "--db", tmp_path / "gold.json"),
            "nobody.jsonl", "such file")
    assert not (tmp_path / "gold.json").exists()


def test_a_gold_open_in_a_reader_is_refused_and_left_alone(tmp_path):
    files, gold = exports(tmp_path), tmp_path / "gold.json"
    assert readtui("adjudicate", *files[:2], "--db", gold).returncode == 0
    before = gold.read_bytes()
    with held_open(gold):
        refused(readtui("adjudicate", *files, "--db", gold), "gold.json")
    assert gold.read_bytes() == before


def test_an_analysts_own_workspace_is_not_made_a_gold(tmp_path):
    files, mine = exports(tmp_path), tmp_path / "mine.json"
    assert readtui("import", "--no-suggest", files[0], "--db", mine).returncode == 0
    refused(readtui("adjudicate", *files, "--db", mine), "not a gold one")
    with Workspace.open(mine, readonly=True) as ws:
        assert ws.setting("adjudication") is None


def test_without_db_or_a_second_analyst_it_says_what_it_needs(tmp_path):
    files = exports(tmp_path)
    refused(readtui("adjudicate", *files), "--db GOLD")
    refused(readtui("adjudicate", files[0], "--db", tmp_path / "g.json"), "two analysts")


def test_hostile_analyst_names_reach_the_terminal_escaped(tmp_path):
    evil = [(a, {f"\x1b]0;pwned\x07{n}\x1b[2J": [replace(x, annotator=f"\x1b]0;pwned\x07{n}\x1b[2J") for x in anns]
                 for n, anns in work.items()}) for a, work in team_versions()]
    r = readtui("adjudicate", *exports(tmp_path, evil), "--db", tmp_path / "gold.json")
    assert r.returncode == 0, r.stderr
    assert "\x1b" not in r.stderr and "\x07" not in r.stderr and "pwned" in r.stderr
