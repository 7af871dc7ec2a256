"""A workspace stays what it is: a file that is not one is never taken over, a healthy one is
never "restored", readers see a consistent snapshot, modes are kept, what the screen says
saved is on disk, and a malformed file is a one-line message, never a traceback."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tui import store as store_mod
from tui.model import Article
from tui.store import Journal, Workspace, WorkspaceStorage, restore_backup, shard_name

from .helpers import ROOT, one_line, readtui
from .test_workspace_faults import build

SEEDS = ROOT / "seeds"


def refused(r, *names: object) -> str:
    """A one-line message naming ``names``, exit 1, no traceback."""
    assert r.returncode == 1, (r.returncode, r.stderr)
    assert "Traceback" not in r.stderr and r.stderr.strip(), r.stderr
    lines = [x for x in r.stderr.strip().splitlines() if not x.startswith("To restore the last good backup")]
    assert len(lines) <= 2, r.stderr  # one line (Rich may wrap it once), and a damaged one's way back
    err = one_line(r.stderr)
    for name in names:
        assert str(name) in err, (name, err)
    return err


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- 2. a file that is not a workspace is never taken over -----------------------------------

@pytest.mark.parametrize("content", ['{"name": "my-config"}', '{"_default": {"1": {"a": 1}}}'])
def test_a_json_file_that_is_not_a_workspace_is_never_taken_over(tmp_path, content):
    config = tmp_path / "config.json"
    config.write_text(content)
    before = files(tmp_path)
    for cmd in (["import", "--no-suggest", SEEDS], ["import", "--no-suggest", SEEDS], ["stats"], ["export", "--all"]):
        err = refused(readtui(*cmd, "--db", config), config)
        assert "not a readtui workspace" in err
        assert files(tmp_path) == before, cmd  # untouched, and no .bak, journal or lock beside it


def test_an_empty_file_becomes_a_workspace(tmp_path):
    db = tmp_path / "ws.json"
    db.touch()  # as mktemp leaves it
    r = readtui("import", "--no-suggest", SEEDS, "--db", db)
    assert r.returncode == 0, r.stderr
    with Workspace.open(db, readonly=True) as ws:
        assert len(ws) >= 2


# --- 3. restore-backup: only a damaged workspace, never over a kept file ---------------------

def test_restore_backup_leaves_a_healthy_workspace_alone_unless_forced(tmp_path):
    db = tmp_path / "ws.json"
    build(db)
    with Workspace.open(db) as ws:  # the backup is now the state before these
        ws.add_articles([(Article(id="late", text="A late story.", title="Late"), [])])
        ws.set_state("a1", "done")
    before = files(tmp_path)
    err = refused(readtui("restore-backup", "--db", db), db, "--force")
    assert "not damaged" in err
    assert files(tmp_path) == before

    r = readtui("restore-backup", "--force", "--db", db)
    assert r.returncode == 0, r.stderr
    err = one_line(r.stderr)
    assert "1 article imported since" in err and "review of 1 article changed" in err  # said before
    [kept] = tmp_path.glob("ws.json.replaced-*")
    assert "the damaged file" not in err and str(kept) in err
    assert kept.read_bytes() == before["ws.json"]
    with Workspace.open(db, readonly=True) as ws:
        assert "late" not in ws and ws.row("a1")["state"] != "done"


def test_restore_backup_twice_in_one_second_keeps_both_damaged_files(tmp_path, monkeypatch):
    db = tmp_path / "ws.json"
    build(db)
    monkeypatch.setattr(store_mod.files, "now_iso", lambda: "2026-01-01T00:00:00Z")  # the same second
    kept = []
    for damage in (b"first damage", b"second damage"):
        db.write_bytes(damage)
        kept.append(restore_backup(db))
        assert kept[-1].read_bytes() == damage
    assert kept[0] != kept[1] and kept[0].read_bytes() == b"first damage"


def test_restore_backup_through_the_command_twice_keeps_both(tmp_path):
    db = tmp_path / "ws.json"
    build(db)
    for damage in (b"first damage", b"second damage"):
        db.write_bytes(damage)
        assert readtui("restore-backup", "--db", db).returncode == 0
    assert sorted(p.read_bytes() for p in tmp_path.glob("ws.json.damaged-*")) == [b"first damage", b"second damage"]


# --- 4. a reader racing a checkpoint sees every durable row -----------------------------------

def test_a_reader_racing_a_checkpoint_sees_every_row(tmp_path, monkeypatch):
    db = tmp_path / "ws.json"
    build(db)
    writer = Workspace.open(db)
    writer.add_articles([(Article(id="only-in-journal", text="Fresh news.", title="Fresh"), [])])
    real = Journal.replay
    folded = []

    def checkpoint_first(self, **kw):
        if not folded:  # between the reader's read of workspace.json and of the journal
            folded.append(True)
            writer.checkpoint()
        return real(self, **kw)

    monkeypatch.setattr(Journal, "replay", checkpoint_first)
    try:
        with Workspace.open(db, readonly=True) as reader:
            assert folded and "only-in-journal" in reader and len(reader) == 4
        folded.clear()
        writer.add_articles([(Article(id="also-in-journal", text="Later news.", title="Later"), [])])
        from tinydb import TinyDB

        with TinyDB(db, storage=WorkspaceStorage) as table:
            rows = len(table.table("articles"))
        assert folded and rows == 5
    finally:
        monkeypatch.undo()
        writer.close()


WRITER = textwrap.dedent("""
    import sys
    from tui.model import Article
    from tui.store import Workspace
    ws = Workspace.open(sys.argv[1])
    print("open", flush=True)
    for i in range(int(sys.argv[2])):
        ws.add_articles([(Article(id=f"n{i}", text=f"Story number {i}.", title=f"N{i}"), [])])
        ws.checkpoint()  # every row lives in the journal, then in workspace.json
    ws.close()
""")


def test_reads_never_see_fewer_rows_than_were_durable(tmp_path):
    db = tmp_path / "ws.json"
    build(db, n=1)
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(db), "400"], stdout=subprocess.PIPE,
                              text=True, cwd=ROOT)
    try:
        assert writer.stdout.readline().strip() == "open"
        seen, drops, reads = 0, [], 0
        while writer.poll() is None or reads < 50:
            with Workspace.open(db, readonly=True) as ws:
                n = len(ws)
            reads += 1
            if n < seen:
                drops.append((seen, n))
            seen = max(seen, n)
        assert not drops, f"{len(drops)} of {reads} reads saw fewer rows than an earlier one: {drops[:5]}"
        assert seen == 401
    finally:
        writer.kill()
        writer.wait()


# --- 5. what the screen says saved is on disk -------------------------------------------------

def failing_checkpoint(monkeypatch, ws: Workspace) -> None:
    """Every action checkpoints, and writing workspace.json fails (the journal append works)."""
    ws.CHECKPOINT_BYTES = 0
    real = store_mod.write_atomic

    def refuse_table(path, data, **kw):
        if Path(path) == ws.path:
            raise store_mod.SaveFailed(f"could not write {path}: No space left on device")
        return real(path, data, **kw)

    monkeypatch.setattr(store_mod.workspace, "write_atomic", refuse_table)


def test_a_failed_checkpoint_after_a_saved_action_is_a_warning(tmp_path, monkeypatch):
    db = tmp_path / "ws.json"
    build(db)
    ws = Workspace.open(db)
    failing_checkpoint(monkeypatch, ws)
    ann = ws.annotations("a1")[0]
    ws.save([ann.changed(status="accepted")])  # saved: no SaveFailed
    assert ws.annotation("a1", ann.id).status == "accepted"
    warning = ws.take_warning()
    assert "No space left" in warning and "safe in" in warning and not ws.take_warning()
    ws.journal.close()
    ws._lock.release()
    monkeypatch.undo()
    with Workspace.open(db, readonly=True) as again:
        assert again.annotation("a1", ann.id).status == "accepted"


async def test_the_reader_shows_a_saved_action_as_saved_when_the_checkpoint_fails(tmp_path, monkeypatch):
    from tui.ui.app import make_app
    from tui.ui.screens.reader import ReaderScreen

    db = tmp_path / "ws.json"
    build(db)
    ws = Workspace.open(db)
    app = make_app(ws, annotator="t")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        aid = app.screen.article_id
        failing_checkpoint(monkeypatch, ws)
        await pilot.press("a")
        await pilot.pause()
        said = [(n.title, n.message, n.severity) for n in app._notifications]
        assert not any("Not saved" in m for _, m, _ in said), said
        # one line a notification: its title leads the message
        assert any("Checkpoint failed" in f"{t} {m}" and s == "warning" and "safe in" in m for t, m, s in said), said
        assert app.session.history.peek_undo().what == "accept"  # an undo entry was made
        await pilot.press("u")  # the saved action can be undone
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert any(m.startswith("Undid accept") for m in said), said
    monkeypatch.undo()
    ws.close()
    with Workspace.open(db, readonly=True) as again:
        assert all(a.status == "pending" for a in again.annotations(aid))  # the undo was saved too


# --- 10. modes are kept -------------------------------------------------------------------

def test_modes_are_kept_and_new_files_take_the_workspace_mode(tmp_path):
    db = tmp_path / "ws.json"
    build(db)
    for p in tmp_path.rglob("*"):  # chmod -R go-rwx, as an analyst keeps a workspace private
        if p.is_file():
            p.chmod(0o600)
    src = tmp_path / "new.txt"
    src.write_text("A new headline\n\nA new story about Berlin.\n")
    assert readtui("import", "--no-suggest", src, "--db", db).returncode == 0
    with Workspace.open(db) as ws:  # rewrites every article's file at the checkpoint
        for row in ws.rows():
            ws.set_state(row["id"], "done")
    everything = [p for p in tmp_path.rglob("*") if p.is_file() and p != src]
    modes = {str(p.relative_to(tmp_path)): oct(stat.S_IMODE(p.stat().st_mode)) for p in everything}
    assert len([p for p in everything if p.parent.parent.name == "ws.json.d"]) == 4
    assert set(modes.values()) == {"0o600"}, modes


def test_a_replaced_file_keeps_its_mode(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text("")
    out.chmod(0o600)
    store_mod.write_atomic(out, b"{}\n")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


# --- 14. a symlinked --db, a killed import's temporaries -----------------------------------

def test_a_symlinked_workspace_is_written_through_the_link(tmp_path):
    real = tmp_path / "real" / "ws.json"
    real.parent.mkdir()
    build(real)
    link = tmp_path / "link.json"
    link.symlink_to(real)
    src = tmp_path / "new.txt"
    src.write_text("A new headline\n\nA new story about Berlin.\n")
    assert readtui("import", "--no-suggest", src, "--db", link).returncode == 0
    assert link.is_symlink() and link.resolve() == real
    assert not (tmp_path / "link.json.d").exists() and not (tmp_path / "link.json.journal").exists()
    with Workspace.open(real, readonly=True) as ws:
        assert len(ws) == 4


KILLED_IMPORT = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from tui.store import Workspace, shard_name
    ws = Workspace.open(sys.argv[1])
    tmp = ws.shards / shard_name("half")
    tmp = tmp.with_name(f".{tmp.name}.{os.getpid()}.tmp")
    tmp.parent.mkdir(parents=True, exist_ok=True)
    tmp.write_text('{"article": {"1": {"te')  # an import's article file, half written
    os.kill(os.getpid(), signal.SIGKILL)
""")


def test_a_killed_imports_temporaries_are_removed_at_the_next_writable_open(tmp_path):
    db = tmp_path / "ws.json"
    build(db)
    subprocess.run([sys.executable, "-c", KILLED_IMPORT, str(db)], cwd=ROOT)
    assert list(tmp_path.rglob("*.tmp"))
    assert readtui("stats", "--db", db).returncode == 0
    assert list(tmp_path.rglob("*.tmp"))  # a reader leaves them: a writer may be at work
    assert readtui("import", "--no-suggest", tmp_path / "none.jsonl", "--db", db).returncode in (0, 1)
    assert not list(tmp_path.rglob("*.tmp"))

    # A live writer's temporaries are its own: a second writer is refused and removes nothing.
    writer = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        from tui.store import Workspace
        ws = Workspace.open({str(db)!r})
        (ws.shards / "ab").mkdir(parents=True, exist_ok=True)
        (ws.shards / "ab" / ".x.json.1.tmp").write_text("in progress")
        print("open", flush=True)
        time.sleep(60)
    """)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert writer.stdout.readline().strip() == "open"
        assert readtui("import", "--no-suggest", SEEDS, "--db", db).returncode == 1  # refused: locked
        assert (tmp_path / "ws.json.d" / "ab" / ".x.json.1.tmp").exists()
    finally:
        writer.kill()
        writer.wait()


# --- 9. one line and a non-zero exit, nothing else touched ---------------------------------

def test_db_a_folder_is_refused_and_leaves_no_lock(tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    for cmd in (["import", "--no-suggest", SEEDS], ["stats"]):
        refused(readtui(*cmd, "--db", folder), folder, "folder")
        assert list(tmp_path.iterdir()) == [folder] and not list(folder.iterdir())


def test_db_under_a_file_is_refused(tmp_path):
    afile = tmp_path / "notes.txt"
    afile.write_text("notes")
    refused(readtui("import", "--no-suggest", SEEDS, "--db", afile / "ws.json"), afile)
    assert afile.read_text() == "notes" and list(tmp_path.iterdir()) == [afile]


READ_ONLY = textwrap.dedent("""
    import os, sys
    real = os.access
    os.access = lambda p, mode, **kw: False if mode & os.W_OK else real(p, mode, **kw)  # not root
    from tui.__main__ import main
    sys.exit(main(sys.argv[1:]))
""")


def test_a_read_only_workspace_is_read_and_never_written(tmp_path):
    db = tmp_path / "ws.json"
    build(db)
    before = files(tmp_path)

    def as_user(*args):
        return subprocess.run([sys.executable, "-c", READ_ONLY, *map(str, args)], capture_output=True,
                              text=True, cwd=ROOT, env=dict(os.environ, COLUMNS="200"))

    err = refused(as_user("import", "--no-suggest", SEEDS, "--db", db), db)
    assert "read-only" in err and "readtui stats" in err
    r = as_user("stats", "--db", db)
    assert r.returncode == 0 and "3 articles" in r.stdout, r.stderr
    assert files(tmp_path) == before


def _table_with(db: Path, change) -> None:
    data = json.loads(db.read_text())
    change(data)
    db.write_text(json.dumps(data))


MALFORMED_TABLES = {
    "meta a list": lambda d: d.update(_meta=[1]),
    "meta row a list": lambda d: d["_meta"].update({"1": [1]}),
    "schema not a number": lambda d: d["_meta"]["1"].update(schema="one"),
    "an id a number": lambda d: d["summary"]["1"]["id"].__setitem__(0, 5),
    "a column short": lambda d: d["summary"]["1"]["title"].pop(),
    "totals a list": lambda d: d["totals"].update({"1": [1]}),
    "schema 1 counts a number": lambda d: (d.pop("summary"), d.pop("totals"),
                                           d.update(articles={"1": {"id": "a0", "counts": 5}})),
}


@pytest.mark.parametrize("damage", MALFORMED_TABLES)
def test_a_malformed_workspace_table_is_one_line(tmp_path, damage):
    db = tmp_path / "ws.json"
    build(db)
    _table_with(db, MALFORMED_TABLES[damage])
    before = files(tmp_path)
    for cmd in (["stats"], ["import", "--no-suggest", SEEDS]):
        refused(readtui(*cmd, "--db", db), db)
        assert files(tmp_path) == before


def test_an_infinite_schema_is_one_line(tmp_path):
    db = tmp_path / "ws.json"
    build(db)
    db.write_text(db.read_text().replace('"schema":2', '"schema":1e999'))
    assert "1e999" in db.read_text()
    refused(readtui("stats", "--db", db), db)


ANN = {"id": "e1", "article_id": "a1", "kind": "entity", "start": 0, "end": 11, "label": "PERSON",
       "text": "Sara Carter", "speaker": None, "origin": "model", "status": "accepted", "original": {},
       "annotator": "", "time": ""}
MALFORMED_LINES = {
    "empty change": {"ops": [[]]},
    "a number as change": {"ops": [5]},
    "row without id": {"ops": [["row", 1, {"title": "x"}]]},
    "start a string": {"ops": [["ann", "a1", "e1", dict(ANN, start="0")]]},
}


@pytest.mark.parametrize("line", MALFORMED_LINES)
def test_a_malformed_journal_line_is_one_line(tmp_path, line):
    db = tmp_path / "ws.json"
    build(db)
    journal = db.with_name("ws.json.journal")
    journal.write_text(json.dumps(MALFORMED_LINES[line]) + "\n")
    before = files(tmp_path)
    for cmd in (["stats"], ["export", "--all", "-o", tmp_path / "out.jsonl"], ["import", "--no-suggest", SEEDS]):
        refused(readtui(*cmd, "--db", db), journal)
        assert files(tmp_path) == before


def test_a_malformed_last_journal_line_is_not_cut_as_torn(tmp_path):
    db = tmp_path / "ws.json"
    build(db)
    journal = db.with_name("ws.json.journal")
    journal.write_text('{"ops": []}\n[5]')  # whole JSON without a newline: written wrong, not torn
    refused(readtui("import", "--no-suggest", SEEDS, "--db", db), journal)
    assert journal.read_text() == '{"ops": []}\n[5]'


def test_a_truncated_article_file_is_one_line_in_stats(tmp_path):
    db = tmp_path / "ws.json"
    build(db)  # a0 is done: stats reads its file
    shard = tmp_path / "ws.json.d" / shard_name("a0")
    shard.write_bytes(shard.read_bytes()[:40])
    refused(readtui("stats", "--db", db), shard)


async def test_the_reader_says_an_article_file_is_damaged_and_keeps_running(tmp_path):
    from tui.ui.app import make_app
    from tui.ui.screens.articles import ArticlesScreen
    from tui.ui.screens.reader import ReaderScreen

    db = tmp_path / "ws.json"
    build(db)
    shard = tmp_path / "ws.json.d" / shard_name("a0")
    shard.write_bytes(shard.read_bytes()[:40])
    ws = Workspace.open(db)
    app = make_app(ws, annotator="t")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ArticlesScreen)
        await pilot.press("enter")  # the first article: a0, damaged
        await pilot.pause()
        assert app.is_running and app._exception is None
        assert not isinstance(app.screen, ReaderScreen)
        said = [n.message for n in app._notifications]
        assert any("Cannot open this article" in m and str(shard) in m for m in said), said
        await pilot.press("down", "enter")  # the others still open
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen) and app.screen.article_id == "a1"
    ws.close()


def test_an_original_of_the_wrong_shape_is_refused_at_import_and_tolerated_on_read(tmp_path):
    db = tmp_path / "ws.json"
    text = "Sara Carter spoke in Berlin."
    bad = {"text": text, "meta": {"id": "bad"}, "answer": "accept",
           "spans": [{"start": 0, "end": 11, "label": "PERSON", "status": "accepted",
                      "origin": "model", "original": {"label": ["X"]}}]}
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(bad) + "\n")
    r = readtui("import", "--no-suggest", src, "--db", db)
    assert r.returncode == 1 and "original" in one_line(r.stderr) and "Traceback" not in r.stderr
    # One written by an older readtui, or by hand, is read as if unchanged.
    build(db)
    with Workspace.open(db) as ws:
        a = ws.annotations("a0")[0]
        ws.journal.append([["ann", "a0", a.id, dict(a.changed(status="accepted").to_dict(),
                                                    original={"label": ["X"], "start": "0"})]])
    r = readtui("stats", "--db", db)
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
