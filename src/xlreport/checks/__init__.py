"""How a report is checked: every rule of data-model.md §4, one module per rule family, each
holding its Python form (run here by `check`) and its formula form (the 校验 sheet's lines,
gathered by `all_lines`) side by side:

- cover.py       meta-missing, meta-invalid, format-version; value-not-choice
- values.py      value-missing, value-not-integer, value-negative (and the totals a file leaves out)
- arithmetic.py  the declared cross-sums and comparisons (t3-*, t4-sum, t2-*, the continuity rules)
- text.py        text-missing, fee-consistency
- figures.py     text-figures (Python only: patterns over free text)
- prose.py       text-figures (维持, 信息处理费 statements), text-figures-twice (Python only)
- repeated.py    text-repeated (Python only: needs last year's texts)
- crossyear.py   t2-public-total-continuity (V2019, Python only: needs last year's totals)
- formula.py     the vocabulary of the formula forms (`Line`, ranges, blank tests)

`check` never raises on bad data; every finding is a `Problem`. A rule that touches a
blank or unusable value is not evaluated (the value itself is reported).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from xlreport.checks.arithmetic import check_arithmetic, check_lines
from xlreport.checks.cover import check_cover, cover_lines
from xlreport.checks.crossyear import check_public_total
from xlreport.checks.figures import check_figures
from xlreport.checks.formula import Line
from xlreport.checks.prose import check_prose
from xlreport.checks.repeated import check_repeated
from xlreport.checks.text import check_text, text_lines
from xlreport.checks.values import value_lines
from xlreport.model.numbers import evaluate
from xlreport.model.report import Problem
from xlreport.model.spec import ReportFormat

if TYPE_CHECKING:  # the workbook's layout: only the formula forms use it, not `check`
    from xlreport.model.layout import Layout


def check(data: dict[str, Any], fmt: ReportFormat, cells: dict[str, str] | None = None,
          published: bool = False) -> list[Problem]:
    """Every problem of one report. `data` is the flat dict (meta.*, values, text.*, previous.*);
    `cells` places each key (表三!E7, or a page and row of a published report); `published`: the
    report was read from a published file (no cover to fill in: a name not found is a notice)."""
    return check_numbers(data, fmt, cells, published)[0]


def check_numbers(data: dict[str, Any], fmt: ReportFormat, cells: dict[str, str] | None = None,
                  published: bool = False) -> tuple[list[Problem], dict[str, float | int | None]]:
    """Every problem of one report (as `check`) and its numbers as the rules read them
    (`model.numbers.evaluate`), computed once for the check and what follows it."""
    problems = check_cover(data, fmt, cells, published)
    ev = evaluate(data, fmt, cells)
    problems += [not_found(p, fmt) if published and p.rule == "value-missing" and len(p.keys) == 1
                 and not (cells and p.keys[0] in cells) else p for p in ev.problems]
    problems += check_arithmetic(data, fmt, cells, ev.numbers, published)
    problems += check_text(data, fmt, cells, published)
    problems += check_figures(data, fmt, cells, ev.numbers)
    problems += check_prose(data, fmt, cells, ev.numbers, published)
    problems += check_repeated(data, fmt, cells, ev.numbers)
    problems += check_public_total(data, fmt, cells, ev.numbers)
    return problems, ev.numbers


NOT_FOUND = "报告中没有找到这一格（表格中没有印出这一行或这一列，或未能读出），请核对报告是否按官方格式印出了这一格"


def not_found(p: Problem, fmt: ReportFormat) -> Problem:
    """value-missing of a published report's cell that was not found at all (no place): said so,
    not 「未填写」 — nobody left it blank that the reader could see."""
    from dataclasses import replace

    return replace(p, message=f"{fmt.field(p.keys[0]).where}：{NOT_FOUND}")


def with_reading(read: list[Problem], found: list[Problem]) -> list[Problem]:
    """The problems found while reading a report (`Report.problems`) and by the rules, together. A
    value that a table-incomplete problem already names (a report cut off inside a table, a row whose
    cells cannot be placed) is not reported again as blank, cell by cell, nor used as 0 by another rule
    (「正文写予以公开1191件，与表三总计（0）不一致」 over a row that was not read): what depends on it is
    not known, and the table-incomplete problem says so."""
    unread = {k for p in read if p.rule == "table-incomplete" for k in p.keys}
    return read + [p for p in found if not (p.rule in ("value-missing", "text-missing") and unread.issuperset(p.keys)
                                            or p.rule not in ("value-missing", "text-missing") and unread & set(p.keys))]


def all_lines(fmt: ReportFormat, layout: Layout) -> list[Line]:
    """The 校验 sheet's lines, in its order: errors before warnings (as the CLI and the button
    list them), each in the order cover and choices, texts, values, cross-sums."""
    can_make_rules = layout.positions["meta.can_make_rules"].ref
    lines = (cover_lines(fmt, layout) + text_lines(fmt, layout) + value_lines(fmt, layout)
             + check_lines(fmt, layout, can_make_rules))
    return sorted(lines, key=lambda line: line.severity != "error")
