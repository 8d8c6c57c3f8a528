"""DATASHEET.md: its prose is written by hand, its facts and numbers are generated.

The datasheet is the one place the answers (prose) live; the dataset card and Croissant's
Responsible-AI fields quote its sections (``section``). What the corpus itself can say —
the release facts, each document's provenance, how it was annotated, the statistics and the
agreement between the annotation passes — sits between markers::

    <!-- stats:begin -->
    … generated …
    <!-- stats:end -->

``render_blocks`` computes every block from the corpus; ``fill`` puts them in the text;
``check_datasheet`` reports each block that differs from what the corpus says now
(``newsfacts datasheet --check``; ``--write`` regenerates them, and CITATION.cff).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsfacts.contract.codes import issue
from newsfacts.contract.documents import iter_corpus
from newsfacts.contract.report import Issue, Report
from newsfacts.docs.metadata import load_metadata

DATASHEET = "DATASHEET.md"
PASSES = "passes"
BLOCK_RE = re.compile(r"<!-- ([a-z][a-z0-9-]*):begin -->\n(.*?)<!-- \1:end -->", re.S)
HEADING_RE = re.compile(r"^(#{1,6}) +(.+?) *$", re.M)


@dataclass
class Sources:
    """Everything the generated parts are computed from."""

    metadata: dict[str, Any]
    gold: list[dict[str, Any]]
    passes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def load_sources(root: Path) -> Sources:
    """The metadata, gold documents and annotation passes of the corpus under ``root/corpus``;
    ``SourceError`` (with the validator's issues) when the gold documents are invalid."""
    from newsfacts.contract.sources import SourceError, load_checked, select_set

    corpus = root / "corpus"
    passes_dir = corpus / PASSES
    passes = {}
    if passes_dir.is_dir():
        for folder in sorted(p for p in passes_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
            if not any(folder.glob("*.json")) and not any(folder.glob("*.jsonl")):
                continue  # a folder of notes or logs (adjudication/), not a pass
            passes[folder.name] = sorted(iter_corpus(folder, annotation_set=None), key=lambda d: d["doc_id"])
    metadata = load_metadata(corpus)
    loaded = load_checked(corpus / "documents")  # the figures are computed from valid documents only
    if loaded.errors:
        raise SourceError(loaded.errors)
    gold = sorted(select_set(loaded.documents, "gold"), key=lambda d: d["doc_id"])
    return Sources(metadata, gold, passes)


# --- the generated blocks -------------------------------------------------------------------


def _value(attested: dict[str, Any]) -> str:
    return f"`{attested['value']}`" if attested.get("value") else "—"


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def block_release(src: Sources) -> str:
    return release_block(src.metadata)


def release_block(m: dict[str, Any]) -> str:
    """The ``release`` block: the facts of corpus/metadata.json."""
    rows = [
        ("Name", f"`{m['name']}` ({m['pretty_name']})"),
        ("Version", f"{m['version']}, released {m['date_released']}"),
        ("Authors", ", ".join(a["name"] for a in m["authors"])),
        ("Language", f"{', '.join(m['language'])} (BCP-47 `{m['language_bcp47']}`)"),
        ("Licence of the annotations", f"`{m['annotation_license']}`"),
        ("Licence of the code", f"`{m['code_license']}`"),
        ("Licence of the article text", f"{m['text_license']['status']}: {m['text_license']['note']}"),
        ("Repository", _value(m["repository"]) + f" ({m['repository']['status']}: {m['repository']['note']})"),
        ("Homepage", _value(m["homepage"]) + f" ({m['homepage']['status']}: {m['homepage']['note']})"),
        ("Contact", _value(m["contact"]) + f" ({m['contact']['status']}: {m['contact']['note']})"),
    ]
    return "| | |\n|---|---|\n" + "".join(f"| {k} | {_cell(v)} |\n" for k, v in rows)


SOURCE_FIELDS = ("publisher", "author", "url", "published", "retrieved")


def block_provenance(src: Sources) -> str:
    out = []
    for doc in src.gold:
        source = doc["source"]
        out.append(
            f"**`{doc['doc_id']}`** — “{doc['title']}” (split `{doc['split']}`, language `{doc['language']}`)\n\n"
        )
        out.append("| field | value | status | note |\n|---|---|---|---|\n")
        for name in SOURCE_FIELDS:
            a = source[name]
            out.append(f"| {name} | {_value(a)} | {a['status']} | {_cell(a['note'])} |\n")
        for name in ("text_license", "annotation_license"):
            a = doc[name]
            out.append(f"| {name} | {_value(a)} | {a['status']} | {_cell(a['note'])} |\n")
        seed = f"`seeds/{source['seed_file']}`, sha256 `{source['seed_sha256']}`" if source["seed_file"] else "—"
        out.append(f"| seed file | {seed} | known | The raw file the text was ingested from. |\n")
        out.append(f"| text_sha256 | `{doc['text_sha256']}` | known | SHA-256 of the stored text. |\n\n")
    return "".join(out) or "No documents.\n"


def block_annotation(src: Sources) -> str:
    out = [
        "| set | document | status | guidelines | annotators | annotations (entities / mentions / quotes / facts) |\n"
    ]
    out.append("|---|---|---|---|---|---|\n")
    records = [d for d in src.gold] + [d for name in sorted(src.passes) for d in src.passes[name]]
    for doc in records:
        ann = doc["annotation"]
        layers = " / ".join(str(len(doc[k])) for k in ("entities", "mentions", "quotes", "numeric_facts"))
        annotators = "; ".join(ann["annotators"]) or "none recorded"
        out.append(
            f"| `{ann['set']}` | `{doc['doc_id']}` | {ann['status']} | {ann['guidelines_version'] or '—'} | "
            f"{_cell(annotators)} | {layers} |\n"
        )
    notes = [(d["annotation"]["set"], d["doc_id"], d["annotation"].get("note")) for d in records]
    out += [f"\nNote on `{s}` / `{i}`: {n}\n" for s, i, n in notes if n]
    if not src.passes:
        out.append("\nNo annotation pass is in `corpus/passes/` yet.\n")
    return "".join(out)


def _distribution(counts: dict[str, int]) -> str:
    shown = ", ".join(f"{label} {n}" for label, n in counts.items() if n)
    return shown or "none"


def block_stats(src: Sources) -> str:
    from newsfacts.research.stats import NER_TOKENISATION, corpus_stats, ner_tokens

    return stats_block(corpus_stats(src.gold, tokens=ner_tokens, tokenisation=NER_TOKENISATION))


def stats_block(s: dict[str, Any]) -> str:
    """The ``stats`` block from a statistics dict (``corpus_stats`` or ``release.figures.release_stats``)."""
    out = [
        "| | gold |\n|---|---|\n",
        f"| documents | {s['documents']} |\n",
        f"| characters (Unicode code points) | {s['characters']} |\n",
        f"| tokens | {s['tokens']} |\n",
        f"| splits | {_distribution(s['splits'])} |\n",
    ]
    out += [f"| {layer.replace('_', ' ')} | {n} |\n" for layer, n in s["layers"].items()]
    out.append(
        f"\nTokens are {s['tokenisation']}.\n\n| layer | field | counts (labels with 0 left out) |\n|---|---|---|\n"
    )
    for layer in ("entities", "mentions", "quotes", "numeric_facts"):
        for name, counts in s[layer].items():
            value = _distribution(counts) if isinstance(counts, dict) else str(counts)
            out.append(f"| {layer} | {name} | {value} |\n")
    return "".join(out)


def _f1(value: Any) -> str:
    return "—" if value is None else f"{value:.3f}"


#: The label field of each layer, for the per-label agreement table.
LABEL_FIELDS = {"mentions": "type", "quotes": "kind", "numeric_facts": "quantity_kind"}


def _groups(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> dict[str, tuple[list, list]]:
    """The documents both passes hold, grouped by the guidelines version they were annotated with."""
    versions = {d["doc_id"]: d["annotation"]["guidelines_version"] for d in a}
    common = {d["doc_id"] for d in b if versions.get(d["doc_id"], object()) == d["annotation"]["guidelines_version"]}
    groups: dict[str, tuple[list, list]] = {}
    for doc in a:
        if doc["doc_id"] in common:
            groups.setdefault(str(versions[doc["doc_id"]]), ([], []))[0].append(doc)
    for doc in b:
        if doc["doc_id"] in common:
            groups[str(versions[doc["doc_id"]])][1].append(doc)
    return dict(sorted(groups.items()))


def _only(docs: list[dict[str, Any]], layer: str, label: str) -> list[dict[str, Any]]:
    """``docs`` with ``layer`` cut to the items labelled ``label`` (the other layers as they are)."""
    field = LABEL_FIELDS[layer]
    return [{**d, layer: [item for item in d[layer] if item[field] == label]} for d in docs]


def block_agreement(src: Sources) -> str:
    names = sorted(src.passes)
    if len(names) < 2:
        return (
            f"Not computed: agreement needs two independent annotation passes in `corpus/passes/`; "
            f"{len(names)} found{' (' + ', '.join(names) + ')' if names else ''}.\n"
        )
    from itertools import combinations

    from newsfacts.research.score import agreement

    out = [
        "Computed from the passes as committed, before adjudication: each pass was made by annotators who saw the "
        "guidelines and the text only. F1 of one pass against the other (symmetric: 2·matched / (a + b)); *typed* "
        "also requires the same label (mention type, quote kind, quantity kind). Coreference: CoNLL F1 (mean of MUC, "
        "B³, CEAF-e). Rows are grouped by the guidelines version both passes followed.\n\n",
        "| passes | guidelines | documents | layer | items | exact F1 | overlap F1 | typed exact F1 | typed overlap F1 |\n",
        "|---|---|---|---|---|---|---|---|---|\n",
    ]
    labels = []
    for a, b in combinations(names, 2):
        for version, (docs_a, docs_b) in _groups(src.passes[a], src.passes[b]).items():
            result = agreement(docs_a, docs_b)
            pair, docs = f"`{a}` / `{b}`", str(result["documents"]["compared"])
            for layer in ("mentions", "quotes", "numeric_facts"):
                if layer in result:
                    r = result[layer]
                    out.append(
                        f"| {pair} | {version} | {docs} | {layer.replace('_', ' ')} | {r['a']} / {r['b']} "
                        f"| {_f1(r['exact']['f1'])} | {_f1(r['overlap']['f1'])} | {_f1(r['typed']['exact']['f1'])}"
                        f" | {_f1(r['typed']['overlap']['f1'])} |\n"
                    )
            if "entities" in result:
                e = result["entities"]
                out.append(
                    f"| {pair} | {version} | {docs} | coreference | | CoNLL {_f1(e['conll_f1'])} (MUC "
                    f"{_f1(e['muc_f1'])}, B³ {_f1(e['b3_f1'])}, CEAF-e {_f1(e['ceaf_e_f1'])}) | | | |\n"
                )
            if len(docs_a) > 1:
                labels.append((pair, version, docs, docs_a, docs_b))
    for pair, version, docs, docs_a, docs_b in labels:
        out.append(
            f"\nPer label, {pair}, guidelines {version} ({docs} documents): items with that label in each pass, "
            "and typed F1.\n\n| layer | label | items | typed exact F1 | typed overlap F1 |\n|---|---|---|---|---|\n"
        )
        for layer, label_field in LABEL_FIELDS.items():
            found = sorted({item[label_field] for d in (*docs_a, *docs_b) for item in d[layer]})
            for label in found:
                r = agreement(_only(docs_a, layer, label), _only(docs_b, layer, label))[layer]
                out.append(
                    f"| {layer.replace('_', ' ')} | {label} | {r['a']} / {r['b']} | {_f1(r['typed']['exact']['f1'])}"
                    f" | {_f1(r['typed']['overlap']['f1'])} |\n"
                )
    return "".join(out)


BLOCKS: dict[str, Callable[[Sources], str]] = {
    "release": block_release,
    "provenance": block_provenance,
    "annotation": block_annotation,
    "stats": block_stats,
    "agreement": block_agreement,
}


def render_blocks(src: Sources) -> dict[str, str]:
    return {name: render(src) for name, render in BLOCKS.items()}


def fill(text: str, blocks: dict[str, str]) -> str:
    """``text`` with every marked block replaced by its generated content."""
    return BLOCK_RE.sub(lambda m: f"<!-- {m[1]}:begin -->\n{blocks.get(m[1], m[2])}<!-- {m[1]}:end -->", text)


def check_datasheet(text: str, blocks: dict[str, str], file: str = DATASHEET) -> Iterator[Issue]:
    """Issues for every generated block that is missing, unknown or out of date."""
    found = {m[1]: (m[2], text.count("\n", 0, m.start()) + 2) for m in BLOCK_RE.finditer(text)}
    for name in blocks:
        if name not in found:
            yield issue("datasheet-block-missing", f"no <!-- {name}:begin --> … <!-- {name}:end --> block", file=file)
        elif found[name][0] != blocks[name]:
            yield issue(
                "datasheet-drift",
                f"the {name} block differs from what the corpus reports now",
                file=file,
                line=found[name][1],
            )
    for name, (_, line) in found.items():
        if name not in blocks:
            yield issue("datasheet-block-unknown", f"no generator for the block {name!r}", file=file, line=line)


# --- reading sections, for the card and Croissant ------------------------------------------


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def sections(text: str) -> dict[str, str]:
    """The body of every heading, keyed by its slug; a body runs to the next heading of any level.

    Generated-block markers are dropped from the bodies.
    """
    out: dict[str, str] = {}
    matches = list(HEADING_RE.finditer(text))
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        body = re.sub(r"<!-- [a-z0-9-]+:(begin|end) -->\n?", "", text[m.end() : end])
        out[slug(m[2])] = body.strip()
    return out


def section(text: str, key: str) -> str:
    """The body of the heading whose slug is ``key``, or the one heading whose slug starts with
    ``key``; KeyError when there is none or several."""
    found = sections(text)
    if key in found:
        return found[key]
    matches = [name for name in found if name.startswith(key)]
    if len(matches) != 1:
        raise KeyError(f"DATASHEET.md has {len(matches)} headings whose anchor starts with #{key}")
    return found[matches[0]]


# --- the committed generated documents as a whole ------------------------------------------


CITATION = "CITATION.cff"


def _read(path: Path) -> str:
    """A regular file's text (never a FIFO's: it would hang); ``SourceError`` when unreadable."""
    from newsfacts.contract.reading import read_regular
    from newsfacts.contract.sources import SourceError

    try:
        return read_regular(path, 64 * 1024 * 1024).decode("utf-8")
    except (OSError, ValueError) as exc:
        raise SourceError([issue("unreadable-file", f"cannot read {path}: {exc}", file=str(path))]) from None


def check_docs(root: Path) -> Report:
    """Check DATASHEET.md's generated blocks and CITATION.cff against the corpus under ``root``."""
    from newsfacts.docs.citation import citation_cff

    src = load_sources(root)
    report = Report(files=2, documents=len(src.gold))
    datasheet = root / DATASHEET
    if not datasheet.is_file():
        report.extend([issue("path-not-found", f"no {DATASHEET} in {root}", file=str(datasheet))])
    else:
        report.extend(check_datasheet(_read(datasheet), render_blocks(src), file=DATASHEET))
    cff = root / CITATION
    if not cff.is_file() or _read(cff) != citation_cff(src.metadata):
        report.extend(
            [issue("citation-drift", f"{CITATION} differs from the one generated from the metadata", file=CITATION)]
        )
    return report


def write_docs(root: Path) -> list[Path]:
    """Regenerate DATASHEET.md's blocks and CITATION.cff; the files that changed."""
    from newsfacts.contract.documents import write_atomic
    from newsfacts.docs.citation import citation_cff

    src = load_sources(root)
    changed = []
    datasheet = root / DATASHEET
    old = _read(datasheet)
    new = fill(old, render_blocks(src))
    for path, before, after in ((datasheet, old, new), (root / CITATION, None, citation_cff(src.metadata))):
        if before is None and path.exists():
            before = _read(path)
        if before != after:
            write_atomic(path, after)
            changed.append(path)
    return changed
