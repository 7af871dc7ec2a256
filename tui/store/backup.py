"""The last good ``workspace.json.bak``: whether a workspace needs it, what restoring it
would lose, and putting it back without overwriting anything kept."""

from __future__ import annotations

from pathlib import Path

from .errors import WorkspaceError
from .files import _keep_aside, _read_json, write_atomic
from .lock import Lock
from .paths import _resolve
from .rows import table_rows
from .workspace import Workspace


def restore_backup(path: Path | str, *, force: bool = False) -> Path | None:
    """Put ``workspace.json.bak`` back in place; the file it replaces is kept beside it.

    Only a workspace that does not open is restored, unless ``force``: a healthy one
    would go back to its previous checkpoint (``restore_losses`` says what that loses).
    Returns where the replaced file went (a new name, never an existing file; None when
    there was none). Changes
    still in the journal replay over the backup on the next open.
    """
    path = _resolve(Path(path))
    backup = path.with_name(path.name + ".bak")
    if not backup.exists():
        raise WorkspaceError(f"no backup of {path} to restore ({backup} does not exist)")
    _read_json(backup)  # refuse a damaged backup too
    healthy = opens(path)
    if healthy and not force:
        raise WorkspaceError(
            f"{path} is not damaged (it opens), so its backup was not restored: that would go back "
            "to the previous checkpoint and lose what came since. Pass --force to restore it anyway.")
    lock = Lock(path.with_name(path.name + ".lock"))
    lock.acquire()
    try:
        kept = None
        if path.exists():
            kept = _keep_aside(path, "replaced" if healthy else "damaged")
        write_atomic(path, backup.read_bytes())
    finally:
        lock.release()
    return kept

def opens(path: Path | str) -> bool:
    """Whether the workspace at ``path`` opens (for reading)."""
    try:
        Workspace.open(path, readonly=True, create=False).close()
    except WorkspaceError:
        return False
    return True

def restore_losses(path: Path | str) -> str:
    """What restoring the backup of a workspace that opens would lose, in words."""
    path = _resolve(Path(path))
    with Workspace.open(path, readonly=True, create=False) as now:
        rows = {r["id"]: r for r in now.rows()}
    backup = path.with_name(path.name + ".bak")
    old = {str(r.get("id")): r for r in table_rows(_read_json(backup))}
    gone = len(rows.keys() - old.keys())
    changed = sum(1 for aid, r in rows.items() if aid in old and
                  (r.get("state"), r.get("counts"), r.get("annotations")) !=
                  (old[aid].get("state"), old[aid].get("counts"), old[aid].get("annotations")))
    return (f"{gone} article{'s' * (gone != 1)} imported since and the review of {changed} "
            f"article{'s' * (changed != 1)} changed since (their review state or annotations)")
