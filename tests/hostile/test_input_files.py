"""Broken, huge and odd input files: each has a clear outcome, and good input still imports."""

from __future__ import annotations

import json
import random
import time

import pytest

from tui.formats import ImportProblem, decode, read_paths
from tui.store import Workspace

from .helpers import one_line, readtui

RUSSIAN = "Привет, как дела? Это тест кодировки. Правительство приняло новый закон о налогах и сборах в среду."
FRENCH = "Le ministre a déclaré à Genève : « Nous agirons vite », avant de quitter l’hôtel."


@pytest.mark.parametrize("raw, expected", [
    (FRENCH.encode("cp1252"), FRENCH),
    ("Zürich Straße Köln".encode("latin-1"), "Zürich Straße Köln"),
    (FRENCH.encode("utf-16"), FRENCH),  # with its byte-order mark
    (FRENCH.encode("utf-8-sig"), FRENCH),
    (RUSSIAN.encode("cp1251"), RUSSIAN),
])
def test_encodings_that_can_be_known_are_decoded(raw, expected):
    assert decode(raw, "f.txt") == expected


# Single-byte encodings a detector may or may not recognise, depending on its release.
# Our guarantee is the same either way: the right characters, or a refusal that says why.
# Never mojibake, and nothing here relies on what a library cannot do.
SINGLE_BYTE = [
    ("Καλημέρα, τι κάνεις σήμερα; Η βουλή ψήφισε το νομοσχέδιο.", "cp1253"),
    ("Καλημέρα, τι κάνεις σήμερα;", "iso-8859-7"),
    ("Привет, как дела? Это тест кодировки.", "koi8-r"),
    ("Привет, как дела? Это тест кодировки.", "cp1251"),  # as well read as Greek: too short to know
    ("Þingvellir og Reykjavík eru á Íslandi, sagði ráðherrann.", "cp1252"),
    ("¿Qué tal? Hace 25°C en Madrid, costó £5m.", "cp1252"),
    ("Zażółć gęślą jaźń, powiedział minister w Krakowie.", "cp1250"),
    ("Başbakan İstanbul'da açıklama yaptı: «Çalışacağız».", "cp1254"),
    ("Ministr řekl, že vláda přijme nový zákon o daních.", "iso-8859-2"),
    ("שלום, מה שלומך היום?", "cp1255"),
    ("مرحبا، كيف حالك اليوم؟", "cp1256"),
]


@pytest.mark.parametrize("text, encoding", SINGLE_BYTE)
def test_single_byte_text_is_right_or_refused_never_mojibake(text, encoding):
    try:
        got = decode(text.encode(encoding), "f.txt")
    except ImportProblem as exc:
        assert "convert it to UTF-8" in exc.reason or "could not be recognised" in exc.reason
    else:
        assert got == text


@pytest.mark.parametrize("raw, reason", [
    ("Café".encode("utf-8") + " et thé glacé".encode("latin-1"), "mixes UTF-8 with another encoding"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary file"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01", "binary file"),
    (b"\xff\xfe" + b"\x00\xd8", "utf-16"),  # BOM, then a lone surrogate
])
def test_unknowable_or_binary_is_refused_never_mojibake(raw, reason):
    with pytest.raises(ImportProblem, match=reason):
        decode(raw, "f.txt")


def test_empty_and_whitespace_files(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text("   \n\t\n  \r\n")
    (tmp_path / "empty.jsonl").write_text("")
    (tmp_path / "blank.jsonl").write_text("\n\n  \n")
    out = list(read_paths([tmp_path]))
    assert sorted((p.path.rsplit("/", 1)[-1], p.reason) for p in out) == [
        ("blank.txt", "empty file"), ("empty.txt", "empty file")]  # JSONL: nothing to import, no error


def test_bad_files_reported_and_good_ones_imported(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text("Headline\n\nThe body of a good article.\n")
    (src / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    (src / "mixed.txt").write_bytes("Café ".encode() + "thé".encode("latin-1"))
    db = tmp_path / "ws.json"
    r = readtui("import", "--no-suggest", src, "--db", db)
    err = one_line(r.stderr)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "imported 1" in err and "failed 2" in err
    assert f"{src / 'image.txt'}: binary file" in err and f"{src / 'mixed.txt'}: mixes UTF-8" in err


def test_jsonl_line_problems_each_reported_good_lines_kept(tmp_path):
    f = tmp_path / "feed.jsonl"
    lines = [
        {"id": "a", "text": "First good article."},
        "{not json",
        "[1, 2, 3]",
        {"id": "b"},
        {"id": "c", "text": ["not", "a", "string"]},
        {"id": "d", "text": "Short.", "spans": [{"start": 0, "end": 50, "label": "ORG"}]},
        {"id": "e", "text": "Sara here.", "spans": [{"start": 0, "end": 4, "label": "PERSON", "text": "Bob"}]},
        {"id": "a", "text": "A different text under a used id."},
        {"id": "f", "text": "Second good article."},
        {"id": "g", "text": "First good article."},  # same text again: stored once
    ]
    f.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n")
    db = tmp_path / "ws.json"
    r = readtui("import", "--no-suggest", f, "--db", db)
    err = one_line(r.stderr)
    assert r.returncode == 1
    for line, reason in [(2, "not valid JSON"), (3, "the line is a JSON list, not an object"), (4, 'no "text" field'),
                         (5, "not a string"), (6, "outside the text"), (7, "'Sara'"), (8, "duplicate id 'a'")]:
        [msg] = [m for m in err.split(" failed ") if m.startswith(f"{f}:{line}: ")]
        assert reason in msg, (line, msg)
    assert "imported 2, duplicates 1" in err
    with Workspace.open(db, readonly=True) as ws:
        assert [r["id"] for r in ws.rows()] == ["a", "f"]
        assert ws.article("a").text == "First good article."


def test_odd_characters_keep_offsets(tmp_path):
    text = ("Line one\r\nTabs\there \u200bzero\u200dwidth \u202eRTL override\u202c "
            "emoji 👩‍👩‍👧 e\u0301 שלום עולם Sara")
    start = text.index("Sara")
    f = tmp_path / "odd.jsonl"
    f.write_text(json.dumps({"id": "odd", "text": text, "spans": [
        {"start": start, "end": start + 4, "label": "PERSON"},
        {"start": text.index("👩"), "end": text.index("👩") + 5, "label": "ORG"},
        {"start": text.index("שלום"), "end": text.index("שלום") + 9, "label": "GPE"},
    ]}) + "\n")
    db = tmp_path / "ws.json"
    assert readtui("import", "--no-suggest", f, "--db", db).returncode == 0
    with Workspace.open(db, readonly=True) as ws:
        assert ws.article("odd").text == text  # kept exactly, CRLF and all
        got = {a.label: a.text for a in ws.annotations("odd")}
        assert got == {"PERSON": "Sara", "ORG": "👩‍👩‍👧", "GPE": "שלום עולם"}


def test_text_file_with_crlf_tabs_and_controls(tmp_path):
    f = tmp_path / "win.txt"
    f.write_bytes("Title line\r\n\r\nBody\twith tab and \x1b[2J escape.\r\nSecond line.\r\n".encode())
    [rec] = list(read_paths([f]))
    assert rec.article.title == "Title line"
    assert rec.article.text == "Body\twith tab and \x1b[2J escape.\nSecond line."  # data kept; painting strips


@pytest.mark.slow
def test_a_50_mb_article(tmp_path):
    para = ("Officials in Washington said the talks would continue next week, "
            "according to a statement from the ministry. ") * 40 + "\n\n"
    body = para * (50_000_000 // len(para) + 1)
    f = tmp_path / "huge.txt"
    f.write_text("A very long report\n\n" + body)
    db = tmp_path / "ws.json"
    r = readtui("import", "--no-suggest", f, "--db", db)
    assert r.returncode == 0, r.stderr
    with Workspace.open(db, readonly=True) as ws:
        [row] = ws.rows()
        assert row["title"] == "A very long report"
        # Lines lose trailing blanks; nothing else changes.
        assert ws.article(row["id"]).text == "\n".join(x.rstrip() for x in body.strip().split("\n"))


@pytest.mark.slow
def test_100000_one_line_articles_in_one_jsonl(tmp_path):
    f = tmp_path / "many.jsonl"
    with open(f, "w") as fh:
        for i in range(100_000):
            fh.write(json.dumps({"id": f"n{i}", "text": f"Short article number {i}."}) + "\n")
    db = tmp_path / "ws.json"
    r = readtui("import", "--no-suggest", f, "--db", db)
    assert r.returncode == 0, r.stderr
    assert "imported 100000" in one_line(r.stderr)
    with Workspace.open(db, readonly=True) as ws:
        assert len(ws) == 100_000
        assert ws.article("n99999").text == "Short article number 99999."
    s = readtui("stats", "--db", db)
    assert "100000 articles" in s.stdout


def test_the_reported_pages_import_at_once(tmp_path):
    """The two pages from issue 20, through the installed command: a hyphen run that hung
    the dateline pattern, and an ``Update`` line of spaces that hung the time pattern."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "hyphens.txt").write_text("A headline\n\n" + "A-" * 300 + "a\n")
    (tmp_path / "in" / "update.txt").write_text("A headline\nUpdate a" + " " * 200_000 + "b\n\nThe body.\n")
    (tmp_path / "in" / "good.txt").write_text("Headline\n\nWASHINGTON (Reuters) - The Senate voted today.\n")
    start = time.monotonic()
    r = readtui("import", "--no-suggest", tmp_path / "in", "--db", tmp_path / "ws.json", timeout=60)
    assert r.returncode == 0, r.stderr
    assert "imported 3" in one_line(r.stderr)
    assert time.monotonic() - start < 30  # seconds: minutes (or never) before


def test_random_files_never_crash_import(tmp_path):
    """A quick seeded fuzz alongside the hypothesis one: mangled copies of real input."""
    rng = random.Random(11)
    base = [b"Headline\n\nBody of the story.\n", json.dumps({"text": "x", "spans": []}).encode(),
            FRENCH.encode("utf-16"), b'{"text": "ok", "label": [[0, 2, "ORG"]]}\n']
    for i in range(60):
        raw = bytearray(rng.choice(base))
        for _ in range(rng.randint(1, 6)):
            pos = rng.randrange(len(raw) + 1)
            raw[pos:pos] = bytes([rng.randrange(256)])
        suffix = rng.choice([".txt", ".jsonl", ".md"])
        (tmp_path / f"f{i}{suffix}").write_bytes(bytes(raw))
    for item in read_paths([tmp_path]):
        assert isinstance(item, ImportProblem) or item.article.text.strip()


def test_a_deeply_nested_line_is_reported_and_the_rest_imports(tmp_path):
    """``[`` x 100,000 made json raise RecursionError and nothing imported; meta 985 deep
    loaded, then broke the store's write (a traceback)."""
    f = tmp_path / "deep.jsonl"
    f.write_text("\n".join([
        json.dumps({"id": "a", "text": "First good article."}),
        "[" * 100_000,
        '{"id": "m", "text": "Deep meta.", "meta": {"x": ' + "[" * 985 + "]" * 985 + "}}",
        '{"id": "o", "text": "Deep original.", "spans": [{"start": 0, "end": 4, "label": "ORG", "original": '
        + '{"a": ' * 150 + "1" + "}" * 150 + "}]}",
        json.dumps({"id": "b", "text": "Second good article."}),
    ]) + "\n")
    db = tmp_path / "ws.json"
    r = readtui("import", "--no-suggest", f, "--db", db)
    err = one_line(r.stderr)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr[-2000:]
    assert f"{f}:2: nested too deeply" in err
    assert f"{f}:3: meta is nested too deeply" in err and f"{f}:4: span 0-4 its original is nested too deeply" in err
    assert "imported 2" in err
    with Workspace.open(db, readonly=True) as ws:
        assert [r["id"] for r in ws.rows()] == ["a", "b"]


def test_offsets_are_integers_never_bools(tmp_path):
    """``"end": true`` passed the offset checks (True is 1 to Python) and exported as true."""
    text = "Sara Carter met Vinay Kwatra in Washington."
    f = tmp_path / "bools.jsonl"
    f.write_text("\n".join(json.dumps(x) for x in [
        {"id": "s", "text": text, "spans": [{"start": 0, "end": True, "label": "PERSON"}]},
        {"id": "d", "text": text, "label": [[False, 4, "PERSON"]]},
        {"id": "q", "text": text, "quotes": [{"start": 16, "end": 28, "speaker": {"start": True, "end": 4}}]},
        {"id": "e", "text": text, "entities": [{"id": 1, "start_offset": 0, "end_offset": True, "label": "PERSON"}],
         "relations": []},
        {"id": "p", "text": text, "spans": [{"start": 16, "end": 28, "label": "QUOTE"}, {"start": 0, "end": 11,
         "label": "PERSON"}], "relations": [{"label": "SPEAKER", "head_span": {"start": 16, "end": 28, "label": "QUOTE"},
                                             "child_span": {"start": True, "end": 11}}]},
        {"id": "ok", "text": text, "spans": [{"start": 0, "end": 11, "label": "PERSON"}]},
    ]) + "\n")
    db = tmp_path / "ws.json"
    r = readtui("import", "--no-suggest", f, "--db", db)
    err = one_line(r.stderr)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    for line in (1, 2, 3, 4, 5):
        [msg] = [m for m in err.split(" failed ") if m.startswith(f"{f}:{line}: ")]
        assert "must be integers" in msg and ("True" in msg or "False" in msg), msg
    with Workspace.open(db, readonly=True) as ws:
        assert [r["id"] for r in ws.rows()] == ["ok"]


@pytest.mark.parametrize("label", ["PERSON\nEVIL", "PER\x1b]52;c;SGVsbG8=\x07SON", "ORG\u202e", "A\tB", "L" * 65, " "])
def test_labels_are_one_short_printable_line(tmp_path, label):
    """A label with a newline hid the rest of its line in the reader; escapes reached exports."""
    text = "Sara Carter met Vinay Kwatra in Washington."
    f = tmp_path / "labels.jsonl"
    f.write_text(json.dumps({"id": "bad", "text": text, "spans": [{"start": 0, "end": 11, "label": label}]}) + "\n"
                 + json.dumps({"id": "doc", "text": text + " ", "label": [[0, 11, label]]}) + "\n"
                 + json.dumps({"id": "ok", "text": text, "spans": [{"start": 0, "end": 11, "label": "PERSON"}]}) + "\n")
    db = tmp_path / "ws.json"
    r = readtui("import", "--no-suggest", f, "--db", db)
    err = one_line(r.stderr)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert f"{f}:1: span 0-11 " in err and f"{f}:2: span 0-11 " in err
    assert "\x1b" not in r.stderr and "\u202e" not in r.stderr
    with Workspace.open(db, readonly=True) as ws:
        assert [r["id"] for r in ws.rows()] == ["ok"]


@pytest.mark.parametrize("labels", ["PERSON,EV\x1b[2JIL", "PERSON,ORG\u202e", "X" * 65])
def test_labels_option_is_validated(tmp_path, labels):
    r = readtui("import", "--no-suggest", "--labels", labels, tmp_path, "--db", tmp_path / "ws.json")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert r.stderr.startswith("readtui: --labels ") and "\x1b" not in r.stderr and "\u202e" not in r.stderr
    assert not (tmp_path / "ws.json").exists()


def test_ids_are_strings_or_integers_and_meta_numbers_finite(tmp_path):
    """A list id was stored as "['a', 'b']", True as "True"; NaN in meta exported as null."""
    f = tmp_path / "ids.jsonl"
    f.write_text("\n".join([
        json.dumps({"id": ["a", "b"], "text": "A list id."}),
        json.dumps({"id": True, "text": "A bool id."}),
        json.dumps({"id": {"k": 1}, "text": "An object id."}),
        json.dumps({"id": 1.5, "text": "A float id."}),
        json.dumps({"id": "n", "text": "NaN meta.", "meta": {"score": float("nan")}}),
        json.dumps({"id": "i", "text": "Infinity meta.", "meta": {"deep": [{"x": float("inf")}]}}),
        json.dumps({"id": "t", "text": "A list title.", "title": ["a"]}),
        '{"id": "big", "text": "A huge number.", "n": ' + "1" * 5000 + "}",  # was an AttributeError traceback
        json.dumps({"id": 42, "text": "An integer id."}),
        json.dumps({"meta": {"id": "m7"}, "text": "A string id in meta.", "title": 2026}),
    ]) + "\n")
    db = tmp_path / "ws.json"
    r = readtui("import", "--no-suggest", f, "--db", db)
    err = one_line(r.stderr)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr[-2000:]
    for line, reason in [(1, "the id is a list of 2, not a string or an integer"), (2, "the id is True"),
                         (3, "the id is an object"), (4, "the id is 1.5"), (5, "meta holds nan"),
                         (6, "meta holds inf"), (7, "the title is a list of 1, not text"), (8, "not valid JSON")]:
        [msg] = [m for m in err.split(" failed ") if m.startswith(f"{f}:{line}: ")]
        assert reason in msg, (line, msg)
    with Workspace.open(db, readonly=True) as ws:
        assert sorted(r["id"] for r in ws.rows()) == ["42", "m7"]
        assert ws.article("m7").title == "2026"


def test_a_full_disk_during_import_says_so_with_the_summary(tmp_path, monkeypatch, capsys):
    """The disk fills after the first batch: a one-line message, the summary of what was
    imported (it is in the workspace), exit 1; it was a SaveFailed traceback."""
    import errno
    import os

    from tui import store
    from tui.cli import commands
    from tui.__main__ import main

    src = tmp_path / "in"
    src.mkdir()
    for i in range(5):
        (src / f"a{i}.txt").write_text(f"Headline {i}\n\nThe body of article number {i}.\n")
    monkeypatch.setattr(commands, "BATCH_NO_MODEL", 2)
    real_sync, syncs = os.sync, []

    def sync():  # the store syncs each batch of article files once
        syncs.append(1)
        if len(syncs) > 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_sync()

    monkeypatch.setattr(store.files.os, "sync", sync)
    db = tmp_path / "ws.json"
    code = main(["import", "--no-suggest", str(src), "--db", str(db)])
    err = one_line(capsys.readouterr().err)
    assert code == 1
    assert "imported 2," in err and "import stopped, the rest was not imported" in err
    assert "No space left on device" in err
    monkeypatch.setattr(store.files.os, "sync", real_sync)
    with Workspace.open(db, readonly=True) as ws:
        assert len(ws) == 2
