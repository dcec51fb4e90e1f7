"""Writing the locked workbook with XlsxWriter, from the layout (layout.py).

Every sheet is protected, exactly the input cells are unlocked, shaded and validated;
derived cells are formulas. The 校验 sheet, the table sheets' status lines and the
red/orange of failing cells come from checksheet.py. A very hidden sheet `_xlreport`
records the format version and the layout's fingerprint (read back by reader.py).
The macro workbook (macros.py) hooks in through `VbaParts`.
"""

from __future__ import annotations

import datetime as _dt
import io
import math
import os
import zipfile
from pathlib import Path
from typing import Any, Protocol

from xlreport.model._version import __version__
from xlreport.checks.cover import LAST_YEAR
from xlreport.model.numbers import MAX_ABS, evaluate
from xlreport.checks import all_lines
from xlreport.checks.formula import ranges
from xlreport.errors import InputError
from xlreport.io.files import write_atomic
from xlreport.model.spec import Field, ReportFormat
from xlreport.workbook.checksheet import conditional_formats, python_counts, write_checks, write_table_status
from xlreport.model.layout import (
    FORM_FIRST_ROW,
    MARKER_LABELS,
    SHEET_CHECKS,
    SHEET_COVER,
    SHEET_MARKER,
    SHEET_OVERVIEW,
    SHEET_PREVIOUS,
    SHEET_TEXT,
    FormRow,
    Layout,
    Pos,
    workbook_layout,
)
from xlreport.workbook.styles import MAX_CELL_TEXT, Formats, fit_header, row_height

MAX_NUMBER = MAX_ABS - 1  # data validation bound: the checks' own
PASSWORD = ""  # protection guards against accidents, not people: 审阅 → 撤销工作表保护 needs no password


def write_workbook(path: str | os.PathLike, fmt: ReportFormat, data: dict[str, Any] | None = None,
                   force: bool = False, vba: "VbaParts | None" = None) -> Path:
    """Write the locked workbook for `fmt`, prefilled from `data`, atomically."""
    # Derived cells are formulas: published totals in the data are not written.
    inputs = {k: v for k, v in (data or {}).items() if not (fmt.has(k) and fmt.field(k).derived)}
    for key, value in inputs.items():
        if isinstance(value, str) and len(value) > MAX_CELL_TEXT:
            label = next((t.label for t in fmt.texts if t.key == key), key)
            raise InputError(f"“{label}”有 {len(value)} 个字符，超过了 Excel 一个格子的上限（{MAX_CELL_TEXT}），"
                             f"放不进工作簿；请精简，或把部分内容移到其他部分")
    return write_atomic(path, lambda tmp: _write(tmp, fmt, inputs, vba), force)


def _write(path: str, fmt: ReportFormat, data: dict[str, Any], vba) -> None:
    import xlsxwriter

    layout = workbook_layout(fmt)
    wb = xlsxwriter.Workbook(path, {"strings_to_numbers": False, "strings_to_formulas": False,
                                    "strings_to_urls": False})
    wb.set_properties({"title": f"政府信息公开工作年度报告（{fmt.version} 版格式）", "author": "xlreport",
                       "created": _dt.datetime(2021, 9, 26)})
    wb.set_calc_mode("auto")
    f = Formats(wb)
    numbers = evaluate(data, fmt).numbers
    sheets = {name: wb.add_worksheet(name) for name in layout.sheets}
    if vba is not None:
        vba.prepare(wb, sheets)
    header = page_header(data.get("meta.agency"))
    for ws in sheets.values():
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.5, right=0.5, top=0.8, bottom=0.8)
        ws.set_header(header, {"margin": 0.3})
        ws.set_footer(PAGE_FOOTER, {"margin": 0.3})
        ws.hide_gridlines(2)

    _write_form(sheets[SHEET_COVER], f, layout, SHEET_COVER, "封面数据", data, numbers, fmt,
                "黄色格子为填写处；报告标题为“机关全称 + 报告年度 + 年政府信息公开工作年度报告”。")
    _write_form(sheets[SHEET_OVERVIEW], f, layout, SHEET_OVERVIEW, fmt.sections[0].heading, data, numbers, fmt,
                TEXT_HINT)
    _write_form(sheets[SHEET_TEXT], f, layout, SHEET_TEXT, "五、六部分", data, numbers, fmt, TEXT_HINT)
    _write_form(sheets[SHEET_PREVIOUS], f, layout, SHEET_PREVIOUS, "上一年度报告的数字（用于跨年度校验）", data, numbers, fmt,
                "可用 xlreport new --previous 上年文件 自动填入；不填则不做跨年度校验。")
    lines = all_lines(fmt, layout)
    counts = python_counts(lines, data, fmt)
    for table in fmt.tables:
        _write_table(sheets[table.name], f, layout, fmt, table, data, numbers)
        write_table_status(sheets[table.name], f, layout, table.name, lines, counts)
    write_checks(wb, sheets[SHEET_CHECKS], f, layout, fmt, lines, data)
    _write_marker(sheets[SHEET_MARKER], layout)
    conditional_formats(sheets, f, layout, fmt, lines)
    for name, ws in sheets.items():
        if name != SHEET_MARKER:
            ws.protect(PASSWORD, {"format_columns": True, "format_rows": True,
                                  "select_locked_cells": True, "select_unlocked_cells": True})
    sheets[SHEET_COVER].activate()
    if vba is not None:
        vba.finish(wb, sheets, layout)
    wb.close()
    _lock_structure(path)


# Printed pages name the agency, the sheet and the page. The agency is typed on the
# cover later, and a header cannot hold a formula, so it is the agency known when the
# workbook is made (`new --agency`, `new --data`); without one, sheet and page only.
PAGE_FOOTER = "&C第 &P 页，共 &N 页"


def page_header(agency: Any) -> str:
    if isinstance(agency, str) and agency.strip():
        name = " ".join(agency.split())[:100].replace("&", "&&")  # '&' starts a header code
        return f"&L{name}&R&A"
    return "&R&A"


def _input_format(f: Formats, field: Field | None):
    if field is None or field.type == "text":
        return f.input_text
    return f.input_decimal if field.type == "decimal" else f.input


def _display(field: Field | None, value: Any) -> Any:
    """The value as it is stored in the cell (choices shown by their label)."""
    if field is not None and field.choices:
        for stored, label in field.choices:
            if type(stored) is type(value) and stored == value:
                return label
    return value


def _write_value(ws, pos: Pos, value: Any, fmt_) -> None:
    if value is None:
        ws.write_blank(pos.row, pos.col, None, fmt_)
    elif isinstance(value, bool):
        ws.write_boolean(pos.row, pos.col, value, fmt_)
    elif isinstance(value, (int, float)) and math.isfinite(value) and abs(value) < 1e300:
        ws.write_number(pos.row, pos.col, value, fmt_)
    else:
        ws.write_string(pos.row, pos.col, str(value), fmt_)


def _write_form(ws, f: Formats, layout: Layout, sheet: str, title: str, data, numbers, fmt: ReportFormat,
                hint: str):
    rows: tuple[FormRow, ...] = layout.forms[sheet]
    ws.write(0, 0, title, f.title)
    ws.write(1, 0, hint, f.hint)
    text_sheet = sheet in (SHEET_OVERVIEW, SHEET_TEXT)
    ws.set_column(0, 0, 34 if sheet != SHEET_PREVIOUS else 44)
    ws.set_column(1, 1, 90 if text_sheet else 34)
    ws.set_column(2, 2, 50)
    for r in rows:
        field = fmt.field(r.field_key) if fmt.has(r.field_key) else None
        ws.write_string(r.pos.row, 0, r.label, f.label)
        ws.write_string(r.pos.row, 2, r.hint, f.hint_wrap)  # wrapped: a long note is printed whole
        if field is not None and field.derived:
            _write_derived(ws, r.pos, field, layout, numbers, f)
            ws.set_row(r.pos.row, 22)
            continue
        value = _display(field, data.get(r.field_key))
        _write_value(ws, r.pos, value, _input_format(f, field))
        width = 90 if text_sheet else 34
        if field is None:  # narrative text: an empty box to type into; filled ones fit their text
            ws.set_row(r.pos.row, row_height(value, width, minimum=120) if value else 120)
            ws.data_validation(r.pos.row, 1, r.pos.row, 1, {
                "validate": "length", "criteria": "<=", "value": 32767,
                "input_title": r.label[:32], "input_message": (r.hint or "填写本部分的文字")[:255],
                "error_title": "文字过长", "error_message": "一个格子最多 32767 个字，请分到其他格子或精简。"})
        else:
            shown = value if isinstance(value, str) else ""
            ws.set_row(r.pos.row, max(22, row_height(shown, width), row_height(r.label, 34), row_height(r.hint, 50)))
            _validate(ws, r.pos, r.pos, field, layout.fmt, r.hint)
    ws.freeze_panes(FORM_FIRST_ROW, 0)
    if text_sheet:  # the notes in column C are for the screen; paper gets the text at a readable size
        ws.print_area(0, 0, rows[-1].pos.row, 1)


TEXT_HINT = ("每格可写多段：在格内按 Alt+Enter（LibreOffice 中为 Ctrl+Enter）另起一段。"
             "文字较多时格内显示不全，可拖高行高查看，不影响生成的报告。")


def _validate(ws, first: Pos, last: Pos, field: Field, fmt: ReportFormat, hint: str = "") -> None:
    """Data validation with Chinese prompts; pasted values bypass it, the checks catch them."""
    what = field.where.split(" ", 1)[-1]
    opts: dict[str, Any]  # XlsxWriter's data_validation options
    if field.key == "meta.year":
        top = fmt.last_year or LAST_YEAR
        opts = {"validate": "integer", "criteria": "between", "minimum": fmt.first_year, "maximum": top,
                "input_title": "报告年度", "input_message": f"{fmt.version} 版格式适用于 {fmt.first_year}—{top} 年度",
                "error_title": "年度不适用",
                "error_message": f"本工作簿是 {fmt.version} 版格式，只适用于 {fmt.first_year}—{top} 年度；"
                                 f"其他年度请用 xlreport new --year 年度 重新生成。"}
    elif field.choices:
        opts = {"validate": "list", "source": [label for _, label in field.choices],
                "input_title": field.label[:32], "input_message": (hint or "请从下拉列表中选择")[:255],
                "error_title": "请选择", "error_message": "只能从下拉列表中选择。"}
    elif field.type == "text":
        opts = {"validate": "length", "criteria": "<=", "value": 200,
                "input_title": field.label[:32], "input_message": hint or field.where,
                "error_title": "文字过长", "error_message": "这里最多填写 200 个字。"}
    elif field.type == "decimal":
        opts = {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": MAX_NUMBER,
                "input_title": "填写金额", "input_message": f"{what[:80]}：填写数字{('，单位：' + field.unit) if field.unit else ''}，没有的填 0",
                "error_title": "请填写数字", "error_message": "这里只能填写不小于 0 的数字（金额），不要带单位或文字。"}
    elif field.type == "signed":
        opts = {"validate": "integer", "criteria": "between", "minimum": -MAX_NUMBER, "maximum": MAX_NUMBER,
                "input_title": "填写整数", "input_message": "本年增/减：增加填正数，减少填负数（如 -8），不变填 0",
                "error_title": "请填写整数", "error_message": "这里只能填写整数，减少用负数表示，如 -8。"}
    else:
        opts = {"validate": "integer", "criteria": "between", "minimum": 0, "maximum": MAX_NUMBER,
                "input_title": "填写整数", "input_message": f"{what[:80]}：填写件数（整数），没有的填 0",
                "error_title": "请填写整数", "error_message": "这里只能填写不小于 0 的整数，没有的填 0，不要写“件”等文字。"}
    opts["input_message"] = opts["input_message"][:255]
    ws.data_validation(first.row, first.col, last.row, last.col, opts)


def _write_table(ws, f: Formats, layout: Layout, fmt: ReportFormat, table, data, numbers) -> None:
    origin = layout.table_origin[table.id]
    ws.write(0, 0, table.heading, f.title)
    hint = "黄色格子为填写处，没有的填 0；灰色格子自动计算。"
    if table.id == "t3":
        hint += "校验未通过的格子显示为红色（错误）或橙色（警告），详见“校验”表。"
    ws.write(origin.row - 1, 0, hint, f.hint)
    for i, w in enumerate(table.col_widths):
        ws.set_column(origin.col + i, origin.col + i, w)
    for c in table.cells:
        r0, c0 = origin.row + c.row, origin.col + c.col
        r1, c1 = r0 + c.rowspan - 1, c0 + c.colspan - 1
        if c.role == "value":
            field = fmt.field(c.key)
            pos = layout.positions[c.key]
            if field.derived:
                if (r0, c0) != (r1, c1):
                    ws.merge_range(r0, c0, r1, c1, "", f.derived)
                _write_derived(ws, pos, field, layout, numbers, f)
            else:
                cell_fmt = _input_format(f, field)
                if (r0, c0) != (r1, c1):
                    ws.merge_range(r0, c0, r1, c1, "", cell_fmt)
                _write_value(ws, pos, _display(field, data.get(c.key)), cell_fmt)
                _validate(ws, pos, pos, field, fmt)
            continue
        cell_fmt = {"title": f.section, "header": f.header, "note": f.note,
                    "label": f.label}[c.role]
        text = c.text
        if c.role == "header":
            text = fit_header(text, sum(table.col_widths[c.col:c.col + c.colspan]))
        if (r0, c0) != (r1, c1):
            ws.merge_range(r0, c0, r1, c1, text, cell_fmt)
        else:
            ws.write_string(r0, c0, text, cell_fmt)
    for i, key in enumerate(table.extras):
        field = fmt.field(key)
        pos = layout.positions[key]
        ws.write_string(pos.row, 0, field.label, f.label)
        _write_value(ws, pos, _display(field, data.get(key)), _input_format(f, field))
        _validate(ws, pos, pos, field, fmt)
    heights: dict[int, float] = {r: 30 if table.id != "t2" else 24 for r in range(origin.row, origin.row + table.n_rows)}
    if table.header_rows:
        heights[origin.row] = 24
        ws.repeat_rows(origin.row, origin.row + table.header_rows - 1)
        ws.freeze_panes(origin.row + table.header_rows, table.label_cols)
    if table.id == "t4":
        ws.set_landscape()
    if table.id == "t3":
        heights[origin.row] = 36
    for c in table.cells:  # a header broken onto two lines gets the room for them
        if c.role == "header" and c.rowspan == 1:
            r = origin.row + c.row
            text = fit_header(c.text, sum(table.col_widths[c.col:c.col + c.colspan]))
            heights[r] = max(heights[r], row_height(text, 1000))
    for r, h in heights.items():
        ws.set_row(r, h)


def _write_derived(ws, pos: Pos, field: Field, layout: Layout, numbers, f: Formats) -> None:
    """A derived value: the sum of its parts, or empty while any part is not a number
    (so the checks that use it are not evaluated, as in the Python checker)."""
    refs = ",".join(ranges([layout.positions[k] for k in field.derived_from]))
    value = numbers.get(field.key)
    ws.write_formula(pos.row, pos.col, f'=IF(COUNT({refs})={len(field.derived_from)},SUM({refs}),"")', f.derived,
                     "" if value is None else value)


def _write_marker(ws, layout: Layout) -> None:
    values = (layout.fmt.version, layout.fingerprint, f"xlreport {__version__}")
    for row, (label, value) in enumerate(zip(MARKER_LABELS, values, strict=True)):
        ws.write_string(row, 0, label)
        ws.write_string(row, 1, value)
    ws.very_hidden()


def _lock_structure(path: str) -> None:
    """Protect the workbook structure (no renaming, deleting or moving sheets).

    XlsxWriter cannot, so the element is added to xl/workbook.xml. Per ECMA-376
    Part 1 §18.2.29 <workbookProtection> comes right before <bookViews>.
    """
    with zipfile.ZipFile(path) as z:
        items = [(i, z.read(i.filename)) for i in z.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info, content in items:
            if info.filename == "xl/workbook.xml":
                content = content.replace(b"<bookViews>", b'<workbookProtection lockStructure="1"/><bookViews>', 1)
            z.writestr(info, content)
    Path(path).write_bytes(out.getvalue())


class VbaParts(Protocol):
    """What the macro workbook adds (see macros.py): code names, the VBA project, buttons."""

    def prepare(self, wb, sheets) -> None: ...

    def finish(self, wb, sheets, layout: Layout) -> None: ...
