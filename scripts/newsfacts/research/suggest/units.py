"""Units after a number: the lexicon generated from pint and UCUM (units.json), and currencies.

``unit_at(text, pos)`` finds the longest written unit starting at ``pos`` (after optional
spaces, a hyphen, or glued to the number), and returns its UCUM code, quantity kind and
OntoNotes type. Words are matched case-insensitively, symbols case-sensitively, and short
symbols only glued to the number (“250ml”, not “250 m of”).

Currencies are not physical units (pint has none): ISO 4217 codes in braces, from the signs
and names below.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

LEXICON = Path(__file__).resolve().parent / "units.json"

#: Currency signs and codes written before a number (longest first when matching).
CURRENCY_SIGNS = {
    "US$": "USD", "US $": "USD", "NZ$": "NZD", "NZ $": "NZD", "A$": "AUD", "AU$": "AUD", "AU $": "AUD",
    "C$": "CAD", "CA$": "CAD", "CA $": "CAD", "HK$": "HKD", "HK $": "HKD", "S$": "SGD", "$": "USD", "€": "EUR",
    "£": "GBP", "¥": "JPY", "₹": "INR", "₩": "KRW", "₽": "RUB", "USD": "USD", "EUR": "EUR", "GBP": "GBP",
    "NZD": "NZD", "AUD": "AUD", "CAD": "CAD", "JPY": "JPY", "CNY": "CNY", "CHF": "CHF", "INR": "INR",
    "HKD": "HKD", "RMB": "CNY", "Rs": "INR", "Rs.": "INR",
}  # fmt: skip
#: Currency names written after a number (singular and plural), with an optional country word.
CURRENCY_NAMES = {
    "dollar": "USD", "US dollar": "USD", "U.S. dollar": "USD", "American dollar": "USD", "Canadian dollar": "CAD",
    "Australian dollar": "AUD", "New Zealand dollar": "NZD", "Hong Kong dollar": "HKD", "Singapore dollar": "SGD",
    "euro": "EUR", "pound": "GBP", "pound sterling": "GBP", "pounds sterling": "GBP", "yen": "JPY", "yuan": "CNY",
    "renminbi": "CNY", "rupee": "INR", "won": "KRW", "rouble": "RUB", "ruble": "RUB", "franc": "CHF",
    "Swiss franc": "CHF", "peso": "MXN", "real": "BRL", "reais": "BRL", "rand": "ZAR", "krona": "SEK",
    "kronor": "SEK", "krone": "NOK", "kroner": "NOK", "lira": "TRY", "shekel": "ILS", "baht": "THB",
    "ringgit": "MYR", "naira": "NGN", "dinar": "IQD", "riyal": "SAR", "dirham": "AED",
}  # fmt: skip
#: Words that may stand between a number and its unit without being part of what is measured.
UNIT_MODIFIERS = ("working", "business", "calendar", "consecutive", "straight", "full", "light")


@dataclass(frozen=True)
class Unit:
    code: str
    kind: str
    ontonotes: str
    start: int
    end: int
    text: str


def _ontonotes(kind: str) -> str:
    return {"duration": "DATE", "money": "MONEY", "percentage": "PERCENT", "age": "DATE"}.get(kind, "QUANTITY")


@functools.cache
def _lexicon() -> tuple[dict[str, tuple[str, str, str]], int]:
    forms = json.loads(LEXICON.read_text(encoding="utf-8"))["forms"]
    table = {form: (code, kind, how) for form, (code, kind, how) in forms.items()}
    table["percent"] = table["per cent"] = table["%"] = table["pct"] = ("%", "percentage", "word")
    table["percentage points"] = table["percentage point"] = ("%", "percentage", "word")
    for name, code in CURRENCY_NAMES.items():
        for form in {name, name + "s", name + "es"} if not name.endswith("s") else {name}:
            table.setdefault(form.lower(), ("{" + code + "}", "money", "word"))
    table["decade"] = table["decades"] = ("10.a", "duration", "word")
    table["century"] = table["centuries"] = ("100.a", "duration", "word")
    longest = max(len(form.split()) for form in table)
    return table, longest


_WORDS = re.compile(r"[^\W\d_][\w.°/]*|%|°[CF]")


def unit_at(text: str, pos: int, limit: int | None = None) -> Unit | None:
    """The unit written right after a number ending at ``pos``; None when there is none."""
    table, longest = _lexicon()
    limit = len(text) if limit is None else limit
    window = text[pos : min(limit, pos + 60)]
    glued = bool(window) and not window[0].isspace() and window[0] != "-"
    lead = re.match(r"(?:\s*-\s*|\s+)?", window)
    offset = lead.end() if lead else 0
    words = []
    for m in _WORDS.finditer(window, offset):
        gap = window[(words[-1].end() if words else offset) : m.start()]
        if gap.strip(" -") or len(words) == longest + 1:
            break
        words.append(m)
    modifier = 1 if words and words[0].group().lower() in UNIT_MODIFIERS else 0
    for skip in (0, modifier) if modifier else (0,):
        for n in range(min(len(words) - skip, longest), 0, -1):
            first, last = words[skip], words[skip + n - 1]
            written = window[first.start() : last.end()]
            end = last.end()
            if written.endswith(".") and written.lower().rstrip(".") + "." not in table:
                written, end = written[:-1], end - 1
            key = re.sub(r"[\s-]+", " ", written)
            found = table.get(key) or table.get(key.lower())
            if found is None:
                continue
            code, kind, how = found
            if table.get(key) is None and how != "word":
                continue  # symbols match case-sensitively
            if how == "glued" and not (glued and skip == 0 and n == 1):
                continue
            begin = pos + (words[0].start() if skip else first.start())
            return Unit(code, kind, _ontonotes(kind), begin, pos + end, text[begin : pos + end])
    return None
