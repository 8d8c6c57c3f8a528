"""Label Studio tasks JSON: export and import, converting offsets between code units and code points.

A task is ``{"data": {"text", "doc_id", "newsfacts"}, "annotations": [{"result": [...]}]}``.
Each annotation region is a ``labels`` result (``value.start/end/text/labels``); its attributes
are per-region ``choices`` results with the same ``id``; structure is ``relation`` results
(``Source``, ``Content``, ``Measures``, ``StatedIn``, ``Coref`` chains, and ``Part`` linking the
later fragments of a discontinuous region to its first). ``data.newsfacts`` carries what Label
Studio cannot: document metadata, entity records and per-region notes. Layer mapping: see
`newsfacts.exchange.standoff`.

Offsets: Label Studio's browser code counts UTF-16 code units (JavaScript string indices), so a
character outside the Basic Multilingual Plane (an emoji) counts 2 there and 1 in our code-point
offsets. Some Label Studio versions stored code points instead (HumanSignal/label-studio#1347,
#1559, label-studio-frontend#308), so the importer's default ``auto`` picks, per region, the
reading under which ``value.text`` matches the text (UTF-16 first).
"""

from __future__ import annotations

import itertools
import json
from typing import Any, Literal

from newsfacts.contract.codes import issue
from newsfacts.contract.locate import line_of_pointer
from newsfacts.contract.report import Issue, pointer
from newsfacts.exchange.standoff import (
    ATTRIBUTES,
    LABELS,
    RELATIONS,
    Region,
    Relation,
    Standoff,
    attribute_values,
    default_meta,
    from_standoff,
    to_standoff,
)

Offsets = Literal["utf16", "codepoints", "auto"]
META_FORMAT = "newsfacts-labelstudio/1"


def utf16_prefix(text: str) -> list[int]:
    """``prefix[i]`` = UTF-16 code units before code point ``i`` (``len(text) + 1`` entries)."""
    out = [0]
    for ch in text:
        out.append(out[-1] + (2 if ord(ch) > 0xFFFF else 1))
    return out


def to_labelstudio(doc: dict[str, Any], *, offsets: Offsets = "utf16") -> dict[str, Any]:
    """One Label Studio task holding the document and its annotations."""
    so = to_standoff(doc)
    prefix = utf16_prefix(so.text) if offsets == "utf16" else list(range(len(so.text) + 1))
    result: list[dict[str, Any]] = []
    notes = {}

    def value(start: int, end: int) -> dict[str, Any]:
        return {"start": prefix[start], "end": prefix[end], "text": so.text[start:end]}

    for region in so.regions:
        if region.note:
            notes[region.rid] = region.note
        for k, (start, end) in enumerate(region.spans):
            rid = region.rid if k == 0 else f"{region.rid}~{k}"
            result.append(_labels(rid, {**value(start, end), "labels": [region.label]}))
            if k:
                result.append(_relation(region.rid, rid, "Part"))
        start, end = region.spans[0]
        for name, choice in region.attrs.items():
            result.append(
                {"id": region.rid, "from_name": name, "to_name": "text", "type": "choices",
                 "value": {**value(start, end), "choices": [choice]}}
            )  # fmt: skip
    for rel in so.relations:
        result.append(_relation(rel.head, rel.tail, rel.label))
    for group in so.groups:
        result.extend(_relation(a, b, "Coref") for a, b in itertools.pairwise(group))
    meta = {"format": META_FORMAT, "offsets": offsets, **so.meta, "notes": notes}
    return {"data": {"text": so.text, "doc_id": doc["doc_id"], "newsfacts": meta}, "annotations": [{"result": result}]}


def _labels(rid: str, value: dict[str, Any]) -> dict[str, Any]:
    return {"id": rid, "from_name": "label", "to_name": "text", "type": "labels", "value": value}


def _relation(head: str, tail: str, label: str) -> dict[str, Any]:
    return {"type": "relation", "from_id": head, "to_id": tail, "direction": "right", "labels": [label]}


def labelstudio_config() -> str:
    """A Label Studio labelling config (XML) for the exported tasks."""
    labels = "\n".join(f'    <Label value="{label}"/>' for label in LABELS)
    choices = "\n".join(
        f'  <Choices name="{name}" toName="text" perRegion="true">\n'
        + "\n".join(f'    <Choice value="{v}"/>' for v in attribute_values(name))
        + "\n  </Choices>"
        for name in ATTRIBUTES
    )
    relations = "\n".join(f'    <Relation value="{r}"/>' for r in (*RELATIONS, "Coref", "Part"))
    return (
        "<View>\n"
        f"  <Relations>\n{relations}\n  </Relations>\n"
        f'  <Labels name="label" toName="text">\n{labels}\n  </Labels>\n'
        '  <Text name="text" value="$text"/>\n'
        f"{choices}\n</View>\n"
    )


def from_labelstudio(
    tasks: Any, *, offsets: Offsets = "auto", file: str | None = None, source: str | None = None
) -> list[tuple[dict[str, Any], list[Issue]]]:
    """Documents from Label Studio tasks (a list or one task), each with its problems.

    ``source`` is the file's text, used to give each problem its line.
    """
    if isinstance(tasks, dict):
        tasks, base = [tasks], ()
    else:
        base = None
    if not isinstance(tasks, list):
        return [({}, [issue("import-malformed-line", "expected a task or a list of tasks", file=file, line=1)])]
    out = []
    for n, task in enumerate(tasks):
        path = base if base is not None else (n,)
        out.append(_task(task, path, offsets, file, source))
    return out


def _task(task: Any, path: tuple, offsets: Offsets, file: str | None, source: str | None):
    issues: list[Issue] = []

    def where(*tokens: object) -> dict[str, Any]:
        ptr = pointer(*path, *tokens)
        return {"file": file, "line": line_of_pointer(source, ptr) if source else None, "pointer": ptr}

    data = task.get("data") if isinstance(task, dict) else None
    if not isinstance(data, dict) or not isinstance(data.get("text"), str) or not data["text"]:
        return {}, [issue("import-malformed-line", "a task needs data.text (the document text)", **where())]
    text = data["text"]
    meta = data.get("newsfacts")
    if meta is None:
        doc_id = str(data.get("doc_id") or f"task-{task.get('id', len(path) and path[-1])}")
        meta = {"document": default_meta(text, doc_id, "a Label Studio task"), "entities": [], "notes": {}}
    elif not isinstance(meta, dict) or not isinstance(meta.get("document"), dict):
        return {}, [
            issue(
                "import-bad-metadata", "data.newsfacts must be an object with 'document'", **where("data", "newsfacts")
            )
        ]
    notes = meta.get("notes", {})
    annotations = task.get("annotations") or []
    if not isinstance(annotations, list) or not annotations or not isinstance(annotations[0], dict):
        annotations = [{"result": []}]
    if len(annotations) > 1:
        issues.append(
            issue(
                "import-extra-annotations",
                f"{len(annotations)} annotations; importing the first",
                **where("annotations"),
            )
        )
    results = annotations[0].get("result", [])
    so = Standoff(text, {"document": meta["document"], "entities": meta.get("entities", [])})
    cp_of = {u: i for i, u in enumerate(utf16_prefix(text))}
    regions: dict[str, Region] = {}
    choices: list[tuple[int, dict]] = []
    parts: list[tuple[str, str, dict]] = []
    coref: list[tuple[str, str]] = []
    for i, item in enumerate(results if isinstance(results, list) else []):
        loc = where("annotations", 0, "result", i)
        kind = item.get("type") if isinstance(item, dict) else None
        if kind == "labels":
            span = _span(item, text, cp_of, offsets, issues, loc)
            labels = item.get("value", {}).get("labels") or []
            if span is None:
                continue
            if len(labels) != 1:
                issues.append(issue("import-unknown-label", f"a region has one label, not {labels}", **loc))
                continue
            region = Region(str(item.get("id")), labels[0], [span], file=file, line=loc["line"])
            region.note = dict(notes.get(region.rid, {}))
            regions[region.rid] = region
            so.regions.append(region)
        elif kind == "choices":
            choices.append((i, item))
        elif kind == "relation":
            labels = item.get("labels") or []
            head, tail = str(item.get("from_id")), str(item.get("to_id"))
            if len(labels) != 1:
                issues.append(issue("import-unknown-label", f"a relation has one label, not {labels}", **loc))
            elif labels[0] == "Part":
                parts.append((head, tail, loc))
            elif labels[0] == "Coref":
                coref.append((head, tail))
            else:
                so.relations.append(Relation(labels[0], head, tail, file, loc["line"]))
        else:
            issues.append(issue("import-unknown-label", f"result type {kind!r} is not in the newsfacts mapping", **loc))
    for i, item in choices:
        loc = where("annotations", 0, "result", i)
        rid, picked = str(item.get("id")), item.get("value", {}).get("choices") or []
        if rid not in regions:
            issues.append(issue("import-unknown-reference", f"choices for unknown region {rid!r}", **loc))
        elif len(picked) != 1:
            issues.append(
                issue("import-malformed-line", f"{item.get('from_name')}: pick one choice, not {picked}", **loc)
            )
        else:
            regions[rid].attrs[str(item.get("from_name"))] = picked[0]
    for head, tail, loc in parts:
        if head not in regions or tail not in regions:
            issues.append(issue("import-unknown-reference", f"Part relation {head!r} → {tail!r}", **loc))
            continue
        regions[head].spans.extend(regions[tail].spans)
        so.regions.remove(regions.pop(tail))
    so.groups = _components(coref)
    if any(i.severity != "warning" for i in issues):
        return {}, issues
    doc, found = from_standoff(so, file=file)
    return doc, issues + found


def _span(item, text, cp_of, offsets: Offsets, issues: list[Issue], loc) -> tuple[int, int] | None:
    value = item.get("value") or {}
    start, end, said = value.get("start"), value.get("end"), value.get("text")
    if not isinstance(start, int) or not isinstance(end, int):
        issues.append(issue("import-malformed-line", "value.start and value.end must be integers", **loc))
        return None
    readings = {"utf16": ["utf16"], "codepoints": ["codepoints"], "auto": ["utf16", "codepoints"]}[offsets]
    tried = []
    for reading in readings:
        span = (cp_of.get(start), cp_of.get(end)) if reading == "utf16" else (start, end)
        if None in span or not 0 <= span[0] < span[1] <= len(text):
            tried.append(f"as {reading}: outside the text or inside a surrogate pair")
            continue
        if said is None or text[span[0] : span[1]] == said:
            return span  # type: ignore[return-value]
        tried.append(f"as {reading}: covers {text[span[0] : span[1]][:30]!r}")
    issues.append(
        issue("import-bad-offsets", f"[{start}, {end}) for {str(said)[:30]!r} does not fit: {'; '.join(tried)}", **loc)
    )
    return None


def _components(pairs: list[tuple[str, str]]) -> list[list[str]]:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for a, b in pairs:
        parent[find(b)] = find(a)
    groups: dict[str, list[str]] = {}
    for x in parent:
        groups.setdefault(find(x), []).append(x)
    return [g for g in groups.values() if len(g) > 1]


def dumps_tasks(tasks: list[dict[str, Any]]) -> str:
    return json.dumps(tasks, ensure_ascii=False, indent=1) + "\n"
