"""Scoring and agreement: hand-made gold/prediction pairs with known figures, and the CLI."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from newsfacts.cli import app
from newsfacts.contract.documents import dump_document
from newsfacts.contract.validate import validate_document
from newsfacts.research.score import agreement, b_cubed, ceaf_e, match, muc, score_documents
from typer.testing import CliRunner

runner = CliRunner()


def _prediction(doc: dict[str, Any]) -> dict[str, Any]:
    pred = copy.deepcopy(doc)
    pred["annotation"] = {**pred["annotation"], "set": "system", "status": "prediction", "guidelines_version": None}
    return pred


def _respan(doc: dict[str, Any], item: dict[str, Any], start: int, end: int) -> None:
    item["start"], item["end"], item["text"] = start, end, doc["text"][start:end]


def _write(path: Path, *docs: dict[str, Any]) -> Path:
    if len(docs) == 1 and path.suffix == ".json":
        path.write_text(dump_document(docs[0]), encoding="utf-8")
    else:
        path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    return path


def test_perfect_prediction_scores_one(minimal_doc):
    result = score_documents([minimal_doc], [_prediction(minimal_doc)])
    assert result["layers"] == ["mentions", "entities", "quotes", "numeric_facts"]
    for layer in ("mentions", "quotes", "numeric_facts"):
        for measure in ("span", "typed"):
            for mode in ("exact", "overlap"):
                assert result[layer][measure][mode]["f1"] == 1.0
        assert all(a["f1"] == 1.0 and a["accuracy"] == 1.0 for a in result[layer]["attributes"].values())
    assert all(r[m]["f1"] == 1.0 for r in result["quotes"]["roles"].values() for m in ("exact", "overlap"))
    assert result["entities"]["conll_f1"] == 1.0


def test_one_missing_mention(minimal_doc):
    pred = _prediction(minimal_doc)
    del pred["mentions"][6]  # "Lumen Bay" inside the club's name; E3 keeps two mentions
    assert validate_document(pred) == []
    typed = score_documents([minimal_doc], [pred])["mentions"]["typed"]["exact"]
    assert (typed["tp"], typed["gold"], typed["pred"]) == (6, 7, 6)
    assert typed["precision"] == 1.0
    assert typed["recall"] == pytest.approx(6 / 7)
    assert typed["f1"] == pytest.approx(12 / 13)
    assert score_documents([minimal_doc], [pred])["mentions"]["by_label"]["GPE"]["exact"]["recall"] == pytest.approx(
        2 / 3
    )


def test_shifted_span_counts_for_overlap_not_exact(minimal_doc):
    pred = _prediction(minimal_doc)
    _respan(pred, pred["mentions"][0], 53, 68)  # "Mayor Ana Pérez" for "Ana Pérez"
    assert validate_document(pred) == []
    result = score_documents([minimal_doc], [pred])["mentions"]
    assert result["typed"]["exact"]["tp"] == 6
    assert result["typed"]["overlap"]["tp"] == 7
    assert result["typed"]["overlap"]["f1"] == 1.0


def test_overlap_matching_is_optimal_not_greedy():
    gold = [((0, 10),), ((10, 20),)]
    pred = [((5, 15),), ((0, 3),)]  # greedy by overlap takes (5,15)-(0,10) and strands (0,3)
    assert match(gold, pred, "overlap") == [(0, 1), (1, 0)]
    assert match(gold, pred, "exact") == []


def test_coreference_textbook_example():
    # Pradhan et al. (2014), "Scoring coreference partitions of predicted mentions", fig. 1.
    key = [{"a", "b", "c"}, {"d", "e", "f", "g"}]
    response = [{"a", "b"}, {"c", "d"}, {"f", "g", "h", "i"}]
    assert muc(key, response) == (2, 5) and muc(response, key) == (2, 5)  # MUC R = P = 0.4
    r_num, r_den = b_cubed(key, response)
    p_num, p_den = b_cubed(response, key)
    assert r_num / r_den == pytest.approx(35 / 84)  # B³ R = 0.417
    assert p_num / p_den == pytest.approx(0.5)
    best, n_key, n_response = ceaf_e(key, response)
    assert (best, n_key, n_response) == (pytest.approx(1.3), 2, 3)  # CEAF-e R 0.65, P 0.433


def test_coreference_on_documents(minimal_doc):
    pred = _prediction(minimal_doc)
    pred["entities"].append({"id": "E9", "type": "PERSON", "name": "Pérez", "kb": []})
    pred["mentions"][4]["entity_id"] = "E9"  # "Pérez" split off Ana Pérez
    assert validate_document(pred) == []
    result = score_documents([minimal_doc], [pred], ["entities"])["entities"]
    # key clusters: {M1,M5} {M2} {M3,M4,M7} {M6}; response: {M1} {M5} {M2} {M3,M4,M7} {M6}
    assert result["muc"]["recall"] == pytest.approx(2 / 3)
    assert result["muc"]["precision"] == 1.0
    assert result["b3"]["precision"] == 1.0
    assert result["b3"]["recall"] == pytest.approx(6 / 7)
    assert result["ceaf_e"]["recall"] == pytest.approx((2 / 3 + 3) / 4)
    assert result["conll_f1"] == pytest.approx(sum(result[m]["f1"] for m in ("muc", "b3", "ceaf_e")) / 3)


def test_numeric_value_interval_and_unit(minimal_doc):
    pred = _prediction(minimal_doc)
    fact = pred["numeric_facts"][1]  # about 3,000: 2700..3300
    fact.update(value=3100, low=2790, high=3410)  # wrong value, overlapping interval
    pred["numeric_facts"][2].update(unit="{people}")
    assert validate_document(pred) == []
    attrs = score_documents([minimal_doc], [pred])["numeric_facts"]["attributes"]
    assert attrs["value"]["tp"] == 3 and attrs["value"]["accuracy"] == 0.75
    assert attrs["interval_overlap"]["tp"] == 4
    assert attrs["interval_exact"]["tp"] == 3
    assert attrs["unit"]["tp"] == 3
    fact.update(value=4000, low=3600, high=4400)  # no longer overlapping
    attrs = score_documents([minimal_doc], [pred])["numeric_facts"]["attributes"]
    assert attrs["interval_overlap"]["tp"] == 3


def test_quote_roles_speaker_and_kind(minimal_doc):
    pred = _prediction(minimal_doc)
    quote = pred["quotes"][0]
    _respan(pred, quote["source"][0], 59, 68)  # "Ana Pérez" for "Mayor Ana Pérez"
    quote["kind"] = "mixed"
    pred["quotes"][1]["speaker_entity_id"] = None
    assert validate_document(pred) == []
    result = score_documents([minimal_doc], [pred])["quotes"]
    assert result["roles"]["source"]["exact"]["tp"] == 1 and result["roles"]["source"]["overlap"]["tp"] == 2
    assert result["roles"]["content"]["exact"]["f1"] == 1.0
    assert result["span"]["exact"]["f1"] == 1.0 and result["typed"]["exact"]["tp"] == 1
    assert result["attributes"]["kind"]["accuracy"] == 0.5
    assert result["attributes"]["speaker"]["tp"] == 1


def test_only_predicted_layers_are_scored(minimal_doc):
    pred = _prediction(minimal_doc)
    pred.update(entities=[], mentions=[], numeric_facts=[])
    for quote in pred["quotes"]:
        quote["speaker_entity_id"] = None
    for fact in pred["numeric_facts"]:
        fact["quote_id"] = None
    result = score_documents([minimal_doc], [pred])
    assert result["layers"] == ["quotes"] and "mentions" not in result
    explicit = score_documents([minimal_doc], [pred], layers=["quotes", "numeric_facts"])
    assert explicit["numeric_facts"]["span"]["exact"]["recall"] == 0.0
    with pytest.raises(ValueError, match="unknown layer"):
        score_documents([minimal_doc], [pred], layers=["tokens"])


def test_missing_and_extra_documents(minimal_doc):
    other = _prediction(minimal_doc)
    other["doc_id"] = "other"
    result = score_documents([minimal_doc], [other])
    assert result["documents"]["missing"] == ["valid-minimal"]
    assert result["documents"]["extra"] == ["other"]
    assert result["mentions"]["span"]["exact"]["recall"] == 0.0  # a missing prediction costs recall
    with pytest.raises(ValueError, match="several records"):
        score_documents([minimal_doc, minimal_doc], [other])


def test_agreement_is_symmetric(minimal_doc):
    b = _prediction(minimal_doc)
    del b["mentions"][6]
    _respan(b, b["numeric_facts"][0], 28, 42)  # "three thousand" for "about three thousand"
    b["numeric_facts"][0].update(value=3000, low=3000, high=3000, interval_rule="exact", approximation="exact")
    assert validate_document(b) == []
    ab, ba = agreement([minimal_doc], [b]), agreement([b], [minimal_doc])
    assert ab["mentions"]["exact"]["f1"] == ba["mentions"]["exact"]["f1"] == pytest.approx(12 / 13)
    assert ab["numeric_facts"]["exact"]["f1"] == pytest.approx(6 / 8)
    assert ab["numeric_facts"]["overlap"]["f1"] == 1.0
    assert (ab["mentions"]["a"], ab["mentions"]["b"]) == (ba["mentions"]["b"], ba["mentions"]["a"])
    assert ab["entities"]["conll_f1"] == pytest.approx(ba["entities"]["conll_f1"])
    assert json.loads(json.dumps(ab)) == ab


def test_release_folder_is_read_back(tmp_path, minimal_doc):
    import pyarrow as pa
    import pyarrow.parquet as pq
    from newsfacts.contract.sources import load_checked
    from newsfacts.release.features import arrow_schema, config_features

    release = tmp_path / "release"
    (release / "data" / "documents").mkdir(parents=True)
    (release / "MANIFEST.json").write_text("{}", encoding="utf-8")
    encoded = config_features("documents").encode_example(minimal_doc)
    table = pa.Table.from_pylist([encoded], schema=arrow_schema("documents"))
    assert table.column("mentions").to_pylist()[0][0]["type"] == 0  # stored as a ClassLabel id
    pq.write_table(table, release / "data" / "documents" / "test.parquet")
    loaded = load_checked(release)
    assert loaded.issues == []
    assert loaded.documents[0]["mentions"][0]["type"] == "PERSON"
    result = score_documents([minimal_doc], loaded.documents)
    assert result["mentions"]["typed"]["exact"]["f1"] == 1.0
    assert result["numeric_facts"]["attributes"]["value"]["f1"] == 1.0


# --- the CLI ----------------------------------------------------------------------------------------


def test_cli_text_and_json(tmp_path, minimal_doc):
    gold = _write(tmp_path / "gold.json", minimal_doc)
    pred_doc = _prediction(minimal_doc)
    del pred_doc["mentions"][6]
    pred = _write(tmp_path / "pred.jsonl", pred_doc)
    result = runner.invoke(app, ["score", str(gold), str(pred)])
    assert result.exit_code == 0, result.output
    assert "span+type" in result.stdout and "92.3" in result.stdout and "coref CoNLL" in result.stdout
    result = runner.invoke(app, ["score", str(gold), str(pred), "--format", "json", "--layers", "mentions"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["layers"] == ["mentions"]
    assert data["mentions"]["typed"]["exact"]["f1"] == pytest.approx(12 / 13)


def test_cli_invalid_prediction_is_reported_not_scored(tmp_path, minimal_doc):
    gold = _write(tmp_path / "gold.json", minimal_doc)
    bad = _prediction(minimal_doc)
    bad["mentions"][0]["end"] += 1  # the span's text no longer matches
    pred = _write(tmp_path / "pred.json", bad)
    result = runner.invoke(app, ["score", str(gold), str(pred)])
    assert result.exit_code == 1
    assert "span-text-mismatch" in result.stderr and "PRED" in result.stderr
    assert result.stdout == ""
    result = runner.invoke(app, ["score", str(gold), str(pred), "--format", "json"])
    assert result.exit_code == 1 and json.loads(result.stdout)["valid"] is False


def test_cli_usage_errors(tmp_path, minimal_doc):
    gold = _write(tmp_path / "gold.json", minimal_doc)
    result = runner.invoke(app, ["score", str(gold), str(tmp_path / "nothing.json")])
    assert result.exit_code == 2 and "path-not-found" in result.stderr
    result = runner.invoke(app, ["score", str(gold), str(gold), "--layers", "tokens"])
    assert result.exit_code == 2 and "unknown layer" in result.stderr
    both = tmp_path / "both"
    both.mkdir()
    _write(both / "a.json", minimal_doc)
    _write(both / "b.json", _prediction(minimal_doc))
    result = runner.invoke(app, ["score", str(gold), str(both)])
    assert result.exit_code == 1 and "duplicate-doc-id" in result.stderr and "--pred-set" in result.stderr
    result = runner.invoke(app, ["score", str(both), str(both), "--pred-set", "system"])
    assert result.exit_code == 0, result.output  # GOLD falls back to the `gold` set


def test_cli_agreement(tmp_path, minimal_doc):
    a = _write(tmp_path / "a.json", minimal_doc)
    b = _write(tmp_path / "b.json", _prediction(minimal_doc))
    result = runner.invoke(app, ["agreement", str(a), str(b)])
    assert result.exit_code == 0 and "mentions" in result.stdout and "CoNLL 100.0" in result.stdout
    result = runner.invoke(app, ["agreement", str(a), str(b), "--format", "json"])
    assert json.loads(result.stdout)["quotes"]["overlap"]["f1"] == 1.0


def test_installed_command(tmp_path, minimal_doc):
    gold = _write(tmp_path / "gold.json", minimal_doc)
    exe = Path(sys.executable).parent / "newsfacts"
    done = subprocess.run([str(exe), "score", str(gold), str(gold), "--format", "json"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["entities"]["conll_f1"] == 1.0
