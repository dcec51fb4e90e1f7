"""The audit workbook (`xlreport audit -o 审查结果.xlsx`): the AuditResult of audit.gather as sheets
说明, 汇总, 问题清单, 逐年对比, 未报送 (with a roster) and 合计, in the report workbook's styles.

Numbers are written as numbers (shares as numbers in % format), every list has a frozen
header and an autofilter, and rows are coloured by verdict (the report workbook's
error/warning/pass fills), so the office can sort, filter, print and forward it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Sequence

from xlreport.audit.figures import COMPARED, FIGURES, SHARES
from xlreport.audit.results import (
    VERDICT_CLEAN,
    VERDICT_ERRORS,
    VERDICT_UNREADABLE,
    VERDICT_WARNINGS,
    UNKNOWN_AGENCY,
    AuditedReport,
    AuditResult,
    Tally,
)
from xlreport.audit.roster import AUDIT_MARKER, AUDIT_TITLE
from xlreport.io.files import write_atomic
from xlreport.model.rules import SEVERITY_LABEL as SEVERITY
from xlreport.workbook.styles import (
    BAD_FILL,
    BAD_FONT,
    DERIVED_FILL,
    FONT,
    GOOD_FILL,
    GOOD_FONT,
    MAX_CELL_TEXT,
    WARN_FILL,
    WARN_FONT,
    Formats,
)

SHEETS = ("说明", "汇总", "问题清单", "逐年对比", "历年", "未报送", "合计")
FILLS = {VERDICT_ERRORS: (BAD_FILL, BAD_FONT), VERDICT_WARNINGS: (WARN_FILL, WARN_FONT),
         VERDICT_CLEAN: (GOOD_FILL, GOOD_FONT), VERDICT_UNREADABLE: (DERIVED_FILL, "#000000"), None: (None, None)}
NUMBER_FORMATS = {"text": "@", "code": "@", "year": "0", "int": "0", "number": "General", "share": "0.0%",
                  "money": "#,##0.00"}
ALIGN = {"text": "left", "code": "center", "year": "center"}  # numbers to the right
FIGURE_LABELS = dict(FIGURES)
A3 = 8  # paper size code (XlsxWriter set_paper): the wide lists print on A3 landscape


class Styles:
    """The report workbook's formats, plus body cells by verdict colour and number kind."""

    def __init__(self, wb):
        self.wb = wb
        self.base = Formats(wb)
        self._cells: dict[tuple, Any] = {}

    def cell(self, verdict: str | None = None, kind: str = "text", wrap: bool = False):
        key = (verdict, kind, wrap)
        if key not in self._cells:
            fill, font = FILLS[verdict]
            spec = {"font_name": FONT, "font_size": 11, "valign": "vcenter", "border": 1, "text_wrap": wrap,
                    "num_format": NUMBER_FORMATS[kind], "align": ALIGN.get(kind, "right")}
            if fill:
                spec.update(bg_color=fill, font_color=font)
            self._cells[key] = self.wb.add_format(spec)
        return self._cells[key]


def write_audit(path: str | os.PathLike, result: AuditResult, force: bool = False) -> Path:
    """Write the audit workbook; nothing half-written, nothing overwritten without `force`."""
    def write(tmp: str) -> None:
        import xlsxwriter

        wb = xlsxwriter.Workbook(tmp, {"strings_to_numbers": False, "strings_to_formulas": False,
                                       "strings_to_urls": False})
        styles = Styles(wb)
        cover(wb.add_worksheet("说明"), styles, result)
        summary(wb.add_worksheet("汇总"), styles, result)
        problems(wb.add_worksheet("问题清单"), styles, result)
        years(wb.add_worksheet("逐年对比"), styles, result)
        series(wb.add_worksheet("历年"), styles, result)
        if result.roster is not None:
            roster(wb.add_worksheet("未报送"), styles, result)
        totals(wb.add_worksheet("合计"), styles, result)
        wb.set_properties({"title": AUDIT_TITLE, "comments": f"xlreport {result.xlreport}"})
        wb.set_custom_property(AUDIT_MARKER, result.xlreport)  # audit.roster.is_audit_workbook
        wb.close()

    return write_atomic(path, write, force)


def put(ws, row: int, col: int, value: Any, fmt) -> None:
    """One value: numbers as numbers, text as text (never a formula), blanks as blank cells."""
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_string(row, col, "是" if value else "否", fmt)
    elif isinstance(value, (int, float)):
        ws.write_number(row, col, value, fmt)
    else:
        ws.write_string(row, col, str(value)[:MAX_CELL_TEXT], fmt)


def header(ws, styles: Styles, row: int, columns: Sequence[tuple[str, float]]) -> None:
    for col, (name, width) in enumerate(columns):
        ws.write_string(row, col, name, styles.base.header)
        ws.set_column(col, col, width)


def listing(ws, styles: Styles, columns: Sequence[tuple[str, float]], rows: Sequence[tuple[str | None, list]],
            first: int = 0, kinds: list[str] | None = None, wrap: tuple[int, ...] = ()) -> int:
    """A filterable list: header at row `first`, frozen, autofilter; `rows` are (verdict, values).
    Returns the row after the list."""
    header(ws, styles, first, columns)
    kinds = kinds or ["text"] * len(columns)
    for r, (verdict, values) in enumerate(rows, start=first + 1):
        for c, value in enumerate(values):
            numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
            kind = kinds[c] if numeric or kinds[c] == "code" else "text"
            put(ws, r, c, value, styles.cell(verdict, kind, c in wrap))
    ws.autofilter(first, 0, first + max(len(rows), 1), len(columns) - 1)
    ws.freeze_panes(first + 1, 1)
    return first + 1 + len(rows)


def cover(ws, styles: Styles, result: AuditResult) -> None:
    f = styles.base
    ws.set_column(0, 0, 24)
    ws.set_column(1, 1, 110)
    ws.write_string(0, 0, "政府信息公开工作年度报告 审查结果", f.title)
    pairs = result.pairs
    lines = [
        ("生成时间", result.generated_text),
        ("程序", f"xlreport {result.xlreport}（xlreport audit）"),
        ("读取的位置", "；".join(result.inputs)),
    ]
    if result.previous_dirs:
        lines.append(("上年度报告", "；".join(result.previous_dirs) + "（只用于逐年对比）"))
    lines += [
        ("审查年度", "未能确定（报告中没有年度）" if result.year is None else f"{result.year} 年"
         + ("" if result.year_given else "（读到的最近年度；其他年度的报告只用于逐年对比，可用 --year 指定）")),
        ("审查的报告", result.counts_text()),
        ("逐年对比", f"{len(pairs)} 对（同一机关相邻两年的报告，自动按机关名称配对）"),
        ("未读取的文件", f"{len(result.not_read)} 个（见下表）" if result.not_read else "无"),
    ]
    if result.not_reports:
        lines.append(("不是报告的文件", f"{len(result.not_reports)} 个（文件夹中的文本文件等，读取后不像年度报告，"
                                      f"见下表；不影响审查结论）"))
    if result.comparison_only:
        lines.append(("只用于对比的报告", f"{len(result.comparison_only)} 个（其他年度或上年度文件夹中的报告）"))
    if result.skipped:
        lines.append(("不读取的审查结果", f"{len(result.skipped)} 个（以前生成的审查结果工作簿，见下表）"))
    if result.left_out_of_totals:
        lines.append(("未计入合计", f"{len(result.left_out_of_totals)} 个（同一机关同一年度的第二份及以后的报告，见下表）"))
    if result.ignored:
        lines.append(("按约定不读取", f"{result.ignored} 个（Office 锁定文件 ~$*、隐藏文件、Thumbs.db、desktop.ini，保存网页时附带的图片、样式和脚本）"))
    if result.roster is not None:
        missing = sum(1 for x in result.roster.rows if x.kind == "未报送")
        unnamed = sum(1 for x in result.roster.rows if x.kind == UNKNOWN_AGENCY)
        lines.append(("名单", f"{result.roster.file}：{result.roster.units} 个单位，"
                             f"{result.roster_year} 年度未报送 {missing} 个（见“未报送”）"
                             + (f"；另有 {unnamed} 个报告{UNKNOWN_AGENCY}名称" if unnamed else "")))
    lines += [
        ("汇总", "每个报告一行：结论、错误和警告数、主要数字；可筛选、排序，行按结论着色（红：未通过，橙：有警告，绿：通过）"),
        ("问题清单", "每个问题一行：机关、规则、级别、位置（工作簿为工作表!单元格，已发布的报告为页、表、行）、应为、实际、说明"),
        ("逐年对比", "同一机关相邻两年的主要数字并列及变化；跨年度校验（上年结转、现行有效件数、内容雷同）的结果"),
        ("历年", "读到的每个报告按单位和年度排列（含只用于对比的往年报告；单位按逐年对比配对，改过名称的也在一起），"
               "筛选“单位”即可看到一个单位的全部年度"),
        ("合计", "同一年度全部报告逐项相加（按格式版本；同一机关同一年度只计一份），并对合计数运行同样的校验"),
        ("数字说明", "印出的总计与其各项之和不符时，汇总和逐年对比中照印出的数字列出，在单元格批注和“说明”列中注明各项合计"),
        ("内容雷同", "规则 text-repeated：去掉格式标题、自动生成的句子和套话、数字记作 #，本年某部分文字的五字片段有 80% "
                 "及以上在上年同一部分出现过即提示；不足 50 字的部分不比较"),
    ]
    row = 2
    for label, text in lines:
        ws.write_string(row, 0, label, f.label)
        ws.write_string(row, 1, text, f.cell)
        row += 1
    row += 1
    if result.not_read:
        ws.write_string(row, 0, "未读取的文件", f.table_status)
        row += 1
        header(ws, styles, row, [("文件", 24), ("原因", 110)])
        for item in result.not_read:
            row += 1
            put(ws, row, 0, item.file, styles.cell(VERDICT_UNREADABLE))
            put(ws, row, 1, item.reason, styles.cell(VERDICT_UNREADABLE, wrap=True))
        row += 2
    if result.not_reports:
        ws.write_string(row, 0, "不是报告的文件（文件夹中的文本文件、保存网页时附带的文件等，已读取，不列入审查）",
                        f.table_status)
        row += 1
        header(ws, styles, row, [("文件", 24), ("原因", 110)])
        for item in result.not_reports:
            row += 1
            put(ws, row, 0, item.file, f.cell)
            put(ws, row, 1, item.reason, f.cell)
        row += 2
    if result.comparison_only:
        ws.write_string(row, 0, "只用于逐年对比的报告（其他年度或上年度文件夹中的，不列入汇总、问题清单和合计）", f.table_status)
        for file in result.comparison_only:
            row += 1
            put(ws, row, 0, "已读取", f.cell)
            put(ws, row, 1, file, f.cell)
        row += 2
    if result.skipped:
        ws.write_string(row, 0, "不读取的文件（以前生成的审查结果）", f.table_status)
        for skip in result.skipped:
            row += 1
            put(ws, row, 0, "不读取", f.cell)
            put(ws, row, 1, f"{skip.file}：{skip.reason}", f.cell)
        row += 2
    if result.same_report:
        ws.write_string(row, 0, "同一份报告的多个文件（机关、年度和表格中的数字完全相同），只审查一次", f.table_status)
        for same in result.same_report:
            row += 1
            put(ws, row, 0, f"{same.agency}（{same.year} 年）", f.cell)
            put(ws, row, 1, f"审查：{same.kept}；同一报告的其他文件：{'；'.join(same.others)}", f.cell)
        row += 2
    if result.duplicates:
        ws.write_string(row, 0, "同一机关同一年度有多份报告（合计只计入按文件名排在最前的一份，以免重复相加；请核对）",
                        f.table_status)
        for d in result.duplicates:
            row += 1
            put(ws, row, 0, f"{d.agency}（{d.year} 年）", f.cell)
            put(ws, row, 1, f"计入合计：{d.counted}；未计入合计：{'；'.join(d.left_out)}", f.cell)
        row += 2
    for note in result.pair_notes:
        put(ws, row, 0, "未配对", f.cell)
        put(ws, row, 1, note, f.cell)
        row += 1
    ws.set_landscape()
    ws.fit_to_pages(1, 0)


def summary_columns() -> tuple[list[tuple[str, float]], list[str]]:
    columns: list[tuple[str, float]] = [("机关", 28), ("年度", 7), ("格式", 7), ("结论", 9), ("错误", 6), ("警告", 6)]
    kinds = ["text", "year", "code", "code", "int", "int"]
    for name, label in FIGURES:
        columns.append((label, 10 if name not in SHARES else 9))
        kinds.append("share" if name in SHARES else "money" if name == "fee" else "number")
    columns += [("文件", 30), ("上年报告（逐年对比）", 24), ("说明", 30), *((label, 16) for label in CONTACT_COLUMNS)]
    kinds += ["text", "text", "text", *(["text"] * len(CONTACT_COLUMNS))]
    return columns, kinds


CONTACT_COLUMNS = ("联系机构", "联系电话", "电子邮箱", "通讯地址")


def contact_values(r: AuditedReport) -> list[str | None]:
    """The unit's contact details as the 汇总 columns of CONTACT_COLUMNS (address with its postcode)."""
    c = r.contact
    address = "，".join(x for x in (c.get("address"), f"邮编 {c['postcode']}" if c.get("postcode") else None) if x)
    return [c.get("office"), c.get("phone"), c.get("email"), address or None]


def summary(ws, styles: Styles, result: AuditResult) -> None:
    columns, kinds = summary_columns()
    rows = []
    comments = []
    for r in result.reports:
        figure_notes = r.figure_notes
        note = "；".join([f"{FIGURE_LABELS[k]}：{v}" for k, v in figure_notes.items()]
                        + ([f"从已发布的报告读入，{len(r.notes)} 条读入说明"] if r.notes else []))
        comments.append(figure_notes)
        tally = r.tally
        rows.append((tally.verdict, [r.agency or UNKNOWN_AGENCY, r.year, r.format, tally.verdict, tally.errors,
                                     tally.warnings, *(r.figures.get(name) for name, _ in FIGURES), r.file,
                                     r.previous_file, note, *contact_values(r)]))
    for item in result.not_read:
        rows.append((VERDICT_UNREADABLE, [None, None, None, VERDICT_UNREADABLE, None, None,
                                          *([None] * len(FIGURES)), item.file, None, item.reason]))
    listing(ws, styles, columns, rows, kinds=kinds)
    first_figure = 6  # after 机关 年度 格式 结论 错误 警告
    for row, figure_notes in enumerate(comments, start=1):
        for c, (name, _) in enumerate(FIGURES, start=first_figure):
            if name in figure_notes:
                ws.write_comment(row, c, f"{FIGURE_LABELS[name]}：{figure_notes[name]}（此处照印出的数字列出）")
    note_column = [name for name, _ in columns].index("说明")
    for row, r in enumerate(result.reports, start=1):  # the import notes counted in 说明, readable here
        if r.notes:
            ws.write_comment(row, note_column, "读入说明（请核对）：\n" + "\n".join(
                f"{i}. {n}" for i, n in enumerate(r.notes, start=1)), {"x_scale": 5, "y_scale": 4})
    wide_list(ws)


def wide_list(ws) -> None:
    """A wide list prints on A3 landscape, one page wide, its header on every page."""
    ws.set_row(0, 32)
    ws.set_paper(A3)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)


def problems(ws, styles: Styles, result: AuditResult) -> None:
    columns = [("机关", 26), ("年度", 7), ("规则", 22), ("级别", 6), ("位置", 34), ("应为", 9), ("实际", 9),
               ("说明", 70), ("文件", 36)]
    rows = []
    for r in result.reports:
        for p in r.problems:
            rows.append((Tally.of([p]).verdict, [r.agency, r.year, p.rule, SEVERITY[p.severity], p.where,
                                                 _shown(p.expected), _shown(p.actual), p.message, r.file]))
    kinds = ["text", "year", "text", "code", "text", "number", "number", "text", "text"]
    listing(ws, styles, columns, rows, kinds=kinds, wrap=(4, 7))
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)


def _shown(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return None if value is None else str(value)


def years(ws, styles: Styles, result: AuditResult) -> None:
    f = styles.base
    fixed = [("机关", 26), ("上年度", 7), ("本年度", 7), ("跨年度校验", 10), ("跨年度问题", 60), ("本年文件", 30),
             ("上年文件", 30)]
    for col, (name, width) in enumerate(fixed):
        ws.merge_range(0, col, 1, col, name, f.header)
        ws.set_column(col, col, width)
    col = len(fixed)
    for name in COMPARED:
        ws.merge_range(0, col, 0, col + 2, FIGURE_LABELS[name], f.header)
        for i, sub in enumerate(("上年", "本年", "变化")):
            ws.write_string(1, col + i, sub, f.header)
        ws.set_column(col, col + 2, 8)
        col += 3
    row = 2
    for p in result.pairs:
        verdict = p.verdict
        detail = "\n".join(x.message for x in p.problems) or "通过"
        if p.warnings:
            detail += "\n" + "\n".join(f"注意：{w}" for w in p.warnings)
        notes = p.figure_notes
        for name, both in notes.items():
            for text, label in ((both.last, "上年"), (both.this, "本年")):
                if text:
                    detail += f"\n注意：{label}“{FIGURE_LABELS[name]}”：{text}（表中照印出的数字列出）"
        agency = p.agency if not p.by_variant else f"{p.agency}（上年：{p.last_agency}）"
        values = [agency, p.last_year, p.year, verdict, detail, p.file, p.last_file]
        for name in COMPARED:
            last, this = p.figures[name].last, p.figures[name].this
            values += [last, this, None if last is None or this is None else _round(this - last)]
        kinds = ["text", "year", "year", "code", "text", "text", "text"] + ["number"] * (3 * len(COMPARED))
        for c, value in enumerate(values):
            kind = kinds[c] if isinstance(value, (int, float)) or kinds[c] == "code" else "text"
            put(ws, row, c, value, styles.cell(verdict, kind, wrap=c == 4))
        for i, name in enumerate(COMPARED):
            side = notes.get(name)
            for k, text in enumerate((side.last, side.this) if side else ()):
                if text:
                    ws.write_comment(row, len(fixed) + 3 * i + k, f"{FIGURE_LABELS[name]}：{text}（此处照印出的数字列出）")
        row += 1
    ws.autofilter(1, 0, max(row - 1, 2), col - 1)
    ws.set_paper(A3)
    ws.freeze_panes(2, 1)
    if not result.pairs:
        ws.write_string(row + 1, 0, "没有可逐年对比的报告：需要同一机关相邻两年的报告（放在同一文件夹，或用 --previous-dir）", f.hint)
    for i, note in enumerate(result.pair_notes):
        ws.write_string(row + 2 + i, 0, note, f.hint)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)


def _round(value: float) -> float:
    return round(value, 6) if isinstance(value, float) else value


def series(ws, styles: Styles, result: AuditResult) -> None:
    """历年: every report read, by unit and year (a unit's whole series; filter on 单位)."""
    columns = [("单位", 28), ("年度", 7), ("报告中的机关", 28), ("审查", 10), ("结论", 9), ("错误", 6), ("警告", 6),
               *((FIGURE_LABELS[name], 10) for name in COMPARED), ("文件", 36)]
    kinds = ["text", "year", "text", "code", "code", "int", "int", *(["number"] * len(COMPARED)), "text"]
    rows = [(e.verdict, [e.unit, e.year, e.agency or UNKNOWN_AGENCY, "本次审查" if e.under_review else "只用于对比",
                         e.verdict, e.errors, e.warnings, *(e.figures.get(name) for name in COMPARED), e.file])
            for e in result.series]
    listing(ws, styles, columns, rows, kinds=kinds)
    wide_list(ws)


def roster(ws, styles: Styles, result: AuditResult) -> None:
    columns = [("类别", 12), ("名单中的单位", 34), ("报告中的机关", 34), ("文件", 40), ("说明", 50)]
    verdicts = {"未报送": VERDICT_ERRORS, "名单外": VERDICT_WARNINGS, "名称不一致": VERDICT_WARNINGS,
                "多份报告": VERDICT_WARNINGS, UNKNOWN_AGENCY: VERDICT_WARNINGS}
    rows = [(verdicts[x.kind], [x.kind, x.unit, x.agency, x.file, x.note])
            for x in (result.roster.rows if result.roster else [])]
    end = listing(ws, styles, columns, rows)
    if not rows:
        ws.write_string(end + 1, 0, f"名单中的单位都已报送 {result.roster_year} 年度的报告，也没有名单外的报告。",
                        styles.base.hint)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)


TOTALS_COLUMNS = [("年度", 7), ("格式", 7), ("表", 12), ("项目", 70), ("数据项（key）", 40), ("合计", 12),
                  ("计入报告数", 10), ("缺项报告数", 10)]


def totals(ws, styles: Styles, result: AuditResult) -> None:
    f = styles.base
    ws.write_string(0, 0, "合计：同一年度全部报告逐项相加（表中印出的总计按印出的数相加，其余按各项之和；"
                          "同一机关同一年度只计按文件名排在最前的一份，见“说明”），并对合计数运行同样的校验", f.hint)
    row = 2
    for t in result.totals:
        tally = t.tally
        ws.write_string(row, 0, f"{t.year} 年（{t.format} 版格式，{t.reports} 个报告）合计校验："
                                f"{tally.verdict}（{tally.errors} 个错误，{tally.warnings} 个警告）",
                        f.table_status)
        row += 1
        for p in t.problems:
            verdict = Tally.of([p]).verdict
            put(ws, row, 0, SEVERITY[p.severity], styles.cell(verdict))
            put(ws, row, 1, p.rule, styles.cell(verdict))
            ws.merge_range(row, 2, row, 5, p.message[:MAX_CELL_TEXT], styles.cell(verdict))
            row += 1
        row += 1
    rows = []
    for t in result.totals:
        for v in t.values:
            flag = VERDICT_WARNINGS if v.missing else None
            rows.append((flag, [t.year, t.format, v.table, v.where, v.key, v.total, v.counted, v.missing]))
    kinds = ["year", "code", "text", "text", "text", "number", "int", "int"]
    listing(ws, styles, TOTALS_COLUMNS, rows, first=row, kinds=kinds)
    ws.freeze_panes(row + 1, 0)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
