"""Where the JSON Schema and the interval-rule table live, and loading them once.

The repository's ``schema/`` folder is the single source of truth. A wheel carries a copy
as ``newsfacts/_schema`` (see pyproject.toml); a source checkout reads ``schema/`` directly.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent.parent
DOCUMENT_SCHEMA = "document.schema.json"
INTERVAL_RULES = "interval-rules.json"


def schema_dir() -> Path:
    """The folder holding the JSON Schemas this package was built with."""
    for candidate in (_PACKAGE / "_schema", _PACKAGE.parent.parent / "schema"):
        if (candidate / DOCUMENT_SCHEMA).is_file():
            return candidate
    raise FileNotFoundError(f"{DOCUMENT_SCHEMA} is neither in {_PACKAGE / '_schema'} nor in the checkout")


@cache
def document_schema() -> dict[str, Any]:
    """The annotated-document JSON Schema (draft 2020-12)."""
    return json.loads((schema_dir() / DOCUMENT_SCHEMA).read_text(encoding="utf-8"))


def schema_version() -> str:
    """The schema version, as stated by the schema's ``schema_version`` enum."""
    return document_schema()["properties"]["schema_version"]["enum"][-1]


@cache
def interval_rules() -> dict[str, dict[str, Any]]:
    """The rule table for vague numerals and approximators, keyed by rule id."""
    table = json.loads((schema_dir() / INTERVAL_RULES).read_text(encoding="utf-8"))
    return {rule["id"]: rule for rule in table["rules"]}


def field_description(schema: dict[str, Any], path: list[str | int]) -> str | None:
    """The ``description`` of the schema node that governs ``path`` in a document, if any."""
    node: dict[str, Any] = schema
    root = schema
    description = None
    for token in path:
        node = _resolve(root, node)
        node = node.get("items", {}) if isinstance(token, int) else node.get("properties", {}).get(token, {})
        description = node.get("description") or _resolve(root, node).get("description") or description
    return description


def _resolve(root: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    for _ in range(10):
        if "$ref" in node and node["$ref"].startswith("#/"):
            target: Any = root
            for part in node["$ref"][2:].split("/"):
                target = target[part]
            node = target
        elif "anyOf" in node:
            node = next((n for n in node["anyOf"] if n.get("type") != "null"), node["anyOf"][0])
        else:
            break
    return node
