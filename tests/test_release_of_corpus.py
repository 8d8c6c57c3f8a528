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


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist") / "newsfacts"
    build_release(ROOT / "corpus", out)
    return out


def test_the_corpus_release_verifies(release: Path) -> None:
    report = verify_release(release)
    assert report.valid, [i.render() for i in report.issues]


def test_the_corpus_release_states_the_corpus_version(release: Path) -> None:
    version = json.loads((ROOT / "corpus" / "metadata.json").read_text(encoding="utf-8"))["version"]
    manifest = json.loads((release / "MANIFEST.json").read_text(encoding="utf-8"))
    croissant = json.loads((release / "croissant.json").read_text(encoding="utf-8"))
    assert manifest["dataset_version"] == croissant["version"] == version
    assert f'version: "{version}"' in (release / "CITATION.cff").read_text(encoding="utf-8")


def test_the_gold_loads_offline_row_for_row(release: Path, tmp_path: Path) -> None:
    loaded = load_in_subprocess(release, tmp_path / "hf-home", streaming=False)
    gold = json.loads((ROOT / "corpus" / "documents" / "000_5d72bf2b25391026.json").read_text(encoding="utf-8"))
    assert loaded["default"] == {"test": 1}
    for layer in ("entities", "mentions", "quotes", "numeric_facts"):
        rows = loaded["data"][layer]["test"]
        assert [r["id"] for r in rows] == [a["id"] for a in gold[layer]], layer
    (document,) = loaded["data"]["documents"]["test"]
    assert document["text"] == gold["text"] and document["text_sha256"] == gold["text_sha256"]


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


def test_render_reads_the_release_as_it_reads_the_corpus(release: Path, tmp_path: Path) -> None:
    _cli("render", "000_5d72bf2b25391026", "--corpus", str(release), "--out", str(tmp_path / "release.html"))
    _cli(
        "render",
        "000_5d72bf2b25391026",
        "--corpus",
        str(ROOT / "corpus" / "documents"),
        "--out",
        str(tmp_path / "corpus.html"),
    )
    assert (tmp_path / "release.html").read_bytes() == (tmp_path / "corpus.html").read_bytes()


def test_brat_from_the_release_imports_back_to_the_gold(release: Path, tmp_path: Path) -> None:
    _cli("export", "brat", str(release), "--out", str(tmp_path / "brat"))
    _cli("import", "brat", str(tmp_path / "brat"), "--out", str(tmp_path / "back"))
    (back,) = sorted((tmp_path / "back").glob("*.json"))
    gold = json.loads((ROOT / "corpus" / "documents" / "000_5d72bf2b25391026.json").read_text(encoding="utf-8"))

    def without_nulls(doc: dict) -> dict:  # the release carries every optional field, as null when absent
        return {
            k: [{f: v for f, v in item.items() if v is not None or f not in ("confidence", "note")} for item in doc[k]]
            for k in ("entities", "mentions", "quotes", "numeric_facts")
        }

    assert without_nulls(json.loads(back.read_text(encoding="utf-8"))) == without_nulls(gold)
