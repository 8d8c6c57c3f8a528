"""The corpus figures a release's documents state (DATASHEET.md's ``stats`` block), computed from
the release's own rows — so ``build`` writes them and ``verify`` checks them from the same data,
texts withheld or not.

``release_stats(folder, configs)`` returns the dict ``newsfacts.research.stats.corpus_stats``
returns for the gold documents, with the ``ner`` config's tokens (``ner_tokens``): documents and
splits from ``documents``; characters and tokens from ``ner`` (a document's length is the end of
its last token: texts are trimmed, and every non-space character is in a token, so this holds
for a withheld text too; the end of its last sentence is that token's end); the layers' counts
and label distributions from the layer configs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from newsfacts.contract.documents import LAYERS
from newsfacts.research.stats import NER_TOKENISATION, label_sets, stats_shape


def _columns(folder: Path, configs: dict[str, Any], config: str, columns: list[str]) -> Iterator[tuple[str, pa.Table]]:
    for split, entry in configs.get(config, {}).items():
        for name in entry["files"]:
            handle = pq.ParquetFile(folder / name)
            for group in range(handle.num_row_groups):  # a row group at a time: memory bounded by its size
                yield split, handle.read_row_group(group, columns=columns)


def release_stats(folder: Path, configs: dict[str, Any]) -> dict[str, Any]:
    """The figures of the release in ``folder`` whose manifest ``configs`` lists its files.

    Counted in Arrow, a file and a few columns at a time: no Python object per row."""
    from newsfacts.release.features import conversion_plan

    plan = conversion_plan()
    values: dict[str, Counter[str]] = {name: Counter() for name in label_sets()}
    splits: Counter[str] = Counter()
    documents = 0
    for split, table in _columns(folder, configs, "documents", ["doc_id"]):
        splits[split] += len(table)
        documents += len(table)
    tokens = 0
    lengths: dict[str, int] = {}  # doc_id -> end of its last sentence (a document may span files)
    for _, table in _columns(folder, configs, "ner", ["doc_id", "end", "token_ends"]):
        tokens += pc.sum(pc.list_value_length(table.column("token_ends"))).as_py() or 0
        if not len(table):
            continue
        grouped = table.select(["doc_id", "end"]).group_by("doc_id").aggregate([("end", "max")])
        for doc_id, last in zip(
            grouped.column("doc_id").to_pylist(), grouped.column("end_max").to_pylist(), strict=True
        ):
            lengths[doc_id] = max(lengths.get(doc_id, 0), last)
    characters = sum(lengths.values())
    layers = dict.fromkeys(LAYERS, 0)
    attributed = with_speaker = in_quotes = 0
    for layer in LAYERS:
        fields = [name.split(".")[1] for name in values if name.startswith(layer + ".")]
        extra = {"quotes": ["source", "speaker_entity_id"], "numeric_facts": ["quote_id"]}.get(layer, [])
        for _, table in _columns(folder, configs, layer, [*fields, *extra]):
            layers[layer] += len(table)
            for field in fields:
                counted = pc.value_counts(table.column(field).combine_chunks())
                names = plan.labels.get((layer, field))
                for value, n in zip(
                    counted.field("values").to_pylist(), counted.field("counts").to_pylist(), strict=True
                ):
                    values[f"{layer}.{field}"][names[value] if names is not None else value] += n
            if layer == "quotes":
                attributed += pc.sum(pc.greater(pc.list_value_length(table.column("source")), 0)).as_py() or 0
                with_speaker += len(table) - table.column("speaker_entity_id").null_count
            elif layer == "numeric_facts":
                in_quotes += len(table) - table.column("quote_id").null_count
    return stats_shape(
        documents=documents,
        characters=characters,
        tokens=tokens,
        tokenisation=NER_TOKENISATION,
        splits=splits,
        annotation_sets={"gold": documents} if documents else {},
        layers=layers,
        values=values,
        attributed=attributed,
        with_speaker=with_speaker,
        in_quotes=in_quotes,
    )
