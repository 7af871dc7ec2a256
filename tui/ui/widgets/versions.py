"""The adjudication screen's side panel: every analyst's version of one disagreement."""

from __future__ import annotations

from typing import Sequence

from rich.style import Style
from rich.text import Text

from ...model import Annotation
from ...spans import one_line
from ...team.adjudication import Disagreement, settled
from .article_view import ent_class
from .panel import AnnotationPanel, _clip


class VersionsPanel(AnnotationPanel):
    """Who said what: for each analyst (numbered as the keys take them) their annotations
    in the disagreement, label, text and, for quotes, speaker; then the keys."""

    def show_versions(self, d: Disagreement, analysts: Sequence[str], text: str) -> None:
        t = Text()
        t.append(f"Disagreement · {'quote' if d.kind == 'quote' else 'entity'}", style="bold")
        t.append("  settled\n" if settled(d) else "\n", style="bold green")
        width = max((len(_clip(name, 12)) for name in d.versions), default=0)
        for n, name in enumerate(analysts, 1):
            if name not in d.versions:
                continue
            t.append(f"{n} ", style="bold reverse")
            t.append(f" {_clip(name, 12):<{width}}", style="bold")
            version = d.versions[name]
            if not version:
                t.append("  nothing\n", style="dim")
            for k, a in enumerate(version):
                t.append("\n  " if k else "  ")
                self._one(t, a)
                t.append("\n")
        t.append(f"{'1' if len(analysts) < 2 else f'1-{min(len(analysts), 9)}'} take · b both · 0 none", style="dim")
        self._put(t)

    def _one(self, t: Text, a: Annotation) -> None:
        if a.kind == "quote":
            t.append(_clip(a.text, 24), style="italic")
            sp = a.speaker
            who = (sp.text or sp.name) if sp is not None else ""
            t.append(" ← ", style="dim")
            t.append(_clip(who, 16) if who else "no speaker", style="bold" if who else "dim")
        else:
            t.append(f" {one_line(a.label)} ", style=self.get_component_rich_style(ent_class(a.label)) + Style(bold=True))
            t.append(f" {_clip(a.text, 20)}")
        if a.status != "pending":
            t.append(f" {a.status}", style="green" if a.status == "accepted" else "red")
