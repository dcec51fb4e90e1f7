"""The 校验 block and the blank inputs (issue 19.4): a blank input is coloured, the block
links to the blank cell itself, lists errors before warnings and names the rules in Chinese.
The formulas are checked after LibreOffice recalculates in tests/test_workbook_libreoffice.py
(test_failing_block_lists_exactly_the_failing_lines); here the workbook as written."""

from __future__ import annotations

import re

import openpyxl
import openpyxl.utils
import openpyxl.utils.cell
import pytest
from factories import consistent_data

from xlreport.checks.values import value_tests
from xlreport.model.formats import V2019, V2021
from xlreport.model.rules import RULE_NAMES
from xlreport.workbook.checksheet import FAILS_FIRST_ROW, FAILS_SHOWN
from xlreport.model.layout import SHEET_CHECKS, workbook_layout
from xlreport.workbook.writer import write_workbook


def block(path):
    ws = openpyxl.load_workbook(path, data_only=True)[SHEET_CHECKS]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=FAILS_FIRST_ROW + 1,
                                                         max_row=FAILS_FIRST_ROW + FAILS_SHOWN)]
    return [r for r in rows if r[0]]


@pytest.mark.parametrize("fmt", [V2019, V2021], ids=["2019", "2021"])
def test_block_links_to_the_blank_cell_and_lists_errors_first(tmp_path, fmt):
    data = consistent_data(fmt, 4)
    blank_key = "t3.carried_over.research"
    del data[blank_key]
    data["meta.agency_kind"] = "government"  # a text-missing warning
    path = tmp_path / "b.xlsx"
    write_workbook(path, fmt, data)
    rows = block(path)
    pos = workbook_layout(fmt).positions[blank_key]
    [missing] = [r for r in rows if r[0].startswith("value-missing")]
    assert missing[3] == pos.a1  # not the table's first input
    formula = openpyxl.load_workbook(path)[SHEET_CHECKS].cell(FAILS_FIRST_ROW + 1 + rows.index(missing), 4).value
    assert "HYPERLINK" in formula and '"value-"' in formula
    levels = [r[1] for r in rows]
    assert levels == sorted(levels, key=lambda level: level != "错误") and "警告" in levels and "错误" in levels
    for r in rows:  # the id, and its Chinese name beside it
        rule, name = r[0].split("\n")
        assert RULE_NAMES[rule] == name


REF = re.compile(r"(?<![A-Za-z\d$!'.])([A-Z]{1,3})(\d+)(?![\d(])")


def as_applied_to(formula: str, top_left: str, cell: str) -> str:
    """A conditional format's formula as a spreadsheet program applies it to `cell` of its range:
    every relative reference moved by the cell's offset from the range's top-left cell."""
    (c0, r0), (c1, r1) = (openpyxl.utils.cell.coordinate_from_string(x) for x in (top_left, cell))
    dc = openpyxl.utils.column_index_from_string(c1) - openpyxl.utils.column_index_from_string(c0)

    def moved(m):
        col = openpyxl.utils.get_column_letter(openpyxl.utils.column_index_from_string(m.group(1)) + dc)
        return f"{col}{int(m.group(2)) + r1 - r0}"

    return REF.sub(moved, formula)


@pytest.mark.parametrize("fmt", [V2019, V2021], ids=["2019", "2021"])
def test_every_required_input_turns_red_when_blank(tmp_path, fmt):
    """Each required input is in the range of a rule that, applied to that cell, tests that
    cell's own emptiness and no other cell's (one rule per rectangle of inputs of one kind)."""
    path = tmp_path / "b.xlsx"
    write_workbook(path, fmt, consistent_data(fmt, 4))
    wb = openpyxl.load_workbook(path)
    layout = workbook_layout(fmt)
    uncovered, rules_seen = [], set()
    for field in fmt.value_fields:
        if not (field.numeric and field.required and not field.derived):
            continue
        pos = layout.positions[field.key]
        ws = wb[pos.sheet]
        found = False
        for cf in ws.conditional_formatting:
            if pos.cell not in cf.sqref:
                continue
            top_left = str(cf.sqref).split()[0].split(":")[0]
            for rule in cf.rules:
                for f in rule.formula:
                    applied = as_applied_to(f, top_left, pos.cell)
                    if "LEN(TRIM(" in f and set(REF.findall(applied)) == {REF.match(pos.cell).groups()}:
                        found = True
                        rules_seen.add(id(rule))
        if not found:
            uncovered.append(field.key)
    assert uncovered == []
    assert len(rules_seen) < 60  # rectangles, not one rule per cell (the workbook stays quick to write and open)


@pytest.mark.parametrize("fmt", [V2019, V2021], ids=["2019", "2021"])
def test_each_input_is_coloured_by_the_value_tests_of_its_own_kind(tmp_path, fmt):
    """Every numeric input (tables and last year's figures) is in the range of exactly one value
    rule, and that rule, applied to the cell, is the value tests of the cell's own type and
    requiredness on that cell alone: a blank required cell turns red, a blank optional one does
    not, 1.5 is wrong in a count and right in an amount. No value rule covers any other cell."""
    path = tmp_path / "k.xlsx"
    write_workbook(path, fmt, consistent_data(fmt, 4))
    wb = openpyxl.load_workbook(path)
    layout = workbook_layout(fmt)
    inputs = {(layout.positions[f.key].sheet, layout.positions[f.key].cell): f
              for f in (*fmt.value_fields, *fmt.previous) if f.numeric and not f.derived}
    applied: dict[tuple[str, str], list[str]] = {}  # (sheet, cell): the value rules as applied there
    for ws in wb:
        for cf in ws.conditional_formatting:
            top_left = str(cf.sqref).split()[0].split(":")[0]
            for rule in cf.rules:
                # the value rules: formulas of relative references only (the others point at 校验
                # counts or at a status cell, with $)
                for f in (f for f in rule.formula if rule.type == "expression" and "$" not in f):
                    for rng in cf.sqref.ranges:
                        for row, col in rng.cells:
                            cell = f"{openpyxl.utils.get_column_letter(col)}{row}"
                            applied.setdefault((ws.title, cell), []).append(as_applied_to(f, top_left, cell))
    wrong = {}
    for (sheet, cell), field in inputs.items():
        tests = value_tests(field.type, required=field.required)
        want = ["(" + "+".join(t.format(r=cell) for t in tests.values()) + ")>0"]
        if applied.get((sheet, cell)) != want:
            wrong[field.key] = applied.get((sheet, cell))
    assert wrong == {}
    assert sorted(set(applied) - set(inputs)) == []
    kinds = {(f.type, f.required) for f in inputs.values()}
    assert len(kinds) >= 4  # required and optional inputs, counts and amounts: the kinds are told apart
