"""`newsfacts bench score`: a smoke run on a handful of documents, and its verdict logic. No timed assertions."""

from __future__ import annotations

import importlib.util
import random

import pytest
from newsfacts.bench.degrade import as_prediction, degrade
from newsfacts.bench.score import (
    NERVALUATE,
    SCORE,
    SCORE_MIN,
    SCORE_SHUFFLED,
    SEQEVAL,
    VALIDATE_BOTH,
    LongRun,
    ScoreBench,
    render,
    verdicts,
)
from newsfacts.bench.synthetic import generate_documents
from newsfacts.bench.validate import Run
from newsfacts.cli import app
from newsfacts.contract.predictions import check_prediction
from newsfacts.contract.validate import validate_document
from typer.testing import CliRunner


def test_degraded_copies_stay_valid():
    rng = random.Random(2)
    for doc in generate_documents(40, seed=9):
        pred = degrade(doc, rng)
        assert validate_document(pred) == []
        assert check_prediction(as_prediction(pred), doc) == []


@pytest.mark.skipif(
    not all(importlib.util.find_spec(m) for m in ("seqeval", "nervaluate")), reason="the test extras are not installed"
)
def test_bench_score_runs_every_tool_on_a_few_documents(tmp_path):
    args = ["bench", "score", "--docs", "8", "--repeat", "1", "--memory-factor", "2", "--long", "200,400"]
    result = CliRunner().invoke(app, [*args, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for tool in (VALIDATE_BOTH, SCORE, SCORE_MIN, SCORE_SHUFFLED, SEQEVAL, NERVALUATE):
        assert f"| {tool} |" in result.stdout
    assert "- memory: peak RSS" in result.stdout and "at 16 (target" in result.stdout
    assert "| 400 |" in result.stdout and "Mention F1 on these files: newsfacts" in result.stdout


def _result(score_seconds: float, rss: float = 90.0) -> ScoreBench:
    runs = [
        Run(VALIDATE_BOTH, "…", 10_000, 5.0, 5.0, 50),
        Run(SCORE, "…", 10_000, score_seconds, score_seconds, rss),
        Run(SCORE_MIN, "…", 10_000, score_seconds, score_seconds, rss),
        Run(SCORE_SHUFFLED, "…", 10_000, score_seconds, score_seconds, rss),
        Run(SEQEVAL, "…", 10_000, 40.0, 40.0, 700),
        Run(NERVALUATE, "…", 10_000, 20.0, 20.0, 800),
    ]
    bench = ScoreBench(10_000, 3, 145.0, 138.0, "test machine", runs)
    bench.memory = [runs[1], Run(SCORE, "…", 100_000, 150.0, 150.0, rss + 10)]
    bench.long = [LongRun(1_000, 0.6, 80), LongRun(2_000, 0.7, 80), LongRun(8_000, 1.3, 90)]
    return bench


@pytest.mark.parametrize(("seconds", "verdict"), [(14.0, "met"), (16.0, "MISSED")])
def test_verdicts_follow_the_targets(seconds, verdict):
    lines = verdicts(_result(seconds))
    assert f"**{verdict}**" in lines[0]
    assert "100,000 (target < 300 MiB): **met**" in lines[3]
    assert "8,000 mentions in 1.30 s (target < 2 s): **met**" in "\n".join(lines)
    assert "**MISSED**" in verdicts(_result(14.0, rss=400))[3]


def test_render_is_a_markdown_table_with_notes():
    text = render(_result(14.0))
    assert text.splitlines()[0].startswith("| tool | documents | seconds |")
    assert "| one document of … mentions |" in text and "test machine" in text
