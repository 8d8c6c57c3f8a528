from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from newsfacts.cli.app import app
from newsfacts.contract.report import EXIT_INVALID, EXIT_USAGE


@app.command()
def suggest(
    seed: Annotated[Path, typer.Argument(help="A raw seed article (UTF-8 text).")],
    out: Annotated[Path | None, typer.Option(help="Write the draft here (default: standard output).")] = None,
    corpus: Annotated[
        Path, typer.Option(help="Corpus folder whose provenance.json fills the document fields, if present.")
    ] = Path("corpus"),
) -> None:
    """Draft an annotation file for a new article: numeric facts and quotes, as machine suggestions.

    The draft validates (exit 1 if it did not: a bug to report); exit 2 for usage or I/O errors.
    """
    from newsfacts.contract.documents import dump_document, write_atomic
    from newsfacts.contract.validate import validate_document
    from newsfacts.research.suggest import suggest_document

    try:
        raw = seed.read_bytes()
    except OSError as exc:
        typer.echo(f"{seed}: [unreadable-file] {exc.strerror or exc}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    provenance_path = corpus / "provenance.json"
    try:
        provenance = json.loads(provenance_path.read_text(encoding="utf-8")) if provenance_path.is_file() else {}
        doc = suggest_document(seed, raw, provenance)
    except UnicodeDecodeError as exc:
        typer.echo(f"{seed}: [seed-not-utf8] not UTF-8: {exc.reason} at byte {exc.start}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    except (OSError, ValueError) as exc:
        typer.echo(f"error: cannot read {provenance_path}: {exc}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    if not doc["text"]:
        typer.echo(f"{seed}: [seed-empty] the seed holds no text", err=True)
        raise typer.Exit(EXIT_USAGE)
    issues = [i for i in validate_document(doc) if i.severity != "warning"]
    for found in issues:
        typer.echo(found.render(), err=True)
    content = dump_document(doc)
    if out is None:
        typer.echo(content, nl=False)
    else:
        try:
            write_atomic(out, content)
        except OSError as exc:
            typer.echo(f"error: cannot write {out}: {exc.strerror or exc}", err=True)
            raise typer.Exit(EXIT_USAGE) from None
        typer.echo(f"draft: {out} ({len(doc['numeric_facts'])} numeric facts, {len(doc['quotes'])} quotes)", err=True)
    raise typer.Exit(EXIT_INVALID if issues else 0)
