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
import re
from dataclasses import dataclass, field
from typing import Any

from xlreport.model.formats import FIRST_YEAR, format_for_year
from xlreport.model.rules import severity
from xlreport.model.spec import Check, Field, ReportFormat

# Whole numbers beyond this lose precision in a spreadsheet (15 significant
# digits) and are never real counts; the native checks use the same bound.
MAX_ABS = 10**12

# Words that mean "nothing to report" in section 五 (common-errors.md E14).
EMPTY_TEXT = {"", "无", "无。", "无.", "暂无", "暂无。", "无其他需要报告的事项。"}
FEE_WORD = "信息处理费"  # what a 六 that speaks of the fees contains
# 条例 第五十条第（四）项: 各级人民政府的年度报告还应当包括工作考核、社会评议和责任追究结果情况
# (30号 format, 一、总体情况: part of 监督保障). A government's report that uses none of these
# words in any of its texts says nothing of it. 追究 covers both 责任追究 and 追究责任.
ACCOUNTABILITY_WORDS = ("考核", "评议", "追究")
GOVERNMENT = "government"  # meta.agency_kind of 各级人民政府


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


# What counts as "nothing typed": the native formulas turn exactly these into
# spaces before TRIM, so both engines agree on what is blank.
BLANK_CHARS = " \t\r\n\u3000"


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip(BLANK_CHARS) == "")


class CellError(str):
    """An error value (#REF!, #DIV/0! …) read from a workbook where a value belongs."""


class Uncalculated(str):
    """A formula read from a workbook whose result was never calculated (written by a program)."""


class TextNumber(str):
    """A number read from a workbook cell that holds it as text (the cell was formatted as
    text before the number was typed, or the number was pasted as text)."""


# Text that a spreadsheet would have taken as a number (half-width digits only).
NUMBER_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def quote(raw: Any) -> str:
    if isinstance(raw, CellError):
        return f"错误值 {raw}"
    if isinstance(raw, Uncalculated):
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
        if isinstance(raw, TextNumber):
            return None, "value-not-integer", (f"{f.where}：{quote(raw)}是以文本形式保存的数字（该格被设置成了“文本”格式），"
                                               f"不参与计算；请把该格设置为“数值”或“常规”格式后重新输入这个数")
        if isinstance(raw, str) and NUMBER_TEXT.fullmatch(raw.strip(BLANK_CHARS)):
            return None, "value-not-integer", (f"{f.where}：{quote(raw)}是文字而不是数字（数据文件中加了引号），"
                                               f"请去掉引号，写成数字")
        if f.type == "decimal":
            return None, "value-not-integer", f"{f.where}：{quote(raw)}不是数字，请填写金额数字（单位：{f.unit or '见表头'}），如 12.5"
        return None, "value-not-integer", f"{f.where}：{quote(raw)}不是整数，请只填写半角阿拉伯数字，如 5"
    if isinstance(raw, float) and not math.isfinite(raw):
        return None, "value-not-integer", f"{f.where}：{quote(raw)}不是有效数字"
    if abs(raw) >= MAX_ABS:
        # still a number to the rules, as to a spreadsheet; as a float, so that sums
        # with other values cannot overflow (beyond 1e308 it is infinite)
        usable = float(raw) if abs(raw) < 1e308 else (math.inf if raw > 0 else -math.inf)
        return usable, "value-not-integer", f"{f.where}：数值 {_fmt(raw)} 过大，请核对"
    if f.type != "decimal":
        if isinstance(raw, float):
            if not raw.is_integer():
                return raw, "value-not-integer", f"{f.where}：{_fmt(raw)} 不是整数，件数只能填写整数"
            raw = int(raw)
    if raw < 0 and f.type != "signed":
        return raw, "value-negative", f"{f.where}：数值（{_fmt(raw)}）不能为负数"
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
    """A value that strict JSON can carry: huge integers and inf/nan become text."""
    if raw is None or isinstance(raw, (bool, str)):
        return raw
    if isinstance(raw, int):
        return raw if abs(raw) < 10**15 else _fmt(raw)
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
            problems.append(problem(c.rule, c.keys, message, cells, expected=_jsonable(expected),
                                    actual=_jsonable(actual)))
    problems += check_text(data, fmt, cells)
    problems += check_prose_figures(data, fmt, cells, ev.numbers)
    problems += check_repeated_text(data, fmt, cells, ev.numbers)
    return problems


def _fmt(n: Any) -> str:
    """A number for a message: never raises, whatever its size."""
    if isinstance(n, float):
        if not math.isfinite(n):
            return str(n)
        if n.is_integer() and abs(n) < 10**15:
            return str(int(n))
        # 15 significant digits, as a spreadsheet shows them: 43.000000001, not the
        # 43.000000001000004 of binary floating point; the exact form where those
        # digits would hide that it is not whole (or in exponent notation)
        text = format(n, ".15g")
        if "e" in text or float(text).is_integer():
            return repr(n)
        return text
    if isinstance(n, int) and abs(n) >= 10**15:
        digits = len(str(abs(n))) if abs(n) < 10**4000 else "数千"
        return f"{'-' if n < 0 else ''}{digits} 位数"
    return str(n)


LAST_YEAR = 2100  # a sanity bound for a typed year


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
    elif isinstance(year, bool) or not isinstance(year, int) or not 1000 <= year <= 9999:
        out.append(problem("meta-invalid", ["meta.year"], f"封面“报告年度”{quote(year)}不是有效年份，请填写四位数年份，如 2024",
                           cells, actual=_jsonable(year)))
    elif not FIRST_YEAR <= year <= LAST_YEAR:
        out.append(problem("meta-invalid", ["meta.year"], f"封面“报告年度”{year_not_covered(year)}", cells, actual=year))
    elif not fmt.covers(year):
        right = format_for_year(year).version
        out.append(problem(
            "format-version", ["meta.year"],
            f"报告年度为 {year} 年，应使用 {right} 版格式，但本文件是 {fmt.version} 版格式（{fmt.source}），"
            f"请用 xlreport new --year {year} 生成正确版本的工作簿后重新填写",
            cells, expected=right, actual=fmt.version))
    for f in fmt.meta_fields:
        raw = data.get(f.key)
        # a text cell holding an error value (#N/A), a formula never calculated or TRUE/FALSE
        # is not text: never taken as a name, nor as blank
        not_text = not isinstance(raw, str) or isinstance(raw, (CellError, Uncalculated))
        if f.type == "text" and raw is not None and not_text:
            out.append(problem("meta-invalid", [f.key], f"{f.where}：{quote(raw)}不是文字，请直接填写{f.label}", cells,
                               actual=_jsonable(raw)))
    out += check_choices(data, fmt, cells)
    return out


def year_not_covered(year: int) -> str:
    """Why there is no format for `year` (shared by the checker and `xlreport new`)."""
    first = format_for_year(FIRST_YEAR)
    return (f"为 {year} 年，不在 {FIRST_YEAR}—{LAST_YEAR} 之间：全国统一的年度报告格式从 {FIRST_YEAR} 年度起施行"
            f"（{first.source.split('《')[0]}），请填写正确的四位数年份")


def check_choices(data: dict[str, Any], fmt: ReportFormat, cells: dict[str, str] | None) -> list[Problem]:
    """Values chosen from a list: the cover's (meta-invalid) and the tables' (value-not-choice)."""
    out = []
    for f in fmt.fields:
        if f.type not in ("choice", "bool"):
            continue
        raw = data.get(f.key)
        allowed = [v for v, _ in f.choices]
        labels = "、".join(label for _, label in f.choices)
        on_cover = f.table == "meta"
        if is_blank(raw):
            if not on_cover and f.required:
                out.append(problem("value-missing", [f.key], f"{f.where}：未选择，请选择{labels}之一", cells))
        elif type(raw) is not type(allowed[0]) or raw not in allowed:
            out.append(problem("meta-invalid" if on_cover else "value-not-choice", [f.key],
                               f"{f.where}：{quote(raw)}不是可选值，请选择{labels}之一", cells, actual=_jsonable(raw)))
    return out


def check_text(data: dict[str, Any], fmt: ReportFormat, cells: dict[str, str] | None) -> list[Problem]:
    out = []
    # 一、总体情况 must say something (30号: 不能遗漏). V2021 prints its five sub-headings
    # always, so each needs its text; V2019 needs some text somewhere in 一.
    for key, label, message in overview_requirements(fmt):
        keys = key if isinstance(key, tuple) else (key,)
        if all(not isinstance(data.get(k), str) or is_blank(data.get(k)) for k in keys):
            out.append(problem("text-missing", keys, message, cells))
    problems_text = data.get("text.problems")
    if not isinstance(problems_text, str) or problems_text.strip(BLANK_CHARS) in EMPTY_TEXT:
        out.append(problem("text-missing", ["text.problems"],
                           "“五、存在的主要问题及改进情况”为空或只写了“无”，请写明本机关存在的主要问题和改进措施", cells))
    if data.get("meta.agency_kind") == GOVERNMENT:
        keys, message = accountability_requirement(fmt)
        texts = [data.get(k) for k in keys[1:]]
        if not any(isinstance(t, str) and word in t for t in texts for word in ACCOUNTABILITY_WORDS):
            out.append(problem("text-missing", keys, message, cells))
    if fmt.has("fee.count"):
        other = data.get("text.other")
        count, amount = data.get("fee.count"), data.get("fee.amount_yuan")
        if is_blank(count) and is_blank(amount):
            if not (isinstance(other, str) and FEE_WORD in other):
                out.append(problem("text-missing", ["fee.count", "fee.amount_yuan", "text.other"],
                                   "“六、其他需要报告的事项”未说明信息处理费情况，请填写收取信息处理费的申请件数和金额"
                                   "（未收取的填 0）", cells))
        elif is_blank(count) or is_blank(amount):
            blank = "申请件数" if is_blank(count) else "金额"
            out.append(problem("fee-consistency", ["fee.count", "fee.amount_yuan"],
                               f"信息处理费只填了一项，“{blank}”未填写；请同时填写收费的申请件数和金额（未收取的都填 0）",
                               cells))
        elif _is_number(count) and _is_number(amount) and (count == 0) != (amount == 0):
            out.append(problem("fee-consistency", ["fee.count", "fee.amount_yuan"],
                               f"信息处理费申请件数为 {_fmt(count)}，金额为 {_fmt(amount)} 元：件数为 0 时金额应为 0，"
                               f"件数大于 0 时金额应大于 0，请核对", cells, expected=_jsonable(count), actual=_jsonable(amount)))
    return out


def overview_requirements(fmt: ReportFormat) -> list[tuple[Any, str, str]]:
    """(key or keys, label, message): the texts of 一 that must not be empty, per version."""
    subs = [t for t in fmt.texts if t.key.startswith("text.overview.")]
    if fmt.version == "2019":
        keys = tuple(t.key for t in fmt.texts if t.key.startswith("text.overview"))
        return [(keys, "一、总体情况", "“一、总体情况”没有内容，请综述本机关的政府信息公开工作")]
    return [(t.key, t.label, f"“一、总体情况”的“{t.label}”没有内容：2021 版格式要求报告这一方面，请填写")
            for t in subs]


def accountability_requirement(fmt: ReportFormat) -> tuple[tuple[str, ...], str]:
    """(keys, message) of a government's report that says nothing of 工作考核、社会评议和责任追究:
    the agency kind, then every text searched for ACCOUNTABILITY_WORDS."""
    labels = {t.key: t.label for t in fmt.texts}
    kind = dict(fmt.field("meta.agency_kind").choices)[GOVERNMENT]
    words = "".join(f"“{w}”" for w in ACCOUNTABILITY_WORDS)
    message = (f"机关类型为“{kind}”，但报告正文各部分都没有出现{words}：条例第五十条要求{kind}的年度报告"
               f"包括工作考核、社会评议和责任追究结果情况，请在“{labels['text.overview']}”的"
               f"“{labels['text.overview.supervision']}”中写明")
    return ("meta.agency_kind", *labels), message


def _is_number(raw: Any) -> bool:
    return isinstance(raw, (int, float)) and not isinstance(raw, bool) and math.isfinite(raw)


def check_prose_figures(data: dict[str, Any], fmt: ReportFormat, cells: dict[str, str] | None,
                        numbers: dict[str, Any]) -> list[Problem]:
    from xlreport.checks.figures import figure_problems

    return [problem("text-figures", (p.text_key, *p.keys), p.message, cells, expected=_jsonable(p.expected),
                    actual=p.quoted)
            for p in figure_problems(data, numbers, fmt)]


def check_repeated_text(data: dict[str, Any], fmt: ReportFormat, cells: dict[str, str] | None,
                        numbers: dict[str, Any]) -> list[Problem]:
    """Rule text-repeated (repeated.py): only when last year's texts are attached."""
    from xlreport.checks.repeated import MIN_CHARS, PREVIOUS_TEXT, SHINGLE, THRESHOLD, repeated_sections

    if not any(PREVIOUS_TEXT + t.key in data for t in fmt.texts):
        return []
    labels = {t.key: t.label for t in fmt.texts}
    return [problem("text-repeated", [r.key],
                    f"“{labels[r.key]}”与上年报告的同一部分内容雷同：本年文字（不计标题、套话和数字，{r.chars} 字）中"
                    f"有 {r.share:.0%} 的 {SHINGLE} 字片段在上年报告中出现过（{THRESHOLD:.0%} 及以上即提示，"
                    f"不足 {MIN_CHARS} 字的部分不比较）；请按本年度的实际工作重写这一部分",
                    cells, expected=THRESHOLD, actual=round(r.share, 3))
            for r in repeated_sections(data, fmt, numbers)]


def has_errors(problems: list[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)
