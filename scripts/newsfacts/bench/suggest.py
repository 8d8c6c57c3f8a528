"""`newsfacts bench suggest`: the suggester against gold articles, beside its peers, in one run.

Every system drafts the same articles (the gold documents' own texts, of one split), and its
drafts are scored by ``newsfacts.research.score`` with the same alignment as ``newsfacts
score`` (``--layers quotes,numeric_facts``). Peers for numeric facts, each optional (install
the ``bench-suggest`` extra; a peer that is not installed is reported as such, not skipped
silently):

* **quantulum3** (its unit classifier retrained with its own ``train_classifier`` on the
  installed scikit-learn, into a temporary file, before the run);
* **Recognizers-Text** (Microsoft; number, number-with-unit, percentage and ordinal
  recognizers, English).

Both are given what they do not do themselves from the same code the suggester uses, so that
the comparison is of what they recognise: their numbers that the suggester's rules call points
in time or parts of names (dates, clock times, years, “Game 7”) are dropped, a dimensionless
count gets the counted noun after it (``{noun}``) from the suggester's noun-phrase rule, and
their unit names are mapped to UCUM codes by ``PEER_UNITS`` (a name with no mapping keeps a
``{name}`` annotation, counted wrong). Each of these helps the peers; none is held against them.
Neither peer attributes quotes.

Also reported: articles per second of each system (drafting only, on this machine, best of
``repeat`` runs) and, for quotes, the recall of gold quotes with text in quotation marks
(kinds ``direct`` and ``mixed``). The benchmark is not a test: it asserts nothing.
"""

from __future__ import annotations

import copy
import importlib.util
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from newsfacts.research.score import match, score_documents

Doc = dict[str, Any]
LAYERS = ["quotes", "numeric_facts"]

#: Peer unit names (quantulum3 and Recognizers-Text spell them differently) → (UCUM code, kind).
PEER_UNITS: dict[str, tuple[str, str]] = {
    "dollar": ("{USD}", "money"), "united states dollar": ("{USD}", "money"), "euro": ("{EUR}", "money"),
    "pound sterling": ("{GBP}", "money"), "british pound": ("{GBP}", "money"), "yen": ("{JPY}", "money"),
    "japanese yen": ("{JPY}", "money"), "percentage": ("%", "percentage"), "percent": ("%", "percentage"),
    "kilometre": ("km", "length"), "kilometer": ("km", "length"), "metre": ("m", "length"), "meter": ("m", "length"),
    "centimetre": ("cm", "length"), "centimeter": ("cm", "length"), "millimetre": ("mm", "length"),
    "millimeter": ("mm", "length"), "mile": ("[mi_i]", "length"), "foot": ("[ft_i]", "length"),
    "inch": ("[in_i]", "length"), "yard": ("[yd_i]", "length"), "square kilometre": ("km2", "area"),
    "square kilometer": ("km2", "area"), "square metre": ("m2", "area"), "square meter": ("m2", "area"),
    "square mile": ("[mi_i]2", "area"), "hectare": ("har", "area"), "acre": ("[acr_us]", "area"),
    "litre": ("L", "volume"), "liter": ("L", "volume"), "millilitre": ("mL", "volume"), "milliliter": ("mL", "volume"),
    "cubic centimetre": ("cm3", "volume"), "gallon": ("[gal_us]", "volume"), "kilogram": ("kg", "mass"),
    "gram": ("g", "mass"), "tonne": ("t", "mass"), "ton": ("[ston_av]", "mass"), "pound-mass": ("[lb_av]", "mass"),
    "pound": ("[lb_av]", "mass"), "second": ("s", "duration"), "minute": ("min", "duration"),
    "hour": ("h", "duration"), "day": ("d", "duration"), "week": ("wk", "duration"), "month": ("mo", "duration"),
    "year": ("a", "duration"), "decade": ("10.a", "duration"), "century": ("100.a", "duration"),
    "kilometre per hour": ("km/h", "speed"), "kilometer per hour": ("km/h", "speed"),
    "mile per hour": ("[mi_i]/h", "speed"), "degree celsius": ("Cel", "temperature"),
    "degree fahrenheit": ("[degF]", "temperature"), "c": ("Cel", "temperature"), "f": ("[degF]", "temperature"),
}  # fmt: skip


# --- the systems --------------------------------------------------------------------------------


def _blank(doc: Doc, name: str) -> Doc:
    draft = copy.deepcopy(doc)
    for layer in ("entities", "mentions", "quotes", "numeric_facts"):
        draft[layer] = []
    draft["annotation"] = {
        "set": name,
        "status": "prediction",
        "guidelines_version": None,
        "annotators": [name],
        "note": None,
    }
    return draft


def newsfacts_system() -> Callable[[Doc], Doc]:
    from newsfacts.research.suggest import annotate

    def run(doc: Doc) -> Doc:
        return annotate(_blank(doc, "newsfacts suggest"))

    return run


def _peer_fact(text: str, start: int, end: int, value: float | None, unit_name: str | None) -> dict[str, Any]:
    """A numeric fact from a peer's span, value and unit name, completed by the suggester's own rules."""
    from newsfacts.research.suggest.facts import _noun_phrase, _unit_name
    from newsfacts.research.suggest.text import span

    trimmed = span(text, start, end, strip=",.;:") or {"start": start, "end": end, "text": text[start:end]}
    fact: dict[str, Any] = {
        "id": "",
        "start": trimmed["start"],
        "end": trimmed["end"],
        "text": trimmed["text"],
        "value": value,
        "low": value,
        "high": value,
        "interval_rule": "exact",
        "unit": "1",
        "unit_text": None,
        "quantity_kind": "count",
        "approximation": "exact",
        "ontonotes_type": "CARDINAL",
        "measured_entity_id": None,
        "measured_span": None,
        "quote_id": None,
    }
    name = (unit_name or "").lower().strip()
    if name and name not in ("dimensionless", "number", "count"):
        code, kind = PEER_UNITS.get(name, ("{" + name.replace(" ", "_") + "}", "other"))
        onto = {"money": "MONEY", "percentage": "PERCENT", "duration": "DATE"}.get(kind, "QUANTITY")
        fact.update(unit=code, quantity_kind=kind, ontonotes_type=onto)
    else:
        np = _noun_phrase(text, fact["end"], min(len(text), fact["end"] + 80))
        if np is not None:
            fact["unit"] = "{" + _unit_name(text[np[0] : np[1]].split()) + "}"
            fact["measured_span"] = {"start": np[0], "end": np[1], "text": text[np[0] : np[1]]}
    return fact


def _not_a_fact(text: str, fact: dict[str, Any]) -> bool:
    """The suggester's own not-a-fact rules (dates, clock times, years, numbers in names), given to the peers."""
    import re
    from decimal import Decimal

    from newsfacts.research.suggest.facts import _in_name, _point_in_time

    m = re.search(r"\d+(?:[.,]\d+)*", fact["text"])
    if m is None:
        return False
    start, end = fact["start"] + m.start(), fact["start"] + m.end()
    digits = m.group().replace(",", "")
    try:
        value = Decimal(digits)
    except ArithmeticError:
        return False
    return _point_in_time(text, start, end, value) or _in_name(text, start, end)


def _finish(doc: Doc, facts: list[dict[str, Any]]) -> Doc:
    text = doc["text"]
    facts = sorted((f for f in facts if not _not_a_fact(text, f)), key=lambda f: (f["start"], -f["end"]))
    kept, last = [], -1
    for fact in facts:  # one fact per stretch: drop those nested in or overlapping an earlier one
        if fact["start"] >= last:
            kept.append(fact)
            last = fact["end"]
    for n, fact in enumerate(kept, 1):
        fact["id"] = f"N{n}"
    doc["numeric_facts"] = kept
    return doc


def quantulum3_system(workdir: Path) -> Callable[[Doc], Doc]:
    """quantulum3, its classifier retrained on the installed scikit-learn (its own training set)."""
    import logging

    from quantulum3 import classifier, parser

    logging.getLogger("quantulum3").setLevel(logging.ERROR)
    path = workdir / "quantulum3-clf.joblib"
    classifier.train_classifier(store=True, output_path=str(path), n_jobs=1)

    def run(doc: Doc) -> Doc:
        text = doc["text"]
        facts = []
        for q in parser.parse(text, classifier_path=str(path)):
            start, end = q.span
            value = q.value if abs(q.value) < 1e15 else None
            if value is not None and value == int(value):
                value = int(value)
            facts.append(_peer_fact(text, start, end, value, q.unit.name))
        return _finish(_blank(doc, "quantulum3"), facts)

    return run


def recognizers_system() -> Callable[[Doc], Doc]:
    """Recognizers-Text: number-with-unit (currency, dimension, age, temperature), percentage, ordinal, number."""
    from recognizers_number import recognize_number, recognize_ordinal, recognize_percentage
    from recognizers_number_with_unit import (
        recognize_age,
        recognize_currency,
        recognize_dimension,
        recognize_temperature,
    )
    from recognizers_text import Culture

    ordered = (recognize_currency, recognize_dimension, recognize_age, recognize_temperature, recognize_percentage,
               recognize_ordinal, recognize_number)  # fmt: skip

    def run(doc: Doc) -> Doc:
        text = doc["text"]
        facts, taken = [], []
        for recognise in ordered:
            for r in recognise(text, Culture.English):
                start, end = r.start, r.end + 1  # Recognizers-Text ends are inclusive
                if any(start < b and a < end for a, b in taken):
                    continue
                resolution = r.resolution or {}
                raw = str(resolution.get("value", "")).rstrip("%")
                try:
                    value: float | int | None = float(raw)
                except ValueError:
                    value = None
                if value is not None and (abs(value) >= 1e15 or value != value):
                    value = None
                if value is not None and value == int(value):
                    value = int(value)
                unit = resolution.get("unit")
                if recognise is recognize_percentage:
                    unit = "percentage"
                fact = _peer_fact(text, start, end, value, unit)
                if recognise is recognize_age:
                    fact.update(quantity_kind="age", ontonotes_type="DATE")
                if recognise is recognize_ordinal:
                    fact.update(quantity_kind="rank", ontonotes_type="ORDINAL", unit="1", measured_span=None)
                taken.append((start, end))
                facts.append(fact)
        return _finish(_blank(doc, "Recognizers-Text"), facts)

    return run


PEERS = {
    "quantulum3": ("quantulum3", quantulum3_system),
    "Recognizers-Text": ("recognizers_number_with_unit", recognizers_system),
}


# --- the run ------------------------------------------------------------------------------------


def quotation_mark_recall(gold: list[Doc], pred: list[Doc]) -> dict[str, Any]:
    """Recall (any overlap of content, one-to-one) of gold quotes of kind direct or mixed."""
    by_id = {d["doc_id"]: d for d in pred}
    hits = total = direct_hits = direct_total = 0
    for g in gold:
        p = by_id.get(g["doc_id"], {"quotes": []})
        gs = [tuple((s["start"], s["end"]) for s in q["content"]) for q in g["quotes"]]
        ps = [tuple((s["start"], s["end"]) for s in q["content"]) for q in p["quotes"]]
        matched = {i for i, _ in match(gs, ps, "overlap")}
        for i, q in enumerate(g["quotes"]):
            if q["kind"] in ("direct", "mixed"):
                total += 1
                hits += i in matched
            if q["kind"] == "direct":
                direct_total += 1
                direct_hits += i in matched
    return {
        "hits": hits,
        "total": total,
        "recall": hits / total if total else None,
        "direct_hits": direct_hits,
        "direct_total": direct_total,
        "direct_recall": direct_hits / direct_total if direct_total else None,
    }


def bench_suggest(
    gold: list[Doc],
    *,
    peers: bool = True,
    repeat: int = 3,
    progress: Callable[[str], None] = lambda message: None,
) -> dict[str, Any]:
    """Draft every gold article with each system, score the drafts, time the drafting."""
    systems: dict[str, Callable[[Doc], Doc] | str] = {"newsfacts suggest": newsfacts_system()}
    with tempfile.TemporaryDirectory(prefix="bench-suggest-") as tmp:
        if peers:
            for name, (module, make) in PEERS.items():
                if importlib.util.find_spec(module) is None:
                    systems[name] = f"not installed (pip install -e '.[bench-suggest]'; module {module})"
                    continue
                progress(f"preparing {name}")
                try:
                    systems[name] = make(Path(tmp)) if name == "quantulum3" else make()
                except Exception as exc:  # a peer that cannot start is reported, with its error
                    systems[name] = f"could not start: {type(exc).__name__}: {exc}"
        results: dict[str, Any] = {}
        for name, system in systems.items():
            if isinstance(system, str):
                results[name] = {"unavailable": system}
                continue
            progress(f"drafting with {name}")
            best = float("inf")
            drafts: list[Doc] = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                drafts = [system(doc) for doc in gold]
                best = min(best, time.perf_counter() - t0)
            layers = LAYERS if name == "newsfacts suggest" else ["numeric_facts"]
            report = score_documents(gold, drafts, layers)
            results[name] = {
                "report": report,
                "seconds": best,
                "articles_per_second": len(gold) / best if best else None,
                "quotation_marks": quotation_mark_recall(gold, drafts) if "quotes" in layers else None,
            }
    splits = sorted({d.get("split") for d in gold})
    return {"documents": len(gold), "characters": sum(len(d["text"]) for d in gold), "splits": splits,
            "results": results}  # fmt: skip


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}"


def render(result: dict[str, Any]) -> str:
    """Markdown tables of a ``bench_suggest`` result."""
    lines = [
        f"{result['documents']} gold articles ({', '.join(map(str, result['splits']))}; "
        f"{result['characters']:,} characters); F1 and accuracy in %, overlap = any shared character, one-to-one.",
        "",
        "| system | facts F1 exact | facts F1 overlap | P / R overlap | value acc. | interval acc. | unit acc. | "
        "quantity kind (typed F1 overlap) | articles/s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in result["results"].items():
        if "unavailable" in r:
            lines.append(f"| {name} | {r['unavailable']} | | | | | | | |")
            continue
        n = r["report"]["numeric_facts"]
        a = n["attributes"]
        lines.append(
            f"| {name} | {_pct(n['span']['exact']['f1'])} | {_pct(n['span']['overlap']['f1'])} | "
            f"{_pct(n['span']['overlap']['precision'])} / {_pct(n['span']['overlap']['recall'])} | "
            f"{_pct(a['value']['accuracy'])} | {_pct(a['interval_exact']['accuracy'])} | {_pct(a['unit']['accuracy'])} | "
            f"{_pct(n['typed']['overlap']['f1'])} | {r['articles_per_second']:.1f} |"
        )
    lines += ["", "| system | quote content F1 exact | F1 overlap | P / R overlap | in quotation marks: recall | "
              "direct: recall | source F1 overlap | cue F1 overlap | gold / drafted |",
              "|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for name, r in result["results"].items():
        if "unavailable" in r or "quotes" not in r["report"]:
            lines.append(f"| {name} | (no quotes) | | | | | | | |")
            continue
        q, m = r["report"]["quotes"], r["quotation_marks"]
        lines.append(
            f"| {name} | {_pct(q['span']['exact']['f1'])} | {_pct(q['span']['overlap']['f1'])} | "
            f"{_pct(q['span']['overlap']['precision'])} / {_pct(q['span']['overlap']['recall'])} | "
            f"{_pct(m['recall'])} ({m['hits']}/{m['total']}) | {_pct(m['direct_recall'])} "
            f"({m['direct_hits']}/{m['direct_total']}) | {_pct(q['roles']['source']['overlap']['f1'])} | "
            f"{_pct(q['roles']['cue']['overlap']['f1'])} | {q['span']['exact']['gold']} / {q['span']['exact']['pred']} |"
        )
    return "\n".join(lines) + "\n"
