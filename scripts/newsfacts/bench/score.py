"""Benchmark of ``newsfacts score``, side by side with its floor and its peers, in one run.

On ``docs`` synthetic documents (``bench.synthetic``) and a degraded copy of each (``bench.degrade``:
valid full records, the mistakes systems make), each tool runs as a whole process (start-up and
imports included; best wall time of ``repeat``; peak RSS of the largest process):

- ``newsfacts validate GOLD PRED``: validating both files, the floor scoring cannot beat;
- ``newsfacts score GOLD PRED``: the same files, every layer scored;
- ``newsfacts score`` of the same predictions in the predictions format (doc_id and layers, no
  texts), in GOLD's order and shuffled (paired through the offset index);
- seqeval (``classification_report``) on the same mentions as BIO tags (outermost mentions: BIO
  cannot nest) and nervaluate (``Evaluator.evaluate``) on the same mentions as spans, each
  reading the same files.

Then peak RSS of ``newsfacts score`` on ``docs * memory_factor`` documents (flat in the number of
documents?), and ``newsfacts score`` of one document of 1,000 to 16,000 mentions (linear?).
Nothing asserts a time: ``render`` gives Markdown and a verdict per target.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from newsfacts.bench.validate import Run, _display, _newsfacts_command, machine, run_process

#: Targets from the issue: score within this many times the time of validating both files …
TARGET_VS_VALIDATE = 3.0
#: … peak memory under this at every size …
TARGET_RSS_MIB = 300.0
#: … and one document of 8,000 mentions under this many seconds.
TARGET_LONG_SECONDS = 2.0
LONG_SIZES = (1_000, 2_000, 4_000, 8_000, 16_000)

VALIDATE_BOTH = "newsfacts validate GOLD PRED (both files: the floor)"
SCORE = "newsfacts score GOLD PRED (full records)"
SCORE_MIN = "newsfacts score GOLD PRED (predictions format)"
SCORE_SHUFFLED = "newsfacts score GOLD PRED (predictions format, shuffled)"
SEQEVAL = "seqeval classification_report (mentions as BIO)"
NERVALUATE = "nervaluate Evaluator (mentions as spans)"

# The peers, as whole processes reading the same files: the mentions of each document as BIO
# tags (tokens cut where either side's spans start or end) or as spans.
_PEER = """\
import sys, orjson
from newsfacts.release.ner import outermost, tokenize
gold_path, pred_path, tool = sys.argv[1], sys.argv[2], sys.argv[3]
gold = {}
with open(gold_path, "rb") as handle:
    for line in handle:
        doc = orjson.loads(line)
        gold[doc["doc_id"]] = (doc["text"], [(m["start"], m["end"], m["type"]) for m in doc["mentions"]])
true, pred = [], []
with open(pred_path, "rb") as handle:
    for line in handle:
        doc = orjson.loads(line)
        text, g = gold[doc["doc_id"]]
        p = [(m["start"], m["end"], m["type"]) for m in doc["mentions"]]
        if tool == "nervaluate":
            true.append([{"label": t, "start": s, "end": e} for s, e, t in g])
            pred.append([{"label": t, "start": s, "end": e} for s, e, t in p])
            continue
        g, p = outermost(g), outermost(p)
        _, starts, _ = tokenize(text, [b for s in g + p for b in s[:2]])
        index = {start: n for n, start in enumerate(starts)}
        for spans, out in ((g, true), (p, pred)):
            tags = ["O"] * len(starts)
            for s, e, t in spans:
                first = index[s]
                tags[first] = "B-" + t
                n = first + 1
                while n < len(starts) and starts[n] < e:
                    tags[n] = "I-" + t
                    n += 1
            out.append(tags)
if tool == "seqeval":
    from seqeval.metrics import classification_report
    report = classification_report(true, pred, digits=4, output_dict=True)
    print(round(report["micro avg"]["f1-score"], 6))
else:
    from nervaluate import Evaluator
    labels = sorted({x["label"] for doc in true + pred for x in doc})
    results = Evaluator(true, pred, tags=labels).evaluate()
    overall = results[0] if isinstance(results, tuple) else results["overall"]
    strict = overall["strict"]
    print(round(strict["f1"] if isinstance(strict, dict) else strict.f1, 6))
"""


@dataclass(frozen=True)
class LongRun:
    mentions: int
    seconds: float
    peak_rss_mib: float


@dataclass
class ScoreBench:
    documents: int
    repeat: int
    gold_mib: float
    pred_mib: float
    machine: str
    runs: list[Run] = field(default_factory=list)
    memory: list[Run] = field(default_factory=list)
    long: list[LongRun] = field(default_factory=list)
    agree: dict[str, float] = field(default_factory=dict)

    def run(self, tool: str) -> Run:
        return next(r for r in self.runs if r.tool == tool)


def write_corpus(folder: Path, docs: int, seed: int = 0, shuffle: bool = True) -> dict[str, Path]:
    """GOLD (synthetic), PRED (degraded full records), PRED in the predictions format, and that shuffled."""
    from newsfacts.bench.degrade import as_prediction, degrade
    from newsfacts.bench.synthetic import generate_documents

    paths = {name: folder / f"{name}-{docs}.jsonl" for name in ("gold", "pred", "pred-min", "pred-shuffled")}
    rng = random.Random(seed + 1)
    with (
        paths["gold"].open("wb") as gold,
        paths["pred"].open("wb") as pred,
        paths["pred-min"].open("wb") as small,
    ):
        for doc in generate_documents(docs, seed):
            gold.write(orjson.dumps(doc) + b"\n")
            degraded = degrade(doc, rng)
            pred.write(orjson.dumps(degraded) + b"\n")
            small.write(orjson.dumps(as_prediction(degraded)) + b"\n")
    if shuffle:
        lines = paths["pred-min"].read_bytes().splitlines(keepends=True)
        random.Random(seed).shuffle(lines)
        paths["pred-shuffled"].write_bytes(b"".join(lines))
    return paths


def _measure(tool: str, argv: list[str], docs: int, repeat: int, progress: Callable[[str], None]) -> tuple[Run, str]:
    progress(f"{tool}: {docs:,} documents × {repeat} …")
    best = min((run_process(argv) for _ in range(repeat)), key=lambda r: r[0])
    seconds, cpu, rss, stdout = best
    return Run(tool, _display(argv), docs, seconds, cpu, rss), stdout


def bench_score(
    docs: int = 10_000,
    *,
    out: str | os.PathLike[str] | None = None,
    seed: int = 0,
    repeat: int = 3,
    memory_factor: int = 10,
    long_sizes: tuple[int, ...] = LONG_SIZES,
    progress: Callable[[str], None] = lambda message: None,
) -> ScoreBench:
    """Generate the files once, then time every tool on them (see the module docstring)."""
    from newsfacts.bench.degrade import long_document, shifted

    newsfacts = _newsfacts_command()
    with tempfile.TemporaryDirectory(prefix="newsfacts-bench-score-") as tmp:
        folder = Path(out) if out is not None else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        progress(f"generating {docs:,} documents and their degraded copies …")
        paths = write_corpus(folder, docs, seed)
        gold, pred = str(paths["gold"]), str(paths["pred"])
        result = ScoreBench(
            docs, repeat, paths["gold"].stat().st_size / 2**20, paths["pred"].stat().st_size / 2**20, machine()
        )
        score = [*newsfacts, "score", "--format", "json"]
        for tool, argv in (
            (VALIDATE_BOTH, [*newsfacts, "validate", gold, pred]),
            (SCORE, [*score, gold, pred]),
            (SCORE_MIN, [*score, gold, str(paths["pred-min"])]),
            (SCORE_SHUFFLED, [*score, gold, str(paths["pred-shuffled"])]),
        ):
            run, stdout = _measure(tool, argv, docs, repeat, progress)
            result.runs.append(run)
            if tool == SCORE_MIN:
                mentions = orjson.loads(stdout)["mentions"]
                result.agree["newsfacts (typed exact F1, all mentions)"] = mentions["typed"]["exact"]["f1"]
        for tool, name in ((SEQEVAL, "seqeval"), (NERVALUATE, "nervaluate")):
            argv = [sys.executable, "-c", _PEER, gold, str(paths["pred-min"]), name]
            run, stdout = _measure(tool, argv, docs, repeat, progress)
            result.runs.append(
                Run(tool, f"python -c <{name}> GOLD PRED", docs, run.seconds, run.cpu_seconds, run.peak_rss_mib)
            )
            result.agree[f"{name} (micro F1{', outermost mentions' if name == 'seqeval' else ', strict'})"] = float(
                stdout.split()[-1]
            )
        result.memory.append(result.run(SCORE))
        if memory_factor > 1:
            big_docs = docs * memory_factor
            progress(f"generating {big_docs:,} documents for the memory check …")
            big = write_corpus(folder, big_docs, seed, shuffle=False)
            run, _ = _measure(SCORE, [*score, str(big["gold"]), str(big["pred"])], big_docs, 1, progress)
            result.memory.append(run)
            for path in big.values():
                path.unlink(missing_ok=True)
        for size in long_sizes:
            doc = long_document(size)
            long_gold, long_pred = folder / f"long-{size}.json", folder / f"long-{size}-pred.jsonl"
            long_gold.write_bytes(orjson.dumps(doc))
            long_pred.write_bytes(orjson.dumps(shifted(doc)) + b"\n")
            run, _ = _measure(f"long {size}", [*score, str(long_gold), str(long_pred)], 1, repeat, progress)
            result.long.append(LongRun(size, run.seconds, run.peak_rss_mib))
        return result


def verdicts(result: ScoreBench) -> list[str]:
    floor = result.run(VALIDATE_BOTH)
    lines = []
    for tool in (SCORE, SCORE_MIN, SCORE_SHUFFLED):
        run = result.run(tool)
        ratio = run.seconds / floor.seconds
        lines.append(
            f"- `{tool}`: {ratio:.2f}× the time of validating both files (CPU time: "
            f"{run.cpu_seconds / floor.cpu_seconds:.2f}×; target ≤ {TARGET_VS_VALIDATE:g}×): "
            f"**{'met' if ratio <= TARGET_VS_VALIDATE else 'MISSED'}**"
        )
    peaks = ", ".join(f"{r.peak_rss_mib:.0f} MiB at {r.documents:,}" for r in result.memory)
    worst = max(r.peak_rss_mib for r in result.memory)
    lines.append(
        f"- memory: peak RSS {peaks} (target < {TARGET_RSS_MIB:g} MiB): **{'met' if worst < TARGET_RSS_MIB else 'MISSED'}**"
    )
    if result.long:
        eight = next((r for r in result.long if r.mentions == 8_000), None)
        growth = ", ".join(f"{r.mentions:,}: {r.seconds:.2f} s" for r in result.long)
        lines.append(f"- one long document, whole process: {growth}")
        if eight is not None:
            lines.append(
                f"- 8,000 mentions in {eight.seconds:.2f} s (target < {TARGET_LONG_SECONDS:g} s): "
                f"**{'met' if eight.seconds < TARGET_LONG_SECONDS else 'MISSED'}**"
            )
        if len(result.long) >= 2:
            steps = ", ".join(
                f"{a.mentions:,}→{b.mentions:,}: {(b.seconds - a.seconds) / (b.mentions - a.mentions) * 1e6:.0f} µs"
                for a, b in zip(result.long, result.long[1:], strict=False)
            )
            lines.append(
                f"- linear: the time each added mention costs, between sizes ({steps}), stays of one order "
                "(quadratic work would double it at every doubling)"
            )
    return lines


def render(result: ScoreBench) -> str:
    floor = result.run(VALIDATE_BOTH)
    rows = [
        "| tool | documents | seconds | CPU s | documents/s | peak RSS MiB | × validate both |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for run in result.runs:
        rows.append(
            f"| {run.tool} | {run.documents:,} | {run.seconds:.2f} | {run.cpu_seconds:.2f} | {run.rate:,.0f} | "
            f"{run.peak_rss_mib:.0f} | {run.seconds / floor.seconds:.2f} |"
        )
    long_rows = ["", "| one document of … mentions | seconds (whole process) | peak RSS MiB |", "|---:|---:|---:|"]
    long_rows += [f"| {r.mentions:,} | {r.seconds:.2f} | {r.peak_rss_mib:.0f} |" for r in result.long]
    agree = ", ".join(f"{name} {value:.4f}" for name, value in result.agree.items())
    notes = [
        f"{result.documents:,} synthetic documents ({result.gold_mib:.1f} MiB of JSONL) and a degraded copy of each "
        f"({result.pred_mib:.1f} MiB); each tool a whole process (start-up and imports included), best wall time of "
        f"{result.repeat}; peak RSS of the largest single process; machine: {result.machine}.",
        f"Mention F1 on these files: {agree}.",
    ]
    return "\n".join([*rows, *(long_rows if result.long else []), "", *notes, "", *verdicts(result)])


if __name__ == "__main__":  # pragma: no cover
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    print(render(bench_score(n, progress=lambda message: print(message, file=sys.stderr))))
