"""The export's performance tricks, in one place. Each is justified by bench/export.py
(10,000 articles x 40 annotations): reading an annotation's fields through prebuilt
``attrgetter``s instead of lambdas in the sort and group keys of a JSONL record saved
about a tenth of the build time of a record."""

from __future__ import annotations

from operator import attrgetter, itemgetter

_FIRST, _SECOND = itemgetter(0), itemgetter(1)
_LABEL, _KIND, _SPEAKER = attrgetter("label"), attrgetter("kind"), attrgetter("speaker")
_START, _END, _TEXT, _ANNOTATOR = attrgetter("start"), attrgetter("end"), attrgetter("text"), attrgetter("annotator")
_HAS_MENTION = attrgetter("has_mention")
