"""--withhold-text and newsfacts rehydrate: withheld then rehydrated equals the full release."""

from __future__ import annotations

import copy
import hashlib
import shutil
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from newsfacts.cli import app
from newsfacts.corpus.ingest import normalise_text
from newsfacts.release.build import build_release
from newsfacts.release.manifest import Manifest
from newsfacts.release.verify import verify_release
from release_helpers import fixture_documents, minimal, write_corpus
from typer.testing import CliRunner

runner = CliRunner()


def seeded() -> tuple[dict, bytes]:
    """A document ingested from a raw seed file (BOM, CRLF, trailing boilerplate) and that file."""
    doc = copy.deepcopy(minimal())
    raw = ("\ufeff" + doc["text"].replace("\n", "\r\n") + "\r\n\r\nComments are closed.\r\n").encode()
    assert normalise_text(raw) == doc["text"]
    doc["doc_id"] = "seeded-article"
    doc["source"]["seed_file"] = "seeded-article.txt"
    doc["source"]["seed_sha256"] = hashlib.sha256(raw).hexdigest()
    return doc, raw


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("rehydrate")
    doc, raw = seeded()
    (base / "seeds").mkdir()
    (base / "seeds" / "seeded-article.txt").write_bytes(raw)
    files = [*fixture_documents(), ("f-seeded.json", [doc])]
    corpus = write_corpus(base / "corpus", files)
    texts = base / "texts"
    texts.mkdir()
    shutil.copy(base / "seeds" / "seeded-article.txt", texts)  # the raw seed, by its seed_file name
    for _, records in files:
        for record in records:
            if record["source"]["seed_file"] is None:
                (texts / f"{record['doc_id']}.txt").write_text(record["text"], encoding="utf-8")
    build_release(corpus, base / "full", texts="all")  # what rehydrating any withheld release gives
    build_release(corpus, base / "withheld", withhold_text=True)
    return {"full": base / "full", "withheld": base / "withheld", "texts": texts, "base": base}


def all_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_withheld_release_holds_no_text(releases: dict[str, Path]) -> None:
    release = releases["withheld"]
    manifest = Manifest.read(release)
    assert manifest.text_withheld
    for config, splits in manifest.content["configs"].items():
        for entry in splits.values():
            for name in entry["files"]:
                table = pq.read_table(release / name)
                for column in ("text", "title", "tokens"):
                    if column in table.column_names:
                        values = table.column(column)
                        if column == "tokens":
                            values = pc.list_flatten(values)
                        assert values.null_count == len(values), (config, column)
                if config == "quotes":
                    for role in ("source", "cue", "content"):
                        spans = pc.list_flatten(table.column(role))
                        assert pc.struct_field(spans, "text").null_count == len(spans)
    text = minimal()["text"]
    for name, data in all_files(release).items():
        if not name.endswith(".parquet"):
            assert text[:40].encode() not in data and b"We ran out of chairs" not in data, name


def test_the_withheld_release_verifies_and_keeps_hashes_and_offsets(releases: dict[str, Path]) -> None:
    assert verify_release(releases["withheld"]).valid
    full = pq.read_table(releases["full"] / "data" / "documents" / "test-00000-of-00001.parquet")
    held = pq.read_table(releases["withheld"] / "data" / "documents" / "test-00000-of-00001.parquet")
    assert held.column("text_sha256") == full.column("text_sha256")
    assert held.column("entities") == full.column("entities")  # entity names are annotations, kept
    card = (releases["withheld"] / "README.md").read_text(encoding="utf-8")
    assert "\nlicense: cc-by-4.0\n" in card


def test_withheld_then_rehydrated_equals_the_full_release(releases: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "rehydrated"
    result = runner.invoke(
        app, ["rehydrate", str(releases["withheld"]), "--texts", str(releases["texts"]), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert all_files(out) == all_files(releases["full"])


def test_rehydrate_in_place(releases: dict[str, Path], tmp_path: Path) -> None:
    release = tmp_path / "release"
    shutil.copytree(releases["withheld"], release)
    result = runner.invoke(app, ["rehydrate", str(release), "--texts", str(releases["texts"])])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"rehydrated {release}")
    assert all_files(release) == all_files(releases["full"])


def test_a_copy_that_differs_is_refused_by_name(releases: dict[str, Path], tmp_path: Path) -> None:
    texts = tmp_path / "texts"
    shutil.copytree(releases["texts"], texts)
    (texts / "fixture-train.txt").write_text(minimal()["text"].replace("Monday", "Tuesday"), encoding="utf-8")
    (texts / "fixture-empty.txt").unlink()
    release = tmp_path / "release"
    shutil.copytree(releases["withheld"], release)
    before = all_files(release)
    result = runner.invoke(app, ["rehydrate", str(release), "--texts", str(texts)])
    assert result.exit_code == 1
    assert "[text-copy-differs] document 'fixture-train'" in result.stdout
    assert "[text-copy-missing] document 'fixture-empty'" in result.stdout
    assert all_files(release) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["release", "texts"]


def test_a_full_release_is_not_rehydrated(releases: dict[str, Path]) -> None:
    result = runner.invoke(app, ["rehydrate", str(releases["full"]), "--texts", str(releases["texts"])])
    assert result.exit_code == 2 and "[text-not-withheld]" in result.stdout
