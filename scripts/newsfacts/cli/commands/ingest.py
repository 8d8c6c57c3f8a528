from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from newsfacts.cli.app import app
from newsfacts.contract.report import EXIT_INVALID, EXIT_OK, EXIT_USAGE


@app.command()
def ingest(
    seeds: Annotated[list[Path], typer.Argument(help="Raw seed article files (UTF-8 text).")],
    corpus: Annotated[Path, typer.Option(help="The corpus folder.")] = Path("corpus"),
    force: Annotated[bool, typer.Option("--force", help="Re-anchor annotations when a seed's text changed.")] = False,
) -> None:
    """Create (or check) the corpus record of each seed article. Never overwrites annotations."""
    from newsfacts.corpus.ingest import ingest_seed

    code = EXIT_OK
    for seed in seeds:
        if not seed.is_file():
            typer.echo(f"{seed}: [path-not-found] no such seed file", err=True)
            code = EXIT_USAGE
            continue
        try:
            result = ingest_seed(seed, corpus, force=force)
        except OSError as exc:
            typer.echo(f"{seed}: [unreadable-file] {exc.strerror or exc}", err=True)
            code = EXIT_USAGE
            continue
        for found in result.issues:
            typer.echo(found.render(), err=True)
            code = max(code, EXIT_INVALID)
        if not result.issues:
            typer.echo(f"{result.action}: {result.path}")
        for item in result.lost:
            typer.echo(f"no longer matches: {json.dumps(item, ensure_ascii=False)}")
    raise typer.Exit(code)
