"""A progress bar on stderr for long work: shown only on a terminal, and only after a second."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator


@contextlib.contextmanager
def byte_progress(total: int, what: str, unit: str = "B") -> Iterator[Callable[[int], None]]:
    """A callback to report work done (bytes, or ``unit``s); the bar appears when the work lasts
    over a second."""
    from tqdm import tqdm

    scale = unit == "B"
    with tqdm(total=total or None, unit=unit, unit_scale=scale, desc=what, delay=1.0, disable=None, leave=False) as bar:
        yield bar.update
