"""The write-ahead journal: one fsync'd line per action, replayed on open."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Iterator

from .errors import SaveFailed, WorkspaceCorrupt
from .files import _create, _dumps, write_atomic


class Journal:
    """The append-only log: one JSON line per action, fsync'd."""

    def __init__(self, path: Path, mode: int | None = None):
        self.path = path
        self.mode = mode  # of a journal this creates: the workspace's
        self._fh = None

    def replay(self, *, repair: bool = False) -> Iterator[list]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return
        good_end = 0
        lines = raw.split(b"\n")
        for i, line in enumerate(lines):
            if not line.strip():
                good_end += len(line) + 1
                continue
            try:
                txn = json.loads(line)
            except (ValueError, UnicodeDecodeError, RecursionError):
                if i == len(lines) - 1:  # torn last line: the action never returned
                    break
                raise WorkspaceCorrupt(self.path, f"line {i + 1} of the journal is unreadable")
            ops = txn.get("ops") if isinstance(txn, dict) else None
            if not isinstance(ops, list):  # whole JSON, so not torn: written wrong
                raise WorkspaceCorrupt(self.path, f"line {i + 1} of the journal is not a list of changes")
            if i == len(lines) - 1:  # whole, but its newline never came: the action never returned
                break
            good_end += len(line) + 1
            yield ops
        if repair and good_end < len(raw):
            with open(self.path, "r+b") as fh:
                fh.truncate(min(good_end, len(raw)))
                os.fsync(fh.fileno())

    def append(self, ops: list) -> None:
        line = (_dumps({"ops": ops}) + "\n").encode("ascii")
        try:
            if self._fh is None:
                mode = None if self.path.exists() else self.mode
                self._fh = open(_create(self.path, mode, os.O_WRONLY | os.O_APPEND | os.O_CREAT), "ab")
            start = self._fh.tell()
            self._fh.write(line)
            self._fh.flush()
            os.fsync(self._fh.fileno())
        except OSError as exc:
            self._undo_partial(locals().get("start"))
            raise SaveFailed(f"could not save to {self.path}: {exc.strerror or exc}") from exc

    def _undo_partial(self, start: int | None) -> None:
        # A failed append (disk full) may leave a fragment; cut it so the next
        # action starts on a clean line.
        try:
            if self._fh is not None:
                self._fh.close()
        except OSError:
            pass
        self._fh = None
        if start is not None:
            try:
                with open(self.path, "r+b") as fh:
                    fh.truncate(start)
            except OSError:
                pass

    @property
    def size(self) -> int:
        try:
            return self.path.stat().st_size
        except FileNotFoundError:
            return 0

    def clear(self) -> None:
        self.close()
        write_atomic(self.path, b"", mode=self.mode)

    def close(self) -> None:
        if self._fh is not None:
            try:
                self._fh.close()
            except OSError:
                pass
            self._fh = None
