"""The .spacy export trains without conversion: spacy debug data and one epoch of spacy train.

A config from ``spacy init config`` (English, ner, CPU, efficiency), the seeds exported
after the scripted review as both training and dev data. On a workstation: ~10 s.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time

import pytest

from tui.__main__ import main

pytestmark = pytest.mark.slow

# spacy debug data fails any corpus under 100 documents ("Low number of examples to
# train a new pipeline"): a statement about the size of two seed articles, not about
# the file. Every other check must pass.
TOO_FEW = "Low number of examples to train a new pipeline"


def spacy_cli(*args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "spacy", *args], capture_output=True, text=True,
                          timeout=timeout, env={"PYTHONWARNINGS": "ignore", "NO_COLOR": "1",
                                                "WASABI_NO_PRETTY": "1", "PATH": "/usr/bin:/bin"})


@pytest.fixture
def config(tmp_path):
    cfg = tmp_path / "config.cfg"
    res = spacy_cli("init", "config", str(cfg), "--lang", "en", "--pipeline", "ner", "--optimize", "efficiency")
    assert res.returncode == 0, res.stderr
    return cfg


def test_seeds_export_passes_debug_data_and_trains_an_epoch(reviewed_ws, tmp_path, config):
    started = time.perf_counter()
    data = tmp_path / "seeds.spacy"
    assert main(["export", "--db", str(reviewed_ws), "-o", str(data), "--format", "spacy", "--all"]) == 0
    paths = ["--paths.train", str(data), "--paths.dev", str(data)]

    res = spacy_cli("debug", "data", str(config), *paths)
    out = res.stdout + res.stderr
    fails = [line for line in out.splitlines() if line.lstrip().startswith("✘")]
    assert [f for f in fails if TOO_FEW not in f and not re.search(r"\d+ errors?$", f.strip())] == [], out
    assert "No entities consisting of or starting/ending with whitespace" in out
    assert "No entities crossing sentence boundaries" in out
    assert re.search(r"(\d+) label\(s\)", out)

    res = spacy_cli("train", str(config), *paths, "--output", str(tmp_path / "model"),
                    "--training.max_epochs", "1", "--gpu-id", "-1")
    assert res.returncode == 0, res.stdout + res.stderr
    assert (tmp_path / "model" / "model-last" / "ner").is_dir()
    assert time.perf_counter() - started < 60


def test_debug_data_passes_outright_on_a_corpus_of_100_articles(tmp_path, config):
    """Past spaCy's 100-document floor the export passes ``spacy debug data`` with no error."""
    from tui.model import Annotation, Article
    from tui.store import Workspace

    people = ["Sara Carter", "Vinay Kwatra", "Debbie Seguin", "Monika Ashish Batra"]
    places = ["Washington", "New Delhi", "São Paulo", "Tel Aviv"]
    db = tmp_path / "w.json"
    with Workspace.open(db) as ws:
        items = []
        for i in range(120):
            who, where = people[i % 4], places[(i // 4) % 4]
            text = f'"We will act on this, number {i}," said {who} in {where} on Monday.'
            anns = [Annotation(f"p{i}", f"a{i}", "entity", text.index(who), text.index(who) + len(who), "PERSON",
                               status="accepted"),
                    Annotation(f"g{i}", f"a{i}", "entity", text.index(where), text.index(where) + len(where), "GPE",
                               status="accepted"),
                    Annotation(f"q{i}", f"a{i}", "quote", 0, text.index(" said"), "QUOTE", status="accepted")]
            items.append((Article(f"a{i}", text, state="done"), anns))
        ws.add_articles(items)
    data = tmp_path / "many.spacy"
    assert main(["export", "--db", str(db), "-o", str(data), "--format", "spacy"]) == 0
    res = spacy_cli("debug", "data", str(config), "--paths.train", str(data), "--paths.dev", str(data))
    assert res.returncode == 0, res.stdout + res.stderr
