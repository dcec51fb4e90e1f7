"""The locked workbook: written with XlsxWriter from the layout, read back fast.

Writing: every sheet protected, exactly the input cells unlocked, shaded and
validated; derived cells are formulas; each rule is written again as a native
formula on the 校验 sheet (native.py), and failing cells turn red through
conditional formatting. A very hidden sheet `_xlreport` records the format
version and the layout's fingerprint.

Reading: the marker and every fixed label are verified first (a changed
structure is refused), then inputs are read by position. Derived values are
never taken from the file: the checker recomputes them from the inputs.
"""

from __future__ import annotations

import datetime as _dt
import io
import math
import os
import re
import zipfile
import zlib
from pathlib import Path
from typing import Any, Protocol

from xlreport.checks.cover import LAST_YEAR
from xlreport.checks.values import MAX_ABS, NUMBER_TEXT
from xlreport.model.report import CellError, TextNumber, Uncalculated
from xlreport.errors import InputError, reason
from xlreport.model.formats import FORMATS
from xlreport.workbook.layout import (
    MARKER_TAG,
    SHEET_CHECKS,
    SHEET_COVER,
    SHEET_MARKER,
    SHEET_OVERVIEW,
    SHEET_PREVIOUS,
    SHEET_TEXT,
    TABLE_STATUS_ROW,
    FormRow,
    Layout,
    Pos,
    known_layouts,
    workbook_layout,
)
from xlreport.cli.console import SEVERITY_LABEL as SEVERITY
from xlreport.model.spec import Field, ReportFormat

FONT = "宋体"
INPUT_FILL = "#FFF2CC"
DERIVED_FILL = "#EDEDED"
BAD_FILL, BAD_FONT = "#FFC7CE", "#9C0006"  # errors: red
WARN_FILL, WARN_FONT = "#F8CBAD", "#843C0C"  # warnings: orange (the inputs are already yellow)
GOOD_FILL, GOOD_FONT = "#C6EFCE", "#006100"
MAX_NUMBER = MAX_ABS - 1  # data validation bound: the checks' own
MAX_CELL_TEXT = 32767  # characters a cell can hold (Excel specifications and limits)
PASSWORD = ""  # protection guards against accidents, not people: 审阅 → 撤销工作表保护 needs no password

# Zip limits for reading (a real workbook is ~50 KB with ~20 members). The size and
# ratio limits apply to the parts that are unpacked and parsed (the XML); pictures and
# embedded files are never unpacked by the reader, so a large logo does not count.
MAX_MEMBERS = 2000
MAX_UNCOMPRESSED = 50 * 1024 * 1024
MAX_RATIO = 200
NOT_PARSED = ("xl/media/", "xl/embeddings/", "docProps/thumbnail")


# --------------------------------------------------------------------------
# writing


class _Formats:
    def __init__(self, wb):
        base = {"font_name": FONT, "font_size": 11, "valign": "vcenter", "text_wrap": True}
        border = {"border": 1}

        def add(**kw):
            return wb.add_format({**base, **kw})

        self.title = add(bold=True, font_size=16, text_wrap=False)
        self.hint = add(font_color="#595959", font_size=10, text_wrap=False)
        self.hint_wrap = add(font_color="#595959", font_size=10, valign="top")
        self.table_status = add(bold=True, text_wrap=False)
        self.header = add(**border, bold=True, align="center", bg_color="#D9E1F2")
        self.label = add(**border, align="left")
        self.label_center = add(**border, align="center")
        self.note = add(**border, align="center", font_size=10)
        self.section = add(**border, bold=True, align="left", bg_color="#D9E1F2")
        self.input = add(**border, align="center", locked=False, bg_color=INPUT_FILL)
        # amounts as entered (96171.6, 0), the way the report prints them: General
        self.input_decimal = add(**border, align="center", locked=False, bg_color=INPUT_FILL)
        # '@' (Text): what is typed stays text, so 邮编 010020 keeps its leading zero
        self.input_text = add(**border, align="left", valign="top", locked=False, bg_color=INPUT_FILL, num_format="@")
        self.derived = add(**border, align="center", bg_color=DERIVED_FILL)
        self.cell = add(**border)
        self.link = add(**border, font_color="#0563C1", underline=1)
        self.cell_nowrap = add(**border, text_wrap=False)
        self.cell_center = add(**border, align="center")
        self.status = add(**border, bold=True, font_size=14, align="center")
        self.bad = wb.add_format({"bg_color": BAD_FILL, "font_color": BAD_FONT})
        self.warn = wb.add_format({"bg_color": WARN_FILL, "font_color": WARN_FONT})
        self.good = wb.add_format({"bg_color": GOOD_FILL, "font_color": GOOD_FONT})


Formats = _Formats  # the report workbook's cell styles, shared with the audit workbook (audit_book.py)


def write_workbook(path: str | os.PathLike, fmt: ReportFormat, data: dict[str, Any] | None = None,
                   force: bool = False, vba: "VbaParts | None" = None) -> Path:
    """Write the locked workbook for `fmt`, prefilled from `data`, atomically."""
    from xlreport.io.files import warn, write_atomic

    # Derived cells are formulas: published totals in the data are not written.
    inputs = {k: v for k, v in (data or {}).items() if not (fmt.has(k) and fmt.field(k).derived)}
    for key, value in inputs.items():
        if isinstance(value, str) and len(value) > MAX_CELL_TEXT:
            label = next((t.label for t in fmt.texts if t.key == key), key)
            raise InputError(f"“{label}”有 {len(value)} 个字符，超过了 Excel 一个格子的上限（{MAX_CELL_TEXT}），"
                             f"放不进工作簿；请精简，或把部分内容移到其他部分")
    return write_atomic(path, lambda tmp: _write(tmp, fmt, inputs, vba), force, notify=warn)


def _write(path: str, fmt: ReportFormat, data: dict[str, Any], vba) -> None:
    import xlsxwriter

    from xlreport.checks.values import evaluate
    from xlreport.checks import all_lines

    layout = workbook_layout(fmt)
    wb = xlsxwriter.Workbook(path, {"strings_to_numbers": False, "strings_to_formulas": False,
                                    "strings_to_urls": False})
    wb.set_properties({"title": f"政府信息公开工作年度报告（{fmt.version} 版格式）", "author": "xlreport",
                       "created": _dt.datetime(2021, 9, 26)})
    wb.set_calc_mode("auto")
    f = _Formats(wb)
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
    counts = _python_counts(lines, data, fmt)
    for table in fmt.tables:
        _write_table(sheets[table.name], f, layout, fmt, table, data, numbers)
        _write_table_status(sheets[table.name], f, layout, table.name, lines, counts)
    _write_checks(wb, sheets[SHEET_CHECKS], f, layout, fmt, lines, data)
    _write_marker(sheets[SHEET_MARKER], layout)
    _conditional_formats(sheets, f, layout, fmt, lines)
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


# Row heights. XlsxWriter does not autofit and Excel does not autofit on opening, so
# rows holding wrapped text get the height their text needs: CJK characters are ~2
# width units (a column's width counts the digit '0'), a line of 11 pt text ~16 pt
# (LibreOffice's CJK fonts are taller than Excel's 宋体). Excel's limit is 409 pt.
LINE_PT = 16.0
MAX_ROW_PT = 409.0


def text_units(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def lines_needed(text: str, width: float) -> int:
    usable = max(1.0, width - 1)  # the cell's padding
    return sum(max(1, math.ceil(text_units(par) / usable)) for par in str(text).split("\n"))


def row_height(text: str, width: float, line_pt: float = LINE_PT, minimum: float = 0) -> float:
    return min(MAX_ROW_PT, max(minimum, lines_needed(text, width) * line_pt + 4))


def fit_header(text: str, width: float) -> str:
    """A header too wide for its column breaks before its last two characters — the head
    noun of the official headers (社会公益|组织, 法律服务|机构, 结果|维持) — never inside a word."""
    if "\n" in text or len(text) < 4 or text_units(text) <= width - 1:
        return text
    return f"{text[:-2]}\n{text[-2:]}"


def _input_format(f: _Formats, field: Field | None):
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


def _write_form(ws, f: _Formats, layout: Layout, sheet: str, title: str, data, numbers, fmt: ReportFormat,
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
        ws.write_string(r.pos.row, 2, r.hint, f.hint)
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
            ws.set_row(r.pos.row, max(22, row_height(shown, width), row_height(r.label, 34)))
            _validate(ws, r.pos, r.pos, field, layout.fmt, r.hint)
    ws.freeze_panes(FORM_HEADER_ROWS, 0)
    if text_sheet:  # the notes in column C are for the screen; paper gets the text at a readable size
        ws.print_area(0, 0, rows[-1].pos.row, 1)


FORM_HEADER_ROWS = 2
TEXT_HINT = ("每格可写多段：在格内按 Alt+Enter（LibreOffice 中为 Ctrl+Enter）另起一段。"
             "文字较多时格内显示不全，可拖高行高查看，不影响生成的报告。")


def _validate(ws, first: Pos, last: Pos, field: Field, fmt: ReportFormat, hint: str = "") -> None:
    """Data validation with Chinese prompts; pasted values bypass it, the checks catch them."""
    what = field.where.split(" ", 1)[-1]
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


def _write_table(ws, f: _Formats, layout: Layout, fmt: ReportFormat, table, data, numbers) -> None:
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
    heights = {r: 30 if table.id != "t2" else 24 for r in range(origin.row, origin.row + table.n_rows)}
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


def _python_counts(lines, data, fmt: ReportFormat) -> list[int]:
    """Per 校验 line, its failure count as the Python checker sees it (the cached results)."""
    from xlreport.checks import check
    from xlreport.checks.formula import python_count

    problems = check(data, fmt, {})
    return [python_count(line, problems) for line in lines]


def _write_table_status(ws, f: _Formats, layout: Layout, sheet: str, lines, counts: list[int]) -> None:
    """A2 of a table sheet: 本表校验：通过, or how many problems the 校验 lines touching this
    sheet count (errors and warnings, as the cells coloured here)."""
    from xlreport.checks.formula import ranges

    mine = [i for i, line in enumerate(lines) if any(layout.positions[k].sheet == sheet for k in line.keys)]
    if not mine:
        return
    total = "SUM(" + ",".join(ranges([Pos(SHEET_CHECKS, CHECK_HEADER_ROW + 1 + i, 6) for i in mine])) + ")"
    n = sum(counts[i] for i in mine)
    width = next(len(t.col_widths) for t in layout.fmt.tables if t.name == sheet)
    ws.merge_range(TABLE_STATUS_ROW, 0, TABLE_STATUS_ROW, width - 1, "", f.table_status)  # the colour spans the line
    ws.write_formula(TABLE_STATUS_ROW, 0, f'=IF({total}=0,"{TABLE_OK}","本表有 "&{total}&" 处问题，见校验表")',
                     f.table_status, TABLE_OK if n == 0 else f"本表有 {n} 处问题，见校验表")
    cell = f"$A${TABLE_STATUS_ROW + 1}"
    ws.conditional_format(TABLE_STATUS_ROW, 0, TABLE_STATUS_ROW, 0, {
        "type": "formula", "criteria": f'={cell}="{TABLE_OK}"', "format": f.good})
    ws.conditional_format(TABLE_STATUS_ROW, 0, TABLE_STATUS_ROW, 0, {
        "type": "formula", "criteria": f'={cell}<>"{TABLE_OK}"', "format": f.bad})


TABLE_OK = "本表校验：通过"


def _write_derived(ws, pos: Pos, field: Field, layout: Layout, numbers, f: _Formats) -> None:
    """A derived value: the sum of its parts, or empty while any part is not a number
    (so the checks that use it are not evaluated, as in the Python checker)."""
    from xlreport.checks.formula import ranges

    refs = ",".join(ranges([layout.positions[k] for k in field.derived_from]))
    value = numbers.get(field.key)
    ws.write_formula(pos.row, pos.col, f'=IF(COUNT({refs})={len(field.derived_from)},SUM({refs}),"")', f.derived,
                     "" if value is None else value)


# The 校验 sheet: title, hint, 结论/错误数/警告数 (rows 3-5, the defined names), then the
# block of failing checks (the first FAILS_SHOWN of them), then every rule line.
FAILS_TITLE_ROW = 5
FAILS_FIRST_ROW = FAILS_TITLE_ROW + 2
FAILS_SHOWN = 12
FAILS_MORE_ROW = FAILS_FIRST_ROW + FAILS_SHOWN
CHECK_HEADER_ROW = FAILS_MORE_ROW + 2
CHECK_COLUMNS = ("规则", "级别", "检查内容", "应为", "实际", "结果", "未通过数", "累计未通过", "涉及格子")
CHECK_WIDTHS = (28, 8, 90, 10, 10, 9, 9, 0, 30)  # A fits the longest rule id; H is hidden
# H, hidden: failing lines so far (the k-th failing line is MATCH(k, H…)). Nothing goes
# right of I: the macro workbook's Python block starts in J (macros.py).
RUNNING_COL = 7
CELLS_COL = 8
NO_FAILS = "没有未通过的检查。"


def line_cells(layout: Layout, line) -> list[Pos]:
    order = {s: i for i, s in enumerate(layout.sheets)}
    return sorted((layout.positions[k] for k in line.keys), key=lambda p: (order[p.sheet], p.row, p.col))


def cells_text(cells: list[Pos]) -> str:
    return " ".join(p.a1 for p in cells) if len(cells) <= 4 else f"{cells[0].a1} 等 {len(cells)} 格"


def _write_failures(ws, f: _Formats, layout: Layout, lines, counts: list[int], first: int, last: int) -> None:
    """The failing lines, first to last, with native formulas any spreadsheet since Excel
    2010 evaluates (INDEX/MATCH over a running count; no FILTER, TEXTJOIN, AGGREGATE or
    array formulas), each with a link to its first cell."""
    from xlreport.workbook.layout import col_letter

    def col(c: int) -> str:
        return f"${col_letter(c)}${first + 1}:${col_letter(c)}${last + 1}"

    total = f"${col_letter(RUNNING_COL)}${last + 1}"
    failing = [i for i, n in enumerate(counts) if n > 0]
    ws.merge_range(FAILS_TITLE_ROW, 0, FAILS_TITLE_ROW, 6,
                   f"未通过的检查（前 {FAILS_SHOWN} 条；点击“位置”跳到相应格子）", f.section)
    for c, name in enumerate(("规则", "级别", "检查内容", "位置", "", "", "未通过数")):
        if c not in (4, 5):
            ws.write_string(FAILS_TITLE_ROW + 1, c, name, f.header)
    ws.merge_range(FAILS_TITLE_ROW + 1, 3, FAILS_TITLE_ROW + 1, 5, "位置", f.header)
    height = max(row_height(line.description, CHECK_WIDTHS[2], minimum=20) for line in lines)
    for k in range(1, FAILS_SHOWN + 1):
        r = FAILS_FIRST_ROW + k - 1
        i = failing[k - 1] if k <= len(failing) else None
        match = f"MATCH({k},{col(RUNNING_COL)},0)"

        def pick(c: int) -> str:
            return f"INDEX({col(c)},{match})"

        line = lines[i] if i is not None else None
        ws.write_formula(r, 0, f'=IF({k}>{total},"",{pick(0)})', f.cell, line.rule if line else "")
        ws.write_formula(r, 1, f'=IF({k}>{total},"",{pick(1)})', f.cell_center,
                         SEVERITY[line.severity] if line else "")
        empty = f'IF({total}=0,"{NO_FAILS}","")' if k == 1 else '""'
        ws.write_formula(r, 2, f"=IF({k}>{total},{empty},{pick(2)})", f.cell,
                         line.description if line else NO_FAILS if k == 1 else "")
        ws.merge_range(r, 3, r, 5, "", f.link)
        cells = line_cells(layout, line) if line else []
        where = pick(CELLS_COL)  # 表三!E7 表三!E8 … -> the link #'表三'!E7
        target = f'"#\'"&SUBSTITUTE(LEFT({where},FIND(" ",{where}&" ")-1),"!","\'!")'
        ws.write_formula(r, 3, f'=IF({k}>{total},"",HYPERLINK({target},{where}))', f.link,
                         cells_text(cells) if line else "")
        ws.write_formula(r, 6, f'=IF({k}>{total},"",{pick(6)})', f.cell_center, counts[i] if line else "")
        ws.set_row(r, height)
    more = len(failing) - FAILS_SHOWN
    ws.merge_range(FAILS_MORE_ROW, 0, FAILS_MORE_ROW, 6, "", f.hint)
    ws.write_formula(FAILS_MORE_ROW, 0, f'=IF({total}>{FAILS_SHOWN},"另有 "&({total}-{FAILS_SHOWN})&'
                                        f'" 条未通过的检查，见下表（可在“结果”列筛选“未通过”）","")', f.hint,
                     f"另有 {more} 条未通过的检查，见下表（可在“结果”列筛选“未通过”）" if more > 0 else "")
    rows = f"$A${FAILS_FIRST_ROW + 1}:$G${FAILS_FIRST_ROW + FAILS_SHOWN}"
    ws.conditional_format(rows, {"type": "formula", "criteria": f'=$B{FAILS_FIRST_ROW + 1}="{SEVERITY["error"]}"',
                                 "format": f.bad})
    ws.conditional_format(rows, {"type": "formula", "criteria": f'=$B{FAILS_FIRST_ROW + 1}="{SEVERITY["warning"]}"',
                                 "format": f.warn})
    for i, line in enumerate(lines):  # the helper columns
        r = first + i
        cells = line_cells(layout, line)
        fails = f"IF(ISNUMBER(G{r + 1}),IF(G{r + 1}>0,1,0),1)"
        before = f"{col_letter(RUNNING_COL)}{r}+" if i else ""
        ws.write_formula(r, RUNNING_COL, f"={before}{fails}", f.cell_center, sum(1 for n in counts[:i + 1] if n > 0))
        ws.write_string(r, CELLS_COL, cells_text(cells), f.cell)
        ws.set_row(r, max(row_height(line.description, CHECK_WIDTHS[2], minimum=18),
                          row_height(cells_text(cells), CHECK_WIDTHS[CELLS_COL])))


def _write_checks(wb, ws, f: _Formats, layout: Layout, fmt: ReportFormat, lines, data) -> None:
    from xlreport.checks import check
    from xlreport.checks.values import evaluate
    from xlreport.checks.arithmetic import run_check
    from xlreport.checks.formula import python_count

    problems = check(data, fmt, {})
    numbers = evaluate(data, fmt).numbers
    can_make_rules = data.get("meta.can_make_rules") is True
    first = CHECK_HEADER_ROW + 1
    last = first + len(lines) - 1
    ws.write(0, 0, "校验结果", f.title)
    hint = ("本表由公式自动计算，在任何电子表格软件中都有效。上方列出未通过的检查，点击“位置”跳到相应格子；"
            "下表列出全部检查，按“检查内容”核对相应表格中标色的格子；“未校验”表示所需数字未填或不是数字，“不适用”表示本机关无须此项。")
    ws.merge_range(1, 0, 1, 8, hint, f.hint_wrap)
    ws.set_row(1, row_height(hint, sum(CHECK_WIDTHS), line_pt=14))
    ws.write_string(2, 0, "结论", f.label_center)
    ws.write_string(3, 0, "错误数", f.label_center)
    ws.write_string(4, 0, "警告数", f.label_center)
    n_errors = sum(python_count(l, problems) for l in lines if l.severity == "error")
    n_warnings = sum(python_count(l, problems) for l in lines if l.severity == "warning")
    count_col = "G"
    sev_col = "B"
    for r in (2, 3, 4):
        ws.merge_range(r, 1, r, 2, "", f.status if r == 2 else f.cell_center)
    ws.write_formula(3, 1, f'=SUMIF(${sev_col}${first + 1}:${sev_col}${last + 1},"错误",${count_col}${first + 1}:${count_col}${last + 1})',
                     f.cell_center, n_errors)
    ws.write_formula(4, 1, f'=SUMIF(${sev_col}${first + 1}:${sev_col}${last + 1},"警告",${count_col}${first + 1}:${count_col}${last + 1})',
                     f.cell_center, n_warnings)
    status = "通过" if n_errors == 0 else f"未通过：{n_errors} 个错误"
    ws.write_formula(2, 1, '=IF(B4=0,"通过","未通过："&B4&" 个错误")', f.status, status)
    wb.define_name("xlreport_status", f"='{SHEET_CHECKS}'!$B$3")
    wb.define_name("xlreport_errors", f"='{SHEET_CHECKS}'!$B$4")
    wb.define_name("xlreport_warnings", f"='{SHEET_CHECKS}'!$B$5")
    for i, name in enumerate(CHECK_COLUMNS):
        ws.write_string(CHECK_HEADER_ROW, i, name, f.header)
    for col, width in enumerate(CHECK_WIDTHS):
        ws.set_column(col, col, width)
    ws.set_column(7, 7, 40, None, {"hidden": True})
    label = SEVERITY
    _write_failures(ws, f, layout, lines, [python_count(line, problems) for line in lines], first, last)
    for i, line in enumerate(lines):
        r = first + i
        py_count = python_count(line, problems)
        ws.write_string(r, 0, line.rule, f.cell)
        ws.write_string(r, 1, label[line.severity], f.cell_center)
        ws.write_string(r, 2, line.description, f.cell)
        if line.check is not None:
            guard = f"OR({line.not_applicable},{line.not_evaluated})" if line.not_applicable else line.not_evaluated
            # cached results: what the formulas give, so that a file preview shows the truth
            ok, expected, actual = run_check(line.check, numbers, can_make_rules)
            skipped = "不适用" if line.check.unless_can_make_rules and can_make_rules else "未校验"
            ws.write_formula(r, 3, f'=IF({guard},"",{line.expected})', f.cell_center, "" if ok is None else expected)
            ws.write_formula(r, 4, f'=IF({guard},"",{line.actual})', f.cell_center, "" if ok is None else actual)
            verdict = f'IF({line.not_evaluated},"未校验",IF(G{r + 1}=0,"通过","未通过"))'
            if line.not_applicable:
                verdict = f'IF({line.not_applicable},"不适用",{verdict})'
            ws.write_formula(r, 5, "=" + verdict, f.cell_center,
                             skipped if ok is None else "通过" if ok else "未通过")
        else:
            ws.write_blank(r, 3, None, f.cell_center)
            ws.write_blank(r, 4, None, f.cell_center)
            ws.write_formula(r, 5, f'=IF(G{r + 1}=0,"通过","未通过")', f.cell_center,
                             "通过" if py_count == 0 else "未通过")
        if line.array:
            ws.write_array_formula(r, 6, r, 6, "{=" + line.count + "}", f.cell_center, py_count)
        else:
            ws.write_formula(r, 6, "=" + line.count, f.cell_center, py_count)
    ws.conditional_format(first, 5, last, 5, {"type": "formula", "criteria": f'=AND($F{first + 1}="未通过",$B{first + 1}="警告")',
                                              "format": f.warn})
    ws.conditional_format(first, 5, last, 5, {"type": "cell", "criteria": "==", "value": '"未通过"', "format": f.bad})
    ws.conditional_format(first, 5, last, 5, {"type": "cell", "criteria": "==", "value": '"通过"', "format": f.good})
    ws.conditional_format(2, 1, 2, 2, {"type": "cell", "criteria": "==", "value": '"通过"', "format": f.good})
    ws.conditional_format(2, 1, 2, 2, {"type": "cell", "criteria": "!=", "value": '"通过"', "format": f.bad})
    ws.freeze_panes(first, 0)
    ws.repeat_rows(CHECK_HEADER_ROW)
    ws.autofilter(CHECK_HEADER_ROW, 0, last, len(CHECK_COLUMNS) - 1)
    ws.set_landscape()


def _conditional_formats(sheets, f: _Formats, layout: Layout, fmt: ReportFormat, lines) -> None:
    """Failing cells turn red: a cell whose own value is bad, or that takes part in a failing check."""
    first = CHECK_HEADER_ROW + 1
    by_sheet: dict[str, list[tuple[list[Pos], str]]] = {}
    for i, line in enumerate(lines):
        if line.rule.startswith("value-"):
            continue
        cells = [layout.positions[k] for k in line.keys]
        for sheet in {p.sheet for p in cells}:
            mine = [p for p in cells if p.sheet == sheet]
            by_sheet.setdefault(sheet, []).append((mine, f"'{SHEET_CHECKS}'!$G${first + i + 1}>0", line.severity))
    for sheet, items in by_sheet.items():
        ws = sheets[sheet]
        # errors first: where a cell fails both, the red of the error wins over the orange
        for cells, cond, severity in sorted(items, key=lambda item: item[2] != "error"):
            rng = " ".join(p.cell for p in cells)
            top = min(cells, key=lambda p: (p.row, p.col))
            ws.conditional_format(top.row, top.col, top.row, top.col,
                                  {"type": "formula", "criteria": "=" + cond, "multi_range": rng,
                                   "format": f.bad if severity == "error" else f.warn})
    # a value that is not a proper number for its field: the 校验 sheet's value tests, on one cell
    from xlreport.checks.values import value_tests

    for field in (*fmt.value_fields, *fmt.previous):
        if not field.numeric or field.derived:
            continue
        pos = layout.positions[field.key]
        tests = value_tests(field.type, required=False)
        cond = "=(" + "+".join(t.format(r=pos.cell) for t in tests.values()) + ")>0"
        sheets[pos.sheet].conditional_format(pos.row, pos.col, pos.row, pos.col,
                                             {"type": "formula", "criteria": cond, "format": f.bad})


def _write_marker(ws, layout: Layout) -> None:
    ws.write_string(0, 0, MARKER_TAG)
    ws.write_string(0, 1, layout.fmt.version)
    ws.write_string(1, 0, "layout")
    ws.write_string(1, 1, layout.fingerprint)
    ws.write_string(2, 0, "generator")
    from xlreport import __version__

    ws.write_string(2, 1, f"xlreport {__version__}")
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


# --------------------------------------------------------------------------
# reading


def read_workbook(path: str | os.PathLike):
    """Read an xlreport workbook into a `data.Report` (inputs only; derived values are recomputed)."""
    p = Path(path)
    guard_zip(p)
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
        raise InputError(f"无法打开工作簿“{p.name}”：文件已损坏或不是 Excel 工作簿（{type(exc).__name__}）") from None
    names = list(book.sheet_names)
    if SHEET_MARKER not in names:
        raise InputError(f"“{p.name}”不是用 xlreport 生成的工作簿（缺少标记），请用 xlreport new 生成工作簿后填写")
    marker = _grid(book, SHEET_MARKER, p)
    layout = layout_from_marker(marker, p.name)
    missing = [s for s in layout.sheets if s not in names]
    if missing:
        raise InputError(f"“{p.name}”缺少工作表“{'”“'.join(missing)}”（可能被删除或改名），无法读取；请恢复原工作表名称")
    grids = {s: _grid(book, s, p) for s in layout.sheets if s not in (SHEET_MARKER, SHEET_CHECKS)}
    report = report_from_grids(str(p), layout, grids)
    _explain_blanks(p, layout, report.data)
    return report


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
    import re

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
                    data[key] = CellError(_xml_unescape(value.group(1)))
                elif formula and not (value and value.group(1)):
                    data[key] = Uncalculated("=" + _xml_unescape(formula.group(1)))


def sheet_members(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the zip member holding it (xl/workbook.xml + its relationships)."""
    import re

    try:
        rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
        book = z.read("xl/workbook.xml").decode("utf-8", "replace")
    except KeyError:
        return {}
    targets = dict(re.findall(r'<Relationship[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"', rels))
    targets.update({a: b for b, a in re.findall(r'<Relationship[^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)})
    members = {}
    for name, rid in re.findall(r'<(?:\w+:)?sheet [^>]*?name="([^"]+)"[^>]*?r:id="([^"]+)"', book):
        target = targets.get(rid, "")
        members[_xml_unescape(name)] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return members


def _xml_unescape(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))


def layout_from_marker(marker: list[list[Any]], name: str) -> Layout:
    """The layout a workbook was made with, from its `_xlreport` sheet's values."""
    tag, version = _at(marker, 0, 0), _at(marker, 0, 1)
    if tag != MARKER_TAG or version not in FORMATS:
        raise InputError(f"“{name}”的 xlreport 标记已损坏，无法确定格式版本，请用 xlreport new 重新生成工作簿")
    layout = known_layouts(FORMATS[version]).get(_at(marker, 1, 1))  # any released layout
    if layout is None:
        raise InputError(f"“{name}”由另一版本的 xlreport 生成（{_at(marker, 2, 1) or '未知版本'}），表格布局不同；"
                         f"请用生成它的 xlreport 版本导出数据（xlreport export），再用 xlreport new --data 生成新工作簿")
    return layout


def report_from_grids(path: str, layout: Layout, grids: dict[str, list[list[Any]]]):
    """Verify the fixed labels, then map cells to keys. `grids[sheet][row][col]` holds cell
    values from A1 (numbers as float, text as str, blank as "" or None) — from a file
    (calamine) or from the open workbook in Excel (xlwings)."""
    from xlreport.model.report import Report

    fmt = layout.fmt
    name = Path(path).name
    for pos, text in layout.labels:
        found = _at(grids[pos.sheet], pos.row, pos.col)
        # a header may be written broken onto two lines (fit_header)
        if str(found if found is not None else "").strip().replace("\n", "") != text:
            raise InputError(f"“{name}”的表格结构被改动：{pos.a1} 应为“{text}”，实际为“{_short(found)}”"
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
    from xlreport.io.jsonfile import tidy_line

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
    def number(v: Any) -> bool:
        return isinstance(v, (int, float)) and not isinstance(v, bool)

    for key, raw in shown.items():
        if not number(raw):
            continue
        parts = [data[k] if k in data else shown.get(k) for k in fmt.field(key).derived_from]
        if all(number(v) for v in parts) and abs(raw - sum(parts)) <= 1e-9:
            continue  # the formula's own result
        data[key] = int(raw) if isinstance(raw, float) and raw.is_integer() else raw


def _grid(book, sheet: str, p: Path) -> list[list[Any]]:
    try:
        s = book.get_sheet_by_name(sheet)
        rows = s.to_python(skip_empty_area=False)
    except BaseException as exc:  # as above: calamine's errors and panics
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise InputError(f"无法读取“{p.name}”的工作表“{sheet}”（{type(exc).__name__}）") from None
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


def guard_zip(p: Path) -> None:
    """Refuse files that are not workbooks, or archives of absurd size, before parsing them."""
    try:
        with open(p, "rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise InputError(f"无法读取“{p}”（{reason(exc, '读取')}），请检查文件的权限") from None
    if not head:
        raise InputError(f"“{p.name}”是空文件，不是工作簿")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(f"“{p.name}”是旧版 .xls 格式或设置了打开密码；请去掉密码，并在 Excel 或 WPS 中“另存为”.xlsx 后再检查")
    if not head.startswith(b"PK"):
        raise InputError(f"“{p.name}”不是 Excel 工作簿（文件内容不是 .xlsx 格式），请检查文件")
    try:
        with zipfile.ZipFile(p) as z:
            _guard_archive(p, z)
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise InputError(f"“{p.name}”已损坏（不完整的 .xlsx 文件），请重新保存或从备份恢复") from None


def _guard_archive(p: Path, z: zipfile.ZipFile) -> None:
    infos = z.infolist()
    names = {i.filename for i in infos}
    if len(infos) > MAX_MEMBERS:
        raise InputError(f"“{p.name}”包含 {len(infos)} 个部件，不像年度报告工作簿，拒绝读取")
    named = _book_parts(z)
    parsed = [i for i in infos if not i.filename.startswith(NOT_PARSED) or i.filename in named]
    total = sum(i.file_size for i in parsed)
    packed = max(1, sum(i.compress_size for i in parsed))
    if total > MAX_UNCOMPRESSED:
        raise InputError(f"“{p.name}”的表格部分（图片除外）解压后有 {total // 1024 // 1024} MB，超过 "
                         f"{MAX_UNCOMPRESSED // 1024 // 1024} MB 的上限（年度报告不到 1 MB），"
                         f"可能是恶意构造的文件（压缩炸弹），拒绝读取")
    if total / packed > MAX_RATIO:
        raise InputError(f"“{p.name}”的表格部分压缩比为 {total // packed}:1，超过 {MAX_RATIO}:1 的上限"
                         f"（正常工作簿不到 20:1），可能是恶意构造的文件（压缩炸弹），拒绝读取")
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            raise InputError(f"“{p.name}”是 Word 文档，不是工作簿，请检查文件")
        raise InputError(f"“{p.name}”不是 Excel 工作簿，请检查文件")
    _guard_extents(p, z)


def _book_parts(z: zipfile.ZipFile) -> set[str]:
    """The parts the workbook's relationships name (sheets, shared strings, styles): these
    are parsed wherever they are stored, so they count toward the limits."""
    try:
        rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    except KeyError:
        return set()
    return {t.lstrip("/") if t.startswith("/") else f"xl/{t}"
            for t in re.findall(r'Target="([^"]+)"', rels)}


# The reader builds a dense grid per sheet from A1 to the farthest cell with a
# value: one stray value in XFD1048576 would ask for terabytes (calamine then
# aborts the process). The report needs about 40 rows and 15 columns, so a sheet
# the reader reads may not have a value at row 1000 or column AAA (at most 999 x
# 702 cells). Cells with formatting only (<c r="A5000" s="3"/>, a bold or filled
# cell far below) and the <dimension> element do not enlarge calamine's grid
# (python-calamine 0.9, tested in test_bad_input.py), so they are allowed.
# A cell's r="…" (a row's r has digits only). The pattern starts with a literal so
# the search is fast, and it matches whatever white space precedes the attribute.
FAR_CELL = re.compile(rb'r="([A-Z]{3}[0-9]+|[A-Z]{1,2}[0-9]{4,})"')
VALUE_CHILD = re.compile(rb"<(?:\w+:)?(?:v|f|is)[\s/>]")
CELL_END = re.compile(rb"</(?:\w+:)?c>")


def _far_value(xml: bytes) -> re.Match | None:
    """The first far cell that holds a value or formula (None: formatting only, or nothing)."""
    for far in FAR_CELL.finditer(xml):
        start = xml.rfind(b"<", 0, far.start())
        tag = re.match(rb"<(?:\w+:)?(\w+)", xml[start:start + 40])
        if not tag or tag.group(1) != b"c":
            return far  # not a cell: be safe
        end = xml.find(b">", far.end())
        if end < 0:
            return far
        if xml[end - 1:end] == b"/":
            continue  # <c r="…" s="3"/>: formatting only
        close = CELL_END.search(xml, end)
        body = xml[end + 1:close.start() if close else len(xml)]
        if VALUE_CHILD.search(body):
            return far
    return None


def _read_sheets() -> set[str]:
    return {s for f in FORMATS.values() for s in workbook_layout(f).sheets} - {SHEET_CHECKS}


def _guard_extents(p: Path, z: zipfile.ZipFile) -> None:
    members = sheet_members(z)
    for sheet in sorted(_read_sheets() & members.keys()):
        try:
            xml = z.read(members[sheet])
        except (KeyError, OSError):
            continue  # the reader reports the missing part
        far = _far_value(xml)
        if far:
            raise InputError(f"“{p.name}”的工作表“{sheet}”在表格范围以外很远处有内容（{far.group(1).decode()}），"
                             f"不像年度报告工作簿；请删除表格以外的内容后再检查")
