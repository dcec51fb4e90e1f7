"""Value rules (value-missing, value-not-integer, value-negative): each input holds a
proper number for its place. Python form: `model.numbers.evaluate` (which also computes
the totals a file leaves out); formula form: `value_tests` / `value_lines`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from xlreport.checks.formula import Line, blank, ranges, sum_over
from xlreport.model.numbers import MAX_ABS
from xlreport.model.spec import Field, ReportFormat

if TYPE_CHECKING:  # the workbook's layout: only the formula forms use it, not `check`
    from xlreport.model.layout import Layout


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
            each = template.removeprefix("SUM(").removesuffix(")")  # 1 where a cell fails
            first = "MIN(" + ",".join(f"IF(({each.format(r=r)})>0,ROW({r})*1000+COLUMN({r}),10^9)" for r in rs) + ")"
            lines.append(Line(rule, what[rule], keys, sum_over(rs, template), array=True, first=first))
    return lines


