"""The macro-enabled workbook (.xlsm): `xlreport new --macros` and templates/report.xlsm.

`MacroParts` is the `writer.VbaParts` hook. On top of the locked workbook it adds

- a VBA project built from text by `xlreport.workbook.vba` (no binary is committed):
  ThisWorkbook + one document module per sheet (code names Sheet1…SheetN),
  our module `vba/src/xlreport.bas` (the 生成报告 macro and the UDF wrappers),
  and xlwings' standalone module `xlwings.bas` + `Dictionary.cls`, copied from
  the *installed* xlwings package at build time. The standalone module names
  the xlwings DLL by version (``xlwings64-0.37.8.dll``), so the workbook only
  works with exactly that xlwings on the clerk's PC; taking it from the
  installed package keeps the two equal (pyproject pins xlwings).
- a hidden ``xlwings.conf`` sheet (xlwings reads key/value pairs from A1 down
  to the first empty row; keys are matched in upper case);
- a form button 「生成报告」 on the 封面 and 校验 sheets, bound to GenerateReport;
- on 校验, beside the native checks, the Python checks as UDFs:
  ``=XLREPORT_VERDICT(...)`` and a spilled ``=XLREPORT_CHECK(...)``.

The UDFs get one range per data sheet, each from A1 and big enough for every
key and label of that sheet (`udf_sheets`, `sheet_extent`), plus the marker sheet, so
Excel recalculates them whenever an input changes and the Python side
(`xlreport.excel`) can rebuild the same A1-based grids the file reader uses.
This module never imports xlwings (it only locates its files).
"""

from __future__ import annotations

import importlib.util
import io
from importlib import resources
from pathlib import Path

from xlreport.workbook.checksheet import CHECK_COLUMNS, FAILS_TITLE_ROW, STATUS_ROW
from xlreport.model.layout import (
    FORM_FIRST_ROW,
    MARKER_EXTENT,
    SHEET_CHECKS,
    SHEET_COVER,
    SHEET_MARKER,
    Layout,
    Pos,
    col_letter,
)
from xlreport.workbook.styles import Formats

CONF_SHEET = "xlwings.conf"
UDF_MODULE = "xlreport.excel"
MACRO = "GenerateReport"
BUTTON_CAPTION = "生成报告"
BUTTON_SHEETS = (SHEET_COVER, SHEET_CHECKS)
# Not XLREPORT_STATUS (0.1.0): a UDF may not share its name, ignoring case, with
# a defined name (checksheet.py defines xlreport_status), or the formula binds to the name.
STATUS_UDF = "XLREPORT_VERDICT"
CHECK_UDF = "XLREPORT_CHECK"

# xlwings.conf sheet (tech-notes §1.4). The interpreter is left out on purpose:
# a key that is present here (even with an empty value) hides the same key in
# the clerk's %USERPROFILE%\.xlwings\xlwings.conf, which is where
# `xlwings config create` records the Python that has xlreport installed.
# Without it xlwings runs `python` from PATH. See docs/excel.md.
CONFIG = (
    ("UDF Modules", UDF_MODULE),
    ("Show Console", False),
    ("Use UDF Server", False),
    # xlreport is installed; files beside the workbook must not shadow its imports
    ("ADD_WORKBOOK_TO_PYTHONPATH", False),
)
CONFIG_NOTES = (
    "本表是 xlwings 的设置（A、B 两列，从第 1 行起，遇空行为止）。",
    "生成报告按钮与 Python 校验函数由 xlwings 调用本机安装的 Python 与 xlreport。",
    "默认使用 PATH 中的 python；如需指定，在 A、B 列紧接着的空行填写 Interpreter_Win（Windows）"
    "或 Interpreter_Mac（macOS）及 python 的完整路径，",
    "或在命令行运行 xlwings config create（对本机所有工作簿生效）。详见 xlreport 的说明文档 docs/excel.md。",
)

# Where the UDF block goes on the 校验 sheet (checksheet.py): right of the native
# table (A–I, H hidden), its label level with 结论, its table level with the title
# of the failing checks.
UDF_COL = len(CHECK_COLUMNS)  # J
UDF_LABEL_ROW = STATUS_ROW  # row 3
UDF_TABLE_ROW = FAILS_TITLE_ROW  # row 6
CHECK_HEADER = ("规则", "单元格", "说明")


# --------------------------------------------------------------------------
# the contract between the UDF formulas (written here) and xlreport.excel


def udf_sheets(layout: Layout) -> tuple[str, ...]:
    """The data sheets passed to the UDFs, in argument order (after the marker)."""
    return tuple(s for s in layout.sheets if s not in (SHEET_CHECKS, SHEET_MARKER))


def sheet_extent(layout: Layout, sheet: str) -> tuple[int, int]:
    """(rows, columns) from A1 covering every key and fixed label of `sheet`."""
    if sheet == SHEET_MARKER:
        return MARKER_EXTENT
    cells = [p for p in layout.positions.values() if p.sheet == sheet]
    cells += [p for p, _ in layout.labels if p.sheet == sheet]
    if not cells:
        raise ValueError(f"no cells on sheet {sheet!r}")
    return max(p.row for p in cells) + 1, max(p.col for p in cells) + 1


def sheet_range_ref(layout: Layout, sheet: str) -> str:
    """'表三'!$A$1:$J$30 — the sheet's block as a formula reference."""
    rows, cols = sheet_extent(layout, sheet)
    last = Pos(sheet, rows - 1, cols - 1)
    return f"'{sheet}'!$A$1:${col_letter(last.col)}${last.row + 1}"


def udf_arguments(layout: Layout) -> str:
    """The argument list of both UDFs: the marker block, then each data sheet's block."""
    return ",".join(sheet_range_ref(layout, s) for s in (SHEET_MARKER, *udf_sheets(layout)))


# --------------------------------------------------------------------------
# the VBA project


def xlwings_dir() -> Path:
    """The installed xlwings package folder (found without importing xlwings)."""
    spec = importlib.util.find_spec("xlwings")
    if spec is None or not spec.submodule_search_locations:
        from xlreport.errors import MissingProgram

        raise MissingProgram("未安装 xlwings，无法生成带宏的工作簿；请运行 pip install xlreport（会安装指定版本的 xlwings）")
    return Path(list(spec.submodule_search_locations)[0])


def _ascii(path, name: str) -> str:
    """A file's text (a Path or an importlib.resources Traversable), which must be ASCII."""
    raw = path.read_bytes()
    try:
        return raw.decode("ascii")
    except UnicodeDecodeError as exc:  # VBA sources are stored with code page 1252: keep them ASCII
        raise ValueError(f"{name} is not ASCII (byte {exc.start})") from None


def own_sources() -> dict[str, str]:
    """Our VBA sources (package data xlreport.workbook.vba/src/*.bas): file name -> text."""
    folder = resources.files("xlreport.workbook.vba").joinpath("src")
    return {f.name: _ascii(f, f.name) for f in sorted(folder.iterdir(), key=lambda f: f.name)
            if f.name.endswith(".bas")}


def vba_modules(sheet_count: int):
    """Every module of the project: documents, ours, then xlwings' standalone ones."""
    from xlreport.workbook.vba import default_document_modules, module_from_file_text

    xw = xlwings_dir()
    modules = default_document_modules(sheet_count)
    modules += [module_from_file_text(None, "standard", text) for text in own_sources().values()]
    modules.append(module_from_file_text("xlwings", "standard", _ascii(xw / "xlwings.bas", "xlwings.bas")))
    modules.append(module_from_file_text("Dictionary", "class",
                                         _ascii(xw / "addin" / "Dictionary.cls", "Dictionary.cls")))
    return modules


def vba_project(sheet_count: int) -> bytes:
    from xlreport.workbook.vba import build_vba_project

    return build_vba_project(vba_modules(sheet_count))


# --------------------------------------------------------------------------
# the VbaParts hook


class MacroParts:
    """writer.VbaParts: code names, the config sheet, the VBA project, buttons, UDF cells."""

    def prepare(self, wb, sheets) -> None:
        conf = wb.add_worksheet(CONF_SHEET)
        for row, (key, value) in enumerate(CONFIG):
            conf.write_string(row, 0, key)
            if isinstance(value, bool):
                conf.write_boolean(row, 1, value)
            else:
                conf.write_string(row, 1, value)
        for row, note in enumerate(CONFIG_NOTES):
            conf.write_string(row, 3, note)  # column D: never read as a setting
        conf.set_column(0, 0, 28)
        conf.set_column(1, 1, 20)
        conf.hide()
        wb.set_vba_name("ThisWorkbook")
        for n, ws in enumerate(wb.worksheets(), 1):
            ws.set_vba_name(f"Sheet{n}")

    def finish(self, wb, sheets, layout: Layout) -> None:
        worksheets = wb.worksheets()
        unnamed = [ws.name for ws in worksheets if not ws.vba_codename]
        if unnamed:  # a sheet added after prepare() would not match the document modules
            raise RuntimeError(f"sheets without a VBA code name: {unnamed}")
        wb.add_vba_project(io.BytesIO(vba_project(len(worksheets))), is_stream=True)

        f = Formats(wb)  # the workbook's own styles (XlsxWriter writes each distinct format once)

        ws = sheets[SHEET_CHECKS]
        args = udf_arguments(layout)
        c = UDF_COL
        ws.set_column(c, c, 24)
        ws.set_column(c + 1, c + 1, 30)
        ws.set_column(c + 2, c + 2, 70)
        ws.write_string(UDF_LABEL_ROW, c, "Python 校验（Excel）", f.udf_label)
        ws.write_formula(UDF_LABEL_ROW, c + 1, f"={STATUS_UDF}({args})", f.udf_status, "")
        ws.conditional_format(UDF_LABEL_ROW, c + 1, UDF_LABEL_ROW, c + 1,
                              {"type": "cell", "criteria": "==", "value": '"通过"', "format": f.good})
        ws.conditional_format(UDF_LABEL_ROW, c + 1, UDF_LABEL_ROW, c + 1,
                              {"type": "formula", "criteria": f"=ISNUMBER(SEARCH(\"个错误\",{col_letter(c + 1)}{UDF_LABEL_ROW + 1}))",
                               "format": f.bad})
        ws.write_string(UDF_LABEL_ROW + 1, c, "与左侧公式校验相同的规则，由本机 Python（xlreport）计算；", f.udf_hint)
        ws.write_string(UDF_LABEL_ROW + 2, c, "仅 Windows 版 Excel 启用宏后有效；其他软件中显示 #NAME?（WPS 等）或 #VALUE!（LibreOffice）属正常。", f.udf_hint)
        # A dynamic array: Excel 365/2021 spills the table (header + one row per problem)
        ws.write_dynamic_array_formula(UDF_TABLE_ROW, c, UDF_TABLE_ROW, c, f"={CHECK_UDF}({args})", f.udf_label,
                                       CHECK_HEADER[0])

        for name in BUTTON_SHEETS:
            row, col = button_cell(name)
            sheets[name].insert_button(row, col, {"macro": MACRO, "caption": BUTTON_CAPTION,
                                                  "width": 128, "height": 40, "x_offset": 8, "y_offset": 2})


def button_cell(sheet: str) -> tuple[int, int]:
    """Top-left cell of the 生成报告 button: beside the cover's hints (D3), and
    over the empty part of 校验 right of 结论/错误数/警告数 (C3)."""
    return {SHEET_COVER: (FORM_FIRST_ROW, 3), SHEET_CHECKS: (STATUS_ROW, 2)}[sheet]
