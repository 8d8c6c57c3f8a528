"""newsfacts.distributed on a LocalCluster of 2 worker processes: validate gives the same report as
one process, issue for issue; unreadable shards, a dead worker and a missing Dask are coded issues.
Every cluster run is under a deadline (``distributed_helpers.deadline``)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import CASES, ROOT
from distributed_helpers import deadline, local_cluster, messy_jsonl, need_dask
from newsfacts import distributed
from newsfacts.cli import app
from newsfacts.contract.validate import validate_paths
from typer.testing import CliRunner


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    need_dask()
    with deadline(), local_cluster(2) as client:
        yield client


@pytest.fixture(scope="module")
def messy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("messy")
    messy_jsonl(folder / "messy.jsonl")
    (folder / "blank.jsonl").write_bytes(b"\n\n")
    return folder


def _same(one, many) -> None:
    assert [i.render() for i in many.issues] == [i.render() for i in one.issues]
    assert many.issues == one.issues
    assert (many.files, many.documents, many.exit_code) == (one.files, one.documents, one.exit_code)


@pytest.mark.parametrize("blocksize", [1_500, 6_000, None])
def test_the_report_is_the_single_process_one(client: Any, messy: Path, blocksize: int | None) -> None:
    paths = [str(messy), str(CASES)]
    with deadline():
        many = distributed.validate(paths, scheduler=client, blocksize=blocksize)
    one = validate_paths(paths)
    assert {"invalid-json", "invalid-utf8", "duplicate-doc-id", "split-conflict", "seed-hash-mismatch"} <= {
        i.code for i in one.issues
    }
    assert any("at line" in i.message for i in one.issues if i.line and i.line > 1)  # a message naming its line
    _same(one, many)


def test_seeds_option_and_a_missing_seeds_folder(client: Any, tmp_path: Path) -> None:
    folder = CASES / "invalid" / "seed-hash-mismatch"
    with deadline():
        for seeds in (str(ROOT / "seeds"), str(tmp_path / "nowhere")):
            _same(validate_paths([folder], seeds=seeds), distributed.validate([folder], scheduler=client, seeds=seeds))


def test_urls_and_globs(client: Any, messy: Path) -> None:
    with deadline():
        by_url = distributed.validate([f"file://{messy}/*.jsonl"], scheduler=client, blocksize=3_000)
        by_glob = distributed.validate([f"{messy}/*.jsonl"], scheduler=client, blocksize=3_000)
    one = validate_paths([messy])
    where = [(i.code, Path(i.file or "").name, i.line, i.pointer) for i in one.issues]
    assert [(i.code, Path(i.file or "").name, i.line, i.pointer) for i in by_url.issues] == where
    assert all(i.file.startswith("file://") for i in by_url.issues)
    _same(one, by_glob)


def test_unreadable_shards_are_coded_issues_naming_the_url(client: Any, tmp_path: Path) -> None:
    import fsspec

    # A file the driver lists but the workers cannot see (each process has its own memory://)
    with fsspec.open("memory://newsfacts-test/only-here.jsonl", "wb") as handle:
        handle.write(b'{"doc_id": "x"}\n')
    with deadline():
        report = distributed.validate(
            ["memory://newsfacts-test/only-here.jsonl", "nosuchfs://bucket/x.jsonl", f"file://{tmp_path}/none-*.jsonl"],
            scheduler=client,
        )
    found = [(i.code, i.file) for i in report.issues]
    assert found == [
        ("filesystem-unavailable", "nosuchfs://bucket/x.jsonl"),
        ("path-not-found", f"file://{tmp_path}/none-*.jsonl"),
        ("unreadable-file", "memory://newsfacts-test/only-here.jsonl"),
    ]
    assert "memory://newsfacts-test/only-here.jsonl" in report.issues[-1].message
    assert report.exit_code == 2


def test_a_worker_killed_mid_part_is_retried_without_duplicates(
    messy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    need_dask()
    from newsfacts.distributed.faults import FAULT_ENV

    token = tmp_path / "kill-one-worker"
    token.write_text("armed")
    monkeypatch.setenv(FAULT_ENV, str(token))  # the workers started below inherit it
    one = validate_paths([messy, CASES])
    with deadline(), local_cluster(2) as own:
        many = distributed.validate([messy, CASES], scheduler=own, blocksize=2_000)
    assert not token.exists(), "no worker took the fault"
    _same(one, many)


def test_cli_scheduler_local(messy: Path) -> None:
    need_dask()
    runner = CliRunner()
    with deadline():
        result = runner.invoke(app, ["validate", str(messy), "--scheduler", "local:2", "--format", "json"])
    single = runner.invoke(app, ["validate", str(messy), "--format", "json"])
    assert result.exit_code == single.exit_code == 1
    assert result.stdout == single.stdout


def test_cli_unreachable_scheduler_and_bad_value(tmp_path: Path) -> None:
    need_dask()
    runner = CliRunner()
    with deadline(30):
        bad = runner.invoke(app, ["validate", str(CASES / "valid"), "--scheduler", "local:0"])
        missing = runner.invoke(
            app, ["validate", str(CASES / "valid"), "--scheduler", str(tmp_path / "no-scheduler.json")]
        )
    assert bad.exit_code == 2 and "[scheduler-unreachable]" in bad.stdout
    assert missing.exit_code == 2 and "[scheduler-unreachable]" in missing.stdout


def test_without_dask_it_is_a_coded_issue(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed raises ImportError
    report = distributed.validate([CASES / "valid"], scheduler="local:2")
    assert [i.code for i in report.issues] == ["dask-not-installed"]
    assert report.exit_code == 2


def test_dask_is_imported_only_when_asked_for() -> None:
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from newsfacts.cli import app\n"
        f"result = CliRunner().invoke(app, ['validate', {str(CASES / 'valid')!r}])\n"
        "assert result.exit_code == 0, result.output\n"
        "print(sorted(m for m in ('dask', 'distributed') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_task_that_keeps_killing_workers_is_a_coded_issue(
    messy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    need_dask()
    import dask
    from newsfacts.distributed.faults import FAULT_ENV

    token = tmp_path / "kill-one-worker"
    token.write_text("armed")
    monkeypatch.setenv(FAULT_ENV, str(token))
    # Dask gives up on a task after allowed-failures deaths of its workers (3 by default; 0 here)
    with deadline(), dask.config.set({"distributed.scheduler.allowed-failures": 0}), local_cluster(2) as own:
        report = distributed.validate([messy], scheduler=own, blocksize=2_000)
    assert [i.code for i in report.issues] == ["cluster-task-failed"]
    assert report.exit_code == 2


def test_newsfacts_validate_takes_a_scheduler(client: Any, messy: Path) -> None:
    import newsfacts

    with deadline():
        _same(validate_paths([messy]), newsfacts.validate(messy, scheduler=client))
