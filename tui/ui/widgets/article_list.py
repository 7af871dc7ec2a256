"""The article list: one line per article, drawn line by line.

Textual's ``DataTable`` measures every cell of every row when rows are added, even with
fixed column widths: at 10,000 articles that alone took longer than the whole start-up
budget. This list knows its columns' widths up front, so adding rows costs nothing and
only the rows on screen are ever drawn (and cached until they change).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip


@dataclass(frozen=True)
class Column:
    title: str
    width: int


MIN_FIRST = 18  # so every column fits an 80-column terminal beside a scrollbar
Cell = tuple[str, str]  # text, and a style name ("" plain, "dim", "green", …)


def fit(text: str, width: int) -> str:
    """``text`` in exactly ``width`` cells, cut with an ellipsis when it is longer."""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"


class ArticleList(ScrollView, can_focus=True):
    """Rows of cells under a fixed header line, with a highlighted row (the cursor)."""

    COMPONENT_CLASSES = {"article-list--header", "article-list--cursor", "article-list--even-row"}
    DEFAULT_CSS = """
    ArticleList {
        background: $surface;
        color: $foreground;
        &:focus {
            background-tint: $foreground 5%;
            & > .article-list--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
        & > .article-list--header { text-style: bold; background: $panel; color: $foreground; }
        & > .article-list--even-row { background: $surface-lighten-1 50%; }
        &:dark > .article-list--even-row { background: $surface-darken-1 40%; }
        & > .article-list--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """
    BINDINGS = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "move_to(0)", "First", show=False),
        Binding("end", "move_to(-1)", "Last", show=False),
        Binding("enter", "select", "Open", show=False),
    ]

    class Selected(Message):
        """The analyst chose a row (enter, or a click on the highlighted row)."""

        def __init__(self, row_id: str) -> None:
            super().__init__()
            self.row_id = row_id

    def __init__(self, columns: Sequence[Column], cells: Callable[[str], Sequence[Cell]], *,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns = list(columns)
        self.widths = [c.width for c in self.columns]
        self._cells = cells  # a row id -> its cells; asked only for rows on screen
        self.ids: list[str] = []
        self.cursor = 0
        self._lines: dict[str, tuple[tuple, Strip, Style]] = {}  # id -> (what was drawn, line, its style)
        self._styles: dict[str, Style] = {}

    @property
    def row_count(self) -> int:
        return len(self.ids)

    @property
    def highlighted(self) -> str | None:
        return self.ids[self.cursor] if self.ids else None

    @property
    def line_width(self) -> int:
        return sum(w + 2 for w in self.widths)

    # -- content --------------------------------------------------------------------------

    def set_rows(self, ids: Sequence[str], *, keep: str | None = None) -> None:
        """Show these rows, in this order, highlighting ``keep`` if it is among them."""
        self.ids = list(ids)
        self.cursor = self.ids.index(keep) if keep in self.ids else 0
        self._relayout()
        self.call_after_refresh(self._show_cursor)

    def on_resize(self) -> None:
        """The first column (the title) takes the width the others leave, at least MIN_FIRST cells."""
        others = sum(w + 2 for w in self.widths[1:])
        room = self.size.width - self.styles.scrollbar_size_vertical - others - 2  # a scrollbar or not
        self.widths[0] = max(MIN_FIRST, room)
        self._relayout()

    def _relayout(self) -> None:
        self.virtual_size = Size(self.line_width, len(self.ids) + 1)
        self._lines.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._lines.clear()

    # -- drawing --------------------------------------------------------------------------

    def _style(self, name: str) -> Style:
        st = self._styles.get(name)
        if st is None:
            if name.startswith("article-list--"):
                st = self.get_component_rich_style(name, partial=True)
            else:
                st = Style.parse(name) if name else Style.null()
            self._styles[name] = st
        return st

    def _line(self, cells: Sequence[Cell], base: Style) -> Strip:
        segments = []
        for width, (text, style) in zip(self.widths, cells):
            segments.append(Segment(" " + fit(text, width) + " ", base + self._style(style)))
        return Strip(segments)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        scroll_x = int(self.scroll_offset.x)
        if y == 0:
            header = self._line([(c.title, "") for c in self.columns], self._style("article-list--header"))
            return header.extend_cell_length(scroll_x + width, self._style("article-list--header")) \
                .crop(scroll_x, scroll_x + width)
        n = y - 1 + int(self.scroll_offset.y)
        if n >= len(self.ids):
            return Strip.blank(width, self.rich_style)
        row_id = self.ids[n]
        # The cells are asked for each time (a dict lookup): a row whose article changed
        # is drawn again by refreshing the list, with no bookkeeping of what is stale.
        drawn = (tuple(self._cells(row_id)), n % 2 == 0, n == self.cursor)
        cached = self._lines.get(row_id)
        if cached is None or cached[0] != drawn:
            cells, even, highlighted = drawn
            base = self.rich_style
            if even:
                base += self._style("article-list--even-row")
            if highlighted:
                base += self._style("article-list--cursor")
            cached = (drawn, self._line(cells, base), base)
            self._lines[row_id] = cached
        _, line, base = cached
        return line.extend_cell_length(scroll_x + width, base).crop(scroll_x, scroll_x + width)

    # -- the cursor -----------------------------------------------------------------------

    def move_cursor(self, row: int) -> None:
        if not self.ids:
            return
        row = max(0, min(row, len(self.ids) - 1))
        old, self.cursor = self.cursor, row
        for n in {old, row}:
            self.refresh_line(n + 1)
        self._show_cursor()

    def _show_cursor(self) -> None:
        """Scroll so the highlighted row is on screen, below the header."""
        rows_shown = max(self.scrollable_content_region.height - 1, 1)
        top = int(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + rows_shown:
            self.scroll_to(y=self.cursor - rows_shown + 1, animate=False, immediate=True)

    def action_move(self, step: int) -> None:
        self.move_cursor(self.cursor + step)

    def action_page(self, direction: int) -> None:
        self.move_cursor(self.cursor + direction * max(self.scrollable_content_region.height - 2, 1))

    def action_move_to(self, row: int) -> None:
        self.move_cursor(row if row >= 0 else len(self.ids) - 1)

    def action_select(self) -> None:
        if self.highlighted is not None:
            self.post_message(self.Selected(self.highlighted))

    def on_click(self, event: events.Click) -> None:
        n = event.y - 1 + int(self.scroll_offset.y)
        if event.y >= 1 and 0 <= n < len(self.ids):
            if n == self.cursor:  # a click on the highlighted row opens it, elsewhere highlights
                self.post_message(self.Selected(self.ids[n]))
            else:
                self.move_cursor(n)
