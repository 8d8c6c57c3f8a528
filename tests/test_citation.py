"""CITATION.cff and BibTeX are generated from corpus/metadata.json."""

from __future__ import annotations

import subprocess
from pathlib import Path

from external_tools import external_tool
from newsfacts.cli import app
from newsfacts.docs.citation import bibtex, citation_cff
from newsfacts.docs.metadata import load_metadata
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent


def test_committed_citation_is_generated():
    expected = citation_cff(load_metadata(ROOT / "corpus"))
    assert (ROOT / "CITATION.cff").read_text(encoding="utf-8") == expected, "run `newsfacts datasheet --write`"


def test_citation_fields():
    metadata = load_metadata(ROOT / "corpus")
    text = citation_cff(metadata)
    assert "cff-version: 1.2.0" in text and "type: dataset" in text
    assert f'version: "{metadata["version"]}"' in text
    assert f"date-released: {metadata['date_released']}" in text
    assert '"newsfacts contributors"' in text
    assert '"CC-BY-4.0"' in text and '"MIT"' in text
    assert "# repository: unknown." in text  # no public URL exists: none is invented


def test_bibtex_carries_version_and_revision():
    metadata = load_metadata(ROOT / "corpus")
    plain = bibtex(metadata)
    assert f"version = {{{metadata['version']}}}" in plain and "revision" not in plain
    pinned = bibtex(metadata, revision="abc123")
    assert "Hugging Face Hub revision abc123" in pinned
    assert pinned.startswith("@misc{")


def test_bibtex_url_is_pinned_when_the_hub_repo_is_known():
    metadata = {**load_metadata(ROOT / "corpus"), "hub_repo_id": "org/newsfacts"}
    assert "url = {https://huggingface.co/datasets/org/newsfacts/tree/v1}" in bibtex(metadata, revision="v1")


def test_cite_command():
    result = CliRunner().invoke(app, ["cite", "--corpus", str(ROOT / "corpus"), "--revision", "deadbeef"])
    assert result.exit_code == 0, result.output
    assert "version = {" in result.stdout and "deadbeef" in result.stdout
    cff = CliRunner().invoke(app, ["cite", "--corpus", str(ROOT / "corpus"), "--format", "cff"])
    assert cff.stdout == (ROOT / "CITATION.cff").read_text(encoding="utf-8")


def test_cffconvert_validates_the_citation():
    exe = external_tool("NEWSFACTS_CFFCONVERT", "cffconvert")
    run = subprocess.run([exe, "--validate", "-i", str(ROOT / "CITATION.cff")], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_changelog_has_an_entry_for_the_version():
    metadata = load_metadata(ROOT / "corpus")
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"\n## {metadata['version']} — {metadata['date_released']}\n" in changelog
    assert "**PATCH**" in changelog and "**MINOR**" in changelog and "**MAJOR**" in changelog
