"""Synthetic annotated documents for benchmarks and tests: valid, deterministic and fast.

Each document is about 3,000 characters of generated news prose (headline, paragraphs,
names with accents, astral characters: every headline holds an emoji) with about 40
mentions, 8 quotes (direct, indirect, mixed) and 10 numeric facts (4 of them inside quotes).
Offsets, span texts, ids, references and intervals are right by construction; intervals
come from ``schema/interval-rules.json``. About 6,000 documents/s on one core.

    from newsfacts.bench.synthetic import generate_documents, write_jsonl
    docs = list(generate_documents(100, seed=1))
    write_jsonl("bench-out/synthetic.jsonl", 10_000)

The same ``n`` and ``seed`` give the same documents (one ``random.Random(seed)`` stream, so
the first k documents of any run are the same) for a given version of this module and of
the rule table; the texts are invented, not news.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from functools import cache
from itertools import accumulate
from pathlib import Path
from typing import Any

from newsfacts.contract.schema import interval_rules, schema_version
from newsfacts.corpus.ingest import sha256_hex

#: Roughly how long a generated text is, in code points.
TARGET_CHARS = 3000

_FIRST = ("Ana", "Tomás", "Zoë", "Łukasz", "Ingrid", "Kwame", "Mei", "Søren", "Amara", "José", "Nadia", "Oskar")
_LAST = ("Pérez", "Okafor", "Müller", "Lindqvist", "Novák", "Haddad", "Tanaka", "Ó Briain", "Ferreira", "Kowalski")
_ROLES = ("Mayor", "Councillor", "Dr.", "Inspector", "Professor", "Chief Executive")
_PLACE_A = ("Lumen", "Ashford", "Kelby", "Marrow", "Quill", "Bright", "Elder", "Saltmere", "Crane", "Vell")
_PLACE_B = ("Bay", "Falls", "Harbour", "Heights", "Crossing", "Vale", "Point", "Ridge")
_ORG_B = ("Rowing Club", "Water Board", "Food Bank", "Transit Authority", "Tenants' Union", "Heritage Trust")
_ORG_STANDALONE = ("Northern Grid Cooperative", "𠮷野 Trading Company", "Blue Harbour Foundation", "Civic Data Lab")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "March 3", "June 12", "New Year's Day")
_YEARS = ("2009", "2015", "2019", "2021", "the 1990s")
_EMOJI = ("🌊", "📈", "🚲", "🏗️", "🎉", "💧")
_HEADLINES = ("counts the cost of the {e} storm", "weighs a new {e} harbour plan", "braces for a long {e} winter")
_COUNT_NOUNS = (
    ("visitors", "{visitor}"),
    ("residents", "{resident}"),
    ("volunteers", "{volunteer}"),
    ("families", "{family}"),
    ("commuters", "{commuter}"),
    ("workers", "{worker}"),
)
_COUNT_VERBS = ("came to", "left", "were counted in", "signed up in", "were reported in")
_CUES = ("said", "told reporters", "added", "warned", "wrote")
_GROUPS = ("Aid groups", "Witnesses", "Two officials", "Shop owners")
_FILLER = (
    "The morning was grey and the tide was low.",
    "Work on the promenade has been slow since the spring, and the scaffolding is still up.",
    "Local radio carried the meeting live {e} for those who could not attend.",
    "Shops along the main street opened late, and the bakery stayed shut.",
    "The minutes of the meeting will be published online {e} within a week.",
    "Several questions from the floor went unanswered before the chair closed the session.",
    "Volunteers handed out tea and blankets at the back of the hall.",
)
_QUOTE_TEXTS = (
    "We did what we could with the money we had",
    "Nobody here expected the water to rise this fast {e}",
    "The plan is sound, but it needs time",
    "I have never seen the harbour this busy",
    "Our volunteers worked through the night",
    "We will publish every figure we have",
)
_THAT_CLAUSES = (
    "the council would review the budget before winter",
    "the bridge would stay closed until the inspection ended",
    "the new timetable had cut waiting times {e}",
    "the fund had run out of money",
)
_MIXED = ("a good start", "far too late", "the best we could do")
_MEASURES = (
    # (opening, measured words, verb, unit_text, unit, quantity_kind, ontonotes_type, stated values)
    ("", "flooded area", " covers ", "square miles", "[mi_i]2", "area", "QUANTITY", (2.5, 4, 5, 12, 30)),
    ("", "new cycle path", " runs ", "kilometres", "km", "length", "QUANTITY", (1.5, 3, 8, 14, 22)),
    ("", "repair work", " will take ", "months", "mo", "duration", "DATE", (3, 6, 9, 18)),
    ("In ", "reserve fund", " holds ", "million dollars", "[USD]", "money", "MONEY", (1.2, 2.5, 4, 7, 15)),
    ("In ", "turnout", " at the vote reached ", "percent", "%", "percentage", "PERCENT", (31, 44, 58, 62, 71)),
)
_MONEY_SCALE = 1_000_000


def generate_documents(n: int, seed: int = 0) -> Iterator[dict[str, Any]]:
    """``n`` valid synthetic documents, the same ones for the same ``seed``."""
    rng = random.Random(seed)
    for i in range(n):
        yield _Builder(
            rng, f"synthetic-{seed}-{i:07d}", ("train", "train", "train", "validation", "test")[i % 5]
        ).build()


def write_jsonl(path: str | os.PathLike[str], n: int, seed: int = 0) -> Path:
    """Write ``n`` synthetic documents to ``path``, one per line (UTF-8, LF); return the path."""
    import orjson

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        batch: list[bytes] = []
        for doc in generate_documents(n, seed):
            batch.append(orjson.dumps(doc))
            if len(batch) == 256:
                handle.write(b"\n".join(batch) + b"\n")
                batch.clear()
        if batch:
            handle.write(b"\n".join(batch) + b"\n")
    return path


_STATED, _RANGE, _VAGUE = "stated", "range", "vague"


@cache
def _rule_forms() -> tuple[tuple[dict[str, Any], tuple[str, ...], str], ...]:
    """(rule, triggers usable in generated text, form) for every rule in the table, exact first.

    The form says how an expression is written: ``stated`` ("about 300"), ``range``
    ("between 40 and 80", from a trigger with two "…") or ``vague`` ("dozens", no number).
    """
    forms = []
    for rule in interval_rules().values():
        if rule["value"] == "stated":
            form, triggers = _STATED, tuple(t for t in rule["triggers"] if "…" not in t) or ("",)
        elif "stated" in (rule["low"] or {}) or "stated" in (rule["high"] or {}):
            form, triggers = _RANGE, tuple(t for t in rule["triggers"] if t.count("…") == 2)
        else:
            form, triggers = _VAGUE, tuple(t for t in rule["triggers"] if "…" not in t)
        if triggers:
            forms.append((rule, triggers, form))
    forms.sort(key=lambda f: f[0]["id"] != "exact")
    return tuple(forms)


def _takes_of(trigger: str) -> bool:
    """Whether a magnitude word is followed by "of": "dozens of", "a handful of", but "several", "a few"."""
    return trigger.endswith(("s", " of", "couple", "handful"))


def _bound(spec: dict[str, Any] | None, value: float | None, stated: float | None) -> float | None:
    if spec is None:
        return None
    if "times" in spec:
        return _clean(value * spec["times"]) if value is not None else None
    if "fixed" in spec:
        return spec["fixed"]
    return stated


def _clean(x: float) -> float:
    x = round(x, 6)
    return int(x) if x == int(x) else x


def _number(x: float) -> str:
    return f"{x:,}" if isinstance(x, int) else f"{x:g}"


class _Builder:
    """One document under construction: text pieces and the layers.

    While the text grows, a span's ``start`` (and a quote span's ``end``) is an index into
    ``parts``; ``build`` turns them all into code-point offsets in one pass at the end.
    """

    __slots__ = (
        "counted",
        "doc_id",
        "entities",
        "facts",
        "known",
        "length",
        "mentions",
        "parts",
        "put",
        "quotes",
        "r",
        "ranges",
        "rng",
        "seen",
        "split",
    )

    def __init__(self, rng: random.Random, doc_id: str, split: str) -> None:
        self.rng = rng
        self.r = rng.random
        self.doc_id = doc_id
        self.split = split
        self.parts: list[str] = []
        self.put = self.parts.append  # text goes in without a Python call
        self.known: list[dict[str, Any]] = []  # spans with their text: end = start + len(text)
        self.ranges: list[dict[str, Any]] = []  # spans over several parts: text filled in at the end
        self.length = 0  # the length of parts[:counted]
        self.counted = 0
        self.entities: list[dict[str, Any]] = []
        self.mentions: list[tuple[dict[str, Any], int, str, str]] = []  # (entity, start part, text, kind)
        self.quotes: list[dict[str, Any]] = []
        self.facts: list[dict[str, Any]] = []
        self.seen: dict[str, dict[str, Any]] = {}  # entity name -> entity

    # -- text and annotation primitives -------------------------------------------------
    def pick(self, seq):
        return seq[int(self.r() * len(seq))]

    def text_length(self) -> int:
        parts = self.parts
        if len(parts) != self.counted:
            self.length += sum(map(len, parts[self.counted :]))
            self.counted = len(parts)
        return self.length

    def span(self, s: str) -> dict[str, Any]:
        found = {"start": len(self.parts), "end": None, "text": s}
        self.put(s)
        self.known.append(found)
        return found

    def span_at(self, start: int) -> dict[str, Any]:
        """A span from part ``start`` to here."""
        found = {"start": start, "end": len(self.parts), "text": ""}
        self.ranges.append(found)
        return found

    def entity(self, name: str, label: str) -> dict[str, Any]:
        found = self.seen.get(name)
        if found is None:
            found = {"id": f"E{len(self.entities) + 1}", "type": label, "name": name, "kb": [], "note": None}
            self.entities.append(found)
            self.seen[name] = found
        return found

    def mention(self, entity: dict[str, Any], s: str, kind: str = "name", start: int | None = None) -> int:
        if start is None:
            start = len(self.parts)
            self.put(s)
        self.mentions.append((entity, start, s, kind))
        return start

    # -- entities as they appear in text ---------------------------------------------------
    def person(self, people: list[tuple[str, str, str]], with_role: bool = False) -> tuple[dict[str, Any], int]:
        """A person: "Mayor Ana Pérez" the first time, "Pérez" after; (entity, start of the words)."""
        first, last, role = self.pick(people)
        full = f"{first} {last}"
        known = full in self.seen
        entity = self.entity(full, "PERSON")
        start = len(self.parts)
        if with_role and not known:
            self.put(role + " ")
        self.mention(entity, last if known else full)
        return entity, start

    def place(self, places: list[str]) -> dict[str, Any]:
        name = self.pick(places)
        entity = self.entity(name, "GPE")
        self.mention(entity, name)
        return entity

    def org(self, orgs: list[tuple[str, str | None]], nominal_ok: bool = True) -> dict[str, Any]:
        """An organisation by name (holding a nested place name), or "the group" once it is known."""
        name, place = self.pick(orgs)
        known = name in self.seen
        entity = self.entity(name, "ORG")
        if nominal_ok and known and self.r() < 0.5:
            self.put("the ")
            self.mention(entity, "group", "nominal")
            return entity
        start = self.mention(entity, name)
        if place is not None:  # nested: "Lumen Bay Rowing Club" holds "Lumen Bay"
            self.mention(self.entity(place, "GPE"), place, start=start)
        return entity

    def date(self, names: tuple[str, ...] = _DAYS) -> None:
        name = self.pick(names)
        self.mention(self.entity(name, "DATE"), name)

    def emoji(self, s: str) -> str:
        return s.replace("{e}", self.pick(_EMOJI)) if "{e}" in s else s

    # -- numeric facts -------------------------------------------------------------------
    def rule(self, vague_ok: bool) -> tuple[dict[str, Any], str, str]:
        """A rule (exact 40% of the time), a trigger for it, and its form."""
        forms = _rule_forms()
        rule, triggers, form = forms[0] if self.r() < 0.4 else self.pick(forms)
        while form == _VAGUE and not vague_ok:
            rule, triggers, form = self.pick(forms)
        return rule, self.pick(triggers), form

    def fact(
        self,
        rule_form: tuple[dict[str, Any], str, str],
        values: tuple[float, ...],
        unit: str,
        unit_text: str | None,
        kind: str,
        ontonotes: str,
        scale: int = 1,
    ) -> dict[str, Any]:
        """Put the numeric expression (with its unit words) into the text; measured_span comes later."""
        rule, trigger, form = rule_form
        value: float | None = None
        stated_low = stated_high = None
        if form == _STATED:
            number = self.pick(values)
            words = _number(number)
            if trigger:
                words = f"{words} {trigger}" if trigger == "or so" else f"{trigger} {words}"
            value = _clean(number * scale)
        elif form == _RANGE:
            a = self.pick(values)
            b = a * 2
            words = trigger.replace("…", _number(a), 1).replace("…", _number(b), 1)
            stated_low, stated_high = _clean(a * scale), _clean(b * scale)
        else:
            words = trigger[:-3] if trigger.endswith(" of") else trigger
        if unit_text:
            words = f"{words} {unit_text}"
        start = len(self.parts)
        self.put(words)
        fact = {
            "id": f"N{len(self.facts) + 1}",
            "start": start,
            "end": None,
            "text": words,
            "value": value,
            "low": _bound(rule["low"], value, stated_low),
            "high": _bound(rule["high"], value, stated_high),
            "interval_rule": rule["id"],
            "unit": unit,
            "unit_text": unit_text,
            "quantity_kind": kind,
            "approximation": rule["approximation"],
            "ontonotes_type": ontonotes,
            "measured_entity_id": None,
            "measured_span": None,
            "quote_id": None,
        }
        self.facts.append(fact)
        self.known.append(fact)
        return fact

    def count_phrase(self, quote_id: str | None = None) -> None:
        """'about 300 visitors' / 'dozens of visitors': a count fact and what it counts."""
        noun, unit = self.pick(_COUNT_NOUNS)
        rule_form = self.rule(vague_ok=True)
        fact = self.fact(rule_form, (40, 120, 300, 1600, 3000, 12500), unit, None, "count", "CARDINAL")
        self.put(" of " if rule_form[2] == _VAGUE and _takes_of(rule_form[1]) else " ")
        fact["measured_span"] = self.span(noun)
        fact["quote_id"] = quote_id

    # -- sentences -----------------------------------------------------------------------
    def s_count(self, places: list[str]) -> None:
        self.put("On ")
        self.date()
        self.put(", ")
        self.count_phrase()
        self.put(f" {self.pick(_COUNT_VERBS)} ")
        self.place(places)
        self.put(".")

    def s_measure(self, places: list[str]) -> None:
        opening, measured, verb, unit_text, unit, kind, ontonotes, values = self.pick(_MEASURES)
        if opening:  # "In Lumen Bay, the turnout at the vote reached 58 percent."
            self.put(opening)
            entity = self.place(places)
            self.put(", the ")
            measured_span = self.span(measured)
        else:  # "The flooded area near Lumen Bay covers 5 square miles."
            self.put("The ")
            measured_span = self.span(measured)
            self.put(" near ")
            entity = self.place(places)
        self.put(verb)
        scale = _MONEY_SCALE if kind == "money" else 1
        fact = self.fact(self.rule(vague_ok=False), values, unit, unit_text, kind, ontonotes, scale)
        fact["measured_span"] = measured_span
        if kind == "percentage":
            fact["measured_entity_id"] = entity["id"]
        self.put(".")

    def s_direct(self, people: list[tuple[str, str, str]], with_fact: bool) -> None:
        """“We ran out of chairs: about 300 visitors in one day,” Pérez said."""
        self.put("“")
        content_start = len(self.parts)
        self.put(self.emoji(self.pick(_QUOTE_TEXTS)))
        if with_fact:
            self.put(": ")
            self.count_phrase(f"Q{len(self.quotes) + 1}")
            self.put(" in one day")
        content = self.span_at(content_start)
        self.put(",” ")
        speaker, start = self.person(people)
        source = self.span_at(start)
        self.put(" ")
        cue = self.span(self.pick(_CUES))
        self.put(".")
        self.add_quote("direct", source, cue, content, speaker)

    def s_indirect(self, people, places, orgs, with_fact: bool) -> None:
        """Mayor Ana Pérez said that … / Aid groups said the plan was “far too late”."""
        start = len(self.parts)
        choice = self.r()
        if choice < 0.25:
            self.put(self.pick(_GROUPS))
            speaker = None
        elif choice < 0.5:
            speaker = self.org(orgs, nominal_ok=False)
        else:
            speaker = self.person(people, with_role=True)[0]
        source = self.span_at(start)
        self.put(" ")
        cue = self.span(self.pick(_CUES[:2]))
        self.put(" that ")
        content_start = len(self.parts)
        mixed = self.r() < 0.25
        if mixed:
            self.put("the plan for ")
            self.place(places)
            self.put(f" was “{self.pick(_MIXED)}”")
        else:
            self.put(self.emoji(self.pick(_THAT_CLAUSES)))
        if with_fact:
            self.put(" after ")
            self.count_phrase(f"Q{len(self.quotes) + 1}")
            self.put(" complained")
        content = self.span_at(content_start)
        self.put(".")
        self.add_quote("mixed" if mixed else "indirect", source, cue, content, speaker)

    def s_people(self, people, places, orgs) -> None:
        choice = self.r()
        if choice < 0.35:
            self.person(people, with_role=True)
            self.put(" met officials from ")
            self.org(orgs)
            self.put(" on ")
            self.date()
            self.put(".")
        elif choice < 0.7:
            self.put("Residents of ")
            entity = self.place(places)
            self.put(" asked ")
            self.person(people, with_role=True)
            self.put(" to visit the ")
            self.mention(entity, self.pick(("city", "town")), "nominal")
            self.put(" again.")
        else:
            self.org(orgs, nominal_ok=False)
            self.put(" has worked in the area since ")
            self.date(_YEARS)
            self.put(", and its staff know the streets well.")

    def add_quote(self, kind: str, source, cue, content, speaker: dict[str, Any] | None) -> None:
        self.quotes.append(
            {
                "id": f"Q{len(self.quotes) + 1}",
                "kind": kind,
                "source": [source],
                "cue": [cue],
                "content": [content],
                "speaker_entity_id": speaker["id"] if speaker is not None else None,
            }
        )

    # -- the whole document ----------------------------------------------------------------
    def build(self) -> dict[str, Any]:
        rng, r = self.rng, self.r
        people = [(self.pick(_FIRST), self.pick(_LAST), self.pick(_ROLES)) for _ in range(4)]
        places = [f"{self.pick(_PLACE_A)} {b}" for b in rng.sample(_PLACE_B, 3)]
        orgs: list[tuple[str, str | None]] = [(f"{p} {self.pick(_ORG_B)}", p) for p in places[:2]]
        orgs.append((self.pick(_ORG_STANDALONE), None))

        self.place(places[:1])  # the headline
        self.put(" " + self.emoji(self.pick(_HEADLINES)) + "\n\n")
        # 14 sentences carry the quotes and facts (4 quotes hold a fact); the rest fill the text
        planned = ["direct", "indirect"] * 4 + ["count", "measure"] * 3
        rng.shuffle(planned)
        quote_facts = [True] * 4 + [False] * 4
        rng.shuffle(quote_facts)
        n = 0
        while True:
            here = self.text_length()
            if not planned and here >= TARGET_CHARS - 60:
                break
            if n:
                self.put("\n\n" if n % 4 == 0 else " ")
            n += 1
            kind = planned.pop() if planned and (r() < 0.55 or here > TARGET_CHARS - 1200) else None
            if kind == "direct":
                self.s_direct(people, quote_facts.pop())
            elif kind == "indirect":
                self.s_indirect(people, places, orgs, quote_facts.pop())
            elif kind == "count":
                self.s_count(places)
            elif kind == "measure":
                self.s_measure(places)
            elif r() < 0.7:
                self.put(self.emoji(self.pick(_FILLER)))
            else:
                self.s_people(people, places, orgs)
        text = "".join(self.parts)
        offsets = list(accumulate(map(len, self.parts), initial=0))  # part index -> code-point offset
        for span in self.known:
            span["start"] = start = offsets[span["start"]]
            span["end"] = start + len(span["text"])
        for span in self.ranges:
            span["start"], span["end"] = start, end = offsets[span["start"]], offsets[span["end"]]
            span["text"] = text[start:end]
        return {
            "schema_version": schema_version(),
            "doc_id": self.doc_id,
            "text": text,
            "title": text[: text.index("\n")],
            "language": "en",
            "text_sha256": sha256_hex(text),
            "source": _source(),
            "text_license": _license(),
            "annotation_license": _license(),
            "split": self.split,
            "annotation": _annotation(),
            "entities": self.entities,
            "mentions": [
                {
                    "id": f"M{n}",
                    "entity_id": entity["id"],
                    "start": (start := offsets[part]),
                    "end": start + len(words),
                    "text": words,
                    "type": entity["type"],
                    "kind": kind,
                }
                for n, (entity, part, words, kind) in enumerate(self.mentions, 1)
            ],
            "quotes": self.quotes,
            "numeric_facts": self.facts,
        }


def _unknown(note: str) -> dict[str, Any]:
    return {"value": None, "status": "unknown", "note": note}


def _source() -> dict[str, Any]:
    return {
        "publisher": _unknown("Synthetic text made by newsfacts.bench.synthetic; never published."),
        "author": {
            "value": "newsfacts.bench.synthetic",
            "status": "known",
            "note": "Generated for benchmarks and tests.",
        },
        "url": _unknown("Never published."),
        "published": _unknown("Never published."),
        "retrieved": _unknown("Generated, not retrieved."),
        "seed_file": None,
        "seed_sha256": None,
    }


def _license() -> dict[str, Any]:
    return {"value": "CC0-1.0", "status": "known", "note": "Synthetic text generated by newsfacts.bench.synthetic."}


def _annotation() -> dict[str, Any]:
    return {
        "set": "gold",
        "status": "gold",
        "guidelines_version": "1.0.0",
        "annotators": ["newsfacts.bench.synthetic"],
        "note": "Synthetic document: annotations are right by construction.",
    }
