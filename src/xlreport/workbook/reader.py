"""Reading an xlreport workbook back: fast, by position, never trusting derived values.

The marker sheet names the layout the workbook was made with (every released layout
stays readable); every fixed label is verified first (a changed structure is
refused), then inputs are read by position. Derived values are never taken from the
file: the checker recomputes them from the inputs, unless a total's formula was
typed over (_published_totals). `report_from_grids` is shared with the open
workbook in Excel (xlreport.excel), which passes the grids xlwings reads.
"""

from __future__ import annotations

import datetime as _dt
import io
import math
import os
import re
import zipfile
from pathlib import Path
from typing import Any, TypeGuard

from xlreport.model.numbers import NUMBER_TEXT
from xlreport.model.report import CellError, TextNumber, Uncalculated
from xlreport.errors import DamagedFile, LayoutChanged, NotXlreport
from xlreport.model.report import Report
from xlreport.io.jsonfile import tidy_line
from xlreport.io.guards import guard_zip, sheet_members, xml_unescape
from xlreport.model.formats import FORMATS
from xlreport.model.spec import Field, ReportFormat
from xlreport.model.layout import (
    MARKER_TAG,
    SHEET_CHECKS,
    SHEET_MARKER,
    Layout,
    known_layouts,
    workbook_layout,
)

def read_workbook(path: str | os.PathLike) -> Report:
    """Read an xlreport workbook into a `data.Report` (inputs only; derived values are recomputed)."""
    p = Path(path)
    guard_zip(p, _read_sheets())
    from python_calamine import CalamineWorkbook

    try:
        if _utf8(str(p)):
            book = CalamineWorkbook.from_path(str(p))
        else:  # calamine takes only UTF-8 paths; a GBK name from a Windows zip is not one
            with open(p, "rb") as fh:
                book = CalamineWorkbook.from_filelike(io.BytesIO(fh.read()))
    except BaseException as exc:  # calamine's own errors, or a Rust panic (a BaseException)
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise DamagedFile(f"无法打开工作簿“{p.name}”：文件已损坏或不是 Excel 工作簿") from None
    names = list(book.sheet_names)
    if SHEET_MARKER not in names:
        if {"汇总", "问题清单"} <= set(names):  # the sheets of audit/book.py's workbook
            raise NotXlreport(f"“{p.name}”是 xlreport audit 生成的审查结果，不是年度报告，不用检查；"
                              f"检查报告请给出报告文件或只放报告的文件夹")
        raise NotXlreport(f"“{p.name}”不是用 xlreport 生成的工作簿（缺少标记），请用 xlreport new 生成工作簿后填写")
    marker = _grid(book, SHEET_MARKER, p)
    layout = layout_from_marker(marker, p.name)
    missing = [s for s in layout.sheets if s not in names]
    if missing:
        raise LayoutChanged(f"“{p.name}”缺少工作表“{'”“'.join(missing)}”（可能被删除或改名），无法读取；请恢复原工作表名称")
    grids = {s: _grid(book, s, p) for s in layout.sheets if s not in (SHEET_MARKER, SHEET_CHECKS)}
    report = report_from_grids(str(p), layout, grids)
    _explain_blanks(p, layout, report.data)
    return report


def _read_sheets() -> set[str]:
    """The sheets read from any workbook (every format's): guard_zip refuses far cells on them."""
    return {s for f in FORMATS.values() for s in workbook_layout(f).sheets} - {SHEET_CHECKS}


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _explain_blanks(p: Path, layout: Layout, data: dict[str, Any]) -> None:
    """calamine shows error values and never-calculated formulas as blanks. Where an
    input reads blank, look at the sheet's XML to tell these apart from a real blank.
    That covers the numbers, every cover cell and every value chosen from a list: an
    #N/A in 有规章制定权 is an error value, never a blank (read as 否)."""
    fmt = layout.fmt

    def explained(f: Field) -> bool:
        return not f.derived and (f.numeric or f.table == "meta" or bool(f.choices))

    blank = [k for k, pos in layout.positions.items() if k not in data and fmt.has(k) and explained(fmt.field(k))]
    if not blank:
        return
    with zipfile.ZipFile(p) as z:
        sheet_files = sheet_members(z)
        wanted: dict[str, dict[str, str]] = {}
        for k in blank:
            pos = layout.positions[k]
            wanted.setdefault(pos.sheet, {})[pos.cell] = k
        for sheet, cells in wanted.items():
            member = sheet_files.get(sheet)
            if not member:
                continue
            xml = z.read(member).decode("utf-8", "replace")
            for m in re.finditer(r'<c r="([A-Z]+\d+)"([^>]*?)(?:/>|>(.*?)</c>)', xml, re.S):
                key = cells.get(m.group(1))
                if key is None or not m.group(3):
                    continue
                body, attrs = m.group(3), m.group(2)
                value = re.search(r"<v>(.*?)</v>", body, re.S)
                formula = re.search(r"<f[^>]*>(.*?)</f>", body, re.S)
                if 't="e"' in attrs and value:
                    data[key] = CellError(xml_unescape(value.group(1)))
                elif formula and not (value and value.group(1)):
                    data[key] = Uncalculated("=" + xml_unescape(formula.group(1)))


def layout_from_marker(marker: list[list[Any]], name: str) -> Layout:
    """The layout a workbook was made with, from its `_xlreport` sheet's values."""
    tag, version = _at(marker, 0, 0), _at(marker, 0, 1)
    if tag != MARKER_TAG or version not in FORMATS:
        raise NotXlreport(f"“{name}”的 xlreport 标记已损坏，无法确定格式版本，请用 xlreport new 重新生成工作簿")
    layout = known_layouts(FORMATS[version]).get(_at(marker, 1, 1))  # any released layout
    if layout is None:
        raise LayoutChanged(f"“{name}”由另一版本的 xlreport 生成（{_at(marker, 2, 1) or '未知版本'}），表格布局不同；"
                         f"请用生成它的 xlreport 版本导出数据（xlreport export），再用导出的数据文件生成新工作簿（xlreport new）")
    return layout


def report_from_grids(path: str, layout: Layout, grids: dict[str, list[list[Any]]]) -> Report:
    """Verify the fixed labels, then map cells to keys. `grids[sheet][row][col]` holds cell
    values from A1 (numbers as float, text as str, blank as "" or None) — from a file
    (calamine) or from the open workbook in Excel (xlwings)."""
    fmt = layout.fmt
    name = Path(path).name
    for pos, text in layout.labels:
        found = _at(grids[pos.sheet], pos.row, pos.col)
        # a header may be written broken onto two lines (fit_header)
        if str(found if found is not None else "").strip().replace("\n", "") != text:
            raise LayoutChanged(f"“{name}”的表格结构被改动：{pos.a1} 应为“{text}”，实际为“{_short(found)}”"
                             f"（可能插入或删除了行列）；请撤销改动，或用 xlreport new 重新生成工作簿")
    data: dict[str, Any] = {}
    shown: dict[str, Any] = {}  # what the derived cells show
    for key, pos in layout.positions.items():
        raw = _at(grids[pos.sheet], pos.row, pos.col)
        if not fmt.has(key):  # narrative text
            value = _text(raw)
        elif fmt.field(key).derived:
            shown[key] = raw
            continue
        else:
            value = _cell_value(fmt.field(key), raw)
        if value is not None:
            data[key] = value
    for f in fmt.meta_fields:  # the cover as one line each (an Alt+Enter in 机关全称)
        if f.type == "text" and isinstance(data.get(f.key), str):
            data[f.key] = tidy_line(data[f.key])
    _published_totals(fmt, data, shown)
    return Report(path, fmt, data, layout.cells(), [])


def _published_totals(fmt: ReportFormat, data: dict[str, Any], shown: dict[str, Any]) -> None:
    """Derived cells are formulas and are recomputed from the inputs. But where a total
    cell shows a number that is not the sum of what its parts show, its formula has been
    replaced (the sheet unprotected and a figure typed over it, as in a real report whose
    表四 总计 read 0): then it is a published total, checked against its parts like one in
    a JSON file. An empty cell (a formula never calculated) is recomputed."""
    def number(v: Any) -> TypeGuard[int | float]:
        return isinstance(v, (int, float)) and not isinstance(v, bool)

    for key, raw in shown.items():
        if not number(raw):
            continue
        parts = [data[k] if k in data else shown.get(k) for k in fmt.field(key).derived_from]
        numbers = [v for v in parts if number(v)]
        if len(numbers) == len(parts) and abs(raw - sum(numbers)) <= 1e-9:
            continue  # the formula's own result
        data[key] = int(raw) if isinstance(raw, float) and raw.is_integer() else raw


def _grid(book, sheet: str, p: Path) -> list[list[Any]]:
    try:
        s = book.get_sheet_by_name(sheet)
        rows = s.to_python(skip_empty_area=False)
    except BaseException as exc:  # as above: calamine's errors and panics
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise DamagedFile(f"无法读取“{p.name}”的工作表“{sheet}”，文件已损坏") from None
    return rows


def _at(grid: list[list[Any]], row: int, col: int) -> Any:
    if row < len(grid) and col < len(grid[row]):
        return grid[row][col]
    return ""


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 30 else text[:30] + "…"


def _text(value: Any) -> str | None:
    if value in ("", None):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\r\n", "\n")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _number_as_written(key: str, value: float) -> str:
    """A number in a text cell (typed before the cell had the Text format, or pasted as a
    value) lost its leading zeros; put back what can be known. A 邮政编码 has six digits
    (GB/T 2260 area + delivery office). A Chinese telephone number with its area code
    starts with the trunk prefix 0 (区号 010, 0527 …), 9-12 digits in all; only a mobile
    number (11 digits from 1) or a local number (7-8 digits) starts otherwise."""
    if not float(value).is_integer() or value < 0:
        return _text(value) or ""
    digits = str(int(value))
    if key == "meta.postcode" and len(digits) < 6:
        return digits.zfill(6)
    if key == "meta.phone" and 9 <= len(digits) <= 11 and not (len(digits) == 11 and digits[0] == "1"):
        return "0" + digits
    return digits


def _cell_value(field: Field, value: Any) -> Any:
    """The cell as the checker should see it: numbers as numbers, labels back to stored values."""
    if value == "" or value is None:
        return None
    if field.choices:
        for stored, label in field.choices:
            if isinstance(value, str) and value == label:
                return stored
        # anything else (a TRUE typed over 是/否, a number) stays visibly wrong
        return value if isinstance(value, str) else _text(value) or str(value)
    if field.type == "text":  # the cover's text cells; TRUE/FALSE stays a boolean (meta-invalid)
        if isinstance(value, bool):
            return value
        return _number_as_written(field.key, value) if _is_number(value) else _text(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (_dt.date, _dt.time, _dt.timedelta)):
        return value  # a date where a number belongs: value-not-integer
    if isinstance(value, str) and NUMBER_TEXT.fullmatch(value.strip()):
        return TextNumber(value)  # typed into a cell formatted as text: the checker says how to fix it
    return value
