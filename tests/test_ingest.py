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
from newsfacts.contract.schema import schema_version
from newsfacts.corpus.ingest import ingest_seed, normalise_text
from typer.testing import CliRunner

runner = CliRunner()

#: Every file under seeds/ and the sha256 of its bytes: seeds are frozen inputs, byte-identical to
#: their sources (the Wikinews files, sources.json and README.md as supplied with them).
SEED_HASHES = {
    "000_5d72bf2b25391026.txt": "52902a465b0b5d538e10d1b753d2bb4012eef8d864b57424a9a07ea22138aa89",
    "wikinews/README.md": "28334e3cf0c5c700e0efeb64fad50531c0b086c24cf86fa4370fd7937e37d6b1",
    "wikinews/sources.json": "5afac5d882ab4e43b1aaca3cde37b97e0a79c97eb68dd0b3b88a46d0560bec26",
    "wikinews/wikinews_afghan.txt": "9306bdddc750de086ce6335028adfdf3a143cb58f727ee927229e24a4cb48f48",
    "wikinews/wikinews_asylum.txt": "d49e4e871bd76f27b039e0094b4f8200a3da425c9155448d43b5b14a934a94c7",
    "wikinews/wikinews_clock.txt": "07817340126f14af484b55f5ce57f506325697057392ec5e903253c586b19e5b",
    "wikinews/wikinews_crane.txt": "74f98ebc41d89da49e33c9ef63af1f39ff20da6d83f929c7343eec98f8aec260",
    "wikinews/wikinews_defector.txt": "65a3c8d573c37dd5650ca1438839297f14c285b812287fce7618ab9a88ba5a26",
    "wikinews/wikinews_election.txt": "19908a88aa84dae6f4d784448bf5dc02178b717f04ad3f869c40e53790769570",
    "wikinews/wikinews_expo.txt": "cd733e1b952d72bb8ffb85f2fc6d6bcfecbf3887f25fe52cba80f8dabf9887a4",
    "wikinews/wikinews_flag.txt": "e782b63e48d1489630aed7b74ad5d7a8762ce76fada1b9100952a5f9f55f1273",
    "wikinews/wikinews_hackers.txt": "1f0c47d392828d6835a3bd9c9006f8b626a46e5b48cf921744c4120a539b8723",
    "wikinews/wikinews_homeopathic.txt": "aec9bc24c001642eaf92e6b8fb72c8a372ce4a09c62487e14dd55cc6d2cfad9e",
    "wikinews/wikinews_ie9.txt": "d58027cf014a1d3d67a95fe7cfd0d2cfa40bb0b85a03b1f9819513841bb71835",
    "wikinews/wikinews_imprisoned.txt": "afe1a3bee26be23e32364c47f4009ecbe63ba420fe505e3ce8627d850cb97d49",
    "wikinews/wikinews_iodine.txt": "6f50dc47e7fa43945dcc1b35e9d2aab275c53a3048d6f2e8e1f507f8587bfebb",
    "wikinews/wikinews_korea.txt": "69236b162ca1f1b230d18eca8bf49174feee8edeef036032474f80af16252b29",
    "wikinews/wikinews_lanterns.txt": "3db925e349669ac1d59007abf93fe38f6e91901a844d6a4d0d5bbf89b5f72b6b",
    "wikinews/wikinews_nasa.txt": "090d0319a4e98836450270de9fe2eb37b184aa5806b76ed0ef7d6cc2bd287b02",
    "wikinews/wikinews_questionnaire.txt": "56f9dcbb879a9ce8a11a6ec19234faa7393276f65db088b82bb95bef5fa3fd77",
    "wikinews/wikinews_sensitive.txt": "c8dfad10383c0379066597e8638a89dba17b19a3582471a5c88c2e239bac4405",
    "wikinews/wikinews_soccer.txt": "55c1f736977fea88ab1589a6fd3a885fdbe889fc5aef73b41ea33411756a815c",
    "wikinews/wikinews_stampede.txt": "f6a117e4a5538e4fdb4bb070376de1526b2788c2a45ac9b8eaa879ec660f0a12",
    "wikinews/wikinews_taxes.txt": "686180b5409a3e0774eec8e4f55d215afd9b3271b52d07d8225a4b81efcecbf8",
    "wikinews/wikinews_warhol.txt": "78709192ee9d0fde7cba2e94b92d1d086271e5a99df8dff8cb58912e71af63b0",
    "wikinews/wikinews_warming.txt": "022efc0f111905131fa07e33ab0b527edb1ab20f68f2a78110daee347f89106a",
    "wikinews/wikinews_worship.txt": "084944507289b405021fa95152b8939ab90115d88633db4632f24e51400096fb",
}
SEED = ROOT / "seeds" / "000_5d72bf2b25391026.txt"
COMMITTED = ROOT / "corpus" / "documents" / "000_5d72bf2b25391026.json"
#: What ingest leaves to annotators: the annotation layers and the annotation metadata.
ANNOTATORS_FIELDS = {"annotation", *LAYERS}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _corpus(tmp_path: Path) -> Path:
    """A tmp corpus with the repository's provenance.json, less its collections (whose sources
    files live in the repository's seeds/, not beside the tests' own seed files)."""
    corpus = tmp_path / "corpus"
    (corpus / "documents").mkdir(parents=True)
    provenance = json.loads((ROOT / "corpus" / "provenance.json").read_text(encoding="utf-8"))
    provenance.pop("collections")
    (corpus / "provenance.json").write_text(json.dumps(provenance), encoding="utf-8")
    return corpus


def _ingest(*args: str) -> Any:
    result = runner.invoke(app, ["ingest", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stdout + result.stderr
    return result


# --- the seeds and the committed record -------------------------------------------------------


def test_seeds_are_byte_identical_to_the_originals() -> None:
    seeds = {
        p.relative_to(ROOT / "seeds").as_posix(): _sha256(p.read_bytes())
        for p in (ROOT / "seeds").rglob("*")
        if p.is_file()
    }
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
    for name in fresh.keys() - ANNOTATORS_FIELDS - {"schema_version"}:
        assert fresh[name] == committed[name], name
    assert all(fresh[layer] == [] for layer in LAYERS)
    # a new record follows the current schema and says it is not annotated yet
    assert fresh["schema_version"] == schema_version() and committed["schema_version"] == "1.0.0"
    assert fresh["annotation"]["status"] == "unannotated" and fresh["annotation"]["annotators"] == []


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
    doc["annotation"] = {
        "set": "gold",
        "status": "gold",
        "guidelines_version": "1.1.0",
        "annotators": ["the tests (a program)"],
        "note": None,
    }

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


# --- provenance from a sources file -------------------------------------------------------------

WIKINEWS = ROOT / "seeds" / "wikinews"


def _sources() -> list[dict[str, Any]]:
    return json.loads((WIKINEWS / "sources.json").read_text(encoding="utf-8"))


def test_wikinews_sources_list_every_file_with_its_hash() -> None:
    entries = _sources()
    files = sorted(p.name for p in WIKINEWS.glob("*.txt"))
    assert sorted(e["file"] for e in entries) == files and len(files) == 24
    for entry in entries:
        raw = (WIKINEWS / entry["file"]).read_bytes()
        assert entry["sha256"] == _sha256(raw)
        assert entry["characters"] == len(normalise_text(raw))


def test_many_wikinews_files_in_one_call_take_their_provenance_from_sources_json(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "documents").mkdir(parents=True)
    shutil.copy(ROOT / "corpus" / "provenance.json", corpus / "provenance.json")
    files = sorted(str(p) for p in WIKINEWS.glob("*.txt"))
    result = _ingest(*files, "--corpus", str(corpus))
    assert result.exit_code == EXIT_OK, result.stderr
    assert result.stdout.count("created: ") == 24
    for entry in _sources():
        doc = load_document(corpus / "documents" / entry["file"].replace(".txt", ".json"))
        source = doc["source"]
        assert doc["doc_id"] == entry["file"].removesuffix(".txt") and doc["title"] == entry["title"]
        assert source["seed_file"] == f"wikinews/{entry['file']}" and source["seed_sha256"] == entry["sha256"]
        assert (source["publisher"]["value"], source["publisher"]["status"]) == ("Wikinews", "known")
        assert (source["author"]["value"], source["author"]["status"]) == ("Wikinews contributors", "known")
        assert (source["url"]["value"], source["url"]["status"]) == (entry["source_url"], "known")
        assert (source["published"]["value"], source["published"]["status"]) == (entry["date_created"], "inferred")
        assert (source["retrieved"]["value"], source["retrieved"]["status"]) == (entry["date_collected"], "known")
        assert entry["gum_document"] in source["retrieved"]["note"]
        assert (doc["text_license"]["value"], doc["text_license"]["status"]) == ("CC-BY-2.5", "known")
        assert (
            entry["text_licence_url"] in doc["text_license"]["note"]
            and entry["source_url"] in doc["text_license"]["note"]
        )
        assert doc["annotation"]["status"] == "unannotated" and all(doc[layer] == [] for layer in LAYERS)
        # nothing of the seed's own provenance leaks into another article
        assert "weekdays" not in json.dumps(doc) and "Mosul" not in json.dumps(source)
    assert newsfacts.validate(corpus / "documents").errors == []


def test_the_split_policy_is_the_documented_one() -> None:
    """Splits are explicit in provenance.json; they follow the rule DATASHEET.md states: the 24
    Wikinews files ranked by the sha256 of their bytes, the first 12 `validation`, the rest `test`;
    the seed stays in `test`."""
    documents = json.loads((ROOT / "corpus" / "provenance.json").read_text(encoding="utf-8"))["documents"]
    ranked = sorted(_sources(), key=lambda e: e["sha256"])
    expected = {e["file"].removesuffix(".txt"): ("validation" if i < 12 else "test") for i, e in enumerate(ranked)}
    assert {k: v["split"] for k, v in documents.items() if k.startswith("wikinews_")} == expected
    assert documents["000_5d72bf2b25391026"]["split"] == "test"


def _mini_collection(tmp_path: Path, entry: dict[str, Any], fields: dict[str, Any]) -> tuple[Path, Path]:
    seeds = tmp_path / "seeds"
    (seeds / "col").mkdir(parents=True)
    seed = seeds / "col" / "pell.txt"
    seed.write_text(ARTICLE, encoding="utf-8")
    entry = {"file": "pell.txt", "sha256": _sha256(seed.read_bytes()), **entry}
    (seeds / "col" / "sources.json").write_text(json.dumps([entry]), encoding="utf-8")
    corpus = tmp_path / "corpus"
    (corpus / "documents").mkdir(parents=True)
    provenance = {
        "collections": [{"sources_file": "col/sources.json", "key": "file", "sha256": "sha256", "fields": fields}]
    }
    (corpus / "provenance.json").write_text(json.dumps(provenance), encoding="utf-8")
    return seed, corpus


def test_templates_fill_from_the_entry_and_other_fields_stay_unknown(tmp_path: Path) -> None:
    fields = {"url": {"value": "{link}", "status": "known", "note": "from {link}"}, "split": "validation"}
    seed, corpus = _mini_collection(tmp_path, {"link": "https://example.org/pell"}, fields)
    result = _ingest(str(seed), "--corpus", str(corpus))
    assert result.exit_code == EXIT_OK, result.stderr
    doc = load_document(corpus / "documents" / "pell.json")
    assert doc["source"]["url"] == {
        "value": "https://example.org/pell",
        "status": "known",
        "note": "from https://example.org/pell",
    }
    assert doc["split"] == "validation" and doc["source"]["seed_file"] == "col/pell.txt"
    assert doc["source"]["publisher"]["status"] == "unknown" and doc["source"]["publisher"]["note"]


@pytest.mark.parametrize(
    ("entry", "fields", "code"),
    [
        ({"sha256": "0" * 64}, {}, "sources-hash-mismatch"),
        ({}, {"url": {"value": "{missing}", "status": "known", "note": None}}, "provenance-invalid"),
        ({}, {"url": {"value": None, "status": "known", "note": None}}, "provenance-invalid"),
        ({}, {"colour": "blue"}, "provenance-invalid"),
    ],
    ids=["hash", "template-key", "known-without-value", "unknown-field"],
)
def test_bad_sources_are_refused_with_a_code(
    tmp_path: Path, entry: dict[str, Any], fields: dict[str, Any], code: str
) -> None:
    seed, corpus = _mini_collection(tmp_path, entry, fields)
    result = _ingest(str(seed), "--corpus", str(corpus))
    assert result.exit_code == EXIT_INVALID
    assert f"[{code}]" in result.stderr
    assert list((corpus / "documents").iterdir()) == []


def test_a_sources_file_that_is_missing_is_reported(tmp_path: Path) -> None:
    seed, corpus = _mini_collection(tmp_path, {}, {})
    (seed.parent / "sources.json").unlink()
    result = _ingest(str(seed), "--corpus", str(corpus))
    assert result.exit_code == EXIT_INVALID and "[provenance-invalid]" in result.stderr


@pytest.mark.parametrize("name", ["..x y.txt", "-dash.txt", ".hidden.txt"])
def test_a_seed_name_that_makes_no_doc_id_is_refused(tmp_path: Path, name: str) -> None:
    corpus = _corpus(tmp_path)
    (tmp_path / "seeds").mkdir()
    seed = tmp_path / "seeds" / name
    seed.write_text(ARTICLE, encoding="utf-8")
    result = _ingest(str(seed), "--corpus", str(corpus))
    assert result.exit_code == EXIT_INVALID and "[seed-name-invalid]" in result.stderr
    assert list((corpus / "documents").iterdir()) == []


def test_a_seed_outside_the_named_seeds_folder_is_refused(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    (tmp_path / "seeds").mkdir()
    seed = tmp_path / "pell.txt"
    seed.write_text(ARTICLE, encoding="utf-8")
    result = _ingest(str(seed), "--corpus", str(corpus), "--seeds", str(tmp_path / "seeds"))
    assert result.exit_code == EXIT_INVALID and "[seed-outside-seeds]" in result.stderr


def test_a_fifo_is_not_read(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    result = _ingest(str(fifo), "--corpus", str(_corpus(tmp_path)))
    assert result.exit_code == EXIT_USAGE and "not a regular file" in result.stderr


def test_an_unannotated_record_validates_with_a_warning_and_is_not_released(tmp_path: Path) -> None:
    from newsfacts.release.build import InvalidCorpus, build_release

    corpus = _corpus(tmp_path)
    (tmp_path / "seeds").mkdir()
    seed = tmp_path / "seeds" / "pell.txt"
    seed.write_text(ARTICLE, encoding="utf-8")
    shutil.copy(ROOT / "corpus" / "metadata.json", corpus / "metadata.json")
    made = ingest_seed(seed, corpus).path
    report = newsfacts.validate(made)
    assert report.valid and [i.code for i in report.issues] == ["document-not-annotated"]
    with pytest.raises(InvalidCorpus) as refused:
        build_release(corpus, tmp_path / "out")
    assert "release-not-adjudicated" in [i.code for i in refused.value.report.issues]
    assert not (tmp_path / "out").exists()
