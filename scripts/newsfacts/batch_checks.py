"""The span checks of ``newsfacts.checks``, over a whole batch of documents in Arrow at once.

``checks.span_checks`` compares every span of a document with the text it points into, in
Python: for a corpus of long documents it is the largest part of validation. The release build
reads every batch into Arrow anyway (``views.read_documents``), so there it runs the record
checks without the spans (``validate_record(..., spans=False)``) and then asks
``spans_all_pass`` about the whole batch: a yes means ``span_checks`` would find nothing in any
of its documents; on a no (or anything unexpected) the build validates the batch again in full,
so every issue is found and worded exactly as ``newsfacts validate`` words it.

A span passes when ``0 <= start < end <= len(text)``, its ``text`` is ``text[start:end]`` and it
neither starts nor ends with whitespace (``str.strip``'s). Offsets are code points: the texts are
compared as UTF-32 code points, gathered with numpy.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

#: The span lists of a document, as paths into its columns: a layer, then struct fields of its items.
SPAN_FIELDS = (
    ("mentions",),
    ("numeric_facts",),
    ("numeric_facts", "measured_span"),
    ("quotes", "source"),
    ("quotes", "cue"),
    ("quotes", "content"),
)


@cache
def _whitespace() -> np.ndarray:
    """By code point below 0x10000: ``str.isspace`` (every such character is in the BMP; tested)."""
    return np.array([chr(c).isspace() for c in range(0x10000)], bool)


def _spans(documents: pa.Table, path: tuple[str, ...]) -> tuple[np.ndarray, pa.Array, pa.Array, pa.Array]:
    """The spans at ``path``: (document index, start, end, text), null spans left out."""
    column = documents.column(path[0]).combine_chunks()
    items = pc.list_flatten(column)
    owner = pc.list_parent_indices(column).to_numpy()
    if len(path) > 1:
        inner = items.field(path[1])
        if pa.types.is_list(inner.type):  # quote roles: lists of spans
            owner = owner[pc.list_parent_indices(inner).to_numpy()]
            items = pc.list_flatten(inner)
        else:  # measured_span: one span or null
            valid = inner.is_valid()
            owner = owner[valid.to_numpy(zero_copy_only=False)]
            items = inner.filter(valid)
    return owner, items.field("start"), items.field("end"), items.field("text")


def spans_all_pass(documents: pa.Table) -> bool:
    """True when ``checks.span_checks`` would find nothing in any document of ``documents`` (as
    read by ``views.read_documents``); False when it would, or might."""
    texts = documents.column("text").combine_chunks()
    if texts.null_count:
        return False
    sizes = pc.utf8_length(texts).to_numpy().astype(np.int64)
    bases = np.cumsum(sizes) - sizes  # where each text starts among the joined texts' code points
    points = np.frombuffer("".join(texts.to_pylist()).encode("utf-32-le"), np.uint32)
    owners, starts, ends, said = [], [], [], []
    for path in SPAN_FIELDS:
        owner, start, end, text = _spans(documents, path)
        if start.null_count or end.null_count or text.null_count:
            return False
        owners.append(owner)
        starts.append(start.to_numpy().astype(np.int64))
        ends.append(end.to_numpy().astype(np.int64))
        said.extend(text.to_pylist())
    owner, start, end = (np.concatenate(a) if a else np.zeros(0, np.int64) for a in (owners, starts, ends))
    if not len(start):
        return True
    widths = end - start
    if np.any(start < 0) or np.any(widths <= 0) or np.any(end > sizes[owner]):
        return False
    span_points = np.frombuffer("".join(said).encode("utf-32-le"), np.uint32)
    if len(span_points) != widths.sum() or np.any(np.fromiter(map(len, said), np.int64, len(said)) != widths):
        return False  # a span's text is not as long as its offsets say
    # every code point the spans cover, in span order: the span's first, then +1 …
    firsts = bases[owner] + start
    offsets = np.cumsum(widths) - widths
    index = np.repeat(firsts - offsets, widths) + np.arange(len(span_points))
    if not np.array_equal(points[index], span_points):
        return False
    ends_at = firsts + widths - 1
    space = _whitespace()
    for at in (firsts, ends_at):
        chars = points[at]
        if np.any(space[np.minimum(chars, 0xFFFF)] & (chars < 0x10000)):
            return False
    return True
