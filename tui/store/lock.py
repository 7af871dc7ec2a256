"""The single-writer lock: a second readtui that opens a workspace for writing is refused, naming the first."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import socket
import sys
from pathlib import Path

from ..model import (
    now_iso,
)
from .errors import WorkspaceLocked
from .files import _create


class Lock:
    """An exclusive lock on the workspace; the kernel drops it if we die."""

    def __init__(self, path: Path, mode: int | None = None):
        self.path = path
        self.mode = mode  # of a lock file this creates: the workspace's
        self._fd: int | None = None
        # The last holder died without releasing (kill -9, a power cut): its temporary
        # files may still lie around. Release empties the file; a death leaves it filled.
        self.left_by_dead = False
        self.created = False  # this lock made the file: a refused open removes it again

    def acquire(self) -> None:
        self.created = not self.path.exists()
        fd = _create(self.path, self.mode if self.created else None, os.O_RDWR | os.O_CREAT)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            try:
                holder = json.loads(self.path.read_text() or "{}")
            except (OSError, ValueError):
                holder = {}
            who = ", ".join(f"{k} {holder[k]}" for k in ("pid", "host", "command", "since") if k in holder)
            raise WorkspaceLocked(
                f"{self.path.with_suffix('')} is open in another readtui ({who or 'unknown process'}). "
                "Close that one first, or use --db to pick another workspace."
            ) from None
        self.left_by_dead = bool(os.pread(fd, 1, 0).strip())
        info = {"pid": os.getpid(), "host": socket.gethostname(),
                "command": " ".join(Path(sys.argv[0]).name.split() + sys.argv[1:2]), "since": now_iso()}
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps(info).encode())
        self._fd = fd

    def release(self, *, remove: bool = False) -> None:
        if self._fd is not None:
            try:
                if remove:
                    self.path.unlink()
                os.ftruncate(self._fd, 0)
            except OSError:
                pass
            os.close(self._fd)
            self._fd = None
