"""The suggester's unit lexicon is what pint's registry and ucumvert's UCUM mapping make of its unit list."""

from __future__ import annotations

import importlib.util
import json
import os

import pytest
from newsfacts.research.suggest import make_units
from newsfacts.research.suggest.units import unit_at


def _needs_libraries() -> None:
    if all(importlib.util.find_spec(m) for m in ("pint", "ucumvert")):
        return
    if os.environ.get("CI"):
        pytest.fail("pint and ucumvert must be installed in CI (they are in the test extra)")
    pytest.skip("install the units extra (pint, ucumvert) to regenerate the unit lexicon")


def test_committed_lexicon_is_generated():
    """With the library versions it was made with, the lexicon is regenerated exactly; with others,
    every committed form must still be one pint reads as its code's unit (new forms may appear)."""
    _needs_libraries()
    fresh = json.loads(make_units.render(make_units.build()))
    committed = json.loads(make_units.OUT.read_text(encoding="utf-8"))
    if (fresh["pint"], fresh["ucumvert"]) == (committed["pint"], committed["ucumvert"]):
        assert fresh["forms"] == committed["forms"], (
            "units.json is stale: run python -m newsfacts.research.suggest.make_units"
        )
    else:
        lost = {f: v for f, v in committed["forms"].items() if fresh["forms"].get(f) != v}
        assert not lost, f"pint {fresh['pint']} / ucumvert {fresh['ucumvert']} read these forms otherwise: {lost}"


def test_every_code_is_ucum_that_pint_reads():
    _needs_libraries()
    from ucumvert import PintUcumRegistry

    ureg = PintUcumRegistry()
    forms = json.loads(make_units.OUT.read_text(encoding="utf-8"))["forms"]
    for code in {code for code, _, _ in forms.values()}:
        assert ureg.from_ucum(code) is not None, code


@pytest.mark.parametrize(
    ("text", "code", "written"),
    [
        (" square miles of", "[mi_i]2", "square miles"),
        ("km of road", "km", "km"),
        (" km of road", "km", "km"),
        ("-year-old", "a", "year"),
        (" working days", "d", "working days"),
        (" m of cable", None, None),  # “m” stands alone only glued to the number
        (" in the end", None, None),
        (" miles per hour", "[mi_i]/h", "miles per hour"),
        (" degrees Celsius", "Cel", "degrees Celsius"),
        (" percent", "%", "percent"),
        (" US dollars", "{USD}", "US dollars"),
    ],
)
def test_unit_at(text, code, written):
    found = unit_at("5" + text, 1)
    if code is None:
        assert found is None
    else:
        assert found is not None and found.code == code and found.text == written
