"""What the reader's Pilot tests share: a workspace on a text of one's own."""

from __future__ import annotations

from pathlib import Path

from tui.model import QUOTE_LABEL, Annotation, Article
from tui.store import Workspace


def small_workspace(path: Path, text: str, entities=(), quotes=(), **article) -> Workspace:
    """One article of ``text`` with pending suggestions: ``entities`` as (words, label),
    ``quotes`` as the quoted words (the first occurrence of each)."""
    ws = Workspace.open(path)
    anns = []
    for i, (words, label) in enumerate(entities):
        s = text.index(words)
        anns.append(Annotation(f"e{i}", "a", "entity", s, s + len(words), label, text=words))
    for i, words in enumerate(quotes):
        s = text.index(words)
        anns.append(Annotation(f"q{i}", "a", "quote", s, s + len(words), QUOTE_LABEL, text=words,
                               origin="rules"))
    ws.add_articles([(Article(id="a", text=text, **article), anns)])
    return ws


# A gold workspace (readtui adjudicate) over two articles: three analysts on the first, two
# on the second (cy did not see it).
TEAM_TEXT = "Sara Carter met Bob Lee in Paris and Rome."
TEAM_SAID = 'Sara Carter said "we will win" today.'


def _marked(aid: str, text: str, who: str, *spans) -> list[Annotation]:
    out = []
    for words, label in spans:
        s = text.index(words)
        out.append(Annotation(f"{who}-{aid}-{s}", aid, "entity", s, s + len(words), label, text=words,
                              origin="manual", status="accepted", annotator=who))
    return out


def _quote(who: str, speaker) -> Annotation:
    from tui.model import Speaker

    q = TEAM_SAID.index('"')
    s = TEAM_SAID.index(speaker)
    return Annotation(f"{who}-q", "b", "quote", q, q + 13, QUOTE_LABEL, TEAM_SAID[q:q + 13],
                      speaker=Speaker(s, s + len(speaker), speaker, "Sara Carter"),
                      origin="manual", status="accepted", annotator=who)


def team_versions() -> list[tuple[Article, dict[str, list[Annotation]]]]:
    """Article a: Bob Lee / Lee, Paris GPE / ORG, Rome marked by bob only; article b: the
    quote's speaker by two mentions."""
    a = Article(id="a", text=TEAM_TEXT, title="Carter meets Lee", state="done")
    b = Article(id="b", text=TEAM_SAID, title="Carter speaks", state="done")
    return [
        (a, {"ana": _marked("a", TEAM_TEXT, "ana", ("Sara Carter", "PERSON"), ("Bob Lee", "PERSON"), ("Paris", "GPE")),
             "bob": _marked("a", TEAM_TEXT, "bob", ("Sara Carter", "PERSON"), ("Lee", "PERSON"), ("Paris", "ORG"),
                            ("Rome", "GPE")),
             "cy": _marked("a", TEAM_TEXT, "cy", ("Sara Carter", "PERSON"), ("Bob Lee", "PERSON"), ("Paris", "GPE"))}),
        (b, {"ana": [*_marked("b", TEAM_SAID, "ana", ("Sara Carter", "PERSON")), _quote("ana", "Sara Carter")],
             "bob": [*_marked("b", TEAM_SAID, "bob", ("Sara Carter", "PERSON")), _quote("bob", "Carter")]}),
    ]


def gold_workspace(path: Path, adjudicator: str = "judge") -> Workspace:
    """What `readtui adjudicate` builds from ``team_versions``."""
    from tui.team.adjudication import ADJUDICATION, gold_article

    ws = Workspace.open(path)
    items = [gold_article(article, versions, adjudicator) for article, versions in team_versions()]
    ws.add_articles(items)
    ws.set_setting(ADJUDICATION, {"analysts": ["ana", "bob", "cy"],
                                  "built": {a.id: len(a.meta[ADJUDICATION]["disagreements"]) for a, _ in items}})
    return ws
