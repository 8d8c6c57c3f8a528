"""The body of the dataset card (a release's README.md), in the Hugging Face template's order.

Nothing is written here twice: the prose comes from DATASHEET.md's sections (``ANSWERS``), the
facts from corpus/metadata.json, the numbers from the datasheet's generated blocks, the field
table from the schema's ``description``s and the example row from the release's own Parquet.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from newsfacts.contract.schema import document_schema
from newsfacts.docs.citation import bibtex
from newsfacts.docs.datasheet import section

#: Card sections → the DATASHEET.md headings (anchor prefixes) whose answers they quote.
ANSWERS: dict[str, tuple[str, ...]] = {
    "funded": ("who-funded",),
    "direct-use": ("what-other-tasks",),
    "out-of-scope": ("are-there-tasks-for-which",),
    "curation": ("curation-rationale",),
    "collection": ("how-was-the-data-associated", "what-mechanisms"),
    "producers": ("speaker-demographic",),
    "annotation": ("was-any-preprocessing",),
    "annotators": ("annotator-demographic",),
    "personal": ("is-it-possible-to-identify", "does-the-dataset-contain-data-that-might-be-considered-sensitive"),
    "bias": (
        "is-there-anything-about-the-composition",
        "are-there-any-errors",
        "does-the-dataset-contain-data-that-if",
    ),
    "licence": ("will-the-dataset-be-distributed-under",),
    "stats": ("how-many-instances",),
    "agreement": ("agreement-between",),
}
#: Fields of configs that are not in the document schema (derived views).
DERIVED_FIELDS = {
    "ner": {
        "id": "Sentence identifier: the document id and the sentence's index.",
        "doc_id": "The document the sentence comes from.",
        "sentence": "0-based index of the sentence in the document.",
        "start": "Code-point offset of the sentence in the document's `text`.",
        "end": "Code-point offset after the sentence.",
        "tokens": "The sentence's tokens.",
        "token_starts": "Each token's start offset in the document's `text`.",
        "token_ends": "Each token's end offset in the document's `text`.",
        "ner_tags": "BIO tags of the tokens over the OntoNotes labels of the name mentions.",
    }
}
MAX_STRING, MAX_ITEMS = 160, 1
#: How the ``ner`` config tokenises (the rules of `newsfacts.release.ner`), and its known limits.
NER_TOKENISATION = """\
### Tokenisation of `ner`

The `ner` config splits each document into sentences and tokens by fixed rules (no model), and
every token keeps its character offsets into the document's `text` (`token_starts`, `token_ends`):

- **Tokens** are runs of digits with inner `,` or `.` (“3,000”, “2.5”); words, with inner
  apostrophes (“army’s”); and every other character that is not a space, alone (“-”, “.”, “”“).
  A token is also cut wherever a tagged span starts or ends, so each entity is whole tokens.
- **Sentences**: a line break ends one; so does `.`, `!` or `?` (and closing quotes) before a
  space and a capital, digit or opening quote — not after a known abbreviation (“Capt.”, “U.S.”)
  or an initial, and never inside a tagged span.
- **Tags**: BIO over the 18 OntoNotes labels, from name mentions and numeric facts (nominal and
  pronoun mentions stay `O`); of nested spans the outermost wins.

**Known limits**, against the Penn Treebank tokenisation that CoNLL-2003 and OntoNotes 5 use:

| text | `ner` gives | PTB / CoNLL / OntoNotes give |
|---|---|---|
| “9th Division” | `9` `th` `Division` (a digit run, then a word) | `9th` `Division` |
| “Capt. Devan Zimmerman” | `Capt` `.` `Devan` `Zimmerman` | `Capt.` `Devan` `Zimmerman` |
| “Iraq’s” before a span ends / “army’s” | `Iraq` `’s` / `army’s` (split only where a span ends) | `Iraq` `’s` / `army` `’s` (always) |

A model trained on PTB-style tokens sees these words split differently here; score on character
offsets (`newsfacts score`) rather than on tokens where that matters. Changing the rules changes
existing `ner` rows, which the versioning rules allow only in a new MAJOR version; planned for
it: digits followed by an ordinal suffix (st, nd, rd, th) stay one token; a known abbreviation or
a chain of initials keeps its final period; a possessive `’s`/`'s` is always its own token.
"""


def answer(datasheet: str, key: str) -> str:
    """The DATASHEET.md answers a card section quotes, joined."""
    return "\n\n".join(section(datasheet, prefix) for prefix in ANSWERS[key])


# --- the field table, from the schema -------------------------------------------------------


def _pointer(ref: str) -> dict[str, Any]:
    node: Any = document_schema()
    for token in ref.removeprefix("#/").split("/"):
        node = node[token.replace("~1", "/").replace("~0", "~")]
    return node


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    """Follow ``$ref`` and the non-null branch of ``anyOf``; a description found on the way is kept."""
    while "$ref" in node or "anyOf" in node:
        rest = {k: v for k, v in node.items() if k not in ("$ref", "anyOf")}
        target = _pointer(node["$ref"]) if "$ref" in node else next(b for b in node["anyOf"] if b.get("type") != "null")
        node = {**target, **rest}
    return node


def _description(node: dict[str, Any]) -> str:
    if "description" in node:
        return node["description"]
    return _resolve(node).get("description", "")


def _rows(properties: dict[str, Any], prefix: str, depth: int) -> list[tuple[str, str]]:
    rows = []
    for name, node in properties.items():
        rows.append((prefix + name, _description(node)))
        target = _resolve(node)
        if depth and target.get("type") == "object" and "properties" in target:
            rows += _rows(target["properties"], f"{prefix}{name}.", depth - 1)
        elif depth and target.get("type") == "array":
            item = _resolve(target["items"])
            if item.get("type") == "object":
                rows += _rows(item["properties"], f"{prefix}{name}[].", depth - 1)
    return rows


def field_rows(config: str) -> list[tuple[str, str]]:
    """(field, description) for every field of a config, nested fields as ``a.b`` and ``a[].b``."""
    schema = document_schema()
    if config == "documents":
        return _rows(schema["properties"], "", 2)
    if config in schema["properties"] and schema["properties"][config].get("type") == "array":
        item = _resolve(schema["properties"][config]["items"])
        return [("doc_id", schema["properties"]["doc_id"]["description"]), *_rows(item["properties"], "", 1)]
    return list(DERIVED_FIELDS.get(config, {}).items())


def field_table(config: str) -> str:
    cell = lambda text: text.replace("|", "\\|").replace("\n", " ")  # noqa: E731
    rows = field_rows(config)
    return "| field | description |\n|---|---|\n" + "".join(f"| `{f}` | {cell(d)} |\n" for f, d in rows)


# --- the example row ------------------------------------------------------------------------


def _shorten(value: Any) -> Any:
    if isinstance(value, str) and len(value) > MAX_STRING:
        return value[:MAX_STRING] + f"… ({len(value)} characters)"
    if isinstance(value, list):
        shown = [_shorten(v) for v in value[:MAX_ITEMS]]
        return shown + ([f"… ({len(value) - MAX_ITEMS} more)"] if len(value) > MAX_ITEMS else [])
    if isinstance(value, dict):
        return {k: _shorten(v) for k, v in value.items()}
    return value


def _labels_as_names(value: Any, feature: Any) -> Any:
    """``value`` with ClassLabel indices replaced by their names, for people to read."""
    from datasets import ClassLabel, List

    if isinstance(feature, ClassLabel) and isinstance(value, int):
        return feature.int2str(value)
    if isinstance(feature, List) and isinstance(value, list):
        return [_labels_as_names(v, feature.feature) for v in value]
    if isinstance(feature, dict) and isinstance(value, dict):
        return {k: _labels_as_names(v, feature[k]) if k in feature else v for k, v in value.items()}
    return value


def example_row(folder: Path, config: str) -> dict[str, Any] | None:
    """The first row of a config's Parquet files, labels by name, long strings and lists shortened."""
    import pyarrow.parquet as pq
    from datasets import Features

    for path in sorted((folder / "data" / config).glob("*.parquet")):
        with pq.ParquetFile(path) as parquet:  # the first row only: a shard can be hundreds of MB
            first = next(parquet.iter_batches(batch_size=1), None)
            if first is not None and first.num_rows:
                features = Features.from_arrow_schema(parquet.schema_arrow)
                return _shorten(_labels_as_names(first.to_pylist()[0], dict(features)))
    return None


# --- dataset_info: num_bytes as `datasets` counts them -------------------------------------


def datasets_nbytes(table: pa.Table) -> int:
    """The bytes ``datasets`` counts for ``table`` written as one Parquet row group: its
    ``num_bytes``, the ``nbytes`` of the Arrow table that pyarrow's Parquet reader returns for
    the row group (``datasets`` sums those over the batches it reads, one per row group).

    Computed from the arrays' lengths, null counts and string sizes (not from their buffers,
    which differ between a table in memory and one read back): the reader gives a validity
    bitmap to every array with nulls and to every non-empty integer or float array; offsets
    count 4 bytes per item (pyarrow's ``nbytes``); an empty array counts nothing. Checked
    against what ``datasets`` reports on load, in tests/test_card.py.
    """
    return sum(_nbytes(chunk) for column in table.columns for chunk in column.chunks)


def _nbytes(array: pa.Array) -> int:
    kind, n = array.type, len(array)
    if n == 0:
        return 0
    numeric = pa.types.is_integer(kind) or pa.types.is_floating(kind)
    size = (n + 7) // 8 if array.null_count or numeric else 0
    if pa.types.is_struct(kind):
        return size + sum(_nbytes(child) for child in array.flatten())
    if pa.types.is_list(kind):
        return size + 4 * n + _nbytes(pc.list_flatten(array))
    if pa.types.is_string(kind):
        offsets = np.frombuffer(array.buffers()[1], dtype=np.int32, count=n + 1, offset=array.offset * 4)
        return size + 4 * n + int(offsets[-1] - offsets[0])
    if pa.types.is_boolean(kind):
        return size + (n + 7) // 8
    return size + n * kind.bit_width // 8


# --- the card -------------------------------------------------------------------------------


def _config_names(card_header: dict[str, Any]) -> list[str]:
    return [c["config_name"] for c in card_header.get("configs", [])]


def _default_config(card_header: dict[str, Any]) -> str | None:
    configs = card_header.get("configs", [])
    return next((c["config_name"] for c in configs if c.get("default")), configs[0]["config_name"] if configs else None)


def _splits_table(card_header: dict[str, Any]) -> str:
    infos = card_header.get("dataset_info", [])
    infos = [infos] if isinstance(infos, dict) else infos
    rows = []
    for info in infos:
        splits = ", ".join(f"{s['name']} {s['num_examples']}" for s in info.get("splits", []))
        rows.append(f"| `{info.get('config_name', 'default')}` | {splits or '—'} |\n")
    return "| config | rows per split |\n|---|---|\n" + "".join(rows)


def _known(attested: dict[str, Any]) -> str:
    return attested["value"] if attested.get("value") else f"unknown — {attested['note']}"


def _predictions_section() -> str:
    from newsfacts.contract.prediction_schema import fields_table

    return (
        "`newsfacts score RELEASE PRED` scores a system's predictions against this release, streaming; "
        "`newsfacts validate PRED --against RELEASE` checks them first, and `newsfacts convert` makes them from "
        "Hugging Face pipeline output, spaCy Docs, BIO tags over the `ner` config's tokens or plain JSONL rows. "
        "The predictions format is `schema/prediction.schema.json` (shipped alongside, generated from the "
        "document schema): `doc_id` plus any layer, offsets in code points into this release's `text`. "
        "Its fields:\n\n" + fields_table() + "\n"
    )


def card_body(
    *, metadata: dict[str, Any], datasheet: str, card_header: dict[str, Any], folder: Path | None = None
) -> str:
    """The Markdown body of the dataset card (everything after the YAML header)."""
    name = metadata["name"]
    default = _default_config(card_header) or "documents"
    example = example_row(folder, default) if folder is not None else None
    configs = _config_names(card_header) or [default]
    loading = "\n".join(f'load_dataset("path/or/hub-id", "{c}")' for c in configs)
    parts = [
        f"# {metadata['pretty_name']}\n\n{metadata['description']}\n\n"
        f"Version **{metadata['version']}**, released {metadata['date_released']}. This card is generated from "
        "`corpus/metadata.json`, DATASHEET.md (shipped alongside, with the full answers) and the schema.\n",
        "## Dataset Details\n\n### Dataset Description\n\n"
        f"- **Curated by:** {', '.join(a['name'] for a in metadata['authors'])}\n"
        f"- **Funded by:** {answer(datasheet, 'funded')}\n"
        f"- **Shared by:** {', '.join(a['name'] for a in metadata['authors'])}\n"
        f"- **Language(s) (NLP):** {', '.join(metadata['language'])} (BCP-47 `{metadata['language_bcp47']}`)\n"
        f"- **License:** annotations `{metadata['annotation_license']}`, code `{metadata['code_license']}`; "
        f"the article text: {_known(metadata['text_license'])}\n\n"
        "### Dataset Sources\n\n"
        f"- **Repository:** {_known(metadata['repository'])}\n"
        f"- **Homepage:** {_known(metadata['homepage'])}\n"
        "- **Paper:** none.\n",
        "## Uses\n\n### Direct Use\n\n"
        + answer(datasheet, "direct-use")
        + "\n\n### Out-of-Scope Use\n\n"
        + answer(datasheet, "out-of-scope")
        + "\n\n### Scoring a system\n\n"
        + _predictions_section()
        + "\n",
        "## Dataset Structure\n\n"
        f"Configs (the default is `{default}`): one Parquet folder each under `data/`.\n\n"
        + _splits_table(card_header)
        + f"\n```python\nfrom datasets import load_dataset\n{loading}\n```\n\n"
        + (
            f"An example row of `{default}` (long strings and lists shortened):\n\n```json\n"
            + json.dumps(example, ensure_ascii=False, indent=2, default=str)
            + "\n```\n\n"
            if example is not None
            else ""
        )
        + "".join(f"### Fields of `{c}`\n\n{field_table(c)}\n" for c in configs)
        + (f"\n{NER_TOKENISATION}" if "ner" in configs else ""),
        "## Dataset Creation\n\n### Curation Rationale\n\n"
        + answer(datasheet, "curation")
        + "\n\n### Source Data\n\n#### Data Collection and Processing\n\n"
        + answer(datasheet, "collection")
        + "\n\n#### Who are the source data producers?\n\n"
        + answer(datasheet, "producers")
        + "\n\n### Annotations\n\n#### Annotation process\n\n"
        + answer(datasheet, "annotation")
        + "\n\n#### Who are the annotators?\n\n"
        + answer(datasheet, "annotators")
        + "\n\n### Personal and Sensitive Information\n\n"
        + answer(datasheet, "personal")
        + "\n",
        "## Bias, Risks, and Limitations\n\n"
        + answer(datasheet, "bias")
        + "\n\n### Recommendations\n\n"
        + answer(datasheet, "out-of-scope")
        + "\n\n### Licences\n\n"
        + answer(datasheet, "licence")
        + "\n",
        "## Statistics\n\n"
        + answer(datasheet, "stats")
        + "\n\n### Agreement between the annotation passes\n\n"
        + answer(datasheet, "agreement")
        + "\n",
        "## Citation\n\n**BibTeX:**\n\n```bibtex\n" + bibtex(metadata).rstrip("\n") + "\n```\n\n"
        "`CITATION.cff` is shipped alongside; `newsfacts cite --revision REV` pins the entry to a Hub revision.\n",
        "## More Information\n\nDATASHEET.md answers every question of *Datasheets for Datasets*; CHANGELOG.md lists "
        f"the versions, and `newsfacts diff OLD NEW` computes what changed between two releases of {name}.\n\n"
        f"## Dataset Card Authors\n\n{', '.join(a['name'] for a in metadata['authors'])}\n\n"
        f"## Dataset Card Contact\n\n{_known(metadata['contact'])}\n",
    ]
    return "\n".join(parts)
