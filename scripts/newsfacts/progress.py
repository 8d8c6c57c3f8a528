"""A progress bar on stderr for long work: shown only on a terminal, and only after a second."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator


@contextlib.contextmanager
def byte_progress(total: int, what: str) -> Iterator[Callable[[int], None]]:
    """A callback to report bytes done; the bar appears when the work lasts over a second."""
    from tqdm import tqdm

    with tqdm(total=total or None, unit="B", unit_scale=True, desc=what, delay=1.0, disable=None, leave=False) as bar:
        yield bar.update
