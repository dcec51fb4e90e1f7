"""Error kinds are classes that carry their codes (issue 18): one damage gives one code whatever the
suffix, every importer raise has a code, no operating-system message in English reaches a user, and
library messages name no command-line option (the command line adds its own)."""

from __future__ import annotations

import ast
import errno
import io
import os
import re
import zipfile
from pathlib import Path

import pytest
from conftest import REPO

import xlreport
from xlreport import api, errors
from xlreport.errors import (
    KINDS,
    DamagedFile,
    TooLarge,
    Unreadable,
    XlreportError,
    read_error,
    reason,
)

SRC = REPO / "src" / "xlreport"
GENERIC = {"XlreportError", "InputError", "OutputError"}


def test_every_kind_carries_its_code_and_is_documented():
    api_md = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
    documented = dict(re.findall(r"^\| `(\w+)`(?: \(\w+\))? \| `([a-z-]+)` \|", api_md, re.MULTILINE))
    assert documented == {cls.__name__: code for code, cls in KINDS.items()}  # every kind, with its code
    for code, cls in KINDS.items():
        assert cls("…").code == code and issubclass(cls, XlreportError) and getattr(errors, cls.__name__) is cls
    # the codes of earlier releases are kept (public in --json and batch results)
    assert {"damaged", "too-large", "exists", "not-found", "bad-json", "layout-changed", "wrong-extension", "usage",
            "input", "output", "template", "missing-program", "not-xlreport", "unreadable", "unsupported-type",
            "same-as-input", "no-reports"} <= set(KINDS)
    assert issubclass(errors.DamagedFile, errors.InputError) and issubclass(errors.Exists, errors.OutputError)


def _calls_with_code_keyword(path: Path) -> list[int]:
    return [node.lineno for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id.endswith("Error")
            and any(k.arg == "code" for k in node.keywords)]


def test_the_library_raises_kinds_not_codes():
    found = {str(p.relative_to(SRC)): lines for p in SRC.rglob("*.py") if p.name != "errors.py"
             for lines in [_calls_with_code_keyword(p)] if lines}
    assert found == {}


def test_every_importer_raise_has_a_code():
    generic = []
    for path in (SRC / "io" / "importers").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and isinstance(node.exc.func, ast.Name) \
                    and node.exc.func.id in GENERIC:
                generic.append(f"{path.name}:{node.lineno}")
    assert generic == []


def _bomb(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


@pytest.mark.parametrize("suffix, members", [
    (".xlsx", {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>",
               "xl/worksheets/sheet1.xml": b"0" * (30 << 20)}),
    (".docx", {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"0" * (30 << 20)}),
])
def test_a_zip_bomb_is_too_large_whatever_the_suffix(tmp_path, suffix, members):
    bomb = _bomb(tmp_path / f"bomb{suffix}", members)
    with pytest.raises(TooLarge) as exc:
        xlreport.load(bomb)
    assert exc.value.code == "too-large" and "压缩炸弹" in exc.value.message
    assert xlreport.check_file(bomb).error_code == "too-large"


@pytest.mark.parametrize("suffix", [".xlsx", ".docx", ".pdf", ".html", ".txt"])
def test_an_empty_file_is_damaged_whatever_the_suffix(tmp_path, suffix):
    empty = tmp_path / f"empty{suffix}"
    empty.write_bytes(b"")
    with pytest.raises(DamagedFile):
        xlreport.load(empty)


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_a_truncated_archive_is_damaged_whatever_the_suffix(tmp_path, suffix):
    whole = io.BytesIO()
    with zipfile.ZipFile(whole, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml" if suffix == ".docx" else "xl/workbook.xml", os.urandom(4000))
    cut = tmp_path / f"cut{suffix}"
    cut.write_bytes(whole.getvalue()[:2000])
    assert xlreport.check_file(cut).error_code == "damaged"


def test_every_os_error_is_told_in_chinese():
    for code in errno.errorcode:
        told = reason(OSError(code, os.strerror(code)), "读取")
        assert told and not re.search("[A-Za-z]", told), (errno.errorcode[code], told)
    assert "没有读取权限" in reason(PermissionError(errno.EACCES, "Permission denied"), "读取")
    assert reason(OSError("something odd")) == "系统错误"  # no errno: still no English


@pytest.mark.parametrize("suffix, content", [(".txt", "政府信息公开工作年度报告"), (".html", "<html></html>"),
                                             (".docx", None), (".pdf", None)])
def test_an_unreadable_published_report_says_why_in_chinese(tmp_path, monkeypatch, suffix, content):
    """Root reads any file: the refusal is made by the system calls failing as they would."""
    path = tmp_path / f"r{suffix}"
    path.write_text(content or "", encoding="utf-8")

    def refused(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(Path, "read_bytes", refused)
    monkeypatch.setattr("builtins.open", refused)
    with pytest.raises(Unreadable) as exc:
        xlreport.load(path)
    assert "没有读取权限" in exc.value.message and "Permission" not in exc.value.message


def test_read_error_tells_a_missing_file_from_a_refused_one(tmp_path):
    missing = read_error(tmp_path / "x.txt", FileNotFoundError(errno.ENOENT, "No such file or directory"))
    assert missing.code == "not-found" and "No such" not in missing.message
    refused = read_error(tmp_path / "x.txt", PermissionError(errno.EACCES, "Permission denied"))
    assert refused.code == "unreadable" and "没有读取权限" in refused.message


def _strings(node: ast.AST) -> list[str]:
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def test_library_messages_name_no_command_line_option():
    """What the library raises, and the notices it returns about last year's report, serve the API and
    the Excel button too: the advice to use an option is the command line's (cli/console.CLI_TERMS)."""
    found = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).as_posix()
        if rel.startswith(("cli/", "server/")) or rel == "excel.py":  # the shells (server/: still to reword)
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        nodes: list[ast.AST] = [n for n in ast.walk(tree) if isinstance(n, ast.Raise)]
        if rel in ("io/previous.py", "audit/gather.py"):  # their notices and the audit's own terms
            docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                          if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and n.body
                          and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
            nodes = [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and id(n) not in docstrings]
        for node in nodes:
            found += [f"{rel}: {s}" for s in _strings(node) if re.search(r"--[a-z]", s)]
    assert found == []


def test_the_command_line_says_the_option():
    from xlreport.cli.console import CLI_TERMS, in_cli_terms

    library = "\n".join(p.read_text(encoding="utf-8") for p in SRC.rglob("*.py") if "cli" not in p.parts)
    for theirs, ours in CLI_TERMS:
        assert theirs in library, theirs  # no dead entry: the library says it
        assert "--" in ours and in_cli_terms(f"…；{theirs}…") == f"…；{ours}…"


def test_exists_names_force_on_the_command_line_only(tmp_path, capsys):
    from xlreport.cli.main import main

    target = tmp_path / "t.docx"
    target.write_bytes(b"x")
    with pytest.raises(errors.Exists) as exc:
        api.copy_template(target)
    assert "--force" not in exc.value.message and "已存在" in exc.value.message
    assert main(["template", "-o", str(target)]) == 2
    assert "--force" in capsys.readouterr().err
