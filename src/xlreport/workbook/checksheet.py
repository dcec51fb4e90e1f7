"""The 校验 sheet and the check status lines of the table sheets.

校验: title, hint, 结论/错误数/警告数 (rows 3-5, the defined names xlreport_status,
xlreport_errors, xlreport_warnings), the block of failing checks (the first FAILS_SHOWN
of them), then every rule line with its native formulas (checks/native.py). Each
table sheet's A2 sums the lines touching it, and failing cells turn red (errors) or
orange (warnings) through conditional formats that point at the lines' counts.
Every formula carries its cached result, computed by the Python checker.
"""

from __future__ import annotations

from xlreport.checks import check
from xlreport.model.numbers import evaluate
from xlreport.checks.arithmetic import run_check
from xlreport.checks.formula import blocks, python_count, ranges
from xlreport.checks.values import value_tests
from xlreport.model.rules import RULE_NAMES
from xlreport.model.rules import SEVERITY_LABEL as SEVERITY
from xlreport.model.spec import ReportFormat
from xlreport.model.layout import SHEET_CHECKS, TABLE_STATUS_ROW, Layout, Pos, col_letter
from xlreport.workbook.styles import Formats, row_height

STATUS_ROW = 2  # 结论 (B3); 错误数 and 警告数 in the two rows below
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


def python_counts(lines, data, fmt: ReportFormat) -> list[int]:
    """Per 校验 line, its failure count as the Python checker sees it (the cached results)."""
    problems = check(data, fmt, {})
    return [python_count(line, problems) for line in lines]


def write_table_status(ws, f: Formats, layout: Layout, sheet: str, lines, counts: list[int]) -> None:
    """A2 of a table sheet: 本表校验：通过, or how many problems the 校验 lines touching this
    sheet count (errors and warnings, as the cells coloured here)."""
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


def first_failing(layout: Layout, line, problems) -> str:
    """表三!D7: the first cell (by row, then column) of a value line on which the checker found a problem."""
    keys = set(line.keys)
    cells = [layout.positions[p.keys[0]] for p in problems if p.rule == line.rule and p.keys[0] in keys]
    return min(cells, key=lambda p: (p.row, p.col)).a1 if cells else ""


def rule_label(rule: str) -> str:
    """The 规则 column: the id, and its Chinese name on a second line."""
    return f"{rule}\n{RULE_NAMES[rule]}"


def _write_failures(ws, f: Formats, layout: Layout, lines, counts: list[int], first: int, last: int,
                    problems) -> None:
    """The failing lines, first to last, with native formulas any spreadsheet since Excel
    2010 evaluates (INDEX/MATCH over a running count; no FILTER, TEXTJOIN, AGGREGATE or
    array formulas), each with a link to its first cell."""
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
    height = max(max(row_height(line.description, CHECK_WIDTHS[2], minimum=20),
                     row_height(rule_label(line.rule), CHECK_WIDTHS[0])) for line in lines)
    for k in range(1, FAILS_SHOWN + 1):
        r = FAILS_FIRST_ROW + k - 1
        i = failing[k - 1] if k <= len(failing) else None
        match = f"MATCH({k},{col(RUNNING_COL)},0)"

        def pick(c: int) -> str:
            return f"INDEX({col(c)},{match})"

        line = lines[i] if i is not None else None
        ws.write_formula(r, 0, f'=IF({k}>{total},"",{pick(0)})', f.cell, rule_label(line.rule) if line else "")
        ws.write_formula(r, 1, f'=IF({k}>{total},"",{pick(1)})', f.cell_center,
                         SEVERITY[line.severity] if line else "")
        empty = f'IF({total}=0,"{NO_FAILS}","")' if k == 1 else '""'
        ws.write_formula(r, 2, f"=IF({k}>{total},{empty},{pick(2)})", f.cell,
                         line.description if line else NO_FAILS if k == 1 else "")
        ws.merge_range(r, 3, r, 5, "", f.link)
        cells = line_cells(layout, line) if line else []
        # 表三!E7 表三!E8 … -> the link #'表三'!E7; a value line links to its first failing cell (in 实际)
        where = f'IF(AND(LEFT({pick(0)},6)="value-",ISTEXT({pick(4)})),{pick(4)},{pick(CELLS_COL)})'
        target = f'"#\'"&SUBSTITUTE(LEFT({where},FIND(" ",{where}&" ")-1),"!","\'!")'
        ws.write_formula(r, 3, f'=IF({k}>{total},"",HYPERLINK({target},{where}))', f.link,
                         (first_failing(layout, line, problems) if line.first else cells_text(cells)) if line else "")
        ws.write_formula(r, 6, f'=IF({k}>{total},"",{pick(6)})', f.cell_center, counts[i] if i is not None else "")
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
                          row_height(cells_text(cells), CHECK_WIDTHS[CELLS_COL]),
                          row_height(rule_label(line.rule), CHECK_WIDTHS[0])))


def write_checks(wb, ws, f: Formats, layout: Layout, fmt: ReportFormat, lines, data) -> None:
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
    ws.write_string(STATUS_ROW, 0, "结论", f.label_center)
    ws.write_string(STATUS_ROW + 1, 0, "错误数", f.label_center)
    ws.write_string(STATUS_ROW + 2, 0, "警告数", f.label_center)
    n_errors = sum(python_count(line, problems) for line in lines if line.severity == "error")
    n_warnings = sum(python_count(line, problems) for line in lines if line.severity == "warning")
    count_col = "G"
    sev_col = "B"
    for r in range(STATUS_ROW, STATUS_ROW + 3):
        ws.merge_range(r, 1, r, 2, "", f.status if r == STATUS_ROW else f.cell_center)
    ws.write_formula(STATUS_ROW + 1, 1, f'=SUMIF(${sev_col}${first + 1}:${sev_col}${last + 1},"错误",${count_col}${first + 1}:${count_col}${last + 1})',
                     f.cell_center, n_errors)
    ws.write_formula(STATUS_ROW + 2, 1, f'=SUMIF(${sev_col}${first + 1}:${sev_col}${last + 1},"警告",${count_col}${first + 1}:${count_col}${last + 1})',
                     f.cell_center, n_warnings)
    status = "通过" if n_errors == 0 else f"未通过：{n_errors} 个错误"
    errors = f"B{STATUS_ROW + 2}"
    ws.write_formula(STATUS_ROW, 1, f'=IF({errors}=0,"通过","未通过："&{errors}&" 个错误")', f.status, status)
    for i, name in enumerate(("xlreport_status", "xlreport_errors", "xlreport_warnings")):
        wb.define_name(name, f"='{SHEET_CHECKS}'!$B${STATUS_ROW + 1 + i}")
    for i, name in enumerate(CHECK_COLUMNS):
        ws.write_string(CHECK_HEADER_ROW, i, name, f.header)
    for col, width in enumerate(CHECK_WIDTHS):
        ws.set_column(col, col, width)
    ws.set_column(7, 7, 40, None, {"hidden": True})
    label = SEVERITY
    _write_failures(ws, f, layout, lines, [python_count(line, problems) for line in lines], first, last, problems)
    for i, line in enumerate(lines):
        r = first + i
        py_count = python_count(line, problems)
        ws.write_string(r, 0, rule_label(line.rule), f.cell)
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
            if line.first:  # 实际: the first failing cell, where the 位置 link of the block goes
                sheet = layout.positions[line.keys[0]].sheet
                ws.write_array_formula(r, 4, r, 4, f'{{=IF(G{r + 1}>0,"{sheet}!"&ADDRESS(INT({line.first}/1000),'
                                       f'MOD({line.first},1000),4),"")}}', f.cell_center,
                                       first_failing(layout, line, problems))
            else:
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
    ws.conditional_format(STATUS_ROW, 1, STATUS_ROW, 2, {"type": "cell", "criteria": "==", "value": '"通过"',
                                                        "format": f.good})
    ws.conditional_format(STATUS_ROW, 1, STATUS_ROW, 2, {"type": "cell", "criteria": "!=", "value": '"通过"',
                                                        "format": f.bad})
    ws.freeze_panes(first, 0)
    ws.repeat_rows(CHECK_HEADER_ROW)
    ws.autofilter(CHECK_HEADER_ROW, 0, last, len(CHECK_COLUMNS) - 1)
    ws.set_landscape()


def conditional_formats(sheets, f: Formats, layout: Layout, fmt: ReportFormat, lines) -> None:
    """Failing cells turn red: a cell whose own value is bad, or that takes part in a failing check."""
    first = CHECK_HEADER_ROW + 1
    by_sheet: dict[str, list[tuple[list[Pos], str, str]]] = {}  # cells, condition, severity
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
    # a value that is not a proper number for its field: the 校验 sheet's value tests, one rule
    # per rectangle of inputs of one kind, its formula relative to the rectangle's top-left cell
    # (as every spreadsheet program applies a relative reference to each cell of the range)
    kinds: dict[tuple[str, str, bool], list[Pos]] = {}
    for field in (*fmt.value_fields, *fmt.previous):
        if field.numeric and not field.derived:
            pos = layout.positions[field.key]
            kinds.setdefault((pos.sheet, field.type, field.required), []).append(pos)
    for (sheet, vtype, required), cells in kinds.items():
        # a required input left blank turns red too (value-missing), like a wrong value
        tests = value_tests(vtype, required=required)
        for r0, r1, c0, c1 in blocks(cells):
            cond = "=(" + "+".join(t.format(r=Pos(sheet, r0, c0).cell) for t in tests.values()) + ")>0"
            sheets[sheet].conditional_format(r0, c0, r1, c1, {"type": "formula", "criteria": cond, "format": f.bad})

