"""What is counted for one gold document and its prediction, layer by layer (see ``scorer``).

Gold items are full records; predicted items may leave out any field but their spans (and a
mention's type): a field a predicted item leaves out never agrees, and an attribute (or label,
or quote role) that no predicted item of the layer states is not reported at all (``Tally``
keys ``("items", layer)`` and ``("stated", ...)`` count the predicted items and those stating it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from newsfacts.scoring.counts import Tally
from newsfacts.scoring.matching import Spans, best_pairs, length, match_exact, overlaps

Doc = dict[str, Any]
MISSING: Any = type("Missing", (), {"__repr__": lambda self: "MISSING"})()

SPAN_LAYERS = ("mentions", "quotes", "numeric_facts")
MODES = ("exact", "overlap")
#: Span measures: ``tokens`` is partial credit, the tokens shared by the overlap-matched pairs.
SPAN_MODES = ("exact", "overlap", "tokens")
#: The label a typed score requires to agree, per layer.
LABELS = {"mentions": "type", "quotes": "kind", "numeric_facts": "quantity_kind"}
ROLES = ("source", "cue", "content")


class Tokens:
    """Tokens in spans of a text: the ``ner`` view's tokenizer run on the span's own text (so a
    token cut by a span's end counts as a token of the part inside)."""

    def __init__(self, text: str) -> None:
        from newsfacts.release.ner import count_tokens

        self.text = text
        self._tokens = count_tokens
        self._known: dict[tuple[int, int], int] = {}  # gold and predicted spans are often the same

    def span(self, s: int, e: int) -> int:
        """Tokens in text[s:e]."""
        known = self._known.get((s, e))
        if known is None:
            known = self._known[s, e] = self._tokens(self.text[s:e])
        return known

    def count(self, spans: Spans) -> int:
        """Tokens in the spans."""
        if len(spans) == 1:
            return self.span(*spans[0])
        return sum(self.span(s, e) for s, e in spans)

    def total(self, items: list[Spans]) -> int:
        """Tokens of every item's spans, summed."""
        span = self.span
        return sum(span(s, e) for spans in items for s, e in spans)

    def shared(self, a: Spans, b: Spans) -> int:
        """Tokens in the overlap of ``a`` and ``b``."""
        common = tuple((max(s1, s2), min(e1, e2)) for s1, e1 in a for s2, e2 in b if min(e1, e2) > max(s1, s2))
        return self.count(common) if common else 0

    def shared_pairs(
        self, a: list[Spans], b: list[Spans], pairs: list[tuple[int, int]], a_tokens: list[int] | None = None
    ) -> int:
        """Tokens shared by each pair (index into ``a``, index into ``b``), summed; ``a_tokens``: the
        tokens of each item of ``a``, when known."""
        span = self.span
        total = 0
        for i, j in pairs:
            x, y = a[i], b[j]
            if x == y:
                total += a_tokens[i] if a_tokens is not None else self.count(x)
            elif len(x) == 1 and len(y) == 1:
                (s1, e1), (s2, e2) = x[0], y[0]
                s, e = (s1 if s1 > s2 else s2), (e1 if e1 < e2 else e2)
                if e > s:
                    total += span(s, e)
            else:
                total += self.shared(x, y)
        return total


def _role(quote: dict[str, Any], role: str) -> Spans:
    return tuple((s["start"], s["end"]) for s in quote.get(role) or ())


def _numbers_agree(a: Any, b: Any) -> bool:
    if a is MISSING or b is MISSING:
        return False
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def _intervals_overlap(g: dict[str, Any], p: dict[str, Any]) -> bool:
    if "low" not in p or "high" not in p:
        return False
    lows = [x for x in (g["low"], p["low"]) if x is not None]
    highs = [x for x in (g["high"], p["high"]) if x is not None]
    return not lows or not highs or max(lows) <= min(highs)


def _speaker_test(gold: Doc, pred: Doc) -> Callable[[Any, Any], bool]:
    def spans(doc: Doc) -> dict[str, set[tuple[int, int]]]:
        out: dict[str, set[tuple[int, int]]] = defaultdict(set)
        for m in doc.get("mentions") or ():
            if m.get("entity_id") is not None:
                out[m["entity_id"]].add((m["start"], m["end"]))
        return out

    g_spans, p_spans = spans(gold), spans(pred)
    g_names = {e["id"]: e["name"].casefold() for e in gold.get("entities") or ()}
    p_names = {e["id"]: e["name"].casefold() for e in pred.get("entities") or () if isinstance(e.get("name"), str)}

    def same(g: Any, p: Any) -> bool:
        if g is MISSING or p is MISSING:
            return False
        if g is None or p is None:
            return g is p
        return bool(g_spans.get(g, set()) & p_spans.get(p, set())) or (
            g in g_names and g_names.get(g) == p_names.get(p)
        )

    return same


def _field(name: str) -> Callable[[dict, dict], bool]:
    return lambda g, p: name in p and g[name] == p[name]


def attributes(layer: str, gold: Doc, pred: Doc) -> dict[str, tuple[tuple[str, ...], Callable[[dict, dict], bool]]]:
    """Per attribute: the fields a predicted item must state for it, and the test of agreement."""
    if layer == "mentions":
        return {"type": (("type",), _field("type")), "kind": (("kind",), _field("kind"))}
    if layer == "quotes":
        speaker = _speaker_test(gold, pred)
        return {
            "kind": (("kind",), _field("kind")),
            "speaker": (
                ("speaker_entity_id",),
                lambda g, p: speaker(g["speaker_entity_id"], p.get("speaker_entity_id", MISSING)),
            ),
        }

    def measured(g: dict, p: dict) -> bool:
        if "measured_span" not in p:
            return False
        a, b = g["measured_span"], p["measured_span"]
        if a is None or b is None:
            return a is b
        return min(a["end"], b["end"]) > max(a["start"], b["start"])

    return {
        "value": (("value",), lambda g, p: _numbers_agree(g["value"], p.get("value", MISSING))),
        "interval_overlap": (("low", "high"), _intervals_overlap),
        "interval_exact": (
            ("low", "high"),
            lambda g, p: (
                _numbers_agree(g["low"], p.get("low", MISSING)) and _numbers_agree(g["high"], p.get("high", MISSING))
            ),
        ),
        "unit": (("unit",), _field("unit")),
        "approximation": (("approximation",), _field("approximation")),
        "interval_rule": (("interval_rule",), _field("interval_rule")),
        "ontonotes_type": (("ontonotes_type",), _field("ontonotes_type")),
        "measured_span_overlap": (("measured_span",), measured),
    }


ATTRIBUTE_NAMES = {layer: list(attributes(layer, {}, {})) for layer in SPAN_LAYERS}


def score_layer(layer: str, gold: Doc, pred: Doc, tally: Tally, tokens: Tokens) -> None:
    """Add one document pair's counts for ``layer`` (mentions, quotes or numeric_facts) to ``tally``."""
    g_items, p_items = gold[layer], pred.get(layer) or []
    if layer == "quotes":
        g_roles = {role: [_role(q, role) for q in g_items] for role in ROLES}
        p_roles = {role: [_role(q, role) for q in p_items] for role in ROLES}
        g_spans, p_spans = g_roles["content"], p_roles["content"]
    else:
        g_spans = [((x["start"], x["end"]),) for x in g_items]
        p_spans = [((x["start"], x["end"]),) for x in p_items]
    label = LABELS[layer]
    g_labels = [x[label] for x in g_items]
    p_labels = [x.get(label, MISSING) for x in p_items]
    n_gold, n_pred = len(g_items), len(p_items)
    add = tally.add
    add(("items", layer), n_pred, 0, 0)
    add(("stated", layer, label), sum(1 for x in p_labels if x is not MISSING), 0, 0)

    def same(i: int, j: int) -> bool:
        return g_labels[i] == p_labels[j]

    shared = overlaps(g_spans, p_spans)
    exact = match_exact(g_spans, p_spans)
    g_len = [length(x) for x in g_spans]
    p_len = [length(x) for x in p_spans]
    edges = {(i, j): c / (g_len[i] + p_len[j] - c) for (i, j), c in shared.items()}
    pairs = sorted(best_pairs(edges))
    if all(g_labels[i] == p_labels[j] for i, j in edges):  # no overlapping pair disagrees: nothing to redo
        typed = {"exact": exact, "overlap": pairs}
    else:
        typed = {
            "exact": match_exact(g_spans, p_spans, same),
            "overlap": sorted(best_pairs({(i, j): w for (i, j), w in edges.items() if g_labels[i] == p_labels[j]})),
        }
    g_tok = [tokens.count(x) for x in g_spans]
    p_tok = [tokens.count(x) for x in p_spans]
    add((layer, "span", "exact"), len(exact), n_gold, n_pred)
    add((layer, "span", "overlap"), len(pairs), n_gold, n_pred)
    add((layer, "span", "tokens"), tokens.shared_pairs(g_spans, p_spans, pairs, g_tok), sum(g_tok), sum(p_tok))
    g_count: dict[Any, int] = defaultdict(int)
    p_count: dict[Any, int] = defaultdict(int)
    for x in g_labels:
        g_count[x] += 1
    for x in p_labels:
        if x is not MISSING:
            p_count[x] += 1
    names = set(g_count) | set(p_count)
    for mode in MODES:
        add((layer, "typed", mode), len(typed[mode]), n_gold, n_pred)
        hits: dict[Any, int] = defaultdict(int)
        for i, _ in typed[mode]:
            hits[g_labels[i]] += 1
        for name in names:
            add((layer, "label", name, mode), hits[name], g_count[name], p_count[name])
    keys: dict[frozenset, int] = defaultdict(int)
    for x in p_items:
        keys[frozenset(x)] += 1
    for name, (needs, agree) in attributes(layer, gold, pred).items():
        add(("stated", layer, name), sum(n for k, n in keys.items() if k.issuperset(needs)), 0, 0)
        hits_n = 0
        for i, j in pairs:
            if agree(g_items[i], p_items[j]):
                hits_n += 1
        add((layer, "attr", name), hits_n, n_gold, n_pred, len(pairs))
    if layer == "quotes":
        _score_roles(g_roles, p_roles, p_items, pairs, tally, tokens, (g_tok, p_tok))


def _score_roles(
    g_roles: dict[str, list[Spans]],
    p_roles: dict[str, list[Spans]],
    p_items: list,
    pairs: list[tuple[int, int]],
    tally: Tally,
    tokens: Tokens,
    content_tokens: tuple[list[int], list[int]],
) -> None:
    """Source, cue and content judged within the quotes matched by content (as BBC Citron judges
    a role only inside a matched quote): swapped sources do not count."""
    for role in ROLES:
        g_role, p_role = g_roles[role], p_roles[role]
        tally.add(("stated", "quotes", "role", role), sum(1 for q in p_items if role in q), 0, 0)
        n_gold = sum(1 for s in g_role if s)
        n_pred = sum(1 for s in p_role if s)
        both = [(i, j) for i, j in pairs if g_role[i] and p_role[j]]
        g_tok, p_tok = content_tokens if role == "content" else (None, None)
        tally.add(("quotes", "role", role, "exact"), sum(1 for i, j in both if g_role[i] == p_role[j]), n_gold, n_pred)
        tally.add(
            ("quotes", "role", role, "overlap"),
            sum(1 for i, j in both if any(min(e1, e2) > max(s1, s2) for s1, e1 in g_role[i] for s2, e2 in p_role[j])),
            n_gold,
            n_pred,
        )
        tally.add(
            ("quotes", "role", role, "tokens"),
            tokens.shared_pairs(g_role, p_role, both, g_tok),
            sum(g_tok) if g_tok is not None else tokens.total(g_role),
            sum(p_tok) if p_tok is not None else tokens.total(p_role),
        )


def mention_clusters(doc: Doc) -> list[tuple[Any, tuple[int, int]]]:
    """(cluster key, span) of each mention in order (for ``coref.clusters``): its entity id, or,
    for a predicted mention without one, a singleton of its own."""
    out = []
    for m in doc.get("mentions") or ():
        span = (m["start"], m["end"])
        entity = m.get("entity_id")
        out.append((("entity", entity) if entity is not None else ("alone", span), span))
    return out
