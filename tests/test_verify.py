"""newsfacts verify: a fresh build passes; each kind of tampering fails with its code, also when the
tamperer kept the manifest consistent."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from newsfacts.cli import app
from newsfacts.release.build import build_release
from newsfacts.release.manifest import Manifest
from newsfacts.release.verify import verify_release
from release_helpers import fixture_documents, rewrite, write_corpus
from typer.testing import CliRunner

runner = CliRunner()


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("verify")
    files = [f for f in fixture_documents() if not f[0].endswith(".jsonl")]
    out = base / "release"
    build_release(write_corpus(base / "corpus", files), out)
    return out


@pytest.fixture
def release(pristine: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "release"
    shutil.copytree(pristine, copy)
    return copy


def codes(folder: Path) -> set[str]:
    return {i.code for i in verify_release(folder).issues}


def test_a_fresh_build_verifies(pristine: Path) -> None:
    result = runner.invoke(app, ["verify", str(pristine)])
    assert result.exit_code == 0, result.stdout
    assert result.stdout == "" and "valid: 3 document(s)" in result.stderr


def test_tampered_bytes(release: Path) -> None:
    path = release / "data" / "mentions" / "test-00000-of-00001.parquet"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    result = runner.invoke(app, ["verify", str(release)])
    assert result.exit_code == 1
    assert "data/mentions/test-00000-of-00001.parquet: [file-changed]" in result.stdout


def test_missing_file(release: Path) -> None:
    (release / "data" / "ner" / "train-00000-of-00001.parquet").unlink()
    assert {"file-missing", "card-mismatch"} <= codes(release)


def test_extra_file(release: Path) -> None:
    shutil.copy(release / "data" / "quotes" / "test-00000-of-00001.parquet", release / "data" / "quotes" / "x.parquet")
    (release / "notes.txt").write_text("left behind")
    found = verify_release(release).issues
    assert {(i.code, i.file) for i in found if i.code == "file-unexpected"} == {
        ("file-unexpected", "data/quotes/x.parquet"),
        ("file-unexpected", "notes.txt"),
    }


def test_wrong_count_in_the_card(release: Path) -> None:
    card = release / "README.md"
    text = card.read_text(encoding="utf-8")
    n = Manifest.read(release).num_examples("mentions", "test")
    card.write_text(text.replace(f"num_examples: {n}\n", f"num_examples: {n - 1}\n", 1), encoding="utf-8")
    assert {"row-count-mismatch", "file-changed"} <= codes(release)


def test_corrupted_parquet(release: Path) -> None:
    path = release / "data" / "documents" / "test-00000-of-00001.parquet"
    path.write_bytes(path.read_bytes()[:-100])
    assert {"parquet-unreadable", "file-changed"} <= codes(release)


def test_a_declared_column_missing_from_a_consistent_file(release: Path) -> None:
    name = "data/quotes/test-00000-of-00001.parquet"
    table = pq.read_table(release / name)
    rewrite(release, name, table.drop_columns(["confidence"]).replace_schema_metadata(table.schema.metadata))
    found = codes(release)
    assert "columns-mismatch" in found and "file-changed" not in found


def test_fewer_rows_in_a_consistent_file(release: Path) -> None:
    name = "data/entities/train-00000-of-00001.parquet"
    table = pq.read_table(release / name)
    rewrite(release, name, table.slice(1))
    found = codes(release)
    assert {"row-count-mismatch", "view-mismatch"} <= found and "file-changed" not in found


def test_an_invalid_annotation_in_a_consistent_release(release: Path) -> None:
    name = "data/documents/train-00000-of-00001.parquet"
    table = pq.read_table(release / name)
    rows = table.to_pylist()
    rows[0]["mentions"][0]["text"] = "Someone Else"
    rewrite(release, name, pa.Table.from_pylist(rows, schema=table.schema))
    found = verify_release(release).issues
    mismatch = [i for i in found if i.code == "span-text-mismatch"]
    assert mismatch and mismatch[0].file == name and mismatch[0].pointer == "/0/mentions/0/text"
    assert "view-mismatch" in {i.code for i in found}


def test_a_version_that_disagrees(release: Path) -> None:
    name = "data/ner/test-00000-of-00001.parquet"
    table = pq.read_table(release / name)
    stated = json.loads(table.schema.metadata[b"newsfacts"])
    metadata = {**table.schema.metadata, b"newsfacts": json.dumps({**stated, "dataset_version": "9.9.9"}).encode()}
    rewrite(release, name, table.replace_schema_metadata(metadata))
    assert codes(release) == {"version-mismatch", "release-docs-mismatch"}  # croissant.json quotes the metadata


def test_content_hash_without_other_change(release: Path) -> None:
    manifest = Manifest.read(release)
    manifest.content["configs"]["ner"]["test"]["content_sha256"] = "0" * 64
    manifest.write(release)
    assert codes(release) == {"content-hash-mismatch", "view-mismatch"}


def test_no_manifest_and_no_folder(release: Path, tmp_path: Path) -> None:
    (release / "MANIFEST.json").unlink()
    result = runner.invoke(app, ["verify", str(release)])
    assert result.exit_code == 2 and "[manifest-missing]" in result.stdout
    result = runner.invoke(app, ["verify", str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and "[release-not-found]" in result.stdout


def test_json_output_lists_codes(release: Path) -> None:
    (release / "CITATION.cff").unlink()
    result = runner.invoke(app, ["verify", str(release), "--format", "json"])
    report = json.loads(result.stdout)
    assert result.exit_code == 1 and not report["valid"]
    assert [(i["code"], i["file"]) for i in report["issues"]] == [
        ("file-missing", "CITATION.cff"),
        ("release-docs-mismatch", "croissant.json"),  # it lists CITATION.cff
    ]
    assert report["official"]["answer"] in ("no", "unknown version")  # a fixture corpus, not the released rows


def test_label_ids_out_of_range_are_caught(release: Path) -> None:
    name = "data/mentions/test-00000-of-00001.parquet"
    table = pq.read_table(release / name)
    types = pc.add(table.column("type"), 100)
    rewrite(release, name, table.set_column(table.schema.get_field_index("type"), table.schema.field("type"), types))
    assert "view-mismatch" in codes(release)


def test_a_label_id_outside_its_class_label_is_named_not_a_traceback(release: Path) -> None:
    name = "data/documents/test-00000-of-00001.parquet"
    table = pq.read_table(release / name)
    rows = table.to_pylist()
    rows[0]["mentions"][0]["type"] = 99
    rewrite(release, name, pa.Table.from_pylist(rows, schema=table.schema))
    result = runner.invoke(app, ["verify", str(release)])
    assert result.exit_code == 1 and "label id outside" in result.stdout
