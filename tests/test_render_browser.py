"""render in a real headless browser: what is visible matches the annotations.

Needs Chromium (Debian: ``apt-get install -y chromium``). Without it the test is skipped
locally, but fails under CI (``CI`` set), where Chromium must be installed.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from newsfacts.research.render import expected_counts, render_html

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "tests" / "cases" / "valid" / "minimal.json", *sorted((ROOT / "corpus" / "passes").glob("*/*.json"))]
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is required in CI: apt-get install -y chromium")
        pytest.skip("Chromium is not installed (apt-get install -y chromium); CI runs this test")
    return found


def run(chromium: str, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp / "profile"
    return subprocess.run(
        [chromium, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.stem if p.parent.name == "valid" else p.parent.name)
def test_visible_marks_match_the_annotations(chromium, tmp_path, path):
    doc = json.loads(path.read_text(encoding="utf-8"))
    page = tmp_path / "doc.html"
    page.write_text(render_html(doc), encoding="utf-8")
    assert not re.search(r"https?://", page.read_text(encoding="utf-8"))

    dom = run(chromium, tmp_path, "--virtual-time-budget=2000", "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    found = re.search(r'data-counts="([^"]*)"', dom.stdout)
    assert found, "the page's script did not run (no data-counts on <body>)"
    visible = json.loads(html.unescape(found.group(1)))
    assert visible == expected_counts(doc)
    assert visible.get("mention", 0) == len(doc["mentions"])
    assert visible.get("fact", 0) == len(doc["numeric_facts"])
    legend = re.findall(r'data-legend="([^"]+)"', dom.stdout)
    assert set(legend) == {m["type"] for m in doc["mentions"]} | (set(expected_counts(doc)) - {"mention"})

    shot = tmp_path / f"{doc['doc_id']}.png"
    result = run(chromium, tmp_path, f"--screenshot={shot}", "--window-size=1000,1400", page.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 20_000, "the screenshot looks blank"
    keep = os.environ.get("NEWSFACTS_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / shot.name)
