"""The files of a release folder, trusted only as far as they are checked.

``verify`` reads nothing a release names before these checks pass:

- ``read_manifest``: MANIFEST.json is a regular file of bounded size, JSON without duplicate
  keys, and matches ``schema/manifest.schema.json`` (the package's copy): every path it lists is
  relative, inside the folder, without ``..``;
- ``walk``: every entry of the folder is a folder or a regular file (a symlink or a FIFO is
  refused, never followed or opened);
- ``check_files``: every listed file is there with its size and sha256, no other file is, and
  every file a release must hold is listed (``REQUIRED``);
- ``check_shipped_schema``: ``schema/`` is the package's own copy of the schema version the
  release states; documents are validated against the package's copy, never the shipped one.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from newsfacts.contract.codes import issue
from newsfacts.contract.reading import read_regular
from newsfacts.contract.report import Issue, pointer
from newsfacts.release.manifest import MANIFEST, Manifest, file_sha256

MANIFEST_SCHEMA = "manifest.schema.json"
#: Larger manifests are refused unread (one of a million files is ~150 MiB; ours are kilobytes).
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
#: The documents every release holds besides its data and schema (CHANGELOG.md is shipped when the
#: build had one: a build from an installed package has none).
REQUIRED = ("README.md", "DATASHEET.md", "CITATION.cff", "LICENSES.md", "croissant.json")


class ManifestUnusable(Exception):
    """MANIFEST.json cannot be used; ``issues`` say why."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__("; ".join(i.message for i in issues))
        self.issues = issues


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key!r}")
        out[key] = value
    return out


def load_json_strict(data: bytes) -> Any:
    """JSON as every newsfacts command reads it: UTF-8, no duplicate keys, no NaN or Infinity.
    Raises ValueError (RecursionError on absurd nesting is turned into one)."""

    def constant(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    try:
        return json.loads(data.decode("utf-8"), object_pairs_hook=_reject_duplicates, parse_constant=constant)
    except RecursionError:
        raise ValueError("the JSON nests too deeply") from None


def read_manifest(folder: Path) -> Manifest:
    """The release's manifest, checked against the package's manifest schema."""
    from newsfacts.contract.schema import offline_validator, package_schema

    path = folder / MANIFEST
    where = {"file": MANIFEST}
    if not path.exists() and not path.is_symlink():
        raise ManifestUnusable([issue("manifest-missing", f"{folder} holds no {MANIFEST}", **where)])
    try:
        content = load_json_strict(read_regular(path, MAX_MANIFEST_BYTES))
    except OSError as exc:
        raise ManifestUnusable(
            [issue("manifest-invalid", f"cannot read {MANIFEST}: {exc.strerror or exc}", **where)]
        ) from None
    except ValueError as exc:
        raise ManifestUnusable([issue("manifest-invalid", f"{MANIFEST} is not usable JSON: {exc}", **where)]) from None
    validator = offline_validator(package_schema(MANIFEST_SCHEMA))
    errors = sorted(validator.iter_errors(content), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        raise ManifestUnusable(
            [
                issue(
                    "manifest-invalid",
                    f"{_short(e.message)} ({e.validator})",
                    pointer=pointer(*e.absolute_path),
                    **where,
                )
                for e in errors[:50]
            ]
        )
    return Manifest(content)


def _short(message: str, limit: int = 300) -> str:
    return message if len(message) <= limit else message[: limit - 1] + "…"


@dataclass
class Tree:
    """What ``walk`` found: the regular files by relative POSIX path, and the entries refused."""

    files: dict[str, Path] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)


def walk(folder: Path) -> Tree:
    """Every entry under ``folder``, without following a symlink: regular files are kept, a
    symlink or any other non-regular entry is an issue (a FIFO would hang a reader; a symlink
    would let a release hand out files from outside itself)."""
    tree = Tree()
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError as exc:
            name = current.relative_to(folder).as_posix()
            tree.issues.append(issue("file-not-regular", f"cannot list {name}: {exc.strerror or exc}", file=name))
            continue
        for entry in entries:
            path = Path(entry.path)
            name = path.relative_to(folder).as_posix()
            if entry.is_symlink():
                tree.issues.append(
                    issue("release-symlink", f"{name} is a symbolic link: a release holds only files", file=name)
                )
            elif entry.is_dir(follow_symlinks=False):
                stack.append(path)
            elif entry.is_file(follow_symlinks=False):
                tree.files[name] = path
            else:
                tree.issues.append(
                    issue("file-not-regular", f"{name} is not a regular file (a FIFO, socket or device)", file=name)
                )
    return tree


def check_files(folder: Path, manifest: Manifest, tree: Tree) -> Iterator[Issue]:
    """Every listed file present with its size and sha256; nothing unlisted; nothing required
    missing from the list."""
    listed = manifest.content["files"]
    for name, entry in listed.items():
        path = tree.files.get(name)
        if path is None:
            if not any(i.file == name for i in tree.issues):
                yield issue("file-missing", f"{name} is listed in the manifest but missing", file=name)
            continue
        try:
            size = path.stat().st_size
            digest = file_sha256(path) if size == entry["size"] else None
        except OSError as exc:
            yield issue("file-changed", f"cannot read {name}: {exc.strerror or exc}", file=name)
            continue
        if size != entry["size"]:
            yield issue("file-changed", f"{name} has {size} bytes, the manifest says {entry['size']}", file=name)
        elif digest != entry["sha256"]:
            yield issue("file-changed", f"{name}'s sha256 differs from the manifest's", file=name)
    for name in sorted(tree.files):
        if name != MANIFEST and name not in listed:
            yield issue("file-unexpected", f"{name} is not in the manifest", file=name)
    required = [*REQUIRED, *(f"schema/{n}" for n in _package_schema_names())]
    for name in required:
        if name not in listed:
            yield issue("file-missing", f"{name} is not in the manifest: every release holds it", file=name)
    for config, splits in manifest.content["configs"].items():
        for split, entry in splits.items():
            for name in entry["files"]:
                if name not in listed:
                    yield issue(
                        "manifest-invalid",
                        f"{config}/{split}: {name} is not among the manifest's files",
                        file=MANIFEST,
                        pointer=pointer("configs", config, split, "files"),
                    )
                elif not name.startswith(f"data/{config}/") or not name.endswith(".parquet"):
                    yield issue(
                        "manifest-invalid",
                        f"{config}/{split}: {name} is not a Parquet file under data/{config}/",
                        file=MANIFEST,
                        pointer=pointer("configs", config, split, "files"),
                    )


def _package_schema_names() -> list[str]:
    from newsfacts.contract.schema import schema_files

    return sorted(schema_files())


def check_shipped_schema(manifest: Manifest, tree: Tree) -> Iterator[Issue]:
    """The release's ``schema/`` is the package's copy of the schema version it states, file for
    file; a version the package does not know is reported (its documents are still validated
    against the package's schema, which accepts every version it knows)."""
    from newsfacts.contract.schema import known_schema_versions, schema_files, schema_version

    stated = manifest.content["schema_version"]
    if stated not in known_schema_versions():
        yield issue(
            "schema-version-unknown",
            f"the release states schema version {stated}, which this newsfacts package does not know "
            f"(it knows {', '.join(known_schema_versions())})",
            file=MANIFEST,
            pointer="/schema_version",
        )
        return
    if stated != schema_version():
        yield issue(
            "schema-not-compared",
            f"the release states schema version {stated}; this package carries {schema_version()} (which accepts "
            f"{stated}) but not {stated}'s own files, so schema/ is not compared",
            file="schema",
            severity="warning",
        )
        return
    own = schema_files()
    shipped = {name[len("schema/") :]: path for name, path in tree.files.items() if name.startswith("schema/")}
    for name in sorted(set(own) | set(shipped)):
        where = f"schema/{name}"
        if name not in shipped:
            continue  # reported as a missing file
        if name not in own:
            yield issue("schema-differs", f"{where} is not a file of schema {stated}", file=where)
            continue
        try:
            same = read_regular(shipped[name], len(own[name])) == own[name]
        except (OSError, ValueError):
            same = False
        if not same:
            yield issue(
                "schema-differs",
                f"{where} is not schema {stated} as this package carries it (documents are validated "
                "against the package's copy)",
                file=where,
            )


def safe_pattern(pattern: Any) -> str | None:
    """A card ``data_files`` pattern that stays inside the folder (relative, no ``..``), or None."""
    if not isinstance(pattern, str) or not pattern or "\\" in pattern or "\x00" in pattern:
        return None
    parts = PurePosixPath(pattern).parts
    if pattern.startswith("/") or any(p in ("..", ".") for p in parts) or ":" in parts[0]:
        return None
    return pattern
