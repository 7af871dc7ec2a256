"""Running readtui the way a user does, for the hostile-input suite."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def readtui(*args, env=None, timeout=600, **kw) -> subprocess.CompletedProcess:
    e = dict(os.environ, COLUMNS="200", **(env or {}))
    return subprocess.run([sys.executable, "-m", "tui", *map(str, args)], capture_output=True,
                          text=True, env=e, timeout=timeout, cwd=ROOT, **kw)


def one_line(stderr: str) -> str:
    """Rich wraps long lines; join them back for matching."""
    return " ".join(stderr.split())
