"""The conda environment and pyproject.toml list the same dependencies, with the same minimum versions."""

from __future__ import annotations

import re
import tomllib

import yaml

from conftest import ROOT


def _requirement(spec: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(?:>=\s*([0-9][^,;\s]*))?", spec)
    assert match, spec
    return match.group(1).lower().replace("_", "-"), match.group(2) or ""


def test_environment_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = dict(_requirement(s) for s in project["dependencies"])
    for extra in project["optional-dependencies"].values():
        wanted.update(_requirement(s) for s in extra)
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = dict(_requirement(s) for s in env["dependencies"] if isinstance(s, str))
    conda.pop("pip", None)
    conda.pop("python", None)  # the interpreter, not a package of pyproject.toml (python-docx is one)
    pip_section = next(s for s in env["dependencies"] if isinstance(s, dict))["pip"]
    assert "-e ." in pip_section
    conda.update(_requirement(s) for s in pip_section if s != "-e .")  # models only published as pip packages
    assert conda == wanted


def test_jupyterlab_is_not_a_dependency_of_the_batch_path():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {_requirement(s)[0] for s in project["dependencies"]}
    assert "jupyterlab" not in names
    assert any(_requirement(s)[0] == "jupyterlab" for s in project["optional-dependencies"]["lab"])


def test_no_shell_variables_below_the_batch():
    """Analysis, sections, report and io never read the process's environment (DESIGN.md): only
    the batch, the command and the notebook API may."""
    package = ROOT / "src" / "qualepref_analysis"
    allowed = {package / "cli.py", package / "context.py"}
    readers = [path.relative_to(package).as_posix() for path in package.rglob("*.py")
               if "environ" in path.read_text(encoding="utf-8") and path not in allowed
               and package / "batch" not in path.parents]
    assert readers == []
