"""croissant.json of a release: files with sha256, a record set per config, RAI fields from the datasheet."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest
from datasets import ClassLabel
from external_tools import external_tool
from newsfacts.docs.datasheet import section
from newsfacts.release.croissant import RAI
from test_card import make_release

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    return make_release(tmp_path_factory.mktemp("release"))


def test_files_carry_their_sha256(release):
    doc = json.loads((release / "croissant.json").read_text(encoding="utf-8"))
    objects = {d["contentUrl"]: d for d in doc["distribution"] if d["@type"] == "cr:FileObject"}
    assert {"data/documents/test.parquet", "data/mentions/test.parquet", "README.md", "DATASHEET.md"} <= set(objects)
    for relative, entry in objects.items():
        assert entry["sha256"] == hashlib.sha256((release / relative).read_bytes()).hexdigest()
        assert entry["encodingFormat"] and entry["name"]
    assert "croissant.json" not in objects


def test_record_sets_per_config(release):
    doc = json.loads((release / "croissant.json").read_text(encoding="utf-8"))
    sets = {r["@id"]: r for r in doc["recordSet"] if r.get("dataType") != "sc:Enumeration"}
    assert set(sets) == {"documents", "mentions"}
    fields = {f["name"]: f for f in sets["mentions"]["field"]}
    assert fields["start"]["dataType"] == "sc:Integer" and fields["text"]["dataType"] == "sc:Text"
    assert fields["type"]["description"].startswith("Class label index: 0 PERSON")
    source = next(f for f in sets["documents"]["field"] if f["name"] == "source")
    assert {s["name"] for s in source["subField"]} >= {"publisher", "url"}  # structs stay; layers have their own sets


def test_metadata_and_rai_fields(release):
    doc = json.loads((release / "croissant.json").read_text(encoding="utf-8"))
    datasheet = (ROOT / "DATASHEET.md").read_text(encoding="utf-8")
    assert doc["conformsTo"] == "http://mlcommons.org/croissant/1.0"
    metadata = json.loads((ROOT / "corpus" / "metadata.json").read_text(encoding="utf-8"))
    assert doc["version"] == metadata["version"] and doc["datePublished"] == metadata["date_released"]
    assert "url" not in doc  # no public URL exists: none is invented
    for prop, keys in RAI.items():
        assert doc[prop] == "\n\n".join(section(datasheet, k) for k in keys)
    assert "Devan Zimmerman" in doc["rai:personalSensitiveInformation"]


def test_mlcroissant_validates(release):
    exe = external_tool("NEWSFACTS_MLCROISSANT", "mlcroissant")
    run = subprocess.run(
        [exe, "validate", "--jsonld", str(release / "croissant.json")], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "ERROR" not in run.stderr.upper().replace("NO ERROR", "")


# --- loading every record set with the real mlcroissant (mlcroissant[parquet], a venv of its own) ----------


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from newsfacts.release.build import build_release
    from release_helpers import write_corpus

    base = tmp_path_factory.mktemp("built")
    build_release(write_corpus(base / "corpus"), base / "release")
    return base / "release"


def test_documents_keyed_layers_reference_it_labels_enumerated(built):
    doc = json.loads((built / "croissant.json").read_text(encoding="utf-8"))
    sets = {r["@id"]: r for r in doc["recordSet"]}
    documents = sets["documents"]
    assert documents["key"] == {"@id": "documents/doc_id"}
    assert not {"mentions", "entities", "quotes", "numeric_facts"} & {f["name"] for f in documents["field"]}
    for layer in ("entities", "mentions", "quotes", "numeric_facts", "ner"):
        doc_id = next(f for f in sets[layer]["field"] if f["name"] == "doc_id")
        assert doc_id["references"] == {"field": {"@id": "documents/doc_id"}}
    enums = {rid: r for rid, r in sets.items() if r.get("dataType") == "sc:Enumeration"}
    mention_type = next(f for f in sets["mentions"]["field"] if f["name"] == "type")
    target = mention_type["references"]["field"]["@id"].removesuffix("/index")
    assert target in enums and enums[target]["key"] == {"@id": f"{target}/index"}
    names = [row[f"{target}/name"] for row in sorted(enums[target]["data"], key=lambda r: r[f"{target}/index"])]
    assert names == ClassLabel(names=names).names and names[0] == "PERSON" and len(names) == 18
    ner_tags = next(f for f in sets["ner"]["field"] if f["name"] == "ner_tags")
    assert ner_tags["repeated"] is True and ner_tags["references"]["field"]["@id"].startswith("labels/ner.ner_tags")
    referenced = {
        f["references"]["field"]["@id"].removesuffix("/index")
        for r in sets.values()
        for f in _all_fields(r.get("field", []))
        if "references" in f and f["references"]["field"]["@id"].startswith("labels/")
    }
    assert referenced == set(enums)  # every enumeration is used, every ClassLabel decodes


def _all_fields(fields):
    for f in fields:
        yield f
        yield from _all_fields(f.get("subField", []))


def test_mlcroissant_loads_every_record_set_with_the_manifests_counts(built):
    exe = external_tool("NEWSFACTS_MLCROISSANT", "mlcroissant")
    doc = json.loads((built / "croissant.json").read_text(encoding="utf-8"))
    manifest = json.loads((built / "MANIFEST.json").read_text(encoding="utf-8"))
    for records in doc["recordSet"]:
        run = subprocess.run(
            [exe, "load", "--jsonld", str(built / "croissant.json"), "--record_set", records["@id"], "--num_records", "-1"],
            capture_output=True, text=True, timeout=300, check=False, cwd=built,
        )  # fmt: skip
        assert run.returncode == 0 and "Done." in run.stdout, run.stdout[-2000:] + run.stderr[-3000:]
        loaded = sum(line.startswith("{") for line in run.stdout.splitlines())
        if records.get("dataType") == "sc:Enumeration":
            assert loaded == len(records["data"]), records["@id"]
        else:
            expected = sum(s["num_examples"] for s in manifest["configs"][records["@id"]].values())
            assert loaded == expected, records["@id"]
