"""Numbers as written: numerals, number words, ordinals, fractions, and their values.

Values are computed in decimal arithmetic and returned as JSON numbers (an ``int`` when whole);
a numeral longer than ``MAX_DIGITS`` digits is not read as a number at all (no fact states a
quantity that large, and a float could not hold it: no OverflowError, no infinity).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

MAX_DIGITS = 15

UNITS_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9, "trillion": 10**12}
#: Abbreviated scales, read only right after a currency amount (“$13.6M”, “£2bn”).
SHORT_SCALES = {"m": 10**6, "mn": 10**6, "mln": 10**6, "bn": 10**9, "b": 10**9, "k": 1000, "tn": 10**12}
ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
    "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
    "fortieth": 40, "fiftieth": 50, "sixtieth": 60, "seventieth": 70, "eightieth": 80, "ninetieth": 90,
    "hundredth": 100, "thousandth": 1000,
}  # fmt: skip
FRACTIONS = {"half": Decimal(1) / 2, "third": Decimal(1) / 3, "quarter": Decimal(1) / 4, "fifth": Decimal(1) / 5}

_WORD = "|".join(sorted(UNITS_WORDS, key=len, reverse=True))
_SCALE = "|".join(SCALES)
DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
#: A numeral or a number-word expression (“200,000”, “2.5 million”, “twenty-five”, “three hundred”).
NUMBER = re.compile(
    rf"(?<![\w.,/:#])(?:{DIGITS})(?:\s+(?:{_SCALE}))?(?![\w:]|[.,]\d)"
    rf"|\b(?:{_WORD})(?:(?:[\s-]+|\s+and\s+)(?:{_WORD}|{_SCALE}))*\b"
    rf"|\ba\s+(?:{_SCALE})(?:\s+(?:{_SCALE}))?\b",
    re.IGNORECASE,
)
#: Digits glued to a unit or a scale letter: “2,000km”, “250ml”, “13.6M”.
GLUED = re.compile(rf"(?<![\w.,/:#-])({DIGITS})(?=[^\W\d_])")
_ORD_WORD = "|".join(sorted(ORDINAL_WORDS, key=len, reverse=True))
ORDINAL = re.compile(
    rf"(?<![\w.,/:-])\d+(?:st|nd|rd|th)\b|\b(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)-)?(?:{_ORD_WORD})\b",
    re.IGNORECASE,
)


def to_json(value: Decimal) -> int | float:
    """A decimal as the JSON number the schema stores: an int when whole."""
    return int(value) if value == value.to_integral_value() else float(value)


def parse_number(words: str) -> Decimal | None:
    """The value of a numeral or number-word expression; None when it is not one (or is too long)."""
    s = words.lower().replace(",", "")
    total, current = Decimal(0), Decimal(0)
    seen = False
    for token in re.split(r"[\s-]+", s):
        if not token or token == "and":
            continue
        if re.fullmatch(r"\d+(?:\.\d+)?", token):
            if len(token.split(".")[0]) > MAX_DIGITS:
                return None
            try:
                current += Decimal(token)
            except InvalidOperation:
                return None
        elif token in UNITS_WORDS:
            current += UNITS_WORDS[token]
        elif token == "a" and not seen:
            current += 1
        elif token in SCALES:
            scale = SCALES[token]
            if scale == 100:
                current = (current or 1) * 100
            else:
                total += (current or 1) * scale
                current = Decimal(0)
        else:
            return None
        seen = True
    return total + current if seen else None


def ordinal_value(token: str) -> int | None:
    t = token.lower()
    m = re.fullmatch(r"(\d+)(?:st|nd|rd|th)", t)
    if m:
        return int(m.group(1)) if len(m.group(1)) <= MAX_DIGITS else None
    tens, _, unit = t.rpartition("-")
    if unit in ORDINAL_WORDS:
        return (UNITS_WORDS.get(tens, 0) if tens else 0) + ORDINAL_WORDS[unit]
    return None
