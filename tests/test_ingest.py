"""Ingest: the seed is untouched, ingest reproduces the committed record, is idempotent, refuses a
changed seed and re-anchors with --force. Fixture articles here are the tests' own invented text."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import newsfacts
import pytest
from conftest import ROOT
from newsfacts.cli import app
from newsfacts.contract.documents import LAYERS, dump_document, load_document
from newsfacts.contract.report import EXIT_INVALID, EXIT_OK, EXIT_USAGE
from newsfacts.corpus.ingest import ingest_seed, normalise_text
from typer.testing import CliRunner

runner = CliRunner()

#: The seed articles and the sha256 of their bytes: seeds are frozen inputs.
SEED_HASHES = {"000_5d72bf2b25391026.txt": "52902a465b0b5d538e10d1b753d2bb4012eef8d864b57424a9a07ea22138aa89"}
SEED = ROOT / "seeds" / "000_5d72bf2b25391026.txt"
COMMITTED = ROOT / "corpus" / "documents" / "000_5d72bf2b25391026.json"
#: What ingest leaves to annotators: the annotation layers and the annotation metadata.
ANNOTATORS_FIELDS = {"annotation", *LAYERS}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    (corpus / "documents").mkdir(parents=True)
    shutil.copy(ROOT / "corpus" / "provenance.json", corpus / "provenance.json")
    return corpus


def _ingest(*args: str) -> Any:
    result = runner.invoke(app, ["ingest", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stdout + result.stderr
    return result


# --- the seeds and the committed record -------------------------------------------------------


def test_seeds_are_byte_identical_to_the_originals() -> None:
    seeds = {p.name: _sha256(p.read_bytes()) for p in (ROOT / "seeds").iterdir() if p.is_file()}
    assert seeds == SEED_HASHES


def test_committed_record_names_the_seed_hash() -> None:
    record = load_document(COMMITTED)
    assert record["source"]["seed_file"] == SEED.name
    assert record["source"]["seed_sha256"] == SEED_HASHES[SEED.name]


def test_ingest_reproduces_the_committed_record(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    result = _ingest(str(SEED), "--corpus", str(corpus))
    assert result.exit_code == EXIT_OK, result.stderr
    made = corpus / "documents" / COMMITTED.name
    assert result.stdout == f"created: {made}\n"
    fresh, committed = load_document(made), load_document(COMMITTED)
    assert list(fresh) == list(committed)
    for name in fresh.keys() - ANNOTATORS_FIELDS:
        assert fresh[name] == committed[name], name
    assert all(fresh[layer] == [] for layer in LAYERS)


def test_ingest_over_the_committed_record_changes_no_byte(tmp_path: Path) -> None:
    """Ingest keeps the annotations and writes the canonical layout: the committed file exactly."""
    corpus = _corpus(tmp_path)
    target = corpus / "documents" / COMMITTED.name
    shutil.copy(COMMITTED, target)
    result = _ingest(str(SEED), "--corpus", str(corpus))
    assert result.exit_code == EXIT_OK, result.stderr
    assert result.stdout == f"unchanged: {target}\n"
    assert target.read_bytes() == COMMITTED.read_bytes()


def test_ingest_is_idempotent(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    first = ingest_seed(SEED, corpus)
    content = first.path.read_bytes()
    second = ingest_seed(SEED, corpus)
    assert (first.action, second.action) == ("created", "unchanged")
    assert first.issues == second.issues == []
    assert second.path.read_bytes() == content
    assert sorted(p.name for p in (corpus / "documents").iterdir()) == [COMMITTED.name]  # no temp files left


# --- normalisation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (b"Title\nBody.", "Title\nBody."),
        (b"Title\r\n\r\nBody.\r\n", "Title\n\nBody."),
        (b"Title\rBody.\r", "Title\nBody."),
        (b"\xef\xbb\xbfTitle\nBody.", "Title\nBody."),
        ("Cafe\u0301 opens\n\nThe cafe\u0301 opened.".encode(), "Caf\u00e9 opens\n\nThe caf\u00e9 opened."),
        ("\uac00\u11a8 and \u1100\u1161".encode(), "\uac01 and \uac00"),
        (b"Title\n\nBody.\n\nComments are closed.", "Title\n\nBody."),
        (b"Title\n\nBody.\n\n  Comments are closed.  \n\n\n", "Title\n\nBody."),
        (b"Title\r\n\r\nBody.\r\n\r\nComments are closed.\r\n", "Title\n\nBody."),
        (b"Title\n\nComments are closed. Not here.\n\nBody.", "Title\n\nComments are closed. Not here.\n\nBody."),
        (b"Title\n\nComments are closed.\n\nBody.", "Title\n\nComments are closed.\n\nBody."),
        (b"  \n\t Title  \n\nBody.  \n \n", "Title  \n\nBody."),
        (b"Comments are closed.", ""),
        (b"", ""),
    ],
    ids=[
        "plain",
        "crlf",
        "cr",
        "bom",
        "nfd",
        "hangul-jamo",
        "boilerplate",
        "boilerplate-spaced",
        "boilerplate-crlf",
        "boilerplate-inline-kept",
        "boilerplate-inside-kept",
        "surrounding-whitespace",
        "only-boilerplate",
        "empty",
    ],
)
def test_normalise_text(raw: bytes, text: str) -> None:
    assert normalise_text(raw) == text


def test_normalised_seed_text_is_the_record_text() -> None:
    assert normalise_text(SEED.read_bytes()) == load_document(COMMITTED)["text"]


# --- bad seeds ----------------------------------------------------------------------------------


def test_non_utf8_seed_is_refused_clearly(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    seed = tmp_path / "latin1.txt"
    seed.write_bytes("Caf\u00e9 opens\n\nA new caf\u00e9 opened.".encode("latin-1"))
    result = _ingest(str(seed), "--corpus", str(corpus))
    assert result.exit_code == EXIT_INVALID
    assert result.stdout == ""
    assert f"{seed}: [seed-not-utf8] the seed is not UTF-8" in result.stderr
    assert "hint: Seed articles are UTF-8 text" in result.stderr
    assert not (corpus / "documents" / "latin1.json").exists()


def test_empty_seed_is_refused(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    seed = tmp_path / "blank.txt"
    seed.write_bytes(b"\n\nComments are closed.\n")
    result = _ingest(str(seed), "--corpus", str(corpus))
    assert result.exit_code == EXIT_INVALID
    assert "[seed-empty]" in result.stderr
    assert not (corpus / "documents" / "blank.json").exists()


def test_missing_seed(tmp_path: Path) -> None:
    result = _ingest(str(tmp_path / "absent.txt"), "--corpus", str(_corpus(tmp_path)))
    assert result.exit_code == EXIT_USAGE
    assert "[path-not-found]" in result.stderr


# --- a changed seed: refused, or re-anchored with --force --------------------------------------

ARTICLE = (
    "Gull count on Pell Island reaches about 240\n\n"
    "Volunteers counted about 240 gulls on Pell Island on Sunday, the warden, Ida Marsh, said.\n\n"
    "\u201cThe colony is growing,\u201d Marsh said. Pell Island had 90 gulls in 2019.\n\n"
    "Comments are closed.\n"
)


def _at(text: str, phrase: str, nth: int = 0) -> dict[str, Any] | None:
    """The span of the nth occurrence of ``phrase``; None when the text has no such occurrence."""
    start = -1
    for _ in range(nth + 1):
        start = text.find(phrase, start + 1)
        if start == -1:
            return None
    return {"start": start, "end": start + len(phrase), "text": phrase}


def annotate(doc: dict[str, Any]) -> dict[str, Any]:
    """Annotations on ARTICLE's record, found by phrase so they follow the text (mentions of
    phrases the text lacks are left out)."""
    text = doc["text"]

    def mention(n: int, entity: str, kind: str, phrase: str, nth: int = 0) -> dict[str, Any] | None:
        types = {"E1": "PERSON", "E2": "LOC", "E3": "DATE"}
        span = _at(text, phrase, nth)
        return span and {"id": f"M{n}", "entity_id": entity, **span, "type": types[entity], "kind": kind}

    doc["entities"] = [
        {"id": "E1", "type": "PERSON", "name": "Ida Marsh", "kb": []},
        {"id": "E2", "type": "LOC", "name": "Pell Island", "kb": []},
        {"id": "E3", "type": "DATE", "name": "Sunday", "kb": []},
    ]
    mentions = [
        mention(1, "E2", "name", "Pell Island"),
        mention(2, "E2", "name", "Pell Island", 1),
        mention(3, "E3", "name", "Sunday"),
        mention(4, "E1", "name", "Ida Marsh"),
        mention(5, "E1", "name", "Marsh", 1),
        mention(6, "E2", "name", "Pell Island", 2),
    ]
    doc["mentions"] = [m for m in mentions if m is not None]
    doc["quotes"] = [
        {
            "id": "Q1",
            "kind": "direct",
            "source": [_at(text, "Marsh", 1)],
            "cue": [_at(text, "said", 1)],
            "content": [_at(text, "The colony is growing,")],
            "speaker_entity_id": "E1",
        }
    ]
    fact = {
        "unit": "{gull}",
        "unit_text": None,
        "quantity_kind": "count",
        "ontonotes_type": "CARDINAL",
        "measured_entity_id": None,
        "quote_id": None,
    }
    doc["numeric_facts"] = [
        {
            "id": "N1",
            **_at(text, "about 240", 1),
            "value": 240,
            "low": 216,
            "high": 264,
            "interval_rule": "about",
            "approximation": "approximate",
            "measured_span": _at(text, "gulls"),
            **fact,
        },
        {
            "id": "N2",
            **_at(text, "90"),
            "value": 90,
            "low": 90,
            "high": 90,
            "interval_rule": "exact",
            "approximation": "exact",
            "measured_span": _at(text, "gulls", 1),
            **fact,
        },
    ]
    return doc


@pytest.fixture
def annotated(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A tmp checkout: seeds/pell.txt, and its annotated record in corpus/documents/pell.json."""
    corpus = _corpus(tmp_path)
    (tmp_path / "seeds").mkdir()
    seed = tmp_path / "seeds" / "pell.txt"
    seed.write_text(ARTICLE, encoding="utf-8")
    result = ingest_seed(seed, corpus)
    assert result.action == "created"
    result.path.write_text(dump_document(annotate(load_document(result.path))), encoding="utf-8")
    report = newsfacts.validate(result.path)
    assert report.issues == [], [i.render() for i in report.issues]
    return seed, corpus, result.path


def test_unchanged_seed_keeps_the_annotations(annotated: tuple[Path, Path, Path]) -> None:
    seed, corpus, record = annotated
    before = record.read_bytes()
    result = _ingest(str(seed), "--corpus", str(corpus))
    assert result.exit_code == EXIT_OK
    assert result.stdout == f"unchanged: {record}\n"
    assert record.read_bytes() == before


def test_seed_bytes_changed_but_not_its_text(annotated: tuple[Path, Path, Path]) -> None:
    """CRLF line ends normalise to the same text: the record keeps its annotations, with the new hash."""
    seed, corpus, record = annotated
    before = load_document(record)
    seed.write_bytes(ARTICLE.replace("\n", "\r\n").encode())
    result = _ingest(str(seed), "--corpus", str(corpus))
    assert result.exit_code == EXIT_OK
    assert result.stdout == f"updated: {record}\n"
    after = load_document(record)
    assert after["source"]["seed_sha256"] == _sha256(seed.read_bytes())
    assert {k: v for k, v in after.items() if k != "source"} == {k: v for k, v in before.items() if k != "source"}
    assert newsfacts.validate(record).issues == []


CHANGED = ARTICLE.replace(
    "about 240\n\n", "about 240\n\nA short paragraph the editors added later, before the story.\n\n"
).replace(" on Sunday,", ",")


def test_changed_seed_is_refused_and_the_record_untouched(annotated: tuple[Path, Path, Path]) -> None:
    seed, corpus, record = annotated
    before = record.read_bytes()
    seed.write_text(CHANGED, encoding="utf-8")
    result = _ingest(str(seed), "--corpus", str(corpus))
    assert result.exit_code == EXIT_INVALID
    assert result.stdout == ""
    assert f"{seed}: [seed-changed]" in result.stderr
    assert "newsfacts ingest --force" in result.stderr
    assert record.read_bytes() == before
    assert [i.code for i in ingest_seed(seed, corpus).issues] == ["seed-changed"]
    assert record.read_bytes() == before


def test_force_reanchors_and_lists_what_no_longer_matches(annotated: tuple[Path, Path, Path]) -> None:
    seed, corpus, record = annotated
    old = load_document(record)
    seed.write_text(CHANGED, encoding="utf-8")
    result = _ingest(str(seed), "--force", "--corpus", str(corpus))
    assert result.exit_code == EXIT_OK, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"reanchored: {record}"
    lost = [json.loads(line.removeprefix("no longer matches: ")) for line in lines[1:3]]
    assert [(item["layer"], item["id"]) for item in lost] == [("mentions", "M3"), ("entities", "E3")]
    assert lost[0]["text"] == "Sunday"

    new = load_document(record)
    assert new["text"] == normalise_text(CHANGED.encode())
    assert new["text_sha256"] == _sha256(new["text"].encode())
    assert new["source"]["seed_sha256"] == _sha256(seed.read_bytes())
    # Every annotation that still matches is where annotating the new text would put it.
    expected = annotate(load_document(record))
    expected["entities"] = [e for e in expected["entities"] if e["id"] != "E3"]
    expected["mentions"] = [m for m in expected["mentions"] if m["id"] != "M3"]
    for layer in LAYERS:
        assert new[layer] == expected[layer], layer
    assert new["mentions"][1]["start"] > old["mentions"][1]["start"]  # moved, not only kept
    report = newsfacts.validate(record)
    assert report.issues == [], [i.render() for i in report.issues]
    # The second run finds nothing more to do.
    again = _ingest(str(seed), "--corpus", str(corpus))
    assert again.exit_code == EXIT_OK
    assert again.stdout == f"unchanged: {record}\n"


# --- a broken corpus: a clear error, never a traceback ------------------------------------------


@pytest.mark.parametrize(
    ("content", "force", "message"),
    [
        ('{"broken', False, "is not valid JSON"),
        ("[]", False, "has no `text` and `text_sha256`"),
        ('{"text": "x"}', False, "has no `text` and `text_sha256`"),
        ('{"text": "x", "text_sha256": "y", "mentions": [{"start": 1}]}', True, "does not match the schema"),
    ],
    ids=["not-json", "not-an-object", "no-hash", "force-on-invalid"],
)
def test_broken_existing_record(tmp_path: Path, content: str, force: bool, message: str) -> None:
    corpus = _corpus(tmp_path)
    seed = tmp_path / "pell.txt"
    seed.write_text(ARTICLE, encoding="utf-8")
    record = corpus / "documents" / "pell.json"
    record.write_text(content, encoding="utf-8")
    result = _ingest(str(seed), *(["--force"] if force else []), "--corpus", str(corpus))
    assert result.exit_code == EXIT_INVALID
    assert f"{record}: [unreadable-file] " in result.stderr
    assert message in result.stderr
    assert record.read_text(encoding="utf-8") == content


def test_broken_provenance(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    (corpus / "provenance.json").write_text("{", encoding="utf-8")
    result = _ingest(str(SEED), "--corpus", str(corpus))
    assert result.exit_code == EXIT_INVALID
    assert "provenance.json is not valid JSON" in result.stderr
    assert list((corpus / "documents").iterdir()) == []
