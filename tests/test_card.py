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


# --- dataset_info num_bytes: what datasets itself counts ------------------------------------------------------

_SIZES = """
import json, sys
from datasets import get_dataset_config_names, load_dataset
path = sys.argv[1]
print(json.dumps({c: {s: d.info.splits[s].num_bytes for s, d in load_dataset(path, c).items()}
                  for c in get_dataset_config_names(path)}))
"""


def test_num_bytes_equal_what_datasets_reports_on_load(tmp_path):
    import os
    import subprocess
    import sys

    import yaml
    from newsfacts.release.build import build_release
    from release_helpers import write_corpus

    release = tmp_path / "release"
    build_release(write_corpus(tmp_path / "corpus"), release)
    env = {**os.environ, "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf")}
    done = subprocess.run(
        [sys.executable, "-c", _SIZES, str(release)], capture_output=True, text=True, env=env, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    reported = json.loads(done.stdout)
    text = (release / "README.md").read_text(encoding="utf-8")
    header = yaml.safe_load(text[4 : text.index("\n---\n", 3)])
    declared = {i["config_name"]: {s["name"]: s["num_bytes"] for s in i["splits"]} for i in header["dataset_info"]}
    assert declared == reported
    for info in header["dataset_info"]:
        assert info["dataset_size"] == sum(s["num_bytes"] for s in info["splits"])


def test_datasets_nbytes_is_the_size_of_the_table_read_back():
    """Nulls, empty lists, empty strings, nested structs, slices: the in-memory table counts as read back."""
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq
    from newsfacts.release.card import datasets_nbytes

    span = pa.struct([("start", pa.int32()), ("text", pa.string())])
    table = pa.table(
        {
            "a": pa.array([1, None, 3, 4], pa.int64()),
            "b": pa.array([0.5, 1.5, None, None], pa.float64()),
            "s": pa.array(["x", "", None, "zéé"]),
            "f": pa.array([True, False, True, None]),
            "l": pa.array([[{"start": 1, "text": "a"}], [], None, [{"start": None, "text": None}]], pa.list_(span)),
            "e": pa.array([[], [], [], []], pa.list_(pa.string())),
        }
    )
    for part in (table, table.slice(1, 2), table.slice(0, 0)):
        buffer = io.BytesIO()
        pq.write_table(part, buffer)
        buffer.seek(0)
        with pq.ParquetFile(buffer) as parquet:
            back = sum(parquet.read_row_group(i).nbytes for i in range(parquet.num_row_groups))
        assert datasets_nbytes(part) == back


def test_card_documents_the_ner_tokenisation_and_its_limits():
    from newsfacts.release.card import NER_TOKENISATION, card_body
    from newsfacts.release.ner import ner_rows

    header = {"configs": [{"config_name": c} for c in ("documents", "ner")]}
    body = card_body(
        metadata=load_metadata(ROOT / "corpus"),
        datasheet=(ROOT / "DATASHEET.md").read_text(encoding="utf-8"),
        card_header=header,
    )
    assert NER_TOKENISATION in body and "### Tokenisation of `ner`" in body
    # the table says what the tokeniser does today: check it against the tokeniser
    doc = json.loads((ROOT / "corpus" / "documents" / "000_5d72bf2b25391026.json").read_text(encoding="utf-8"))
    tokens = [t for row in ner_rows(doc) for t in row["tokens"]]
    for run in (["9", "th", "Division"], ["Capt", ".", "Devan", "Zimmerman"], ["Iraq", "’s"], ["army’s"]):
        assert any(tokens[i : i + len(run)] == run for i in range(len(tokens))), run
