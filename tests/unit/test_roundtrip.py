"""Export then import gives back the same articles, annotations, speakers, labels and states."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.cli.commands import import_records
from tui.formats import export, gold
from tui.formats import read_paths
from tui.model import REVIEW_STATES, Annotation, Article, Speaker
from tui.store import Workspace

# Pieces of text that trip up offsets: emoji (one code point, a ZWJ family, a flag),
# combining characters, right-to-left scripts, CJK, quotes, several kinds of space.
PIECES = ["Sara", "Carter", "said", "🎉", "👩‍👩‍👧", "🇮🇳", "e\u0301", "Zoë", "n\u0303o", "שלום", "עולם",
          "مرحبا", "بالعالم", "\u200f", "東京", "“We won’t”", '"quote"', "U.S.", "don't", "—", "-",
          "3.5%", "(MEA)", "\u00a0", "a", "I"]
SEPARATORS = [" ", " ", " ", "  ", "\n", "\n\n", ", ", "", "\t"]
LABELS = ["PERSON", "ORG", "GPE", "SURNAME", "Ünïcode_LABEL"]

words = st.one_of(st.sampled_from(PIECES), st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)),
                                                  min_size=1, max_size=4))


@st.composite
def texts(draw) -> str:
    parts = draw(st.lists(st.tuples(words, st.sampled_from(SEPARATORS)), min_size=1, max_size=25))
    text = "".join(w + s for w, s in parts)
    return text if text.strip() else "x" + text


def spans(draw, n: int, *, overlapping: bool) -> list[tuple[int, int]]:
    cuts = draw(st.lists(st.integers(0, n), min_size=0, max_size=12))
    pairs = []
    for a, b in zip(cuts[::2], cuts[1::2]):
        s, e = min(a, b), max(a, b)
        if s < e:
            pairs.append((s, e))
    if overlapping:
        return sorted(set(pairs))
    out: list[tuple[int, int]] = []
    for s, e in sorted(set(pairs)):
        if not out or s >= out[-1][1]:
            out.append((s, e))
    return out


@st.composite
def articles(draw, index: int) -> tuple[Article, list[Annotation]]:
    text = f"[{index}] " + draw(texts())  # distinct texts: import stores a repeated text once
    aid = f"art{index}-" + draw(st.sampled_from(["plain", "ünï", "🎉"]))
    art = Article(id=aid, text=text, title=draw(st.text(min_size=1, max_size=20).filter(str.strip)),
                  source=draw(st.sampled_from(["", "IANS", "Reuters"])),
                  published=draw(st.sampled_from(["", "2026-01-28T10:16:00+00:00"])),
                  dateline=draw(st.sampled_from(["", "New Delhi", "תל אביב"])),
                  path=f"/news/{index}.txt", state=draw(st.sampled_from(REVIEW_STATES)))
    anns: list[Annotation] = []
    n = len(text)
    origin = st.sampled_from(["model", "rules", "manual"])
    for i, (s, e) in enumerate(spans(draw, n, overlapping=False)):
        o = draw(origin)
        label = draw(st.sampled_from(LABELS))
        original = {"label": draw(st.sampled_from(LABELS)), "start": s, "end": e, "speaker": None} \
            if o != "manual" and draw(st.booleans()) else {}
        anns.append(Annotation(f"e{i}", aid, "entity", s, e, label, text[s:e], origin=o, status="accepted",
                               original=original, annotator=draw(st.sampled_from(["ann", "bob", ""])),
                               time="2026-02-01T09:00:00+00:00"))
    for i, (s, e) in enumerate(spans(draw, n, overlapping=True)):
        kind = draw(st.integers(0, 3))
        speaker = None
        if kind == 1:  # a mention
            ss = draw(st.integers(0, n - 1))
            se = draw(st.integers(ss + 1, n))
            speaker = Speaker(ss, se, text[ss:se], draw(st.sampled_from(["", "Sara Carter", "سارة"])))
        elif kind == 2:  # a resolved name without a mention
            speaker = Speaker(name=draw(st.sampled_from(["Vinay Kwatra", "שרה"])))
        anns.append(Annotation(f"q{i}", aid, "quote", s, e, "QUOTE", text[s:e], speaker=speaker,
                               origin=draw(origin), status="accepted", annotator="ann", time=""))
    return art, anns


@st.composite
def workspaces(draw) -> list[tuple[Article, list[Annotation]]]:
    n = draw(st.integers(1, 3))
    return [draw(articles(i)) for i in range(n)]


def _key(a: Annotation):
    return (a.kind, a.start, a.end, a.id)


@settings(max_examples=int(os.environ.get("ROUNDTRIP_EXAMPLES", 30)), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workspaces())
def test_jsonl_export_then_import_is_lossless(items):
    with tempfile.TemporaryDirectory() as tmp:
        src = Workspace.open(Path(tmp) / "src.json")
        src.add_articles(items, suggested=False)
        exported = list(gold(src.iter_articles(), all=True))
        src.close()
        out = Path(tmp) / "gold.jsonl"
        export(exported, out, "jsonl")
        dst = Workspace.open(Path(tmp) / "dst.json")
        try:
            report = import_records(dst, read_paths([out]))
            assert not report.problems, [str(p) for p in report.problems]
            assert [r["id"] for r in dst.rows()] == [a.id for a, _ in items]
            for article, anns in items:
                got = dst.article(article.id)
                assert (got.text, got.title, got.source, got.published, got.dateline, got.path, got.state) == \
                    (article.text, article.title, article.source, article.published, article.dateline,
                     article.path, article.state)
                assert sorted(dst.annotations(article.id), key=_key) == sorted(anns, key=_key)
        finally:
            dst.close()


def _reference_line(rec: dict) -> bytes:
    """A JSONL line as the export writes it, the plain (slow) way: compact, as Prodigy's own files."""
    import json

    try:
        line = json.dumps(rec, ensure_ascii=False, separators=(",", ":"))
        line = line.replace("\x85", "\\u0085").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
        return (line + "\n").encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: all escaped
        return (json.dumps(rec, ensure_ascii=True, separators=(",", ":")) + "\n").encode("ascii")


@settings(max_examples=60, deadline=None)
@given(articles(0))
def test_every_span_lines_up_in_every_format(item):
    import json

    from tui.formats import doccano_record, jsonl_line, jsonl_record, spacy_doc

    article, anns = item
    rec = jsonl_record(article, anns)  # checks itself
    line = jsonl_line(article, anns)  # what the export writes: the same record, in these bytes
    fast = json.loads(line)
    assert {**fast, "_timestamp": 0} == {**json.loads(json.dumps(rec)), "_timestamp": 0}
    assert line == _reference_line({**rec, "_timestamp": fast["_timestamp"]})
    doc = spacy_doc(article, anns)
    assert doc.text == article.text
    for a in anns:
        span = doc.char_span(a.start, a.end, alignment_mode="strict")
        assert span is not None and span.text == a.text
        if a.speaker is not None and a.speaker.has_mention:
            assert doc.char_span(a.speaker.start, a.speaker.end, alignment_mode="strict") is not None
    assert len(rec["spans"]) == len(doc.ents) == len(doccano_record(article, anns)["label"])
