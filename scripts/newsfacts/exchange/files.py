"""Export documents to exchange formats and import them back: the file handling behind
``newsfacts export`` and ``newsfacts import``. The format modules (`newsfacts.exchange.brat`,
`newsfacts.exchange.labelstudio`, `newsfacts.exchange.conll`, `newsfacts.exchange.corefud`)
convert strings; this module finds files, reads them, validates what it imports and writes
only valid documents.

Inputs: only regular files are read (a FIFO or a device named as input is refused before any
read, so nothing hangs), each at most ``MAX_INPUT_BYTES``. A Label Studio file is parsed one
task at a time (`iter_tasks`): the Python objects of one task live at once, not of the file.

Outputs (`Output`): every file goes to a staging folder beside ``--out`` first, created with
the user's umask like any other file (0644 under umask 022, as ``newsfacts build`` writes);
only when all are written are they moved into place. A write that fails (read-only target,
full disk) leaves nothing behind and changes nothing already there.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import stat
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newsfacts.contract.codes import issue
from newsfacts.contract.documents import dump_document
from newsfacts.contract.report import Issue, Report
from newsfacts.exchange.standoff import STRICT_JSON

#: The largest input file read (brat .ann/.txt/.meta.json, Label Studio JSON).
MAX_INPUT_BYTES = 512 * 2**20


def stem(doc: dict[str, Any]) -> str:
    """File name stem of a document: its doc_id, plus its annotation set unless that is gold."""
    name = doc["annotation"]["set"]
    return doc["doc_id"] if name == "gold" else f"{doc['doc_id']}.{name}"


class OutputError(Exception):
    """Writing the output failed; ``issue`` says why (nothing was written)."""

    def __init__(self, found: Issue) -> None:
        super().__init__(found.message)
        self.issue = found


class Output:
    """Files for the folder ``out``, staged beside it and moved into place by `publish`."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.staging: Path | None = None
        self.names: list[str] = []

    def check(self) -> Issue | None:
        """A problem with ``out`` known before anything is written: it is an existing non-folder."""
        if self.out.exists() and not self.out.is_dir():
            return issue("output-exists", f"--out {self.out} exists and is not a folder", file=str(self.out))
        return None

    def write(self, name: str, content: str) -> None:
        """Stage one file (created with the user's umask). Raises `OutputError`."""
        try:
            if self.staging is None:
                self.staging = self._make_staging()
            with open(self.staging / name, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(content)
        except OSError as exc:
            self.discard()
            raise OutputError(_write_failed(self.out, exc)) from None
        self.names.append(name)

    def _make_staging(self) -> Path:
        base = self.out if self.out.is_dir() else self.out.parent
        base.mkdir(parents=True, exist_ok=True)
        for attempt in range(100):
            path = base / f".{self.out.name}.newsfacts-{os.getpid()}-{attempt}"
            try:
                path.mkdir()  # mode 0777 less the umask
            except FileExistsError:
                continue
            return path
        raise OSError(errno.EEXIST, "no free staging folder name", str(base))

    def publish(self) -> list[Path]:
        """Move the staged files into ``out``; their final paths. Raises `OutputError`."""
        if self.staging is None:
            return []
        try:
            if not self.out.exists():
                self.staging.rename(self.out)
            else:
                for name in self.names:
                    os.replace(self.staging / name, self.out / name)
                self.staging.rmdir()
        except OSError as exc:
            self.discard()
            raise OutputError(_write_failed(self.out, exc)) from None
        self.staging = None
        return [self.out / name for name in self.names]

    def discard(self) -> None:
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None


def _write_failed(out: Path, exc: OSError) -> Issue:
    reason = exc.strerror or str(exc)
    return issue("output-write-failed", f"cannot write to {out}: {reason}; nothing was written", file=str(out))


# --- reading ---------------------------------------------------------------------------------------


def regular_file(path: Path) -> Issue | None:
    """Why ``path`` cannot be read as an input file (checked without opening it), or None."""
    try:
        found = path.stat()
    except OSError as exc:
        return issue("unreadable-file", exc.strerror or str(exc), file=str(path))
    return _regular(found, path)


def _regular(found: os.stat_result, path: Path) -> Issue | None:
    if not stat.S_ISREG(found.st_mode):
        return issue("unreadable-file", "not a regular file (a FIFO, device or socket is never read)", file=str(path))
    if found.st_size > MAX_INPUT_BYTES:
        return issue(
            "input-too-large", f"{found.st_size:,} bytes; the limit is {MAX_INPUT_BYTES:,} bytes", file=str(path)
        )
    return None


def _read_text(path: Path, report: Report) -> str | None:
    refused = regular_file(path)
    if refused is not None:
        report.issues.append(refused)
        return None
    try:  # opened without blocking, and checked again: it may have been swapped for a FIFO since
        with open(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as handle:
            refused = _regular(os.fstat(handle.fileno()), path)
            data = b"" if refused else handle.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        report.issues.append(issue("unreadable-file", exc.strerror or str(exc), file=str(path)))
        return None
    if refused is not None:
        report.issues.append(refused)
        return None
    if len(data) > MAX_INPUT_BYTES:  # it grew since stat
        report.issues.append(issue("input-too-large", f"more than {MAX_INPUT_BYTES:,} bytes", file=str(path)))
        return None
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        report.issues.append(issue("invalid-utf8", f"invalid UTF-8: {exc.reason}", file=str(path), line=line))
        return None
    return unicodedata.normalize("NFC", text) if not unicodedata.is_normalized("NFC", text) else text


def _parse_json(text: str, path: Path, report: Report) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        report.issues.append(issue("invalid-json", f"{exc.msg} at column {exc.colno}", file=str(path), line=exc.lineno))
    except RecursionError:
        report.issues.append(issue("json-too-deep", "the JSON nests too deeply", file=str(path), line=1))
    return None


_WHITESPACE = " \t\n\r"


def _json_problem(exc: Exception, text: str, pos: int, file: str) -> Issue:
    if isinstance(exc, json.JSONDecodeError):
        return issue("invalid-json", f"{exc.msg} at column {exc.colno}", file=file, line=exc.lineno)
    line = text.count("\n", 0, pos) + 1
    if isinstance(exc, RecursionError):
        return issue("json-too-deep", "the JSON nests too deeply", file=file, line=line)
    return issue("invalid-json", str(exc)[:120], file=file, line=line)


def _parse_json(text: str, path: Path, report: Report) -> Any:
    try:
        return json.loads(text, **STRICT_JSON)
    except (ValueError, RecursionError) as exc:
        report.issues.append(_json_problem(exc, text, 0, str(path)))
    return None


def iter_tasks(text: str, path: Path, report: Report) -> Iterator[tuple[Any, tuple, str, int]]:
    """The tasks of a Label Studio file one at a time: (task, its place, its JSON text, its first
    line). A list is parsed item by item, so one task's objects live at a time; problems go to
    ``report``."""
    decoder = json.JSONDecoder(**STRICT_JSON)
    pos, line = 0, 1

    def skip(i: int) -> int:
        while i < len(text) and text[i] in _WHITESPACE:
            i += 1
        return i

    def fail(exc: Exception, at: int) -> None:
        report.issues.append(_json_problem(exc, text, at, str(path)))

    start = skip(0)
    if text[start : start + 1] != "[":
        try:
            task, end = decoder.raw_decode(text, start)
        except (ValueError, RecursionError) as exc:
            fail(exc, start)
            return
        if skip(end) < len(text):
            fail(json.JSONDecodeError("Extra data", text, skip(end)), end)
            return
        yield task, (), text, 1
        return
    i, n = skip(start + 1), 0
    if text[i : i + 1] == "]":
        if skip(i + 1) < len(text):
            fail(json.JSONDecodeError("Extra data", text, skip(i + 1)), i)
        return
    while True:
        try:
            task, end = decoder.raw_decode(text, i)
        except (ValueError, RecursionError) as exc:
            fail(exc, i)
            return
        line += text.count("\n", pos, i)
        pos = i
        yield task, (n,), text[i:end], line
        n += 1
        i = skip(end)
        if text[i : i + 1] == ",":
            i = skip(i + 1)
        elif text[i : i + 1] == "]":
            if skip(i + 1) < len(text):
                fail(json.JSONDecodeError("Extra data", text, skip(i + 1)), i)
            return
        else:
            fail(json.JSONDecodeError("Expecting ',' delimiter", text, i), i)
            return


# --- export ----------------------------------------------------------------------------------------


def load_valid(src: Path) -> tuple[list[dict[str, Any]], Report]:
    """The documents of ``src`` (a file, a folder or a release folder) when all are valid;
    else none, and the report saying why."""
    from newsfacts.contract.sources import load_checked

    refused = _refuse_special(src)
    if refused:
        return [], Report(issues=refused)
    loaded = load_checked(src)
    report = Report(issues=loaded.issues, files=loaded.files, documents=len(loaded.documents))
    return (loaded.documents if report.valid else []), report


def _refuse_special(src: Path) -> list[Issue]:
    """Non-regular files among the inputs under ``src``: refused before anything reads them."""
    if src.is_dir():
        candidates = [
            p
            for p in sorted(src.rglob("*"))
            if p.suffix in (".json", ".jsonl", ".parquet")
            and not any(part.startswith(".") for part in p.relative_to(src).parts)
            and not p.is_dir()
        ]
    elif src.exists():
        candidates = [src]
    else:
        return []
    problems = (regular_file(p) for p in candidates)
    return [p for p in problems if p is not None and p.code == "unreadable-file"]


def export_documents(fmt: str, src: Path, out: Path, *, offsets: str = "utf16") -> tuple[Report, list[Path]]:
    """Write the documents of ``src`` to ``out`` in ``fmt`` (brat, labelstudio, conll, corefud);
    the report and the files written (none when something is wrong)."""
    output = Output(out)
    refused = output.check()
    if refused is not None:
        return Report(issues=[refused]), []
    docs, report = load_valid(src)
    if not report.valid:
        return report, []
    try:
        for name, content in _exported(fmt, docs, offsets):
            output.write(name, content)
        return report, output.publish()
    except OutputError as exc:
        report.issues.append(exc.issue)
        return report, []


def _exported(fmt: str, docs: list[dict[str, Any]], offsets: str) -> Iterator[tuple[str, str]]:
    if fmt == "brat":
        from newsfacts.exchange.brat import brat_conf, brat_meta, brat_visual_conf, to_brat

        for doc in docs:
            txt, ann = to_brat(doc)
            yield f"{stem(doc)}.txt", txt
            yield f"{stem(doc)}.ann", ann
            yield f"{stem(doc)}.meta.json", json.dumps(brat_meta(doc), ensure_ascii=False, indent=1) + "\n"
        yield "annotation.conf", brat_conf()
        yield "visual.conf", brat_visual_conf()
    elif fmt == "labelstudio":
        from newsfacts.exchange.labelstudio import dumps_tasks, labelstudio_config, to_labelstudio

        tasks = [to_labelstudio(d, offsets=offsets, task_id=n) for n, d in enumerate(docs, 1)]  # type: ignore[arg-type]
        yield "tasks.json", dumps_tasks(tasks)
        yield "labelstudio-config.xml", labelstudio_config()
    elif fmt == "conll":
        from newsfacts.exchange.conll import to_conll

        for doc in docs:
            yield f"{stem(doc)}.conll", to_conll(doc)
    elif fmt == "corefud":
        from newsfacts.exchange.corefud import to_corefud

        for doc in docs:
            yield f"{stem(doc)}.conllu", to_corefud(doc)
    else:
        raise ValueError(f"unknown export format {fmt!r}")


# --- import ----------------------------------------------------------------------------------------


def _sources(src: Path, suffix: str, report: Report) -> list[Path]:
    if not src.exists():
        report.issues.append(issue("path-not-found", f"no such file or folder: {src}", file=str(src)))
        return []
    if not src.is_dir():
        files = [src]
    else:
        files = sorted(p for p in src.rglob(f"*{suffix}") if not p.name.startswith(".") and not p.is_dir())
        if not files:
            report.issues.append(issue("no-documents", f"no {suffix} file under {src}", file=str(src)))
    report.files = len(files)
    return files


def brat_base(ann_path: Path) -> Path:
    """``esp.train-doc-100.ann`` → ``esp.train-doc-100`` (only the ``.ann`` goes: names may hold dots)."""
    return ann_path.with_name(ann_path.name.removesuffix(".ann"))


def _sibling(base: Path, suffix: str) -> Path:
    return base.with_name(base.name + suffix)


def _brat_doc_id(name: str) -> str:
    """A schema-valid doc_id from a brat file name (other characters become ``-``)."""
    cleaned = "".join(c if c.isascii() and (c.isalnum() or c in "_.-") else "-" for c in name)[:128]
    return cleaned if cleaned[:1].isalnum() else ("d" + cleaned)[:128]


def _from_brat_files(src: Path, report: Report, label_map: dict[str, str] | None) -> Iterator[tuple[Any, Any, str]]:
    from newsfacts.exchange.brat import from_brat

    for ann_path in _sources(src, ".ann", report):
        base = brat_base(ann_path)
        txt_path, meta_path = _sibling(base, ".txt"), _sibling(base, ".meta.json")
        ann, txt = _read_text(ann_path, report), _read_text(txt_path, report)
        has_meta = meta_path.exists() or meta_path.is_symlink()
        meta_text = _read_text(meta_path, report) if has_meta else None
        if ann is None or txt is None or (has_meta and meta_text is None):
            continue
        meta = None
        if meta_text is not None:
            meta = _parse_json(meta_text, meta_path, report)
            if meta is None:
                continue
        doc, found = from_brat(
            txt,
            ann,
            meta,
            doc_id=_brat_doc_id(base.name),
            ann_file=str(ann_path),
            meta_file=str(meta_path),
            label_map=label_map,
        )
        yield doc, found, str(ann_path)


def _from_labelstudio_files(
    src: Path, report: Report, offsets: str, label_map: dict[str, str] | None
) -> Iterator[tuple[Any, Any, str]]:
    from newsfacts.exchange.labelstudio import from_task

    for path in _sources(src, ".json", report):
        text = _read_text(path, report)
        if text is None:
            continue
        for task, place, source, first_line in iter_tasks(text, path, report):
            doc, found = from_task(
                task,
                place,
                offsets=offsets,  # type: ignore[arg-type]
                file=str(path),
                source=source,
                first_line=first_line,
                label_map=label_map,
            )
            yield doc, found, str(path)


def import_documents(
    fmt: str, src: Path, out: Path, *, offsets: str = "auto", label_map: dict[str, str] | None = None
) -> tuple[Report, list[Path]]:
    """Convert ``src`` (file or folder) to documents, validate them and write the valid ones."""
    from newsfacts.contract.validate import validate_document

    report = Report()
    output = Output(out)
    refused = output.check()
    if refused is not None:
        return Report(issues=[refused]), []
    if fmt == "brat":
        converted = _from_brat_files(src, report, label_map)
    else:
        converted = _from_labelstudio_files(src, report, offsets, label_map)
    names: dict[str, str] = {}
    try:
        for doc, found, origin in converted:
            report.documents += 1
            report.extend(found)
            if any(i.severity != "warning" for i in found):
                continue
            problems = [_at(i, origin) for i in validate_document(doc)]
            report.extend(problems)
            if any(i.severity != "warning" for i in problems):
                continue  # never write an invalid document
            name = f"{stem(doc)}.json"
            if name in names:
                report.issues.append(
                    issue(
                        "duplicate-doc-id",
                        f"{doc['doc_id']} ({doc['annotation']['set']}) is also in {names[name]}; "
                        "the second is not written",
                        file=origin,
                    )
                )
                continue
            names[name] = origin
            output.write(name, dump_document(doc))
        if any(i.severity == "fatal" for i in report.issues):
            output.discard()
            return report, []
        return report, output.publish()
    except OutputError as exc:
        report.issues.append(exc.issue)
        return report, []


def _at(found: Issue, origin: str) -> Issue:
    from dataclasses import replace

    return replace(found, file=origin, message=f"imported document: {found.message}")


# --- the label map ---------------------------------------------------------------------------------


def parse_label_map(value: str | None) -> tuple[dict[str, str] | None, list[Issue]]:
    """``--label-map``: a file (a JSON object, or ``FROM=TO`` lines) or inline ``FROM=TO,FROM=TO``.
    TO is a newsfacts label or ``-`` (drop FROM's regions); an empty TO drops too."""
    from newsfacts.exchange.standoff import DROP, LABELS

    if value is None:
        return None, []
    path = Path(value)
    where = {"file": value if len(value) < 200 else value[:200] + "…"}
    if "=" not in value and (path.exists() or path.suffix in (".json", ".txt", ".tsv", ".map")):
        report = Report()
        text = _read_text(path, report)
        if text is None:
            return None, report.issues
        if text.lstrip().startswith("{"):
            parsed = _parse_json(text, path, report)
            if not isinstance(parsed, dict) or not all(isinstance(v, str) for v in parsed.values()):
                return None, report.issues or [issue("bad-label-map", "expected a JSON object of strings", **where)]
            pairs = list(parsed.items())
        else:
            pairs = _pairs([line for line in text.splitlines() if line.strip() and not line.startswith("#")])
    else:
        pairs = _pairs(value.split(","))
    if pairs is None:
        return None, [issue("bad-label-map", "expected FROM=TO pairs", **where)]
    mapping = {source.strip(): (target.strip() or DROP) for source, target in pairs}
    wrong = sorted({t for t in mapping.values() if t not in LABELS and t != DROP})
    if "" in mapping or wrong:
        return None, [
            issue(
                "bad-label-map",
                f"targets not in the newsfacts labels: {', '.join(wrong) or '(an empty FROM)'}; "
                f"choose from {', '.join(LABELS)} or {DROP}",
                **where,
            )
        ]
    return mapping, []


def _pairs(items: list[str]) -> list[tuple[str, str]] | None:
    pairs = []
    for item in items:
        if not item.strip():
            continue
        sep = "=" if "=" in item else "\t" if "\t" in item else None
        if sep is None:
            return None
        source, target = item.split(sep, 1)
        pairs.append((source, target))
    return pairs or None
