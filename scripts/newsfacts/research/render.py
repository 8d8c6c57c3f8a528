"""One self-contained HTML page showing a document and its annotations (``newsfacts render``).

Every annotated span becomes a *mark*: mentions (coloured by OntoNotes type; hovering one
lights up every mention of its entity), the source, cue and content spans of quotes, numeric
facts (value, interval and unit on hover) and the words a fact measures. Marks may nest and
overlap, so the text is cut at every mark boundary into segments, and each segment is wrapped
in one element per mark covering it, outermost first; all pieces of a mark share its
``data-ann`` key. Everything is escaped; the page loads nothing (no network, no external
scripts or fonts: system fonts only). Its small inline script counts the visible marks per
layer into ``<body data-counts>``, which the browser test reads.
"""

from __future__ import annotations

import html
import itertools
import json
from dataclasses import dataclass
from typing import Any

#: Background and border colours of the 18 OntoNotes types (light fill, dark underline).
TYPE_COLOURS = {
    "PERSON": ("#ffd8d8", "#c0392b"),
    "NORP": ("#f3e0ff", "#8e44ad"),
    "FAC": ("#e6e0d4", "#7f6a44"),
    "ORG": ("#d7ecff", "#1f6fb2"),
    "GPE": ("#d9f5dc", "#1e8449"),
    "LOC": ("#e3f7f0", "#138d75"),
    "PRODUCT": ("#fff0d1", "#b9770e"),
    "EVENT": ("#ffe3ef", "#c2185b"),
    "WORK_OF_ART": ("#efe6ff", "#5b2c8f"),
    "LAW": ("#ececec", "#555555"),
    "LANGUAGE": ("#e0f4ff", "#0b7285"),
    "DATE": ("#fff6c7", "#9a7d0a"),
    "TIME": ("#fbeed6", "#a0522d"),
    "PERCENT": ("#e8f8d0", "#4d7c0f"),
    "MONEY": ("#dff7e8", "#0e6e3a"),
    "QUANTITY": ("#f0f0d8", "#6b6b1e"),
    "ORDINAL": ("#f6e3d8", "#8a4b2a"),
    "CARDINAL": ("#e4e8f7", "#34495e"),
}
LAYER_LABELS = {
    "source": "quote source",
    "cue": "quote cue",
    "content": "quote content",
    "fact": "numeric fact",
    "measured": "what a fact measures",
}


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    layer: str  # mention, source, cue, content, fact, measured
    key: str  # the data-ann value shared by all pieces of the mark
    attrs: dict[str, str]
    title: str


def marks(doc: dict[str, Any]) -> list[Mark]:
    """Every annotated span of ``doc`` as a mark."""
    entities = {e["id"]: e for e in doc["entities"]}
    out = []
    for m in doc["mentions"]:
        entity = entities.get(m["entity_id"], {})
        title = f"{m['type']} {m['kind']} → {m['entity_id']} “{entity.get('name', '?')}”"
        if entity.get("kb"):
            title += " (" + ", ".join(f"{k['kb']}:{k['id']}" for k in entity["kb"]) + ")"
        attrs = {"data-type": m["type"], "data-entity": m["entity_id"]}
        out.append(Mark(m["start"], m["end"], "mention", m["id"], attrs, title))
    for q in doc["quotes"]:
        speaker = entities.get(q["speaker_entity_id"] or "", {}).get("name")
        for role in ("source", "cue", "content"):
            for j, span in enumerate(q[role]):
                title = f"{q['id']} {q['kind']} quote: {role}" + (f"; speaker {speaker}" if speaker else "")
                attrs = {"data-quote": q["id"]}
                out.append(Mark(span["start"], span["end"], role, f"{q['id']}/{role}/{j}", attrs, title))
    for f in doc["numeric_facts"]:
        low = "−∞" if f["low"] is None else _num(f["low"])
        high = "∞" if f["high"] is None else _num(f["high"])
        value = "none stated" if f["value"] is None else _num(f["value"])
        title = (
            f"{f['id']}: value {value}; interval [{low}, {high}] ({f['interval_rule']}, {f['approximation']}); "
            f"unit {f['unit']}; {f['quantity_kind']}; {f['ontonotes_type']}"
        )
        if f["quote_id"]:
            title += f"; stated in {f['quote_id']}"
        attrs = {"data-value": value, "data-low": low, "data-high": high, "data-unit": f["unit"]}
        out.append(Mark(f["start"], f["end"], "fact", f["id"], attrs, title))
        if f["measured_span"] is not None:
            s = f["measured_span"]
            out.append(Mark(s["start"], s["end"], "measured", f"{f['id']}/measured", {}, f"measured by {f['id']}"))
    return out


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(x)


def expected_counts(doc: dict[str, Any]) -> dict[str, int]:
    """How many marks of each layer the page shows: one per annotated span."""
    counts: dict[str, int] = {}
    for mark in marks(doc):
        counts[mark.layer] = counts.get(mark.layer, 0) + 1
    return counts


def segments(text: str, all_marks: list[Mark]) -> list[tuple[int, int, list[Mark]]]:
    """The text cut at every mark boundary: (start, end, covering marks outermost first)."""
    cuts = sorted({0, len(text), *(m.start for m in all_marks), *(m.end for m in all_marks)})
    order = sorted(all_marks, key=lambda m: (m.start, -m.end, _LAYER_ORDER[m.layer], m.key))
    out = []
    for a, b in itertools.pairwise(cuts):
        out.append((a, b, [m for m in order if m.start <= a and b <= m.end]))
    return out


_LAYER_ORDER = {"content": 0, "source": 1, "cue": 2, "measured": 3, "fact": 4, "mention": 5}


def _open(mark: Mark) -> str:
    attrs = {"class": f"a {mark.layer}", "data-layer": mark.layer, "data-ann": mark.key, **mark.attrs}
    if mark.layer == "mention":
        attrs["class"] += f" t-{mark.attrs['data-type']}"
    attrs["title"] = mark.title
    return "<span " + " ".join(f'{k}="{html.escape(v, quote=True)}"' for k, v in attrs.items()) + ">"


def body(doc: dict[str, Any]) -> str:
    """The article's HTML: escaped text with nested mark elements."""
    parts = []
    for a, b, covering in segments(doc["text"], marks(doc)):
        piece = html.escape(doc["text"][a:b], quote=False)
        parts.append("".join(map(_open, covering)) + piece + "</span>" * len(covering))
    return "".join(parts)


def legend(doc: dict[str, Any]) -> str:
    types = sorted({m["type"] for m in doc["mentions"]}, key=list(TYPE_COLOURS).index)
    items = [f'<li data-legend="{t}"><span class="a mention t-{t}">{t}</span></li>' for t in types]
    present = set(expected_counts(doc))
    for layer, label in LAYER_LABELS.items():
        if layer in present:
            items.append(f'<li data-legend="{layer}"><span class="a {layer}">{html.escape(label)}</span></li>')
    return "<ul class=legend>" + "".join(items) + "</ul>"


_CSS = """
body{font:16px/1.7 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;margin:0;color:#1b1b1b;background:#fafafa}
main{max-width:46rem;margin:1.5rem auto;padding:0 1.2rem}
header p{color:#555;font-size:.85rem;margin:.2rem 0}
#article{white-space:pre-wrap;background:#fff;padding:1.2rem 1.4rem;border:1px solid #ddd;border-radius:6px}
.legend{list-style:none;padding:.6rem .8rem;margin:1rem 0;display:flex;flex-wrap:wrap;gap:.4rem .8rem;background:#fff;border:1px solid #ddd;border-radius:6px;font-size:.85rem}
.a{border-radius:2px}
.mention{border-bottom:2px solid var(--dark);background:var(--light);padding:0 1px}
.mention.lit{outline:2px solid var(--dark);background:var(--dark);color:#fff}
.content{background:#e8ecf6}
.source{font-weight:650;border-top:2px solid #2e7d32}
.cue{font-style:italic;box-shadow:inset 0 -3px 0 #6a1b9a}
.fact{border:1.5px dashed #d35400;padding:0 2px}
.measured{text-decoration:underline dotted #d35400 2px;text-underline-offset:4px}
.legend .a{padding:0 4px}
footer{color:#666;font-size:.8rem;margin:1rem 0 2rem}
"""

_SCRIPT = """
(function(){
  var marks = document.querySelectorAll('#article [data-ann]');
  var seen = {}, counts = {};
  marks.forEach(function(el){
    var r = el.getBoundingClientRect(), s = getComputedStyle(el);
    if (!r.width || !r.height || s.visibility === 'hidden' || s.display === 'none') return;
    var key = el.dataset.layer + ' ' + el.dataset.ann;
    if (seen[key]) return;
    seen[key] = 1;
    counts[el.dataset.layer] = (counts[el.dataset.layer] || 0) + 1;
  });
  document.body.dataset.counts = JSON.stringify(counts);
  function light(entity, on){
    document.querySelectorAll('.mention[data-entity="' + entity + '"]').forEach(function(el){
      el.classList.toggle('lit', on);
    });
  }
  document.getElementById('article').addEventListener('mouseover', function(ev){
    var el = ev.target.closest('.mention'); if (el) light(el.dataset.entity, true);
  });
  document.getElementById('article').addEventListener('mouseout', function(ev){
    var el = ev.target.closest('.mention'); if (el) light(el.dataset.entity, false);
  });
})();
"""


def render_html(doc: dict[str, Any]) -> str:
    """A complete HTML page for one (valid) document."""
    colours = "".join(f".t-{t}{{--light:{lt};--dark:{dk}}}" for t, (lt, dk) in TYPE_COLOURS.items())
    counts = expected_counts(doc)
    meta = doc["annotation"]
    summary = ", ".join(f"{n} {LAYER_LABELS.get(k, k)}" for k, n in sorted(counts.items()))
    esc = html.escape
    return (
        '<!DOCTYPE html>\n<html lang="' + esc(doc["language"]) + '">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(doc['title'])}</title>\n<style>{_CSS}{colours}</style>\n</head>\n"
        f"<body data-expected='{esc(json.dumps(counts, sort_keys=True), quote=True)}'>\n<main>\n<header>\n"
        f"<p>{esc(doc['doc_id'])} · split {esc(doc['split'])} · set {esc(meta['set'])} ({esc(meta['status'])})</p>\n"
        f'</header>\n{legend(doc)}\n<article id="article">{body(doc)}</article>\n'
        f"<footer>{esc(summary)}. Hover a mark for its details; hovering a mention lights up its entity's "
        "other mentions.</footer>\n</main>\n"
        f"<script>{_SCRIPT}</script>\n</body>\n</html>\n"
    )
