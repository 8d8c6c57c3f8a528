"""The release of the real corpus: what the README's main command builds is intact, loads, and
its Croissant file passes mlcroissant (the fixture-corpus tests cover the mechanics)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from external_tools import external_tool
from newsfacts.release.build import build_release
from newsfacts.release.verify import verify_release
from release_helpers import load_in_subprocess

ROOT = Path(__file__).resolve().parent.parent


SEED = "000_5d72bf2b25391026"


def _gold() -> dict[str, dict]:
    docs = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "corpus" / "documents").glob("*.json"))]
    return {d["doc_id"]: d for d in docs}


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    """What the README's build command writes: the texts whose licence allows it (the seed's is withheld)."""
    out = tmp_path_factory.mktemp("dist") / "newsfacts"
    build_release(ROOT / "corpus", out)
    return out


@pytest.fixture(scope="module")
def full_release(tmp_path_factory) -> Path:
    """The same release with every text (what `rehydrate` gives back from the user's own copies)."""
    out = tmp_path_factory.mktemp("dist-all") / "newsfacts"
    build_release(ROOT / "corpus", out, texts="all")
    return out


def test_the_corpus_release_verifies(release: Path, full_release: Path) -> None:
    """Both forms verify, and are the official 1.1.0 rows the package records (a change to the
    gold after release would make the build refuse: released-version-changed)."""
    for folder, form in ((release, "licensed"), (full_release, "all")):
        report = verify_release(folder)
        assert report.valid, [i.render() for i in report.issues]
        assert report.official is not None and (report.official.answer, report.official.form) == ("yes", form)


def test_only_the_seed_text_is_withheld(release: Path) -> None:
    manifest = json.loads((release / "MANIFEST.json").read_text(encoding="utf-8"))
    assert manifest["texts"]["policy"] == "licensed" and manifest["texts"]["withheld"] == [SEED]


def test_the_corpus_release_states_the_corpus_version(release: Path) -> None:
    version = json.loads((ROOT / "corpus" / "metadata.json").read_text(encoding="utf-8"))["version"]
    manifest = json.loads((release / "MANIFEST.json").read_text(encoding="utf-8"))
    croissant = json.loads((release / "croissant.json").read_text(encoding="utf-8"))
    assert manifest["dataset_version"] == croissant["version"] == version
    assert f'version: "{version}"' in (release / "CITATION.cff").read_text(encoding="utf-8")


def test_the_release_documents_are_the_committed_ones(release: Path) -> None:
    """The build regenerates DATASHEET.md's release and stats blocks and CITATION.cff; for the
    repository's own corpus they equal the committed files."""
    for name in ("DATASHEET.md", "CITATION.cff"):
        assert (release / name).read_text(encoding="utf-8") == (ROOT / name).read_text(encoding="utf-8"), name


def test_the_gold_loads_offline_row_for_row(release: Path, tmp_path: Path) -> None:
    loaded = load_in_subprocess(release, tmp_path / "hf-home", streaming=False)
    gold = _gold()
    splits: dict[str, int] = {}
    for doc in gold.values():
        splits[doc["split"]] = splits.get(doc["split"], 0) + 1
    assert loaded["default"] == splits
    for split in splits:
        docs = [d for d in gold.values() if d["split"] == split]
        for layer in ("entities", "mentions", "quotes", "numeric_facts"):
            rows = loaded["data"][layer][split]
            assert [(r["doc_id"], r["id"]) for r in rows] == [(d["doc_id"], a["id"]) for d in docs for a in d[layer]]
        for row in loaded["data"]["documents"][split]:
            want = gold[row["doc_id"]]
            assert row["text_sha256"] == want["text_sha256"]
            assert row["text"] == (None if row["doc_id"] == SEED else want["text"])


def test_mlcroissant_validates_the_corpus_release(release: Path) -> None:
    exe = external_tool("NEWSFACTS_MLCROISSANT", "mlcroissant")
    run = subprocess.run(
        [exe, "validate", "--jsonld", str(release / "croissant.json")], capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stdout + run.stderr


def _cli(*args: str) -> None:
    from newsfacts.cli import app
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output


def test_render_reads_the_release_as_it_reads_the_corpus(release: Path, full_release: Path, tmp_path: Path) -> None:
    for doc_id, folder in (("wikinews_afghan", release), (SEED, full_release)):
        _cli("render", doc_id, "--corpus", str(folder), "--out", str(tmp_path / "release.html"))
        _cli("render", doc_id, "--corpus", str(ROOT / "corpus" / "documents"), "--out", str(tmp_path / "corpus.html"))
        assert (tmp_path / "release.html").read_bytes() == (tmp_path / "corpus.html").read_bytes(), doc_id


def test_brat_from_the_release_imports_back_to_the_gold(full_release: Path, tmp_path: Path) -> None:
    _cli("export", "brat", str(full_release), "--out", str(tmp_path / "brat"))
    _cli("import", "brat", str(tmp_path / "brat"), "--out", str(tmp_path / "back"))
    gold = _gold()

    def without_nulls(doc: dict) -> dict:  # the release carries every optional field, as null when absent
        return {
            k: [{f: v for f, v in item.items() if v is not None or f not in ("confidence", "note")} for item in doc[k]]
            for k in ("entities", "mentions", "quotes", "numeric_facts")
        }

    back = sorted((tmp_path / "back").glob("*.json"))
    assert [p.stem for p in back] == sorted(gold)
    for path in back:
        assert without_nulls(json.loads(path.read_text(encoding="utf-8"))) == without_nulls(gold[path.stem]), path.stem
