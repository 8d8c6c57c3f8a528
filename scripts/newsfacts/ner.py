"""The ``ner`` view: sentences, tokens with character offsets and BIO tags, CoNLL-2003 style.

What is tagged: name mentions (``kind == "name"``: proper names and temporal expressions) and
numeric facts (their ``ontonotes_type``), in the 18 OntoNotes labels. Nominal and pronoun
mentions are not named entities and stay ``O``. Where spans nest ("Lumen Bay" inside "Lumen
Bay Rowing Club") the outermost wins; of two crossing spans the one starting first (then the
longer) wins.

Tokens: runs of digits with inner ``,``/``.`` ("3,000", "2.5"), words with inner apostrophes,
and every other non-space character alone (combining marks, variation selectors and joiners
stay with it). A token is also cut wherever a tagged span starts or ends, so every span is
whole tokens. Sentences: every line is a paragraph; a line is cut after ``.``, ``!`` or ``?``
(and closing quotes) followed by a space and an upper-case letter, digit or opening quote —
except after a known abbreviation or an initial, or inside a tagged span. Offsets are
half-open code-point offsets into the document's text, like every offset in the corpus.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from itertools import accumulate
from typing import Any, NamedTuple

from newsfacts.schema import document_schema

_TOKEN = re.compile(r"(\d+(?:[.,]\d+)*|\w+(?:['’]\w+)*|[^\w\s][\u0300-\u036f\u200d\ufe0e\ufe0f\U0001f3fb-\U0001f3ff]*)")
_SENTENCE_END = re.compile(r"[.!?]+[”’\"')\]]*(?= +[\"“‘'(\[]?[A-Z0-9\u00c0-\u024f])")
_NEWLINE = re.compile(r"\n")
_ABBREVIATIONS = frozenset(
    [
        "Mr",
        "Mrs",
        "Ms",
        "Mx",
        "Dr",
        "Prof",
        "St",
        "Sr",
        "Jr",
        "Sen",
        "Rep",
        "Gov",
        "Gen",
        "Col",
        "Capt",
        "Lt",
        "Sgt",
        "Rev",
        "Hon",
        "Inc",
        "Ltd",
        "Co",
        "Corp",
        "No",
        "Nos",
        "Vol",
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Sept",
        "Oct",
        "Nov",
        "Dec",
        "vs",
        "etc",
        "approx",
        "est",
        "U.S",
        "U.K",
        "U.N",
        "E.U",
    ]
)


class Span(NamedTuple):
    start: int
    end: int
    label: str


class Tagged(NamedTuple):
    """One document's tokens (with offsets and tag ids) and its sentences as token ranges."""

    tokens: list[str]
    starts: list[int]
    ends: list[int]
    tags: list[int]
    sentences: list[tuple[int, int]]  # [first token, last token + 1), a partition of the tokens


@cache
def ner_labels() -> list[str]:
    """The BIO tags of the ``ner`` config: ``O``, then ``B-X``, ``I-X`` per OntoNotes label
    (the schema's order)."""
    labels = document_schema()["$defs"]["ontonotes_label"]["enum"]
    return ["O", *(f"{prefix}-{label}" for label in labels for prefix in ("B", "I"))]


@cache
def tag_ids() -> dict[str, int]:
    """BIO tag → ClassLabel id of the ``ner_tags`` feature."""
    return {name: i for i, name in enumerate(ner_labels())}


@cache
def _bio_ids() -> dict[str, tuple[int, int]]:
    ids = tag_ids()
    return {name[2:]: (ids[name], ids["I" + name[1:]]) for name in ids if name.startswith("B-")}


def entity_spans(doc: dict[str, Any]) -> list[Span]:
    """The spans the NER view tags: name mentions and numeric facts."""
    spans = [Span(m["start"], m["end"], m["type"]) for m in doc["mentions"] if m["kind"] == "name"]
    spans += [Span(f["start"], f["end"], f["ontonotes_type"]) for f in doc["numeric_facts"]]
    return spans


def outermost(spans: Iterable[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Drop every span inside (or crossing into) an earlier kept one; sorted by start."""
    kept: list[tuple[int, int, str]] = []
    end = -1
    for span in sorted(spans):  # by start, then end: of spans sharing a start, the longest comes last
        if span[0] >= end:
            kept.append(span)
            end = span[1]
        elif span[0] == kept[-1][0] and span[1] > end:
            kept[-1] = span  # same start, longer: the outer one
            end = span[1]
    return kept


def tokenize(text: str, cuts: Iterable[int] = ()) -> tuple[list[str], list[int], list[int]]:
    """Tokens of ``text`` with start and end offsets; a token is also cut at each offset in ``cuts``."""
    parts = _TOKEN.split(text)  # [gap, token, gap, token, …, gap]
    bounds = list(accumulate(map(len, parts), initial=0))
    tokens, starts, ends = parts[1::2], bounds[1:-1:2], bounds[2:-1:2]
    inside = set(cuts).difference(starts, ends)
    for cut in sorted(inside, reverse=True):
        i = bisect_left(ends, cut)  # the token that ends after the cut
        if i < len(tokens) and starts[i] < cut:
            at = cut - starts[i]
            tokens[i : i + 1] = [tokens[i][:at], tokens[i][at:]]
            starts.insert(i + 1, cut)
            ends.insert(i, cut)
    return tokens, starts, ends


def sentence_cuts(text: str, spans: Sequence[tuple[int, int, str]] = ()) -> list[int]:
    """Offsets where a new sentence may start, sorted: after sentence-final punctuation and at
    line ends. ``spans`` (sorted, not overlapping, as from ``outermost``) are never cut."""
    span_starts = [s[0] for s in spans]
    cuts = []
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        if text[match.start()] == ".":
            at = match.start()
            word = text[max(text.rfind(" ", 0, at), text.rfind("\n", 0, at)) + 1 : at].lstrip("“‘\"'(")
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isupper()):
                continue
        i = bisect_left(span_starts, end) - 1
        if i >= 0 and spans[i][1] > end:
            continue  # inside a tagged span
        cuts.append(end)
    cuts += [m.start() for m in _NEWLINE.finditer(text)]
    cuts.sort()
    return cuts


def sentence_bounds(text: str, spans: Sequence[tuple[int, int, str]] = ()) -> list[tuple[int, int]]:
    """Character ranges of the sentences of ``text`` (surrounding whitespace excluded)."""
    out = []
    start = 0
    for end in [*sentence_cuts(text, spans), len(text)]:
        chunk = text[start:end]
        stripped = chunk.strip()
        if stripped:
            lead = len(chunk) - len(chunk.lstrip())
            out.append((start + lead, start + lead + len(stripped)))
        start = end
    return out


def tag(text: str, spans: Iterable[tuple[int, int, str]]) -> Tagged:
    """Tokens, offsets, BIO tag ids and sentences of one text, tagging ``spans`` (outermost kept)."""
    kept = outermost(spans)
    bio = _bio_ids()
    tokens, starts, ends = tokenize(text, [b for s in kept for b in s[:2]])
    tags = [0] * len(tokens)
    for start, end, label in kept:
        i = bisect_left(starts, start)
        j = bisect_left(starts, end, i)
        if i < j:
            b, inside = bio[label]
            tags[i] = b
            tags[i + 1 : j] = [inside] * (j - i - 1)
    # a sentence runs from the first token at or after a cut to the next such token: the
    # sentences partition the tokens
    n = len(tokens)
    firsts = sorted({0, *(bisect_left(starts, cut) for cut in sentence_cuts(text, kept))} - {n}) if n else []
    sentences = list(zip(firsts, [*firsts[1:], n], strict=True)) if n else []
    return Tagged(tokens, starts, ends, tags, sentences)


def ner_rows(doc: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """One row per sentence of ``doc``: ``id``, ``doc_id``, ``sentence`` (its number), ``start``,
    ``end``, ``tokens``, ``token_starts``, ``token_ends`` and ``ner_tags`` (BIO tag strings)."""
    tagged = tag(doc["text"], entity_spans(doc))
    names = ner_labels()
    for n, (first, last) in enumerate(tagged.sentences):
        yield {
            "id": f"{doc['doc_id']}-{n}",
            "doc_id": doc["doc_id"],
            "sentence": n,
            "start": tagged.starts[first],
            "end": tagged.ends[last - 1],
            "tokens": tagged.tokens[first:last],
            "token_starts": tagged.starts[first:last],
            "token_ends": tagged.ends[first:last],
            "ner_tags": [names[t] for t in tagged.tags[first:last]],
        }
