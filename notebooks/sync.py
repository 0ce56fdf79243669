"""Clear the tutorial notebooks' outputs and copy them into the package.

    python notebooks/sync.py          # after editing a notebook here
    python notebooks/sync.py --check  # exit 1 if a notebook has outputs or the copies differ

``notebooks/*.ipynb`` are the sources. ``gradio-nb demo`` opens the copies in
``gradio_nb/demo/notebooks/`` (package data, so the demo works from an installed wheel).
``tests/notebooks/test_notebooks.py`` runs the same check.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE_COPY = HERE.parent / "gradio_nb" / "demo" / "notebooks"


def cleared(text: str) -> str:
    """The notebook without outputs, execution counts, widget state or per-run metadata."""
    nb = json.loads(text)
    for cell in nb["cells"]:
        cell.get("metadata", {}).pop("execution", None)
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    nb["metadata"].pop("widgets", None)
    nb["metadata"]["language_info"] = {"name": "python"}  # not the version that last ran it
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def sources() -> list[Path]:
    return sorted(HERE.glob("*.ipynb"))


def problems() -> list[str]:
    found = []
    names = {p.name for p in sources()}
    for path in sources():
        text = path.read_text(encoding="utf-8")
        if text != cleared(text):
            found.append(f"{path.name}: has outputs or run metadata (run notebooks/sync.py)")
        copy = PACKAGE_COPY / path.name
        if not copy.exists() or copy.read_text(encoding="utf-8") != cleared(text):
            found.append(f"{path.name}: package copy differs (run notebooks/sync.py)")
    for extra in sorted(PACKAGE_COPY.glob("*.ipynb")):
        if extra.name not in names:
            found.append(f"{extra.name}: in the package but not in notebooks/")
    return found


def sync() -> None:
    PACKAGE_COPY.mkdir(parents=True, exist_ok=True)
    for path in sources():
        text = cleared(path.read_text(encoding="utf-8"))
        path.write_text(text, encoding="utf-8")
        (PACKAGE_COPY / path.name).write_text(text, encoding="utf-8")
    names = {p.name for p in sources()}
    for extra in PACKAGE_COPY.glob("*.ipynb"):
        if extra.name not in names:
            extra.unlink()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report, change nothing")
    if parser.parse_args().check:
        found = problems()
        print("\n".join(found) or "notebooks are clear and in sync")
        return 1 if found else 0
    sync()
    print(f"cleared {len(sources())} notebooks and copied them to {PACKAGE_COPY}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
