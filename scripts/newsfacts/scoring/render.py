"""Text tables of a score result and of an agreement result."""

from __future__ import annotations

from typing import Any


def _fmt(x: float | None) -> str:
    return "     -" if x is None else f"{100 * x:6.1f}"


def render_text(result: dict[str, Any]) -> str:
    """A text table of a ``score_documents`` result (percentages)."""
    d = result["documents"]
    lines = [
        f"documents: {d['scored']} scored; gold {d['gold']}, predicted {d['pred']}"
        + (f"; missing predictions: {_few(d['missing'])}" if d["missing"] else "")
        + (f"; without gold: {_few(d['extra'])}" if d["extra"] else "")
        + (f"; text differs (not scored): {_few(d['text_mismatch'])}" if d["text_mismatch"] else ""),
        "",
        f"{'layer':<14} {'measure':<28} {'exact P':>7} {'R':>6} {'F1':>6} | {'overlap P':>9} {'R':>6} {'F1':>6} | "
        f"{'tokens P':>8} {'R':>6} {'F1':>6} | {'gold':>5} {'pred':>5}",
    ]

    def row(layer: str, measure: str, both: dict[str, Any]) -> str:
        e, o = both["exact"], both["overlap"]
        t = both.get("tokens")
        tokens = f"{_fmt(t['precision']):>8} {_fmt(t['recall'])} {_fmt(t['f1'])}" if t else f"{'':>8} {'':>6} {'':>6}"
        return (
            f"{layer:<14} {measure:<28} {_fmt(e['precision']):>7} {_fmt(e['recall'])} {_fmt(e['f1'])} | "
            f"{_fmt(o['precision']):>9} {_fmt(o['recall'])} {_fmt(o['f1'])} | {tokens} | {e['gold']:>5} {e['pred']:>5}"
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
        if "typed" in s:
            lines.append(row(layer, f"span+{s['label']}", s["typed"]))
            for name, both in s["by_label"].items():
                lines.append(row(layer, f"  {s['label']}={name}", both))
        for role, both in s.get("roles", {}).items():
            lines.append(row(layer, f"role {role}", both))
        for name, a in s["attributes"].items():
            lines.append(
                f"{layer:<14} {'attr ' + name:<28} {'':>7} {'':>6} {'':>6} | {_fmt(a['precision']):>9} "
                f"{_fmt(a['recall'])} {_fmt(a['f1'])} | {'':>8} {'':>6} {'':>6} | {a['gold']:>5} {a['pred']:>5}"
                f"  acc {_fmt(a['accuracy']).strip()}"
            )
    lines += [
        "",
        "P, R, F1 in %; '-' where undefined. Tokens: partial credit, the tokens the overlap-matched pairs share.",
        "Quote roles count only inside quotes matched by content. Attributes are judged on overlap-matched pairs "
        "(acc = share of those pairs).",
    ]
    return "\n".join(lines) + "\n"


def _few(ids: list[str], limit: int = 20) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f" … ({len(ids)} in all)" if len(ids) > limit else "")


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
