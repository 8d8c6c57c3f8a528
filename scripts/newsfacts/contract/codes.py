"""The stable issue codes of the validator: layer, severity and the hint shown with each.

Tests match these codes; README's table of codes is checked against this registry.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsfacts.contract.report import Issue, Severity


@dataclass(frozen=True)
class Code:
    layer: str
    severity: Severity
    hint: str


CODES: dict[str, Code] = {
    # usage and I/O: nothing could be checked (exit 2)
    "path-not-found": Code("io", "fatal", "Check the path; pass .json or .jsonl files or folders holding them."),
    "unreadable-file": Code("io", "fatal", "Check the file's permissions, or that it is a regular file."),
    "unsupported-file": Code("io", "fatal", "Pass .json (one document) or .jsonl (one document per line) files."),
    "no-documents": Code("io", "fatal", "The folder holds no .json or .jsonl file; point at the folder of documents."),
    "output-exists": Code(
        "io",
        "fatal",
        "--out names an existing file, which is not overwritten: choose another --out or remove it (export and import write into a folder, new or one to write into).",
    ),
    "write-failed": Code(
        "io",
        "fatal",
        "Check that the output's folder exists and is writable and the disk has room; nothing was written.",
    ),
    # usage and I/O on a cluster (--scheduler, newsfacts.distributed)
    "dask-not-installed": Code(
        "io", "fatal", "Install the extra on the driver and the workers: pip install 'newsfacts[dask]'."
    ),
    "scheduler-unreachable": Code(
        "io",
        "fatal",
        "Check --scheduler: tcp://HOST:PORT of a running Dask scheduler, a scheduler file (.json), or local[:N].",
    ),
    "filesystem-unavailable": Code(
        "io",
        "fatal",
        "fsspec has no filesystem for this URL here: install its package (s3fs, gcsfs, adlfs, …) on the driver and the workers.",
    ),
    "cluster-task-failed": Code(
        "io",
        "fatal",
        "A task failed on the cluster after Dask's retries (workers killed again and again: out of memory?); "
        "see the workers' logs. Nothing was written.",
    ),
    # 1. bytes
    "empty-file": Code(
        "bytes", "error", "The file is empty: write one JSON document (.json) or one per line (.jsonl)."
    ),
    "record-too-large": Code(
        "bytes", "error", "A document this large is not an article; check that records are separated by newlines."
    ),
    "invalid-utf8": Code("bytes", "error", "Save the file as UTF-8 (without a byte-order mark)."),
    "utf8-bom": Code("bytes", "error", "Remove the byte-order mark at the start of the file."),
    "not-nfc": Code(
        "bytes",
        "error",
        "Normalise the file to Unicode NFC (unicodedata.normalize('NFC', s)) and recompute the offsets against the normalised text.",
    ),
    # 2. JSON syntax
    "invalid-json": Code("json", "error", "Fix the JSON syntax at the given line and column."),
    "non-finite-number": Code("json", "error", "NaN and Infinity are not JSON; write a finite number or null."),
    "integer-out-of-range": Code("json", "error", "Integers must fit in 64 bits; offsets and counts never need more."),
    "duplicate-key": Code(
        "json",
        "error",
        "Write each key once per object: JSON parsers disagree on which of two values wins, so every newsfacts command refuses both.",
    ),
    "json-too-deep": Code("json", "error", "The JSON nests too deeply to be a document; check for runaway brackets."),
    # 3. schema
    "schema-violation": Code("schema", "error", "See schema/document.schema.json for the field's definition."),
    # 4. record semantics
    "text-not-nfc": Code(
        "semantics", "error", "Normalise `text` to NFC and recompute offsets, span texts and text_sha256."
    ),
    "title-mismatch": Code("semantics", "error", "`title` must equal the first line of `text` (the headline)."),
    "text-sha256-mismatch": Code(
        "semantics",
        "error",
        "Recompute text_sha256 as sha256(text.encode('utf-8')).hexdigest(); if the text changed, re-check every offset.",
    ),
    "span-out-of-range": Code(
        "semantics",
        "error",
        "Offsets are half-open code-point offsets with 0 <= start < end <= len(text); count code points, not UTF-16 units or bytes.",
    ),
    "span-text-mismatch": Code(
        "semantics",
        "error",
        "The span's `text` must equal text[start:end]; fix the offsets or the text (offsets count Unicode code points in the NFC text).",
    ),
    "offset-not-integer": Code(
        "semantics",
        "error",
        "Write offsets as JSON integers (59, not 59.0): JSON Schema counts 59.0 as an integer, but the "
        "release stores offsets as 32-bit integers and refuses it.",
    ),
    "span-whitespace": Code(
        "semantics", "error", "Spans never start or end with whitespace: trim the span and adjust its offsets."
    ),
    "duplicate-id": Code(
        "semantics", "error", "Ids are unique within a document across all layers; renumber one of them."
    ),
    "unknown-reference": Code(
        "semantics", "error", "The id refers to nothing of the right kind; add the entity or quote, or fix the id."
    ),
    "mention-type-mismatch": Code(
        "semantics",
        "error",
        "A mention's `type` must equal its entity's `type`; fix one of them or link the right entity.",
    ),
    "entity-without-mentions": Code(
        "semantics", "error", "Every entity needs at least one mention; delete the entity or annotate its mentions."
    ),
    "duplicate-annotation": Code("semantics", "error", "The same annotation appears twice; delete one."),
    "interval-order": Code(
        "semantics", "error", "The interval must satisfy low <= value <= high (null bounds are unbounded)."
    ),
    "unknown-interval-rule": Code(
        "semantics", "error", "Use a rule id from schema/interval-rules.json (see corpus/GUIDELINES.md)."
    ),
    "interval-rule-mismatch": Code(
        "semantics",
        "error",
        "Recompute value, low, high and approximation from the named rule in schema/interval-rules.json.",
    ),
    "unit-text-not-found": Code(
        "semantics", "error", "`unit_text` must be words that occur in the text, or null for an implicit unit."
    ),
    "fact-outside-quote": Code(
        "semantics",
        "error",
        "A fact with a quote_id lies inside that quote's content; fix the quote_id or set it to null.",
    ),
    "gold-without-annotators": Code(
        "semantics",
        "error",
        "A gold record is an adjudicated annotation: list who annotated and adjudicated it in annotation.annotators (or give it the status it has).",
    ),
    "annotation-status-mismatch": Code(
        "semantics",
        "error",
        "Set annotation.status to what the record is (independent_pass, gold, …) once annotations are added.",
    ),
    "document-not-annotated": Code(
        "semantics",
        "warning",
        "The record is as `newsfacts ingest` made it: annotate it (two independent passes, then adjudication); `newsfacts build` does not release it until then.",
    ),
    "speaker-without-source": Code(
        "semantics", "warning", "A quote with a speaker entity usually has a source span naming it."
    ),
    # ingest
    "seed-not-utf8": Code(
        "ingest", "error", "Seed articles are UTF-8 text; convert the file (e.g. iconv -t UTF-8) and ingest again."
    ),
    "seed-empty": Code("ingest", "error", "The seed holds no article text after normalisation; check the file."),
    "article-malformed": Code(
        "ingest",
        "error",
        "Each line of a .jsonl shard of articles (suggest --scheduler) is a JSON object with a string "
        "`doc_id` (the draft's doc_id) and a string `text` (the raw article).",
    ),
    "seed-outside-seeds": Code(
        "ingest",
        "error",
        "Seed files live under the repository's seeds/ folder (subfolders are fine): copy the file there, byte-identical, or name the folder with --seeds.",
    ),
    "seed-name-invalid": Code(
        "ingest",
        "error",
        "A seed's file name without its extension becomes the doc_id: letters, digits, '_', '.', '-', starting with a letter or digit. Rename the file.",
    ),
    "provenance-invalid": Code(
        "ingest",
        "error",
        "Fix corpus/provenance.json (or the sources file it names) at the place given; its format is described in its `description` and in newsfacts.corpus.provenance.",
    ),
    "sources-hash-mismatch": Code(
        "ingest",
        "error",
        "The seed file is not the one its sources file describes: restore the original bytes, or correct the sources entry if the file was replaced on purpose.",
    ),
    "seed-changed": Code(
        "ingest",
        "error",
        "The seed's text changed since it was annotated. Restore the original seed, or run `newsfacts ingest --force` to re-anchor the annotations and list those that no longer match.",
    ),
    # 5. corpus-wide
    "duplicate-doc-id": Code(
        "corpus",
        "error",
        "A collection holds one record per doc_id and annotation set; remove or rename the duplicate.",
    ),
    "split-conflict": Code("corpus", "error", "All records of one document must name the same split."),
    "seed-not-found": Code(
        "corpus", "error", "The document names a seed file that is not in seeds/; restore it or fix source.seed_file."
    ),
    "seed-file-outside-seeds": Code(
        "corpus",
        "error",
        "source.seed_file is a path relative to seeds/, without '..' or a leading '/'; the validator reads nothing outside seeds/.",
    ),
    "seed-hash-mismatch": Code(
        "corpus",
        "error",
        "The seed file's bytes changed since ingest; restore the original or re-ingest with `newsfacts ingest --force`.",
    ),
    # release documents (DATASHEET.md, CITATION.cff): generated parts out of date
    "text-withheld-mismatch": Code(
        "release",
        "error",
        "MANIFEST.json's texts.withheld lists exactly the documents whose text (and title, span texts, tokens) the release leaves out: rebuild the release.",
    ),
    "release-docs-mismatch": Code(
        "release",
        "error",
        "The release's DATASHEET.md figures, CITATION.cff or LICENSES.md disagree with its own metadata and rows: rebuild it with `newsfacts build`.",
    ),
    "release-not-adjudicated": Code(
        "release",
        "error",
        "Only adjudicated gold records are released: finish the record (annotation.status `gold`, with its annotators) or move it out of corpus/documents until it is.",
    ),
    "datasheet-drift": Code(
        "docs", "error", "Run `newsfacts datasheet --write` and commit DATASHEET.md and CITATION.cff."
    ),
    "datasheet-block-missing": Code(
        "docs",
        "error",
        "Restore the block's <!-- name:begin --> and <!-- name:end --> markers, then run `newsfacts datasheet --write`.",
    ),
    "datasheet-block-unknown": Code(
        "docs", "error", "Remove the markers, or add a generator for the block in newsfacts/datasheet.py."
    ),
    "citation-drift": Code(
        "docs", "error", "CITATION.cff is generated from corpus/metadata.json: run `newsfacts datasheet --write`."
    ),
    # exchange: importing brat / Label Studio files (newsfacts import)
    "import-malformed-line": Code(
        "exchange", "error", "The line does not follow brat's format (ID<TAB>annotation<TAB>text); fix or remove it."
    ),
    "import-bad-task": Code(
        "exchange",
        "error",
        'A Label Studio task is {"data": {"text": …}, "annotations": [{"result": […]}]}, each result '
        '{"id", "from_name", "to_name", "type", "value"}, as Label Studio exports or imports them.',
    ),
    "import-unknown-label": Code(
        "exchange",
        "error",
        "Use a label of the newsfacts mapping (the 18 OntoNotes types, QuoteCue/QuoteSource/QuoteContent, NumericFact, "
        "Measured; see newsfacts/exchange/standoff.py), or map other schemes' labels with --label-map FROM=TO,… "
        "(a file or inline; TO '-' drops a label).",
    ),
    "import-bad-relation": Code(
        "exchange",
        "error",
        "Source and Content run from a QuoteCue to a QuoteSource / QuoteContent, Measures from a NumericFact to a "
        "Measured span, StatedIn from a NumericFact to a QuoteCue: relink the relation.",
    ),
    "import-orphan-region": Code(
        "exchange",
        "error",
        "A QuoteSource, QuoteContent or Measured span belongs to a quote cue or numeric fact: link it with its "
        "relation (Source, Content, Measures) or delete it.",
    ),
    "import-skipped": Code(
        "exchange",
        "warning",
        "Valid in the tool's format, but the newsfacts mapping has no place for it; it was left out of the document.",
    ),
    "bad-label-map": Code(
        "exchange",
        "fatal",
        "--label-map is FROM=TO pairs, inline and comma-separated or one per line in a file (or a JSON object); "
        "TO is a newsfacts label or '-' to drop FROM.",
    ),
    "input-too-large": Code(
        "exchange",
        "fatal",
        "The file is larger than the importer reads; split it (Label Studio: export fewer tasks per file).",
    ),
    "output-write-failed": Code(
        "exchange",
        "fatal",
        "Check that --out is writable and the disk has room; nothing was written (files already there are unchanged).",
    ),
    "import-bad-offsets": Code(
        "exchange",
        "error",
        "Offsets must lie inside the text and cover the quoted span text; Label Studio counts UTF-16 code units (try --offsets codepoints or auto).",
    ),
    "import-unknown-reference": Code(
        "exchange", "error", "The relation, attribute or note names an annotation that is not in the file."
    ),
    "import-bad-note": Code(
        "exchange", "error", "newsfacts notes are one JSON object per line; restore the exported note or delete it."
    ),
    "import-bad-metadata": Code(
        "exchange",
        "error",
        "The document metadata (brat: <doc_id>.meta.json; Label Studio: data.newsfacts) must be a JSON object as exported.",
    ),
    "import-coref-conflict": Code(
        "exchange",
        "error",
        "A Coref group must hold the mentions of exactly one entity; split the group or fix the mention notes.",
    ),
    "import-extra-annotations": Code(
        "exchange",
        "warning",
        "Only the first annotation of a Label Studio task is imported; export one annotation per task.",
    ),
    # predictions: checked against the gold documents (validate --against, score)
    "prediction-text-mismatch": Code(
        "predictions",
        "error",
        "A prediction's `text` and `text_sha256` must be the gold document's: its offsets count code points into "
        "that text. Run the system on the gold text, or leave both fields out.",
    ),
    "prediction-without-gold": Code(
        "predictions",
        "warning",
        "GOLD has no document of this doc_id, so the prediction is not scored; check the doc_id, or that GOLD is "
        "the right corpus or release.",
    ),
    "gold-set-not-found": Code(
        "predictions",
        "fatal",
        "GOLD holds no record of the annotation set asked for: name one it has with --gold-set.",
    ),
    # converters: system output to predictions (newsfacts convert)
    "convert-malformed": Code(
        "convert",
        "error",
        "The input does not have the shape this converter reads; see `newsfacts convert --help` for each format.",
    ),
    "convert-unknown-doc": Code(
        "convert",
        "error",
        "GOLD has no document of this doc_id: check the doc_id, or pass the GOLD whose texts the system was run on.",
    ),
    "convert-offset-mismatch": Code(
        "convert",
        "error",
        "The offsets do not land on the gold text: they must be code-point offsets into the gold document's text, "
        "as given to the system (a system run on another text, or counting UTF-16 units or bytes, does not fit).",
    ),
    "convert-unknown-label": Code(
        "convert",
        "error",
        "Map the system's labels to the 18 OntoNotes labels with --map LABEL=ONTONOTES (map a label to '' to drop it).",
    ),
    "convert-text-not-found": Code(
        "convert",
        "error",
        "The quoted span text does not occur in the gold text: quote it exactly (same characters, NFC), or give offsets.",
    ),
    "convert-text-ambiguous": Code(
        "convert",
        "error",
        "The quoted span text occurs several times in the gold text: add `prefix` or `suffix` (the words just before or "
        "after it), or give offsets.",
    ),
    "convert-tokens-mismatch": Code(
        "convert",
        "error",
        "BIO tags go one per token of the release's `ner` config (same sentences, same tokens): tag those tokens.",
    ),
    "convert-ill-formed-tag": Code(
        "convert",
        "warning",
        "An I- tag that does not continue a chunk of its type; read as seqeval reads it by default (it starts a "
        "chunk), or dropped with --strict (seqeval's IOB2 mode).",
    ),
    # release: build, verify, rehydrate (build.py, verify.py, rehydrate.py)
    "release-features-invalid": Code(
        "release",
        "error",
        "The Parquet file's `huggingface` features metadata is missing or broken: restore the file from the release.",
    ),
    "release-label-out-of-range": Code(
        "release",
        "error",
        "A ClassLabel column holds an id its names do not cover: the file was edited or corrupted; restore it.",
    ),
    # release: build, verify, rehydrate (build.py, verify.py, rehydrate.py)
    "corpus-metadata-invalid": Code(
        "release",
        "fatal",
        "corpus/metadata.json must match schema/metadata.schema.json: fix the field at the pointer given.",
    ),
    "release-out-unsafe": Code(
        "release",
        "fatal",
        "--out must be a previous release (it has MANIFEST.json), an empty folder or a new path; choose another path.",
    ),
    "release-out-locked": Code(
        "release",
        "fatal",
        "Another `newsfacts build` or `rehydrate` is writing this --out (its pid is named): wait for it to finish, or choose another --out.",
    ),
    "released-version-changed": Code(
        "release",
        "error",
        "This version was released with other rows (corpus/metadata.json, released_content_sha256): "
        "changed data needs a new version by the rules in CHANGELOG.md; `newsfacts diff` shows what changed.",
    ),
    "no-gold-documents": Code(
        "release",
        "error",
        "Only records with annotation.set == 'gold' are released; mark the adjudicated records gold.",
    ),
    "conversion-failed": Code(
        "release",
        "error",
        "The document is valid but does not fit the release's column types (e.g. 1.0 for an integer); write integers without a fraction.",
    ),
    "release-not-found": Code("release", "fatal", "Pass the folder `newsfacts build` wrote (it holds MANIFEST.json)."),
    "manifest-missing": Code(
        "release",
        "fatal",
        "MANIFEST.json is missing: rebuild the release with `newsfacts build`, or download it again.",
    ),
    "manifest-invalid": Code(
        "release", "error", "MANIFEST.json is not a newsfacts manifest: rebuild the release, or download it again."
    ),
    "file-missing": Code(
        "release",
        "error",
        "A file the manifest lists is gone, or a file every release holds is not listed: restore it from the release.",
    ),
    "release-symlink": Code(
        "release",
        "error",
        "A release holds only regular files and folders; a symbolic link could hand out files from outside it: "
        "replace the link by the file, or download the release again.",
    ),
    "file-not-regular": Code(
        "release",
        "error",
        "A FIFO, socket or device is no release file (reading it could hang): remove it.",
    ),
    "features-metadata-mismatch": Code(
        "release",
        "error",
        "A Parquet file's `huggingface` metadata (the features datasets loads it with, ClassLabel names too) is not "
        "its config's: restore the file from the release, or rebuild it.",
    ),
    "schema-differs": Code(
        "release",
        "error",
        "The release's schema/ is not the schema of its version as newsfacts carries it; documents are validated "
        "against newsfacts's own copy: restore schema/ from the release, or rebuild it.",
    ),
    "schema-version-unknown": Code(
        "release",
        "error",
        "This newsfacts does not know the release's schema version: upgrade newsfacts (`pip install -U newsfacts`).",
    ),
    "schema-not-compared": Code(
        "release",
        "warning",
        "This newsfacts validates the release's documents with its newer schema (which accepts the release's "
        "version) but does not carry the older version's files to compare schema/ with.",
    ),
    "file-changed": Code(
        "release",
        "error",
        "The file's size or sha256 differs from the manifest: restore it from the release, or rebuild the release.",
    ),
    "file-unexpected": Code(
        "release",
        "error",
        "The release holds a file its manifest does not list (datasets would load stray Parquet files): remove it.",
    ),
    "parquet-unreadable": Code(
        "release",
        "error",
        "The Parquet file cannot be read: it is truncated or corrupted; restore it from the release.",
    ),
    "card-invalid": Code(
        "release", "error", "README.md must start with a YAML header (between --- lines); rebuild the release."
    ),
    "card-mismatch": Code(
        "release",
        "error",
        "The card's YAML (configs, dataset_info) disagrees with the files: rebuild the release rather than editing the card.",
    ),
    "columns-mismatch": Code(
        "release",
        "error",
        "A Parquet file's columns differ from the declared features; datasets fills a missing column with nulls silently. Rebuild the release.",
    ),
    "row-count-mismatch": Code(
        "release",
        "error",
        "The rows in the files differ from the counts in the manifest and card; rebuild the release.",
    ),
    "content-hash-mismatch": Code(
        "release", "error", "The rows differ from the ones the release was built with; restore the files or rebuild."
    ),
    "view-mismatch": Code(
        "release",
        "error",
        "A config's rows differ from what the documents config gives: the files were edited apart; rebuild the release.",
    ),
    "version-mismatch": Code(
        "release",
        "error",
        "The dataset or schema version in a file differs from the manifest's; rebuild the release from one corpus.",
    ),
    "text-not-withheld": Code(
        "release",
        "fatal",
        "The release already holds the texts: only a release built with --withhold-text is rehydrated.",
    ),
    "text-copy-missing": Code(
        "release",
        "error",
        "Put the article's text in the folder as <doc_id>.txt (or its raw seed file under its seed_file name).",
    ),
    "text-copy-differs": Code(
        "release",
        "error",
        "Your copy of the text differs from the one annotated (its sha256 is not text_sha256); find the original version.",
    ),
    "release-write-failed": Code(
        "release", "fatal", "Check that the folder of --out is writable and the disk has room; nothing was replaced."
    ),
    "build-worker-died": Code(
        "release",
        "fatal",
        "A worker process ended without answering (killed, or out of memory); nothing was replaced. "
        "Run the build again, with --jobs 1 if memory is short.",
    ),
    "texts-not-found": Code(
        "release", "fatal", "--texts must be a folder holding your copies: <doc_id>.txt files or the raw seed files."
    ),
}


def issue(code: str, message: str, **location: object) -> Issue:
    """An Issue for a registered code, with its severity and hint."""
    spec = CODES[code]
    return Issue(code=code, message=message, severity=spec.severity, hint=spec.hint, **location)  # type: ignore[arg-type]
