"""Issues and reports: the plain data every check returns, and how the CLI renders it."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Literal

Severity = Literal["fatal", "error", "warning"]

#: Exit codes of every command that checks something.
EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


@dataclass(frozen=True)
class Issue:
    """One finding. ``code`` is a stable kebab-case slug: match on it, not on ``message``.

    ``severity`` is ``fatal`` for usage and I/O problems (nothing could be checked),
    ``error`` for invalid data and ``warning`` for data that is valid but suspicious.
    """

    code: str
    message: str
    file: str | None = None
    line: int | None = None
    pointer: str | None = None
    hint: str | None = None
    severity: Severity = "error"

    def location(self) -> str:
        parts = [self.file or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
        if self.pointer is not None:
            parts.append(self.pointer or "/")
        return ":".join(parts)

    def render(self) -> str:
        text = f"{self.location()}: [{self.code}] {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text


@dataclass
class Report:
    """What a check of some input found, and how much input it looked at."""

    issues: list[Issue] = field(default_factory=list)
    files: int = 0
    documents: int = 0
    sets: dict[str, int] = field(default_factory=dict)  # valid documents per annotation set, when counted

    def extend(self, issues: Iterable[Issue]) -> None:
        self.issues.extend(issues)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity != "warning"]

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def exit_code(self) -> int:
        if any(i.severity == "fatal" for i in self.issues):
            return EXIT_USAGE
        return EXIT_INVALID if self.errors else EXIT_OK

    def summary(self) -> str:
        counts = Counter(i.severity for i in self.issues)
        verdict = "valid" if self.valid else "INVALID"
        sets = f" ({', '.join(f'{name} {n}' for name, n in sorted(self.sets.items()))})" if len(self.sets) > 1 else ""
        return (
            f"{verdict}: {self.documents} document(s) in {self.files} file(s){sets}; "
            f"{counts['fatal'] + counts['error']} error(s), {counts['warning']} warning(s)"
        )

    def to_json(self) -> str:
        return json.dumps(
            {
                "valid": self.valid,
                "files": self.files,
                "documents": self.documents,
                "sets": self.sets,
                "issues": [asdict(i) for i in self.issues],
            },
            ensure_ascii=False,
            indent=2,
        )


def escape_pointer_token(token: object) -> str:
    """Escape one reference token of a JSON Pointer (RFC 6901)."""
    return str(token).replace("~", "~0").replace("/", "~1")


def pointer(*tokens: object) -> str:
    """Build a JSON Pointer from path tokens: ``pointer("mentions", 3, "end") == "/mentions/3/end"``."""
    return "".join("/" + escape_pointer_token(t) for t in tokens)
