"""Where an export goes: never a file of a workspace; into what is there (a regular file
replaced atomically, a FIFO or device streamed, a symlink's target); stdout whose reader
may leave early; stale temporaries of killed exports removed."""

from __future__ import annotations

import io
import os
import re
import stat
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Iterator

from ..store import SIDE_FILES, workspace_files
from .common import ExportSummary


class OutputRefused(ValueError):
    """``-o`` names what an export must not or cannot write; nothing was written."""


class ReaderGone(Exception):
    """Whoever reads the output (stdout, a FIFO) closed it before everything was written."""

    def __init__(self, name: str):
        self.name = name
        super().__init__(f"the reader of {name} closed it early: it got only part of the export")


@dataclass(frozen=True)
class Output:
    """What writing an export's ``-o`` means (``output_target``). ``how``: "stdout" ("-");
    "replace", a regular file (new, or a symlink's target) written beside itself and
    renamed into place; "stream", a FIFO or a character device (``/dev/stdout``, a
    terminal, ``/dev/null``), written as the bytes come."""

    name: str  # as the user gave it, for messages
    how: str
    path: Path | None = None


def output_target(output: str | Path, *, workspaces: Iterable[Path] = ()) -> Output:
    """Where ``output`` leads, or OutputRefused: a folder, a socket, a block device, or a
    file of a workspace (one of ``workspaces``, or one the path itself shows to be one)."""
    name = str(output)
    if name == "-":
        if sys.stdout is None:
            raise OutputRefused("stdout is closed")
        return Output(name, "stdout")
    try:
        st: os.stat_result | None = os.stat(output)  # through symlinks
    except FileNotFoundError:
        st = None
    real = Path(os.path.realpath(output))
    held = _workspace_holding(real, st, workspaces)
    if held is not None:
        raise OutputRefused(f"{name} is a file of the workspace {held}, never an export")
    if st is None or stat.S_ISREG(st.st_mode) and _same_file(real, st):
        return Output(name, "replace", real)
    if stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode) or stat.S_ISREG(st.st_mode):
        # (a regular file here is one only a link in /proc leads to: /dev/stdout into a file)
        return Output(name, "stream", Path(output))
    what = ("a folder" if stat.S_ISDIR(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode)
            else "a block device" if stat.S_ISBLK(st.st_mode) else "not a file")
    raise OutputRefused(f"{name} is {what}, not a file to write into")


def _same_file(path: Path, st: os.stat_result) -> bool:
    try:
        return os.path.samestat(os.stat(path), st)
    except OSError:
        return False


def _workspace_holding(real: Path, st: os.stat_result | None, workspaces: Iterable[Path]) -> Path | None:
    """The workspace that ``real`` (a resolved path; ``st`` its stat, None when there is
    nothing yet) is a file of: its table, journal, backup, lock, or the folder of article
    files and anything in it; hard links to them included."""
    tables = [real] + [real.with_name(real.name[:-len(side)]) for side in SIDE_FILES if real.name.endswith(side)]
    tables += [folder.with_name(folder.name[:-len(".d")]) for folder in real.parents if folder.name.endswith(".d")]
    for table in tables:
        if _is_workspace(table) and any(real == f or f in real.parents for f in workspace_files(table)):
            return table
    for ws in workspaces:
        files = [Path(os.path.realpath(f)) for f in workspace_files(Path(ws))]
        if any(real == f or f in real.parents for f in files):
            return Path(ws)
        if st is not None and st.st_nlink > 1 and any(_same_file(f, st) for f in _all_files(files)):
            return Path(ws)
    return None


def _is_workspace(table: Path) -> bool:
    """A readtui workspace is at ``table``: its journal or lock is beside it, or its first bytes say so."""
    journal, _backup, lock, _articles = workspace_files(table)[1:]
    if journal.exists() or lock.exists():
        return True
    if not table.is_file():  # (never open a FIFO to look: it would wait for a writer)
        return False
    try:
        with open(table, "rb") as fh:
            return fh.read(64).lstrip().startswith(b'{"_meta"')
    except OSError:
        return False


def _all_files(paths: Iterable[Path]) -> Iterator[Path]:
    """``paths`` and, for a folder, every file in it."""
    for path in paths:
        yield path
        for folder, _, names in os.walk(path):
            yield from (Path(folder, n) for n in names)


def write_atomic(output: str | Path | Output, write: Callable[[IO[bytes]], ExportSummary], *,
                 stdout: IO[bytes] | None = None) -> ExportSummary:
    """Run ``write(fh)`` into ``output`` ("-" for stdout; see ``output_target``), all or
    nothing where the output allows it.

    A file is written to a temporary file beside it (beside a symlink's target),
    fsync'd and renamed into place; on any error the temporary file is removed and the
    file is left as it was. Stdout gets the bytes only once ``write`` has returned. A
    FIFO or a device gets them as they come (ReaderGone if its reader leaves early).
    """
    target = output if isinstance(output, Output) else output_target(output)
    if target.how == "stdout":
        return _write_stdout(write, stdout)
    assert target.path is not None
    if target.how == "stream":
        try:
            with _WholeWriter(io.FileIO(target.path, "wb")) as fh:
                return write(fh)
        except BrokenPipeError:
            raise ReaderGone(target.name) from None
    path = target.path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp_name = _temporary(path.parent, path.name)
    try:
        # Opened by its path, which ``fh.name`` then gives: worker processes open it too.
        with open(tmp_name, "wb", buffering=1 << 20) as fh:
            summary = write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp_name, _mode_for(path))
        os.replace(tmp_name, path)
    except BaseException:
        _remove(tmp_name)
        raise
    return summary


def _write_stdout(write: Callable[[IO[bytes]], ExportSummary], stdout: IO[bytes] | None) -> ExportSummary:
    # Named: worker processes open it by its path to write their part (export_workers).
    tmp_name = _temporary(Path(tempfile.gettempdir()), "readtui-export")
    try:
        with open(tmp_name, "w+b") as tmp:
            summary = write(tmp)
            tmp.flush()
            tmp.seek(0)
            if stdout is None:
                sys.stdout.flush()
            dest = stdout if stdout is not None else sys.stdout.buffer
            try:
                while chunk := tmp.read(1 << 20):
                    _write_all(dest.write, chunk)
                dest.flush()
            except BrokenPipeError:
                raise ReaderGone("stdout") from None
    finally:
        _remove(tmp_name)
    return summary


def _write_all(write: Callable[[Any], int], data: bytes | memoryview) -> None:
    """All of ``data`` through ``write``. A BufferedWriter whose pipe is closed midway
    returns a short count, not an error (CPython); the next write raises it."""
    view = memoryview(data)
    while view:
        view = view[write(view):]


class _WholeWriter(io.BufferedWriter):
    """A BufferedWriter whose ``write`` writes everything or raises (see ``_write_all``)."""

    def write(self, data: Any) -> int:
        _write_all(super().write, data)
        return len(data)


# What mkstemp adds after ".{name}." in ``_temporary``: the writer's pid, random letters.


# What mkstemp adds after ".{name}." in ``_temporary``: the writer's pid, random letters.
_TEMPORARY_TAIL = re.compile(r"(\d+)\.[^.]+\.tmp")


def _temporary(folder: Path, name: str) -> str:
    """A new empty temporary file for ``name`` in ``folder``, named with this process's
    id; first removes the ones whose writer is gone (an export killed midway)."""
    prefix = f".{name}."
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                m = entry.name.startswith(prefix) and _TEMPORARY_TAIL.fullmatch(entry.name, len(prefix))
                if m and not _alive(int(m.group(1))) and entry.is_file(follow_symlinks=False):
                    _remove(entry.path)
    except OSError:  # cannot list the folder: the export itself will say what is wrong
        pass
    fd, tmp_name = tempfile.mkstemp(prefix=f"{prefix}{os.getpid()}.", suffix=".tmp", dir=folder)
    os.close(fd)
    return tmp_name


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):  # someone else's process, or not a pid: leave its file alone
        return True
    return True


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _mode_for(path: Path) -> int:
    """A replaced export keeps its mode (a 600 file stays 600); a new one is 644 less the umask."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return 0o644 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
