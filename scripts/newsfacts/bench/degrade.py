"""A system's output, imitated: degraded copies of valid documents, for the scoring benchmark.

``degrade`` keeps a document valid (a full record any validator accepts) while making the mistakes
systems make: mentions missed, cut short, split off into entities of their own, whole entities
retyped, quotes missed or given each other's sources, facts missed or misread. ``as_prediction``
strips a record down to the predictions format (``doc_id`` and the layers, no texts).
``long_document`` and ``shifted`` make one document of many mentions and a degraded prediction
of it, for the linearity check.
"""

from __future__ import annotations

import copy
import random
from typing import Any

from newsfacts.contract.schema import document_schema
from newsfacts.corpus.ingest import sha256_hex

Doc = dict[str, Any]


def degrade(doc: Doc, rng: random.Random) -> Doc:
    """A valid degraded copy of ``doc``, as a system named ``system`` might annotate it."""
    pred = copy.deepcopy(doc)
    pred["annotation"] = {
        "set": "system",
        "status": "prediction",
        "guidelines_version": None,
        "annotators": ["newsfacts.bench.degrade"],
        "note": None,
    }
    spans = {(m["start"], m["end"]) for m in pred["mentions"]}
    types = {e["id"]: e for e in pred["entities"]}
    kept = []
    for n, m in enumerate(pred["mentions"]):
        roll = rng.random()
        if roll < 0.08:
            continue  # missed
        if roll < 0.16 and " " in m["text"]:
            cut = m["text"].index(" ") + 1
            new = (m["start"] + cut, m["end"])
            if new not in spans and m["text"][cut:].strip() == m["text"][cut:]:
                spans.add(new)
                m["start"], m["text"] = new[0], m["text"][cut:]  # cut short
        elif roll < 0.21:
            entity = {"id": f"X{n}", "type": m["type"], "name": f"{m['text']} (split {n})", "kb": []}
            pred["entities"].append(entity)
            types[entity["id"]] = entity
            m["entity_id"] = entity["id"]  # split off
        kept.append(m)
    pred["mentions"] = kept
    labels = document_schema()["$defs"]["ontonotes_label"]["enum"]
    for entity in pred["entities"]:
        if rng.random() < 0.05:
            entity["type"] = rng.choice([x for x in labels if x != entity["type"]])  # retyped
    for m in pred["mentions"]:
        m["type"] = types[m["entity_id"]]["type"]
    alive = {m["entity_id"] for m in pred["mentions"]}
    pred["entities"] = [e for e in pred["entities"] if e["id"] in alive]
    quotes = [q for q in pred["quotes"] if rng.random() >= 0.1]
    if len(quotes) >= 2 and rng.random() < 0.5:
        a, b = rng.sample(range(len(quotes)), 2)
        qa, qb = quotes[a], quotes[b]
        qa["source"], qb["source"] = qb["source"], qa["source"]
        qa["speaker_entity_id"], qb["speaker_entity_id"] = qb["speaker_entity_id"], qa["speaker_entity_id"]
    for q in quotes:
        if q["speaker_entity_id"] not in alive or not q["source"]:
            q["speaker_entity_id"] = None
    pred["quotes"] = quotes
    quote_ids = {q["id"] for q in quotes}
    facts = []
    for f in pred["numeric_facts"]:
        if rng.random() < 0.08:
            continue
        if f["interval_rule"] == "exact" and f["value"] is not None and rng.random() < 0.1:
            f["value"] = f["low"] = f["high"] = f["value"] + 1  # misread
        if f["measured_entity_id"] not in alive:
            f["measured_entity_id"] = None
        if f["quote_id"] not in quote_ids:
            f["quote_id"] = None
        facts.append(f)
    pred["numeric_facts"] = facts
    return pred


_DROP = ("text",)


def as_prediction(doc: Doc) -> Doc:
    """``doc`` in the predictions format: ``doc_id`` and the layers, without span texts."""

    def bare(span: dict[str, Any]) -> dict[str, Any]:
        return {"start": span["start"], "end": span["end"]}

    return {
        "doc_id": doc["doc_id"],
        "entities": [{"id": e["id"], "type": e["type"]} for e in doc["entities"]],
        "mentions": [{k: v for k, v in m.items() if k not in _DROP} for m in doc["mentions"]],
        "quotes": [
            {
                **{k: v for k, v in q.items() if k not in ("source", "cue", "content")},
                **{r: [bare(s) for s in q[r]] for r in ("source", "cue", "content")},
            }
            for q in doc["quotes"]
        ],
        "numeric_facts": [
            {
                **{k: v for k, v in f.items() if k not in ("text", "measured_span")},
                "measured_span": None if f["measured_span"] is None else bare(f["measured_span"]),
            }
            for f in doc["numeric_facts"]
        ],
    }


def long_document(mentions: int) -> Doc:
    """One valid document with ``mentions`` mentions (four to a sentence, four to an entity)."""
    parts: list[str] = ["A long report", ""]
    at = len("A long report\n\n")
    ents: list[dict[str, Any]] = []
    found: list[dict[str, Any]] = []
    kinds = (("PERSON", "Person"), ("GPE", "Town"), ("ORG", "Board"), ("DATE", "Day"))
    per_type = max(1, mentions // 16)
    sentence_words: list[str] = []
    for n in range(mentions):
        label, word = kinds[n % 4]
        number = (n // 4) % per_type
        entity_id = f"E{label[0]}{number}"
        if (
            len(ents) < 4 * per_type
            and not any(e["id"] == entity_id for e in ents[-4:])
            and entity_id not in _ids(ents)
        ):
            ents.append({"id": entity_id, "type": label, "name": f"{word} {number}", "kb": []})
        text = f"{word} {number}"
        lead = {0: "", 1: " met ", 2: " and ", 3: " on "}[n % 4]
        sentence_words.append(lead)
        at += len(lead)
        found.append(
            {
                "id": f"M{n}",
                "entity_id": entity_id,
                "start": at,
                "end": at + len(text),
                "text": text,
                "type": label,
                "kind": "name",
            }
        )
        sentence_words.append(text)
        at += len(text)
        if n % 4 == 3 or n == mentions - 1:
            sentence_words.append(". ")
            at += 2
    body = "".join(sentence_words).rstrip()
    text = "\n".join(parts) + "\n" + body
    doc = {
        "schema_version": document_schema()["properties"]["schema_version"]["enum"][-1],
        "doc_id": f"long-{mentions}",
        "text": text,
        "title": "A long report",
        "language": "en",
        "text_sha256": sha256_hex(text),
        "source": {
            **{
                k: {"value": None, "status": "unknown", "note": "Generated."}
                for k in ("publisher", "author", "url", "published", "retrieved")
            },
            "seed_file": None,
            "seed_sha256": None,
        },
        "text_license": {"value": "CC0-1.0", "status": "known", "note": "Generated."},
        "annotation_license": {"value": "CC0-1.0", "status": "known", "note": "Generated."},
        "split": "test",
        "annotation": {
            "set": "gold",
            "status": "gold",
            "guidelines_version": None,
            "annotators": ["newsfacts.bench"],
            "note": None,
        },
        "entities": ents,
        "mentions": found,
        "quotes": [],
        "numeric_facts": [],
    }
    return doc


def _ids(ents: list[dict[str, Any]]) -> set[str]:
    return {e["id"] for e in ents}


def shifted(gold: Doc) -> Doc:
    """A degraded prediction of ``gold`` in the predictions format: every 5th mention missed, every 7th
    cut short by a character, every 11th retyped, every 13th split off into a cluster of its own."""
    mentions = []
    for n, m in enumerate(gold["mentions"]):
        if n % 5 == 0:
            continue
        out = {
            "start": m["start"] + (1 if n % 7 == 0 else 0),
            "end": m["end"],
            "type": m["type"],
            "entity_id": m["entity_id"],
        }
        if n % 11 == 0:
            out["type"] = "LOC" if m["type"] != "LOC" else "GPE"
        if n % 13 == 0:
            out["entity_id"] = f"split-{n}"
        mentions.append(out)
    return {"doc_id": gold["doc_id"], "mentions": mentions}
