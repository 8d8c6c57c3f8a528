"""The span checks of ``newsfacts.contract.checks``, over a whole batch of documents in Arrow at once.

``checks.span_checks`` compares every span of a document with the text it points into, in
Python: for a corpus of long documents it is the largest part of validation. The release build
reads every batch into Arrow anyway (``views.read_documents``), so there it runs the record
checks without the spans (``validate_record(..., spans=False)``) and then asks
``spans_all_pass`` about the whole batch: a yes means ``span_checks`` would find nothing in any
of its documents; on a no (or anything unexpected) the build validates the batch again in full,
so every issue is found and worded exactly as ``newsfacts validate`` words it.

A span passes when ``0 <= start < end <= len(text)``, its ``text`` is ``text[start:end]`` and it
neither starts nor ends with whitespace (``str.strip``'s). Offsets are code points: each span's
offsets become byte offsets into the UTF-8 of the batch's texts (``ner.JoinedTexts``, which the
NER view reads too), and the bytes there are compared with the span's own, gathered with numpy.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from newsfacts.release.ner import JoinedTexts, bmp_spaces, join_texts

#: The span lists of a document, as paths into its columns: a layer, then struct fields of its items.
SPAN_FIELDS = (
    ("mentions",),
    ("numeric_facts",),
    ("numeric_facts", "measured_span"),
    ("quotes", "source"),
    ("quotes", "cue"),
    ("quotes", "content"),
)


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


def spans_all_pass(documents: pa.Table, joined: JoinedTexts | None = None) -> bool:
    """True when ``checks.span_checks`` would find nothing in any document of ``documents`` (as
    read by ``views.read_documents``); False when it would, or might.

    ``joined``: the documents' texts as ``ner.join_texts`` gives them, when the caller has them."""
    texts = documents.column("text")
    if texts.null_count:
        return False
    if joined is None:
        joined = join_texts(texts.to_pylist())
    families = [_spans(documents, path) for path in SPAN_FIELDS]
    if any(start.null_count or end.null_count or text.null_count for _, start, end, text in families):
        return False
    owner = np.concatenate([f[0] for f in families]).astype(np.int64)
    start, end = (np.concatenate([f[i].to_numpy() for f in families]).astype(np.int64) for i in (1, 2))
    if not len(start):
        return True
    said = pa.concat_arrays([f[3] for f in families])
    widths = end - start
    if np.any(start < 0) or np.any(widths <= 0) or np.any(end > joined.lengths[owner]):
        return False
    if np.any(pc.utf8_length(said).to_numpy() != widths):
        return False  # a span's text is not as long as its offsets say
    # compare UTF-8 bytes: the text at the span's offsets, gathered, with the span's own text
    first = joined.bases[owner] + start
    byte_start, byte_end = joined.byte_offsets(first), joined.byte_offsets(first + widths)
    _, offsets_buffer, data_buffer = said.buffers()
    offsets = np.frombuffer(offsets_buffer, np.int32, len(said) + 1, said.offset * 4).astype(np.int64)
    sizes = np.diff(offsets)
    if np.any(byte_end - byte_start != sizes):
        return False
    own = np.frombuffer(data_buffer, np.uint8, offsets[-1] - offsets[0], offsets[0])
    at = np.repeat(byte_start - (offsets[:-1] - offsets[0]), sizes) + np.arange(len(own))
    if not np.array_equal(joined.data[at], own):
        return False
    # no whitespace at either end (every whitespace character is below 0x10000)
    space = bmp_spaces()
    for chars in (joined.points[first], joined.points[first + widths - 1]):
        if np.any(space[np.minimum(chars, 0xFFFF)] & (chars < 0x10000)):
            return False
    return True
