"""The one API the screens use on a workspace: what the analyst sees, and what the
analyst does to it. Actions go in, a ``Change`` comes out; undo and redo; suggestions
arriving from the model. The screens never touch the store; this module is where the
analyst's actions meet it, and it imports nothing of the UI.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, replace
from typing import Iterator, Sequence

from .change import ArticleSummary, Change
from .history import History
from .listing import haystack
from .model import QUOTE_LABEL, Annotation, AnnotationError, Article, Speaker, new_id, now_iso
from .stories.others import StoryVersions
from .nlp.labels import CONLL_MAP, parse_label_map
from .nlp.learn import Shelf, untaught
from .nlp.patterns import Pattern, Patterns, follow, pattern_problem
from .spans import overlapping, take_quote_marks
from .store import SaveFailed, Workspace, WorkspaceError, write_atomic
from .team.adjudication import ADJUDICATION, Disagreement, held, keep_apart, settled, take


SET_ASIDE = ("done", "skipped")  # what "the next article" passes over


class NotSaved(Exception):
    """The action did not reach the disk; nothing changed (the disk is full, read-only …)."""


class ArticleUnreadable(Exception):
    """The article's file is damaged or missing; the message names it. The others still open."""


@dataclass(frozen=True)
class Progress:
    """The workspace's progress, for the header."""

    articles: int
    done: int
    annotations: int
    reviewed: int


class Session:
    """One analyst working on one workspace: reading, reviewing, undoing."""

    def __init__(self, workspace: Workspace, annotator: str = ""):
        self.ws = workspace
        self.annotator = annotator
        self.history = History()
        self._patterns: Patterns | None = None
        # article id -> its title, source and text casefolded: the one copy of the texts kept,
        # searched by the list's filter and by a decision looking for where else it applies
        self._haystacks: dict[str, str] = {}
        self._tokenizer = None
        self._effort: dict[str, list[float]] = {}  # article id -> [when first read, actions]
        # article id -> its row then, its disagreements, how many open (a save replaces the row)
        self._held: dict[str, tuple[dict, list[Disagreement], int]] = {}
        self.marked_done = 0  # articles marked done in this session (retraining counts them)

    # -- what the analyst sees ----------------------------------------------------------------

    @property
    def name(self) -> str:
        return self.ws.name

    @property
    def labels(self) -> tuple[str, ...]:
        return self.ws.labels

    def article_ids(self) -> list[str]:
        """Every article, in import order."""
        return self.ws.ids()

    def summary(self, article_id: str) -> ArticleSummary:
        return ArticleSummary.from_row(self.ws.row(article_id))

    def summaries(self) -> Iterator[ArticleSummary]:
        return (ArticleSummary.from_row(r) for r in self.ws.rows())

    def article(self, article_id: str, *, reading: bool = True) -> Article:
        """``reading``: the analyst opens it (the effort meter's clock starts), not a worker."""
        if reading:
            self._effort.setdefault(article_id, [time.monotonic(), 0])
        try:
            return self.ws.article(article_id)
        except WorkspaceError as exc:
            raise ArticleUnreadable(str(exc)) from exc

    def annotations(self, article_id: str) -> list[Annotation]:
        """In text order, rejected ones included."""
        try:
            return self.ws.annotations(article_id)
        except WorkspaceError as exc:
            raise ArticleUnreadable(str(exc)) from exc

    def take_warning(self) -> str:
        """What went wrong beside a saved action (its checkpoint failed: it is saved in the
        journal all the same), once; "" when nothing did."""
        return self.ws.take_warning()

    def index_texts(self, article_ids: Sequence[str]) -> None:
        """Read the texts of these articles (those not read yet) into what the filter searches,
        without building annotations. Texts never change: each is read once."""
        missing = [aid for aid in article_ids if aid not in self._haystacks]
        for aid, text in self.ws.texts(missing):
            self._haystacks[aid] = haystack(self.summary(aid), text)

    def texts(self, article_ids: Sequence[str]) -> list[tuple[str, str]]:
        """(id, text) of these articles, read from the store and not kept (the refresh after
        training suggests on them; one copy of each text is the filter's, casefolded)."""
        return list(self.ws.texts(article_ids))

    def haystack(self, article_id: str) -> str | None:
        """Title, source and text casefolded, for the filter; None until its text is read."""
        return self._haystacks.get(article_id)

    def progress(self) -> Progress:
        s = self.ws.stats()
        return Progress(s["articles"], s["by_state"].get("done", 0), s["annotations"], s["reviewed"])

    def awaiting_suggestions(self) -> list[str]:
        """Articles the model has not suggested for yet (the first-run seeds)."""
        return self.ws.ids(suggested=False)

    def next_not_done(self, after: str) -> ArticleSummary | None:
        """The first article not done after ``after`` (wrapping round), else None."""
        ids = self.ws.ids()
        i = ids.index(after) if after in ids else -1
        for aid in ids[i + 1:] + ids[:i + 1]:
            if aid != after and self.ws.row(aid).get("state") not in SET_ASIDE:
                return self.summary(aid)
        return None

    # -- across articles (tui.stories): versions, a comparison, the ledger, the index ----------

    def versions(self) -> StoryVersions:
        """Each article in a story -> its other versions, in import order. Reads the text of
        every article new since the last time (and loads datasketch): call it from a worker."""
        from .stories import workspace as across

        return StoryVersions(story.articles for story in across.stories(self.ws))

    def compare(self, a: str, b: str):
        """Version ``a`` against version ``b`` (a ``tui.stories.compare.Comparison``)."""
        from .stories import workspace as across

        try:
            return across.comparison(self.ws, a, b)
        except WorkspaceError as exc:
            raise ArticleUnreadable(str(exc)) from exc

    def quote_ledger(self):
        """Every quote by speaker (``tui.stories.ledger.LedgerSpeaker``), aliases merged."""
        from .stories import workspace as across

        return across.quote_ledger(self.ws)

    def entity_index(self):
        """Every entity text with its labels (``tui.stories.entity_index.IndexEntry``)."""
        from .stories import workspace as across

        return across.entities(self.ws)

    def export_ledger(self, speakers) -> tuple[str, str]:
        """The ledger as CSV and JSONL beside the workspace; their paths. NotSaved when the
        disk refuses."""
        from .stories import workspace as across

        csv_path, jsonl_path = self.ws.derived_path("quotes.csv"), self.ws.derived_path("quotes.jsonl")
        try:
            across.write_ledger(speakers, csv_path=csv_path, jsonl_path=jsonl_path)
        except SaveFailed as exc:
            raise NotSaved(str(exc)) from exc
        return str(csv_path), str(jsonl_path)

    # -- the one way to change things -------------------------------------------------------

    def _save(self, article_id: str, changed: Sequence[Annotation], removed: Sequence[str] = (),
              state: str | None = None, suggested: bool | None = None, note: str | None = None) -> Change:
        before = self.summary(article_id).note if note is not None else ""
        try:
            change = self.ws.save(list(changed), removed=list(removed), article_id=article_id,
                                  state=state, suggested=suggested, note=note)
        except SaveFailed as exc:
            raise NotSaved(str(exc)) from exc
        return change if note is None else replace(change, note_before=before, note_after=note)

    def apply(self, article_id: str, changed: Sequence[Annotation], *, removed: Sequence[str] = (),
              state: str | None = None, what: str = "") -> Change:
        """One durable save, recorded for undo unless it changed nothing."""
        change = self._save(article_id, changed, removed, state).named(what)
        if not change.empty:
            self._push(change)
        return change

    def _push(self, change: Change) -> None:
        """Record an action for undo and for the effort meter."""
        self.history.push(change)
        self._effort.setdefault(change.article_id, [time.monotonic(), 0])[1] += 1
        if change.state_after == "done" and change.state_before != "done":
            self.marked_done += 1
            self._record_effort(change.article_id)

    def _record_effort(self, article_id: str) -> None:
        """One line in effort.jsonl when an article is marked done: the seconds since it was
        opened, the actions and the corrections it took, and the model that suggested."""
        from .nlp.evaluate import evaluate

        started, actions = self._effort.pop(article_id, [time.monotonic(), 0])
        anns = [a for a in self.ws.annotations(article_id) if a.kind == "entity"]
        t = evaluate([(self.ws.article(article_id), anns)], all=True).total
        record = {"article": article_id, "done": now_iso(), "seconds": round(time.monotonic() - started, 1),
                  "actions": int(actions), "corrections": t.changed + t.rejected + t.added,
                  "model": Shelf(self.ws.learned_path("models")).current() or "base"}
        try:
            with open(self.ws.learned_path("effort.jsonl"), "a", encoding="utf-8") as fh:
                fh.write(json.dumps(record) + "\n")
        except OSError:
            pass  # a measurement, not the analyst's work: the action itself is saved

    def undo(self) -> Change | None:
        """Undo the last action; the change that made (named as the action), or None."""
        return self._restore(undo=True)

    def redo(self) -> Change | None:
        return self._restore(undo=False)

    def _restore(self, *, undo: bool) -> Change | None:
        entry = self.history.peek_undo() if undo else self.history.peek_redo()
        if entry is None:
            return None
        keep, gone, state = entry.side(undo)
        note = entry.note(undo) if entry.note_before != entry.note_after else None
        change = self._save(entry.article_id, keep, gone, state, note=note)
        for other in entry.follow:  # the suggestions that followed the decision
            self._save(other.article_id, *other.side(undo))
        if entry.learned is not None:
            text, before, after = entry.learned
            self.patterns.put(text, before if undo else after)
            self._write_patterns()
        self.history.undone() if undo else self.history.redone()
        return change.named(entry.what)

    def add_suggestions(self, article_id: str, found: Sequence[Annotation]) -> Change | None:
        """The model's suggestions for an article that had none, minus any that overlap
        what the analyst already has there. None when it already had suggestions."""
        summary = self.summary(article_id)
        if summary.suggested:
            return None
        existing = [a for a in self.ws.annotations(article_id) if a.status != "rejected"]
        fresh = [a for a in found if overlapping((b for b in existing if b.kind == a.kind), a.start, a.end) is None]
        return self._save(article_id, fresh, state=summary.state, suggested=True).named("suggestions")

    # -- the analyst's actions -------------------------------------------------------------------

    def _change(self, ann: Annotation, **changes) -> Annotation:
        if all(getattr(ann, k) == v for k, v in changes.items()):
            return ann  # nothing to change, not even its time: the save records nothing
        return ann.changed(self.annotator, **changes)

    def accept(self, ann: Annotation) -> Change:
        if ann.kind == "entity" and ann.status == "rejected":  # another may have taken its place
            self._check_free(ann.article_id, ann.start, ann.end, ignore=ann.id)
        return self._decided(ann.article_id, [self._change(ann, status="accepted")], what="accept")

    def reject(self, ann: Annotation) -> Change:
        return self._decided(ann.article_id, [self._change(ann, status="rejected")], what="reject")

    def relabel(self, ann: Annotation, label: str) -> Change:
        if ann.kind != "entity":
            raise AnnotationError("a quote has no label to change; press s to set its speaker")
        self._check_free(ann.article_id, ann.start, ann.end, ignore=ann.id)
        return self._decided(ann.article_id, [self._change(ann, label=label, status="accepted")],
                             what=f"label {label}")

    def resize(self, ann: Annotation, start: int, end: int) -> Change:
        text = self.ws.article(ann.article_id).text
        if ann.kind == "entity":
            self._check_free(ann.article_id, start, end, ignore=ann.id)
        else:
            start, end = take_quote_marks(text, start, end)
        return self.apply(ann.article_id, [self._change(ann, start=start, end=end, text=text[start:end],
                                                       status="accepted")], what="resize")

    def add(self, article_id: str, kind: str, start: int, end: int, label: str) -> Change:
        """A manual annotation, accepted. A new entity may not overlap another entity."""
        text = self.ws.article(article_id).text
        if kind == "entity":
            self._check_free(article_id, start, end)
        else:
            start, end = take_quote_marks(text, start, end)
        ann = Annotation(id=new_id(), article_id=article_id, kind=kind, start=start, end=end,  # type: ignore[arg-type]
                         label=QUOTE_LABEL if kind == "quote" else label, text=text[start:end],
                         origin="manual", status="accepted", annotator=self.annotator, time=now_iso())
        return self._decided(article_id, [ann], what=f"add {ann.label}")

    def set_speaker(self, quote: Annotation, speaker: Speaker | None) -> Change:
        if quote.kind != "quote":
            raise AnnotationError("only quotes have speakers")
        return self.apply(quote.article_id, [self._change(quote, speaker=speaker, status="accepted")],
                          what="speaker")

    def accept_all(self, article_id: str, *, done: bool = False) -> Change:
        return self._settle_pending(article_id, "accepted", done,
                                    "accept all and mark done" if done else "accept {n}")

    def reject_rest(self, article_id: str, *, done: bool = False) -> Change:
        """Reject every suggestion still pending (the analyst found what matters)."""
        return self._settle_pending(article_id, "rejected", done,
                                    "reject the rest and mark done" if done else "reject {n}")

    def _settle_pending(self, article_id: str, status: str, done: bool, what: str) -> Change:
        pending = [a for a in self.ws.annotations(article_id) if a.status == "pending"]
        changed = [self._change(a, status=status) for a in pending]
        return self.apply(article_id, changed, state="done" if done else None,
                          what=what.format(n=len(changed)))

    def mark_done(self, article_id: str) -> Change:
        return self.apply(article_id, [], state="done", what="mark done")

    # -- the workspace's model: its label map, trained versions and learned patterns ------------

    @property
    def label_map(self) -> dict[str, str] | None:
        """Model label -> workspace label (None: the model's labels as they are)."""
        return dict(self.ws.setting("label_map") or {}) or None

    def model_path(self) -> str | None:
        """The workspace's current trained model (None: the base model)."""
        return workspace_model(self.ws)

    def suggester(self, model: str | None = None):
        """A suggester with the workspace's model (``model`` overrides it), label map and
        patterns. Loads spaCy: call it from a worker."""
        from .nlp.suggest import Suggester

        model = model or self.model_path()
        return Suggester(labels=self.labels, model=model, label_map=self.label_map,
                         patterns=untaught(Patterns(list(self.patterns)), model))  # a copy: the worker reads it

    # -- decisions that propagate (tui.nlp.patterns) -----------------------------------------

    @property
    def patterns(self) -> Patterns:
        """The workspace's learned patterns (read once, then kept current here)."""
        if self._patterns is None:
            self._patterns = read_patterns(self.ws)
        return self._patterns

    def learned_from(self, text: str) -> int:
        """How many decisions the pattern for ``text`` rests on (0: none)."""
        p = self.patterns.get(text)
        return p.decisions if p else 0

    def _write_patterns(self) -> bool:
        """Write the patterns file; False when the disk refused (what was learned stays in
        memory and goes to disk with the next decision: the analyst's action is saved anyway)."""
        try:
            write_atomic(self.ws.learned_path("patterns.jsonl"), self.patterns.to_jsonl())
        except (OSError, SaveFailed):
            return False
        return True

    def _decided(self, article_id: str, changed: Sequence[Annotation], *, what: str) -> Change:
        """An action on one entity, saved; then what it teaches follows in the pending
        suggestions of the articles not done (recorded with it, so one undo takes both back)."""
        change = self._save(article_id, changed).named(what)
        if change.empty:
            return change
        ann = changed[0]
        if ann.kind == "entity" and ann.text.strip() and not self.adjudicating:  # a gold's candidates stay each analyst's
            label = None if ann.status == "rejected" else ann.label
            before, after = self.patterns.decide(ann.text, label)
            followed: list[Change] = []
            self._write_patterns()
            try:
                self._follow(after, article_id, followed)
            except NotSaved:
                pass  # a full disk: the action itself is saved; what followed before it is kept for undo
            change = replace(change, learned=(ann.text, before, after), follow=tuple(followed))
        self._push(change)
        return change

    def _follow(self, pattern: Pattern, decided_in: str, out: list[Change]) -> None:
        """Apply one pattern to the pending suggestions of every article not done; each
        change saved goes to ``out`` at once (so a full disk half-way loses none for undo)."""
        rows = [r for r in self.ws.rows() if r["id"] != decided_in and r.get("state") != "done"]
        self.index_texts([r["id"] for r in rows])
        wanted = pattern.text.casefold()
        for row in rows:
            aid = row["id"]
            if wanted not in self._haystacks[aid]:
                continue  # cannot hold it: its text is not read again
            text = dict(self.ws.texts([aid]))[aid]
            if pattern.text not in text:
                continue
            if self._tokenizer is None:
                from .nlp.tokens import english

                self._tokenizer = english()
            doc = self._tokenizer.make_doc(text)
            changed, removed = follow(aid, doc, self._tokenizer.make_doc, pattern, self.ws.annotations(aid))
            if changed or removed:
                out.append(self._save(aid, changed, removed, state=row.get("state")).named("learned"))

    # -- a new model taking over: refreshing what nobody touched, retraining ------------------

    def model_version(self) -> str | None:
        """The workspace's current model version ("v3"), None for the base model."""
        return Shelf(self.ws.learned_path("models")).current()

    def suggestions_model(self) -> str | None:
        """The model version the untouched articles' suggestions came from (None: the base
        model). A model switched while no reader was open differs from ``model_version``."""
        shelf = Shelf(self.ws.learned_path("models"))
        made = shelf.suggested()
        if made is None:  # never switched: what the articles hold is the current model's
            return shelf.current()
        return None if made == "base" else made

    def suggestions_refreshed(self, version: str | None) -> None:
        """The untouched articles now hold ``version``'s suggestions; a full disk is not an
        action lost: the next reader refreshes them again."""
        try:
            Shelf(self.ws.learned_path("models")).mark_suggested(version)
        except OSError:
            pass

    def untouched(self) -> list[str]:
        """Articles nobody has touched: new, every suggestion still pending, and no decision
        of this session followed into them (so undo finds what it left)."""
        followed = self.history.articles()
        return [r["id"] for r in self.ws.rows() if _untouched(r, followed)]

    def refresh_suggestions(self, article_id: str, found: Sequence[Annotation]) -> Change | None:
        """Replace an untouched article's pending suggestions with ``found`` (a new model's):
        the ones that stay the same are kept as they are. None when the article was touched
        meanwhile. Not an action of the analyst: not recorded for undo."""
        if not _untouched(self.ws.row(article_id), self.history.articles()):
            return None
        anns = self.ws.annotations(article_id)
        if any(a.status != "pending" for a in anns):
            return None
        now = {_suggested_as(a) for a in found}
        was = {_suggested_as(a) for a in anns}
        gone = [a.id for a in anns if _suggested_as(a) not in now]
        fresh = [a for a in found if _suggested_as(a) not in was]
        return self._save(article_id, fresh, gone, state="new", suggested=True).named("suggestions")

    def retrain_due(self, every: int) -> bool:
        """At least ``every`` articles marked done since the current model was trained."""
        from .nlp.retrain import trained_on

        if every <= 0:
            return False
        return self.progress().done - trained_on(self.model_path()) >= every

    def start_training(self):
        """``readtui train`` on this workspace in a process of its own (tui.nlp.retrain)."""
        from .nlp.retrain import Training

        return Training(self.ws.path, self.ws.learned_path("models") / "train.log")

    def reopen(self, article_id: str) -> Change:
        """A done (or skipped, flagged) article back in progress."""
        return self.apply(article_id, [], state="in_progress", what="reopen")

    def skip(self, article_id: str) -> Change:
        return self.apply(article_id, [], state="skipped", what="skip")

    def flag(self, article_id: str) -> Change:
        """Flag the article to come back to later; again to take the flag off."""
        flagged = self.summary(article_id).state == "flagged"
        return self.apply(article_id, [], state="in_progress" if flagged else "flagged",
                          what="unflag" if flagged else "flag for later")

    def set_note(self, article_id: str, note: str) -> Change:
        """The analyst's free-text note on the article (exported in its meta)."""
        note = note.strip()
        change = self._save(article_id, [], note=note).named("note")
        if not change.empty:
            self.history.push(change)
        return change

    # -- adjudication: a gold workspace built by `readtui adjudicate` (tui.team.adjudication) -----

    @property
    def adjudicating(self) -> bool:
        """The workspace is a gold one, with the analysts' disagreements to settle."""
        return bool(self.ws.setting(ADJUDICATION))

    def analysts(self) -> list[str]:
        """The gold's analysts, in the order the keys 1, 2, 3 … take their versions."""
        return list((self.ws.setting(ADJUDICATION) or {}).get("analysts") or [])

    def disagreements(self, article_id: str) -> list[Disagreement]:
        """The article's disagreements in text order, each version its candidates as they are now."""
        row = self.ws.row(article_id)
        kept = self._held.get(article_id)
        if kept is not None and kept[0] is row:  # a save replaces the row: nothing changed since
            return kept[1]
        try:
            article, anns = self.ws.article(article_id), self.ws.annotations(article_id)
        except WorkspaceError as exc:
            raise ArticleUnreadable(str(exc)) from exc
        out = held(article.meta, {a.id: a for a in anns})
        self._held[article_id] = (row, out, sum(not settled(d) for d in out))
        return out

    def disagreements_left(self) -> int:
        """Across the gold. Reads only the articles worked on and not done: an article still
        "new" has every disagreement it was built with open (their number is in the gold's
        setting), one without a pending candidate has none."""
        built = (self.ws.setting(ADJUDICATION) or {}).get("built") or {}
        return sum(self._open_in(r, built) for r in self.ws.rows())

    def _open_in(self, row: dict, built: dict) -> int:
        aid = row["id"]
        kept = self._held.get(aid)
        if kept is not None and kept[0] is row:
            return kept[2]
        if row.get("state") == "new" and aid in built:
            return built[aid]
        if not self._unsettled_in(row):
            return 0
        self.disagreements(aid)
        return self._held[aid][2]

    @staticmethod
    def _unsettled_in(row: dict) -> bool:
        """Whether the article may hold a disagreement still open (a candidate is pending)."""
        return row.get("annotations", 0) > row.get("reviewed", 0)

    def next_disagreement(self, article_id: str, index: int, step: int = 1) -> tuple[str, int] | None:
        """The next (step 1) or previous (-1) disagreement still open after the article's
        ``index``-th, across articles and round to this one; None when none is open."""
        ids = [r["id"] for r in self.ws.rows() if r["id"] == article_id or self._unsettled_in(r)]
        k = ids.index(article_id)
        ring = ids[k:] + ids[:k] if step > 0 else ids[k::-1] + ids[:k:-1]
        for n, aid in enumerate([*ring, article_id]):
            found = self.disagreements(aid)
            for i in (range(len(found)) if step > 0 else range(len(found) - 1, -1, -1)):
                ahead = (i - index) * step > 0
                if settled(found[i]) or (n == 0 and not ahead) or (n == len(ring) and ahead):
                    continue
                return aid, i
        return None

    def settle(self, article_id: str, index: int, how: str) -> Change:
        """Settle the article's ``index``-th disagreement: ``how`` an analyst's name (their
        version), "both" (every version where it overlaps no other) or "none" (reject all).
        One save: the chosen candidates accepted, the rest rejected; the article done when
        it was its last open disagreement."""
        found = self.disagreements(article_id)
        d = found[index]
        if how == "both":
            keep, what = keep_apart(d), "keep both"
        elif how == "none":
            keep, what = [], "reject all versions"
        else:
            keep, what = take(d, how), f"take {how}'s version"
        kept = {a.id for a in keep}
        changed = [self._change(a, status="accepted" if a.id in kept else "rejected")
                   for version in d.versions.values() for a in version]
        last = all(settled(x) for i, x in enumerate(found) if i != index)
        return self.apply(article_id, changed, state="done" if last else None, what=what)

    # -- the label set (readtui labels) ---------------------------------------------------------

    def add_label(self, label: str) -> None:
        if label in self.labels:
            raise AnnotationError(f"the workspace already has the label {label!r}")
        self.ws.set_labels([*self.labels, label])

    def retire_label(self, label: str) -> None:
        """Take ``label`` off the set (the number keys, the picker); annotations keep it."""
        if label not in self.labels:
            raise AnnotationError(f"the workspace has no label {label!r}")
        if len(self.labels) == 1:
            raise AnnotationError("the workspace needs at least one label")
        self.ws.set_labels([x for x in self.labels if x != label])

    def rename_label(self, old: str, new: str) -> int:
        """``old`` becomes ``new`` in the set and on every annotation (one durable save per
        article; a rename stopped half-way is finished by running it again). How many changed."""
        if old not in self.labels and not self._labelled(old):
            raise AnnotationError(f"the workspace has no label {old!r}")
        if new in self.labels and old in self.labels:
            raise AnnotationError(f"the workspace already has the label {new!r}")
        n = 0
        for aid in self.article_ids():
            changed = [replace(a, label=new) for a in self.ws.annotations(aid) if a.label == old]
            if changed:
                self._save(aid, changed, state=self.summary(aid).state)
                n += len(changed)
        self.ws.set_labels([new if x == old else x for x in self.labels])
        return n

    def _labelled(self, label: str) -> bool:
        return any(label in self.summary(aid).counts for aid in self.article_ids())

    def label_counts(self) -> dict[str, int]:
        """Annotations (not rejected) per label across the workspace."""
        out: dict[str, int] = {}
        for s in self.summaries():
            for label in s.counts:
                out[label] = out.get(label, 0) + s.live(label)
        return out

    def _check_free(self, article_id: str, start: int, end: int, ignore: str = "") -> None:
        others = (a for a in self.ws.annotations(article_id)
                  if a.kind == "entity" and a.status != "rejected" and a.id != ignore)
        hit = overlapping(others, start, end)
        if hit is not None:
            raise AnnotationError(f"overlaps the {hit.label} {hit.text!r}; reject or shrink it first")


def _suggested_as(a: Annotation) -> tuple:
    """What a suggestion says, to keep those a new model says again as they are."""
    return a.kind, a.start, a.end, a.label, (a.speaker.start, a.speaker.end) if a.speaker else None


def _untouched(row: dict, followed: set[str]) -> bool:
    return row.get("state", "new") == "new" and row.get("suggested", True) and row["id"] not in followed


def read_patterns(ws: Workspace) -> Patterns:
    """The workspace's patterns.jsonl; lines that are not patterns are skipped."""
    path = ws.learned_path("patterns.jsonl")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return Patterns()
    except (OSError, UnicodeDecodeError):
        return Patterns()
    records = []
    for line in lines:
        try:
            d = json.loads(line)
        except ValueError:
            continue
        if not pattern_problem(d):
            records.append(d)
    return Patterns.from_records(records)


def workspace_model(ws: Workspace) -> str | None:
    """The path of the workspace's current trained model, None for the base model."""
    path = Shelf(ws.learned_path("models")).current_path()
    return str(path) if path is not None else None


def workspace_suggester(ws: Workspace | None, labels: Sequence[str], model: str | None = None):
    """A suggester for ``import``/``suggest``: with a workspace, its labels, model
    (``model`` overrides it), label map and patterns; without, ``model`` as it is."""
    from .nlp.suggest import Suggester

    if ws is None:
        return Suggester(labels=labels, model=model)
    model = model or workspace_model(ws)
    return Suggester(labels=ws.labels, model=model, label_map=ws.setting("label_map") or None,
                     patterns=untaught(read_patterns(ws), model))


# Named maps for --label-map: the base model's labels onto a common scheme.
NAMED_MAPS = {"conll": CONLL_MAP}


def set_label_map(ws: Workspace, text: str) -> dict[str, str]:
    """Store ``PERSON=PER,GPE=LOC`` (or a named map) as the workspace's label map.
    ValueError when it does not fit the workspace's labels; NotSaved when the disk refuses."""
    if text.strip().lower() in NAMED_MAPS:
        mapping = {m: ours for m, ours in NAMED_MAPS[text.strip().lower()].items() if ours in ws.labels}
    else:
        mapping = parse_label_map(text)
    unknown = sorted(set(mapping.values()) - set(ws.labels))
    if unknown:
        raise ValueError(f"maps onto {', '.join(map(repr, unknown))}, not among the workspace's labels "
                         f"({','.join(ws.labels)})")
    if not mapping:
        raise ValueError("maps nothing; write MODEL=LABEL,… (e.g. PERSON=PER,GPE=LOC)")
    try:
        ws.set_setting("label_map", mapping)
    except SaveFailed as exc:
        raise NotSaved(str(exc)) from exc
    return mapping
