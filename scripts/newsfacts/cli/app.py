"""The Typer application the command modules register on, and the output helpers they share."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from typing import Annotated

import typer

from newsfacts.contract.report import Report

app = typer.Typer(
    name="newsfacts",
    help="newsfacts: an annotated news corpus — validate, ingest, build and inspect it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


def emit_report(report: Report, fmt: OutputFormat) -> None:
    """Print a report (issues on stdout, the summary on stderr) and exit with its code."""
    if fmt is OutputFormat.json:
        typer.echo(report.to_json())
    else:
        for found in report.issues:
            typer.echo(found.render())
        typer.echo(report.summary(), err=True)
    raise typer.Exit(report.exit_code)


@contextmanager
def unreadable_input(fmt: OutputFormat = OutputFormat.text) -> Iterator[None]:
    """Report corpus metadata or sources that cannot be read (their coded issues, exit 2 or 1),
    instead of letting the error out."""
    from newsfacts.contract.sources import SourceError
    from newsfacts.docs.metadata import MetadataError

    try:
        yield
    except (MetadataError, SourceError) as exc:
        report = Report(issues=list(exc.issues))
        emit_report(report, fmt)


def fail(message: str, code: int = 2) -> None:
    """Stop a command with a message on stderr and a non-zero exit code."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(version("newsfacts"))
        raise typer.Exit()


@app.callback()
def _root(
    show_version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """newsfacts: an annotated news corpus — validate, ingest, build and inspect it."""
