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
