"""The rules a second time, as native spreadsheet formulas for the 校验 sheet.

Each `Line` is one rule instance (or, for the value rules, one group of input
cells); its `count` formula gives how many failures it contributes. The same
line can be evaluated in Python (`python_count`) from the checker's problems,
which is how the differential tests compare both engines line by line.

Formulas use only functions that Excel, WPS, LibreOffice and Gnumeric share
(SUM, SUMIF, COUNT, IF, ISNUMBER, ISERROR, ISLOGICAL, LEN, TRIM, SUBSTITUTE, CHAR,
INT, ABS, SEARCH, AND, OR). Conditions over ranges are array formulas, which all
of them evaluate element by element.
"""

from __future__ import annotations

from dataclasses import dataclass

from xlreport.checks.engine import (
    ACCOUNTABILITY_WORDS,
    BLANK_CHARS,
    EMPTY_TEXT,
    FEE_WORD,
    FIRST_YEAR,
    GOVERNMENT,
    LAST_YEAR,
    MAX_ABS,
    accountability_requirement,
    overview_requirements,
)
from xlreport.workbook.layout import Layout, Pos
from xlreport.model.rules import RULE_BY_ID
from xlreport.model.spec import Check, Field, ReportFormat, Term


@dataclass(frozen=True)
class Line:
    rule: str
    description: str  # Chinese, shown on the 校验 sheet
    keys: tuple[str, ...]
    count: str  # formula (without "=") giving the number of failures
    array: bool = False  # write as an array formula
    expected: str = ""  # formulas shown beside arithmetic checks
    actual: str = ""
    not_evaluated: str = ""  # formula: TRUE when the check cannot be evaluated
    not_applicable: str = ""  # formula: TRUE when the check does not apply
    check: Check | None = None  # the declaration behind an arithmetic line

    @property
    def severity(self) -> str:
        return RULE_BY_ID[self.rule].severity


def ranges(positions: list[Pos]) -> list[str]:
    """Group cells of one sheet into as few rectangular ranges as is simple:
    runs of consecutive cells in a row, then equal runs in consecutive rows."""
    by_row: dict[int, list[int]] = {}
    for p in positions:
        by_row.setdefault(p.row, []).append(p.col)
    runs: list[tuple[int, int, int]] = []  # (row, first col, last col)
    for row in sorted(by_row):
        cols = sorted(by_row[row])
        start = prev = cols[0]
        for c in cols[1:]:
            if c != prev + 1:
                runs.append((row, start, prev))
                start = c
            prev = c
        runs.append((row, start, prev))
    blocks: list[list[int]] = []  # [first row, last row, first col, last col]
    for row, c0, c1 in runs:
        for b in blocks:
            if b[1] == row - 1 and b[2] == c0 and b[3] == c1:
                b[1] = row
                break
        else:
            blocks.append([row, row, c0, c1])
    sheet = positions[0].sheet
    out = []
    for r0, r1, c0, c1 in blocks:
        a, b = Pos(sheet, r0, c0), Pos(sheet, r1, c1)
        out.append(a.ref if a == b else f"{a.ref}:{b.ref.split('!')[1]}")
    return out


def spaced(x: str) -> str:
    """x with every character of checks.BLANK_CHARS but the space turned into a space, so
    that TRIM treats as blank exactly what the Python checker does."""
    for ch in BLANK_CHARS:
        if ch != " ":
            x = f'SUBSTITUTE({x},{_char(ch)}," ")'
    return x


def _char(ch: str) -> str:
    return f"CHAR({ord(ch)})" if ord(ch) < 128 else f'"{ch}"'  # CHAR() covers ASCII everywhere


def blank(x: str) -> str:
    return f"LEN(TRIM({spaced(x)}))=0"


def _sum_over(ranges_: list[str], template: str) -> str:
    return "+".join(template.format(r=r) for r in ranges_)


def value_tests(vtype: str, required: bool) -> dict[str, str]:
    """Per value rule, a formula template counting the failing cells of a range {r}:
    an array formula over a range on the 校验 sheet, a plain formula over one cell in
    the tables' conditional formats."""
    big = f"{MAX_ABS:.0E}".replace("+", "")
    tests = {}
    if required:
        tests["value-missing"] = "SUM(IF(ISERROR({r}),0,IF(%s,1,0)))" % blank("{r}")
    if vtype == "decimal":
        bad = "IF(ISNUMBER({r}),IF(ABS({r})>=%s,1,0),1)" % big
    else:
        bad = "IF(ISNUMBER({r}),IF(ABS({r})>=%s,1,IF({r}<>INT({r}),1,0)),1)" % big
    tests["value-not-integer"] = "SUM(IF(ISERROR({r}),1,IF(%s,0,%s)))" % (blank("{r}"), bad)
    if vtype != "signed":
        whole, close = ("", "") if vtype == "decimal" else ("IF({r}<>INT({r}),0,", ")")
        tests["value-negative"] = "SUM(IF(ISNUMBER({r}),IF({r}<0,IF(ABS({r})>=%s,0,%s1%s),0),0))" % (big, whole, close)
    return tests


def value_lines(fmt: ReportFormat, layout: Layout) -> list[Line]:
    """value-missing / value-not-integer / value-negative, per sheet and value type."""
    lines: list[Line] = []
    groups: dict[tuple[str, str, bool], list[Field]] = {}
    for f in (*fmt.value_fields, *fmt.previous):
        if f.numeric and not f.derived:
            groups.setdefault((layout.positions[f.key].sheet, f.type, f.required), []).append(f)
    for (sheet, vtype, required), fields in groups.items():
        keys = tuple(f.key for f in fields)
        rs = ranges([layout.positions[k] for k in keys])
        kind = {"int": "整数（≥0）", "signed": "整数（可为负）", "decimal": "金额"}[vtype]
        what = {"value-missing": f"{sheet}：{kind}输入格未填写的个数",
                "value-not-integer": f"{sheet}：{kind}输入格中不是{'数字' if vtype == 'decimal' else '整数'}的个数",
                "value-negative": f"{sheet}：{kind}输入格中为负数的个数"}
        for rule, template in value_tests(vtype, required).items():
            lines.append(Line(rule, what[rule], keys, _sum_over(rs, template), array=True))
    return lines


def _linear(terms: tuple[Term, ...], layout: Layout) -> str:
    if not terms:
        return "0"
    out = ""
    for t in terms:
        ref = layout.positions[t.key].ref
        out += ("-" if t.coef < 0 else ("+" if out else "")) + ref
    return out


def check_lines(fmt: ReportFormat, layout: Layout, can_make_rules_ref: str) -> list[Line]:
    lines = []
    for c in fmt.all_checks():
        refs = [layout.positions[k].ref for k in c.keys]
        exp, act = _linear(c.expected, layout), _linear(c.actual, layout)
        cond = f"({exp}){'=' if c.op == '==' else c.op}({act})"
        not_eval = f"COUNT({','.join(refs)})<{len(refs)}"
        # only 是 makes a rule not apply; an error value there is not 是 (as in the checker)
        not_appl = f'IF(ISERROR({can_make_rules_ref}),FALSE,{can_make_rules_ref}="是")' if c.unless_can_make_rules else ""
        count = f"IF({not_eval},0,IF({cond},0,1))"
        if not_appl:
            count = f"IF({not_appl},0,{count})"
        lines.append(Line(c.rule, describe(c), c.keys, count, expected=exp, actual=act,
                          not_evaluated=not_eval, not_applicable=not_appl, check=c))
    # the 校验 sheet reads table by table: 表二, 表三, 表四, then last year's comparisons
    order = {"t2": 0, "t3": 1, "t4": 2}
    return sorted(lines, key=lambda line: (any(k.startswith("previous.") for k in line.keys),
                                           order.get(line.keys[-1].split(".")[0], 3)))


def describe(c: Check) -> str:
    """Where the check looks (the message up to its colon) and what must hold."""
    return f"{c.message.split('：', 1)[0]}：{RULE_BY_ID[c.rule].title}"


def meta_lines(fmt: ReportFormat, layout: Layout) -> list[Line]:
    p = layout.positions
    agency, year = p["meta.agency"].ref, p["meta.year"].ref
    valid_year = f"AND({year}=INT({year}),{year}>={FIRST_YEAR},{year}<={LAST_YEAR})"
    last = fmt.last_year or LAST_YEAR
    # An error value in a cover cell is meta-invalid (as in the checker, which reads it as
    # checks.CellError), never blank and never a valid choice.
    lines = [
        Line("meta-missing", "封面“机关全称”应填写", ("meta.agency",),
             f"IF(ISERROR({agency}),0,IF({blank(agency)},1,0))"),
        Line("meta-missing", "封面“报告年度”应填写", ("meta.year",),
             f"IF(ISERROR({year}),0,IF({blank(year)},1,0))"),
        Line("meta-invalid", "封面“报告年度”应为有效年份", ("meta.year",),
             f"IF(ISERROR({year}),1,IF({blank(year)},0,IF(ISNUMBER({year}),IF({valid_year},0,1),1)))"),
        Line("format-version", f"报告年度应在本工作簿格式（{fmt.version} 版）的适用年度内", ("meta.year",),
             f"IF(ISNUMBER({year}),IF({valid_year},IF(AND({year}>={fmt.first_year},{year}<={last}),0,1),0),0)"),
    ]
    for f in fmt.fields:
        if f.type not in ("choice", "bool"):
            continue
        ref = p[f.key].ref
        options = ",".join(f'{ref}="{label}"' for _, label in f.choices)
        if f.table == "meta":
            rule, what = "meta-invalid", f"{f.where}应为可选值之一"
        else:
            rule, what = "value-not-choice", f"{f.where}应从下拉列表中选择"
            lines.append(Line("value-missing", f"{f.where}应选择", (f.key,),
                              f"IF(ISERROR({ref}),0,IF({blank(ref)},1,0))"))
        lines.append(Line(rule, what, (f.key,), f"IF(ISERROR({ref}),1,IF({blank(ref)},0,IF(OR({options}),0,1)))"))
    for f in fmt.meta_fields:  # text cells (机关全称, the contact details): no error value, no TRUE/FALSE
        if f.type == "text":
            ref = p[f.key].ref
            lines.append(Line("meta-invalid", f"{f.where}应为文字（不能是错误值或 TRUE/FALSE）", (f.key,),
                              f"IF(OR(ISERROR({ref}),ISLOGICAL({ref})),1,0)"))
    for key, label, _ in overview_requirements(fmt):
        keys = key if isinstance(key, tuple) else (key,)
        empty_all = ",".join(blank(p[k].ref) for k in keys)
        lines.append(Line("text-missing", f"“一、总体情况”{'' if len(keys) > 1 else '的“' + label + '”'}应有内容",
                          keys, f"IF(AND({empty_all}),1,0)"))
    problems = p["text.problems"].ref
    trimmed = f"TRIM({spaced(problems)})"
    empty = ",".join(f'{trimmed}="{w}"' for w in sorted(EMPTY_TEXT) if w)
    lines.append(Line("text-missing", "“五、存在的主要问题及改进情况”应写明问题和改进措施", ("text.problems",),
                      f"IF(ISERROR({problems}),1,IF(OR({blank(problems)},{empty}),1,0))"))
    keys, _ = accountability_requirement(fmt)
    kind = p["meta.agency_kind"].ref
    government = dict(fmt.field("meta.agency_kind").choices)[GOVERNMENT]
    absent = ",".join(f'ISERROR(SEARCH("{w}",{p[k].ref}))' for k in keys[1:] for w in ACCOUNTABILITY_WORDS)
    said = "、".join(f"“{w}”" for w in ACCOUNTABILITY_WORDS)
    lines.append(Line("text-missing", f"机关类型为{government}时，正文应写明工作考核、社会评议和责任追究结果"
                      f"（出现{said}之一）", keys,
                      f'IF(ISERROR({kind}),0,IF(AND({kind}="{government}",{absent}),1,0))'))
    if fmt.has("fee.count"):
        count, amount, other = p["fee.count"].ref, p["fee.amount_yuan"].ref, p["text.other"].ref
        lines.append(Line(
            "text-missing", "“六、其他需要报告的事项”应说明信息处理费情况", ("fee.count", "fee.amount_yuan", "text.other"),
            f'IF(AND({blank(count)},{blank(amount)},ISERROR(SEARCH("{FEE_WORD}",{other}))),1,0)'))
        lines.append(Line(
            "fee-consistency", "信息处理费的件数和金额应同时填写，且同为 0 或同不为 0", ("fee.count", "fee.amount_yuan"),
            f"IF(AND({blank(count)},{blank(amount)}),0,IF(OR({blank(count)},{blank(amount)}),1,"
            f"IF(AND(ISNUMBER({count}),ISNUMBER({amount})),IF(({count}=0)<>({amount}=0),1,0),0)))"))
    return lines


def all_lines(fmt: ReportFormat, layout: Layout) -> list[Line]:
    can_make_rules = layout.positions["meta.can_make_rules"].ref
    return meta_lines(fmt, layout) + value_lines(fmt, layout) + check_lines(fmt, layout, can_make_rules)


def python_count(line: Line, problems) -> int:
    """How many of the Python checker's problems fall on this line."""
    if line.rule.startswith("value-"):  # a group of cells: every problem on one of them
        keys = set(line.keys)
        return sum(1 for p in problems if p.rule == line.rule and p.keys[0] in keys)
    return sum(1 for p in problems if p.rule == line.rule and tuple(p.keys) == line.keys)
