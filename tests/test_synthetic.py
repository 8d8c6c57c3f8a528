"""The synthetic document generator: valid output, the promised shape, determinism."""

from __future__ import annotations

import statistics

import newsfacts
import pytest
from newsfacts.bench.synthetic import generate_documents, write_jsonl
from newsfacts.contract.schema import interval_rules
from newsfacts.contract.validate import validate_document


@pytest.fixture(scope="module")
def docs() -> list[dict]:
    return list(generate_documents(300, seed=7))


def test_written_documents_validate_clean(tmp_path):
    path = write_jsonl(tmp_path / "synthetic.jsonl", 300, seed=7)
    report = newsfacts.validate([path])
    assert [i.render() for i in report.issues] == []
    assert report.valid
    assert report.documents == 300


def test_every_document_is_clean_on_its_own(docs):
    assert [(d["doc_id"], i.code) for d in docs for i in validate_document(d)] == []


def test_same_seed_same_documents(tmp_path):
    assert list(generate_documents(25, seed=3)) == list(generate_documents(25, seed=3))
    a = write_jsonl(tmp_path / "a.jsonl", 25, seed=3).read_bytes()
    b = write_jsonl(tmp_path / "b.jsonl", 25, seed=3).read_bytes()
    assert a == b
    assert a.count(b"\n") == 25


def test_a_shorter_run_is_a_prefix_and_seeds_differ():
    ten = list(generate_documents(10, seed=3))
    assert list(generate_documents(4, seed=3)) == ten[:4]
    assert [d["text"] for d in generate_documents(10, seed=4)] != [d["text"] for d in ten]


def test_document_ids_are_unique(docs):
    assert len({d["doc_id"] for d in docs}) == len(docs)


def test_shape_is_what_the_benchmark_promises(docs):
    assert 2800 <= statistics.mean(len(d["text"]) for d in docs) <= 3200
    assert 30 <= statistics.mean(len(d["mentions"]) for d in docs) <= 50
    assert {len(d["quotes"]) for d in docs} == {8}
    assert {len(d["numeric_facts"]) for d in docs} == {10}
    assert all(any(ord(c) > 0xFFFF for c in d["text"]) for d in docs)  # astral characters
    assert {q["kind"] for d in docs for q in d["quotes"]} == {"direct", "indirect", "mixed"}
    assert any(f["quote_id"] for d in docs for f in d["numeric_facts"])


def test_facts_use_the_rule_table(docs):
    used = {f["interval_rule"] for d in docs for f in d["numeric_facts"]}
    assert used <= set(interval_rules())
    approximations = {interval_rules()[rule]["approximation"] for rule in used}
    assert {"exact", "approximate", "vague", "range", "lower_bound", "upper_bound"} <= approximations
