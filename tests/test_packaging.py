"""`pip install signals` must give the command line and the API: every third-party module the
package imports (outside the Spark module, an extra) belongs to a core dependency in pyproject.toml."""

from __future__ import annotations

import ast
import re
import sys
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "signals"
# Imports an extra provides: (file, module) -> extra. Spark's modules import pyspark and pyarrow.
EXTRA_IMPORTS = {("spark.py", "pyspark"): "spark", ("spark.py", "pyarrow"): "spark", ("frame.py", "pyarrow"): "spark"}
# Libraries imported directly that a core dependency requires itself: module -> that dependency.
VIA = {"pydantic_core": "pydantic", "starlette": "fastapi", "anyio": "fastapi"}


def _requirements(extra: str | None = None) -> set[str]:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    listed = project["dependencies"] if extra is None else project["optional-dependencies"][extra]
    return {_name(req) for req in listed}


def _name(requirement: str) -> str:
    return _canonical(re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0])


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _top_level_imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def _third_party() -> dict[str, set[str]]:
    """Imported top-level module -> the files importing it, for modules outside the standard library."""
    found: dict[str, set[str]] = {}
    for path in SRC.rglob("*.py"):
        for name in _top_level_imports(path):
            if (path.name, name) in EXTRA_IMPORTS:
                continue
            if name not in sys.stdlib_module_names and name not in {"signals", "__future__"}:
                found.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return found


@pytest.mark.skipif(sys.version_info < (3, 11), reason="tomllib is Python 3.11+")
def test_every_imported_library_is_a_core_dependency():
    core = _requirements()
    distributions = metadata.packages_distributions()
    missing = {}
    for module, files in _third_party().items():
        owners = {_canonical(d) for d in distributions.get(module, [])}
        if module in VIA and VIA[module] in core:
            required_by_parent = {_name(r) for r in metadata.requires(VIA[module]) or [] if "extra ==" not in r}
            if owners & required_by_parent:
                continue
        if not owners & core:
            missing[module] = (sorted(owners), sorted(files))
    assert not missing, f"imported by signals but not a core dependency (module: (distributions, files)): {missing}"


@pytest.mark.skipif(sys.version_info < (3, 11), reason="tomllib is Python 3.11+")
@pytest.mark.parametrize("library", ["fastapi", "uvicorn", "prometheus-client", "spacy", "scikit-learn"])
def test_the_api_and_the_model_are_core(library):
    assert library in _requirements()


@pytest.mark.skipif(sys.version_info < (3, 11), reason="tomllib is Python 3.11+")
@pytest.mark.parametrize(("place", "extra"), sorted(EXTRA_IMPORTS.items()))
def test_extra_imports_are_in_their_extra(place, extra):
    _, module = place
    owners = {_canonical(d) for d in metadata.packages_distributions().get(module, [module])}
    assert owners & _requirements(extra)
    assert not owners & _requirements(), f"{module} is core: it needs no exemption"


def test_the_scan_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("import os\n\ndef f():\n    import ahocorasick\n    from yaml import safe_load\n", encoding="utf-8")
    assert _top_level_imports(module) == {"os", "ahocorasick", "yaml"}


def _package_data() -> dict[str, list[str]]:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-data"]


@pytest.mark.skipif(sys.version_info < (3, 11), reason="tomllib is Python 3.11+")
def test_every_data_file_in_the_package_is_installed():
    """A wheel carries only the data files package-data names: a lexicon, pattern file or template
    left out works in the checkout and is missing after `pip install signals`."""
    import fnmatch

    declared = _package_data()
    missing = []
    for path in sorted(SRC.rglob("*")):
        if not path.is_file() or path.suffix in {".py", ".pyc"} or "__pycache__" in path.parts:
            continue
        relative = path.relative_to(SRC.parent)
        package_dir = relative.parent
        matched = False
        while package_dir != Path("."):
            patterns = declared.get(".".join(package_dir.parts), [])
            inside = str(relative.relative_to(package_dir))
            if any(fnmatch.fnmatch(inside, pattern) for pattern in patterns):
                matched = True
                break
            package_dir = package_dir.parent
        if not matched:
            missing.append(str(relative))
    assert not missing, f"data files not in [tool.setuptools.package-data]: {missing}"


@pytest.mark.skipif(sys.version_info < (3, 11), reason="tomllib is Python 3.11+")
def test_the_package_version_is_the_project_version():
    import tomllib

    import signals

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert signals.__version__ == project["version"]
