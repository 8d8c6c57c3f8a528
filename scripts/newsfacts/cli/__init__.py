"""The ``newsfacts`` command: a thin Typer layer over the pipeline modules.

Every module in ``newsfacts/commands/`` registers its commands on import; the modules import
heavy libraries (datasets, pyarrow) only inside their commands, so ``--help`` stays fast.
"""

from __future__ import annotations

import importlib
import pkgutil

from newsfacts.cli import commands
from newsfacts.cli.app import app

__all__ = ["app", "main"]

for _module in pkgutil.iter_modules(commands.__path__):
    importlib.import_module(f"{commands.__name__}.{_module.name}")


def main() -> None:
    app()
