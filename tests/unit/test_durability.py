"""Nothing acknowledged is ever lost: kill -9, torn writes, crashes mid-checkpoint.

The large-scale speed figures live in bench/store.py; these tests check correctness
at small sizes so the suite stays quick.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from tui import store as store_mod
from tui.model import Annotation, Article
from tui.store import Workspace

LABELS = ["PERSON", "ORG", "GPE"]
WORDS = "Sara Carter met Vinay Kwatra in Washington and New Delhi on Monday".split()


def make_article(i: int) -> tuple[Article, list[Annotation]]:
    text = " ".join(WORDS[j % len(WORDS)] for j in range(i % 5, i % 5 + 40)) + f" (number {i})"
    anns, pos = [], 0
    for j, word in enumerate(text.split(" ")):
        if j % 3 == 0:
            anns.append(Annotation(id=f"{i}-{j}", article_id=f"art{i}", kind="entity", start=pos,
                                   end=pos + len(word), label=LABELS[j % 3]))
        pos += len(word) + 1
    return Article(id=f"art{i}", text=text, title=f"Article {i}"), anns


def snapshot(ws: Workspace) -> dict:
    """Everything a user would miss: every annotation's fields and each article's state."""
    out = {}
    for row in ws.rows():
        out[row["id"]] = (row["state"], {a.id: (a.status, a.label, a.start, a.end, a.annotator)
                                         for a in ws.annotations(row["id"])})
    return out


# --- kill -9 -------------------------------------------------------------------

WRITER = textwrap.dedent("""
    import random, sys
    from tui.store import Workspace
    sys.path.insert(0, {tests!r})
    from unit.test_durability import make_article
    ws = Workspace.open({db!r})
    if len(ws) == 0:
        ws.add_articles([make_article(i) for i in range(20)])
    print("ready", flush=True)
    rng = random.Random({seed})
    labels = ["PERSON", "ORG", "GPE"]
    n = 0
    while True:
        aid = "art%d" % rng.randrange(20)
        ann = rng.choice(ws.annotations(aid))
        status = rng.choice(["accepted", "rejected", "pending"])
        label = rng.choice(labels)
        print("try", aid, ann.id, status, label, flush=True)
        ws.save([ann.changed("killer", status=status, label=label)])
        print("ack", aid, ann.id, status, label, flush=True)
        n += 1
        if n % 17 == 0:
            ws.checkpoint()  # crash during compaction is covered too
""")


@pytest.mark.parametrize("seed", range(4))
def test_kill_9_mid_stream_loses_no_acknowledged_write(tmp_path, seed):
    db = tmp_path / "ws.json"
    script = WRITER.format(tests=str(Path(__file__).parent.parent), db=str(db), seed=seed)
    rng = random.Random(seed)
    expected: dict[tuple[str, str], tuple[str, str]] = {}
    in_flight: dict[tuple[str, str], tuple[str, str]] = {}
    for round_ in range(3):  # kill, reopen, keep writing, kill again
        proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                                cwd=Path(__file__).parent.parent.parent)
        assert proc.stdout.readline().strip() == "ready"
        stop_after = rng.randint(5, 120)

        def read(lines, stop_after=None):
            nonlocal in_flight
            acks = 0
            for line in lines:
                if len(line.split()) != 5 or not line.endswith("\n"):
                    continue  # the kill cut this line short
                kind, aid, ann_id, status, label = line.split()
                if kind == "try":
                    in_flight = {(aid, ann_id): (status, label)}
                else:
                    expected[(aid, ann_id)] = (status, label)
                    in_flight = {}
                    acks += 1
                    if stop_after and acks >= stop_after:
                        return

        read(proc.stdout, stop_after)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        read(proc.stdout)  # what it printed before it died was acknowledged too
        proc.stdout.close()
        with Workspace.open(db) as ws:  # opens cleanly, lock released by the kernel
            for (aid, ann_id), want in expected.items():
                ann = ws.annotation(aid, ann_id)
                got = (ann.status, ann.label)
                # The write after the last ack may or may not have landed; nothing else may differ.
                assert got == want or got == in_flight.get((aid, ann_id)), (round_, aid, ann_id)
                expected[(aid, ann_id)] = got


def test_kill_9_during_import_leaves_a_workspace_that_opens(tmp_path):
    import json

    src = tmp_path / "many.jsonl"
    with open(src, "w") as fh:
        for i in range(3000):
            art, anns = make_article(i)
            fh.write(json.dumps({"id": art.id, "text": art.text, "spans": [
                {"start": a.start, "end": a.end, "label": a.label} for a in anns]}) + "\n")
    db = tmp_path / "ws.json"
    proc = subprocess.Popen([sys.executable, "-m", "tui", "import", "--no-suggest", str(src), "--db", str(db)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            cwd=Path(__file__).parent.parent.parent)
    journal = tmp_path / "ws.json.journal"
    for _ in range(600):  # until the first batch of articles is in
        # The meta line, then a whole batch line: something acknowledged to keep.
        if journal.exists() and journal.read_bytes().count(b"\n") >= 2:
            break
        assert proc.poll() is None, "the import ended before it could be killed"
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with Workspace.open(db) as ws:
        assert 0 < len(ws) <= 3000
        for row in ws.rows():  # every article the index lists is whole
            assert len(ws.annotations(row["id"])) == row["annotations"] > 0
    # Importing again completes the job; what was there counts as duplicates.
    r = subprocess.run([sys.executable, "-m", "tui", "import", "--no-suggest", str(src), "--db", str(db)],
                       capture_output=True, text=True, cwd=Path(__file__).parent.parent.parent)
    assert r.returncode == 0, r.stderr
    with Workspace.open(db, readonly=True) as ws:
        assert len(ws) == 3000


# --- torn writes -----------------------------------------------------------------

def test_journal_cut_anywhere_gives_a_prefix_of_the_actions(tmp_path):
    db = tmp_path / "ws.json"
    ws = Workspace.open(db)
    ws.add_articles([make_article(i) for i in range(3)])
    ws.checkpoint()
    states = [(ws.journal.size, snapshot(ws))]
    rng = random.Random(7)
    for i in range(25):
        aid = f"art{rng.randrange(3)}"
        ann = rng.choice(ws.annotations(aid))
        if i % 7 == 6:
            ws.set_state(aid, "done")
        else:
            ws.save([ann.changed(status=rng.choice(["accepted", "rejected"]), label=rng.choice(LABELS))])
        states.append((ws.journal.size, snapshot(ws)))
    ws.journal.close()
    ws._lock.release()
    full = db.with_name("ws.json.journal").read_bytes()
    cuts = sorted({rng.randrange(len(full) + 1) for _ in range(40)} | {0, len(full)})
    for cut in cuts:
        copy = tmp_path / f"cut{cut}"
        shutil.copytree(tmp_path, copy, ignore=shutil.ignore_patterns("cut*"))
        (copy / "ws.json.journal").write_bytes(full[:cut])
        with Workspace.open(copy / "ws.json") as w:
            want = max((s for s in states if s[0] <= cut), key=lambda s: s[0])[1]
            assert snapshot(w) == want, cut


@pytest.mark.parametrize("fail_at", range(6))
def test_crash_during_checkpoint_keeps_the_last_good_state(tmp_path, monkeypatch, fail_at):
    db = tmp_path / "ws.json"
    ws = Workspace.open(db)
    ws.add_articles([make_article(i) for i in range(4)])
    ws.checkpoint()
    for i in range(4):
        ann = ws.annotations(f"art{i}")[0]
        ws.save([ann.changed(status="accepted", label="ORG")])
    ws.set_state("art2", "done")
    want = snapshot(ws)
    real = store_mod.write_atomic
    calls = {"n": 0}

    class Died(Exception):
        pass

    def dying(path, data, **kw):
        if calls["n"] == fail_at:
            # Die half-way: a partial temporary file is all that reaches the disk.
            tmp = Path(path).with_name(f".{Path(path).name}.{os.getpid()}.tmp")
            tmp.write_bytes((data.encode() if isinstance(data, str) else data)[: len(data) // 2])
            raise Died()
        calls["n"] += 1
        return real(path, data, **kw)

    for module in (store_mod.workspace, store_mod.journal):  # the checkpoint's writes
        monkeypatch.setattr(module, "write_atomic", dying)
    with pytest.raises(Died):
        ws.checkpoint()
    monkeypatch.undo()
    ws.journal.close()
    ws._lock.release()
    with Workspace.open(db) as again:
        assert snapshot(again) == want


# --- random action sequences -------------------------------------------------------

class WorkspaceMachine(RuleBasedStateMachine):
    """Random accept/reject/relabel/add/remove/state/checkpoint/reopen/crash vs. a plain dict."""

    def __init__(self):
        super().__init__()
        import tempfile

        self.dir = Path(tempfile.mkdtemp(prefix="readtui-hyp-"))
        self.db = self.dir / "ws.json"
        self.ws = None
        self.model: dict = {}

    @initialize(n=st.integers(1, 4))
    def start(self, n):
        self.ws = Workspace.open(self.db)
        items = [make_article(i) for i in range(n)]
        self.ws.add_articles(items)
        self.model = {a.id: ["new", {x.id: (x.status, x.label, x.start, x.end, x.annotator) for x in anns}]
                      for a, anns in items}

    def _pick(self, data):
        aid = data.draw(st.sampled_from(sorted(self.model)))
        ids = sorted(self.model[aid][1])
        return aid, (data.draw(st.sampled_from(ids)) if ids else None)

    @rule(data=st.data(), status=st.sampled_from(["accepted", "rejected", "pending"]),
          label=st.sampled_from(LABELS))
    def review(self, data, status, label):
        aid, ann_id = self._pick(data)
        if ann_id is None:
            return
        ann = self.ws.annotation(aid, ann_id)
        self.ws.save([ann.changed("hyp", status=status, label=label)])
        self.model[aid][1][ann_id] = (status, label, ann.start, ann.end, "hyp")
        if self.model[aid][0] == "new":
            self.model[aid][0] = "in_progress"

    @rule(data=st.data(), length=st.integers(1, 20))
    def add_manual(self, data, length):
        aid, _ = self._pick(data)
        text = self.ws.article(aid).text
        start = data.draw(st.integers(0, len(text) - 1))
        end = min(len(text), start + length)
        ann = Annotation(id=f"m{len(self.model[aid][1])}-{start}", article_id=aid, kind="quote",
                         start=start, end=end, label="QUOTE", origin="manual", status="accepted",
                         annotator="hyp")
        self.ws.save([ann])
        self.model[aid][1][ann.id] = ("accepted", "QUOTE", start, end, "hyp")
        if self.model[aid][0] == "new":
            self.model[aid][0] = "in_progress"

    @rule(data=st.data())
    def remove(self, data):
        aid, ann_id = self._pick(data)
        if ann_id is None:
            return
        self.ws.save([], article_id=aid, removed=[ann_id])
        del self.model[aid][1][ann_id]
        if self.model[aid][0] == "new":
            self.model[aid][0] = "in_progress"

    @rule(data=st.data(), state=st.sampled_from(["new", "in_progress", "done"]))
    def set_state(self, data, state):
        aid, _ = self._pick(data)
        self.ws.set_state(aid, state)
        self.model[aid][0] = state

    @rule()
    def checkpoint(self):
        self.ws.checkpoint()

    @rule()
    def reopen(self):
        self.ws.close()
        self.ws = Workspace.open(self.db)

    @rule()
    def crash_and_reopen(self):
        # As after kill -9: no close, no checkpoint; the kernel drops the lock.
        self.ws.journal.close()
        self.ws._lock.release()
        self.ws = Workspace.open(self.db)

    @invariant()
    def matches_model(self):
        if self.ws is None:
            return
        got = {aid: [st_, anns] for aid, (st_, anns) in snapshot(self.ws).items()}
        assert got == {aid: [v[0], v[1]] for aid, v in self.model.items()}
        stats = self.ws.stats()
        assert stats["annotations"] == sum(len(v[1]) for v in self.model.values())
        # The counts kept up to date change by change equal a full recount.
        from tui.store import summarize

        by_label: dict = {}
        for row in self.ws.rows():
            full = summarize(self.ws.article(row["id"]), self.ws.annotations(row["id"]), suggested=True)
            assert (row["counts"], row["annotations"], row["reviewed"]) == \
                (full["counts"], full["annotations"], full["reviewed"])
            for label, c in full["counts"].items():
                for status, n in c.items():
                    by_label.setdefault(label, {}).setdefault(status, 0)
                    by_label[label][status] += n
        assert {k: {s: n for s, n in v.items() if n} for k, v in stats["by_label"].items()} == by_label

    def teardown(self):
        if self.ws is not None:
            self.ws.close()
            fresh = Workspace.open(self.db, readonly=True)
            assert {a: [s, x] for a, (s, x) in snapshot(fresh).items()} == \
                {aid: [v[0], v[1]] for aid, v in self.model.items()}
        shutil.rmtree(self.dir, ignore_errors=True)


WorkspaceMachine.TestCase.settings = settings(
    max_examples=40, stateful_step_count=25, deadline=None,
    suppress_health_check=[HealthCheck.too_slow])
test_random_action_sequences_survive_reopen = WorkspaceMachine.TestCase
