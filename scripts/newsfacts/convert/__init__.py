"""Converters: what systems emit, turned into predictions (``schema/prediction.schema.json``).

spans (the shared part: labels, offsets on the gold text, the prediction record) · hf (Hugging Face
token-classification pipeline output) · spacy_doc (a spaCy ``Doc`` or its ``to_json()``) · bio (BIO
tags over the release's ``ner`` tokens, read as seqeval reads them) · rows (JSONL rows of
``doc_id, start, end, label``, or of quoted text found in the gold text: ``anchor``) · run (files
in, predictions out, for ``newsfacts convert``).
"""
