"""Random bytes and random JSONL into import: no crash, and the store's invariants hold."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.commands import import_records
from tui.ingest import ImportProblem, read_paths
from tui.store import Workspace

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 80) | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12)

span = st.fixed_dictionaries({"start": st.integers(-3, 60) | st.text(max_size=2),
                              "end": st.integers(-3, 60) | st.none(),
                              "label": st.sampled_from(["PERSON", "ORG", "", 5])},
                             optional={"text": st.text(max_size=5)})
record = st.fixed_dictionaries(
    {}, optional={"text": st.text(min_size=0, max_size=60) | json_values,
                  "id": st.text(max_size=6) | st.integers() | st.none(),
                  "spans": st.lists(span, max_size=4) | json_values,
                  "label": st.lists(st.lists(st.integers(-2, 60) | st.text(max_size=3), max_size=3), max_size=3),
                  "quotes": st.lists(st.fixed_dictionaries({"start": st.integers(0, 60), "end": st.integers(0, 60)},
                                                           optional={"speaker": json_values}), max_size=2),
                  "meta": json_values})


def check_store(ws: Workspace) -> None:
    for row in ws.rows():
        art = ws.article(row["id"])
        anns = ws.annotations(row["id"])
        assert len(anns) == row["annotations"]
        for a in anns:
            assert 0 <= a.start < a.end <= len(art.text) and art.text[a.start:a.end] == a.text
            if a.speaker and a.speaker.has_mention:
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
@given(st.lists(record | json_values, max_size=6), st.lists(st.integers(0, 200), max_size=2))
def test_random_jsonl(records, cuts):
    raw = "\n".join(json.dumps(r) for r in records).encode()
    for c in cuts:  # and some torn lines
        raw = raw[:c] + b"\n" + raw[c:]
    import_into_fresh({"feed.jsonl": raw})
