"""What can go wrong with a workspace, as exceptions that name the file and why."""

from __future__ import annotations

from pathlib import Path


class WorkspaceError(Exception):
    """A workspace that cannot be used; the message says which file and why."""


class WorkspaceLocked(WorkspaceError):
    pass


class WorkspaceCorrupt(WorkspaceError):
    def __init__(self, path: Path | str, reason: str, backup: Path | None = None):
        self.path, self.reason, self.backup = Path(path), reason, backup
        hint = f"; a backup exists at {backup}" if backup else ""
        super().__init__(f"{path} is damaged ({reason}); it was left untouched{hint}")

    def __reduce__(self):  # raised in an export's worker process, re-raised in the parent
        return (type(self), (self.path, self.reason, self.backup))


class WorkspaceTooNew(WorkspaceError):
    pass


class SaveFailed(WorkspaceError):
    """The disk refused a write; nothing was changed in memory or on disk."""


class _Checkpointed(Exception):
    """A checkpoint replaced ``workspace.json`` while a reader read it and the journal."""


# What a malformed row, change or annotation raises as it is taken in.


# What a malformed row, change or annotation raises as it is taken in.
ROW_ERRORS = (ValueError, TypeError, KeyError, AttributeError, OverflowError, IndexError)


SNAPSHOT_TRIES = 50


def _still_changing(path: Path) -> WorkspaceError:
    return WorkspaceError(f"{path} kept changing while it was read ({SNAPSHOT_TRIES} tries); try again")
