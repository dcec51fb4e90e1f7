"""The vocabulary of the rules' formula forms: a 校验 line and the pieces its formulas are built of.

Each rule family (values.py, cover.py, text.py, arithmetic.py) writes its rules a
second time as native spreadsheet formulas for the 校验 sheet, as `Line`s: one rule
instance (or, for the value rules, one group of input cells) whose `count` formula
gives how many failures it contributes. The same line is evaluated in Python
(`python_count`) from the checker's problems, which is how the differential tests
compare both engines line by line.

Formulas use only functions that Excel, WPS, LibreOffice and Gnumeric share
(SUM, SUMIF, COUNT, IF, ISNUMBER, ISERROR, ISLOGICAL, LEN, TRIM, SUBSTITUTE, CHAR,
INT, ABS, SEARCH, AND, OR). Conditions over ranges are array formulas, which all
of them evaluate element by element.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from xlreport.model.report import BLANK_CHARS
from xlreport.model.rules import RULE_BY_ID
from xlreport.model.spec import Check

if TYPE_CHECKING:  # the workbook's layout: only the formula forms use it, not `check`
    from xlreport.model.layout import Pos


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
    level: str = ""  # the severity of this line where it is not its rule's (text-missing: an empty 一, 五, 六)
    first: str = ""  # value lines: formula of the position (row × 1000 + column) of the first failing cell

    @property
    def severity(self) -> str:
        return self.level or RULE_BY_ID[self.rule].severity


def blocks(positions: list[Pos]) -> list[tuple[int, int, int, int]]:
    """Group cells of one sheet into as few rectangles as is simple: runs of consecutive
    cells in a row, then equal runs in consecutive rows. [(first row, last row, first col,
    last col)], 0-based."""
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
    found: list[list[int]] = []  # [first row, last row, first col, last col]
    for row, c0, c1 in runs:
        for b in found:
            if b[1] == row - 1 and b[2] == c0 and b[3] == c1:
                b[1] = row
                break
        else:
            found.append([row, row, c0, c1])
    return [(b[0], b[1], b[2], b[3]) for b in found]


def ranges(positions: list[Pos]) -> list[str]:
    """The cells of one sheet as few rectangular ranges ('表三'!$B$5:$G$9), see `blocks`."""
    from xlreport.model.layout import Pos

    sheet = positions[0].sheet
    out = []
    for r0, r1, c0, c1 in blocks(positions):
        first, last = Pos(sheet, r0, c0), Pos(sheet, r1, c1)
        out.append(first.ref if first == last else f"{first.ref}:{last.ref.split('!')[1]}")
    return out


def spaced(x: str) -> str:
    """x with every character of checks.BLANK_CHARS but the space turned into a space, so
    that TRIM treats as blank exactly what the Python checker does."""
    for ch in BLANK_CHARS:
        if ch != " ":
            x = f'SUBSTITUTE({x},{char(ch)}," ")'
    return x


def char(ch: str) -> str:
    return f"CHAR({ord(ch)})" if ord(ch) < 128 else f'"{ch}"'  # CHAR() covers ASCII everywhere


def blank(x: str) -> str:
    return f"LEN(TRIM({spaced(x)}))=0"


def sum_over(ranges_: list[str], template: str) -> str:
    return "+".join(template.format(r=r) for r in ranges_)


def python_count(line: Line, problems) -> int:
    """How many of the Python checker's problems fall on this line."""
    if line.rule.startswith("value-"):  # a group of cells: every problem on one of them
        keys = set(line.keys)
        return sum(1 for p in problems if p.rule == line.rule and p.keys[0] in keys)
    return sum(1 for p in problems if p.rule == line.rule and tuple(p.keys) == line.keys)
