from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from newsfacts.cli.app import OutputFormat, app


@app.command()
def rehydrate(
    release: Annotated[
        Path, typer.Argument(help="A release that withholds texts (`newsfacts build --texts licensed|none`).")
    ],
    texts: Annotated[
        Path,
        typer.Option(help="Your copies of the texts: raw seed files (by seed_file name) or <doc_id>.txt files."),
    ],
    out: Annotated[Path | None, typer.Option(help="Write the full release here (default: replace RELEASE).")] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="Processes to use.")] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="Output format of problems.")] = OutputFormat.text,
) -> None:
    """Restore the article texts of a release from your own copies, refusing any that differ.

    Every document's copy must normalise to the text that was annotated (its text_sha256);
    otherwise nothing is written and each such document is named (exit 1).
    """
    from newsfacts.cli.commands.build import describe, release_writing
    from newsfacts.release.rehydrate import rehydrate_release

    target = out or release
    with release_writing(target, fmt):
        manifest = rehydrate_release(release, texts, out, jobs=jobs)
    typer.echo(describe(target, manifest).replace("built", "rehydrated", 1))
