"""Benchmark of ``newsfacts build``, side by side with the bare-pyarrow floor, and of loading the result.

One run, on one synthetic corpus (``newsfacts.bench.synthetic``, a JSONL file under ``corpus/documents``):

1. ``newsfacts build`` as a whole process: wall and CPU time, and the peak RSS of its whole
   process tree (sampled from /proc every 50 ms: the build's worker processes are summed in);
2. the floor: a bare-pyarrow script writing the same rows — ``pyarrow.json.read_json`` of the
   JSONL with the explicit schema, the annotation tables by ``list_flatten``, and the ``ner``
   rows (which need a tokeniser bare pyarrow does not have, so the script reads them from the
   build's own output; that read is timed apart and left out of the floor), each written as zstd
   Parquet with pyarrow's defaults. The floor neither validates, nor computes NER rows, nor
   hashes, nor splits. It runs a second time writing with the build's own per-column options
   (``build.parquet_options``: offsets delta-encoded, statistics outside lists only), which
   write faster: the stricter floor, reported beside the first;
3. ``newsfacts validate --jobs N`` on the same file: the share of the build that is validation;
4. ``load_dataset`` of the release in a fresh process (offline, empty HF_HOME): the default
   config, then every config, then the first row of a streaming load.

Nothing here asserts a time: the result is data, and ``render`` turns it into Markdown.

    from newsfacts.bench.build import bench_build, render
    print(render(bench_build(docs=100_000)))
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

#: Targets from the issue.
TARGET_PEAK_RSS_MIB = 1024.0
TARGET_VS_FLOOR = 2.0

_FLOOR = """\
import glob, json, sys, time
t0 = time.perf_counter()
import pyarrow as pa, pyarrow.compute as pc, pyarrow.json as pj, pyarrow.parquet as pq
source, schema_file, release, out = sys.argv[1:5]
options = json.load(open(sys.argv[5])) if len(sys.argv) > 5 else {}  # per table: writer options
def write(table, name):
    pq.write_table(table, f"{out}/{name}.parquet", **options.get(name, {"compression": "zstd"}))
schema = pa.ipc.read_schema(pa.py_buffer(open(schema_file, "rb").read()))
times = {}
t = time.perf_counter()
documents = pj.read_json(
    source, parse_options=pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="error")
)
times["read_json"] = time.perf_counter() - t
t = time.perf_counter()
write(documents, "documents")
for layer in ("entities", "mentions", "quotes", "numeric_facts"):
    column = documents.column(layer).combine_chunks()
    items = pc.list_flatten(column)
    doc_ids = pc.take(documents.column("doc_id"), pc.list_parent_indices(column))
    table = pa.Table.from_arrays([doc_ids, *items.flatten()], names=["doc_id", *[f.name for f in items.type]])
    write(table, layer)
times["write documents and layers"] = time.perf_counter() - t
t = time.perf_counter()
ner = pa.concat_tables(pq.read_table(p) for p in sorted(glob.glob(f"{release}/data/ner/*.parquet")))
times["read ner rows (excluded)"] = time.perf_counter() - t
t = time.perf_counter()
write(ner, "ner")
times["write ner"] = time.perf_counter() - t
times["whole process"] = time.perf_counter() - t0
print(json.dumps(times))
"""

_LOAD = """\
import json, sys, time
t0 = time.perf_counter()
import datasets
times = {"import datasets": time.perf_counter() - t0}
path = sys.argv[1]
t = time.perf_counter()
default = datasets.load_dataset(path)
times["load_dataset(path) (default config, cold)"] = time.perf_counter() - t
t = time.perf_counter()
rows = 0
for config in datasets.get_dataset_config_names(path):
    rows += sum(len(split) for split in datasets.load_dataset(path, config).values())
times["load_dataset(path, name) for every config (cold)"] = time.perf_counter() - t
t = time.perf_counter()
next(iter(datasets.load_dataset(path, "ner", split="test", streaming=True)))
times["streaming: first row of ner/test"] = time.perf_counter() - t
times["whole process"] = time.perf_counter() - t0
print(json.dumps({"times": times, "rows": rows, "documents": sum(len(s) for s in default.values())}))
"""


@dataclass(frozen=True)
class Measured:
    """A whole process: wall and CPU seconds, peak RSS of its process tree, what it printed."""

    seconds: float
    cpu_seconds: float
    peak_tree_rss_mib: float
    peak_process_rss_mib: float
    stdout: str


@dataclass(frozen=True)
class BuildBench:
    documents: int
    jsonl_mib: float
    release_mib: float
    jobs: int | None
    machine: str
    build: Measured
    validate: Measured
    floor: Measured
    floor_times: dict[str, float]
    tuned_floor: Measured  # the same script, writing with the release's own writer options
    tuned_floor_times: dict[str, float]
    load: Measured
    load_times: dict[str, float]
    rows: int
    notes: list[str] = field(default_factory=list)

    @property
    def floor_seconds(self) -> float:
        """The floor's whole process, less reading the ner rows it cannot compute."""
        return self.floor.seconds - self.floor_times["read ner rows (excluded)"]

    @property
    def tuned_floor_seconds(self) -> float:
        return self.tuned_floor.seconds - self.tuned_floor_times["read ner rows (excluded)"]


def bench_build(
    docs: int = 100_000,
    *,
    jobs: int | None = None,
    out: str | os.PathLike[str] | None = None,
    seed: int = 0,
    progress: Callable[[str], None] = lambda message: None,
) -> BuildBench:
    """Generate ``docs`` synthetic documents, build, run the floor, validate, load; the figures.

    ``out``: keep the corpus and the release there (default: a temporary folder, removed after).
    """
    from newsfacts.bench.synthetic import write_jsonl
    from newsfacts.bench.validate import _newsfacts_command, machine
    from newsfacts.contract.schema import schema_dir
    from newsfacts.release.features import input_schema

    with tempfile.TemporaryDirectory(prefix="newsfacts-bench-build-") as tmp:
        folder = Path(out) if out is not None else Path(tmp)
        corpus = folder / "corpus"
        release, floor_out = folder / "release", folder / "floor"
        for path in (corpus, release, floor_out):
            shutil.rmtree(path, ignore_errors=True)
        (corpus / "documents").mkdir(parents=True)
        floor_out.mkdir()
        (corpus / "metadata.json").write_text(json.dumps(_metadata(schema_dir().parent)), encoding="utf-8")
        progress(f"generating {docs:,} documents …")
        data = write_jsonl(corpus / "documents" / f"synthetic-{docs}.jsonl", docs, seed)
        with data.open("rb+") as written:  # on disk before anything is timed: no step pays the writeback
            os.fsync(written.fileno())
        schema_file = folder / "input-schema.arrow"
        schema_file.write_bytes(input_schema().serialize().to_pybytes())
        newsfacts = _newsfacts_command()

        progress("newsfacts build …")
        job_args = ["--jobs", str(jobs)] if jobs else []
        build = measure([*newsfacts, "build", "--corpus", str(corpus), "--out", str(release), *job_args])
        progress(f"newsfacts validate --jobs {jobs or 2} …")
        validate = measure([*newsfacts, "validate", "--jobs", str(jobs or 2), str(data)])
        progress("the bare-pyarrow floor …")
        floor_args = [sys.executable, "-c", _FLOOR, str(data), str(schema_file), str(release), str(floor_out)]
        floor = measure(floor_args)
        progress("the floor again, with the release's writer options …")
        options_file = folder / "writer-options.json"
        options_file.write_text(json.dumps(_writer_options()), encoding="utf-8")
        tuned_floor = measure([*floor_args, str(options_file)])
        progress("load_dataset …")
        hf_home = folder / "hf-home"
        shutil.rmtree(hf_home, ignore_errors=True)
        env = {**os.environ, "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1", "HF_HOME": str(hf_home)}
        load = measure([sys.executable, "-c", _LOAD, str(release)], env=env)
        loaded = json.loads(load.stdout)
        shutil.rmtree(hf_home, ignore_errors=True)
        return BuildBench(
            documents=docs,
            jsonl_mib=data.stat().st_size / 2**20,
            release_mib=sum(p.stat().st_size for p in release.rglob("*") if p.is_file()) / 2**20,
            jobs=jobs,
            machine=machine(),
            build=build,
            validate=validate,
            floor=floor,
            floor_times=json.loads(floor.stdout),
            tuned_floor=tuned_floor,
            tuned_floor_times=json.loads(tuned_floor.stdout),
            load=load,
            load_times=loaded["times"],
            rows=loaded["rows"],
        )


def _writer_options() -> dict[str, dict]:
    """The Parquet writer options the build uses, per config (``build.parquet_options``)."""
    from newsfacts.release.build import parquet_options
    from newsfacts.release.features import arrow_schema
    from newsfacts.release.views import CONFIGS

    return {config: parquet_options(arrow_schema(config)) for config in CONFIGS}


def _metadata(root: Path) -> dict:
    """The repository's corpus metadata, without its record of released versions: the synthetic
    corpus is not what was released (``build.RELEASED``)."""
    from newsfacts.release.build import RELEASED

    path = root / "corpus" / "metadata.json"
    if path.is_file():
        metadata = json.loads(path.read_text(encoding="utf-8"))
        metadata.pop(RELEASED, None)
        return metadata
    return {"name": "newsfacts-bench", "version": "0.0.0", "annotation_license": "CC-BY-4.0", "language": ["en"]}


def measure(argv: Sequence[str], env: dict[str, str] | None = None) -> Measured:
    """Run ``argv`` to completion, sampling the RSS of its process tree; raise if it fails."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    peak_tree = peak_one = 0
    stdout: list[bytes] = []
    stderr: list[bytes] = []
    import threading

    readers = [
        threading.Thread(target=lambda s=s, b=b: b.extend(iter(lambda: s.read(65536), b"")))
        for s, b in ((proc.stdout, stdout), (proc.stderr, stderr))
    ]
    for reader in readers:
        reader.start()
    usage = None
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        sizes = [_rss_kib(p) for p in _tree(proc.pid)]
        peak_tree, peak_one = max(peak_tree, sum(sizes)), max(peak_one, max(sizes, default=0))
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    for reader in readers:
        reader.join()
    if proc.returncode != 0:
        tail = (b"".join(stdout) + b"".join(stderr)).decode("utf-8", "replace")[-3000:]
        raise RuntimeError(f"{' '.join(map(str, argv))[:200]} exited {proc.returncode}:\n{tail}")
    cpu = usage.ru_utime + usage.ru_stime
    return Measured(seconds, cpu, peak_tree / 1024, peak_one / 1024, b"".join(stdout).decode("utf-8", "replace"))


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8") as handle:
                    parent = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def verdicts(result: BuildBench) -> list[str]:
    build, floor = result.build, result.floor_seconds
    ratio = build.seconds / floor
    tuned = build.seconds / result.tuned_floor_seconds
    without_validation = max(build.seconds - result.validate.seconds, 0.0)
    return [
        f"- peak RSS of the build (whole process tree): {build.peak_tree_rss_mib:.0f} MiB "
        f"(largest process {build.peak_process_rss_mib:.0f} MiB; target < {TARGET_PEAK_RSS_MIB:.0f} MiB): "
        f"**{'met' if build.peak_tree_rss_mib < TARGET_PEAK_RSS_MIB else 'MISSED'}**",
        f"- build vs the bare-pyarrow floor: {ratio:.2f}× its time (target ≤ {TARGET_VS_FLOOR:g}×): "
        f"**{'met' if ratio <= TARGET_VS_FLOOR else 'MISSED'}**; without the time `newsfacts validate` takes "
        f"alone on the same file ({result.validate.seconds:.1f} s), {without_validation / floor:.2f}×",
        f"- build vs the floor writing with the release's own writer options ({result.tuned_floor_seconds:.2f} s): "
        f"{tuned:.2f}× (**{'met' if tuned <= TARGET_VS_FLOOR else 'MISSED'}** against this stricter floor)",
        f"- load_dataset of the default config, cold: {result.load_times['load_dataset(path) (default config, cold)']:.2f} s"
        f" (every config: {result.load_times['load_dataset(path, name) for every config (cold)']:.2f} s; "
        f"`import datasets` {result.load_times['import datasets']:.2f} s)",
    ]


def render(result: BuildBench) -> str:
    rows = [
        "| step | seconds | CPU s | peak RSS MiB (tree) | note |",
        "|---|---:|---:|---:|---|",
        _row("`newsfacts build`", result.build, f"jobs: {result.jobs or 'default'}"),
        _row(
            "bare-pyarrow floor",
            result.floor,
            f"counted: {result.floor_seconds:.2f} s (less {result.floor_times['read ner rows (excluded)']:.2f} s "
            "reading the ner rows)",
        ),
        _row(
            "floor, the release's writer options",
            result.tuned_floor,
            f"counted: {result.tuned_floor_seconds:.2f} s (the same script; offsets delta-encoded, fewer statistics)",
        ),
        _row("`newsfacts validate --jobs 2`", result.validate, "the validation share of the build"),
        _row("`load_dataset`, fresh process", result.load, f"{result.rows:,} rows in all configs"),
    ]
    floor_detail = ", ".join(f"{k} {v:.2f} s" for k, v in result.floor_times.items() if k != "whole process")
    load_detail = ", ".join(f"{k} {v:.2f} s" for k, v in result.load_times.items() if k != "whole process")
    notes = [
        f"{result.documents:,} synthetic documents ({result.jsonl_mib:.0f} MiB of JSONL); the release: "
        f"{result.release_mib:.0f} MiB. Each step a whole process (start-up and imports included); "
        f"peak RSS summed over the process tree, sampled every 50 ms; machine: {result.machine}.",
        f"Floor: {floor_detail}.",
        f"Loading: {load_detail}.",
    ]
    return "\n".join([*rows, "", *notes, "", *verdicts(result)])


def _row(name: str, m: Measured, note: str) -> str:
    return f"| {name} | {m.seconds:.2f} | {m.cpu_seconds:.2f} | {m.peak_tree_rss_mib:.0f} | {note} |"
