from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from newsfacts.cli.app import OutputFormat, app, emit_report


@app.command()
def validate(
    paths: Annotated[list[Path], typer.Argument(help="Documents: .json files, .jsonl files or folders.")],
    fmt: Annotated[OutputFormat, typer.Option("--format", help="Output format.")] = OutputFormat.text,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Processes to use.")] = 1,
    seeds: Annotated[
        Path | None, typer.Option(help="Folder of raw seed articles (default: a seeds/ folder above the documents).")
    ] = None,
) -> None:
    """Check annotated documents against the schema and the annotation rules.

    Exit 0 when valid, 1 when the data is invalid, 2 for usage or I/O errors.
    """
    from newsfacts.contract.validate import validate_paths

    emit_report(validate_paths(paths, jobs=jobs, seeds=seeds), fmt)
