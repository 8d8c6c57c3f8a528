"""newsfacts score on a LocalCluster of 2 processes: the figures of one process to 1e-12, the same
issues (code, file, line, pointer), whatever the order of PRED and the block size."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from distributed_helpers import deadline, local_cluster, need_dask
from newsfacts import distributed
from newsfacts.bench.score import write_corpus
from newsfacts.scoring.stream import score_paths


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    need_dask()
    with deadline(), local_cluster(2) as client:
        yield client


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_corpus(tmp_path_factory.mktemp("score"), 60, seed=5)


def assert_close(a: Any, b: Any, path: str = "") -> None:
    """Equal, floats to 1e-12 (relative above 1)."""
    if isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for key in a:
            assert_close(a[key], b[key], f"{path}/{key}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for n, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_close(x, y, f"{path}/{n}")
    elif isinstance(a, float) or isinstance(b, float):
        assert a is not None and b is not None and abs(a - b) <= 1e-12 * max(1.0, abs(a)), (path, a, b)
    else:
        assert a == b, (path, a, b)


def _where(run) -> list[tuple]:
    return sorted((i.code, i.file, i.line, i.pointer, i.severity) for i in run.issues)


def _same(one, many) -> None:
    assert _where(many) == _where(one)
    assert many.exit_code == one.exit_code
    fields = ("gold_files", "pred_files", "gold_documents", "predictions", "gold_set", "passed_over")
    assert [getattr(many, f) for f in fields] == [getattr(one, f) for f in fields]
    if one.result is None:
        assert many.result is None
    else:
        assert_close(one.result, many.result)


@pytest.mark.parametrize("pred", ["pred", "pred-min", "pred-shuffled"])
@pytest.mark.parametrize("blocksize", [20_000, None])
def test_the_score_is_the_single_process_one(client: Any, corpus: dict[str, Path], pred: str, blocksize) -> None:
    with deadline():
        many = distributed.score(corpus["gold"], corpus[pred], scheduler=client, blocksize=blocksize)
    one = score_paths(corpus["gold"], corpus[pred])
    assert one.result is not None and one.result["entities"]["conll_f1"] > 0
    _same(one, many)


def test_layers_and_folders(client: Any, corpus: dict[str, Path], tmp_path: Path) -> None:
    lines = corpus["pred-shuffled"].read_bytes().splitlines(keepends=True)
    (tmp_path / "a.jsonl").write_bytes(b"".join(lines[:25]))
    (tmp_path / "b.jsonl").write_bytes(b"".join(lines[25:40]))  # the rest: missing predictions
    with deadline():
        many = distributed.score(corpus["gold"], tmp_path, scheduler=client, layers=["entities", "quotes"])
    one = score_paths(corpus["gold"], tmp_path, layers=["entities", "quotes"])
    assert len(one.result["documents"]["missing"]) == 20
    _same(one, many)


def _messy(corpus: dict[str, Path], folder: Path) -> tuple[Path, Path]:
    gold = [json.loads(line) for line in corpus["gold"].read_bytes().splitlines()]
    pred = [json.loads(line) for line in corpus["pred-min"].read_bytes().splitlines()]
    broken = copy.deepcopy(gold[4])
    broken["mentions"][0]["end"] += 1  # an invalid gold record: its prediction is taken, not checked
    other = copy.deepcopy(gold[6])
    other["annotation"]["set"] = "second-pass"  # passed over
    gold_lines = [orjson.dumps(d) for d in gold[:4]] + [orjson.dumps(broken)] + [orjson.dumps(d) for d in gold[5:]]
    gold_lines.insert(10, orjson.dumps(other))
    gold_lines.append(orjson.dumps(gold[2]))  # a duplicate gold record
    bad = copy.deepcopy(pred[8])
    bad["mentions"][0]["start"] = 10**6  # out of the gold text
    ghost = copy.deepcopy(pred[9])
    ghost["doc_id"] = "not-in-gold"
    pred_lines = [orjson.dumps(p) for p in pred[:8]] + [orjson.dumps(bad)] + [orjson.dumps(p) for p in pred[9:]]
    pred_lines += [orjson.dumps(pred[3]), orjson.dumps(ghost), b'{"mentions": []}', b"{not json"]
    gold_path, pred_path = folder / "gold.jsonl", folder / "pred.jsonl"
    gold_path.write_bytes(b"\n".join(gold_lines) + b"\n")
    pred_path.write_bytes(b"\n\n".join(pred_lines) + b"\n")
    return gold_path, pred_path


@pytest.mark.parametrize("gold_set", [None, "second-pass", "nowhere"])
def test_invalid_inputs_give_the_same_issues(client: Any, corpus: dict[str, Path], tmp_path: Path, gold_set) -> None:
    gold, pred = _messy(corpus, tmp_path)
    with deadline():
        many = distributed.score(gold, pred, scheduler=client, gold_set=gold_set, blocksize=30_000)
    one = score_paths(gold, pred, gold_set=gold_set)
    codes = {i.code for i in one.issues}
    if gold_set is None:
        assert {"span-text-mismatch", "duplicate-doc-id", "prediction-without-gold", "invalid-json"} <= codes
    _same(one, many)


def test_pred_set_and_a_prediction_set_passed_over(client: Any, corpus: dict[str, Path], tmp_path: Path) -> None:
    full = [json.loads(line) for line in corpus["pred"].read_bytes().splitlines()]
    other = copy.deepcopy(full)
    for doc in other:
        doc["annotation"]["set"] = "system-b"
    pred = tmp_path / "both.jsonl"
    pred.write_bytes(b"".join(orjson.dumps(d) + b"\n" for pair in zip(full, other, strict=True) for d in pair))
    with deadline():
        many = distributed.score(corpus["gold"], pred, scheduler=client, pred_set="system-b")
    _same(score_paths(corpus["gold"], pred, pred_set="system-b"), many)


def test_a_release_folder_is_refused_on_a_cluster(client: Any, tmp_path: Path, corpus: dict[str, Path]) -> None:
    release = tmp_path / "release"
    (release / "data" / "documents").mkdir(parents=True)
    run = distributed.score(release, corpus["pred"], scheduler=client)
    assert [i.code for i in run.issues] == ["unsupported-file"] and run.exit_code == 2


def test_a_worker_killed_mid_part(corpus: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    need_dask()
    from newsfacts.distributed.faults import FAULT_ENV

    token = tmp_path / "kill-one-worker"
    token.write_text("armed")
    monkeypatch.setenv(FAULT_ENV, str(token))
    with deadline(), local_cluster(2) as own:
        many = distributed.score(corpus["gold"], corpus["pred-shuffled"], scheduler=own, blocksize=40_000)
    assert not token.exists(), "no worker took the fault"
    _same(score_paths(corpus["gold"], corpus["pred-shuffled"]), many)
