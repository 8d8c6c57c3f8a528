"""Verify a release folder: recompute everything its MANIFEST.json claims, and more.

``verify_release(folder) -> Report``, in order:

1. the manifest is there and well-formed;
2. every file it lists is there with its size and sha256, and no other file is (``datasets``
   would load a stray Parquet file);
3. the card's YAML agrees with the files: one config per manifest config, each config's
   ``data_files`` patterns match exactly its Parquet files, the declared features are exactly
   each file's columns and types (``datasets`` fills a declared-but-missing column with nulls
   without a word), and ``splits`` counts are the manifest's;
4. every Parquet file reads, carries the manifest's dataset and schema versions, and the rows
   give the row counts and content hashes of the manifest;
5. the annotation configs (and ``ner``, when the text is there) are what the ``documents``
   config gives;
6. every document is re-validated against the schema shipped in the folder (for a release
   built with ``--withhold-text``: the checks that do not need the text).

Each problem is an Issue with a stable code (``newsfacts.contract.codes``, section "release").
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from newsfacts.contract.codes import issue
from newsfacts.contract.documents import LAYERS
from newsfacts.contract.report import Issue, Report, pointer
from newsfacts.release.manifest import MANIFEST, ContentHash, Manifest, combined_hash, file_sha256

_MANIFEST_KEYS = ("dataset_version", "schema_version", "content_sha256", "configs", "files")


def verify_release(folder: Path) -> Report:
    """Check the release in ``folder``; the report's issues name each problem."""
    report = Report()
    if not folder.is_dir():
        report.issues.append(issue("release-not-found", f"no such folder: {folder}", file=str(folder)))
        return report
    manifest = _manifest(folder, report)
    if manifest is None:
        return report
    data_files = {
        name for config in manifest.content["configs"].values() for s in config.values() for name in s["files"]
    }
    report.extend(check_files(folder, manifest))
    report.files = len(manifest.content["files"])
    card = read_card(folder, report)
    if card is not None:
        report.extend(check_card(folder, card, manifest))
    readable = {name for name in data_files if (folder / name).is_file()}
    report.extend(check_parquet(folder, manifest, readable))
    if not any(i.code == "parquet-unreadable" for i in report.issues):
        report.extend(check_views_and_documents(folder, manifest, report))
        report.extend(check_release_docs(folder, manifest))
    return report


def check_release_docs(folder: Path, manifest: Manifest) -> Iterator[Issue]:
    """What the release's documents state about it is what its metadata and rows give: the
    DATASHEET.md blocks ``release`` and ``stats``, CITATION.cff and LICENSES.md."""
    from newsfacts.docs.citation import citation_cff
    from newsfacts.docs.datasheet import BLOCK_RE
    from newsfacts.docs.metadata import check_metadata
    from newsfacts.release.release_docs import LICENSES, generated_blocks, licenses_md

    metadata = manifest.content.get("metadata")
    found = check_metadata(metadata, f"{MANIFEST}#/metadata")
    if found:
        yield from found
        return
    configs = manifest.content["configs"]
    try:
        expected = {
            "DATASHEET.md": generated_blocks(folder, metadata, configs),
            "CITATION.cff": citation_cff(metadata),
            LICENSES: licenses_md(folder, configs, metadata, _withheld(manifest)),
        }
    except (pa.ArrowException, OSError, KeyError, TypeError, ValueError) as exc:
        yield issue("release-docs-mismatch", f"cannot compute what the release's documents should state: {exc}")
        return
    for name, want in expected.items():
        try:
            text = (folder / name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
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
        elif text != want:
            yield issue("release-docs-mismatch", f"{name} is not what the release's metadata and rows give", file=name)


def _manifest(folder: Path, report: Report) -> Manifest | None:
    path = folder / MANIFEST
    if not path.is_file():
        report.issues.append(issue("manifest-missing", f"{folder} holds no {MANIFEST}", file=str(path)))
        return None
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        report.issues.append(issue("manifest-invalid", f"cannot read {MANIFEST}: {exc}", file=str(path)))
        return None
    missing = [k for k in _MANIFEST_KEYS if not isinstance(content, dict) or k not in content]
    if missing:
        report.issues.append(issue("manifest-invalid", f"{MANIFEST} lacks {', '.join(missing)}", file=str(path)))
        return None
    return Manifest(content)


def check_files(folder: Path, manifest: Manifest) -> Iterator[Issue]:
    """Every listed file present with its size and sha256; nothing unlisted."""
    listed = manifest.content["files"]
    for name, entry in listed.items():
        path = folder / name
        if not path.is_file():
            yield issue("file-missing", f"{name} is listed in the manifest but missing", file=name)
            continue
        size = path.stat().st_size
        if size != entry["size"]:
            yield issue("file-changed", f"{name} has {size} bytes, the manifest says {entry['size']}", file=name)
        elif file_sha256(path) != entry["sha256"]:
            yield issue("file-changed", f"{name}'s sha256 differs from the manifest's", file=name)
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        if name != MANIFEST and name not in listed:
            yield issue("file-unexpected", f"{name} is not in the manifest", file=name)
    for config, splits in manifest.content["configs"].items():
        for split, entry in splits.items():
            for name in entry["files"]:
                if name not in listed:
                    yield issue("manifest-invalid", f"{config}/{split}: {name} is not among the manifest's files")


# --- the card ------------------------------------------------------------------------------------


def read_card(folder: Path, report: Report) -> dict[str, Any] | None:
    """The YAML header of the folder's README.md (None, with an issue, when unusable)."""
    import yaml

    path = folder / "README.md"
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None  # a missing card is reported as a missing file
    if not text.startswith("---\n") or "\n---\n" not in text[3:]:
        report.issues.append(issue("card-invalid", "README.md has no YAML header", file="README.md"))
        return None
    try:
        header = yaml.safe_load(text[4 : text.index("\n---\n", 3) + 1])
    except yaml.YAMLError as exc:
        report.issues.append(issue("card-invalid", f"README.md's YAML does not parse: {exc}", file="README.md"))
        return None
    if not isinstance(header, dict):
        report.issues.append(issue("card-invalid", "README.md's YAML header is not a mapping", file="README.md"))
        return None
    return header


def card_features(card: dict[str, Any]) -> dict[str, Any]:
    """config → ``datasets.Features`` declared in the card's ``dataset_info``."""
    from datasets import Features

    return {info["config_name"]: Features._from_yaml_list(info["features"]) for info in card.get("dataset_info", [])}


def check_card(folder: Path, card: dict[str, Any], manifest: Manifest) -> Iterator[Issue]:
    where = {"file": "README.md"}
    configs = {c.get("config_name"): c for c in card.get("configs", []) if isinstance(c, dict)}
    infos = {i.get("config_name"): i for i in card.get("dataset_info", []) if isinstance(i, dict)}
    claimed = manifest.content["configs"]
    for name in sorted(set(configs) ^ set(claimed)):
        yield issue("card-mismatch", f"config {name!r} is in only one of the card and the manifest", **where)
    for name in sorted(set(infos) ^ set(claimed)):
        yield issue(
            "card-mismatch", f"dataset_info of config {name!r} is in only one of the card and the manifest", **where
        )
    defaults = [c for c in configs.values() if c.get("default")]
    if [c.get("config_name") for c in defaults] != ["documents"]:
        yield issue("card-mismatch", "the default config must be `documents` (and only it)", **where)
    try:
        features = card_features(card)
    except (KeyError, TypeError, ValueError) as exc:
        yield issue("card-mismatch", f"dataset_info features do not parse: {exc}", **where)
        features = {}
    for name in sorted(set(configs) & set(claimed)):
        yield from _check_config(folder, name, configs[name], infos.get(name, {}), features.get(name), claimed[name])


def _check_config(
    folder: Path, name: str, config: dict[str, Any], info: dict[str, Any], features: Any, claimed: dict[str, Any]
) -> Iterator[Issue]:
    where = {"file": "README.md"}
    patterns = {d.get("split"): d.get("path") for d in config.get("data_files", []) if isinstance(d, dict)}
    if set(patterns) != set(claimed):
        yield issue(
            "card-mismatch", f"{name}: the card's splits {sorted(map(str, patterns))} are not the manifest's", **where
        )
    for split, pattern in patterns.items():
        matched = sorted(p.relative_to(folder).as_posix() for p in folder.glob(str(pattern))) if pattern else []
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
    if features is None:
        return
    expected = features.arrow_schema
    for entry in claimed.values():
        for file in entry["files"]:
            path = folder / file
            if not path.is_file():
                continue
            try:
                actual = pq.read_schema(path)
            except (pa.ArrowInvalid, OSError):
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


def _tables(folder: Path, files: list[str]) -> Iterator[tuple[str, pa.Table]]:
    for name in files:
        handle = pq.ParquetFile(folder / name)
        for i in range(handle.num_row_groups):
            yield name, handle.read_row_group(i)


def check_parquet(folder: Path, manifest: Manifest, readable: set[str]) -> Iterator[Issue]:
    """Each file reads and carries the manifest's versions; the rows give its counts and hashes."""
    claimed = manifest.content["configs"]
    hashes = []
    for config, splits in claimed.items():
        for split, entry in splits.items():
            files = [f for f in entry["files"] if f in readable]
            digest, rows, broken = None, 0, False
            for file in files:
                try:
                    schema = pq.read_schema(folder / file)
                except (pa.ArrowException, OSError) as exc:
                    yield issue("parquet-unreadable", f"cannot read {file}: {exc}", file=file)
                    broken = True
                    continue
                yield from _check_versions(file, schema, manifest, config)
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
            except (pa.ArrowException, OSError, TypeError) as exc:
                yield issue("parquet-unreadable", f"cannot read the rows of {config}/{split}: {exc}", file=files[0])
                continue
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


def _check_versions(file: str, schema: pa.Schema, manifest: Manifest, config: str) -> Iterator[Issue]:
    raw = (schema.metadata or {}).get(b"newsfacts")
    try:
        stated = json.loads(raw) if raw else {}
    except json.JSONDecodeError:
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


def check_views_and_documents(folder: Path, manifest: Manifest, report: Report) -> Iterator[Issue]:
    """The annotation configs and ``ner`` against the documents; the documents against the schema.

    A document whose text the release withholds (the manifest lists it) is validated without its
    text, and its ``ner`` rows are checked to hold no token; the other documents' ``ner`` rows are
    recomputed from their text."""
    from newsfacts.release.features import conversion_plan

    plan = conversion_plan()
    claimed = manifest.content["configs"]
    validate = _document_validator(folder / "schema" / "document.schema.json")
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
        except (pa.ArrowException, KeyError, IndexError, TypeError, ValueError) as exc:
            yield issue("view-mismatch", f"documents/{split}: cannot derive the other configs: {exc}")
            continue
        for config, hasher in hashers.items():
            if config == "ner" and withheld:
                expected = _shipped_ner_hash(folder, claimed["ner"][split]["files"], withheld, plan)
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


def _document_validator(schema_path: Path):
    import jsonschema
    import jsonschema_rs

    from newsfacts.contract.checks import check_document, duplicate_checks, id_checks, interval_checks, reference_checks
    from newsfacts.contract.validate import validate_document

    try:
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        schema = None  # the missing or changed copy is reported by the file checks
    fast = jsonschema_rs.validator_for(schema) if schema else None
    detailed = jsonschema.Draft202012Validator(schema) if schema else None

    def validate(doc: dict[str, Any], withheld: bool) -> list[Issue]:
        if withheld:
            doc = _with_placeholders(doc)
        if fast is None:
            return validate_document(doc) if not withheld else []
        if not fast.is_valid(doc):
            return [
                issue("schema-violation", f"{e.message} ({e.validator})", pointer=pointer(*e.absolute_path))
                for e in detailed.iter_errors(doc)
            ]
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
