"""The version is declared once (model/_version.py) and said the same everywhere."""

from __future__ import annotations

import re
import tomllib

import xlreport
from conftest import REPO
from xlreport.model import _version


def test_version_is_declared_once():
    """`xlreport.__version__` is model/_version.py's, and pyproject.toml reads it from there."""
    assert xlreport.__version__ is _version.__version__
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "xlreport.model._version.__version__"}


def test_changelog_and_docs_say_this_version():
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.findall(r"(?m)^## (\S+)", changelog)[0] == _version.__version__
    wheels = set(re.findall(r"xlreport-(\d+\.\d+\.\d+)-py3-none-any\.whl",
                            "".join(p.read_text(encoding="utf-8") for p in (REPO / "docs").glob("*.md"))))
    assert wheels == {_version.__version__}
