"""Mutation fuzzing of every newsfacts command that reads files, over the project's own valid inputs.

``make_seeds(folder)`` writes the valid inputs once: documents (``.json``, ``.jsonl``), brat and
Label Studio exports, a corpus (metadata.json, provenance), a built release (MANIFEST.json, card,
schema/, croissant.json, Parquet) and a raw article. ``cases(seeds, rnd)`` yields cases: a command
line and the mutated input it reads (a copy of one seed, with one input file mutated: bytes
flipped, cut, JSON values replaced by values of the wrong type or shape, keys repeated, a FIFO
in place of the file). ``run_case`` runs one in-process (Typer's CliRunner) under an alarm and
says what happened: the exit code, a traceback (any exception other than the exit, or
"Traceback" on either stream) or a hang.

Used by tests/test_fuzz.py (a small, seeded, time-bounded run in the suite) and
tests/fuzz_campaign.py (a larger campaign, with figures).
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import random
import shutil
import signal
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

#: Commands owned by other work in progress (issue 12's other parts): their crashes are reported
#: by the campaign, not failed on by the suite's test.
ELSEWHERE = ("import", "export", "score", "agreement", "validate --against", "convert", "new")

WEIRD: list[Any] = [
    None,
    0,
    -1,
    2**70,
    1.5,
    "",
    "x",
    "../../etc/hostname",
    "/etc/hostname",
    [],
    {},
    [1],
    {"a": 1},
    True,
    "\u0000",
    "a" * 300,
    "9" * 5000,
]


def mutate_value(value: Any, rnd: random.Random) -> Any:
    """``value`` with one node somewhere replaced, removed, repeated or renamed."""
    if isinstance(value, dict) and value and rnd.random() < 0.85:
        key = rnd.choice(list(value))
        roll = rnd.random()
        if roll < 0.15:
            del value[key]
        elif roll < 0.25:
            value[rnd.choice(["x", "../x", "/etc/hostname", "data/x.parquet"])] = copy.deepcopy(rnd.choice(WEIRD))
        elif roll < 0.3:
            value[key + "x"] = value.pop(key)
        else:
            value[key] = mutate_value(value[key], rnd)
        return value
    if isinstance(value, list) and value and rnd.random() < 0.85:
        i = rnd.randrange(len(value))
        roll = rnd.random()
        if roll < 0.15:
            del value[i]
        elif roll < 0.3:
            value.append(copy.deepcopy(value[i]))
        else:
            value[i] = mutate_value(value[i], rnd)
        return value
    return copy.deepcopy(rnd.choice(WEIRD))


def mutate_bytes(data: bytes, rnd: random.Random) -> bytes:
    """One structural or byte-level mutation of a file's bytes."""
    roll = rnd.random()
    if roll < 0.5:
        try:
            parsed = json.loads(data)
        except ValueError:
            parsed = None
        if parsed is not None:
            text = json.dumps(mutate_value(parsed, rnd), ensure_ascii=rnd.random() < 0.5)
            if rnd.random() < 0.1:  # a key repeated
                text = text.replace('{"', '{"doc_id": "x", "', 1) if text.startswith("{") else text
            return text.encode("utf-8")
        lines = data.splitlines(keepends=True)
        if lines and all(line.strip().startswith(b"{") for line in lines if line.strip()):
            i = rnd.randrange(len(lines))
            try:
                line = json.dumps(mutate_value(json.loads(lines[i]), rnd)).encode() + b"\n"
            except ValueError:
                line = lines[i][: len(lines[i]) // 2]
            return b"".join([*lines[:i], line, *lines[i + 1 :]])
    out = bytearray(data)
    if roll < 0.65 and out:
        del out[rnd.randrange(len(out)) :]
    elif roll < 0.8:
        for _ in range(rnd.randint(1, 8)):
            if out:
                out[rnd.randrange(len(out))] = rnd.randrange(256)
    else:
        token = rnd.choice([b"\x00", b"\xff", b'"', b"{", b"]", b"\n", b"9" * 5000, b"\\u0000", b"-", b"1e999"])
        at = rnd.randrange(len(out) + 1)
        out[at:at] = token
    return bytes(out)


# --- the seeds ---------------------------------------------------------------------------------------


def make_seeds(folder: Path) -> Path:
    """The valid inputs every case starts from, under ``folder`` (made once per run)."""
    from newsfacts.cli import app
    from newsfacts.contract.documents import dump_document
    from newsfacts.release.build import build_release
    from release_helpers import fixture_documents, write_corpus
    from typer.testing import CliRunner

    folder.mkdir(parents=True, exist_ok=True)
    files = [f for f in fixture_documents() if not f[0].endswith(".jsonl")]
    corpus = write_corpus(folder / "corpus", files)
    docs = folder / "docs"
    docs.mkdir()
    minimal = files[0][1][0]
    (docs / "doc.json").write_text(dump_document(minimal), encoding="utf-8")
    (docs / "docs.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for _, records in files for r in records), encoding="utf-8"
    )
    build_release(corpus, folder / "release")
    build_release(corpus, folder / "withheld", texts="none")
    (folder / "texts").mkdir()
    for _, records in files:
        for record in records:
            (folder / "texts" / f"{record['doc_id']}.txt").write_text(record["text"], encoding="utf-8")
    runner = CliRunner()
    for fmt in ("brat", "labelstudio", "conll"):
        result = runner.invoke(app, ["export", fmt, str(docs / "doc.json"), "--out", str(folder / fmt)])
        assert result.exit_code == 0, result.output
    (folder / "article.txt").write_text(
        "Mayor opens bridge\n\nThe mayor said 3,000 people came, about 40 percent more than last year. "
        "According to the mayor, the bridge cost 12 million dollars.\n",
        encoding="utf-8",
    )
    return folder


# --- the cases -------------------------------------------------------------------------------------------


@dataclass
class Case:
    command: str  # the command's name (for the figures)
    args: list[str]
    mutated: str  # which file was mutated, relative to the case's folder

    def describe(self) -> str:
        return f"newsfacts {' '.join(self.args)}  [mutated: {self.mutated}]"


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def _mutate_one(folder: Path, rnd: random.Random, prefer: Callable[[Path], bool] | None = None) -> str:
    files = _files(folder)
    preferred = [p for p in files if prefer(p)] if prefer else []
    target = rnd.choice(preferred if preferred and rnd.random() < 0.8 else files)
    name = target.relative_to(folder.parent).as_posix()
    if rnd.random() < 0.03:  # a FIFO where the file was: a reader must refuse it, not hang
        target.unlink()
        os.mkfifo(target)
        return name + " (FIFO)"
    target.write_bytes(mutate_bytes(target.read_bytes(), rnd))
    return name


def _rehash(release: Path) -> None:
    """Relist every file in MANIFEST.json, as a careful forger would (when it still parses)."""
    from newsfacts.release.manifest import MANIFEST, file_sha256

    path = release / MANIFEST
    if path.is_symlink() or not path.is_file():  # a FIFO made by the mutation: reading it would hang here
        return
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        manifest["files"] = {
            p.relative_to(release).as_posix(): {"sha256": file_sha256(p), "size": p.stat().st_size}
            for p in _files(release)
            if p.name != MANIFEST and p.is_file()
        }
        path.write_text(json.dumps(manifest), encoding="utf-8")
    except (ValueError, TypeError, OSError, AttributeError):
        pass


def cases(seeds: Path, work: Path, rnd: random.Random) -> Iterator[Case]:
    """Endless cases, each in a fresh folder under ``work``."""
    n = 0
    while True:
        n += 1
        here = work / f"case-{n}"
        shutil.rmtree(here, ignore_errors=True)
        here.mkdir(parents=True)
        yield _case(seeds, here, rnd)
        shutil.rmtree(here, ignore_errors=True)


def _copy(seeds: Path, here: Path, name: str) -> Path:
    source = seeds / name
    if source.is_dir():
        shutil.copytree(source, here / name)
    else:
        shutil.copyfile(source, here / name)
    return here / name


def _case(seeds: Path, here: Path, rnd: random.Random) -> Case:
    kind = rnd.choice(
        [
            "validate",
            "validate-jsonl",
            "stats",
            "stats-release",
            "render",
            "render-corpus",
            "diff",
            "diff-release",
            "verify",
            "verify",
            "verify",
            "rehydrate",
            "datasheet",
            "cite",
            "build",
            "ingest",
            "suggest",
            "export",
            "import-brat",
            "import-labelstudio",
            "score",
            "agreement",
            "against",
            "convert",
            "new",
        ]
    )
    out = str(here / "out")
    if kind in ("validate", "validate-jsonl", "stats", "render", "export", "score", "agreement", "against"):
        docs = _copy(seeds, here, "docs")
        name = "doc.json" if kind != "validate-jsonl" and rnd.random() < 0.6 else "docs.jsonl"
        mutated = _mutate_one(docs, rnd, lambda p: p.name == name)
        src = str(docs / name) if rnd.random() < 0.7 else str(docs)
        args = {
            "validate": ["validate", src],
            "validate-jsonl": ["validate", src],
            "stats": ["stats", src],
            "render": ["render", src, "--out", out + ".html"],
            "export": ["export", rnd.choice(["brat", "labelstudio", "conll"]), src, "--out", out],
            "score": ["score", str(seeds / "docs" / "doc.json"), src],
            "agreement": ["agreement", str(seeds / "docs" / "doc.json"), src],
            "against": ["validate", src, "--against", str(seeds / "docs" / "doc.json")],
        }[kind]
        return Case(kind.split("-")[0], args, mutated)
    if kind in ("stats-release", "verify", "rehydrate", "diff-release", "render-corpus"):
        release = _copy(seeds, here, "withheld" if kind == "rehydrate" or rnd.random() < 0.2 else "release")
        mutated = _mutate_one(release, rnd, lambda p: p.suffix in (".json", ".md", ".cff") or p.parent.name == "schema")
        if rnd.random() < 0.5:
            _rehash(release)
        texts = _copy(seeds, here, "texts")
        if kind == "rehydrate" and rnd.random() < 0.5:
            _mutate_one(texts, rnd)
        args = {
            "stats-release": ["stats", str(release)],
            "verify": ["verify", str(release)],
            "rehydrate": ["rehydrate", str(release), "--texts", str(texts), "--out", out],
            "diff-release": ["diff", str(seeds / "release"), str(release)],
            "render-corpus": ["render", "fixture-train", "--corpus", str(release), "--out", out + ".html"],
        }[kind]
        return Case(args[0], args, mutated)
    if kind in ("diff", "datasheet", "cite", "build"):
        corpus = _copy(seeds, here, "corpus")
        mutated = _mutate_one(corpus, rnd, lambda p: p.name == "metadata.json" or p.suffix == ".json")
        args = {
            "diff": ["diff", str(seeds / "corpus"), str(corpus)],
            "datasheet": ["datasheet", "--check", "--root", str(here)],
            "cite": ["cite", "--corpus", str(corpus)],
            "build": ["build", "--corpus", str(corpus), "--out", out],
        }[kind]
        return Case(args[0], args, mutated)
    if kind in ("import-brat", "import-labelstudio"):
        fmt = kind.split("-")[1]
        exported = _copy(seeds, here, fmt)
        mutated = _mutate_one(exported, rnd)
        return Case("import", ["import", fmt, str(exported), "--out", out], mutated)
    if kind == "convert":
        conll = _copy(seeds, here, "conll")
        mutated = _mutate_one(conll, rnd)
        gold = str(seeds / "docs" / "doc.json")
        return Case("convert", ["convert", "bio", str(conll), "--gold", gold, "--out", out + ".jsonl"], mutated)
    if kind == "new":
        folder = here / "texts"
        folder.mkdir()
        shutil.copyfile(seeds / "article.txt", folder / "article.txt")
        mutated = _mutate_one(folder, rnd)
        kind_of = rnd.choice(["record", "prediction"])
        return Case("new", ["new", str(folder / "article.txt"), "--for", kind_of], mutated)
    if kind == "ingest":
        corpus = _copy(seeds, here, "corpus")
        seeds_dir = here / "seeds"
        seeds_dir.mkdir()
        shutil.copyfile(seeds / "article.txt", seeds_dir / "article.txt")
        mutated = _mutate_one(here, rnd, lambda p: p.name in ("article.txt", "metadata.json"))
        return Case("ingest", ["ingest", str(seeds_dir / "article.txt"), "--corpus", str(corpus)], mutated)
    article = _copy(seeds, here, "article.txt")
    article.write_bytes(mutate_bytes(article.read_bytes(), rnd))
    return Case("suggest", ["suggest", str(article), "--corpus", str(here / "nocorpus")], "article.txt")


# --- running one ----------------------------------------------------------------------------------------


@dataclass
class Outcome:
    exit_code: int | None
    traceback: str | None = None
    hang: bool = False


class _Hang(BaseException):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _Hang()


def run_case(case: Case, timeout: float = 20.0) -> Outcome:
    """Run one case in this process (the CLI as a user calls it) under an alarm of ``timeout`` s."""
    import traceback

    from newsfacts.cli import app
    from typer.testing import CliRunner

    runner = CliRunner()
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        result = runner.invoke(app, case.args, catch_exceptions=True)
    except _Hang:
        return Outcome(None, hang=True)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    if isinstance(result.exception, _Hang):
        return Outcome(None, hang=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        text = "".join(traceback.format_exception(result.exception))
        return Outcome(result.exit_code, traceback=text)
    output = result.stdout + (result.stderr or "")
    if "Traceback" in output or result.exit_code not in (0, 1, 2):
        return Outcome(result.exit_code, traceback=output[-4000:])
    return Outcome(result.exit_code)


def elsewhere(case: Case) -> bool:
    """A case of a command another piece of work owns (see ``ELSEWHERE``)."""
    line = " ".join(case.args)
    return case.command in ELSEWHERE or ("--against" in line)


@contextlib.contextmanager
def quiet_hf(home: Path) -> Iterator[None]:
    """Offline, with an empty Hugging Face home (as the suite runs)."""
    saved = {k: os.environ.get(k) for k in ("HF_DATASETS_OFFLINE", "HF_HUB_OFFLINE", "HF_HOME")}
    os.environ.update({"HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1", "HF_HOME": str(home)})
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
