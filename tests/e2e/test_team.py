"""``readtui assign`` and ``readtui agree`` through the installed command, as a team uses them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tui.formats import jsonl_line
from tui.model import Annotation, Article, Speaker
from tui.store import Workspace

READTUI = Path(sys.executable).parent / "readtui"
TEXT = "Sara Carter met Bob Lee in Paris and Rome."


def run(*args, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, COLUMNS="200", READTUI_DB=str(cwd / "default" / "workspace.json"))
    return subprocess.run([str(READTUI), *map(str, args)], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=300)


def ent(aid: str, start: int, end: int, label: str, text: str, who: str) -> Annotation:
    return Annotation(f"{aid}-{start}-{label}", aid, "entity", start, end, label, text[start:end],
                      origin="manual", status="accepted", annotator=who)


def export(path: Path, who: str, items) -> Path:
    """An export as `readtui export` writes it (done articles, accepted annotations)."""
    path.write_bytes(b"".join(jsonl_line(a, anns) for a, anns in items))
    return path


ART = Article("a1", TEXT, title="one", state="done")
SAID = 'Sara Carter said "we will win" today.'
QUOTED = Article("a2", SAID, title="two", state="done")


def ana_items():
    q = SAID.index('"')
    return [(ART, [ent("a1", 0, 11, "PERSON", TEXT, "ana"), ent("a1", 16, 23, "PERSON", TEXT, "ana"),
                   ent("a1", 27, 32, "GPE", TEXT, "ana")]),
            (QUOTED, [ent("a2", 0, 11, "PERSON", SAID, "ana"),
                      Annotation("q", "a2", "quote", q, q + 13, "QUOTE", SAID[q:q + 13],
                                 speaker=Speaker(0, 11, "Sara Carter", "Sara Carter"),
                                 origin="manual", status="accepted", annotator="ana")])]


def bob_items():
    q = SAID.index('"')
    return [(ART, [ent("a1", 0, 11, "PERSON", TEXT, "bob"), ent("a1", 20, 23, "PERSON", TEXT, "bob"),
                   ent("a1", 27, 32, "ORG", TEXT, "bob"), ent("a1", 37, 41, "GPE", TEXT, "bob")]),
            (QUOTED, [ent("a2", 0, 11, "PERSON", SAID, "bob"),
                      Annotation("q", "a2", "quote", q, q + 13, "QUOTE", SAID[q:q + 13],
                                 speaker=Speaker(5, 11, "Carter", "sara carter"),
                                 origin="manual", status="accepted", annotator="bob")])]


def test_agree_json_contract_on_two_exports(tmp_path):
    a = export(tmp_path / "first.jsonl", "ana", ana_items())
    b = export(tmp_path / "second.jsonl", "bob", bob_items())
    r = run("agree", a, b, "--json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["articles"] == 2
    [pair] = report["pairs"]
    assert (pair["a"], pair["b"]) == ("ana", "bob")  # the files' _annotator_id, not their names
    assert set(pair) >= {"a", "b", "f1_exact", "f1_overlap", "kappa", "labels"}
    # Article a1 as in tests/unit/test_agreement.py, plus a PERSON both marked on a2:
    # exact 2*2/(4+5); PERSON both 2, ana only 1 (Bob Lee), bob only 1 (Lee).
    assert pair["f1_exact"] == pytest.approx(4 / 9, abs=1e-4)
    assert pair["labels"]["PERSON"] == {"f1_exact": pytest.approx(2 / 3, abs=1e-4), "f1_overlap": 1.0,
                                        "a_only": 1, "b_only": 1, "both": 2}
    assert set(pair["labels"]["GPE"]) == {"f1_exact", "f1_overlap", "a_only", "b_only", "both"}
    assert isinstance(pair["kappa"], float) and isinstance(report["alpha"], float)
    # The quote: same span; speaker by another mention but the same name (casefolded).
    assert report["quotes"]["f1"] == 1.0 and report["quotes"]["speaker_agreement"] == 1.0
    assert [row["id"] for row in report["per_article"]] == ["a1", "a2"]  # worst first
    assert "unreliable below 20" in " ".join(r.stderr.split())


def test_agree_reads_workspaces_and_counts_done_articles_only(tmp_path):
    not_gold = [Annotation("p", "a1", "entity", 33, 36, "ORG", "and", status="pending"),
                Annotation("r", "a1", "entity", 37, 41, "GPE", "Rome", status="rejected")]
    ana = [(ART, ana_items()[0][1] + not_gold), ana_items()[1]]
    for who, items in (("ana", ana), ("cy", bob_items())):
        with Workspace.open(tmp_path / who / "workspace.json") as ws:
            ws.add_articles(items, suggested=False)
            ws.set_state("a2", "in_progress")  # not done: not counted, as the export would not write it
    ana, cy = tmp_path / "ana" / "workspace.json", tmp_path / "cy" / "workspace.json"
    r = run("agree", ana, cy, "--json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["articles"] == 1 and [(p["a"], p["b"]) for p in report["pairs"]] == [("ana", "cy")]
    # Pending and rejected annotations do not count: a1 as in tests/unit/test_agreement.py.
    assert report["pairs"][0]["f1_exact"] == pytest.approx(2 / 7, abs=1e-4)
    assert json.loads(run("agree", ana, cy, "--json", "--all", cwd=tmp_path).stdout)["articles"] == 2
    # The tables, for people.
    r = run("agree", ana, cy, cwd=tmp_path)
    assert r.returncode == 0 and "F1 exact" in r.stdout and "PERSON" in r.stdout and "a1" in r.stdout


def test_agree_against_a_gold(tmp_path):
    a = export(tmp_path / "ana.jsonl", "ana", ana_items())
    b = export(tmp_path / "bob.jsonl", "bob", bob_items())
    gold = export(tmp_path / "gold.jsonl", "ana", ana_items())
    r = run("agree", a, b, "--gold", gold, "--json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    scores = {s["name"]: s for s in json.loads(r.stdout)["gold"]["analysts"]}
    assert scores["ana"]["f1"] == 1.0
    assert scores["bob"]["labels"]["PERSON"]["precision"] == pytest.approx(2 / 3, abs=1e-4)
    assert scores["bob"]["labels"]["ORG"]["extra"] == 1 and scores["bob"]["labels"]["GPE"]["missed"] == 1


@pytest.mark.parametrize("args, said", [
    (["only.jsonl"], "two analysts"),
    (["only.jsonl", "notes.txt"], "neither a workspace"),
    (["only.jsonl", "missing.jsonl"], "missing.jsonl"),
    (["only.jsonl", "broken.jsonl"], "broken.jsonl:1"),
])
def test_agree_refuses_bad_input_in_one_line(tmp_path, args, said):
    export(tmp_path / "only.jsonl", "ana", ana_items())
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "broken.jsonl").write_text("{not json\n")
    r = run("agree", *args, cwd=tmp_path)
    assert r.returncode == 1 and said in " ".join(r.stderr.split()) and "Traceback" not in r.stderr
    assert r.stdout == ""


# --- assign ----------------------------------------------------------------------

def corpus(folder: Path, n: int = 7) -> Path:
    folder.mkdir()
    for i in range(n):
        (folder / f"{i}.txt").write_text(f"Story {i}\n\nOfficials in Town{i} met on day {i} to talk about it.\n")
    return folder


def shares(folder: Path) -> dict[str, list[dict]]:
    return {p.stem: [json.loads(line) for line in p.read_text().splitlines()] for p in sorted(folder.glob("*.jsonl"))}


def test_assign_is_balanced_each_article_to_n_analysts_and_reproducible(tmp_path):
    src = corpus(tmp_path / "corpus")
    r = run("assign", src, "--annotators", "ana,bob,cy", "--overlap", "2", "-o", tmp_path / "out", "--seed", 5,
            cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    got = shares(tmp_path / "out")
    counts = sorted(len(v) for v in got.values())
    assert sum(counts) == 14 and counts[-1] - counts[0] <= 1
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["seed"] == 5 and manifest["overlap"] == 2
    assert len(manifest["articles"]) == 7 and all(len(set(a["analysts"])) == 2 for a in manifest["articles"])
    for name, records in got.items():
        assert {rec["meta"]["id"] for rec in records} == \
            {a["id"] for a in manifest["articles"] if name in a["analysts"]}
    assert run("assign", src, "--annotators", "ana,bob,cy", "-o", tmp_path / "again", "--seed", 5,
               cwd=tmp_path).returncode == 0
    assert all((tmp_path / "again" / f).read_bytes() == (tmp_path / "out" / f).read_bytes()
               for f in ("ana.jsonl", "bob.jsonl", "cy.jsonl", "manifest.json"))
    run("assign", src, "--annotators", "ana,bob,cy", "-o", tmp_path / "other", "--seed", 6, cwd=tmp_path)
    assert shares(tmp_path / "other") != got


def test_assigned_files_import_back_unchanged(tmp_path):
    src = corpus(tmp_path / "corpus", 3)
    annotated = tmp_path / "corpus" / "annotated.jsonl"
    export(annotated, "ana", ana_items())
    r = run("assign", src, "--annotators", "ana,bob", "--overlap", "2", "-o", tmp_path / "out", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    db = tmp_path / "bob" / "workspace.json"
    r = run("import", "--no-suggest", tmp_path / "out" / "bob.jsonl", "--db", db, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    with Workspace.open(db, readonly=True) as ws:
        got = {a.id: (a, anns) for a, anns in ws.iter_articles()}
    assert len(got) == 5
    for article, anns in ana_items():  # ids, texts and annotations as they were
        mine, kept = got[article.id]
        assert mine.text == article.text and mine.title == article.title
        assert [(a.id, a.start, a.end, a.label, a.speaker) for a in kept] == \
            [(a.id, a.start, a.end, a.label, a.speaker) for a in sorted(anns, key=lambda a: (a.start, -a.end))]
    texts = {p.read_text().split("\n\n", 1)[1].strip() for p in src.glob("*.txt")}
    assert texts <= {a.text for a, _ in got.values()}
    # Plain texts arrive without annotations: the import would suggest for them.
    assert all(not anns for a, anns in got.values() if a.id not in ("a1", "a2"))


@pytest.mark.parametrize("args, said", [
    (["--annotators", "ana,bob", "--overlap", "3"], "--overlap 3"),
    (["--annotators", "ana,ana"], "named twice"),
    (["--annotators", "../x,bob"], "names a file"),
])
def test_assign_refuses_bad_options_in_one_line(tmp_path, args, said):
    src = corpus(tmp_path / "corpus", 2)
    r = run("assign", src, *args, "-o", tmp_path / "out", cwd=tmp_path)
    assert r.returncode == 1 and said in " ".join(r.stderr.split()) and "Traceback" not in r.stderr
    assert not (tmp_path / "out").exists()


def test_assign_refuses_a_bad_corpus_and_an_existing_assignment(tmp_path):
    src = corpus(tmp_path / "corpus", 2)
    r = run("assign", src, tmp_path / "nope.txt", "--annotators", "ana,bob", "-o", tmp_path / "out", cwd=tmp_path)
    assert r.returncode == 1 and "nope.txt" in r.stderr and "nothing written" in " ".join(r.stderr.split())
    assert not (tmp_path / "out").exists()
    assert run("assign", src, "--annotators", "ana,bob", "-o", tmp_path / "out", cwd=tmp_path).returncode == 0
    r = run("assign", src, "--annotators", "ana,bob", "-o", tmp_path / "out", cwd=tmp_path)
    assert r.returncode == 1 and "already holds an assignment" in " ".join(r.stderr.split())


@pytest.mark.parametrize("as_json", [False, True], ids=["tables", "json"])
def test_nothing_from_a_file_reaches_the_terminal(tmp_path, as_json):
    evil = "\x1b]52;c;ZXZpbA==\x07\x9b2J"
    text = "Sara Carter met Bob Lee in Paris and Rome."
    article = Article(f"id{evil}", text, title=f"title {evil}", state="done")
    paths = []
    for who, label in (("ana", "PERSON"), ("bob", f"PER{evil}"), ("cy", "PERSON")):  # three: the pair matrix too
        db = tmp_path / f"{who} {evil}" / "workspace.json"
        with Workspace.open(db) as ws:
            ws.add_articles([(article, [Annotation("e", article.id, "entity", 0, 11, label, "Sara Carter",
                                                   status="accepted")])])
        paths.append(db)
    r = run("agree", *paths, *(["--json"] if as_json else []), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    both = r.stdout + r.stderr
    assert "\x1b" not in both and "\x9b" not in both and "\x07" not in both, repr(both)
    assert "Traceback" not in both and ("PER" in both)
    if not as_json:
        assert "pair by pair" in r.stdout
    if as_json:
        assert json.loads(r.stdout)["pairs"][0]["labels"][f"PER{evil}"]["b_only"] == 1
