"""Coreference metrics, as the CoNLL reference scorer v8.01 computes them: MUC, B³, CEAF-e, CoNLL.

A document's clusters are sets of mention identities (here: exact spans). A mention found on
one side only counts as a singleton of its own where it is missing (MUC's partitions) or not at
all (B³'s intersections), as in Pradhan et al. (2014). A mention listed in two clusters of one
side is kept in the first (the reference scorer removes such duplicates). Every metric is linear
in the mentions, save CEAF-e's assignment, which is solved per connected group of clusters that
share mentions (cubic only in the size of such a group). Where a denominator is 0 a figure is 0,
as the reference scorer reports it, so the CoNLL F1 is defined on all-singleton data too.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from typing import Any

from newsfacts.scoring.counts import prf_reference
from newsfacts.scoring.matching import best_weight

Cluster = set
METRICS = ("muc", "b3", "ceaf_e")


def clusters(mentions: Iterable[tuple[Hashable, Hashable]]) -> list[set]:
    """Clusters from (cluster key, mention) pairs in order; a mention seen before is left out."""
    seen: set = set()
    by_key: dict[Hashable, set] = {}
    for key, mention in mentions:
        if mention in seen:
            continue
        seen.add(mention)
        by_key.setdefault(key, set()).add(mention)
    return list(by_key.values())


def _owner(side: Sequence[set]) -> dict:
    return {m: n for n, c in enumerate(side) for m in c}


def muc(key: Sequence[set], response: Sequence[set]) -> tuple[int, int]:
    """MUC numerator and denominator of recall (swap the arguments for precision)."""
    where = _owner(response)
    num = den = 0
    for cluster in key:
        parts = {where.get(m, ("alone", m)) for m in cluster}
        num += len(cluster) - len(parts)
        den += len(cluster) - 1
    return num, den


def _shared(key: Sequence[set], response: Sequence[set]) -> Counter:
    """Mentions shared by each (key cluster, response cluster) pair that shares any."""
    where = _owner(response)
    return Counter((k, where[m]) for k, cluster in enumerate(key) for m in cluster if m in where)


def b_cubed(key: Sequence[set], response: Sequence[set]) -> tuple[float, int]:
    """B³ numerator and denominator of recall (swap the arguments for precision)."""
    num = sum(n * n / len(key[k]) for (k, _), n in _shared(key, response).items())
    return num, sum(len(k) for k in key)


def ceaf_e(key: Sequence[set], response: Sequence[set]) -> tuple[float, int, int]:
    """CEAF-e: the best total entity similarity φ4 and the numbers of key and response entities."""
    edges = {(k, r): 2 * n / (len(key[k]) + len(response[r])) for (k, r), n in _shared(key, response).items()}
    return best_weight(edges), len(key), len(response)


class CorefTally:
    """MUC, B³ and CEAF-e counts summed over documents (micro-averaged, as the reference scorer)."""

    def __init__(self) -> None:
        self.sums: dict[tuple[str, str], float] = defaultdict(float)

    def add(self, key: Sequence[set], response: Sequence[set]) -> None:
        """Add one document's counts: ``muc``, ``b_cubed`` and ``ceaf_e`` both ways, from one pass
        over the mentions (the same figures as those functions give)."""
        s = self.sums
        k_size = [len(c) for c in key]
        r_size = [len(c) for c in response]
        where_r = _owner(response)
        shared: Counter = Counter()
        muc_r_num = 0
        for k, cluster in enumerate(key):
            alone = 0
            for m in cluster:
                r = where_r.get(m)
                if r is None:
                    alone += 1
                else:
                    shared[k, r] += 1
            muc_r_num += len(cluster) - alone
        parts_k: Counter = Counter(k for k, _ in shared)  # response clusters each key cluster meets
        parts_r: Counter = Counter(r for _, r in shared)
        owned_r: Counter = Counter()
        for (_, r), n in shared.items():
            owned_r[r] += n
        # MUC: a cluster of n mentions split into p parts (unmatched mentions alone) has n - p links right
        s["muc", "rn"] += muc_r_num - sum(parts_k.values())
        s["muc", "rd"] += sum(n - 1 for n in k_size)
        s["muc", "pn"] += sum(owned_r.values()) - sum(parts_r.values())
        s["muc", "pd"] += sum(n - 1 for n in r_size)
        s["b3", "rn"] += sum(n * n / k_size[k] for (k, _), n in shared.items())
        s["b3", "rd"] += sum(k_size)
        s["b3", "pn"] += sum(n * n / r_size[r] for (_, r), n in shared.items())
        s["b3", "pd"] += sum(r_size)
        edges = {(k, r): 2 * n / (k_size[k] + r_size[r]) for (k, r), n in shared.items()}
        best, n_key, n_resp = best_weight(edges), len(key), len(response)
        s["ceaf_e", "rn"] += best
        s["ceaf_e", "pn"] += best
        s["ceaf_e", "rd"] += n_key
        s["ceaf_e", "pd"] += n_resp

    def merge(self, other: CorefTally) -> None:
        """Add ``other``'s sums (micro-averaging: the sums of two sets of documents add up)."""
        for key, value in other.sums.items():
            self.sums[key] += value

    def result(self) -> dict[str, Any]:
        s = self.sums
        out: dict[str, Any] = {
            name: prf_reference(s[name, "rn"], s[name, "rd"], s[name, "pn"], s[name, "pd"]) for name in METRICS
        }
        out["conll_f1"] = sum(out[name]["f1"] for name in METRICS) / 3
        return out


def score_clusters(pairs: Iterable[tuple[Sequence[set], Sequence[set]]]) -> dict[str, Any]:
    """MUC, B³, CEAF-e and CoNLL F1 over (key clusters, response clusters) of several documents."""
    tally = CorefTally()
    for key, response in pairs:
        tally.add(key, response)
    return tally.result()
