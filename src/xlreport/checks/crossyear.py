"""Rule `t2-public-total-continuity` (V2019 table 二, needs last year's report): 对外公开总数量 of
规章 and 规范性文件 is a running total, so it cannot grow by more than what was newly published
this year (本年新公开数量): 规章 0 last year, 7 this year with 0 newly published is a slip.

Last year's totals reach the checker under the private keys of last year's texts
(`repeated.PREVIOUS_TEXT` + key, attached by io/previous.py, never written to a file): the
workbook keeps no cell for them, so this rule runs in Python only.
"""

from __future__ import annotations

from typing import Any

from xlreport.checks.repeated import PREVIOUS_TEXT
from xlreport.model.report import Problem, number_text, problem
from xlreport.model.spec import ReportFormat

ITEMS = ("rules", "normative_docs")  # the V2019 items with 本年新公开数量 and 对外公开总数量


def carried_totals(last_numbers: dict[str, Any], last_fmt: ReportFormat, fmt: ReportFormat) -> dict[str, Any]:
    """Last year's 对外公开总数量 as the private keys this rule reads (both years V2019)."""
    out = {}
    for item in ITEMS:
        key = f"t2.{item}.public_total"
        if fmt.has(key) and last_fmt.has(key) and isinstance(last_numbers.get(key), (int, float)):
            out[PREVIOUS_TEXT + key] = last_numbers[key]
    return out


def check_public_total(data: dict[str, Any], fmt: ReportFormat, cells: dict[str, str] | None,
                       numbers: dict[str, Any]) -> list[Problem]:
    out = []
    for item in ITEMS:
        total, published = f"t2.{item}.public_total", f"t2.{item}.published"
        last, now, new = data.get(PREVIOUS_TEXT + total), numbers.get(total), numbers.get(published)
        if not (isinstance(last, (int, float)) and isinstance(now, (int, float)) and isinstance(new, (int, float))):
            continue  # a blank or unusable figure: value-missing says so
        if now - last > new:
            field = fmt.field(total)
            label = field.where.rsplit(" ", 1)[0]
            out.append(problem(
                "t2-public-total-continuity", (total, published),
                f"{label}：对外公开总数量从上年报告的 {number_text(last)} 增加到 {number_text(now)}，"
                f"增加了 {number_text(now - last)}，但本年新公开数量只有 {number_text(new)}；"
                f"请核对对外公开总数量和本年新公开数量（确有原因的请在报告中说明）", cells,
                expected=last + new, actual=now))
    return out
