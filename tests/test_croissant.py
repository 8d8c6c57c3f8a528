"""croissant.json of a release: files with sha256, a record set per config, RAI fields from the datasheet."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest
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
    sets = {r["@id"]: r for r in doc["recordSet"]}
    assert set(sets) == {"documents", "mentions"}
    fields = {f["name"]: f for f in sets["mentions"]["field"]}
    assert fields["start"]["dataType"] == "sc:Integer" and fields["text"]["dataType"] == "sc:Text"
    assert fields["type"]["description"].startswith("Class label index: 0 PERSON")
    mentions = next(f for f in sets["documents"]["field"] if f["name"] == "mentions")
    assert mentions["repeated"] is True and {s["name"] for s in mentions["subField"]} >= {"start", "end", "kind"}


def test_metadata_and_rai_fields(release):
    doc = json.loads((release / "croissant.json").read_text(encoding="utf-8"))
    datasheet = (ROOT / "DATASHEET.md").read_text(encoding="utf-8")
    assert doc["conformsTo"] == "http://mlcommons.org/croissant/1.0"
    assert doc["version"] == "1.0.0" and doc["datePublished"] == "2026-11-24"
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
