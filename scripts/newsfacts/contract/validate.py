"""The validator: layered checks of annotated documents, from bytes to the whole corpus.

Layers, stopping early for a record whose lower layer failed:
1. bytes (UTF-8, NFC) → 2. JSON syntax → 3. the JSON Schema → 4. record semantics
(`newsfacts.contract.checks`) → 5. corpus-wide (unique doc ids per annotation set, one split per
document, seed hashes).

The happy path is fast: orjson parses, jsonschema-rs validates; only a record that fails is
re-checked with ``jsonschema`` for detailed, pointed errors.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from itertools import islice
from pathlib import Path, PurePosixPath
from typing import Any

import orjson

from newsfacts.contract.checks import check_document
from newsfacts.contract.codes import issue
from newsfacts.contract.locate import line_of_pointer
from newsfacts.contract.reading import Record, discover, read_records
from newsfacts.contract.report import Issue, Report, pointer
from newsfacts.contract.schema import document_schema, fast_validator, field_description, offline_validator

_INT64 = 2**63
#: A run of 19+ ASCII digits may not fit in 64 bits: orjson reads such integers as floats,
#: silently. Found by mapping digits to "0" and all else to " " (20x faster than a regex).
_DIGITS_ONLY = bytes(0x30 if 0x30 <= b <= 0x39 else 0x20 for b in range(256))
_LONG_DIGITS = b"0" * 19
#: Nesting deeper than this is no document (one nests 4 deep); jsonschema's messages would
#: overflow the stack on the ~1,000 levels orjson accepts.
MAX_DEPTH = 64


@dataclass(frozen=True)
class DocKey:
    """What the corpus-wide checks need to know of one valid document."""

    doc_id: str
    annotation_set: str
    split: str
    seed_file: str | None
    seed_sha256: str | None
    file: str
    line: int
    status: str = "gold"  # the annotation status (``build`` releases gold records only)


@cache
def _fast_validator() -> Any:
    return fast_validator(document_schema())


@cache
def _validators() -> tuple[Any, Any]:
    """The fast validator and the detailed one; ``jsonschema`` is imported only when a record fails."""
    return _fast_validator(), detailed_validator(document_schema())


def _ecma_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    """``pattern`` as JSON Schema means it (ECMA-262 regexes), as jsonschema-rs checks it.

    Python's ``re`` differs where it matters here: ``$`` also matches before a final newline
    and ``\\d`` matches any Unicode digit; without this, "en\\n" passed one engine only.
    """
    import jsonschema

    if validator.is_type(instance, "string") and not _ecma_regex(pattern).search(instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


@cache
def _ecma_regex(pattern: str) -> re.Pattern[str]:
    out, in_class, escaped = [], False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "$" and not in_class:
            char = r"\Z"
        out.append(char)
    return re.compile("".join(out), re.ASCII)


def validate_paths(
    paths: Iterable[str | os.PathLike[str]], *, jobs: int = 1, seeds: str | os.PathLike[str] | None = None
) -> Report:
    """Validate the documents in ``paths`` (files or folders) and return a report.

    ``jobs`` > 1 spreads the record checks over that many processes. ``seeds`` is the folder
    of raw seed articles; by default a ``seeds/`` folder beside or above the documents.
    """
    files, problems = discover(paths)
    report = Report(issues=problems, files=len(files))
    if seeds is not None and not Path(seeds).is_dir():  # a usage error: say it, check nothing
        report.issues.append(issue("path-not-found", f"no such seeds folder: {seeds}", file=str(seeds)))
        return report
    keys: list[DocKey] = []
    for found, key in _check_records(_records(files, report), jobs):
        report.extend(found)
        report.documents += 1
        if key is not None:
            keys.append(key)
    report.extend(map(_pointed_line, corpus_checks(keys, Path(seeds) if seeds is not None else None)))
    report.sets = dict(sorted(Counter(k.annotation_set for k in keys).items()))
    return report


def validate_document(doc: Any) -> list[Issue]:
    """Schema and semantic checks of one document already parsed into Python objects."""
    return list(_schema_and_semantics(doc, lambda p: None, "<document>", None))


def _records(files: list[Path], report: Report) -> Iterator[Record]:
    for path in files:
        for item in read_records(path):
            if isinstance(item, Issue):
                report.issues.append(item)
            else:
                yield item


def _check_records(records: Iterator[Record], jobs: int) -> Iterator[tuple[list[Issue], DocKey | None]]:
    if jobs <= 1:
        yield from map(validate_record, records)
        return
    import multiprocessing

    batches = iter(lambda: list(islice(records, 256)), [])
    with multiprocessing.get_context("spawn" if os.name == "nt" else "fork").Pool(jobs) as pool:
        for results in pool.imap(_validate_batch, batches, chunksize=1):
            yield from results


def _validate_batch(batch: list[Record]) -> list[tuple[list[Issue], DocKey | None]]:
    return [validate_record(r) for r in batch]


SpanChoice = bool | Callable[[dict[str, Any]], bool]


def validate_record(record: Record, *, spans: SpanChoice = True) -> tuple[list[Issue], DocKey | None]:
    """All record-level layers for one record; a DocKey when the record is valid enough to count.

    ``spans=False``: without ``checks.span_checks`` (see ``checks.check_document``); a function
    decides from the document (once it matches the schema) whether they run."""
    found, doc = check_record(record, spans=spans)
    if doc is None:
        return found, None
    key = DocKey(
        doc["doc_id"],
        doc["annotation"]["set"],
        doc["split"],
        doc["source"]["seed_file"],
        doc["source"]["seed_sha256"],
        record.file,
        record.line,
        doc["annotation"]["status"],
    )
    return found, key


def check_record(record: Record, *, spans: SpanChoice = True) -> tuple[list[Issue], Any]:
    """``validate_record``'s layers, giving the parsed document when it has no error (else None)."""
    parsed = parse_record(record)
    if isinstance(parsed, Issue):
        return [parsed], None
    doc, line_of = parsed
    found = list(_schema_and_semantics(doc, line_of, record.file, record, spans))
    if found and any(i.severity != "warning" for i in found):
        return found, None
    return found, doc


def parse_record(record: Record, parsed: Any = None) -> Issue | tuple[Any, Callable[[str], int]]:
    """Layers 1 and 2 of a record (bytes, JSON): the parsed value and a function from a JSON
    Pointer to its line, or the Issue that stopped it. ``parsed``: the record's bytes as orjson
    already parsed them (not parsed again)."""
    where = {"file": record.file}
    data = record.data
    if data.startswith(b"\xef\xbb\xbf"):
        return issue("utf8-bom", "the data starts with a UTF-8 byte-order mark", **where, line=record.line)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col(data, exc.start, record)
        return issue("invalid-utf8", f"invalid UTF-8 at line {line}, column {col}: {exc.reason}", **where, line=line)
    if not unicodedata.is_normalized("NFC", text):
        line = _first_non_nfc_line(text, record)
        return issue("not-nfc", "the data is not in Unicode NFC", **where, line=line)
    try:
        doc = orjson.loads(data) if parsed is None else parsed
    except orjson.JSONDecodeError:
        return _json_failure(text, record)
    if _LONG_DIGITS in data.translate(_DIGITS_ONLY):  # orjson read any integer beyond 64 bits as a float
        refused = _strict_json_issue(text, record)
        if refused is not None:
            return refused
    if _may_repeat_a_key(data, doc):  # orjson keeps the last of a repeated key, silently
        repeated = _duplicate_key_issue(text, record)
        if repeated is not None:
            return repeated

    def line_of(ptr: str) -> int:
        return line_of_pointer(text, ptr) + record.line - 1 if record.single else record.line

    return doc, line_of


def document_schema_issues(doc: Any) -> list[Issue]:
    """The schema layer alone for one parsed document, against the package's document schema."""
    return schema_issues(doc, _fast_validator(), lambda: _validators()[1], document_schema())


def schema_issues(doc: Any, fast: Any, detailed: Callable[[], Any], schema: dict[str, Any]) -> list[Issue]:
    """Layer 3: the document against a JSON Schema (``fast``: a jsonschema-rs validator;
    ``detailed()``: a jsonschema validator of the same schema, asked only when ``fast`` refuses;
    ``schema``: for the hints). Pointers, no file or line."""
    if fast.is_valid(doc):
        return []
    if _nesting_exceeds(doc, MAX_DEPTH):
        return [issue("json-too-deep", f"the JSON nests more than {MAX_DEPTH} levels deep", pointer="")]
    errors = sorted(detailed().iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
    if not errors:  # the two engines disagree: report the fast engine's findings
        return [_fast_schema_issue(e) for e in fast.iter_errors(doc)] or [
            issue("schema-violation", "the document does not match the schema", pointer="")
        ]
    return [_schema_issue(e, schema) for e in errors]


def detailed_validator(schema: dict[str, Any]) -> Any:
    """A jsonschema validator of ``schema`` that reads ``pattern`` as JSON Schema means it."""
    import jsonschema

    return offline_validator(
        schema, jsonschema.validators.extend(jsonschema.Draft202012Validator, {"pattern": _ecma_pattern})
    )


def _schema_and_semantics(
    doc: Any, line_of, file: str, record: Record | None, spans: SpanChoice = True
) -> Iterator[Issue]:
    found = schema_issues(doc, _fast_validator(), lambda: _validators()[1], document_schema())
    if found:
        for one in found:
            yield dataclasses.replace(one, file=file, line=line_of(one.pointer or ""))
        return
    for found in check_document(doc, spans=spans(doc) if callable(spans) else spans):
        yield dataclasses.replace(found, file=file, line=line_of(found.pointer or ""))


def _nesting_exceeds(value: Any, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _fast_schema_issue(error: Any) -> Issue:
    message = error.message if len(error.message) <= 300 else error.message[:297] + "…"
    return issue("schema-violation", message, pointer=pointer(*error.instance_path))


def _schema_issue(error: Any, schema: dict[str, Any]) -> Issue:
    path = list(error.absolute_path)
    ptr = pointer(*path)
    message = error.message
    if error.context:
        import jsonschema

        best = jsonschema.exceptions.best_match(error.context)
        message = f"{message}: {best.message}" if best is not None else message
    if len(message) > 300:
        message = message[:297] + "…"
    found = issue("schema-violation", f"{message} ({error.validator})", pointer=ptr)
    described = field_description(schema, path)
    if described:
        found = dataclasses.replace(found, hint=f"{ptr or '/'}: {described}")
    return found


def _line_col(data: bytes, offset: int, record: Record) -> tuple[int, int]:
    before = data[:offset]
    line = before.count(b"\n") + record.line
    col = offset - (before.rfind(b"\n") + 1) + 1
    return line, col


def _first_non_nfc_line(text: str, record: Record) -> int:
    for n, line in enumerate(text.split("\n")):
        if not unicodedata.is_normalized("NFC", line):
            return record.line + n
    return record.line


class _Reject(ValueError):
    def __init__(self, code: str, message: str, literal: str) -> None:
        super().__init__(message)
        self.code = code
        self.literal = literal


def _parse_int(s: str) -> int:
    value = int(s)
    if not -_INT64 <= value < _INT64:
        raise _Reject(
            "integer-out-of-range", f"integer {s[:20]}{'…' if len(s) > 20 else ''} does not fit in 64 bits", s
        )
    return value


def _parse_float(s: str) -> float:
    value = float(s)
    if not math.isfinite(value):
        raise _Reject("non-finite-number", f"number {s[:20]} is not finite", s)
    return value


def _parse_constant(s: str) -> float:
    raise _Reject("non-finite-number", f"{s} is not valid JSON", s)


def _json_failure(text: str, record: Record) -> Issue:
    """Why orjson refused the record, told by the standard library with line and column."""
    refused = _strict_json_issue(text, record)
    if refused is not None:
        return refused
    where = {"file": record.file}
    try:  # stdlib accepted what orjson refused: orjson's own reason stands
        orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        message = str(exc)
        at = re.search(r"line (\d+) column", message)
        line = int(at.group(1)) + record.line - 1 if at else record.line
        if "depth" in message or "recursion" in message.lower():
            return issue("json-too-deep", message, **where, line=line)
        return issue("invalid-json", message, **where, line=line)
    return issue("invalid-json", "the JSON could not be parsed", **where, line=record.line)


#: A quote, whitespace, a colon: a key written with space before its colon (or, rarely, an escaped
#: quote in a string followed by one).
_SPACED_KEY_END = re.compile(rb'"[ \t\r\n]+:')


def _may_repeat_a_key(data: bytes, doc: Any) -> bool:
    """Whether the text may hold an object with a repeated key; False is certain, True is checked
    by ``_duplicate_key_issue``. A key ends ``":`` in the parsed document written back (orjson,
    compact; a quote inside a string is ``\\"`` in both); a repeated key leaves one such end more
    in the text than there. One rule everywhere: every command reads documents through here."""
    try:
        again = orjson.dumps(doc)
    except (TypeError, orjson.JSONEncodeError):
        return True
    if data.startswith(again) and not data[len(again) :].strip():
        return False  # the record is its own compact form (JSONL as orjson writes it): no key was dropped
    if data.count(b'":') != again.count(b'":'):
        return True
    return _SPACED_KEY_END.search(data) is not None  # ``"k" :`` keys could hide as many repeats


class _Repeated(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Repeated(key)
        out[key] = value
    return out


def _duplicate_key_issue(text: str, record: Record) -> Issue | None:
    """An issue naming the first key repeated within one object, if any."""
    try:
        json.loads(text, object_pairs_hook=_no_repeats)
    except _Repeated as exc:
        return issue(
            "duplicate-key",
            f"the key {exc.key!r} appears twice in one object (parsers disagree on which value wins)",
            file=record.file,
            line=_line_of_token(text, json.dumps(exc.key).__eq__, record.line) if record.single else record.line,
        )
    except (ValueError, RecursionError):
        return None  # what else the standard library refuses, orjson accepted: not this check's concern
    return None


def _strict_json_issue(text: str, record: Record) -> Issue | None:
    """What the standard library, parsing strictly, refuses in ``text``; None if nothing."""
    where = {"file": record.file}
    try:
        json.loads(text, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_parse_constant)
    except _Reject as exc:
        return issue(exc.code, str(exc), **where, line=_line_of_token(text, exc.literal.__eq__, record.line))
    except RecursionError:
        return issue("json-too-deep", "the JSON nests too deeply", **where, line=record.line)
    except json.JSONDecodeError as exc:
        return issue(
            "invalid-json",
            f"{exc.msg} at line {exc.lineno + record.line - 1}, column {exc.colno}",
            **where,
            line=exc.lineno + record.line - 1,
        )
    except ValueError:  # int() refusing a literal of more than 4,300 digits
        return issue(
            "integer-out-of-range",
            "an integer of thousands of digits does not fit in 64 bits",
            **where,
            line=_line_of_token(text, lambda t: len(t) > 4300 and t.lstrip("-").isdigit(), record.line),
        )
    return None


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[^\s"{}\[\],:]+', re.S)


def _line_of_token(text: str, wanted: Any, first_line: int) -> int:
    """The line of the first token outside strings for which ``wanted(token)`` holds."""
    for match in _TOKEN.finditer(text):
        if wanted(match.group()):
            return text.count("\n", 0, match.start()) + first_line
    return first_line


def corpus_checks(keys: list[DocKey], seeds: Path | None) -> Iterator[Issue]:
    """Corpus-wide checks over the valid documents: ids, splits and seed hashes."""
    by_doc: dict[str, list[DocKey]] = {}
    for key in keys:
        by_doc.setdefault(key.doc_id, []).append(key)
    seed_hashes: dict[Path, str | None] = {}
    for doc_id, records in by_doc.items():
        sets: dict[str, DocKey] = {}
        for key in records:
            where = {"file": key.file, "line": key.line}
            if key.annotation_set in sets:
                first = sets[key.annotation_set]
                yield issue(
                    "duplicate-doc-id",
                    f"doc_id {doc_id!r} (set {key.annotation_set!r}) is also at {first.file}:{first.line}",
                    **where,
                    pointer="/doc_id",
                )
            else:
                sets[key.annotation_set] = key
            if key.split != records[0].split:
                yield issue(
                    "split-conflict",
                    f"doc_id {doc_id!r} is in split {key.split!r} here but in "
                    f"{records[0].split!r} at {records[0].file}:{records[0].line}",
                    **where,
                    pointer="/split",
                )
            if key.seed_file is not None:
                yield from _seed_check(key, seeds, seed_hashes)


def _pointed_line(found: Issue) -> Issue:
    """Corpus issues carry a record's first line; in a .json file, the pointed field's own line."""
    if found.file is None or not found.pointer or not found.file.endswith(".json"):
        return found
    try:
        text = Path(found.file).read_text(encoding="utf-8")
    except (OSError, ValueError):
        return found
    return dataclasses.replace(found, line=line_of_pointer(text, found.pointer))


def _seed_check(key: DocKey, seeds: Path | None, cache_: dict[Path, str | None]) -> Iterator[Issue]:
    folder = seeds if seeds is not None else _find_seeds(Path(key.file).resolve().parent)
    if folder is None:
        return  # documents outside a checkout: nothing to compare against
    relative = PurePosixPath(key.seed_file)
    if relative.is_absolute() or ".." in relative.parts or "\\" in key.seed_file:
        where = {"file": key.file, "line": key.line, "pointer": "/source/seed_file"}
        yield issue("seed-file-outside-seeds", f"seed_file {key.seed_file!r} points outside seeds/", **where)
        return
    path = folder / key.seed_file
    if path not in cache_:
        try:
            cache_[path] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
        except OSError:  # unreadable: as good as absent
            cache_[path] = None
    where = {"file": key.file, "line": key.line, "pointer": "/source/seed_file"}
    if cache_[path] is None:
        yield issue("seed-not-found", f"seed file {str(path)!r} does not exist", **where)
    elif cache_[path] != key.seed_sha256:
        yield issue(
            "seed-hash-mismatch",
            f"{path} hashes to {cache_[path][:12]}…, the record says {str(key.seed_sha256)[:12]}…",
            **{**where, "pointer": "/source/seed_sha256"},
        )


@cache
def _find_seeds(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / "seeds").is_dir():
            return folder / "seeds"
    return None
