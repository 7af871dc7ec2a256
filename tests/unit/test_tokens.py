"""Kept tokens: packed at import, the same tokens as spaCy's, refused when they do not fit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.cli.commands import seed_paths
from tui.formats import export, gold
from tui.model import Annotation, Article
from tui.store import Workspace, shard_name
from tui.nlp.tokens import default_tokenizer, pack, unpack, with_tokens

TEXT = "Sara Carter met Zoë Müller in São Paulo.\n\n“We act now,” said Carter  (again) 👩‍👩‍👧."
texts = st.text(alphabet=st.sampled_from(list("ab .,“”\"'()-\n\t  é👩\u200d\u0301\u05d0")), max_size=80)


def spacy_tokens(text: str) -> list[tuple[int, int, bool]]:
    doc = default_tokenizer().nlp.tokenizer(text)
    return [(t.idx, t.idx + len(t), bool(t.whitespace_)) for t in doc]


@settings(max_examples=150, deadline=None)
@given(texts)
def test_packed_tokens_are_spacys(text):
    tok = default_tokenizer()
    packed = tok.pack(text)
    assert tok(text, packed=packed) == spacy_tokens(text) == tok(text)


@settings(max_examples=150, deadline=None)
@given(texts, st.lists(st.tuples(st.integers(0, 80), st.integers(1, 40)), max_size=6))
def test_split_with_kept_tokens_is_split_by_spacy(text, raw_spans):
    spans = [(s, min(len(text), s + n)) for s, n in raw_spans if s < len(text)]
    tok = default_tokenizer()
    assert tok.split(text, spans, tok.pack(text)) == tok.split(text, spans)


def test_seed_articles_pack_and_unpack():
    for path in seed_paths():
        text = path.read_text(encoding="utf-8")
        packed = pack(text)
        starts, ends, space = unpack(text, packed)
        assert list(zip(starts.tolist(), ends.tolist(), space.astype(bool).tolist())) == spacy_tokens(text)


SARA = "Sara Carter met"  # spaCy: "Sara" + space (0-4), "Carter" + space (5-11), "met" (12-15)
SARA_PACKED = [4 * 2 + 1, 11 * 2 + 1, 15 * 2]


@pytest.mark.parametrize("broken", [
    "not a list", {"0": 9}, [], [9.0, 23, 30], [True, 23, 30], [[9, 23, 30]], ["9", "23", "30"],
    [-3, 23, 30], [2 ** 80, 30], [9, 9, 30],  # an empty token
    [23, 9, 30],  # backwards
    [9, 23],  # ends at 12, before the end of the text
    [9, 23, 32],  # past the end
    [7, 23, 30],  # "Sar" and a space, where the text has "a"
], ids=repr)
def test_tokens_that_do_not_fit_the_text_are_not_used(broken):
    assert unpack(SARA, SARA_PACKED) is not None
    assert unpack(SARA, broken) is None
    assert default_tokenizer()(SARA, packed=broken) == spacy_tokens(SARA)


def test_the_workspace_keeps_each_articles_tokens(tmp_path):
    db = tmp_path / "ws.json"
    aid = "a1"
    with Workspace.open(db) as ws:
        ws.add_articles([(with_tokens(Article(aid, TEXT, title="T")), [])], suggested=False)
        assert ws.article(aid).tokens == pack(TEXT)
    shard = json.loads((tmp_path / "ws.json.d" / shard_name(aid)).read_text())
    assert shard["article"]["1"]["tokens"] == pack(TEXT)
    with Workspace.open(db) as ws:  # reopened, changed, folded into the file: still there
        assert ws.article(aid).tokens == pack(TEXT)
        ws.save([Annotation("e1", aid, "entity", 0, 11, "PERSON", status="accepted")])
        ws.checkpoint()
    with Workspace.open(db, readonly=True) as ws:
        assert ws.article(aid).tokens == pack(TEXT)
        assert ws.article(aid) == Article(aid, TEXT, title="T", state="in_progress")  # tokens are not identity


def test_the_first_run_seeds_are_stored_without_tokens(tmp_path):
    """The reader's first screen does not wait for spaCy (an export tokenizes them)."""
    with Workspace.open(tmp_path / "ws.json") as ws:
        ws.add_articles([(Article("a1", TEXT), [])])
        assert ws.article("a1").tokens is None


def _drop_tokens(db: Path, aid: str, value=None) -> None:
    path = db.with_name(db.name + ".d") / shard_name(aid)
    shard = json.loads(path.read_text())
    if value is None:
        del shard["article"]["1"]["tokens"]
    else:
        shard["article"]["1"]["tokens"] = value
    path.write_text(json.dumps(shard))


@pytest.mark.parametrize("fmt", ["jsonl", "spacy", "doccano"])
@pytest.mark.parametrize("damage", [None, [3, 5, 7], "x"])
def test_an_article_without_kept_tokens_exports_the_same_bytes(tmp_path, fmt, damage):
    """A workspace from before tokens were kept (or a hand-edited file): spaCy tokenizes at export."""
    db = tmp_path / "ws.json"
    aid = "a1"
    anns = [Annotation("e1", aid, "entity", 0, 11, "PERSON", "Sara Carter", status="accepted",
                       time="2026-02-01T09:00:00+00:00"),
            Annotation("e2", aid, "entity", 16, 19, "PERSON", "Zoë", status="accepted",
                       time="2026-02-01T09:00:00+00:00")]
    with Workspace.open(db) as ws:
        ws.add_articles([(with_tokens(Article(aid, TEXT, title="T", state="done")), anns)], suggested=False)

    def exported(name: str) -> bytes:
        with Workspace.open(db, readonly=True) as ws:
            export(gold(ws.iter_articles()), tmp_path / name, fmt)
        return (tmp_path / name).read_bytes()

    kept = exported("kept")
    _drop_tokens(db, aid, damage)
    with Workspace.open(db, readonly=True) as ws:
        assert ws.article(aid).tokens == damage
    assert exported("tokenized") == kept


def test_a_jsonl_export_of_kept_tokens_does_not_load_spacy(tmp_path):
    db = tmp_path / "ws.json"
    with Workspace.open(db) as ws:
        ws.add_articles([(with_tokens(Article("a1", TEXT, title="T", state="done")),
                          [Annotation("e1", "a1", "entity", 0, 11, "PERSON", "Sara Carter", status="accepted")])],
                        suggested=False)
    code = (
        "import sys\n"
        "from tui.store import Workspace\n"
        "from tui.formats import export, gold\n"
        f"ws = Workspace.open({str(db)!r}, readonly=True)\n"
        f"s = export(gold(ws.iter_articles()), {str(tmp_path / 'out.jsonl')!r})\n"
        "print(s.articles, 'spacy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.split() == ["1", "False"]
    rec = json.loads((tmp_path / "out.jsonl").read_text())
    assert [t["text"] for t in rec["tokens"][:3]] == ["Sara", "Carter", "met"]
