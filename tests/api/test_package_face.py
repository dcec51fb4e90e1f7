"""The package face (issue 18, bug 1): every name of `xlreport.__all__` is there, and every name
docs/api.md documents is the kind it documents — a function a function, a class a class."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys

import xlreport
from conftest import REPO

API_MD = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
FUNCTIONS = sorted(set(re.findall(r"^\| `(\w+)\(", API_MD, re.M)))  # the tables' `name(args) -> X`
# The rows of a submodule's functions ("| `audit.feedback.unit_feedback(…) -> bytes` | … `UnknownUnit`
# (`unknown-unit`)") document that module, not the package face.
FACE = "\n".join(line for line in API_MD.splitlines() if not re.match(r"\| `\w+\.", line))
# "`Written`: …", "`XlreportError` (`message` …", and what the functions return ("-> Audited")
CLASSES = sorted(set(re.findall(r"`([A-Z]\w+)`(?::| \(`)", FACE)) | set(re.findall(r"-> ([A-Z]\w+)", FACE)))


def test_star_import_gives_every_name_of_all():
    namespace: dict = {}
    exec("from xlreport import *", namespace)
    assert set(xlreport.__all__) <= set(namespace)


def test_documented_functions_are_functions_of_the_package():
    assert {"check", "audit", "bundle", "copy_template", "render_docx", "import_files"} <= set(FUNCTIONS)
    for name in FUNCTIONS:
        assert name in xlreport.__all__, name
        assert inspect.isfunction(getattr(xlreport, name)), f"xlreport.{name} is {getattr(xlreport, name)!r}"


def test_documented_classes_are_classes_of_the_package():
    assert {"Audited", "Written", "Rendered", "CheckResult", "BatchResult", "XlreportError"} <= set(CLASSES)
    for name in CLASSES:
        assert name in xlreport.__all__, name
        assert inspect.isclass(getattr(xlreport, name)), name


def test_audit_stays_the_function_once_the_audit_modules_are_loaded():
    """xlreport/audit/ is also a subpackage: loading its modules must not replace the function."""
    code = ("import inspect, xlreport, xlreport.audit.gather, xlreport.audit.book, xlreport.bundle\n"
            "from xlreport.audit.gather import audit\n"
            "print(inspect.isfunction(xlreport.audit) and xlreport.audit.__module__ == 'xlreport.api' and inspect.isfunction(xlreport.bundle))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "True", out.stderr
