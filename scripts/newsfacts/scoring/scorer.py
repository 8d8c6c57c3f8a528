"""Score predictions against gold one document pair at a time, and agreement between two passes.

``Scorer.add(gold, pred)`` takes one schema-valid gold document and its prediction (a full
record, or a prediction in the predictions format: ``doc_id`` and any layers) and adds its
counts; ``Scorer.result()`` gives the figures. Memory is the counts, not the documents: the
caller streams the pairs (``newsfacts.scoring.stream``). ``score_documents`` does the same over
two lists in memory.

Matching, attributes, quote roles and coreference are defined in the README ("Score a system")
and in the modules ``matching``, ``layers`` and ``coref``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from newsfacts.scoring.coref import CorefTally, clusters
from newsfacts.scoring.counts import Tally
from newsfacts.scoring.layers import (
    ATTRIBUTE_NAMES,
    LABELS,
    MODES,
    ROLES,
    SPAN_LAYERS,
    SPAN_MODES,
    Tokens,
    mention_clusters,
    score_layer,
)

Doc = dict[str, Any]
LAYERS = ("mentions", "entities", "quotes", "numeric_facts")


def check_layers(layers: Iterable[str] | None) -> list[str] | None:
    """The layers in canonical order; ValueError for an unknown one."""
    if layers is None:
        return None
    chosen = list(layers)
    unknown = sorted(set(chosen) - set(LAYERS))
    if unknown:
        raise ValueError(f"unknown layer(s) {', '.join(unknown)}; choose from {', '.join(LAYERS)}")
    return [layer for layer in LAYERS if layer in chosen]


class Scorer:
    """Counts summed over document pairs; ``layers=None``: the layers the prediction states."""

    def __init__(self, layers: Iterable[str] | None = None) -> None:
        self.layers = check_layers(layers)
        self.tally = Tally()
        self.coref = CorefTally()
        self.filled: set[str] = set()  # layers some prediction has anything in
        self.keyed: set[str] = set()  # layers some prediction has the key of
        self.info: dict[str, Any] = {"gold": 0, "pred": 0, "scored": 0, "missing": [], "extra": [], "text_mismatch": []}

    def _wanted(self, layer: str) -> bool:
        return self.layers is None or layer in self.layers

    def add(self, gold: Doc, pred: Doc | None) -> None:
        """Count one gold document against its prediction (None: the system predicted nothing)."""
        self.info["gold"] += 1
        self.info["scored"] += 1
        if pred is None:
            self.info["missing"].append(gold["doc_id"])
            pred = {"doc_id": gold["doc_id"]}
        else:
            self.info["pred"] += 1
            self._note_layers(pred)
        tokens = Tokens(gold["text"])
        for layer in SPAN_LAYERS:
            if self._wanted(layer):
                score_layer(layer, gold, pred, self.tally, tokens)
        if self._wanted("entities"):
            self.coref.add(clusters(mention_clusters(gold)), clusters(mention_clusters(pred)))

    def add_extra(self, pred: Doc) -> None:
        """A predicted document the gold does not have: listed, not scored."""
        self.info["pred"] += 1
        self.info["extra"].append(pred["doc_id"])

    def add_mismatch(self, gold: Doc, pred: Doc) -> None:
        """A pair whose texts differ: listed, not scored (its offsets are not comparable)."""
        self.info["gold"] += 1
        self.info["pred"] += 1
        self.info["text_mismatch"].append(gold["doc_id"])

    def merge(self, other: Scorer) -> None:
        """Add the counts of ``other`` (a Scorer of other documents, same layers): scoring two sets of
        documents apart and merging gives the figures of scoring them together (up to float rounding)."""
        self.tally.merge(other.tally)
        self.coref.merge(other.coref)
        self.filled |= other.filled
        self.keyed |= other.keyed
        for key, value in other.info.items():
            self.info[key] += value

    def _note_layers(self, pred: Doc) -> None:
        for layer in SPAN_LAYERS:
            if layer in pred:
                self.keyed.add(layer)
                if pred[layer]:
                    self.filled.add(layer)
        if pred.get("entities") or any(m.get("entity_id") is not None for m in pred.get("mentions") or ()):
            self.filled.add("entities")
        if "entities" in pred:
            self.keyed.add("entities")

    def scored_layers(self) -> list[str]:
        """``layers`` as given; else the layers some prediction has anything in, else those it has
        the key of (an empty prediction of a layer scores it), else every layer."""
        if self.layers is not None:
            return list(self.layers)
        for found in (self.filled, self.keyed):
            if found:
                return [layer for layer in LAYERS if layer in found]
        return list(LAYERS)

    def result(self) -> dict[str, Any]:
        """The figures; see ``score_documents`` for the shape."""
        info = {**self.info, **{k: sorted(self.info[k]) for k in ("missing", "extra", "text_mismatch")}}
        chosen = self.scored_layers()
        result: dict[str, Any] = {"documents": info, "layers": chosen}
        t = self.tally
        for layer in chosen:
            if layer == "entities":
                result[layer] = self.coref.result()
                continue
            label = LABELS[layer]
            out: dict[str, Any] = {
                "label": label,
                "span": {mode: t.get((layer, "span", mode)) for mode in SPAN_MODES},
            }
            if self._reported(layer, label):
                labels = sorted({key[2] for key in t.counts if key[:2] == (layer, "label")}, key=str)
                out["typed"] = {mode: t.get((layer, "typed", mode)) for mode in MODES}
                out["by_label"] = {
                    name: {mode: t.get((layer, "label", name, mode)) for mode in MODES} for name in labels
                }
            out["attributes"] = {
                name: t.attribute((layer, "attr", name))
                for name in ATTRIBUTE_NAMES[layer]
                if self._reported(layer, name)
            }
            if layer == "quotes":
                out["roles"] = {
                    role: {mode: t.get(("quotes", "role", role, mode)) for mode in SPAN_MODES}
                    for role in ROLES
                    if self._reported("quotes", "role", role)
                }
            result[layer] = out
        return result

    def _reported(self, layer: str, *name: str) -> bool:
        """A label, attribute or role is reported unless the prediction has items of the layer and
        none of them states it."""
        items = self.tally.counts.get(("items", layer), [0])[0]
        return not items or self.tally.counts.get(("stated", layer, *name), [0])[0] > 0


def _by_id(docs: list[Doc], side: str) -> dict[str, Doc]:
    out: dict[str, Doc] = {}
    for doc in docs:
        if doc["doc_id"] in out:
            raise ValueError(f"{side} holds several records of doc_id {doc['doc_id']!r}: choose one annotation set")
        out[doc["doc_id"]] = doc
    return out


def score_documents(gold: list[Doc], pred: list[Doc], layers: Iterable[str] | None = None) -> dict[str, Any]:
    """Score ``pred`` against ``gold`` (lists of schema-valid documents), in memory.

    Shape::

        {"documents": {"gold", "pred", "scored", "missing": [...], "extra": [...], "text_mismatch": [...]},
         "layers": [scored layer names],
         "mentions" | "quotes" | "numeric_facts": {
             "label": field name of the typed score,
             "span": {"exact": PRF, "overlap": PRF, "tokens": PRF},
             "typed": {"exact": PRF, "overlap": PRF},                 # when the prediction states the label
             "by_label": {label: {"exact": PRF, "overlap": PRF}},
             "attributes": {name: PRF + {"accuracy", "matched"}},       # those the prediction states
             "roles": {"source"|"cue"|"content": {"exact", "overlap", "tokens": PRF}}   # quotes only
         },
         "entities": {"muc", "b3", "ceaf_e": P/R/F1 with their numerators and denominators, "conll_f1"}}

    with PRF = {"precision", "recall", "f1", "tp", "gold", "pred"} (None where a denominator is 0;
    for ``tokens``, tp/gold/pred count tokens). Raises ValueError when a side holds two records
    of one doc_id, or for an unknown layer.
    """
    scorer = Scorer(layers)
    g, p = _by_id(gold, "gold"), _by_id(pred, "the prediction")
    for doc_id in sorted(g):
        pd = p.get(doc_id)
        if pd is not None and pd.get("text_sha256", g[doc_id]["text_sha256"]) != g[doc_id]["text_sha256"]:
            scorer.add_mismatch(g[doc_id], pd)
        else:
            scorer.add(g[doc_id], pd)
    for doc_id in sorted(set(p) - set(g)):
        scorer.add_extra(p[doc_id])
    result = scorer.result()
    result["documents"]["scored"] = result["documents"]["gold"] - len(result["documents"]["text_mismatch"])
    return result


def agreement(a: list[Doc], b: list[Doc]) -> dict[str, Any]:
    """Agreement between two annotation passes: pairwise F1 per layer, symmetric in ``a`` and ``b``.

    Every layer is compared, on the documents both passes annotated (documents only one pass
    has are listed, not counted). Shape::

        {"documents": {"a", "b", "compared", "only_a": [...], "only_b": [...], "text_mismatch": [...]},
         "mentions" | "quotes" | "numeric_facts": {
             "a": items, "b": items,
             "exact": {"f1", "matched"}, "overlap": {"f1", "matched"},        # spans alone
             "typed": {"exact": {"f1", "matched"}, "overlap": {"f1", "matched"}},  # spans and label
             "label": the label field},
         "entities": {"muc_f1", "b3_f1", "ceaf_e_f1", "conll_f1"}}

    F1 = 2·matched / (a + b), which does not depend on which pass is called gold.
    """
    a_ids = {d["doc_id"] for d in a}
    b_ids = {d["doc_id"] for d in b}
    both = a_ids & b_ids
    scored = score_documents([d for d in a if d["doc_id"] in both], [d for d in b if d["doc_id"] in both], LAYERS)
    out: dict[str, Any] = {
        "documents": {
            "a": len(a_ids),
            "b": len(b_ids),
            "compared": scored["documents"]["scored"],
            "only_a": sorted(a_ids - b_ids),
            "only_b": sorted(b_ids - a_ids),
            "text_mismatch": scored["documents"]["text_mismatch"],
        }
    }
    for layer in ("mentions", "quotes", "numeric_facts"):
        s = scored[layer]

        def brief(x: dict[str, Any]) -> dict[str, Any]:
            return {"f1": x["f1"], "matched": x["tp"]}

        out[layer] = {
            "a": s["span"]["exact"]["gold"],
            "b": s["span"]["exact"]["pred"],
            "exact": brief(s["span"]["exact"]),
            "overlap": brief(s["span"]["overlap"]),
            "typed": {mode: brief(s["typed"][mode]) for mode in MODES},
            "label": s["label"],
        }
    coref = scored["entities"]
    out["entities"] = {f"{name}_f1": coref[name]["f1"] for name in ("muc", "b3", "ceaf_e")}
    out["entities"]["conll_f1"] = coref["conll_f1"]
    return out
