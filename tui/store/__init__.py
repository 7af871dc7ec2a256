"""The workspace on TinyDB: storage only (files, journal, lock, summary rows, readers for
export workers); no NLP. ``Workspace`` is the way in; the rest is what the commands,
the service and the tests use by name."""

from .backup import opens, restore_backup, restore_losses
from .errors import SaveFailed, WorkspaceCorrupt, WorkspaceError, WorkspaceLocked, WorkspaceTooNew
from .files import _loads, write_atomic, write_many
from .journal import Journal
from .lock import Lock
from .paths import ENV_DB, SIDE_FILES, default_path, shard_name, workspace_files
from .readers import prefetch_articles, read_articles, read_through
from .rows import recount, summarize
from .tinydb_storage import AtomicJSONStorage, WorkspaceStorage
from .workspace import SCHEMA_VERSION, Workspace

__all__ = [
    "opens", "restore_backup", "restore_losses", "SaveFailed", "WorkspaceCorrupt", "WorkspaceError",
    "WorkspaceLocked", "WorkspaceTooNew", "_loads", "write_atomic", "write_many", "Journal", "Lock",
    "ENV_DB", "SIDE_FILES", "default_path", "shard_name", "workspace_files", "prefetch_articles",
    "read_articles", "read_through", "recount", "summarize", "AtomicJSONStorage", "WorkspaceStorage",
    "SCHEMA_VERSION", "Workspace",
]
