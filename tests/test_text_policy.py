"""Per-document text policy: a release ships a text only when its licence allows (``--texts
licensed``, the default), lists why in LICENSES.md, verifies, and rehydrates to the ``--texts all``
release; a release states its own figures (DATASHEET.md, CITATION.cff, LICENSES.md) and verify
catches any that do not."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from newsfacts.cli import app
from newsfacts.release.build import build_release
from newsfacts.release.manifest import MANIFEST, Manifest, file_entries
from newsfacts.release.verify import verify_release
from release_helpers import fixture_documents, minimal, write_corpus
from typer.testing import CliRunner

runner = CliRunner()


def _unlicensed() -> dict[str, Any]:
    doc = copy.deepcopy(minimal())
    doc["doc_id"] = "unlicensed"
    doc["text_license"] = {"value": None, "status": "unknown", "note": "No licence came with the text."}
    return doc


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("texts")
    corpus = write_corpus(base / "corpus", [*fixture_documents(), ("u.json", [_unlicensed()])])
    texts = base / "texts"
    texts.mkdir()
    (texts / "unlicensed.txt").write_text(_unlicensed()["text"], encoding="utf-8")
    build_release(corpus, base / "licensed")
    build_release(corpus, base / "all", texts="all")
    return {"licensed": base / "licensed", "all": base / "all", "texts": texts, "base": base}


def _documents(release: Path) -> dict[str, dict[str, Any]]:
    rows = {}
    for path in sorted((release / "data" / "documents").glob("*.parquet")):
        rows.update({row["doc_id"]: row for row in pq.read_table(path).to_pylist()})
    return rows


def test_only_the_unlicensed_text_is_withheld(built: dict[str, Path]) -> None:
    manifest = Manifest.read(built["licensed"])
    assert manifest.content["texts"]["policy"] == "licensed"
    assert manifest.content["texts"]["withheld"] == ["unlicensed"]
    rows = _documents(built["licensed"])
    held = rows["unlicensed"]
    assert held["text"] is None and held["title"] is None
    assert all(m["text"] is None for m in held["mentions"]) and held["text_sha256"]
    shipped = rows["valid-minimal"]
    assert shipped["text"] and all(m["text"] for m in shipped["mentions"])
    ner = [
        r for p in sorted((built["licensed"] / "data" / "ner").glob("*.parquet")) for r in pq.read_table(p).to_pylist()
    ]
    assert all(t is None for r in ner if r["doc_id"] == "unlicensed" for t in r["tokens"])
    assert all(t is not None for r in ner if r["doc_id"] == "valid-minimal" for t in r["tokens"])


def test_licences_file_lists_every_document(built: dict[str, Path]) -> None:
    text = (built["licensed"] / "LICENSES.md").read_text(encoding="utf-8")
    assert "| `unlicensed` | test | withheld | unknown (unknown) |" in text
    assert "| `valid-minimal` | test | shipped | `CC0-1.0` |" in text
    card = (built["licensed"] / "README.md").read_text(encoding="utf-8")
    assert "license_link: LICENSES.md" in card


def test_both_releases_verify(built: dict[str, Path]) -> None:
    for name in ("licensed", "all"):
        report = verify_release(built[name])
        assert report.valid, [i.render() for i in report.issues]


def test_rehydrated_equals_the_all_texts_release(built: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "restored"
    result = runner.invoke(
        app, ["rehydrate", str(built["licensed"]), "--texts", str(built["texts"]), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    want = {p.relative_to(built["all"]).as_posix(): p.read_bytes() for p in built["all"].rglob("*") if p.is_file()}
    assert files.keys() == want.keys()
    assert [name for name in files if files[name] != want[name]] == []


def test_the_stats_block_is_the_release_own(built: dict[str, Path]) -> None:
    """The release's DATASHEET.md figures come from its rows; a withheld text counts all the same."""
    licensed = (built["licensed"] / "DATASHEET.md").read_text(encoding="utf-8")
    every = (built["all"] / "DATASHEET.md").read_text(encoding="utf-8")
    assert licensed == every
    documents = sum(len(pq.read_table(p)) for p in (built["all"] / "data" / "documents").glob("*.parquet"))
    assert f"| documents | {documents} |" in licensed


def _tampered(built: dict[str, Path], tmp_path: Path, name: str, change) -> Path:
    release = tmp_path / "release"
    shutil.copytree(built["licensed"], release)
    path = release / name
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    manifest = json.loads((release / MANIFEST).read_text(encoding="utf-8"))
    manifest["files"] = file_entries(release)  # a forger rehashes MANIFEST
    (release / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return release


@pytest.mark.parametrize(
    ("name", "change", "found"),
    [
        ("DATASHEET.md", lambda t: t.replace("| documents | ", "| documents | 1"), ["DATASHEET.md"]),
        ("CITATION.cff", lambda t: t.replace('version: "', 'version: "9'), ["CITATION.cff"]),
        ("LICENSES.md", lambda t: t.replace("withheld", "shipped"), ["LICENSES.md"]),
    ],
    ids=["datasheet-figures", "citation-version", "licences"],
)
def test_verify_catches_documents_that_disagree_with_the_release(built, tmp_path, name, change, found) -> None:
    """croissant.json lists every file's sha256: it disagrees with any file edited since."""
    report = verify_release(_tampered(built, tmp_path, name, change))
    assert {i.code for i in report.issues} <= {"release-docs-mismatch", "version-mismatch"}, report.issues
    assert set(found) | {"croissant.json"} <= {i.file for i in report.issues} <= {*found, "croissant.json", "README.md"}


def test_verify_catches_a_withheld_list_that_lies(built: dict[str, Path], tmp_path: Path) -> None:
    release = _tampered(
        built, tmp_path, MANIFEST, lambda t: t.replace('"withheld": [\n      "unlicensed"\n    ]', '"withheld": []')
    )
    codes = {i.code for i in verify_release(release).issues}
    assert "text-withheld-mismatch" in codes


def test_bad_metadata_is_reported_with_its_place(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", [("a.json", [minimal()])])
    metadata = json.loads((corpus / "metadata.json").read_text(encoding="utf-8"))
    metadata["version"] = 1
    metadata["authors"] = [{"nom": "x"}]
    (corpus / "metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    for args in (["build", "--corpus", str(corpus), "--out", str(tmp_path / "out")], ["cite", "--corpus", str(corpus)]):
        result = runner.invoke(app, args)
        said = result.stdout + result.stderr
        assert result.exit_code == 2 and "Traceback" not in said, said
        assert "[corpus-metadata-invalid]" in said and "/version" in said and "/authors/0" in said
    assert not (tmp_path / "out").exists()
