from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from newsfacts.cli.app import app, unreadable_input


class CiteFormat(str, Enum):
    bibtex = "bibtex"
    cff = "cff"


@app.command()
def cite(
    revision: Annotated[
        str | None, typer.Option(help="Pin the citation to this Hugging Face Hub revision (commit or tag).")
    ] = None,
    fmt: Annotated[
        CiteFormat, typer.Option("--format", help="bibtex, or cff (the text of CITATION.cff).")
    ] = CiteFormat.bibtex,
    corpus: Annotated[Path, typer.Option(help="The corpus folder holding metadata.json.")] = Path("corpus"),
) -> None:
    """Print how to cite this version of newsfacts (BibTeX by default)."""
    from newsfacts.docs.citation import bibtex, citation_cff
    from newsfacts.docs.metadata import load_metadata

    with unreadable_input():
        metadata = load_metadata(corpus)
    typer.echo(bibtex(metadata, revision) if fmt is CiteFormat.bibtex else citation_cff(metadata), nl=False)
