from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from newsfacts.cli.app import app
from newsfacts.contract.report import EXIT_INVALID, EXIT_USAGE


@app.command()
def suggest(
    seed: Annotated[
        str,
        typer.Argument(
            help="A raw seed article (UTF-8 text). With --scheduler: seed files (.txt) and .jsonl shards of "
            "articles ({doc_id, text} per line) — a file, folder, glob or fsspec URL."
        ),
    ],
    out: Annotated[
        str | None,
        typer.Option(
            help="Write the draft here (default: standard output). With --scheduler: a folder or URL for the "
            "output shards (default: beside each input, as NAME.suggest.json/.jsonl)."
        ),
    ] = None,
    corpus: Annotated[
        Path, typer.Option(help="Corpus folder whose provenance.json fills the document fields, if present.")
    ] = Path("corpus"),
    scheduler: Annotated[
        str | None,
        typer.Option(help="Draft on a Dask cluster: local[:N] or a scheduler's address. Needs the dask extra."),
    ] = None,
) -> None:
    """Draft an annotation file for a new article: numeric facts and quotes, as machine suggestions.

    The draft validates (exit 1 if it did not: a bug to report); exit 2 for usage or I/O errors.
    """
    from newsfacts.contract.documents import dump_document, write_atomic
    from newsfacts.contract.validate import validate_document
    from newsfacts.research.suggest import suggest_document

    if scheduler is not None:
        _on_cluster(seed, out, corpus, scheduler)
    seed = Path(seed)
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
            write_atomic(Path(out), content)
        except OSError as exc:
            typer.echo(f"error: cannot write {out}: {exc.strerror or exc}", err=True)
            raise typer.Exit(EXIT_USAGE) from None
        typer.echo(f"draft: {out} ({len(doc['numeric_facts'])} numeric facts, {len(doc['quotes'])} quotes)", err=True)
    raise typer.Exit(EXIT_INVALID if issues else 0)


def _on_cluster(seeds: str, out: str | None, corpus: Path, scheduler: str) -> None:
    from newsfacts.cli.app import OutputFormat, emit_report
    from newsfacts.distributed import suggest as suggest_on_cluster

    provenance_path = corpus / "provenance.json"
    try:
        provenance = json.loads(provenance_path.read_text(encoding="utf-8")) if provenance_path.is_file() else {}
    except (OSError, ValueError) as exc:
        typer.echo(f"error: cannot read {provenance_path}: {exc}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    report = suggest_on_cluster(seeds, scheduler=scheduler, out=out, provenance=provenance)
    typer.echo(f"drafts: {report.documents} from {report.files} input shard(s)", err=True)
    emit_report(report, OutputFormat.text)
