"""The rows of every config, built in Arrow from a batch of documents.

A batch of documents (compact JSON, one per line) is read with ``pyarrow.json`` against the
schema-derived column types (``features.input_schema``): no Python dict per document. Then:

- ``encode_labels``: the closed vocabularies' strings become their ClassLabel ids
  (``decode_labels`` turns them back);
- ``withhold``: every field named ``text`` (the article, every span) and ``title`` become null,
  in the documents a ``TextPolicy`` withholds (``withheld_rows``);
- ``layer_table``: one row per annotation of a layer, with ``doc_id`` first;
- ``ner_table``: one row per sentence (see ``newsfacts.release.ner``).

Every function takes and returns ``pa.Table``s whose schema is the config's ``arrow_schema``
(without its metadata).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj

from newsfacts.contract.documents import LAYERS
from newsfacts.release.ner import JoinedTexts, SpanArrays, span_labels, tag_batch_arrays

#: The configs of a release, the default first.
CONFIGS = ("documents", *LAYERS, "ner")
#: Fields emptied (set to null) in the documents whose text a release withholds.
WITHHELD_FIELDS = frozenset({"text", "title"})
#: The text policies of ``newsfacts build --texts``.
TEXT_POLICIES = ("licensed", "all", "none")
_MAX_BLOCK = 1 << 30

Path = tuple[str, ...]
Leaf = Callable[[pa.Array, Path], pa.Array]


@dataclass(frozen=True)
class Plan:
    """The column types the views need, as plain pyarrow objects (``features.conversion_plan()``
    derives it from the schema; worker processes get it without importing ``datasets``)."""

    input_schema: pa.Schema  # documents as read from JSON: labels as strings
    schemas: dict[str, pa.Schema]  # each config's release schema, without metadata
    labels: dict[Path, tuple[str, ...]]  # ClassLabel names by column path in documents


@dataclass(frozen=True)
class TextPolicy:
    """Which documents' texts a release ships.

    ``all``: every text; ``none``: no text (the annotations, offsets and hashes only);
    ``licensed``: the texts whose ``text_license`` is known and one of ``licences`` (SPDX ids;
    the corpus metadata's ``redistributable_text_licenses``), no other.
    """

    mode: str = "all"
    licences: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.mode not in TEXT_POLICIES:
            raise ValueError(f"text policy {self.mode!r} is not one of {', '.join(TEXT_POLICIES)}")

    def withheld_rows(self, documents: pa.Table) -> np.ndarray:
        """One bool per document of ``documents`` (read as ``read_documents`` reads them): withheld."""
        n = len(documents)
        if self.mode != "licensed":
            return np.full(n, self.mode == "none")
        licence = documents.column("text_license").combine_chunks()
        shipped = pc.and_(
            pc.equal(licence.field("status"), "known"),
            pc.is_in(licence.field("value"), value_set=pa.array(self.licences, pa.string())),
        )
        return ~shipped.fill_null(False).to_numpy(zero_copy_only=False)


def default_plan() -> Plan:
    from newsfacts.release.features import conversion_plan

    return conversion_plan()


def read_documents(lines: list[bytes], plan: Plan | None = None) -> pa.Table:
    """Documents, each a single line of JSON, as one Arrow table (labels still strings)."""
    plan = plan or default_plan()
    data = b"\n".join(lines)
    table = pj.read_json(
        pa.BufferReader(data),
        read_options=pj.ReadOptions(use_threads=False, block_size=min(max(len(data) + 1, 1 << 20), _MAX_BLOCK)),
        parse_options=pj.ParseOptions(explicit_schema=plan.input_schema, unexpected_field_behavior="error"),
    )
    return table.combine_chunks()


def _map(array: pa.Array, leaf: Leaf, path: Path) -> pa.Array:
    """Rebuild ``array`` with ``leaf`` applied to every non-nested child (path: field names)."""
    kind = array.type
    mask = array.is_null() if array.null_count else None
    if pa.types.is_struct(kind):
        children = [_map(array.field(i), leaf, (*path, kind.field(i).name)) for i in range(kind.num_fields)]
        return pa.StructArray.from_arrays(children, names=[f.name for f in kind], mask=mask)
    if pa.types.is_list(kind):
        return pa.ListArray.from_arrays(array.offsets, _map(array.values, leaf, path), mask=mask)
    return leaf(array, path)


def map_leaves(table: pa.Table, leaf: Leaf, schema: pa.Schema) -> pa.Table:
    """``table`` with ``leaf`` applied to each leaf column, as ``schema``."""
    columns = [_map(table.column(name).combine_chunks(), leaf, (name,)) for name in table.column_names]
    return pa.Table.from_arrays(columns, schema=schema)


def encode_labels(table: pa.Table, plan: Plan | None = None) -> pa.Table:
    """Documents as read → release rows: each ClassLabel column's strings become label ids."""
    plan = plan or default_plan()

    def encode(array: pa.Array, path: Path) -> pa.Array:
        names = plan.labels.get(path)
        if names is None:
            return array
        ids = pc.index_in(array, value_set=pa.array(names, pa.string())).cast(pa.int64())
        if ids.null_count != array.null_count:
            unknown = pc.filter(array, pc.and_(ids.is_null(), array.is_valid()))[0].as_py()
            raise ValueError(f"{'.'.join(path)}: {unknown!r} is not one of the labels {list(names)}")
        return ids

    return map_leaves(table, encode, plan.schemas["documents"])


def decode_labels(table: pa.Table, plan: Plan | None = None) -> pa.Table:
    """Release rows of documents → as read from JSON: ClassLabel ids back to their names."""
    plan = plan or default_plan()

    def decode(array: pa.Array, path: Path) -> pa.Array:
        names = plan.labels.get(path)
        return array if names is None else pc.take(pa.array(names, pa.string()), array)

    return map_leaves(table, decode, plan.input_schema)


def _withhold_rows(array: pa.Array, rows: np.ndarray, name: str | None) -> pa.Array:
    """``array`` with the withheld fields null in the rows marked in ``rows`` (one bool per value)."""
    kind = array.type
    mask = array.is_null() if array.null_count else None
    if pa.types.is_struct(kind):
        children = [_withhold_rows(array.field(i), rows, kind.field(i).name) for i in range(kind.num_fields)]
        return pa.StructArray.from_arrays(children, names=[f.name for f in kind], mask=mask)
    if pa.types.is_list(kind):
        offsets = array.offsets.to_numpy(zero_copy_only=False)
        values = array.values
        inner = np.zeros(len(values), dtype=bool)
        inner[offsets[0] : offsets[-1]] = np.repeat(rows, np.diff(offsets))
        return pa.ListArray.from_arrays(array.offsets, _withhold_rows(values, inner, None), mask=mask)
    if name in WITHHELD_FIELDS:
        return pc.if_else(pa.array(rows), pa.scalar(None, kind), array)
    return array


def withhold(table: pa.Table, rows: np.ndarray | None = None) -> pa.Table:
    """``table`` without the article's words: every ``text`` and ``title`` field null, in every
    document (``rows`` None) or in those marked in ``rows`` (one bool per document)."""
    if rows is None or rows.all():
        return map_leaves(
            table,
            lambda array, path: pa.nulls(len(array), array.type) if path[-1] in WITHHELD_FIELDS else array,
            table.schema,
        )
    if not rows.any():
        return table
    columns = [_withhold_rows(table.column(name).combine_chunks(), rows, name) for name in table.column_names]
    return pa.Table.from_arrays(columns, schema=table.schema)


def layer_table(documents: pa.Table, layer: str, plan: Plan | None = None) -> pa.Table:
    """One row per annotation of ``layer`` (``doc_id`` first), from release rows of documents."""
    plan = plan or default_plan()
    column = documents.column(layer).combine_chunks()
    items = pc.list_flatten(column)
    doc_ids = pc.take(documents.column("doc_id"), pc.list_parent_indices(column))
    fields = [items.field(i) for i in range(items.type.num_fields)]
    return pa.Table.from_arrays([doc_ids.combine_chunks(), *fields], schema=plan.schemas[layer])


def _spans(documents: pa.Table) -> SpanArrays:
    """The (text, start, end, OntoNotes label) spans the NER view tags, as arrays."""
    labels = pa.array(span_labels(), pa.string())
    parts = []
    for layer, label in (("mentions", "type"), ("numeric_facts", "ontonotes_type")):
        column = documents.column(layer).combine_chunks()
        items = pc.list_flatten(column)
        texts = pc.list_parent_indices(column)
        if layer == "mentions":
            name = pc.equal(items.field("kind"), "name")
            items, texts = items.filter(name), texts.filter(name)
        ranks = pc.index_in(items.field(label), value_set=labels)
        if ranks.null_count:
            unknown = pc.filter(items.field(label), ranks.is_null())[0].as_py()
            raise KeyError(unknown)
        parts.append([texts, items.field("start"), items.field("end"), ranks])
    return SpanArrays(
        *(np.concatenate([p[i].to_numpy(zero_copy_only=False) for p in parts]).astype(np.int64) for i in range(4))
    )


def ner_table(
    documents: pa.Table,
    *,
    withheld: bool | np.ndarray = False,
    plan: Plan | None = None,
    joined: JoinedTexts | None = None,
) -> pa.Table:
    """One row per sentence, from documents in the input schema (labels as strings).

    ``withheld``: the tokens are null (their offsets and tags stay), in every document or in those
    marked (one bool per document). ``joined``: the documents' texts as ``ner.join_texts`` gives
    them, when the caller has them already.
    """
    texts = joined if joined is not None else documents.column("text").to_pylist()
    tagged = tag_batch_arrays(texts, _spans(documents))
    first = tagged.firsts.astype(np.int64)
    n_tokens = len(tagged.tags)
    last = np.append(first[1:], n_tokens).astype(np.int64)  # sentences partition the tokens
    starts_np = tagged.starts.astype(np.int32)
    ends_np = tagged.ends.astype(np.int32)
    counts = tagged.sentences.astype(np.int64)
    numbers = np.arange(len(first), dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    doc_ids = pc.take(documents.column("doc_id"), pa.array(np.repeat(np.arange(len(counts)), counts))).combine_chunks()
    number_array = pa.array(numbers.astype(np.int32))
    list_offsets = pa.array(np.append(first, n_tokens).astype(np.int32))
    token_array = tagged.tokens
    rows = np.asarray(withheld, dtype=bool)
    if rows.ndim == 0 and rows:
        token_array = pa.nulls(n_tokens, pa.string())
    elif rows.ndim == 1 and rows.any():
        per_sentence = np.diff(np.append(first, n_tokens))
        token_rows = np.repeat(np.repeat(rows, counts), per_sentence)
        token_array = pc.if_else(pa.array(token_rows), pa.scalar(None, pa.string()), token_array)

    def lists(values: pa.Array) -> pa.Array:
        return pa.ListArray.from_arrays(list_offsets, values)

    columns = [
        pc.binary_join_element_wise(doc_ids, pc.cast(number_array, pa.string()), "-"),
        doc_ids,
        number_array,
        pa.array(starts_np[first] if len(first) else np.array([], np.int32)),
        pa.array(ends_np[last - 1] if len(first) else np.array([], np.int32)),
        lists(token_array),
        lists(pa.array(starts_np)),
        lists(pa.array(ends_np)),
        lists(pa.array(tagged.tags)),
    ]
    return pa.Table.from_arrays(columns, schema=(plan or default_plan()).schemas["ner"])


def views(
    documents: pa.Table,
    *,
    withheld: bool | np.ndarray = False,
    plan: Plan | None = None,
    layers: bool = True,
    joined: JoinedTexts | None = None,
) -> dict[str, pa.Table]:
    """Every config's rows from one batch of documents read with ``read_documents``.

    ``layers=False`` leaves out the annotation configs (``with_layers`` adds them later: they are
    cheap to derive from ``documents``, and not worth shipping between processes). ``joined``: as
    for ``ner_table``."""
    plan = plan or default_plan()
    ner = ner_table(documents, withheld=withheld, plan=plan, joined=joined)
    encoded = encode_labels(documents, plan)
    rows = np.asarray(withheld, dtype=bool)
    if rows.any():
        encoded = withhold(encoded, rows if rows.ndim else None)
    out = {"documents": encoded, "ner": ner}
    return with_layers(out, plan) if layers else out


def with_layers(tables: dict[str, pa.Table], plan: Plan | None = None) -> dict[str, pa.Table]:
    """``tables`` (with ``documents``) and the annotation configs derived from it."""
    return {**tables, **{layer: layer_table(tables["documents"], layer, plan) for layer in LAYERS}}
