"""Where a workspace and its files live."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

ENV_DB = "READTUI_DB"


def default_path() -> Path:
    env = os.environ.get(ENV_DB)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("readtui", appauthor=False)) / "workspace.json"


def _resolve(path: Path) -> Path:
    """A symlinked workspace is its target: files go beside it, and writes replace it, not the link."""
    return path.resolve() if path.is_symlink() else path


# Beside a workspace's table: its journal, backup, lock and the folder of article files.
SIDE_FILES = (".journal", ".bak", ".lock", ".d")


def workspace_files(path: Path) -> list[Path]:
    """The files of the workspace at ``path``: the table, then its SIDE_FILES."""
    return [path] + [path.with_name(path.name + side) for side in SIDE_FILES]


def shard_name(article_id: str) -> str:
    """A file name for any article id (ids come from users' files: keep them out of paths)."""
    h = hashlib.sha1(article_id.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{h[:2]}/{h[2:18]}.json"
