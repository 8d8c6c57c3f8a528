"""The ner view: tokens with offsets, sentences, BIO tags (outermost span), and the build's
columnar route giving exactly ``ner_rows``."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from newsfacts.ner import _MARKS, ner_labels, ner_rows, outermost, sentence_bounds, tag, tag_batch, tokenize
from newsfacts.synthetic import generate_documents
from release_helpers import minimal


def tagged(row: dict[str, Any]) -> list[tuple[str, str]]:
    return list(zip(row["tokens"], row["ner_tags"], strict=True))


def test_minimal_document_golden() -> None:
    rows = list(ner_rows(minimal()))
    assert [r["id"] for r in rows] == [f"valid-minimal-{i}" for i in range(4)]
    assert tagged(rows[0]) == [
        ("Harbour", "O"),
        ("town", "O"),
        ("counts", "O"),
        ("😀", "O"),
        ("about", "B-CARDINAL"),
        ("three", "I-CARDINAL"),
        ("thousand", "I-CARDINAL"),
        ("visitors", "O"),
    ]
    assert tagged(rows[1])[:6] == [
        ("Mayor", "O"),
        ("Ana", "B-PERSON"),
        ("Pérez", "I-PERSON"),
        ("said", "O"),
        ("on", "O"),
        ("Monday", "B-DATE"),
    ]
    # the nested "Lumen Bay" (GPE) inside "Lumen Bay Rowing Club" (ORG): the outermost wins
    assert tagged(rows[3])[5:9] == [("Lumen", "B-ORG"), ("Bay", "I-ORG"), ("Rowing", "I-ORG"), ("Club", "I-ORG")]
    # the nominal mention "town" is not a named entity
    assert ("town’s", "O") in tagged(rows[1])


def test_offsets_point_into_the_document_text() -> None:
    doc = minimal()
    for row in ner_rows(doc):
        assert doc["text"][row["start"] : row["end"]].startswith(row["tokens"][0])
        for token, start, end in zip(row["tokens"], row["token_starts"], row["token_ends"], strict=True):
            assert doc["text"][start:end] == token


def test_outermost_keeps_the_outer_span_and_the_first_of_crossing_ones() -> None:
    spans = [(5, 9, "GPE"), (5, 20, "ORG"), (0, 3, "DATE"), (18, 25, "PERSON"), (30, 32, "CARDINAL")]
    assert outermost(spans) == [(0, 3, "DATE"), (5, 20, "ORG"), (30, 32, "CARDINAL")]


def test_tokens_are_cut_at_span_boundaries() -> None:
    tokens, starts, ends = tokenize("the town’s hall", cuts=[4, 8])
    assert tokens == ["the", "town", "’s", "hall"]
    assert (starts, ends) == ([0, 4, 8, 11], [3, 8, 10, 15])


def test_numbers_and_words_stay_whole() -> None:
    tokens, _, _ = tokenize("About 3,000 people (2.5%) didn't come—Dr. Ó Briain said.")
    assert tokens == [
        "About", "3,000", "people", "(", "2.5", "%", ")", "didn't", "come", "—", "Dr", ".", "Ó", "Briain", "said", ".",
    ]  # fmt: skip


def test_sentences_split_on_punctuation_and_lines_but_not_abbreviations_or_spans() -> None:
    text = "Dr. Ana Pérez met J. Smith in the U.S. on Monday. “It works!” she said.\nNext line here.\n\nDr. Bo"
    found = [text[a:b] for a, b in sentence_bounds(text)]
    assert found == [
        "Dr. Ana Pérez met J. Smith in the U.S. on Monday.",
        "“It works!” she said.",
        "Next line here.",
        "Dr. Bo",
    ]
    # a tagged span across a would-be boundary is never cut
    start = text.index("Monday")
    spans = [(start, text.index("she"), "WORK_OF_ART")]
    assert next(text[a:b] for a, b in sentence_bounds(text, spans)).endswith("she said.")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=300))
def test_tokens_cover_every_non_space_character_of_any_text(text: str) -> None:
    tokens, starts, ends = tokenize(text)
    assert all(
        text[s:e] == t and t and not any(c.isspace() for c in t) for t, s, e in zip(tokens, starts, ends, strict=True)
    )
    assert starts == sorted(starts) and all(e <= s for e, s in zip(ends[:-1], starts[1:], strict=True))
    covered = "".join(tokens)
    assert covered == "".join(c for c in text if not c.isspace())
    result = tag(text, [])
    firsts = [a for a, _ in result.sentences]
    assert firsts == sorted(set(firsts)) and (not tokens or result.sentences[-1][1] == len(tokens))


def test_the_build_route_gives_exactly_ner_rows() -> None:
    """views.ner_table (columnar, from Arrow) and ner_rows (per document) agree."""
    from newsfacts.features import conversion_plan, ner_labels
    from newsfacts.views import ner_table, read_documents

    docs = [minimal(), *generate_documents(20, seed=3)]
    table = ner_table(read_documents([json.dumps(d).encode() for d in docs]), plan=conversion_plan())
    names = ner_labels()
    built = [{**row, "ner_tags": [names[t] for t in row["ner_tags"]]} for row in table.to_pylist()]
    assert built == [row for doc in docs for row in ner_rows(doc)]


def test_the_character_classes_of_the_batch_tokeniser_hold_over_all_of_unicode() -> None:
    """What ``tag_batch``'s scan relies on: marks, points and apostrophes are neither ``\\w``
    nor ``\\s``, every ``\\d`` is ``\\w``, nothing is both ``\\w`` and ``\\s``."""
    import re

    everything = "".join(map(chr, range(0x110000)))
    word = {m.start() for m in re.finditer(r"\w", everything)}
    space = {m.start() for m in re.finditer(r"\s", everything)}
    digit = {m.start() for m in re.finditer(r"\d", everything)}
    punctuation = {m.start() for m in re.finditer(f"{_MARKS}|[.,'’]", everything)}
    assert digit <= word and not word & space and not punctuation & (word | space)


_TRICKY = "aZé_1٣²., '’\u0301\u200d\ufe0f\U0001f3fb😀—(“”)!?\n\t\u00a0"
_LABELS = sorted({name[2:] for name in ner_labels() if name != "O"})


@st.composite
def texts_and_spans(draw: Any) -> tuple[list[str], list[list[tuple[int, int, str]]]]:
    alphabet = st.one_of(st.sampled_from(_TRICKY), st.characters(blacklist_categories=["Cs"]))
    pieces = st.one_of(
        alphabet,
        st.sampled_from(
            ["Dr. ", "U.S. ", ". The", "3,000", "2.5", "’s", "'t ", "1,a", "?!", ".” B", "!) 3", '." “Z', "... x"]
        ),
    )
    texts = draw(st.lists(st.lists(pieces, max_size=40).map("".join), min_size=1, max_size=4))
    spans = []
    for text in texts:
        bounds = st.integers(0, len(text))
        found = draw(st.lists(st.tuples(bounds, bounds, st.sampled_from(_LABELS)), max_size=5))
        spans.append([(min(a, b), max(a, b), label) for a, b, label in found])
    return texts, spans


@settings(max_examples=400, deadline=None)
@given(texts_and_spans())
def test_tag_batch_gives_exactly_what_tag_gives_for_each_text(case: Any) -> None:
    texts, spans = case
    batch = tag_batch(texts, spans)
    tokens: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    tags: list[int] = []
    firsts: list[int] = []
    counts = []
    for text, found in zip(texts, spans, strict=True):
        one = tag(text, found)
        firsts += [len(tokens) + first for first, _ in one.sentences]
        counts.append(len(one.sentences))
        tokens += one.tokens
        starts += one.starts
        ends += one.ends
        tags += one.tags
    assert batch.tokens.to_pylist() == tokens
    assert (batch.starts.tolist(), batch.ends.tolist(), batch.tags.tolist()) == (starts, ends, tags)
    assert (batch.firsts.tolist(), batch.sentences.tolist()) == (firsts, counts)
