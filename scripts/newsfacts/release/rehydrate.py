"""Restore the article texts a release withholds (``newsfacts build --texts licensed|none``) from the user's own copies.

``rehydrate_release(release, texts)`` reads the release's ``documents`` rows and, for each
document whose text it withholds, the user's copy of its text in the folder ``texts``: the raw seed file under its
``source.seed_file`` name, or ``<doc_id>.txt``. Either is normalised as ingest does
(``newsfacts.corpus.ingest.normalise_text``: UTF-8, LF line ends, NFC, trailing boilerplate and
surrounding whitespace removed), so a raw seed and an already normalised text both work. A copy
whose normalised text does not hash to the document's ``text_sha256`` is refused, and so is a
missing one: each is reported by document, and nothing is written unless every text is restored.

The restored documents (text, title, every span's text) go through the same build as the
corpus (``build.write_release``), with the release's own metadata, source commit and shipped
documents: the result equals the release built from the corpus with ``--texts all``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from newsfacts.contract.checks import iter_spans
from newsfacts.contract.codes import issue
from newsfacts.contract.reading import MAX_RECORD_BYTES, Record, read_regular
from newsfacts.contract.report import Issue, Report
from newsfacts.corpus.ingest import normalise_text, sha256_hex
from newsfacts.release.build import InvalidCorpus, Progress, text_policy, write_release
from newsfacts.release.manifest import MANIFEST, Manifest
from newsfacts.release.release_files import read_manifest
from newsfacts.release.verify import verify_release


def find_copy(texts: Path, doc: dict[str, Any]) -> Path | None:
    """The user's copy of ``doc``'s text in ``texts``: its seed file, else ``<doc_id>.txt``."""
    source = doc.get("source") if isinstance(doc.get("source"), dict) else {}
    for name in (source.get("seed_file"), f"{doc['doc_id']}.txt"):
        if not isinstance(name, str) or not name or name.startswith("/") or "\\" in name:
            continue
        if ".." in PurePosixPath(name).parts:  # never a file outside the folder of texts
            continue
        if (texts / name).is_file():
            return texts / name
    return None


def restore(doc: dict[str, Any], text: str) -> dict[str, Any]:
    """``doc`` with ``text``, its title and every span's text put back."""
    doc["text"] = text
    doc["title"] = text.split("\n", 1)[0]
    for _, span in iter_spans(doc):
        span["text"] = text[span["start"] : span["end"]]
    return doc


def _documents(release: Path, manifest: Manifest) -> Iterator[tuple[str, int, dict[str, Any]]]:
    from newsfacts.release.views import decode_labels

    for entry in manifest.content["configs"]["documents"].values():
        for name in entry["files"]:
            handle = pq.ParquetFile(release / name)
            row = 0
            for i in range(handle.num_row_groups):
                for doc in decode_labels(handle.read_row_group(i)).to_pylist():
                    row += 1
                    yield name, row, doc


def rehydrated_records(release: Path, manifest: Manifest, texts: Path, problems: list[Issue]) -> Iterator[Record]:
    """The release's documents with their withheld texts restored, as records for the build."""
    try:
        documents = list(_documents(release, manifest))
    except (pa.ArrowException, OSError, KeyError, IndexError, TypeError, ValueError) as exc:
        problems.append(issue("parquet-unreadable", f"cannot read the release's documents: {exc}"))
        return
    for name, row, doc in documents:
        where = {"file": name, "line": row, "pointer": "/text"}
        if not isinstance(doc.get("doc_id"), str) or not isinstance(doc.get("text_sha256"), str):
            problems.append(issue("schema-violation", "a document row without doc_id or text_sha256", **where))
            continue
        if not manifest.withholds(doc["doc_id"]):
            yield Record(f"{name}#{row}", 1, orjson.dumps(doc), single=False)
            continue
        copy = find_copy(texts, doc)
        if copy is None:
            problems.append(
                issue("text-copy-missing", f"document {doc['doc_id']!r}: no {doc['doc_id']}.txt in {texts}", **where)
            )
            continue
        try:
            text = normalise_text(read_regular(copy, MAX_RECORD_BYTES))
        except (OSError, ValueError) as exc:
            problems.append(
                issue("text-copy-differs", f"document {doc['doc_id']!r}: cannot read {copy}: {exc}", **where)
            )
            continue
        digest = sha256_hex(text)
        if digest != doc["text_sha256"]:
            problems.append(
                issue(
                    "text-copy-differs",
                    f"document {doc['doc_id']!r}: {copy.name} normalises to a text with sha256 {digest[:12]}…, "
                    f"not the annotated {doc['text_sha256'][:12]}…",
                    **where,
                )
            )
            continue
        yield Record(f"{name}#{row}", 1, orjson.dumps(restore(doc, text)), single=False)


def rehydrate_release(
    release: Path,
    texts: Path,
    out: Path | None = None,
    *,
    jobs: int | None = None,
    progress: Progress | None = None,
) -> Manifest:
    """Write the full release (texts restored) to ``out`` (default: ``release`` itself, replaced
    atomically). Raises ``InvalidCorpus`` when a text cannot be restored: nothing is written."""
    report = Report()
    if not (release / MANIFEST).is_file():
        report.issues.append(issue("release-not-found", f"{release} holds no {MANIFEST}", file=str(release)))
        raise InvalidCorpus(report)
    if not texts.is_dir():
        report.issues.append(issue("texts-not-found", f"no such folder of texts: {texts}", file=str(texts)))
        raise InvalidCorpus(report)
    verified = verify_release(release)  # all of it: rehydrating trusts the release no more than verify does
    if verified.errors:
        report.extend(verified.issues)
        raise InvalidCorpus(report)
    manifest = read_manifest(release)
    if not manifest.text_withheld:
        report.issues.append(issue("text-not-withheld", f"{release} already holds the texts", file=str(release)))
        raise InvalidCorpus(report)
    problems: list[Issue] = []
    documents = sum(s["num_examples"] for s in manifest.content["configs"]["documents"].values())
    return write_release(
        rehydrated_records(release, manifest, texts, problems),
        out or release,
        metadata=manifest.content["metadata"],
        repo_root=release,
        source=manifest.content.get("source") or {},
        texts=text_policy(manifest.content["metadata"], "all"),
        jobs=jobs if jobs is not None else (2 if documents > 2_000 else 1),
        progress=progress,
        check_seeds=False,  # the user's copies were checked against text_sha256 instead
        report=report,
        late_issues=problems,
        metadata_file=str(release / MANIFEST),
    )
