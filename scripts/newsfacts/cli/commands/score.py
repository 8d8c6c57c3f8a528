"""`newsfacts score` and `newsfacts agreement`: thin layers over ``newsfacts.research.score``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from newsfacts.cli.app import OutputFormat, app
from newsfacts.contract.report import EXIT_INVALID, EXIT_USAGE

if TYPE_CHECKING:
    from newsfacts.contract.sources import Loaded

_SOURCE_HELP = "a .json/.jsonl file, a folder of documents or a release folder"


def _load(path: Path, role: str, fmt: OutputFormat) -> Loaded:
    """Load and validate one side; stop with exit 2 (unreadable) or 1 (invalid) and the issues."""
    from newsfacts.contract.sources import load_checked

    loaded = load_checked(path)
    if not loaded.errors:
        return loaded
    fatal = any(i.severity == "fatal" for i in loaded.errors)
    if fmt is OutputFormat.json:
        from dataclasses import asdict

        typer.echo(
            json.dumps(
                {"valid": False, "input": role, "issues": [asdict(i) for i in loaded.errors]},
                ensure_ascii=False,
                indent=2,
            )
        )
    for found in loaded.errors:
        typer.echo(found.render(), err=True)
    verdict = "cannot be read" if fatal else "is invalid: it is reported, not scored"
    typer.echo(f"error: {role} {path} {verdict} ({len(loaded.errors)} issue(s))", err=True)
    raise typer.Exit(EXIT_USAGE if fatal else EXIT_INVALID)


def _choose(docs: list[dict[str, Any]], name: str | None, default: str | None, option: str, path: Path):
    """The records of one annotation set: ``name``, else all when unambiguous, else ``default``."""
    from newsfacts.contract.sources import select_set

    if name is not None:
        chosen = select_set(docs, name)
        if not chosen:
            typer.echo(f"error: no documents of annotation set {name!r} in {path}", err=True)
            raise typer.Exit(EXIT_USAGE)
        return chosen
    ids = [d["doc_id"] for d in docs]
    if len(ids) == len(set(ids)):
        return docs
    if default is not None and select_set(docs, default):
        return select_set(docs, default)
    sets = sorted({d["annotation"]["set"] for d in docs})
    typer.echo(f"error: {path} holds several annotation sets ({', '.join(sets)}): choose one with {option}", err=True)
    raise typer.Exit(EXIT_USAGE)


@app.command()
def score(
    gold: Annotated[str, typer.Argument(help=f"Gold documents: {_SOURCE_HELP}.")],
    pred: Annotated[
        str,
        typer.Argument(
            help="Predictions: a .json/.jsonl file or a folder of them (see schema/prediction.schema.json)."
        ),
    ],
    fmt: Annotated[OutputFormat, typer.Option("--format", help="Output format.")] = OutputFormat.text,
    layers: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated layers to score (mentions, entities, quotes, numeric_facts); "
            "default: the layers the prediction has anything in."
        ),
    ] = None,
    gold_set: Annotated[
        str | None,
        typer.Option(help="Annotation set of GOLD to score against (default: the set of GOLD's first record)."),
    ] = None,
    pred_set: Annotated[str | None, typer.Option(help="Annotation set of PRED to use when PRED holds several.")] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="Run on a Dask cluster: local[:N] or a scheduler's address; GOLD and PRED may then be globs "
            "or fsspec URLs of .json/.jsonl (not a release folder). Needs the dask extra."
        ),
    ] = None,
) -> None:
    """Score predictions against gold: precision, recall and F1 per layer and label, streaming.

    PRED is validated against the gold texts first (as `validate --against` does); an invalid
    prediction or gold is reported (exit 1), not scored. Exact, overlap and token-overlap span
    matching; quote roles within matched quotes; coreference by MUC, B³, CEAF-e and CoNLL.
    Exit 2 for usage or I/O errors.
    """
    from newsfacts.scoring.render import render_text
    from newsfacts.scoring.stream import score_paths

    chosen = [x.strip() for x in layers.split(",") if x.strip()] if layers else None
    try:
        if scheduler is not None:
            from newsfacts.distributed import score as score_on_cluster

            run = score_on_cluster(gold, pred, scheduler=scheduler, layers=chosen, gold_set=gold_set, pred_set=pred_set)
        else:
            run = score_paths(Path(gold), Path(pred), layers=chosen, gold_set=gold_set, pred_set=pred_set)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    for found in run.issues:
        typer.echo(found.render(), err=True)
    if run.result is None:
        if fmt is OutputFormat.json:
            typer.echo(run.report().to_json())
        verdict = "cannot be read" if run.exit_code == EXIT_USAGE else "is invalid: it is reported, not scored"
        sides = " and ".join(run.invalid()) or "the input"
        typer.echo(f"error: {sides} {verdict} ({len(run.errors)} issue(s))", err=True)
        raise typer.Exit(run.exit_code)
    result = run.result
    if run.passed_over:
        typer.echo(
            f"note: scored against GOLD's annotation set {run.gold_set!r}; {run.passed_over} record(s) of other sets "
            "passed over (--gold-set chooses)",
            err=True,
        )
    for layer in result["layers"]:
        empty = (
            result[layer]["b3"]["recall_den"] == 0
            if layer == "entities"
            else result[layer]["span"]["exact"]["gold"] == 0
        )
        if empty:
            source = "mentions" if layer == "entities" else layer
            typer.echo(f"note: the gold documents have no {source}: recall is undefined for {layer}", err=True)
    if fmt is OutputFormat.json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        typer.echo(render_text(result), nl=False)


@app.command()
def agreement(
    a: Annotated[Path, typer.Argument(help=f"First annotation pass: {_SOURCE_HELP}.")],
    b: Annotated[Path, typer.Argument(help=f"Second annotation pass: {_SOURCE_HELP}.")],
    fmt: Annotated[OutputFormat, typer.Option("--format", help="Output format.")] = OutputFormat.text,
    a_set: Annotated[str | None, typer.Option(help="Annotation set of A to use when A holds several.")] = None,
    b_set: Annotated[str | None, typer.Option(help="Annotation set of B to use when B holds several.")] = None,
) -> None:
    """Agreement between two annotation passes: pairwise F1 per layer (exact and overlap spans).

    Documents are paired by doc_id. Both passes are validated first (exit 1 when invalid).
    """
    from newsfacts.research.score import agreement as compute
    from newsfacts.research.score import render_agreement

    a_docs = _choose(_load(a, "A", fmt).documents, a_set, None, "--a-set", a)
    b_docs = _choose(_load(b, "B", fmt).documents, b_set, None, "--b-set", b)
    result = compute(a_docs, b_docs)
    if fmt is OutputFormat.json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        typer.echo(render_agreement(result), nl=False)
