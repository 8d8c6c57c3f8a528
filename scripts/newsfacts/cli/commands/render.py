"""``newsfacts render``: one self-contained HTML page showing a document's annotations."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from newsfacts.cli.app import app
from newsfacts.contract.report import EXIT_INVALID, EXIT_OK, EXIT_USAGE


@app.command()
def render(
    doc: Annotated[str, typer.Argument(metavar="DOC_ID", help="A doc_id in the corpus, or a document's .json path.")],
    out: Annotated[Path, typer.Option("--out", help="The HTML file to write.")],
    corpus: Annotated[
        Path, typer.Option(help="Where to look DOC_ID up: a folder of documents, a .jsonl file or a release folder.")
    ] = Path("corpus/documents"),
    annotation_set: Annotated[str, typer.Option("--set", help="Annotation set to show.")] = "gold",
) -> None:
    """Write one HTML page (no network, no external files) showing the document and its annotations.

    Exit 0 when written, 1 when the document is invalid, 2 when it cannot be found.
    """

    from newsfacts.contract.documents import write_atomic
    from newsfacts.contract.sources import SourceError, load_documents
    from newsfacts.contract.sources import annotation_set as set_of
    from newsfacts.contract.validate import validate_document
    from newsfacts.research.render import render_html

    path = Path(doc)
    source = path if path.suffix in (".json", ".jsonl") and path.is_file() else corpus
    if not source.exists():
        typer.echo(f"{source}: [path-not-found] no such corpus folder or file", err=True)
        raise typer.Exit(EXIT_USAGE)
    try:
        docs = load_documents(source)
    except SourceError as exc:  # unreadable (exit 2) or not JSON documents (invalid data: exit 1)
        for problem in exc.issues:
            typer.echo(problem.render(), err=True)
        fatal = any(problem.severity == "fatal" for problem in exc.issues)
        raise typer.Exit(EXIT_USAGE if fatal else EXIT_INVALID) from None
    if source is path and len(docs) == 1:
        found = docs[0]
    else:
        wanted = [d for d in docs if set_of(d) == annotation_set]
        found = next((d for d in wanted if d.get("doc_id") == doc or source is path), None)
    if found is None:
        typer.echo(f"{doc}: [path-not-found] no document {doc!r} (set {annotation_set!r}) in {source}", err=True)
        raise typer.Exit(EXIT_USAGE)
    problems = [i for i in validate_document(found) if i.severity != "warning"]
    for problem in problems:
        typer.echo(problem.render().replace("<document>", doc, 1), err=True)
    if problems:
        raise typer.Exit(EXIT_INVALID)
    write_atomic(out, render_html(found))
    typer.echo(f"wrote {out}", err=True)
    raise typer.Exit(EXIT_OK)
