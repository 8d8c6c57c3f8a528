"""Scoring and agreement: the public entry points, kept here; the code is in ``newsfacts.scoring``.

``score_documents(gold, pred, layers)`` scores two lists of documents in memory; for files,
folders and releases, streamed and validated, use ``newsfacts.scoring.stream.score_paths``.
"""

from __future__ import annotations

from newsfacts.scoring.coref import b_cubed, ceaf_e, muc, score_clusters
from newsfacts.scoring.layers import LABELS, MODES, ROLES, SPAN_MODES
from newsfacts.scoring.matching import assignment, match
from newsfacts.scoring.render import render_agreement, render_text
from newsfacts.scoring.scorer import LAYERS, Scorer, agreement, score_documents

__all__ = [
    "LABELS",
    "LAYERS",
    "MODES",
    "ROLES",
    "SPAN_MODES",
    "Scorer",
    "agreement",
    "assignment",
    "b_cubed",
    "ceaf_e",
    "match",
    "muc",
    "render_agreement",
    "render_text",
    "score_clusters",
    "score_documents",
]
