"""The stories, compare, quotes and entities commands through the installed readtui, on a
workspace imported from the seeds (001 is a rewrite of 000) with the model's suggestions."""

from __future__ import annotations

import csv
import json

import pytest

from tests.hostile.helpers import ROOT, one_line, readtui

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    db = tmp_path_factory.mktemp("seeds") / "ws.json"
    r = readtui("import", ROOT / "seeds", "--db", db)
    assert r.returncode == 0, r.stderr
    return db


def _json(*args):
    r = readtui(*args)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_the_seeds_are_one_story(seeded):
    stories = _json("stories", "--db", seeded, "--json")
    assert len(stories) == 1 and len(stories[0]["articles"]) == 2
    assert stories[0]["story"] == stories[0]["articles"][0]
    # Asked again, the index beside the workspace answers the same.
    assert _json("stories", "--db", seeded, "--json") == stories
    assert seeded.with_name("ws.json.stories").exists()


def test_compare_the_seeds(seeded):
    a, b = _json("stories", "--db", seeded, "--json")[0]["articles"]
    d = _json("compare", a, b, "--db", seeded, "--json")
    quotes = d["quotes"]
    assert [q["status"] for q in quotes] == ["same", "only_a", "only_a", "only_a", "only_a"]
    carter = quotes[0]
    assert carter["b"]["text"] == "“The drug crisis is now a core national security priority.”"
    assert carter["speaker"] == "same"
    assert all(q["b"] is None and q["speaker"] is None for q in quotes[1:])
    added = [s["text"] for s in d["sentences"]["only_b"]]
    assert any(s.startswith("In an era where the stakes of drug policy") for s in added)
    assert not any(s.startswith("Director Carter articulated") for s in added)  # there in both
    assert set(d) >= {"quotes", "sentences"} and set(d["sentences"]) == {"only_a", "only_b"}


def test_quote_ledger_of_the_seeds(seeded, tmp_path):
    out = tmp_path / "quotes.csv"
    speakers = _json("quotes", "--db", seeded, "--json", "--csv", out)
    by = {s["speaker"]: s for s in speakers}
    assert len(by["Sara Carter"]["quotes"]) == 2  # one in each version
    assert "MEA" in by["Ministry of External Affairs"]["aliases"]
    q = by["Sara Carter"]["quotes"][0]
    assert set(q) >= {"article", "start", "end", "text"}
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == sum(len(s["quotes"]) for s in speakers) and rows[0]["speaker"]


def test_entity_index_of_the_seeds(seeded):
    index = _json("entities", "--db", seeded, "--json")
    assert {"text", "labels", "count", "articles", "mixed", "occurrences"} <= set(index[0])
    mixed = [e for e in index if e["mixed"]]
    assert index[:len(mixed)] == mixed  # labelled more than one way: first


def test_compare_an_unknown_article(seeded):
    r = readtui("compare", "nope", "nope2", "--db", seeded)
    assert r.returncode == 1 and "no article 'nope'" in one_line(r.stderr)
    assert "Traceback" not in r.stderr
