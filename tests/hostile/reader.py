"""Shared pieces for the reader side of the hostile suite: a hostile article, a driver that
captures what Textual writes to the terminal, the screen as text, and the store's invariants."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import textual.drivers.headless_driver as headless_driver

from tui.model import Annotation, Article, Speaker
from tui.store import Workspace, summarize

SIZE = (120, 36)

# Sequences a terminal acts on. None of them is ever written by Textual itself, so any of
# them in the terminal stream came from the article.
OSC52_ARTICLE = "\x1b]52;c;SGVsbG8="  # clipboard write ("Hello")
OSC8 = "\x1b]8;"  # hyperlink
CLEAR = "\x1b[2J"  # clear the screen
DSR = "\x1b[6n"  # device status report: the terminal answers on stdin
TITLE_OSC = "\x1b]0;pwned"  # window title
FORBIDDEN = (OSC52_ARTICLE, "\x1b]52;c;QUJD", "\x1b]52;c;VElUTEU=", "\x1b]52;c;TEFCRUw=", OSC8, CLEAR,
             DSR, TITLE_OSC, "\x1bP", "\x1b_", "\x1b^",
             "\\ud800", "\\udc00")  # lone surrogates, as a terminal stream with backslashreplace has them
# C1 controls (U+0080-U+009F: \x9b is CSI, \x9d is OSC for a terminal in 8-bit mode), DEL,
# C0 controls other than line ends (a tty adds \r), characters that reorder or hide text, and
# lone surrogates.
STRAY = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff"
                   "\ud800-\udfff]")

TEXT = (
    "[bold red]Markup[/] and [@click=app.quit]click me[/] and [link=https://evil.example]a link[/link]. "
    "Clear\x1b[2Jscreen, report\x1b[6n, title\x1b]0;pwned\x07 and clipboard\x1b]52;c;SGVsbG8=\x07 here. "
    "A \x1b]8;;https://evil.example\x1b\\hyperlink\x1b]8;;\x1b\\ and C1\x9b31m red\x9d0;x\x9c and "
    "bidi \u202eevil\u202c and zero\u200bwidth and DCS\x1bPq#0\x1b\\ done.\n"
    "\"We will [b]win[/b]\x1b]52;c;QUJD\x07 today, and that\ud800 is the whole plan,\" said Sara\x1b[2J Carter.\n"
    "The [@click=app.quit]Ministry[/] spoke too."
)
TITLE = "[@click=app.quit]Evil title[/] \x1b]52;c;VElUTEU=\x07\x1b[2J \u202eeltit \udc00"
SECOND_TITLE = "[@click=app.quit]Second[/] \x1b]0;pwned\x07story"
HOSTILE_LABEL = "EV\x1b]52;c;TEFCRUw=\x07IL[@click=app.quit]"


def hostile_workspace(path: Path) -> Workspace:
    """Two articles: the first full of markup and escapes (title, source, dateline, annotations,
    a speaker, a label), the second with a hostile title (shown in "Done. Next: …")."""
    ws = Workspace.open(path)
    t = TEXT
    sara = t.index("Sara\x1b[2J Carter")
    sara_end = sara + len("Sara\x1b[2J Carter")
    q0 = t.index("\"We will")
    q1 = t.index("plan,\"") + len("plan,\"")
    click = t.index("[@click=app.quit]click me[/]")
    ministry = t.index("[@click=app.quit]Ministry[/]")
    anns = [
        Annotation("e1", "a1", "entity", 0, len("[bold red]Markup[/]"), "ORG"),
        Annotation("e2", "a1", "entity", click, click + len("[@click=app.quit]click me[/]"), HOSTILE_LABEL),
        Annotation("e3", "a1", "entity", t.index("Clear"), t.index("screen") + 6, "LOC"),
        Annotation("q1", "a1", "quote", q0, q1, "QUOTE", origin="rules",
                   speaker=Speaker(sara, sara_end, t[sara:sara_end], "[@click=app.quit]Sara\x1b]0;pwned\x07")),
        Annotation("e4", "a1", "entity", sara, sara_end, "PERSON"),
        Annotation("e5", "a1", "entity", ministry, ministry + len("[@click=app.quit]Ministry[/]"), "ORG"),
    ]
    first = Article(id="a1", text=t, title=TITLE, source="[b]IANS\x1b[6n\u202e",
                    published="2026-01-28T10:16:00+00:00", dateline="[@click=app.quit]Delhi\x9b2J")
    second = Article(id="a2", text="A plain second story about Berlin.", title=SECOND_TITLE)
    ws.add_articles([(first, anns), (second, [])])
    return ws


class CapturingDriver(headless_driver.HeadlessDriver):
    """Textual's headless driver, except that the app paints and everything it writes is kept."""

    written: list[str] = []

    @property
    def is_headless(self) -> bool:
        return False  # so App._display renders to the driver

    def write(self, data: str) -> None:
        CapturingDriver.written.append(data)

    def flush(self) -> None:
        pass


def capture_terminal(monkeypatch) -> list[str]:
    """From now on, ``run_test`` writes through ``CapturingDriver``; returns the written chunks."""
    CapturingDriver.written = []
    monkeypatch.setattr(headless_driver, "HeadlessDriver", CapturingDriver)
    return CapturingDriver.written


def screen_text(app) -> str:
    """What the terminal shows now, as lines of text."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


CSI = re.compile(r"\x1b\[[0-9;?<>=$]*[ -/]*[@-~]")
OSC52 = re.compile(r"\x1b\]52;c;([A-Za-z0-9+/=]*)\x07")
POINTER = re.compile(r"\x1b\]22;[a-z-]+\x07")  # Textual's mouse pointer shape (OSC 22)


def leaks(stream: str, copied: list[str] = ()) -> list[str]:
    """What in a terminal stream did not come from Textual: the forbidden sequences, any escape
    that is not a CSI sequence or a clipboard write of something the analyst copied, and stray
    control or bidi characters."""
    found = [repr(s) for s in FORBIDDEN if s in stream]
    for m in OSC52.finditer(stream):
        if base64.b64decode(m.group(1)).decode("utf-8") not in copied:
            found.append(f"clipboard write {m.group(0)!r}")
    rest = POINTER.sub("", OSC52.sub("", CSI.sub("", stream)))
    found += [f"ESC at {m.start()}: {rest[m.start():m.start() + 20]!r}" for m in re.finditer("\x1b", rest)]
    found += [f"{m.group()!r} at {m.start()}: {rest[max(0, m.start() - 20):m.start() + 20]!r}"
              for m in STRAY.finditer(rest)]
    return found


def check_store(ws: Workspace) -> None:
    """The store's invariants for every article: offsets point at their text, entities do
    not overlap, speakers point at their mention, and the summary row matches a recount."""
    for row in ws.rows():
        art = ws.article(row["id"])
        anns = ws.annotations(row["id"])
        for a in anns:
            assert 0 <= a.start < a.end <= len(art.text) and art.text[a.start:a.end] == a.text, a
            sp = a.speaker
            if sp is not None and sp.has_mention:
                assert art.text[sp.start:sp.end] == sp.text, a
        live = sorted((a for a in anns if a.kind == "entity" and a.status != "rejected"), key=lambda a: a.start)
        for x, y in zip(live, live[1:]):
            assert x.end <= y.start, f"entities overlap: {x} / {y}"
        again = summarize(art, anns, suggested=row.get("suggested", True))
        for key in ("annotations", "reviewed", "counts", "state"):
            assert row.get(key) == again.get(key), (key, row.get(key), again.get(key))


def tmux_terminal(command: str, *, record: Path | None = None):
    """The e2e suite's tmux terminal running ``command``; with ``record``, every byte the
    program writes to the terminal is appended to that file (``pipe-pane``) from the start."""
    import subprocess
    import time

    from ..e2e.test_tmux import Terminal

    if record is None:
        return Terminal(command)
    go = record.with_suffix(".go")
    term = Terminal(f"while [ ! -e {go} ]; do sleep 0.02; done; exec {command}")
    subprocess.run(["tmux", "pipe-pane", "-o", "-t", term.name, f"cat >> {record}"], check=True)
    time.sleep(0.2)  # the pipe's cat is running before the program starts
    go.touch()
    return term
