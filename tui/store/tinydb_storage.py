"""TinyDB storages over the workspace files, for reading a workspace from a Python shell."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from .errors import SNAPSHOT_TRIES, _Checkpointed, _still_changing
from .files import _dumps, _parse_json, _read_json, _same_file, write_atomic
from .journal import Journal
from .rows import SCHEMA_VERSION, Summary, account, empty_totals


class AtomicJSONStorage(Storage):
    """TinyDB storage that never leaves a half-written file (temp, fsync, rename)."""

    def __init__(self, path: str | Path, **_: Any):
        self.path = Path(path)

    def read(self) -> dict | None:
        data = _read_json(self.path)
        return data or None

    def write(self, data: dict) -> None:
        write_atomic(self.path, _dumps(data))

    def close(self) -> None:
        pass


class WorkspaceStorage(AtomicJSONStorage):
    """TinyDB storage for ``workspace.json`` that sees the journal too.

    ``TinyDB("workspace.json", storage=WorkspaceStorage)`` gives the current
    article rows as an ``articles`` table (one row per article, whatever the layout on
    disk) even while readtui has changes only in the journal. Writing through it is for
    repairs; do it while readtui is closed: the rows go back as columns, totals recounted.
    """

    def write(self, data: dict) -> None:
        summary, totals = Summary(), empty_totals()
        for key, row in sorted((data.pop("articles", None) or {}).items(), key=lambda kv: int(kv[0])):
            summary.put(row, int(key))
            account(totals, row, 1)
        meta = {k: dict(v, schema=SCHEMA_VERSION) for k, v in data.pop("_meta", {}).items()}
        super().write({"_meta": meta, "totals": {"1": totals}, "summary": {"1": summary.table()}, **data})

    def read(self) -> dict | None:
        journal = Journal(self.path.with_name(self.path.name + ".journal"))
        for _ in range(SNAPSHOT_TRIES):  # as Workspace.open: again if a checkpoint came between
            try:
                return self._read(journal)
            except _Checkpointed:
                continue
        raise _still_changing(self.path)

    def _read(self, journal: "Journal") -> dict | None:
        try:
            table = open(self.path, "rb")
        except FileNotFoundError:
            table = None
        with table or nullcontext():
            data = _parse_json(self.path, table.read()) if table is not None else {}
            txns = list(journal.replay())
            if not _same_file(self.path, table):
                raise _Checkpointed
        if "summary" in data:  # the columns, shown as the table of rows schema 1 kept
            data["articles"] = _as_rows(data.pop("summary"))
            data.pop("totals", None)
        for txn in txns:
            for op in txn:
                if op[0] == "row":
                    _, key, row = op
                    rows = data.setdefault("articles", {})
                    if row is None:
                        rows.pop(str(key), None)
                    else:
                        rows[str(key)] = row
                elif op[0] == "meta":
                    data.setdefault("_meta", {})["1"] = op[1]
        return data or None


def _as_rows(summary: dict) -> dict[str, dict]:
    columns = Summary.from_table(summary.get("1"))
    return {str(k): row for k, row in zip(columns.keys, columns.rows())}
