"""newsfacts export/import as writers and readers of files: --out naming a file, a read-only
target, a full disk (exit 2, nothing half-written), the user's umask, non-regular inputs."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from newsfacts.cli import app
from newsfacts.exchange import files
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "cases" / "valid" / "minimal.json"
EXE = str(Path(sys.executable).parent / "newsfacts")


def run(args: list[str], *, umask: int | None = None, fsize: int | None = None, timeout: float = 120):
    """The installed command in a subprocess (optionally under a umask or a file-size limit)."""

    def limits() -> None:
        if umask is not None:
            os.umask(umask)
        if fsize is not None:  # writes past it fail with EFBIG, as on a full disk
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [EXE, *args], capture_output=True, text=True, timeout=timeout, preexec_fn=limits, env=env, check=False
    )


def exported(tmp_path: Path, fmt: str = "brat") -> Path:
    out = tmp_path / f"export-{fmt}"
    result = CliRunner().invoke(app, ["export", fmt, str(MINIMAL), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("command", ["export", "import"])
def test_out_naming_an_existing_file_is_refused(tmp_path, command):
    target = tmp_path / "taken.txt"
    target.write_text("mine", encoding="utf-8")
    src = str(MINIMAL) if command == "export" else str(exported(tmp_path))
    result = CliRunner().invoke(app, [command, "brat", src, "--out", str(target)])
    assert result.exit_code == 2 and "[output-exists]" in result.stdout
    assert target.read_text(encoding="utf-8") == "mine"


def test_out_folder_keeps_other_files_and_replaces_ours(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("keep", encoding="utf-8")
    (out / "valid-minimal.ann").write_text("old", encoding="utf-8")
    result = CliRunner().invoke(app, ["export", "brat", str(MINIMAL), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep"
    assert (out / "valid-minimal.ann").read_text(encoding="utf-8").startswith("T1\t")
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no staging folder left


@pytest.mark.skipif(not Path("/sys").is_dir(), reason="needs Linux's /sys, where nobody may create folders")
@pytest.mark.parametrize("command", ["export", "import"])
def test_a_target_that_cannot_be_written_exits_2(tmp_path, command):
    src = str(MINIMAL) if command == "export" else str(exported(tmp_path))
    result = CliRunner().invoke(app, [command, "brat", src, "--out", "/sys/newsfacts-test-out"])
    assert result.exit_code == 2, result.output
    assert "[output-write-failed]" in result.stdout and "nothing was written" in result.stdout
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_exits_2(tmp_path):
    parent = tmp_path / "ro"
    parent.mkdir()
    parent.chmod(0o555)
    try:
        result = CliRunner().invoke(app, ["export", "brat", str(MINIMAL), "--out", str(parent / "out")])
    finally:
        parent.chmod(0o755)
    assert result.exit_code == 2 and "[output-write-failed]" in result.stdout
    assert list(parent.iterdir()) == []


@pytest.mark.parametrize("fmt", ["brat", "labelstudio"])
def test_a_full_disk_leaves_nothing_half_written(tmp_path, fmt):
    out = tmp_path / "out"
    done = run(["export", fmt, str(MINIMAL), "--out", str(out)], fsize=1500)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "[output-write-failed]" in done.stdout and "Traceback" not in done.stderr + done.stdout
    assert not out.exists() and [p.name for p in tmp_path.iterdir()] == []  # no staging folder either
    src = exported(tmp_path, fmt)
    source = src if fmt == "brat" else src / "tasks.json"
    done = run(["import", fmt, str(source), "--out", str(out)], fsize=1500)
    assert done.returncode == 2 and "[output-write-failed]" in done.stdout, done.stdout + done.stderr
    assert not out.exists()


def test_a_full_disk_changes_nothing_in_an_existing_folder(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "valid-minimal.ann").write_text("old", encoding="utf-8")
    done = run(["export", "brat", str(MINIMAL), "--out", str(out)], fsize=1500)
    assert done.returncode == 2 and "[output-write-failed]" in done.stdout
    assert [p.name for p in out.iterdir()] == ["valid-minimal.ann"]
    assert (out / "valid-minimal.ann").read_text(encoding="utf-8") == "old"


@pytest.mark.parametrize(("umask", "file_mode", "dir_mode"), [(0o022, 0o644, 0o755), (0o077, 0o600, 0o700)])
def test_files_take_the_users_umask(tmp_path, umask, file_mode, dir_mode):
    done = run(["export", "brat", str(MINIMAL), "--out", str(tmp_path / "b")], umask=umask)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "b").stat().st_mode & 0o777 == dir_mode
    assert {p.stat().st_mode & 0o777 for p in (tmp_path / "b").iterdir()} == {file_mode}
    done = run(["import", "brat", str(tmp_path / "b"), "--out", str(tmp_path / "i")], umask=umask)
    assert done.returncode == 0, done.stderr
    assert {p.stat().st_mode & 0o777 for p in (tmp_path / "i").iterdir()} == {file_mode}


@pytest.mark.parametrize(
    "args",
    [
        ["import", "brat", "{fifo}.ann"],
        ["import", "labelstudio", "{fifo}.json"],
        ["export", "brat", "{fifo}.json"],
        ["export", "conll", "{folder}"],
        ["import", "brat", "{folder}"],
    ],
)
def test_a_fifo_is_refused_not_read(tmp_path, args):
    """Nothing ever writes to these FIFOs: a command that opened one would wait forever."""
    folder = tmp_path / "folder"
    folder.mkdir()
    os.mkfifo(folder / "doc.json")
    os.mkfifo(folder / "doc.ann")
    (folder / "doc.txt").write_text("Mara Lindqvist spoke.", encoding="utf-8")
    for suffix in (".ann", ".json"):
        os.mkfifo(tmp_path / f"fifo{suffix}")
    args = [a.format(fifo=tmp_path / "fifo", folder=folder) for a in args]
    done = run([*args, "--out", str(tmp_path / "out")], timeout=60)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "[unreadable-file]" in done.stdout and "not a regular file" in done.stdout
    assert not (tmp_path / "out").exists()


def test_a_missing_txt_beside_an_ann_is_reported(tmp_path):
    src = exported(tmp_path)
    (src / "valid-minimal.txt").unlink()
    result = CliRunner().invoke(app, ["import", "brat", str(src), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "[unreadable-file]" in result.stdout and "valid-minimal.txt" in result.stdout


def test_label_studio_tasks_stream_one_at_a_time(tmp_path):
    """iter_tasks hands out each task with its own text and first line; a broken list is a coded error."""
    from newsfacts.contract.report import Report

    text = '[\n {"data": {"text": "a"}},\n\n {"data": {"text": "b"}}\n]\n'
    report = Report()
    got = [(task["data"]["text"], place, line) for task, place, _, line in files.iter_tasks(text, Path("t"), report)]
    assert got == [("a", (0,), 2), ("b", (1,), 4)] and report.issues == []
    for broken, line in [('[{"data": 1} {"data": 2}]', 1), ("[\n{}\n,\n", 4), ('{"a": 1} x', 1), ("[1e999999]", 1)]:
        report = Report()
        list(files.iter_tasks(broken, Path("t"), report))
        assert [i.code for i in report.issues] == ["invalid-json"] and report.issues[0].line == line, broken
    report = Report()
    assert list(files.iter_tasks(json.dumps([[[1]] * 2]), Path("t"), report))  # nesting is the task's problem
