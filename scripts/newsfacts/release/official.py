"""Whether a release's rows are exactly an official version: the anchor a forger cannot recompute.

Every hash in a release can be recomputed by whoever edits it; what cannot is the content hash
each official version was released with, which the package carries (``released_content_sha256``
of the corpus metadata it was built from: ``newsfacts/_corpus/metadata.json`` in a wheel,
``corpus/metadata.json`` in a checkout). ``official(...)`` compares the hash of the rows as
``verify`` recomputed them (never the manifest's claim) with the one recorded for the release's
version and text form.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

_PACKAGE = Path(__file__).resolve().parent.parent

Answer = Literal["yes", "no", "unknown version"]


@dataclass(frozen=True)
class Official:
    """``answer``: the rows are official version ``version`` (``yes``), are not though that
    version was released in that form (``no``), or no official hash is known for the version
    and form (``unknown version``)."""

    answer: Answer
    version: str
    form: str | None = None
    recorded: str | None = None
    content_sha256: str | None = None

    def render(self) -> str:
        if self.answer == "yes":
            return f"official: yes (the rows are version {self.version} as released, texts: {self.form})"
        if self.answer == "no":
            return (
                f"official: no (version {self.version} was released (texts: {self.form}) with content sha256 "
                f"{(self.recorded or '')[:12]}…; these rows hash to {(self.content_sha256 or '?')[:12]}…)"
            )
        return f"official: unknown version (this package knows no released rows of version {self.version} in this form)"

    def to_dict(self) -> dict[str, Any]:
        return {
            "answer": self.answer,
            "version": self.version,
            "form": self.form,
            "recorded_sha256": self.recorded,
            "content_sha256": self.content_sha256,
        }


@cache
def package_metadata() -> dict[str, Any]:
    """The corpus metadata this package carries (empty when it carries none)."""
    for path in (_PACKAGE / "_corpus" / "metadata.json", _PACKAGE.parent.parent / "corpus" / "metadata.json"):
        try:
            found = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        return found if isinstance(found, dict) else {}
    return {}


def official(version: str, policy: str, all_texts: bool, content_sha256: str | None) -> Official:
    """The official statement for rows of ``version`` built with text policy ``policy``
    (``all_texts``: no text withheld) that hash to ``content_sha256`` (None: could not be
    recomputed)."""
    from newsfacts.docs.metadata import check_metadata
    from newsfacts.release.build import released_form, released_hashes

    metadata = package_metadata()
    if check_metadata(metadata):
        return Official("unknown version", version, content_sha256=content_sha256)
    form = released_form(metadata, version, policy, all_texts)
    if form is None:
        return Official("unknown version", version, content_sha256=content_sha256)
    recorded = released_hashes(metadata)[version][form]
    answer: Answer = "yes" if content_sha256 == recorded else "no"
    return Official(answer, version, form, recorded, content_sha256)
