"""``build --out``: a symlink is refused (nothing left beside it), one build at a time per --out
(the second names the holder), a full disk ends in a coded error without a traceback."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

from newsfacts.bench.synthetic import generate_documents
from newsfacts.cli import app
from newsfacts.contract.report import Report
from newsfacts.release.build import lock_path, out_lock
from release_helpers import minimal, write_corpus
from typer.testing import CliRunner

runner = CliRunner()


def test_a_symlink_as_out_is_refused_and_nothing_is_left(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", [("a.json", [minimal()])])
    target = tmp_path / "target"
    target.mkdir()
    link = tmp_path / "link"
    link.symlink_to(target)
    result = runner.invoke(app, ["build", "--corpus", str(corpus), "--out", str(link)])
    assert result.exit_code == 2 and "[release-out-unsafe]" in result.stdout and "symbolic link" in result.stdout
    assert link.is_symlink() and list(target.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "link", "target"]


def test_a_second_build_into_one_out_is_refused_naming_the_first(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", [("a.json", [minimal()])])
    out = tmp_path / "out"
    with out_lock(out, Report()):
        assert lock_path(out).read_text().strip() == str(os.getpid())
        result = runner.invoke(app, ["build", "--corpus", str(corpus), "--out", str(out)])
        assert result.exit_code == 2 and "[release-out-locked]" in result.stdout
        assert f"pid {os.getpid()}" in result.stdout
        assert not out.exists()
    assert not lock_path(out).exists()
    result = runner.invoke(app, ["build", "--corpus", str(corpus), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "MANIFEST.json").is_file() and not lock_path(out).exists()


def _small_files() -> None:  # in the child: a "full disk" for any file past 64 KiB
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def test_a_full_disk_is_a_coded_error_without_a_traceback(tmp_path: Path) -> None:
    records = list(generate_documents(60, seed=3))
    corpus = write_corpus(tmp_path / "corpus", [("docs.jsonl", records)])
    metadata = json.loads((corpus / "metadata.json").read_text(encoding="utf-8"))
    assert sum(len(json.dumps(r)) for r in records) > 4 * 64 * 1024, "the corpus must outgrow the limit"
    out = tmp_path / "out"
    env = {**os.environ, "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "newsfacts", "build", "--corpus", str(corpus), "--out", str(out), "-j", "1"],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        preexec_fn=_small_files,
        check=False,
    )
    assert done.returncode == 2, done.stderr[-2000:]
    assert "[release-write-failed]" in done.stderr, done.stderr[-2000:]
    assert "Traceback" not in done.stdout + done.stderr and "Exception ignored" not in done.stderr, done.stderr
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["corpus"]
    assert metadata["name"]
