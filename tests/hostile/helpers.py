"""Running readtui the way a user does, for the hostile-input suite."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def readtui(*args, env=None, timeout=600, **kw) -> subprocess.CompletedProcess:
    e = dict(os.environ, COLUMNS="200", **(env or {}))
    return subprocess.run([sys.executable, "-m", "tui", *map(str, args)], capture_output=True,
                          text=True, env=e, timeout=timeout, cwd=ROOT, **kw)


def one_line(stderr: str) -> str:
    """Rich wraps long lines; join them back for matching."""
    return " ".join(stderr.split())


@contextmanager
def held_open(db: Path):
    """The workspace ``db`` held open (and locked) by another process while the block runs."""
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import time
        from tui.store import Workspace
        ws = Workspace.open({str(db)!r})
        print("open", flush=True)
        time.sleep(60)
    """)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert holder.stdout.readline().strip() == "open"
        yield holder
    finally:
        holder.kill()
        holder.wait()
