"""Where ``-o`` leads: never onto a workspace, into what is there (FIFO, device, symlink's
target), a reader that leaves early said so; nothing from a file reaches the terminal;
a killed export leaves no worker and no temporary file for long."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tui.model import Annotation, Article
from tui.store import Workspace, shard_name

from .helpers import ROOT, one_line, readtui

STORY = "Sara Carter spoke in Berlin on day {i} about the budget."


def build(db: Path, n: int = 3, *, sentences: int = 1, labels: tuple[str, ...] = ("PERSON",)) -> None:
    """``n`` articles, each done with one accepted entity per label; a second open leaves the .bak."""
    text = " ".join(STORY.format(i=i) for i in range(sentences))
    with Workspace.open(db) as ws:
        ws.add_articles([(Article(id=f"a{i}", text=f"{text} Story {i}.", title=f"T{i}", state="done" if i else "new"),
                          [Annotation(id=f"e{i}-{k}", article_id=f"a{i}", kind="entity", start=0, end=11,
                                      label=label, status="accepted", origin="model",
                                      original={"label": "PERSON"} if label != "PERSON" else {})
                           for k, label in enumerate(labels)])
                         for i in range(n)])
    with Workspace.open(db) as ws:
        ws.set_state("a0", "done")


def files(folder: Path) -> dict[str, object]:
    """Every file under ``folder`` as it is: bytes, a link's target, or its kind."""
    seen: dict[str, object] = {}
    for path in sorted(folder.rglob("*")):
        st = path.lstat()
        if stat.S_ISLNK(st.st_mode):
            seen[str(path)] = ("link", os.readlink(path))
        elif stat.S_ISREG(st.st_mode):
            seen[str(path)] = path.read_bytes()
        else:
            seen[str(path)] = stat.S_IFMT(st.st_mode)
    return seen


def refused(r: subprocess.CompletedProcess, *words: str) -> None:
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) <= 2, r.stderr  # (Rich wraps)
    line = one_line(r.stderr)
    assert "nothing written" in line and all(w in line for w in words), line


@pytest.fixture
def ws(tmp_path) -> Path:
    db = tmp_path / "ws" / "workspace.json"
    build(db)
    return db


def plain_export(db: Path, tmp_path: Path) -> bytes:
    out = tmp_path / "plain.jsonl"
    r = readtui("export", "--db", db, "-o", out)
    assert r.returncode == 0, r.stderr
    data = out.read_bytes()
    out.unlink()
    return data


# --- 1. workspace files are never export targets ------------------------------------

TARGETS = {
    "table": "workspace.json", "journal": "workspace.json.journal", "backup": "workspace.json.bak",
    "lock": "workspace.json.lock", "article folder": "workspace.json.d",
    "new file in the article folder": "workspace.json.d/new.jsonl",
    "symlink to the table": "../link.jsonl", "hard link to an article file": "../hard.jsonl",
    "hard link to the journal": "../journal.jsonl",
}


@pytest.mark.parametrize("target", TARGETS, ids=list(TARGETS))
def test_export_never_writes_over_a_file_of_the_workspace(ws, tmp_path, target):
    (tmp_path / "link.jsonl").symlink_to(ws)
    os.link(ws.with_name("workspace.json.d") / shard_name("a1"), tmp_path / "hard.jsonl")
    os.link(ws.with_name("workspace.json.journal"), tmp_path / "journal.jsonl")
    before = files(tmp_path)
    r = readtui("export", "--db", ws, "-o", ws.parent / TARGETS[target])
    refused(r, "workspace")
    assert files(tmp_path) == before
    assert "3 articles" in readtui("stats", "--db", ws).stdout


@pytest.mark.parametrize("target", ["journal of another workspace", "hard link to the default workspace"])
def test_suggest_never_writes_over_a_file_of_a_workspace(ws, tmp_path, target):
    os.link(ws, tmp_path / "hard.jsonl")
    (tmp_path / "in.txt").write_text("Sara Carter spoke in Berlin.\n")
    before = files(tmp_path)
    out = ws.with_name("workspace.json.journal") if target.startswith("journal") else tmp_path / "hard.jsonl"
    env = {"READTUI_DB": str(ws)} if target.startswith("hard") else {"READTUI_DB": str(tmp_path / "other.json")}
    refused(readtui("suggest", "-o", out, tmp_path / "in.txt", env=env), "workspace")
    assert files(tmp_path) == before


# --- 7. -o writes to what is there --------------------------------------------------

def test_export_writes_into_a_fifo_and_leaves_it_one(ws, tmp_path):
    expected = plain_export(ws, tmp_path)
    fifo = tmp_path / "gold.fifo"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    try:
        r = readtui("export", "--db", ws, "-o", fifo, timeout=60)
        got, _ = reader.communicate(timeout=10)
    finally:
        reader.kill()
        reader.wait()
    assert r.returncode == 0, r.stderr
    assert got == expected
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_export_through_a_symlink_replaces_its_target(ws, tmp_path):
    expected = plain_export(ws, tmp_path)
    data = tmp_path / "data"
    data.mkdir()
    (data / "gold.jsonl").write_text("last week's export\n")
    (tmp_path / "gold.jsonl").symlink_to(data / "gold.jsonl")
    (tmp_path / "new.jsonl").symlink_to(data / "new.jsonl")  # dangling: the export makes its target
    for link in ("gold.jsonl", "new.jsonl"):
        r = readtui("export", "--db", ws, "-o", tmp_path / link)
        assert r.returncode == 0, r.stderr
        assert os.readlink(tmp_path / link) == str(data / link)  # still the link, to the same file
        assert (data / link).read_bytes() == expected
    assert sorted(p.name for p in data.iterdir()) == ["gold.jsonl", "new.jsonl"]  # no temporary left


def test_export_to_stdout_by_its_proc_link(ws, tmp_path):
    """``-o /dev/stdout`` (a link to /proc/self/fd/1): the bytes go to stdout."""
    expected = plain_export(ws, tmp_path)
    link = tmp_path / "stdout"
    link.symlink_to("/proc/self/fd/1")
    r = readtui("export", "--db", ws, "-o", link)
    assert r.returncode == 0, r.stderr
    assert r.stdout.encode() == expected
    assert link.is_symlink()


def test_export_into_a_character_device(ws, tmp_path):
    null = tmp_path / "null"
    try:
        os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # /dev/null's numbers
    except OSError:
        pytest.skip("cannot make a device node here")
    r = readtui("export", "--db", ws, "-o", null)
    assert r.returncode == 0, r.stderr
    assert stat.S_ISCHR(null.lstat().st_mode)


@pytest.mark.parametrize("command", ["export", "suggest"])
@pytest.mark.parametrize("kind", ["folder", "socket"])
def test_what_cannot_be_written_into_is_refused(ws, tmp_path, command, kind):
    target = tmp_path / kind
    if kind == "folder":
        target.mkdir()
        (target / "keep.txt").write_text("kept")
    else:
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(target))
    (tmp_path / "in.txt").write_text("Sara Carter spoke in Berlin.\n")
    before = files(tmp_path)
    args = ["export", "--db", ws] if command == "export" else ["suggest", tmp_path / "in.txt"]
    refused(readtui(*args, "-o", target), kind)
    assert files(tmp_path) == before


def test_suggest_writes_into_a_fifo(tmp_path):
    (tmp_path / "in.txt").write_text("Sara Carter spoke in Berlin.\n")
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    try:
        r = readtui("suggest", tmp_path / "in.txt", "-o", fifo, timeout=120)
        got, _ = reader.communicate(timeout=10)
    finally:
        reader.kill()
        reader.wait()
    assert r.returncode == 0, r.stderr
    assert got.count(b"\n") == 1 and b"Sara Carter" in got
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


# --- 9. a reader of stdout that leaves early -----------------------------------------

def test_reader_of_stdout_closing_early_is_said_plainly(tmp_path):
    db = tmp_path / "ws.json"
    build(db, 40, sentences=30)  # ~2 MB of JSONL: far more than a pipe holds
    proc = subprocess.Popen([sys.executable, "-m", "tui", "export", "--db", db, "-o", "-"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    head = proc.stdout.read(100)  # `| head -c 100`
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert len(head) == 100
    assert proc.returncode == 1
    assert "Traceback" not in err and "Exception ignored" not in err
    line = one_line(err)
    assert "reader of stdout closed it early" in line and "nothing written" not in line, err


def test_export_to_a_closed_stdout(ws):
    r = readtui("export", "--db", ws, "-o", "-", preexec_fn=lambda: os.close(1))
    refused(r, "stdout is closed")


# --- 8. nothing from a file reaches the terminal --------------------------------------

HOSTILE_LABELS = ("[link=https://evil.example]PERSON", "[/]", "\x1b[2JORG", "\x1b]52;c;ZXZpbA==\x07GPE", ":warning:")
# "[/b]": a folder "ws [" holding "b] …"; the rest a screen clear and a hyperlink.
HOSTILE_DIR = "ws [/b] \x1b[2J \x1b]8;;https://evil.example/\x07here\x1b]8;;\x07"


def no_escapes(r: subprocess.CompletedProcess, *, forced: bool = False) -> str:
    both = r.stdout + r.stderr
    assert "Traceback" not in both and "MarkupError" not in both, both
    if forced:  # Rich styles a terminal's output (SGR), but never clears it nor links nor copies
        assert "\x1b]" not in both and "\x1b[2J" not in both and "\x9b" not in both, repr(both)
    else:
        assert "\x1b" not in both and "\x9b" not in both and "\x07" not in both, repr(both)
    return both


@pytest.mark.parametrize("forced", [False, True], ids=["pipe", "terminal"])
def test_no_file_content_reaches_the_terminal(tmp_path, forced):
    env = {"FORCE_COLOR": "1", "TERM": "xterm-256color"} if forced else {"NO_COLOR": "1"}
    env["READTUI_DB"] = str(tmp_path / "default.json")
    folder = tmp_path / HOSTILE_DIR
    db = folder / "workspace.json"
    build(db, labels=HOSTILE_LABELS)

    stats = no_escapes(readtui("stats", "--db", db, env=env), forced=forced)
    assert "[link=https://evil.example]PERSON" in stats and "[/]" in stats and ":warning:" in stats
    no_escapes(readtui("stats", "--db", folder / "missing.json", env=env), forced=forced)
    for command in ("entities", "quotes", "stories"):
        no_escapes(readtui(command, "--db", db, env=env), forced=forced)

    bad = folder / "bad \x1b]52;c;ZXZpbA==\x07.jsonl"
    bad.write_text('{"text": "Sara Carter spoke.", "spans": [{"start": 0, "end": 99, '
                   '"label": "\\u001b]52;c;ZXZpbA==\\u0007PERSON"}]}\n')
    (folder / "empty \x1b[2J.txt").write_text("")
    r = readtui("import", "--no-suggest", "--db", db, bad, folder / "empty \x1b[2J.txt", env=env)
    assert r.returncode == 1
    report = no_escapes(r, forced=forced)
    assert report.count("failed") >= 3  # the summary and both files

    out = folder / "gold \x1b[2J.jsonl"
    assert "exported 3" in one_line(no_escapes(readtui("export", "--db", db, "-o", out, env=env), forced=forced))
    no_escapes(readtui("export", "--db", db, "-o", folder, env=env), forced=forced)  # a refusal names it
    no_escapes(readtui("suggest", bad, "-o", db, env=env), forced=forced)


def test_suggest_summary_shows_no_file_content(tmp_path):
    folder = tmp_path / HOSTILE_DIR
    folder.mkdir(parents=True)
    (folder / "in.txt").write_text("Sara Carter spoke in Berlin.\n")
    (folder / "empty \x1b[2J.txt").write_text("")
    r = readtui("suggest", folder / "in.txt", folder / "empty \x1b[2J.txt", "-o", folder / "out [/b].jsonl")
    assert r.returncode == 1  # the empty file failed
    assert "suggested for 1 articles" in one_line(no_escapes(r))


# --- 11. a killed export -------------------------------------------------------------

def _state(pid: int) -> str | None:
    """The process's state letter from /proc, None when it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


def _alive(pid: int) -> bool:
    return _state(pid) not in (None, "Z", "X")  # a zombie has exited; only its parent's wait is missing


def _workers_of(pid: int) -> list[int]:
    """The child processes running the same command line (forked workers, not a resource tracker)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            if ppid == pid and (entry / "cmdline").read_bytes() == cmdline:
                found.append(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


def test_killed_export_leaves_no_worker_and_its_temporary_is_cleaned_next_time(tmp_path):
    db = tmp_path / "ws.json"
    build(db, 3000, sentences=30)  # enough that the export is still running when it is killed
    out = tmp_path / "gold.spacy"
    export = [sys.executable, "-m", "tui", "export", "--db", str(db), "--format", "spacy", "-j", "2", "-o", str(out)]
    proc = subprocess.Popen(export, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            workers = _workers_of(proc.pid) or workers
            if len(workers) == 2 and list(tmp_path.glob(".gold.spacy.*.tmp")):
                break
            time.sleep(0.05)
        assert len(workers) == 2 and proc.poll() is None, "the export did not start its workers"
        time.sleep(0.2)  # the workers are into their shares
        assert proc.poll() is None, "the export ended before it could be killed"
        proc.kill()  # kill -9
        proc.wait()
        deadline = time.monotonic() + 10
        while any(map(_alive, workers)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [w for w in workers if _alive(w)], "the workers outlived their export"
    finally:
        proc.kill()
        for w in workers:
            try:
                os.kill(w, 9)
            except OSError:
                pass
    left = list(tmp_path.glob(".gold.spacy.*.tmp"))
    assert left and not out.exists()
    small = tmp_path / "small" / "ws.json"
    build(small)
    r = readtui("export", "--db", small, "--format", "spacy", "-o", out)  # the next export to that file
    assert r.returncode == 0, r.stderr
    assert out.exists() and not list(tmp_path.glob(".gold.spacy.*.tmp"))


def test_a_replaced_export_keeps_its_mode_and_a_new_one_follows_the_umask(tmp_path):
    db = tmp_path / "ws.json"
    build(db)
    kept = tmp_path / "private.jsonl"
    kept.write_text("yesterday's export\n")
    kept.chmod(0o600)  # an analyst keeps the export private
    r = readtui("export", "--db", db, "--all", "-o", kept)
    assert r.returncode == 0, r.stderr
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600 and kept.read_text() != "yesterday's export\n"
    fresh = tmp_path / "new.jsonl"
    assert readtui("export", "--db", db, "--all", "-o", fresh).returncode == 0
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644 & ~mask
