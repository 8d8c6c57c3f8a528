"""``newsfacts render``: one self-contained HTML page showing a document's annotations."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from newsfacts.app import app
from newsfacts.report import EXIT_INVALID, EXIT_OK, EXIT_USAGE


@app.command()
def render(
    doc: Annotated[str, typer.Argument(metavar="DOC_ID", help="A doc_id in the corpus, or a document's .json path.")],
    out: Annotated[Path, typer.Option("--out", help="The HTML file to write.")],
    corpus: Annotated[Path, typer.Option(help="Folder of documents to look DOC_ID up in.")] = Path("corpus/documents"),
    annotation_set: Annotated[str, typer.Option("--set", help="Annotation set to show.")] = "gold",
) -> None:
    """Write one HTML page (no network, no external files) showing the document and its annotations.

    Exit 0 when written, 1 when the document is invalid, 2 when it cannot be found.
    """
    import json

    from newsfacts.documents import iter_corpus, write_atomic
    from newsfacts.render import render_html
    from newsfacts.validate import validate_document

    path = Path(doc)
    try:
        if path.suffix == ".json" and path.is_file():
            found = json.loads(path.read_text(encoding="utf-8"))
        elif corpus.is_dir():
            found = next((d for d in iter_corpus(corpus, annotation_set) if d.get("doc_id") == doc), None)
        else:
            typer.echo(f"{corpus}: [path-not-found] no such corpus folder", err=True)
            raise typer.Exit(EXIT_USAGE)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        typer.echo(f"{doc}: [unreadable-file] {exc}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    if found is None:
        typer.echo(f"{doc}: [path-not-found] no document {doc!r} (set {annotation_set!r}) in {corpus}", err=True)
        raise typer.Exit(EXIT_USAGE)
    problems = [i for i in validate_document(found) if i.severity != "warning"]
    for problem in problems:
        typer.echo(problem.render().replace("<document>", doc, 1), err=True)
    if problems:
        raise typer.Exit(EXIT_INVALID)
    write_atomic(out, render_html(found))
    typer.echo(f"wrote {out}", err=True)
    raise typer.Exit(EXIT_OK)
