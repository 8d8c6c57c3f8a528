"""The predictions format: its JSON Schema, generated from the document schema, and its docs table.

A prediction is what a system can know: a ``doc_id`` and any of the annotation layers, each item
with only its spans (and a mention's type) required. Every field a prediction may carry is the
document schema's own definition (same types, enums, patterns), so the two cannot drift: this
module derives ``schema/prediction.schema.json`` from ``schema/document.schema.json`` by relaxing
``required`` (``REQUIRED`` below), and a test checks that the committed file is what it derives.
A full document record is therefore a valid prediction too.

    python -m newsfacts.contract.prediction_schema --check   # exit 1 when the file or README is stale
    python -m newsfacts.contract.prediction_schema --write   # regenerate both
"""

from __future__ import annotations

import copy
import json
import sys
from functools import cache
from pathlib import Path
from typing import Any

from newsfacts.contract.schema import document_schema, schema_dir

PREDICTION_SCHEMA = "prediction.schema.json"

#: What a prediction must state, per object of the document schema; everything else is optional.
REQUIRED: dict[str, list[str]] = {
    "": ["doc_id"],  # the top level
    "span": ["start", "end"],
    "entity": ["id"],
    "mention": ["start", "end", "type"],
    "quote": ["content"],
    "numeric_fact": ["start", "end"],
}

_DESCRIPTION = (
    "A system's predicted annotations of one document: `doc_id` and any of the layers `mentions`, "
    "`entities`, `quotes`, `numeric_facts`, each item with only its spans (and a mention's type) "
    "required. Offsets are half-open Unicode code-point offsets into the gold document's text, which "
    "is looked up by `doc_id`; `text` and span texts are optional and checked when present. A layer "
    "left out is not predicted (and not scored); an empty list predicts nothing in it. Every field "
    "has the definition it has in document.schema.json, so a full document record is a prediction too."
)


def generate(document: dict[str, Any]) -> dict[str, Any]:
    """The prediction schema derived from the document schema ``document``."""
    out = copy.deepcopy(document)
    out["$id"] = document["$id"].replace(":document:", ":prediction:")
    out["title"] = "newsfacts prediction"
    out["description"] = _DESCRIPTION
    out["$comment"] = (
        "Generated from document.schema.json by newsfacts.contract.prediction_schema (required fields relaxed); "
        "do not edit: run `python -m newsfacts.contract.prediction_schema --write`."
    )
    out["required"] = REQUIRED[""]
    for name, fields in REQUIRED.items():
        if name:
            out["$defs"][name]["required"] = fields
    return {key: out[key] for key in ("$schema", "$id", "$comment", *[k for k in out if k[0] != "$"], "$defs")}


def schema_text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


@cache
def prediction_schema() -> dict[str, Any]:
    """The predictions JSON Schema as shipped in ``schema/`` (draft 2020-12)."""
    return json.loads((schema_dir() / PREDICTION_SCHEMA).read_text(encoding="utf-8"))


# --- the README's table of fields -----------------------------------------------------------------

_OBJECTS = (("prediction", ""), ("mention", "mention"), ("entity", "entity"), ("quote", "quote"))
_OBJECTS += (("numeric fact", "numeric_fact"), ("span (quote roles, measured_span)", "span"))
MARKERS = ("<!-- prediction-fields:begin -->", "<!-- prediction-fields:end -->")


def _resolve(root: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = root
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _type(root: dict[str, Any], node: dict[str, Any]) -> str:
    node = _resolve(root, node)
    if "anyOf" in node:
        return " or ".join(_type(root, n) for n in node["anyOf"])
    if "enum" in node:
        return "one of " + ", ".join(f"`{v}`" for v in node["enum"])
    kind = node.get("type", "object")
    kinds = kind if isinstance(kind, list) else [kind]
    if "array" in kinds:
        items = node.get("items", {})
        ref = items.get("$ref", "").rsplit("/", 1)[-1]
        return f"list of {ref.replace('_', ' ') or _type(root, items)}"
    return " or ".join(kinds)


def fields_table(schema: dict[str, Any] | None = None) -> str:
    """Markdown tables of every field of the predictions format: required or not, type, meaning."""
    schema = schema if schema is not None else generate(document_schema())
    parts = []
    for title, name in _OBJECTS:
        node = schema if not name else schema["$defs"][name]
        required = set(node.get("required", []))
        rows = [f"**{title}**", "", "| field | required | type | meaning |", "|---|---|---|---|"]
        for field, spec in node["properties"].items():
            resolved = _resolve(schema, spec)
            meaning = " ".join((spec.get("description") or resolved.get("description") or "").split())
            rows.append(
                f"| `{field}` | {'yes' if field in required else ''} | {_type(schema, spec)} | {meaning.replace('|', '/')} |"
            )
        parts.append("\n".join(rows))
    return "\n\n".join(parts)


def readme_block() -> str:
    return f"{MARKERS[0]}\n{fields_table()}\n{MARKERS[1]}"


def _replace_block(text: str) -> str:
    start, end = text.index(MARKERS[0]), text.index(MARKERS[1]) + len(MARKERS[1])
    return text[:start] + readme_block() + text[end:]


def main(argv: list[str]) -> int:
    target = schema_dir() / PREDICTION_SCHEMA
    readme = Path(__file__).resolve().parents[3] / "README.md"
    fresh = schema_text(generate(document_schema()))
    if argv == ["--write"]:
        target.write_text(fresh, encoding="utf-8")
        if readme.is_file():
            readme.write_text(_replace_block(readme.read_text(encoding="utf-8")), encoding="utf-8")
        return 0
    if argv == ["--check"]:
        stale = []
        if not target.is_file() or target.read_text(encoding="utf-8") != fresh:
            stale.append(str(target))
        if readme.is_file() and readme_block() not in readme.read_text(encoding="utf-8"):
            stale.append(str(readme))
        for path in stale:
            print(f"{path} is stale: run python -m newsfacts.contract.prediction_schema --write", file=sys.stderr)
        return 1 if stale else 0
    print("usage: python -m newsfacts.contract.prediction_schema --check | --write", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
