"""Label maps: the model's labels onto the workspace's (``PERSON=PER,GPE=LOC``).

The suggester maps each model label and drops those the map leaves out; training goes
the other way (``train_labels``): each workspace label is trained as the model label
that maps onto it. Pure.
"""

from __future__ import annotations

from typing import Mapping, Sequence


# The base model's labels mapped onto common schemes, offered by `readtui labels map`.
CONLL_MAP = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC",
             "NORP": "MISC", "EVENT": "MISC", "PRODUCT": "MISC", "WORK_OF_ART": "MISC",
             "LAW": "MISC", "LANGUAGE": "MISC"}


def parse_label_map(text: str) -> dict[str, str]:
    """``PERSON=PER,GPE=LOC`` as a dict; raises ValueError with the bad part."""
    out: dict[str, str] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        model, sep, ours = (x.strip().upper() for x in part.partition("="))
        if not sep or not model or not ours:
            raise ValueError(f"{part[:40]!r} is not MODEL=LABEL")
        out[model] = ours
    return out


def train_labels(label_map: Mapping[str, str], labels: Sequence[str]) -> dict[str, str]:
    """Each workspace label -> the model label it is trained as: the first model label
    that maps onto it, else itself (a new label)."""
    out = {label: label for label in labels}
    for model, ours in reversed(list(label_map.items())):
        if ours in out:
            out[ours] = model
    return out


def map_label(label: str, label_map: Mapping[str, str] | None) -> str | None:
    """A model label in the workspace's scheme; None when the map leaves it out."""
    if not label_map:
        return label
    return label_map.get(label)
