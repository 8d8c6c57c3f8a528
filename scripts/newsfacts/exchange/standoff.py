"""The plain standoff structure the exchange formats (brat, Label Studio) share.

A document becomes labelled *regions* (one or more code-point spans), *relations* between
regions, *groups* of coreferent mention regions, and what no standoff format expresses:
per-region *notes* (the remaining fields of an annotation, as a dict) and the document's
*meta* (every top-level field but ``text`` and the layers, plus the entity records).

Mapping (the same in every format):

* mention → region labelled with its OntoNotes type; attribute ``Kind``;
  note ``{"id", "entity_id"[, "confidence"]}``; mentions of one entity form a ``Coref`` group.
* quote → its cue is the anchor region ``QuoteCue`` (attribute ``QuoteKind``; note
  ``{"id", "speaker_entity_id"[, "confidence"]}``); source and content are regions
  ``QuoteSource`` / ``QuoteContent`` (several spans = a discontinuous region) linked from the
  cue by relations ``Source`` / ``Content``. A quote with no cue (attributed by layout alone)
  is anchored on its content region instead, which then carries the attribute and the note.
* numeric fact → region ``NumericFact`` (attributes ``Approximation``, ``QuantityKind``,
  ``OntoNotesType``; note ``{"id", "value", "low", "high", "interval_rule", "unit",
  "unit_text", "measured_entity_id"[, "confidence"]}``); its measured span is a region
  ``Measured`` linked by ``Measures``; its quote a relation ``StatedIn`` to the quote's cue.

`from_standoff` rebuilds the document and reports what does not fit as Issues located at
the region's ``file``/``line``; it never raises on bad input. A mention with neither a note
naming its entity nor a ``Coref`` group (a corpus from elsewhere) joins the entity of the
earlier mentions of its type and text, else gets one of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from newsfacts.contract.codes import issue
from newsfacts.contract.documents import LAYERS
from newsfacts.contract.report import Issue
from newsfacts.contract.schema import document_schema
from newsfacts.corpus.ingest import sha256_hex

ONTONOTES = tuple(document_schema()["$defs"]["ontonotes_label"]["enum"])
QUOTE_ROLES = {"source": ("QuoteSource", "Source"), "content": ("QuoteContent", "Content")}
LABELS = (*ONTONOTES, "QuoteCue", "QuoteSource", "QuoteContent", "NumericFact", "Measured")
RELATIONS = ("Source", "Content", "Measures", "StatedIn")
#: Each relation's (Arg1, Arg2) labels, alternatives joined by "|" (brat's notation): a relation
#: between other labels does not map. A quote's anchor is its cue, or its content when it has no cue.
QUOTE_ANCHORS = "QuoteCue|QuoteContent"
RELATION_ARGS = {
    "Source": (QUOTE_ANCHORS, "QuoteSource"),
    "Content": ("QuoteCue", "QuoteContent"),
    "Measures": ("NumericFact", "Measured"),
    "StatedIn": ("NumericFact", QUOTE_ANCHORS),
}
#: Labels of the regions that exist only as the second argument of a relation.
ROLE_LABELS = {"QuoteSource": "Source", "QuoteContent": "Content", "Measured": "Measures"}
#: Note fields that name annotations or entities: strings (or null) only.
REFERENCE_NOTES = ("id", "entity_id", "speaker_entity_id", "measured_entity_id")
#: A --label-map target that drops the label's regions instead of renaming them.
DROP = "-"
ATTRIBUTES = {
    "Kind": "mention",
    "QuoteKind": "quote",
    "Approximation": "numeric_fact",
    "QuantityKind": "numeric_fact",
    "OntoNotesType": "numeric_fact",
}
_FIELD = {
    "Kind": "kind",
    "QuoteKind": "kind",
    "Approximation": "approximation",
    "QuantityKind": "quantity_kind",
    "OntoNotesType": "ontonotes_type",
}
FACT_NOTE = ("value", "low", "high", "interval_rule", "unit", "unit_text", "measured_entity_id")


@dataclass
class Region:
    rid: str  # the format's own id (brat T1, a Label Studio region id); relations use it
    label: str
    spans: list[tuple[int, int]]
    attrs: dict[str, str] = field(default_factory=dict)
    note: dict[str, Any] = field(default_factory=dict)
    file: str | None = None
    line: int | None = None
    pointer: str | None = None  # where a JSON format (Label Studio) holds it


@dataclass
class Relation:
    label: str
    head: str
    tail: str
    file: str | None = None
    line: int | None = None
    pointer: str | None = None


@dataclass
class Standoff:
    text: str
    meta: dict[str, Any]
    regions: list[Region] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    groups: list[list[str]] = field(default_factory=list)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"{text[:20]} is too large for a number")
    return value


#: Options of ``json.loads``/``JSONDecoder`` for imported files: NaN, Infinity and numbers too
#: large for a float are errors (ValueError), as in every newsfacts JSON file.
STRICT_JSON: dict[str, Any] = {"parse_constant": _no_constant, "parse_float": _finite}


def apply_label_map(so: Standoff, label_map: dict[str, str] | None, *, file: str | None = None) -> list[Issue]:
    """Rename region labels by ``label_map`` (a label mapped to ``DROP`` loses its regions, with
    the relations and coreference links that name them); one warning per dropped label."""
    if not label_map:
        return []
    dropped: dict[str, list[Region]] = {}
    kept = []
    for region in so.regions:
        target = label_map.get(region.label, region.label)
        if target == DROP:
            dropped.setdefault(region.label, []).append(region)
        else:
            region.label = target
            kept.append(region)
    gone = {r.rid for regions in dropped.values() for r in regions}
    so.regions = kept
    so.relations = [r for r in so.relations if r.head not in gone and r.tail not in gone]
    so.groups = [g for g in ([rid for rid in group if rid not in gone] for group in so.groups) if len(g) > 1]
    return [
        issue(
            "import-skipped",
            f"{len(regions)} region(s) labelled {label!r} dropped, as --label-map says",
            file=regions[0].file or file,
            line=regions[0].line,
        )
        for label, regions in dropped.items()
    ]


def meta_issues(meta: Any, *, file: str | None, line: int | None = None, pointer: str | None = None) -> list[Issue]:
    """Problems with the shape of a sidecar's metadata: ``{"document": {...}, "entities": [{...}, …]}``."""
    where = {"file": file, "line": line, "pointer": pointer}
    if not isinstance(meta, dict) or not isinstance(meta.get("document"), dict):
        return [issue("import-bad-metadata", "expected an object with 'document' (an object)", **where)]
    entities = meta.get("entities", [])
    if not isinstance(entities, list):
        return [issue("import-bad-metadata", "'entities' must be a list of entity objects", **where)]
    for n, entity in enumerate(entities):
        if not isinstance(entity, dict) or not isinstance(entity.get("id"), str):
            return [issue("import-bad-metadata", f"entities[{n}] is not an entity object with a string id", **where)]
    return []


def attribute_values(attribute: str) -> list[str]:
    """The values an attribute takes: the enum of its schema field."""
    defs = document_schema()["$defs"]
    record = {"mention": "mention", "quote": "quote", "numeric_fact": "numeric_fact"}[ATTRIBUTES[attribute]]
    return list(defs[record]["properties"][_FIELD[attribute]]["enum"])


def to_standoff(doc: dict[str, Any]) -> Standoff:
    """The standoff form of a (valid) document. Region ids are the annotation ids."""
    meta = {k: v for k, v in doc.items() if k != "text" and k not in LAYERS}
    out = Standoff(doc["text"], {"document": meta, "entities": doc["entities"]})
    by_entity: dict[str, list[str]] = {}
    for m in doc["mentions"]:
        note = {"id": m["id"], "entity_id": m["entity_id"], **_optional(m, "confidence")}
        out.regions.append(Region(m["id"], m["type"], [(m["start"], m["end"])], {"Kind": m["kind"]}, note))
        by_entity.setdefault(m["entity_id"], []).append(m["id"])
    out.groups = [ids for ids in by_entity.values() if len(ids) > 1]
    for q in doc["quotes"]:
        note = {"id": q["id"], "speaker_entity_id": q["speaker_entity_id"], **_optional(q, "confidence")}
        anchored = "cue" if q["cue"] else "content"
        label = "QuoteCue" if q["cue"] else "QuoteContent"
        out.regions.append(Region(q["id"], label, _spans(q[anchored]), {"QuoteKind": q["kind"]}, note))
        for role, (label, relation) in QUOTE_ROLES.items():
            if q[role] and role != anchored:
                rid = f"{q['id']}.{role}"
                out.regions.append(Region(rid, label, _spans(q[role])))
                out.relations.append(Relation(relation, q["id"], rid))
    for f in doc["numeric_facts"]:
        attrs = {name: f[_FIELD[name]] for name, layer in ATTRIBUTES.items() if layer == "numeric_fact"}
        note = {"id": f["id"], **{k: f[k] for k in FACT_NOTE}, **_optional(f, "confidence")}
        out.regions.append(Region(f["id"], "NumericFact", [(f["start"], f["end"])], attrs, note))
        if f["measured_span"] is not None:
            rid = f"{f['id']}.measured"
            out.regions.append(Region(rid, "Measured", _spans([f["measured_span"]])))
            out.relations.append(Relation("Measures", f["id"], rid))
        if f["quote_id"] is not None:
            out.relations.append(Relation("StatedIn", f["id"], f["quote_id"]))
    return out


def _relation_fits(relation: str, head: str, tail: str) -> bool:
    arg1, arg2 = RELATION_ARGS[relation]
    return head in arg1.split("|") and tail in arg2.split("|")


def _is_anchor(region: Region) -> bool:
    """A content region that anchors a quote with no cue (it carries the quote's kind)."""
    return region.label == "QuoteContent" and "QuoteKind" in region.attrs


def _optional(record: dict[str, Any], key: str) -> dict[str, Any]:
    return {key: record[key]} if key in record else {}


def _spans(spans: list[dict[str, Any]]) -> list[tuple[int, int]]:
    return [(s["start"], s["end"]) for s in spans]


def default_meta(text: str, doc_id: str, origin: str) -> dict[str, Any]:
    """Document fields for an import that brings no newsfacts metadata (e.g. a plain brat corpus)."""
    unknown = {"value": None, "status": "unknown", "note": f"Not recorded in {origin}."}
    source = {k: dict(unknown) for k in ("publisher", "author", "url", "published", "retrieved")}
    return {
        "schema_version": document_schema()["properties"]["schema_version"]["enum"][-1],
        "doc_id": doc_id,
        "title": text.split("\n", 1)[0],
        "language": "en",
        "text_sha256": sha256_hex(text),
        "source": {**source, "seed_file": None, "seed_sha256": None},
        "text_license": dict(unknown),
        "annotation_license": dict(unknown),
        "split": "unassigned",
        "annotation": {
            "set": "imported",
            "status": "independent_pass",
            "guidelines_version": None,
            "annotators": [],
            "note": f"Imported from {origin}.",
        },
    }


def from_standoff(so: Standoff, *, file: str | None = None) -> tuple[dict[str, Any], list[Issue]]:
    """Rebuild a document from its standoff form, and the problems found doing so."""
    issues: list[Issue] = []
    text = so.text
    regions = {r.rid: r for r in so.regions}
    doc: dict[str, Any] = {**so.meta.get("document", {}), "text": text}
    used_ids: set[str] = {str(r.note["id"]) for r in so.regions if isinstance(r.note.get("id"), str)}
    used_ids |= {e["id"] for e in so.meta.get("entities", []) if isinstance(e, dict) and isinstance(e.get("id"), str)}

    counters: dict[str, int] = {}

    def fresh(prefix: str) -> str:  # the next unused id (linear over a document, not quadratic)
        n = counters.get(prefix, 1)
        while f"{prefix}{n}" in used_ids:
            n += 1
        counters[prefix] = n + 1
        used_ids.add(f"{prefix}{n}")
        return f"{prefix}{n}"

    def where(obj: Region | Relation) -> dict[str, Any]:
        return {"file": obj.file or file, "line": obj.line, "pointer": obj.pointer}

    for region in so.regions:
        wrong = [k for k in REFERENCE_NOTES if not isinstance(region.note.get(k), (str, type(None)))]
        if wrong:
            issues.append(
                issue("import-bad-note", f"{region.rid}: the note's {wrong[0]!r} must be a string id", **where(region))
            )
    if issues:
        return {}, issues

    def span_dicts(region: Region) -> list[dict[str, Any]]:
        out = []
        for start, end in region.spans:
            if not 0 <= start < end <= len(text):
                issues.append(
                    issue(
                        "import-bad-offsets",
                        f"{region.rid}: span [{start}, {end}) is not within 0 <= start < end <= {len(text)}",
                        **where(region),
                    )
                )
                continue
            out.append({"start": start, "end": end, "text": text[start:end]})
        return out

    unknown: dict[str, list[Region]] = {}
    for region in so.regions:
        if region.label not in LABELS:
            unknown.setdefault(region.label, []).append(region)
    if unknown:
        first = min((r for regions in unknown.values() for r in regions), key=lambda r: r.line or 0)
        listed = ", ".join(f"{label} ({len(regions)})" for label, regions in sorted(unknown.items()))
        issues.append(
            issue(
                "import-unknown-label",
                f"labels not in the newsfacts mapping: {listed}; map them with --label-map "
                f"'{sorted(unknown)[0]}=<label>,…' (a newsfacts label, or {DROP} to drop the label)",
                **where(first),
            )
        )
    heads: dict[tuple[str, str], list[Region]] = {}
    linked: set[str] = set()
    contents: set[str] = set()  # the content regions a cue links to (the others anchor a cue-less quote)
    for rel in so.relations:
        missing = [x for x in (rel.head, rel.tail) if x not in regions]
        if rel.label not in RELATIONS:
            issues.append(
                issue("import-unknown-label", f"relation label {rel.label!r} is not one of {RELATIONS}", **where(rel))
            )
        elif missing:
            issues.append(
                issue("import-unknown-reference", f"relation {rel.label} names unknown {missing[0]!r}", **where(rel))
            )
        elif not _relation_fits(rel.label, regions[rel.head].label, regions[rel.tail].label):
            arg1, arg2 = RELATION_ARGS[rel.label]
            issues.append(
                issue(
                    "import-bad-relation",
                    f"{rel.label} runs from {regions[rel.head].label} {rel.head} to {regions[rel.tail].label} "
                    f"{rel.tail}; a {rel.label} relation runs from a {arg1} to a {arg2}",
                    **where(rel),
                )
            )
        else:
            heads.setdefault((rel.head, rel.label), []).append(regions[rel.tail])
            linked.add(rel.tail)
            if rel.label == "Content":
                contents.add(rel.tail)
    for region in so.regions:
        if region.label in ROLE_LABELS and region.rid not in linked and not _is_anchor(region):
            relation = ROLE_LABELS[region.label]
            issues.append(
                issue(
                    "import-orphan-region",
                    f"{region.rid} ({region.label}) is the second argument of no {relation} relation "
                    f"from a {RELATION_ARGS[relation][0]}",
                    **where(region),
                )
            )

    # coreference: a mention's entity is its note's entity_id; a group shares one entity
    entity_of: dict[str, str | None] = {r.rid: r.note.get("entity_id") for r in so.regions if r.label in ONTONOTES}
    for group in so.groups:
        bad = [rid for rid in group if rid not in entity_of]
        if bad:
            issues.append(issue("import-unknown-reference", f"Coref group names {bad[0]!r}, not a mention", file=file))
            continue
        named = {entity_of[rid] for rid in group} - {None}
        if len(named) > 1:
            issues.append(
                issue(
                    "import-coref-conflict",
                    f"Coref group {' '.join(group)} joins mentions of entities {', '.join(sorted(map(str, named)))}",
                    **where(regions[group[0]]),
                )
            )
            continue
        shared = named.pop() if named else fresh("E")
        for rid in group:
            entity_of[rid] = shared
    grouped = {rid for g in so.groups for rid in g}
    for rid, entity_id in entity_of.items():
        if entity_id is not None and rid not in grouped:
            members = [r for r, e in entity_of.items() if e == entity_id]
            if len(members) > 1:
                issues.append(
                    issue(
                        "import-coref-conflict",
                        f"{rid} shares entity {entity_id} with {', '.join(m for m in members if m != rid)} "
                        "but is in no Coref group with them",
                        **where(regions[rid]),
                    )
                )

    entities = [dict(e) for e in so.meta.get("entities", []) if isinstance(e, dict)]
    known_entities = {e.get("id") for e in entities}
    mentions, quotes, facts = [], [], []
    by_text: dict[tuple[str, str], str] = {}
    for region in so.regions:
        spans = span_dicts(region)
        if len(spans) != len(region.spans) or not spans:
            continue
        note = region.note
        if region.label in ONTONOTES:
            if len(spans) != 1:
                issues.append(issue("import-bad-offsets", f"{region.rid}: a mention has one span", **where(region)))
                continue
            entity_id = entity_of[region.rid]
            if entity_id is None:  # no note, no Coref group: one entity per type and text
                key = (region.label, spans[0]["text"])
                entity_id = by_text.get(key) or by_text.setdefault(key, fresh("E"))
            if entity_id not in known_entities:
                entities.append({"id": entity_id, "type": region.label, "name": spans[0]["text"], "kb": []})
                known_entities.add(entity_id)
            mention = {"id": note.get("id") or fresh("M"), "entity_id": entity_id, **spans[0]}
            mention.update(type=region.label, kind=region.attrs.get("Kind", "name"), **_optional(note, "confidence"))
            mentions.append(mention)
        elif region.label == "QuoteCue" or (_is_anchor(region) and region.rid not in contents):
            quote: dict[str, Any] = {"id": note.get("id") or fresh("Q"), "kind": region.attrs.get("QuoteKind")}
            quote["source"] = [s for r in heads.get((region.rid, "Source"), []) for s in span_dicts(r)]
            if region.label == "QuoteCue":
                quote["cue"] = spans
                quote["content"] = [s for r in heads.get((region.rid, "Content"), []) for s in span_dicts(r)]
            else:  # a quote with no cue, anchored on its content
                quote["cue"], quote["content"] = [], spans
            quote["speaker_entity_id"] = note.get("speaker_entity_id")
            quote.update(_optional(note, "confidence"))
            quotes.append(quote)
        elif region.label == "NumericFact":
            if len(spans) != 1:
                issues.append(
                    issue("import-bad-offsets", f"{region.rid}: a numeric fact has one span", **where(region))
                )
                continue
            fact: dict[str, Any] = {"id": note.get("id") or fresh("N"), **spans[0]}
            fact.update({k: note.get(k) for k in FACT_NOTE[:6]})
            fact["quantity_kind"] = region.attrs.get("QuantityKind")
            fact["approximation"] = region.attrs.get("Approximation")
            fact["ontonotes_type"] = region.attrs.get("OntoNotesType")
            fact["measured_entity_id"] = note.get("measured_entity_id")
            measured = [s for r in heads.get((region.rid, "Measures"), []) for s in span_dicts(r)]
            fact["measured_span"] = measured[0] if len(measured) == 1 else None
            if len(measured) > 1:
                issues.append(
                    issue(
                        "import-bad-offsets",
                        f"{region.rid}: a fact measures one span, not {len(measured)}",
                        **where(region),
                    )
                )
            stated = heads.get((region.rid, "StatedIn"), [])
            fact["quote_id"] = (stated[0].note.get("id") or stated[0].rid) if stated else None
            fact.update(_optional(note, "confidence"))
            facts.append(fact)
    for region in so.regions:
        for name in region.attrs:
            wanted = {"mention": region.label in ONTONOTES, "quote": region.label in QUOTE_ANCHORS.split("|")}
            wanted["numeric_fact"] = region.label == "NumericFact"
            if name not in ATTRIBUTES or not wanted[ATTRIBUTES[name]]:
                issues.append(
                    issue(
                        "import-unknown-label",
                        f"{region.rid}: attribute {name!r} does not apply to {region.label}",
                        **where(region),
                    )
                )
    doc.update(entities=entities, mentions=mentions, quotes=quotes, numeric_facts=facts)
    return doc, issues
