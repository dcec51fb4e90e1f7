"""What a report is once read, and what checking it finds: `Report`, `Problem`,
`CheckResult`, and the kinds of raw cell values a reader can hand over.

Inside the program a report is one flat dict keyed by the dotted keys of
data-model.md §2 (meta.*, t2.*, t3.*, t4.*, fee.*, text.*, previous.*), with
its format. No I/O happens in this module.
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field
from typing import Any

from xlreport.model.rules import severity
from xlreport.model.spec import ReportFormat

# What counts as "nothing typed": the native formulas turn exactly these into
# spaces before TRIM, so both engines agree on what is blank.
BLANK_CHARS = " \t\r\n\u3000"


def is_blank(raw: Any) -> bool:
    """None, or text of white space only (full-width spaces and line breaks included)."""
    return raw is None or (isinstance(raw, str) and raw.strip(BLANK_CHARS) == "")


class CellError(str):
    """An error value (#REF!, #DIV/0! …) read from a workbook where a value belongs."""


class Uncalculated(str):
    """A formula read from a workbook whose result was never calculated (written by a program)."""


class TextNumber(str):
    """A number read from a workbook cell that holds it as text (the cell was formatted as
    text before the number was typed, or the number was pasted as text)."""


@dataclass(frozen=True)
class Problem:
    """One finding of a rule (data-model.md §4): the rule id, its severity, the data keys
    it concerns, a Chinese message that says what to do, and where it is printed
    (`cells`: 表三!E7 in a workbook, a page/table/row in a published report)."""

    rule: str
    severity: str  # "error" or "warning"
    keys: tuple[str, ...]
    message: str
    cells: tuple[str, ...] = ()
    expected: Any = None
    actual: Any = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of `check --json` (data-model.md §5)."""
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
    """A Problem of `rule` (its severity from the catalogue), placed through `cells` (key -> place)."""
    keys = tuple(keys)
    where = tuple(cells[k] for k in keys if cells and k in cells)
    return Problem(rule, severity(rule), keys, message, where, **kw)


def has_errors(problems: list[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)


@dataclass
class Report:
    """One report as read from a file (a workbook, a data file or a published report)."""

    path: str
    fmt: ReportFormat
    data: dict[str, Any]
    cells: dict[str, str] = field(default_factory=dict)  # key -> 表三!D7 (workbooks), printed place (published reports)
    problems: list[Problem] = field(default_factory=list)  # found while reading (unknown-key, format-version)
    notes: list[str] = field(default_factory=list)  # published reports: what the importer could not read or inferred


@dataclass
class CheckResult:
    """What `xlreport.check` found in one report.

    `problems` are the rule findings (data-model.md §4), `errors` and `warnings`
    those of each severity; `notices` are sentences about the check itself that a
    person must know (last year's report is another agency's, or blank; printed as
    「注意：…」, and in `check --json` as "warnings"); `notes` what the importer of a
    published report could not read or only inferred. `numbers` are the report's
    figures as the rules read them (`model.numbers.evaluate`: None for a blank or unusable
    value, the totals a file leaves out computed), for what is made from the report next.
    """

    report: Report
    problems: list[Problem]
    notices: list[str] = field(default_factory=list)
    numbers: dict[str, float | int | None] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        """The problems of severity "error"."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """The problems that are not errors (severity "warning")."""
        return [p for p in self.problems if p.severity != "error"]

    @property
    def ok(self) -> bool:
        """No error (warnings allowed): what exit code 0 means."""
        return not self.errors

    @property
    def notes(self) -> list[str]:
        """What the importer of a published report could not read or inferred (Chinese)."""
        return list(self.report.notes)

    def to_dict(self) -> dict[str, Any]:
        """The object of `check --json` for this file."""
        out: dict[str, Any] = {"file": self.report.path, "format": self.report.fmt.version,
                               "problems": [p.to_dict() for p in self.problems], "warnings": list(self.notices)}
        if self.report.notes:
            out["notes"] = list(self.report.notes)
        return out


def quote(raw: Any) -> str:
    """A raw value as a message quotes it (error values, formulas, dates said so)."""
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


def number_text(n: Any) -> str:
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


def jsonable(raw: Any) -> Any:
    """A value that strict JSON can carry: huge integers and inf/nan become text."""
    if raw is None or isinstance(raw, (bool, str)):
        return raw
    if isinstance(raw, int):
        return raw if abs(raw) < 10**15 else number_text(raw)
    if isinstance(raw, float):
        return raw if math.isfinite(raw) else str(raw)
    return str(raw)


def is_number(raw: Any) -> bool:
    """A finite int or float, not a bool."""
    return isinstance(raw, (int, float)) and not isinstance(raw, bool) and math.isfinite(raw)
