"""Helpers for the release tests: a small fixture corpus, the rows it should give, and loading a
release with ``datasets`` in a fresh, offline process."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from newsfacts.contract.documents import LAYERS, dump_document
from newsfacts.release.build import PARQUET_OPTIONS, RELEASED
from newsfacts.release.manifest import ContentHash, Manifest, combined_hash, file_sha256

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "cases" / "valid" / "minimal.json"
SYNTHETIC_DOCS = 12


def minimal() -> dict[str, Any]:
    return json.loads(MINIMAL.read_text(encoding="utf-8"))


def fixture_documents() -> list[tuple[str, list[dict[str, Any]]]]:
    """(file name, records) of the fixture corpus: variants of the minimal document in three
    splits (one with no annotations at all, in a split of its own), a non-gold record that the
    release leaves out, and a JSONL file of synthetic documents."""
    from newsfacts.bench.synthetic import generate_documents

    test = minimal()
    train = copy.deepcopy(test)
    train["doc_id"], train["split"] = "fixture-train", "train"
    train["entities"][0]["kb"] = [{"kb": "wikidata", "id": "Q42"}]
    train["mentions"][0]["confidence"] = 0.75
    empty = copy.deepcopy(test)
    empty["doc_id"], empty["split"] = "fixture-empty", "extra"
    for layer in LAYERS:
        empty[layer] = []
    passed = copy.deepcopy(test)
    passed["annotation"] = {**passed["annotation"], "set": "pass-a", "status": "independent_pass"}
    passed["quotes"] = []
    for fact in passed["numeric_facts"]:
        fact["quote_id"] = None
    return [
        ("a-minimal.json", [test]),
        ("b-train.json", [train]),
        ("c-empty.json", [empty]),
        ("d-pass-a.json", [passed]),
        ("e-synthetic.jsonl", list(generate_documents(SYNTHETIC_DOCS, seed=7))),
    ]


def write_corpus(folder: Path, files: list[tuple[str, list[dict[str, Any]]]] | None = None) -> Path:
    """A corpus folder (metadata.json from the repository, documents/) in ``folder``."""
    documents = folder / "documents"
    documents.mkdir(parents=True, exist_ok=True)
    metadata = json.loads((ROOT / "corpus" / "metadata.json").read_text(encoding="utf-8"))
    metadata.pop(RELEASED, None)  # a fixture corpus is not the released one
    (folder / "metadata.json").write_text(json.dumps(metadata, ensure_ascii=False, indent=2), encoding="utf-8")
    for name, records in files if files is not None else fixture_documents():
        if name.endswith(".jsonl"):
            text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        else:
            text = dump_document(records[0])
        (documents / name).write_text(text, encoding="utf-8")
    return folder


def gold_by_split(files: list[tuple[str, list[dict[str, Any]]]] | None = None) -> dict[str, list[dict[str, Any]]]:
    """The gold documents of the fixture corpus, by split, in corpus order."""
    out: dict[str, list[dict[str, Any]]] = {}
    for _, records in sorted(files if files is not None else fixture_documents()):
        for doc in records:
            if doc["annotation"]["set"] == "gold":
                out.setdefault(doc["split"], []).append(doc)
    return out


def as_row(value: Any, feature: Any) -> Any:
    """``value`` as ``datasets`` returns it for ``feature``: labels as ids, absent fields null."""
    from datasets import ClassLabel, List

    if isinstance(feature, ClassLabel):
        return None if value is None else feature.str2int(value)
    if isinstance(feature, List):
        return None if value is None else [as_row(v, feature.feature) for v in value]
    if isinstance(feature, dict):
        if value is None:
            return None
        return {name: as_row(value.get(name), sub) for name, sub in feature.items()}
    return value


def expected_rows(config: str, split_docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows ``config`` should hold for the documents of one split, in order."""
    from newsfacts.release.features import config_features
    from newsfacts.release.ner import ner_rows

    features = config_features(config)
    if config == "documents":
        rows: list[dict[str, Any]] = list(split_docs)
    elif config in LAYERS:
        rows = [{"doc_id": d["doc_id"], **item} for d in split_docs for item in d[config]]
    else:
        rows = [row for d in split_docs for row in ner_rows(d)]
    return [as_row(row, dict(features)) for row in rows]


_LOADER = """
import json, sys
from datasets import get_dataset_config_names, load_dataset
path, streaming = sys.argv[1], sys.argv[2] == "1"
out = {"configs": get_dataset_config_names(path), "data": {}, "features": {}, "streamed": {}}
for config in out["configs"]:
    loaded = load_dataset(path, config)
    out["data"][config] = {split: ds.to_list() for split, ds in loaded.items()}
    out["features"][config] = {split: ds.features.to_dict() for split, ds in loaded.items()}
    if streaming:
        streamed = load_dataset(path, config, streaming=True)
        out["streamed"][config] = {split: list(ds) for split, ds in streamed.items()}
default = load_dataset(path)
out["default"] = {split: len(ds) for split, ds in default.items()}
print(json.dumps(out, ensure_ascii=False))
"""


def load_in_subprocess(release: Path, hf_home: Path, *, streaming: bool = True) -> dict[str, Any]:
    """Every config of ``release`` loaded with ``datasets`` offline, in an empty HF_HOME."""
    hf_home.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1", "HF_HOME": str(hf_home)}
    env.pop("HF_DATASETS_CACHE", None)
    done = subprocess.run(
        [sys.executable, "-c", _LOADER, str(release), "1" if streaming else "0"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def rewrite(release: Path, name: str, table: pa.Table, *, fix_content_hash: bool = True) -> None:
    """Replace a Parquet file and make the manifest agree with it, as a careful forger would."""
    path = release / name
    pq.write_table(table, path, **PARQUET_OPTIONS)
    manifest = Manifest.read(release)
    manifest.content["files"][name] = {"sha256": file_sha256(path), "size": path.stat().st_size}
    if fix_content_hash:
        for splits in manifest.content["configs"].values():
            for entry in splits.values():
                if name in entry["files"]:
                    hasher = ContentHash(table.schema)
                    for file in entry["files"]:
                        hasher.update(pq.read_table(release / file))
                    entry["content_sha256"] = hasher.hexdigest()
        hashes = [(c, s, e["content_sha256"]) for c, ss in manifest.content["configs"].items() for s, e in ss.items()]
        manifest.content["content_sha256"] = combined_hash(hashes)
    manifest.write(release)
