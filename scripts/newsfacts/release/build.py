"""Build a release folder from the corpus: validated, streamed, reproducible and swapped in atomically.

``build_release(corpus, out)``:

1. reads the records under ``corpus/documents`` as raw bytes, in a stable order (the lines of a
   ``.jsonl`` file in blocks of a few MiB, split into records by the worker that gets them);
2. validates every record (``newsfacts.contract.validate``: the same layers as ``newsfacts validate``)
   and turns the gold ones into the rows of every config (``newsfacts.release.views``), in batches,
   on ``jobs`` processes; the corpus-wide checks run on what the batches report. Nothing is
   published unless the whole corpus is valid: an invalid record stops the writing, and
   ``InvalidCorpus`` carries the validator's report;
3. writes ``data/<config>/<split>-NNNNN-of-NNNNN.parquet`` in a staging folder beside ``out``
   (``.<name>.build-<pid>``): zstd, fixed writer options, row groups of a fixed number of rows
   per config and shards of bounded size (so the layout depends on the rows alone), each file
   carrying the features (``huggingface`` metadata) and the dataset version (``newsfacts``);
4. writes the card header (``card.py``'s body, ``croissant.json`` and the copies come from
   ``release_docs.write_release_docs``), then MANIFEST.json over every file;
5. swaps the staging folder into place (``renameat2(RENAME_EXCHANGE)`` where the kernel has it):
   a failed or killed build leaves the previous release as it was.
"""

from __future__ import annotations

import ctypes
import dataclasses
import errno
import os
import shutil
import subprocess
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent import futures
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from newsfacts.contract.codes import issue
from newsfacts.contract.reading import Block, Record, discover, read_blocks
from newsfacts.contract.report import Issue, Report
from newsfacts.contract.schema import schema_dir, schema_version
from newsfacts.contract.validate import DocKey, corpus_checks, validate_record
from newsfacts.docs.metadata import MetadataError, load_metadata
from newsfacts.pool import Workers
from newsfacts.release.manifest import (
    MANIFEST,
    MANIFEST_FORMAT,
    ContentHash,
    Manifest,
    combined_hash,
    file_entries,
    file_sha256,
)
from newsfacts.release.ner import JoinedTexts
from newsfacts.release.views import CONFIGS, LAYERS, Plan, TextPolicy, with_layers

#: Documents (``.json`` files) per batch handed to a worker; a ``Block`` of JSONL lines is a batch
#: of its own (both affect speed and memory, never the output).
BATCH_DOCUMENTS = 250
#: Rows per Parquet row group, per config: the file layout depends on the rows alone.
ROW_GROUP_ROWS = {"documents": 1_000, "ner": 20_000}
DEFAULT_ROW_GROUP_ROWS = 50_000
#: A shard is closed after the row group that takes it past this many bytes of Arrow data.
MAX_SHARD_BYTES = 256 * 2**20
#: Fixed Parquet writer options (every option changes the bytes); ``parquet_options`` adds the
#: per-column ones.
PARQUET_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 1,
    "version": "2.6",
    "use_dictionary": True,
    "write_statistics": True,
    "data_page_size": 1 << 20,
    "use_compliant_nested_type": True,
    "store_schema": True,
}
SEMVER = r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
#: The metadata field recording, per released version, the content hash of its (full-text) rows.
RELEASED = "released_content_sha256"
#: The release file listing each document's text licence and attribution, or why its text is withheld.
LICENSES = "LICENSES.md"
#: Batches of rows waiting for the writing thread, at most (each holds a batch's tables in memory).
WRITE_QUEUE = 1
#: Below this much input, a build runs in one process (starting workers costs ~1 s).
PARALLEL_MIN_BYTES = 16 * 2**20

Progress = Callable[[int], None]


class InvalidCorpus(Exception):
    """The corpus did not validate, or could not be read: nothing was written."""

    def __init__(self, report: Report) -> None:
        super().__init__(report.summary())
        self.report = report


# --- reading and converting ------------------------------------------------------------------


@dataclass
class BatchResult:
    issues: list[Issue] = field(default_factory=list)
    keys: list[DocKey] = field(default_factory=list)
    tables: dict[str, dict[str, pa.Table]] = field(default_factory=dict)  # split -> config -> rows
    withheld: list[str] = field(default_factory=list)  # doc_ids whose text the rows leave out
    size: int = 0
    records: int = 0

    @classmethod
    def of(cls, records: list[Record]) -> BatchResult:
        """An empty result for ``records``: their bytes and number, nothing found yet."""
        return cls(size=sum(len(r.data) for r in records), records=len(records))


def _one_line(data: bytes) -> bytes:
    """A JSON record on one line: newlines only ever occur between tokens in valid JSON."""
    return data.strip().replace(b"\r", b" ").replace(b"\n", b" ")


Batch = list[Record | Block]


def convert_batch(batch: Batch, plan: Plan, texts: TextPolicy, convert: bool = True) -> BatchResult:
    """Validate a batch of records and turn the gold ones into rows of every config, by split.

    First by the quick route (``_quick``: the span checks over the whole batch in Arrow); when
    that finds anything amiss, by the checked route, record by record, which words every issue."""
    records = [r for item in batch for r in (item.records() if isinstance(item, Block) else (item,))]
    quick = _quick(records, plan, texts) if convert else None
    return quick if quick is not None else _checked(records, plan, texts, convert)


def _quick(records: list[Record], plan: Plan, texts: TextPolicy) -> BatchResult | None:
    """``_checked``'s result for a batch in which every record is valid (warnings allowed) and
    every gold document converts; None for any other batch.

    The gold documents are validated without ``checks.span_checks``; ``batch_checks.spans_all_pass``
    then decides their spans, batch by split. Anything else is validated in full here."""
    from newsfacts.contract.batch_checks import spans_all_pass
    from newsfacts.release.ner import join_texts

    result = BatchResult.of(records)
    by_split: dict[str, list[Record]] = {}
    for record in records:
        found, key = validate_record(record, spans=_not_gold)  # what is not converted is checked here
        if key is None:
            return None
        result.issues += found
        result.keys.append(key)
        if key.annotation_set == "gold":
            by_split.setdefault(key.split, []).append(record)
    try:
        parts = _read_parts(by_split, plan)
    except (pa.ArrowInvalid, ValueError):
        return None
    joined = {split: join_texts(part.column("text").to_pylist()) for split, part in parts.items()}
    if not all(spans_all_pass(part, joined[split]) for split, part in parts.items()):
        return None
    return result if _add_tables(result, parts, plan, texts, joined) else None


def _not_gold(doc: dict[str, Any]) -> bool:
    return doc["annotation"]["set"] != "gold"


def _checked(records: list[Record], plan: Plan, texts: TextPolicy, convert: bool) -> BatchResult:
    """Every record validated in full (``validate_record``), then the gold ones converted."""
    result = BatchResult.of(records)
    gold: list[Record] = []
    by_split: dict[str, list[Record]] = {}  # read apart: no filtering of nested columns afterwards
    for record in records:
        found, key = validate_record(record)
        result.issues += found
        if key is not None:
            result.keys.append(key)
            if key.annotation_set == "gold":
                gold.append(record)
                by_split.setdefault(key.split, []).append(record)
    if not convert or not gold or any(i.severity != "warning" for i in result.issues):
        return result
    try:
        parts = _read_parts(by_split, plan)
    except (pa.ArrowInvalid, ValueError):
        result.issues += _locate_conversion_failure(gold, plan)
        return result
    _add_tables(result, parts, plan, texts)
    return result


def _read_parts(by_split: dict[str, list[Record]], plan: Plan) -> dict[str, pa.Table]:
    """Each split's records as one table (``views.read_documents``), splits in order: read apart,
    so no nested column is filtered afterwards."""
    from newsfacts.release.views import read_documents

    return {split: read_documents([_one_line(r.data) for r in by_split[split]], plan) for split in sorted(by_split)}


def _add_tables(
    result: BatchResult,
    parts: dict[str, pa.Table],
    plan: Plan,
    texts: TextPolicy,
    joined_texts: dict[str, JoinedTexts] | None = None,
) -> bool:
    """Each split's rows into ``result.tables``, with the texts ``texts`` withholds left out (their
    doc_ids into ``result.withheld``); False (and a ``conversion-failed`` issue) if any fails.
    ``joined_texts``: each split's ``ner.JoinedTexts``, if at hand."""
    from newsfacts.release.views import views

    done = True
    for split, part in parts.items():
        try:
            joined = (joined_texts or {}).get(split)
            rows = texts.withheld_rows(part)
            result.tables[split] = views(part, withheld=rows, plan=plan, layers=False, joined=joined)
            if rows.any():
                result.withheld += pc.filter(part.column("doc_id"), pa.array(rows)).to_pylist()
        except (pa.ArrowInvalid, ValueError) as exc:
            result.issues.append(issue("conversion-failed", f"cannot build the rows of split {split!r}: {exc}"))
            done = False
    return done


def _locate_conversion_failure(records: list[Record], plan: Plan) -> list[Issue]:
    from newsfacts.release.views import read_documents

    found = []
    for record in records:
        try:
            read_documents([_one_line(record.data)], plan)
        except (pa.ArrowInvalid, ValueError) as exc:
            message = f"the document does not fit the release's column types: {exc}"
            found.append(issue("conversion-failed", message, file=record.file, line=record.line))
    return found or [issue("conversion-failed", "a batch of documents could not be read into columns")]


def _batches(items: Iterable[Record | Block], size: int) -> Iterator[Batch]:
    """``size`` records at a time; a block counts as a whole batch."""
    batch: Batch = []
    count = 0
    for item in items:
        batch.append(item)
        count += 1 if isinstance(item, Record) else size
        if count >= size:
            yield batch
            batch, count = [], 0
    if batch:
        yield batch


def _results(
    batches: Iterator[Batch], plan: Plan, texts: TextPolicy, workers: Workers | None, failed: Callable[[], bool]
):
    """``convert_batch`` over the batches, in order; on the worker processes if any (closed when done)."""
    if workers is None:
        for batch in batches:
            yield convert_batch(batch, plan, texts, not failed())
        return
    with workers:
        yield from workers.map((batch, plan, texts, not failed()) for batch in batches)


# --- writing ---------------------------------------------------------------------------------------


class SplitWriter:
    """The rows of one config and split → ``data/<config>/<split>-NNNNN-of-NNNNN.parquet``."""

    def __init__(self, folder: Path, config: str, split: str, schema: pa.Schema) -> None:
        self.folder, self.config, self.split, self.schema = folder, config, split, schema
        self.group_rows = ROW_GROUP_ROWS.get(config, DEFAULT_ROW_GROUP_ROWS)
        self.options = parquet_options(schema)
        self.pending: list[pa.Table] = []
        self.pending_rows = 0
        self.rows = 0
        self.hash = ContentHash(schema)
        self.shards: list[Path] = []
        self.sha256: dict[str, str] = {}  # of each shard, by its relative path, once closed
        self._digests: list[str] = []
        self._writer: pq.ParquetWriter | None = None
        self._shard_bytes = 0

    def add(self, table: pa.Table) -> None:
        if len(table):
            self.pending.append(table)
            self.pending_rows += len(table)
        while self.pending_rows >= self.group_rows:
            self._flush(self.group_rows)

    def _flush(self, rows: int) -> None:
        table = pa.concat_tables(self.pending) if len(self.pending) > 1 else self.pending[0]
        group, rest = table.slice(0, rows).combine_chunks(), table.slice(rows)
        self.pending = [rest] if len(rest) else []
        self.pending_rows = len(rest)
        self._write(group)

    def _write(self, group: pa.Table) -> None:
        if self._writer is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self.folder / f"{self.split}-{len(self.shards):05d}.parquet.part"
            self.shards.append(path)
            self._writer = pq.ParquetWriter(path, self.schema, **self.options)
            self._shard_bytes = 0
        before = self.hash.nbytes
        self.hash.update(group)
        self._shard_bytes += self.hash.nbytes - before
        self._writer.write_table(group.replace_schema_metadata(self.schema.metadata), row_group_size=len(group))
        self.rows += len(group)
        if self._shard_bytes >= MAX_SHARD_BYTES:
            self._close_shard()

    def _close_shard(self) -> None:
        """Close the shard being written and take its sha256 (read back while it is fresh in the
        page cache, so the manifest and croissant.json need not read it again)."""
        assert self._writer is not None
        self._writer.close()
        self._writer = None
        self._digests.append(file_sha256(self.shards[-1]))

    def abort(self) -> None:
        """Close the shard being written, ignoring its errors (the build failed: the staging folder
        is removed), so that its writer's ``__del__`` does not try again and print a traceback."""
        writer, self._writer = self._writer, None
        if writer is not None:
            with suppress(Exception):
                writer.close()
            writer.is_open = False  # a close that failed half-way is not tried again by __del__

    def close(self) -> list[str]:
        """Write what is pending, name the shards ``-NNNNN-of-NNNNN``; their relative paths.

        A split without rows in this config gets no file: ``datasets`` cannot load a split of
        0 rows ("corresponds to no data"), so the card and the manifest leave it out."""
        if self.pending_rows:
            self._flush(self.pending_rows)
        if self._writer is not None:
            self._close_shard()
        names = []
        for i, (path, digest) in enumerate(zip(self.shards, self._digests, strict=True)):
            final = path.with_name(f"{self.split}-{i:05d}-of-{len(self.shards):05d}.parquet")
            path.rename(final)
            names.append(f"data/{self.config}/{final.name}")
            self.sha256[names[-1]] = digest
        return names


def parquet_leaves(schema: pa.Schema) -> list[tuple[str, pa.DataType, bool]]:
    """Each leaf column as Parquet names it (``a.list.element.b``), its type, and whether it lies in a list."""
    found: list[tuple[str, pa.DataType, bool]] = []

    def walk(path: str, kind: pa.DataType, in_list: bool) -> None:
        if pa.types.is_struct(kind):
            for i in range(kind.num_fields):
                walk(f"{path}.{kind.field(i).name}", kind.field(i).type, in_list)
        elif pa.types.is_list(kind) or pa.types.is_large_list(kind):
            walk(f"{path}.list.element", kind.value_type, True)
        else:
            found.append((path, kind, in_list))

    for each in schema:
        walk(each.name, each.type, False)
    return found


def parquet_options(schema: pa.Schema) -> dict[str, Any]:
    """``PARQUET_OPTIONS`` with the per-column choices for ``schema``'s columns.

    - 32-bit integers (the offsets: ``features`` makes every bounded integer int32, ClassLabel ids
      are int64) are DELTA_BINARY_PACKED instead of dictionary-encoded: they hardly repeat, and
      their neighbours are close (the release is about 30% smaller, and written faster);
    - statistics (min/max/nulls per row group) are kept for the columns outside lists (``doc_id``,
      ``split``, offsets, …), which readers use to skip row groups; they are left out inside lists,
      where no reader filters on them and computing them costs about a tenth of the writing.
    """
    leaves = parquet_leaves(schema)
    delta = [path for path, kind, _ in leaves if pa.types.is_int32(kind)]
    return {
        **PARQUET_OPTIONS,
        "use_dictionary": [path for path, _, _ in leaves if path not in delta],
        "column_encoding": dict.fromkeys(delta, "DELTA_BINARY_PACKED"),
        "write_statistics": [path for path, _, in_list in leaves if not in_list],
    }


def parquet_metadata(config: str, metadata: dict[str, Any], texts: TextPolicy) -> dict[str, Any]:
    return {
        "config": config,
        "dataset": metadata["name"],
        "dataset_version": metadata["version"],
        "schema_version": schema_version(),
        "text_policy": texts.mode,
    }


def released_hashes(metadata: dict[str, Any]) -> dict[str, dict[str, str]]:
    """``RELEASED`` as version → text policy → content hash. A version recorded with one hash was
    released in one form, with every text (``all``), as 1.0.0 was."""
    out = {}
    for version, recorded in metadata.get(RELEASED, {}).items():
        out[version] = {"all": recorded} if isinstance(recorded, str) else dict(recorded)
    return out


def released_form(metadata: dict[str, Any], version: str, mode: str, all_texts: bool) -> str | None:
    """The form of ``version`` recorded for rows built with text policy ``mode`` (``all_texts``:
    no text was withheld, so the rows are the ``all`` form whatever the policy), if recorded."""
    forms = released_hashes(metadata).get(version, {})
    if all_texts and "all" in forms:
        return "all"
    return mode if mode in forms else None


def released_version_changed(
    metadata: dict[str, Any], content: str, texts: TextPolicy, all_texts: bool, where: str = "metadata.json"
) -> Issue | None:
    """An issue when ``metadata``'s version was released (``RELEASED``) with rows that hash other
    than ``content`` in the same form: a released version's data never changes. Rows that withhold
    texts differ by design, and are compared only when their form's hash is recorded too."""
    version = metadata["version"]
    form = released_form(metadata, version, texts.mode, all_texts)
    if form is None:
        return None
    recorded = released_hashes(metadata)[version][form]
    if recorded == content:
        return None
    pointer = f"/{RELEASED}/{version}" + ("" if isinstance(metadata[RELEASED][version], str) else f"/{form}")
    return issue(
        "released-version-changed",
        f"version {version} was released (texts: {form}) with content sha256 {recorded[:12]}…, but these "
        f"rows hash to {content[:12]}…: the data changed since, so the version must change too",
        file=where,
        pointer=pointer,
    )


# --- the card's YAML header ----------------------------------------------------------------------------


def size_category(n: int) -> str:
    """The Hub's ``size_categories`` bucket for ``n`` examples."""
    for limit, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M")):
        if n < limit:
            return name
    return "1M<n<10M" if n < 10_000_000 else "10M<n<100M"


def card_header(
    metadata: dict[str, Any], splits: dict[str, dict[str, dict[str, int]]], sizes: dict[str, int], texts_shipped: bool
) -> dict[str, Any]:
    """The card's YAML: licence, languages, categories, ``configs`` and ``dataset_info``.

    ``splits`` is config → split → {num_examples, num_bytes}; ``sizes`` is config → bytes of Parquet.
    """
    from newsfacts.release.features import config_features

    documents = sum(s["num_examples"] for s in splits["documents"].values())
    annotation_license = metadata["annotation_license"].lower()
    header: dict[str, Any] = {"pretty_name": metadata.get("pretty_name", metadata["name"])}
    if not texts_shipped:
        header["license"] = annotation_license
    else:  # the article texts are under their own licences, listed per document
        header["license"] = "other"
        header["license_name"] = f"{annotation_license}-annotations-texts-under-their-own-licences"
        header["license_link"] = LICENSES
    header["language"] = metadata.get("language", ["en"])
    header["task_categories"] = metadata.get("task_categories", ["token-classification"])
    header["task_ids"] = metadata.get("task_ids", ["named-entity-recognition"])
    header["size_categories"] = [size_category(documents)]
    header["annotations_creators"] = metadata.get("annotations_creators", ["other"])
    header["source_datasets"] = metadata.get("source_datasets", ["original"])
    header["configs"] = [
        {
            "config_name": config,
            **({"default": True} if config == "documents" else {}),
            "data_files": [{"split": s, "path": f"data/{config}/{s}-*.parquet"} for s in splits[config]],
        }
        for config in splits
    ]
    header["dataset_info"] = [
        {
            "config_name": config,
            "features": config_features(config)._to_yaml_list(),
            "splits": [{"name": s, **splits[config][s]} for s in splits[config]],
            "download_size": sizes[config],
            "dataset_size": sum(s["num_bytes"] for s in splits[config].values()),
        }
        for config in splits
    ]
    return header


# --- the source ----------------------------------------------------------------------------------


def source_revision(path: Path) -> dict[str, Any]:
    """The git commit ``path`` is at and whether the work tree differs from it (null outside git)."""

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", "-C", str(path), *args], capture_output=True, text=True, timeout=30, check=False
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if commit is None:
        return {"commit": None, "dirty": None}
    status = git("status", "--porcelain")
    return {"commit": commit.strip(), "dirty": None if status is None else bool(status.strip())}


# --- the folder swap -------------------------------------------------------------------------------


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two directories (Linux renameat2); False where unsupported."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(a))


def swap_into_place(staging: Path, out: Path) -> None:
    """Put ``staging`` at ``out``; the previous ``out`` is removed only once it is replaced."""
    if not out.exists():
        os.rename(staging, out)
        return
    if not _exchange(staging, out):  # two renames: a kill between them leaves the old release aside
        aside = staging.with_name(staging.name + ".old")
        os.rename(out, aside)
        os.rename(staging, out)
        staging = aside
    shutil.rmtree(staging, ignore_errors=True)


def staging_folder(out: Path) -> Path:
    return out.parent / f".{out.name}.build-{os.getpid()}"


def remove_stale_staging(out: Path) -> None:
    """Remove the staging folders of builds that were killed (their process is gone)."""
    for path in out.parent.glob(f".{out.name}.build-*"):
        pid = path.name.rsplit("-", 1)[-1].removesuffix(".old")
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def lock_path(out: Path) -> Path:
    return out.parent / f".{out.name}.lock"


@contextmanager
def out_lock(out: Path, report: Report) -> Iterator[None]:
    """Hold the lock of ``out`` (an exclusive ``flock`` on ``.<name>.lock`` beside it, holding the
    holder's pid) while building into it; raise ``InvalidCorpus`` (release-out-locked) naming the
    holder when another build holds it. The lock file is removed on the way out."""
    import fcntl

    path = lock_path(out)
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            report.issues.append(
                issue(
                    "release-out-locked",
                    f"another build (pid {holder}) is writing {out}: wait for it, or choose another --out",
                    file=str(out),
                )
            )
            raise InvalidCorpus(report) from None
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:  # not a lock file its previous holder removed meanwhile
            break
        os.close(fd)
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        with suppress(OSError):
            path.unlink()
        os.close(fd)


def check_out(out: Path) -> Issue | None:
    """Refuse to replace anything but a release (or an empty folder), and a symlink whatever it
    points to (the swap would replace the link itself, not what it names)."""
    if out.is_symlink():
        return issue(
            "release-out-unsafe",
            f"{out} is a symbolic link: refusing to replace it (pass the folder it points to)",
            file=str(out),
        )
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MANIFEST).is_file())):
        return issue(
            "release-out-unsafe", f"{out} exists and is not a newsfacts release: refusing to replace it", file=str(out)
        )
    return None


# --- the build ------------------------------------------------------------------------------------------


def repo_root_for(corpus: Path) -> Path:
    """The folder whose DATASHEET.md and CHANGELOG.md a release ships: the checkout ``corpus``
    is in, else the package's own copies (a wheel's ``newsfacts/_docs``, or this checkout)."""
    parent = corpus.resolve().parent
    if (parent / "DATASHEET.md").is_file() and (parent / "schema").is_dir():
        return parent
    packaged = Path(__file__).resolve().parent.parent / "_docs"
    return packaged if (packaged / "DATASHEET.md").is_file() else schema_dir().resolve().parent


def build_release(
    corpus: Path = Path("corpus"),
    out: Path = Path("dist/newsfacts"),
    *,
    texts: str = "licensed",
    withhold_text: bool = False,
    jobs: int | None = None,
    repo_root: Path | None = None,
    progress: Progress | None = None,
) -> Manifest:
    """Validate ``corpus`` and build the release folder ``out`` from its gold documents.

    ``texts`` is the text policy (``licensed``: the texts whose licence the metadata lists as
    redistributable; ``all``; ``none``); ``withhold_text`` is ``texts="none"``.
    Raises ``InvalidCorpus`` (nothing written) when the corpus or its metadata is invalid.
    """
    report = Report()
    try:
        metadata = load_metadata(corpus)
    except MetadataError as exc:
        report.issues += exc.issues
        raise InvalidCorpus(report) from None
    policy = text_policy(metadata, "none" if withhold_text else texts)
    root = repo_root or repo_root_for(corpus)
    files, problems = discover([corpus / "documents"])
    report.issues += problems
    report.files = len(files)
    if report.errors:
        raise InvalidCorpus(report)
    read_problems: list[Issue] = []

    def records() -> Iterator[Record | Block]:
        for path in files:
            for item in read_blocks(path):
                if isinstance(item, Issue):
                    read_problems.append(item)
                else:
                    yield item

    size = sum(p.stat().st_size for p in files)
    return write_release(
        records(),
        out,
        metadata=metadata,
        repo_root=root,
        source=source_revision(corpus),
        texts=policy,
        jobs=_jobs(jobs, size),
        progress=progress,
        report=report,
        late_issues=read_problems,
        metadata_file=str(corpus / "metadata.json"),
        check_docs=(root / "corpus").resolve() == corpus.resolve(),
    )


def committed_docs_issues(root: Path) -> list[Issue]:
    """The committed DATASHEET.md and CITATION.cff against the corpus they describe (a build of the
    repository's own corpus ships them, and refuses stale ones)."""
    from newsfacts.docs.datasheet import check_docs

    return [i for i in check_docs(root).issues if i.severity != "warning"]


def text_policy(metadata: dict[str, Any], mode: str) -> TextPolicy:
    """The ``TextPolicy`` ``mode`` names, with the metadata's redistributable licences."""
    return TextPolicy(mode, tuple(metadata.get("redistributable_text_licenses", [])))


def unreleasable(keys: Iterable[DocKey]) -> Iterator[Issue]:
    """A record of the gold set whose annotation is not adjudicated gold is never released."""
    for key in keys:
        if key.annotation_set == "gold" and key.status != "gold":
            yield issue(
                "release-not-adjudicated",
                f"{key.doc_id!r} is in the gold set with status {key.status!r}",
                file=key.file,
                line=key.line,
                pointer="/annotation/status",
            )


def _jobs(jobs: int | None, size: int) -> int:
    if jobs is not None:
        return jobs
    return min(2, os.cpu_count() or 1) if size >= PARALLEL_MIN_BYTES else 1


@dataclass
class Job:
    """What one build writes from, and how (see ``write_release``)."""

    metadata: dict[str, Any]
    repo_root: Path
    source: dict[str, Any]
    texts: TextPolicy = field(default_factory=TextPolicy)
    jobs: int = 1
    progress: Progress | None = None
    check_seeds: bool = True
    check_docs: bool = False  # the corpus is the repository's own: its DATASHEET.md and CITATION.cff must be current
    report: Report = field(default_factory=Report)
    late_issues: list[Issue] = field(default_factory=list)  # found while the records stream
    metadata_file: str = "metadata.json"  # where ``metadata`` was read, for issues about it


def write_release(
    records: Iterable[Record | Block],
    out: Path,
    *,
    metadata: dict[str, Any],
    repo_root: Path,
    source: dict[str, Any],
    texts: TextPolicy | None = None,
    jobs: int = 1,
    progress: Progress | None = None,
    check_seeds: bool = True,
    report: Report | None = None,
    late_issues: list[Issue] | None = None,
    metadata_file: str = "metadata.json",
    check_docs: bool = False,
) -> Manifest:
    """Validate ``records`` and write the release of their gold documents to ``out``, atomically.

    ``metadata`` is the corpus metadata, ``repo_root`` the folder whose schema/, DATASHEET.md and
    CITATION.cff are shipped, ``source`` the source revision recorded in the manifest.
    ``check_seeds`` compares seed files with their recorded hashes (the corpus-wide check).
    ``late_issues`` may grow while ``records`` is consumed: any error there stops the build.
    """
    texts = texts or TextPolicy("all")
    job = Job(metadata, repo_root, source, texts, jobs, progress, check_seeds, check_docs, metadata_file=metadata_file)
    job.report = report if report is not None else job.report
    job.late_issues = late_issues if late_issues is not None else job.late_issues
    unsafe = check_out(out)
    if unsafe is not None:
        job.report.issues.append(unsafe)
        raise InvalidCorpus(job.report)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out_lock(out, job.report):
        return _write_locked(records, out, job)


def _write_locked(records: Iterable[Record | Block], out: Path, job: Job) -> Manifest:
    remove_stale_staging(out)
    staging = staging_folder(out)
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    workers = None
    try:
        # the workers start now: they start up while this process imports what the writing needs
        workers = Workers("newsfacts.release.build:convert_batch", job.jobs) if job.jobs > 1 else None
        manifest = _write(records, staging, job, workers)
        swap_into_place(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        if workers is not None:
            workers.close()
    return manifest


def _write(records: Iterable[Record | Block], staging: Path, job: Job, workers: Workers | None = None) -> Manifest:
    writers: dict[tuple[str, str], SplitWriter] = {}
    try:
        return _write_into(records, staging, job, workers, writers)
    except BaseException:
        for writer in writers.values():
            writer.abort()
        raise


def _write_into(
    records: Iterable[Record | Block],
    staging: Path,
    job: Job,
    workers: Workers | None,
    writers: dict[tuple[str, str], SplitWriter],
) -> Manifest:
    from newsfacts.release.features import arrow_schema, conversion_plan
    from newsfacts.release.release_docs import write_release_docs

    metadata, texts, report = job.metadata, job.texts, job.report
    schemas = {c: arrow_schema(c, parquet_metadata(c, metadata, texts)) for c in CONFIGS}
    keys: list[DocKey] = []
    withheld: list[str] = []

    def failed() -> bool:
        return bool(report.errors) or any(i.severity != "warning" for i in job.late_issues)

    plan = conversion_plan()

    def write(shipped_by_split: dict[str, dict[str, pa.Table]]) -> None:
        for split, shipped in shipped_by_split.items():
            tables = with_layers(shipped, plan)
            if ("documents", split) not in writers:
                for config in CONFIGS:
                    writers[config, split] = SplitWriter(staging / "data" / config, config, split, schemas[config])
                for layer in LAYERS:  # the documents' nested annotations are these configs' rows
                    writers["documents", split].hash.borrow(layer, writers[layer, split].hash)
            for config in CONFIGS:
                writers[config, split].add(tables[config])

    # The writing (Parquet, hashes) runs on a thread of its own, in order, a batch or two behind:
    # it spends its time in pyarrow and hashlib, which let go of the GIL, so this thread goes on
    # taking results from the workers meanwhile instead of leaving them waiting on a full pipe.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsfacts-write") as writer:
        queued: deque[Future[None]] = deque()
        try:
            for result in _results(_batches(records, BATCH_DOCUMENTS), plan, texts, workers, failed):
                report.extend(result.issues)
                withheld += result.withheld
                report.documents += result.records
                keys += result.keys
                if job.progress is not None:
                    job.progress(result.size)
                if failed():
                    continue
                queued.append(writer.submit(write, result.tables))
                while len(queued) > WRITE_QUEUE or (queued and queued[0].done()):
                    queued.popleft().result()  # a writing error is raised here
            while queued:
                queued.popleft().result()
        except BaseException:
            # the batches not yet written never will be; the one being written is waited for,
            # so nothing writes into the staging folder once the caller removes it
            writer.shutdown(wait=True, cancel_futures=True)
            raise
    report.extend(job.late_issues)
    if not job.check_seeds:
        keys = [dataclasses.replace(k, seed_file=None) for k in keys]
    # The writers write their last row groups on threads of their own (pyarrow and hashlib let go
    # of the GIL) while this one runs the corpus-wide checks: the workers are done, so the end of
    # a build would otherwise keep one core of two idle.
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="newsfacts-close") as closing:
        valid = not report.errors
        closed = {key: closing.submit(writer.close) for key, writer in sorted(writers.items()) if valid}
        report.extend(corpus_checks(keys, None))
        futures.wait(closed.values())
    report.extend(unreleasable(keys))
    gold = sum(k.annotation_set == "gold" for k in keys)
    if not report.errors and gold == 0:
        report.issues.append(issue("no-gold-documents", "the corpus holds no gold document: nothing to release"))
    if not report.errors and job.check_docs:
        report.extend(committed_docs_issues(job.repo_root))
    if report.errors:  # the corpus's issues, not a failure to write what will not be published
        raise InvalidCorpus(report)
    shards = {key: future.result() for key, future in closed.items()}  # a writing error is raised here

    splits: dict[str, dict[str, dict[str, int]]] = {c: {} for c in CONFIGS}
    for split in sorted({s for _, s in writers}):
        for config in CONFIGS:
            writer = writers[config, split]
            if writer.rows:
                splits[config][split] = {"num_bytes": writer.hash.nbytes, "num_examples": writer.rows}
    splits = {config: found for config, found in splits.items() if found}  # a config without rows: left out
    sizes = {
        c: sum(
            (staging / name).stat().st_size for (config, _), names in shards.items() if config == c for name in names
        )
        for c in splits
    }
    configs: dict[str, Any] = {}
    split_hashes = []
    for config in splits:
        configs[config] = {}
        for split in splits[config]:
            digest = writers[config, split].hash.hexdigest()
            split_hashes.append((config, split, digest))
            configs[config][split] = {
                **splits[config][split],
                "content_sha256": digest,
                "files": shards[config, split],
            }
    changed = released_version_changed(metadata, combined_hash(split_hashes), texts, not withheld, job.metadata_file)
    if changed is not None:
        report.issues.append(changed)
        raise InvalidCorpus(report)
    documents = sum(s["num_examples"] for s in splits.get("documents", {}).values())
    header = card_header(metadata, splits, sizes, texts_shipped=len(withheld) < documents)
    sha256 = {name: digest for writer in writers.values() for name, digest in writer.sha256.items()}
    write_release_docs(
        staging,
        card_header=header,
        metadata=metadata,
        repo_root=job.repo_root,
        configs=configs,
        withheld=set(withheld),
        sha256=sha256,
    )
    manifest = Manifest(
        {
            "manifest_format": MANIFEST_FORMAT,
            "name": metadata["name"],
            "dataset_version": metadata["version"],
            "schema_version": schema_version(),
            "source": job.source,
            "texts": {"policy": texts.mode, "licences": list(texts.licences), "withheld": sorted(withheld)},
            "content_sha256": combined_hash(split_hashes),
            "configs": configs,
            "files": file_entries(staging, sha256),
            "metadata": metadata,
        }
    )
    manifest.write(staging)
    return manifest
