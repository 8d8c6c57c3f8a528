"""``newsfacts suggest --scheduler``: draft annotations for many articles on a Dask cluster.

Input shards: raw seed articles (``.txt``, one article each, as ``newsfacts suggest`` takes them)
and ``.jsonl`` shards of articles, one JSON object per line with a string ``doc_id`` and a string
``text`` (a crawl's usual shape). One task per input shard writes one output shard:

- next to the input (no ``out``): ``a.txt`` → ``a.suggest.json``, ``part-7.jsonl`` →
  ``part-7.suggest.jsonl`` (inputs named ``*.suggest.*`` are passed over, so a second run does not
  draft the drafts);
- under ``out`` (a folder or an fsspec URL): the input's file name, ``a.json`` or ``part-7.jsonl``.

Every draft comes from ``suggest_document(seed, raw, provenance)`` — for a line of a ``.jsonl``
shard, ``seed`` is ``<doc_id>.txt`` and ``raw`` its text in UTF-8 — and is validated as the
command validates it; a ``.txt`` draft is written as ``dump_document`` writes it, a ``.jsonl``
shard one compact record per line, in input order. A shard is written to a temporary name beside
its target and moved into place when whole, so a target holds a whole shard or nothing new; a
task run again (its worker died) writes the same bytes. The driver lists the inputs and never
reads one.
"""

from __future__ import annotations

import dataclasses
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import orjson

from newsfacts.contract.codes import issue
from newsfacts.contract.reading import MAX_RECORD_BYTES, Record, read_handle
from newsfacts.contract.report import Issue, Report
from newsfacts.corpus.provenance import Provenance
from newsfacts.distributed.cluster import compute
from newsfacts.distributed.faults import maybe_die
from newsfacts.distributed.ranges import open_binary
from newsfacts.distributed.shards import Shard, find_files, is_url

SUFFIXES = (".txt", ".jsonl")
DRAFT_MARK = ".suggest"


@dataclass
class ShardDrafts:
    """What drafting one shard gave: its output, drafts written, and the issues."""

    output: str
    drafts: int = 0
    facts: int = 0
    quotes: int = 0
    issues: list[Issue] = field(default_factory=list)


def output_of(shard: Shard, out: str | None) -> tuple[str, str]:
    """Where the drafts of ``shard`` go (see the module docstring): as reported, and as written
    (an absolute path for a local file: workers need not share the driver's working folder)."""
    name = PurePosixPath(shard.url).name
    stem, suffix = name.rsplit(".", 1)
    if out is None:
        target = f"{stem}{DRAFT_MARK}.{'json' if suffix == 'txt' else 'jsonl'}"
        return shard.name[: -len(name)] + target, shard.url[: -len(name)] + target
    target = f"{stem}.json" if suffix == "txt" else name
    shown = f"{out.rstrip('/')}/{target}"
    return shown, (shown if is_url(out) else os.path.join(os.path.abspath(out), target))


def draft_shard(shard: Shard, output: tuple[str, str], provenance: Provenance | None) -> ShardDrafts:
    """Run on a worker: the drafts of one input shard, written to ``output`` (``output_of``)."""
    result = ShardDrafts(output[0])
    writer = _Writer(output[1])
    try:
        if shard.jsonl:
            _draft_lines(shard, provenance, writer, result)
        else:
            _draft_seed(shard, provenance, writer, result)
        if result.drafts:
            writer.commit()
    except OSError as exc:
        where = output[0]
        result.issues.append(issue("write-failed", f"cannot write {where}: {exc.strerror or exc}", file=where))
    finally:
        writer.abort()
    return result


def _draft_seed(shard: Shard, provenance: Provenance | None, writer: _Writer, result: ShardDrafts) -> None:
    from newsfacts.contract.documents import dump_document

    try:
        with open_binary(shard.url) as handle:
            raw = handle.read(MAX_RECORD_BYTES + 1)
    except OSError as exc:
        result.issues.append(
            issue("unreadable-file", f"cannot read {shard.name}: {exc.strerror or exc}", file=shard.name)
        )
        return
    if len(raw) > MAX_RECORD_BYTES:
        result.issues.append(issue("record-too-large", "the seed is larger than a news article", file=shard.name))
        return
    doc = _draft(Path(PurePosixPath(shard.url).name), raw, provenance, shard.name, 1, result)
    if doc is not None:
        _add(doc, dump_document(doc).encode("utf-8"), writer, result, 1)


def _draft_lines(shard: Shard, provenance: Provenance | None, writer: _Writer, result: ShardDrafts) -> None:
    try:
        with open_binary(shard.url) as handle:
            for item in read_handle(handle, shard.name, jsonl=True):
                if isinstance(item, Issue):
                    result.issues.append(item)
                    continue
                if result.drafts == 1:
                    maybe_die()
                _draft_line(item, provenance, writer, result)
    except OSError as exc:
        result.issues.append(
            issue("unreadable-file", f"cannot read {shard.name}: {exc.strerror or exc}", file=shard.name)
        )


def _draft_line(record: Record, provenance: Provenance | None, writer: _Writer, result: ShardDrafts) -> None:
    try:
        value = orjson.loads(record.data)
    except orjson.JSONDecodeError as exc:
        result.issues.append(issue("invalid-json", str(exc), file=record.file, line=record.line))
        return
    if not (isinstance(value, dict) and isinstance(value.get("doc_id"), str) and isinstance(value.get("text"), str)):
        result.issues.append(
            issue(
                "article-malformed", "not an object with a string doc_id and text", file=record.file, line=record.line
            )
        )
        return
    raw = value["text"].encode("utf-8", "surrogatepass")
    doc = _draft(Path(f"{value['doc_id']}.txt"), raw, provenance, record.file, record.line, result)
    if doc is not None:
        _add(doc, orjson.dumps(doc) + b"\n", writer, result, result.drafts + 1)


def _draft(
    seed: Path, raw: bytes, provenance: Provenance | None, file: str, line: int, result: ShardDrafts
) -> dict[str, Any] | None:
    from newsfacts.research.suggest import suggest_document

    try:
        doc = suggest_document(seed, raw, provenance)
    except UnicodeDecodeError as exc:
        result.issues.append(
            issue("seed-not-utf8", f"not UTF-8: {exc.reason} at byte {exc.start}", file=file, line=line)
        )
        return None
    if not doc["text"]:
        result.issues.append(issue("seed-empty", "the article holds no text", file=file, line=line))
        return None
    return doc


def _add(doc: dict[str, Any], data: bytes, writer: _Writer, result: ShardDrafts, line: int) -> None:
    from newsfacts.contract.validate import validate_document

    for found in validate_document(doc):
        if found.severity != "warning":  # a draft that does not validate: a bug of suggest, reported
            result.issues.append(dataclasses.replace(found, file=result.output, line=line))
    writer.write(data)
    result.drafts += 1
    result.facts += len(doc["numeric_facts"])
    result.quotes += len(doc["quotes"])


class _Writer:
    """Bytes to a temporary file beside ``target``, moved into place by ``commit``."""

    def __init__(self, target: str) -> None:
        self.target = target
        folder, name = target.rsplit("/", 1) if "/" in target else (".", target)
        self.temporary = f"{folder}/.{name}.{uuid.uuid4().hex}.tmp"
        self._handle: Any = None

    def write(self, data: bytes) -> None:
        if self._handle is None:
            if is_url(self.target):
                import fsspec

                self._handle = fsspec.open(self.temporary, "wb", auto_mkdir=True).open()
            else:
                Path(self.temporary).parent.mkdir(parents=True, exist_ok=True)
                self._handle = open(self.temporary, "wb")  # noqa: SIM115 - closed by commit or abort
        self._handle.write(data)

    def commit(self) -> None:
        self._handle.close()
        self._handle = None
        if is_url(self.target):
            import fsspec.core

            fs, path = fsspec.core.url_to_fs(self.target)
            fs.mv(fsspec.core.url_to_fs(self.temporary)[1], path)
        else:
            from newsfacts.contract.documents import current_umask

            os.chmod(self.temporary, 0o666 & ~current_umask())
            os.replace(self.temporary, self.target)

    def abort(self) -> None:
        if self._handle is None:
            return
        self._handle.close()
        self._handle = None
        try:
            if is_url(self.target):
                import fsspec.core

                fs, path = fsspec.core.url_to_fs(self.temporary)
                fs.rm(path)
            else:
                os.unlink(self.temporary)
        except OSError:
            pass


def suggest(paths: list[str], client: Any, *, out: str | None = None, provenance: Provenance | None = None) -> Report:
    """Draft every article of ``paths`` on ``client``'s cluster; a report of what was found, with
    ``documents`` the drafts written and ``files`` the input shards."""
    shards, problems = find_files(paths, SUFFIXES, skip=(f"{DRAFT_MARK}.json", f"{DRAFT_MARK}.jsonl"))
    report = Report(issues=problems, files=len(shards))
    outputs = [output_of(shard, out) for shard in shards]
    targets = [target for _, target in outputs]
    clash = {shown for shown, target in outputs if targets.count(target) > 1}
    for target in sorted(clash):
        report.issues.append(
            issue("output-exists", f"several input shards would write {target}: give them distinct names", file=target)
        )
    if clash or not shards:
        return report
    import dask

    tasks = [dask.delayed(draft_shard, pure=False)(s, o, provenance) for s, o in zip(shards, outputs, strict=True)]
    for result in compute(client, tasks):
        report.issues.extend(result.issues)
        report.documents += result.drafts
    return report
