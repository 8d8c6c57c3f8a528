"""The content hash: a documents hash that borrows its nested items' streams from the hash of
those items as rows (what the build does) equals the documents hash computed on its own (what
``newsfacts verify`` does), whatever the grouping of the rows."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from newsfacts.release.manifest import ContentHash

ITEM = pa.struct(
    [
        pa.field("id", pa.string()),
        pa.field("start", pa.int32()),
        pa.field("label", pa.int64()),
        pa.field("span", pa.struct([pa.field("text", pa.string()), pa.field("score", pa.float64())])),
        pa.field("kb", pa.list_(pa.string())),
    ]
)
DOCUMENTS = pa.schema([pa.field("doc_id", pa.string()), pa.field("items", pa.list_(ITEM)), pa.field("n", pa.int32())])
ROWS = pa.schema([pa.field("doc_id", pa.string()), *[ITEM.field(i) for i in range(ITEM.num_fields)]])


def _item(i: int, **changes: object) -> dict:
    item = {"id": f"i{i}", "start": i * 7, "label": i % 3, "span": {"text": f"é{i}", "score": i / 4}, "kb": [f"Q{i}"]}
    return {**item, **changes}


def _documents() -> pa.Table:
    rows = [
        {"doc_id": "a", "items": [_item(1), _item(2, kb=None)], "n": 1},
        {"doc_id": "b", "items": [], "n": None},
        {"doc_id": "c", "items": None, "n": 3},
        {"doc_id": "d", "items": [_item(3, span=None, id=None), _item(4, kb=[]), _item(5, start=None)], "n": 4},
        {"doc_id": "e", "items": [_item(6, span={"text": None, "score": None})], "n": 5},
    ]
    return pa.Table.from_pylist(rows, schema=DOCUMENTS)


def _rows(documents: pa.Table) -> pa.Table:
    """One row per item, ``doc_id`` first: how the build derives a layer config."""
    column = documents.column("items").combine_chunks()
    items = pc.list_flatten(column)
    doc_ids = pc.take(documents.column("doc_id"), pc.list_parent_indices(column))
    return pa.Table.from_arrays([doc_ids, *[items.field(i) for i in range(ITEM.num_fields)]], schema=ROWS)


def _fed(hasher: ContentHash, table: pa.Table, group: int) -> None:
    for start in range(0, len(table), group):
        hasher.update(table.slice(start, group))


@pytest.mark.parametrize(("doc_group", "row_group"), [(5, 8), (1, 1), (2, 3), (3, 2)])
def test_borrowed_streams_hash_as_the_documents_alone(doc_group: int, row_group: int) -> None:
    documents = _documents()
    alone = ContentHash(DOCUMENTS)
    _fed(alone, documents, doc_group)

    rows, shared = ContentHash(ROWS), ContentHash(DOCUMENTS)
    shared.borrow("items", rows)
    _fed(shared, documents, doc_group)
    _fed(rows, _rows(documents), row_group)

    on_their_own = ContentHash(ROWS)
    _fed(on_their_own, _rows(documents), 4)
    assert shared.hexdigest() == alone.hexdigest()
    assert shared.nbytes == alone.nbytes
    assert rows.hexdigest() == on_their_own.hexdigest()  # lending changes nothing for the lender


def test_a_changed_item_changes_the_borrowed_hash() -> None:
    documents = _documents()
    changed = _rows(documents).set_column(2, "start", pa.array([0, 7, 21, 28, None, 43], pa.int32()))
    rows, shared = ContentHash(ROWS), ContentHash(DOCUMENTS)
    shared.borrow("items", rows)
    shared.update(documents)
    rows.update(changed)
    alone = ContentHash(DOCUMENTS)
    alone.update(documents)
    assert shared.hexdigest() != alone.hexdigest()


def test_borrowing_needs_every_stream_of_the_items() -> None:
    partial = pa.schema([pa.field("doc_id", pa.string()), pa.field("id", pa.string())])
    with pytest.raises(ValueError, match="items"):
        ContentHash(DOCUMENTS).borrow("items", ContentHash(partial))
    with pytest.raises(ValueError, match="n"):
        ContentHash(DOCUMENTS).borrow("n", ContentHash(ROWS))  # not a list of rows
    other_type = ROWS.set(2, pa.field("start", pa.int64()))  # int32 in the items
    with pytest.raises(ValueError, match="items"):
        ContentHash(DOCUMENTS).borrow("items", ContentHash(other_type))


def test_a_null_item_in_a_borrowed_list_is_refused() -> None:
    documents = pa.Table.from_pylist([{"doc_id": "a", "items": [_item(1), None], "n": 1}], schema=DOCUMENTS)
    shared = ContentHash(DOCUMENTS)
    shared.borrow("items", ContentHash(ROWS))
    with pytest.raises(ValueError, match="null item"):
        shared.update(documents)
