"""Score a prediction file against gold files, streaming: validate both as they are read, pair them
by doc_id (``pairing``), count (``scorer``). Memory is the counts, the issues found and the
places of records read out of order, not the corpora.

GOLD: a ``.json``/``.jsonl`` file, a folder of them, or a release folder; its records of one
annotation set (``gold_set``; by default the set of its first valid record — a release and the
corpus hold only ``gold``) are used, each validated as ``newsfacts validate``
validates a record (seed files are not checked). PRED: a ``.json``/``.jsonl`` file or a folder of
them, in the predictions format (a full record is one too), each validated against its gold
document (``contract.predictions``). Any error on either side: the issues, and no score.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsfacts.contract.codes import issue
from newsfacts.contract.predictions import check_prediction_record
from newsfacts.contract.reading import Record, discover, read_records
from newsfacts.contract.report import EXIT_INVALID, EXIT_OK, EXIT_USAGE, Issue, Report
from newsfacts.contract.sources import is_release, iter_release
from newsfacts.contract.validate import check_record, validate_document
from newsfacts.scoring.pairing import Predictions
from newsfacts.scoring.scorer import Scorer, check_layers

Doc = dict[str, Any]


@dataclass
class Run:
    """What one run found: the score (None when either side is invalid or unreadable) and the issues."""

    gold_issues: list[Issue] = field(default_factory=list)
    pred_issues: list[Issue] = field(default_factory=list)
    result: dict[str, Any] | None = None
    gold_files: int = 0
    pred_files: int = 0
    gold_documents: int = 0
    predictions: int = 0
    out_of_order: int = 0
    gold_set: str | None = None  # the annotation set of GOLD that was used
    passed_over: int = 0  # GOLD's valid records of other sets

    @property
    def issues(self) -> list[Issue]:
        return self.gold_issues + self.pred_issues

    def invalid(self) -> list[str]:
        """Which sides have errors: GOLD, PRED."""
        return [
            side
            for side, found in (("GOLD", self.gold_issues), ("PRED", self.pred_issues))
            if any(i.severity != "warning" for i in found)
        ]

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity != "warning"]

    @property
    def exit_code(self) -> int:
        if any(i.severity == "fatal" for i in self.issues):
            return EXIT_USAGE
        return EXIT_INVALID if self.errors else EXIT_OK

    def report(self) -> Report:
        """The issues as a ``validate`` report over the predictions."""
        return Report(issues=self.issues, files=self.pred_files, documents=self.predictions)


def in_pred_set(value: dict[str, Any], pred_set: str | None) -> bool:
    """Whether a prediction record is scored under ``--pred-set`` (every record without one)."""
    if pred_set is None:
        return True
    annotation = value.get("annotation")
    if not isinstance(annotation, dict):
        return annotation is not None  # malformed: kept, so that validation says why
    return annotation.get("set") == pred_set


def _gold_records(path: Path, run: Run) -> Iterator[tuple[list[Issue], Doc | None, str | None]]:
    """(issues, the valid document or None, its doc_id when readable) per gold record."""
    if is_release(path):
        run.gold_files = len(list((path / "data" / "documents").glob("*.parquet")))
        for item in iter_release(path):
            if isinstance(item, Issue):
                yield [item], None, None
                continue
            doc_id = item.get("doc_id") if isinstance(item.get("doc_id"), str) else None
            where = f"{path}/data/documents#{doc_id}"
            found = [dataclasses.replace(i, file=where) for i in validate_document(item)]
            bad = any(i.severity != "warning" for i in found)
            yield found, (None if bad else item), doc_id
        return
    files, problems = discover([path])
    run.gold_files = len(files)
    if problems:
        yield problems, None, None
    for file in files:
        for item in read_records(file):
            if isinstance(item, Issue):
                yield [item], None, None
                continue
            found, doc = check_record(item)
            yield found, doc, (doc["doc_id"] if doc is not None else _readable_id(item))


def _readable_id(record: Record) -> str | None:
    from newsfacts.scoring.pairing import doc_id_of

    value = doc_id_of(record.data)
    return value["doc_id"] if value is not None else None


def run_paths(
    gold: str | os.PathLike[str],
    pred: str | os.PathLike[str],
    *,
    layers: Iterable[str] | None = None,
    gold_set: str | None = None,
    pred_set: str | None = None,
    score: bool = True,
) -> Run:
    """Validate PRED against GOLD and (``score``) score it; see the module docstring.

    Raises ValueError for an unknown layer (a usage error the caller reports)."""
    chosen = check_layers(layers)
    gold, pred = Path(gold), Path(pred)
    run = Run()
    if is_release(pred):
        run.pred_issues.append(
            issue(
                "unsupported-file",
                f"{pred} is a release folder: a prediction is a .json/.jsonl file or a folder of them",
                file=str(pred),
            )
        )
        return run
    pred_files, problems = discover([pred])
    run.pred_files = len(pred_files)
    gold_problems = [] if is_release(gold) else discover([gold])[1]
    run.gold_issues += gold_problems
    run.pred_issues += problems
    if run.exit_code == EXIT_USAGE:
        return run

    def unkeyed(record: Record) -> None:
        run.pred_issues.extend(check_prediction_record(record, None)[0])

    predictions = Predictions(pred_files, lambda value: in_pred_set(value, pred_set), unkeyed)
    scorer = Scorer(chosen)
    seen: set[str] = set()  # doc ids of GOLD's chosen set: a second record is a duplicate
    chosen_set: str | None = None
    sets: set[str] = set()
    for found, doc, doc_id in _gold_records(gold, run):
        run.gold_issues.extend(i for i in found if i not in gold_problems)
        if doc is None:
            if doc_id is not None:
                _take(predictions, doc_id, run)  # its prediction is not reported as without gold
            continue
        name = doc["annotation"]["set"]
        sets.add(name)
        chosen_set = chosen_set or gold_set or name
        if name != chosen_set:
            run.passed_over += 1
            continue
        if doc_id in seen:
            run.gold_issues.append(
                issue(
                    "duplicate-doc-id",
                    f"GOLD holds doc_id {doc_id!r} of set {name!r} twice",
                    file=str(gold),
                    pointer="/doc_id",
                )
            )
            continue
        seen.add(doc_id)
        run.gold_documents += 1
        taken = _take(predictions, doc_id, run)
        if taken is None:
            scorer.add(doc, None)
            continue
        p_found, p_doc = check_prediction_record(taken[0], doc, taken[1])
        run.pred_issues.extend(p_found)
        if p_doc is not None and score:
            scorer.add(doc, p_doc)
    for record in predictions.rest():
        p_found, p_doc = check_prediction_record(record, None)
        run.pred_issues.extend(p_found)
        if p_doc is not None:
            scorer.add_extra(p_doc)
    run.pred_issues.extend(predictions.issues)
    run.predictions = predictions.records
    run.out_of_order = predictions.out_of_order
    run.gold_set = chosen_set
    if gold_set is not None and not run.gold_documents and sets and gold_set not in sets and not run.errors:
        run.gold_issues.append(
            issue(
                "gold-set-not-found",
                f"GOLD has no record of annotation set {gold_set!r} (it has {', '.join(sorted(sets))})",
                file=str(gold),
            )
        )
    if score and not run.errors:
        run.result = scorer.result()
    return run


def _take(predictions: Predictions, doc_id: str, run: Run) -> tuple[Record, Any] | None:
    try:
        return predictions.take(doc_id)
    except OSError as exc:
        run.pred_issues.append(issue("unreadable-file", f"cannot read PRED again: {exc.strerror or exc}"))
        return None


def score_paths(gold: str | os.PathLike[str], pred: str | os.PathLike[str], **options: Any) -> Run:
    """Validate and score; ``Run.result`` is the score when both sides are valid."""
    return run_paths(gold, pred, **options)


def validate_against(gold: str | os.PathLike[str], pred: str | os.PathLike[str], **options: Any) -> Report:
    """Validate PRED against GOLD's texts (and GOLD itself), without scoring: a ``validate`` report."""
    return run_paths(gold, pred, score=False, **options).report()
