"""Excel automation through xlwings: the 「生成报告」 button and the Python UDFs.

The only module that imports xlwings. Nothing in xlreport imports it; Excel
does, through the VBA in the macro workbook (macros.py, vba/src/xlreport.bas):

- the button runs ``RunPython "import xlreport.excel as x; x.generate_report()"``;
- the cells ``=XLREPORT_VERDICT(...)`` / ``=XLREPORT_CHECK(...)`` on 校验 call
  the UDFs below through the xlwings COM server (Windows only); workbooks made
  by xlreport 0.1.0 call ``XLREPORT_STATUS`` instead, which stays.

Both read the values of the OPEN workbook, unsaved edits included, as A1-based
grids — the button from ``xw.Book.caller()``, the UDFs from their range
arguments — and hand them to the same core the file reader uses
(`workbook.layout_from_marker` + `workbook.report_from_grids`, then
`checks.check`, then `word.render_report`). Everything with logic is a plain
function taking a "book-like" object (``.fullname``, ``.sheets[name].range(...)
.options(ndim=2).value``, ``.app.alert``), so the tests drive it with a small
stand-in; only `generate_report` and the decorated UDFs touch xlwings itself.
On Linux the xlwings decorators do nothing (tech-notes §1.7).
"""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Sequence

import xlwings as xw

from xlreport.model.report import Problem
from xlreport.errors import XlreportError
from xlreport.model.layout import SHEET_MARKER
from xlreport.workbook.macros import CHECK_HEADER, MARKER_EXTENT, sheet_extent, udf_sheets

TITLE = "生成报告"
SHOWN_PROBLEMS = 8  # problems listed in a message box; the rest are counted
BOOK_NAME = "本工作簿"  # how the UDFs name the workbook in messages (they do not know its file)
REPORT_SUFFIX = "年政府信息公开工作年度报告"
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


# --------------------------------------------------------------------------
# reading the open workbook


def as_grid(value: Any) -> list[list[Any]]:
    """A range's value as a 2-D list (xlwings gives a scalar or 1-D list without ndim=2)."""
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(row, (list, tuple)) for row in value):
            return [list(row) for row in value]
        return [list(value)]
    return [[value]]


def read_grid(book, sheet: str, rows: int, cols: int) -> list[list[Any]]:
    """Values of sheet!A1:(rows, cols) of the open workbook."""
    try:
        ws = book.sheets[sheet]
    except Exception:  # xlwings raises a COM/KeyError-like error for a missing sheet
        if sheet == SHEET_MARKER:
            raise XlreportError("本工作簿不是用 xlreport 生成的（缺少标记），无法生成报告；"
                                "请用 xlreport new --macros 生成工作簿后填写") from None
        raise XlreportError(f"本工作簿缺少工作表“{sheet}”（可能被删除或改名），无法读取；"
                            f"请恢复原工作表名称，或用 xlreport new 重新生成工作簿") from None
    return as_grid(ws.range((1, 1), (rows, cols)).options(ndim=2).value)


def report_from_book(book):
    """The report in the open workbook (a `data.Report` with cells like 表三!D7)."""
    from xlreport.workbook.reader import layout_from_marker, report_from_grids

    name = Path(str(book.fullname)).name or BOOK_NAME
    marker = read_grid(book, SHEET_MARKER, *MARKER_EXTENT)
    layout = layout_from_marker(marker, name)
    grids = {s: read_grid(book, s, *sheet_extent(layout, s)) for s in udf_sheets(layout)}
    return report_from_grids(str(book.fullname), layout, grids)


def report_from_arguments(marker: Any, sheet_values: Sequence[Any]):
    """The report from the UDF arguments: the marker block, then each data sheet's block from A1."""
    from xlreport.workbook.reader import layout_from_marker, report_from_grids

    layout = layout_from_marker(as_grid(marker), BOOK_NAME)
    sheets = udf_sheets(layout)
    if len(sheet_values) != len(sheets):
        raise XlreportError(f"校验函数的参数个数不对（应为 {len(sheets) + 1} 个区域），请用 xlreport new --macros 重新生成工作簿")
    grids = {s: as_grid(v) for s, v in zip(sheets, sheet_values)}
    return report_from_grids(BOOK_NAME, layout, grids)


def problems_of(report) -> list[Problem]:
    """The problems of the open workbook's report, by the same API function as `xlreport check`."""
    from xlreport import api

    return api.check(report).problems


def counts(problems: Sequence[Problem]) -> tuple[int, int]:
    errors = sum(p.severity == "error" for p in problems)
    return errors, len(problems) - errors


# --------------------------------------------------------------------------
# UDFs (plain functions; the decorated ones below only forward)


def udf_status(marker: Any, *sheet_values: Any) -> str:
    """「通过」, or 「N 个错误，M 个警告」, or why the workbook cannot be checked."""
    try:
        problems = problems_of(report_from_arguments(marker, sheet_values))
    except XlreportError as exc:
        return f"无法校验：{exc.message}"
    except Exception as exc:  # a UDF must answer with text, never a Python traceback in a cell
        return f"程序内部错误：{type(exc).__name__}: {exc}"
    if not problems:
        return "通过"
    errors, warnings = counts(problems)
    return f"{errors} 个错误，{warnings} 个警告"


def udf_check(marker: Any, *sheet_values: Any) -> list[list[str]]:
    """Header row + one row per problem: rule, cells, message."""
    table = [list(CHECK_HEADER)]
    try:
        problems = problems_of(report_from_arguments(marker, sheet_values))
    except XlreportError as exc:
        return table + [["", "", f"无法校验：{exc.message}"]]
    except Exception as exc:
        return table + [["", "", f"程序内部错误：{type(exc).__name__}: {exc}"]]
    return table + [[p.rule, " ".join(p.cells), p.message] for p in problems]


def _grid_arguments(f):
    """Every argument arrives as a 2-D list, also a one-row or one-cell range."""
    for name in inspect.signature(f).parameters:
        f = xw.arg(name, ndim=2)(f)
    return f


# The argument order is macros.udf_arguments(): the marker, then macros.udf_sheets()
# (封面, 总体情况, 表二, 表三, 表四, 问题和其他, 上年数据). The VBA wrappers in
# vba/src/xlreport.bas have exactly these names and arities (tested). xlwings'
# VBA passes the Python function's name to CallUDF, and the VBA name must differ
# from the workbook's defined names (xlreport_status …), hence XLREPORT_VERDICT.


@xw.func
@_grid_arguments
def XLREPORT_VERDICT(marker, cover, overview, table2, table3, table4, problems_other, last_year):
    """政府信息公开年度报告的 Python 校验结论：通过，或错误与警告的个数。"""
    return udf_status(marker, cover, overview, table2, table3, table4, problems_other, last_year)


@xw.func
@_grid_arguments
def XLREPORT_STATUS(marker, cover, overview, table2, table3, table4, problems_other, last_year):
    """XLREPORT_VERDICT under its 0.1.0 name: workbooks made by xlreport 0.1.0 call it."""
    return udf_status(marker, cover, overview, table2, table3, table4, problems_other, last_year)


@xw.func
@_grid_arguments
def XLREPORT_CHECK(marker, cover, overview, table2, table3, table4, problems_other, last_year):
    """政府信息公开年度报告的 Python 校验明细：规则、单元格、说明（动态数组）。"""
    return udf_check(marker, cover, overview, table2, table3, table4, problems_other, last_year)


# --------------------------------------------------------------------------
# the button


def generate_report() -> None:
    """RunPython entry point of the 「生成报告」 button."""
    try:
        book = xw.Book.caller()
    except Exception as exc:
        _last_resort_alert(f"未能连接到 Excel 工作簿，未生成报告（{type(exc).__name__}: {exc}）。")
        raise
    run_button(book)


def _last_resort_alert(message: str) -> None:
    try:
        app = xw.apps.active
        if app is not None:
            app.alert(message, title=TITLE, mode="critical")
    except Exception:
        pass  # the exception re-raised by the caller reaches xlwings' own error box


def run_button(book, render: Callable | None = None, open_file: Callable[[Path], None] | None = None) -> Path | None:
    """Check the open workbook and, if it has no errors, write and open the report.

    Returns the path of the report, or None when nothing was written. Every
    outcome is told to the clerk in a Chinese message box; an exception raised
    here means even the message box failed (xlwings then shows its own).
    """
    try:
        return _generate(book, render, open_file or open_document)
    except XlreportError as exc:
        alert(book, f"未生成报告：{exc.message}", mode="critical")
    except Exception as exc:
        alert(book, f"未生成报告：程序内部错误（{type(exc).__name__}: {exc}）。\n"
                    f"请把这条信息和工作簿发给维护人员。", mode="critical")
    return None


def _generate(book, render, open_file) -> Path | None:
    report = report_from_book(book)
    problems = problems_of(report)
    errors, warnings = counts(problems)
    if errors:
        first = next((p for p in problems if p.severity == "error" and p.cells), None)
        if first is not None:
            select_cell(book, first.cells[0])
        alert(book, problems_message(problems), mode="critical")
        return None
    folder = output_folder(book)
    stem = report_stem(report.data)
    render = render or _render_report
    result = None
    for _ in range(5):  # another process may take the free name between looking and writing
        target = next_free_name(folder, stem)
        try:
            result = render(report.data, report.fmt, target)
            break
        except XlreportError:
            if not target.exists():
                raise
    if result is None:
        raise XlreportError(f"无法在“{folder}”中找到可用的文件名，请清理该文件夹后重试")
    path = Path(result.path)
    lines = [f"报告已生成：\n{path}"]
    notes = [p.message for p in problems] + list(getattr(result, "warnings", []))
    if notes:
        lines.append(f"\n请注意（{len(notes)} 条提示，不影响生成）：")
        lines += [f"· {_short(n)}" for n in notes[:SHOWN_PROBLEMS]]
        if len(notes) > SHOWN_PROBLEMS:
            lines.append(f"……另有 {len(notes) - SHOWN_PROBLEMS} 条，见“校验”表。")
    alert(book, "\n".join(lines), mode="info")
    try:
        open_file(path)
    except Exception as exc:
        alert(book, f"报告已生成，但无法自动打开（{type(exc).__name__}: {exc}）；请在文件夹中直接打开：\n{path}",
              mode="info")
    return path


def _render_report(data, fmt, target: Path):
    """The Word report, by the same API function as `xlreport render` (the button has
    checked the report already: errors never reach here)."""
    from xlreport import api
    from xlreport.model.report import Report

    rendered = api.render_docx(Report(str(target), fmt, data), target, ignore_errors=True)
    return _Rendered(rendered.path, rendered.notices)


class _Rendered:
    """The path and notices of a rendered report, as the button reports them."""

    def __init__(self, path, warnings):
        self.path, self.warnings = path, warnings


def problems_message(problems: Sequence[Problem]) -> str:
    """The message box text when errors block the report: the first problems, errors first."""
    errors, warnings = counts(problems)
    ordered = [p for p in problems if p.severity == "error"] + [p for p in problems if p.severity != "error"]
    from xlreport.model.rules import SEVERITY_LABEL as label
    lines = [f"数据有 {errors} 个错误" + (f"、{warnings} 个警告" if warnings else "") + "，未生成报告。请改正后再按“生成报告”。", ""]
    for p in ordered[:SHOWN_PROBLEMS]:
        where = f"（{'、'.join(p.cells[:2])}{'等' if len(p.cells) > 2 else ''}）" if p.cells else ""
        lines.append(f"· [{label.get(p.severity, p.severity)}] {_short(p.message)}{where}")
    more = len(ordered) - SHOWN_PROBLEMS
    if more > 0:
        lines.append(f"……还有 {more} 个问题未列出，全部问题见“校验”表。")
    first = next((p for p in ordered if p.severity == "error" and p.cells), None)
    if first is not None:
        lines += ["", f"已选中第一个有错误的格子：{first.cells[0]}"]
    return "\n".join(lines)


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def alert(book, message: str, mode: str = "info") -> None:
    book.app.alert(message, title=TITLE, mode=mode)


def select_cell(book, cell: str) -> None:
    """Show a cell like 表三!D7 to the clerk (best effort: never hides the message)."""
    sheet, _, address = cell.rpartition("!")
    try:
        ws = book.sheets[sheet.strip("'")]
        ws.activate()
        ws.range(address).select()
    except Exception:
        pass


def output_folder(book) -> Path:
    """The workbook's folder; the report is written beside it."""
    full = str(book.fullname)
    path = Path(full)
    if "://" in full or not path.is_absolute() or not path.parent.is_dir():
        raise XlreportError(f"工作簿“{path.name or full}”不在本机文件夹中（未保存，或在 OneDrive/SharePoint 网络位置），"
                            f"无法确定报告保存位置；请先“另存为”到本机文件夹，再按“生成报告”")
    return path.parent


def report_stem(data: dict[str, Any]) -> str:
    """「<机关><年>年政府信息公开工作年度报告」 as a file name (characters Windows refuses are replaced)."""
    agency = str(data.get("meta.agency") or "").strip()
    year = data.get("meta.year")
    year_text = str(int(year)) if isinstance(year, (int, float)) and not isinstance(year, bool) else str(year or "")
    stem = _UNSAFE.sub("_", f"{agency}{year_text}{REPORT_SUFFIX}").strip(" .")
    return stem[:150] or REPORT_SUFFIX.lstrip("年")


def next_free_name(folder: Path, stem: str, suffix: str = ".docx") -> Path:
    """folder/stem.docx, or stem(2).docx, stem(3).docx … — never an existing file."""
    from xlreport.io.files import free_name

    return free_name(Path(folder) / f"{stem}{suffix}")


def open_document(path: Path) -> None:
    """Open the report in the program the clerk uses for .docx files."""
    if sys.platform.startswith("win"):
        os.startfile(str(path))  # Windows only (mypy checks this branch only for win32)
    elif sys.platform == "darwin":
        subprocess.run(["open", str(path)], check=True, timeout=60)
    else:
        subprocess.Popen(["xdg-open", str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
