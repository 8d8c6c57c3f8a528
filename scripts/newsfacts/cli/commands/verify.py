from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from newsfacts.cli.app import OutputFormat, app, emit_report


@app.command()
def verify(
    release: Annotated[Path, typer.Argument(help="A release folder written by `newsfacts build`.")],
    fmt: Annotated[OutputFormat, typer.Option("--format", help="Output format.")] = OutputFormat.text,
) -> None:
    """Prove a release folder intact: files, card, Parquet, counts, content hashes, annotations.

    Nothing the release states is trusted: its documents are validated against this package's
    schema, and the last lines say whether its rows are an official version (official: yes / no /
    unknown version). Exit 0 when intact, 1 naming each problem, 2 when there is no release to check.
    """
    from newsfacts.release.verify import verify_release

    emit_report(verify_release(release), fmt)
