"""Precision, recall and F1 from counts summed over documents (micro-averaged)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any


def prf(tp: float, gold: float, pred: float) -> dict[str, Any]:
    """Precision, recall and F1 from counts; None where a denominator is 0."""
    return {
        "precision": tp / pred if pred else None,
        "recall": tp / gold if gold else None,
        "f1": 2 * tp / (gold + pred) if gold + pred else None,
        "tp": tp,
        "gold": gold,
        "pred": pred,
    }


def prf_reference(num_r: float, den_r: float, num_p: float, den_p: float) -> dict[str, Any]:
    """P/R/F1 as the CoNLL reference scorer (v8.01) reports them: 0 where a denominator is 0."""
    r = num_r / den_r if den_r else 0.0
    p = num_p / den_p if den_p else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": p,
        "recall": r,
        "f1": f,
        "recall_num": num_r,
        "recall_den": den_r,
        "precision_num": num_p,
        "precision_den": den_p,
    }


class Tally:
    """Summed counts per key: [tp, gold, pred, matched] (matched: for attributes)."""

    def __init__(self) -> None:
        self.counts: dict[tuple, list[float]] = defaultdict(lambda: [0, 0, 0, 0])

    def add(self, key: tuple, tp: float, gold: float, pred: float, matched: float = 0) -> None:
        c = self.counts[key]
        c[0] += tp
        c[1] += gold
        c[2] += pred
        c[3] += matched

    def merge(self, other: Tally) -> None:
        """Add ``other``'s counts (the tallies of two sets of documents sum to that of both)."""
        for key, (tp, gold, pred, matched) in other.counts.items():
            self.add(key, tp, gold, pred, matched)

    def get(self, key: tuple) -> dict[str, Any]:
        tp, gold, pred, _ = self.counts.get(key, [0, 0, 0, 0])
        return prf(tp, gold, pred)

    def attribute(self, key: tuple) -> dict[str, Any]:
        hits, gold, pred, matched = self.counts.get(key, [0, 0, 0, 0])
        return {**prf(hits, gold, pred), "accuracy": hits / matched if matched else None, "matched": matched}
