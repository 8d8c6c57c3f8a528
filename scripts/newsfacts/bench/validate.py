"""Benchmark of the validator, side by side with the JSON-parse floor and schema-only validators.

Every tool runs as a whole process on the same synthetic JSONL file (``newsfacts.bench.synthetic``),
so interpreter start-up and imports count. Wall time is the best of ``repeat`` runs; peak RSS
is the largest resident set of any one process of the run (``wait4`` rusage, so the worker
processes of ``--jobs`` are included as their own peaks, not summed).

    from newsfacts.bench.validate import bench_validate, render
    print(render(bench_validate(docs=10_000)))

Nothing here asserts a time: the result is data, and ``render`` turns it into Markdown.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

#: Targets from the issue: validation at least this many times plain jsonschema's rate …
TARGET_VS_JSONSCHEMA = 20.0
#: … and within this many times the time of a bare stdlib parse of the same file.
TARGET_VS_PARSE = 4.0

# One loop for every schema-only or parse-only tool: read lines, parse, maybe validate, count.
_LOOP = """\
import sys, time
{setup}
limit = int(sys.argv[2])
n = bad = 0
t0 = time.perf_counter()
with open(sys.argv[1], "rb") as handle:
    for line in handle:
        if not line.strip():
            continue
        {body}
        n += 1
        if n == limit:
            break
print(n, bad, time.perf_counter() - t0)
"""
_TOOLS = {
    "json": ("import json", "json.loads(line)"),
    "orjson": ("import orjson", "orjson.loads(line)"),
    "jsonschema-rs": (
        "import json, orjson, jsonschema_rs\nvalidator = jsonschema_rs.validator_for(json.load(open(sys.argv[3])))",
        "bad += not validator.is_valid(orjson.loads(line))",
    ),
    "jsonschema": (
        "import json, jsonschema\nvalidator = jsonschema.Draft202012Validator(json.load(open(sys.argv[3])))",
        "bad += bool(list(validator.iter_errors(json.loads(line))))",
    ),
}


@dataclass(frozen=True)
class Run:
    """One tool's figures over ``documents`` documents (measured, or extrapolated from ``sampled``)."""

    tool: str
    command: str
    documents: int
    seconds: float
    cpu_seconds: float
    peak_rss_mib: float
    sampled: int | None = None

    @property
    def rate(self) -> float:
        return self.documents / self.seconds


@dataclass(frozen=True)
class MemoryCheck:
    """Peak RSS of ``newsfacts validate`` on two file sizes: does memory grow with the file?"""

    documents: tuple[int, int]
    peak_rss_mib: tuple[float, float]

    @property
    def growth_mib(self) -> float:
        return self.peak_rss_mib[1] - self.peak_rss_mib[0]

    @property
    def growth_per_10k_mib(self) -> float:
        return self.growth_mib / (self.documents[1] - self.documents[0]) * 10_000


@dataclass(frozen=True)
class BenchResult:
    documents: int
    jobs: int
    repeat: int
    file_mib: float
    generate_seconds: float
    machine: str
    runs: list[Run] = field(default_factory=list)
    memory: MemoryCheck | None = None

    def run(self, tool: str) -> Run:
        return next(r for r in self.runs if r.tool == tool)


# tool names in the table
VALIDATE, VALIDATE_JOBS = "newsfacts validate", "newsfacts validate --jobs {jobs}"
PARSE_JSON, PARSE_ORJSON = "stdlib json.loads per line (floor)", "orjson.loads per line"
SCHEMA_RS, SCHEMA_PY = "jsonschema-rs + orjson (schema only)", "jsonschema Draft202012Validator + json (schema only)"


def bench_validate(
    docs: int = 10_000,
    *,
    jobs: int = 2,
    out: str | os.PathLike[str] | None = None,
    seed: int = 0,
    repeat: int = 3,
    sample: int = 1_000,
    memory_factor: int = 2,
    progress: Callable[[str], None] = lambda message: None,
) -> BenchResult:
    """Generate ``docs`` synthetic documents once, then time each tool on them as a whole process.

    ``sample``: plain jsonschema runs on this many documents and is extrapolated (0: all).
    ``memory_factor``: also validate ``memory_factor * docs`` documents to compare peak RSS (0: skip).
    ``out``: keep the generated files there (default: a temporary folder, removed afterwards).
    """
    from newsfacts.bench.synthetic import write_jsonl
    from newsfacts.contract.schema import DOCUMENT_SCHEMA, schema_dir

    with tempfile.TemporaryDirectory(prefix="newsfacts-bench-") as tmp:
        folder = Path(out) if out is not None else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        progress(f"generating {docs:,} documents …")
        started = time.perf_counter()
        data = write_jsonl(folder / f"synthetic-{docs}.jsonl", docs, seed)
        generate_seconds = time.perf_counter() - started
        schema = str(schema_dir() / DOCUMENT_SCHEMA)
        newsfacts = _newsfacts_command()

        runs = [
            _measure(VALIDATE, [*newsfacts, "validate", str(data)], docs, repeat, progress),
            _measure(
                VALIDATE_JOBS.format(jobs=jobs),
                [*newsfacts, "validate", "--jobs", str(jobs), str(data)],
                docs,
                repeat,
                progress,
            ),
            _measure_loop(PARSE_JSON, "json", data, schema, docs, 0, repeat, progress),
            _measure_loop(PARSE_ORJSON, "orjson", data, schema, docs, 0, repeat, progress),
            _measure_loop(SCHEMA_RS, "jsonschema-rs", data, schema, docs, 0, repeat, progress),
            _measure_loop(SCHEMA_PY, "jsonschema", data, schema, docs, sample, repeat, progress),
        ]
        memory = None
        if memory_factor > 1:
            big_docs = docs * memory_factor
            progress(f"generating {big_docs:,} documents for the memory check …")
            big = write_jsonl(folder / f"synthetic-{big_docs}.jsonl", big_docs, seed)
            big_run = _measure(VALIDATE, [*newsfacts, "validate", str(big)], big_docs, 1, progress)
            memory = MemoryCheck((docs, big_docs), (runs[0].peak_rss_mib, big_run.peak_rss_mib))
        return BenchResult(
            documents=docs,
            jobs=jobs,
            repeat=repeat,
            file_mib=data.stat().st_size / 2**20,
            generate_seconds=generate_seconds,
            machine=machine(),
            runs=runs,
            memory=memory,
        )


def machine() -> str:
    """CPU model, cores, OS and Python: where the figures were measured."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{model}, {cores} cores, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def _newsfacts_command() -> list[str]:
    script = Path(sys.executable).parent / "newsfacts"
    if script.is_file():
        return [str(script)]
    found = shutil.which("newsfacts")
    return [found] if found else [sys.executable, "-m", "newsfacts"]


def _measure(tool: str, argv: Sequence[str], docs: int, repeat: int, progress: Callable[[str], None]) -> Run:
    progress(f"{tool}: {docs:,} documents × {repeat} …")
    best = min((run_process(argv) for _ in range(repeat)), key=lambda r: r[0])
    seconds, cpu, rss, _ = best
    return Run(tool, _display(argv), docs, seconds, cpu, rss)


def _measure_loop(
    tool: str,
    name: str,
    data: Path,
    schema: str,
    docs: int,
    sample: int,
    repeat: int,
    progress: Callable[[str], None],
) -> Run:
    """A parse or schema-only loop as a whole process; extrapolated to ``docs`` when ``sample`` is less."""
    limit = sample if 0 < sample < docs else 0
    setup, body = _TOOLS[name]
    argv = [sys.executable, "-c", _LOOP.format(setup=setup, body=body), str(data), str(limit), schema]
    progress(f"{tool}: {limit or docs:,} documents × {repeat} …")
    best = None
    for _ in range(repeat):
        seconds, cpu, rss, stdout = run_process(argv)
        counted, bad, loop_seconds = stdout.split()
        if int(bad):
            raise RuntimeError(f"{tool}: {bad} of {counted} synthetic documents failed the schema")
        if best is None or seconds < best[0]:
            best = (seconds, cpu, rss, int(counted), float(loop_seconds))
    seconds, cpu, rss, counted, loop_seconds = best
    if counted != (limit or docs):
        raise RuntimeError(f"{tool}: read {counted} documents, expected {limit or docs}")
    command = f"python -c <{name} loop> FILE"
    if not limit:
        return Run(tool, command, docs, seconds, cpu, rss)
    # start-up as measured, plus the per-document loop time for the documents not run
    rest = loop_seconds * (docs - counted) / counted
    return Run(tool, command, docs, seconds + rest, cpu + rest, rss, sampled=counted)


# Spawns the measured command and reports its wall time and rusage. Peak RSS on Linux carries
# over the memory of the process that forked the child (exec keeps the pre-exec high-water
# mark), so a small launcher, not this process, is the parent of every measured command.
_LAUNCHER = """\
import json, os, sys, time
argv = json.loads(sys.argv[1])
started = time.perf_counter()
pid = os.posix_spawnp(argv[0], argv, os.environ)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - started
with open(sys.argv[2], "w") as handle:
    cpu = usage.ru_utime + usage.ru_stime
    json.dump([seconds, cpu, usage.ru_maxrss, os.waitstatus_to_exitcode(status)], handle)
"""


def run_process(argv: Sequence[str]) -> tuple[float, float, float, str]:
    """Run ``argv`` to completion: (wall seconds, CPU seconds, peak RSS MiB of its largest process, stdout).

    CPU seconds are user + system time of the process and the children it waited for.

    Raises RuntimeError when it exits non-zero (the synthetic documents must all be valid).
    """
    import json

    with tempfile.TemporaryDirectory(prefix="newsfacts-run-") as tmp:
        result = Path(tmp) / "result.json"
        launcher = [sys.executable, "-S", "-c", _LAUNCHER, json.dumps(list(argv)), str(result)]
        done = subprocess.run(launcher, capture_output=True, stdin=subprocess.DEVNULL, check=False)
        stdout = done.stdout.decode("utf-8", "replace")
        if done.returncode != 0 or not result.is_file():
            raise RuntimeError(f"the launcher failed for {_display(argv)}:\n{done.stderr.decode()[-2000:]}")
        seconds, cpu, maxrss, code = json.loads(result.read_text())
    if code != 0:
        tail = (stdout + done.stderr.decode("utf-8", "replace"))[-2000:]
        raise RuntimeError(f"{_display(argv)} exited {code}:\n{tail}")
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    return seconds, cpu, maxrss * scale / 2**20, stdout


def _display(argv: Sequence[str]) -> str:
    shown = []
    for arg in argv:
        path = Path(arg)
        if path.name == "newsfacts" and path.parent == Path(sys.executable).parent:
            shown.append("newsfacts")
        elif arg.endswith(".jsonl"):
            shown.append(path.name)
        else:
            shown.append(arg)
    return " ".join(shown)


def verdicts(result: BenchResult) -> list[str]:
    """One line per target of the issue: met or missed, with the figures that decide it.

    Targets are judged on wall time; the same ratios on CPU time follow in brackets (on a
    machine shared with other work they show what wall time would be on an idle one).
    """
    jsonschema, floor = result.run(SCHEMA_PY), result.run(PARSE_JSON)
    lines = []
    for tool in (VALIDATE, VALIDATE_JOBS.format(jobs=result.jobs)):
        run = result.run(tool)
        speedup = jsonschema.seconds / run.seconds
        slowdown = run.seconds / floor.seconds
        lines.append(
            f"- `{tool}` vs plain jsonschema: {speedup:.1f}× its rate "
            f"(CPU time: {jsonschema.cpu_seconds / run.cpu_seconds:.1f}×; target ≥ {TARGET_VS_JSONSCHEMA:g}×): "
            f"**{'met' if speedup >= TARGET_VS_JSONSCHEMA else 'MISSED'}**"
        )
        lines.append(
            f"- `{tool}` vs the stdlib-parse floor: {slowdown:.2f}× its time "
            f"(CPU time: {run.cpu_seconds / floor.cpu_seconds:.2f}×; target ≤ {TARGET_VS_PARSE:g}×): "
            f"**{'met' if slowdown <= TARGET_VS_PARSE else 'MISSED'}**"
        )
    one, many = result.run(VALIDATE), result.run(VALIDATE_JOBS.format(jobs=result.jobs))
    lines.append(
        f"- `--jobs {result.jobs}` vs one process: {one.seconds / many.seconds:.2f}× as fast "
        f"({many.cpu_seconds - one.cpu_seconds:+.2f} s CPU for reading, shipping and collecting records)"
    )
    if result.memory is not None:
        m = result.memory
        lines.append(
            f"- memory: peak RSS {m.peak_rss_mib[0]:.0f} MiB for {m.documents[0]:,} documents, "
            f"{m.peak_rss_mib[1]:.0f} MiB for {m.documents[1]:,} "
            f"({m.growth_per_10k_mib:+.1f} MiB per 10,000 documents, while the file grows by "
            f"{result.file_mib / result.documents * 10_000:.0f} MiB per 10,000)"
        )
    return lines


def render(result: BenchResult) -> str:
    """The result as Markdown: the table, notes, and a verdict line per target."""
    jsonschema, floor = result.run(SCHEMA_PY), result.run(PARSE_JSON)
    rows = [
        "| tool | documents | seconds | CPU s | documents/s | peak RSS MiB | × jsonschema rate | × stdlib-parse time |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in result.runs:
        note = " ¹" if run.sampled else ""
        rows.append(
            f"| {run.tool}{note} | {run.documents:,} | {run.seconds:.2f} | {run.cpu_seconds:.2f} | {run.rate:,.0f} | "
            f"{run.peak_rss_mib:.0f} | {run.rate / jsonschema.rate:.1f} | {run.seconds / floor.seconds:.2f} |"
        )
    notes = [
        f"{result.documents:,} synthetic documents ({result.file_mib:.1f} MiB of JSONL, generated and written in "
        f"{result.generate_seconds:.1f} s = {result.documents / result.generate_seconds:,.0f} documents/s); "
        f"each tool a whole process (start-up and imports included), best wall time of {result.repeat}; "
        "peak RSS of the largest single process; machine: "
        f"{result.machine}.",
    ]
    if jsonschema.sampled:
        notes.append(
            f"¹ measured on the first {jsonschema.sampled:,} documents and extrapolated: "
            "whole-process time plus the measured per-document loop time for the rest."
        )
    return "\n".join([*rows, "", *notes, "", *verdicts(result)])


if __name__ == "__main__":  # pragma: no cover - a convenience: python -m newsfacts.bench.validate [DOCS]
    docs = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    print(render(bench_validate(docs, progress=lambda message: print(message, file=sys.stderr))))
