from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from newsfacts.cli.app import OutputFormat, app, emit_report
from newsfacts.contract.codes import CODES

WITHHOLD_HELP = "The same as --texts none."
TEXTS_HELP = (
    "Which documents' texts to ship: `licensed` (default) ships a text only when its licence is known and listed "
    "in the metadata's redistributable_text_licenses; `all`; `none`. A withheld text, its title, span texts and "
    "tokens are left out (hashes and offsets stay); `newsfacts rehydrate` restores them from your own copies."
)


class Texts(str, Enum):
    licensed = "licensed"
    all = "all"
    none = "none"


@app.command()
def build(
    corpus: Annotated[Path, typer.Option(help="The corpus folder (metadata.json and documents/).")] = Path("corpus"),
    out: Annotated[Path, typer.Option(help="The release folder to write (replaced atomically).")] = Path(
        "dist/newsfacts"
    ),
    texts: Annotated[Texts, typer.Option("--texts", help=TEXTS_HELP)] = Texts.licensed,
    withhold_text: Annotated[bool, typer.Option("--withhold-text", help=WITHHOLD_HELP)] = False,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1, help="Processes to use (default: 2 for large corpora).")
    ] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="Output format of problems.")] = OutputFormat.text,
) -> None:
    """Validate the corpus and build the Hugging Face release folder from its gold documents.

    Nothing is written when the corpus is invalid (exit 1) or unreadable (exit 2); a failed or
    interrupted build leaves the previous release as it was.
    """
    from newsfacts.progress import byte_progress
    from newsfacts.release.build import build_release

    with byte_progress(_input_size(corpus), "build") as progress, release_writing(out, fmt):
        manifest = build_release(
            corpus, out, texts=texts.value, withhold_text=withhold_text, jobs=jobs, progress=progress
        )
    typer.echo(describe(out, manifest))


def _input_size(corpus: Path) -> int:
    folder = corpus / "documents"
    return sum(p.stat().st_size for p in folder.rglob("*.json*") if p.is_file()) if folder.is_dir() else 0


def describe(out: Path, manifest) -> str:
    content = manifest.content
    splits = ", ".join(f"{s} {e['num_examples']}" for s, e in content["configs"]["documents"].items())
    commit = content["source"]["commit"]
    source = (
        "outside git"
        if commit is None
        else f"commit {commit[:12]}{' (dirty tree)' if content['source']['dirty'] else ''}"
    )
    count = len(content["texts"]["withheld"])
    withheld = f", {count} text{'s' if count != 1 else ''} withheld ({content['texts']['policy']})" if count else ""
    return (
        f"built {out}: {content['name']} {content['dataset_version']} (schema {content['schema_version']}), "
        f"documents: {splits}{withheld}; from {source}; content sha256 {content['content_sha256'][:16]}…"
    )


@contextmanager
def release_writing(target: Path, fmt: OutputFormat) -> Iterator[None]:
    """Turn what can go wrong while writing a release into a message and an exit code: the
    invalid input's issues (1), an I/O failure (2), an interruption (130; the target is as it was)."""
    from newsfacts.pool import WorkerDied
    from newsfacts.release.build import InvalidCorpus

    with interruptible():
        try:
            yield
        except InvalidCorpus as exc:
            emit_report(exc.report, fmt)
        except WorkerDied as exc:
            typer.echo(f"{target}: [build-worker-died] {exc}", err=True)
            typer.echo(f"    hint: {CODES['build-worker-died'].hint}", err=True)
            raise typer.Exit(2) from None
        except OSError as exc:
            typer.echo(f"{target}: [release-write-failed] {exc}", err=True)
            typer.echo(f"    hint: {CODES['release-write-failed'].hint}", err=True)
            raise typer.Exit(2) from None
        except KeyboardInterrupt:
            typer.echo(f"interrupted: {target} is as it was", err=True)
            raise typer.Exit(130) from None


class interruptible:
    """Turn SIGTERM into KeyboardInterrupt while building, so the staging folder is removed."""

    def __enter__(self) -> None:
        import signal

        self._signal = signal
        self._previous = signal.signal(signal.SIGTERM, _interrupt)

    def __exit__(self, *exc: object) -> None:
        self._signal.signal(self._signal.SIGTERM, self._previous)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
