"""The release's features are derived from the JSON Schema: every field, its type, its labels."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from datasets import ClassLabel, Features, List, Value
from newsfacts.contract.documents import LAYERS
from newsfacts.contract.schema import document_schema
from newsfacts.release.features import CLASS_LABELS, CONFIGS, arrow_schema, config_features, input_schema, ner_labels

SCHEMA = document_schema()


def resolve(node: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """Follow $ref and the non-null branch of anyOf; the node and its $defs pointer if any."""
    where = None
    while True:
        if "$ref" in node:
            where = node["$ref"].removeprefix("#")
            target: Any = SCHEMA
            for token in where.strip("/").split("/"):
                target = target[token]
            node = target
        elif "anyOf" in node:
            node = next(b for b in node["anyOf"] if b.get("type") != "null")
        else:
            return node, where


def json_type(node: dict[str, Any]) -> str:
    kind = node["type"]
    return kind if isinstance(kind, str) else next(k for k in kind if k != "null")


def walk(node: dict[str, Any], feature: Any, path: str, pointer: str | None) -> list[str]:
    """Compare one schema node with its feature; the problems found."""
    node, ref = resolve(node)
    pointer = ref or pointer
    kind = json_type(node)
    problems = []
    if kind == "object":
        if not isinstance(feature, dict):
            return [f"{path}: object but {feature!r}"]
        if list(feature) != list(node["properties"]):
            problems.append(f"{path}: fields {list(feature)} != schema {list(node['properties'])}")
        for name, sub in node["properties"].items():
            if name in feature:
                problems += walk(sub, feature[name], f"{path}/{name}", f"{pointer}/properties/{name}")
    elif kind == "array":
        if not isinstance(feature, List):
            return [f"{path}: array but {feature!r}"]
        problems += walk(node["items"], feature.feature, f"{path}[]", f"{pointer}/items")
    elif kind == "string" and "enum" in node and pointer in CLASS_LABELS:
        if not (isinstance(feature, ClassLabel) and feature.names == node["enum"]):
            problems.append(f"{path}: expected ClassLabel{node['enum']}, got {feature!r}")
    elif kind == "string":
        if feature != Value("string"):
            problems.append(f"{path}: string but {feature!r}")
    elif kind == "integer":
        if not (isinstance(feature, Value) and feature.dtype in ("int32", "int64")):
            problems.append(f"{path}: integer but {feature!r}")
        elif node.get("maximum", 2**63) <= 2**31 - 1 and feature.dtype != "int32":
            problems.append(f"{path}: a 32-bit bounded integer should be int32")
    elif kind == "number":
        if feature != Value("float64"):
            problems.append(f"{path}: number but {feature!r}")
    else:
        problems.append(f"{path}: unexpected JSON type {kind}")
    return problems


def test_documents_features_match_the_schema_field_by_field() -> None:
    assert walk(SCHEMA, dict(config_features("documents")), "", "") == []


@pytest.mark.parametrize("layer", LAYERS)
def test_annotation_configs_are_the_schema_items_with_doc_id(layer: str) -> None:
    features = config_features(layer)
    assert next(iter(features)) == "doc_id" and features["doc_id"] == Value("string")
    item = dict(features)
    del item["doc_id"]
    assert walk(SCHEMA["properties"][layer]["items"], item, f"/{layer}[]", None) == []
    assert item == dict(config_features("documents")[layer].feature)


def test_every_class_label_pointer_names_an_enum_of_the_schema() -> None:
    for pointer in CLASS_LABELS:
        node: Any = SCHEMA
        for token in pointer.strip("/").split("/"):
            node = node[token]
        assert node["type"] == "string" and node["enum"], pointer


def test_enums_not_made_class_labels_stay_strings() -> None:
    features = config_features("documents")
    assert features["annotation"]["status"] == Value("string")
    assert features["source"]["publisher"]["status"] == Value("string")
    assert features["entities"].feature["kb"].feature["kb"] == Value("string")
    assert features["mentions"].feature["type"].names[0] == "PERSON"


def test_optional_and_nullable_fields_are_nullable_columns() -> None:
    schema = arrow_schema("documents")
    assert all(field.nullable for field in schema)
    mention = schema.field("mentions").type.value_type
    assert mention.field("confidence").type == pa.float64() and mention.field("confidence").nullable
    fact = schema.field("numeric_facts").type.value_type
    assert pa.types.is_struct(fact.field("measured_span").type)


def test_ner_labels_are_bio_over_the_18_ontonotes_labels() -> None:
    labels = ner_labels()
    ontonotes = SCHEMA["$defs"]["ontonotes_label"]["enum"]
    assert len(ontonotes) == 18 and len(labels) == 37 and labels[0] == "O"
    assert labels[1::2] == [f"B-{x}" for x in ontonotes] and labels[2::2] == [f"I-{x}" for x in ontonotes]
    assert config_features("ner")["ner_tags"] == List(ClassLabel(names=labels))


@pytest.mark.parametrize("config", CONFIGS)
def test_features_round_trip_through_parquet_metadata(config: str, tmp_path) -> None:
    schema = arrow_schema(config, {"dataset_version": "9.9.9"})
    path = tmp_path / f"{config}.parquet"
    pq.write_table(schema.empty_table(), path)
    read = pq.read_schema(path)
    assert Features.from_arrow_schema(read) == config_features(config)
    assert b"9.9.9" in read.metadata[b"newsfacts"]


def test_input_schema_reads_labels_as_strings() -> None:
    schema = input_schema()
    assert schema.field("mentions").type.value_type.field("type").type == pa.string()
    assert schema.names == arrow_schema("documents").names
