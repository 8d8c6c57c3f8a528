"""`newsfacts new`: a valid skeleton for a new text (thin layer over ``newsfacts.corpus.skeleton``)."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from newsfacts.cli.app import app
from newsfacts.contract.report import EXIT_INVALID, EXIT_USAGE


class Kind(str, Enum):
    record = "record"
    prediction = "prediction"


@app.command()
def new(
    text: Annotated[Path, typer.Argument(help="The article as a UTF-8 text file; its name (less .txt) is the doc_id.")],
    kind: Annotated[
        Kind,
        typer.Option(
            "--for", help="record: a full corpus record for annotators; prediction: a prediction for systems."
        ),
    ] = Kind.record,
    out: Annotated[
        Path | None, typer.Option(help="Write here (atomically; refuses to overwrite) instead of stdout.")
    ] = None,
) -> None:
    """Write a valid skeleton for TEXT: the normalised text with every required field filled.

    A record is `unannotated` with empty layers and unknown provenance; a prediction has the text,
    its hash and empty layers. Exit 1 when the text is not UTF-8 or empty, 2 for I/O errors.
    """
    from newsfacts.contract.documents import dump_document, write_atomic
    from newsfacts.contract.report import Issue
    from newsfacts.corpus.skeleton import skeleton

    made = skeleton(text, kind.value)
    if isinstance(made, Issue):
        typer.echo(made.render(), err=True)
        raise typer.Exit(EXIT_USAGE if made.severity == "fatal" else EXIT_INVALID)
    content = dump_document(made) if kind is Kind.record else json.dumps(made, ensure_ascii=False) + "\n"
    if out is None:
        typer.echo(content, nl=False)
        return
    from newsfacts.contract.codes import issue

    if out.exists():
        typer.echo(issue("output-exists", f"{out} exists", file=str(out)).render(), err=True)
        raise typer.Exit(EXIT_USAGE)
    try:
        write_atomic(out, content)
    except OSError as exc:
        typer.echo(
            issue("write-failed", f"cannot write {out}: {exc.strerror or exc}", file=str(out)).render(), err=True
        )
        raise typer.Exit(EXIT_USAGE) from None
    typer.echo(f"wrote {out}", err=True)
