"""Fuzzing in the suite: every command that reads files, over seeded mutations of the project's own
valid inputs (documents, JSONL, brat and Label Studio exports, a built release's MANIFEST, card,
schema and croissant.json, metadata.json, a raw article), answers with exit 0, 1 or 2, never a
traceback, never a hang. Bounded: at most ``CASES`` cases or ``BUDGET`` seconds, whichever comes
first. A larger campaign with figures: ``tests/fuzz_campaign.py``."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest
from fuzz_harness import cases, elsewhere, make_seeds, quiet_hf, run_case

CASES = 600
BUDGET = 40.0  # seconds of cases; the seeds take a few more


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("fuzz")
    with quiet_hf(base / "hf"):
        return make_seeds(base / "seeds")


def test_every_command_over_mutated_inputs(seeds: Path, tmp_path: Path) -> None:
    rnd = random.Random(12)
    stream = cases(seeds, tmp_path, rnd)
    bad, theirs, ran, commands = [], [], 0, set()
    start = time.monotonic()
    with quiet_hf(tmp_path / "hf"):
        while ran < CASES and time.monotonic() - start < BUDGET:
            case = next(stream)
            outcome = run_case(case, timeout=10)
            ran += 1
            commands.add(case.command)
            if outcome.hang or outcome.traceback:
                found = f"{case.describe()}: {'HANG' if outcome.hang else outcome.traceback[-1500:]}"
                (theirs if elsewhere(case) else bad).append(found)
            else:
                assert outcome.exit_code in (0, 1, 2), case.describe()
    for found in theirs:  # the importers, exporters and scoring are being reworked elsewhere: said, not failed on
        warnings.warn(f"fuzz: a command owned by other work failed: {found}", stacklevel=1)
    assert not bad, "\n\n".join(bad)
    assert ran >= 40 and len(commands) >= 8, (ran, commands)


def _run(args: list[str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "newsfacts", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )


def test_a_fifo_is_refused_by_every_reader_in_a_real_process(seeds: Path, tmp_path: Path) -> None:
    """Run as a user runs them (a process of its own, its real streams): a FIFO named as input
    never hangs a command, and nothing prints a traceback."""
    fifo = tmp_path / "doc.json"
    os.mkfifo(fifo)
    jsonl = tmp_path / "docs.jsonl"
    os.mkfifo(jsonl)
    for args in (
        ["validate", str(fifo)],
        ["validate", str(jsonl)],
        ["stats", str(fifo)],
        ["render", str(fifo), "--out", str(tmp_path / "x.html")],
    ):
        done = _run(args)
        assert done.returncode in (1, 2), (args, done.stderr)
        assert "Traceback" not in done.stdout + done.stderr, args
