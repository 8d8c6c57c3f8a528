"""brat standoff: a document as ``<doc_id>.txt`` + ``<doc_id>.ann`` + ``<doc_id>.meta.json``.

Offsets in brat are 0-based, end-exclusive character offsets, as ours (code points). The
``.ann`` carries every span, label, relation and attribute in brat's own syntax, so the
annotations can be read and edited in brat; what brat cannot express goes into one
``AnnotatorNotes`` line per annotation (a JSON object: the annotation's id and its other
fields) and into the sidecar ``<doc_id>.meta.json`` (the document's metadata and its
entity records). See `newsfacts.exchange.standoff` for the mapping of each layer::

    T1	PERSON 59 68	Ana Pérez
    A1	Kind T1 name
    #1	AnnotatorNotes T1	{"id": "M1", "entity_id": "E1"}
    T9	QuoteContent 172 180;185 193	We ran o chairs,
    R1	Content Arg1:T8 Arg2:T9
    *	Coref T1 T5
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from newsfacts.contract.codes import issue
from newsfacts.contract.report import Issue
from newsfacts.exchange.standoff import (
    ATTRIBUTES,
    RELATIONS,
    STRICT_JSON,
    Region,
    Relation,
    Standoff,
    apply_label_map,
    default_meta,
    from_standoff,
    meta_issues,
    to_standoff,
)

META_FORMAT = "newsfacts-brat/1"
#: One fragment's offsets: at most 15 digits each (a text of a petabyte), so no integer
#: conversion ever meets thousands of digits.
_SPAN = re.compile(r"^(\d{1,15}) (\d{1,15})$")


def to_brat(doc: dict[str, Any]) -> tuple[str, str]:
    """The ``.txt`` and ``.ann`` texts of a document (its metadata: `brat_meta`)."""
    so = to_standoff(doc)
    ids = {r.rid: f"T{n}" for n, r in enumerate(so.regions, 1)}
    lines: list[str] = []
    attrs = notes = 0
    for region in so.regions:
        tid = ids[region.rid]
        offsets = ";".join(f"{s} {e}" for s, e in region.spans)
        fragment_text = " ".join(so.text[s:e] for s, e in region.spans)
        lines.append(f"{tid}\t{region.label} {offsets}\t{fragment_text}")
        for name, value in region.attrs.items():
            attrs += 1
            lines.append(f"A{attrs}\t{name} {tid} {value}")
        if region.note:
            notes += 1
            lines.append(f"#{notes}\tAnnotatorNotes {tid}\t{json.dumps(region.note, ensure_ascii=False)}")
    for n, rel in enumerate(so.relations, 1):
        lines.append(f"R{n}\t{rel.label} Arg1:{ids[rel.head]} Arg2:{ids[rel.tail]}")
    for group in so.groups:
        lines.append("*\tCoref " + " ".join(ids[rid] for rid in group))
    return doc["text"], "".join(line + "\n" for line in lines)


def brat_conf() -> str:
    """brat's ``annotation.conf`` for exported documents: the labels, relations, overlaps and attributes.

    brat refuses overlapping spans unless the configuration allows them (its
    ``verify_annotations.py`` reports each pair). Our layers need them: mentions nest (“Iraq”
    inside “Iraq’s 9th Division”), and spans of different layers overlap freely (a mention
    inside a quote's content, a numeric fact that is also a DATE mention, two facts measuring
    one span): one ``<OVERLAP>`` rule allows every kind (contain, equal, cross) between any
    two of our types.
    """
    from newsfacts.exchange.standoff import ATTRIBUTES, LABELS, QUOTE_ANCHORS, RELATION_ARGS, attribute_values

    entities = "\n".join(LABELS)
    relations = "\n".join(
        [
            *(f"{name}\tArg1:{arg1}, Arg2:{arg2}" for name, (arg1, arg2) in RELATION_ARGS.items()),
            "Coref\tArg1:<ENTITY>, Arg2:<ENTITY>, <REL-TYPE>:symmetric-transitive",
            "# nested mentions, and spans of different layers, overlap in every way (GUIDELINES.md 1.1)",
            "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>",
        ]
    )
    targets = {"mention": "|".join(LABELS[:18]), "quote": QUOTE_ANCHORS, "numeric_fact": "NumericFact"}
    attributes = "\n".join(
        f"{name}\tArg:{targets[layer]}, Value:{'|'.join(attribute_values(name))}" for name, layer in ATTRIBUTES.items()
    )
    return f"[entities]\n{entities}\n\n[relations]\n{relations}\n\n[events]\n\n[attributes]\n{attributes}\n"


#: brat labels of our own layers: (display form, short form, background colour); light tints of the hues
#: ``render``'s page marks them with (its content colour, green source, purple cue, orange fact).
LAYER_DRAWING = {
    "QuoteCue": ("Quote cue", "Cue", "#e1bee7"),
    "QuoteSource": ("Quote source", "Source", "#c8e6c9"),
    "QuoteContent": ("Quote content", "Content", "#e8ecf6"),
    "NumericFact": ("Numeric fact", "Fact", "#ffe0b2"),
    "Measured": ("What a fact measures", "Measured", "#fff3e0"),
}


def brat_visual_conf() -> str:
    """brat's ``visual.conf``: display names, the entity colours of ``render``'s page, and tints of its layer hues.

    brat works without one, but then its server falls back to defaults, and its verifier reads
    the folder tree again for every label it names in a message (minutes for one document with
    many messages).
    """
    from newsfacts.exchange.standoff import ONTONOTES
    from newsfacts.research.render import TYPE_COLOURS

    labels = [f"{label} | {name} | {short}" for label, (name, short, _) in LAYER_DRAWING.items()]
    drawing = [
        "SPAN_DEFAULT\tfgColor:black, bgColor:lightgreen, borderColor:darken",
        "ARC_DEFAULT\tcolor:black, arrowHead:triangle-5",
        *(f"{label}\tbgColor:{TYPE_COLOURS[label][0]}, borderColor:{TYPE_COLOURS[label][1]}" for label in ONTONOTES),
        *(f"{label}\tbgColor:{colour}, borderColor:darken" for label, (_, _, colour) in LAYER_DRAWING.items()),
        "Coref\tcolor:#7f8c8d, dashArray:3-3",
    ]
    return "[labels]\n" + "\n".join(labels) + "\n\n[drawing]\n" + "\n".join(drawing) + "\n"


def brat_meta(doc: dict[str, Any]) -> dict[str, Any]:
    """The sidecar ``<doc_id>.meta.json``: document metadata and entity records."""
    so = to_standoff(doc)
    return {"format": META_FORMAT, **so.meta}


def from_brat(
    txt: str,
    ann: str,
    meta: dict[str, Any] | None,
    *,
    doc_id: str = "document",
    ann_file: str | None = None,
    meta_file: str | None = None,
    label_map: dict[str, str] | None = None,
) -> tuple[dict[str, Any], list[Issue]]:
    """A document from brat files, and the problems found (located at ``ann_file`` lines).

    ``meta`` is the parsed sidecar; without one (a brat corpus from elsewhere) the document gets
    placeholder metadata (unknown provenance and licences, split ``unassigned``), one entity per
    mention chain, and the text without its final line breaks. Valid brat that does not map
    (events, normalisations, other relations, binary attributes, notes other than ours) is
    skipped with an ``import-skipped`` warning per kind; ``label_map`` renames labels of other
    schemes onto ours (see `newsfacts.exchange.standoff.apply_label_map`).
    """
    issues: list[Issue] = []
    if meta is None:
        txt = txt.rstrip("\r\n")  # brat's files end with a line break that is not part of the text
        meta = {"document": default_meta(txt, doc_id, "brat files"), "entities": []}
        ours = False
    else:
        issues = meta_issues(meta, file=meta_file, line=1)
        if issues:
            return {}, issues
        ours = True
        digest = meta["document"].get("text_sha256")
        if txt.endswith("\n") and digest and digest == default_meta(txt[:-1], doc_id, "")["text_sha256"]:
            txt = txt[:-1]  # an editor's final newline, not part of the text
    so = Standoff(txt, {k: v for k, v in meta.items() if k != "format"})
    parsed = _parse(ann, txt, ann_file, ours)
    issues += parsed.issues
    if any(i.severity != "warning" for i in issues):
        return {}, issues
    so.regions = list(parsed.regions.values())
    so.relations, so.groups = parsed.relations, parsed.groups
    issues += apply_label_map(so, label_map, file=ann_file)
    doc, found = from_standoff(so, file=ann_file)
    issues += found
    return (doc if not any(i.severity != "warning" for i in issues) else {}), issues


@dataclass
class _Parsed:
    regions: dict[str, Region] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    groups: list[list[str]] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    skipped: dict[str, list[Any]] = field(default_factory=dict)  # what → [count, first line, examples]

    def skip(self, what: str, line: int, example: str) -> None:
        entry = self.skipped.setdefault(what, [0, line, []])
        entry[0] += 1
        if example not in entry[2] and len(entry[2]) < 5:
            entry[2].append(example)


def _parse(ann: str, txt: str, ann_file: str | None, ours: bool) -> _Parsed:
    """The lines of an ``.ann`` file: text-bound annotations first, then what refers to them."""
    out = _Parsed()
    pending: list[tuple[str, int, str, list[str], str]] = []  # kind, line, id, fields, rest
    other_ids: set[str] = set()  # events, relations, normalisations…: valid targets we skip
    triggers: set[str] = set()
    for number, raw in enumerate(ann.split("\n"), 1):
        raw = raw.rstrip("\r")
        if not raw.strip():
            continue
        where = {"file": ann_file, "line": number}
        parts = raw.split("\t")
        head = parts[0]
        if len(parts) < 2 or not head or head[0] not in "TARE#*NM":
            out.issues.append(
                issue("import-malformed-line", f"expected a brat ID<TAB>annotation line: {raw[:60]!r}", **where)
            )
            continue
        fields = parts[1].split(" ")
        if head[0] == "T":
            region = _text_bound(head, parts, txt, out.issues, where)
            if region is None:
                continue
            if head in out.regions:
                out.issues.append(issue("import-malformed-line", f"{head} is defined twice", **where))
                continue
            out.regions[head] = region
        else:
            if head[0] in "ERN":
                other_ids.add(head)
            if head[0] == "E":
                trigger = fields[0].split(":", 1)[-1]
                triggers.add(trigger)
            pending.append((head[0], number, head, fields, "\t".join(parts[2:])))
    for trigger in sorted(triggers & set(out.regions)):
        region = out.regions.pop(trigger)
        out.skip("event triggers (events are not in the newsfacts mapping)", region.line or 0, region.label)
    relation_ids = set()
    for kind, number, head, fields, rest in pending:
        where = {"file": ann_file, "line": number}
        if kind == "E":
            out.skip("events", number, fields[0].split(":", 1)[0])
        elif kind == "N":
            out.skip("normalisations (knowledge-base links are not read from brat)", number, fields[0])
        elif kind in "AM":
            _attribute(out, kind, head, fields, where, triggers | other_ids)
        elif kind == "R":
            args = dict(f.split(":", 1) for f in fields[1:] if ":" in f)
            if len(fields) != 3 or set(args) != {"Arg1", "Arg2"}:
                out.issues.append(
                    issue("import-malformed-line", f"{head}: expected 'Label Arg1:<id> Arg2:<id>'", **where)
                )
            elif fields[0] not in RELATIONS:
                out.skip("relations of other labels", number, fields[0])
            elif args["Arg1"] in triggers or args["Arg2"] in triggers:
                out.skip("relations of event triggers", number, fields[0])
            else:
                out.relations.append(Relation(fields[0], args["Arg1"], args["Arg2"], ann_file, number))
                relation_ids.add(head)
        elif kind == "#":
            _note(out, head, fields, rest, where, ours, triggers | other_ids)
        elif kind == "*":
            if fields[0] != "Coref":
                out.skip("equivalence sets of other labels", number, fields[0])
            elif len(fields) < 3:
                out.issues.append(
                    issue("import-malformed-line", f"expected '*<TAB>Coref T<n> T<m>…': {_raw(fields)}", **where)
                )
            else:
                out.groups.append(fields[1:])
    for what, (count, line, examples) in out.skipped.items():
        out.issues.append(
            issue(
                "import-skipped",
                f"{count} {what} skipped: {', '.join(examples)}{' …' if count > len(examples) else ''}",
                file=ann_file,
                line=line,
            )
        )
    return out


def _attribute(out: _Parsed, kind: str, head: str, fields: list[str], where: dict[str, Any], others: set[str]) -> None:
    """``A1<TAB>Name T1 value`` (or a binary ``A1<TAB>Name T1``; ``M`` is brat's old name for ``A``)."""
    if len(fields) not in (2, 3) or not fields[0]:
        out.issues.append(issue("import-malformed-line", f"{head}: expected 'Name <id> [value]'", **where))
    elif fields[1] in others:
        out.skip("attributes of events, relations or triggers", where["line"], fields[0])
    elif fields[1] not in out.regions:
        out.issues.append(issue("import-unknown-reference", f"{head}: no annotation {fields[1]}", **where))
    elif len(fields) == 2:
        out.skip("binary attributes (no newsfacts field is a flag)", where["line"], fields[0])
    elif fields[0] not in ATTRIBUTES:
        out.skip("attributes not in the newsfacts mapping", where["line"], fields[0])
    else:
        out.regions[fields[1]].attrs[fields[0]] = fields[2]


def _note(
    out: _Parsed, head: str, fields: list[str], rest: str, where: dict[str, Any], ours: bool, others: set[str]
) -> None:
    """``#1<TAB>AnnotatorNotes T1<TAB>…``: ours hold a JSON object; brat allows any text and note type."""
    if len(fields) != 2:
        out.issues.append(issue("import-malformed-line", f"{head}: expected '<NoteType> <id>'", **where))
        return
    if fields[1] in others:
        out.skip("notes on events, relations or triggers", where["line"], fields[0])
        return
    if fields[1] not in out.regions:
        out.issues.append(issue("import-unknown-reference", f"{head}: no annotation {fields[1]}", **where))
        return
    if fields[0] != "AnnotatorNotes":
        out.skip("notes of other types", where["line"], fields[0])
        return
    try:
        note = json.loads(rest, **STRICT_JSON)
    except (ValueError, RecursionError):  # not JSON, NaN, a 5,000-digit integer, nesting too deep
        note = None
    if isinstance(note, dict):
        out.regions[fields[1]].note.update(note)
    elif ours:  # a newsfacts export: the note carries the annotation's id and links
        out.issues.append(issue("import-bad-note", f"{head}: the note is not a JSON object: {rest[:60]!r}", **where))
    else:
        out.skip("free-text AnnotatorNotes (no field holds them)", where["line"], rest[:30])


def _raw(fields: list[str]) -> str:
    return " ".join(fields)[:60]


def _text_bound(head: str, parts: list[str], txt: str, issues: list[Issue], where: dict[str, Any]) -> Region | None:
    if len(parts) < 3 or " " not in parts[1]:
        issues.append(issue("import-malformed-line", f"{head}: expected 'T<n><TAB>Label start end<TAB>text'", **where))
        return None
    label, offsets = parts[1].split(" ", 1)
    spans = []
    for fragment in offsets.split(";"):
        m = _SPAN.match(fragment)
        if not m:
            issues.append(issue("import-malformed-line", f"{head}: bad offsets {offsets[:60]!r}", **where))
            return None
        spans.append((int(m.group(1)), int(m.group(2))))
    for start, end in spans:
        if not 0 <= start < end <= len(txt):
            issues.append(
                issue(
                    "import-bad-offsets", f"{head}: [{start}, {end}) is outside the text (length {len(txt)})", **where
                )
            )
            return None
    covered = " ".join(txt[s:e] for s, e in spans)
    said = "\t".join(parts[2:])
    if covered != said and covered.replace("\n", " ") != said:
        issues.append(
            issue(
                "import-bad-offsets",
                f"{head}: offsets cover {covered[:40]!r}, the line says {said[:40]!r}",
                **where,
            )
        )
        return None
    return Region(head, label, spans, file=where["file"], line=where["line"])
