"""Draft annotations for a new article: numeric facts and quotes, by general rules.

The draft is a document record (``annotation.set`` ``suggest``, status ``machine_suggestion``,
a ``confidence`` on every item) for a person to correct; entities and mentions are not
suggested. The rules follow corpus/GUIDELINES.md in general terms; they were developed on the
validation split of the Wikinews articles only (README, “Draft a new article”):

* ``facts``: numeric facts (numbers, ranges, scores, ranks, ratios, approximators and
  magnitude words of schema/interval-rules.json), with units from ``units`` (a lexicon
  generated from pint's registry and UCUM codes by ``make_units``) and currencies;
* ``quotes``: direct quotes from quotation marks and reported speech from the cue lexicon
  of ``cues``;
* ``text``: sentences, paragraphs, spans.

Time is linear in the length of the text in practice: every pass is one regular-expression
scan whose matches look at a bounded window around them (at most a sentence, and at most a few
hundred characters back), and positions are found by binary search.
"""

from __future__ import annotations

import bisect
from pathlib import Path
from typing import Any

from newsfacts.corpus.ingest import GUIDELINES_VERSION, new_record
from newsfacts.research.suggest.facts import suggest_numeric_facts
from newsfacts.research.suggest.quotes import suggest_quotes

__all__ = ["annotate", "suggest_document", "suggest_numeric_facts", "suggest_quotes"]

ANNOTATION = {
    "set": "suggest",
    "status": "machine_suggestion",
    "guidelines_version": GUIDELINES_VERSION,
    "annotators": ["newsfacts suggest (rule-based program)"],
    "note": "Machine suggestions to be corrected by a person: numeric facts and quotes only; no entities or mentions.",
}


def suggest_document(seed: Path, raw: bytes, provenance: Any = None, *, seed_file: str | None = None) -> dict[str, Any]:
    """A draft record of a seed article: its document fields as ``ingest`` makes them (``provenance``
    from ``load_provenance``, ``seed_file`` relative to the seeds folder), and suggestions."""
    doc = new_record(seed, raw, provenance, seed_file=seed_file)
    doc["annotation"] = dict(ANNOTATION)
    annotate(doc)
    return doc


def annotate(doc: dict[str, Any]) -> dict[str, Any]:
    """Fill the numeric-fact and quote layers of ``doc`` with suggestions (ids, order, quote links)."""
    text = doc["text"]
    quotes = [q for q in suggest_quotes(text) if q["content"]]

    def first(q: dict[str, Any]) -> tuple[int, int, int]:
        starts = [s["start"] for role in ("source", "cue", "content") for s in q[role]]
        return min(starts), q["content"][0]["start"], -q["content"][0]["end"]

    quotes.sort(key=first)
    unique: dict[tuple, dict[str, Any]] = {}
    for q in quotes:
        unique.setdefault(tuple((s["start"], s["end"]) for s in q["content"]), q)
    quotes = list(unique.values())
    for n, q in enumerate(quotes, 1):
        q["id"] = f"Q{n}"
    facts = suggest_numeric_facts(text)
    contents = sorted((c["start"], c["end"], q["id"]) for q in quotes for c in q["content"])
    starts = [c[0] for c in contents]
    longest = max((e - s for s, e, _ in contents), default=0)
    for n, fact in enumerate(facts, 1):
        fact["id"] = f"N{n}"
        # the innermost content span holding the fact (contents are sorted: look back only as far
        # as the longest one reaches)
        best = None
        i = bisect.bisect_right(starts, fact["start"]) - 1
        while i >= 0 and contents[i][0] >= fact["start"] - longest:
            s, e, qid = contents[i]
            if fact["end"] <= e and (best is None or e - s < best[0]):
                best = (e - s, qid)
            i -= 1
        fact["quote_id"] = best[1] if best else None
    doc["quotes"], doc["numeric_facts"] = quotes, facts
    return doc
