"""What an output folder already holds, so that running the same command again resumes.

Each part file is written whole or not at all (a temporary file renamed into place), so
the part files are the truth: an article is done when its text is in one of them. The
articles are known by their content hash; a run skips the ones already done and numbers
its parts after the last one, so nothing is written twice.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

import orjson

from ..model import content_hash

PART = "part-{:05d}.jsonl"
_PART = re.compile(r"part-(\d{5,})\.jsonl")
MANIFEST = "manifest.json"


def key(text_hash: str) -> int:
    """An article's content hash, 64 bits of it: the driver keeps one per article."""
    return int(text_hash[:16], 16)


def parts(outdir: Path) -> list[tuple[int, Path]]:
    """The part files in ``outdir``, by number."""
    found = []
    for path in outdir.glob("part-*.jsonl"):
        m = _PART.fullmatch(path.name)
        if m:
            found.append((int(m.group(1)), path))
    return sorted(found)


def part_path(outdir: Path, number: int) -> Path:
    return outdir / PART.format(number)


def texts(path: Path) -> Iterator[str]:
    with open(path, "rb") as fh:
        for line in fh:
            if line.strip():
                yield orjson.loads(line)["text"]


class Keys:
    """A set of article keys that costs ~8 bytes a key, not the ~70 of a Python set of
    ints: a run over a hundred million articles keeps one key for each (the ones done
    before, and each text seen, so a text twice in the archive is written once). New keys
    wait in a small set and join a sorted array every ``BUFFER`` of them."""

    BUFFER = 1 << 16

    def __init__(self, keys=()):
        import numpy as np

        self._sorted = np.unique(np.fromiter(keys, dtype=np.uint64))
        self._new: set[int] = set()

    def __contains__(self, k: int) -> bool:
        if k in self._new:
            return True
        arr = self._sorted
        # As a uint64: a Python int makes numpy search as objects, ~300 times slower.
        i = int(arr.searchsorted(arr.dtype.type(k)))
        return i < len(arr) and int(arr[i]) == k

    def add(self, k: int) -> None:
        if k in self:
            return
        self._new.add(k)
        if len(self._new) >= self.BUFFER:
            self._merge()

    def _merge(self) -> None:
        import numpy as np

        self._sorted = np.union1d(self._sorted, np.fromiter(self._new, dtype=np.uint64, count=len(self._new)))
        self._new = set()

    def __len__(self) -> int:
        return len(self._sorted) + len(self._new)

    @property
    def nbytes(self) -> int:
        """About what the keys take in memory."""
        import sys

        return self._sorted.nbytes + sys.getsizeof(self._new) + 32 * len(self._new)


def done(outdir: Path) -> Keys:
    """The keys of the articles already in ``outdir``."""
    return Keys(key(content_hash(t)) for _, path in parts(outdir) for t in texts(path))


def next_number(outdir: Path) -> int:
    found = parts(outdir)
    return found[-1][0] + 1 if found else 0


def clear_leftovers(outdir: Path) -> None:
    """Temporary files of a run that was killed while writing a part: never a part."""
    for tmp in outdir.glob(".part-*.tmp"):
        tmp.unlink(missing_ok=True)
