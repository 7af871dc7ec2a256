"""Direct quotes and their speakers over a spaCy Doc (first version; see issue 6)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_QUOTE = re.compile(r"[\"“]([^\"“”\n]{3,}?)[\"”]")


@dataclass(frozen=True)
class FoundQuote:
    start: int
    end: int
    speaker_start: int | None
    speaker_end: int | None
    speaker_name: str | None


def find_quotes(doc) -> list[FoundQuote]:
    out = []
    for m in _QUOTE.finditer(doc.text):
        if len(m.group(1).split()) < 4:
            continue
        out.append(FoundQuote(m.start(), m.end(), None, None, None))
    return out
