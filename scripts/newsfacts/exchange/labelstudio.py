"""Label Studio tasks JSON: export and import, converting offsets between code units and code points.

A task is ``{"id", "data": {"text", "doc_id", "newsfacts"}, "annotations": [{"id", "result": [...]}]}``,
the shape of a Label Studio *export* (task and annotation ids), which Label Studio also imports
and its converter (``label-studio-converter``) reads; the importer takes exports and import files
(no ids) alike. Each annotation region is a ``labels`` result (``value.start/end/text/labels``):
entity mentions from the control ``label`` (the 18 OntoNotes labels, so entity-only tools see
entities only), quote and fact roles from the control ``role``. A region's attributes are
per-region ``choices`` results with the same ``id``; structure is ``relation`` results
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
from dataclasses import replace
from typing import Any, Literal

from newsfacts.contract.codes import issue
from newsfacts.contract.locate import line_of_pointer
from newsfacts.contract.report import Issue, pointer
from newsfacts.exchange.standoff import (
    ATTRIBUTES,
    LABELS,
    ONTONOTES,
    RELATIONS,
    Region,
    Relation,
    Standoff,
    apply_label_map,
    attribute_values,
    default_meta,
    from_standoff,
    meta_issues,
    to_standoff,
)

Offsets = Literal["utf16", "codepoints", "auto"]
META_FORMAT = "newsfacts-labelstudio/1"
#: The two labelling controls: entity types, and the roles of quotes and numeric facts.
ENTITY_CONTROL, ROLE_CONTROL = "label", "role"
ROLES = tuple(label for label in LABELS if label not in ONTONOTES)
#: Problems per task given their exact line (each costs a scan of the task's JSON text).
MAX_LOCATED = 200


def utf16_prefix(text: str) -> list[int]:
    """``prefix[i]`` = UTF-16 code units before code point ``i`` (``len(text) + 1`` entries)."""
    out = [0]
    for ch in text:
        out.append(out[-1] + (2 if ord(ch) > 0xFFFF else 1))
    return out


def to_labelstudio(doc: dict[str, Any], *, offsets: Offsets = "utf16", task_id: int = 1) -> dict[str, Any]:
    """One Label Studio task (export shape: task ``id`` and annotation ``id``) holding the document
    and its annotations."""
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
    return {
        "id": task_id,
        "data": {"text": so.text, "doc_id": doc["doc_id"], "newsfacts": meta},
        "annotations": [{"id": task_id, "result": result}],
    }


def _labels(rid: str, value: dict[str, Any]) -> dict[str, Any]:
    control = ENTITY_CONTROL if value["labels"][0] in ONTONOTES else ROLE_CONTROL
    return {"id": rid, "from_name": control, "to_name": "text", "type": "labels", "value": value}


def _relation(head: str, tail: str, label: str) -> dict[str, Any]:
    return {"type": "relation", "from_id": head, "to_id": tail, "direction": "right", "labels": [label]}


def labelstudio_config() -> str:
    """A Label Studio labelling config (XML) for the exported tasks: entity labels and roles in
    controls of their own, per-region choices for the attributes, the relation labels."""
    entities = "\n".join(f'    <Label value="{label}"/>' for label in ONTONOTES)
    roles = "\n".join(f'    <Label value="{label}"/>' for label in ROLES)
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
        f'  <Labels name="{ENTITY_CONTROL}" toName="text">\n{entities}\n  </Labels>\n'
        f'  <Labels name="{ROLE_CONTROL}" toName="text">\n{roles}\n  </Labels>\n'
        '  <Text name="text" value="$text"/>\n'
        f"{choices}\n</View>\n"
    )


def from_labelstudio(
    tasks: Any,
    *,
    offsets: Offsets = "auto",
    file: str | None = None,
    source: str | None = None,
    label_map: dict[str, str] | None = None,
) -> list[tuple[dict[str, Any], list[Issue]]]:
    """Documents from Label Studio tasks (a list or one task), each with its problems.

    ``source`` is the file's text, used to give each problem its line.
    """
    if isinstance(tasks, dict):
        return [from_task(tasks, (), offsets=offsets, file=file, source=source, within=(), label_map=label_map)]
    if not isinstance(tasks, list):
        return [({}, [issue("import-bad-task", "expected a task or a list of tasks", file=file, line=1)])]
    return [
        from_task(task, (n,), offsets=offsets, file=file, source=source, within=(n,), label_map=label_map)
        for n, task in enumerate(tasks)
    ]


def from_task(
    task: Any,
    path: tuple,
    *,
    offsets: Offsets = "auto",
    file: str | None = None,
    source: str | None = None,
    within: tuple = (),
    first_line: int = 1,
    label_map: dict[str, str] | None = None,
) -> tuple[dict[str, Any], list[Issue]]:
    """One document from one task, and its problems. ``path`` is the task's place in the file
    (for pointers); ``source`` JSON text holding the task at ``within`` and starting on line
    ``first_line`` of the file (to give each problem its line)."""

    def where(*tokens: object) -> dict[str, Any]:  # the line is found later, for the problems only
        return {"file": file, "line": None, "pointer": pointer(*path, *tokens)}

    doc, found = _run_task(task, path, where, offsets, file, label_map)
    if source is None:
        return doc, found
    prefix, relative = len(pointer(*path)), pointer(*within)
    lines: dict[str, int] = {}

    def located(i: Issue) -> Issue:
        if i.line is not None or i.pointer is None or i.file != file:
            return i
        if i.pointer not in lines:
            # each costs a scan of the task's text: past MAX_LOCATED problems, the task's first line
            lines[i.pointer] = (
                line_of_pointer(source, relative + i.pointer[prefix:]) + first_line - 1
                if len(lines) < MAX_LOCATED
                else first_line
            )
        return replace(i, line=lines[i.pointer])

    return doc, [located(i) for i in found]


def _run_task(
    task: Any, path: tuple, where, offsets: Offsets, file: str | None, label_map: dict[str, str] | None
) -> tuple[dict[str, Any], list[Issue]]:
    issues: list[Issue] = []
    data = task.get("data") if isinstance(task, dict) else None
    if not isinstance(data, dict) or not isinstance(data.get("text"), str) or not data["text"]:
        return {}, [issue("import-bad-task", "a task needs data.text (the document text)", **where())]
    text = data["text"]
    meta = data.get("newsfacts")
    if meta is None:
        doc_id = _doc_id(data.get("doc_id"), task.get("id"), path)
        meta = {"document": default_meta(text, doc_id, "a Label Studio task"), "entities": [], "notes": {}}
    else:
        found = meta_issues(meta, file=file, **{k: v for k, v in where("data", "newsfacts").items() if k != "file"})
        if not found and not isinstance(meta.get("notes", {}), dict):
            found = [
                issue("import-bad-metadata", "data.newsfacts.notes must be an object", **where("data", "newsfacts"))
            ]
        if found:
            return {}, found
    notes = meta.get("notes", {})
    annotations = task.get("annotations")
    if annotations is None:
        annotations = []
    if not isinstance(annotations, list) or not all(isinstance(a, dict) for a in annotations):
        return {}, [issue("import-bad-task", "annotations must be a list of objects", **where("annotations"))]
    live = [n for n, a in enumerate(annotations) if not a.get("was_cancelled")]
    if len(live) > 1:
        issues.append(
            issue("import-extra-annotations", f"{len(live)} annotations; importing the first", **where("annotations"))
        )
    index = live[0] if live else None
    results = annotations[index].get("result", []) if index is not None else []
    if not isinstance(results, list):
        return {}, [issue("import-bad-task", "an annotation's result must be a list", **where("annotations", index))]
    so = Standoff(text, {"document": meta["document"], "entities": meta.get("entities", [])})
    cp_of = {u: i for i, u in enumerate(utf16_prefix(text))}
    regions: dict[str, Region] = {}
    choices: list[tuple[int, dict]] = []
    parts: list[tuple[str, str, dict]] = []
    coref: list[tuple[str, str]] = []
    for i, item in enumerate(results):
        loc = where("annotations", index, "result", i)
        if not isinstance(item, dict) or not isinstance(item.get("value", {}), dict):
            issues.append(issue("import-bad-task", "a result is an object whose value is an object", **loc))
            continue
        kind = item.get("type")
        if kind == "labels":
            span = _span(item, text, cp_of, offsets, issues, loc)
            labels = item.get("value", {}).get("labels")
            if span is None:
                continue
            if not isinstance(labels, list) or len(labels) != 1 or not isinstance(labels[0], str):
                issues.append(
                    issue("import-unknown-label", f"a region has one label (a string), not {labels!r}"[:200], **loc)
                )
                continue
            if not isinstance(item.get("id"), (str, int)):
                issues.append(issue("import-bad-task", "a region needs an id (a string)", **loc))
                continue
            region = Region(str(item["id"]), labels[0], [span], file=file, pointer=loc["pointer"])
            note = notes.get(region.rid, {})
            if isinstance(note, dict):
                region.note = dict(note)
            else:
                issues.append(issue("import-bad-note", f"the note of {region.rid!r} is not an object", **loc))
            regions[region.rid] = region
            so.regions.append(region)
        elif kind == "choices":
            choices.append((i, item))
        elif kind == "relation":
            labels = item.get("labels")
            head, tail = item.get("from_id"), item.get("to_id")
            if not isinstance(labels, list) or len(labels) != 1 or not isinstance(labels[0], str):
                issues.append(issue("import-unknown-label", f"a relation has one label, not {labels!r}"[:200], **loc))
            elif not isinstance(head, (str, int)) or not isinstance(tail, (str, int)):
                issues.append(issue("import-bad-task", "a relation needs from_id and to_id", **loc))
            elif labels[0] == "Part":
                parts.append((str(head), str(tail), loc))
            elif labels[0] == "Coref":
                coref.append((str(head), str(tail)))
            else:
                so.relations.append(Relation(labels[0], str(head), str(tail), file, pointer=loc["pointer"]))
        else:
            issues.append(
                issue("import-unknown-label", f"result type {str(kind)[:40]!r} is not in the newsfacts mapping", **loc)
            )
    for i, item in choices:
        loc = where("annotations", index, "result", i)
        rid, picked = str(item.get("id")), item.get("value", {}).get("choices")
        if rid not in regions:
            issues.append(issue("import-unknown-reference", f"choices for unknown region {rid[:40]!r}", **loc))
        elif not isinstance(picked, list) or len(picked) != 1 or not isinstance(picked[0], str):
            issues.append(
                issue(
                    "import-bad-task",
                    f"{str(item.get('from_name'))[:40]}: pick one choice, not {picked!r}"[:200],
                    **loc,
                )
            )
        else:
            regions[rid].attrs[str(item.get("from_name"))] = picked[0]
    for head, tail, loc in parts:
        if head not in regions or tail not in regions or head == tail:
            issues.append(issue("import-unknown-reference", f"Part relation {head[:40]!r} → {tail[:40]!r}", **loc))
            continue
        regions[head].spans.extend(regions[tail].spans)
        so.regions.remove(regions.pop(tail))
    so.groups = _components(coref)
    if any(i.severity != "warning" for i in issues):
        return {}, issues
    issues += apply_label_map(so, label_map, file=file)
    doc, found = from_standoff(so, file=file)
    issues += found
    return (doc if not any(i.severity != "warning" for i in issues) else {}), issues


def _doc_id(given: Any, task_id: Any, path: tuple) -> str:
    """A document id for a task without newsfacts metadata: ``data.doc_id``, else ``task-<id>``."""
    if isinstance(given, str) and given:
        return given
    if isinstance(task_id, (str, int)) and not isinstance(task_id, bool):
        return f"task-{task_id}"
    return f"task-{path[-1] + 1 if path else 1}"


def _span(item, text, cp_of, offsets: Offsets, issues: list[Issue], loc) -> tuple[int, int] | None:
    value = item.get("value") or {}
    start, end, said = value.get("start"), value.get("end"), value.get("text")
    if type(start) is not int or type(end) is not int:
        issues.append(issue("import-bad-task", "value.start and value.end must be integers", **loc))
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
