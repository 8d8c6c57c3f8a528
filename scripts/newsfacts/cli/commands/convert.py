"""`newsfacts convert`: system output → predictions (thin layer over ``newsfacts.convert.run``)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from newsfacts.cli.app import OutputFormat, app, emit_report, fail


class ConvertFormat(str, Enum):
    hf = "hf"
    spacy = "spacy"
    bio = "bio"
    rows = "rows"


@app.command()
def convert(
    fmt: Annotated[ConvertFormat, typer.Argument(metavar="FORMAT", help="hf, spacy, bio or rows.")],
    src: Annotated[Path, typer.Argument(help="The system's output: a JSONL file (bio: or a folder of .conll files).")],
    gold: Annotated[Path, typer.Option(help="The gold documents the system was run on (file, folder or release).")],
    out: Annotated[Path, typer.Option(help="The predictions file to write (JSONL).")],
    label_map: Annotated[
        str | None,
        typer.Option("--map", help="Label mapping to OntoNotes, e.g. PER=PERSON,LOC=GPE,MISC= (empty: drop)."),
    ] = None,
    strict: Annotated[bool, typer.Option(help="bio: seqeval's strict IOB2 mode (ill-formed I- tags dropped).")] = False,
    spans_key: Annotated[str | None, typer.Option(help="spacy: read doc.spans[KEY] instead of doc.ents.")] = None,
    find_text: Annotated[
        bool, typer.Option(help="rows: anchor each row by its `text` (and `prefix`/`suffix`), refusing ambiguous ones.")
    ] = False,
    gold_set: Annotated[str, typer.Option(help="The annotation set of GOLD.")] = "gold",
    fmt_out: Annotated[OutputFormat, typer.Option("--format", help="Format of the issues.")] = OutputFormat.text,
) -> None:
    """Convert a system's output into predictions (schema/prediction.schema.json) to score.

    hf: {"doc_id", "entities": (the token-classification pipeline's list of dicts)} per line; spacy: Doc.to_json()
    plus "doc_id" per line; bio: ner rows {"id", "ner_tags"} per line, or <doc_id>.conll files;
    rows: {"doc_id", "start", "end", "label"} per line. Offsets are code points into the gold text.
    Writes nothing when anything is wrong (exit 1); exit 2 for usage or I/O errors.
    """
    from newsfacts.contract.documents import write_atomic
    from newsfacts.convert.run import convert_paths, predictions_jsonl
    from newsfacts.convert.spans import parse_map

    try:
        mapping = parse_map(label_map)
    except ValueError as exc:
        fail(str(exc))
    done = convert_paths(
        fmt.value,
        src,
        gold,
        label_map=mapping,
        gold_set=gold_set,
        strict=strict,
        spans_key=spans_key,
        find_text=find_text,
    )
    if done.report.valid:
        try:
            write_atomic(out, predictions_jsonl(done.predictions))
            typer.echo(f"wrote {len(done.predictions)} prediction(s) to {out}", err=True)
        except OSError as exc:
            from newsfacts.contract.codes import issue

            done.report.issues.append(
                issue("write-failed", f"cannot write {out}: {exc.strerror or exc}", file=str(out))
            )
    emit_report(done.report, fmt_out)
