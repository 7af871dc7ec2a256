"""The key bar at the bottom of a screen: the keys that make sense now, one line.

Textual's ``Footer`` rebuilds a widget per key whenever the screen's bindings change,
which in the reader (moving from an entity to a quote changes what ``s`` and ``1``–``9``
can do) cost more than a frame per key press. This bar draws the same information as
one line of text and only repaints.
"""

from __future__ import annotations

from rich.text import Text
from textual.screen import Screen
from textual.widget import Widget


# Keys a narrow terminal must still show: the others go first, from the right.
ESSENTIAL = frozenset({"reader.done", "reader.back", "app.help", "app.quit", "articles.open",
                       "articles.filter", "confirm.yes", "confirm.no", "done.accept", "done.reject",
                       "done.cancel", "adjudication.take.1", "adjudication.keep_both", "adjudication.reject_all"})


class KeyBar(Widget):
    COMPONENT_CLASSES = {"keybar--key", "keybar--description", "keybar--disabled"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
    }
    KeyBar > .keybar--key { color: $footer-key-foreground; background: $footer-key-background; text-style: bold; }
    KeyBar > .keybar--description { color: $footer-description-foreground; }
    KeyBar > .keybar--disabled { color: $text-disabled; }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    _shown: tuple | None = None

    def _bindings_changed(self, screen: Screen) -> None:
        # The reader refreshes its bindings on every key; most keys change nothing here.
        text = self.render()
        shown = (text.plain, text.spans)
        if shown != self._shown:
            self._shown = shown
            self.refresh()

    def render(self) -> Text:
        key_style = self.get_component_rich_style("keybar--key")
        desc_style = self.get_component_rich_style("keybar--description")
        off_style = self.get_component_rich_style("keybar--disabled")
        shown = []
        seen: set[str] = set()
        for key, (_node, binding, enabled, _tooltip) in self.screen.active_bindings.items():
            if not binding.show:
                # A focused widget's hidden binding (the table's enter) may stand in for
                # the screen's shown one for the same key: show the screen's.
                binding = self._shown_for(key) or binding
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            shown.append((f" {self.app.get_key_display(binding)} ", f"{binding.description} ", enabled,
                          binding.id in ESSENTIAL))
        width = self.size.width or 10_000
        while sum(len(k) + len(d) for k, d, _, _ in shown) > width:  # drop from the right, essentials last
            spare = [i for i, item in enumerate(shown) if not item[3]]
            if not spare:
                break
            del shown[spare[-1]]
        text = Text(no_wrap=True, overflow="ellipsis")
        for key, what, enabled, _ in shown:
            text.append(key, off_style if not enabled else key_style)
            text.append(what, off_style if not enabled else desc_style)
        return text

    def _shown_for(self, key: str):
        for _namespace, bindings in self.screen._modal_binding_chain:  # textual is pinned
            for k, binding in bindings:
                if k == key and binding.show:
                    return binding
        return None
