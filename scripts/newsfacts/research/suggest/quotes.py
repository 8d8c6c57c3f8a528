"""Quotes of an article (GUIDELINES.md section 3): direct ones from quotation marks, reported ones from cues.

**Direct**: quoted stretches are paired per paragraph (“…”, "…", ``…'', an unclosed mark
running to the paragraph's end), so a quotation may hold several sentences. A stretch is a
quote when an attribution is next to it: after it (``…," said X``, ``…," X said``, ``… - Name``
at a line's end, with no cue), or before it in its sentence (``X said: "…"``, ``X told Y, "…"``).
A stretch with no attribution of its own that follows an attributed one in the same or the
next paragraph continues it (``"…," he said. "…"``): one more content span.

**Reported**: a cue of the lexicon (cues.py) with a source next to it: ``SOURCE CUE [that]
CONTENT``; ``CONTENT, SOURCE CUE.``; interrupted ``A, SOURCE CUE, B``; ``according to SOURCE,
CONTENT`` and ``CONTENT, according to SOURCE``; a second cue ``…, saying CONTENT``. Content
with a quoted fragment is ``mixed``. Nested attributions inside a content are quotes too.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

from newsfacts.research.suggest.cues import AMBIGUOUS, PARTICIPLES, cue_pattern
from newsfacts.research.suggest.text import Spans, paragraphs, sentences, span

PRONOUNS = {"he", "she", "they", "we", "i", "it", "who"}
CLAUSE_WORDS = {
    "that", "which", "when", "while", "because", "if", "as", "and", "of", "but", "although", "though", "since",
    "after", "before", "where", "whether", "so", "then", "until", "unless", "whereas", "or", "for", "to", "in",
    "on", "at", "by", "with", "from", "than", "about", "into", "over", "under", "during",
}  # fmt: skip
CONNECTIVES = re.compile(r"(?:Yet|But|And|However|Still|So|Also|Meanwhile|Instead|Now|Then|Further|Moreover),?\s+")
VERBISH = {
    "is", "was", "are", "were", "be", "been", "has", "have", "had", "will", "would", "can", "could", "may",
    "might", "must", "should", "do", "does", "did", "began", "begun", "led", "made", "took", "went", "came",
    "got", "left", "gave", "held", "met", "ran", "saw", "set", "won", "lost", "put",
}  # fmt: skip
LOWER_TITLES = {"coauthor", "co-author", "spokesman", "spokeswoman", "spokesperson", "director", "minister",
                "president", "professor", "senator", "author", "researcher", "scientist", "officer", "official",
                "chairman", "secretary", "chief", "coach", "captain", "leader", "analyst", "expert", "lawyer",
                "blogger", "mayor", "governor", "founder", "co-founder", "ceo", "editor", "commissioner", "agency"}  # fmt: skip
#: Singular nouns that name a speaking group or a document without a determiner (“media have said”).
COLLECTIVE = {"media", "police", "staff", "government", "press", "public", "military", "army", "court", "council",
              "committee", "ministry", "agency", "management", "research", "data", "evidence", "analysis"}  # fmt: skip
#: Lower-case words after a cue that are not a title before the name (“said on Tuesday Smith”).
NOT_PREMODIFIERS = {"on", "in", "at", "that", "yesterday", "today", "then", "also", "last", "recently", "earlier",
                    "later", "to", "from", "by", "with", "this", "after", "before", "of", "for", "and", "but"}  # fmt: skip
_WORD = re.compile(r"[\w’'.&/-]+|\"[^\"\n]{1,40}\"")
ADDRESSEE = (
    r"(?:\s+(?:reporters|journalists|the\s+press|(?:the|a|an)\s+[\w-]+(?:\s+[\w-]+)?|[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*"
    r"|him|her|them|us|me|[a-z]+\s+[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*))"
)
ADDRESSEE_VERBS = {"told", "tell", "tells", "telling", "warned", "warns", "assured", "informed", "reminded",
                   "advised", "promised", "asked", "urged"}  # fmt: skip
QUOTE_CHARS = '"“”'
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December")  # fmt: skip


# --- quoted stretches ---------------------------------------------------------------------------


def quoted_stretches(text: str) -> list[tuple[int, int]]:
    """(start, end) of each quoted stretch, quotation marks included, paired within a paragraph.

    A straight mark opens when text follows it and a space (or nothing) precedes it, and closes
    when text precedes it and a space or punctuation follows; “ only opens and ” only closes. A
    mark left open runs to the paragraph's end, and a paragraph that then starts without an
    opening mark but holds a closing one continues it (a quotation over several paragraphs).
    """
    out: list[tuple[int, int]] = []
    carry = False
    for p_start, p_end in paragraphs(text):
        para = text[p_start:p_end]
        opening: re.Match[str] | None = None
        first = True
        for m in re.finditer(r"[“”\"]|``|''", para):
            c, before, after = m.group(), para[m.start() - 1 : m.start()], para[m.end() : m.end() + 1]
            can_open = c in ("“", "``") or (
                c != "”" and after not in ("", " ", "\t") and (before in ("", " ", "\t") or before in "([{:—–-/")
            )
            can_close = c in ("”", "''") or (c == '"' and before not in ("", " ", "\t"))
            if c == "''" and can_open and before in ("", " ", "\t", ":"):
                can_close = False
            if opening is None:
                if can_open:
                    opening = m
                elif can_close and first and carry:
                    out.append((p_start, p_start + m.end()))  # the end of a quotation from the paragraph before
            elif can_close and (opening.group() != "``" or c == "''"):
                out.append((p_start + opening.start(), p_start + m.end()))
                opening = None
            elif can_open:
                opening = m  # the mark before never closed: start again here
            first = False
        carry = opening is not None and len(para) - opening.end() > 20
        if carry:
            out.append((p_start + opening.start(), p_end))  # a quotation continued in the next paragraph
    return out


def _interior(text: str, start: int, end: int) -> dict[str, Any] | None:
    a = start + (2 if text.startswith(("``", "''"), start) else 1 if text[start] in QUOTE_CHARS else 0)
    b = end - (2 if text.startswith("''", end - 2) else 1) if text[end - 1] in QUOTE_CHARS + "'" else end
    return span(text, a, b, strip=",.;:")


# --- sources ------------------------------------------------------------------------------------


def source_before(text: str, end: int, floor: int) -> tuple[int, int] | None:
    """The noun phrase ending right before ``end`` (a cue): back to a clause boundary, at most 16 words."""
    words = list(_WORD.finditer(text, max(floor, end - 200), end))
    if not words:
        return None
    if text[words[-1].end() : end].strip() == ",":
        # “Gomez, Panama coach, said”: a description after the name → the name;
        # “The museum's director, Pia Holm, said”: a name after the description → both
        first_comma = text.rfind(",", max(floor, end - 80), words[-1].start())
        if first_comma < 0:
            return None
        between = text[first_comma + 1 : words[-1].end()].split()
        if (between and between[-1].lower() in LOWER_TITLES | {"spokesman", "manager"}) or (
            between
            and between[0][0].isupper() is not False
            and len(between) <= 5
            and not all(w[0].isupper() for w in between)
        ):
            return source_before(text, first_comma, floor)
        end = words[-1].end()
    if text[words[-1].end() : end].strip():
        return None
    while len(words) > 1 and re.fullmatch(r"[a-z]+ly", words[-1].group()) and words[-1].group() not in ("Italy",):
        words.pop()  # “a teacher mistakenly thought”: the adverb is in no role
        end = words[-1].end()
    kept: list[re.Match[str]] = []
    for w in reversed(words):
        between = text[w.end() : kept[-1].start()] if kept else text[w.end() : end]
        if len(kept) == 16:
            return None
        if between.strip() and not (between.strip() == "," and kept and _apposition(w, kept)):
            break
        lower = w.group().lower()
        if lower in CLAUSE_WORDS and not _inside_name(w, kept, words):
            break
        if lower in VERBISH or (lower.endswith("ed") and len(lower) > 4 and not w.group()[0].isupper() and kept):
            break
        kept.append(w)
        if lower in PRONOUNS and len(kept) == 1:
            break
    kept.reverse()
    while kept and (
        kept[0].group().lower() in CLAUSE_WORDS
        or (kept[0].group().lower() in ("also", "both", "the") and len(kept) > 1 and kept[0].group().lower() != "the")
    ):
        kept.pop(0)
    first = 0
    while first < len(kept) - 1 and CONNECTIVES.fullmatch(kept[first].group() + " "):
        first += 1
    kept = kept[first:]
    if not kept:
        return None
    head = kept[-1].group()
    determined = len(kept) > 1 and (
        kept[0].group().lower() in ("the", "a", "an", "one", "some", "many", "other", "his", "her", "their", "its")
        or kept[0].group().endswith(("’s", "'s"))
    )
    if head.lower() in ("it", "which", "that", "this"):
        return None if head.lower() != "it" else (kept[-1].start(), kept[-1].end())
    named = any(k.group()[0].isupper() for k in kept)
    if not (
        named or head.lower() in PRONOUNS or head.lower().endswith("s") or determined or head.lower() in COLLECTIVE
    ):
        return None  # a bare lower-case singular word is rarely a speaker
    return kept[0].start(), kept[-1].end()


def _apposition(word: re.Match[str], kept: list[re.Match[str]]) -> bool:
    """“Malaysia's Prime Minister, Najib Razak”: a comma between a title and the name after it."""
    return (
        len(kept) <= 3
        and all(k.group()[0].isupper() for k in kept)
        and word.group().lower().rstrip(".") in LOWER_TITLES | {"prosecutor", "manager", "head", "general", "executive"}
    )


def _inside_name(word: re.Match[str], kept: list[re.Match[str]], words: list[re.Match[str]]) -> bool:
    """“Director of the Dallas chapter of the Council on …”, “the District and the Police Department”:
    a function word inside a source that names someone, between capitalised words."""
    lower = word.group().lower()
    if not kept or lower not in ("of", "and", "on", "for", "at", "in"):
        return False
    if not any(k.group()[0].isupper() for k in kept):
        return False
    i = words.index(word)
    before = words[i - 1].group() if i else ""
    if lower == "and":
        return before[:1].isupper() and not re.fullmatch(r"\d+|[A-Z][a-z]+day|" + "|".join(MONTH_NAMES), before)
    return bool(before) and (before[:1].isupper() or before.lower() in LOWER_TITLES or lower == "of")


def source_after(text: str, start: int, ceiling: int) -> tuple[int, int] | None:
    """Right after ``start``: “said Zimmerman”, “said the minister”, “said coauthor Colette Heald”, “he said”."""
    m = re.compile(
        r"\s+((?:(?:[a-z-]+\s+){0,2})?(?:[A-Z][\w’'.-]*)(?:\s+(?:of\s+the\s+|of\s+|de\s+|van\s+|von\s+)?[A-Z][\w’'.-]*)*"
        r"|he|she|they|it|we|I|the\s+[a-z]+(?:\s+[a-z]+)?)"
    ).match(text, start, ceiling)
    if not m:
        return None
    s, e = m.start(1), m.end(1)
    stop = re.search(r"(?<![A-Z])(?<!\b(?:Mr|Ms|Dr|St|Jr|Sr))(?<!\bMrs)\.(?:\s|$)", text[s:e])
    if stop:
        e = s + stop.start()  # a sentence ends inside: “said Lind. Dozens …”
    words = text[s:e].split()
    if not words:
        return None
    if words[0][0].islower() and words[0] in NOT_PREMODIFIERS:
        s = m.start(1) + text[s:e].index(next(w for w in words if w[0].isupper()))
    return (s, e) if s < e else None


# --- the cue test -------------------------------------------------------------------------------


#: Ambiguous forms that are speech verbs whenever they are verbs: a clause may follow them without
#: “that” (“North Korea stated it would …”, “The results show the camp kept …”).
SAYING = {
    "states", "state", "stated", "reports", "report", "reported", "claims", "claim", "claimed", "notes", "note",
    "noted", "estimates", "estimate", "estimated", "answers", "answered", "comments", "commented", "tweets",
    "feel", "feels", "felt", "think", "thinks", "thought", "believe", "believes", "believed", "fears", "feared",
    "hope", "hopes", "hoped", "found", "finds", "find", "show", "shows", "showed", "shown", "read", "reads",
    "expect", "expects", "expected", "rules", "ruled", "suspect", "suspects", "suspected", "reckon", "reckoned",
}  # fmt: skip
#: Verbs that characterise with a verbatim fragment (“described X as "…"”, “cited …: "…"”).
CHARACTERISING = {"described", "describe", "describes", "called", "call", "calls", "cited", "cite", "cites", "dubbed",
                  "characterized", "characterised", "wrote", "write", "writes", "writing", "mentioned"}  # fmt: skip
PAST = ("left|went|made|took|gave|came|got|saw|said|told|found|knew|thought|felt|kept|held|brought|began|ran|won|"
        "lost|met|paid|sent|spent|built|stood|fell|rose|grew|became|led|put|set|cut|hit|let|shut")  # fmt: skip
#: Verbs that report a question only with a wh- or that-clause (“asked whether …”; not “asked to …”).
ASKING = {"ask", "asks", "asked", "asking", "wonder", "wonders", "wondered", "question", "questions", "questioned",
          "concede", "concedes", "conceded", "announce", "announces", "announced", "maintain", "maintains",
          "maintained", "order", "orders", "ordered", "call", "calls", "called", "decide", "decided", "determine",
          "determined", "establish", "established", "demand", "demands", "demanded"}  # fmt: skip
_CLAUSE_AFTER = re.compile(r"\s*(?:,\s*)?[\"“:]|\s+(?:\w+\s+){0,3}?(?:that|how|why|whether|what|who|if|when|where)\b")
_NOUN_BEFORE = re.compile(
    r"(?:\b(?:the|a|an|its|his|her|their|our|these|those|this|recent|new|media|of|in|on|for|with)|\d)\s+$",
    re.IGNORECASE,
)


_COMPOUND_BEFORE = re.compile(r"\b(?:the|a|an|its|his|her|their|our|this)\s+(?:[a-z-]*[^s\W]\s+){1,2}$", re.IGNORECASE)


def _is_cue(text: str, m: re.Match[str], sentence: tuple[int, int], *, next_to_quote: bool = False) -> bool:
    """Whether a lexicon match is a cue here; ``next_to_quote``: right by a quotation mark, where
    the position is evidence enough for the ambiguous forms (unless a determiner makes them nouns)."""
    word = (m.group("verb") or m.group("phrase") or "").split()[-1]
    lower = word.lower()
    whole = m.group().lower()
    if m.group("phrase"):
        return True
    if word[0].isupper() and m.start() > sentence[0] and not re.search(r"[\"“:]\s*$", text[sentence[0] : m.start()]):
        return False  # “the United States”, “Reports” in a name
    if re.search(r"\b(?:is|are|was|were|been|be|being)\s+(?:\w+\s+)*\w+$", whole) and not re.match(
        r"\s+(?:that|to)\b", text[m.end() : m.end() + 5]
    ):
        return lower in ("accused", "charged", "concerned")  # passives, but for accusations and feelings
    after = text[m.end() : m.end() + 80]
    if re.match(r"\s+by\b", after):
        return False  # “announced by X”: passive
    before = text[max(sentence[0], m.start() - 20) : m.start()]
    if lower in AMBIGUOUS | ASKING and whole == lower:
        if _NOUN_BEFORE.search(before):
            return False  # a noun: “the reports”, “media reports”, “50 questions”
        if not lower.endswith(("ed", "ing")) and _COMPOUND_BEFORE.search(before) and not _CLAUSE_AFTER.match(after):
            return False  # “a blog post”, “the press release”
    if next_to_quote:
        return True
    if (lower not in AMBIGUOUS | ASKING or lower in SAYING | CHARACTERISING) and re.search(
        r"[\"“]\w", text[m.end() : min(sentence[1], m.end() + 150)]
    ):
        return True  # a quotation follows in the sentence: “described X as "…"”, “cited …: "…"”
    if lower in ASKING:
        return bool(_CLAUSE_AFTER.match(after))
    if lower in AMBIGUOUS:
        if _CLAUSE_AFTER.match(after):
            return True
        if lower not in SAYING:
            return False
        subject = re.match(
            r"\s+(?:he|she|they|it|we|I|there|the|a|an|this|these|those|his|her|their|its|our|some|no|[A-Z]\w*|\d)\b",
            after,
        )
        clause = re.match(
            r"\s+(?:[\w’',-]+\s+){0,10}?(?:is|are|was|were|has|have|had|will|would|could|may|can|might|must|should|"
            rf"do|does|did|lose|loses|\w+ed|{PAST})\b",
            text[m.end() : m.end() + 120],
        )
        return bool(clause and (subject or lower in ("found", "finds", "find", "show", "shows", "showed", "shown")))
    return True


# --- quotes -------------------------------------------------------------------------------------


def _quote(kind: str, source, cues, contents, confidence: float) -> dict[str, Any] | None:
    contents = [c for c in contents if c]
    if not contents:
        return None
    return {
        "id": "",
        "kind": kind,
        "source": [source] if source else [],
        "cue": [c for c in cues if c],
        "content": sorted(contents, key=lambda c: c["start"]),
        "speaker_entity_id": None,
        "confidence": confidence,
    }


def _sp(text: str, pair: tuple[int, int] | None) -> dict[str, Any] | None:
    return None if pair is None else span(text, *pair, strip=",;:")


def _cue_span(text: str, m: re.Match[str]) -> dict[str, Any] | None:
    return span(text, m.start(), m.end())


def suggest_quotes(text: str) -> list[dict[str, Any]]:
    """Quotes of ``text`` (without ids or speaker entities)."""
    sents = Spans(sentences(text))
    stretches = quoted_stretches(text)
    in_stretch = Spans(stretches)
    paras = Spans(paragraphs(text))
    quotes: list[dict[str, Any]] = []
    used_cues: set[int] = set()
    cue_re = cue_pattern()
    all_cues = list(cue_re.finditer(text))  # one scan; the passes below look them up by position
    cue_starts = [m.start() for m in all_cues]

    def cues_between(a: int, b: int) -> list[re.Match[str]]:
        return all_cues[bisect.bisect_left(cue_starts, a) : bisect.bisect_left(cue_starts, b)]

    previous: dict[str, Any] | None = None
    previous_end = -1
    for s_start, s_end in stretches:
        content = _interior(text, s_start, s_end)
        if content is None:
            continue
        sentence = sents.at(s_start, (s_start, s_end))
        line_end = paras.at(max(s_start, s_end - 1), (s_start, s_end))[1]
        attributed = None
        # after the closing mark: “…,” said X / “…,” X said / “…” - Name
        after = re.compile(r"[\s,]*").match(text, s_end).end()
        m = cue_re.match(text, after)
        if m and _is_cue(text, m, (after, line_end), next_to_quote=True):
            src = source_after(text, m.end(), line_end) or source_before(text, m.start(), s_end)
            attributed = ("direct", src, m)
        else:
            src = re.compile(
                r"[\s,]*((?:[A-Z][\w’'.-]*\s+)+|(?:he|she|they|it|we)\s+|(?:the|a|an|one)\s+[\w\s]{1,30}?\s(?=\w+\s*[.,]))"
            ).match(text, s_end, line_end)
            m = cue_re.match(text, src.end()) if src else None
            if src and m and _is_cue(text, m, (src.end(), line_end), next_to_quote=True):
                attributed = ("direct", (src.start(1), src.end(1) - 1), m)
            else:
                layout = re.compile(r"\s*[-–—]\s*([A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){0,3})\s*$").match(
                    text, s_end, line_end
                )
                if layout:
                    attributed = ("direct", (layout.start(1), layout.end(1)), None)
        if attributed is None:
            # before the opening mark, in its sentence: X said: “…” / X told Y, “…”
            floor = (
                sentence[0] if sentence[0] < s_start else max(paras.at(s_start, (s_start, s_end))[0], s_start - 1500)
            )
            for m in cues_between(floor, s_start):
                if m.end() > s_start or not _is_cue(text, m, (floor, s_start), next_to_quote=True):
                    continue
                rest = text[m.end() : s_start]
                addressee = (
                    re.fullmatch(ADDRESSEE + r"?\s*[,:]?\s*", rest)
                    if m.group().split()[-1].lower() in ADDRESSEE_VERBS
                    else None
                )
                if (
                    re.fullmatch(
                        r"\s*(?:that\s*)?[,:]?\s*|\s+(?:in|on|via|through|at|from)\s+[^,:\"“]{1,40}?\s*[,:]?\s*", rest
                    )
                    or addressee
                    or (
                        m.group("phrase")
                        and m.group("phrase").lower().startswith("according")
                        and re.fullmatch(r"\s+[^,]{1,60},\s*", rest)
                    )
                ):
                    if m.group("phrase") and m.group("phrase").lower().startswith("according"):
                        src = source_after(text, m.end(), s_start)
                    else:
                        src = source_before(text, m.start(), floor)
                        if src is None and (m.group("verb") or "").lower() in PARTICIPLES:
                            src = _subject(text, (floor, s_start), cues_between(floor, m.start()))
                    attributed = ("direct", src, m)
            if attributed is None and sentence[0] >= s_start - 1:
                attributed = _cue_of_previous_sentence(text, sents, s_start, used_cues)
        if attributed is not None:
            kind, src, m = attributed
            q = _quote(kind, _sp(text, src), [_cue_span(text, m)] if m else [], [content], 0.8)
            if q is not None:
                if m:
                    used_cues.add(m.start())
                quotes.append(q)
                previous, previous_end = q, s_end
            continue
        # continuation of the quote before (same or next paragraph, no attribution of its own)
        if previous is not None and _continues(text, previous_end, s_start):
            previous["content"].append(content)
            previous_end = s_end
            continue
        previous = None
    # reported speech
    for s_start, s_end in sents.spans:
        for m in cues_between(s_start, s_end):
            if m.end() > s_end or m.start() in used_cues or not _is_cue(text, m, (s_start, s_end)):
                continue
            inside = in_stretch.at(m.start(), (-1, -1))
            if inside[0] <= m.start() < inside[1]:
                continue  # cues inside quotation marks belong to the quotation
            q = _reported(text, m, (s_start, s_end), quotes)
            if q is not None:
                used_cues.add(m.start())
                quotes.append(q)
    return quotes


def _cue_of_previous_sentence(text: str, sents: Spans, start: int, used: set[int]):
    """“X issued a statement regarding …. "…"”: the cue of the sentence before, when it reports nothing itself."""
    gap = re.search(r"\s*$", text[max(0, start - 20) : start])
    prev = sents.at(start - len(gap.group()) - 1, (-1, -1))
    if prev[0] < 0 or ("\n" in text[prev[1] : start] and not text[: prev[1]].rstrip().endswith(":")):
        return None  # across a line break only after a colon (“… tweeted:”)
    for m in cue_pattern().finditer(text, *prev):
        if m.start() in used or not _is_cue(text, m, prev, next_to_quote=True):
            continue
        rest = text[m.end() : prev[1]]
        announced = rest.rstrip().endswith(":")  # “… tweeted using his account:”
        if (
            rest.strip(" .:")
            and not announced
            and not re.match(r"\s+(?:regarding|about|on|in|after|following|to)\b", rest)
        ):
            continue
        src = source_before(text, m.start(), prev[0])
        if src is not None:
            return ("direct", src, m)
    return None


def _subject(
    text: str, sentence: tuple[int, int], earlier: list[re.Match[str]], *, strict: bool = True
) -> tuple[int, int] | None:
    """The source of the first cue of the sentence: the subject a participle cue (“…, writing …”) or a
    coordinated one (“X tweeted to Y and said …”) shares."""
    for m in earlier:
        if not strict or _is_cue(text, m, sentence):
            found = source_before(text, m.start(), sentence[0])
            if found is not None:
                return found
    return None


def _continues(text: str, previous_end: int, start: int) -> bool:
    between = text[previous_end:start]
    if between.count("\n") > 2:
        # a caption line between two paragraphs of one quotation
        lines = [ln for ln in between.split("\n") if ln.strip()]
        return (
            len(lines) == 1 and len(lines[0]) < 150 and not re.search(r"[\"“”]", lines[0]) and text[start - 1] == "\n"
        )
    if not between.strip():
        return True
    # “…,” he said. “…” — the attribution of the quote before sits between
    return len(between) < 120 and bool(cue_pattern().search(between)) and not re.search(r"[\"“”]", between)


def _coordinated(text: str, m: re.Match[str], sentence: tuple[int, int], quotes) -> dict[str, Any] | None:
    """“X said A, and said B”: a second quote of the same source; the first one's content ends before “and”."""
    for q in reversed(quotes):
        if not (q["cue"] and q["source"] and sentence[0] <= q["cue"][0]["start"] < m.start()):
            continue
        last = q["content"][-1]
        if not last["start"] < m.start() < last["end"]:
            return None
        cut = re.search(r"(?:,\s*|\s)and\s+(?:also\s+|then\s+)?$", text[last["start"] : m.start()])
        trimmed = span(text, last["start"], last["start"] + cut.start()) if cut else None
        rest = m.end()
        that = re.compile(r"\s*,?\s*that\s+").match(text, rest, sentence[1])
        content = span(text, that.end() if that else rest, sentence[1])
        if trimmed is None or content is None:
            return None
        q["content"][-1] = trimmed
        q["kind"] = _kind(q["content"])
        new = _quote("indirect", dict(q["source"][0]), [_cue_span(text, m)], [content], 0.5)
        if new is not None:
            new["kind"] = _kind(new["content"])
        return new
    # no quote before it in the sentence (“X tweeted to Y and said …”): the sentence's subject
    src = _subject(text, sentence, list(cue_pattern().finditer(text, sentence[0], m.start())), strict=False)
    that = re.compile(r"\s*,?\s*that\s+").match(text, m.end(), sentence[1])
    content = span(text, that.end() if that else m.end(), sentence[1])
    if src is None or content is None or len(content["text"].split()) < 3:
        return None
    new = _quote("indirect", _sp(text, src), [_cue_span(text, m)], [content], 0.5)
    if new is not None:
        new["kind"] = _kind(new["content"])
    return new


def _kind(contents: list[dict[str, Any]]) -> str:
    return "mixed" if any(re.search(r"[\"“”]|``|''", c["text"]) for c in contents) else "indirect"


def _reported(text: str, m: re.Match[str], sentence: tuple[int, int], quotes) -> dict[str, Any] | None:
    s_start, s_end = sentence
    cue = _cue_span(text, m)
    phrase = (m.group("phrase") or "").lower()
    first = s_start + (c.end() if (c := CONNECTIVES.match(text, s_start)) else 0)
    if phrase.startswith("according"):
        upto = re.compile(r"\s+([^,.;:\"“]{1,80}?)\s*,\s*").match(text, m.end(), s_end)
        src = (
            (upto.start(1), upto.end(1))
            if upto and len(upto.group(1).split()) <= 10
            else source_after(text, m.end(), s_end)
        )
        if src is None:
            return None
        before = text[first : m.start()].rstrip()
        at_end = not text[src[1] : s_end].strip(' .!?"”')
        if (before.endswith(",") or at_end) and len(before.split()) >= 3:  # CONTENT, according to X.
            return _quote("indirect", _sp(text, src), [cue], [span(text, first, m.start())], 0.5)
        if upto is None:
            return None
        start = upto.end()
        # relayed: “According to A, quoting B, …” — one quote, both sources and both cues
        quoting = re.compile(r"(quoting|citing)\s+([^,]{1,100}?)(?:\s*\([^)]{1,20}\))?\s*,\s*").match(
            text, start, s_end
        )
        if quoting:
            start = quoting.end()
        q = _quote("indirect", _sp(text, src), [cue], [span(text, start, s_end)], 0.5)
        if q is not None:
            q["kind"] = _kind(q["content"])
            if quoting:
                q["cue"].append(span(text, quoting.start(1), quoting.end(1)))
                second = span(text, quoting.start(2), quoting.end(2))
                if second:
                    q["source"].append(second)
        return q
    if m.group("verb") and m.group("verb").lower() in PARTICIPLES:
        # “…, saying …”: a second cue of the attribution before it in the sentence
        if text[max(s_start, m.start() - 2) : m.start()].strip() != ",":
            return None
        for q in reversed(quotes):
            if q["cue"] and s_start <= q["cue"][0]["start"] < m.start() and q["content"]:
                last = q["content"][-1]
                if last["end"] > m.start():
                    trimmed = span(text, last["start"], m.start())
                    if trimmed:
                        q["content"][-1] = trimmed
                        q["cue"].append(cue)
                        rest = span(text, m.end(), s_end)
                        if rest:
                            q["content"][-1] = rest
                        return None
        return None
    src = source_before(text, m.start(), s_start)
    second = None
    inverted = False
    if src is None and re.search(
        r"(?:,\s*|\s)and\s+(?:also\s+|then\s+)?$", text[max(s_start, m.start() - 15) : m.start()]
    ):
        return _coordinated(text, m, sentence, quotes)
    if src is None:
        before = text[s_start : m.start()].rstrip()
        if before.endswith(","):
            src = source_after(text, m.end(), s_end)
            inverted = src is not None
        if src is None:
            return None
    after_comma = text[src[0] - 2 : src[0]] == ", " and not inverted
    tail = text[m.end() if not inverted else src[1] : s_end]
    interrupted = (after_comma or inverted) and tail.startswith(",") and len(tail.split()) >= 3
    final = (after_comma or inverted) and not tail.strip(' .!?"”')
    head_end = m.start() if inverted else src[0]
    if interrupted:  # “…, X said, …”
        contents = [span(text, first, head_end), span(text, (m.end() if not inverted else src[1]) + 1, s_end)]
    elif final:  # “…, X said.”
        contents = [span(text, first, head_end)]
    elif inverted:
        return None
    else:
        rest = m.end()
        verb = (m.group("verb") or "").lower()
        if verb in ADDRESSEE_VERBS:
            addressee = re.compile(
                r"\s+(?:reporters|journalists|the\s+press|[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*|the\s+[\w\s]{1,40}?|him|her|them|us|me)(?=\s*(?:,|that\b|\s[a-z]))"
            ).match(text, rest, s_end)
            if addressee:
                rest = addressee.end()
        that = re.compile(r"\s*,?\s*that\s+").match(text, rest, s_end)
        if that is None and m.group("phrase"):
            that = re.compile(r"\s+(?:of|from|to|by|on|for)\s+[^,.;\"“]{1,80}?\s+that\s+").match(text, rest, s_end)
        if that:
            rest = that.end()
        participle = re.compile(rf"\s*,\s*({'|'.join(PARTICIPLES)})\s+(?:that\s+)?").match(text, rest, s_end)
        if participle:
            second = span(text, participle.start(1), participle.end(1))
            rest = participle.end()
        body = text[rest:s_end]
        if re.match(r"\s*[,:]?\s*[\"“]", body) and re.fullmatch(r"\s*[,:]?\s*[\"“][^\"“”]*[\"”]?\s*[.!?]?", body):
            return None  # “X said: "…"” is a direct quote, found above
        stop = re.search(
            rf",\s+(?:according\s+to|he\s+said|she\s+said|they\s+said|(?:{'|'.join(PARTICIPLES)})\b(?=[^\"“]*[\"“]))",
            body,
        )
        end = rest + stop.start() if stop else s_end
        if len(text[rest:end].split()) < 2:
            return None
        contents = [span(text, rest, end)]
    contents = [c for c in contents if c and len(c["text"].split()) >= 2]
    if not contents:
        return None
    q = _quote("indirect", _sp(text, src), [cue, second], contents, 0.6)
    if q is not None:
        q["kind"] = _kind(q["content"])
    return q
