"""`newsfacts bench distributed`: its verdict logic, and a smoke run on a few documents. No timed assertions."""

from __future__ import annotations

from distributed_helpers import deadline, need_dask
from newsfacts.bench.distributed import CLUSTER, JOBS, ONE, DistributedBench, Row, render, verdicts
from newsfacts.cli import app
from typer.testing import CliRunner


def _bench(cluster_seconds: float, big_driver: float) -> DistributedBench:
    bench = DistributedBench(100_000, 2, 1, 1450.0, 330.0, "test machine")
    for task, base in (("validate", 24.0), ("score", 140.0)):
        bench.rows.append(Row(task, ONE, 100_000, base, base, base, None, 45.0, None, 45.0))
        if task == "validate":
            bench.rows.append(Row(task, JOBS.format(jobs=2), 100_000, 13.0, 26.0, largest_rss=50.0))
        for n in (1, 2):
            seconds = cluster_seconds * (2 if n == 1 else 1) * (6 if task == "score" else 1)
            bench.rows.append(Row(task, CLUSTER.format(n=n), 100_000, seconds, base + 4, 3.0, base, big_driver, 300.0))
        bench.small.append(Row(task, CLUSTER.format(n=2), 10_000, 5.0, 10.0, 2.5, 8.0, 180.0, 250.0))
    return bench


def test_verdicts_judge_the_targets() -> None:
    good = verdicts(_bench(15.0, 185.0))
    assert "1.15× its wall time (target ≤ 1.3×): **met**" in good[0]
    assert all("**met**" in line for line in good if "driver peak RSS" in line)
    bad = verdicts(_bench(20.0, 400.0))
    assert "**MISSED**" in bad[0]
    assert all("**MISSED**" in line for line in bad if "driver peak RSS" in line)
    table = render(_bench(15.0, 185.0))
    assert "| validate | --jobs 2 | 100,000 | 13.00 |" in table and "(50)" in table


def test_bench_distributed_runs_on_a_few_documents(tmp_path) -> None:
    need_dask()
    with deadline(240):
        result = CliRunner().invoke(app, ["bench", "distributed", "--docs", "20", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for how in (ONE, "--jobs 2", CLUSTER.format(n=1), CLUSTER.format(n=2)):
        assert f"| validate | {how} | 20 |" in result.stdout
    assert "| score | LocalCluster, 2 worker(s) | 2 |" in result.stdout
    assert "- validate: driver peak RSS" in result.stdout
