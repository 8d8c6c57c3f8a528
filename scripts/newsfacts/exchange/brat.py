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
from typing import Any

from newsfacts.contract.codes import issue
from newsfacts.contract.report import Issue
from newsfacts.exchange.standoff import Region, Relation, Standoff, default_meta, from_standoff, to_standoff

META_FORMAT = "newsfacts-brat/1"
_SPAN = re.compile(r"^(\d+) (\d+)$")


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
    """brat's ``annotation.conf`` for exported documents: the labels, relations and attributes."""
    from newsfacts.exchange.standoff import ATTRIBUTES, LABELS, attribute_values

    entities = "\n".join(LABELS)
    relations = "\n".join(
        [
            "Source\tArg1:QuoteCue, Arg2:QuoteSource",
            "Content\tArg1:QuoteCue, Arg2:QuoteContent",
            "Measures\tArg1:NumericFact, Arg2:Measured",
            "StatedIn\tArg1:NumericFact, Arg2:QuoteCue",
            "Coref\tArg1:<ENTITY>, Arg2:<ENTITY>, <REL-TYPE>:symmetric-transitive",
        ]
    )
    targets = {"mention": "|".join(LABELS[:18]), "quote": "QuoteCue", "numeric_fact": "NumericFact"}
    attributes = "\n".join(
        f"{name}\tArg:{targets[layer]}, Value:{'|'.join(attribute_values(name))}" for name, layer in ATTRIBUTES.items()
    )
    return f"[entities]\n{entities}\n\n[relations]\n{relations}\n\n[events]\n\n[attributes]\n{attributes}\n"


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
) -> tuple[dict[str, Any], list[Issue]]:
    """A document from brat files, and the problems found (located at ``ann_file`` lines).

    ``meta`` is the parsed sidecar; without one the document gets placeholder metadata
    (unknown provenance and licences, split ``unassigned``) and one entity per mention chain.
    """
    issues: list[Issue] = []
    if meta is None:
        meta = {"document": default_meta(txt, doc_id, "brat files"), "entities": []}
    elif (
        not isinstance(meta, dict)
        or not isinstance(meta.get("document"), dict)
        or not isinstance(meta.get("entities"), list)
    ):
        issues.append(issue("import-bad-metadata", "expected {format, document, entities}", file=meta_file, line=1))
        return {}, issues
    digest = meta["document"].get("text_sha256")
    if txt.endswith("\n") and digest and digest == default_meta(txt[:-1], doc_id, "")["text_sha256"]:
        txt = txt[:-1]  # an editor's final newline, not part of the text
    so = Standoff(txt, {k: v for k, v in meta.items() if k != "format"})
    regions: dict[str, Region] = {}
    pending: list[tuple[str, int, str, list[str], str]] = []  # kind, line, id, fields, rest
    for number, raw in enumerate(ann.split("\n"), 1):
        if not raw.strip():
            continue
        where = {"file": ann_file, "line": number}
        parts = raw.split("\t")
        head = parts[0]
        if len(parts) < 2 or not head:
            issues.append(issue("import-malformed-line", f"expected ID<TAB>annotation: {raw[:60]!r}", **where))
            continue
        fields = parts[1].split(" ")
        if head.startswith("T"):
            region = _text_bound(head, parts, txt, issues, where)
            if region is not None:
                if head in regions:
                    issues.append(issue("import-malformed-line", f"{head} is defined twice", **where))
                    continue
                regions[head] = region
                so.regions.append(region)
        elif head[0] in "AR#*":
            pending.append((head[0], number, head, fields, "\t".join(parts[2:])))
        else:
            issues.append(
                issue(
                    "import-unknown-label",
                    f"{head}: brat {head[0]!r} annotations are not in the newsfacts mapping",
                    **where,
                )
            )
    for kind, number, head, fields, rest in pending:
        where = {"file": ann_file, "line": number}
        if kind == "A":
            if len(fields) != 3:
                issues.append(issue("import-malformed-line", f"{head}: expected 'Name T<n> value'", **where))
            elif fields[1] not in regions:
                issues.append(issue("import-unknown-reference", f"{head}: no annotation {fields[1]}", **where))
            else:
                regions[fields[1]].attrs[fields[0]] = fields[2]
        elif kind == "R":
            args = dict(f.split(":", 1) for f in fields[1:] if ":" in f)
            if len(fields) != 3 or set(args) != {"Arg1", "Arg2"}:
                issues.append(issue("import-malformed-line", f"{head}: expected 'Label Arg1:T<n> Arg2:T<m>'", **where))
            else:
                so.relations.append(Relation(fields[0], args["Arg1"], args["Arg2"], ann_file, number))
        elif kind == "#":
            if len(fields) != 2 or fields[0] != "AnnotatorNotes":
                issues.append(issue("import-malformed-line", f"{head}: expected 'AnnotatorNotes T<n>'", **where))
            elif fields[1] not in regions:
                issues.append(issue("import-unknown-reference", f"{head}: no annotation {fields[1]}", **where))
            else:
                try:
                    note = json.loads(rest)
                except json.JSONDecodeError as exc:
                    note = exc
                if not isinstance(note, dict):
                    issues.append(
                        issue("import-bad-note", f"{head}: the note is not a JSON object: {rest[:60]!r}", **where)
                    )
                else:
                    regions[fields[1]].note.update(note)
        elif kind == "*":
            if fields[0] != "Coref" or len(fields) < 3:
                issues.append(
                    issue("import-malformed-line", f"expected '*<TAB>Coref T<n> T<m>…': {_raw(fields)}", **where)
                )
            else:
                so.groups.append(fields[1:])
    if issues:
        return {}, issues
    doc, found = from_standoff(so, file=ann_file)
    return doc, issues + found


def _raw(fields: list[str]) -> str:
    return " ".join(fields)[:60]


def _text_bound(head: str, parts: list[str], txt: str, issues: list[Issue], where: dict[str, Any]) -> Region | None:
    if len(parts) != 3 or " " not in parts[1]:
        issues.append(issue("import-malformed-line", f"{head}: expected 'T<n><TAB>Label start end<TAB>text'", **where))
        return None
    label, offsets = parts[1].split(" ", 1)
    spans = []
    for fragment in offsets.split(";"):
        m = _SPAN.match(fragment)
        if not m:
            issues.append(issue("import-malformed-line", f"{head}: bad offsets {offsets!r}", **where))
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
    if covered != parts[2]:
        issues.append(
            issue(
                "import-bad-offsets",
                f"{head}: offsets cover {covered[:40]!r}, the line says {parts[2][:40]!r}",
                **where,
            )
        )
        return None
    return Region(head, label, spans, file=where["file"], line=where["line"])
