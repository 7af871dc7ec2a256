"""The reader's side panel: the current annotation, the label legend, the counts."""

from __future__ import annotations

from typing import Sequence

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from ...change import ArticleSummary
from ...model import Annotation
from ...spans import one_line, sanitize
from .article_view import ENT_CLASSES, ent_class


def _clip(text: str, n: int) -> str:
    text = " ".join(sanitize(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


class AnnotationPanel(Static):
    """What the current annotation is: text, label, origin, status, speaker."""

    COMPONENT_CLASSES = ENT_CLASSES  # coloured by entities.tcss

    DEFAULT_CSS = """
    AnnotationPanel { height: 13; padding: 0 1; margin-bottom: 1; overflow: hidden; }
    """
    _shown: tuple | None = None  # what the panel shows now

    def _origin(self, ann: Annotation) -> str:
        """Where the annotation came from; a learned one says how many decisions taught it."""
        session = getattr(self.app, "session", None)
        if ann.origin != "learned" or session is None:
            return ann.origin
        n = session.learned_from(ann.text)
        return f"learned from {n} decision{'s' * (n != 1)}" if n else "learned"

    def show(self, ann: Annotation | None, *, selection: str | None = None) -> None:
        t = Text()
        if selection is not None:
            t.append("Selecting\n", style="bold")
            t.append(_clip(selection, 160) or "…", style="italic")
            t.append("\n1–9 entity · \" quote · esc cancel", style="dim")
            self._put(t)
            return
        if ann is None:
            t.append("No annotation selected\n", style="bold")
            t.append("n / p to step through them", style="dim")
            self._put(t)
            return
        if ann.kind == "quote":
            t.append(" QUOTE ", style="bold reverse")
        else:
            t.append(f" {one_line(ann.label)} ",
                     style=self.get_component_rich_style(ent_class(ann.label)) + Style(bold=True))
        status_style = {"pending": "yellow", "accepted": "green", "rejected": "red"}[ann.status]
        t.append(f"  {ann.status}", style=f"bold {status_style}")
        t.append(f"  {self._origin(ann)}\n", style="dim")
        t.append(_clip(ann.text, 200) + "\n", style="italic" if ann.kind == "quote" else "")
        if ann.kind == "quote":
            sp = ann.speaker
            if sp is None or not (sp.text or sp.name):
                t.append("speaker: ", style="dim")
                t.append("none (s to set)\n")
            else:
                t.append("speaker: ", style="dim")
                t.append(_clip(sp.text or sp.name, 60) + "\n", style="bold")
                if sp.name and sp.name != sp.text:
                    t.append("name: ", style="dim")
                    t.append(_clip(sp.name, 60) + "\n")
        if ann.original:
            was = ann.original
            t.append(f"was {one_line(str(was.get('label')))} {was.get('start')}–{was.get('end')}\n", style="dim")
        t.rstrip()
        self._put(t)

    def _put(self, t: Text) -> None:
        shown = (t.plain, t.spans)
        if shown != self._shown:  # moving the caret changes nothing here
            self._shown = shown
            self.update(t, layout=False)  # a fixed height: no layout pass per keystroke


class Legend(Static):
    """The labels with their number keys, and this article's progress."""

    COMPONENT_CLASSES = ENT_CLASSES

    DEFAULT_CSS = """
    Legend { height: auto; padding: 0 1; }
    """

    def show(self, labels: Sequence[str], summary: ArticleSummary) -> None:
        """The legend, with ``summary``'s counts by label and status."""
        t = Text()
        by_status = summary.by_status()
        live = summary.live

        for i, label in enumerate(labels):
            key = str(i + 1) if i < 9 else " "
            t.append(f"{key} ", style="bold")
            t.append(f" {label:<8}", style=self.get_component_rich_style(ent_class(label)))
            t.append(f" {live(label):>4}\n", style="dim")
        if len(labels) > 9:
            t.append("l  more labels\n", style="dim")
        t.append('"  QUOTE     ', style="bold")
        t.append(f"{live('QUOTE'):>4}\n", style="dim")
        total, reviewed = summary.annotations, summary.reviewed
        t.append(f"\n{reviewed}/{total} reviewed\n", style="bold")
        t.append(f"{by_status['accepted']} accepted · {by_status['rejected']} rejected · "
                 f"{by_status['pending']} pending", style="dim")
        if summary.note:
            t.append("\nnote: ", style="bold")
            t.append(_clip(summary.note, 240))
        lines = len(t.plain.splitlines())
        self.update(t, layout=lines != getattr(self, "_lines", None))
        self._lines = lines
