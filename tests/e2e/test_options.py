"""The shared options through the installed ``readtui``: each one works before or after
the command, or is refused with one line and exit 2; never silently ignored."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tui.store import Workspace

READTUI = Path(sys.executable).parent / "readtui"
TEXT = "A headline\n\nSara Carter met officials in Washington on Wednesday.\n"


def run(*args, home: Path, **kw) -> subprocess.CompletedProcess:
    """The installed command, with a default workspace of its own that must stay untouched."""
    env = dict(os.environ, COLUMNS="200", READTUI_DB=str(home / "default" / "workspace.json"))
    return subprocess.run([str(READTUI), *map(str, args)], capture_output=True, text=True, env=env,
                          timeout=300, **kw)


@pytest.fixture
def article(tmp_path) -> Path:
    f = tmp_path / "a.txt"
    f.write_text(TEXT)
    return f


def default_untouched(home: Path) -> bool:
    return not (home / "default").exists()


@pytest.mark.parametrize("before", [True, False], ids=["before", "after"])
def test_db_for_import_export_stats_restore(tmp_path, article, before):
    db = tmp_path / "ws" / "workspace.json"
    db.parent.mkdir()

    def cmd(name, *rest):
        return ("--db", db, name, *rest) if before else (name, *rest, "--db", db)

    r = run(*cmd("import", "--no-suggest", article), home=tmp_path)
    assert r.returncode == 0, r.stderr
    assert str(db) in r.stderr
    with Workspace.open(db, readonly=True) as ws:
        assert len(ws) == 1
    out = tmp_path / "e.jsonl"
    r = run(*cmd("export", "--all", "-o", out), home=tmp_path)
    assert r.returncode == 0, r.stderr
    assert len(out.read_text().splitlines()) == 1 and str(db) in r.stderr
    r = run(*cmd("stats"), home=tmp_path)
    assert r.returncode == 0 and "1 articles" in r.stdout and str(db) in r.stdout
    r = run(*cmd("restore-backup"), home=tmp_path)
    assert "Traceback" not in r.stderr and str(db) in r.stderr
    assert default_untouched(tmp_path)


@pytest.mark.parametrize("before", [True, False], ids=["before", "after"])
@pytest.mark.parametrize("command", ["import", "suggest"])
def test_model_is_used_wherever_it_stands(tmp_path, article, before, command):
    rest = ["--db", tmp_path / "ws.json"] if command == "import" else ["-o", tmp_path / "out.jsonl"]
    args = (["--model", "no_such_model", command, article, *rest] if before
            else [command, article, *rest, "--model", "no_such_model"])
    r = run(*args, home=tmp_path)
    assert r.returncode == 1 and "no_such_model" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "out.jsonl").exists() and default_untouched(tmp_path)


@pytest.mark.parametrize("before", [True, False], ids=["before", "after"])
def test_labels_set_a_new_workspace_wherever_they_stand(tmp_path, article, before):
    db = tmp_path / "ws.json"
    args = (["--labels", "per,org", "import", "--no-suggest", article, "--db", db] if before
            else ["import", "--no-suggest", article, "--db", db, "--labels", "per,org"])
    assert run(*args, home=tmp_path).returncode == 0
    with Workspace.open(db, readonly=True) as ws:
        assert ws.labels == ("PER", "ORG")


@pytest.mark.slow
@pytest.mark.parametrize("before", [True, False], ids=["before", "after"])
def test_labels_limit_suggestions_wherever_they_stand(tmp_path, article, before):
    out = tmp_path / "out.jsonl"
    args = (["--labels", "PERSON", "suggest", article, "-o", out] if before
            else ["suggest", article, "-o", out, "--labels", "PERSON"])
    r = run(*args, home=tmp_path)
    assert r.returncode == 0, r.stderr
    spans = json.loads(out.read_text())["spans"]
    assert spans and {s["label"] for s in spans} == {"PERSON"}


@pytest.mark.parametrize("args, option", [
    (["--model", "m", "export"], "--model"),
    (["export", "--model", "m"], "--model"),
    (["--labels", "A", "stats"], "--labels"),
    (["stats", "--labels", "A"], "--labels"),
    (["--annotator", "bob", "import", "x.txt"], "--annotator"),
    (["import", "x.txt", "--annotator", "bob"], "--annotator"),
    (["--label-map", "PERSON=PER", "suggest", "x.txt", "-o", "o.jsonl"], "--label-map"),
    (["train", "--labels", "A"], "--labels"),
])
def test_an_option_the_command_has_no_use_for_is_refused(tmp_path, args, option):
    r = run(*args, home=tmp_path, cwd=tmp_path)
    assert r.returncode == 2 and option in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) <= 3  # argparse's usage line, then one line
    assert not (tmp_path / "o.jsonl").exists() and not (tmp_path / "ws.json").exists()
    assert default_untouched(tmp_path)


def test_annotator_reaches_the_reader_wherever_it_stands():
    from tui.cli.main import parse_args

    assert parse_args(["--annotator", "bob"]).annotator == "bob"
    assert parse_args([]).annotator is None and parse_args(["stats"]).db is None


def test_an_export_with_nothing_to_write_leaves_the_target_alone(tmp_path, article):
    db, out = tmp_path / "ws.json", tmp_path / "gold.jsonl"
    out.write_text("yesterday's good export\n")
    assert run("import", "--no-suggest", article, "--db", db, home=tmp_path).returncode == 0
    r = run("export", "--db", db, "-o", out, home=tmp_path)
    assert r.returncode == 1
    assert out.read_text() == "yesterday's good export\n"
    said = " ".join(r.stderr.split())
    assert "nothing written" in said and "--all" in said and str(db) in said
    r = run("export", "--db", db, "-o", "-", home=tmp_path)
    assert r.returncode == 1 and r.stdout == ""
