"""Score predicted annotations against gold ones, and measure agreement between two passes.

Pure functions over schema-valid documents (validate first: ``newsfacts score`` does).

Documents are paired by ``doc_id``. A gold document without a prediction is scored as an
empty prediction (it costs recall); a predicted document without gold is listed and ignored;
a pair whose ``text_sha256`` differs is listed and not scored (its offsets are not comparable).

**Matching.** *Exact*: the spans are identical (for a quote role with several spans, the
same list of spans). *Overlap*: the spans share at least one character; the pairs are chosen
one-to-one by an optimal assignment that maximises first the number of pairs, then their
character overlap (Jaccard). A *typed* score also requires the same label (mention ``type``,
quote ``kind``, fact ``quantity_kind``); ``by_label`` gives that score per label.

**Attributes** are judged on the overlap-matched (untyped) pairs: a pair whose attribute agrees
is a hit; precision = hits / predicted items, recall = hits / gold items, and ``accuracy`` =
hits / matched pairs. Quote speakers agree when both are null, or when the two entities share
an exactly matching mention (or, failing mentions, the same name ignoring case). Fact values
agree within a relative 1e-9; intervals agree when [low, high] overlap (null = unbounded).

**Coreference** (layer ``entities``): MUC, B³ and CEAF-e over mentions identified by their exact
span (a mention found only on one side is a singleton of its own there), and the CoNLL score,
their F1s' mean. All figures are micro-averaged over documents (numerators and denominators
are summed).

**Layers.** ``layers=None`` scores the layers the prediction has anything in (``entities`` with
``mentions``); when the prediction is empty everywhere, every layer. P, R or F1 is ``None``
where its denominator is 0.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

Doc = dict[str, Any]
Spans = tuple[tuple[int, int], ...]

LAYERS = ("mentions", "entities", "quotes", "numeric_facts")
MODES = ("exact", "overlap")
#: The label a typed score requires to agree, per layer.
LABELS = {"mentions": "type", "quotes": "kind", "numeric_facts": "quantity_kind"}
ROLES = ("source", "cue", "content")


# --- matching -----------------------------------------------------------------------------------


def _overlap(a: Spans, b: Spans) -> int:
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def _length(a: Spans) -> int:
    return sum(e - s for s, e in a)


def assignment(weights: list[list[float]]) -> list[tuple[int, int]]:
    """Maximum-weight one-to-one assignment (Hungarian algorithm); pairs with weight <= 0 are dropped."""
    n, m = len(weights), len(weights[0]) if weights else 0
    if not n or not m:
        return []
    transposed = n > m
    if transposed:
        weights = [list(col) for col in zip(*weights, strict=True)]
        n, m = m, n
    inf = float("inf")
    u, v, p, way = [0.0] * (n + 1), [0.0] * (m + 1), [0] * (m + 1), [0] * (m + 1)
    for i in range(1, n + 1):
        p[0], j0 = i, 0
        minv, used = [inf] * (m + 1), [False] * (m + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = p[j0], inf, 0
            for j in range(1, m + 1):
                if not used[j]:
                    cur = -weights[i0 - 1][j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j], way[j] = cur, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(m + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
    pairs = [(p[j] - 1, j - 1) for j in range(1, m + 1) if p[j] and weights[p[j] - 1][j - 1] > 0]
    return sorted((b, a) for a, b in pairs) if transposed else sorted(pairs)


def match(gold: list[Spans], pred: list[Spans], mode: str, same: Callable[[int, int], bool] | None = None):
    """One-to-one pairs (gold index, pred index) of items whose spans match exactly or overlap."""
    same = same or (lambda i, j: True)
    if mode == "exact":
        waiting: dict[Spans, list[int]] = defaultdict(list)
        for j, spans in enumerate(pred):
            waiting[spans].append(j)
        pairs = []
        for i, spans in enumerate(gold):
            for j in waiting.get(spans, []):
                if same(i, j):
                    waiting[spans].remove(j)
                    pairs.append((i, j))
                    break
        return pairs
    edges = {}
    for i, g in enumerate(gold):
        for j, q in enumerate(pred):
            shared = _overlap(g, q)
            if shared and same(i, j):
                edges[i, j] = shared / (_length(g) + _length(q) - shared)
    # Solve each connected component of the overlap graph on its own: they are tiny.
    parent = {("g", i): ("g", i) for i, _ in edges} | {("p", j): ("p", j) for _, j in edges}

    def root(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in edges:
        parent[root(("g", i))] = root(("p", j))
    groups: dict[Any, list[tuple[int, int]]] = defaultdict(list)
    for i, j in edges:
        groups[root(("g", i))].append((i, j))
    pairs = []
    for group in groups.values():
        rows = sorted({i for i, _ in group})
        cols = sorted({j for _, j in group})
        big = len(rows) + len(cols) + 1  # the number of pairs first, then their overlap
        weights = [[big + edges[i, j] if (i, j) in edges else 0.0 for j in cols] for i in rows]
        pairs += [(rows[a], cols[b]) for a, b in assignment(weights)]
    return sorted(pairs)


# --- counting -----------------------------------------------------------------------------------


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


def _prf2(num_r: float, den_r: float, num_p: float, den_p: float) -> dict[str, Any]:
    r = num_r / den_r if den_r else None
    p = num_p / den_p if den_p else None
    f = None if p is None and r is None else 2 * p * r / (p + r) if p and r else 0.0
    return {
        "precision": p,
        "recall": r,
        "f1": f,
        "recall_num": num_r,
        "recall_den": den_r,
        "precision_num": num_p,
        "precision_den": den_p,
    }


class _Tally:
    """Summed counts per key: [tp, gold, pred] (or [hits, gold, pred, matched] for attributes)."""

    def __init__(self) -> None:
        self.counts: dict[tuple, list[float]] = defaultdict(lambda: [0, 0, 0, 0])

    def add(self, key: tuple, tp: float, gold: float, pred: float, matched: float = 0) -> None:
        c = self.counts[key]
        c[0] += tp
        c[1] += gold
        c[2] += pred
        c[3] += matched

    def get(self, key: tuple) -> dict[str, Any]:
        tp, gold, pred, _ = self.counts.get(key, [0, 0, 0, 0])
        return prf(tp, gold, pred)

    def attribute(self, key: tuple) -> dict[str, Any]:
        hits, gold, pred, matched = self.counts.get(key, [0, 0, 0, 0])
        return {**prf(hits, gold, pred), "accuracy": hits / matched if matched else None, "matched": matched}


# --- layers -------------------------------------------------------------------------------------


def _spans_of(item: dict[str, Any]) -> Spans:
    return ((item["start"], item["end"]),)


def _role_spans(quote: dict[str, Any], role: str) -> Spans:
    return tuple((s["start"], s["end"]) for s in quote[role])


def _numbers_agree(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def _intervals_overlap(g: dict[str, Any], p: dict[str, Any]) -> bool:
    lows = [x for x in (g["low"], p["low"]) if x is not None]
    highs = [x for x in (g["high"], p["high"]) if x is not None]
    return not lows or not highs or max(lows) <= min(highs)


def _speaker_test(gold: Doc, pred: Doc) -> Callable[[str | None, str | None], bool]:
    def spans(doc: Doc) -> dict[str, set[tuple[int, int]]]:
        out: dict[str, set[tuple[int, int]]] = defaultdict(set)
        for m in doc["mentions"]:
            out[m["entity_id"]].add((m["start"], m["end"]))
        return out

    g_spans, p_spans = spans(gold), spans(pred)
    g_names = {e["id"]: e["name"].casefold() for e in gold["entities"]}
    p_names = {e["id"]: e["name"].casefold() for e in pred["entities"]}

    def same(g: str | None, p: str | None) -> bool:
        if g is None or p is None:
            return g is p
        return bool(g_spans[g] & p_spans[p]) or g_names.get(g) == p_names.get(p)

    return same


def _attributes(layer: str, gold: Doc, pred: Doc) -> dict[str, Callable[[dict, dict], bool]]:
    if layer == "mentions":
        return {"type": lambda g, p: g["type"] == p["type"], "kind": lambda g, p: g["kind"] == p["kind"]}
    if layer == "quotes":
        speaker = _speaker_test(gold, pred)
        return {
            "kind": lambda g, p: g["kind"] == p["kind"],
            "speaker": lambda g, p: speaker(g["speaker_entity_id"], p["speaker_entity_id"]),
            "source_exact": lambda g, p: _role_spans(g, "source") == _role_spans(p, "source"),
            "cue_exact": lambda g, p: _role_spans(g, "cue") == _role_spans(p, "cue"),
        }

    def measured(g: dict, p: dict) -> bool:
        a, b = g["measured_span"], p["measured_span"]
        return a is b if a is None or b is None else _overlap(_spans_of(a), _spans_of(b)) > 0

    return {
        "value": lambda g, p: _numbers_agree(g["value"], p["value"]),
        "interval_overlap": _intervals_overlap,
        "interval_exact": lambda g, p: _numbers_agree(g["low"], p["low"]) and _numbers_agree(g["high"], p["high"]),
        "unit": lambda g, p: g["unit"] == p["unit"],
        "approximation": lambda g, p: g["approximation"] == p["approximation"],
        "interval_rule": lambda g, p: g["interval_rule"] == p["interval_rule"],
        "ontonotes_type": lambda g, p: g["ontonotes_type"] == p["ontonotes_type"],
        "measured_span_overlap": measured,
    }


def _score_layer(layer: str, gold: Doc, pred: Doc, tally: _Tally) -> None:
    g_items, p_items = gold[layer], pred[layer]
    if layer == "quotes":
        g_spans = [_role_spans(q, "content") for q in g_items]
        p_spans = [_role_spans(q, "content") for q in p_items]
        for role in ROLES:
            g_role = [s for s in (_role_spans(q, role) for q in g_items) if s]
            p_role = [s for s in (_role_spans(q, role) for q in p_items) if s]
            for mode in MODES:
                tally.add((layer, "role", role, mode), len(match(g_role, p_role, mode)), len(g_role), len(p_role))
    else:
        g_spans, p_spans = [_spans_of(x) for x in g_items], [_spans_of(x) for x in p_items]
    label = LABELS[layer]
    g_labels, p_labels = [x[label] for x in g_items], [x[label] for x in p_items]
    for mode in MODES:
        pairs = match(g_spans, p_spans, mode)
        tally.add((layer, "span", mode), len(pairs), len(g_items), len(p_items))
        typed = match(g_spans, p_spans, mode, lambda i, j: g_labels[i] == p_labels[j])
        tally.add((layer, "typed", mode), len(typed), len(g_items), len(p_items))
        for name in set(g_labels) | set(p_labels):
            hits = sum(1 for i, _ in typed if g_labels[i] == name)
            tally.add((layer, "label", name, mode), hits, g_labels.count(name), p_labels.count(name))
        if mode == "overlap":
            for name, agree in _attributes(layer, gold, pred).items():
                hits = sum(1 for i, j in pairs if agree(g_items[i], p_items[j]))
                tally.add((layer, "attr", name), hits, len(g_items), len(p_items), len(pairs))


# --- coreference --------------------------------------------------------------------------------


def _clusters(doc: Doc) -> list[set[tuple[int, int]]]:
    by_entity: dict[str, set[tuple[int, int]]] = defaultdict(set)
    for m in doc["mentions"]:
        by_entity[m["entity_id"]].add((m["start"], m["end"]))
    return [c for c in by_entity.values() if c]


def muc(key: list[set], response: list[set]) -> tuple[float, float]:
    """MUC numerator and denominator of recall (swap the arguments for precision)."""
    where = {m: n for n, c in enumerate(response) for m in c}
    num = den = 0
    for cluster in key:
        parts = {where.get(m, ("alone", m)) for m in cluster}
        num += len(cluster) - len(parts)
        den += len(cluster) - 1
    return num, den


def b_cubed(key: list[set], response: list[set]) -> tuple[float, float]:
    """B³ numerator and denominator of recall (swap the arguments for precision)."""
    num = sum(len(k & r) ** 2 / len(k) for k in key for r in response)
    return num, sum(len(k) for k in key)


def ceaf_e(key: list[set], response: list[set]) -> tuple[float, int, int]:
    """CEAF-e: the best total entity similarity φ4 and the numbers of key and response entities."""
    weights = [[2 * len(k & r) / (len(k) + len(r)) for r in response] for k in key]
    best = sum(weights[i][j] for i, j in assignment(weights))
    return best, len(key), len(response)


def coreference(gold_docs: Iterable[Doc], pred_docs: Iterable[Doc]) -> dict[str, Any]:
    """MUC, B³, CEAF-e and their CoNLL mean, micro-averaged over the paired documents."""
    sums = defaultdict(float)
    for gold, pred in zip(gold_docs, pred_docs, strict=True):
        key, response = _clusters(gold), _clusters(pred)
        for name, fn in (("muc", muc), ("b3", b_cubed)):
            r_num, r_den = fn(key, response)
            p_num, p_den = fn(response, key)
            sums[name, "rn"] += r_num
            sums[name, "rd"] += r_den
            sums[name, "pn"] += p_num
            sums[name, "pd"] += p_den
        best, n_key, n_resp = ceaf_e(key, response)
        sums["ceaf_e", "rn"] += best
        sums["ceaf_e", "pn"] += best
        sums["ceaf_e", "rd"] += n_key
        sums["ceaf_e", "pd"] += n_resp
    out: dict[str, Any] = {
        name: _prf2(sums[name, "rn"], sums[name, "rd"], sums[name, "pn"], sums[name, "pd"])
        for name in ("muc", "b3", "ceaf_e")
    }
    f1s = [out[name]["f1"] for name in ("muc", "b3", "ceaf_e")]
    out["conll_f1"] = sum(f1s) / 3 if all(f is not None for f in f1s) else None
    return out


# --- documents ----------------------------------------------------------------------------------


def _by_id(docs: list[Doc], side: str) -> dict[str, Doc]:
    out: dict[str, Doc] = {}
    for doc in docs:
        if doc["doc_id"] in out:
            raise ValueError(f"{side} holds several records of doc_id {doc['doc_id']!r}: choose one annotation set")
        out[doc["doc_id"]] = doc
    return out


def _empty_like(doc: Doc) -> Doc:
    return {**doc, "entities": [], "mentions": [], "quotes": [], "numeric_facts": []}


def default_layers(pred: list[Doc]) -> list[str]:
    """The layers a prediction has anything in (``entities`` goes with ``mentions``); all when none."""
    found = [layer for layer in LAYERS if any(doc[layer] for doc in pred)]
    return found or list(LAYERS)


def pair_documents(gold: list[Doc], pred: list[Doc]) -> tuple[list[tuple[Doc, Doc]], dict[str, Any]]:
    """Gold and predicted documents paired by doc_id, and what could not be paired."""
    g, p = _by_id(gold, "gold"), _by_id(pred, "the prediction")
    pairs, mismatch = [], []
    for doc_id in sorted(g):
        if doc_id in p and p[doc_id]["text_sha256"] != g[doc_id]["text_sha256"]:
            mismatch.append(doc_id)
            continue
        pairs.append((g[doc_id], p.get(doc_id) or _empty_like(g[doc_id])))
    info = {
        "gold": len(g),
        "pred": len(p),
        "scored": len(pairs),
        "missing": sorted(set(g) - set(p)),
        "extra": sorted(set(p) - set(g)),
        "text_mismatch": mismatch,
    }
    return pairs, info


def score_documents(gold: list[Doc], pred: list[Doc], layers: Iterable[str] | None = None) -> dict[str, Any]:
    """Score ``pred`` against ``gold`` (lists of schema-valid documents). See the module docstring.

    Shape::

        {"documents": {"gold", "pred", "scored", "missing": [...], "extra": [...], "text_mismatch": [...]},
         "layers": [scored layer names],
         "mentions" | "quotes" | "numeric_facts": {
             "label": field name of the typed score,
             "span": {"exact": PRF, "overlap": PRF}, "typed": {"exact": PRF, "overlap": PRF},
             "by_label": {label: {"exact": PRF, "overlap": PRF}},
             "attributes": {name: PRF + {"accuracy", "matched"}},
             "roles": {"source"|"cue"|"content": {"exact": PRF, "overlap": PRF}}   # quotes only
         },
         "entities": {"muc": P/R/F1, "b3": ..., "ceaf_e": ..., "conll_f1": float}}

    with PRF = {"precision", "recall", "f1", "tp", "gold", "pred"}. Raises ValueError when a side
    holds two records of one doc_id, or for an unknown layer.
    """
    chosen = default_layers(pred) if layers is None else list(layers)
    unknown = sorted(set(chosen) - set(LAYERS))
    if unknown:
        raise ValueError(f"unknown layer(s) {', '.join(unknown)}; choose from {', '.join(LAYERS)}")
    chosen = [layer for layer in LAYERS if layer in chosen]
    pairs, info = pair_documents(gold, pred)
    result: dict[str, Any] = {"documents": info, "layers": chosen}
    tally = _Tally()
    for layer in chosen:
        if layer == "entities":
            result[layer] = coreference((g for g, _ in pairs), (p for _, p in pairs))
            continue
        for g_doc, p_doc in pairs:
            _score_layer(layer, g_doc, p_doc, tally)
        labels = sorted({key[2] for key in tally.counts if key[:2] == (layer, "label")})
        attrs = list(_attributes(layer, _EMPTY, _EMPTY))
        out: dict[str, Any] = {
            "label": LABELS[layer],
            "span": {mode: tally.get((layer, "span", mode)) for mode in MODES},
            "typed": {mode: tally.get((layer, "typed", mode)) for mode in MODES},
            "by_label": {name: {mode: tally.get((layer, "label", name, mode)) for mode in MODES} for name in labels},
            "attributes": {name: tally.attribute((layer, "attr", name)) for name in attrs},
        }
        if layer == "quotes":
            out["roles"] = {role: {mode: tally.get((layer, "role", role, mode)) for mode in MODES} for role in ROLES}
        result[layer] = out
    return result


_EMPTY: Doc = {"entities": [], "mentions": [], "quotes": [], "numeric_facts": []}


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


# --- rendering ----------------------------------------------------------------------------------


def _fmt(x: float | None) -> str:
    return "     -" if x is None else f"{100 * x:6.1f}"


def render_text(result: dict[str, Any]) -> str:
    """A text table of a ``score_documents`` result (percentages)."""
    d = result["documents"]
    lines = [
        f"documents: {d['scored']} scored; gold {d['gold']}, predicted {d['pred']}"
        + (f"; missing predictions: {', '.join(d['missing'])}" if d["missing"] else "")
        + (f"; without gold: {', '.join(d['extra'])}" if d["extra"] else "")
        + (f"; text differs (not scored): {', '.join(d['text_mismatch'])}" if d["text_mismatch"] else ""),
        "",
        f"{'layer':<14} {'measure':<28} {'exact P':>7} {'R':>6} {'F1':>6} | {'overlap P':>9} {'R':>6} {'F1':>6} | {'gold':>5} {'pred':>5}",
    ]

    def row(layer: str, measure: str, both: dict[str, Any]) -> str:
        e, o = both["exact"], both["overlap"]
        return (
            f"{layer:<14} {measure:<28} {_fmt(e['precision']):>7} {_fmt(e['recall'])} {_fmt(e['f1'])} | "
            f"{_fmt(o['precision']):>9} {_fmt(o['recall'])} {_fmt(o['f1'])} | {e['gold']:>5} {e['pred']:>5}"
        )

    for layer in result["layers"]:
        s = result[layer]
        if layer == "entities":
            for name in ("muc", "b3", "ceaf_e"):
                m = s[name]
                lines.append(
                    f"{layer:<14} {'coref ' + name:<28} {_fmt(m['precision']):>7} {_fmt(m['recall'])} {_fmt(m['f1'])} |"
                )
            lines.append(f"{layer:<14} {'coref CoNLL F1':<28} {'':>7} {'':>6} {_fmt(s['conll_f1'])} |")
            continue
        lines.append(row(layer, "span", s["span"]))
        lines.append(row(layer, f"span+{s['label']}", s["typed"]))
        for name, both in s["by_label"].items():
            lines.append(row(layer, f"  {s['label']}={name}", both))
        for role, both in s.get("roles", {}).items():
            lines.append(row(layer, f"role {role}", both))
        for name, a in s["attributes"].items():
            lines.append(
                f"{layer:<14} {'attr ' + name:<28} {'':>7} {'':>6} {'':>6} | {_fmt(a['precision']):>9} "
                f"{_fmt(a['recall'])} {_fmt(a['f1'])} | {a['gold']:>5} {a['pred']:>5}  acc {_fmt(a['accuracy']).strip()}"
            )
    lines += [
        "",
        "P, R, F1 in %; '-' where undefined. Attributes are judged on overlap-matched pairs (acc = share of those pairs).",
    ]
    return "\n".join(lines) + "\n"


def render_agreement(result: dict[str, Any]) -> str:
    """A text table of an ``agreement`` result."""
    d = result["documents"]
    lines = [
        f"documents compared: {d['compared']} (a {d['a']}, b {d['b']})"
        + (f"; only in a: {', '.join(d['only_a'])}" if d["only_a"] else "")
        + (f"; only in b: {', '.join(d['only_b'])}" if d["only_b"] else ""),
        "",
        f"{'layer':<14} {'a':>5} {'b':>5} {'F1 exact':>9} {'F1 overlap':>11} {'typed exact':>12} {'typed overlap':>14}",
    ]
    for layer in ("mentions", "quotes", "numeric_facts"):
        s = result[layer]
        lines.append(
            f"{layer:<14} {s['a']:>5} {s['b']:>5} {_fmt(s['exact']['f1']):>9} {_fmt(s['overlap']['f1']):>11} "
            f"{_fmt(s['typed']['exact']['f1']):>12} {_fmt(s['typed']['overlap']['f1']):>14}"
        )
    e = result["entities"]
    lines.append(
        f"{'entities':<14} coreference F1: MUC {_fmt(e['muc_f1']).strip()}, B3 {_fmt(e['b3_f1']).strip()}, "
        f"CEAF-e {_fmt(e['ceaf_e_f1']).strip()}, CoNLL {_fmt(e['conll_f1']).strip()}"
    )
    lines += ["", "F1 in % (pairwise: 2·matched / (a + b)); typed = span and label agree."]
    return "\n".join(lines) + "\n"
