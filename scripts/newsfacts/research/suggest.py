"""Draft annotations for a new article: numeric facts and quotes, by general rules.

The draft is a document record (``annotation.set`` ``suggest``, status ``machine_suggestion``,
a ``confidence`` on every item) for a person to correct; entities and mentions are not
suggested. The rules follow corpus/GUIDELINES.md in general terms and were not fitted to any
particular article:

* **numeric facts**: numerals (``5``, ``2.5``, ``200,000``) and number words (``two``,
  ``twenty``, ``three hundred``, ``five million``); the magnitude words and approximators of
  schema/interval-rules.json (read from the table, longest trigger first), with the interval
  the rule gives; ranges (``between 5 and 10``, ``5-10``); units after the number (a small
  table of UCUM codes); a rate when ``every day``/``a day``/``per day`` follows in the clause;
  what is counted from the noun phrase after the number (or after ``of``), else the counted
  noun of the previous fact of the sentence. Ordinals, years and clock times are left out.
* **quotes**: text in “…” or "…" with a speech verb and a source before or after it (direct);
  reported speech ``SOURCE CUE [that] CONTENT`` with a speech verb, including an interrupted
  ``…, SOURCE said, …`` and a second cue ``, saying …`` (indirect; mixed when the content holds
  a quoted fragment).
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from newsfacts.contract.schema import interval_rules
from newsfacts.corpus.ingest import GUIDELINES_VERSION, new_record

# --- numbers --------------------------------------------------------------------------------------

UNITS_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9}
_WORD = "|".join(sorted(UNITS_WORDS, key=len, reverse=True))
_SCALE = "|".join(SCALES)
NUMBER = re.compile(
    rf"(?<![\w.,])(?:\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:\s+(?:{_SCALE}))?(?![\w])"
    rf"|\b(?:{_WORD})(?:[\s-]+(?:{_WORD}))?(?:\s+(?:{_SCALE}))*\b"
    rf"|\ba\s+(?:{_SCALE})\b",
    re.IGNORECASE,
)

#: Unit words after a number: (pattern, UCUM code, quantity kind, OntoNotes type).
UNITS: list[tuple[str, str, str, str]] = [
    (r"square (?:miles?|mi)", "[mi_i]2", "area", "QUANTITY"),
    (r"square (?:kilometres?|kilometers?|km)", "km2", "area", "QUANTITY"),
    (r"hectares?", "har", "area", "QUANTITY"),
    (r"(?:kilometres?|kilometers?|km)", "km", "length", "QUANTITY"),
    (r"miles?", "[mi_i]", "length", "QUANTITY"),
    (r"(?:metres?|meters?)", "m", "length", "QUANTITY"),
    (r"(?:kilograms?|kg)", "kg", "mass", "QUANTITY"),
    (r"(?:tonnes?|tons?)", "t", "mass", "QUANTITY"),
    (r"litres?|liters?", "L", "volume", "QUANTITY"),
    (r"(?:per ?cent|%)", "%", "percentage", "PERCENT"),
    (r"years?", "a", "duration", "DATE"),
    (r"months?", "mo", "duration", "DATE"),
    (r"weeks?", "wk", "duration", "DATE"),
    (r"days?", "d", "duration", "DATE"),
    (r"hours?", "h", "duration", "TIME"),
    (r"minutes?", "min", "duration", "TIME"),
    (r"(?:dollars?|US dollars?)", "{USD}", "money", "MONEY"),
    (r"euros?", "{EUR}", "money", "MONEY"),
    (r"pounds? sterling", "{GBP}", "money", "MONEY"),
]
CURRENCY_SIGNS = {"$": "{USD}", "€": "{EUR}", "£": "{GBP}"}
RATE = re.compile(r"\b(?:every|a|per|each)\s+day\b", re.IGNORECASE)
_NOT_NOUN = {
    "a", "an", "and", "or", "but", "of", "in", "on", "at", "to", "from", "by", "for", "with", "as", "than",
    "that", "which", "who", "whom", "were", "was", "are", "is", "be", "been", "have", "has", "had", "will",
    "would", "could", "can", "may", "might", "must", "should", "remain", "remained", "remains", "more",
    "less", "said", "say", "says", "per", "every", "each", "over", "under", "into", "out", "up", "down",
    "there", "their", "its", "his", "her", "they", "it", "this", "these", "those", "such", "so", "too",
}  # fmt: skip
_WORD_RE = re.compile(r"[^\W\d_][\w’'-]*")


def _parse_number(words: str) -> float | None:
    """The value of a numeral or number-word expression; None when it is not a number."""
    s = words.lower().replace(",", "")
    total, current = 0.0, 0.0
    for token in re.split(r"[\s-]+", s):
        if not token:
            continue
        if re.fullmatch(r"\d+(?:\.\d+)?", token):
            current += float(token)
        elif token in UNITS_WORDS:
            current += UNITS_WORDS[token]
        elif token == "a":
            current += 1
        elif token in SCALES:
            scale = SCALES[token]
            if scale == 100:
                current = (current or 1) * 100
            else:
                total += (current or 1) * scale
                current = 0
        else:
            return None
    value = total + current
    if not math.isfinite(value):  # a numeral of hundreds of digits: no number a fact can hold
        return None
    return int(value) if value == int(value) else value


def _rules_by_trigger(kind: str) -> list[tuple[str, dict[str, Any]]]:
    """(trigger, rule) pairs of the interval-rule table, longest trigger first.

    ``kind`` ``stated``: approximators (the rule states a value); ``none``: magnitude words.
    Range triggers (with “…”) are handled by the range pattern.
    """
    pairs = [
        (trigger, rule)
        for rule in interval_rules().values()
        if rule["value"] == kind
        for trigger in rule["triggers"]
        if "…" not in trigger
    ]
    return sorted(pairs, key=lambda p: -len(p[0]))


def _interval(rule: dict[str, Any], value: float | None, low=None, high=None) -> tuple[Any, Any]:
    def bound(spec: dict[str, Any] | None, own: Any) -> Any:
        if spec is None:
            return None
        if "fixed" in spec:
            return spec["fixed"]
        if "stated" in spec:
            return own
        result = Decimal(str(value)) * Decimal(str(spec["times"]))
        return int(result) if result == result.to_integral_value() else float(result)

    return bound(rule["low"], low), bound(rule["high"], high)


#: Words with a full stop that does not end a sentence (titles; initials such as “U.S.” are single capitals).
ABBREVIATION = re.compile(
    r"(?:^|[\s.])(?:[A-Z]|Mr|Mrs|Ms|Dr|Prof|Capt|Col|Gen|Lt|Sgt|Maj|Cpl|Adm|Gov|Sen|Rep|Rev|St|Jr|Sr|No|vs|Inc|Corp|Co)\.$"
)


def _sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans: split after . ! ? (not after a short abbreviation such as “Capt.”) and at line ends."""
    spans, start = [], 0
    for m in re.finditer(r"([.!?][”\"’)]?)[ \t]+(?=[“\"‘(]?[A-Z0-9])|\n+", text):
        cut = m.end(1) if m.group(1) else m.start()
        if m.group(1) and ABBREVIATION.search(text[start:cut]):
            continue  # “Capt. Devan”, “U.S. troops”: an abbreviation, not a sentence end
        if text[start:cut].strip():
            spans.append((start, cut))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans


def _noun_phrase(text: str, pos: int, limit: int, *, need_of: bool = False) -> tuple[int, int] | None:
    """The noun phrase at ``pos`` (after an optional “of”, required when ``need_of``): up to three
    words from its determiner to its head, stopping before function words and participles."""
    m = re.match(r"\s+of\s+" if need_of else r"\s+of\s+|\s+", text[pos:limit])
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
    for w in _WORD_RE.finditer(text, floor, start):
        token = w.group().lower()
        if (
            len(token) > 3
            and token.endswith("s")
            and not token.endswith(("ss", "us", "is"))
            and token not in _NOT_NOUN
            and not any(token == t for rule in interval_rules().values() for t in rule["triggers"])
        ):
            best = (w.start(), w.end())
    return best


IRREGULAR_PLURALS = {"people": "person", "children": "child", "men": "man", "women": "woman", "police": "police"}


def _singular(word: str) -> str:
    w = word.lower().replace("’", "").replace("'", "")
    if w in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[w]
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("sses", "xes", "ches", "shes")):
        return w[:-2]
    if w.endswith("s") and not w.endswith("ss"):
        return w[:-1]
    return w


def _ucum_name(word: str) -> str:
    return re.sub(r"[^a-z0-9_]", "", _singular(word)) or "thing"


def suggest_numeric_facts(text: str) -> list[dict[str, Any]]:
    """Numeric facts of ``text`` (without ids or quote links)."""
    found: list[dict[str, Any]] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    sentences = _sentences(text)

    def sentence_of(pos: int) -> tuple[int, int]:
        return next((s for s in sentences if s[0] <= pos < s[1]), (0, len(text)))

    # 1. magnitude words (“tens of thousands”, “a handful”), longest trigger first
    for trigger, rule in _rules_by_trigger("none"):
        for m in re.finditer(rf"(?<![\w-]){re.escape(trigger)}(?![\w-])", text, re.IGNORECASE):
            if free(m.start(), m.end()):
                taken.append((m.start(), m.end()))
                low, high = _interval(rule, None)
                found.append(_fact(text, m.start(), m.end(), None, low, high, rule, 0.7))
    # 2. ranges, then single numbers with their approximator
    number = NUMBER.pattern
    ranges = re.compile(rf"\bbetween\s+({number})\s+and\s+({number})|({number})\s*[-–]\s*({number})", re.IGNORECASE)
    for m in ranges.finditer(text):
        a, b = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        low, high = _parse_number(a), _parse_number(b)
        if low is None or high is None or not low < high or not free(m.start(), m.end()):
            continue
        taken.append((m.start(), m.end()))
        found.append(_fact(text, m.start(), m.end(), None, low, high, interval_rules()["range"], 0.6))
    approximators = _rules_by_trigger("stated")
    for m in NUMBER.finditer(text):
        start, end = m.start(), m.end()
        value = _parse_number(m.group())
        if value is None or not free(start, end) or _is_point_in_time(text, m, value):
            continue
        if m.group().lower() in ("one", "a hundred", "a thousand", "a million") and not _unit_at(text, end):
            continue  # “one” as a pronoun, “a hundred” without a unit: too often not a count
        rule = interval_rules()["exact"]
        before = text[:start].lower()
        for trigger, candidate in approximators:
            if before.endswith(trigger + " ") and (
                start - len(trigger) - 1 == 0 or not text[start - len(trigger) - 2].isalnum()
            ):
                start, rule = start - len(trigger) - 1, candidate
                break
        sign = text[start - 1] if start and text[start - 1] in CURRENCY_SIGNS else None
        if sign and rule["id"] == "exact":
            start -= 1
        low, high = _interval(rule, value)
        confidence = 0.9 if m.group()[0].isdigit() else 0.8
        fact = _fact(text, start, end, value, low, high, rule, confidence)
        if sign:
            fact.update(unit=CURRENCY_SIGNS[sign], quantity_kind="money", ontonotes_type="MONEY")
        taken.append((start, end))
        found.append(fact)
    found.sort(key=lambda f: f["start"])
    # 3. units, rates and what is counted
    previous: dict[tuple[int, int], dict[str, Any]] = {}
    for fact in found:
        sentence = sentence_of(fact["start"])
        if fact["quantity_kind"] != "money":
            _add_unit(text, fact, sentence)
        if fact["quantity_kind"] in ("count", "rate", "money"):
            # plural magnitude words are nouns: what they count follows “of” (“thousands of leaflets”;
            # “thousands dead” elides it), unlike determiners such as “several units”
            plural = fact["approximation"] == "vague" and fact["text"].lower().endswith("s")
            span = _noun_phrase(text, fact["end"], sentence[1], need_of=plural)
            if span is None:
                span = previous.get(sentence) or _antecedent(text, fact["start"], sentence[0])
            if span is not None:
                fact["measured_span"] = {"start": span[0], "end": span[1], "text": text[span[0] : span[1]]}
                previous[sentence] = span
                if fact["quantity_kind"] != "money":
                    noun = _ucum_name(text[span[0] : span[1]].split()[-1])
                    fact["unit"] = f"{{{noun}}}/d" if fact["quantity_kind"] == "rate" else f"{{{noun}}}"
        elif fact["quantity_kind"] in ("area", "length", "duration", "mass", "volume"):
            span = _noun_phrase(text, fact["end"], sentence[1])
            if span is not None and text[fact["end"] : span[0]].strip() == "of":
                fact["measured_span"] = {"start": span[0], "end": span[1], "text": text[span[0] : span[1]]}
    return found


def _is_point_in_time(text: str, m: re.Match[str], value: float) -> bool:
    token = m.group()
    after = text[m.end() : m.end() + 6].lower()
    if re.match(r"(?:st|nd|rd|th)\b", text[m.end() : m.end() + 3]):
        return True
    if token.isdigit() and len(token) == 4 and 1800 <= value <= 2100:
        return True  # a year
    if re.match(r"\s*(?:a\.m\.|p\.m\.|am\b|pm\b|:\d)", after):
        return True
    return bool(
        re.search(
            r"(?:January|February|March|April|May|June|July|August|September|October|November|December)\s+$",
            text[: m.start()],
        )
    )


def _unit_at(text: str, pos: int) -> tuple[re.Match[str], tuple[str, str, str, str]] | None:
    for unit in UNITS:
        m = re.compile(rf"\s*({unit[0]})(?!\w)", re.IGNORECASE).match(text, pos)
        if m:
            return m, unit
    return None


def _add_unit(text: str, fact: dict[str, Any], sentence: tuple[int, int]) -> None:
    found = _unit_at(text, fact["end"])
    if found is not None:
        m, (_, code, kind, onto) = found
        fact.update(end=m.end(), text=text[fact["start"] : m.end()], unit=code, unit_text=m.group(1))
        fact.update(quantity_kind=kind, ontonotes_type=onto)
        return
    rate = RATE.search(text, fact["end"], sentence[1])
    if rate and not re.search(r"[,;]|\band\b|\bor\b", text[fact["end"] : rate.start()]):
        adjacent = re.fullmatch(r"\s*", text[fact["end"] : rate.start()]) is not None
        if adjacent:
            fact.update(end=rate.end(), text=text[fact["start"] : rate.end()])
        fact.update(unit="1/d", unit_text=rate.group(), quantity_kind="rate")


def _fact(text: str, start: int, end: int, value, low, high, rule: dict[str, Any], confidence: float) -> dict:
    return {
        "id": "",
        "start": start,
        "end": end,
        "text": text[start:end],
        "value": value,
        "low": low,
        "high": high,
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


# --- quotes ---------------------------------------------------------------------------------------

SPEECH_VERBS = (
    "said", "says", "say", "told", "tells", "warned", "warns", "warn", "added", "adds", "stated", "states",
    "estimated", "estimates", "estimate", "claimed", "claims", "reported", "reports", "explained", "explains",
    "noted", "notes", "insisted", "insists", "argued", "argues", "predicted", "predicts", "confirmed",
    "confirms", "denied", "denies", "announced", "announces", "acknowledged", "believes", "believe",
    "cautioned", "stressed", "wrote", "writes",
)  # fmt: skip
_AUX = r"(?:(?:has|have|had|will|would|did|does|do|could|may|might)\s+(?:not\s+)?(?:also\s+)?)?"
_VERBS = "|".join(SPEECH_VERBS)
CUE = re.compile(rf"\b{_AUX}(?:{_VERBS})\b|\bissued\s+an?\s+(?:statement|warning)\b|\baccording\s+to\b", re.IGNORECASE)
PARTICIPLE = re.compile(r",\s+(saying|adding|warning|noting|arguing|insisting)\s+", re.IGNORECASE)
QUOTED = re.compile(r"“([^”]+)”|\"([^\"]+)\"")
PRONOUNS = {"he", "she", "they", "we", "i", "it"}
_SOURCE_WORD = re.compile(r"[\w’'.-]+")
_CONNECTIVES = re.compile(r"(?:Yet|But|And|However|Still|So),?\s+")


def _source_before(text: str, end: int, floor: int) -> tuple[int, int] | None:
    """The noun phrase ending right before ``end`` (the cue): back to a comma, a clause word or the sentence start."""
    words = [w for w in _SOURCE_WORD.finditer(text, floor, end)]
    if not words or text[words[-1].end() : end].strip():
        return None
    kept: list[re.Match[str]] = []
    for w in reversed(words):
        token = w.group()
        between = text[w.end() : kept[-1].start()] if kept else text[w.end() : end]
        if between.strip() or len(kept) == 7:
            break
        lower = token.lower()
        if lower in ("that", "which", "who", "when", "while", "because", "if", "as", "and", "of") and not (
            lower in ("and", "of") and kept
        ):
            break
        kept.append(w)
        if lower in ("the", "a", "an") or (lower in PRONOUNS and len(kept) == 1):
            break
    kept.reverse()
    while kept and kept[0].group().lower() in ("and", "of"):
        kept.pop(0)
    if not kept:
        return None
    head = kept[-1].group()
    determined = len(kept) > 1 and kept[0].group().lower() in ("the", "a", "an")
    if not (head[0].isupper() or head.lower() in PRONOUNS or head.lower().endswith("s") or determined):
        return None  # a bare lower-case singular word is rarely a speaker
    return kept[0].start(), kept[-1].end()


def _source_after(text: str, start: int, ceiling: int) -> tuple[int, int] | None:
    """Capitalised words (or a pronoun) right after ``start``: “said Zimmerman”, “said the minister”."""
    m = re.compile(
        r"\s+((?:[a-z]+\s+)?(?:[A-Z][\w’'.-]*)(?:\s+[A-Z][\w’'.-]*)*|he|she|they|the\s+[a-z]+(?:\s+[a-z]+)?)"
    ).match(text, start, ceiling)
    if not m:
        return None
    return m.start(1), m.end(1)


def _span(text: str, start: int, end: int) -> dict[str, Any]:
    while start < end and (text[start].isspace() or text[start] in ",;:"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",.;:"):
        end -= 1
    return {"start": start, "end": end, "text": text[start:end]}


def suggest_quotes(text: str) -> list[dict[str, Any]]:
    """Quotes of ``text`` (without ids or speaker entities)."""
    quotes: list[dict[str, Any]] = []
    used: list[tuple[int, int]] = []
    for s_start, s_end in _sentences(text):
        sentence = text[s_start:s_end]
        direct_spans = []
        for q in QUOTED.finditer(sentence):
            a, b = s_start + q.start() + 1, s_start + q.end() - 1
            direct_spans.append((a - 1, b + 1))
            after = CUE.match(text, b + 1 + len(re.match(r"[\s,]*", text[b + 1 : s_end]).group()))
            before_cue = None
            for cue in CUE.finditer(text, s_start, a - 1):
                if not text[cue.end() : a - 1].strip(" ,:"):
                    before_cue = cue
            if after and after.end() <= s_end:
                source = _source_after(text, after.end(), s_end) or _source_before(text, after.start(), b + 1)
                cue_m = after
            elif before_cue:
                source, cue_m = _source_before(text, before_cue.start(), s_start), before_cue
            else:
                # “…,” Zimmerman said.
                m = re.compile(r"[\s,]*((?:[A-Z][\w’'.-]*\s+)+|(?:he|she|they)\s+)").match(text, b + 1, s_end)
                cue_m = CUE.match(text, m.end()) if m else None
                source = (m.start(1), m.end(1) - 1) if cue_m else None
            if cue_m is None:
                continue
            content = _span(text, a, b)
            if not content["text"] or content["text"][-1] in "?!":
                content = {"start": a, "end": b, "text": text[a:b]} if text[a:b].strip() == text[a:b] else content
            quotes.append(_quote("direct", source, cue_m, [content], text, 0.8))
            used.append((s_start + q.start(), s_start + q.end()))
        for cue in CUE.finditer(text, s_start, s_end):
            if any(a <= cue.start() < b for a, b in direct_spans) or any(a <= cue.start() < b for a, b in used):
                continue
            if re.match(r"\s+by\b", text[cue.end() : cue.end() + 4]):
                continue  # “announced by X”: passive, no proposition attributed
            if cue.group().lower().startswith("according"):
                source = _source_after(text, cue.end(), s_end)
                rest = re.match(r"[^,]*,\s*", text[cue.end() : s_end])
                if source is None or rest is None:
                    continue
                contents = [_span(text, cue.end() + rest.end(), s_end)]
                if not contents[0]["text"]:  # "According to the mayor," and nothing after
                    continue
                quotes.append(_quote("indirect", source, cue, contents, text, 0.5))
                continue
            source = _source_before(text, cue.start(), s_start)
            if source is None:
                continue
            cues = [cue]
            after_comma = text[source[0] - 2 : source[0]] == ", "
            interrupted = after_comma and text[cue.end() : cue.end() + 1] == ","
            final = after_comma and not text[cue.end() : s_end].strip(" .!?")
            first = s_start + (m.end() if (m := _CONNECTIVES.match(sentence)) else 0)
            if interrupted:  # “…, X said, …”
                contents = [_span(text, first, source[0] - 2), _span(text, cue.end() + 1, s_end)]
            elif final:  # “…, X said.”
                contents = [_span(text, first, source[0] - 2)]
            else:
                rest_start = cue.end()
                that = re.compile(r"\s+(?:[^,.;]{0,40}?\s+)??that\s+").match(text, rest_start, s_end)
                participle = PARTICIPLE.search(text, rest_start, s_end)
                if that:
                    rest_start = that.end()
                elif participle:
                    cues.append(participle)
                    rest_start = participle.end()
                contents = [_span(text, rest_start, s_end)]
            contents = [c for c in contents if len(c["text"].split()) >= 3]
            if not contents:
                continue
            kind = "mixed" if any(QUOTED.search(c["text"]) for c in contents) else "indirect"
            quotes.append(_quote(kind, source, cues, contents, text, 0.6))
    return quotes


def _quote(kind, source, cues, contents, text: str, confidence: float) -> dict[str, Any]:
    if isinstance(cues, re.Match):
        cues = [cues]
    cue_spans = [
        _span(text, c.start(1), c.end(1)) if c.re is PARTICIPLE else _span(text, c.start(), c.end()) for c in cues
    ]
    return {
        "id": "",
        "kind": kind,
        "source": [_span(text, *source)] if source else [],
        "cue": cue_spans,
        "content": contents,
        "speaker_entity_id": None,
        "confidence": confidence,
    }


# --- the draft ------------------------------------------------------------------------------------


def suggest_document(seed: Path, raw: bytes, provenance: dict[str, Any] | None = None) -> dict[str, Any]:
    """A draft record of a seed article: its document fields as ``ingest`` makes them, and suggestions."""
    doc = new_record(seed, raw, provenance or {})
    doc["annotation"] = {
        "set": "suggest",
        "status": "machine_suggestion",
        "guidelines_version": GUIDELINES_VERSION,
        "annotators": ["newsfacts suggest (rule-based program)"],
        "note": "Machine suggestions to be corrected by a person: numeric facts and quotes only; "
        "no entities or mentions.",
    }
    annotate(doc)
    return doc


def annotate(doc: dict[str, Any]) -> dict[str, Any]:
    """Fill the numeric-fact and quote layers of ``doc`` with suggestions (ids, order, quote links)."""
    text = doc["text"]
    quotes = [q for q in suggest_quotes(text) if q["content"] and q["cue"]]
    quotes.sort(key=lambda q: min(s["start"] for role in ("source", "cue", "content") for s in q[role]))
    unique: dict[tuple, dict[str, Any]] = {}
    for q in quotes:
        unique.setdefault(tuple((s["start"], s["end"]) for s in q["content"]), q)
    quotes = list(unique.values())
    for n, q in enumerate(quotes, 1):
        q["id"] = f"Q{n}"
    facts = suggest_numeric_facts(text)
    for n, fact in enumerate(facts, 1):
        fact["id"] = f"N{n}"
        inside = [
            q for q in quotes if any(c["start"] <= fact["start"] and fact["end"] <= c["end"] for c in q["content"])
        ]
        fact["quote_id"] = inside[0]["id"] if inside else None
    doc["quotes"], doc["numeric_facts"] = quotes, facts
    return doc
