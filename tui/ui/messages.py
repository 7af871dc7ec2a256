"""The messages the app posts: small dataclasses, one per thing that happened.

The model worker posts the first four from its thread; the app turns every saved
change into ``AnnotationsChanged`` for the screen on top, which reacts with ``@on``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message

from ..change import Change
from ..model import Annotation
from ..stories.others import StoryVersions


@dataclass
class ModelReady(Message):
    suggester: object


@dataclass
class ModelFailed(Message):
    error: str


@dataclass
class Suggested(Message):
    article_id: str
    annotations: list[Annotation] = field(default_factory=list)


@dataclass
class SuggestionsDone(Message):
    pass


@dataclass
class AnnotationsChanged(Message):
    """A change was saved (an action, its undoing or redoing, suggestions arriving).
    ``jump``: show it even if it is in another article (undo and redo do)."""

    change: Change
    jump: bool = False


@dataclass
class TextClicked(Message):
    """A click on the article's text, at word ``word`` (the view's word index)."""

    word: int


@dataclass
class TextDragged(Message):
    """The analyst dragged across the text: the view holds a selection now."""


@dataclass
class StoriesFound(Message, bubble=False):
    """The stories worker grouped the articles: each article in a story -> its other versions.
    The app hands it to every screen; it does not bubble back up."""

    versions: StoryVersions = field(default_factory=StoryVersions)


@dataclass
class Refreshed(Message):
    """A new model's suggestions for an article nobody has touched (issue 16)."""

    article_id: str
    annotations: list[Annotation] = field(default_factory=list)


@dataclass
class RefreshDone(Message):
    version: str
    refreshed: bool = True  # False: the model could not be loaded, nothing changed
