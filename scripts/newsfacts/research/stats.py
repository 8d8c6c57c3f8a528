"""Corpus statistics: counts per layer and label, and a hand-written SVG bar chart of them.

``corpus_stats(docs)`` returns a plain, JSON-able dict whose keys do not depend on the data:
every label the schema allows (and every rule of schema/interval-rules.json) is present, with
0 where it does not occur, in the schema's (or the rule table's) order. The datasheet is
generated from it.

Tokens are counted by ``TOKEN_PATTERN``: a token is a maximal run of word characters (Unicode
letters, digits, underscore) or a single other non-space character, so ``“It’s 5,000.”`` is
``“ It ’ s 5 , 000 . ”`` (9 tokens). It is a rough size measure, not a linguistic tokenisation.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from html import escape
from typing import Any

from newsfacts.contract.schema import document_schema, interval_rules

TOKEN_PATTERN = re.compile(r"\w+|[^\w\s]")
TOKENISATION = "maximal runs of word characters, and every other non-space character on its own (regex \\w+|[^\\w\\s])"


def _enum(*path: str) -> list[str]:
    """The allowed values of a schema field, e.g. ``_enum("mention", "kind")``."""
    defs = document_schema()["$defs"]
    node = defs[path[0]]["properties"][path[1]]
    if "$ref" in node:
        node = defs[node["$ref"].rsplit("/", 1)[-1]]
    return list(node["enum"])


def label_sets() -> dict[str, list[str]]:
    """Every counted field and its possible values, from the schema and the interval-rule table."""
    return {
        "entities.type": _enum("entity", "type"),
        "mentions.type": _enum("mention", "type"),
        "mentions.kind": _enum("mention", "kind"),
        "quotes.kind": _enum("quote", "kind"),
        "numeric_facts.quantity_kind": _enum("numeric_fact", "quantity_kind"),
        "numeric_facts.approximation": _enum("numeric_fact", "approximation"),
        "numeric_facts.ontonotes_type": _enum("numeric_fact", "ontonotes_type"),
        "numeric_facts.interval_rule": list(interval_rules()),
    }


def count_tokens(text: str) -> int:
    return sum(1 for _ in TOKEN_PATTERN.finditer(text))


def _counts(values: list[str] | Counter[str], allowed: list[str]) -> dict[str, int]:
    found = values if isinstance(values, Counter) else Counter(values)
    out = {label: found.get(label, 0) for label in allowed}
    for label in sorted(set(found) - set(allowed)):  # not in the schema: still counted, never hidden
        out[label] = found[label]
    return out


def ner_tokens(doc: dict[str, Any]) -> int:
    """The number of tokens the release's ``ner`` config has for ``doc``."""
    from newsfacts.release.ner import entity_spans, tag

    return len(tag(doc["text"], entity_spans(doc)).tokens)


NER_TOKENISATION = "the tokens of the release's `ner` config (see the card: Tokenisation)"


def corpus_stats(
    docs: list[dict[str, Any]],
    *,
    tokens: Callable[[dict[str, Any]], int] | None = None,
    tokenisation: str = TOKENISATION,
) -> dict[str, Any]:
    """Counts over ``docs`` (schema-valid documents), as a JSON-able dict of stable shape.

    Shape::

        {"documents": int, "characters": int, "tokens": int, "tokenisation": str,
         "splits": {split: documents}, "annotation_sets": {set: documents},
         "layers": {"entities": int, "mentions": int, "quotes": int, "numeric_facts": int},
         "entities": {"type": {label: int}},
         "mentions": {"type": {label: int}, "kind": {kind: int}},
         "quotes": {"kind": {kind: int}, "attributed": int, "with_speaker_entity": int},
         "numeric_facts": {"quantity_kind": {...}, "approximation": {...},
                           "ontonotes_type": {...}, "interval_rule": {...}, "in_quotes": int}}

    ``characters`` counts Unicode code points (the unit of the offsets); ``tokens`` counts a
    document's tokens (default: ``TOKEN_PATTERN`` matches; ``ner_tokens`` for the release's).
    """
    count = tokens or (lambda doc: count_tokens(doc["text"]))
    values: dict[str, list[str]] = {name: [] for name in label_sets()}
    layers = {"entities": 0, "mentions": 0, "quotes": 0, "numeric_facts": 0}
    splits: Counter[str] = Counter()
    sets: Counter[str] = Counter()
    characters = n_tokens = attributed = with_speaker = in_quotes = 0
    for doc in docs:
        characters += len(doc["text"])
        n_tokens += count(doc)
        splits[doc["split"]] += 1
        sets[doc["annotation"]["set"]] += 1
        for layer in layers:
            layers[layer] += len(doc[layer])
        for name in values:
            layer, field = name.split(".")
            values[name].extend(item[field] for item in doc[layer])
        attributed += sum(1 for q in doc["quotes"] if q["source"])
        with_speaker += sum(1 for q in doc["quotes"] if q["speaker_entity_id"] is not None)
        in_quotes += sum(1 for f in doc["numeric_facts"] if f["quote_id"] is not None)
    return stats_shape(
        documents=len(docs),
        characters=characters,
        tokens=n_tokens,
        tokenisation=tokenisation,
        splits=splits,
        annotation_sets=sets,
        layers=layers,
        values=values,
        attributed=attributed,
        with_speaker=with_speaker,
        in_quotes=in_quotes,
    )


def stats_shape(
    *,
    documents: int,
    characters: int,
    tokens: int,
    tokenisation: str,
    splits: dict[str, int],
    annotation_sets: dict[str, int],
    layers: dict[str, int],
    values: dict[str, list[str]] | dict[str, Counter[str]],
    attributed: int,
    with_speaker: int,
    in_quotes: int,
) -> dict[str, Any]:
    """The statistics dict (see ``corpus_stats``) from its counts and each label field's values."""
    labels = label_sets()
    stats: dict[str, Any] = {
        "documents": documents,
        "characters": characters,
        "tokens": tokens,
        "tokenisation": tokenisation,
        "splits": dict(sorted(splits.items())),
        "annotation_sets": dict(sorted(annotation_sets.items())),
        "layers": dict(layers),
    }
    for layer in ("entities", "mentions", "quotes", "numeric_facts"):
        stats[layer] = {
            name.split(".")[1]: _counts(values[name], labels[name]) for name in labels if name.startswith(layer + ".")
        }
    stats["quotes"]["attributed"] = attributed
    stats["quotes"]["with_speaker_entity"] = with_speaker
    stats["numeric_facts"]["in_quotes"] = in_quotes
    return stats


def render_text(stats: dict[str, Any]) -> str:
    """A plain-text table of the statistics."""
    lines = [
        f"documents   {stats['documents']}",
        f"characters  {stats['characters']}",
        f"tokens      {stats['tokens']}",
        "splits      " + (", ".join(f"{k} {v}" for k, v in stats["splits"].items()) or "-"),
        "sets        " + (", ".join(f"{k} {v}" for k, v in stats["annotation_sets"].items()) or "-"),
        "",
        "layer          count",
    ]
    lines += [f"{layer:<14} {n:>5}" for layer, n in stats["layers"].items()]
    for layer, field, counts in _distributions(stats):
        lines += ["", f"{layer}.{field}"]
        width = max(len(k) for k in counts)
        lines += [f"  {label:<{width}}  {n:>5}" for label, n in counts.items() if n]
        if not any(counts.values()):
            lines.append("  (none)")
    return "\n".join(lines) + "\n"


def _distributions(stats: dict[str, Any]) -> list[tuple[str, str, dict[str, int]]]:
    return [
        (layer, field, counts)
        for layer in ("entities", "mentions", "quotes", "numeric_facts")
        for field, counts in stats[layer].items()
        if isinstance(counts, dict)
    ]


def render_svg(stats: dict[str, Any], *, bar_width: int = 260) -> str:
    """Horizontal bar charts of every label distribution, one panel per field, as an SVG string.

    Labels with a zero count are left out; a field with no annotation says "none". Plain SVG,
    no plotting library: the same statistics always give the same bytes.
    """
    row, label_w, pad, panel_gap = 16, 150, 10, 14
    width = pad * 2 + label_w + bar_width + 50
    parts: list[str] = []
    y = pad + 18
    parts.append(
        f'<text x="{pad}" y="{y}" font-size="14" font-weight="bold">newsfacts: {stats["documents"]} documents, '
        f"{stats['tokens']} tokens — label distributions</text>"
    )
    y += panel_gap
    for layer, field, counts in _distributions(stats):
        shown = {k: v for k, v in counts.items() if v}
        y += row
        parts.append(
            f'<text x="{pad}" y="{y}" font-size="12" font-weight="bold">{escape(layer)}.{escape(field)}</text>'
        )
        if not shown:
            y += row
            parts.append(f'<text x="{pad + label_w}" y="{y}" font-size="11" fill="#666">none</text>')
        top = max(shown.values(), default=1)
        for label, n in shown.items():
            y += row
            length = max(1, round(bar_width * n / top))
            parts.append(
                f'<text x="{pad + label_w - 6}" y="{y}" font-size="11" text-anchor="end">{escape(label)}</text>'
                f'<rect x="{pad + label_w}" y="{y - 11}" width="{length}" height="12" fill="#4878a8"/>'
                f'<text x="{pad + label_w + length + 4}" y="{y}" font-size="11">{n}</text>'
            )
        y += panel_gap // 2
    height = y + pad
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif">\n'
        f'<rect width="{width}" height="{height}" fill="white"/>\n' + "\n".join(parts) + "\n</svg>\n"
    )
