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
from itertools import accumulate, product
from typing import Any, NamedTuple

import numpy as np
import pyarrow as pa

from newsfacts.contract.schema import document_schema

#: What stays with the character before it (combining marks, joiners, variation selectors, skin tones).
_MARKS = "[\u0300-\u036f\u200d\ufe0e\ufe0f\U0001f3fb-\U0001f3ff]"
_TOKEN = re.compile(rf"(\d+(?:[.,]\d+)*|\w+(?:['’]\w+)*|[^\w\s]{_MARKS}*)")
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


def count_tokens(text: str) -> int:
    """How many tokens ``tokenize`` finds in ``text`` (without cuts)."""
    return len(_TOKEN.findall(text))


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
        if text[match.start()] == "." and _is_abbreviation(_word_before(text, match.start())):
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


# --- the same, for a batch of texts at once (the build's route) -------------------------------------
#
# ``tag_batch`` gives exactly what ``tag`` gives for each text, without a Python object per token.
# ``_TOKEN`` is evaluated as a scan over character classes (taken from the same regex engine,
# so ``\w``, ``\d`` and ``\s`` mean what they mean there). Classes: space (``\s``), digit
# (``\d``), word (``\w`` but not ``\d``), point (``.``/``,``), apostrophe, mark (``_MARKS``),
# other. None of ``_MARKS``, points or apostrophes is ``\w`` or ``\s``; every ``\d`` is ``\w``
# (``test_ner`` checks both over all of Unicode). A character continues the token of the
# character before it when:
#
# - a digit or word character follows a ``\w`` character of a word token, or a digit follows a
#   digit (``\d+``, ``\w+``); a word token is one whose ``\w+(?:['’]\w+)*`` run has a word
#   character at or before that point (a run starting with a digit is read as a number first,
#   and the number ends at the first word character or apostrophe);
# - a point sits between a digit of a number token and a digit (``[.,]\d+``), or a digit
#   follows such a point;
# - an apostrophe sits between a ``\w`` character of a word token and a ``\w`` character
#   (``['’]\w+``), or a ``\w`` character follows such an apostrophe;
# - a mark follows a character that is neither ``\w`` nor ``\s`` (``[^\w\s]`` + marks).
#
# A token also starts at each cut inside a token, as in ``tokenize``.
#
# These rules are ``_continues``. Most characters need only their class and the one before it
# (a letter after a letter, anything after a space): ``_token_bounds`` looks these up by the
# pair of classes, and asks the rules themselves only about the few other characters.

_SPACE, _DIGIT, _WORD, _POINT, _APOSTROPHE, _MARK, _OTHER = range(7)


def _classify(chars: str) -> np.ndarray:
    """The class of each character of ``chars``."""
    out = np.full(len(chars), _OTHER, np.uint8)
    for pattern, code in (
        (_MARKS, _MARK),
        ("['’]", _APOSTROPHE),
        ("[.,]", _POINT),
        (r"\w", _WORD),
        (r"\d", _DIGIT),
        (r"\s", _SPACE),
    ):
        out[[m.start() for m in re.finditer(pattern, chars)]] = code  # \d after \w: a digit is both
    return out


@cache
def _bmp_classes() -> np.ndarray:
    return _classify("".join(map(chr, range(0x10000))))


# A code is a class (its low bits, ``& _CLASS``) with flags for what the sentence cuts look
# for, so that one look-up per character serves both and they scan bytes, not code points.
_CLASS = 7
_STOP = 8  # one of ``.!?``, which start ``_SENTENCE_END``
_LINE = 16  # a line break: a sentence cut


@cache
def _bmp_codes() -> np.ndarray:
    """By code point below 0x10000: its code."""
    codes = _bmp_classes().copy()
    codes[list(map(ord, ".!?"))] |= _STOP
    codes[0x0A] |= _LINE
    return codes


@cache
def _low_byte_codes() -> bytes:
    """``_bmp_codes`` of the code points below 0x100, a ``bytes.translate`` table."""
    return _bmp_codes()[:0x100].tobytes()


def _codes(points: np.ndarray, wide: np.ndarray, pad: int = 0) -> np.ndarray:
    """The code of each of ``points`` (``wide``: where they are beyond ASCII), with ``pad``
    spaces either side.

    Looked up by the low byte, with ``bytes.translate`` (several times quicker than a look-up in
    the table of the whole BMP), then corrected where the code point is beyond ASCII: few."""
    low = np.full(len(points) + 2 * pad, 0x20, np.uint8)
    low[pad : pad + len(points)] = points  # the low byte: right for ASCII
    out = np.frombuffer(bytearray(low).translate(_low_byte_codes()), np.uint8)
    wide_points = points[wide]
    out[wide + pad] = np.take(_bmp_codes(), wide_points, mode="clip")  # beyond the BMP: 0xFFFF's, then fixed
    astral = wide_points > 0xFFFF
    if np.any(astral):  # no flag beyond ASCII: the class is the code
        values = wide_points[astral]
        unique = np.unique(values)
        out[wide[astral] + pad] = _classify("".join(map(chr, unique.tolist())))[np.searchsorted(unique, values)]
    return out


@cache
def bmp_spaces() -> np.ndarray:
    """By code point below 0x10000: whitespace (``\\s``, which is ``str.isspace``; no whitespace
    character lies beyond the BMP — both tested)."""
    return _bmp_classes() == _SPACE


@cache
def _ascii_spaces() -> bytes:
    """The bytes that are an ASCII space character (``bytes.translate`` deletes them; bytes from
    0x80 are never a whole character)."""
    return bytes(np.flatnonzero(bmp_spaces()[:0x80]).tolist())


class TaggedBatch(NamedTuple):
    """``tag`` over a batch of texts: every token of every text in order, arrays."""

    tokens: pa.Array  # strings
    starts: np.ndarray  # offsets into each token's own text
    ends: np.ndarray
    tags: np.ndarray  # tag ids
    firsts: np.ndarray  # each sentence's first token, over the whole batch
    sentences: np.ndarray  # sentences per text


@cache
def span_labels() -> tuple[str, ...]:
    """The OntoNotes labels, sorted as strings: ``SpanArrays.labels`` index this."""
    return tuple(sorted(_bio_ids()))


class SpanArrays(NamedTuple):
    """The spans of a batch of texts, as arrays: ``tag_batch_arrays``' input."""

    texts: np.ndarray  # the text each span belongs to (its index in the batch)
    starts: np.ndarray
    ends: np.ndarray
    labels: np.ndarray  # indexes into ``span_labels()``


def tag_batch(texts: Sequence[str], spans: Iterable[Iterable[tuple[int, int, str]]]) -> TaggedBatch:
    """``tag`` for each of ``texts`` with its ``spans`` (one iterable per text), at once."""
    rank = {label: i for i, label in enumerate(span_labels())}
    lists = list(spans)
    if len(lists) != len(texts):
        raise ValueError(f"{len(lists)} span lists for {len(texts)} texts")
    rows = [(i, s, e, rank[label]) for i, found in enumerate(lists) for s, e, label in found]
    columns = np.array(rows, np.int64).reshape(-1, 4).T
    return tag_batch_arrays(texts, SpanArrays(*columns))


def _outermost_arrays(spans: SpanArrays, bases: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """``outermost`` of each text's spans at once: (starts over the joined texts, ends, labels),
    sorted; None when two spans cross, or a span is empty or starts below 0 (then ``outermost``
    decides, text by text).

    ``outermost`` keeps, of the spans sharing a start, the longest (of equal ones, the first
    label); of these, a span starting at or after the end of the last one kept. When no span
    dropped reaches beyond that end (nesting, not crossing), the last one kept ends at the
    running maximum of all ends so far: a comparison per span, no loop."""
    if not len(spans.starts):
        empty = np.zeros(0, np.int64)
        return empty, empty, empty
    if spans.starts.min() < 0 or np.any(spans.ends <= spans.starts):  # no such span in a valid document
        return None
    shift = spans.texts * (int(spans.ends.max()) + 2)  # each text's spans above the previous text's
    starts, ends = spans.starts + shift, spans.ends + shift
    order = _span_order(starts, ends, spans.labels)  # by start, the longest first, then label
    starts, ends, labels, texts = starts[order], ends[order], spans.labels[order], spans.texts[order]
    first = np.ones(len(starts), bool)
    first[1:] = starts[1:] != starts[:-1]
    starts, ends, labels, texts = starts[first], ends[first], labels[first], texts[first]
    reach = np.maximum.accumulate(ends)
    before = np.empty(len(ends), np.int64)
    before[0] = -1
    before[1:] = reach[:-1]
    kept = starts >= before
    if np.any(~kept & (ends > before)):  # a dropped span crossing past the last kept end
        return None
    offsets = bases[texts[kept]] - shift[order][first][kept]
    return starts[kept] + offsets, ends[kept] + offsets, labels[kept]


def _span_order(starts: np.ndarray, ends: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """``np.lexsort((labels, -ends, starts))`` of spans (each ``start < end``): by one stable sort of
    a key packing the three when it fits an int64 (several times quicker: the spans come nearly
    sorted), else by ``lexsort`` itself."""
    starts = starts.astype(np.int64, copy=False)
    widths = ends - starts
    span, kinds = int(widths.max()) + 1, int(labels.max()) + 1
    if starts.min() < 0 or labels.min() < 0 or (int(starts.max()) + 1) * span * kinds >= 2**63:
        return np.lexsort((labels, -ends, starts))
    return np.argsort((starts * span + (span - 1 - widths)) * kinds + labels, kind="stable")


class JoinedTexts(NamedTuple):
    """A batch of texts joined by line breaks, as the arrays the NER view (``tag_batch_arrays``) and
    the batch span checks (``newsfacts.contract.batch_checks``) both read: built once per batch."""

    joined: str
    lengths: np.ndarray  # of each text, in code points
    bases: np.ndarray  # where each text starts in ``joined``
    points: np.ndarray  # the code points of ``joined`` (uint32)
    data: np.ndarray  # its UTF-8 bytes (uint8)
    wide: np.ndarray  # where its characters beyond ASCII are (few)
    extra: np.ndarray  # extra[i]: the UTF-8 bytes beyond one of the first i of them

    def byte_offsets(self, at: np.ndarray) -> np.ndarray:
        """Code-point offsets into ``joined`` → its UTF-8 byte offsets."""
        return at + self.extra[np.searchsorted(self.wide, at)]


def join_texts(texts: Sequence[str]) -> JoinedTexts:
    joined = "\n".join(texts)  # a line break is a space: no token crosses it
    lengths = np.fromiter(map(len, texts), np.int64, len(texts))
    bases = np.cumsum(lengths + 1) - lengths - 1
    points = np.frombuffer(joined.encode("utf-32-le"), np.uint32)
    data = np.frombuffer(joined.encode("utf-8"), np.uint8)
    wide = np.flatnonzero(points >= 0x80)
    extra = np.zeros(len(wide) + 1, np.int64)
    np.cumsum(1 + (points[wide] >= 0x800) + (points[wide] > 0xFFFF), out=extra[1:])
    return JoinedTexts(joined, lengths, bases, points, data, wide, extra)


def tag_batch_arrays(texts: Sequence[str] | JoinedTexts, spans: SpanArrays) -> TaggedBatch:
    """``tag_batch`` with the spans given as arrays (and the texts, perhaps, already joined)."""
    batch = texts if isinstance(texts, JoinedTexts) else join_texts(texts)
    joined, bases, points = batch.joined, batch.bases, batch.points
    # the spans kept, over ``joined``
    names = span_labels()
    bio = _bio_ids()
    found = _outermost_arrays(spans, bases)
    if found is None:  # crossing spans: text by text
        kept = []
        for i, base in enumerate(bases.tolist()):
            mine = spans.texts == i
            triples = zip(
                spans.starts[mine].tolist(), spans.ends[mine].tolist(), spans.labels[mine].tolist(), strict=True
            )
            kept += [(base + s, base + e, label) for s, e, label in outermost(triples)]
        found = tuple(np.array([k[j] for k in kept], np.int64) for j in range(3))
    span_starts, span_ends, span_labels_ = found
    bio_table = np.array([bio[name] for name in names], np.int64).reshape(-1, 2)
    # tokens
    n = len(points)
    codes = _codes(points, batch.wide, pad=2)
    starts, ends = _token_bounds(codes & _CLASS, (span_starts, span_ends))
    firsts_of_texts = np.searchsorted(starts, bases)
    counts = np.diff(np.append(firsts_of_texts, len(starts)))
    offsets = np.repeat(bases, counts)
    # token strings: the UTF-8 bytes of the tokens, gathered
    utf8 = batch.data.tobytes()
    values = utf8.translate(None, _ascii_spaces())  # the tokens cover every character but the spaces
    spaces = n - (int(ends.sum()) - int(starts.sum()))  # the characters in no token
    if len(utf8) - len(values) == spaces:  # every space was one byte < 0x80: all gone
        sizes = _token_sizes(batch, starts, ends)
    else:
        byte_starts, byte_ends = batch.byte_offsets(starts), batch.byte_offsets(ends)
        inside = np.zeros(len(utf8) + 1, np.int8)
        inside[byte_starts] += 1
        inside[byte_ends] -= 1
        values = batch.data[np.cumsum(inside[:-1], dtype=np.int8) > 0]
        sizes = byte_ends - byte_starts
    if len(values) >= 2**31:  # the tokens' bytes, all of them: their offsets are int32
        raise ValueError("a batch of texts too large for one string array")
    value_offsets = np.zeros(len(starts) + 1, np.int32)
    np.cumsum(sizes, out=value_offsets[1:])
    tokens = pa.Array.from_buffers(pa.string(), len(starts), [None, pa.py_buffer(value_offsets), pa.py_buffer(values)])
    # tags: B on a span's first token, I on the rest
    first = np.searchsorted(starts, span_starts)
    width = np.maximum(np.searchsorted(starts, span_ends) - first, 0)
    tags = np.zeros(len(starts), np.int64)
    if len(span_starts):
        b_ids = bio_table[span_labels_, 0]
        i_ids = bio_table[span_labels_, 1]
        spread = np.repeat(first - np.cumsum(width) + width, width) + np.arange(width.sum())
        tags[spread] = np.repeat(i_ids, width)
        opened = width > 0
        tags[first[opened]] = b_ids[opened]
    # sentences: from each text's first token and the first token at or after each cut
    cuts = _sentence_cuts(joined, points, span_starts, span_ends, codes[2 : n + 2])
    is_first = np.zeros(len(starts) + 1, bool)  # a mark per token: no sort
    is_first[firsts_of_texts] = True
    is_first[np.searchsorted(starts, cuts)] = True
    firsts = np.flatnonzero(is_first[: len(starts)])
    sentences = np.diff(np.searchsorted(firsts, np.append(firsts_of_texts, len(starts))))
    starts -= offsets  # offsets into each token's own text, in place: no more arrays of a token each
    ends -= offsets
    return TaggedBatch(tokens, starts, ends, tags, firsts, sentences)


def _token_bounds(padded: np.ndarray, cuts: Iterable[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Where the tokens start and end (``padded``: the classes, two spaces either side), a token
    also starting at each of ``cuts`` (offsets, any) inside one.

    A character's marks are mostly decided by its class and the class before it
    (``_pair_marks``), looked up for all at once with ``bytes.translate``; the few left
    undecided are asked of ``_continues``."""
    n = len(padded) - 4
    pairs = np.left_shift(padded[1 : n + 2], 3)  # at each offset up to n: the class before, then its own
    pairs |= padded[2 : n + 3]
    marks = np.frombuffer(bytearray(pairs).translate(_pair_marks()), np.uint8)
    for offsets in cuts:
        cut = offsets[(offsets >= 0) & (offsets < n)]
        cut = cut[padded[cut + 2] != _SPACE]
        marks[cut] = np.where(padded[cut + 1] != _SPACE, _START | _END, _START)
    unsure = np.flatnonzero(marks == _UNDECIDED) + 2  # few; in ``padded``
    digits = np.flatnonzero(padded == _DIGIT)
    worded = _worded_digits(padded, digits)
    classes = padded[unsure], padded[unsure - 1], padded[unsure - 2], padded[unsure + 1]
    kinds = (*_token_kinds(padded, digits, worded, unsure - 1), *_token_kinds(padded, digits, worded, unsure - 2))
    goes_on = _continues(*classes, *kinds)
    marks[unsure - 2] = np.where(goes_on, 0, _START | _END)  # undecided: after a character that is not a space
    # numpy finds the True of a bool array several times quicker than the non-zero bytes of others
    return np.flatnonzero((marks & _START).view(bool)), np.flatnonzero(marks >= _END)


def _token_kinds(
    padded: np.ndarray, digits: np.ndarray, worded: np.ndarray, at: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Whether the characters at ``at`` (in ``padded``) are in a word token, and whether in a
    number token, given where the digits are (in ``padded``) and whether each is ``worded``."""
    cls = padded[at]
    digit = cls == _DIGIT
    if len(digits):
        in_word = worded[np.minimum(np.searchsorted(digits, at), len(digits) - 1)]  # right where ``digit``
    else:
        in_word = np.zeros(len(at), bool)
    return (cls == _WORD) | (digit & in_word), digit & ~in_word


def _continues(
    cls: Any,
    before: Any,
    before2: Any,
    after: Any,
    word_before: Any,
    number_before: Any,
    word_before2: Any,
    number_before2: Any,
) -> Any:
    """Whether a character continues the token of the one before it (cuts aside), by the rules
    above: given its class, the classes of the characters before it, two before and after it,
    and whether the character before (and two before) is in a word token, or a number token.
    Elementwise, on arrays or scalars."""
    w_before = (before == _DIGIT) | (before == _WORD)
    w_after = (after == _DIGIT) | (after == _WORD)
    after_apostrophe = (before == _APOSTROPHE) & word_before2
    return (
        ((cls == _DIGIT) & (w_before | ((before == _POINT) & number_before2) | after_apostrophe))
        | ((cls == _WORD) & (word_before | after_apostrophe))
        | ((cls == _POINT) & number_before & (after == _DIGIT))
        | ((cls == _APOSTROPHE) & word_before & w_after)
        | ((cls == _MARK) & (before >= _POINT))
    )


#: Marks at an offset: a token starts there, one ends there (``_START`` is 1, so that
#: ``marks & _START`` is a bool array; ``_END`` above it, so that ``marks >= _END`` finds the ends).
_START, _END, _UNDECIDED = 1, 2, 4


@cache
def _pair_marks() -> bytes:
    """By a character's class and the class before it (``before << 3 | cls``, a
    ``bytes.translate`` table): its marks, or ``_UNDECIDED`` where they also depend on what
    ``_continues`` is told besides, over every context these two classes allow."""
    kinds = {_WORD: [(True, False)], _DIGIT: [(True, False), (False, True)]}  # in a word token, a number token
    others = [(False, False)]
    classes = range(_OTHER + 1)
    table = bytearray(256)
    for before, cls in product(classes, classes):
        if cls == _SPACE:
            table[before << 3 | cls] = 0 if before == _SPACE else _END
            continue
        found = {
            bool(_continues(cls, before, before2, after, *kind, *kind2))
            for before2, after in product(classes, classes)
            for kind in kinds.get(before, others)
            for kind2 in kinds.get(before2, others)
        }
        if found == {True}:
            table[before << 3 | cls] = 0
        elif found == {False}:
            table[before << 3 | cls] = _START if before == _SPACE else _START | _END
        else:
            table[before << 3 | cls] = _UNDECIDED
    return bytes(table)


def _token_sizes(batch: JoinedTexts, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The UTF-8 size of each token (from ``starts`` to ``ends`` in ``batch.joined``) when no
    space is beyond ASCII: its length, and the bytes beyond one of each character beyond ASCII,
    every one of them in a token. A search per such character (few), not two per token."""
    sizes = ends - starts
    np.add.at(sizes, np.searchsorted(starts, batch.wide, "right") - 1, np.diff(batch.extra))
    return sizes


def _worded_digits(padded: np.ndarray, digits: np.ndarray) -> np.ndarray:
    """For each of ``digits`` (where the digits are in ``padded``, the classes with two spaces
    either side; sorted), whether its ``\\w+(?:['’]\\w+)*`` run has a word character before it: then
    the digit is in a word token, else in a number token.

    Only the digits need asking (a word character is always in a word token), and every digit of
    a run of digits has the same answer: that of the characters before the run. The run is
    worded when a word character comes just before it, or an apostrophe after a word character;
    when an apostrophe after a digit comes before it, it is worded if the run of digits before
    that one is. A scan over the runs of digits, then, not over all the characters: in each
    chain of runs joined by apostrophes, the runs from the first one worded by what comes
    just before it on are worded."""
    first = np.ones(len(digits), bool)
    first[1:] = np.diff(digits) != 1
    begins = digits[first]  # where each run starts
    before, before2 = padded[begins - 1], padded[begins - 2]
    apostrophe = before == _APOSTROPHE
    own = (before == _WORD) | (apostrophe & (before2 == _WORD))
    chained = apostrophe & (before2 == _DIGIT)  # never the first run: no digit before it
    # 1-based run numbers, so that a product with a mask leaves 0 where the mask is off
    index = np.arange(1, len(begins) + 1)
    worded = np.maximum.accumulate(index * own) >= np.maximum.accumulate(index * ~chained)
    return worded[np.cumsum(first) - 1]


def _sentence_cuts(
    text: str, points: np.ndarray, span_starts: np.ndarray, span_ends: np.ndarray, codes: np.ndarray | None = None
) -> np.ndarray:
    """``sentence_cuts(text, spans)`` (unsorted), given ``text``'s code points, the spans' bounds
    and perhaps the points' ``_codes``."""
    if codes is None:
        codes = _codes(points, np.flatnonzero(points >= 0x80))
    flagged = np.flatnonzero(codes >= _STOP)  # stops and line breaks (few): one scan for both
    marked = codes[flagged] < _LINE
    at, end = _sentence_ends(points, flagged[marked])
    keep = np.ones(len(at), bool)
    stops = np.flatnonzero(points[at] == 0x2E)  # a run starting with a full stop: maybe after an abbreviation
    keep[stops] = ~_after_abbreviation(text, points, at[stops])
    span = np.searchsorted(span_starts, end) - 1  # the last span starting before the cut
    keep &= ~((span >= 0) & (span_ends[np.maximum(span, 0)] > end)) if len(span_starts) else True
    return np.append(end[keep], flagged[~marked])


# ``_SENTENCE_END`` without a regex call per candidate. A match can only start where a run of
# ``[.!?]`` starts (one failing there fails all along the run, whose every later start leads to
# the same place), and from there the greedy walk is the only way it can match: the greedy
# ``[.!?]+`` stops before a character that is not ``.!?``, the greedy closers before one that is
# not a closer, and the lookahead needs a space next. Backtracking into the closers or the run
# would put the lookahead on a closer or on ``.!?``, neither a space, so it fails there too.
# Inside the lookahead, giving back spaces leaves a space next, which is neither an opener nor
# ``[A-Z0-9\u00c0-\u024f]``; and no opener is in that class, so the optional opener is tried
# exactly as "an opener followed by one, or one". The walk moves every candidate forward at once.
_CLOSERS = tuple(map(ord, "”’\"')]"))  # _SENTENCE_END's [”’\"')\]]
_OPENERS = tuple(map(ord, "\"“‘'(["))  # its lookahead's [\"“‘'(\[]
_QUOTES = "“‘\"'("  # what sentence_cuts strips off the word before a full stop
_LONGEST = max(map(len, _ABBREVIATIONS))
_WINDOW = _LONGEST + 1  # characters looked at before a full stop


def _sentence_ends(points: np.ndarray, marks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where ``_SENTENCE_END`` matches from the start of a run of ``.!?`` (``marks``: where these
    are, sorted): (starts, ends), int64."""
    marks = marks.astype(np.int64)
    if not len(marks):
        return marks, marks
    runs = np.flatnonzero(np.diff(marks) != 1)  # the last mark of each run but the last
    starts = marks[np.append(0, runs + 1)]
    closed = _skip(points, marks[np.append(runs, len(marks) - 1)] + 1, _CLOSERS)
    spaced = _skip(points, closed, (0x20,))
    first, second = _char_at(points, spaced), _char_at(points, spaced + 1)
    found = (spaced > closed) & (_is_capital(first) | (_among(first, _OPENERS) & _is_capital(second)))
    return starts[found], closed[found]


def _char_at(points: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """The code point at each of ``pos``; 0 (none of the characters looked for) at or past the end."""
    return np.where(pos < len(points), points[np.minimum(pos, len(points) - 1)], 0)


def _skip(points: np.ndarray, pos: np.ndarray, chars: tuple[int, ...]) -> np.ndarray:
    """From each of ``pos``, the first position whose character is not one of ``chars`` (or the end)."""
    pos = pos.copy()
    moving = np.arange(len(pos))
    for _ in range(2):  # a run is a character or two in text: a step at a time is quickest
        moving = moving[_among(_char_at(points, pos[moving]), chars)]
        pos[moving] += 1
    width = 4
    while len(moving):
        # a longer run (padding): the next ``width`` characters of each, one row per character,
        # twice as many each round, so a long run takes a few rounds, not one per character
        inside = _among(_char_at(points, pos[moving] + np.arange(width)[:, None]), chars)
        ended = ~inside.all(axis=0)
        pos[moving] += np.where(ended, inside.argmin(axis=0), width)  # the first character not in ``chars``
        moving = moving[~ended]
        width *= 2
    return pos


def _is_capital(code_points: np.ndarray) -> np.ndarray:
    """``[A-Z0-9\u00c0-\u024f]`` of ``_SENTENCE_END`` (no IGNORECASE: the ranges as written, ASCII digits)."""
    c = code_points
    return ((c >= 0x41) & (c <= 0x5A)) | ((c >= 0x30) & (c <= 0x39)) | ((c >= 0xC0) & (c <= 0x24F))


def _word_before(text: str, at: int) -> str:
    """The word ``sentence_cuts`` looks up before a full stop at ``at``: from the last space or line
    break, opening quotes and brackets stripped."""
    return text[max(text.rfind(" ", 0, at), text.rfind("\n", 0, at)) + 1 : at].lstrip(_QUOTES)


def _is_abbreviation(word: str) -> bool:
    """A known abbreviation or an initial: no sentence ends at the full stop after it."""
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isupper())


def _after_abbreviation(text: str, points: np.ndarray, at: np.ndarray) -> np.ndarray:
    """``_is_abbreviation(_word_before(text, a))`` for each of ``at``, from the ``_WINDOW``
    characters before each: an abbreviation is at most ``_LONGEST`` characters, so when there is
    no space or line break among them it is one only if the first of them was stripped (then
    the word may start further back: rare, asked of ``_word_before``)."""
    # one row per character back, one column per full stop: numpy is quick along long rows
    back = np.arange(_WINDOW)[:, None]
    index = at - _WINDOW + back
    window = np.where(index >= 0, points[np.maximum(index, 0)], 0x20)  # before the text: as if a space
    last_break = np.where(_among(window, (0x20, 0x0A)), back, -1).max(axis=0, initial=-1)
    letter = (back > last_break) & ~_among(window, tuple(map(ord, _QUOTES)))
    word_start = np.where(letter, back, _WINDOW).min(axis=0, initial=_WINDOW)
    lengths = _WINDOW - word_start
    words = np.where(back >= word_start, window, 0)  # right-aligned, zeros before
    keys, table = _ascii_keys(words, lengths), _abbreviation_keys()
    found = table[np.minimum(np.searchsorted(table, keys), len(table) - 1)] == keys
    single = np.flatnonzero(lengths == 1)
    found[single] = [chr(c).isupper() for c in words[-1, single].tolist()]
    unsure = np.flatnonzero((last_break < 0) & (word_start > 0))
    found[unsure] = [_is_abbreviation(_word_before(text, a)) for a in at[unsure].tolist()]
    return found


def _among(values: np.ndarray, chars: tuple[int, ...]) -> np.ndarray:
    """Whether each of ``values`` is one of a few ``chars`` (quicker than ``np.isin`` for a few)."""
    out = values == chars[0]
    for c in chars[1:]:
        out |= values == c
    return out


def _ascii_keys(words: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """One int64 per column of ``words`` (a right-aligned word of at most ``_WINDOW`` characters,
    zeros above it) and its length: equal for equal words; -1 for a word beyond ASCII."""
    weights = 128 ** np.arange(_WINDOW - 1, -1, -1, dtype=np.int64)
    in_ascii = (words < 0x80).all(axis=0)
    keys = weights @ (words & 0x7F).astype(np.int64) + lengths * 128**_WINDOW  # 7 bits a character, then the length
    return np.where(in_ascii, keys, -1)


@cache
def _abbreviation_keys() -> np.ndarray:
    """``_ascii_keys`` of ``_ABBREVIATIONS``, sorted (all ASCII: no key is -1)."""
    words = sorted(_ABBREVIATIONS)
    if not all(word.isascii() and 0 < len(word) <= _LONGEST for word in words):
        raise ValueError("an abbreviation beyond ASCII: _after_abbreviation would not find it")
    codes = np.zeros((_WINDOW, len(words)), np.int64)
    for column, word in enumerate(words):
        codes[_WINDOW - len(word) :, column] = [ord(c) for c in word]
    return np.sort(_ascii_keys(codes, np.array([len(word) for word in words], np.int64)))


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
