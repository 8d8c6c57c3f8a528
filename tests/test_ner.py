"""The ner view: tokens with offsets, sentences, BIO tags (outermost span), and the build's
columnar route giving exactly ``ner_rows``."""

from __future__ import annotations

import json
from collections.abc import Sequence
from itertools import repeat
from typing import Any

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from newsfacts.bench.synthetic import generate_documents
from newsfacts.release.ner import (
    _ABBREVIATIONS,
    _CLASS,
    _LINE,
    _MARKS,
    _OTHER,
    _SENTENCE_END,
    _SPACE,
    _STOP,
    _classify,
    _codes,
    _sentence_cuts,
    _span_order,
    ner_labels,
    ner_rows,
    outermost,
    sentence_bounds,
    sentence_cuts,
    tag,
    tag_batch,
    tokenize,
)
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
    from newsfacts.release.features import conversion_plan, ner_labels
    from newsfacts.release.views import ner_table, read_documents

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


def test_the_codes_of_the_batch_tokeniser_are_its_classes_and_flags_over_all_of_unicode() -> None:
    """``_codes`` (looked up by the low byte, then corrected beyond ASCII) is ``_classify`` of
    every code point, with the flags of ``.!?`` and the line break, padded with spaces."""
    points = np.arange(0x110000, dtype=np.uint32)
    codes = _codes(points, np.flatnonzero(points >= 0x80), pad=2)
    expected = _classify("".join(map(chr, range(0x110000))))
    expected[[ord(c) for c in ".!?"]] |= _STOP
    expected[0x0A] |= _LINE
    assert codes[2:-2].tolist() == expected.tolist()
    assert codes[:2].tolist() == codes[-2:].tolist() == [_SPACE, _SPACE]
    assert _OTHER & _CLASS == _OTHER and not _CLASS & (_STOP | _LINE)  # ``& _CLASS`` leaves the class


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
    return texts, _spans_for(draw, texts, 5)


def _spans_for(draw: Any, texts: list[str], most: int) -> list[list[tuple[int, int, str]]]:
    """Up to ``most`` labelled spans (any, empty ones too) in each of ``texts``."""
    spans = []
    for text in texts:
        bounds = st.integers(0, len(text))
        found = draw(st.lists(st.tuples(bounds, bounds, st.sampled_from(_LABELS)), max_size=most))
        spans.append([(min(a, b), max(a, b), label) for a, b, label in found])
    return spans


@settings(max_examples=400, deadline=None)
@given(texts_and_spans())
def test_tag_batch_gives_exactly_what_tag_gives_for_each_text(case: Any) -> None:
    assert_tag_batch_is_tag(*case)


@st.composite
def numbers_and_words(draw: Any) -> tuple[list[str], list[list[tuple[int, int, str]]]]:
    """Short texts of digits, word characters, apostrophes and points: chains such as
    "a1'2'3" and "1'2a" (a run of digits is in a word or a number by what comes before)."""
    texts = draw(st.lists(st.text(st.sampled_from("a_1٣'’., \u00a0"), max_size=30), min_size=1, max_size=3))
    return texts, _spans_for(draw, texts, 2)


@settings(max_examples=300, deadline=None)
@given(numbers_and_words())
@example((["_1'1_", "1'a'2 3'4", "a1’2'3,4.5"], [[], [], []]))
def test_tag_batch_reads_numbers_and_words_as_tag_does(case: Any) -> None:
    assert_tag_batch_is_tag(*case)


def assert_tag_batch_is_tag(texts: list[str], spans: list[list[tuple[int, int, str]]]) -> None:
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


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 50), st.integers(1, 9), st.integers(0, 3)), min_size=1, max_size=30),
    st.sampled_from([0, 2**40, 2**61]),  # the last: no packed key fits, lexsort itself
)
def test_the_span_order_is_lexsorts(spans: list[tuple[int, int, int]], far: int) -> None:
    starts, widths, labels = (np.array(column, np.int64) for column in zip(*spans, strict=True))
    starts += far
    ends = starts + widths
    assert _span_order(starts, ends, labels).tolist() == np.lexsort((labels, -ends, starts)).tolist()


# --- the batch route's sentence cuts against the implementation they replaced ---------------------


def _regex_sentence_cuts(text: str, points: np.ndarray, span_starts: np.ndarray, span_ends: np.ndarray) -> np.ndarray:
    """The oracle: ``_sentence_cuts`` as it was, a regex match per run of ``.!?`` and a Python
    look-up per full stop (verbatim)."""
    ends = (points == 0x2E) | (points == 0x21) | (points == 0x3F)
    runs = np.flatnonzero(ends & ~np.append(False, ends[:-1])).tolist()
    match = _SENTENCE_END.match
    found = [m.span() for m in map(match, repeat(text), runs) if m is not None]
    at, end = np.array(found, np.int64).reshape(-1, 2).T
    keep = np.ones(len(at), bool)
    spaces = np.flatnonzero((points == 0x20) | (points == 0x0A))  # the last one before ``at`` starts the word
    word_starts = np.append(-1, spaces)[np.searchsorted(spaces, at)] + 1
    lengths = at - word_starts
    quoted = np.isin(points[np.minimum(word_starts, len(points) - 1)], [ord(c) for c in "“‘\"'("])
    longest = max(map(len, _ABBREVIATIONS))
    for k in np.flatnonzero((points[at] == 0x2E) & ((lengths <= longest) | quoted)).tolist():  # a full stop
        word = text[word_starts[k] : at[k]].lstrip("“‘\"'(")
        keep[k] = not (word in _ABBREVIATIONS or (len(word) == 1 and word.isupper()))
    span = np.searchsorted(span_starts, end) - 1  # the last span starting before the cut
    keep &= ~((span >= 0) & (span_ends[np.maximum(span, 0)] > end)) if len(span_starts) else True
    return np.append(end[keep], np.flatnonzero(points == 0x0A))


def cuts_both_ways(text: str, spans: Sequence[tuple[int, int, str]] = ()) -> list[int]:
    """``_sentence_cuts`` of ``text`` (sorted), after checking it against the oracle and the
    scalar ``sentence_cuts``: same cuts, same dtype."""
    points = np.frombuffer(text.encode("utf-32-le"), np.uint32)
    kept = outermost(spans)
    starts, ends = (np.array([s[i] for s in kept], np.int64) for i in range(2))
    new = _sentence_cuts(text, points, starts, ends)
    old = _regex_sentence_cuts(text, points, starts, ends)
    assert new.dtype == old.dtype
    assert sorted(new.tolist()) == sorted(old.tolist()) == sentence_cuts(text, kept)
    return sorted(new.tolist())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the end of a sentence: . ! ? runs, closers, then spaces and a capital, digit or opener
        ("It ended. Then", [9]),
        ("It ended?! Then", [10]),
        ("It ended... 30 left", [11]),
        ("It ended.  Then", [9]),  # every space is skipped
        ("It ended." + ")" * 40 + " " * 70 + "Then", [49]),  # long runs: several rounds of the walk
        ("It ended." + "”" * 5 + " " * 9, []),
        ("It ended. " + "(" * 9 + "Then", []),
        ("It ended. (Then", [9]),
        ("It ended. “Then", [9]),
        ("He said “no.” Then", [13]),
        ("It ended!)] Then", [11]),
        ("It ended.\" 'Then", [10]),  # " closes, ' opens
        ("It ended. À", [9]),
        ("It ended. ɏ", [9]),  # U+024F, the class's last
        ("It ended. ǅ", [9]),  # titlecase, inside the class
        # no end of a sentence
        ("It ended.Then", []),  # no space
        ("It ended. then", []),  # lower case
        ("It ended. ɐ", []),  # U+0250, past the class
        ("It ended. ¿", []),  # U+00BF, before it
        ("It ended. :", []),  # after 9
        ("It ended. @", []),  # before A
        ("It ended. [a", []),  # after Z: an opener, not a capital
        ("It ended. ٣", []),  # not an ASCII digit
        ("It ended. 𝐀", []),  # astral: not in the class
        ("It ended. ((Then", []),  # one opener at most
        ("It ended.\tThen", []),  # only U+0020 separates
        ("It ended.\u00a0Then", []),
        ("It ended. ", []),  # at the very end
        ("It ended. “", []),
        ("It ended.", []),
        ("", []),
        ("no punctuation at all", []),
        (".", []),
        (". X", [1]),  # the empty word before a full stop at the start
        # abbreviations and initials, after a space, a line break or the start, quotes stripped
        ("Mr. Smith", []),
        ("Ask Mr. Smith", []),
        ("Ask (Mr. Smith", []),
        ("Ask “‘Mr. Smith", []),
        ("line\nMr. Smith", [4]),  # the line break is a cut; the full stop is not
        ("Ask\tMr. Smith", [7]),  # a tab does not start a word
        ("Ask xMr. Smith", [8]),
        ("Ask Mr.. Smith", []),  # a run starting with a full stop
        ("Ask Mr?. Smith", [8]),  # a run starting otherwise: no look-up
        ("Ask Mr! Smith", [7]),
        ("in the U.S. Army", []),
        ("in the U.K. 2020", []),
        ("about approx. 5", []),
        ("approximately. 5", [14]),
        ("met J. Smith", []),
        ("met É. Smith", []),  # upper case beyond ASCII
        ("met 𝐀. Smith", []),  # astral upper case
        ("met ǅ. Smith", [6]),  # titlecase is not upper case
        ("met j. Smith", [6]),
        ("met 3. Smith", [6]),
        ("met JJ. Smith", [7]),
        ("met (J. Smith", []),
        ('""""""""Mr. Smith', []),  # more quotes than the window: the word starts further back
        ("((((((((((approx. X", []),
        ("aaa(((((Mr. X", [11]),  # quotes inside a word are not stripped
        ("a(approx. X", [9]),
        ("aaaa((((Mr. X", [11]),
        ("Mr\u0301. Smith", [4]),  # a combining mark makes another word
    ],
)
def test_batch_sentence_cuts_follow_each_rule(text: str, expected: list[int]) -> None:
    assert cuts_both_ways(text) == expected


def test_batch_sentence_cuts_are_not_made_inside_a_span() -> None:
    text = "It ended. Then it began. Again"
    assert cuts_both_ways(text) == [9, 24]
    assert cuts_both_ways(text, [(3, 14, "EVENT")]) == [24]  # across the first end
    assert cuts_both_ways(text, [(3, 9, "EVENT")]) == [9, 24]  # ending there
    assert cuts_both_ways(text, [(9, 14, "EVENT")]) == [9, 24]  # starting there
    assert cuts_both_ways(text, [(0, 30, "EVENT"), (3, 14, "DATE")]) == []


def test_batch_sentence_cuts_of_empty_and_unpunctuated_batches() -> None:
    for texts in ([""], ["", ""], ["no stop", "at all"], ["\n"]):
        batch = tag_batch(texts, [[] for _ in texts])
        assert batch.sentences.tolist() == [len(tag(text, []).sentences) for text in texts]
    assert cuts_both_ways("\n\n") == [0, 1]


#: Every character a rule looks at, and its neighbours just outside each class.
_SENTENCE_ALPHABET = ".!?,:;/@”’\"')](“‘[{ \n\t\u00a0\u2009AZaz09٣¿ÀɏɐÉǅòÓ𝐀𝐚\u0301"
#: What may follow the spaces after a stop: capitals, digits, openers, and their near misses.
_FOLLOWERS = [
    "X", "3", "9", "É", "ɏ", "ǅ", "(B", "“Z", "[Q", "'0", "a", "ɐ", "¿", "((A", "𝐀", "٣", ":", "/", "@", "[", "[a", "",
]  # fmt: skip
_SENTENCE_PIECES = [
    "U.S.", "(Mr.", "“Mrs.", "approx.", ". The", '." “Z', "?!) 3", ". ((A", "((((((((", '""""""', "\n",
]  # fmt: skip


def _lookalikes(word: str) -> list[str]:
    """``word`` with one character moved up by a multiple of 0x80: the same low 7 bits."""
    return [word[:i] + chr(ord(c) + k * 0x80) + word[i + 1 :] for i, c in enumerate(word) for k in (1, 2, 3)]


@st.composite
def sentence_texts(draw: Any) -> tuple[str, list[tuple[int, int, str]]]:
    """Texts made mostly of would-be sentence ends (a word after a space, a line break, quotes
    or nothing; a run of stops; closers; spaces; what follows), with random spans."""
    lookalikes = [w for w in ("Mr", "U.S", "Sept") for w in _lookalikes(w)]
    word = st.one_of(
        st.sampled_from(sorted(_ABBREVIATIONS) + lookalikes),
        st.sampled_from(["J", "É", "Ó", "ǅ", "𝐀", "𝐚", "ß", "a", "3", "\u0301"]),  # initials and not
        st.sampled_from(_SENTENCE_ALPHABET),
        st.text(st.sampled_from(_SENTENCE_ALPHABET), max_size=9),
    )
    end = st.tuples(
        st.sampled_from([" ", " ", "\n", "", "\t", "\u00a0", "(", " “‘", ' (((((((("', "x", "x(", "x“"]),
        word,
        st.sampled_from([".", ".", "..", "?.", ".!", "!", "?"]),
        st.text(st.sampled_from("”’\"')]"), max_size=3),
        st.sampled_from([" ", " ", "  ", "   ", "", "\n", " \n"]),
        st.sampled_from(_FOLLOWERS),
    ).map("".join)
    piece = st.one_of(
        end,
        end,
        st.sampled_from(_SENTENCE_ALPHABET),
        st.sampled_from(_SENTENCE_PIECES),
        st.characters(blacklist_categories=["Cs"]),
    )
    text = "".join(draw(piece) for _ in range(draw(st.integers(0, 16))))  # st.lists draws mostly short ones
    bounds = st.integers(0, len(text))
    found = draw(st.lists(st.tuples(bounds, bounds, st.sampled_from(_LABELS)), max_size=4))
    return text, [(min(a, b), max(a, b), label) for a, b, label in found]


@settings(max_examples=1500, deadline=None)
@given(sentence_texts())
@example(("", []))
@example(("Mr. X", []))
@example(('a."  (B', []))
@example(('""""""""""U.S. X. Y', [(0, 3, "GPE")]))
def test_batch_sentence_cuts_are_the_regex_ones(case: tuple[str, list[tuple[int, int, str]]]) -> None:
    text, spans = case
    cuts_both_ways(text, spans)
