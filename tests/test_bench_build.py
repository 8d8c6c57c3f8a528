"""newsfacts bench build: a smoke run on a few documents (the figures themselves are data, not tests)."""

from __future__ import annotations

from pathlib import Path

from newsfacts.bench.build import bench_build, render


def test_bench_build_runs_every_step_and_renders(tmp_path: Path) -> None:
    result = bench_build(60, jobs=1, out=tmp_path)
    assert result.rows > 60 and result.build.peak_tree_rss_mib > 0 and result.floor_seconds > 0
    text = render(result)
    assert "| `newsfacts build` |" in text and "bare-pyarrow floor" in text and "load_dataset" in text
    assert (tmp_path / "release" / "MANIFEST.json").is_file()
