"""newsfacts build: the release folder, loaded back with datasets, DuckDB; versions, determinism,
refusals and atomicity."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import yaml
from newsfacts.bench.synthetic import generate_documents
from newsfacts.cli import app
from newsfacts.contract.schema import schema_version
from newsfacts.release.build import build_release
from newsfacts.release.features import CONFIGS, config_features
from newsfacts.release.manifest import Manifest
from release_helpers import ROOT, expected_rows, gold_by_split, load_in_subprocess, minimal, write_corpus
from release_helpers import fixture_documents as fixture_documents_for_build
from typer.testing import CliRunner

REQUIRED_CARD_KEYS = (
    "configs",
    "dataset_info",
    "license",
    "language",
    "pretty_name",
    "task_categories",
    "task_ids",
    "size_categories",
    "annotations_creators",
    "source_datasets",
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Manifest]:
    base = tmp_path_factory.mktemp("build")
    corpus = write_corpus(base / "corpus")
    return base / "dist" / "newsfacts", build_release(corpus, base / "dist" / "newsfacts")


def card_header(release: Path) -> dict[str, Any]:
    text = (release / "README.md").read_text(encoding="utf-8")
    return yaml.safe_load(text[4 : text.index("\n---\n", 3)])


def test_release_layout(built: tuple[Path, Manifest]) -> None:
    release, manifest = built
    files = sorted(p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file())
    for name in ("README.md", "MANIFEST.json", "croissant.json", "schema/document.schema.json", "CITATION.cff"):
        assert name in files
    data = [f for f in files if f.startswith("data/")]
    assert "data/documents/test-00000-of-00001.parquet" in data
    assert "data/ner/extra-00000-of-00001.parquet" in data
    assert "data/quotes/extra-00000-of-00001.parquet" not in data  # no rows: no file, no split
    assert sorted(data) == sorted(
        f for c in manifest.content["configs"].values() for s in c.values() for f in s["files"]
    )
    assert sorted(manifest.content["files"]) == [f for f in files if f != "MANIFEST.json"]
    assert str(release.parent) not in json.dumps(manifest.content)  # no absolute path


def test_manifest_counts_versions_and_source(built: tuple[Path, Manifest]) -> None:
    _, manifest = built
    content = manifest.content
    assert content["dataset_version"] == json.loads((ROOT / "corpus" / "metadata.json").read_text())["version"]
    assert content["schema_version"] == schema_version()
    assert content["source"] == {"commit": None, "dirty": None}  # the fixture corpus is outside git
    for split, docs in gold_by_split().items():
        for config in CONFIGS:
            rows = len(expected_rows(config, docs))
            if rows:
                assert manifest.num_examples(config, split) == rows, (config, split)
            else:
                assert split not in content["configs"][config]


def test_card_yaml_declares_configs_features_and_complete_splits(built: tuple[Path, Manifest]) -> None:
    from datasets import Features

    release, manifest = built
    header = card_header(release)
    assert all(key in header for key in REQUIRED_CARD_KEYS)
    assert [c["config_name"] for c in header["configs"]] == list(CONFIGS)
    assert [c["config_name"] for c in header["configs"] if c.get("default")] == ["documents"]
    for info in header["dataset_info"]:
        config = info["config_name"]
        assert Features._from_yaml_list(info["features"]) == config_features(config)
        for split in info["splits"]:
            assert set(split) == {"name", "num_bytes", "num_examples"}
            assert split["num_examples"] == manifest.num_examples(config, split["name"])
    assert header["license"] == "other"  # the article text is not under the annotations' licence


def test_every_config_loads_offline_with_the_rows_and_features_that_went_in(
    built: tuple[Path, Manifest], tmp_path: Path
) -> None:
    release, _ = built
    loaded = load_in_subprocess(release, tmp_path / "hf-home")
    assert loaded["configs"] == list(CONFIGS)
    by_split = gold_by_split()
    for config in CONFIGS:
        assert loaded["features"][config] == {
            split: config_features(config).to_dict() for split in loaded["features"][config]
        }
        expected = {s: expected_rows(config, docs) for s, docs in by_split.items()}
        expected = {s: rows for s, rows in expected.items() if rows}
        assert loaded["data"][config] == expected, config
        assert loaded["streamed"][config] == expected, config
    assert loaded["default"] == {s: len(d) for s, d in by_split.items()}


def test_declared_split_sizes_are_enforced_on_load(built: tuple[Path, Manifest], tmp_path: Path) -> None:
    release = tmp_path / "release"
    shutil.copytree(built[0], release)
    card = (release / "README.md").read_text(encoding="utf-8")
    n = built[1].num_examples("documents", "train")
    card = card.replace(f"num_examples: {n}\n", f"num_examples: {n + 1}\n", 1)
    (release / "README.md").write_text(card, encoding="utf-8")
    env = {**os.environ, "HF_DATASETS_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf")}
    code = "import sys, datasets; datasets.load_dataset(sys.argv[1], 'documents')"
    done = subprocess.run([sys.executable, "-c", code, str(release)], capture_output=True, text=True, env=env)
    assert done.returncode != 0 and "NonMatchingSplitsSizesError" in done.stderr


def test_building_twice_gives_the_same_manifest(built: tuple[Path, Manifest], tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    again = build_release(corpus, tmp_path / "again", jobs=2)  # on worker processes this time
    assert again.content == built[1].content


def test_the_version_agrees_everywhere(built: tuple[Path, Manifest]) -> None:
    release, manifest = built
    version = manifest.version
    assert f"Version **{version}**" in (release / "README.md").read_text(encoding="utf-8")
    assert json.loads((release / "croissant.json").read_text(encoding="utf-8"))["version"] == version
    assert str(yaml.safe_load((release / "CITATION.cff").read_text(encoding="utf-8"))["version"]) == version
    for name in (n for n in manifest.content["files"] if n.endswith(".parquet")):
        stated = json.loads(pq.read_schema(release / name).metadata[b"newsfacts"])
        assert (stated["dataset_version"], stated["schema_version"]) == (version, manifest.content["schema_version"])


def test_duckdb_reads_the_same_rows_from_data(built: tuple[Path, Manifest]) -> None:
    import duckdb  # a test extra: the data/ Parquet must read in another engine

    release, _ = built
    docs = gold_by_split()["train"]
    want = [(r["doc_id"], r["id"], r["start"], r["end"], r["text"]) for r in expected_rows("mentions", docs)]
    pattern = str(release / "data" / "mentions" / "train-*.parquet")
    got = duckdb.sql(f"SELECT doc_id, id, start, \"end\", text FROM read_parquet('{pattern}')").fetchall()
    assert got == want
    every = duckdb.sql(f"SELECT count(*) FROM read_parquet('{release}/data/documents/*.parquet')").fetchall()
    assert every == [(sum(len(d) for d in gold_by_split().values()),)]
    ner = pq.read_table(release / "data" / "ner" / "train-00000-of-00001.parquet")  # offsets delta-encoded in lists
    query = f"SELECT id, token_starts, token_ends, ner_tags FROM read_parquet('{release}/data/ner/train-*.parquet')"
    assert duckdb.sql(query).fetchall() == list(
        zip(*(ner.column(c).to_pylist() for c in ("id", "token_starts", "token_ends", "ner_tags")), strict=True)
    )


def test_parquet_encodings_and_statistics(built: tuple[Path, Manifest]) -> None:
    """Offsets (int32) are delta-encoded, everything else dictionary-encoded; statistics outside lists only."""
    release, manifest = built
    for name in (n for n in manifest.content["files"] if n.endswith(".parquet")):
        group = pq.ParquetFile(release / name).metadata.row_group(0)
        for i in range(group.num_columns):
            column = group.column(i)
            offsets = column.physical_type == "INT32"
            assert ("DELTA_BINARY_PACKED" in column.encodings) == offsets, (name, column.path_in_schema)
            assert ("RLE_DICTIONARY" in column.encodings) == (not offsets), (name, column.path_in_schema)
            assert column.is_stats_set == (".list." not in column.path_in_schema), (name, column.path_in_schema)


# --- refusals and atomicity -------------------------------------------------------------------


runner = CliRunner()


def test_cli_builds_and_says_what(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", [("a.json", [minimal()])])
    result = runner.invoke(app, ["build", "--corpus", str(corpus), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    version = json.loads((ROOT / "corpus" / "metadata.json").read_text(encoding="utf-8"))["version"]
    assert result.stdout.startswith(f"built {tmp_path / 'out'}: newsfacts {version}")


def test_an_invalid_corpus_is_refused_and_the_release_kept(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", [("a.json", [minimal()])])
    out = tmp_path / "out"
    build_release(corpus, out)
    before = (out / "MANIFEST.json").read_bytes()
    bad = minimal()
    bad["doc_id"] = "broken"
    bad["mentions"][0]["end"] += 1
    (corpus / "documents" / "b.json").write_text(json.dumps(bad), encoding="utf-8")
    result = runner.invoke(app, ["build", "--corpus", str(corpus), "--out", str(out)])
    assert result.exit_code == 1
    assert "[span-text-mismatch]" in result.stdout and "b.json" in result.stdout
    assert (out / "MANIFEST.json").read_bytes() == before
    assert set(os.listdir(tmp_path)) == {"corpus", "out"}  # no staging folder left


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_build_reports_what_validate_reports(tmp_path: Path, jobs: int) -> None:
    """The build checks spans batch-wide (batch_checks); on any doubt it validates in full, so an
    invalid corpus gets the very issues `newsfacts validate` gives, wherever they lie in a batch."""
    from newsfacts import validate
    from newsfacts.release.build import InvalidCorpus

    docs = []
    for i in range(40):
        doc = minimal()
        doc["doc_id"] = f"doc-{i}"
        docs.append(doc)
    docs[3]["mentions"][0]["end"] += 1  # span-text-mismatch
    docs[17]["quotes"][0]["content"][0]["start"] -= 1  # span-text-mismatch (a space)
    docs[38]["numeric_facts"][0]["measured_span"]["end"] = 10_000  # span-out-of-range
    corpus = write_corpus(tmp_path / "corpus", [("many.jsonl", docs)])
    with pytest.raises(InvalidCorpus) as refused:
        build_release(corpus, tmp_path / "out", jobs=jobs)
    expected = validate([corpus / "documents"])

    def where(issues):
        return sorted((i.code, i.file, i.line, i.pointer, i.message) for i in issues)

    assert where(refused.value.report.issues) == where(expected.issues)
    assert {i.code for i in expected.issues} == {"span-text-mismatch", "span-out-of-range"}
    assert not (tmp_path / "out").exists()


def test_a_valid_batch_takes_the_quick_route_with_the_checked_routes_result() -> None:
    """The build's quick route (spans checked batch-wide) is taken for valid data, and gives what
    checking record by record gives: keys, issues and every table."""
    from newsfacts.contract.reading import Record
    from newsfacts.release.build import _checked, _quick
    from newsfacts.release.features import conversion_plan
    from newsfacts.release.views import TextPolicy

    docs = [doc for _, file_docs in fixture_documents_for_build() for doc in file_docs]
    records = [Record("x.jsonl", i + 1, json.dumps(d).encode() + b"\n", False) for i, d in enumerate(docs)]
    plan = conversion_plan()
    for texts in (TextPolicy("all"), TextPolicy("none"), TextPolicy("licensed", ("CC-BY-4.0",))):
        quick, checked = _quick(records, plan, texts), _checked(records, plan, texts, True)
        assert quick is not None, "a valid batch fell back to the checked route"
        assert (quick.keys, quick.issues, quick.size, quick.records) == (
            checked.keys,
            checked.issues,
            checked.size,
            checked.records,
        )
        assert quick.tables.keys() == checked.tables.keys()
        for split, tables in quick.tables.items():
            for config, rows in tables.items():
                assert rows.equals(checked.tables[split][config]), (texts, split, config)
        assert quick.withheld == checked.withheld
    assert any(k.annotation_set != "gold" for k in quick.keys)  # a pass record rides along, checked in full
    silver = next(d for d in docs if d["annotation"]["set"] != "gold")
    silver = json.loads(json.dumps(silver))
    silver["mentions"][0]["end"] += 1  # not converted, so the quick route checks its spans itself
    bad = [*records, Record("x.jsonl", 99, json.dumps(silver).encode() + b"\n", False)]
    assert _quick(bad, plan, TextPolicy()) is None
    assert "span-text-mismatch" in {i.code for i in _checked(bad, plan, TextPolicy(), True).issues}


def test_an_offset_written_as_a_float_is_refused_by_validate_and_build_alike(tmp_path: Path) -> None:
    from newsfacts import validate
    from newsfacts.release.build import InvalidCorpus

    doc = minimal()
    doc["mentions"][0]["start"] = float(doc["mentions"][0]["start"])  # 59.0: a JSON Schema integer
    corpus = write_corpus(tmp_path / "corpus", [("a.json", [doc])])
    assert "59.0" in (corpus / "documents" / "a.json").read_text(encoding="utf-8")
    expected = [(i.code, i.pointer) for i in validate([corpus / "documents"]).issues]
    assert expected == [("offset-not-integer", "/mentions/0/start")]
    with pytest.raises(InvalidCorpus) as refused:
        build_release(corpus, tmp_path / "out")
    assert [(i.code, i.pointer) for i in refused.value.report.issues] == expected  # not conversion-failed


def _record_release(corpus: Path, **released: str) -> None:
    path = corpus / "metadata.json"
    metadata = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**metadata, "released_content_sha256": released}), encoding="utf-8")


def test_a_released_version_is_not_rebuilt_from_other_rows(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", [("a.json", [minimal()])])
    out = tmp_path / "out"
    first = build_release(corpus, out)
    _record_release(corpus, **{first.version: first.content_sha256})
    assert build_release(corpus, out).content_sha256 == first.content_sha256  # the same rows: fine
    before = (out / "MANIFEST.json").read_bytes()
    changed = minimal()
    changed["doc_id"] = "another"
    (corpus / "documents" / "b.json").write_text(json.dumps(changed), encoding="utf-8")
    result = runner.invoke(app, ["build", "--corpus", str(corpus), "--out", str(out)])
    assert result.exit_code == 1 and "[released-version-changed]" in result.stdout, result.output
    assert (
        f"{corpus / 'metadata.json'}:" in result.stdout and f"/released_content_sha256/{first.version}" in result.stdout
    )
    assert (out / "MANIFEST.json").read_bytes() == before  # the release stays as it was
    assert set(os.listdir(tmp_path)) == {"corpus", "out"}
    build_release(corpus, tmp_path / "withheld", withhold_text=True)  # other rows by design: not compared
    _record_release(corpus, **{first.version: first.content_sha256, "0.9.0": "0" * 64})
    metadata = json.loads((corpus / "metadata.json").read_text(encoding="utf-8"))
    (corpus / "metadata.json").write_text(json.dumps({**metadata, "version": "99.0.0"}), encoding="utf-8")
    assert build_release(corpus, out).version == "99.0.0"  # a new version: built


@pytest.mark.parametrize("released", [["1.0.0"], {"1.0": "0" * 64}, {"1.0.0": "abc"}, {"1.0.0": None}])
def test_a_malformed_record_of_releases_is_a_metadata_error(tmp_path: Path, released: Any) -> None:
    corpus = write_corpus(tmp_path / "corpus", [("a.json", [minimal()])])
    metadata = json.loads((corpus / "metadata.json").read_text(encoding="utf-8"))
    (corpus / "metadata.json").write_text(json.dumps({**metadata, "released_content_sha256": released}))
    result = runner.invoke(app, ["build", "--corpus", str(corpus), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "[corpus-metadata-invalid]" in result.stdout, result.output


def test_the_record_of_releases_names_the_seed_releases() -> None:
    """Every recorded release is one the CHANGELOG has an entry for (tests/test_release_of_corpus
    builds the seed corpus: were its rows not those of a recorded version, the build would refuse)."""
    from newsfacts.release.build import RELEASED

    metadata = json.loads((ROOT / "corpus" / "metadata.json").read_text(encoding="utf-8"))
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert metadata[RELEASED], "no release recorded"
    for version in metadata[RELEASED]:
        assert f"\n## {version} — " in changelog, version


def test_refuses_to_replace_a_folder_that_is_not_a_release(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", [("a.json", [minimal()])])
    out = tmp_path / "precious"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    result = runner.invoke(app, ["build", "--corpus", str(corpus), "--out", str(out)])
    assert result.exit_code == 2 and "[release-out-unsafe]" in result.stdout
    assert (out / "notes.txt").read_text() == "mine"


def test_missing_metadata_is_a_usage_error(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", [("a.json", [minimal()])])
    (corpus / "metadata.json").unlink()
    result = runner.invoke(app, ["build", "--corpus", str(corpus), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "[corpus-metadata-invalid]" in result.stdout
    assert not (tmp_path / "out").exists()


def _start_and_kill(corpus: Path, out: Path, sig: int) -> int:
    """Run the installed command, wait until it is writing Parquet, send ``sig``; its exit code."""
    command = shutil.which("newsfacts", path=str(Path(sys.executable).parent)) or "newsfacts"
    proc = subprocess.Popen([command, "build", "--corpus", str(corpus), "--out", str(out), "-j", "1"])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if any(out.parent.glob(f".{out.name}.build-*/data/*/*.part")):
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the build ended before it could be killed"
    proc.send_signal(sig)
    return proc.wait(timeout=60)


def test_a_killed_build_leaves_the_previous_release_intact(tmp_path: Path) -> None:
    from newsfacts.release.verify import verify_release

    corpus = write_corpus(tmp_path / "corpus", [("a.json", [minimal()])])
    out = tmp_path / "dist" / "newsfacts"
    build_release(corpus, out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    big = list(generate_documents(2500, seed=11))
    (corpus / "documents" / "more.jsonl").write_text("".join(json.dumps(d) + "\n" for d in big), encoding="utf-8")

    assert _start_and_kill(corpus, out, signal.SIGTERM) == 130
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert os.listdir(out.parent) == ["newsfacts"]  # no partial folder left beside it

    assert _start_and_kill(corpus, out, signal.SIGKILL) == -signal.SIGKILL
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert verify_release(out).valid
    leftover = [p for p in out.parent.iterdir() if p.name != "newsfacts"]
    # hidden; the next build removes the staging folder, and takes and removes the lock file
    assert all(p.name.startswith(".newsfacts.build-") or p.name == ".newsfacts.lock" for p in leftover)
    (corpus / "documents" / "more.jsonl").unlink()
    build_release(corpus, out)
    assert os.listdir(out.parent) == ["newsfacts"]


def _two_documents(tmp_path: Path, same_id: bool) -> Path:
    first, second = minimal(), minimal()
    second["doc_id"] = first["doc_id"] if same_id else "second"
    return write_corpus(tmp_path / "corpus", [("a.json", [first]), ("b.json", [second])])


def _fail_to_close(monkeypatch: pytest.MonkeyPatch) -> None:
    from newsfacts.release import build

    def close(self: build.SplitWriter) -> list[str]:
        if self.config == "documents":
            raise OSError(28, "No space left on device (simulated)")
        return original(self)

    original = build.SplitWriter.close
    monkeypatch.setattr(build.SplitWriter, "close", close)


def test_a_failure_to_write_the_last_rows_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fail_to_close(monkeypatch)
    with pytest.raises(OSError, match="simulated"):
        build_release(_two_documents(tmp_path, same_id=False), tmp_path / "out")
    assert sorted(os.listdir(tmp_path)) == ["corpus"]


def test_the_corpus_issues_come_before_a_failure_to_write_what_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsfacts.release.build import InvalidCorpus

    _fail_to_close(monkeypatch)
    with pytest.raises(InvalidCorpus) as refused:
        build_release(_two_documents(tmp_path, same_id=True), tmp_path / "out")
    assert {i.code for i in refused.value.report.issues} == {"duplicate-doc-id"}
    assert sorted(os.listdir(tmp_path)) == ["corpus"]


def test_workers_that_cannot_start_leave_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from newsfacts.release import build

    def cannot_start(*args: object) -> None:
        raise OSError(24, "Too many open files (simulated)")

    monkeypatch.setattr(build, "Workers", cannot_start)
    with pytest.raises(OSError, match="simulated"):
        build_release(_two_documents(tmp_path, same_id=False), tmp_path / "out", jobs=2)
    assert sorted(os.listdir(tmp_path)) == ["corpus"]


def test_a_dead_worker_is_a_clear_error_and_nothing_is_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsfacts.pool import WorkerDied
    from newsfacts.release import build

    corpus = _two_documents(tmp_path, same_id=False)
    out = tmp_path / "out"
    build_release(corpus, out)
    before = (out / "MANIFEST.json").read_bytes()

    def died(*args: object, **kwargs: object) -> None:
        raise WorkerDied("a worker process exited with status -9")

    monkeypatch.setattr(build, "build_release", died)
    result = runner.invoke(app, ["build", "--corpus", str(corpus), "--out", str(out)])
    assert result.exit_code == 2
    assert "[build-worker-died] a worker process exited with status -9" in result.stderr
    assert "hint:" in result.stderr and "Traceback" not in result.output
    assert (out / "MANIFEST.json").read_bytes() == before
