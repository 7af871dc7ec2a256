"""Adjudication: the reader over a gold workspace (``readtui adjudicate``), settling the
analysts' disagreements one key each.

The side panel shows every analyst's version of the disagreement under the caret; ``1``–``9``
take analyst N's version, ``b`` keeps every version where it overlaps no other, ``0``
rejects them all; each is one save through the service (durable, undone by ``u``) and
moves on to the next open disagreement. Outside a disagreement (a selection, an agreed
annotation) ``1``–``9`` set labels as in the reader. ``n``/``p`` step between disagreements, across
articles; every other reader key edits as usual. The header counts the disagreements left.
"""

from __future__ import annotations

from textual.binding import Binding

from ...change import Change
from ...team.adjudication import Disagreement, settled
from ..widgets.versions import VersionsPanel
from .reader import ReaderScreen


def _take_bindings() -> list[Binding]:
    return [Binding(str(n), f"take({n})", "Take", show=n == 1, key_display="1-9" if n == 1 else None,
                    id=f"adjudication.take.{n}",
                    tooltip="take analyst N's version of the disagreement (elsewhere: label N, as usual)")
            for n in range(1, 10)]


class AdjudicationScreen(ReaderScreen):
    BINDINGS = [
        Binding("n", "disagreement(1)", "Next", id="adjudication.next",
                tooltip="next disagreement still open (across articles)"),
        Binding("p", "disagreement(-1)", "Prev", id="adjudication.previous",
                tooltip="previous disagreement still open (across articles)"),
        *_take_bindings(),
        Binding("b", "keep_both", "Both", id="adjudication.keep_both",
                tooltip="keep every version's annotations that overlap no other version's"),
        Binding("0", "reject_all", "None", id="adjudication.reject_all",
                tooltip="reject every version of the disagreement"),
    ]

    PANEL = VersionsPanel

    def __init__(self, article_id: str, disagreement: int | None = None,
                 at: tuple[int, int, str] | None = None):
        super().__init__(article_id, at=at)
        self._going_to = disagreement

    # -- which disagreement -----------------------------------------------------------------

    def current_disagreement(self) -> tuple[int, Disagreement] | None:
        """The disagreement the current annotation is a candidate of."""
        cur = self.view.current
        if cur is None:
            return None
        for i, d in enumerate(self.session.disagreements(self.article_id)):
            if any(a.id == cur for version in d.versions.values() for a in version):
                return i, d
        return None

    def open(self, article_id: str, disagreement: int | None = None) -> None:
        super().open(article_id)
        if disagreement is None:
            disagreement, self._going_to = self._going_to, None
        found = self.session.disagreements(article_id)
        if disagreement is None:  # the first still open
            disagreement = next((i for i, d in enumerate(found) if not settled(d)), None)
        if disagreement is not None and disagreement < len(found):
            self._show_disagreement(found[disagreement])
        self._count_left()

    def _show_disagreement(self, d: Disagreement) -> None:
        first = min((a for version in d.versions.values() for a in version if self.view.visible(a)),
                    key=lambda a: (a.start, a.end), default=None)
        if first is not None:
            self.view.set_current(first.id)
        self._show_side()
        self.refresh_bindings()

    def _count_left(self) -> None:
        left = self.session.disagreements_left()
        self.sub_title = f"{left} disagreement{'s' * (left != 1)} left" if left else "every disagreement settled"

    def _show_side(self) -> None:
        super()._show_side()
        if self.view.selection() is None:
            here = self.current_disagreement()
            if here is not None:
                self.query_one(VersionsPanel).show_versions(here[1], self.session.analysts(), self.view.text)

    def take(self, change: Change, *, jump: bool = False) -> None:
        super().take(change, jump=jump)
        self._count_left()

    # -- which keys make sense ---------------------------------------------------------------

    def refresh_bindings(self) -> None:
        here = self.current_disagreement() if self.is_mounted else None
        if here != getattr(self, "_disagreement_shown", None):  # the keys below depend on it
            self._disagreement_shown = here
            self._bindings_state = None
        super().refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "take" and (self.view.selecting or self.current_disagreement() is None):
            return super().check_action("label", parameters)  # outside a disagreement: a label, as usual
        if action in ("take", "keep_both", "reject_all"):
            return True if self.current_disagreement() is not None and not self.view.selecting else None
        return super().check_action(action, parameters)

    # -- navigation and settling --------------------------------------------------------------

    def action_disagreement(self, step: int) -> None:
        here = self.current_disagreement()
        start = here[0] if here is not None else (-1 if step > 0 else len(self.session.disagreements(self.article_id)))
        self._go_on(self.session.next_disagreement(self.article_id, start, step))

    def _go_on(self, found: tuple[str, int] | None) -> None:
        if found is None:
            self.notify("No disagreement left to settle.")
            return
        aid, i = found
        if aid == self.article_id:
            self._show_disagreement(self.session.disagreements(aid)[i])
        else:
            self._going_to = i
            if not self.app.open_article(aid):
                self._going_to = None

    def _settle(self, how: str) -> None:
        here = self.current_disagreement()
        if here is None:
            return
        i, _ = here
        change = self._do(self.session.settle, self.article_id, i, how)
        if change is None:
            return
        if change.state_after == "done" and change.state_before != "done":
            self.notify("Every disagreement here settled: article marked done (u undoes it).", timeout=3)
        self._go_on(self.session.next_disagreement(self.article_id, i, 1))

    def action_take(self, n: int) -> None:
        here = self.current_disagreement()
        if self.view.selecting or here is None:
            self.action_label(n)
            return
        analysts = self.session.analysts()
        if n > len(analysts):
            self.notify(f"There is no analyst {n}; the gold has {len(analysts)}.", severity="warning")
            return
        if analysts[n - 1] not in here[1].versions:
            self.notify(f"Analyst {n} ({analysts[n - 1]}) did not annotate this article.", severity="warning")
            return
        self._settle(analysts[n - 1])

    def action_keep_both(self) -> None:
        self._settle("both")

    def action_reject_all(self) -> None:
        self._settle("none")
