"""The rule engine: `check(data, fmt)` over the flat dict of data-model.md.

It never raises on bad data; every finding is a `Problem`. Rules that touch a
blank or unusable value are not evaluated (the blank itself is reported).
Derived values present in the data are checked against their parts; absent
ones are computed. The same `Check` declarations become native formulas in the
workbook, so the evaluation here mirrors what those formulas can see:
a value takes part in arithmetic when it is a number.
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field
from typing import Any

from .rules import severity
from .spec import Check, Field, ReportFormat

# Whole numbers beyond this lose precision in a spreadsheet (15 significant
# digits) and are never real counts; the native checks use the same bound.
MAX_ABS = 10**12

# Words that mean "nothing to report" in section 五 (common-errors.md E14).
EMPTY_TEXT = {"", "无", "无。", "无.", "暂无", "暂无。"}


@dataclass(frozen=True)
class Problem:
    rule: str
    severity: str
    keys: tuple[str, ...]
    message: str
    cells: tuple[str, ...] = ()
    expected: Any = None
    actual: Any = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "keys": list(self.keys),
            "cells": list(self.cells),
            "expected": self.expected,
            "actual": self.actual,
            "message": self.message,
        }


def problem(rule: str, keys, message: str, cells: dict[str, str] | None = None, **kw) -> Problem:
    keys = tuple(keys)
    where = tuple(cells[k] for k in keys if cells and k in cells)
    return Problem(rule, severity(rule), keys, message, where, **kw)


@dataclass
class Evaluation:
    """Numbers usable by rules (None = blank or unusable) plus value problems."""

    numbers: dict[str, float | int | None] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip() == "")


def quote(raw: Any) -> str:
    kind = type(raw).__name__
    if kind == "CellError":  # workbook.CellError: an error value shown in the cell
        return f"错误值 {raw}"
    if kind == "Uncalculated":  # workbook.Uncalculated: a formula never calculated
        return f"未计算的公式“{raw}”（请在 Excel 或 WPS 中打开、保存后再检查）"
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, (_dt.date, _dt.datetime)):
        return f"日期 {raw.isoformat()}"
    text = str(raw)
    if len(text) > 20:
        text = text[:20] + "…"
    return f"“{text}”"


def coerce_number(f: Field, raw: Any) -> tuple[float | int | None, str | None, str]:
    """(number for rules or None, rule id of the problem or None, message)."""
    if is_blank(raw):
        return None, "value-missing", f"{f.where}：未填写，没有的请填 0"
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        if f.type == "decimal":
            return None, "value-not-integer", f"{f.where}：{quote(raw)}不是数字，请填写金额数字（单位：{f.unit or '见表头'}），如 12.5"
        return None, "value-not-integer", f"{f.where}：{quote(raw)}不是整数，请只填写半角阿拉伯数字，如 5"
    if isinstance(raw, float) and not math.isfinite(raw):
        return None, "value-not-integer", f"{f.where}：{quote(raw)}不是有效数字"
    if abs(raw) >= MAX_ABS:
        return raw, "value-not-integer", f"{f.where}：数值 {raw:g} 过大，请核对"
    if f.type != "decimal":
        if isinstance(raw, float):
            if not raw.is_integer():
                return raw, "value-not-integer", f"{f.where}：{raw:g} 不是整数，件数只能填写整数"
            raw = int(raw)
    if raw < 0 and f.type != "signed":
        return raw, "value-negative", f"{f.where}：数值（{raw:g}）不能为负数"
    return raw, None, ""


def evaluate(data: dict[str, Any], fmt: ReportFormat, cells: dict[str, str] | None = None) -> Evaluation:
    """Type-check every numeric field and compute derived values that are absent."""
    ev = Evaluation()
    fields = [f for f in (*fmt.value_fields, *fmt.previous) if f.numeric]

    def number(f: Field) -> float | int | None:
        if f.key in ev.numbers:
            return ev.numbers[f.key]
        raw = data.get(f.key)
        if f.derived and raw is None:  # absent: computed from its parts
            parts = [number(fmt.field(k)) for k in f.derived_from]
            value = None if any(p is None for p in parts) else sum(parts)
        elif is_blank(raw) and not f.required and not f.derived:
            value = None
        else:
            value, rule, message = coerce_number(f, raw)
            if rule:
                ev.problems.append(problem(rule, [f.key], message, cells, actual=_jsonable(raw)))
        ev.numbers[f.key] = value
        return value

    for f in fields:
        number(f)
    return ev


def _jsonable(raw: Any) -> Any:
    if raw is None or isinstance(raw, (bool, int, str)):
        return raw
    if isinstance(raw, float):
        return raw if math.isfinite(raw) else str(raw)
    return str(raw)


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


def check(data: dict[str, Any], fmt: ReportFormat, cells: dict[str, str] | None = None) -> list[Problem]:
    """Every problem of one report. `data` is the flat dict (meta.*, values, text.*, previous.*)."""
    problems = check_meta(data, fmt, cells)
    ev = evaluate(data, fmt, cells)
    problems += ev.problems
    can_make_rules = data.get("meta.can_make_rules") is True
    for c in fmt.all_checks():
        ok, expected, actual = run_check(c, ev.numbers, can_make_rules)
        if ok is False:
            message = c.message.format(expected=_fmt(expected), actual=_fmt(actual))
            problems.append(problem(c.rule, c.keys, message, cells, expected=expected, actual=actual))
    problems += check_text(data, fmt, cells)
    problems += check_prose_figures(data, fmt, cells, ev.numbers)
    return problems


def _fmt(n: Any) -> str:
    return f"{n:g}" if isinstance(n, float) else str(n)


def check_meta(data: dict[str, Any], fmt: ReportFormat, cells: dict[str, str] | None) -> list[Problem]:
    out = []
    agency = data.get("meta.agency")
    if is_blank(agency):
        out.append(problem("meta-missing", ["meta.agency"], "封面“机关全称”未填写，请填写报告标题中的机关全称", cells))
    year = data.get("meta.year")
    if isinstance(year, float) and year.is_integer():
        year = int(year)
    if is_blank(year):
        out.append(problem("meta-missing", ["meta.year"], "封面“报告年度”未填写，请填写四位数年份，如 2024", cells))
    elif isinstance(year, bool) or not isinstance(year, int) or not 2008 <= year <= 2100:
        out.append(problem("meta-invalid", ["meta.year"], f"封面“报告年度”{quote(year)}不是有效年份，请填写四位数年份，如 2024",
                           cells, actual=_jsonable(year)))
    elif not fmt.covers(year):
        right = "2019" if year <= 2020 else "2021"
        out.append(problem(
            "format-version", ["meta.year"],
            f"报告年度为 {year} 年，应使用 {right} 版格式，但本文件是 {fmt.version} 版格式（{fmt.source}），"
            f"请用 xlreport new --year {year} 生成正确版本的工作簿后重新填写",
            cells, expected=right, actual=fmt.version))
    for f in fmt.meta_fields:
        if f.type in ("choice", "bool"):
            raw = data.get(f.key)
            allowed = [v for v, _ in f.choices]
            if raw is not None and (type(raw) is not type(allowed[0]) or raw not in allowed):
                labels = "、".join(label for _, label in f.choices)
                out.append(problem("meta-invalid", [f.key], f"{f.where}：{quote(raw)}不是可选值，请选择{labels}之一",
                                   cells, actual=_jsonable(raw)))
    return out


def check_text(data: dict[str, Any], fmt: ReportFormat, cells: dict[str, str] | None) -> list[Problem]:
    out = []
    problems_text = data.get("text.problems")
    if not isinstance(problems_text, str) or problems_text.strip() in EMPTY_TEXT:
        out.append(problem("text-missing", ["text.problems"],
                           "“五、存在的主要问题及改进情况”为空或只写了“无”，请写明本机关存在的主要问题和改进措施", cells))
    if fmt.has("fee.count"):
        other = data.get("text.other")
        fee_given = not is_blank(data.get("fee.count")) or not is_blank(data.get("fee.amount_yuan"))
        if not fee_given and not (isinstance(other, str) and "信息处理费" in other):
            out.append(problem("text-missing", ["fee.count", "fee.amount_yuan", "text.other"],
                               "“六、其他需要报告的事项”未说明信息处理费情况，请填写收取信息处理费的申请件数和金额"
                               "（未收取的填 0）", cells))
    return out


def check_prose_figures(data: dict[str, Any], fmt: ReportFormat, cells: dict[str, str] | None,
                        numbers: dict[str, Any]) -> list[Problem]:
    from .prose import figure_problems

    out = []
    for text_key, label, phrase, quoted, readings, keys, names in figure_problems(data, numbers, fmt):
        right = "或".join(_fmt(r) for r in dict.fromkeys(readings))
        out.append(problem("text-figures", (text_key, *keys),
                           f"“{label}”中写“{phrase}”，与{names}（{right}）不一致，请核对：报告正文与表格应当一致",
                           cells, expected=readings[0], actual=quoted))
    return out


def has_errors(problems: list[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)
