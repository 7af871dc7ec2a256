"""Random bytes and random JSONL into import: no crash, and the store's invariants hold."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.cli.commands import import_records
from tui.formats import ImportProblem, read_paths, value_problem
from tui.model import label_problem
from tui.store import Workspace

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 80) | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12)

# Shapes from issue 20: bool offsets, labels with line breaks and escapes, odd ids,
# non-finite numbers and deep nesting in what a record keeps.
offset = st.integers(-3, 60) | st.booleans()
label = st.sampled_from(["PERSON", "ORG", "", 5, "PERSON\nEVIL", "EV\x1b]52;c;SGVsbG8=\x07IL", "ORG\u202e", "L" * 65])
deep = st.integers(1, 1200).map(lambda n: json.loads("[" * min(n, 900) + "]" * min(n, 900)))
span = st.fixed_dictionaries({"start": offset | st.text(max_size=2),
                              "end": offset | st.none(),
                              "label": label},
                             optional={"text": st.text(max_size=5), "original": deep | json_values})
record = st.fixed_dictionaries(
    {}, optional={"text": st.text(min_size=0, max_size=60) | json_values,
                  "id": st.text(max_size=6) | st.integers() | st.none() | st.booleans() | json_values,
                  "spans": st.lists(span, max_size=4) | json_values,
                  "label": st.lists(st.lists(st.integers(-2, 60) | st.text(max_size=3), max_size=3), max_size=3),
                  "quotes": st.lists(st.fixed_dictionaries({"start": offset, "end": offset},
                                                           optional={"speaker": json_values | st.fixed_dictionaries(
                                                               {"start": offset, "end": offset})}), max_size=2),
                  "meta": json_values | st.dictionaries(st.text(max_size=4), deep | st.floats(), max_size=2)})


def check_store(ws: Workspace) -> None:
    for row in ws.rows():
        art = ws.article(row["id"])
        anns = ws.annotations(row["id"])
        assert len(anns) == row["annotations"]
        assert isinstance(art.id, str) and value_problem(dict(art.meta), "meta") is None
        for a in anns:
            assert type(a.start) is int and type(a.end) is int and label_problem(a.label) is None
            assert 0 <= a.start < a.end <= len(art.text) and art.text[a.start:a.end] == a.text
            if a.speaker and a.speaker.has_mention:
                assert type(a.speaker.start) is int and type(a.speaker.end) is int
                assert art.text[a.speaker.start:a.speaker.end] == a.speaker.text


def import_into_fresh(files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name, raw in files.items():
            (root / name).write_bytes(raw)
        with Workspace.open(root / "ws.json") as ws:
            stream = list(read_paths([root / n for n in files]))
            assert all(isinstance(x, ImportProblem) or x.article.text for x in stream)
            report = import_records(ws, stream)
            assert report.imported + report.duplicates + len(report.problems) == len(stream)
            check_store(ws)
        with Workspace.open(root / "ws.json", readonly=True) as ws:
            assert len(ws) == report.imported
            check_store(ws)


@FUZZ
@given(st.binary(max_size=400), st.sampled_from([".txt", ".md", ".jsonl"]))
def test_random_bytes(raw, suffix):
    import_into_fresh({f"f{suffix}": raw})


@FUZZ
@given(st.lists(record | json_values | deep, max_size=6), st.lists(st.integers(0, 200), max_size=2),
       st.integers(0, 2000))
def test_random_jsonl(records, cuts, nesting):
    lines = [json.dumps(r) for r in records] + ["[" * nesting]  # a line json cannot read back
    raw = "\n".join(lines).encode()
    for c in cuts:  # and some torn lines
        raw = raw[:c] + b"\n" + raw[c:]
    import_into_fresh({"feed.jsonl": raw})
