"""The README's loading example runs as written on a built release (in a fresh, offline process)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from newsfacts.release.build import build_release
from release_helpers import write_corpus

ROOT = Path(__file__).resolve().parent.parent


def readme_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- readme-example:begin -->")[1].split("<!-- readme-example:end -->")[0]
    return re.search(r"```python\n(.*?)```", block, re.S).group(1)


def test_the_readme_example_runs_and_joins(tmp_path):
    release = tmp_path / "dist" / "newsfacts"
    build_release(write_corpus(tmp_path / "corpus"), release)
    env = {**os.environ, "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf")}
    done = subprocess.run(
        [sys.executable, "-c", readme_example()], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert "PERSON ['PERSON', 'NORP', 'FAC', 'ORG']" in out  # the ClassLabel decodes
    assert re.search(r"Ana Pérez\s+PERSON\s+Ana Pérez", out)  # a mention joined to its entity's name
    assert re.search(r"valid-minimal\s+Ana Pérez\s+We ran out of chairs,", out)  # a quote to its speaker


def test_a_datasetdict_has_no_features_so_the_example_picks_a_split():
    assert 'split="test")' in readme_example() and "features" in readme_example()
