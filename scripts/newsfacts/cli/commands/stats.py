from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from newsfacts.cli.app import OutputFormat, app
from newsfacts.contract.report import EXIT_INVALID, EXIT_USAGE


@app.command()
def stats(
    path: Annotated[
        Path, typer.Argument(help="Documents: a .json/.jsonl file, a folder of them, or a release folder.")
    ] = Path("corpus/documents"),
    fmt: Annotated[OutputFormat, typer.Option("--format", help="Output format.")] = OutputFormat.text,
    chart: Annotated[
        Path | None, typer.Option(help="Also write an SVG bar chart of the label distributions here.")
    ] = None,
    annotation_set: Annotated[
        str | None,
        typer.Option("--set", help="Annotation set to count (default: `gold` for a folder, every record otherwise)."),
    ] = None,
    all_sets: Annotated[bool, typer.Option("--all-sets", help="Count every record, whatever its set.")] = False,
) -> None:
    """Count documents, tokens and annotations per layer and label; optionally chart the labels.

    The documents are validated first: exit 1 (with the issues) when they are invalid,
    2 for usage or I/O errors.
    """
    import json

    from newsfacts.contract.sources import is_release, load_checked, select_set
    from newsfacts.research.stats import corpus_stats, render_svg, render_text

    loaded = load_checked(path)
    if loaded.errors:
        for found in loaded.errors:
            typer.echo(found.render(), err=True)
        fatal = any(i.severity == "fatal" for i in loaded.errors)
        raise typer.Exit(EXIT_USAGE if fatal else EXIT_INVALID)
    if annotation_set is None and not all_sets and path.is_dir() and not is_release(path):
        annotation_set = "gold"
    docs = select_set(loaded.documents, None if all_sets else annotation_set)
    if not docs:
        typer.echo(f"note: no documents of set {annotation_set!r} in {path}", err=True)
    result = corpus_stats(docs)
    if chart is not None:
        try:
            chart.write_text(render_svg(result), encoding="utf-8")
        except OSError as exc:
            typer.echo(f"error: cannot write {chart}: {exc.strerror or exc}", err=True)
            raise typer.Exit(EXIT_USAGE) from None
    if fmt is OutputFormat.json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        typer.echo(render_text(result), nl=False)
