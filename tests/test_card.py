"""The release documents (README.md card, croissant.json) written by write_release_docs.

Until the release builder's ``newsfacts build`` is used here, the release is a small folder
made in tmp_path: Parquet files of two configs written with the release's features.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from datasets import Dataset
from newsfacts.contract.schema import document_schema
from newsfacts.docs.datasheet import section
from newsfacts.docs.metadata import load_metadata
from newsfacts.release.card import ANSWERS, answer, field_rows
from newsfacts.release.features import config_features
from newsfacts.release.release_docs import write_release_docs

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "cases" / "valid" / "minimal.json"


def make_release(folder: Path) -> Path:
    """A release-like folder: data/<config>/test.parquet for `documents` and `mentions`, then the docs."""
    doc = json.loads(MINIMAL.read_text(encoding="utf-8"))
    rows = {
        "documents": [doc],
        "mentions": [{"doc_id": doc["doc_id"], "confidence": None, **m} for m in doc["mentions"]],
    }
    header: dict = {"configs": [], "dataset_info": [], "license": "cc-by-4.0"}
    for config, data in rows.items():
        features = config_features(config)
        (folder / "data" / config).mkdir(parents=True)
        Dataset.from_list(data, features=features).to_parquet(str(folder / "data" / config / "test.parquet"))
        header["configs"].append(
            {"config_name": config, "data_files": [{"split": "test", "path": f"data/{config}/test.parquet"}]}
            | ({"default": True} if config == "documents" else {})
        )
        header["dataset_info"].append(
            {
                "config_name": config,
                "features": features._to_yaml_list(),
                "splits": [{"name": "test", "num_bytes": 0, "num_examples": len(data)}],
            }
        )
    configs = {config: {"test": {"files": [f"data/{config}/test.parquet"]}} for config in rows}
    write_release_docs(
        folder, card_header=header, metadata=load_metadata(ROOT / "corpus"), repo_root=ROOT, configs=configs
    )
    return folder


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    return make_release(tmp_path_factory.mktemp("release"))


def test_card_follows_the_template(release):
    card = (release / "README.md").read_text(encoding="utf-8")
    headings = re.findall(r"^#{2,4} (.+)$", card, re.M)
    template = [
        "Dataset Details", "Dataset Description", "Dataset Sources", "Uses", "Direct Use", "Out-of-Scope Use",
        "Dataset Structure", "Dataset Creation", "Curation Rationale", "Source Data",
        "Data Collection and Processing", "Who are the source data producers?", "Annotations",
        "Annotation process", "Who are the annotators?", "Personal and Sensitive Information",
        "Bias, Risks, and Limitations", "Recommendations", "Citation",
    ]  # fmt: skip
    positions = [headings.index(h) for h in template]
    assert positions == sorted(positions), "the card's sections are out of the template's order"


def test_card_header_and_facts(release):
    import yaml

    card = (release / "README.md").read_text(encoding="utf-8")
    header = yaml.safe_load(card.split("---\n")[1])
    metadata = load_metadata(ROOT / "corpus")
    assert header["license"] == "cc-by-4.0" and header["configs"][0]["default"] is True
    assert header["pretty_name"] == metadata["pretty_name"] and header["language"] == ["en"]
    assert f"Version **{metadata['version']}**" in card and f"version = {{{metadata['version']}}}" in card
    assert "No public URL exists yet" in card  # the repository is unknown, and says so


def test_card_quotes_the_datasheet(release):
    """The card quotes the release's DATASHEET.md: the repository's, its figures those of the release."""
    card = (release / "README.md").read_text(encoding="utf-8")
    datasheet = (release / "DATASHEET.md").read_text(encoding="utf-8")
    for key in ANSWERS:
        assert answer(datasheet, key) in card, key
    repository = (ROOT / "DATASHEET.md").read_text(encoding="utf-8")
    assert answer(datasheet, "direct-use") == answer(repository, "direct-use")  # the prose is the repository's
    assert "| documents | 1 |" in datasheet  # the figures are the release's own (one document)


def test_field_table_comes_from_the_schema(release):
    card = (release / "README.md").read_text(encoding="utf-8")
    schema = document_schema()
    for name, node in schema["properties"].items():
        assert f"| `{name}` | {node['description'].replace('|', chr(92) + '|')} |" in card
    mention = dict(field_rows("mentions"))
    assert mention["kind"] == schema["$defs"]["mention"]["properties"]["kind"]["description"]
    assert mention["start"] == schema["$defs"]["span"]["properties"]["start"]["description"]
    assert all(description for _, description in field_rows("documents")), "a schema field lacks a description"


def test_example_row_has_label_names(release):
    card = (release / "README.md").read_text(encoding="utf-8")
    example = card.split("An example row of `documents`")[1].split("```json\n")[1].split("\n```")[0]
    row = json.loads(example)
    assert row["doc_id"] == "valid-minimal" and row["mentions"][0]["type"] == "PERSON"


def test_every_answer_the_card_and_croissant_quote_exists():
    from newsfacts.release.croissant import RAI

    datasheet = (ROOT / "DATASHEET.md").read_text(encoding="utf-8")
    for prefixes in [*ANSWERS.values(), *RAI.values()]:
        for prefix in prefixes:
            assert section(datasheet, prefix).strip(), prefix
