"""The workspace: durable writes, journal replay, checkpoints, the lock, TinyDB readability."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from tinydb import Query, TinyDB

from tui.model import Annotation, AnnotationError, Article, Speaker
from tui.store import (
    AtomicJSONStorage, SaveFailed, Workspace, WorkspaceCorrupt, WorkspaceLocked, WorkspaceStorage,
    WorkspaceTooNew, shard_name,
)

TEXT = "Sara Carter said \"we act now\" in Washington on Monday."


def article(aid="a1", text=TEXT, **kw):
    return Article(id=aid, text=text, title=f"Title {aid}", **kw)


def entity(aid="a1", ann_id="e1", start=0, end=11, label="PERSON", **kw):
    return Annotation(id=ann_id, article_id=aid, kind="entity", start=start, end=end, label=label, **kw)


def test_add_save_reopen(ws_path):
    with Workspace.open(ws_path) as ws:
        ws.add_articles([(article(), [entity(), entity(ann_id="e2", start=33, end=43, label="GPE")])])
        e1 = ws.annotation("a1", "e1")
        ws.save([e1.changed("ana", status="accepted")])
        assert ws.row("a1")["reviewed"] == 1 and ws.row("a1")["state"] == "in_progress"
    with Workspace.open(ws_path) as ws:
        anns = {a.id: a for a in ws.annotations("a1")}
        assert anns["e1"].status == "accepted" and anns["e1"].annotator == "ana"
        assert anns["e2"].status == "pending"
        assert ws.stats()["by_label"]["PERSON"]["accepted"] == 1


def test_every_action_is_in_the_journal_before_close(ws_path):
    ws = Workspace.open(ws_path)
    ws.add_articles([(article(), [entity()])])
    ws.save([ws.annotation("a1", "e1").changed(status="rejected")])
    ws.set_state("a1", "done")
    # No close(): another process reading now sees everything (as after kill -9).
    out = subprocess.run([sys.executable, "-c", (
        "import sys; from tui.store import Workspace\n"
        f"ws = Workspace.open({str(ws_path)!r}, readonly=True)\n"
        "print(ws.annotation('a1','e1').status, ws.row('a1')['state'], ws.article('a1').state)")],
        capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["rejected", "done", "done"]
    ws.close()


def test_invariant_refuses_and_writes_nothing(workspace):
    workspace.add_articles([(article(), [entity()])])
    size = workspace.journal.size
    with pytest.raises(AnnotationError):
        workspace.save([entity(ann_id="e9", start=3, end=200)])
    with pytest.raises(AnnotationError):
        workspace.add_articles([(article("a2"), [entity("a2", text="Not this")])])
    assert workspace.journal.size == size and "a2" not in workspace


def test_removed_and_speaker(workspace):
    workspace.add_articles([(article(), [entity()])])
    q = Annotation(id="q1", article_id="a1", kind="quote", start=17, end=29, label="QUOTE",
                   speaker=Speaker(0, 11, name="Sara Carter"), origin="manual", status="accepted")
    workspace.save([q])
    assert workspace.annotation("a1", "q1").speaker.text == "Sara Carter"
    workspace.save([], article_id="a1", removed=["q1"])
    assert workspace.annotation("a1", "q1") is None


def test_second_writer_is_refused_naming_the_first(ws_path):
    ws = Workspace.open(ws_path)
    script = ("from tui.store import Workspace, WorkspaceLocked\n"
              f"try:\n    Workspace.open({str(ws_path)!r})\nexcept WorkspaceLocked as e:\n    print(e)")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    import os
    assert f"pid {os.getpid()}" in out.stdout and "another readtui" in out.stdout
    with pytest.raises(WorkspaceLocked):
        Workspace.open(ws_path)
    ro = Workspace.open(ws_path, readonly=True)  # reading alongside is fine
    ro.close()
    ws.close()
    Workspace.open(ws_path).close()  # released on close


def test_checkpoint_folds_journal_into_tinydb_files(ws_path):
    with Workspace.open(ws_path) as ws:
        ws.add_articles([(article(), [entity()]), (article("a2", "Other text here."), [])])
        ws.save([ws.annotation("a1", "e1").changed(status="accepted")])
    assert ws_path.with_name("workspace.json.journal").stat().st_size == 0
    db = TinyDB(ws_path, storage=WorkspaceStorage)
    rows = db.table("articles").search(Query().id == "a1")
    assert rows[0]["reviewed"] == 1
    shard = TinyDB(ws_path.with_name("workspace.json.d") / shard_name("a1"), storage=AtomicJSONStorage)
    assert shard.table("annotations").all()[0]["status"] == "accepted"
    assert shard.table("article").all()[0]["text"] == TEXT
    # Plain TinyDB reads the same files too: the summary rows are one document of columns.
    assert TinyDB(ws_path).table("summary").all()[0]["id"] == ["a1", "a2"]


def test_workspace_storage_sees_the_journal(ws_path):
    ws = Workspace.open(ws_path)
    ws.add_articles([(article(), [entity()])])
    ws.set_state("a1", "done")
    db = TinyDB(ws_path, storage=WorkspaceStorage)
    assert db.table("articles").all()[0]["state"] == "done"
    ws.close()


def test_the_time_of_a_review_state_survives_the_journal_and_the_checkpoint(ws_path):
    with Workspace.open(ws_path) as ws:
        ws.add_articles([(article(), [entity()])])
        imported = ws.article("a1").state_time
        assert imported and ws.row("a1")["state_time"] == imported
    ws = Workspace.open(ws_path)
    ws.set_state("a1", "done")
    done = ws.article("a1").state_time
    assert done >= imported and ws.row("a1")["state_time"] == done
    ws.set_state("a1", "done")  # not a change of state: the time stays
    assert ws.article("a1").state_time == done
    ws.journal.close()  # gone without a checkpoint: the journal holds the change
    ws._lock.release()
    with Workspace.open(ws_path) as ws2:
        assert (ws2.article("a1").state, ws2.article("a1").state_time) == ("done", done)
    with Workspace.open(ws_path, readonly=True) as ws3:  # and after the checkpoint, in the file
        assert ws3.article("a1").state_time == done


def test_torn_last_journal_line_is_dropped(ws_path):
    with Workspace.open(ws_path) as ws:
        ws.add_articles([(article(), [entity()])])
        ws.CHECKPOINT_BYTES = 10**9
    ws = Workspace.open(ws_path)
    ws.save([ws.annotation("a1", "e1").changed(status="accepted")])
    ws.journal.close()
    ws._lock.release()
    journal = ws_path.with_name("workspace.json.journal")
    good = journal.read_bytes()
    journal.write_bytes(good + b'{"ops": [["ann", "a1", "e1", {"id": "e1", "sta')  # died mid-append
    with Workspace.open(ws_path) as ws2:
        assert ws2.annotation("a1", "e1").status == "accepted"
        assert journal.read_bytes() == good  # the fragment is cut on open
        ws2.save([ws2.annotation("a1", "e1").changed(status="rejected")])
    with Workspace.open(ws_path) as ws3:
        assert ws3.annotation("a1", "e1").status == "rejected"


def test_corrupt_files_are_refused_and_untouched(ws_path):
    with Workspace.open(ws_path) as ws:
        ws.add_articles([(article(), [])])
    with Workspace.open(ws_path) as ws:  # a second checkpoint leaves a backup
        ws.set_state("a1", "done")
    ws_path.write_text('{"_meta": {"1": {"schema": 1}}, "articles": {"1": {"id": "a1", "tit')
    before = ws_path.read_bytes()
    with pytest.raises(WorkspaceCorrupt) as exc:
        Workspace.open(ws_path)
    assert str(ws_path) in str(exc.value) and "backup" in str(exc.value)
    assert exc.value.backup == ws_path.with_name("workspace.json.bak")
    assert ws_path.read_bytes() == before
    json.loads(exc.value.backup.read_text())  # the backup is a good file


def test_corrupt_journal_middle_line(ws_path):
    with Workspace.open(ws_path) as ws:
        ws.add_articles([(article(), [])])
    journal = ws_path.with_name("workspace.json.journal")
    journal.write_bytes(b'garbage\n{"ops": []}\n')
    with pytest.raises(WorkspaceCorrupt, match="line 1 of the journal"):
        Workspace.open(ws_path)
    assert journal.read_bytes() == b'garbage\n{"ops": []}\n'


def test_newer_schema_is_refused(ws_path):
    ws_path.write_text(json.dumps({"_meta": {"1": {"schema": 99, "labels": ["X"]}}, "articles": {}}))
    with pytest.raises(WorkspaceTooNew, match="newer readtui"):
        Workspace.open(ws_path)


def test_save_failure_changes_nothing(workspace, monkeypatch):
    workspace.add_articles([(article(), [entity()])])

    def full(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.fsync", full)
    with pytest.raises(SaveFailed, match="No space left"):
        workspace.save([workspace.annotation("a1", "e1").changed(status="accepted")])
    monkeypatch.undo()
    assert workspace.annotation("a1", "e1").status == "pending"
    assert workspace.row("a1")["reviewed"] == 0
    workspace.save([workspace.annotation("a1", "e1").changed(status="accepted")])
    assert workspace.annotation("a1", "e1").status == "accepted"


def test_labels_for_a_new_workspace(ws_path):
    with Workspace.open(ws_path, labels=["PERSON", "ORG"]) as ws:
        assert ws.labels == ("PERSON", "ORG")
    with Workspace.open(ws_path, labels=["GPE"]) as ws:  # only when created
        assert ws.labels == ("PERSON", "ORG")


def test_texts_for_the_filter_reads_text_alone_and_survives_a_damaged_file(ws_path):
    with Workspace.open(ws_path) as ws:
        ws.add_articles([(article("a1"), [entity()]), (article("a2", text="Other words."), []),
                         (article("a3", text="Third."), [])])
        ws.article("a2")  # one from the cache, the others from their files
        (ws_path.with_name("workspace.json.d") / shard_name("a3")).write_text("{not json")
        assert dict(ws.texts(["a1", "a2", "a3"])) == {"a1": TEXT, "a2": "Other words.", "a3": ""}


@pytest.mark.parametrize("raw", [
    b'{"a": 1, "a": 2}', b'{"t": "\\ud800 lone"}', b'[1e400, NaN, -Infinity]', b'[123456789012345678901234567890]',
    b'[-9999999999999999999, 9223372036854775807]', b'\xef\xbb\xbf{"bom": 1}', b'{"x": "\\ud83c\\udf89 Zo\\u00eb"}',
    b'[1.0, -0.0, 5e-324, 0.1, 1e16]', '{"utf16": "é"}'.encode("utf-16"), b'{"n": null, "b": [true, false]}',
    b'12345678901234567890', b'{"hash": "ab12345678901234567890cd", "n":\n-12345678901234567890}',
])
def test_shards_read_as_json_reads_them(raw):
    """orjson reads the workspace's files where it gives what json gives, json the rest."""
    from tui.store import _loads

    want = json.loads(raw)
    got = _loads(raw)
    assert json.dumps(got) == json.dumps(want) and repr(got) == repr(want)
    with pytest.raises(ValueError):
        _loads(b'{"broken": ')


def test_read_articles_sees_a_workspace_written_since(ws_path):
    """Export workers read through one open workspace per process; a later write is seen."""
    from tui.store import read_articles, read_through

    with Workspace.open(ws_path) as ws:
        ws.add_articles([(article("a1"), [entity()])], suggested=False)
    assert read_articles(ws_path, ["a1"])[0][0].state == "new"
    with Workspace.open(ws_path) as ws:
        ws.set_state("a1", "done")
    assert read_articles(ws_path, ["a1"])[0][0].state == "done"
    with Workspace.open(ws_path, readonly=True) as ws:
        read_through(ws)
        assert read_articles(ws_path, ["a1"])[0][0].state == "done"
    with Workspace.open(ws_path) as ws:
        ws.set_state("a1", "in_progress")
    assert read_articles(ws_path, ["a1"])[0][0].state == "in_progress"  # not the closed one


def _as_schema_1(path) -> bytes:
    """The workspace at ``path`` (closed) rewritten as readtui wrote it before the summary
    columns: one ``articles`` row per article, schema 1."""
    rows = TinyDB(path, storage=WorkspaceStorage).table("articles")
    meta = json.loads(path.read_text())["_meta"]["1"]
    old = {"_meta": {"1": dict(meta, schema=1)}, "articles": {str(r.doc_id): dict(r) for r in rows}}
    raw = json.dumps(old, separators=(",", ":")).encode()
    path.write_bytes(raw)
    return raw


def test_a_workspace_of_the_old_layout_opens_and_is_written_anew(ws_path):
    with Workspace.open(ws_path) as ws:
        ws.add_articles([(article(f"a{i}"), [entity(f"a{i}")]) for i in range(3)])
        ws.save([ws.annotation("a1", "e1").changed("ana", status="accepted")], note="check the name")
        ws.set_state("a2", "done")
        before = ws.rows(), ws.stats()
    old = _as_schema_1(ws_path)
    out = subprocess.run([sys.executable, "-m", "tui", "stats", "--db", str(ws_path)],
                         capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"})
    assert out.returncode == 0 and "3 articles" in out.stdout, out.stderr
    assert ws_path.read_bytes() == old  # read-only: left as it was
    ws = Workspace.open(ws_path)
    assert (ws.rows(), ws.stats()) == before
    assert ws.article("a1").meta["note"] == "check the name" and ws.ids(state="done") == ["a2"]
    ws.save([ws.annotation("a0", "e1").changed("ana", status="rejected")])
    ws.journal.close()
    ws._lock.release()  # killed: the reject is in the journal, the table still schema 1
    with Workspace.open(ws_path) as ws:
        assert ws.annotation("a0", "e1").status == "rejected" and ws.stats()["reviewed"] == 2
        assert ws_path.read_bytes() == old
    # Closing wrote the new layout (atomically, like every checkpoint); the old file is the backup.
    data = json.loads(ws_path.read_text())
    assert data["_meta"]["1"]["schema"] == 2 and "articles" not in data
    assert data["summary"]["1"]["id"] == ["a0", "a1", "a2"]
    assert ws_path.with_name("workspace.json.bak").read_bytes() == old
    with Workspace.open(ws_path, readonly=True) as ws:
        assert ws.rows()[1:] == before[0][1:]
        assert ws.stats()["by_label"]["PERSON"] == {"pending": 1, "accepted": 1, "rejected": 1}
        assert ws.stats()["by_state"] == dict(before[1]["by_state"], new=0, in_progress=2)


def test_rows_and_stats_after_many_changes_equal_a_recount(ws_path):
    """The stored totals are kept by the journal: after imports, saves, re-imports and a
    reopen they equal the totals counted from the rows."""
    from tui.store.rows import account, empty_totals

    with Workspace.open(ws_path) as ws:
        ws.add_articles([(article(f"a{i}"), [entity(f"a{i}"), entity(f"a{i}", "e2", 33, 43, "GPE")]) for i in range(4)])
        ws.save([ws.annotation("a1", "e1").changed(status="accepted")], state="done")
    with Workspace.open(ws_path) as ws:
        ws.add_articles([(article("a1"), [entity("a1", label="ORG")])])  # the same id again: replaced
        ws.save([ws.annotation("a2", "e2").changed(label="LOC", status="accepted")])
    with Workspace.open(ws_path, readonly=True) as ws:
        recount = empty_totals()
        for row in ws.rows():
            account(recount, row, 1)
        stats = ws.stats()
        assert stats["annotations"] == recount["annotations"] == 7 and stats["reviewed"] == recount["reviewed"] == 1
        assert stats["by_state"] == {k: v for k, v in recount["by_state"].items()}
        assert stats["by_label"] == {k: v for k, v in recount["by_label"].items() if any(v.values())}
        assert ws.ids() == ["a0", "a1", "a2", "a3"] and ws.find_hash(ws.row("a3")["hash"]) == "a3"
