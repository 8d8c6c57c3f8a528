"""``newsfacts validate --scheduler``: the same report as one process, with the work on a Dask cluster.

The graph:

1. one task per part (``shards.split``): a worker reads its byte range (``ranges.read_part``) and
   runs ``validate_record`` on every record, as ``--jobs`` does; it returns the issues (lines
   counted in the part), its line-end count, and the ``DocKey`` of each valid document as a small
   DataFrame that stays on the cluster;
2. the line-end counts become per-part line offsets (``ranges.shard_offsets``);
3. the keys are shuffled by ``doc_id`` (dask.dataframe's shuffle, worker to worker), and each
   shuffled partition runs ``corpus_checks`` — unique ids per annotation set, one split per
   document, seed hashes — on the documents it holds, all records of an id together.

The driver gets the issues, a few integers per part and nothing else: no document, no key. It
puts the issues in the order one process reports them (file order, then the corpus issues by
the first record of their doc_id) with their lines made absolute.
"""

from __future__ import annotations

import dataclasses
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsfacts.contract.codes import issue
from newsfacts.contract.locate import line_of_pointer
from newsfacts.contract.reading import Record
from newsfacts.contract.report import Issue, Report
from newsfacts.contract.validate import DocKey, corpus_checks, validate_record
from newsfacts.distributed.cluster import buckets, compute
from newsfacts.distributed.ranges import PartRead, absolute, open_binary, part_records, shard_offsets
from newsfacts.distributed.shards import BLOCKSIZE, Part, Shard, find_shards, split

#: Pointers of the corpus issues: in a ``.json`` shard each is reported on its own line.
_POINTERS = ("/doc_id", "/split", "/source/seed_file", "/source/seed_sha256")
KEY_COLUMNS = (
    "doc_id",
    "annotation_set",
    "split",
    "seed_file",
    "seed_sha256",
    "status",
    "file",
    "part",
    "line",
    *(f"line{p.replace('/', '_')}" for p in _POINTERS),
)


@dataclass(frozen=True)
class PartSummary:
    """What a part's task tells the driver: its line ends, whether it is empty, its documents."""

    newlines: int
    empty: bool
    documents: int
    sets: dict[str, int] = field(default_factory=dict)  # valid documents per annotation set


@dataclass(frozen=True)
class Recheck:
    """A record that had issues, where to read it again, and the issues as found with part lines."""

    offset: int
    length: int
    line: int
    single: bool
    found: list[Issue]
    prediction: bool = False  # checked as a prediction without gold, not as a document


def check_part(part: Part) -> tuple[PartSummary, list[Issue | Recheck], Any]:
    """Run on a worker: every record of ``part`` through ``validate_record``. Returns the summary,
    the reading issues and records with issues in order (``finish_part`` makes them final), and the
    keys of the valid documents as a DataFrame."""
    import pandas as pd

    read = PartRead()
    entries: list[Issue | Recheck] = []
    columns: dict[str, list[Any]] = {name: [] for name in KEY_COLUMNS}
    documents = 0
    sets: Counter[str] = Counter()
    for item in part_records(part, read, entries):
        documents += 1
        found, key = validate_record(item)
        if found:
            entries.append(Recheck(item.offset, len(item.data), item.line, item.single, found))
        if key is not None:
            sets[key.annotation_set] += 1
            _add_key(columns, key, part.index, item.data if item.single else None)
    frame = pd.DataFrame(columns, columns=list(KEY_COLUMNS)).astype(_dtypes())
    return PartSummary(read.newlines, read.empty, documents, dict(sets)), entries, frame


def finish_part(part: Part, entries: list[Issue | Recheck], offsets: list[int]) -> list[Issue]:
    """Run on a worker: the part's issues with the lines of its shard. A record with issues is read
    again and validated with its real line, so that a message naming a line ("… at line 12,
    column 4") names the right one; the part's first line being line 1, nothing is read again."""
    offset = offsets[part.index]
    if not offset:
        return [found for entry in entries for found in (entry.found if isinstance(entry, Recheck) else [entry])]
    out: list[Issue] = []
    handle = None
    try:
        for entry in entries:
            if isinstance(entry, Issue):
                out.append(absolute(entry, offset))
                continue
            if handle is None:
                handle = open_binary(part.shard.url)
            handle.seek(entry.offset)
            data = handle.read(entry.length)
            record = Record(part.shard.name, entry.line + offset, data, entry.single)
            if entry.prediction:
                from newsfacts.contract.predictions import check_prediction_record

                out.extend(check_prediction_record(record, None)[0])
            else:
                out.extend(validate_record(record)[0])
    finally:
        if handle is not None:
            handle.close()
    return out


def _add_key(columns: dict[str, list[Any]], key: DocKey, part: int, single: bytes | None) -> None:
    for name in ("doc_id", "annotation_set", "split", "seed_file", "seed_sha256", "status", "file", "line"):
        columns[name].append(getattr(key, name))
    columns["part"].append(part)
    text = single.decode("utf-8") if single is not None else None
    for pointer in _POINTERS:  # a corpus issue in a .json file points at the field's own line
        columns[f"line{pointer.replace('/', '_')}"].append(
            line_of_pointer(text, pointer) if text is not None else key.line
        )


def _dtypes() -> dict[str, Any]:
    return {name: ("int64" if name == "part" or name.startswith("line") else object) for name in KEY_COLUMNS}


def key_meta() -> Any:
    import pandas as pd

    return pd.DataFrame({name: [] for name in KEY_COLUMNS}).astype(_dtypes())


def check_corpus(frame: Any, offsets: list[int], seeds: str | None) -> list[tuple[tuple[int, int, int], Issue]]:
    """Run on a worker: ``corpus_checks`` over the keys of one shuffled partition, one doc_id at a
    time; each issue with its place in one process's report (first record of its doc_id, record)."""
    if not len(frame):
        return []
    frame = frame.sort_values(["part", "line"], kind="stable")  # the order of one process's reading
    groups: dict[str, list[tuple[tuple[int, int], DocKey, dict[str, int]]]] = {}
    for row in frame.itertuples(index=False):
        delta = offsets[row.part]
        key = DocKey(
            row.doc_id,
            row.annotation_set,
            row.split,
            _none(row.seed_file),
            _none(row.seed_sha256),
            row.file,
            row.line + delta,
            row.status,
        )
        lines = {p: getattr(row, f"line{p.replace('/', '_')}") + delta for p in _POINTERS}
        groups.setdefault(row.doc_id, []).append(((row.part, row.line), key, lines))
    folder = Path(seeds) if seeds is not None else None
    out = []
    for records in groups.values():
        first = records[0][0]
        lines_at = {(key.file, key.line): lines for _, key, lines in records}
        for n, found in enumerate(corpus_checks([key for _, key, _ in records], folder)):
            lines = lines_at[(found.file, found.line)]
            if found.file is not None and found.file.endswith(".json") and found.pointer in lines:
                found = dataclasses.replace(found, line=lines[found.pointer])
            out.append(((*first, n), found))
    return out


def _none(value: Any) -> Any:
    return value if isinstance(value, str) else None


def validate(
    paths: Iterable[str | os.PathLike[str]],
    client: Any,
    *,
    seeds: str | os.PathLike[str] | None = None,
    blocksize: int = BLOCKSIZE,
) -> Report:
    """Validate the documents in ``paths`` (files, folders, globs, fsspec URLs) on ``client``'s cluster."""
    shards, problems = find_shards(paths)
    report = Report(issues=problems, files=len(shards))
    if seeds is not None and not Path(seeds).is_dir():
        report.issues.append(issue("path-not-found", f"no such seeds folder: {seeds}", file=str(seeds)))
        return report
    parts = split(shards, blocksize)
    if not parts:
        return report
    summaries, issues, corpus = _run(client, parts, str(seeds) if seeds is not None else None)
    empty: dict[str, bool] = {}
    for part, summary in zip(parts, summaries, strict=True):
        empty[part.shard.url] = empty.get(part.shard.url, True) and summary.empty
    last = {part.shard.url: part.index for part in parts}
    for part, summary, found in zip(parts, summaries, issues, strict=True):
        report.extend(found)
        report.documents += summary.documents
        for name, n in summary.sets.items():
            report.sets[name] = report.sets.get(name, 0) + n
        if last[part.shard.url] == part.index and empty[part.shard.url]:
            report.issues.append(_empty(part.shard))
    report.extend(found for _, found in sorted(corpus, key=lambda pair: pair[0]))
    report.sets = dict(sorted(report.sets.items()))
    return report


def _empty(shard: Shard) -> Issue:
    return issue("empty-file", "the file holds no document", file=shard.name, line=1)


def _run(client: Any, parts: list[Part], seeds: str | None) -> tuple[list[PartSummary], list[list[Issue]], list[Any]]:
    import dask
    import dask.dataframe as dd

    checked = [dask.delayed(check_part, pure=False, nout=3)(part) for part in parts]  # impure: it reads files
    summaries = [c[0] for c in checked]
    offsets = dask.delayed(_offsets, pure=True)(parts, summaries)
    issues = [
        dask.delayed(finish_part, pure=False)(part, c[1], offsets) for part, c in zip(parts, checked, strict=True)
    ]
    keys = dd.from_delayed([c[2] for c in checked], meta=key_meta(), verify_meta=False)
    shuffled = keys.shuffle(on="doc_id", npartitions=buckets(client, len(parts)))
    corpus = [dask.delayed(check_corpus, pure=True)(frame, offsets, seeds) for frame in shuffled.to_delayed()]
    got_summaries, got_issues, got_corpus = compute(client, [summaries, issues, corpus])
    return got_summaries, got_issues, [pair for chunk in got_corpus for pair in chunk]


def _offsets(parts: list[Part], summaries: list[PartSummary]) -> list[int]:
    return shard_offsets(parts, [s.newlines for s in summaries])
