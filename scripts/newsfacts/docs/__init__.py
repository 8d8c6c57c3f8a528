"""Metadata kept once, and the documents generated from it: datasheet, citation, diffs between versions."""
