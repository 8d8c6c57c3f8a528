"""corpus/GUIDELINES.md agrees with what it documents: the rule table with
schema/interval-rules.json, its version with the records and with ingest."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from newsfacts.contract.schema import interval_rules
from newsfacts.corpus.ingest import GUIDELINES_VERSION

ROOT = Path(__file__).resolve().parent.parent
GUIDELINES = (ROOT / "corpus" / "GUIDELINES.md").read_text(encoding="utf-8")


def table_rows() -> list[dict[str, str]]:
    block = re.search(r"<!-- interval-rules:begin -->\n(.*?)<!-- interval-rules:end -->", GUIDELINES, re.S)
    assert block, "GUIDELINES.md has no interval-rules block"
    lines = [line for line in block.group(1).splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    assert header == ["rule", "triggers", "approximation", "value", "low", "high", "rationale"]
    return [dict(zip(header, (c.strip() for c in line.strip("|").split("|")), strict=True)) for line in lines[2:]]


def written_bound(spec: dict | None, side: str) -> str:
    """A bound of the JSON table as the guidelines write it."""
    if spec is None:
        return "∞"
    if "stated" in spec:
        assert spec["stated"] == side
        return "stated"
    if "fixed" in spec:
        return str(spec["fixed"])
    return "n" if spec["times"] == 1 else f"{spec['times']:g} × n"


def test_the_rule_table_matches_interval_rules_json() -> None:
    rows = table_rows()
    rules = list(interval_rules().values())
    assert [r["rule"] for r in rows] == [r["id"] for r in rules]
    for row, rule in zip(rows, rules, strict=True):
        triggers = "—" if not rule["triggers"] else ", ".join(rule["triggers"])
        assert row["triggers"] == triggers, rule["id"]
        assert row["approximation"] == rule["approximation"], rule["id"]
        assert row["value"] == rule["value"], rule["id"]
        assert row["low"] == written_bound(rule["low"], "low"), rule["id"]
        assert row["high"] == written_bound(rule["high"], "high"), rule["id"]
        assert row["rationale"], f"rule {rule['id']} needs a rationale"


def test_the_guidelines_version_is_the_one_records_state() -> None:
    """The version ingest and suggest write is the guidelines' own; every record states a version
    the changelog lists (the seed's gold was made with 1.0.0 and says so), or none yet."""
    stated = re.search(r"\*\*Version (\d+\.\d+\.\d+)\*\*", GUIDELINES)
    assert stated and stated.group(1) == GUIDELINES_VERSION
    changelog = GUIDELINES[GUIDELINES.index("## 8 Changelog") :]
    versions = set(re.findall(r"^- \*\*(\d+\.\d+\.\d+)\*\*", changelog, re.M))
    assert GUIDELINES_VERSION in versions
    for path in sorted((ROOT / "corpus").rglob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        if "annotation" in doc:
            version = doc["annotation"]["guidelines_version"]
            assert version in versions or (version is None and doc["annotation"]["status"] == "unannotated"), path


@pytest.mark.parametrize("section", ["Entities and mentions", "Quotes", "Numeric facts", "Vague numerals"])
def test_the_guidelines_cover_every_layer(section: str) -> None:
    assert re.search(rf"^## \d+ {section}", GUIDELINES, re.M)
