"""Export documents to exchange formats and import them back: the file handling behind
``newsfacts export`` and ``newsfacts import``. The format modules (`newsfacts.exchange.brat`,
`newsfacts.exchange.labelstudio`, `newsfacts.exchange.conll`) convert strings; this module finds files, reads
them, validates what it imports and writes only valid documents."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

from newsfacts.contract.codes import issue
from newsfacts.contract.documents import dump_document, write_atomic
from newsfacts.contract.report import Issue, Report


def stem(doc: dict[str, Any]) -> str:
    """File name stem of a document: its doc_id, plus its annotation set unless that is gold."""
    name = doc["annotation"]["set"]
    return doc["doc_id"] if name == "gold" else f"{doc['doc_id']}.{name}"


def load_valid(src: Path) -> tuple[list[dict[str, Any]], Report]:
    """The documents of ``src`` (a file, a folder or a release folder) when all are valid;
    else none, and the report saying why."""
    from newsfacts.contract.sources import load_checked

    loaded = load_checked(src)
    report = Report(issues=loaded.issues, files=loaded.files, documents=len(loaded.documents))
    return (loaded.documents if report.valid else []), report


def export_documents(fmt: str, src: Path, out: Path, *, offsets: str = "utf16") -> Report:
    """Write the documents of ``src`` to ``out`` in ``fmt`` (brat, labelstudio, conll)."""
    docs, report = load_valid(src)
    if not report.valid:
        return report
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "brat":
        from newsfacts.exchange.brat import brat_conf, brat_meta, to_brat

        for doc in docs:
            txt, ann = to_brat(doc)
            write_atomic(out / f"{stem(doc)}.txt", txt)
            write_atomic(out / f"{stem(doc)}.ann", ann)
            write_atomic(
                out / f"{stem(doc)}.meta.json", json.dumps(brat_meta(doc), ensure_ascii=False, indent=1) + "\n"
            )
        write_atomic(out / "annotation.conf", brat_conf())
    elif fmt == "labelstudio":
        from newsfacts.exchange.labelstudio import dumps_tasks, labelstudio_config, to_labelstudio

        write_atomic(out / "tasks.json", dumps_tasks([to_labelstudio(d, offsets=offsets) for d in docs]))  # type: ignore[arg-type]
        write_atomic(out / "labelstudio-config.xml", labelstudio_config())
    elif fmt == "conll":
        from newsfacts.exchange.conll import to_conll

        for doc in docs:
            write_atomic(out / f"{stem(doc)}.conll", to_conll(doc))
    return report


def _read_text(path: Path, report: Report) -> str | None:
    try:
        data = path.read_bytes()
    except OSError as exc:
        report.issues.append(issue("unreadable-file", exc.strerror or str(exc), file=str(path)))
        return None
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        report.issues.append(issue("invalid-utf8", f"invalid UTF-8: {exc.reason}", file=str(path), line=line))
        return None
    return unicodedata.normalize("NFC", text) if not unicodedata.is_normalized("NFC", text) else text


def _read_json(path: Path, report: Report) -> tuple[Any, str | None]:
    text = _read_text(path, report)
    if text is None:
        return None, None
    try:
        return json.loads(text), text
    except json.JSONDecodeError as exc:
        report.issues.append(issue("invalid-json", f"{exc.msg} at column {exc.colno}", file=str(path), line=exc.lineno))
        return None, None


def _sources(src: Path, suffix: str, report: Report) -> list[Path]:
    if not src.exists():
        report.issues.append(issue("path-not-found", f"no such file or folder: {src}", file=str(src)))
        return []
    files = [src] if src.is_file() else sorted(p for p in src.rglob(f"*{suffix}") if not p.name.startswith("."))
    if not files:
        report.issues.append(issue("no-documents", f"no {suffix} file under {src}", file=str(src)))
    report.files = len(files)
    return files


def import_documents(fmt: str, src: Path, out: Path, *, offsets: str = "auto") -> tuple[Report, list[Path]]:
    """Convert ``src`` (file or folder) to documents, validate them and write the valid ones."""
    report = Report()
    converted: list[tuple[dict[str, Any], list[Issue], str]] = []
    if fmt == "brat":
        from newsfacts.exchange.brat import from_brat

        for ann_path in _sources(src, ".ann", report):
            base = ann_path.with_suffix("")
            ann, txt = _read_text(ann_path, report), _read_text(base.with_suffix(".txt"), report)
            meta_path = base.with_suffix(".meta.json")
            meta, _ = _read_json(meta_path, report) if meta_path.exists() else (None, None)
            if ann is None or txt is None or (meta_path.exists() and meta is None):
                continue
            doc, found = from_brat(txt, ann, meta, doc_id=base.name, ann_file=str(ann_path), meta_file=str(meta_path))
            converted.append((doc, found, str(ann_path)))
    elif fmt == "labelstudio":
        from newsfacts.exchange.labelstudio import from_labelstudio

        for path in _sources(src, ".json", report):
            tasks, text = _read_json(path, report)
            if text is None:
                continue
            for doc, found in from_labelstudio(tasks, offsets=offsets, file=str(path), source=text):  # type: ignore[arg-type]
                converted.append((doc, found, str(path)))
    written: list[Path] = []
    from newsfacts.contract.validate import validate_document

    for doc, found, origin in converted:
        report.documents += 1
        report.extend(found)
        if any(i.severity != "warning" for i in found):
            continue
        problems = [_at(i, origin) for i in validate_document(doc)]
        report.extend(problems)
        if any(i.severity != "warning" for i in problems):
            continue  # never write an invalid document
        path = out / f"{stem(doc)}.json"
        write_atomic(path, dump_document(doc))
        written.append(path)
    return report, written


def _at(found: Issue, origin: str) -> Issue:
    from dataclasses import replace

    return replace(found, file=origin, message=f"imported document: {found.message}")
