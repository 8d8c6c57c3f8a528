"""Input shards — files, folders, globs or fsspec URLs — and the byte ranges workers read of them.

Local paths without glob characters are found by ``contract.reading.discover``, so a file is named
in issues exactly as ``newsfacts validate`` names it. A URL (``s3://bucket/crawl/*.jsonl``,
``file:///data/``, …) or a glob is expanded by fsspec on the driver, which lists names and sizes
and reads nothing. A ``.jsonl`` shard is cut into ranges of about ``blocksize`` bytes
(``Part``): each worker reads its own range and the lines that start in it (see ``ranges``);
a ``.json`` shard is one document, one part.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

from newsfacts.contract.codes import issue
from newsfacts.contract.reading import CORPUS_FILES, SUFFIXES, discover
from newsfacts.contract.report import Issue

#: Bytes of a ``.jsonl`` shard per part: ~2,000 documents of 15 KB, a second or so of checks.
BLOCKSIZE = 32 * 2**20
_MAGIC = ("*", "?", "[")


@dataclass(frozen=True)
class Shard:
    """One input file: ``name`` as issues show it, ``url`` as workers open it."""

    name: str
    url: str
    size: int

    @property
    def jsonl(self) -> bool:
        return self.name.endswith(".jsonl")


@dataclass(frozen=True)
class Part:
    """The lines of ``shard`` that start in ``[start, end)``; ``index``: its place among all parts."""

    index: int
    shard: Shard
    start: int
    end: int


def is_url(path: str) -> bool:
    return "://" in path


def find_shards(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[Shard], list[Issue]]:
    """The document files named by ``paths``, in a stable order, and the problems finding them."""
    shards: list[Shard] = []
    problems: list[Issue] = []
    seen: set[str] = set()

    def add(found: Iterable[Shard]) -> None:
        for shard in found:
            if shard.url not in seen:
                seen.add(shard.url)
                shards.append(shard)

    for raw in paths:
        text = os.fspath(raw)
        if is_url(text):
            found, trouble = _remote(text)
        elif any(c in text for c in _MAGIC):
            matches = sorted(glob.glob(text, recursive=True))
            if not matches:
                trouble = [issue("path-not-found", f"no file matches {text}", file=text)]
                found = []
            else:
                found, trouble = _local(matches)
        else:
            found, trouble = _local([text])
        add(found)
        problems.extend(trouble)
    return shards, problems


def _local(paths: list[str]) -> tuple[list[Shard], list[Issue]]:
    files, problems = discover(paths)
    found = []
    for path in files:
        try:
            size = path.stat().st_size
        except OSError as exc:
            problems.append(issue("unreadable-file", f"cannot read {path}: {exc.strerror or exc}", file=str(path)))
            continue
        found.append(Shard(str(path), str(path.resolve()), size))
    return found, problems


def _remote(url: str) -> tuple[list[Shard], list[Issue]]:
    """The shards a URL names: a file, a folder (searched as ``discover`` searches one) or a glob."""
    import fsspec.core

    try:
        fs, path = fsspec.core.url_to_fs(url)
    except (ImportError, ValueError) as exc:
        return [], [issue("filesystem-unavailable", f"cannot open {url}: {exc}", file=url)]
    try:
        if any(c in path for c in _MAGIC):
            entries = fs.glob(path, detail=True)
            if not entries:
                return [], [issue("path-not-found", f"no file matches {url}", file=url)]
        else:
            entries = {path: fs.info(path)}
        found: list[Shard] = []
        problems: list[Issue] = []
        for name, info in sorted(entries.items()):
            if info.get("type") == "directory":
                inside = _folder(fs, name)
                if not inside:
                    where = fs.unstrip_protocol(name)
                    problems.append(issue("no-documents", f"no .json or .jsonl files under {where}", file=where))
                found.extend(inside)
            elif PurePosixPath(name).suffix in SUFFIXES:
                where = url if name == path else fs.unstrip_protocol(name)  # named: as the user spelt it
                found.append(Shard(where, where, int(info.get("size") or 0)))
            elif name == path:  # named, not matched by a glob
                problems.append(issue("unsupported-file", f"not a .json or .jsonl file: {url}", file=url))
        return found, problems
    except FileNotFoundError:
        return [], [issue("path-not-found", f"no such file or folder: {url}", file=url)]
    except OSError as exc:
        return [], [issue("unreadable-file", f"cannot list {url}: {exc.strerror or exc}", file=url)]


def _folder(fs, folder: str) -> list[Shard]:
    found = []
    for name, info in sorted(fs.find(folder, detail=True).items()):
        relative = PurePosixPath(name).relative_to(PurePosixPath(folder)) if name.startswith(folder) else None
        parts = relative.parts if relative is not None else PurePosixPath(name).parts
        if (
            PurePosixPath(name).suffix in SUFFIXES
            and PurePosixPath(name).name not in CORPUS_FILES
            and not any(part.startswith(".") for part in parts)
        ):
            where = fs.unstrip_protocol(name)
            found.append(Shard(where, where, int(info.get("size") or 0)))
    return found


def find_files(
    paths: Iterable[str | os.PathLike[str]], suffixes: tuple[str, ...], skip: tuple[str, ...] = ()
) -> tuple[list[Shard], list[Issue]]:
    """Files with one of ``suffixes`` (names ending in one of ``skip`` passed over) named by
    ``paths``: files, folders (searched recursively, hidden entries skipped), globs or fsspec URLs
    of any of these; local files are named as given."""
    import fsspec.core

    shards: list[Shard] = []
    problems: list[Issue] = []
    seen: set[str] = set()
    for raw in paths:
        text = os.fspath(raw)
        try:
            fs, path = fsspec.core.url_to_fs(text)
        except (ImportError, ValueError) as exc:
            problems.append(issue("filesystem-unavailable", f"cannot open {text}: {exc}", file=text))
            continue
        local = not is_url(text)
        try:
            if any(c in path for c in _MAGIC):
                entries = fs.glob(path, detail=True)
                if not entries:
                    problems.append(issue("path-not-found", f"no file matches {text}", file=text))
            else:
                entries = {path: fs.info(path)}
        except FileNotFoundError:
            problems.append(issue("path-not-found", f"no such file or folder: {text}", file=text))
            continue
        except OSError as exc:
            problems.append(issue("unreadable-file", f"cannot list {text}: {exc.strerror or exc}", file=text))
            continue
        for name, info in sorted(entries.items()):
            if info.get("type") == "directory":
                found = [
                    (inner, inner_info)
                    for inner, inner_info in sorted(fs.find(name, detail=True).items())
                    if not any(part.startswith(".") for part in PurePosixPath(inner[len(name) :]).parts)
                ]
            else:
                found = [(name, info)]
            for inner, inner_info in found:
                if not inner.endswith(suffixes) or inner.endswith(skip):
                    if inner == path:
                        problems.append(
                            issue("unsupported-file", f"not a {' or '.join(suffixes)} file: {text}", file=text)
                        )
                    continue
                if inner == path:
                    shown = text
                elif local:
                    shown = os.path.relpath(inner) if not os.path.isabs(text) else inner
                else:
                    shown = fs.unstrip_protocol(inner)
                url = inner if local else fs.unstrip_protocol(inner)
                if url not in seen:
                    seen.add(url)
                    shards.append(Shard(shown, url, int(inner_info.get("size") or 0)))
    return shards, problems


def split(shards: Iterable[Shard], blocksize: int = BLOCKSIZE) -> list[Part]:
    """The parts of ``shards`` in order: a ``.jsonl`` shard in ranges of ``blocksize`` bytes
    (one part when it is empty), a ``.json`` shard whole."""
    parts: list[Part] = []
    blocksize = max(1, blocksize)
    for shard in shards:
        if not shard.jsonl or shard.size <= blocksize:
            parts.append(Part(len(parts), shard, 0, max(shard.size, 1)))
            continue
        for start in range(0, shard.size, blocksize):
            parts.append(Part(len(parts), shard, start, min(start + blocksize, shard.size)))
    return parts
