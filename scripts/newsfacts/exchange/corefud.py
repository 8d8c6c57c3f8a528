"""CorefUD CoNLL-U: entities and coreference in the format of CorefUD 1.x (the CRAC shared tasks'),
read by ``udapi``. Export only.

One file per document: ``# newdoc id``, ``# global.Entity = eid-etype``, then one block per
sentence of the ``ner`` view (`newsfacts.release.ner.ner_rows`: the same sentences and tokens as
the ``ner`` config) with ``# sent_id`` and ``# text``. The ten CoNLL-U columns hold the token's
position and form; the corpus has no lemmas, tags or syntax, so those columns are ``_``.
MISC holds ``SpaceAfter=No`` where no space follows and the coreference in CorefUD's bracket
notation: ``Entity=(E1-PERSON`` opens a mention of entity ``E1`` (its type), ``E1)`` closes
it, ``(E1-PERSON)`` is a one-token mention; the cluster id is the entity's id. Brackets on one
token: closing first, then opening (longer mentions first), then one-token mentions, as udapi
orders them (``udapi.core.coref``, rules 1–4).

Every mention (name, nominal, pronoun) is exported, as the tokens that cover its characters:
the ``ner`` view cuts tokens at name spans, so those are exact; a nominal or pronoun mention
whose edge falls inside a token covers the whole token. A mention that would cross a sentence
break is left out and named in a ``# newsfacts_skipped`` comment. No head word is given (the
corpus has no syntax): ``global.Entity`` declares no ``head``.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Any

GLOBAL_ENTITY = "eid-etype"


def to_corefud(doc: dict[str, Any]) -> str:
    """The CorefUD CoNLL-U text of one document."""
    from newsfacts.release.ner import ner_rows

    rows = list(ner_rows(doc))
    sentence_starts = [row["start"] for row in rows]
    chunks: dict[tuple[int, int], tuple[list, list, list]] = {}  # (sentence, token) → closes, opens, singles
    skipped = []
    for mention in doc["mentions"]:
        place = _tokens_of(mention, rows, sentence_starts)
        if place is None:
            skipped.append(mention["id"])
            continue
        s, first, last = place
        eid, etype = mention["entity_id"], mention["type"]
        length = last - first + 1
        if first == last:
            chunks.setdefault((s, first), ([], [], []))[2].append(f"({eid}-{etype})")
        else:
            chunks.setdefault((s, first), ([], [], []))[1].append((-length, f"({eid}-{etype}"))
            chunks.setdefault((s, last), ([], [], []))[0].append((length, f"{eid})"))
    lines = [f"# newdoc id = {doc['doc_id']}", f"# global.Entity = {GLOBAL_ENTITY}"]
    if skipped:
        lines.append(f"# newsfacts_skipped = mentions across a sentence break: {' '.join(skipped)}")
    text = doc["text"]
    for s, row in enumerate(rows):
        lines.append(f"# sent_id = {doc['doc_id']}-{s + 1}")
        lines.append("# text = " + " ".join(text[row["start"] : row["end"]].split()))
        count = len(row["tokens"])
        for t, form in enumerate(row["tokens"]):
            misc = []
            if t + 1 < count and row["token_ends"][t] == row["token_starts"][t + 1]:
                misc.append("SpaceAfter=No")
            closes, opens, singles = chunks.get((s, t), ([], [], []))
            entity = "".join(c for _, c in sorted(closes)) + "".join(c for _, c in sorted(opens)) + "".join(singles)
            if entity:
                misc.append(f"Entity={entity}")
            lines.append(f"{t + 1}\t{form}\t_\t_\t_\t_\t_\t_\t_\t{'|'.join(misc) or '_'}")
        lines.append("")
    return "\n".join(lines) + "\n"


def _tokens_of(mention: dict[str, Any], rows: list[dict[str, Any]], starts: list[int]) -> tuple[int, int, int] | None:
    """(sentence, first token, last token) covering the mention's characters, or None when they
    are not within one sentence."""
    s = bisect_right(starts, mention["start"]) - 1
    if s < 0 or mention["end"] > rows[s]["end"]:
        return None
    row = rows[s]
    first = bisect_right(row["token_ends"], mention["start"])
    last = bisect_left(row["token_starts"], mention["end"]) - 1
    if first > last:
        return None
    return s, first, last
