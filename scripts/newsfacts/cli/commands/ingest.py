from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from newsfacts.cli.app import app
from newsfacts.contract.report import EXIT_INVALID, EXIT_OK, EXIT_USAGE


@app.command()
def ingest(
    seeds: Annotated[list[Path], typer.Argument(help="Raw article files (UTF-8 text) under the seeds folder.")],
    corpus: Annotated[Path, typer.Option(help="The corpus folder.")] = Path("corpus"),
    seeds_dir: Annotated[
        Path | None,
        typer.Option(
            "--seeds", help="The folder seed paths are relative to (default: the `seeds` folder they are in)."
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Re-anchor annotations when a seed's text changed.")] = False,
) -> None:
    """Create (or check) the corpus record of each article: its text and provenance (from
    corpus/provenance.json and the sources files it names), no annotation yet. Never overwrites
    annotations."""
    from newsfacts.corpus.ingest import find_seeds, ingest_seed
    from newsfacts.corpus.provenance import ProvenanceError, load_provenance
    from newsfacts.progress import byte_progress

    code = EXIT_OK
    loaded: dict[Path, object] = {}
    files = []
    for seed in seeds:
        if not seed.is_file():
            kind = "not a regular file" if seed.exists() else "no such seed file"
            typer.echo(f"{seed}: [path-not-found] {kind}", err=True)
            code = EXIT_USAGE
        else:
            files.append(seed)
    with byte_progress(len(files), "ingest", unit=" files") as advance:
        for seed in files:
            folder = (seeds_dir or find_seeds(seed) or seed.resolve().parent).resolve()
            try:
                if folder not in loaded:
                    loaded[folder] = load_provenance(corpus, folder)
                result = ingest_seed(seed, corpus, force=force, seeds=folder, provenance=loaded[folder])
            except ProvenanceError as exc:
                typer.echo(exc.issue.render(), err=True)
                raise typer.Exit(EXIT_INVALID) from None
            except OSError as exc:
                typer.echo(f"{seed}: [unreadable-file] {exc.strerror or exc}", err=True)
                code = EXIT_USAGE
                continue
            finally:
                advance(1)
            for found in result.issues:
                typer.echo(found.render(), err=True)
                code = max(code, EXIT_INVALID)
            if not result.issues:
                typer.echo(f"{result.action}: {result.path}")
            for item in result.lost:
                typer.echo(f"no longer matches: {json.dumps(item, ensure_ascii=False)}")
    raise typer.Exit(code)
