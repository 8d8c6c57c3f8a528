"""What changed between two versions of the corpus: per document and layer, the annotations
added, removed and changed — so release notes are computed, not remembered.

Either side may be a release folder (its ``data/documents/*.parquet``) or a folder of JSON
documents (the gold set of a corpus). Annotations are matched by ``id`` within a document: a
renumbered annotation shows as removed and added. A document whose text changed is reported
as such, since its offsets are not comparable.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from newsfacts.contract.documents import LAYERS


@dataclass
class LayerDiff:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)  # id -> changed fields

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


@dataclass
class DocDiff:
    doc_id: str
    status: str  # "added", "removed", "changed"
    text_changed: bool = False
    fields: list[str] = field(default_factory=list)  # changed top-level fields other than the layers
    layers: dict[str, LayerDiff] = field(default_factory=dict)


@dataclass
class CorpusDiff:
    old: str
    new: str
    documents: list[DocDiff] = field(default_factory=list)

    def counts(self) -> dict[str, dict[str, int]]:
        """Per layer: annotations added, removed and changed, over all documents."""
        out = {layer: {"added": 0, "removed": 0, "changed": 0} for layer in LAYERS}
        for doc in self.documents:
            for layer, d in doc.layers.items():
                out[layer]["added"] += len(d.added)
                out[layer]["removed"] += len(d.removed)
                out[layer]["changed"] += len(d.changed)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": self.old,
            "new": self.new,
            "counts": self.counts(),
            "documents": [asdict(d) for d in self.documents],
        }


def load_documents(folder: Path) -> dict[str, dict[str, Any]]:
    """The gold documents of a release folder or a corpus folder, by doc_id.

    Raises ``newsfacts.contract.sources.SourceError`` when the folder cannot be read, and
    ``UnusableDocuments`` when a document lacks what a diff needs (``diff`` does not validate: it
    compares versions, whatever rules they were written under).
    """
    from newsfacts.contract.sources import is_release, load_documents, select_set

    root = folder / "documents" if not is_release(folder) and (folder / "documents").is_dir() else folder
    docs = select_set(load_documents(root), "gold")
    problems = [found for n, doc in enumerate(docs) for found in _unusable(doc, f"{root}#{n}")]
    if problems:
        raise UnusableDocuments(problems)
    return {doc["doc_id"]: doc for doc in docs}


class UnusableDocuments(ValueError):
    """Documents a diff cannot compare (``issues`` say why): invalid data, exit 1."""

    def __init__(self, issues: list[Any]) -> None:
        super().__init__("; ".join(i.message for i in issues))
        self.issues = issues


def _unusable(doc: dict[str, Any], where: str) -> list[Any]:
    """What a diff needs of a document: a string ``doc_id``, each layer a list of objects with a
    string ``id``."""
    from newsfacts.contract.codes import issue
    from newsfacts.contract.report import pointer

    if not isinstance(doc.get("doc_id"), str):
        return [issue("schema-violation", "the document has no string doc_id", file=where, pointer="/doc_id")]
    where = f"{where} ({doc['doc_id']})"
    found = []
    for layer in LAYERS:
        items = doc.get(layer)
        if items is None:
            continue
        if not isinstance(items, list):
            found.append(issue("schema-violation", f"{layer} is not a list", file=where, pointer=pointer(layer)))
            continue
        for n, item in enumerate(items):
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                found.append(
                    issue(
                        "schema-violation", "an annotation without a string id", file=where, pointer=pointer(layer, n)
                    )
                )
    return found


def _clean(item: dict[str, Any]) -> dict[str, Any]:
    """An annotation without null optional fields, so a Parquet row (every field present, null)
    equals the JSON record it came from (optional fields absent)."""
    return {k: v for k, v in item.items() if v is not None}


def diff_layer(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> LayerDiff:
    a = {item["id"]: _clean(item) for item in old}
    b = {item["id"]: _clean(item) for item in new}
    out = LayerDiff(added=[i for i in b if i not in a], removed=[i for i in a if i not in b])
    for ident in a.keys() & b.keys():
        changed = sorted(k for k in a[ident].keys() | b[ident].keys() if a[ident].get(k) != b[ident].get(k))
        if changed:
            out.changed[ident] = changed
    out.changed = dict(sorted(out.changed.items()))
    return out


def diff_documents(
    old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]], *, old_name="old", new_name="new"
) -> CorpusDiff:
    result = CorpusDiff(old=old_name, new=new_name)
    for doc_id in sorted(old.keys() | new.keys()):
        a, b = old.get(doc_id), new.get(doc_id)
        if a is None or b is None:
            doc = a or b
            assert doc is not None
            status = "added" if a is None else "removed"
            layers = {
                layer: LayerDiff(**{status: [item["id"] for item in doc.get(layer) or []]})
                for layer in LAYERS
                if doc.get(layer)
            }
            result.documents.append(DocDiff(doc_id, status, layers=layers))
            continue
        layers = {layer: d for layer in LAYERS if (d := diff_layer(a.get(layer) or [], b.get(layer) or []))}
        fields = sorted(
            k for k in (a.keys() | b.keys()) - set(LAYERS) if _norm(a.get(k)) != _norm(b.get(k)) and k != "text"
        )
        text_changed = a.get("text_sha256") != b.get("text_sha256")
        if layers or fields or text_changed:
            result.documents.append(DocDiff(doc_id, "changed", text_changed, fields, layers))
    return result


def _norm(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_norm(v) for v in value]
    return value


def diff_folders(old: Path, new: Path) -> CorpusDiff:
    return diff_documents(load_documents(old), load_documents(new), old_name=str(old), new_name=str(new))


def render_text(result: CorpusDiff) -> str:
    lines = []
    for doc in result.documents:
        head = f"{doc.doc_id}: {doc.status}"
        if doc.text_changed:
            head += " (TEXT CHANGED: offsets are not comparable)"
        if doc.fields:
            head += f"; fields changed: {', '.join(doc.fields)}"
        lines.append(head)
        for layer, d in doc.layers.items():
            lines += [f"  {layer} + {i}" for i in d.added]
            lines += [f"  {layer} - {i}" for i in d.removed]
            lines += [f"  {layer} ~ {i} ({', '.join(f)})" for i, f in d.changed.items()]
    lines.append("")
    lines += [
        f"{layer}: {c['added']} added, {c['removed']} removed, {c['changed']} changed"
        for layer, c in result.counts().items()
    ]
    return "\n".join(lines).lstrip("\n") + "\n"
