"""Ingest: turn a raw seed article into the corpus record that annotations are made on.

Normalisation, in this order (listed in DATASHEET.md, Preprocessing):
1. decode the bytes as UTF-8 (a byte-order mark is dropped);
2. line ends CRLF and CR become LF;
3. Unicode NFC;
4. trailing page boilerplate is removed: the lines of ``BOILERPLATE_LINES`` at the end of
   the text (after stripping each line), with the blank lines before them;
5. surrounding whitespace is trimmed.
The title is the first line of the result. Ingest never overwrites annotations.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from os.path import commonprefix
from pathlib import Path, PurePosixPath
from typing import Any

from newsfacts.contract.checks import iter_spans
from newsfacts.contract.codes import issue
from newsfacts.contract.documents import LAYERS, dump_document, load_document, write_atomic
from newsfacts.contract.report import Issue
from newsfacts.contract.schema import schema_version
from newsfacts.corpus.provenance import (
    GENERIC_UNKNOWN,
    SOURCE_FIELDS,
    Provenance,
    ProvenanceError,
    collection_fields,
    load_provenance,
    unknown,
)

#: Lines that end news pages but are not part of the article.
BOILERPLATE_LINES = ("Comments are closed.",)
#: The version of corpus/GUIDELINES.md that annotation made now follows (a test keeps them equal).
GUIDELINES_VERSION = "1.4.0"
#: What an ingested record says about its annotation: none yet. ``build`` refuses to release it.
UNANNOTATED = {
    "set": "gold",
    "status": "unannotated",
    "guidelines_version": None,
    "annotators": [],
    "note": "Created by `newsfacts ingest`: not annotated yet.",
}


def normalise_text(raw: bytes) -> str:
    """The stored text of a seed article (see the module docstring for the rules)."""
    text = raw.decode("utf-8").removeprefix("\ufeff")
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = text.strip().split("\n")
    while lines and (lines[-1].strip() in BOILERPLATE_LINES or not lines[-1].strip()):
        lines.pop()
    return "\n".join(lines).strip()


def sha256_hex(data: bytes | str) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def find_seeds(path: Path) -> Path | None:
    """The ``seeds`` folder a seed file lies in (the nearest ancestor of that name), if any."""
    for folder in path.resolve().parents:
        if folder.name == "seeds":
            return folder
    return None


def new_record(
    seed: Path, raw: bytes, provenance: Provenance | None = None, *, seed_file: str | None = None
) -> dict[str, Any]:
    """The corpus record of a seed article, with empty annotation layers.

    ``seed_file`` is the seed's path relative to the ``seeds`` folder (default: its name), and
    the record's ``doc_id`` is its name without the extension. Every provenance field comes from
    ``provenance`` (see ``newsfacts.corpus.provenance``) or stays unknown with a note.
    """
    provenance = provenance if isinstance(provenance, Provenance) else Provenance()
    doc_id = seed.stem
    relative = seed_file or seed.name
    text = normalise_text(raw)
    given = {
        **collection_fields(provenance, PurePosixPath(relative), raw),
        **provenance.documents.get(doc_id, {}),
    }

    def attested(name: str) -> dict[str, Any]:
        return given.get(name) or unknown(provenance.defaults.get(name, GENERIC_UNKNOWN))

    source: dict[str, Any] = {name: attested(name) for name in SOURCE_FIELDS}
    source["seed_file"] = relative
    source["seed_sha256"] = sha256_hex(raw)
    return {
        "schema_version": schema_version(),
        "doc_id": doc_id,
        "text": text,
        "title": text.split("\n", 1)[0],
        "language": given.get("language", "en"),
        "text_sha256": sha256_hex(text),
        "source": source,
        "text_license": attested("text_license"),
        "annotation_license": provenance.annotation_license
        or unknown("No annotation licence is configured in corpus/provenance.json."),
        "split": given.get("split", "test"),
        "annotation": dict(UNANNOTATED),
        **{layer: [] for layer in LAYERS},
    }


@dataclass
class IngestResult:
    doc_id: str
    path: Path
    action: str  # created | unchanged | updated | reanchored
    issues: list[Issue] = field(default_factory=list)
    lost: list[dict[str, Any]] = field(default_factory=list)


def ingest_seed(
    seed: Path, corpus: Path, *, force: bool = False, seeds: Path | None = None, provenance: Provenance | None = None
) -> IngestResult:
    """Create or check the record of one seed article under ``corpus/documents/``.

    ``seeds`` is the folder seed paths are relative to (default: the ``seeds`` folder the file is
    in, else the file's own folder); ``provenance`` is ``load_provenance(corpus, seeds)``, loaded
    here when not given (pass it when ingesting many files).
    """
    name = str(seed)
    seeds = seeds or find_seeds(seed) or seed.resolve().parent
    try:
        relative = seed.resolve().relative_to(seeds.resolve()).as_posix()
    except ValueError:
        found = issue("seed-outside-seeds", f"{seed} is not inside the seeds folder {seeds}", file=name)
        return IngestResult(seed.stem, corpus / "documents" / f"{seed.stem}.json", "refused", [found])
    target = corpus / "documents" / f"{seed.stem}.json"
    result = IngestResult(seed.stem, target, "created")
    if not _valid_doc_id(seed.stem):
        result.action = "refused"
        result.issues.append(
            issue("seed-name-invalid", f"{seed.name!r} does not make a valid doc_id ({seed.stem!r})", file=name)
        )
        return result
    raw = seed.read_bytes()
    try:
        provenance = provenance if provenance is not None else load_provenance(corpus, seeds)
        fresh = new_record(seed, raw, provenance, seed_file=relative)
    except ProvenanceError as exc:
        result.action = "refused"
        result.issues.append(exc.issue)
        return result
    except UnicodeDecodeError as exc:
        result.issues.append(
            issue("seed-not-utf8", f"the seed is not UTF-8: {exc.reason} at byte {exc.start}", file=name)
        )
        return result
    if not fresh["text"]:
        result.issues.append(issue("seed-empty", "the seed holds no text", file=name))
        return result
    if not target.exists():
        write_atomic(target, dump_document(fresh))
        return result
    unreadable = _unreadable_record(target, force)
    if unreadable is not None:
        result.action = "refused"
        result.issues.append(unreadable)
        return result
    old = load_document(target)
    merged = {**fresh, **{k: old[k] for k in ("split", "annotation", *LAYERS) if k in old}}
    if old["text_sha256"] != fresh["text_sha256"]:
        if not force:
            result.action = "refused"
            result.issues.append(
                issue(
                    "seed-changed",
                    f"the text of {seed.name} differs from the annotated record {target}",
                    file=name,
                )
            )
            return result
        merged, result.lost = reanchor(merged, old["text"], fresh["text"])
        result.action = "reanchored"
    if "schema_version" in old and old["annotation"].get("status") != "unannotated":
        merged["schema_version"] = old["schema_version"]  # what it was annotated against
    content = dump_document(merged)
    if target.read_text(encoding="utf-8") == content:
        result.action = "unchanged"
    else:
        write_atomic(target, content)
        result.action = result.action if result.action == "reanchored" else "updated"
    return result


def _valid_doc_id(stem: str) -> bool:
    return re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}", stem) is not None


def _unreadable_record(target: Path, force: bool) -> Issue | None:
    """Why the existing record cannot be merged with (or, with ``force``, re-anchored), if so."""
    from newsfacts.contract.validate import validate_document

    try:
        old = load_document(target)
    except (ValueError, OSError) as exc:
        return _unreadable(f"the existing record is not valid JSON: {exc}", target)
    if not (isinstance(old, dict) and isinstance(old.get("text"), str) and isinstance(old.get("text_sha256"), str)):
        return _unreadable("the existing record has no `text` and `text_sha256`", target)
    if force and any(i.code == "schema-violation" for i in validate_document(old)):
        return _unreadable("the existing record does not match the schema", target)
    return None


def _unreadable(message: str, path: Path) -> Issue:
    found = issue("unreadable-file", message, file=str(path))
    return dataclasses.replace(found, hint=f"Run `newsfacts validate {path}`, fix the file, then ingest again.")


def reanchor(doc: dict[str, Any], old_text: str, new_text: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Move every span to where its text occurs in ``new_text``: the occurrence whose surroundings
    match the old ones best, and of those the nearest to its old place.

    Annotations with a span that no longer occurs are removed and returned; entities left
    without mentions go too, and references to them become null.
    """
    doc = json.loads(json.dumps(doc))  # a deep copy the caller's record does not share
    broken: set[tuple[str, int]] = set()
    for path, span in iter_spans(doc):
        found = _nearest(new_text, span["text"], span["start"], old_text)
        if found is None:
            broken.add((str(path[0]), int(path[1])))
        else:
            span["start"], span["end"] = found, found + len(span["text"])
    lost: list[dict[str, Any]] = []
    for layer in ("mentions", "quotes", "numeric_facts"):
        kept = []
        for i, item in enumerate(doc[layer]):
            if (layer, i) in broken:
                lost.append({"layer": layer, **item})
            else:
                kept.append(item)
        doc[layer] = kept
    alive = {m["entity_id"] for m in doc["mentions"]}
    lost += [{"layer": "entities", **e} for e in doc["entities"] if e["id"] not in alive]
    doc["entities"] = [e for e in doc["entities"] if e["id"] in alive]
    quotes = {q["id"] for q in doc["quotes"]}
    for quote in doc["quotes"]:
        if quote["speaker_entity_id"] not in alive:
            quote["speaker_entity_id"] = None
    for fact in doc["numeric_facts"]:
        if fact["measured_entity_id"] not in alive:
            fact["measured_entity_id"] = None
        if fact["quote_id"] not in quotes:
            fact["quote_id"] = None
    return doc, lost


#: Characters either side of a span compared to tell its occurrences apart.
_CONTEXT = 80


def _nearest(text: str, needle: str, near: int, old_text: str = "") -> int | None:
    """Where ``needle``, found at ``near`` in ``old_text``, is in ``text``.

    Nearness alone is not enough: a paragraph inserted before a span shifts it onto an earlier
    occurrence of the same words. So the occurrence whose surrounding text matches the old
    surroundings longest wins, and distance only breaks ties.
    """
    end = near + len(needle)
    before, after = old_text[max(0, near - _CONTEXT) : near][::-1], old_text[end : end + _CONTEXT]
    best: int | None = None
    best_key: tuple[int, int] | None = None
    at = text.find(needle)
    while at != -1:
        stop = at + len(needle)
        shared = len(commonprefix([before, text[max(0, at - _CONTEXT) : at][::-1]])) + len(
            commonprefix([after, text[stop : stop + _CONTEXT]])
        )
        key = (-shared, abs(at - near))
        if best_key is None or key < best_key:
            best, best_key = at, key
        at = text.find(needle, at + 1)
    return best
