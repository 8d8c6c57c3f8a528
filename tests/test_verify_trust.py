"""newsfacts verify trusts nothing a release says about itself: the tampering table (every kind of
edit, with the code that catches it, also when the forger rehashed MANIFEST.json), malformed
inputs as coded issues, no network fetch, and the ``official`` statement."""

from __future__ import annotations

import http.server
import json
import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from newsfacts.cli import app
from newsfacts.release import official as official_module
from newsfacts.release.build import build_release
from newsfacts.release.manifest import MANIFEST, file_sha256
from newsfacts.release.verify import verify_release
from release_helpers import fixture_documents, rewrite, write_corpus
from typer.testing import CliRunner

runner = CliRunner()


def _corpus_files(confidence: float = 0.75):
    files = [f for f in fixture_documents() if not f[0].endswith(".jsonl")]
    for name, records in files:
        if name == "b-train.json":
            records[0]["mentions"][0]["confidence"] = confidence
    return files


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("trust")
    out = {}
    for name, confidence in (("pristine", 0.75), ("forged", 0.5)):
        out[name] = base / name
        build_release(write_corpus(base / f"corpus-{name}", _corpus_files(confidence)), out[name])
    return out


@pytest.fixture
def release(built: dict[str, Path], tmp_path: Path) -> Path:
    copy = tmp_path / "release"
    shutil.copytree(built["pristine"], copy)
    return copy


# --- helpers: the edits a forger makes ------------------------------------------------------------


def manifest_of(release: Path) -> dict:
    return json.loads((release / MANIFEST).read_text(encoding="utf-8"))


def write_manifest(release: Path, content) -> None:
    (release / MANIFEST).write_text(json.dumps(content, indent=2), encoding="utf-8")


def rehash(release: Path) -> None:
    """List every regular file with its size and sha256, as a careful forger would."""
    manifest = manifest_of(release)
    files = {}
    for path in sorted(release.rglob("*")):
        name = path.relative_to(release).as_posix()
        if path.is_file() and not path.is_symlink() and name != MANIFEST:
            files[name] = {"sha256": file_sha256(path), "size": path.stat().st_size}
    manifest["files"] = files
    write_manifest(release, manifest)


def edit_text(name: str, change: Callable[[str], str]) -> Callable[[Path], None]:
    def edit(release: Path) -> None:
        path = release / name
        text = path.read_text(encoding="utf-8")
        changed = change(text)
        assert changed != text, f"the edit of {name} changed nothing"
        path.write_text(changed, encoding="utf-8")

    return edit


def edit_json(name: str, change: Callable[[dict], object]) -> Callable[[Path], None]:
    def edit(release: Path) -> None:
        path = release / name
        content = json.loads(path.read_text(encoding="utf-8"))
        content = change(content) or content
        path.write_text(json.dumps(content, indent=2), encoding="utf-8")

    return edit


def edit_manifest(change: Callable[[dict], object]) -> Callable[[Path], None]:
    def edit(release: Path) -> None:
        content = manifest_of(release)
        write_manifest(release, change(content) or content)

    return edit


def edit_card(change: Callable[[dict], object]) -> Callable[[Path], None]:
    def edit(release: Path) -> None:
        path = release / "README.md"
        text = path.read_text(encoding="utf-8")
        end = text.index("\n---\n", 3)
        header = yaml.safe_load(text[4 : end + 1])
        header = change(header) or header
        path.write_text("---\n" + yaml.safe_dump(header, sort_keys=False) + text[end + 1 :], encoding="utf-8")

    return edit


def rewrite_parquet(name: str, change: Callable[[pa.Table], pa.Table]) -> Callable[[Path], None]:
    """Replace a Parquet file and recompute its split's and the release's content hashes."""

    def edit(release: Path) -> None:
        rewrite(release, name, change(pq.read_table(release / name)))

    return edit


def parquet_metadata(name: str, key: bytes, change: Callable[[object], object]) -> Callable[[Path], None]:
    def replace(table: pa.Table) -> pa.Table:
        metadata = dict(table.schema.metadata)
        metadata[key] = json.dumps(change(json.loads(metadata[key]))).encode()
        return table.replace_schema_metadata(metadata)

    return rewrite_parquet(name, replace)


def forge_documents(release: Path) -> None:
    """A loosened shipped schema and a document it now lets through (doc_id a path), every hash
    recomputed: the attack that once made verify say valid."""
    schema_path = release / "schema" / "document.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    schema["properties"]["doc_id"] = {"type": "string"}
    schema_path.write_text(json.dumps(schema, indent=2), encoding="utf-8")

    def forge(table: pa.Table) -> pa.Table:
        rows = table.to_pylist()
        rows[0]["doc_id"] = "../../../../tmp/x"
        return pa.Table.from_pylist(rows, schema=table.schema)

    rewrite_parquet("data/documents/test-00000-of-00001.parquet", forge)(release)


def link(name: str, target: Callable[[Path], Path]) -> Callable[[Path], None]:
    def edit(release: Path) -> None:
        path = release / name
        outside = target(release)
        path.unlink()
        path.symlink_to(outside)

    return edit


def outside_copy(name: str) -> Callable[[Path], Path]:
    def make(release: Path) -> Path:
        copy = release.parent / f"outside-{Path(name).name}"
        shutil.copyfile(release / name, copy)
        return copy

    return make


def fifo(name: str) -> Callable[[Path], None]:
    def edit(release: Path) -> None:
        os.mkfifo(release / name)

    return edit


def remove(name: str, *, unlist: bool) -> Callable[[Path], None]:
    def edit(release: Path) -> None:
        (release / name).unlink()
        if unlist:
            manifest = manifest_of(release)
            del manifest["files"][name]
            write_manifest(release, manifest)

    return edit


def add_file(name: str, content: str | bytes) -> Callable[[Path], None]:
    def edit(release: Path) -> None:
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (release / name).write_bytes(data)

    return edit


def raw_manifest(text: str) -> Callable[[Path], None]:
    def edit(release: Path) -> None:
        (release / MANIFEST).write_text(text, encoding="utf-8")

    return edit


def set_data_files(path: str) -> Callable[[dict], None]:
    def change(header: dict) -> None:
        header["configs"][0]["data_files"][0]["path"] = path

    return change


DOCS_TEST = "data/documents/test-00000-of-00001.parquet"
NER_TEST = "data/ner/test-00000-of-00001.parquet"

#: (what was edited, the edit, whether the forger rehashed MANIFEST.json afterwards, the code).
TAMPERING = [
    ("a data file's bytes", edit_text("LICENSES.md", lambda t: t + " "), False, "file-changed"),
    (
        "a Parquet file, every hash recomputed, a view left alone",
        rewrite_parquet("data/entities/train-00000-of-00001.parquet", lambda t: t.slice(1)),
        False,
        "view-mismatch",
    ),
    ("the shipped schema loosened, a forged doc_id, every hash recomputed", forge_documents, True, "schema-violation"),
    (
        "the shipped schema loosened (rehashed)",
        edit_json("schema/document.schema.json", lambda s: s["properties"].update(doc_id={"type": "string"})),
        True,
        "schema-differs",
    ),
    ("a file added to schema/", add_file("schema/extra.schema.json", "{}"), True, "schema-differs"),
    ("a schema file removed and unlisted", remove("schema/interval-rules.json", unlist=True), False, "file-missing"),
    (
        "croissant.json edited",
        edit_json("croissant.json", lambda c: c.update(name="other")),
        True,
        "release-docs-mismatch",
    ),
    ("croissant.json removed and unlisted", remove("croissant.json", unlist=True), False, "file-missing"),
    (
        "CITATION.cff edited",
        edit_text("CITATION.cff", lambda t: t.replace("title:", "title: X", 1)),
        True,
        "release-docs-mismatch",
    ),
    (
        "DATASHEET.md stats block edited",
        edit_text("DATASHEET.md", lambda t: t.replace("| documents | ", "| documents | 1")),
        True,
        "release-docs-mismatch",
    ),
    (
        "DATASHEET.md free text edited",
        edit_text("DATASHEET.md", lambda t: t + "\nforged\n"),
        True,
        "release-docs-mismatch",
    ),
    ("CHANGELOG.md edited", edit_text("CHANGELOG.md", lambda t: t + "\nforged\n"), True, "release-docs-mismatch"),
    (
        "LICENSES.md edited",
        edit_text("LICENSES.md", lambda t: t.replace("shipped", "withheld")),
        True,
        "release-docs-mismatch",
    ),
    ("DATASHEET.md not UTF-8", add_file("DATASHEET.md", b"# Datasheet \xe8\n"), True, "release-docs-mismatch"),
    ("the card's body edited", edit_text("README.md", lambda t: t + "\nforged\n"), True, "release-docs-mismatch"),
    ("a licence file removed and unlisted", remove("LICENSES.md", unlist=True), False, "file-missing"),
    (
        "the manifest's dataset_version",
        edit_manifest(lambda m: m.update(dataset_version="9.9.9")),
        False,
        "version-mismatch",
    ),
    (
        "the manifest metadata's version",
        edit_manifest(lambda m: m["metadata"].update(version="9.9.9")),
        False,
        "version-mismatch",
    ),
    (
        "the card's version",
        edit_text("README.md", lambda t: t.replace("Version **", "Version **9", 1)),
        True,
        "version-mismatch",
    ),
    (
        "croissant.json's version",
        edit_json("croissant.json", lambda c: c.update(version="9.9.9")),
        True,
        "version-mismatch",
    ),
    (
        "CITATION.cff's version",
        edit_text("CITATION.cff", lambda t: t.replace('version: "', 'version: "9')),
        True,
        "version-mismatch",
    ),
    (
        "DATASHEET.md's release block version",
        edit_text("DATASHEET.md", lambda t: t.replace("| Version | ", "| Version | 9")),
        True,
        "version-mismatch",
    ),
    (
        "a Parquet file's dataset_version",
        parquet_metadata(NER_TEST, b"newsfacts", lambda m: {**m, "dataset_version": "9.9.9"}),
        True,
        "version-mismatch",
    ),
    (
        "a Parquet file's features metadata",
        parquet_metadata(NER_TEST, b"huggingface", lambda m: {"info": {"features": "x"}}),
        True,
        "features-metadata-mismatch",
    ),
    (
        "a manifest path ../../etc/hostname",
        edit_manifest(lambda m: m["files"].update({"../../etc/hostname": {"sha256": "0" * 64, "size": 1}})),
        False,
        "manifest-invalid",
    ),
    (
        "a manifest path /etc/hostname",
        edit_manifest(lambda m: m["files"].update({"/etc/hostname": {"sha256": "0" * 64, "size": 1}})),
        False,
        "manifest-invalid",
    ),
    (
        "a data file that is a symlink out of the release",
        link(NER_TEST, outside_copy(NER_TEST)),
        False,
        "release-symlink",
    ),
    (
        "CITATION.cff a symlink to /etc/hostname",
        link("CITATION.cff", lambda r: Path("/etc/hostname")),
        False,
        "release-symlink",
    ),
    ("a FIFO in the release", fifo("data/notes.txt"), False, "file-not-regular"),
    ("a card data_files pattern walking out", edit_card(set_data_files("../../*/*.parquet")), True, "card-mismatch"),
    ("a card data_files pattern absolute", edit_card(set_data_files("/etc/*")), True, "card-mismatch"),
    ("an extra Parquet file", add_file("data/documents/x.parquet", "x"), False, "file-unexpected"),
    (
        "a label id out of range",
        rewrite_parquet(
            "data/mentions/test-00000-of-00001.parquet",
            lambda t: t.set_column(
                t.schema.get_field_index("type"),
                "type",
                pa.array([99] * len(t), pa.int64()).cast(t.schema.field("type").type),
            ),
        ),
        False,
        "view-mismatch",
    ),
]


@pytest.mark.parametrize(("edit", "rehashed", "code"), [t[1:] for t in TAMPERING], ids=[t[0] for t in TAMPERING])
def test_tampering_is_caught(release: Path, edit, rehashed: bool, code: str) -> None:
    edit(release)
    if rehashed:
        rehash(release)
    result = runner.invoke(app, ["verify", str(release), "--format", "json"])
    assert result.exit_code == 1, result.output
    found = {i["code"] for i in json.loads(result.stdout)["issues"]}
    assert code in found, found


def test_a_forgery_with_every_hash_recomputed_is_not_official(built: dict[str, Path], monkeypatch) -> None:
    """The package knows the content hash an official version was released with; a release built
    from other rows (every hash in it consistent) verifies, and is told apart by ``official``."""
    pristine = verify_release(built["pristine"])
    version = pristine.official.version
    recorded = pristine.official.content_sha256
    forms = {"all": recorded, "licensed": recorded}  # the fixture's form, whether or not it withholds a text
    metadata = {**official_module.package_metadata(), "released_content_sha256": {version: forms}}
    monkeypatch.setattr(official_module, "package_metadata", lambda: metadata)
    assert verify_release(built["pristine"]).official.answer == "yes"
    forged = runner.invoke(app, ["verify", str(built["forged"])])
    assert forged.exit_code == 0, forged.output
    assert f"official: no (version {version} was released" in forged.stderr
    again = runner.invoke(app, ["verify", str(built["pristine"]), "--format", "json"])
    assert json.loads(again.stdout)["official"]["answer"] == "yes"
    metadata["released_content_sha256"] = {}
    assert "official: unknown version" in runner.invoke(app, ["verify", str(built["pristine"])]).stderr


#: Malformed inputs that once crashed verify: each is a coded issue now.
MALFORMED = [
    ("manifest a list", raw_manifest("[]"), "manifest-invalid"),
    ("manifest not JSON", raw_manifest("{"), "manifest-invalid"),
    ("manifest duplicate keys", raw_manifest('{"files": {}, "files": {}}'), "manifest-invalid"),
    ("configs a list", edit_manifest(lambda m: m.update(configs=[])), "manifest-invalid"),
    ("configs nested wrong", edit_manifest(lambda m: m["configs"].update(documents={"test": []})), "manifest-invalid"),
    ("files a string", edit_manifest(lambda m: m.update(files="x")), "manifest-invalid"),
    (
        "a file entry without sha256",
        edit_manifest(lambda m: m["files"]["CITATION.cff"].pop("sha256")),
        "manifest-invalid",
    ),
    ("a size as a string", edit_manifest(lambda m: m["files"]["CITATION.cff"].update(size="1")), "manifest-invalid"),
    ("texts of the wrong shape", edit_manifest(lambda m: m.update(texts=["x"])), "manifest-invalid"),
    ("withheld a string", edit_manifest(lambda m: m["texts"].update(withheld="x")), "manifest-invalid"),
    ("a documents shard missing", remove(DOCS_TEST, unlist=True), "manifest-invalid"),
    ("a documents shard missing, still listed", remove(DOCS_TEST, unlist=False), "file-missing"),
    ("card config_name an integer", edit_card(lambda h: h["configs"][0].update(config_name=5)), "card-invalid"),
    ("card configs a mapping", edit_card(lambda h: h.update(configs={"a": 1})), "card-invalid"),
    ("card data_files an integer", edit_card(lambda h: h["configs"][0].update(data_files=3)), "card-invalid"),
    (
        "card features nonsense",
        edit_card(lambda h: h["dataset_info"][0].update(features=[{"name": 1}])),
        "card-mismatch",
    ),
    ("card a list", edit_text("README.md", lambda t: "---\n- 1\n---\n" + t), "card-invalid"),
    ("an invalid shipped schema", add_file("schema/document.schema.json", "{"), "schema-differs"),
    ("a schema version unknown", edit_manifest(lambda m: m.update(schema_version="7.0.0")), "schema-version-unknown"),
]


@pytest.mark.parametrize(("edit", "code"), [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED])
def test_malformed_input_is_a_coded_issue(release: Path, edit, code: str) -> None:
    edit(release)
    if code in ("card-invalid", "card-mismatch", "schema-differs"):  # the forger rehashed: the content is judged
        rehash(release)
    result = runner.invoke(app, ["verify", str(release), "--format", "json"])
    assert result.exit_code in (1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert code in {i["code"] for i in json.loads(result.stdout)["issues"]}


def test_a_folder_without_manifest_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["verify", str(tmp_path)])
    assert result.exit_code == 2 and "[manifest-missing]" in result.stdout


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []  # noqa: RUF012 - shared on purpose: the test reads what the server saw

    def do_GET(self) -> None:
        _Recorder.requests.append(self.path)
        body = b'{"type": "string"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def test_a_remote_ref_in_the_shipped_schema_is_never_fetched(release: Path) -> None:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/x.json"
        edit_json("schema/document.schema.json", lambda s: s["properties"].update(doc_id={"$ref": url}))(release)
        rehash(release)
        result = runner.invoke(app, ["verify", str(release), "--format", "json"])
        unreachable = url.replace(str(server.server_address[1]), "9")  # nothing listens there: no crash either
    finally:
        server.shutdown()
        thread.join(timeout=5)
    assert _Recorder.requests == []
    assert result.exit_code == 1 and "schema-differs" in {i["code"] for i in json.loads(result.stdout)["issues"]}
    edit_json("schema/document.schema.json", lambda s: s["properties"].update(doc_id={"$ref": unreachable}))(release)
    rehash(release)
    result = runner.invoke(app, ["verify", str(release)])
    assert result.exit_code == 1 and "[schema-differs]" in result.stdout


def test_the_package_validators_resolve_no_remote_ref() -> None:
    """Even a schema of the package's own that named a remote $ref would fail, not fetch."""
    from newsfacts.contract.schema import fast_validator, offline_validator

    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        schema = {"$ref": f"http://127.0.0.1:{server.server_address[1]}/y.json"}
        with pytest.raises(Exception):  # noqa: B017 - referencing's Unresolvable, whatever its class
            list(offline_validator(schema).iter_errors("x"))
        with pytest.raises(Exception):  # noqa: B017 - jsonschema_rs refuses to build the validator
            fast_validator(schema).is_valid("x")
    finally:
        server.shutdown()
        thread.join(timeout=5)
    assert _Recorder.requests == []
