"""Fuzz the importers: seeded mutations of valid brat and Label Studio files (tests/mutate.py)
through ``newsfacts import``. Every case must end with exit 0, 1 or 2, no traceback and no hang;
the loop is bounded in cases and in time. A longer run: ``NEWSFACTS_FUZZ_CASES=20000``."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import time
import traceback
from pathlib import Path

import pytest
from mutate import mutate_ann, mutate_json, mutate_text
from newsfacts.bench.synthetic import generate_documents
from newsfacts.cli import app
from newsfacts.exchange.brat import brat_meta, to_brat
from newsfacts.exchange.labelstudio import to_labelstudio
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
FOREIGN = ROOT / "tests" / "fixtures" / "exchange" / "brat-foreign"
CASES = int(os.environ.get("NEWSFACTS_FUZZ_CASES", "240"))
SECONDS = float(os.environ.get("NEWSFACTS_FUZZ_SECONDS", "25"))
HANG = 10  # seconds: a case that takes longer hangs


def documents() -> list[dict]:
    paths = [
        ROOT / "tests" / "cases" / "valid" / "minimal.json",
        *sorted((ROOT / "corpus" / "documents").glob("*.json")),
    ]
    return [json.loads(p.read_text(encoding="utf-8")) for p in paths] + list(generate_documents(2, seed=9))


def write_case(kind: str, doc: dict, rng: random.Random, folder: Path) -> list[str]:
    """The files of one mutated case in ``folder``, and the import command's arguments."""
    folder.mkdir(parents=True)
    if kind == "labelstudio":
        (folder / "t.json").write_text(mutate_json([to_labelstudio(doc)], rng, rng.randrange(1, 4)), encoding="utf-8")
        return ["labelstudio", str(folder / "t.json")]
    if kind == "foreign":
        (folder / "d.txt").write_text((FOREIGN / "news.train-doc-7.txt").read_text(encoding="utf-8"), encoding="utf-8")
        ann = mutate_ann((FOREIGN / "news.train-doc-7.ann").read_text(encoding="utf-8"), rng)
        (folder / "d.ann").write_text(ann, encoding="utf-8")
        return ["brat", str(folder), "--label-map", "PER=PERSON,LOC=GPE,ORG=ORG,MISC=-"]
    txt, ann = to_brat(doc)
    meta = json.dumps(brat_meta(doc), ensure_ascii=False)
    if kind == "ann":
        ann = mutate_ann(ann, rng)
    elif kind == "meta":
        meta = mutate_json(brat_meta(doc), rng, rng.randrange(1, 3))
    else:
        txt = mutate_text(txt, rng)
    for name, content in (("d.txt", txt), ("d.ann", ann), ("d.meta.json", meta)):
        (folder / name).write_text(content, encoding="utf-8", errors="surrogatepass")
    return ["brat", str(folder)]


def _hang(signum, frame):
    raise TimeoutError(f"no answer within {HANG} s")


@pytest.mark.parametrize("seed", [14, 12])
def test_importers_never_crash_or_hang_on_mutated_input(tmp_path, seed):
    rng = random.Random(seed)
    docs = documents()
    runner = CliRunner()
    failures: list[str] = []
    exits = {0: 0, 1: 0, 2: 0}
    previous = signal.signal(signal.SIGALRM, _hang)
    started, done = time.monotonic(), 0
    try:
        for case in range(CASES // 2):
            if time.monotonic() - started > SECONDS / 2:
                break
            kind = rng.choice(["labelstudio", "labelstudio", "ann", "meta", "txt", "foreign"])
            folder = tmp_path / f"case{case}"
            args = write_case(kind, rng.choice(docs), rng, folder / "in")
            signal.alarm(HANG)
            try:
                result = runner.invoke(app, ["import", *args, "--out", str(folder / "out")])
            except TimeoutError as exc:
                failures.append(f"case {case} ({kind}): hang: {exc}")
                continue
            finally:
                signal.alarm(0)
            done += 1
            crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
            if crashed or result.exit_code not in exits or "Traceback" in result.output:
                tb = "".join(traceback.format_exception(result.exception)) if crashed else result.output
                failures.append(f"case {case} ({kind}), files kept in {folder}: exit {result.exit_code}\n{tb[-1500:]}")
            else:
                exits[result.exit_code] += 1
                shutil.rmtree(folder)
    finally:
        signal.signal(signal.SIGALRM, previous)
    assert failures == [], "\n\n".join(failures[:3])
    assert done >= 20, f"only {done} cases ran in {SECONDS / 2:.0f} s"
    assert exits[1] > 0 and exits[0] + exits[2] > 0  # the mutations reach both the valid and the invalid paths
