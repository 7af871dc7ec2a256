"""The articles list: title, source, date, review state and progress; `/` filters."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input

from ..spans import sanitize
from ..widgets.keybar import KeyBar

STATE_TEXT = {"new": ("new", "dim"), "in_progress": ("in progress", "yellow"), "done": ("done", "green")}


def _cell(text: str, style: str = "") -> Text:
    return Text(" ".join(sanitize(text).split()), style=style, no_wrap=True, overflow="ellipsis")


class ArticlesScreen(Screen):
    BINDINGS = [
        Binding("enter", "open", "Open", id="articles.open", tooltip="open the highlighted article"),
        Binding("j", "cursor(1)", "Down", show=False, id="articles.down",
                tooltip="move down / up the list (also ↓ ↑)"),
        Binding("k", "cursor(-1)", "Up", show=False, id="articles.up",
                tooltip="move down / up the list (also ↓ ↑)"),
        Binding("slash", "filter", "Filter", id="articles.filter",
                tooltip="filter the list by title and text (enter keeps it, esc clears it)"),
        Binding("escape", "clear_filter", "Clear filter", id="articles.clear_filter",
                tooltip="clear the filter"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._texts: dict[str, str] = {}
        self._shown: dict[str, tuple] = {}  # article id -> what its row shows now
        self._query = ""

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        yield Input(placeholder="filter by title and text", id="filter")
        yield DataTable(id="articles", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    @property
    def table(self) -> DataTable:
        return self.query_one("#articles", DataTable)

    def on_mount(self) -> None:
        t = self.table
        t.add_column("Title", key="title", width=60)
        t.add_column("Source", key="source", width=12)
        t.add_column("Published", key="published", width=10)
        t.add_column("State", key="state", width=11)
        t.add_column("Progress", key="progress", width=16)
        self.query_one("#filter").display = False
        self.reload()
        t.focus()

    def on_screen_resume(self) -> None:
        self.refresh_rows()

    @staticmethod
    def _status(row: dict) -> tuple[Text, Text]:
        label, style = STATE_TEXT.get(row.get("state", "new"), ("?", ""))
        total, reviewed = row.get("annotations", 0), row.get("reviewed", 0)
        progress = f"{reviewed}/{total} reviewed" if row.get("suggested", True) or total else "awaiting model"
        return Text(label, style=style), Text(progress)

    def refresh_rows(self) -> None:
        """Update the state and progress of the rows that changed (coming back from the
        reader): refilling a table of 10,000 articles would take seconds."""
        t = self.table
        ws = self.app.workspace
        for aid, shown in list(self._shown.items()):
            row = ws.row(aid)
            now = (row.get("state"), row.get("annotations"), row.get("reviewed"), row.get("suggested", True))
            if now != shown:
                state, progress = self._status(row)
                t.update_cell(aid, "state", state)
                t.update_cell(aid, "progress", progress)
                self._shown[aid] = now
        self.app.refresh_progress()

    def reload(self) -> None:
        """Fill the table from the store's summary rows, keeping the highlighted article."""
        t = self.table
        keep = None
        if t.row_count:
            try:
                keep = t.coordinate_to_cell_key(t.cursor_coordinate).row_key.value
            except Exception:
                keep = None
        t.clear()
        self._shown.clear()
        ws = self.app.workspace
        q = self._query.casefold()
        for row in ws.rows():
            if q and q not in self._haystack(row):
                continue
            t.add_row(_cell(row.get("title") or "(untitled)"), _cell(row.get("source", ""), "dim"),
                      _cell((row.get("published") or "")[:10]), *self._status(row), key=row["id"])
            self._shown[row["id"]] = (row.get("state"), row.get("annotations"), row.get("reviewed"),
                                      row.get("suggested", True))
        if keep is not None and keep in t.rows:
            t.move_cursor(row=t.get_row_index(keep), animate=False)
        self.app.refresh_progress()

    def _haystack(self, row: dict) -> str:
        hay = self._texts.get(row["id"])
        if hay is None:
            hay = (row.get("title", "") + "\n" + self.app.workspace.article(row["id"]).text).casefold()
            self._texts[row["id"]] = hay
        return hay

    def highlighted_id(self) -> str | None:
        t = self.table
        if not t.row_count:
            return None
        return t.coordinate_to_cell_key(t.cursor_coordinate).row_key.value

    def action_open(self) -> None:
        aid = self.highlighted_id()
        if aid is not None:
            self.app.open_article(aid)

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.app.open_article(event.row_key.value)

    def action_cursor(self, step: int) -> None:
        t = self.table
        if step > 0:
            t.action_cursor_down()
        else:
            t.action_cursor_up()

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        box.focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.value = ""
        box.display = False
        self._query = ""
        self.reload()
        self.table.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_filter":
            return bool(self._query) or self.query_one("#filter").display
        return True

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._query = event.value.strip()
        self.reload()
        self.refresh_bindings()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        if not self._query:
            event.control.display = False
        self.table.focus()
