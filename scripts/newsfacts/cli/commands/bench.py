from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from newsfacts.cli.app import app

bench_app = typer.Typer(help="Benchmarks: rerunnable measurements, not tests.", no_args_is_help=True)
app.add_typer(bench_app, name="bench")


@bench_app.command("validate")
def bench_validate(
    docs: Annotated[int, typer.Option("--docs", min=1, help="Synthetic documents to generate.")] = 10_000,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=2, help="Processes for the parallel run.")] = 2,
    out: Annotated[
        Path | None, typer.Option(help="Keep the generated JSONL here (e.g. bench-out/); default: a temp folder.")
    ] = None,
    repeat: Annotated[int, typer.Option(min=1, help="Runs per tool; the best time counts.")] = 3,
    sample: Annotated[
        int, typer.Option(min=0, help="Plain jsonschema runs on this many documents, extrapolated (0: all).")
    ] = 1_000,
    memory_factor: Annotated[
        int, typer.Option(min=0, help="Also validate this many times --docs to compare peak RSS (0 or 1: skip).")
    ] = 2,
) -> None:
    """Time `newsfacts validate` against the JSON-parse floor and schema-only validators.

    Prints a Markdown table and a verdict per target; progress goes to stderr.
    """
    from newsfacts.bench.validate import bench_validate as run_bench
    from newsfacts.bench.validate import render

    result = run_bench(
        docs,
        jobs=jobs,
        out=out,
        repeat=repeat,
        sample=sample,
        memory_factor=memory_factor,
        progress=lambda message: typer.echo(message, err=True),
    )
    typer.echo(render(result))


@bench_app.command("build")
def bench_build(
    docs: Annotated[int, typer.Option("--docs", min=1, help="Synthetic documents to generate.")] = 100_000,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1, help="--jobs for the build (default: its own).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Keep the corpus and the release here (e.g. bench-out/); default: a temp folder."),
    ] = None,
) -> None:
    """Time `newsfacts build` against the bare-pyarrow floor, with peak RSS and load_dataset time.

    Prints a Markdown table and a verdict per target; progress goes to stderr. (newsfacts.bench.build)
    """
    from newsfacts.bench.build import bench_build as run_bench
    from newsfacts.bench.build import render

    result = run_bench(docs, jobs=jobs, out=out, progress=lambda message: typer.echo(message, err=True))
    typer.echo(render(result))


@bench_app.command("suggest")
def bench_suggest(
    gold: Annotated[
        Path, typer.Argument(help="Gold documents: a .json/.jsonl file, a folder of documents or a release folder.")
    ] = Path("corpus/documents"),
    split: Annotated[
        str | None,
        typer.Option(help="Only the gold documents of this split (validation: the development split; test: held out)."),
    ] = "validation",
    peers: Annotated[bool, typer.Option("--peers/--no-peers", help="Run quantulum3 and Recognizers-Text too.")] = True,
    repeat: Annotated[int, typer.Option(min=1, help="Drafting runs per system; the best time counts.")] = 3,
) -> None:
    """Score `newsfacts suggest` on gold articles beside quantulum3 and Recognizers-Text (numeric facts).

    The same articles, the same alignment as `newsfacts score --layers quotes,numeric_facts`, and
    articles per second. Prints Markdown tables; progress goes to stderr. (newsfacts.bench.suggest)
    """
    from newsfacts.bench.suggest import bench_suggest as run_bench
    from newsfacts.bench.suggest import render
    from newsfacts.contract.report import EXIT_USAGE
    from newsfacts.contract.sources import SourceError, load_documents

    try:
        docs = load_documents(gold)
    except SourceError as exc:
        for found in exc.issues:
            typer.echo(found.render(), err=True)
        raise typer.Exit(EXIT_USAGE) from None
    docs = [d for d in docs if d["annotation"]["status"] == "gold" and (split is None or d["split"] == split)]
    if not docs:
        typer.echo(f"error: no gold documents of split {split!r} in {gold}", err=True)
        raise typer.Exit(EXIT_USAGE)
    result = run_bench(docs, peers=peers, repeat=repeat, progress=lambda message: typer.echo(message, err=True))
    typer.echo(render(result))


@bench_app.command("score")
def bench_score(
    docs: Annotated[int, typer.Option("--docs", min=1, help="Synthetic documents to generate.")] = 10_000,
    out: Annotated[
        Path | None, typer.Option(help="Keep the generated files here (e.g. bench-out/score); default: a temp folder.")
    ] = None,
    repeat: Annotated[int, typer.Option(min=1, help="Runs per tool; the best time counts.")] = 3,
    memory_factor: Annotated[
        int, typer.Option(min=0, help="Also score this many times --docs to compare peak RSS (0 or 1: skip).")
    ] = 10,
    long: Annotated[
        str, typer.Option(help="Sizes (mentions) of the one-document runs, comma-separated; empty: skip.")
    ] = "1000,2000,4000,8000,16000",
) -> None:
    """Time `newsfacts score` against validating both files, seqeval and nervaluate; memory; one long document.

    Prints a Markdown table and a verdict per target; progress goes to stderr. (newsfacts.bench.score)
    """
    from newsfacts.bench.score import bench_score as run_bench
    from newsfacts.bench.score import render

    sizes = tuple(int(x) for x in long.split(",") if x.strip())
    result = run_bench(
        docs,
        out=out,
        repeat=repeat,
        memory_factor=memory_factor,
        long_sizes=sizes,
        progress=lambda message: typer.echo(message, err=True),
    )
    typer.echo(render(result))


@bench_app.command("distributed")
def bench_distributed(
    docs: Annotated[int, typer.Option("--docs", min=10, help="Synthetic documents to generate.")] = 100_000,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=2, help="Processes of the --jobs run.")] = 2,
    out: Annotated[
        Path | None,
        typer.Option(help="Keep the generated files here (e.g. bench-out/distributed); default: a temp folder."),
    ] = None,
    repeat: Annotated[int, typer.Option(min=1, help="Runs per row; the best time counts.")] = 1,
) -> None:
    """Validate and score the same documents by one process, --jobs and a LocalCluster of 1 and 2 workers.

    Throughput, CPU seconds and peak RSS of the driver and the workers; the driver's memory on a
    tenth of the documents. Prints a Markdown table and a verdict per target; progress goes to
    stderr. Needs the dask extra. (newsfacts.bench.distributed)
    """
    from newsfacts.bench.distributed import bench_distributed as run_bench
    from newsfacts.bench.distributed import render

    result = run_bench(docs, jobs=jobs, out=out, repeat=repeat, progress=lambda message: typer.echo(message, err=True))
    typer.echo(render(result))
