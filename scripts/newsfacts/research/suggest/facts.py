"""Numeric facts of an article, by the general rules of GUIDELINES.md section 4 and the interval-rule table.

In order (an earlier pass takes its characters first; one expression, one fact):

1. **not facts**: clock times (“22:30”), dates (“June 19”, “19 June”), years, numbers inside
   names (a capitalised word or a hyphen right before the number: “Game 7”, “STS-1”,
   “Vostok 1”), and ordinals inside temporal expressions (“the first half”, “day five”);
2. **scores** (“1 – 0”, “won 3-1”): one exact count per side, of the scoring unit the article
   names (goals, points, runs), ``{point}`` otherwise;
3. **magnitude words** of the rule table (“tens of thousands”, “a handful”), longest first;
4. **ranges**: “between X and Y”, “from X to Y” (two facts after a verb of change: “rose from
   9 to 10”), “X to Y”, “X-Y”, “X–Y”, “X or Y” for neighbouring numbers, each with its
   currency and unit;
5. **numbers**, with their approximator from the rule table (before: “about”, “more than”;
   after: “or so”, “or more”; also before a currency sign: “about $7.2 billion”), currency
   sign or code before (“$”, “US$”, “NZ $”), scale words and abbreviations (“5.5 million”,
   “$13.6M”), and a unit after from units.json (pint + UCUM), glued or hyphenated
   (“2,000km”, “11-year”); ages (“14-year-old”, “19 years old”, “Montalvo, 19,”); ratios
   (“18-fold”, “one in three”, “half”), ranks (“33rd”, “the first time”, “number 3”, “#2”);
6. **what is counted**: the noun phrase after the number or after “of” (singular head noun as
   the ``{unit}``; ``{person}`` for people, men and women), else the nearest plural noun before
   it in the sentence; rates when “per day”, “a year”, “every week” follow.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal
from typing import Any

from newsfacts.contract.schema import interval_rules
from newsfacts.research.suggest.numbers import (
    FRACTIONS,
    GLUED,
    NUMBER,
    ORDINAL,
    SHORT_SCALES,
    ordinal_value,
    parse_number,
    to_json,
)
from newsfacts.research.suggest.text import Spans, Taken, sentences
from newsfacts.research.suggest.units import CURRENCY_SIGNS, Unit, unit_at

MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_MONTH_BEFORE = re.compile(rf"\b(?:{MONTHS})\.?\s+$")
_MONTH_AFTER = re.compile(rf"\s*(?:{MONTHS})\b")
TEMPORAL_AFTER = re.compile(
    r"[\s-]+(?:half|halves|minute|quarter|period|century|centuries|millennium|round|leg|inning|innings|set)\b",
    re.IGNORECASE,
)
TEMPORAL_BEFORE = re.compile(r"\b(?:day|week|month|year|round|stage|part|leg|chapter|phase)\s+$", re.IGNORECASE)
CHANGE_VERBS = re.compile(
    r"\b(?:increas|decreas|ris|rose|fell|fall|drop|grew|grow|declin|went|go|jump|climb|cut|rais|reduc|slid|slipp|"
    r"soar|plung|doubl|shrank|shrink|expand|chang|mov|improv|worsen|swell|swoll|sank|sink|lower|boost)\w*\s+"
    r"(?:\w+\s+){0,3}from\s+$",
    re.IGNORECASE,
)
SCORE_WORDS = re.compile(
    r"\b(?:won|win|wins|winning|beat|beats|defeat\w*|lost|lose|loses|losing|drew|draw|ended|end|ends|score\w*|"
    r"lead|leading|led|trail\w*|up|victory|match|game|final|result|half|scoreboard|putting|put)\b",
    re.IGNORECASE,
)
SCORING_UNITS = ("goal", "point", "run", "try", "wicket", "basket", "touchdown")
#: Words after a count of people with no noun (“all six aboard”, “Hundreds dead”): ``{person}``.
PEOPLE_STATES = {"aboard", "dead", "killed", "injured", "wounded", "missing", "died", "hurt", "arrested", "detained",
                 "displaced", "evacuated", "rescued", "survived", "homeless"}  # fmt: skip
PEOPLE = {"people", "persons", "person", "men", "women", "man", "woman", "children", "child", "adults", "individuals"}
IRREGULAR_PLURALS = {"people": "person", "children": "child", "men": "man", "women": "woman", "police": "police"}
_NOT_NOUN = {
    "a", "an", "and", "or", "but", "of", "in", "on", "at", "to", "from", "by", "for", "with", "as", "than",
    "that", "which", "who", "whom", "were", "was", "are", "is", "be", "been", "have", "has", "had", "will",
    "would", "could", "can", "may", "might", "must", "should", "remain", "remained", "remains", "more",
    "less", "said", "say", "says", "per", "every", "each", "over", "under", "into", "out", "up", "down",
    "there", "their", "its", "his", "her", "they", "it", "this", "these", "those", "such", "so", "too",
    "ago", "later", "earlier", "before", "after", "aboard", "apiece", "only", "all", "times", "percent",
    "when", "while", "if", "then", "also", "not", "no", "about", "around", "since", "until", "during", "other",
    "others", "both", "here", "where", "what", "we", "you", "he", "she", "i", "them", "us", "him", "me",
}  # fmt: skip
_WORD_RE = re.compile(r"[^\W\d_][\w’'-]*")
RATE = re.compile(r"\s*(?:(?:a|per|each|every)\s+|/)(day|week|month|year|hour|minute|second)\b", re.IGNORECASE)
RATE_CODES = {"day": "/d", "week": "/wk", "month": "/mo", "year": "/a", "hour": "/h", "minute": "/min", "second": "/s"}
_NAME_WORD = re.compile(r"(?:[A-Z][\w&.]*|[a-z]+[A-Z][\w]*|[A-Z]+&[A-Z]+)\s$")
DETERMINERS = re.compile(r"(?:\b(?:the|its|his|her|their|our|my|your|a|this|that|whose)|’s|'s|\bas)\s+$", re.IGNORECASE)


@functools.cache
def _triggers() -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """Rule-table triggers by position, longest first: ``before`` a number, ``after`` it, ``magnitude`` words."""
    out: dict[str, list[tuple[str, dict[str, Any]]]] = {"before": [], "after": [], "magnitude": []}
    for rule in interval_rules().values():
        for trigger in rule["triggers"]:
            if "…" in trigger:
                continue
            if rule["value"] == "none":
                out["magnitude"].append((trigger, rule))
            elif trigger in ("or so", "or more"):
                out["after"].append((trigger, rule))
            else:
                out["before"].append((trigger, rule))
    for pairs in out.values():
        pairs.sort(key=lambda p: -len(p[0]))
    return out


@functools.cache
def _magnitude_pattern() -> re.Pattern[str]:
    words = "|".join(re.escape(t) for t, _ in _triggers()["magnitude"])
    return re.compile(rf"(?<![\w-])(?:{words})(?![\w-])", re.IGNORECASE)


def _interval(rule: dict[str, Any], value: Decimal | None, low=None, high=None) -> tuple[Any, Any]:
    def bound(spec: dict[str, Any] | None, own: Any) -> Any:
        if spec is None:
            return None
        if "fixed" in spec:
            return spec["fixed"]
        if "stated" in spec:
            return own
        return to_json(Decimal(str(value)) * Decimal(str(spec["times"])))

    return bound(rule["low"], low), bound(rule["high"], high)


def _fact(text: str, start: int, end: int, value, rule: dict[str, Any], confidence: float, low=None, high=None):
    lo, hi = _interval(rule, value, low, high)
    return {
        "id": "",
        "start": start,
        "end": end,
        "text": text[start:end],
        "value": None if value is None else to_json(value),
        "low": lo,
        "high": hi,
        "interval_rule": rule["id"],
        "unit": "1",
        "unit_text": None,
        "quantity_kind": "count",
        "approximation": rule["approximation"],
        "ontonotes_type": "CARDINAL",
        "measured_entity_id": None,
        "measured_span": None,
        "quote_id": None,
        "confidence": confidence,
    }


# --- what is not a fact -----------------------------------------------------------------------------


def _point_in_time(text: str, start: int, end: int, value: Decimal | None) -> bool:
    token = text[start:end]
    before, after = text[max(0, start - 12) : start], text[end : end + 12]
    if re.match(r"\s*(?:a\.m\.|p\.m\.|am\b|pm\b|GMT|UTC|hrs\b|o'clock|o’clock)", after, re.IGNORECASE):
        return True
    if (re.search(r"\d[:.]$", before) and token[:1].isdigit()) or re.match(r"[:]\d", after):
        return True  # 22:30
    if token.isdigit() and len(token) == 4 and value is not None and 1800 <= value <= 2100:
        return unit_at(text, end) is None  # a year, unless a unit follows (“2000 year old”)
    if token[:1].isdigit() and (_MONTH_BEFORE.search(before) or _MONTH_AFTER.match(after)):
        return True
    return bool(re.match(r"s\b|’s\b|'s\b", after) and token.isdigit() and len(token) == 4)  # the 1990s


def _in_name(text: str, start: int, end: int) -> bool:
    """A number inside a name: right after a capitalised word or a hyphen glued to letters (“Game 7”, “STS-1”)."""
    before = text[max(0, start - 30) : start]
    if _currency_before(text, start):
        return False
    if re.search(r"[A-Za-z]-$", before) or re.search(r"[A-Za-z]$", before):
        return True
    m = _NAME_WORD.search(before)
    if not m:
        return bool(re.match(r"[A-Za-z]", text[end : end + 1])) and not unit_at(text, end)
    word = m.group().strip()
    if re.fullmatch(rf"(?:{MONTHS})\.?", word) or word.rstrip(".").upper() in CURRENCY_SIGNS or word in ("US", "NZ"):
        return False
    lo = max(0, start - 200)
    newline = text.rfind("\n", lo, start)
    line_start = newline + 1 if newline >= 0 else lo
    prefix = text[line_start : start - len(m.group())]
    if not prefix.strip() or re.search(r"[.!?:;\"“”]\s*$", prefix):
        return False  # a sentence- or line-initial capital is not a name
    return word.lower() not in {t for t, _ in _triggers()["before"]} and word not in ("Only", "Just", "All")


# --- the passes ---------------------------------------------------------------------------------


def suggest_numeric_facts(text: str) -> list[dict[str, Any]]:
    """Numeric facts of ``text`` (without ids or quote links), in text order."""
    found: list[dict[str, Any]] = []
    taken = Taken()
    sents = Spans(sentences(text))
    rules = interval_rules()

    def keep(fact: dict[str, Any]) -> None:
        taken.add(fact["start"], fact["end"])
        found.append(fact)

    # 1. scores
    scoring = _scoring_unit(text)
    sporty: dict[tuple[int, int], bool] = {}  # per sentence: does it speak of a match?
    for m in re.finditer(r"(?<![\w.,:])(\d{1,2})(\s*[–-]\s*|\s+to\s+)(\d{1,2})(?![\w.,:]|\s*[–-]\s*\d)", text):
        sentence = sents.at(m.start(), (0, len(text)))
        spaced = m.group(2).strip() in ("–", "-") and m.group(2) != m.group(2).strip()
        if not (spaced or re.match(r"\s+to\s+", m.group(2))):
            continue
        if sentence not in sporty:
            sporty[sentence] = SCORE_WORDS.search(text, *sentence) is not None
        between_names = re.search(r"[A-Z][\w’'-]*\s$", text[max(0, m.start() - 30) : m.start()]) and re.match(
            r"\s[A-Z]", text[m.end() : m.end() + 2]
        )
        if not (sporty[sentence] or between_names):
            continue
        if re.match(r"\s+to\s+", m.group(2)) and not re.search(r"\b(?:won|lost|beat|defeated)\s+$", text[: m.start()]):
            continue
        for g in (1, 3):
            fact = _fact(text, m.start(g), m.end(g), Decimal(m.group(g)), rules["exact"], 0.7)
            fact["unit"] = scoring
            fact["_score"] = True
            keep(fact)
    # 2. magnitude words (“tens of thousands”, “a handful”), longest trigger first
    by_trigger = {t: rule for t, rule in _triggers()["magnitude"]}
    for m in _magnitude_pattern().finditer(text):
        if not taken.free(m.start(), m.end()):
            continue
        start = _approximator_start(text, m.start())[0]
        keep(_fact(text, start, m.end(), None, by_trigger[m.group().lower()], 0.7))
    # 3. ranges
    for fact in _ranges(text, taken, rules):
        keep(fact)
    # 4. fractions and ratios written with words (“one in three”, “two-thirds”), then numbers
    for fact in _ratios(text, taken, rules):
        keep(fact)
    for m in _numbers(text):
        start, end, value = m
        if value is None or not taken.free(start, end):
            continue
        if _point_in_time(text, start, end, value) or _in_name(text, start, end):
            continue
        word = text[start:end].lower()
        if word == "one" and not (unit_at(text, end) or _approximator_start(text, start)[1]):
            continue  # “one” as a pronoun or an article (“one poster”): not counted
        if _identifier(text, start, end):
            continue
        if re.match(
            r"\s+of\s+(?:the|them|these|those|its|his|her|their|our|us|you)\b", text[end : end + 12]
        ) and word in (
            "one",
            "a hundred",
        ):
            continue
        if TEMPORAL_BEFORE.search(text[max(0, start - 12) : start]) and not unit_at(text, end):
            continue  # “day five”
        fact = _number_fact(text, start, end, value, rules)
        if fact is not None and taken.free(fact["start"], fact["end"]):
            keep(fact)
    # 5. ordinals
    for fact in _ranks(text, taken, rules):
        keep(fact)
    found.sort(key=lambda f: (f["start"], -f["end"]))
    # 6. what is counted
    _counted(text, found, sents)
    return found


def _scoring_unit(text: str) -> str:
    counts = {u: len(re.findall(rf"\b{u}s?\b", text, re.IGNORECASE)) for u in SCORING_UNITS}
    best = max(counts, key=lambda u: counts[u])
    return "{" + best + "}" if counts[best] else "{point}"


def _approximator_start(text: str, start: int) -> tuple[int, dict[str, Any] | None]:
    """Where an approximator right before ``start`` begins, and its rule (``start`` and None if none)."""
    before = text[max(0, start - 40) : start].lower()
    for trigger, rule in _triggers()["before"]:
        if before.endswith(trigger + " ") or before.endswith(trigger + " ~"):
            s = start - len(trigger) - 1
            if s == 0 or not text[s - 1].isalnum():
                return s, rule
    if before.endswith("~"):
        return start - 1, interval_rules()["about"]
    return start, None


def _identifier(text: str, start: int, end: int) -> bool:
    """A number naming something, not counting it: after a plural noun (“police posts 542 and 543”),
    or after “the” before a relative clause (“the 747, which …”)."""
    before = text[max(0, start - 25) : start]
    m = re.search(r"\b([a-z]+)\s$", before)
    plural = m and m.group(1).endswith("s") and not m.group(1).endswith("ss") and m.group(1) not in _NOT_NOUN
    if plural and not unit_at(text, end) and not _noun_follows(text, end):
        return True
    return bool(re.search(r"\bthe\s$", before)) and bool(re.match(r",\s+(?:which|who|that)\b", text[end : end + 8]))


def _noun_follows(text: str, pos: int) -> bool:
    m = re.match(r"\s+([^\W\d_][\w’'-]*)", text[pos : pos + 40])
    return bool(m) and m.group(1).lower() not in _NOT_NOUN and m.group(1)[0].islower()


def _numbers(text: str):
    """(start, end, value) of every numeral and number-word expression, glued ones split from their unit."""
    seen = set()
    for m in NUMBER.finditer(text):
        seen.add(m.start())
        yield m.start(), m.end(), parse_number(m.group())
    for m in GLUED.finditer(text):
        if m.start() not in seen:
            yield m.start(1), m.end(1), parse_number(m.group(1))


def _currency_before(text: str, start: int) -> tuple[int, str] | None:
    before = text[max(0, start - 6) : start]
    for sign in sorted(CURRENCY_SIGNS, key=len, reverse=True):
        for gap in ("", " "):
            if before.endswith(sign + gap):
                s = start - len(sign) - len(gap)
                if s == 0 or not text[s - 1].isalnum() or not sign[0].isalpha():
                    return s, CURRENCY_SIGNS[sign]
    return None


def _number_fact(text: str, start: int, end: int, value: Decimal, rules) -> dict[str, Any] | None:
    currency = _currency_before(text, start)
    first = currency[0] if currency else start
    # scale abbreviations after a currency amount: “$13.6M”, “£2bn”, “$5 million”
    if currency:
        m = re.match(r"\s?(mln|mn|bn|tn|m|b|k)\b", text[end : end + 5], re.IGNORECASE)
        if m:
            value, end = value * SHORT_SCALES[m.group(1).lower()], end + m.end()
    approx_start, rule = _approximator_start(text, first)
    after_rule = None
    for trigger, candidate in _triggers()["after"]:
        found = re.match(rf"\s+{re.escape(trigger)}\b", text[end : end + 12], re.IGNORECASE)
        if found:
            after_rule = (candidate, end + found.end())
            break
    rule = rule or rules["exact"]
    start = approx_start
    token = text[first if not currency else currency[0] : end]
    confidence = 0.9 if re.search(r"\d", token) else 0.8
    # ratios and ranks written with the number
    fold = re.match(r"-fold\b", text[end : end + 6])
    if fold:
        fact = _fact(text, start, end + fold.end(), value, rule, confidence)
        fact.update(quantity_kind="ratio")
        return fact
    if re.search(r"(?:\bnumber|\bNo\.|#)\s?$", text[max(0, start - 8) : start]):
        s = re.search(r"(?:\bnumber|\bNo\.|#)\s?$", text[max(0, start - 8) : start])
        fact = _fact(text, max(0, start - 8) + s.start(), end, value, rules["exact"], 0.6)
        fact.update(quantity_kind="rank", ontonotes_type="ORDINAL")
        return fact
    unit = None if currency else unit_at(text, end)
    fact = _fact(text, start, end, value, rule, confidence)
    if currency:
        sign = text[currency[0] : _sign_end(text, currency[0])]
        fact.update(unit="{" + currency[1] + "}", unit_text=sign, quantity_kind="money", ontonotes_type="MONEY")
    elif unit is not None:
        _apply_unit(text, fact, unit)
    if after_rule and fact["interval_rule"] == "exact":
        rule2, stop = after_rule
        if unit is None or stop > fact["end"]:
            lo, hi = _interval(rule2, value)
            fact.update(end=max(fact["end"], stop), low=lo, high=hi, interval_rule=rule2["id"])
            fact.update(approximation=rule2["approximation"], text=text[fact["start"] : fact["end"]])
    # ages: “19 years old”, “14-year-old”, “Montalvo, 19, a member”
    old = re.match(r"[\s-]+old\b", text[fact["end"] : fact["end"] + 6])
    if fact["unit"] in ("a", "mo", "wk", "d") and old:
        fact.update(end=fact["end"] + old.end(), quantity_kind="age", ontonotes_type="DATE")
        fact["text"] = text[fact["start"] : fact["end"]]
    elif (
        fact["unit"] == "1"
        and re.search(r"[A-Z][\w’'-]+,\s$", text[max(0, start - 30) : start])
        and re.match(r",\s", text[end : end + 2])
        and value is not None
        and 0 < value < 120
        and value == int(value)
    ):
        fact.update(unit="a", quantity_kind="age", ontonotes_type="DATE")
    return fact


def _sign_end(text: str, start: int) -> int:
    m = re.match(r"[A-Z]{0,3}\s?[$€£¥₹₩₽]|[A-Z]{3}|Rs\.?", text[start : start + 6])
    return start + (m.end() if m else 1)


def _apply_unit(text: str, fact: dict[str, Any], unit: Unit) -> None:
    kind, onto = unit.kind, unit.ontonotes
    if kind == "duration" and unit.code in ("h", "min", "s", "ms"):
        hours = {"h": 1, "min": 1 / 60, "s": 1 / 3600, "ms": 1 / 3600000}[unit.code]
        value = fact["value"] if fact["value"] is not None else fact["high"] or 0
        onto = "DATE" if value * hours >= 24 else "TIME"
    unit_text = unit.text
    mod = re.match(r"(?:working|business|calendar|consecutive|straight|full)\s+", unit_text, re.IGNORECASE)
    if mod:
        unit_text = unit_text[mod.end() :]
    fact.update(end=unit.end, text=text[fact["start"] : unit.end], unit=unit.code, unit_text=unit_text)
    fact.update(quantity_kind=kind, ontonotes_type=onto)


def _ranges(text: str, taken: Taken, rules) -> list[dict[str, Any]]:
    num = NUMBER.pattern
    pattern = re.compile(
        rf"\b(between|from)\s+((?:[$€£]\s?)?)({num})(\s*(?:%|per\s?cent)?)\s+(and|to)\s+((?:[$€£]\s?)?)({num})"
        rf"|(?<![\w.,:/-])((?:[$€£]\s?)?)({num})(\s*(?:%|per\s?cent)?)(\s*[-–]\s*|\s+to\s+|\s+or\s+)((?:[$€£]\s?)?)({num})",
        re.IGNORECASE,
    )
    out = []
    for m in pattern.finditer(text):
        if m.group(1):
            lead, sign_a, a, _, joint, sign_b, b = m.group(1, 2, 3, 4, 5, 6, 7)
            if (lead.lower() == "between") != (joint.lower() == "and"):
                continue
            start = m.start()
        else:
            sign_a, a, _, joint, sign_b, b = m.group(8, 9, 10, 11, 12, 13)
            lead, start = None, m.start()
        low, high = parse_number(a), parse_number(b)
        if low is None or high is None or not low < high:
            continue
        end = m.end()
        if not taken.free(start, end):
            continue
        joint = joint.strip().lower()
        if joint == "or" and not (high <= low * 10 and high - low <= max(1, low)):
            continue  # “… or …” only for neighbouring numbers (“two or three”)
        if re.search(r"\d", a) and re.search(r"\d", b) and len(a) == len(b) == 4 and 1800 <= low <= 2100:
            continue  # years
        if lead and lead.lower() == "from" and CHANGE_VERBS.search(text[max(0, start - 60) : start + 5]):
            continue  # “rose from 9 to 10”: two facts
        if _point_in_time(text, m.end() - len(b), m.end(), high) or _in_name(text, m.start(m.lastindex or 0), end):
            continue
        if joint in ("-", "–") and lead is None and re.search(r"[A-Za-z]-?$", text[max(0, start - 2) : start]):
            continue
        scale = re.match(r"\s+(million|billion|thousand|trillion)\b", text[end : end + 12], re.IGNORECASE)
        if scale and not re.search(r"million|billion|thousand|trillion", a, re.IGNORECASE):
            factor = {"thousand": 1000, "million": 10**6, "billion": 10**9, "trillion": 10**12}[scale.group(1).lower()]
            low *= factor
            high = high * factor if not re.search(r"million|billion|thousand|trillion", b, re.IGNORECASE) else high
            end += scale.end()
        currency = _currency_before(text, start) if not (sign_a or sign_b) else None
        approx_start, _ = _approximator_start(text, currency[0] if currency else start)
        start = approx_start if approx_start < start else (currency[0] if currency else start)
        fact = _fact(text, start, end, None, rules["range"], 0.6, to_json(low), to_json(high))
        sign = (sign_a or sign_b).strip() or (text[currency[0] : currency[0] + 1] if currency else "")
        if sign:
            fact.update(unit="{" + CURRENCY_SIGNS.get(sign, "USD") + "}", unit_text=sign)
            fact.update(quantity_kind="money", ontonotes_type="MONEY")
        else:
            unit = unit_at(text, end)
            if unit is not None:
                _apply_unit(text, fact, unit)
        fact["text"] = text[fact["start"] : fact["end"]]
        out.append(fact)
        taken.add(fact["start"], fact["end"])
    return out


def _ranks(text: str, taken: Taken, rules) -> list[dict[str, Any]]:
    out = []
    for m in ORDINAL.finditer(text):
        start, end = m.start(), m.end()
        if not taken.free(start, end):
            continue
        value = ordinal_value(m.group())
        if value is None:
            continue
        word = not m.group()[0].isdigit()
        before = text[max(0, start - 20) : start]
        if word and m.group()[0].isupper() and not re.search(r"(?:^|[.!?\n]\s*|[\"“]\s*)$", before):
            continue  # “First Lady”, “Second World War”: names
        if _point_in_time(text, start, end, Decimal(value)) or re.search(rf"\b(?:{MONTHS})\s+$", before):
            continue
        if TEMPORAL_AFTER.match(text, end) or re.match(r"\s+of\s+(?:" + MONTHS + r")\b", text[end : end + 14]):
            continue  # “the first half”, “the 20th minute”, “the 5th of June”
        if re.match(r"\s+(?:[A-Z][\w]*)", text[end : end + 20]) and not word and re.search(r"[A-Z]\w*\s*$", before):
            continue  # “Iraq’s 9th Division”
        if not word and re.match(r"\s+[A-Z]", text[end : end + 3]):
            continue  # “9th Division”, “22nd Fan Expo”
        if word and not DETERMINERS.search(before):
            continue  # “first persuaded”, “at first”: adverbs
        following = FRACTIONS.get(m.group().lower())
        if word and following is not None and re.search(r"\b(?:a|one)\s+$", before):
            continue  # “a third” is a fraction, below
        fact = _fact(text, start, end, Decimal(value), rules["exact"], 0.6)
        fact.update(quantity_kind="rank", ontonotes_type="ORDINAL")
        out.append(fact)
        taken.add(start, end)
    return out


def _ratios(text: str, taken: Taken, rules) -> list[dict[str, Any]]:
    out = []
    fraction = re.compile(
        r"\b(?:(a|one)\s+(half|third|quarter|fifth)|(half)|(one|two|three)\s+in\s+(two|three|four|five|ten)"
        r"|(two|three)[\s-](thirds|quarters|fifths)|(twice)|(\d+(?:\.\d+)?)[\s-]times)\b",
        re.IGNORECASE,
    )
    words = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "ten": 10}
    parts = {"third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fifth": 5, "fifths": 5, "half": 2}
    for m in fraction.finditer(text):
        start, end = m.start(), m.end()
        if not taken.free(start, end):
            continue
        before = text[max(0, start - 20) : start].lower()
        if m.group(2):
            if not re.match(r"\s*(?:of\b|as\b|more\b|less\b|than\b|[,.;:)]|$)", text[end : end + 6]):
                continue  # “a third goal”: an ordinal
            value = Decimal(1) / parts[m.group(2).lower()]
        elif m.group(3):
            if not re.match(r"\s+(?:of|the|a|an|as|its|their|his|her)\b", text[end : end + 6]):
                continue  # “the first half”, “half-time”: not a fraction of something
            if re.search(r"\b(?:first|second|the)\s+$", before):
                continue
            value = Decimal(1) / 2
        elif m.group(4):
            value = Decimal(words[m.group(4).lower()]) / words[m.group(5).lower()]
        elif m.group(6):
            value = Decimal(words[m.group(6).lower()]) / parts[m.group(7).lower()]
        elif m.group(8):
            if not re.match(r"\s+as\b", text[end : end + 4]):
                fact = _fact(text, start, end, Decimal(2), rules["exact"], 0.5)
                fact["unit"] = "{occasion}"
                out.append(fact)
                taken.add(start, end)
                continue
            value = Decimal(2)
        else:
            if not re.match(r"\s+(?:as|more|less|higher|lower|larger|smaller|greater|the)\b", text[end : end + 9]):
                continue
            value = Decimal(m.group(9))
        fact = _fact(text, start, end, Decimal(str(float(value))) if value != value.to_integral_value() else value,
                     rules["exact"], 0.5)  # fmt: skip
        fact["value"] = fact["low"] = fact["high"] = float(value) if value != int(value) else int(value)
        fact["quantity_kind"] = "ratio"
        out.append(fact)
        taken.add(start, end)
    return out


# --- what is counted ----------------------------------------------------------------------------


def _singular(word: str) -> str:
    w = word.lower().replace("’", "").replace("'", "")
    if w in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[w]
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("sses", "xes", "ches", "shes")):
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def _unit_name(words: list[str]) -> str:
    if words[-1].lower() in PEOPLE:
        return "person"
    return re.sub(r"[^a-z0-9_]", "", _singular(words[-1]).replace("-", "_")).strip("_") or "thing"


def _noun_phrase(text: str, pos: int, limit: int, *, need_of: bool = False) -> tuple[int, int] | None:
    """The noun phrase at ``pos`` (after an optional “of”, required when ``need_of``): up to three
    words from its determiner to its head, stopping before function words and participles."""
    m = re.match(r"\s+of\s+" if need_of else r"\s+of\s+|\s+|-", text[pos : min(limit, pos + 40)])
    if not m:
        return None
    after_of = "of" in m.group()
    pos += m.end()
    words: list[re.Match[str]] = []
    for w in _WORD_RE.finditer(text, pos, limit):
        if w.start() != pos or len(words) == 3:
            break
        token = w.group().lower()
        if token in _NOT_NOUN and not (token == "the" and not words):
            break
        participle = token.endswith(("ed", "ing")) and not w.group()[0].isupper()
        if participle and (words or not after_of):
            break  # “units attacking”, “200 displaced”: the phrase ends, or the noun is elided
        words.append(w)
        if (token.endswith("s") and not token.endswith("ss")) or token in IRREGULAR_PLURALS:
            break  # a plural head ends the phrase
        if text[w.end() : w.end() + 1] != " ":
            break
        pos = w.end() + 1
    while words and words[-1].group().lower() == "the":
        words.pop()
    if not words:
        return None
    return words[0].start(), words[-1].end()


def _antecedent(text: str, start: int, floor: int) -> tuple[int, int] | None:
    """The nearest plural noun before ``start`` in the sentence: what an elided count refers to."""
    best = None
    triggers = {t for pairs in _triggers().values() for t, _ in pairs}
    for w in _WORD_RE.finditer(text, max(floor, start - 300), start):
        token = w.group().lower()
        if (
            len(token) > 3
            and token.endswith("s")
            and not token.endswith(("ss", "us", "is"))
            and token not in _NOT_NOUN
            and token not in triggers
        ):
            best = (w.start(), w.end())
    return best


def _counted(text: str, facts: list[dict[str, Any]], sents: Spans) -> None:
    previous: dict[tuple[int, int], tuple[int, int]] = {}
    for fact in facts:
        sentence = sents.at(fact["start"], (0, len(text)))
        kind = fact["quantity_kind"]
        if (kind in ("count", "money") and fact["unit"] == "1") or kind == "money":
            _add_rate(text, fact, sentence)
        if fact.pop("_score", False):
            continue  # a score counts what is scored, not the noun after it
        if fact["quantity_kind"] in ("count", "rate", "money"):
            after = re.match(r"\s+([a-z]+)", text[fact["end"] : fact["end"] + 20])
            if after and after.group(1) in PEOPLE_STATES and fact["unit"] == "1":
                fact["unit"] = "{person}"
                continue
            if after and after.group(1) == "times" and fact["unit"] == "1":
                fact["unit"] = "{occasion}"
                continue
            plural = fact["approximation"] == "vague" and fact["text"].lower().endswith("s")
            span = _noun_phrase(text, fact["end"], sentence[1], need_of=plural)
            if span is None and fact["quantity_kind"] != "money":
                span = previous.get(sentence) or _antecedent(text, fact["start"], sentence[0])
            if span is not None:
                phrase = text[span[0] : span[1]]
                fact["measured_span"] = {"start": span[0], "end": span[1], "text": phrase}
                previous[sentence] = span
                if (fact["quantity_kind"] != "money" and fact["unit"] in ("1", "1/d")) or fact["unit"].startswith("/"):
                    coordinated = re.match(r"\s+and\s+(women|men|children)\b", text[span[1] : span[1] + 16])
                    noun = "person" if coordinated else _unit_name(phrase.split())
                    fact["unit"] = "{" + noun + "}" + (fact["unit"] if fact["unit"] not in ("1",) else "")
        elif fact["quantity_kind"] in ("area", "length", "duration", "mass", "volume"):
            span = _noun_phrase(text, fact["end"], sentence[1])
            if span is not None and text[fact["end"] : span[0]].strip() == "of":
                fact["measured_span"] = {"start": span[0], "end": span[1], "text": text[span[0] : span[1]]}


def _add_rate(text: str, fact: dict[str, Any], sentence: tuple[int, int]) -> None:
    rate = RATE.match(text, fact["end"])
    if rate is None:
        later = re.compile(r"\s+(?:every|each|per|a)\s+(day|week|month|year)\b", re.IGNORECASE)
        for m in later.finditer(text, fact["end"], min(sentence[1], fact["end"] + 80)):
            if not re.search(r"[,;]|\band\b|\bor\b", text[fact["end"] : m.start()]):
                rate = m
            break
        if rate is None:
            return
        adjacent = False
    else:
        adjacent = True
    per = RATE_CODES[rate.group(1).lower()]
    if adjacent:
        fact.update(end=rate.end(), text=text[fact["start"] : rate.end()])
    if fact["quantity_kind"] == "money":
        fact["unit"] += per
        return
    fact.update(unit=per if fact["unit"] == "1" else fact["unit"] + per, unit_text=rate.group().strip())
    fact["quantity_kind"] = "rate"
