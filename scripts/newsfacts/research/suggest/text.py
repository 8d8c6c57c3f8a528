"""Sentences, paragraphs and words of an article: the positions the suggester's rules work between.

Every function here is linear in the length of the text (one regular-expression pass, each
match looking back a bounded number of characters), so drafting stays linear on long articles.
"""

from __future__ import annotations

import bisect
import re

#: Words with a full stop that does not end a sentence (titles; initials such as “U.S.” are single capitals).
ABBREVIATION = re.compile(
    r"(?:^|[\s.])(?:[A-Z]|Mr|Mrs|Ms|Dr|Prof|Capt|Col|Gen|Lt|Sgt|Maj|Cpl|Adm|Gov|Sen|Rep|Rev|St|Jr|Sr|No|vs|Inc|Corp|Co|Mt|Ft|approx|est)\.$"
)
_BREAK = re.compile(r"([.!?]+[”\"’')]*)[ \t]+(?=[“\"‘'(]*[A-Z0-9])|\n+")
#: The longest abbreviation looked back at, in characters.
_LOOK_BACK = 8
#: The longest sentence, in characters: a longer run without a sentence end is cut at a space
#: (news sentences are far shorter). Every rule works within a sentence, so this bounds the
#: work per position and keeps drafting linear even on text without full stops.
MAX_SENTENCE = 1500


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans: split after . ! ? (not after a short abbreviation such as “Capt.”) and at line ends."""
    spans, start = [], 0
    for m in _BREAK.finditer(text):
        cut = m.end(1) if m.group(1) else m.start()
        if m.group(1) and m.group(1)[0] == "." and ABBREVIATION.search(text[max(start, cut - _LOOK_BACK) : cut]):
            continue  # “Capt. Devan”, “U.S. troops”: an abbreviation, not a sentence end
        if text[start:cut].strip():
            spans += _bounded(text, start, cut)
        start = m.end()
    if text[start:].strip():
        spans += _bounded(text, start, len(text.rstrip()))
    return spans


def _bounded(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``(start, end)``, cut at spaces into pieces of at most ``MAX_SENTENCE`` characters."""
    out = []
    while end - start > MAX_SENTENCE:
        cut = text.rfind(" ", start + 1, start + MAX_SENTENCE)
        cut = cut if cut > start else start + MAX_SENTENCE
        out.append((start, cut))
        start = cut + (text[cut] == " ")
    out.append((start, end))
    return out


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Paragraph spans: the stretches between line breaks."""
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]


class Spans:
    """Sorted, non-overlapping spans with O(log n) look-up of the one holding a position."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = spans
        self.starts = [s for s, _ in spans]

    def at(self, pos: int, default: tuple[int, int]) -> tuple[int, int]:
        i = bisect.bisect_right(self.starts, pos) - 1
        if i >= 0 and self.spans[i][0] <= pos < self.spans[i][1]:
            return self.spans[i]
        return default


class Taken:
    """Character ranges already given to an item: O(log n) test and insert (kept sorted, disjoint)."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def free(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self.starts, start)
        if i and self.ends[i - 1] > start:
            return False
        return not (i < len(self.starts) and self.starts[i] < end)

    def add(self, start: int, end: int) -> None:
        i = bisect.bisect_right(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)


def span(text: str, start: int, end: int, strip: str = ",.;:") -> dict[str, int | str] | None:
    """A span object with whitespace and edge punctuation trimmed; None when nothing is left."""
    while start < end and (text[start].isspace() or text[start] in strip):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in strip):
        end -= 1
    if start >= end:
        return None
    return {"start": start, "end": end, "text": text[start:end]}
