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


# --- validating without ever fetching ------------------------------------------------------------


def schema_files() -> dict[str, bytes]:
    """The package's schema folder, file by file (relative POSIX name → bytes): what a release
    built by this package ships as ``schema/``."""
    folder = schema_dir()
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def known_schema_versions() -> tuple[str, ...]:
    """The document schema versions this package validates (its schema accepts each)."""
    return tuple(document_schema()["properties"]["schema_version"]["enum"])


def refuse_retrieval(uri: str) -> Any:
    """A ``$ref`` resolver's retrieval that fetches nothing: a reference outside the package's
    own schemas is an error, never a network request."""
    raise LookupError(f"{uri}: newsfacts resolves $ref only within its own schemas; it fetches nothing")


@cache
def registry() -> Any:
    """A ``referencing`` registry of the package's own schemas (by their ``$id``) that retrieves
    nothing else."""
    from referencing import Registry, Resource
    from referencing.exceptions import NoSuchResource

    def retrieve(uri: str) -> Any:
        raise NoSuchResource(ref=uri)

    resources = []
    for name, data in schema_files().items():
        if name.endswith(".schema.json"):
            schema = json.loads(data)
            if isinstance(schema, dict) and isinstance(schema.get("$id"), str):
                resources.append((schema["$id"], Resource.from_contents(schema)))
    return Registry(retrieve=retrieve).with_resources(resources)


def offline_validator(schema: dict[str, Any], cls: Any = None) -> Any:
    """A ``jsonschema`` validator of ``schema`` (draft 2020-12 by default) whose ``$ref``s resolve
    within the package's schemas only."""
    import jsonschema

    return (cls or jsonschema.Draft202012Validator)(schema, registry=registry())


def fast_validator(schema: dict[str, Any]) -> Any:
    """A ``jsonschema_rs`` validator of ``schema`` that retrieves no remote ``$ref``."""
    import jsonschema_rs

    return jsonschema_rs.validator_for(schema, retriever=refuse_retrieval)


@cache
def package_schema(name: str) -> dict[str, Any]:
    """One of the package's JSON Schemas, by file name."""
    return json.loads((schema_dir() / name).read_text(encoding="utf-8"))
