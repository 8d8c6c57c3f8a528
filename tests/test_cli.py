"""The ``newsfacts`` command through Typer's CliRunner (exit code, stdout and stderr apart), and one
run of the installed console script in a subprocess."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import CASES, MINIMAL, ROOT
from make_cases import CASE_RECORD_LIMIT
from newsfacts.cli import app
from newsfacts.contract import reading
from newsfacts.contract.codes import CODES
from newsfacts.contract.report import EXIT_INVALID, EXIT_OK, EXIT_USAGE
from typer.testing import CliRunner

runner = CliRunner()
INVALID = sorted((CASES / "invalid").iterdir())


def invoke(*args: str) -> Any:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stdout + result.stderr
    return result


def test_runner_keeps_stderr_apart() -> None:
    """The premise of the tests below: this Click separates stdout from stderr."""
    result = invoke("validate", str(MINIMAL))
    assert result.stdout == ""
    assert result.stderr != ""


def test_help_lists_the_commands() -> None:
    result = invoke("--help")
    assert result.exit_code == EXIT_OK
    for command in ("validate", "ingest"):
        assert command in result.stdout
    assert result.stderr == ""


def test_validate_help_states_the_exit_codes() -> None:
    result = invoke("validate", "--help")
    assert result.exit_code == EXIT_OK
    assert "Exit 0 when valid, 1 when the data is invalid, 2 for usage or I/O errors" in " ".join(
        line.strip(" │") for line in result.stdout.splitlines()
    )


# --- validate -----------------------------------------------------------------------------------


def test_validate_valid_cases() -> None:
    result = invoke("validate", str(CASES / "valid"))
    assert result.exit_code == EXIT_OK
    assert result.stdout == ""
    assert result.stderr == "valid: 4 document(s) in 3 file(s); 0 error(s), 0 warning(s)\n"


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_validate_each_invalid_case(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "MAX_RECORD_BYTES", CASE_RECORD_LIMIT)
    code = path.name.removesuffix(".jsonl").removesuffix(".json")
    warning = CODES[code].severity == "warning"
    result = invoke("validate", str(path))
    assert result.exit_code == (EXIT_OK if warning else EXIT_INVALID)
    issue_lines = [line for line in result.stdout.splitlines() if not line.startswith("    hint: ")]
    assert issue_lines, result.stdout
    for line in issue_lines:
        location, rest = line.split(": [", 1)
        assert rest.startswith(f"{code}] ")
        file, line_no, *pointer = location.split(":")
        assert file.startswith(str(path))
        assert int(line_no) >= 1
        if CODES[code].layer in ("schema", "semantics", "corpus"):
            assert pointer, line
            assert pointer[0].startswith("/")
    assert result.stdout.count("    hint: ") == len(issue_lines)
    assert result.stderr.startswith("valid: " if warning else "INVALID: ")
    assert result.stderr.endswith(
        f"{len(issue_lines) if not warning else 0} error(s), {len(issue_lines) if warning else 0} warning(s)\n"
    )


def test_validate_json_format(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "MAX_RECORD_BYTES", CASE_RECORD_LIMIT)
    result = invoke("validate", "--format", "json", str(CASES / "invalid"))
    assert result.exit_code == EXIT_INVALID
    assert result.stderr == ""
    out = json.loads(result.stdout)
    assert out["valid"] is False
    assert out["files"] == len(list((CASES / "invalid").rglob("*.json*")))
    codes = {i["code"] for i in out["issues"]}
    assert codes >= {p.name.removesuffix(".jsonl").removesuffix(".json") for p in INVALID}
    valid = invoke("validate", "--format", "json", str(CASES / "valid"))
    assert valid.exit_code == EXIT_OK
    assert json.loads(valid.stdout) == {"valid": True, "files": 3, "documents": 4, "sets": {"gold": 4}, "issues": []}


def test_validate_with_jobs_gives_the_same_report(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "MAX_RECORD_BYTES", CASE_RECORD_LIMIT)
    one = invoke("validate", "--format", "json", str(CASES / "invalid"))
    two = invoke("validate", "--format", "json", "--jobs", "2", str(CASES / "invalid"))
    reports = [json.loads(r.stdout) for r in (one, two)]
    assert two.exit_code == one.exit_code
    for report in reports:  # reading problems come first with --jobs: compare regardless of order
        report["issues"].sort(key=lambda i: (i["file"], i["line"], i["code"], i["pointer"] or ""))
    assert reports[1] == reports[0]


def test_validate_missing_path() -> None:
    result = invoke("validate", "/no/such/path")
    assert result.exit_code == EXIT_USAGE
    assert result.stdout.startswith("/no/such/path: [path-not-found] no such file or folder: /no/such/path\n")
    assert "hint: Check the path" in result.stdout
    assert result.stderr.startswith("INVALID: 0 document(s) in 0 file(s)")


def test_validate_without_paths_is_a_usage_error() -> None:
    result = invoke("validate")
    assert result.exit_code == EXIT_USAGE
    assert result.stdout == ""
    assert "Missing argument" in result.stderr


def test_validate_seeds_option(tmp_path: Path) -> None:
    """--seeds names the seed folder instead of the nearest seeds/ above the documents."""
    case = CASES / "valid" / "with-seed"
    assert invoke("validate", str(case), "--seeds", str(case / "seeds")).exit_code == EXIT_OK
    result = invoke("validate", str(case), "--seeds", str(tmp_path))
    assert result.exit_code == EXIT_INVALID
    assert "[seed-not-found]" in result.stdout


# --- ingest -------------------------------------------------------------------------------------


def test_ingest_creates_then_leaves_unchanged(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus, ignore=shutil.ignore_patterns("documents", "passes"))
    seed = ROOT / "seeds" / "000_5d72bf2b25391026.txt"
    record = corpus / "documents" / "000_5d72bf2b25391026.json"
    first = invoke("ingest", str(seed), "--corpus", str(corpus))
    assert (first.exit_code, first.stdout, first.stderr) == (EXIT_OK, f"created: {record}\n", "")
    second = invoke("ingest", str(seed), "--corpus", str(corpus))
    assert (second.exit_code, second.stdout, second.stderr) == (EXIT_OK, f"unchanged: {record}\n", "")


def test_ingest_missing_seed_and_a_good_one(tmp_path: Path) -> None:
    """Each seed is handled; the worst outcome sets the exit code."""
    seed = tmp_path / "note.txt"
    seed.write_text("A title\n\nA body.\n", encoding="utf-8")
    result = invoke("ingest", str(tmp_path / "absent.txt"), str(seed), "--corpus", str(tmp_path / "corpus"))
    assert result.exit_code == EXIT_USAGE
    assert result.stdout == f"created: {tmp_path / 'corpus' / 'documents' / 'note.json'}\n"
    assert result.stderr == f"{tmp_path / 'absent.txt'}: [path-not-found] no such seed file\n"


def test_ingest_non_utf8_seed(tmp_path: Path) -> None:
    seed = tmp_path / "latin1.txt"
    seed.write_bytes(b"Caf\xe9\n\nA body.\n")
    result = invoke("ingest", str(seed), "--corpus", str(tmp_path / "corpus"))
    assert result.exit_code == EXIT_INVALID
    assert result.stdout == ""
    assert result.stderr.startswith(f"{seed}: [seed-not-utf8] the seed is not UTF-8: invalid continuation byte")


def test_ingest_without_seeds_is_a_usage_error() -> None:
    result = invoke("ingest")
    assert result.exit_code == EXIT_USAGE
    assert "Missing argument" in result.stderr


# --- the installed command ----------------------------------------------------------------------


def test_installed_command_validates_the_valid_cases() -> None:
    command = Path(sys.executable).parent / "newsfacts"
    done = subprocess.run(
        [str(command), "validate", "tests/cases/valid"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == EXIT_OK, done.stderr
    assert done.stdout == ""
    assert done.stderr == "valid: 4 document(s) in 3 file(s); 0 error(s), 0 warning(s)\n"


def test_the_cli_imports_no_heavy_library_until_a_command_needs_it() -> None:
    """`newsfacts --help` answers fast: datasets, pyarrow and jsonschema load inside commands."""
    code = (
        "import sys, newsfacts.cli; print(sorted(m for m in ('datasets', 'pyarrow', 'jsonschema') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
