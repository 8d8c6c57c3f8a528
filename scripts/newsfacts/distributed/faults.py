"""A fault injection point for the tests: a worker that dies in the middle of a part.

When the environment variable ``NEWSFACTS_FAULT_KILL`` names a file, the first worker to reach
``maybe_die`` removes that file (only one can: the removal is the claim) and kills its own
process with SIGKILL, as the kernel's out-of-memory killer would, halfway through a part. Dask
then runs the part again on a live worker; the test checks that the result is the same, issue
for issue. Unset (always, outside the tests), this costs one dictionary look-up per part.
"""

from __future__ import annotations

import os
import signal

FAULT_ENV = "NEWSFACTS_FAULT_KILL"


def maybe_die() -> None:
    token = os.environ.get(FAULT_ENV)
    if not token:
        return
    try:
        os.unlink(token)
    except OSError:  # claimed by another worker already, or never armed
        return
    os.kill(os.getpid(), signal.SIGKILL)
