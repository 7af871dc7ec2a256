"""Each article's other versions, as the screens ask for them.

One tuple of members per story, shared by its articles: a story of n versions held as
"article -> its others" would hold n² ids, and a corpus made from one template is a
single story of every article (bench/scale.py's 10,000 synthetic articles took
gigabytes).
"""

from __future__ import annotations

from typing import Iterable, Iterator, Mapping, Sequence


class StoryVersions(Mapping[str, tuple[str, ...]]):
    """article id -> its other versions, in import order (only articles in a story)."""

    def __init__(self, stories: Iterable[Sequence[str]] = ()):
        self._story: dict[str, tuple[str, ...]] = {}
        for members in stories:
            members = tuple(members)
            for aid in members:
                self._story[aid] = members

    def __getitem__(self, article_id: str) -> tuple[str, ...]:
        return tuple(m for m in self._story[article_id] if m != article_id)

    def __iter__(self) -> Iterator[str]:
        return iter(self._story)

    def __len__(self) -> int:
        return len(self._story)

    def count(self, article_id: str) -> int:
        """How many other versions, without listing them (one per painted row)."""
        members = self._story.get(article_id)
        return len(members) - 1 if members else 0

    def members(self, article_id: str) -> tuple[str, ...]:
        """The whole story the article is in (itself included), else just itself."""
        return self._story.get(article_id, (article_id,))
