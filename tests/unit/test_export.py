"""readtui export: each format on the seeds after a scripted review, and the checks."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from tui.__main__ import main
from tui.cli.commands import import_records
from tui.formats import (
    ExportError, check_record, doccano_record, export, gold, jsonl_record, speaker_of,
    spacy_doc,
)
from tui.formats import read_paths
from tui.model import Annotation, Article, Speaker
from tests.conftest import break_span
from tui.store import Workspace


def gold_of(db: Path, *, done_only: bool = True, suggestions: bool = False) -> dict[str, list[Annotation]]:
    keep = ("accepted", "pending") if suggestions else ("accepted",)
    with Workspace.open(db, readonly=True) as ws:
        return {r["id"]: [a for a in ws.annotations(r["id"]) if a.status in keep]
                for r in ws.rows() if r["state"] == "done" or not done_only}


def run(*argv: str) -> int:
    return main([str(a) for a in argv])


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# --- JSONL ---------------------------------------------------------------------------

def test_jsonl_has_prodigys_task_shape_and_only_the_gold(reviewed_ws, tmp_path):
    out = tmp_path / "gold.jsonl"
    assert run("export", "--db", reviewed_ws, "-o", out) == 0
    recs = read_jsonl(out)
    gold = gold_of(reviewed_ws)
    assert len(recs) == 1 == len(gold)  # only the article marked done
    rec = recs[0]
    (aid, anns), = gold.items()
    assert set(rec) >= {"text", "meta", "_input_hash", "_task_hash", "tokens", "spans", "relations",
                        "quotes", "answer", "_annotator_id", "_timestamp"}
    assert rec["answer"] == "accept" and rec["_annotator_id"] == "tester"
    assert isinstance(rec["_input_hash"], int) and isinstance(rec["_task_hash"], int)
    assert isinstance(rec["_timestamp"], int)
    meta = rec["meta"]
    assert meta["id"] == aid and meta["state"] == "done"
    assert {"title", "source", "published", "dateline", "path"} <= set(meta)
    text, tokens = rec["text"], rec["tokens"]
    assert "".join(t["text"] + (" " if t["ws"] else "") for t in tokens) == text
    assert [t["id"] for t in tokens] == list(range(len(tokens)))
    entities = sorted((a.start, a.end, a.label) for a in anns if a.kind == "entity")
    assert sorted((s["start"], s["end"], s["label"]) for s in rec["spans"]) == entities
    for s in rec["spans"]:
        assert text[s["start"]:s["end"]] == s["text"]
        assert tokens[s["token_start"]]["start"] == s["start"]
        assert tokens[s["token_end"]]["end"] == s["end"]  # token_end is inclusive
    labels = {(s["text"], s["label"]) for s in rec["spans"]}
    assert ("Debbie Seguin", "PERSON") in labels  # relabelled by the analyst
    assert ("Narendra Modi", "PERSON") in labels  # trimmed of 's
    assert ("ONDCP", "ORG") in labels  # added by the analyst
    assert not any(t.startswith("This ") for t, _ in labels)  # rejected
    quotes = [a for a in anns if a.kind == "quote"]
    assert len(rec["quotes"]) == len(quotes) > 0
    with_speaker = [q for q in rec["quotes"] if q["speaker"]]
    assert len(rec["relations"]) == len(with_speaker) > 0
    for q in with_speaker:
        sp = q["speaker"]
        assert text[sp["start"]:sp["end"]] == sp["text"]
        assert q["speaker_name"] == (sp["name"] or sp["text"])
    assert any(q["speaker_name"] == "Sara Carter" and q["speaker"]["text"] == "Carter" for q in with_speaker)
    for r in rec["relations"]:
        assert r["label"] == "SPEAKER"
        assert r["head_span"]["label"] == "QUOTE"
        assert r["head"] == r["head_span"]["token_end"] and r["child"] == r["child_span"]["token_end"]
        match = [q for q in with_speaker if (q["start"], q["end"]) == (r["head_span"]["start"], r["head_span"]["end"])]
        assert match and match[0]["speaker"]["start"] == r["child_span"]["start"]


def test_all_and_suggestions_widen_the_selection(reviewed_ws, tmp_path):
    out = tmp_path / "all.jsonl"
    assert run("export", "--db", reviewed_ws, "-o", out, "--all") == 0
    recs = read_jsonl(out)
    gold = gold_of(reviewed_ws, done_only=False)
    assert [r["meta"]["id"] for r in recs] == list(gold)
    for rec in recs:
        n = len(rec["spans"]) + len(rec["quotes"])
        assert n == len(gold[rec["meta"]["id"]])
        assert not any(s.get("status") for s in rec["spans"])
    assert recs[1]["meta"]["state"] == "in_progress"

    silver = tmp_path / "silver.jsonl"
    assert run("export", "--db", reviewed_ws, "-o", silver, "--all", "--suggestions") == 0
    with Workspace.open(reviewed_ws, readonly=True) as ws:
        second = ws.rows()[1]["id"]
        pending = [a for a in ws.annotations(second) if a.status == "pending"]
        rejected = {a.id for a in ws.annotations(second) if a.status == "rejected"}
    assert pending and rejected
    rec = read_jsonl(silver)[1]
    written = {s["id"]: s for s in rec["spans"] + rec["quotes"]}
    assert {a.id for a in pending} <= set(written)
    assert not rejected & set(written)
    assert all(written[a.id].get("status") == "pending" for a in pending)


def test_jsonl_reimports_whole(reviewed_ws, tmp_path):
    out = tmp_path / "all.jsonl"
    assert run("export", "--db", reviewed_ws, "-o", out, "--all") == 0
    fresh = tmp_path / "fresh" / "workspace.json"
    assert run("import", "--db", fresh, "--no-suggest", out) == 0
    want = gold_of(reviewed_ws, done_only=False)
    with Workspace.open(fresh, readonly=True) as ws, Workspace.open(reviewed_ws, readonly=True) as old:
        assert [r["id"] for r in ws.rows()] == list(want)
        for aid, anns in want.items():
            assert ws.article(aid).state == old.article(aid).state
            assert ws.article(aid).title == old.article(aid).title
            assert ws.annotations(aid) == anns


def test_the_same_workspace_exports_the_same_bytes(tmp_path):
    """Every record's _timestamp comes from the workspace, never the export's clock: an
    article marked done without annotations, and pending suggestions (which have no time)."""
    import time

    db = tmp_path / "ws.json"
    with Workspace.open(db) as ws:
        ws.add_articles([(Article("a1", "Nothing to mark here.", title="Empty"), []),
                         (Article("a2", "Sara Carter spoke."), [
                             Annotation("s1", "a2", "entity", 0, 11, "PERSON", status="pending")])])
        ws.set_state("a1", "done")
        marked = ws.article("a1").state_time
    assert marked
    outs = []
    for i in range(2):
        out = tmp_path / f"export{i}.jsonl"
        assert run("export", "--db", db, "-o", out, "--all", "--suggestions") == 0
        outs.append(out.read_bytes())
        time.sleep(1.1)  # the clock's seconds move on
    assert outs[0] == outs[1]
    empty, silver = [json.loads(line) for line in outs[0].splitlines()]
    assert empty["_timestamp"] == int(datetime.fromisoformat(marked).timestamp())
    with Workspace.open(db, readonly=True) as ws:
        added = ws.article("a2").state_time
    assert silver["_timestamp"] == int(datetime.fromisoformat(added).timestamp())


def test_a_prodigy_answer_time_is_kept(tmp_path):
    src = tmp_path / "answers.jsonl"
    src.write_text(json.dumps({"text": "Sara Carter spoke.", "meta": {"id": "p1", "state": "done"},
                               "spans": [{"start": 0, "end": 11, "label": "PERSON"}],
                               "answer": "accept", "_timestamp": 1700000000}) + "\n")
    db, out = tmp_path / "ws.json", tmp_path / "gold.jsonl"
    assert run("import", "--db", db, "--no-suggest", src) == 0
    assert run("export", "--db", db, "-o", out) == 0
    assert read_jsonl(out)[0]["_timestamp"] == 1700000000


def test_export_to_stdout(reviewed_ws, tmp_path):
    res = subprocess.run([sys.executable, "-m", "tui", "export", "--db", str(reviewed_ws), "-o", "-"],
                         capture_output=True, check=True)
    recs = [json.loads(line) for line in res.stdout.decode("utf-8").splitlines()]
    assert len(recs) == 1 and recs[0]["meta"]["state"] == "done"
    assert b"exported 1" in res.stderr
    assert not list(Path.cwd().glob(".-*.tmp"))


# --- spaCy DocBin ----------------------------------------------------------------------

def test_spacy_docbin_holds_ents_quotes_speakers_and_meta(reviewed_ws, tmp_path):
    import spacy
    from spacy.tokens import DocBin

    out = tmp_path / "gold.spacy"
    assert run("export", "--db", reviewed_ws, "-o", out, "--format", "spacy", "--all") == 0
    docs = list(DocBin().from_disk(out).get_docs(spacy.blank("en").vocab))
    gold = gold_of(reviewed_ws, done_only=False)
    assert [d.user_data["readtui"]["meta"]["id"] for d in docs] == list(gold)
    for doc in docs:
        anns = gold[doc.user_data["readtui"]["meta"]["id"]]
        ents = [a for a in anns if a.kind == "entity"]
        quotes = [a for a in anns if a.kind == "quote"]
        assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == [(a.start, a.end, a.label) for a in ents]
        assert [d["id"] for d in doc.user_data["readtui"]["entities"]] == [a.id for a in ents]
        assert [(s.start_char, s.end_char) for s in doc.spans["quotes"]] == [(a.start, a.end) for a in quotes]
        for i, q in enumerate(quotes):
            sp = speaker_of(doc, i)
            link = doc.user_data["readtui"]["quotes"][i]
            assert link["id"] == q.id
            if q.speaker is not None and q.speaker.has_mention:
                assert (sp.start_char, sp.end_char, sp.text) == (q.speaker.start, q.speaker.end, q.speaker.text)
                assert sp.label_ == "SPEAKER"
                assert link["speaker_name"] == q.speaker.name
            else:
                assert sp is None
        for a in anns:  # every span lines up with tokens
            assert doc.char_span(a.start, a.end, alignment_mode="strict") is not None


def test_doc_tokens_respect_spans_inside_words():
    text = '"We will not back down," said Sara Carter in São Paulo 🎉 — שלום.'
    art = Article(id="a", text=text, state="done")
    i = text.index("Paulo")
    anns = [
        Annotation("e1", "a", "entity", i + 1, i + 4, "GPE", text[i + 1:i + 4], status="accepted"),
        Annotation("e2", "a", "entity", text.index("Sara") + 2, text.index("Carter") + 3, "PERSON",
                   text[text.index("Sara") + 2:text.index("Carter") + 3], status="accepted"),
        Annotation("e3", "a", "entity", text.index("שלום"), text.index("שלום") + 2, "LOC",
                   text[text.index("שלום"):text.index("שלום") + 2], status="accepted"),
        Annotation("q", "a", "quote", 0, 24, "QUOTE", text[:24],
                   speaker=Speaker(text.index("Carter"), text.index("Carter") + 7, "Carter ", "Sara Carter"),
                   status="accepted"),
    ]
    rec = jsonl_record(art, anns)
    assert [t["text"] for t in rec["tokens"] if t["start"] >= i][:3] == ["P", "aul", "o"]
    doc = spacy_doc(art, anns)
    assert doc.text == text
    assert [e.text for e in doc.ents] == ["ra Car", "aul", "של"]
    assert speaker_of(doc, 0).text == "Carter "


# --- doccano ------------------------------------------------------------------------

def test_doccano_shapes(reviewed_ws, tmp_path):
    out = tmp_path / "gold.doccano.jsonl"
    assert run("export", "--db", reviewed_ws, "-o", out, "--format", "doccano", "--all") == 0
    raw = out.read_bytes()
    assert raw.isascii()  # doccano guesses the encoding of relation files: escape everything
    gold = gold_of(reviewed_ws, done_only=False)
    for line in raw.decode("ascii").splitlines():
        rec = json.loads(line)
        anns = gold[rec["id"]]
        assert rec["meta"]["id"] == rec["id"]
        text = rec["text"]
        ents = sorted((a.start, a.end, a.label) for a in anns if a.kind == "entity")
        assert sorted(map(tuple, rec["label"])) == ents
        by_id = {e["id"]: e for e in rec["entities"]}
        assert len(by_id) == len(rec["entities"])
        quotes = [e for e in rec["entities"] if e["label"] == "QUOTE"]
        assert len(quotes) == sum(a.kind == "quote" for a in anns)
        for r in rec["relations"]:
            assert r["type"] == "SPEAKER" and by_id[r["from_id"]]["label"] == "QUOTE"
            sp = by_id[r["to_id"]]
            assert text[sp["start_offset"]:sp["end_offset"]]
        assert len(rec["relations"]) == sum(1 for a in anns if a.speaker is not None and a.speaker.has_mention)


def test_doccano_reimports_entities_quotes_and_speakers(reviewed_ws, tmp_path):
    out = tmp_path / "gold.doccano.jsonl"
    assert run("export", "--db", reviewed_ws, "-o", out, "--format", "doccano", "--all") == 0
    fresh = tmp_path / "fresh" / "workspace.json"
    assert run("import", "--db", fresh, "--no-suggest", out) == 0
    want = gold_of(reviewed_ws, done_only=False)

    def shape(a: Annotation):
        sp = a.speaker
        return (a.kind, a.start, a.end, a.label, sp and (sp.start, sp.end, sp.text, sp.name))

    with Workspace.open(fresh, readonly=True) as ws:
        for aid, anns in want.items():
            got = ws.annotations(aid)
            assert sorted(map(shape, got), key=str) == sorted(map(shape, anns), key=str)
            assert ws.article(aid).state in ("done", "in_progress")


def _doccano_checker() -> tuple[str, Path]:
    venv = Path(os.environ.get("DOCCANO_VENV", "/tmp/doccano/venv"))
    script = Path(__file__).resolve().parents[2].parent / "shared" / "doccano" / "check_doccano_import.py"
    script = Path(os.environ.get("DOCCANO_CHECK", script))
    if not (venv / "bin" / "python").exists() or not script.exists():
        pytest.skip(f"doccano 1.8.4 checker not set up (venv {venv}, script {script}); "
                    "see ../shared/doccano/README.md")
    return str(venv / "bin" / "python"), script


@pytest.mark.slow
@pytest.mark.parametrize("flags", [[], ["--relations", "--allow-overlapping"]], ids=["label", "relations"])
def test_doccano_184_imports_it_unchanged(reviewed_ws, tmp_path, flags):
    python, script = _doccano_checker()
    out = tmp_path / "gold.doccano.jsonl"
    assert run("export", "--db", reviewed_ws, "-o", out, "--format", "doccano", "--all") == 0
    res = subprocess.run([python, str(script), str(out), *flags], capture_output=True, text=True, timeout=300)
    summary = json.loads(res.stdout.strip().splitlines()[-1])
    assert res.returncode == 0, summary
    assert summary["roundtrip"] is True and summary["silently_dropped"] == {"spans": 0, "relations": 0}


# --- all or nothing ---------------------------------------------------------------

def _break_a_span(db: Path) -> tuple[str, int, int]:
    """Move one accepted entity in the done article's file by one character (a broken record)."""
    with Workspace.open(db, readonly=True) as ws:
        aid = next(r["id"] for r in ws.rows() if r["state"] == "done")
    return (aid, *break_span(db, aid))


@pytest.mark.parametrize("fmt", ["jsonl", "spacy", "doccano"])
def test_a_broken_record_stops_the_export_and_leaves_nothing(reviewed_ws, tmp_path, fmt, capsys):
    aid, start, end = _break_a_span(reviewed_ws)
    out = tmp_path / "out" / f"gold.{fmt}"
    out.parent.mkdir()
    assert run("export", "--db", reviewed_ws, "-o", out, "--format", fmt, "--all") == 1
    msg = " ".join(capsys.readouterr().err.split())
    assert aid in msg and f"{start}-{end}" in msg
    assert list(out.parent.iterdir()) == []  # no file, no temporary file

    out.write_text("the previous export\n")
    assert run("export", "--db", reviewed_ws, "-o", out, "--format", fmt, "--all") == 1
    assert out.read_text() == "the previous export\n"
    assert list(out.parent.iterdir()) == [out]


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["jsonl", "spacy", "doccano"])
def test_parallel_export_is_the_same_file_and_stops_on_a_broken_record(reviewed_ws, tmp_path, capsys, fmt):
    out = tmp_path / "out"
    out.mkdir()
    one, two = out / "one", out / "two"
    assert run("export", "--db", reviewed_ws, "-o", one, "--all", "-j", "1", "--format", fmt) == 0
    assert run("export", "--db", reviewed_ws, "-o", two, "--all", "-j", "2", "--format", fmt) == 0
    assert one.read_bytes() == two.read_bytes()
    aid, start, end = _break_a_span(reviewed_ws)
    capsys.readouterr()
    assert run("export", "--db", reviewed_ws, "-o", out / "three", "--all", "-j", "2", "--format", fmt) == 1
    msg = " ".join(capsys.readouterr().err.split())
    assert aid in msg and f"{start}-{end}" in msg
    assert sorted(p.name for p in out.iterdir()) == ["one", "two"]


@pytest.mark.slow
def test_parallel_writer_joins_docbin_parts_as_one_docbin_would(reviewed_ws):
    from functools import partial

    from tui.formats import write_records
    from tui.formats.workers import write_parallel
    from tui.store import read_articles

    with Workspace.open(reviewed_ws, readonly=True) as ws:
        ids = [r["id"] for r in ws.rows()]
        one = io.BytesIO()
        write_records(gold(ws.iter_articles(ids), all=True), one, "spacy")
    two = io.BytesIO()
    # One article a share: the DocBin is joined from as many parts as there are articles.
    write_parallel(ids, partial(read_articles, reviewed_ws), two, "spacy", all=True, jobs=1, chunk=1)
    assert one.getvalue() == two.getvalue()


def test_broken_stdout_export_writes_nothing(reviewed_ws):
    _break_a_span(reviewed_ws)
    res = subprocess.run([sys.executable, "-m", "tui", "export", "--db", str(reviewed_ws), "-o", "-", "--all"],
                         capture_output=True)
    assert res.returncode == 1 and res.stdout == b""
    assert b"nothing written" in res.stderr


def test_check_record_refuses_misaligned_tokens_and_text():
    text = "Sara Carter met Vinay Kwatra."
    art = Article(id="x1", text=text)
    anns = [Annotation("e", "x1", "entity", 0, 11, "PERSON", "Sara Carter", status="accepted")]
    rec = jsonl_record(art, anns)
    bad = json.loads(json.dumps(rec))
    bad["spans"][0]["text"] = "Sara Carte"
    with pytest.raises(ExportError, match=r"'x1', span 0-11"):
        check_record(bad)
    bad = json.loads(json.dumps(rec))
    bad["spans"][0]["token_end"] = 0
    with pytest.raises(ExportError, match="tokens 0-0"):
        check_record(bad)
    bad = json.loads(json.dumps(rec))
    bad["tokens"][1]["start"] += 1
    with pytest.raises(ExportError, match="token 1"):
        check_record(bad)
    wrong = [Annotation("e", "x1", "entity", 1, 11, "PERSON", "Sara Carter", status="accepted")]
    for build in (jsonl_record, doccano_record, spacy_doc):
        with pytest.raises(ExportError, match=r"'x1', span 1-11"):
            build(art, wrong)


def test_export_function_streams_to_a_given_stdout():
    art = Article(id="s", text="Hello Zoë 🎉", state="done")
    buf = io.BytesIO()
    summary = export([(art, [])], "-", "jsonl", stdout=buf)
    assert summary.articles == 1
    assert json.loads(buf.getvalue())["text"] == "Hello Zoë 🎉"


def test_exported_article_without_annotations_gets_no_suggestions_on_import(tmp_path):
    class Fake:
        calls = 0

        def suggest_many(self, texts, jobs=1):
            Fake.calls += 1
            for _ in texts:
                yield []

    src = tmp_path / "a.jsonl"
    art = Article(id="e", text="Nothing to see here.", title="t", state="done")
    export([(art, [])], src)
    with Workspace.open(tmp_path / "w.json") as ws:
        import_records(ws, read_paths([src]), suggester=Fake())
        assert ws.article("e").state == "done"
    assert Fake.calls == 0
