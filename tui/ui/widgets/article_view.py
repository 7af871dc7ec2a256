"""The article text with its annotations, drawn line by line (Line API).

The text is cut into blocks (lines of the article; long ones at sentence ends).
Each block keeps its own layout (where the label tags go, where lines wrap) and
its own rendered strips; a keystroke invalidates only the blocks it touched, and
``render_line`` draws only the visible lines from those caches. Article text is
never parsed as markup: it is sanitized (same length) and styled with spans.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from itertools import accumulate
from typing import Iterable

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...model import Annotation
from ..messages import TextClicked, TextDragged
from ...spans import blocks as cut_blocks
from ...spans import one_line, sanitize, words

# Labels with a colour of their own in the theme (entities.tcss: displaCy's colours, so
# analysts who know displaCy read the labels at a glance); any other label is ent--other.
COLOURED_LABELS = frozenset({
    "PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "LAW", "DATE", "TIME", "MONEY", "PRODUCT",
    "WORK_OF_ART", "LANGUAGE", "QUANTITY", "PERCENT", "ORDINAL", "CARDINAL",
})
ENT_CLASSES = frozenset({*(f"ent--{label.lower()}" for label in COLOURED_LABELS), "ent--other"})
TAG_SEP = "\u00a0"  # a label tag sticks to its entity when lines wrap
SPEAKER_MARK = TAG_SEP + "◀\u00a0speaker"


def ent_class(label: str) -> str:
    return f"ent--{label.lower()}" if label in COLOURED_LABELS else "ent--other"


class _Layout:
    """Where one block's label tags go and where its lines wrap."""

    __slots__ = ("display", "ins_pos", "ins_len", "ins_cum", "ins_what", "lines")

    @staticmethod
    def build(block_text: str, start: int, inserts: list[tuple[int, str, str]], width: int) -> "_Layout":
        lay = _Layout.__new__(_Layout)
        inserts.sort(key=lambda i: i[0])
        lay.ins_pos = [i[0] for i in inserts]
        lay.ins_len = [len(i[1]) for i in inserts]
        lay.ins_what = [i[2] for i in inserts]
        lay.ins_cum = [0, *accumulate(lay.ins_len)]
        parts, last = [], 0
        for pos, s, _ in inserts:
            parts.append(block_text[last:pos - start])
            parts.append(s)
            last = pos - start
        parts.append(block_text[last:])
        lay.display = "".join(parts)
        lay.lines = wrap(lay.display, width)
        return lay

    def d(self, start: int, pos: int) -> int:
        """Display index of text position ``pos`` (inserts at ``pos`` come before it)."""
        return pos - start + self.ins_cum[bisect_right(self.ins_pos, pos)]

    def d_end(self, start: int, pos: int) -> int:
        """Display index just after the text that ends at ``pos`` (before inserts there)."""
        return pos - start + self.ins_cum[bisect_left(self.ins_pos, pos)]

    def line_of(self, d: int) -> int:
        return max(0, bisect_right([ln[0] for ln in self.lines], d) - 1)


def cut_lines(segments: list[Segment], lines: list[tuple[int, int]], width: int) -> list[Strip]:
    """One strip per wrapped line, cut from a block rendered once: rendering each line
    as a slice of the block's Text costs a Text copy per line, the bulk of a key press."""
    strips = []
    k, pos = 0, 0  # segments[k] starts at display offset pos
    for ds, de in lines:
        while k < len(segments) and pos + len(segments[k].text) <= ds:
            pos += len(segments[k].text)
            k += 1
        parts = []
        j, p = k, pos
        while j < len(segments) and p < de:
            seg = segments[j]
            e = p + len(seg.text)
            a, b = max(ds, p), min(de, e)
            if b > a:
                parts.append(Segment(seg.text[a - p:b - p], seg.style))
            p, j = e, j + 1
        if not any(seg.style for seg in parts):  # an unstyled line, as Rich renders one
            parts = [Segment("".join(seg.text for seg in parts))]
        strips.append(Strip(parts).extend_cell_length(width).crop(0, width))
    return strips


def wrap(display: str, width: int) -> list[tuple[int, int]]:
    """Greedy word wrap: (start, end) display offsets per line, trailing spaces dropped."""
    width = max(1, width)
    n = len(display)
    if n == 0:
        return [(0, 0)]
    ascii_ = display.isascii()
    measure = len if ascii_ else cell_len
    if measure(display) <= width:
        return [(0, len(display.rstrip(" ")))]
    lines: list[tuple[int, int]] = []
    line_start = 0
    col = 0
    i = 0
    while i < n:
        j = display.find(" ", i)
        if j < 0:
            j = n
        word_w = measure(display[i:j])
        if col and col + word_w > width:
            lines.append((line_start, len(display[line_start:i].rstrip(" ")) + line_start))
            line_start, col = i, 0
        if word_w > width:  # a word longer than the line: cut it, but never inside a label tag
            tag = display.rfind(TAG_SEP, i, j)
            whole_tag = tag >= 0 and measure(display[tag + 1:j]) <= width
            k = i
            while k < j:
                stop = tag + 1 if whole_tag and k <= tag else j
                take, w = k, 0
                while take < stop and w + measure(display[take]) <= width - col:
                    w += measure(display[take])
                    take += 1
                if take == k:  # not even one cell left: new line
                    lines.append((line_start, k))
                    line_start, col = k, 0
                    continue
                col += w
                k = take
                if k < j:
                    lines.append((line_start, k))
                    line_start, col = k, 0
        else:
            col += word_w
        # the spaces after the word
        k = j
        while k < n and display[k] == " ":
            k += 1
        col += k - j
        i = k
    lines.append((line_start, len(display[line_start:].rstrip(" ")) + line_start))
    return lines


class ArticleView(ScrollView, can_focus=False):
    """The article's text with entities, quotes, the current annotation and the caret."""

    COMPONENT_CLASSES = {
        *ENT_CLASSES,
        "article--quote", "article--quote-pending", "article--current", "article--caret",
        "article--selection", "article--rejected", "article--speaker", "article--tag",
    }

    DEFAULT_CSS = """
    ArticleView {
        overflow-x: hidden;
        overflow-y: scroll;
        padding: 0 1;
        scrollbar-size-vertical: 1;
    }
    ArticleView > .article--quote { color: $success; text-style: italic; }
    ArticleView > .article--quote-pending { color: $success-darken-1; text-style: italic dim; }
    ArticleView > .article--current { text-style: reverse bold; }
    ArticleView > .article--caret { background: $accent; color: $text; text-style: bold; }
    ArticleView > .article--selection { background: $warning 70%; color: $text; }
    ArticleView > .article--rejected { color: $text-muted; text-style: strike dim; }
    ArticleView > .article--speaker { text-style: bold underline; color: $warning; }
    ArticleView > .article--tag { text-style: bold; }
"""

    def __init__(self, text: str, annotations: Iterable[Annotation] = (), *,
                 name: str | None = None, id: str | None = None, classes: str | None = None):
        super().__init__(name=name, id=id, classes=classes)
        self.show_rejected = False
        self.show_tags = True  # the label after each entity (settings: look.label_tags)
        self.current: str | None = None
        self.anchor: int | None = None  # word index where a selection started
        self.caret = 0  # word index
        self.load(text, annotations)

    # -- content ------------------------------------------------------------------------

    def load(self, text: str, annotations: Iterable[Annotation]) -> None:
        self.text = sanitize(text)
        self.words = words(self.text) or [(0, 0)]
        self._word_starts = [w[0] for w in self.words]
        self.blocks = cut_blocks(self.text)
        self._block_starts = [b[0] for b in self.blocks]
        self.anns: dict[str, Annotation] = {}
        self._order: list[tuple] = []  # sort keys in text order
        self._in_block: list[set[str]] = [set() for _ in self.blocks]
        for a in annotations:
            self._add(a)
        self.current = None
        self.anchor = None
        self.caret = 0
        self._layouts: list[_Layout | None] = [None] * len(self.blocks)
        self._strips: list[list[Strip] | None] = [None] * len(self.blocks)
        self._tops: list[int] = []
        self._width = 0
        self._styles: dict = {}
        if self.is_mounted:
            self._relayout_all()
            self.scroll_to(y=0, animate=False, immediate=True)

    @staticmethod
    def _key(a: Annotation) -> tuple:
        return (a.start, -a.end, a.kind, a.id)

    def _block_range(self, start: int, end: int) -> range:
        first = max(0, bisect_right(self._block_starts, start) - 1)
        last = max(first, bisect_left(self._block_starts, max(start + 1, end)) - 1)
        return range(first, last + 1)

    def _add(self, a: Annotation) -> None:
        self.anns[a.id] = a
        insort(self._order, self._key(a))
        for b in self._block_range(a.start, a.end):
            self._in_block[b].add(a.id)

    def _remove(self, ann_id: str) -> Annotation | None:
        a = self.anns.pop(ann_id, None)
        if a is not None:
            i = bisect_left(self._order, self._key(a))
            if i < len(self._order) and self._order[i][3] == ann_id:
                del self._order[i]
            for b in self._block_range(a.start, a.end):
                self._in_block[b].discard(ann_id)
        return a

    def update_annotations(self, changed: Iterable[Annotation], removed: Iterable[str] = ()) -> None:
        """Take in saved changes; only the blocks they touch are laid out and drawn again."""
        dirty: set[int] = set()
        for ann_id in removed:
            old = self._remove(ann_id)
            if old is not None:
                dirty.update(self._span_blocks(old))
        for a in changed:
            old = self._remove(a.id)
            if old is not None:
                dirty.update(self._span_blocks(old))
            self._add(a)
            dirty.update(self._span_blocks(a))
        self._invalidate(dirty, layout=True)

    def _span_blocks(self, a: Annotation) -> set[int]:
        out = set(self._block_range(a.start, a.end))
        if a.kind == "quote" and a.speaker is not None and a.speaker.has_mention:
            out.update(self._block_range(a.speaker.start, a.speaker.end))  # type: ignore[arg-type]
        return out

    # -- what is shown -----------------------------------------------------------------

    def visible(self, a: Annotation) -> bool:
        return a.status != "rejected" or self.show_rejected or a.id == self.current

    def ordered(self) -> list[Annotation]:
        return [self.anns[k[3]] for k in self._order]

    def current_annotation(self) -> Annotation | None:
        return self.anns.get(self.current) if self.current else None

    def set_current(self, ann_id: str | None, *, move_caret: bool = True) -> None:
        old = self.current_annotation()
        self.current = ann_id
        new = self.current_annotation()
        dirty: set[int] = set()
        for a in (old, new):
            if a is not None:
                dirty.update(self._span_blocks(a))
        self._invalidate(dirty, layout=True)
        if new is not None:
            if move_caret:
                self._set_caret(bisect_left(self._word_starts, new.start), follow=False)
            self.scroll_to_span(new.start, new.end)

    def set_show_rejected(self, show: bool) -> None:
        self.show_rejected = show
        dirty = {b for a in self.anns.values() if a.status == "rejected" for b in self._span_blocks(a)}
        self._invalidate(dirty, layout=True)

    def step(self, direction: int, *, pending_only: bool = False) -> Annotation | None:
        """The next (1) or previous (-1) visible annotation in text order, wrapping around."""
        order = self._order
        if not order:
            return None
        cur = self.current_annotation()
        if cur is not None:
            i = bisect_left(order, self._key(cur))
        else:
            caret_pos = self.words[self.caret][0]
            i = bisect_left(order, (caret_pos,)) - (1 if direction > 0 else 0)
        n = len(order)
        for k in range(1, n + 1):
            a = self.anns[order[(i + direction * k) % n][3]]
            if pending_only and a.status != "pending":
                continue
            if self.visible(a) and a.id != self.current:
                return a
        return None

    # -- caret and selection -------------------------------------------------------------

    @property
    def selecting(self) -> bool:
        return self.anchor is not None

    def selection(self) -> tuple[int, int] | None:
        if self.anchor is None:
            return None
        lo, hi = sorted((self.anchor, self.caret))
        return self.words[lo][0], self.words[hi][1]

    def start_selection(self) -> None:
        self.anchor = self.caret
        self._invalidate(self._block_range(*self.words[self.caret]), layout=False)

    def cancel_selection(self) -> None:
        sel = self.selection()
        self.anchor = None
        if sel:
            self._invalidate(self._block_range(*sel), layout=False)

    def at_caret(self) -> Annotation | None:
        """The innermost visible annotation under the caret (an entity before a quote)."""
        pos = self.words[self.caret][0]
        best = None
        for ann_id in self._in_block[self._block_of(pos)]:
            a = self.anns[ann_id]
            if a.start <= pos < a.end and self.visible(a):
                if best is None or (a.end - a.start) < (best.end - best.start):
                    best = a
        return best

    def _set_caret(self, index: int, *, follow: bool = True) -> None:
        index = max(0, min(len(self.words) - 1, index))
        old = self.caret
        self.caret = index
        lo, hi = sorted((old, index))
        if self.anchor is not None:
            lo, hi = min(lo, self.anchor), max(hi, self.anchor)
            self._invalidate(self._block_range(self.words[lo][0], self.words[hi][1]), layout=False)
        else:
            self._invalidate(set(self._block_range(*self.words[old])) | set(self._block_range(*self.words[index])),
                             layout=False)
        if follow:
            self.scroll_to_span(*self.words[index])

    def move_caret_words(self, step: int) -> None:
        self._set_caret(self.caret + step)

    def move_caret_lines(self, step: int) -> None:
        """Move the caret to the word nearest its column on the line above (-1) or below (1)."""
        self._ensure_layout()
        pos = self.words[self.caret][0]
        y, x = self.position(pos)
        total = self._tops[-1] if self._tops else 0
        target = max(0, min(total - 1, y + step))  # a page past the end: the last line
        direction = 1 if step > 0 else -1
        while 0 <= target < total and target != y:
            found = self._words_on_line(target)
            if found:
                best = min(found, key=lambda wx: abs(wx[1] - x))
                self._set_caret(best[0])
                return
            target += direction

    def move_caret_line_end(self, end: int) -> None:
        """The caret to the first (-1) or last (1) word of its wrapped line."""
        self._ensure_layout()
        found = self._words_on_line(self.position(self.words[self.caret][0])[0])
        if found:
            self._set_caret(found[0][0] if end < 0 else found[-1][0])

    def move_caret_to(self, index: int) -> None:
        """The caret to word ``index`` (negative: from the end)."""
        self._set_caret(index % len(self.words))

    def move_caret_to_pos(self, pos: int) -> None:
        """The caret to the word at (or after) text position ``pos``."""
        i = bisect_right(self._word_starts, pos) - 1
        if i < 0 or self.words[i][1] <= pos:
            i += 1
        self._set_caret(min(i, len(self.words) - 1))

    def find(self, needle: str, *, after: bool = True) -> int | None:
        """The text position of the next match of ``needle`` after the caret, wrapping
        round (case-insensitive); None if the article has none."""
        if not needle:
            return None
        pattern = re.compile(re.escape(needle), re.IGNORECASE)  # offsets stay the text's own
        found = pattern.search(self.text, self.words[self.caret][0] + (1 if after else 0)) \
            or pattern.search(self.text)
        return found.start() if found else None

    def _words_on_line(self, y: int) -> list[tuple[int, int]]:
        bi = bisect_right(self._tops, y) - 1
        bs, be = self.blocks[bi]
        lay = self._layout(bi)
        ds, de = lay.lines[y - self._tops[bi]]
        out = []
        i = bisect_left(self._word_starts, bs)
        while i < len(self.words) and self.words[i][0] < be:
            d = lay.d(bs, self.words[i][0])
            if ds <= d < max(de, ds + 1):
                out.append((i, cell_len(lay.display[ds:d])))
            elif d >= de:
                break
            i += 1
        return out

    # -- the mouse ------------------------------------------------------------------------

    _drag_from: int | None = None
    _dragged = False

    def word_at(self, x: int, y: int) -> int | None:
        """The word painted at widget cell (x, y), else the nearest one before it on that line."""
        self._ensure_layout()
        line = y + int(self.scroll_offset.y)
        if not self._tops or not 0 <= line < self._tops[-1]:
            return None
        found = self._words_on_line(line)
        if not found:
            return None
        col = x - self.styles.padding.left
        before = [i for i, c in found if c <= col]
        return before[-1] if before else found[0][0]

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if event.button != 1:
            return
        self._drag_from = self.word_at(event.x, event.y)
        self._dragged = False
        if self._drag_from is not None:
            self.capture_mouse()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._drag_from is None or not event.button:
            return
        word = self.word_at(event.x, event.y)
        if word is None or (word == self._drag_from and not self._dragged):
            return
        if not self._dragged:
            self._dragged = True
            self.cancel_selection()
            self._set_caret(self._drag_from, follow=False)
            self.start_selection()
        self._set_caret(word)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._drag_from is None:
            return
        self.release_mouse()
        word, self._drag_from = self._drag_from, None
        self.post_message(TextDragged() if self._dragged else TextClicked(word))

    # -- geometry -------------------------------------------------------------------------

    def _block_of(self, pos: int) -> int:
        return max(0, bisect_right(self._block_starts, pos) - 1)

    def position(self, pos: int) -> tuple[int, int]:
        """(line, column) of text position ``pos`` in the wrapped view."""
        self._ensure_layout()
        bi = self._block_of(pos)
        bs = self.blocks[bi][0]
        lay = self._layout(bi)
        d = lay.d(bs, min(pos, self.blocks[bi][1]))
        li = lay.line_of(d)
        return self._tops[bi] + li, cell_len(lay.display[lay.lines[li][0]:d])

    CONTEXT = 2  # lines kept visible above and below what the analyst is on

    def scroll_to_span(self, start: int, end: int) -> None:
        if not self.is_mounted or not self.size.height:
            return
        y0, _ = self.position(start)
        y1, _ = self.position(max(start, end - 1))
        room = max(0, (self.size.height - (y1 - y0 + 1)) // 2)
        context = min(self.CONTEXT, room)
        top = max(0, y0 - context)
        height = min(y1 + 1 + context - top, max(1, self.size.height))
        self.scroll_to_region(Region(0, top, 1, height), animate=False, immediate=True, spacing=None)

    # -- layout and drawing ----------------------------------------------------------------

    @property
    def _text_width(self) -> int:
        return max(10, self.scrollable_content_region.width)

    def on_mount(self) -> None:
        self._relayout_all()

    def on_resize(self) -> None:
        if self._text_width != self._width:
            self._relayout_all()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = {}
        self._strips = [None] * len(self.blocks)

    def _ensure_layout(self) -> None:
        if not self._tops or self._width != self._text_width:
            self._relayout_all()

    def _relayout_all(self) -> None:
        self._width = self._text_width
        self._layouts = [None] * len(self.blocks)
        self._strips = [None] * len(self.blocks)
        self._recount()

    def _recount(self) -> None:
        heights = [len(self._layout(i).lines) for i in range(len(self.blocks))]
        self._tops = [0, *accumulate(heights)]
        self.virtual_size = Size(self._width, self._tops[-1])
        self.refresh()

    def _invalidate(self, dirty: Iterable[int], *, layout: bool) -> None:
        relayout = False
        dirty = list(dirty)
        before = {}
        for b in dirty:
            if layout and self._layouts[b] is not None and self._width:
                old = len(self._layouts[b].lines)  # type: ignore[union-attr]
                self._layouts[b] = None
                relayout |= len(self._layout(b).lines) != old
            before[b] = self._strips[b]
            self._strips[b] = None
        if not self.is_mounted:
            return
        if relayout or not self._tops:
            self._recount()
            return
        # Repaint only the lines that changed: a paragraph is many lines, a key changes one or two.
        top, bottom = self.scroll_offset.y, self.scroll_offset.y + self.size.height
        for b in dirty:
            first, last = self._tops[b], self._tops[b + 1]
            old = before[b]
            if old is None or last <= top or first >= bottom:  # never drawn, or off screen
                self.refresh_lines(first, last - first)
                continue
            for i, (was, now) in enumerate(zip(old, self._strips_for(b))):
                if was != now:
                    self.refresh_line(first + i)

    def _inserts(self, bi: int) -> list[tuple[int, str, str]]:
        bs, be = self.blocks[bi]
        out = []
        for ann_id in sorted(self._in_block[bi]):  # tags ending at one place (a gold's versions) in one order
            a = self.anns[ann_id]
            if self.show_tags and a.kind == "entity" and bs < a.end <= be and self.visible(a):
                out.append((a.end, TAG_SEP + one_line(a.label), a.id))
        cur = self.current_annotation()
        if cur is not None and cur.kind == "quote" and cur.speaker is not None and cur.speaker.has_mention:
            if bs < cur.speaker.end <= be:  # type: ignore[operator]
                out.append((cur.speaker.end, SPEAKER_MARK, "speaker"))
        return out

    def _layout(self, bi: int) -> _Layout:
        lay = self._layouts[bi]
        if lay is None:
            bs, be = self.blocks[bi]
            lay = _Layout.build(self.text[bs:be], bs, self._inserts(bi), self._width or self._text_width)
            self._layouts[bi] = lay
        return lay

    def _style(self, name: str) -> Style:
        st = self._styles.get(name)
        if st is None:
            st = self.get_component_rich_style(name, partial=True)
            self._styles[name] = st
        return st

    def _label_styles(self, label: str, status: str) -> tuple[Style, Style]:
        """(text style, tag style) for an entity of ``label`` in ``status``."""
        key = ("label", label, status)
        hit = self._styles.get(key)
        if hit is None:
            solid = self._style(ent_class(label))
            if status == "accepted":
                hit = (solid, solid + Style(bold=True, dim=True))
            elif status == "pending":
                colour = Style(color=solid.bgcolor)
                hit = (colour + Style(underline=True), colour + Style(bold=True, dim=True))
            else:
                rej = self._style("article--rejected")
                hit = (rej, rej)
            self._styles[key] = hit
        return hit

    def _strips_for(self, bi: int) -> list[Strip]:
        strips = self._strips[bi]
        if strips is not None:
            return strips
        bs, be = self.blocks[bi]
        lay = self._layout(bi)
        text = Text(lay.display, end="", no_wrap=True)
        cur = self.current_annotation()
        quotes, ents = [], []
        for ann_id in sorted(self._in_block[bi]):  # tags ending at one place (a gold's versions) in one order
            a = self.anns[ann_id]
            if self.visible(a):
                (quotes if a.kind == "quote" else ents).append(a)
        for a in quotes:
            s, e = lay.d(bs, max(a.start, bs)), lay.d_end(bs, min(a.end, be))
            style = ("article--rejected" if a.status == "rejected" else
                     "article--quote-pending" if a.status == "pending" else "article--quote")
            text.stylize(self._style(style), s, e)
        for a in ents:
            s, e = lay.d(bs, max(a.start, bs)), lay.d_end(bs, min(a.end, be))
            body, tag = self._label_styles(a.label, a.status)
            text.stylize(body, s, e)
            if a.end <= be:
                k = lay.ins_what.index(a.id) if a.id in lay.ins_what else -1
                if k >= 0:
                    ts = lay.ins_pos[k] - bs + lay.ins_cum[k]
                    text.stylize(tag, ts, ts + lay.ins_len[k])
        if cur is not None and bi in self._span_blocks(cur):
            if cur.start < be and cur.end > bs:
                s = lay.d(bs, max(cur.start, bs))
                e = lay.d_end(bs, min(cur.end, be))
                if cur.kind == "entity" and cur.end <= be and cur.id in lay.ins_what:
                    k = lay.ins_what.index(cur.id)
                    e = lay.ins_pos[k] - bs + lay.ins_cum[k] + lay.ins_len[k]
                text.stylize(self._style("article--current"), s, e)
            sp = cur.speaker if cur.kind == "quote" else None
            if sp is not None and sp.has_mention and sp.start < be and sp.end > bs:  # type: ignore[operator]
                s, e = lay.d(bs, max(sp.start, bs)), lay.d_end(bs, min(sp.end, be))  # type: ignore[type-var]
                text.stylize(self._style("article--speaker"), s, e)
                if "speaker" in lay.ins_what:
                    k = lay.ins_what.index("speaker")
                    ts = lay.ins_pos[k] - bs + lay.ins_cum[k]
                    text.stylize(self._style("article--speaker"), ts, ts + lay.ins_len[k])
        sel = self.selection()
        if sel is not None and sel[0] < be and sel[1] > bs:
            text.stylize(self._style("article--selection"),
                         lay.d(bs, max(sel[0], bs)), lay.d_end(bs, min(sel[1], be)))
        cs, ce = self.words[self.caret]
        if cs < be and ce > bs and ce > cs:  # always shown, inside the reversed current one too
            text.stylize(self._style("article--caret") + Style(reverse=False), lay.d(bs, cs), lay.d_end(bs, ce))
        strips = cut_lines(list(text.render(self.app.console, end="")), lay.lines, self._width)
        self._strips[bi] = strips
        return strips

    def render_line(self, y: int) -> Strip:
        self._ensure_layout()
        y += int(self.scroll_offset.y)
        if y < 0 or y >= self._tops[-1]:
            return Strip.blank(self.size.width)
        bi = bisect_right(self._tops, y) - 1
        return self._strips_for(bi)[y - self._tops[bi]]
