"""Workbooks made by released versions stay readable (tests/fixtures/v0_1_0/README.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import REPO
from xlreport.checks import check
from xlreport.cli.main import main
from xlreport.io.readers import load_report

FIXTURES = REPO / "tests" / "fixtures" / "v0_1_0"
BOOKS = ["blank-2020.xlsx", "blank-2024.xlsx", "filled-2020.xlsx", "filled-2024.xlsx", "filled-2024.xlsm"]


def source_of(book: str) -> Path:
    return FIXTURES / (book.rsplit(".", 1)[0] + ".json")


@pytest.mark.parametrize("book", BOOKS)
def test_released_workbook_exports_its_data(book, tmp_path, capsys):
    out = tmp_path / "out.json"
    assert main(["export", str(FIXTURES / book), "-o", str(out)]) == 0
    assert json.loads(out.read_text("utf-8")) == json.loads(source_of(book).read_text("utf-8"))


@pytest.mark.parametrize("book", BOOKS)
def test_released_workbook_checks_like_its_data(book):
    from_book, from_json = load_report(FIXTURES / book), load_report(source_of(book))
    fmt = from_book.fmt
    assert fmt is from_json.fmt

    def inputs(report):
        return {k: v for k, v in report.data.items()
                if v is not None and not (fmt.has(k) and fmt.field(k).derived)}

    assert inputs(from_book) == inputs(from_json)
    in_book = check(from_book.data, fmt, from_book.cells)
    assert sorted((p.rule, p.keys) for p in in_book) == sorted(
        (p.rule, p.keys) for p in check(from_json.data, fmt, {}))
    # the cells named are those of the released layout (0.1.0: 表三's grid starts in row 3)
    assert from_book.cells["t3.new.natural_person"] == "表三!D6"
    assert all(p.cells for p in in_book if p.keys and p.keys[0].startswith("t"))


def test_released_macro_workbook_functions_still_read_it():
    """The 0.1.0 .xlsm's own XLREPORT_STATUS formula passes ranges of the 0.1.0 layout to
    xlreport.excel; today's code must read them the same (what Excel with xlwings does)."""
    import re

    import openpyxl

    from xlreport.excel import report_from_arguments, udf_status

    book = FIXTURES / "filled-2024.xlsm"
    wb = openpyxl.load_workbook(book, data_only=False)
    values = openpyxl.load_workbook(book, data_only=True)
    formula = next(str(c.value) for row in wb["校验"].iter_rows() for c in row
                   if str(c.value).startswith("=XLREPORT_STATUS("))
    args = []
    for sheet, first, last in re.findall(r"'([^']+)'!\$?([A-Z]+\$?\d+):\$?([A-Z]+\$?\d+)", formula):
        cells = values[sheet][first.replace("$", ""):last.replace("$", "")]
        args.append([[c.value for c in row] for row in cells])
    assert len(args) == 8
    report = report_from_arguments(args[0], args[1:])
    assert report.data == load_report(book).data
    assert udf_status(args[0], *args[1:]) == "0 个错误，9 个警告"  # as `xlreport check` finds


@pytest.mark.parametrize("name", ["filled-2020.xlsx", "filled-2024.xlsx", "filled-2024.xlsm"])
def test_upgrade_carries_a_0_1_0_workbook_into_the_current_layout(tmp_path, name, capsys):
    """`xlreport upgrade`: the same data, now in the current layout (its fingerprint), the old file untouched."""
    from xlreport.cli import main
    from xlreport.io.readers import load_report
    from xlreport.model.layout import workbook_layout
    from xlreport.workbook.reader import layout_from_marker

    from python_calamine import CalamineWorkbook

    old = FIXTURES / name
    before = old.read_bytes()
    new = tmp_path / ("new" + old.suffix)
    assert main(["upgrade", str(old), "-o", str(new)]) == 0
    assert "已转入当前版式" in capsys.readouterr().out and old.read_bytes() == before
    a, b = load_report(old), load_report(new)
    assert b.data == a.data and b.fmt is a.fmt
    def layout_of(path):
        marker = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("_xlreport").to_python(skip_empty_area=False)
        return layout_from_marker(marker, path.name)

    assert layout_of(old) is not workbook_layout(a.fmt)  # 0.1.0's layout revision
    assert layout_of(new) is workbook_layout(b.fmt)  # the current one
    assert main(["upgrade", str(old), "-o", str(new)]) == 2  # no overwrite without --force
