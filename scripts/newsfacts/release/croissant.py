"""croissant.json: MLCommons Croissant 1.0 metadata of a release folder, with the
Responsible-AI extension.

The dataset's facts come from corpus/metadata.json, the RAI answers from DATASHEET.md's
sections (``RAI``), the files from the folder itself (with their sha256: read there, or handed
over by the build that just wrote them), and the record sets (one per config) from the features
stored in each config's Parquet files: ``documents`` keyed by ``documents/doc_id``, each layer's
``doc_id`` referencing it, and one ``sc:Enumeration`` record set per list of class names that the
ClassLabel fields reference, so a Croissant consumer can decode the integers.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from newsfacts.docs.citation import bibtex
from newsfacts.docs.datasheet import section
from newsfacts.release.manifest import file_sha256

CONFORMS_TO = "http://mlcommons.org/croissant/1.0"
CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}
#: Croissant RAI properties → the DATASHEET.md headings (anchor prefixes) that answer them.
RAI: dict[str, tuple[str, ...]] = {
    "rai:dataCollection": ("how-was-the-data-associated", "what-mechanisms"),
    "rai:dataCollectionMissingData": ("is-any-information-missing",),
    "rai:dataCollectionRawData": ("was-the-raw-data-saved",),
    "rai:dataCollectionTimeframe": ("over-what-timeframe",),
    "rai:dataPreprocessingProtocol": ("was-any-preprocessing",),
    "rai:dataAnnotationProtocol": ("was-any-preprocessing",),
    "rai:annotationsPerItem": ("annotations-per-item",),
    "rai:annotatorDemographics": ("annotator-demographic",),
    "rai:machineAnnotationTools": ("annotator-demographic",),
    "rai:dataBiases": ("is-there-anything-about-the-composition", "does-the-dataset-identify-any-subpopulations"),
    "rai:dataLimitations": ("is-there-anything-about-the-composition", "are-there-any-errors"),
    "rai:dataUseCases": ("what-other-tasks", "are-there-tasks-for-which"),
    "rai:dataSocialImpact": ("has-an-analysis-of-the-potential-impact",),
    "rai:personalSensitiveInformation": (
        "is-it-possible-to-identify",
        "does-the-dataset-contain-data-that-might-be-considered-sensitive",
        "does-the-dataset-contain-data-that-if",
    ),
    "rai:dataReleaseMaintenancePlan": ("will-the-dataset-be-updated", "will-older-versions"),
}
ENCODINGS = {
    ".parquet": "application/x-parquet",
    ".md": "text/markdown",
    ".json": "application/json",
    ".cff": "application/x-yaml",
    ".txt": "text/plain",
}
#: Hugging Face value dtypes → Croissant data types.
DTYPES = {"string": "sc:Text", "large_string": "sc:Text", "bool": "sc:Boolean"}
SPDX = "https://spdx.org/licenses/{}.html"
DOCUMENTS = "documents"


def _file_id(relative: str) -> str:
    return "file:" + relative


def _data_type(dtype: str) -> str:
    if dtype in DTYPES:
        return DTYPES[dtype]
    if dtype.startswith(("int", "uint")):
        return "sc:Integer"
    if dtype.startswith("float"):
        return "sc:Float"
    return "sc:Text"


def _field(
    feature: Any, field_id: str, column: str, file_set: str, labels: dict[tuple[str, ...], str], path: str | None = None
) -> dict[str, Any]:
    """A cr:Field for a ``datasets`` feature; nested structs become subFields, lists repeated.
    A ClassLabel references the ``index`` of its enumeration record set in ``labels``."""
    from datasets import ClassLabel, List, Value

    source: dict[str, Any] = {"fileSet": {"@id": file_set}, "extract": {"column": column}}
    if path:
        source["transform"] = {"jsonPath": path}
    name = field_id.rsplit("/", 1)[-1]
    if isinstance(feature, List):
        inner = _field(feature.feature, field_id, column, file_set, labels, path)
        inner["repeated"] = True
        return inner
    if isinstance(feature, dict):
        return {
            "@type": "cr:Field",
            "@id": field_id,
            "name": name,
            "subField": [
                _field(sub, f"{field_id}/{key}", column, file_set, labels, f"{path}.{key}" if path else key)
                for key, sub in feature.items()
            ],
        }
    out: dict[str, Any] = {"@type": "cr:Field", "@id": field_id, "name": name, "source": source}
    if isinstance(feature, ClassLabel):
        out["dataType"] = "sc:Integer"
        out["description"] = "Class label index: " + ", ".join(f"{i} {n}" for i, n in enumerate(feature.names))
        out["references"] = {"field": {"@id": f"{labels[tuple(feature.names)]}/index"}}
    elif isinstance(feature, Value):
        out["dataType"] = _data_type(feature.dtype)
    else:
        out["dataType"] = "sc:Text"
    return out


def _class_labels(feature: Any, name: str) -> Iterator[tuple[str, Any]]:
    """(field name, ClassLabel) for every ClassLabel in a feature tree."""
    from datasets import ClassLabel, List

    if isinstance(feature, ClassLabel):
        yield name, feature
    elif isinstance(feature, List):
        yield from _class_labels(feature.feature, name)
    elif isinstance(feature, dict):
        for key, sub in feature.items():
            yield from _class_labels(sub, key)


def enumerations(features: Mapping[str, Any]) -> tuple[dict[tuple[str, ...], str], list[dict[str, Any]]]:
    """One ``sc:Enumeration`` record set per distinct list of class names (named after the first
    field that uses it: ``labels/<config>.<field>``), with inline rows ``index`` → ``name``; and
    the map from a list of names to its record set's id."""
    ids: dict[tuple[str, ...], str] = {}
    sets = []
    for config in sorted(features, key=lambda c: (c == DOCUMENTS, c)):  # named after a layer's field first
        for name, label in _class_labels(dict(features[config]), config):
            names = tuple(label.names)
            if names in ids:
                continue
            base = f"labels/{config}.{name}"
            rid, n = base, 2
            while rid in ids.values():
                rid, n = f"{base}_{n}", n + 1
            ids[names] = rid
            sets.append(
                {
                    "@type": "cr:RecordSet",
                    "@id": rid,
                    "name": rid,
                    "dataType": "sc:Enumeration",
                    "description": f"The class names of `{name}` (a ClassLabel): its integers index this list.",
                    "key": {"@id": f"{rid}/index"},
                    "field": [
                        {"@type": "cr:Field", "@id": f"{rid}/index", "name": "index", "dataType": "sc:Integer"},
                        {"@type": "cr:Field", "@id": f"{rid}/name", "name": "name", "dataType": "sc:Text"},
                    ],
                    "data": [{f"{rid}/index": i, f"{rid}/name": n} for i, n in enumerate(names)],
                }
            )
    return ids, sets


def config_features(folder: Path, config: str) -> Any:
    """The ``datasets`` features stored in a config's first Parquet file."""
    import pyarrow.parquet as pq
    from datasets import Features

    files = sorted((folder / "data" / config).glob("*.parquet"))
    return Features.from_arrow_schema(pq.read_schema(files[0]))


def record_set(config: str, features: Any, labels: dict[tuple[str, ...], str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The cr:FileSet of a config's Parquet files and its cr:RecordSet.

    ``documents`` is keyed by ``documents/doc_id`` and holds its scalar and struct fields: its
    nested layers (lists of records) are record sets of their own, whose ``doc_id`` references
    ``documents/doc_id``. (mlcroissant 1.1.1 cannot read lists of records nested in a row: see
    REFERENCES.md.)
    """
    from datasets import List

    file_set = f"parquet-files-for-config-{config}"
    distribution = {
        "@type": "cr:FileSet",
        "@id": file_set,
        "name": file_set,
        "description": f"The Parquet files of the `{config}` config.",
        "encodingFormat": ENCODINGS[".parquet"],
        "includes": f"data/{config}/*.parquet",
    }
    fields = []
    for name, feature in features.items():
        if config == DOCUMENTS and isinstance(feature, List) and isinstance(feature.feature, dict):
            continue  # a layer: its own record set
        field = _field(feature, f"{config}/{name}", name, file_set, labels)
        if config != DOCUMENTS and name == "doc_id":
            field["references"] = {"field": {"@id": f"{DOCUMENTS}/doc_id"}}
        fields.append(field)
    records: dict[str, Any] = {"@type": "cr:RecordSet", "@id": config, "name": config}
    if config == DOCUMENTS:
        records["key"] = {"@id": f"{DOCUMENTS}/doc_id"}
        records["description"] = (
            "The `documents` config: one record per article, its metadata and text; the annotation "
            "layers are the record sets of their own configs, whose doc_id references this one."
        )
    else:
        records["description"] = f"The `{config}` config of the release; `doc_id` references `documents`."
    records["field"] = fields
    return distribution, records


def croissant(
    folder: Path,
    metadata: dict[str, Any],
    *,
    datasheet: str,
    skip: tuple[str, ...] = (),
    sha256: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The Croissant JSON-LD of the release in ``folder`` (every file but ``skip`` listed with its
    sha256; ``sha256``: digests already taken, by relative path)."""
    skip = (*skip, "croissant.json", "MANIFEST.json")
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.relative_to(folder).as_posix() not in skip)
    distribution: list[dict[str, Any]] = []
    for path in files:
        relative = path.relative_to(folder).as_posix()
        distribution.append(
            {
                "@type": "cr:FileObject",
                "@id": _file_id(relative),
                "name": relative,
                "contentUrl": relative,
                "contentSize": f"{path.stat().st_size} B",
                "encodingFormat": ENCODINGS.get(path.suffix, "application/octet-stream"),
                "sha256": (sha256 or {}).get(relative) or file_sha256(path),
            }
        )
    record_sets = []
    configs = sorted(p.name for p in (folder / "data").iterdir() if p.is_dir() and any(p.glob("*.parquet")))
    features = {config: config_features(folder, config) for config in configs}
    labels, enums = enumerations(features)
    for config in sorted(configs, key=lambda c: (c != DOCUMENTS, c)):
        file_set, records = record_set(config, features[config], labels)
        distribution.append(file_set)
        record_sets.append(records)
    record_sets += enums
    doc: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "name": metadata["name"],
        "alternateName": metadata["pretty_name"],
        "description": metadata["description"],
        "conformsTo": CONFORMS_TO,
        "version": metadata["version"],
        "datePublished": metadata["date_released"],
        "license": [SPDX.format(metadata["annotation_license"]), SPDX.format(metadata["code_license"])],
        "creator": [{"@type": "sc:Organization", "name": a["name"]} for a in metadata["authors"]],
        "keywords": metadata.get("keywords", []),
        "inLanguage": metadata["language_bcp47"],
        "citeAs": bibtex(metadata),
        "usageInfo": section(datasheet, "will-the-dataset-be-distributed-under"),
    }
    for url_key in ("homepage", "repository"):
        if metadata.get(url_key, {}).get("value"):
            doc["url"] = metadata[url_key]["value"]
            break
    for prop, keys in RAI.items():
        doc[prop] = "\n\n".join(section(datasheet, key) for key in keys)
    doc["distribution"] = distribution
    doc["recordSet"] = record_sets
    return doc
