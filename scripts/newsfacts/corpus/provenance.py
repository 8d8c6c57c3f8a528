"""Where a new article's provenance comes from: ``corpus/provenance.json`` and the sources files it names.

Nothing here is written for one article. A record's provenance fields (``source.publisher``,
``author``, ``url``, ``published``, ``retrieved``, ``text_license``, ``language``, ``split``) are
filled, per field, from the first of:

1. ``documents.<doc_id>``: what is known of one document only (its evidence in the note);
2. a **collection**: a sources file shipped beside the seed files (e.g.
   ``seeds/wikinews/sources.json``, a JSON list with one entry per seed file) and templates that
   turn an entry into field values: ``"{source_url}"`` is the entry's ``source_url``. The entry
   is found by the seed file's path relative to the sources file's folder (the entry's ``key``
   field) and, when it records one, its sha256 must be the file's;
3. ``defaults``: the field stays unknown (value null), with that field's general note.

A sources file is copied byte-identical from where the articles came from; the templates, not
code, say what its fields mean. ``load_provenance`` checks the whole file's shape before any
record is made, so a mistake is reported once, with its place, and nothing is written.
"""

from __future__ import annotations

import hashlib
import json
import string
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from newsfacts.contract.codes import issue
from newsfacts.contract.report import Issue

#: The fields of ``source`` that provenance fills (``seed_file`` and ``seed_sha256`` are computed).
SOURCE_FIELDS = ("publisher", "author", "url", "published", "retrieved")
#: Record fields filled from provenance besides ``source``: attested ones, then plain strings.
ATTESTED_FIELDS = (*SOURCE_FIELDS, "text_license")
PLAIN_FIELDS = ("language", "split")
STATUSES = ("known", "inferred", "unknown")
PROVENANCE = "provenance.json"
GENERIC_UNKNOWN = "Not supplied with the article file, and no sources file or provenance entry gives it."


class ProvenanceError(ValueError):
    """provenance.json or a sources file it names is unusable; ``issue`` says where and why."""

    def __init__(self, found: Issue) -> None:
        super().__init__(found.message)
        self.issue = found


@dataclass
class Collection:
    """A sources file and the templates that turn one of its entries into field values."""

    sources_file: Path
    base: PurePosixPath  # the sources file's folder, relative to seeds/
    key: str
    sha256: str | None
    fields: dict[str, Any]
    entries: dict[str, dict[str, Any]]  # by the key field's value (a path relative to the file's folder)


@dataclass
class Provenance:
    defaults: dict[str, str] = field(default_factory=dict)
    annotation_license: dict[str, Any] | None = None
    collections: list[Collection] = field(default_factory=list)
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)


def _fail(message: str, where: Path, pointer: str | None = None) -> ProvenanceError:
    found = issue("provenance-invalid", message, file=str(where), pointer=pointer)
    return ProvenanceError(found)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}", path) from None
    except ValueError as exc:
        raise _fail(f"{path} is not valid JSON: {exc}", path) from None


def _attested_shape(value: Any, where: Path, pointer: str) -> None:
    if not (
        isinstance(value, dict)
        and set(value) == {"value", "status", "note"}
        and value["status"] in STATUSES
        and (value["value"] is None or isinstance(value["value"], str))
        and (value["note"] is None or isinstance(value["note"], str))
        and (value["status"] != "unknown" or (value["value"] is None and value["note"]))
        and (value["status"] == "unknown" or value["value"])
    ):
        raise _fail(
            "an attested value is {value, status, note}: status known/inferred with a value, "
            "or unknown with value null and a note saying why",
            where,
            pointer,
        )


def _field_shape(name: str, value: Any, where: Path, pointer: str) -> None:
    if name in ATTESTED_FIELDS:
        _attested_shape(value, where, pointer)
    elif name in PLAIN_FIELDS:
        if not isinstance(value, str) or not value:
            raise _fail(f"{name} must be a non-empty string", where, pointer)
    else:
        known = ", ".join((*ATTESTED_FIELDS, *PLAIN_FIELDS))
        raise _fail(f"unknown field {name!r} (provenance fills {known})", where, pointer)


def load_provenance(corpus: Path, seeds: Path) -> Provenance:
    """``corpus/provenance.json`` and the sources files it names (relative to ``seeds``), checked.

    A corpus without provenance.json gets the generic notes. Raises ``ProvenanceError``.
    """
    path = corpus / PROVENANCE
    if not path.exists():
        return Provenance()
    raw = _read_json(path)
    if not isinstance(raw, dict):
        raise _fail(f"{PROVENANCE} must hold an object", path)
    known_keys = {"description", "defaults", "annotation_license", "collections", "documents"}
    for key in raw:
        if key not in known_keys:
            raise _fail(f"unknown key {key!r} (expected {', '.join(sorted(known_keys))})", path, f"/{key}")
    defaults = raw.get("defaults", {})
    if not isinstance(defaults, dict) or not all(
        k in ATTESTED_FIELDS and isinstance(v, str) and v for k, v in defaults.items()
    ):
        raise _fail(f"defaults maps fields ({', '.join(ATTESTED_FIELDS)}) to notes", path, "/defaults")
    licence = raw.get("annotation_license")
    if licence is not None:
        _attested_shape(licence, path, "/annotation_license")
    documents = raw.get("documents", {})
    if not isinstance(documents, dict) or not all(isinstance(v, dict) for v in documents.values()):
        raise _fail("documents maps doc_ids to objects of fields", path, "/documents")
    for doc_id, fields in documents.items():
        for name, value in fields.items():
            _field_shape(name, value, path, f"/documents/{doc_id}/{name}")
    collections = raw.get("collections", [])
    if not isinstance(collections, list):
        raise _fail("collections is a list", path, "/collections")
    return Provenance(
        defaults=defaults,
        annotation_license=licence,
        collections=[_collection(c, i, path, seeds) for i, c in enumerate(collections)],
        documents=documents,
    )


def _collection(raw: Any, index: int, path: Path, seeds: Path) -> Collection:
    where = f"/collections/{index}"
    if not isinstance(raw, dict) or not isinstance(raw.get("sources_file"), str) or not isinstance(raw.get("key"), str):
        raise _fail(
            "a collection has `sources_file` (relative to seeds/) and `key` (the entry's file field)", path, where
        )
    relative = PurePosixPath(raw["sources_file"])
    if relative.is_absolute() or ".." in relative.parts:
        raise _fail("`sources_file` must be a path inside seeds/", path, f"{where}/sources_file")
    sha256 = raw.get("sha256")
    if sha256 is not None and not isinstance(sha256, str):
        raise _fail("`sha256` names the entry field holding the file's sha256", path, f"{where}/sha256")
    fields = raw.get("fields", {})
    if not isinstance(fields, dict):
        raise _fail("`fields` maps record fields to templates", path, f"{where}/fields")
    for name, template in fields.items():
        _field_shape(name, template, path, f"{where}/fields/{name}")
    sources_file = seeds / relative
    entries_raw = _read_json(sources_file)
    if not isinstance(entries_raw, list) or not all(isinstance(e, dict) for e in entries_raw):
        raise _fail("a sources file holds a JSON list of objects, one per file", sources_file)
    entries: dict[str, dict[str, Any]] = {}
    for i, entry in enumerate(entries_raw):
        name = entry.get(raw["key"])
        if not isinstance(name, str) or not name:
            raise _fail(f"the entry has no {raw['key']!r} naming its file", sources_file, f"/{i}")
        if name in entries:
            raise _fail(f"{name!r} has two entries", sources_file, f"/{i}")
        entries[name] = entry
        for field_name, template in fields.items():  # every template must fill from every entry
            _fill(template, entry, sources_file, f"/{i}", f"{where}/fields/{field_name}")
    return Collection(sources_file, relative.parent, raw["key"], sha256, fields, entries)


class _Strict(dict):
    def __missing__(self, key: str) -> Any:
        raise KeyError(key)


def _fill(template: Any, entry: dict[str, Any], sources_file: Path, entry_pointer: str, template_pointer: str) -> Any:
    """``template`` with every ``{name}`` replaced by the entry's value (recursively)."""
    if isinstance(template, dict):
        return {k: _fill(v, entry, sources_file, entry_pointer, template_pointer) for k, v in template.items()}
    if not isinstance(template, str):
        return template
    names = [n for _, n, _, _ in string.Formatter().parse(template) if n is not None]
    for name in names:
        if not isinstance(entry.get(name), (str, int)) or isinstance(entry.get(name), bool):
            raise _fail(
                f"the template at {template_pointer} uses {{{name}}}, which this entry lacks (or is not a string)",
                sources_file,
                entry_pointer,
            )
    try:
        return template.format_map(_Strict({k: v for k, v in entry.items() if isinstance(v, (str, int))}))
    except (ValueError, IndexError) as exc:
        raise _fail(f"the template at {template_pointer} is malformed: {exc}", sources_file, entry_pointer) from None


def collection_fields(provenance: Provenance, seed_relative: PurePosixPath, raw: bytes) -> dict[str, Any]:
    """The field values the collections give the seed file ``seed_relative`` (a path under seeds/)."""
    for collection in provenance.collections:
        try:
            name = seed_relative.relative_to(collection.base).as_posix()
        except ValueError:
            continue
        entry = collection.entries.get(name)
        if entry is None:
            continue
        if collection.sha256 is not None:
            recorded = entry.get(collection.sha256)
            actual = hashlib.sha256(raw).hexdigest()
            if recorded != actual:
                found = issue(
                    "sources-hash-mismatch",
                    f"{collection.sources_file} records sha256 {str(recorded)[:12]}… for {name}, "
                    f"the file hashes to {actual[:12]}…",
                    file=str(collection.sources_file),
                )
                raise ProvenanceError(found)
        pointer = f"/{list(collection.entries).index(name)}"
        return {k: _fill(v, entry, collection.sources_file, pointer, k) for k, v in collection.fields.items()}
    return {}


def unknown(note: str) -> dict[str, Any]:
    return {"value": None, "status": "unknown", "note": note}
