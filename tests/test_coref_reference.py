"""Coreference metrics against the CoNLL reference scorer v8.01's own test cases, and the
matching helpers against brute force."""

from __future__ import annotations

import ast
import itertools
import json
import operator
import random
from fractions import Fraction
from pathlib import Path

import pytest
from newsfacts.scoring.coref import b_cubed, ceaf_e, clusters, muc, score_clusters
from newsfacts.scoring.matching import assignment, best_weight, overlaps

CASES = json.loads((Path(__file__).parent / "cases" / "coref" / "reference-scorer.json").read_text(encoding="utf-8"))
_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def _value(node: ast.AST) -> Fraction:
    if isinstance(node, ast.Expression):
        return _value(node.body)
    if isinstance(node, ast.Constant):
        return Fraction(str(node.value))
    if isinstance(node, ast.BinOp):
        return _OPS[type(node.op)](_value(node.left), _value(node.right))
    raise ValueError(f"not an arithmetic expression: {ast.dump(node)}")


def expected(text: str) -> tuple[float, float]:
    """The value and the tolerance: 1e-15 for exact expressions, half a unit of the last place
    (plus 1e-15) for the config's 5-place roundings."""
    value = _value(ast.parse(text, mode="eval"))
    rounded = "." in text and not any(op in text for op in "+-*/()") and len(text.split(".")[1]) == 5
    return float(value), (0.5e-5 if rounded else 0) + 1e-15


def _clusters(raw: list[list[str]]) -> list[set]:
    return clusters((n, tuple(map(int, m.split("-")))) for n, cluster in enumerate(raw) for m in cluster)


def _figures(key: list[set], response: list[set], metric: str) -> tuple[float, float, float]:
    if metric == "ceafe":
        best, n_key, n_resp = ceaf_e(key, response)
        r, p = best / n_key, best / n_resp
    else:
        fn = muc if metric == "muc" else b_cubed
        (rn, rd), (pn, pd) = fn(key, response), fn(response, key)
        r, p = (rn / rd if rd else 0.0), (pn / pd if pd else 0.0)
    return r, p, (2 * p * r / (p + r) if p + r else 0.0)


@pytest.mark.parametrize("case", sorted(CASES["cases"]))
def test_reference_scorer_case(case: str):
    spec = CASES["cases"][case]
    key, response = _clusters(CASES["keys"][spec["key"]]), _clusters(spec["response"])
    checked = 0
    for metric in ("muc", "bcub", "ceafe"):
        if metric not in spec:
            continue
        for got, want in zip(_figures(key, response, metric), spec[metric], strict=True):
            value, tolerance = expected(want)
            assert abs(got - value) <= tolerance, f"{case} {metric}: {got} != {want}"
            checked += 1
    assert checked
    # the document-level figures agree with the bare metrics (0 where a denominator is 0)
    result = score_clusters([(key, response)])
    for metric, name in (("muc", "muc"), ("bcub", "b3"), ("ceafe", "ceaf_e")):
        r, p, f = _figures(key, response, metric)
        assert (result[name]["recall"], result[name]["precision"], result[name]["f1"]) == pytest.approx((r, p, f))


def test_all_singletons_give_zero_not_undefined():
    """MUC has no links to count in all-singleton data: the reference scorer reports 0, and so the
    CoNLL F1 is defined (MUC 0, B³ and CEAF-e 1 for a perfect answer)."""
    key = _clusters(CASES["keys"]["N"])
    result = score_clusters([(key, key)])
    assert result["muc"] == {**result["muc"], "recall": 0.0, "precision": 0.0, "f1": 0.0}
    assert result["b3"]["f1"] == result["ceaf_e"]["f1"] == 1.0
    assert result["conll_f1"] == pytest.approx(2 / 3)
    empty = score_clusters([([], [])])
    assert empty["conll_f1"] == 0.0


def _brute_assignment(weights: list[list[float]]) -> float:
    n, m = len(weights), len(weights[0])
    if n > m:
        weights = [list(col) for col in zip(*weights, strict=True)]
        n, m = m, n
    return max(sum(max(0.0, weights[i][j]) for i, j in enumerate(cols)) for cols in itertools.permutations(range(m), n))


def test_assignment_is_optimal_on_random_matrices():
    rng = random.Random(7)
    for _ in range(300):
        n, m = rng.randint(1, 5), rng.randint(1, 5)
        weights = [[rng.choice([0.0, rng.random(), rng.random() * 3]) for _ in range(m)] for _ in range(n)]
        pairs = assignment(weights)
        assert len({i for i, _ in pairs}) == len(pairs) == len({j for _, j in pairs})
        assert sum(weights[i][j] for i, j in pairs) == pytest.approx(_brute_assignment(weights))
        edges = {(i, j): w for i, row in enumerate(weights) for j, w in enumerate(row) if w > 0}
        assert best_weight(edges) == pytest.approx(_brute_assignment(weights))


def test_overlap_sweep_equals_brute_force():
    rng = random.Random(3)
    for _ in range(200):

        def spans(k: int) -> list[tuple[tuple[int, int], ...]]:
            out = []
            for _ in range(k):
                parts = []
                for _ in range(rng.randint(1, 2)):
                    s = rng.randint(0, 40)
                    parts.append((s, s + rng.randint(1, 8)))
                out.append(tuple(parts))
            return out

        gold, pred = spans(rng.randint(0, 8)), spans(rng.randint(0, 8))
        brute = {}
        for i, g in enumerate(gold):
            for j, p in enumerate(pred):
                shared = sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in g for s2, e2 in p)
                if shared:
                    brute[i, j] = shared
        assert overlaps(gold, pred) == brute


def test_one_pass_tally_equals_the_metric_functions_on_random_clusterings():
    rng = random.Random(11)
    for _ in range(300):

        def clustering() -> list[set]:
            mentions = rng.sample(range(30), rng.randint(0, 20))
            return _clusters(
                [[f"{m}-{m}" for m in mentions if rng.random() < 0.9][k::3] for k in range(rng.randint(1, 3))]
            )

        key, response = clustering(), clustering()
        key = [c for c in key if c]
        response = [c for c in response if c]
        result = score_clusters([(key, response)])
        for metric, name in (("muc", "muc"), ("bcub", "b3"), ("ceafe", "ceaf_e")):
            if metric == "ceafe" and not (key and response):
                continue
            r, p, f = _figures(key, response, metric)
            assert (result[name]["recall"], result[name]["precision"], result[name]["f1"]) == pytest.approx(
                (r, p, f), abs=1e-15
            )
