"""Generate units.json, the suggester's unit lexicon, from pint's registry and ucumvert's UCUM mapping.

Run ``python -m newsfacts.research.suggest.make_units`` (needs the ``units`` extra: pint and
ucumvert) after changing ``UNITS`` below or upgrading either library; tests/test_suggest_units.py
checks that the committed file is what this module makes. The suggester itself reads only the
JSON file, so drafting needs neither library and starts fast.

What comes from where:

* ``UNITS`` chooses *which* units news text uses (a UCUM code per unit, and its quantity
  kind); that list is ours.
* Every code is parsed by ucumvert into a pint unit (so a code that UCUM does not define fails
  here), and every written form — pint's name, plural, symbol and aliases of that unit, and the
  prefixed forms pint builds (``kilo`` + ``metre``) — is checked by asking pint's registry to
  parse it back to the same unit: pint is the authority on what the words mean, UCUM (through
  ucumvert) on the code.
* Plurals are the names with ``s`` (``es`` after s, x, ch, sh), ``feet`` for ``foot``; a plural
  pint does not read as the unit is dropped.
* ``square``/``sq``/``cubic`` forms of lengths become areas and volumes (code ``X2``/``X3``),
  and ``per hour`` forms of lengths speeds (``X/h``), each checked the same way.
"""

from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE / "units.json"

#: (UCUM code, quantity kind): the units the suggester looks for after a number.
UNITS: list[tuple[str, str]] = [
    # length
    ("m", "length"), ("km", "length"), ("cm", "length"), ("mm", "length"), ("um", "length"), ("nm", "length"),
    ("[mi_i]", "length"), ("[ft_i]", "length"), ("[in_i]", "length"), ("[yd_i]", "length"), ("[nmi_i]", "length"),
    ("[ly]", "length"), ("AU", "length"),
    # area
    ("har", "area"), ("[acr_us]", "area"),
    # volume
    ("L", "volume"), ("mL", "volume"), ("cL", "volume"), ("dL", "volume"), ("hL", "volume"),
    ("[gal_us]", "volume"), ("[bbl_us]", "volume"), ("[foz_us]", "volume"),
    # mass
    ("g", "mass"), ("kg", "mass"), ("[ston_av]", "mass"), ("mg", "mass"), ("ug", "mass"), ("t", "mass"), ("[lb_av]", "mass"),
    ("[oz_av]", "mass"), ("[stone_av]", "mass"), ("[car_m]", "mass"),
    # time
    ("s", "duration"), ("ms", "duration"), ("min", "duration"), ("h", "duration"), ("d", "duration"),
    ("wk", "duration"), ("mo", "duration"), ("a", "duration"),
    # speed
    ("[kn_i]", "speed"),
    # temperature
    ("Cel", "temperature"), ("[degF]", "temperature"), ("K", "temperature"),
    # energy, power, pressure, data, frequency, sound, angle
    ("J", "other"), ("kJ", "other"), ("MJ", "other"), ("cal", "other"), ("kcal", "other"), ("W", "other"),
    ("kW", "other"), ("MW", "other"), ("GW", "other"), ("kW.h", "other"), ("MW.h", "other"), ("GW.h", "other"),
    ("TW.h", "other"), ("V", "other"), ("kV", "other"), ("A", "other"), ("Pa", "other"), ("kPa", "other"),
    ("MPa", "other"), ("bar", "other"), ("atm", "other"), ("Hz", "other"), ("kHz", "other"), ("MHz", "other"),
    ("GHz", "other"), ("By", "other"), ("kBy", "other"), ("MBy", "other"), ("GBy", "other"), ("TBy", "other"),
    ("deg", "other"), ("[hp_M]", "other"),
]  # fmt: skip
#: Lengths that also make areas, volumes and speeds.
SQUARE = ("m", "km", "cm", "[mi_i]", "[ft_i]", "[in_i]", "[yd_i]")
CUBIC = ("m", "cm", "[ft_i]")
PER_HOUR = ("km", "[mi_i]")
#: Symbols that are English words, one letter, or ambiguous in prose: matched only glued to
#: the number ("250ml", "2,000km") — never as a separate word.
GLUED_ONLY_MAX = 1
ENGLISH = {
    "a",
    "at",
    "in",
    "are",
    "bar",
    "g",
    "min",
    "mo",
    "wk",
    "d",
    "h",
    "s",
    "t",
    "m",
    "l",
    "cal",
    "pa",
    "k",
    "ha",
    "ct",
    "au",
    "yd",
    "oz",
    "lb",
    "kn",
    "ly",
    "ton",
    "gal",
    "st",
    "tb",
    "mb",
    "gb",
    "hl",
    "dl",
    "cl",
    "nm",
}
#: Symbols left out: "B" (bel; "$5B" is billions), "a" (annum; "5a" is rarely a year).
DENIED_SYMBOLS = {"B", "a"}
#: Written forms pint reads but does not list under the unit UCUM's code gives (pint spells the
#: hectare, the degree Celsius and the kilowatt hour as units of their own, the barrel as
#: oil_barrel): each is checked against the code's unit like every other form.
EXTRA_FORMS = [
    ("hectare", "har"), ("hectares", "har"), ("ha", "har"), ("degree Celsius", "Cel"), ("degrees Celsius", "Cel"),
    ("°C", "Cel"), ("degree Fahrenheit", "[degF]"), ("degrees Fahrenheit", "[degF]"), ("°F", "[degF]"),
    ("kilowatt hour", "kW.h"), ("kilowatt hours", "kW.h"), ("kWh", "kW.h"), ("megawatt hours", "MW.h"), ("MWh", "MW.h"),
    ("gigawatt hours", "GW.h"), ("GWh", "GW.h"), ("terawatt hours", "TW.h"), ("TWh", "TW.h"), ("lbs", "[lb_av]"), ("light year", "[ly]"), ("light years", "[ly]"),
    ("km2", "km2"), ("m2", "m2"), ("sq. km", "km2"), ("sq. mi", "[mi_i]2"), ("tonne", "t"), ("tonnes", "t"),
    ("metric ton", "t"), ("metric tons", "t"),
]  # fmt: skip


def _plural(word: str) -> str:
    if word == "foot":
        return "feet"
    if word.endswith("y") and not word.endswith(("ay", "ey", "oy")):
        return word[:-1] + "ies"
    return word + ("es" if word.endswith(("s", "x", "ch", "sh")) else "s")


def build() -> dict[str, Any]:
    """The lexicon: ``forms`` (written form → [code, kind, symbol?]), with the library versions."""
    from importlib.metadata import version

    from ucumvert import PintUcumRegistry

    ureg = PintUcumRegistry()

    def pint_unit(code: str):
        return ureg.parse_units(str(ureg.from_ucum(code).units))

    def factor_names(name: str) -> tuple[set[str], set[str]]:
        """pint's names and aliases, and symbols, of one (possibly prefixed) unit name."""
        prefix, base, _ = ureg.parse_unit_name(name)[0]
        definition = ureg._units[base]
        prefix_def = ureg._prefixes[prefix] if prefix else None
        words = {definition.name, *definition.aliases}
        symbols = {definition.symbol} if definition.symbol else set()
        if prefix_def is not None:
            words = {prefix_def.name + w for w in words} | {a + w for a in prefix_def.aliases for w in words}
            symbols = {prefix_def.symbol + s for s in symbols if prefix_def.symbol}
        words = {w.replace("_", " ") for w in words if w and w.isascii() and not w.startswith("_")}
        return words, {s for s in symbols if s and s.isascii()}

    def names_of(unit) -> set[str]:
        """Written forms of a unit: words (``kilowatt hour``) and symbols (``kWh``), symbols marked by NUL."""
        factors = list(unit._units.items())
        assert all(power == 1 for _, power in factors), unit
        words, symbols = {""}, {""}
        for name, _ in factors:
            w, s = factor_names(name)
            words = {f"{a} {b}".strip() for a in words for b in w}
            symbols = {a + b for a in symbols for b in s}
        return words | {f"\x00{s}" for s in symbols if s}

    forms: dict[str, list[Any]] = {}

    def add(form: str, code: str, kind: str, unit, symbol: bool) -> None:
        # pint spells names with "_" ("light_year"), plurals on the last word only, powers as "**"
        readings = (
            form,
            form.replace(" ", "_"),
            re.sub(r"^(\w+)s (\w+)$", r"\1_\2", form),
            re.sub(r"(\D)([23])$", r"\1**\2", form),
        )
        for reading in readings:
            try:
                parsed = ureg.parse_units(reading)
                break
            except Exception:  # a form pint does not read is not one of its forms
                continue
        else:
            return
        try:
            same = parsed.dimensionality == unit.dimensionality and math.isclose(
                ureg.Quantity(1, parsed).to(unit).magnitude, 1, rel_tol=1e-9
            )
        except Exception:  # offset units (degrees) that pint will not convert like this
            same = str(parsed) == str(unit)
        if not same:
            return
        if symbol and (form in DENIED_SYMBOLS or "_" in form or len(form) > 6):
            return
        key = form if symbol else form.lower()
        if symbol and not form.startswith("°") and (len(form) <= GLUED_ONLY_MAX or form.lower() in ENGLISH):
            forms.setdefault(key, [code, kind, "glued"])
        else:
            forms.setdefault(key, [code, kind, "symbol" if symbol else "word"])

    for code, kind in UNITS:
        unit = pint_unit(code)
        for name in sorted(names_of(unit)):
            symbol = name.startswith("\x00")
            form = name.lstrip("\x00")
            add(form, code, kind, unit, symbol)
            if not symbol:
                head, _, rest = form.partition(" ")
                add(_plural(form), code, kind, unit, False)
                if rest:
                    add(f"{_plural(head)} {rest}", code, kind, unit, False)
        if code in SQUARE or code in CUBIC or code in PER_HOUR:
            for name in sorted(names_of(unit)):
                if name.startswith("\x00"):
                    sym = name[1:]
                    if code in SQUARE:
                        add(f"{sym}2", f"{code}2", "area", pint_unit(f"{code}2"), True)
                        add(f"sq {sym}", f"{code}2", "area", pint_unit(f"{code}2"), True)
                    if code in CUBIC:
                        add(f"{sym}3", f"{code}3", "volume", pint_unit(f"{code}3"), True)
                    if code in PER_HOUR:
                        add(f"{sym}/h", f"{code}/h", "speed", pint_unit(f"{code}/h"), True)
                    continue
                for word in (name, _plural(name)):
                    if code in SQUARE:
                        add(f"square {word}", f"{code}2", "area", pint_unit(f"{code}2"), False)
                    if code in CUBIC:
                        add(f"cubic {word}", f"{code}3", "volume", pint_unit(f"{code}3"), False)
                    if code in PER_HOUR:
                        add(f"{word} per hour", f"{code}/h", "speed", pint_unit(f"{code}/h"), False)
                        add(f"{word} an hour", f"{code}/h", "speed", pint_unit(f"{code}/h"), False)
    for sym, code in (("mph", "[mi_i]/h"), ("kph", "km/h")):
        add(sym, code, "speed", pint_unit(code), True)
    kinds = dict(UNITS) | {f"{c}2": "area" for c in SQUARE}
    for form, code in EXTRA_FORMS:
        symbol = not any(c.islower() for c in form[1:]) or form[0] == "°" or len(form) <= 4
        add(form, code, kinds[code], pint_unit(code), symbol and " " not in form)
    return {
        "generated_by": "newsfacts.research.suggest.make_units",
        "pint": version("pint"),
        "ucumvert": version("ucumvert"),
        "forms": dict(sorted(forms.items())),
    }


def render(table: dict[str, Any]) -> str:
    return json.dumps(table, ensure_ascii=False, indent=1) + "\n"


def main() -> int:
    OUT.write_text(render(build()), encoding="utf-8")
    print(f"wrote {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
