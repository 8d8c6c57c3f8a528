"""newsfacts suggest on a LocalCluster of 2 processes: one output shard per input shard, beside the
inputs or under --out, each draft what suggest_document gives one process; bad lines are coded."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from conftest import ROOT
from distributed_helpers import deadline, local_cluster, need_dask
from newsfacts import distributed
from newsfacts.cli import app
from newsfacts.contract.documents import dump_document
from newsfacts.research.suggest import suggest_document
from typer.testing import CliRunner

SEEDS = sorted((ROOT / "seeds" / "wikinews").glob("*.txt"))[:6]


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    need_dask()
    with deadline(), local_cluster(2) as client:
        yield client


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    (folder / "txt").mkdir(parents=True)
    for seed in SEEDS[:2]:
        shutil.copy(seed, folder / "txt" / seed.name)
    articles = [{"doc_id": seed.stem, "text": seed.read_text(encoding="utf-8")} for seed in SEEDS[2:]]
    (folder / "part-0.jsonl").write_bytes(b"".join(orjson.dumps(a) + b"\n" for a in articles[:3]))
    (folder / "part-1.jsonl").write_bytes(orjson.dumps(articles[3]) + b"\n")
    return folder


def test_drafts_beside_the_inputs(client: Any, inputs: Path) -> None:
    with deadline():
        report = distributed.suggest([inputs], scheduler=client)
    assert report.issues == [] and (report.files, report.documents) == (4, 6)
    for seed in SEEDS[:2]:
        written = (inputs / "txt" / f"{seed.stem}.suggest.json").read_text(encoding="utf-8")
        assert written == dump_document(suggest_document(Path(seed.name), seed.read_bytes(), {}))
    drafts = [json.loads(line) for line in (inputs / "part-0.suggest.jsonl").read_bytes().splitlines()]
    assert [d["doc_id"] for d in drafts] == [s.stem for s in SEEDS[2:5]]
    expected = suggest_document(Path(f"{SEEDS[2].stem}.txt"), SEEDS[2].read_bytes(), {})
    assert drafts[0] == json.loads(json.dumps(expected))
    with deadline():  # a second run drafts the inputs again, not the drafts
        again = distributed.suggest([inputs], scheduler=client)
    assert (again.files, again.documents) == (4, 6)
    assert not list(inputs.rglob(".*.tmp"))


def test_drafts_under_out_and_bad_lines(client: Any, inputs: Path, tmp_path: Path) -> None:
    bad = inputs / "part-2.jsonl"
    bad.write_bytes(b'{"doc_id": "x"}\n{oops\n\n{"doc_id": "empty", "text": "  "}\n')
    out = tmp_path / "drafts"
    with deadline():
        report = distributed.suggest([f"{inputs}/*.jsonl"], scheduler=client, out=out)
    assert sorted(p.name for p in out.iterdir()) == ["part-0.jsonl", "part-1.jsonl"]
    assert [(i.code, Path(i.file).name, i.line) for i in report.issues] == [
        ("article-malformed", "part-2.jsonl", 1),
        ("invalid-json", "part-2.jsonl", 2),
        ("seed-empty", "part-2.jsonl", 4),
    ]
    assert report.exit_code == 1


def test_cli_and_a_killed_worker(inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    need_dask()
    from newsfacts.distributed.faults import FAULT_ENV

    token = tmp_path / "kill-one-worker"
    token.write_text("armed")
    monkeypatch.setenv(FAULT_ENV, str(token))
    out = tmp_path / "drafts"
    with deadline():
        result = CliRunner().invoke(
            app, ["suggest", str(inputs), "--scheduler", "local:2", "--out", str(out), "--corpus", str(tmp_path)]
        )
    assert result.exit_code == 0, result.output
    assert not token.exists(), "no worker took the fault"
    assert "drafts: 6 from 4 input shard(s)" in result.stderr
    lines = (out / "part-0.jsonl").read_bytes().splitlines()
    assert [json.loads(line)["doc_id"] for line in lines] == [s.stem for s in SEEDS[2:5]]
