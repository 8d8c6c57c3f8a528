"""Seeded mutations of valid exchange files, for the importers' fuzz test: structure-aware for
JSON (a node replaced by a value of another type, removed, duplicated) and line- and
byte-level for brat's ``.ann`` (fields swapped, numbers blown up, lines cut, bytes flipped)."""

from __future__ import annotations

import json
import random
from typing import Any

ODD_VALUES: list[Any] = [
    None, True, 0, -1, 1.5, 10**40, "", "x", "PERSON", "😀", [], [1, 2], {}, {"a": 1},
    [{"id": "r1"}], {"start": 0, "end": 3}, "9" * 5000, float("1e308"),
]  # fmt: skip
ODD_TOKENS = ["\t", " ", "\n", "-1", "9" * 5000, ";", ":", "T1", "R1", "*", "#", "A", "0 0", "1 0", "\x00", "😀", "\r"]


def _nodes(value: Any, path: tuple = ()) -> list[tuple]:
    out = [path]
    if isinstance(value, dict):
        for key, sub in value.items():
            out += _nodes(sub, (*path, key))
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            out += _nodes(sub, (*path, i))
    return out


def _get(value: Any, path: tuple) -> Any:
    for token in path:
        value = value[token]
    return value


def mutate_json(value: Any, rng: random.Random, steps: int = 1) -> str:
    """The JSON text of ``value`` (not changed) with ``steps`` structural mutations, sometimes
    followed by a textual one."""
    value = json.loads(json.dumps(value))
    for _ in range(steps):
        paths = [p for p in _nodes(value) if p]
        if not paths:
            break
        path = rng.choice(paths)
        parent, key = _get(value, path[:-1]), path[-1]
        action = rng.random()
        if action < 0.6:
            parent[key] = rng.choice(ODD_VALUES)
        elif action < 0.75 and isinstance(parent, dict):
            del parent[key]
        elif action < 0.85 and isinstance(parent, list):
            parent.insert(key, json.loads(json.dumps(parent[key])))
        elif isinstance(parent[key], str):
            parent[key] = parent[key][: rng.randrange(len(parent[key]) + 1)]
        elif isinstance(parent[key], int) and not isinstance(parent[key], bool):
            parent[key] = rng.choice([parent[key] + 1, parent[key] - 1, -parent[key], parent[key] * 1000])
        else:
            parent[key] = rng.choice(ODD_VALUES)
    text = json.dumps(value, ensure_ascii=False, indent=1)
    if rng.random() < 0.15:
        text = mutate_text(text, rng)
    return text


def mutate_text(text: str, rng: random.Random) -> str:
    """One textual mutation: a cut, an inserted token, a deleted or repeated span, a swapped line."""
    if not text:
        return rng.choice(ODD_TOKENS)
    at = rng.randrange(len(text))
    action = rng.randrange(5)
    if action == 0:
        return text[:at]
    if action == 1:
        return text[:at] + rng.choice(ODD_TOKENS) + text[at:]
    if action == 2:
        return text[:at] + text[at + rng.randrange(1, 20) :]
    if action == 3:
        return text[:at] + text[at : at + 40] * rng.randrange(2, 4) + text[at:]
    lines = text.split("\n")
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines)


def mutate_ann(ann: str, rng: random.Random) -> str:
    """A brat ``.ann`` with one line changed field by field, or a textual mutation."""
    lines = ann.split("\n")
    if rng.random() < 0.5 or not lines:
        return mutate_text(ann, rng)
    i = rng.randrange(len(lines))
    parts = lines[i].split("\t")
    k = rng.randrange(len(parts))
    fields = parts[k].split(" ")
    f = rng.randrange(len(fields))
    fields[f] = rng.choice([*ODD_TOKENS, fields[f] + rng.choice(ODD_TOKENS), ""])
    parts[k] = " ".join(fields)
    lines[i] = "\t".join(parts)
    return "\n".join(lines)
