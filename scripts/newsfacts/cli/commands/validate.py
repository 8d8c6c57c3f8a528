from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from newsfacts.cli.app import OutputFormat, app, emit_report, fail


@app.command()
def validate(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Documents: .json files, .jsonl files or folders (with --scheduler also globs and fsspec URLs)."
        ),
    ],
    fmt: Annotated[OutputFormat, typer.Option("--format", help="Output format.")] = OutputFormat.text,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Processes to use.")] = 1,
    seeds: Annotated[
        Path | None, typer.Option(help="Folder of raw seed articles (default: a seeds/ folder above the documents).")
    ] = None,
    against: Annotated[
        Path | None,
        typer.Option(
            help="Check PATH as predictions against these gold documents (a file, folder or release folder): "
            "the predictions format, offsets and span texts on the gold texts, references, enums."
        ),
    ] = None,
    gold_set: Annotated[
        str | None,
        typer.Option(help="With --against: the annotation set of the gold (default: that of its first record)."),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="Run on a Dask cluster: local[:N] (a LocalCluster of N processes) or a scheduler's address "
            "(tcp://HOST:PORT, or a scheduler file). Needs the dask extra."
        ),
    ] = None,
) -> None:
    """Check annotated documents against the schema and the annotation rules.

    With --against GOLD, check predictions (one PATH) against the gold documents' texts instead.
    Exit 0 when valid, 1 when the data is invalid, 2 for usage or I/O errors.
    """
    if against is not None:
        from newsfacts.scoring.stream import validate_against

        if len(paths) != 1:
            fail("--against checks one prediction file or folder: pass one PATH")
        if scheduler is not None:
            fail("--against does not run on a cluster: use `newsfacts score --scheduler`, which validates PRED too")
        emit_report(validate_against(against, Path(paths[0]), gold_set=gold_set), fmt)
    if scheduler is not None:
        from newsfacts.distributed import validate as validate_on_cluster

        emit_report(validate_on_cluster(paths, scheduler=scheduler, seeds=seeds), fmt)
    from newsfacts.contract.validate import validate_paths

    emit_report(validate_paths([Path(p) for p in paths], jobs=jobs, seeds=seeds), fmt)
