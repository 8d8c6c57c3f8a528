"""Shared by the tests of newsfacts.distributed: Dask or a skip, a LocalCluster, a deadline, test data."""

from __future__ import annotations

import copy
import importlib.util
import json
import logging
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
import pytest
from conftest import MINIMAL

#: No test of a cluster may run longer than this (a hang fails it instead of stalling the suite).
DEADLINE_SECONDS = 120


def need_dask() -> None:
    """Skip (with a message) when Dask is not installed; under CI=true, fail instead."""
    if importlib.util.find_spec("distributed") is not None and importlib.util.find_spec("dask") is not None:
        return
    message = "Dask is not installed: pip install -e '.[test]' (or '.[dask]') to run the tests of newsfacts.distributed"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def local_cluster(workers: int = 2) -> Iterator[Any]:
    """A client of a LocalCluster of ``workers`` processes (one thread each), shut down after."""
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",
            worker_dashboard_address="127.0.0.1:0",
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


@contextmanager
def deadline(seconds: int = DEADLINE_SECONDS) -> Iterator[None]:
    """Fail with TimeoutError when the block takes longer than ``seconds`` (SIGALRM, main thread)."""

    def expired(signum: int, frame: Any) -> None:
        raise TimeoutError(f"the cluster run took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def minimal() -> dict[str, Any]:
    return json.loads(MINIMAL.read_text(encoding="utf-8"))


def messy_jsonl(path: Path, documents: int = 40) -> Path:
    """A JSONL file of small documents with problems of every layer at known lines: invalid JSON,
    invalid UTF-8, a byte-order mark, text not in NFC, a huge integer (messages naming a line), a
    wrong span, a duplicate doc_id, a split conflict, blank and whitespace-only lines, and no
    line end at the end of the file."""
    base = minimal()
    lines: list[bytes] = []
    for n in range(documents):
        doc = copy.deepcopy(base)
        doc["doc_id"] = f"messy-{n:03d}"
        lines.append(orjson.dumps(doc))
    lines[3] = lines[3][:-7]  # invalid JSON
    lines[5] = lines[5].replace(b'"messy-005"', b'"messy-\xff05"')  # invalid UTF-8
    lines[8] = b"\xef\xbb\xbf" + lines[8]  # a byte-order mark inside the file
    lines[11] = lines[11].replace(b'"messy-011"', '"messy-e\u0301"'.encode())  # not NFC
    lines[13] = lines[13].replace(b'"start":0', b'"start":123456789012345678901234567890', 1)
    broken = copy.deepcopy(base)
    broken["doc_id"] = "messy-017"
    broken["mentions"][0]["end"] += 1
    lines[17] = orjson.dumps(broken)
    lines[21] = lines[2]  # a duplicate of messy-002
    other = copy.deepcopy(base)
    other["doc_id"] = "messy-004"
    other["annotation"]["set"] = "second-pass"
    other["split"] = "dev" if base["split"] != "dev" else "train"
    lines[25] = orjson.dumps(other)  # messy-004 again, in another set and split
    lines.insert(30, b"")
    lines.insert(31, b"   \t")
    path.write_bytes(b"\n".join(lines))  # no line end after the last record
    return path
