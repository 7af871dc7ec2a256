"""The driver's set of article keys (tui.cluster.resume.Keys): a set, at ~8 bytes a key."""

from __future__ import annotations

import random

from tui.cluster.resume import Keys


def test_keys_answer_as_a_set_does_across_merges(monkeypatch):
    monkeypatch.setattr(Keys, "BUFFER", 64)  # many merges on a few keys
    rng = random.Random(3)
    start = [rng.getrandbits(64) for _ in range(500)]
    keys, plain = Keys(start + start[:50]), set(start)  # a key twice in the folder is one key
    assert len(keys) == len(plain)
    for _ in range(3000):
        k = rng.choice(start) if rng.random() < 0.3 else rng.getrandbits(64)
        assert (k in keys) == (k in plain)
        keys.add(k)
        plain.add(k)
        assert len(keys) == len(plain)
    assert all(k in keys for k in plain)
    assert 5 not in Keys()  # an empty set answers
    assert 2**64 - 1 not in Keys([0]) and 2**64 - 1 in Keys([2**64 - 1])


def test_a_key_costs_a_tenth_of_what_a_python_set_of_ints_does():
    import sys

    rng = random.Random(4)
    n = 300_000
    keys, plain = Keys(), set()
    for _ in range(n):
        k = rng.getrandbits(64)
        keys.add(k)
        plain.add(k)
    set_bytes = sys.getsizeof(plain) + 32 * n  # the table and an int object for each key
    assert keys.nbytes / n < 20, keys.nbytes / n  # 8 a key, plus the buffer of new ones
    assert keys.nbytes < set_bytes / 3
