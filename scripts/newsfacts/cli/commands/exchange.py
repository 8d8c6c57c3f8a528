"""``newsfacts export`` and ``newsfacts import``: exchange formats (brat, Label Studio, CoNLL-2003, CorefUD)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from newsfacts.cli.app import OutputFormat, app, emit_report


class ExportFormat(str, Enum):
    brat = "brat"
    labelstudio = "labelstudio"
    conll = "conll"
    corefud = "corefud"


class ImportFormat(str, Enum):
    brat = "brat"
    labelstudio = "labelstudio"


class ExportOffsets(str, Enum):
    utf16 = "utf16"
    codepoints = "codepoints"


class ImportOffsets(str, Enum):
    auto = "auto"
    utf16 = "utf16"
    codepoints = "codepoints"


@app.command()
def export(
    fmt: Annotated[ExportFormat, typer.Argument(metavar="FORMAT", help="brat, labelstudio, conll or corefud.")],
    src: Annotated[Path, typer.Argument(help="A document file (.json/.jsonl) or a folder of them.")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write to.")],
    offsets: Annotated[
        ExportOffsets, typer.Option(help="Label Studio offsets: utf16 (what its browser counts) or codepoints.")
    ] = ExportOffsets.utf16,
    report_format: Annotated[
        OutputFormat, typer.Option("--format", help="Output format of problems.")
    ] = OutputFormat.text,
) -> None:
    """Write documents as brat standoff (.txt/.ann/.meta.json), Label Studio tasks, CoNLL-2003 or
    CorefUD CoNLL-U (entities and coreference).

    The documents are validated first; nothing is written when one is invalid (exit 1), or when
    --out cannot be written (exit 2).
    """
    from newsfacts.exchange.files import export_documents

    report, _ = export_documents(fmt.value, src, out, offsets=offsets.value)
    if report.valid:
        typer.echo(f"exported {report.documents} document(s) as {fmt.value} to {out}", err=True)
    emit_report(report, report_format)


@app.command("import")
def import_(
    fmt: Annotated[ImportFormat, typer.Argument(metavar="FORMAT", help="brat or labelstudio.")],
    src: Annotated[
        Path, typer.Argument(help="brat: an .ann file or a folder; labelstudio: a tasks .json or a folder.")
    ],
    out: Annotated[Path, typer.Option("--out", help="Folder to write documents to.")],
    offsets: Annotated[
        ImportOffsets,
        typer.Option(
            help="Label Studio offsets: auto (UTF-16 or code points, whichever matches value.text), utf16, codepoints."
        ),
    ] = ImportOffsets.auto,
    label_map: Annotated[
        str | None,
        typer.Option(
            "--label-map",
            help="Map other schemes' labels onto ours: inline 'PER=PERSON,LOC=LOC,MISC=-' or a file "
            "(FROM=TO lines, or a JSON object); '-' drops a label.",
        ),
    ] = None,
    report_format: Annotated[
        OutputFormat, typer.Option("--format", help="Output format of problems.")
    ] = OutputFormat.text,
) -> None:
    """Convert brat or Label Studio files into newsfacts documents, validated; invalid ones are not written.

    Exit 0 when every document was written, 1 when some input is invalid, 2 for usage or I/O errors.
    """
    from newsfacts.contract.report import Report
    from newsfacts.exchange.files import import_documents, parse_label_map

    mapping, problems = parse_label_map(label_map)
    if problems:
        emit_report(Report(issues=problems), report_format)
    report, written = import_documents(fmt.value, src, out, offsets=offsets.value, label_map=mapping)
    for path in written:
        typer.echo(f"wrote {path}", err=True)
    emit_report(report, report_format)
