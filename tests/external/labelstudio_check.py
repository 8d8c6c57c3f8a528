"""Run by the Python of a virtual environment holding label-studio-sdk (NEWSFACTS_LABELSTUDIO_PYTHON):
check a labelling config and tasks with the SDK's LabelInterface, and convert the tasks with the
SDK's converter (the ``label-studio-converter`` command). Prints one JSON object."""

import importlib.util
import json
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

from label_studio_sdk.label_interface import LabelInterface

config_path, tasks_path = sys.argv[1], sys.argv[2]
interface = LabelInterface(Path(config_path).read_text(encoding="utf-8"))
tasks = json.loads(Path(tasks_path).read_text(encoding="utf-8"))
out = {
    "version": version("label-studio-sdk"),
    "controls": sorted(c.name for c in interface.controls),
    "labels": {c.name: sorted(c.labels) for c in interface.controls if getattr(c, "labels", None)},
    "annotations_valid": [interface.validate_annotation(a) for t in tasks for a in t.get("annotations", [])],
    "converted": {},
}
CONVERTERS = {  # the converter inside the SDK, and the standalone package it came from, where installed
    "sdk": "label_studio_sdk.converter.main",
    "label-studio-converter": "label_studio_converter.main",
}
with tempfile.TemporaryDirectory() as folder:
    for name, module in CONVERTERS.items():
        if importlib.util.find_spec(module.split(".")[0]) is None:
            continue
        for fmt in ("CONLL2003", "CSV"):
            target = Path(folder) / name / fmt
            run = subprocess.run(
                [sys.executable, "-c", f"import sys; from {module} import main; sys.exit(main())",
                 "export", "-i", tasks_path, "-c", config_path, "-o", str(target), "-f", fmt],
                capture_output=True, text=True, check=False,
            )  # fmt: skip
            files = sorted(target.glob("*")) if target.is_dir() else []
            out["converted"][f"{name}/{fmt}"] = {
                "returncode": run.returncode,
                "stderr": run.stderr[-2000:] if run.returncode else "",
                "text": files[0].read_text(encoding="utf-8") if files else "",
            }
            if name != "sdk":
                out[f"{name}-version"] = version(name)
print(json.dumps(out))
