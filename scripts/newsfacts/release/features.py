"""The release's column types, derived from the JSON Schema: ``datasets.Features`` and the
matching pyarrow schema for every config.

Mapping (schema → feature): object → struct (properties in schema order, optional ones
nullable), array → ``List`` (never ``Sequence(dict)``), string → ``Value("string")``, integer →
``Value("int32")`` when the schema bounds it to 32 bits (offsets do) else ``int64``, number →
``float64``, ``anyOf [X, null]`` and ``type: [X, "null"]`` → X (Arrow columns are nullable).
The enums a model predicts become ``ClassLabel``s, label order = the schema's enum order
(``CLASS_LABELS``); other enums (statuses, knowledge bases, the schema version) stay strings,
read by people.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pyarrow as pa
from datasets import ClassLabel, Features, List, Value

from newsfacts.contract.documents import LAYERS
from newsfacts.contract.schema import document_schema
from newsfacts.release.ner import ner_labels
from newsfacts.release.views import CONFIGS, Plan

#: Schema nodes (JSON Pointers into document.schema.json) whose enum becomes a ClassLabel.
CLASS_LABELS = (
    "/$defs/ontonotes_label",
    "/$defs/mention/properties/kind",
    "/$defs/quote/properties/kind",
    "/$defs/numeric_fact/properties/quantity_kind",
    "/$defs/numeric_fact/properties/approximation",
    "/$defs/numeric_fact/properties/ontonotes_type",
)
_INT32 = (-(2**31), 2**31 - 1)


def _node(pointer: str) -> dict[str, Any]:
    node: Any = document_schema()
    for token in pointer.lstrip("/").split("/"):
        node = node[token.replace("~1", "/").replace("~0", "~")]
    return node


def _resolve(node: dict[str, Any], where: str) -> tuple[dict[str, Any], str]:
    """Follow ``$ref`` and drop the null branch of ``anyOf``; return the node and its pointer."""
    while True:
        if "$ref" in node:
            where = node["$ref"].removeprefix("#")
            node = _node(where)
        elif "anyOf" in node:
            branches = [b for b in node["anyOf"] if b.get("type") != "null"]
            if len(branches) != 1:
                raise ValueError(f"{where}: only anyOf [X, null] maps to a column type")
            node, where = branches[0], f"{where}/anyOf/{node['anyOf'].index(branches[0])}"
        else:
            return node, where


def _types(node: dict[str, Any]) -> set[str]:
    declared = node.get("type")
    types = {declared} if isinstance(declared, str) else set(declared or ())
    return types - {"null"}


def feature_of(node: dict[str, Any], where: str) -> Any:
    """The ``datasets`` feature for one schema node (``where`` is its JSON Pointer)."""
    node, where = _resolve(node, where)
    types = _types(node)
    if len(types) != 1:
        raise ValueError(f"{where}: cannot map type {node.get('type')!r} to one column type")
    kind = types.pop()
    if kind == "object":
        return {name: feature_of(sub, f"{where}/properties/{name}") for name, sub in node["properties"].items()}
    if kind == "array":
        return List(feature_of(node["items"], f"{where}/items"))
    if kind == "string":
        if where in CLASS_LABELS:
            return ClassLabel(names=list(node["enum"]))
        return Value("string")
    if kind == "integer":
        low, high = node.get("minimum"), node.get("maximum")
        fits = low is not None and high is not None and _INT32[0] <= low and high <= _INT32[1]
        return Value("int32" if fits else "int64")
    if kind == "number":
        return Value("float64")
    if kind == "boolean":
        return Value("bool")
    raise ValueError(f"{where}: no column type for JSON type {kind!r}")


@cache
def config_features(config: str) -> Features:
    """The features of one config of the release."""
    schema = document_schema()
    if config == "documents":
        return Features(feature_of(schema, ""))
    if config in LAYERS:
        item = feature_of(schema["properties"][config], f"/properties/{config}").feature
        return Features({"doc_id": Value("string"), **item})
    if config == "ner":
        offset = feature_of(_node("/$defs/span/properties/start"), "/$defs/span/properties/start")
        return Features(
            {
                "id": Value("string"),
                "doc_id": Value("string"),
                "sentence": Value("int32"),
                "start": offset,
                "end": offset,
                "tokens": List(Value("string")),
                "token_starts": List(offset),
                "token_ends": List(offset),
                "ner_tags": List(ClassLabel(names=ner_labels())),
            }
        )
    raise KeyError(f"no config {config!r}; the configs are {', '.join(CONFIGS)}")


def arrow_schema(config: str, extra_metadata: dict[str, Any] | None = None) -> pa.Schema:
    """The pyarrow schema of one config, carrying the features in its ``huggingface`` metadata
    (so ``load_dataset`` and ``Features.from_arrow_schema`` get ClassLabels back) and, under
    ``newsfacts``, ``extra_metadata`` (the dataset version and the like)."""
    schema = config_features(config).arrow_schema
    if extra_metadata:
        metadata = dict(schema.metadata)
        metadata[b"newsfacts"] = json.dumps(extra_metadata, sort_keys=True).encode()
        schema = schema.with_metadata(metadata)
    return schema


@cache
def input_schema(config: str = "documents") -> pa.Schema:
    """The schema to read JSON records with: as ``arrow_schema`` but ClassLabels as strings."""
    return Features(labels_as_strings(config_features(config))).arrow_schema.remove_metadata()


def labels_as_strings(feature: Any) -> Any:
    """``feature`` with every ClassLabel replaced by ``Value("string")``."""
    if isinstance(feature, ClassLabel):
        return Value("string")
    if isinstance(feature, dict):
        return {name: labels_as_strings(sub) for name, sub in feature.items()}
    if isinstance(feature, List):
        return List(labels_as_strings(feature.feature))
    return feature


def _label_paths(feature: Any, path: tuple[str, ...]) -> dict[tuple[str, ...], tuple[str, ...]]:
    if isinstance(feature, ClassLabel):
        return {path: tuple(feature.names)}
    if isinstance(feature, List):
        return _label_paths(feature.feature, path)
    if isinstance(feature, dict):
        return {k: v for name, sub in feature.items() for k, v in _label_paths(sub, (*path, name)).items()}
    return {}


@cache
def conversion_plan() -> Plan:
    """The column types and labels the conversion of documents to rows needs, as plain pyarrow
    objects: worker processes get this instead of importing ``datasets``."""
    return Plan(
        input_schema=input_schema(),
        schemas={config: arrow_schema(config).remove_metadata() for config in CONFIGS},
        labels=_label_paths(dict(config_features("documents")), ()),
    )
