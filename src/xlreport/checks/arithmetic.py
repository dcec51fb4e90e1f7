"""Arithmetic rules: the cross-sums (勾稽关系) and comparisons declared as `Check`s in the
formats (t3-balance, t3-results-sum, t3-row-sum, t4-sum, the 表二 rules and the
cross-year continuity rules). Python form: `check_arithmetic`; formula form: `check_lines`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from xlreport.checks.cover import inferred
from xlreport.checks.formula import Line
from xlreport.model.report import Problem, jsonable, number_text, problem
from xlreport.model.rules import RULE_BY_ID
from xlreport.model.spec import Check, ReportFormat, Term

if TYPE_CHECKING:  # the workbook's layout: only the formula forms use it, not `check`
    from xlreport.model.layout import Layout


def _total(terms, numbers) -> float | int:
    return sum(t.coef * numbers[t.key] for t in terms)


def run_check(c: Check, numbers: dict[str, Any], can_make_rules: bool) -> tuple[bool | None, Any, Any]:
    """(passed, expected, actual); passed is None when the check is not evaluated."""
    if c.unless_can_make_rules and can_make_rules:
        return None, None, None
    if any(numbers.get(k) is None for k in c.keys):
        return None, None, None
    expected = _total(c.expected, numbers)
    actual = _total(c.actual, numbers)
    ok = {"==": expected == actual, "<=": expected <= actual, ">=": expected >= actual}[c.op]
    return ok, expected, actual


def check_arithmetic(data: dict[str, Any], fmt: ReportFormat, cells: dict[str, str] | None,
                     numbers: dict[str, Any], published: bool = False) -> list[Problem]:
    """Every declared check that fails (a check touching a blank or unusable value is not evaluated).
    `published`: the report was read from a published file (what to correct is the report, not a cell)."""
    out = []
    can_make_rules = data.get("meta.can_make_rules") is True
    for c in fmt.all_checks():
        if c.unless_can_make_rules and published and data.get("meta.can_make_rules") is None:
            continue  # a published report whose agency was not found: whether it may make 规章 is not known
        ok, expected, actual = run_check(c, numbers, can_make_rules)
        if ok is False:
            message = c.message.format(expected=number_text(expected), actual=number_text(actual))
            if c.unless_can_make_rules and inferred("meta.can_make_rules", cells):
                message += ("（本机关“有规章制定权”为“否”是按机关名称推断的，报告中没有写明；"
                            + ("如本机关有规章制定权，请在报告中写明（如在“六、其他需要报告的事项”中说明），并在报告中更正表二中规章的数字）" if published
                               else "如本机关有规章制定权，请在数据文件的“有规章制定权”中更正）"))
            out.append(problem(c.rule, c.keys, message, cells, expected=jsonable(expected), actual=jsonable(actual)))
    return out


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

    def place(line: Line) -> tuple[bool, int]:
        tables = [fmt.field(k).table for k in line.keys]
        return "previous" in tables, order.get(tables[-1], 3)
    return sorted(lines, key=place)


def describe(c: Check) -> str:
    """Where the check looks (the message up to its colon) and what must hold."""
    return f"{c.message.split('：', 1)[0]}：{RULE_BY_ID[c.rule].title}"


