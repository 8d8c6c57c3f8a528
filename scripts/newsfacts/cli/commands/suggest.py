from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from newsfacts.cli.app import app
from newsfacts.contract.report import EXIT_INVALID, EXIT_OK, EXIT_USAGE


def _seeds(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """The seed files named or found (``*.txt``) in the folders named; problems as messages."""
    files, problems = [], []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.txt") if p.is_file() and not p.name.startswith("."))
            if not found:
                problems.append(f"{path}: [no-documents] no .txt seed files in this folder")
            files += found
        elif path.is_file():
            files.append(path)
        else:
            kind = "not a regular file" if path.exists() else "no such file"
            problems.append(f"{path}: [unreadable-file] {kind}")
    return files, problems


@app.command()
def suggest(
    seed_args: Annotated[
        list[str],
        typer.Argument(
            metavar="SEEDS...",
            help="Raw seed articles (UTF-8 text), or folders of them (*.txt, recursively). With --scheduler: seed "
            "files (.txt) and .jsonl shards of articles ({doc_id, text} per line) — files, folders, globs or fsspec URLs.",
        ),
    ],
    out_arg: Annotated[
        str | None,
        typer.Option(
            "--out",
            help="Write the draft here; with several seeds or a folder, a folder that gets one <doc_id>.json "
            "per seed (default: standard output, one seed only). With --scheduler: a folder or URL for the output "
            "shards (default: beside each input, as NAME.suggest.json/.jsonl).",
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
    """Draft annotation files for new articles: numeric facts and quotes, as machine suggestions.

    Many files or folders in one call (a progress bar on a terminal). Every draft validates
    (exit 1 if one did not: a bug to report); exit 2 for usage or I/O errors.
    """
    from newsfacts.contract.documents import dump_document, write_atomic
    from newsfacts.contract.validate import validate_document
    from newsfacts.progress import byte_progress
    from newsfacts.research.suggest import suggest_document

    if scheduler is not None:
        _on_cluster(seed_args, out_arg, corpus, scheduler)
    seeds = [Path(s) for s in seed_args]  # typed str: Path would turn s3://x into s3:/x for the cluster
    out = Path(out_arg) if out_arg is not None else None
    files, problems = _seeds(seeds)
    for problem in problems:
        typer.echo(problem, err=True)
    if problems and not files:
        raise typer.Exit(EXIT_USAGE)
    many = len(seeds) > 1 or any(p.is_dir() for p in seeds)
    if many and out is None:
        typer.echo("error: several seeds need --out FOLDER (one <doc_id>.json per seed)", err=True)
        raise typer.Exit(EXIT_USAGE)
    if many and out is not None and out.exists() and not out.is_dir():
        typer.echo(f"error: --out {out} exists and is not a folder", err=True)
        raise typer.Exit(EXIT_USAGE)
    if not many and out is not None and out.is_dir():
        typer.echo(f"error: --out {out} is a folder; name a file for one seed", err=True)
        raise typer.Exit(EXIT_USAGE)
    from newsfacts.corpus.ingest import find_seeds
    from newsfacts.corpus.provenance import ProvenanceError, load_provenance

    code = EXIT_USAGE if problems else EXIT_OK
    seen: dict[str, Path] = {}
    loaded: dict[Path, object] = {}
    with byte_progress(len(files), "suggest", unit=" files") as advance:
        for seed in files:
            # document fields as `ingest` fills them: corpus/provenance.json and the sources files it
            # names, relative to the seeds folder the file is in
            folder = (find_seeds(seed) or seed.resolve().parent).resolve()
            try:
                if folder not in loaded:
                    loaded[folder] = load_provenance(corpus, folder)
            except ProvenanceError as exc:
                # a seed outside the corpus's seeds folder: drafted with unknown provenance, and said so
                from newsfacts.corpus.provenance import Provenance

                typer.echo(f"note: provenance not applied to seeds in {folder}: {exc.issue.message}", err=True)
                loaded[folder] = Provenance()
            except OSError as exc:
                typer.echo(f"error: cannot read {corpus / 'provenance.json'}: {exc.strerror or exc}", err=True)
                raise typer.Exit(EXIT_USAGE) from None
            try:
                relative = seed.resolve().relative_to(folder).as_posix()
            except ValueError:
                relative = seed.name
            try:
                code = max(code, _one(seed, out, many, (loaded[folder], relative), seen, suggest_document,
                                      validate_document, dump_document, write_atomic))  # fmt: skip
            finally:
                advance(1)
    raise typer.Exit(code)


def _one(seed, out, many, provenance, seen, suggest_document, validate_document, dump_document, write_atomic) -> int:
    try:
        raw = seed.read_bytes()
        doc = suggest_document(seed, raw, provenance[0], seed_file=provenance[1])
    except OSError as exc:
        typer.echo(f"{seed}: [unreadable-file] {exc.strerror or exc}", err=True)
        return EXIT_USAGE
    except UnicodeDecodeError as exc:
        typer.echo(f"{seed}: [seed-not-utf8] not UTF-8: {exc.reason} at byte {exc.start}", err=True)
        return EXIT_USAGE
    if not doc["text"]:
        typer.echo(f"{seed}: [seed-empty] the seed holds no text", err=True)
        return EXIT_USAGE
    if doc["doc_id"] in seen:
        typer.echo(f"{seed}: [duplicate-doc-id] {doc['doc_id']} is also the draft of {seen[doc['doc_id']]}", err=True)
        return EXIT_USAGE
    seen[doc["doc_id"]] = seed
    issues = [i for i in validate_document(doc) if i.severity != "warning"]
    for found in issues:
        typer.echo(found.render(), err=True)
    content = dump_document(doc)
    if out is None:
        typer.echo(content, nl=False)
        return EXIT_INVALID if issues else EXIT_OK
    target = out / f"{doc['doc_id']}.json" if many else out
    try:
        if many:
            out.mkdir(parents=True, exist_ok=True)
        write_atomic(target, content)
    except OSError as exc:
        typer.echo(f"error: cannot write {target}: {exc.strerror or exc}", err=True)
        return EXIT_USAGE
    typer.echo(f"draft: {target} ({len(doc['numeric_facts'])} numeric facts, {len(doc['quotes'])} quotes)", err=True)
    return EXIT_INVALID if issues else EXIT_OK


def _on_cluster(seeds: list[str], out: str | None, corpus: Path, scheduler: str) -> None:
    """Draft on a Dask cluster (``newsfacts.distributed``): one output shard per input shard.

    Provenance is loaded here, on the driver, as for a local run; a worker gets it with its task."""
    from newsfacts.cli.app import OutputFormat, emit_report
    from newsfacts.corpus.ingest import find_seeds
    from newsfacts.corpus.provenance import Provenance, ProvenanceError, load_provenance
    from newsfacts.distributed import suggest as suggest_on_cluster

    local = [Path(s) for s in seeds if "://" not in s]
    folder = (find_seeds(local[0]) if local else None) or Path("seeds")
    try:
        provenance = load_provenance(corpus, folder.resolve())
    except ProvenanceError as exc:
        typer.echo(f"note: provenance not applied: {exc.issue.message}", err=True)
        provenance = Provenance()
    report = suggest_on_cluster(seeds, scheduler=scheduler, out=out, provenance=provenance)
    typer.echo(f"drafts: {report.documents} from {report.files} input shard(s)", err=True)
    emit_report(report, OutputFormat.text)
