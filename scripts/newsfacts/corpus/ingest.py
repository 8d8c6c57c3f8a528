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
import unicodedata
from dataclasses import dataclass, field
from os.path import commonprefix
from pathlib import Path
from typing import Any

from newsfacts.contract.checks import iter_spans
from newsfacts.contract.codes import issue
from newsfacts.contract.documents import LAYERS, dump_document, load_document, write_atomic
from newsfacts.contract.report import Issue
from newsfacts.contract.schema import schema_version

#: Lines that end news pages but are not part of the article.
BOILERPLATE_LINES = ("Comments are closed.",)
SOURCE_FIELDS = ("publisher", "author", "url", "published", "retrieved")
GUIDELINES_VERSION = "1.0.0"


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


def _attested(value: Any, status: str, note: str | None) -> dict[str, Any]:
    return {"value": value, "status": status, "note": note}


def new_record(seed: Path, raw: bytes, provenance: dict[str, Any]) -> dict[str, Any]:
    """The corpus record of a seed article, with empty annotation layers."""
    doc_id = seed.stem
    text = normalise_text(raw)
    extra = provenance.get("documents", {}).get(doc_id, {})
    defaults = provenance.get("defaults", {})
    source: dict[str, Any] = {
        name: extra.get(name) or _attested(None, "unknown", defaults.get(name, "Not supplied with the seed file."))
        for name in SOURCE_FIELDS
    }
    source["seed_file"] = seed.name
    source["seed_sha256"] = sha256_hex(raw)
    return {
        "schema_version": schema_version(),
        "doc_id": doc_id,
        "text": text,
        "title": text.split("\n", 1)[0],
        "language": extra.get("language", "en"),
        "text_sha256": sha256_hex(text),
        "source": source,
        "text_license": extra.get("text_license")
        or _attested(None, "unknown", defaults.get("text_license", "No licence was supplied.")),
        "annotation_license": provenance.get("annotation_license")
        or _attested(None, "unknown", "No annotation licence is configured."),
        "split": extra.get("split", "test"),
        "annotation": {
            "set": "gold",
            "status": "gold",
            "guidelines_version": GUIDELINES_VERSION,
            "annotators": [],
            "note": None,
        },
        **{layer: [] for layer in LAYERS},
    }


@dataclass
class IngestResult:
    doc_id: str
    path: Path
    action: str  # created | unchanged | updated | reanchored
    issues: list[Issue] = field(default_factory=list)
    lost: list[dict[str, Any]] = field(default_factory=list)


def ingest_seed(seed: Path, corpus: Path, *, force: bool = False) -> IngestResult:
    """Create or check the record of one seed article under ``corpus/documents/``."""
    name = str(seed)
    raw = seed.read_bytes()
    provenance_path = corpus / "provenance.json"
    target = corpus / "documents" / f"{seed.stem}.json"
    result = IngestResult(seed.stem, target, "created")
    try:
        provenance = json.loads(provenance_path.read_text(encoding="utf-8")) if provenance_path.is_file() else {}
    except ValueError as exc:
        result.action = "refused"
        result.issues.append(_unreadable(f"{provenance_path} is not valid JSON: {exc}", provenance_path))
        return result
    try:
        fresh = new_record(seed, raw, provenance)
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
    content = dump_document(merged)
    if target.read_text(encoding="utf-8") == content:
        result.action = "unchanged"
    else:
        write_atomic(target, content)
        result.action = result.action if result.action == "reanchored" else "updated"
    return result


def _unreadable_record(target: Path, force: bool) -> Issue | None:
    """Why the existing record cannot be merged with (or, with ``force``, re-anchored), if so."""
    from newsfacts.contract.validate import validate_document

    try:
        old = load_document(target)
    except ValueError as exc:
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
