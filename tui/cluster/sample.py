"""A sample of a pre-annotated archive to review: ``readtui import OUTDIR --sample N --where …``.

The sample is the N articles whose hash, keyed by the seed, is smallest: the same seed
gives the same sample whatever order the part files hold the articles in (a cluster
writes them in the order its workers finish), and the stream is read once, keeping N.
"""

from __future__ import annotations

import hashlib
import heapq
from typing import Callable, Iterable, Iterator

from ..formats.common import ImportProblem, Record

# What --where can ask of an article; one key given twice means either value.
WHERE_KEYS = ("label", "source", "dateline", "kind")


class SampleError(ValueError):
    """A --sample or --where that cannot be read; the message says what is allowed."""


def parse_where(spec: str | None) -> dict[str, set[str]]:
    """``label=PERSON,source=IANS`` -> {"label": {"PERSON"}, "source": {"IANS"}}."""
    wanted: dict[str, set[str]] = {}
    for part in filter(None, (p.strip() for p in (spec or "").split(","))):
        name, eq, value = part.partition("=")
        name, value = name.strip().lower(), value.strip()
        if not eq or not value:
            raise SampleError(f"--where {part!r}: write KEY=VALUE, e.g. label=PERSON,source=IANS")
        if name not in WHERE_KEYS:
            raise SampleError(f"--where {name!r}: use one of {', '.join(WHERE_KEYS)}")
        wanted.setdefault(name, set()).add(value.casefold())
    return wanted


def matcher(wanted: dict[str, set[str]]) -> Callable[[Record], bool]:
    """Every key given must match (any of its values), case aside."""
    def fields(rec: Record, name: str) -> set[str]:
        art = rec.article
        if name == "label":
            return {a.label.casefold() for a in rec.annotations}
        if name == "kind":
            return {a.kind.casefold() for a in rec.annotations}
        return {str(getattr(art, name)).casefold()}

    return lambda rec: all(fields(rec, name) & values for name, values in wanted.items())


def pick(stream: Iterable[Record | ImportProblem], *, sample: int | None = None, seed: int = 0,
         where: dict[str, set[str]] | None = None) -> Iterator[Record | ImportProblem]:
    """The records that match ``where``, all of them or a reproducible ``sample``; problems pass."""
    matches = matcher(where or {})
    chosen: list[tuple[bytes, int, Record]] = []  # a max-heap of the N smallest (negated keys)
    for n, item in enumerate(stream):
        if isinstance(item, ImportProblem):
            yield item
            continue
        if not matches(item):
            continue
        if sample is None:
            yield item
            continue
        rank = hashlib.blake2b(item.article.hash.encode(), digest_size=8, key=str(seed).encode()[:64]).digest()
        entry = (bytes(255 - b for b in rank), n, item)
        if len(chosen) < sample:
            heapq.heappush(chosen, entry)
        elif sample and entry[0] > chosen[0][0]:
            heapq.heapreplace(chosen, entry)
    if sample is not None:
        yield from (rec for _, _, rec in sorted(chosen, key=lambda e: e[0], reverse=True))
