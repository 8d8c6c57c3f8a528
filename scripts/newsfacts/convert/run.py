"""``newsfacts convert``: read a system's output files, write predictions (JSONL), or say why not.

Input per format (one JSON object per line unless said):

- ``hf``: ``{"doc_id", "entities": [pipeline output dicts]}`` (scores as plain numbers);
- ``spacy``: ``Doc.to_json()`` with a ``doc_id`` added (``{**doc.to_json(), "doc_id": ...}``);
- ``bio``: rows of the ``ner`` config with predicted tags, ``{"id": "<doc_id>-<n>", "ner_tags": [...]}``
  (or ``doc_id`` and ``sentence`` for ``id``; tags as names or the config's ClassLabel ids); or a
  folder of ``<doc_id>.conll`` files as ``newsfacts export conll`` writes them, the last column the
  predicted tag (the tokens must be the gold's);
- ``rows``: ``{"doc_id", "start", "end", "label"}`` (optional ``text``, ``score``, ``prefix``, ``suffix``).

The gold documents give the texts (and the ``ner`` tokens). Nothing is written when anything is
wrong: the issues say what, where (file, line, JSON Pointer) and what to do.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from newsfacts.contract.codes import issue
from newsfacts.contract.report import Issue, Report

FORMATS = ("hf", "spacy", "bio", "rows")

#: A CoNLL file of predictions larger than this is refused (its tokens are held while converting).
MAX_CONLL_BYTES = 256 * 2**20


@dataclass
class Converted:
    predictions: list[dict[str, Any]] = field(default_factory=list)
    report: Report = field(default_factory=Report)


def _lines(path: Path, report: Report) -> list[tuple[int, Any]]:
    """(line number, parsed object) of a JSONL file; issues for lines that are not JSON objects."""
    out = []
    try:
        handle = path.open("rb")
    except OSError as exc:
        report.issues.append(issue("unreadable-file", f"cannot read {path}: {exc.strerror or exc}", file=str(path)))
        return out
    with handle:
        for n, raw in enumerate(handle, 1):
            if not raw.strip():
                continue
            try:
                value = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                report.issues.append(issue("invalid-json", str(exc), file=str(path), line=n))
                continue
            if not isinstance(value, dict):
                report.issues.append(
                    issue("convert-malformed", "the line is not a JSON object", file=str(path), line=n)
                )
                continue
            out.append((n, value))
    return out


def _gold(gold: Path, gold_set: str, report: Report) -> dict[str, dict[str, Any]]:
    from newsfacts.contract.sources import load_checked

    loaded = load_checked(gold)
    report.issues.extend(loaded.issues)
    return {d["doc_id"]: d for d in loaded.documents if d["annotation"]["set"] == gold_set}


def convert_paths(
    fmt: str,
    src: str | os.PathLike[str],
    gold: str | os.PathLike[str],
    *,
    label_map: Mapping[str, str] | None = None,
    gold_set: str = "gold",
    strict: bool = False,
    spans_key: str | None = None,
    find_text: bool = False,
) -> Converted:
    """Convert ``src`` (a file, or for ``bio`` a folder of .conll files) against GOLD's texts."""
    from newsfacts.convert.bio import from_bio
    from newsfacts.convert.hf import from_hf
    from newsfacts.convert.rows import from_rows
    from newsfacts.convert.spacy_doc import from_spacy_json

    src, gold = Path(src), Path(gold)
    done = Converted()
    report = done.report
    for path, role in ((src, "SRC"), (gold, "GOLD")):
        if not path.exists():
            report.issues.append(issue("path-not-found", f"{role}: no such file or folder: {path}", file=str(path)))
        elif not path.is_file() and not path.is_dir():
            report.issues.append(issue("unreadable-file", f"{role}: not a regular file: {path}", file=str(path)))
    if report.issues:
        return done
    golds = _gold(gold, gold_set, report)
    if report.exit_code == 2:
        return done
    name = str(src)

    def text_of(doc_id: Any, line: int | None, ptr: str = "/doc_id") -> dict[str, Any] | None:
        if isinstance(doc_id, str) and doc_id in golds:
            return golds[doc_id]
        report.issues.append(
            issue("convert-unknown-doc", f"GOLD has no document {doc_id!r}", file=name, line=line, pointer=ptr)
        )
        return None

    results: list[tuple[dict[str, Any], list[Issue]]] = []
    if fmt == "bio" and src.is_dir():
        from newsfacts.contract.reading import read_regular
        from newsfacts.exchange.conll import read_conll
        from newsfacts.release.ner import ner_rows

        for file in sorted(src.glob("*.conll")):
            doc = text_of(file.stem, None, "")
            if doc is None:
                continue
            try:
                sentences = read_conll(read_regular(file, MAX_CONLL_BYTES).decode("utf-8"))
            except (OSError, ValueError) as exc:  # UnicodeDecodeError is a ValueError
                report.issues.append(issue("unreadable-file", f"cannot read {file}: {exc}", file=str(file)))
                continue
            rows = list(ner_rows(doc))
            mismatched = [
                n
                for n, (row, sent) in enumerate(zip(rows, sentences, strict=False))
                if [t for t, _ in sent] != row["tokens"]
            ]
            if mismatched or len(rows) != len(sentences):
                where = f"sentence {mismatched[0]}" if mismatched else f"{len(sentences)} sentences, gold {len(rows)}"
                report.issues.append(
                    issue(
                        "convert-tokens-mismatch",
                        f"the tokens differ from the gold's ner tokens ({where})",
                        file=str(file),
                    )
                )
                continue
            results.append(
                from_bio(
                    doc, [[tag for _, tag in sent] for sent in sentences], label_map, strict=strict, file=str(file)
                )
            )
    elif src.is_dir():
        report.issues.append(issue("unsupported-file", f"{fmt}: SRC is one JSONL file, not a folder", file=name))
        return done
    else:
        lines = _lines(src, report)
        if fmt == "hf":
            for n, value in lines:
                doc = text_of(value.get("doc_id"), n)
                output = value.get("entities")
                if doc is None:
                    continue
                if not isinstance(output, list) or not all(isinstance(x, dict) for x in output):
                    report.issues.append(
                        issue(
                            "convert-malformed",
                            "`entities` must be the pipeline's list of dicts",
                            file=name,
                            line=n,
                            pointer="/entities",
                        )
                    )
                    continue
                results.append(
                    from_hf(doc["doc_id"], doc["text"], output, label_map, file=name, line=n, base="/entities")
                )
        elif fmt == "spacy":
            for n, value in lines:
                doc = text_of(value.get("doc_id"), n)
                if doc is not None:
                    results.append(
                        from_spacy_json(
                            doc["doc_id"], doc["text"], value, label_map, spans_key=spans_key, file=name, line=n
                        )
                    )
        elif fmt == "bio":
            from newsfacts.release.ner import ner_labels

            names = ner_labels()
            per_doc: dict[str, dict[int, list[str]]] = defaultdict(dict)
            first_line: dict[str, int] = {}
            for n, value in lines:
                doc_id, sentence = value.get("doc_id"), value.get("sentence")
                if doc_id is None and isinstance(value.get("id"), str) and "-" in value["id"]:
                    doc_id, _, number = value["id"].rpartition("-")
                    sentence = int(number) if number.isdigit() else None
                tags = value.get("ner_tags")
                if not isinstance(doc_id, str) or type(sentence) is not int or not isinstance(tags, list):
                    report.issues.append(
                        issue(
                            "convert-malformed",
                            "a row needs `id` (or `doc_id` and `sentence`) and `ner_tags`",
                            file=name,
                            line=n,
                        )
                    )
                    continue
                try:
                    tags = [names[t] if type(t) is int else t for t in tags]
                except IndexError:
                    report.issues.append(
                        issue(
                            "convert-malformed",
                            "a tag id is not one of the ner config's",
                            file=name,
                            line=n,
                            pointer="/ner_tags",
                        )
                    )
                    continue
                per_doc[doc_id][sentence] = tags
                first_line.setdefault(doc_id, n)
            for doc_id, sentences in per_doc.items():
                doc = text_of(doc_id, first_line[doc_id])
                if doc is not None:
                    ordered = [sentences[k] for k in sorted(sentences)]
                    if sorted(sentences) != list(range(len(sentences))):
                        report.issues.append(
                            issue(
                                "convert-tokens-mismatch",
                                f"the sentences of {doc_id!r} are not numbered 0, 1, …",
                                file=name,
                                line=first_line[doc_id],
                            )
                        )
                        continue
                    results.append(from_bio(doc, ordered, label_map, strict=strict, file=name, line=first_line[doc_id]))
        elif fmt == "rows":
            grouped: dict[Any, list[tuple[dict[str, Any], int]]] = defaultdict(list)
            for n, value in lines:
                grouped[value.get("doc_id")].append((value, n))
            for doc_id, rows in grouped.items():
                doc = text_of(doc_id, rows[0][1])
                if doc is not None:
                    results.append(
                        from_rows(doc["doc_id"], doc["text"], rows, label_map, find_text=find_text, file=name)
                    )
        else:
            raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    seen: set[str] = set()
    for prediction, found in results:
        report.issues.extend(found)
        report.documents += 1
        if prediction["doc_id"] in seen:
            report.issues.append(issue("duplicate-doc-id", f"SRC holds {prediction['doc_id']!r} twice", file=name))
        seen.add(prediction["doc_id"])
        done.predictions.append(prediction)
    report.files = 1
    return done


def predictions_jsonl(predictions: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in predictions)
