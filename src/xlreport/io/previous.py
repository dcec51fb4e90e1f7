"""Last year's report: its figures as this year's `previous.*` keys for the cross-year rules,
its texts for text-repeated, the prefill of a new workbook, and what a person must know
about it (another agency's, or blank).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

from xlreport.checks.crossyear import carried_totals
from xlreport.checks.repeated import PREVIOUS_TEXT
from xlreport.model.numbers import evaluate
from xlreport.errors import InputError
from xlreport.model.report import Report
from xlreport.model.spec import ReportFormat


def previous_values(last: Report, fmt: ReportFormat, this_year: Any = None) -> dict[str, Any]:
    """Last year's report as this year's `previous.*` keys.

    Only keys that exist in both versions carry over, so across the 2020→2021
    format change only table 三's carry-over applies (format.md §4.3 R2.8).
    Refuses a report that is not of the year before `this_year`.
    """
    last_year = last.data.get("meta.year")
    if isinstance(this_year, int) and isinstance(last_year, int) and last_year != this_year - 1:
        raise InputError(f"上年数据“{Path(last.path).name}”是 {last_year} 年的报告，不是 {this_year} 年的上一年，请核对")
    numbers = evaluate(last.data, last.fmt).numbers
    out: dict[str, Any] = {}
    for f in fmt.previous:
        source = f.source
        if last.fmt.has(source) and numbers.get(source) is not None:
            out[f.key] = numbers[source]
    return out


def previous_warnings(data: dict[str, Any], fmt: ReportFormat, last: Report, name: str,
                      given: dict[str, Any] | None = None) -> list[str]:
    """What a person must know about last year's report before trusting the cross-year
    rules: it is another agency's, or it has none of the figures those rules compare
    (a blank workbook turns them off). `name` is this report's file."""
    out = []
    this_agency, last_agency = data.get("meta.agency"), last.data.get("meta.agency")
    last_name = Path(last.path).name
    if (isinstance(this_agency, str) and isinstance(last_agency, str) and _agency(this_agency) and _agency(last_agency)
            and _agency(this_agency) != _agency(last_agency)):
        this = f"“{Path(name).name}”" if name else "本报告"
        out.append(f"上年数据“{last_name}”是“{last_agency.strip()}”的报告，与{this}的机关"
                   f"“{this_agency.strip()}”不同；请核对 --previous 是否是本机关上一年的报告")
    sources = [f.source for f in fmt.previous]
    inputs = [k for k in sources if last.fmt.has(k) and not last.fmt.field(k).derived]  # the figures typed in
    if given is None:
        given = previous_values(last, fmt, data.get("meta.year"))
    missing = [k for k in inputs if f"previous.{k}" not in given]
    if inputs and not given:
        out.append(f"上年数据“{last_name}”中没有填写数字（是空白的工作簿或数据文件？），跨年度校验未进行；"
                   f"请用填好的上年报告作为 --previous")
    elif missing:
        out.append(f"上年数据“{last_name}”中有 {len(missing)} 项数字未填写或不是数字，"
                   f"与这些数字有关的跨年度校验未进行")
    return out


def _agency(name: str) -> str:
    """An agency name for comparison: full-width letters, digits and brackets as half-width
    (NFKC), without any space."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def attach_previous(report: Report, last: Report) -> list[str]:
    """Add last year's figures to `report`, and last year's texts under private keys
    (repeated.PREVIOUS_TEXT + text key: read by rule text-repeated, declared by no format,
    so never written to a file); returns the warnings of `previous_warnings`."""
    given = previous_values(last, report.fmt, report.data.get("meta.year"))
    report.data.update(given)
    report.data.update({PREVIOUS_TEXT + t.key: last.data[t.key] for t in last.fmt.texts
                        if isinstance(last.data.get(t.key), str)})
    report.data.update(carried_totals(evaluate(last.data, last.fmt).numbers, last.fmt, report.fmt))
    return previous_warnings(report.data, report.fmt, last, report.path, given)


def prefill_from_previous(data: dict[str, Any], fmt: ReportFormat, last: Report, name: str = "") -> list[str]:
    """Fill 上年数据 from last year's report, and this year's opening figures where still
    blank: every cross-year check that fixes one of this year's values from last year's
    alone (二、上年结转 = last year's 四、结转下年度继续办理; V2019 上一年项目数量 = last
    year's 上一年项目数量 + 本年增/减) gives that value. The cover (机关全称, 机关类型, 有规章制定权,
    the contact details) is carried over where this year's is still blank. Returns the
    warnings of `previous_warnings`."""
    prev = previous_values(last, fmt, data.get("meta.year"))
    data.update(prev)
    for f in fmt.meta_fields:
        if f.key != "meta.year" and data.get(f.key) in (None, "") and last.data.get(f.key) not in (None, ""):
            data[f.key] = last.data[f.key]
    for c in fmt.all_checks():
        if len(c.actual) != 1 or not all(fmt.field(t.key).table == "previous" for t in c.expected):
            continue
        target = c.actual[0].key
        if data.get(target) is None and all(t.key in prev for t in c.expected):
            data[target] = sum(t.coef * prev[t.key] for t in c.expected)
    return previous_warnings(data, fmt, last, name, prev)
