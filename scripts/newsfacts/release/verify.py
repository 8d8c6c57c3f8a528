"""Verify a release folder: recompute everything its MANIFEST.json claims, trusting none of it.

``verify_release(folder) -> VerifyReport``, in order:

1. the manifest is a regular file, JSON without duplicate keys, and matches the package's
   ``schema/manifest.schema.json``: every path it names stays inside the folder
   (``release_files.read_manifest``); without one, nothing can be checked (exit 2);
2. the folder holds only folders and regular files (a symlink, FIFO or device is refused, never
   followed or opened); every listed file is there with its size and sha256, no other file is
   (``datasets`` would load a stray Parquet file), and every file a release holds is listed:
   README.md, DATASHEET.md, CITATION.cff, LICENSES.md, croissant.json, schema/;
3. ``schema/`` is the package's own copy of the schema version the release states;
4. the card's YAML agrees with the files: one config per manifest config, each config's
   ``data_files`` patterns (relative, inside the folder) match exactly its Parquet files, the
   declared features are exactly each file's columns and types (``datasets`` fills a
   declared-but-missing column with nulls without a word), and ``splits`` counts are the manifest's;
5. every Parquet file reads, carries the manifest's dataset and schema versions, and the rows
   give the row counts and content hashes of the manifest;
6. the annotation configs (and ``ner``, when the text is there) are what the ``documents``
   config gives;
7. every document is re-validated against the package's schema (never the one shipped in the
   folder, which a forger controls; ``$ref`` never leaves the package's schemas); a document
   whose text the release withholds, by the checks that do not need the text;
8. the release's documents (README.md, croissant.json, DATASHEET.md's generated blocks,
   CITATION.cff, LICENSES.md) are what its metadata and rows give, and state its version;
9. ``official``: whether the rows, as recomputed, are exactly an official version
   (``release.official``): the one statement a forger who recomputed every hash cannot fake.

Each problem is an Issue with a stable code (``newsfacts.contract.codes``, section "release").
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from newsfacts.contract.codes import issue
from newsfacts.contract.documents import LAYERS
from newsfacts.contract.report import Issue, Report, pointer
from newsfacts.release.manifest import MANIFEST, ContentHash, Manifest, combined_hash
from newsfacts.release.official import Official, official
from newsfacts.release.release_files import (
    ManifestUnusable,
    Tree,
    check_files,
    check_shipped_schema,
    load_json_strict,
    read_manifest,
    read_regular,
    safe_pattern,
    walk,
)

#: The release's text documents are read whole; larger ones are not ours.
MAX_DOC_BYTES = 64 * 1024 * 1024


@dataclass
class VerifyReport(Report):
    """A verify report, with the ``official`` statement (None when the rows could not be read)."""

    official: Official | None = None

    def summary(self) -> str:
        lines = [self.official.render()] if self.official is not None else []
        return "\n".join([*lines, super().summary()])

    def to_json(self) -> str:
        data = json.loads(super().to_json())
        data["official"] = self.official.to_dict() if self.official is not None else None
        return json.dumps(data, ensure_ascii=False, indent=2)


@dataclass
class _Seen:
    """What the checks learn on the way: the recomputed hash of each config and split, and
    whether every document's text is there."""

    hashes: dict[tuple[str, str], str] = field(default_factory=dict)
    texts_missing: int = 0
    documents_read: bool = False


def verify_release(folder: Path) -> VerifyReport:
    """Check the release in ``folder``; the report's issues name each problem."""
    report = VerifyReport()
    if not folder.is_dir():
        report.issues.append(issue("release-not-found", f"no such folder: {folder}", file=str(folder)))
        return report
    try:
        manifest = read_manifest(folder)
    except ManifestUnusable as exc:
        report.extend(exc.issues)
        return report
    tree = walk(folder)
    report.extend(tree.issues)
    report.extend(check_files(folder, manifest, tree))
    report.extend(check_shipped_schema(manifest, tree))
    report.files = len(manifest.content["files"])
    card = read_card(folder, report, tree)
    if card is not None:
        report.extend(check_card(folder, card, manifest, tree))
    data_files = [
        name for config in manifest.content["configs"].values() for s in config.values() for name in s["files"]
    ]
    readable = {name for name in data_files if name in tree.files}
    seen = _Seen()
    report.extend(check_parquet(folder, manifest, readable, seen))
    complete = len(readable) == len(set(data_files))
    if complete and not any(i.code in ("parquet-unreadable", "features-metadata-mismatch") for i in report.issues):
        report.extend(check_views_and_documents(folder, manifest, report, seen))
        report.extend(check_release_docs(folder, manifest, tree))
    report.extend(check_versions_agree(folder, manifest, tree))
    report.official = _official(manifest, seen)
    return report


def _official(manifest: Manifest, seen: _Seen) -> Official | None:
    claimed = manifest.content["configs"]
    order = [(c, s) for c, splits in claimed.items() for s in splits]
    if not seen.documents_read or any(key not in seen.hashes for key in order):
        return None
    content = combined_hash([(c, s, seen.hashes[c, s]) for c, s in order])
    return official(manifest.version, manifest.text_policy, seen.texts_missing == 0, content)


def _read_text(folder: Path, name: str, tree: Tree) -> str | None:
    """A release document's text, if it is a regular file of the folder that reads as UTF-8."""
    if name not in tree.files:
        return None
    try:
        return read_regular(folder / name, MAX_DOC_BYTES).decode("utf-8")
    except (OSError, ValueError):
        return None


def check_release_docs(folder: Path, manifest: Manifest, tree: Tree) -> Iterator[Issue]:
    """What the release's documents state about it is what its metadata and rows give: README.md
    (the card, YAML and body), croissant.json, the DATASHEET.md blocks ``release`` and ``stats``,
    CITATION.cff and LICENSES.md."""
    from newsfacts.docs.citation import citation_cff
    from newsfacts.docs.datasheet import BLOCK_RE, fill
    from newsfacts.docs.metadata import check_metadata
    from newsfacts.release.release_docs import LICENSES, generated_blocks, licenses_md

    metadata = manifest.content.get("metadata")
    found = check_metadata(metadata, f"{MANIFEST}#/metadata")
    if found:
        yield from found
        return
    configs = manifest.content["configs"]
    for name in ("README.md", "DATASHEET.md", "CITATION.cff", LICENSES, "croissant.json", "CHANGELOG.md"):
        if name in tree.files and _read_text(folder, name, tree) is None:
            yield issue("release-docs-mismatch", f"{name} is not UTF-8 text (of at most 64 MiB)", file=name)
    datasheet = _read_text(folder, "DATASHEET.md", tree)
    try:
        expected: dict[str, Any] = {
            "DATASHEET.md": generated_blocks(folder, metadata, configs),
            "CITATION.cff": citation_cff(metadata),
            LICENSES: licenses_md(folder, configs, metadata, _withheld(manifest)),
        }
        if datasheet is not None:  # the card and croissant.json quote it, as the build filled it
            filled = fill(datasheet, expected["DATASHEET.md"])
            expected["README.md"] = _card_text(folder, manifest, metadata, filled)
            expected["croissant.json"] = _croissant(folder, manifest, metadata, filled)
    except _READ_ERRORS as exc:
        yield issue("release-docs-mismatch", f"cannot compute what the release's documents should state: {exc}")
        return
    for name, want in expected.items():
        text = datasheet if name == "DATASHEET.md" else _read_text(folder, name, tree)
        if text is None:
            continue  # a missing or unreadable file is reported by the file checks
        if name == "DATASHEET.md":
            blocks = {m[1]: m[2] for m in BLOCK_RE.finditer(text)}
            for block, content in want.items():
                if blocks.get(block) != content:
                    yield issue(
                        "release-docs-mismatch",
                        f"DATASHEET.md's {block} block does not state what the release's "
                        f"{'metadata' if block == 'release' else 'rows'} give",
                        file=name,
                    )
        elif name == "croissant.json":
            try:
                same = load_json_strict(text.encode("utf-8")) == want
            except ValueError:
                same = False
            if not same:
                yield issue(
                    "release-docs-mismatch",
                    "croissant.json is not what the release's metadata and files give",
                    file=name,
                )
        elif text != want:
            yield issue("release-docs-mismatch", f"{name} is not what the release's metadata and rows give", file=name)


def _card_text(folder: Path, manifest: Manifest, metadata: dict[str, Any], datasheet: str) -> str:
    """README.md as the build writes it for this manifest's rows and metadata."""
    from newsfacts.release.build import card_header
    from newsfacts.release.card import card_body
    from newsfacts.release.release_docs import _dump_yaml, card_yaml

    configs = manifest.content["configs"]
    splits = {
        config: {s: {"num_bytes": e.get("num_bytes", 0), "num_examples": e["num_examples"]} for s, e in found.items()}
        for config, found in configs.items()
    }
    sizes = {
        config: sum(manifest.content["files"][name]["size"] for e in found.values() for name in e["files"])
        for config, found in configs.items()
    }
    documents = sum(e["num_examples"] for e in configs["documents"].values())
    withheld = manifest.content.get("texts", {}).get("withheld", [])
    if "texts" not in manifest.content:
        withheld = range(documents) if manifest.content.get("text_withheld") else []
    header = card_header(metadata, splits, sizes, texts_shipped=len(withheld) < documents)
    body = card_body(metadata=metadata, datasheet=datasheet, card_header=header, folder=folder)
    return f"---\n{_dump_yaml(card_yaml(header, metadata))}---\n\n{body}"


def _croissant(folder: Path, manifest: Manifest, metadata: dict[str, Any], datasheet: str) -> dict[str, Any]:
    from newsfacts.release.croissant import croissant

    sha256 = {name: entry["sha256"] for name, entry in manifest.content["files"].items()}
    return json.loads(json.dumps(croissant(folder, metadata, datasheet=datasheet, sha256=sha256), ensure_ascii=False))


_CARD_VERSION = re.compile(r"^Version \*\*([^*\n]+)\*\*", re.M)
_CFF_VERSION = re.compile(r"^version: *['\"]?([^'\"\n]+)['\"]?\s*$", re.M)
_DATASHEET_VERSION = re.compile(r"^\| Version \| ([^,|\n]+)", re.M)


def check_versions_agree(folder: Path, manifest: Manifest, tree: Tree) -> Iterator[Issue]:
    """The dataset version is the manifest's wherever the release states it: its metadata, the
    card, croissant.json, CITATION.cff and DATASHEET.md's release block (the Parquet files' own
    statement is checked with each file)."""
    want = manifest.version
    metadata = manifest.content.get("metadata")
    stated: list[tuple[str, str | None, Any]] = []
    if isinstance(metadata, dict):
        stated.append((MANIFEST, "/metadata/version", metadata.get("version")))
    for name, pattern in (
        ("README.md", _CARD_VERSION),
        ("CITATION.cff", _CFF_VERSION),
        ("DATASHEET.md", _DATASHEET_VERSION),
    ):
        text = _read_text(folder, name, tree)
        if text is not None:
            match = pattern.search(text)
            stated.append((name, None, match[1].strip() if match else None))
    text = _read_text(folder, "croissant.json", tree)
    if text is not None:
        try:
            document = load_json_strict(text.encode("utf-8"))
        except ValueError:
            document = None
        stated.append(("croissant.json", "/version", document.get("version") if isinstance(document, dict) else None))
    for name, where, version in stated:
        if version != want:
            yield issue(
                "version-mismatch",
                f"{name} states dataset version {version!r}, the manifest {want!r}",
                file=name,
                pointer=where,
            )


# --- the card ------------------------------------------------------------------------------------

#: The shape of the card's YAML that verify reads (the Hub's format, as ``build`` writes it).
_CARD_SHAPE: dict[str, Any] = {
    "type": "object",
    "required": ["configs", "dataset_info"],
    "properties": {
        "configs": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["config_name", "data_files"],
                "properties": {
                    "config_name": {"type": "string"},
                    "default": {"type": "boolean"},
                    "data_files": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["split", "path"],
                            "properties": {"split": {"type": "string"}, "path": {"type": "string"}},
                        },
                    },
                },
            },
        },
        "dataset_info": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["config_name", "features", "splits"],
                "properties": {
                    "config_name": {"type": "string"},
                    "features": {"type": "array"},
                    "splits": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["name", "num_examples"],
                            "properties": {
                                "name": {"type": "string"},
                                "num_examples": {"type": "integer"},
                                "num_bytes": {"type": "integer"},
                            },
                        },
                    },
                },
            },
        },
    },
}


def read_card(folder: Path, report: Report, tree: Tree | None = None) -> dict[str, Any] | None:
    """The YAML header of the folder's README.md (None, with an issue, when unusable)."""
    import yaml

    from newsfacts.contract.schema import offline_validator

    tree = tree if tree is not None else walk(folder)
    text = _read_text(folder, "README.md", tree)
    if text is None:
        return None  # a missing card is reported as a missing file
    if not text.startswith("---\n") or "\n---\n" not in text[3:]:
        report.issues.append(issue("card-invalid", "README.md has no YAML header", file="README.md"))
        return None
    try:
        header = yaml.safe_load(text[4 : text.index("\n---\n", 3) + 1])
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        report.issues.append(issue("card-invalid", f"README.md's YAML does not parse: {exc}", file="README.md"))
        return None
    if not isinstance(header, dict):
        report.issues.append(issue("card-invalid", "README.md's YAML header is not a mapping", file="README.md"))
        return None
    errors = list(offline_validator(_CARD_SHAPE).iter_errors(header))
    if errors:
        report.extend(
            issue(
                "card-invalid",
                f"{e.message[:200]} ({e.validator})",
                file="README.md",
                pointer=pointer(*e.absolute_path),
            )
            for e in errors[:20]
        )
        return None
    return header


def card_features(card: dict[str, Any]) -> dict[str, Any]:
    """config → ``datasets.Features`` declared in the card's ``dataset_info``."""
    from datasets import Features

    return {info["config_name"]: Features._from_yaml_list(info["features"]) for info in card.get("dataset_info", [])}


def check_card(folder: Path, card: dict[str, Any], manifest: Manifest, tree: Tree | None = None) -> Iterator[Issue]:
    where = {"file": "README.md"}
    tree = tree if tree is not None else walk(folder)
    configs = {c.get("config_name"): c for c in card.get("configs", []) if isinstance(c, dict)}
    infos = {i.get("config_name"): i for i in card.get("dataset_info", []) if isinstance(i, dict)}
    claimed = manifest.content["configs"]
    for name in sorted(set(configs) ^ set(claimed), key=str):
        yield issue("card-mismatch", f"config {name!r} is in only one of the card and the manifest", **where)
    for name in sorted(set(infos) ^ set(claimed), key=str):
        yield issue(
            "card-mismatch", f"dataset_info of config {name!r} is in only one of the card and the manifest", **where
        )
    defaults = [c for c in configs.values() if c.get("default")]
    if [c.get("config_name") for c in defaults] != ["documents"]:
        yield issue("card-mismatch", "the default config must be `documents` (and only it)", **where)
    features: dict[str, Any] = {}
    for name, info in infos.items():
        try:
            # the card's features are untrusted YAML handed to ``datasets``, which raises what it
            # likes on nonsense: any failure to parse them is the card's problem, reported
            features[name] = card_features({"dataset_info": [info]})[name].arrow_schema
        except Exception as exc:
            yield issue("card-mismatch", f"dataset_info features of {name!r} do not parse: {exc!r}"[:300], **where)
    for name in sorted(set(configs) & set(claimed)):
        yield from _check_config(
            folder, name, configs[name], infos.get(name, {}), features.get(name), claimed[name], tree
        )


def _matches(pattern: str, tree: Tree) -> list[str]:
    """The release's files a ``data_files`` pattern names (``*`` within one path part, ``**``
    across parts), matched against the files found, never by a glob of the filesystem."""
    rx = re.compile(
        "".join(
            ".*" if part == "**" else "[^/]*" if part == "*" else "[^/]" if part == "?" else re.escape(part)
            for part in re.split(r"(\*\*|\*|\?)", pattern)
        )
    )
    return sorted(name for name in tree.files if rx.fullmatch(name))


def _check_config(
    folder: Path,
    name: str,
    config: dict[str, Any],
    info: dict[str, Any],
    expected: pa.Schema | None,
    claimed: dict[str, Any],
    tree: Tree,
) -> Iterator[Issue]:
    where = {"file": "README.md"}
    patterns = {d.get("split"): d.get("path") for d in config.get("data_files", []) if isinstance(d, dict)}
    if set(patterns) != set(claimed):
        yield issue(
            "card-mismatch", f"{name}: the card's splits {sorted(map(str, patterns))} are not the manifest's", **where
        )
    for split, pattern in patterns.items():
        if safe_pattern(pattern) is None:
            yield issue(
                "card-mismatch",
                f"{name}/{split}: data_files pattern {pattern!r} is not a relative path inside the release",
                **where,
            )
            continue
        matched = _matches(pattern, tree)
        if split in claimed and matched != sorted(claimed[split]["files"]):
            yield issue(
                "card-mismatch", f"{name}/{split}: {pattern!r} matches {matched}, not the manifest's files", **where
            )
    declared = {s.get("name"): s for s in info.get("splits", []) if isinstance(s, dict)}
    for split, entry in claimed.items():
        got = declared.get(split, {})
        if got.get("num_examples") != entry["num_examples"] or "num_bytes" not in got:
            yield issue(
                "row-count-mismatch",
                f"{name}/{split}: the card declares {got.get('num_examples')} rows, the manifest {entry['num_examples']}",
                **where,
            )
    if expected is None:
        return
    for entry in claimed.values():
        for file in entry["files"]:
            if file not in tree.files:
                continue
            try:
                actual = pq.read_schema(folder / file)
            except _READ_ERRORS:
                continue  # reported by check_parquet
            yield from _compare_columns(file, expected, actual)


def _compare_columns(file: str, expected: pa.Schema, actual: pa.Schema) -> Iterator[Issue]:
    missing = [n for n in expected.names if n not in actual.names]
    extra = [n for n in actual.names if n not in expected.names]
    if missing:
        yield issue(
            "columns-mismatch",
            f"declared in the card but not in the file: {', '.join(missing)} (datasets would load them as nulls)",
            file=file,
        )
    if extra:
        yield issue("columns-mismatch", f"in the file but not declared in the card: {', '.join(extra)}", file=file)
    for name in expected.names:
        if name in actual.names and not actual.field(name).type.equals(expected.field(name).type):
            yield issue(
                "columns-mismatch",
                f"column {name!r} is {actual.field(name).type} in the file, {expected.field(name).type} in the card",
                file=file,
            )
    if not missing and not extra and actual.names != expected.names:
        yield issue("columns-mismatch", "the file's columns are not in the card's order", file=file)


# --- the Parquet files -----------------------------------------------------------------------------

#: What reading untrusted Parquet with pyarrow may raise besides ArrowException.
_READ_ERRORS = (pa.ArrowException, OSError, KeyError, IndexError, TypeError, ValueError, OverflowError)


def _tables(folder: Path, files: list[str]) -> Iterator[tuple[str, pa.Table]]:
    for name in files:
        handle = pq.ParquetFile(folder / name)
        for i in range(handle.num_row_groups):
            yield name, handle.read_row_group(i)


def check_parquet(folder: Path, manifest: Manifest, readable: set[str], seen: _Seen | None = None) -> Iterator[Issue]:
    """Each file reads and carries the manifest's versions; the rows give its counts and hashes."""
    from newsfacts.release.features import arrow_schema

    seen = seen if seen is not None else _Seen()
    claimed = manifest.content["configs"]
    hashes = []
    for config, splits in claimed.items():
        for split, entry in splits.items():
            files = [f for f in entry["files"] if f in readable]
            digest, rows, broken = None, 0, False
            schema = None
            for file in files:
                try:
                    found = pq.read_schema(folder / file)
                except _READ_ERRORS as exc:
                    yield issue("parquet-unreadable", f"cannot read {file}: {exc}", file=file)
                    broken = True
                    continue
                if schema is not None and not found.remove_metadata().equals(schema.remove_metadata()):
                    yield issue(
                        "parquet-unreadable", f"{file}'s columns differ from its split's other files", file=file
                    )
                    broken = True
                schema = schema or found
                yield from _check_versions(file, found, manifest, config)
                if _features_metadata(found) != _features_metadata(arrow_schema(config)):
                    yield issue(
                        "features-metadata-mismatch",
                        f"{file}'s `huggingface` features metadata is not the {config} config's",
                        file=file,
                    )
                    broken = True
            if broken or len(files) != len(entry["files"]):
                continue
            try:
                hasher = None
                for _, table in _tables(folder, files):
                    hasher = hasher or ContentHash(table.schema)
                    hasher.update(table)
                    rows += len(table)
                if hasher is None:  # no row group at all
                    hasher = ContentHash(pq.read_schema(folder / files[0]))
                digest = hasher.hexdigest()
            except _READ_ERRORS as exc:
                yield issue("parquet-unreadable", f"cannot read the rows of {config}/{split}: {exc}", file=files[0])
                continue
            seen.hashes[config, split] = digest
            if rows != entry["num_examples"]:
                yield issue(
                    "row-count-mismatch",
                    f"{config}/{split}: the files hold {rows} rows, the manifest says {entry['num_examples']}",
                    file=files[0],
                )
            if digest != entry.get("content_sha256"):
                yield issue("content-hash-mismatch", f"{config}/{split}: the rows' content hash differs", file=files[0])
            hashes.append((config, split, entry.get("content_sha256")))
    if len(hashes) == sum(len(s) for s in claimed.values()) and combined_hash(hashes) != manifest.content_sha256:
        yield issue("content-hash-mismatch", "the manifest's content_sha256 is not the hash of its configs' hashes")


def _features_metadata(schema: pa.Schema) -> Any:
    try:
        return json.loads((schema.metadata or {}).get(b"huggingface", b"null"))
    except (ValueError, RecursionError):
        return None


def _check_versions(file: str, schema: pa.Schema, manifest: Manifest, config: str) -> Iterator[Issue]:
    raw = (schema.metadata or {}).get(b"newsfacts")
    try:
        stated = json.loads(raw) if raw else {}
    except (ValueError, RecursionError):
        stated = {}
    if not isinstance(stated, dict):
        stated = {}
    for key, want in (
        ("dataset_version", manifest.content["dataset_version"]),
        ("schema_version", manifest.content["schema_version"]),
        ("config", config),
    ):
        if stated.get(key) != want:
            yield issue(
                "version-mismatch", f"{file} states {key} {stated.get(key)!r}, the manifest {want!r}", file=file
            )


# --- views and documents ------------------------------------------------------------------------------


def check_views_and_documents(
    folder: Path, manifest: Manifest, report: Report, seen: _Seen | None = None
) -> Iterator[Issue]:
    """The annotation configs and ``ner`` against the documents; the documents against the schema.

    A document whose text the release withholds (the manifest lists it) is validated without its
    text, and its ``ner`` rows are checked to hold no token; the other documents' ``ner`` rows are
    recomputed from their text."""
    from newsfacts.release.features import conversion_plan

    plan = conversion_plan()
    claimed = manifest.content["configs"]
    seen = seen if seen is not None else _Seen()
    validate = _document_validator()
    seen.documents_read = True
    for split, entry in claimed.get("documents", {}).items():
        hashers = {c: ContentHash(plan.schemas[c]) for c in [*LAYERS, "ner"] if split in claimed.get(c, {})}
        rows: dict[str, int] = {}
        withheld: set[str] = set()
        try:
            for file, table in _tables(folder, entry["files"]):
                for doc in _derive(table, hashers, plan, manifest):
                    row = rows[file] = rows.get(file, -1) + 1
                    report.documents += 1
                    held = manifest.withholds(doc.get("doc_id"))
                    seen.texts_missing += doc.get("text") is None
                    if held:
                        withheld.add(doc["doc_id"])
                    for found in [*_withholding(doc, held), *validate(doc, held)]:
                        yield dataclasses.replace(
                            found,
                            file=file,
                            line=None,
                            message=f"document {doc.get('doc_id')!r}: {found.message}",
                            pointer=f"/{row}{found.pointer or ''}",
                        )
        except _READ_ERRORS as exc:
            seen.documents_read = False
            yield issue("view-mismatch", f"documents/{split}: cannot derive the other configs: {exc}")
            continue
        for config, hasher in hashers.items():
            if config == "ner" and withheld:
                try:
                    expected = _shipped_ner_hash(folder, claimed["ner"][split]["files"], withheld, plan)
                except _READ_ERRORS:
                    expected = None
            else:
                expected = claimed[config][split].get("content_sha256")
            if hasher.hexdigest() != expected:
                yield issue(
                    "view-mismatch",
                    f"{config}/{split}: the rows differ from what the documents config gives"
                    + (" (its tokens, or a withheld document's tokens that should be null)" if config == "ner" else ""),
                    file=claimed[config][split]["files"][0],
                )


def _withheld(manifest: Manifest) -> set[str]:
    texts = manifest.content.get("texts")
    listed = texts.get("withheld") if isinstance(texts, dict) else None
    return {d for d in listed if isinstance(d, str)} if isinstance(listed, list) else set()


def _withholding(doc: dict[str, Any], held: bool) -> Iterator[Issue]:
    """A document's text is there exactly when the manifest does not list it as withheld."""
    if held and doc.get("text") is not None:
        yield issue("text-withheld-mismatch", "the manifest lists the text as withheld, but the row holds it")
    elif not held and doc.get("text") is None:
        yield issue("text-withheld-mismatch", "the row holds no text, but the manifest does not list it as withheld")


def _shipped_ner_hash(folder: Path, files: list[str], withheld: set[str], plan: Any) -> str | None:
    """The content hash of the ``ner`` rows of the documents whose text is shipped; None when a
    withheld document's row holds a token (which it must not)."""
    hasher = ContentHash(plan.schemas["ner"])
    held = pa.array(sorted(withheld), pa.string())
    for _, table in _tables(folder, files):
        mask = pc.is_in(table.column("doc_id"), value_set=held)
        tokens = table.filter(mask).column("tokens")
        if pc.sum(pc.list_value_length(tokens)).as_py() and pc.list_flatten(tokens).null_count != len(
            pc.list_flatten(tokens)
        ):
            return None
        hasher.update(table.filter(pc.invert(mask)))
    return hasher.hexdigest()


def _derive(
    table: pa.Table, hashers: dict[str, ContentHash], plan: Any, manifest: Manifest
) -> Iterator[dict[str, Any]]:
    """Feed the views of a row group of documents to ``hashers`` (``ner``: of the documents whose
    text is shipped); its documents as dicts."""
    from newsfacts.release.views import decode_labels, layer_table, ner_table

    for layer in LAYERS:
        if layer in hashers:
            hashers[layer].update(layer_table(table, layer, plan))
    for path, names in plan.labels.items():  # a label id outside its ClassLabel cannot be named
        ids = _leaf(table, path)
        if len(ids) and (pc.min(ids).as_py() < 0 or pc.max(ids).as_py() >= len(names)):
            raise ValueError(f"{'.'.join(path)} holds a label id outside 0..{len(names) - 1}")
    decoded = decode_labels(table, plan)
    if "ner" in hashers:
        ids, texts = decoded.column("doc_id").to_pylist(), decoded.column("text").to_pylist()
        shipped = [not manifest.withholds(d) and t is not None for d, t in zip(ids, texts, strict=True)]
        hashers["ner"].update(ner_table(decoded.filter(pa.array(shipped, pa.bool_())), plan=plan))
    yield from decoded.to_pylist()


def _leaf(table: pa.Table, path: tuple[str, ...]) -> pa.Array:
    array = table.column(path[0]).combine_chunks()
    for name in path[1:]:
        while pa.types.is_list(array.type):
            array = pc.list_flatten(array)
        array = array.field(name)
    while pa.types.is_list(array.type):
        array = pc.list_flatten(array)
    return array.drop_null()


def _document_validator():
    """Validate a document against the package's schema (never the release's copy): the schema
    and semantic checks of ``validate``; for a withheld text, those that do not need the text."""
    from newsfacts.contract.checks import check_document, duplicate_checks, id_checks, interval_checks, reference_checks
    from newsfacts.contract.validate import document_schema_issues

    def validate(doc: dict[str, Any], withheld: bool) -> list[Issue]:
        if withheld:
            doc = _with_placeholders(doc)
        found = document_schema_issues(doc)
        if found:
            return found
        if not withheld:
            return list(check_document(doc))
        found = [*id_checks(doc), *reference_checks(doc), *interval_checks(doc), *duplicate_checks(doc)]
        return [i for i in found if i.code != "unit-text-not-found"]

    return validate


_PLACEHOLDER = "\u2026"


def _with_placeholders(value: Any, key: str | None = None) -> Any:
    """A withheld document with a placeholder where its text and span texts were."""
    if isinstance(value, dict):
        return {k: _with_placeholders(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_placeholders(v) for v in value]
    if value is None and key in ("text", "title"):
        return _PLACEHOLDER
    return value
