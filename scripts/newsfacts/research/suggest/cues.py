"""The lexicon of reporting cues (GUIDELINES.md 3.1 and 3.3): verbs, multi-word cues, nouns, adverbs.

Verbs are listed once, by lemma, with their irregular forms; ``forms()`` inflects the rest
(-s, -ed, -ing). Forms that are also common nouns (“reports”, “claims”, “states”, “notes”) or
verbs with other common senses are marked *ambiguous*: they count as cues only where a clause
follows them (see ``quotes._is_cue``), and never capitalised inside a sentence (“the United
States”).
"""

from __future__ import annotations

import functools
import re

#: Reporting verbs by lemma: saying, writing, announcing; believing and feeling (with a clause);
#: finding and showing (documents, studies); ruling; denying, admitting, accusing; asking.
VERBS = (
    "say", "tell", "state", "add", "warn", "estimate", "claim", "report", "explain", "note", "insist", "argue",
    "predict", "confirm", "deny", "announce", "acknowledge", "believe", "caution", "stress", "write", "observe",
    "comment", "tweet", "assert", "reveal", "think", "feel", "find", "show", "conclude", "suggest", "indicate",
    "allege", "admit", "fear", "hope", "expect", "rule", "reason", "describe", "characterize", "characterise",
    "dub", "theorize", "theorise", "promise", "reply", "respond", "answer", "recall", "mention", "emphasize",
    "emphasise", "agree", "complain", "urge", "ask", "wonder", "declare", "contend", "maintain", "testify",
    "speculate", "concede", "disclose", "inform", "remark", "assure", "advise", "recommend", "propose", "cite",
    "quote", "accuse", "forecast", "calculate", "worry", "doubt", "demonstrate", "establish", "determine",
    "project", "post", "blog", "counter", "retort", "continue", "elaborate", "clarify", "highlight", "imply",
    "joke", "lament", "protest", "question", "read", "repeat", "reiterate", "proclaim", "pledge", "vow", "swear",
    "boast", "brag", "concur", "surmise", "guess", "hypothesize", "hypothesise", "judge", "decide", "order",
    "demand", "assume", "presume", "signal", "posit", "recount", "relate", "narrate", "outline", "detail", "attest",
    "allude", "criticise", "criticize", "call", "concern", "reckon", "insinuate", "suspect",
)  # fmt: skip
# Not cues (GUIDELINES 3.1, 1.4.0): factive and perception verbs — “learned that”, “it became known
# that”, “realised”, “noticed”, “understood” — report what the narrator takes as fact.
IRREGULAR = {
    "say": ("said",), "tell": ("told",), "write": ("wrote", "written"), "think": ("thought",), "feel": ("felt",),
    "find": ("found",), "show": ("shown",), "read": ("read",), "swear": ("swore", "sworn"), "dub": ("dubbed",),
    "blog": ("blogged",), "admit": ("admitted",), "rule": ("ruled",), "forecast": ("forecast",),
}  # fmt: skip
#: Forms that are common nouns or have other common senses: cues only before a clause.
AMBIGUOUS = {
    "states", "state", "reports", "report", "claims", "claim", "notes", "note", "estimates", "estimate", "fears",
    "fear", "hopes", "hope", "rules", "rule", "answers", "answer", "comments", "comment", "reads", "read", "shows",
    "show", "finds", "find", "found", "adds", "add", "orders", "order", "projects", "project", "posts", "post",
    "calls", "call", "called", "questions", "question", "continue", "continues", "continued", "relate", "relates",
    "related", "detail", "details", "signal", "signals", "judge", "judges", "quote", "quotes", "outline",
    "outlines", "counter", "tweet", "tweets", "blog", "blogs", "promise", "promises", "demand", "demands", "doubt",
    "doubts", "worry", "worries", "protest", "protests", "highlights", "highlight", "decided", "decide",
    "determined", "established", "expected", "expect", "expects", "agree", "assume", "repeat", "maintain",
    "maintained", "maintains", "feel", "feels", "think", "thinks", "believe", "believes", "hoped", "feared",
    "ordered", "thought", "felt", "projected", "calculated", "guess", "judged", "posted",
    "showed", "shown", "added", "noted", "stated", "reported", "claimed", "estimated", "ruled",
    "tweeted", "concerned", "concern", "concerns", "suspect", "suspected", "suspects", "reckon", "reckoned",
    "insinuated", "quoted", "cited", "cite", "cites", "writing", "wrote", "write", "writes", "conceded",
    "concede", "announced", "announce", "announces", "asked", "ask", "asks", "demanded", "urged", "urge", "urges", "described", "describe", "describes", "mentioned", "mention",
}  # fmt: skip
#: Cues of several words (the whole match is the cue span).
PHRASES = (
    r"issued\s+an?\s+(?:statement|warning|order|press\s+release)",
    r"released\s+a\s+statement",
    r"came\s+to\s+the\s+conclusion",
    r"made\s+(?:a\s+convincing|the|a)\s+(?:case|claim|point)",
    r"pointed\s+out",
    r"went\s+on\s+to\s+say",
    r"according\s+to",
)
#: Participles that add a second cue to an attribution: “…, saying …”.
PARTICIPLES = ("saying", "adding", "warning", "noting", "arguing", "insisting", "stating", "explaining", "claiming",
               "writing", "promising", "calling", "describing", "characterizing", "characterising", "asking")  # fmt: skip
#: Auxiliaries and adverbs that belong to the verb group of a cue (GUIDELINES 3.3).
AUX = (
    r"(?:(?:has|have|had|will|would|did|does|do|could|may|might|is|are|was|were|has\s+been|have\s+been)\s+"
    r"(?:(?:also|not|never|n’t|n't|further|later|previously|recently|repeatedly|publicly|already|since|now)\s+)*)*"
)


def _inflect(lemma: str) -> set[str]:
    out = {lemma}
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        out |= {lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"}
    elif lemma.endswith("e"):
        out |= {lemma + "s", lemma + "d", lemma[:-1] + "ing"}
    else:
        es = lemma.endswith(("s", "x", "ch", "sh"))
        out |= {lemma + ("es" if es else "s"), lemma + "ed", lemma + "ing"}
    out |= set(IRREGULAR.get(lemma, ()))
    if lemma in IRREGULAR:
        out.discard(lemma + "ed")
    return out


@functools.cache
def forms() -> frozenset[str]:
    """Every inflected form of every cue verb (lower case)."""
    return frozenset(f for lemma in VERBS for f in _inflect(lemma) if not f.endswith("ing") or f in PARTICIPLES)


@functools.cache
def cue_pattern() -> re.Pattern[str]:
    verbs = "|".join(sorted(forms(), key=len, reverse=True))
    phrases = "|".join(PHRASES)
    return re.compile(rf"\b{AUX}(?:(?P<phrase>{phrases})|(?P<verb>{verbs}))\b", re.IGNORECASE)
