"""croissant.json: MLCommons Croissant 1.0 metadata of a release folder, with the
Responsible-AI extension.

The dataset's facts come from corpus/metadata.json, the RAI answers from DATASHEET.md's
sections (``RAI``), the files from the folder itself (with their sha256: read there, or handed
over by the build that just wrote them), and the record sets (one per config) from the features
stored in each config's Parquet files.
"""

from __future__ import annotations

from collections.abc import Mapping
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


def _field(feature: Any, field_id: str, column: str, file_set: str, path: str | None = None) -> dict[str, Any]:
    """A cr:Field for a ``datasets`` feature; nested structs become subFields, lists repeated."""
    from datasets import ClassLabel, List, Value

    source: dict[str, Any] = {"fileSet": {"@id": file_set}, "extract": {"column": column}}
    if path:
        source["transform"] = {"jsonPath": path}
    name = field_id.rsplit("/", 1)[-1]
    if isinstance(feature, List):
        inner = _field(feature.feature, field_id, column, file_set, path)
        inner["repeated"] = True
        return inner
    if isinstance(feature, dict):
        return {
            "@type": "cr:Field",
            "@id": field_id,
            "name": name,
            "subField": [
                _field(sub, f"{field_id}/{key}", column, file_set, f"{path}.{key}" if path else key)
                for key, sub in feature.items()
            ],
        }
    out: dict[str, Any] = {"@type": "cr:Field", "@id": field_id, "name": name, "source": source}
    if isinstance(feature, ClassLabel):
        out["dataType"] = "sc:Integer"
        out["description"] = "Class label index: " + ", ".join(f"{i} {n}" for i, n in enumerate(feature.names))
    elif isinstance(feature, Value):
        out["dataType"] = _data_type(feature.dtype)
    else:
        out["dataType"] = "sc:Text"
    return out


def record_set(folder: Path, config: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The cr:FileSet of a config's Parquet files and its cr:RecordSet, from their stored features."""
    import pyarrow.parquet as pq
    from datasets import Features

    files = sorted((folder / "data" / config).glob("*.parquet"))
    features = Features.from_arrow_schema(pq.read_schema(files[0]))
    file_set = f"parquet-files-for-config-{config}"
    distribution = {
        "@type": "cr:FileSet",
        "@id": file_set,
        "name": file_set,
        "description": f"The Parquet files of the `{config}` config.",
        "encodingFormat": ENCODINGS[".parquet"],
        "includes": f"data/{config}/*.parquet",
    }
    records = {
        "@type": "cr:RecordSet",
        "@id": config,
        "name": config,
        "description": f"The `{config}` config of the release.",
        "field": [_field(feature, f"{config}/{name}", name, file_set) for name, feature in features.items()],
    }
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
    for config in configs:
        file_set, records = record_set(folder, config)
        distribution.append(file_set)
        record_sets.append(records)
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
