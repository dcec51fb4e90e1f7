"""The numbers of a report: every numeric field's raw value made a number the rules can
use (None where it is blank or unusable, with the value problem that says why), and the
totals a file leaves out computed from their parts. The checks, the workbook, the Word
report, the web page and the audit all read their figures from `evaluate`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from xlreport.model.report import (
    BLANK_CHARS,
    Problem,
    TextNumber,
    is_blank,
    jsonable,
    number_text,
    problem,
    quote,
)
from xlreport.model.spec import Field, ReportFormat

# Whole numbers beyond this lose precision in a spreadsheet (15 significant
# digits) and are never real counts; the native checks use the same bound.
MAX_ABS = 10**12

# Text that a spreadsheet would have taken as a number (half-width digits only).
NUMBER_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


@dataclass
class Evaluation:
    """Numbers usable by rules (None = blank or unusable) plus value problems."""

    numbers: dict[str, float | int | None] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


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
        what = "非数值" if math.isnan(raw) else "无穷大" if raw > 0 else "负无穷大"  # not Python's "nan"/"inf"
        return None, "value-not-integer", f"{f.where}：填写的是{what}，不是有效数字；请填写半角阿拉伯数字，如 5"
    if abs(raw) >= MAX_ABS:
        # still a number to the rules, as to a spreadsheet; as a float, so that sums
        # with other values cannot overflow (beyond 1e308 it is infinite)
        usable = float(raw) if abs(raw) < 1e308 else (math.inf if raw > 0 else -math.inf)
        return usable, "value-not-integer", f"{f.where}：数值 {number_text(raw)} 过大，请核对"
    if f.type != "decimal":
        if isinstance(raw, float):
            if not raw.is_integer():
                return raw, "value-not-integer", f"{f.where}：{number_text(raw)} 不是整数，件数只能填写整数"
            raw = int(raw)
    if raw < 0 and f.type != "signed":
        return raw, "value-negative", f"{f.where}：数值（{number_text(raw)}）不能为负数"
    return raw, None, ""


def evaluate(data: dict[str, Any], fmt: ReportFormat, cells: dict[str, str] | None = None) -> Evaluation:
    """Type-check every numeric field and compute derived values that are absent."""
    ev = Evaluation()
    fields = [f for f in (*fmt.value_fields, *fmt.previous) if f.numeric]

    def number(f: Field) -> float | int | None:
        if f.key in ev.numbers:
            return ev.numbers[f.key]
        raw = data.get(f.key)
        value: float | int | None
        if f.derived and raw is None:  # absent: computed from its parts
            parts = [number(fmt.field(k)) for k in f.derived_from]
            value = None if any(p is None for p in parts) else sum(p for p in parts if p is not None)
        elif is_blank(raw) and not f.required and not f.derived:
            value = None
        else:
            value, rule, message = coerce_number(f, raw)
            if rule:
                ev.problems.append(problem(rule, [f.key], message, cells, actual=jsonable(raw)))
        ev.numbers[f.key] = value
        return value

    for f in fields:
        number(f)
    return ev
