"""A larger fuzz campaign than the suite's (not collected by pytest): every command that reads
files, over mutations of the project's own valid inputs, with its figures.

    .venv/bin/python tests/fuzz_campaign.py --cases 2000 --seed 1 [--jobs 2] [--out report.json]

Prints cases, tracebacks and hangs per command (each distinct traceback once, with the case that
made it); exits 1 when a command this issue owns gave a traceback or hung. Commands other work
owns (``fuzz_harness.ELSEWHERE``) are run and reported, not failed on.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fuzz_harness import cases, elsewhere, make_seeds, quiet_hf, run_case


def _worker(args: tuple[int, int, str]) -> list[dict]:
    seed, count, seeds = args
    rnd = random.Random(seed)
    found = []
    with tempfile.TemporaryDirectory() as work, quiet_hf(Path(work) / "hf"):
        stream = cases(Path(seeds), Path(work), rnd)
        for _ in range(count):
            case = next(stream)
            outcome = run_case(case)
            found.append(
                {
                    "command": case.command,
                    "case": case.describe(),
                    "exit": outcome.exit_code,
                    "traceback": outcome.traceback,
                    "hang": outcome.hang,
                    "elsewhere": elsewhere(case),
                }
            )
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path)
    options = parser.parse_args()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as base, quiet_hf(Path(base) / "hf"):
        seeds = make_seeds(Path(base) / "seeds")
        per = -(-options.cases // options.jobs)
        tasks = [(options.seed * 1000 + i, per, str(seeds)) for i in range(options.jobs)]
        with multiprocessing.get_context("fork").Pool(options.jobs) as pool:
            results = [r for chunk in pool.map(_worker, tasks) for r in chunk]
    seconds = time.perf_counter() - start
    by = Counter(r["command"] for r in results)
    crashes = Counter(r["command"] for r in results if r["traceback"])
    hangs = Counter(r["command"] for r in results if r["hang"])
    codes = Counter((r["command"], r["exit"]) for r in results)
    print(f"{len(results)} cases in {seconds:.0f} s (seed {options.seed}, {options.jobs} jobs)")
    print("| command | cases | exit 0 | exit 1 | exit 2 | tracebacks | hangs |")
    print("|---|---|---|---|---|---|---|")
    for command in sorted(by):
        print(
            f"| {command} | {by[command]} | {codes[command, 0]} | {codes[command, 1]} | {codes[command, 2]} "
            f"| {crashes[command]} | {hangs[command]} |"
        )
    seen = set()
    for r in results:
        if r["traceback"] or r["hang"]:
            last = (r["traceback"] or "hang").strip().splitlines()[-1]
            if (r["command"], last) in seen:
                continue
            seen.add((r["command"], last))
            print(f"\n--- {r['command']}{' (owned elsewhere)' if r['elsewhere'] else ''}: {r['case']}")
            print((r["traceback"] or "HANG")[-2500:])
    if options.out:
        options.out.write_text(json.dumps(results, indent=1), encoding="utf-8")
    mine = [r for r in results if (r["traceback"] or r["hang"]) and not r["elsewhere"]]
    return 1 if mine else 0


if __name__ == "__main__":
    sys.exit(main())
