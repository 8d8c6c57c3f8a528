"""Generate the validator's fixture cases from tests/cases/valid/minimal.json.

    python tests/make_cases.py          # (re)write the cases
    python tests/make_cases.py --check  # exit 1 if a committed case differs from what this script makes

Every case under ``tests/cases/invalid/`` is named after the one issue code it must yield:
``<code>.json``, ``<code>.jsonl``, or a folder ``<code>/`` for corpus-wide codes (a folder may
carry its own ``seeds/``, so seed discovery never walks up to the repository's ``seeds/``).
``tests/cases/valid/`` holds documents that must yield no issue at all; ``minimal.json`` there is
written by hand and is the base every generated case starts from. All text is the fixture's own
invented text (or derived from it); none is copied news.

``record-too-large.jsonl`` is 80 KiB, not 32 MiB: the case tests lower
``newsfacts.contract.reading.MAX_RECORD_BYTES`` to ``CASE_RECORD_LIMIT`` so the case stays small.
``test_make_cases_up_to_date`` in tests/test_validate_cases.py re-runs this script in memory and
compares, so edit the script, not the generated files.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

CASES = Path(__file__).resolve().parent / "cases"
BASE = CASES / "valid" / "minimal.json"
#: The record-size limit the case tests run with (see the module docstring).
CASE_RECORD_LIMIT = 64 * 1024

Doc = dict[str, Any]


def base() -> Doc:
    return json.loads(BASE.read_text(encoding="utf-8"))


def dump(doc: Doc) -> str:
    """The canonical layout (one annotation per line), as the corpus writes documents."""
    from newsfacts.contract.documents import dump_document

    return dump_document(doc)


def jsonl(*docs: Doc) -> str:
    return "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs)


def sha256(text: str | bytes) -> str:
    return hashlib.sha256(text.encode("utf-8") if isinstance(text, str) else text).hexdigest()


def with_text(doc: Doc, text: str) -> Doc:
    doc["text"] = text
    doc["text_sha256"] = sha256(text)
    return doc


def mutated(change: Callable[[Doc], object]) -> str:
    doc = base()
    change(doc)
    return dump(doc)


def _set(path: tuple[str | int, ...], value: Any) -> Callable[[Doc], None]:
    def change(doc: Doc) -> None:
        node: Any = doc
        for token in path[:-1]:
            node = node[token]
        node[path[-1]] = value

    return change


# --- layer 1: bytes ---------------------------------------------------------------------------


def bytes_cases() -> dict[str, bytes]:
    good = dump(base()).encode("utf-8")
    text_line = good.index(b'  "text": ')
    at = good.index(b"visitors", text_line)
    return {
        "empty-file.json": b"",
        # A byte that is never UTF-8 inside the text, on line 4.
        "invalid-utf8.json": good[:at] + b"\xff" + good[at:],
        "utf8-bom.json": b"\xef\xbb\xbf" + good,
        # "Pérez" with a decomposed é (e + U+0301) in the raw bytes of the first entity's name.
        "not-nfc.json": good.replace('"Ana Pérez"'.encode(), '"Ana Pe\u0301rez"'.encode(), 1),
        # One line of 80 KiB, above the case limit (see CASE_RECORD_LIMIT).
        "record-too-large.jsonl": (
            '{"doc_id": "too-large", "text": "' + "a line that never ends " * 3562 + '"}\n'
        ).encode(),
    }


# --- layer 2: JSON syntax ---------------------------------------------------------------------


def json_cases() -> dict[str, bytes]:
    good = dump(base())
    cut = good.index('"mentions"')
    return {
        # Cut off in the middle of the document.
        "invalid-json.json": good[:cut].encode(),
        "non-finite-number.json": good.replace('"value": 3000, "low": 2700', '"value": NaN, "low": 2700', 1).encode(),
        # 2**70: orjson would read it as a float; the validator must refuse it.
        "integer-out-of-range.json": good.replace('"value": 1600,', f'"value": {2**70},', 1).encode(),
        # Deeper than any parser here accepts (a root of nested arrays; 4 kB).
        "json-too-deep.json": ("[" * 2000 + "]" * 2000 + "\n").encode(),
        # The split twice: orjson would keep the last silently; build's reader refused it.
        "duplicate-key.json": good.replace('"split": "test"', '"split": "train", "split": "test"', 1).encode(),
    }


# --- layer 3: schema --------------------------------------------------------------------------


def schema_cases() -> dict[str, bytes]:
    return {"schema-violation.json": mutated(_set(("mentions", 3, "kind"), "common")).encode()}


# --- layer 4: record semantics ----------------------------------------------------------------


def _text_not_nfc() -> bytes:
    # The raw file stays NFC (the combining mark is a JSON escape); the decoded text is not.
    doc = with_text(base(), base()["text"] + " Cafe\u0301 owners agreed.")
    raw = dump(doc).replace("Cafe\u0301", "Cafe\\u0301", 1)
    return raw.encode()


def _entity_without_mentions(doc: Doc) -> None:
    doc["entities"].append({"id": "E5", "type": "FAC", "name": "the harbour wall", "kb": []})


def _duplicate_annotation(doc: Doc) -> None:
    doc["mentions"].append({**doc["mentions"][6], "id": "M8"})


def _duplicate_id(doc: Doc) -> None:
    doc["mentions"][6]["id"] = "M6"


def _span_whitespace(doc: Doc) -> None:
    mention = doc["mentions"][1]  # "Monday" at 77
    mention.update(start=76, text=" Monday")


def semantic_cases() -> dict[str, bytes]:
    text = base()["text"]
    return {
        "text-not-nfc.json": _text_not_nfc(),
        "title-mismatch.json": mutated(_set(("title",), "Harbour town counts its visitors")).encode(),
        "text-sha256-mismatch.json": mutated(_set(("text_sha256",), sha256(text + "\n"))).encode(),
        "span-out-of-range.json": mutated(_set(("mentions", 5, "end"), len(text) + 7)).encode(),
        "span-text-mismatch.json": mutated(_set(("mentions", 1, "text"), "Sunday")).encode(),
        "offset-not-integer.json": mutated(_set(("mentions", 1, "start"), 77.0)).encode(),
        "span-whitespace.json": mutated(_span_whitespace).encode(),
        "duplicate-id.json": mutated(_duplicate_id).encode(),
        "unknown-reference.json": mutated(_set(("mentions", 6, "entity_id"), "E9")).encode(),
        "mention-type-mismatch.json": mutated(_set(("mentions", 3, "type"), "LOC")).encode(),
        "entity-without-mentions.json": mutated(_entity_without_mentions).encode(),
        "duplicate-annotation.json": mutated(_duplicate_annotation).encode(),
        "interval-order.json": mutated(lambda d: d["numeric_facts"][0].update(low=3300, high=2700)).encode(),
        "unknown-interval-rule.json": mutated(_set(("numeric_facts", 0, "interval_rule"), "roughly")).encode(),
        "interval-rule-mismatch.json": mutated(_set(("numeric_facts", 0, "high"), 3400)).encode(),
        "unit-text-not-found.json": mutated(_set(("numeric_facts", 0, "unit_text"), "guests")).encode(),
        "fact-outside-quote.json": mutated(_set(("numeric_facts", 0, "quote_id"), "Q1")).encode(),
        "gold-without-annotators.json": mutated(_set(("annotation", "annotators"), [])).encode(),
        "annotation-status-mismatch.json": mutated(_set(("annotation", "status"), "unannotated")).encode(),
        # Warnings: the document stays valid (exit 0) but the case yields exactly this code.
        "speaker-without-source.json": mutated(_set(("quotes", 1, "source"), [])).encode(),
        "document-not-annotated.json": mutated(_unannotated).encode(),
    }


def _unannotated(doc: Doc) -> None:
    doc["annotation"].update(status="unannotated", annotators=[], guidelines_version=None)
    for layer in ("entities", "mentions", "quotes", "numeric_facts"):
        doc[layer] = []


# --- layer 5: corpus-wide ---------------------------------------------------------------------

#: The fixture's own seed article: the minimal text plus page boilerplate ingest removes.
SEED_TEXT = base()["text"] + "\n\nComments are closed.\n"


def _seeded(doc_id: str, seed_file: str, seed_sha: str) -> Doc:
    doc = base()
    doc["doc_id"] = doc_id
    doc["source"]["seed_file"] = seed_file
    doc["source"]["seed_sha256"] = seed_sha
    return doc


def corpus_cases() -> dict[str, bytes]:
    first = base()
    second = base()
    second["annotation"].update(set="pass-a", status="independent_pass")
    second["split"] = "train"
    seed = SEED_TEXT.encode()
    return {
        "duplicate-doc-id.jsonl": jsonl(first, base()).encode(),
        "split-conflict.jsonl": jsonl(first, second).encode(),
        "seed-not-found/document.json": dump(_seeded("seed-not-found", "absent.txt", sha256(seed))).encode(),
        "seed-not-found/seeds/present.txt": seed,
        "seed-hash-mismatch/document.json": dump(
            _seeded("seed-hash-mismatch", "article.txt", sha256(seed + b"\n"))
        ).encode(),
        "seed-hash-mismatch/seeds/article.txt": seed,
        "seed-file-outside-seeds/document.json": dump(
            _seeded("seed-file-outside-seeds", "../document.json", sha256(seed))
        ).encode(),
        "seed-file-outside-seeds/seeds/article.txt": seed,
    }


# --- valid cases beside minimal.json ----------------------------------------------------------


def valid_cases() -> dict[str, bytes]:
    first, second = base(), base()
    first["doc_id"], second["doc_id"] = "valid-jsonl-a", "valid-jsonl-b"
    second["split"] = "train"
    seed = SEED_TEXT.encode()
    return {
        "two-documents.jsonl": jsonl(first, second).encode(),
        "with-seed/document.json": dump(_seeded("valid-with-seed", "valid-with-seed.txt", sha256(seed))).encode(),
        "with-seed/seeds/valid-with-seed.txt": seed,
    }


def build_cases() -> dict[str, bytes]:
    """Every generated file, by its path relative to tests/cases/."""
    invalid = {**bytes_cases(), **json_cases(), **schema_cases(), **semantic_cases(), **corpus_cases()}
    return {
        **{f"invalid/{name}": data for name, data in invalid.items()},
        **{f"valid/{name}": data for name, data in valid_cases().items()},
    }


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for name, data in build_cases().items():
        path = CASES / name
        if path.is_file() and path.read_bytes() == data:
            continue
        stale.append(name)
        if not check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    for name in stale:
        print(("stale: " if check else "wrote: ") + name)
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
