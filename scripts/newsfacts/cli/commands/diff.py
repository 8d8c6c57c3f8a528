from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from newsfacts.cli.app import OutputFormat, app, fail


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help="The older release folder, or corpus/documents folder.")],
    new: Annotated[Path, typer.Argument(help="The newer release folder, or corpus/documents folder.")],
    fmt: Annotated[OutputFormat, typer.Option("--format", help="Output format.")] = OutputFormat.text,
) -> None:
    """Report, per document and layer, the annotations added (+), removed (-) and changed (~)
    between two versions — the release notes' numbers. Annotations are matched by id.

    Exit 1 naming a document a diff cannot compare (no doc_id, an annotation without id), 2 when a
    side cannot be read.
    """
    from newsfacts.contract.sources import SourceError
    from newsfacts.docs.diff import UnusableDocuments, diff_folders, render_text

    for path in (old, new):
        if not path.is_dir():
            fail(f"not a folder: {path}")
    try:
        result = diff_folders(old, new)
    except SourceError as exc:
        for problem in exc.issues:
            typer.echo(problem.render(), err=True)
        raise typer.Exit(2) from None
    except UnusableDocuments as exc:
        for problem in exc.issues:
            typer.echo(problem.render(), err=True)
        raise typer.Exit(1) from None
    if fmt is OutputFormat.json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(render_text(result), nl=False)
