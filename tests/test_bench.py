"""The benchmark: a smoke run with a handful of documents, and its verdict logic. No timed assertions."""

from __future__ import annotations

import sys

import pytest
from newsfacts.bench.validate import (
    PARSE_JSON,
    PARSE_ORJSON,
    SCHEMA_PY,
    SCHEMA_RS,
    VALIDATE,
    BenchResult,
    MemoryCheck,
    Run,
    render,
    run_process,
    verdicts,
)
from newsfacts.cli import app
from typer.testing import CliRunner


def test_bench_validate_runs_every_tool_on_a_few_documents(tmp_path):
    args = ["bench", "validate", "--docs", "12", "--repeat", "1", "--sample", "4", "--out", str(tmp_path)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    table = result.stdout
    for tool in (VALIDATE, "newsfacts validate --jobs 2", PARSE_JSON, PARSE_ORJSON, SCHEMA_RS, SCHEMA_PY):
        assert f"| {tool}" in table
    assert "measured on the first 4 documents and extrapolated" in table
    assert "- memory: peak RSS" in table and "MiB for 24 (" in table
    assert (tmp_path / "synthetic-12.jsonl").read_bytes().count(b"\n") == 12


def _result(validate_seconds: float) -> BenchResult:
    runs = [
        Run(VALIDATE, "newsfacts validate FILE", 10_000, validate_seconds, validate_seconds, 40),
        Run("newsfacts validate --jobs 2", "…", 10_000, validate_seconds / 1.5, validate_seconds * 1.1, 40),
        Run(PARSE_JSON, "…", 10_000, 1.0, 1.0, 12),
        Run(PARSE_ORJSON, "…", 10_000, 0.5, 0.5, 12),
        Run(SCHEMA_RS, "…", 10_000, 0.9, 0.9, 23),
        Run(SCHEMA_PY, "…", 10_000, 90.0, 90.0, 20, sampled=1_000),
    ]
    return BenchResult(10_000, 2, 3, 144.0, 2.0, "test machine", runs, MemoryCheck((10_000, 20_000), (49.0, 52.0)))


@pytest.mark.parametrize(("seconds", "verdict"), [(2.5, "met"), (4.2, "MISSED")])
def test_verdicts_follow_the_targets(seconds, verdict):
    # 2.5 s: 36x jsonschema, 2.5x the parse; 4.2 s: 21x jsonschema (met), 4.2x the parse (missed)
    lines = verdicts(_result(seconds))
    assert "**met**" in lines[0]
    assert f"**{verdict}**" in lines[1]
    assert "+3.0 MiB per 10,000 documents" in lines[-1]


def test_render_is_a_markdown_table_with_notes():
    text = render(_result(2.5))
    assert text.splitlines()[0].startswith("| tool | documents | seconds |")
    assert "| jsonschema Draft202012Validator + json (schema only) ¹ | 10,000 | 90.00 |" in text
    assert "test machine" in text


def test_run_process_reports_the_peak_of_the_measured_process_only():
    _, _, small, _ = run_process([sys.executable, "-c", "pass"])
    _, _, big, out = run_process(
        [sys.executable, "-c", "b = bytearray(200 * 2**20); b[::4096] = b'x' * len(b[::4096]); print('ok')"]
    )
    assert out.strip() == "ok"
    assert small < 100 <= 200 <= big


def test_run_process_raises_on_failure():
    with pytest.raises(RuntimeError, match="exited 3"):
        run_process([sys.executable, "-c", "import sys; sys.exit(3)"])
