from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from newsfacts.cli.app import OutputFormat, app, emit_report, unreadable_input


@app.command()
def datasheet(
    check: Annotated[bool, typer.Option("--check", help="Fail (exit 1) when a generated part is out of date.")] = False,
    write: Annotated[bool, typer.Option("--write", help="Regenerate the generated parts in place.")] = False,
    root: Annotated[Path, typer.Option(help="The repository root (holding corpus/ and DATASHEET.md).")] = Path("."),
    fmt: Annotated[OutputFormat, typer.Option("--format", help="Output format of --check.")] = OutputFormat.text,
) -> None:
    """Regenerate (--write) or check (--check) DATASHEET.md's generated blocks and CITATION.cff.

    The blocks between <!-- NAME:begin --> and <!-- NAME:end --> (release facts, provenance,
    annotation, statistics, agreement) come from corpus/; the prose around them is written by hand.
    Without an option, print the generated blocks.
    """
    from newsfacts.docs.datasheet import check_docs, load_sources, render_blocks, write_docs

    if check and write:
        typer.echo("error: give --check or --write, not both", err=True)
        raise typer.Exit(2)
    with unreadable_input(fmt):
        if write:
            changed = write_docs(root)
            for path in changed:
                typer.echo(f"wrote {path}")
            typer.echo(f"{len(changed)} file(s) changed", err=True)
        elif check:
            report = check_docs(root)
        else:
            blocks = render_blocks(load_sources(root))
    if check:
        emit_report(report, fmt)  # exits
    elif not write:
        for name, body in blocks.items():
            typer.echo(f"<!-- {name}:begin -->\n{body}<!-- {name}:end -->\n")
