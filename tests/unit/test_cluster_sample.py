"""Reviewing a sample of a pre-annotated archive (``readtui import OUTDIR --sample/--where``),
the archive read as a stream (``tui.cluster.corpus``), and ``--cluster`` without Dask."""

from __future__ import annotations

import gzip
import json
import random

from tests.hostile.helpers import one_line, readtui
from tui.cluster.corpus import articles
from tui.formats.common import ImportProblem, Record
from tui.store import Workspace

SOURCES = ["IANS", "AP", "Reuters"]


def record(i: int, rng: random.Random) -> dict:
    """A pre-annotated article as a part file holds it: a PERSON or an ORG suggestion."""
    name, label = (f"Orla Vance{i}", "PERSON") if i % 3 else (f"Kestrel Works{i}", "ORG")
    text = f"{name} opened depot {i} on Friday."
    return {"text": text, "meta": {"source": SOURCES[(i // 2) % 3]},
            "spans": [{"start": 0, "end": len(name), "label": label, "status": "pending", "origin": "model"}]}


def write_parts(folder, order=None) -> list[dict]:
    rng = random.Random(4)
    recs = [record(i, rng) for i in range(60)]
    folder.mkdir()
    chosen = recs if order is None else [recs[i] for i in order]
    for n in range(0, 60, 20):  # three part files
        (folder / f"part-{n // 20:05d}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in chosen[n:n + 20]))
    return recs


def imported(db) -> list[dict]:
    ws = Workspace.open(db, readonly=True)
    try:
        return sorted(ws.iter_articles([r["id"] for r in ws.rows()]), key=lambda item: item[0].text)
    finally:
        ws.close()


def texts(db) -> list[str]:
    return [a.text for a, _ in imported(db)]


def test_the_same_seed_takes_the_same_sample_whatever_order_the_parts_hold(tmp_path):
    write_parts(tmp_path / "a")
    write_parts(tmp_path / "b", order=list(reversed(range(60))))
    for folder, db in (("a", "one.json"), ("b", "two.json"), ("a", "other.json")):
        seed = "2" if db == "other.json" else "1"
        r = readtui("import", tmp_path / folder, "--db", tmp_path / db, "--sample", "7", "--seed", seed)
        assert r.returncode == 0, r.stderr
        assert "imported 7," in one_line(r.stderr)
    assert texts(tmp_path / "one.json") == texts(tmp_path / "two.json")
    assert texts(tmp_path / "one.json") != texts(tmp_path / "other.json")
    # The suggestions come along, pending, with no model run.
    for article, anns in imported(tmp_path / "one.json"):
        assert [(a.label, a.status, a.origin) for a in anns] in ([("PERSON", "pending", "model")],
                                                                  [("ORG", "pending", "model")])


def test_where_takes_the_articles_that_match_every_key(tmp_path):
    recs = write_parts(tmp_path / "out")
    r = readtui("import", tmp_path / "out", "--db", tmp_path / "ws.json", "--where", "label=PERSON,source=ians")
    assert r.returncode == 0, r.stderr
    want = sorted(x["text"] for x in recs if x["spans"][0]["label"] == "PERSON" and x["meta"]["source"] == "IANS")
    assert want and texts(tmp_path / "ws.json") == want
    # A key given twice means either value; with --sample, the sample is drawn from the matches.
    r = readtui("import", tmp_path / "out", "--db", tmp_path / "two.json", "--where", "source=AP,source=Reuters",
                "--sample", "5")
    assert r.returncode == 0, r.stderr
    got = imported(tmp_path / "two.json")
    assert len(got) == 5 and {a.source for a, _ in got} <= {"AP", "Reuters"}


def test_a_where_that_cannot_be_read_is_refused_in_one_line(tmp_path):
    write_parts(tmp_path / "out")
    r = readtui("import", tmp_path / "out", "--db", tmp_path / "ws.json", "--where", "colour=red")
    assert r.returncode == 2
    assert one_line(r.stderr) == "readtui: --where 'colour': use one of label, source, dateline, kind"
    assert not (tmp_path / "ws.json").exists()
    r = readtui("import", tmp_path / "out", "--db", tmp_path / "ws.json", "--sample", "-3")
    assert (r.returncode, one_line(r.stderr)) == (2, "readtui: --sample -3: give the number of articles to import")
    assert not (tmp_path / "ws.json").exists()


def test_a_bad_record_in_the_sampled_folder_is_reported_and_skipped(tmp_path):
    write_parts(tmp_path / "out")
    with open(tmp_path / "out" / "part-00001.jsonl", "a") as fh:
        fh.write('{"text": 5}\n')
    r = readtui("import", tmp_path / "out", "--db", tmp_path / "ws.json", "--sample", "3")
    assert r.returncode == 1
    assert "part-00001.jsonl:21: \"text\" is a int, not a string" in one_line(r.stderr)
    assert len(texts(tmp_path / "ws.json")) == 3


def test_the_archive_is_read_as_a_stream_with_each_bad_line_named(tmp_path):
    with gzip.open(tmp_path / "a.jsonl.gz", "wb") as fh:
        fh.write(b'{"text": "Nell Ashby spoke."}\n\xff\xfe{"text": "x"}\n\n{"text": "Bo Lind left."}\n')
    (tmp_path / "b.txt.gz").write_bytes(gzip.compress(b"Dara Moss arrived in Vexmoor on Monday.\n"))
    (tmp_path / "c.jsonl.gz").write_bytes(gzip.compress(b'{"text": "Una Pike won."}\n' * 50)[:-12])
    (tmp_path / ".hidden.txt").write_text("never read")
    stream = articles([tmp_path])
    first = next(stream)
    assert isinstance(first, Record) and first.article.text == "Nell Ashby spoke."  # nothing read ahead
    rest = list(stream)
    problems = [str(p) for p in rest if isinstance(p, ImportProblem)]
    got = [r.article.text for r in rest if isinstance(r, Record)]
    assert got[:1] == ["Bo Lind left."] and "Dara Moss arrived in Vexmoor on Monday." in got
    assert got.count("Una Pike won.") >= 1
    assert problems[0] == f"{tmp_path / 'a.jsonl.gz'}:2: not UTF-8 (byte 0xff at column 1)"
    assert problems[1].startswith(f"{tmp_path / 'c.jsonl.gz'}:") and "cannot read past here" in problems[1]
    assert len(problems) == 2


def test_cluster_without_dask_says_how_to_get_it(tmp_path):
    (tmp_path / "stub").mkdir()
    (tmp_path / "stub" / "distributed.py").write_text("raise ImportError('No module named distributed')\n")
    (tmp_path / "a.txt").write_text("Nell Ashby spoke in Vexmoor.")
    r = readtui("suggest", tmp_path / "a.txt", "-o", tmp_path / "out", "--cluster",
                env={"PYTHONPATH": str(tmp_path / "stub")})
    assert r.returncode == 1
    assert r.stderr.strip() == "readtui: --cluster needs Dask: pip install 'readtui[cluster]'"
    assert not (tmp_path / "out").exists()
