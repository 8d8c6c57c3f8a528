"""``newsfacts score --scheduler``: validate and score on a Dask cluster, the figures of one process.

The graph:

1. one task per part of GOLD: every record checked as ``score`` checks it (``check_record``);
   one task per part of PRED: each record's doc_id read (a record without one is checked at once,
   as it can be paired with nothing). Each returns its issues, line-end count and a small
   DataFrame of keys: doc_id, annotation set, validity and the record's place (part, line, byte
   offset, length) — not the record;
2. GOLD's annotation set is chosen as one process chooses it (``--gold-set``, else that of the
   first valid record), and the line offsets of every part are summed up;
3. the keys of both sides are shuffled together by doc_id; each shuffled partition takes one
   doc_id at a time with all its records — one process's streaming rules replayed on them (the
   first prediction of a doc_id is the one, later ones are duplicates; a gold record of another
   set is passed over) — reads the records it needs again from their places, checks each
   prediction against its gold document and adds the pair to a ``Scorer``;
4. the driver merges the partitions' Scorers (``Scorer.merge``: counts and sums add up, so the
   figures equal one process's to float rounding) and the issues.

The driver holds the issues, a few numbers per part and one Scorer per partition; no record.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path
from typing import Any, NamedTuple

import orjson

from newsfacts.contract.codes import issue
from newsfacts.contract.predictions import check_prediction_record
from newsfacts.contract.reading import Record
from newsfacts.contract.report import Issue
from newsfacts.contract.sources import is_release
from newsfacts.contract.validate import check_record
from newsfacts.distributed.cluster import buckets, compute
from newsfacts.distributed.ranges import PartRead, open_binary, part_records, shard_offsets
from newsfacts.distributed.shards import BLOCKSIZE, Part, find_shards, is_url, split
from newsfacts.distributed.validation import Recheck, finish_part
from newsfacts.scoring.pairing import doc_id_of
from newsfacts.scoring.scorer import Scorer, check_layers
from newsfacts.scoring.stream import Run, in_pred_set

GOLD, PRED = 0, 1
KEY_COLUMNS = ("doc_id", "side", "part", "line", "offset", "length", "single", "valid", "annotation_set")


@dataclass(frozen=True)
class SideSummary:
    """What a part's task tells the rest: line ends, records, and (GOLD) annotation sets seen."""

    newlines: int
    records: int
    first_set: str | None = None  # the set of the part's first valid gold record
    sets: frozenset[str] = frozenset()


def _frame(columns: dict[str, list[Any]]) -> Any:
    import pandas as pd

    dtypes = {name: object for name in ("doc_id", "annotation_set")}
    dtypes.update({name: "int64" for name in ("side", "part", "line", "offset", "length")})
    dtypes.update({"single": bool, "valid": bool})
    return pd.DataFrame(columns, columns=list(KEY_COLUMNS)).astype(dtypes)


def key_meta() -> Any:
    return _frame({name: [] for name in KEY_COLUMNS})


def _key(columns: dict[str, list[Any]], doc_id: str, side: int, part: int, record: Record, valid: bool, name: Any):
    for column, value in zip(
        KEY_COLUMNS,
        (doc_id, side, part, record.line, record.offset, len(record.data), record.single, valid, name),
        strict=True,
    ):
        columns[column].append(value)


def gold_part(part: Part) -> tuple[SideSummary, list[Issue | Recheck], Any]:
    """Run on a worker: GOLD's records of ``part`` checked; their keys (valid or not, with a doc_id)."""
    read = PartRead()
    entries: list[Issue | Recheck] = []
    columns: dict[str, list[Any]] = {name: [] for name in KEY_COLUMNS}
    records, first_set, sets = 0, None, set()
    for item in part_records(part, read, entries):
        records += 1
        found, doc = check_record(item)
        if found:
            entries.append(Recheck(item.offset, len(item.data), item.line, item.single, found))
        if doc is not None:
            name = doc["annotation"]["set"]
            first_set = first_set or name
            sets.add(name)
            _key(columns, doc["doc_id"], GOLD, part.index, item, True, name)
        else:
            value = doc_id_of(item.data)
            if value is not None:
                _key(columns, value["doc_id"], GOLD, part.index, item, False, None)
    return SideSummary(read.newlines, records, first_set, frozenset(sets)), entries, _frame(columns)


def pred_part(part: Part, pred_set: str | None) -> tuple[SideSummary, list[Issue | Recheck], Any]:
    """Run on a worker: PRED's records of ``part`` keyed by doc_id; one without is checked at once."""
    read = PartRead()
    entries: list[Issue | Recheck] = []
    columns: dict[str, list[Any]] = {name: [] for name in KEY_COLUMNS}
    records = 0
    for item in part_records(part, read, entries):
        value = doc_id_of(item.data)
        if value is None:
            records += 1
            found = check_prediction_record(item, None)[0]
            if found:
                entries.append(Recheck(item.offset, len(item.data), item.line, item.single, found, prediction=True))
            continue
        if not in_pred_set(value, pred_set):
            continue
        records += 1
        _key(columns, value["doc_id"], PRED, part.index, item, True, None)
    return SideSummary(read.newlines, records), entries, _frame(columns)


@dataclass(frozen=True)
class Table:
    """Per part of one side: the shard's name and URL, and the lines before the part in its shard."""

    names: list[str]
    urls: list[str]
    offsets: list[int]


def _table(parts: list[Part], summaries: list[SideSummary]) -> Table:
    return Table(
        [p.shard.name for p in parts],
        [p.shard.url for p in parts],
        shard_offsets(parts, [s.newlines for s in summaries]),
    )


def _choose(gold_set: str | None, summaries: list[SideSummary]) -> str | None:
    return gold_set or next((s.first_set for s in summaries if s.first_set is not None), None)


@dataclass
class PairResult:
    """What a shuffled partition sends back: its Scorer and issues, and counts."""

    scorer: Scorer
    gold_issues: list[tuple[tuple[int, int], Issue]] = field(default_factory=list)
    pred_issues: list[tuple[tuple[int, int], Issue]] = field(default_factory=list)
    gold_documents: int = 0
    passed_over: int = 0


class _Reader:
    """Records read again from their places, a few shards kept open."""

    def __init__(self, keep: int = 16) -> None:
        self._open: OrderedDict[str, Any] = OrderedDict()
        self._keep = keep

    def read(self, url: str, offset: int, length: int) -> bytes:
        handle = self._open.pop(url, None)
        if handle is None:
            handle = open_binary(url)
            while len(self._open) >= self._keep:
                self._open.popitem(last=False)[1].close()
        self._open[url] = handle
        handle.seek(offset)
        return handle.read(length)

    def close(self) -> None:
        for handle in self._open.values():
            handle.close()
        self._open.clear()


def pair_part(
    frame: Any, gold: Table, pred: Table, chosen: str | None, layers: list[str] | None, gold_name: str
) -> PairResult:
    """Run on a worker: the doc_ids of one shuffled partition, paired and scored (module docstring)."""
    result = PairResult(Scorer(layers))
    if not len(frame):
        return result
    rows = sorted(
        _Row(*values) for values in zip(*(frame[name].tolist() for name in KEY_COLUMNS), strict=True)
    )  # by doc_id, side, part, line: each doc_id's records together, in file order
    reader = _Reader()
    try:
        for doc_id, group in groupby(rows, key=lambda row: row.doc_id):
            _pair(doc_id, list(group), gold, pred, chosen, gold_name, reader, result)
    finally:
        reader.close()
    return result


class _Row(NamedTuple):
    """One key row, its fields in the order that sorts a partition (``KEY_COLUMNS``)."""

    doc_id: str
    side: int
    part: int
    line: int
    offset: int
    length: int
    single: bool
    valid: bool
    annotation_set: Any


def _record(row: Any, table: Table, reader: _Reader) -> Record:
    data = reader.read(table.urls[row.part], row.offset, row.length)
    return Record(table.names[row.part], row.line + table.offsets[row.part], data, bool(row.single), row.offset)


def _at(row: Any) -> tuple[int, int]:
    return (row.part, row.line)


def _pair(
    doc_id: str,
    rows: list[Any],
    gold: Table,
    pred: Table,
    chosen: str | None,
    gold_name: str,
    reader: _Reader,
    result: PairResult,
) -> None:
    golds = [r for r in rows if r.side == GOLD]
    preds = [r for r in rows if r.side == PRED]
    for later in preds[1:]:
        first = preds[0]
        result.pred_issues.append(
            (
                _at(later),
                issue(
                    "duplicate-doc-id",
                    f"doc_id {doc_id!r} is also at {pred.names[first.part]}:{first.line + pred.offsets[first.part]}; "
                    "a prediction holds one record per document (choose an annotation set with --pred-set)",
                    file=pred.names[later.part],
                    line=later.line + pred.offsets[later.part],
                    pointer="/doc_id",
                ),
            )
        )
    available = preds[:1]  # the one prediction a gold record may take
    seen = False
    for row in golds:
        if not row.valid:
            available = []  # taken (and not checked: GOLD is invalid, nothing is scored)
            continue
        if row.annotation_set != chosen:
            result.passed_over += 1
            continue
        if seen:
            result.gold_issues.append(
                (
                    _at(row),
                    issue(
                        "duplicate-doc-id",
                        f"GOLD holds doc_id {doc_id!r} of set {row.annotation_set!r} twice",
                        file=gold_name,
                        pointer="/doc_id",
                    ),
                )
            )
            continue
        seen = True
        result.gold_documents += 1
        doc = orjson.loads(reader.read(gold.urls[row.part], row.offset, row.length))
        if not available:
            result.scorer.add(doc, None)
            continue
        taken, available = available[0], []
        found, p_doc = check_prediction_record(_record(taken, pred, reader), doc)
        result.pred_issues.extend((_at(taken), f) for f in found)
        if p_doc is not None:
            result.scorer.add(doc, p_doc)
    for row in available:  # a prediction no gold record took
        found, p_doc = check_prediction_record(_record(row, pred, reader), None)
        result.pred_issues.extend((_at(row), f) for f in found)
        if p_doc is not None:
            result.scorer.add_extra(p_doc)


def score(
    gold: str | os.PathLike[str],
    pred: str | os.PathLike[str],
    client: Any,
    *,
    layers: list[str] | None = None,
    gold_set: str | None = None,
    pred_set: str | None = None,
    blocksize: int = BLOCKSIZE,
) -> Run:
    """Validate PRED against GOLD and score it on ``client``'s cluster; the ``Run`` one process gives."""
    chosen_layers = check_layers(layers)
    gold_text, pred_text = os.fspath(gold), os.fspath(pred)
    run = Run()
    for text, side in ((gold_text, run.gold_issues), (pred_text, run.pred_issues)):
        if not is_url(text) and is_release(Path(text)):
            side.append(
                issue(
                    "unsupported-file",
                    f"{text} is a release folder: on a cluster, GOLD and PRED are .json/.jsonl files, folders, "
                    "globs or URLs (score a release without --scheduler)",
                    file=text,
                )
            )
    if run.issues:
        return run
    gold_shards, problems = find_shards([gold_text])
    run.gold_issues += problems
    pred_shards, problems = find_shards([pred_text])
    run.pred_issues += problems
    run.gold_files, run.pred_files = len(gold_shards), len(pred_shards)
    if run.exit_code == 2:
        return run
    gold_parts, pred_parts = split(gold_shards, blocksize), split(pred_shards, blocksize)
    got = _run(client, gold_parts, pred_parts, chosen_layers, gold_set, pred_set, str(Path(gold_text)))
    gold_summaries, pred_summaries, gold_found, pred_found, chosen, pairs = got
    for found in gold_found:
        run.gold_issues.extend(found)
    pred_issues: list[Issue] = [f for found in pred_found for f in found]
    scorer = Scorer(chosen_layers)
    later_gold, later_pred = [], []
    for result in pairs:
        scorer.merge(result.scorer)
        later_gold += result.gold_issues
        later_pred += result.pred_issues
        run.gold_documents += result.gold_documents
        run.passed_over += result.passed_over
    run.gold_issues.extend(f for _, f in sorted(later_gold, key=lambda pair: pair[0]))
    run.pred_issues.extend(pred_issues)
    run.pred_issues.extend(f for _, f in sorted(later_pred, key=lambda pair: pair[0]))
    run.predictions = sum(s.records for s in pred_summaries)
    run.gold_set = chosen
    sets = frozenset().union(*(s.sets for s in gold_summaries)) if gold_summaries else frozenset()
    if gold_set is not None and not run.gold_documents and sets and gold_set not in sets and not run.errors:
        run.gold_issues.append(
            issue(
                "gold-set-not-found",
                f"GOLD has no record of annotation set {gold_set!r} (it has {', '.join(sorted(sets))})",
                file=str(Path(gold_text)),
            )
        )
    if not run.errors:
        run.result = scorer.result()
    return run


def _run(
    client: Any,
    gold_parts: list[Part],
    pred_parts: list[Part],
    layers: list[str] | None,
    gold_set: str | None,
    pred_set: str | None,
    gold_name: str,
) -> tuple[list[SideSummary], list[SideSummary], list[list[Issue]], list[list[Issue]], str | None, list[PairResult]]:
    import dask
    import dask.dataframe as dd

    golds = [dask.delayed(gold_part, pure=False, nout=3)(p) for p in gold_parts]
    preds = [dask.delayed(pred_part, pure=False, nout=3)(p, pred_set) for p in pred_parts]
    gold_summaries, pred_summaries = [g[0] for g in golds], [p[0] for p in preds]
    gold_table = dask.delayed(_table, pure=True)(gold_parts, gold_summaries)
    pred_table = dask.delayed(_table, pure=True)(pred_parts, pred_summaries)
    gold_offsets = dask.delayed(_offsets, pure=True)(gold_table)
    pred_offsets = dask.delayed(_offsets, pure=True)(pred_table)
    chosen = dask.delayed(_choose, pure=True)(gold_set, gold_summaries)
    gold_found = [
        dask.delayed(finish_part, pure=False)(p, g[1], gold_offsets) for p, g in zip(gold_parts, golds, strict=True)
    ]
    pred_found = [
        dask.delayed(finish_part, pure=False)(p, q[1], pred_offsets) for p, q in zip(pred_parts, preds, strict=True)
    ]
    keys = dd.from_delayed([g[2] for g in golds] + [p[2] for p in preds], meta=key_meta(), verify_meta=False)
    shuffled = keys.shuffle(on="doc_id", npartitions=buckets(client, len(gold_parts) + len(pred_parts)))
    pairs = [
        dask.delayed(pair_part, pure=False)(frame, gold_table, pred_table, chosen, layers, gold_name)
        for frame in shuffled.to_delayed()
    ]
    return tuple(compute(client, [gold_summaries, pred_summaries, gold_found, pred_found, chosen, pairs]))


def _offsets(table: Table) -> list[int]:
    return table.offsets
