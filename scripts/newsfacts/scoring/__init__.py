"""Scoring a system's predictions against gold annotations, as they stream in.

matching (span pairs) · counts (P/R/F1 tallies) · coref (MUC, B³, CEAF-e) · layers (mentions,
quotes, numeric facts) · scorer (one document pair at a time) · pairing (documents by doc_id,
streaming) · stream (files in, a result and issues out) · render (text tables).
"""
