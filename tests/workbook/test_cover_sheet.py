"""封面 as a clerk fills and prints it (issue 19.7): every input has a real prompt, the notes
are printed whole (LibreOffice's PDF of the sheet), and the .xlsm's note names the error value
LibreOffice shows for the Excel-only functions."""

from __future__ import annotations

import subprocess

import openpyxl
import pytest
from conftest import soffice_or_skip
from factories import consistent_data

from xlreport.io import office
from xlreport.model.formats import V2019, V2021
from xlreport.model.layout import SHEET_COVER, workbook_layout
from xlreport.workbook.writer import write_workbook


@pytest.mark.parametrize("fmt", [V2019, V2021], ids=["2019", "2021"])
def test_every_cover_input_has_a_real_prompt(tmp_path, fmt):
    path = write_workbook(tmp_path / "b.xlsx", fmt, {"meta.year": fmt.first_year})
    ws = openpyxl.load_workbook(path)[SHEET_COVER]
    prompts = {str(dv.sqref): dv.prompt for dv in ws.data_validations.dataValidation}
    rows = workbook_layout(fmt).forms[SHEET_COVER]
    assert all(r.hint for r in rows)
    for r in rows:
        prompt = prompts[r.pos.cell]
        assert prompt and not prompt.startswith("封面 ")  # not the placeholder 「封面 邮政编码」


@pytest.mark.office
def test_cover_notes_are_printed_whole(tmp_path):
    soffice_or_skip()
    fmt = V2021
    path = write_workbook(tmp_path / "cover.xlsx", fmt, consistent_data(fmt, 2))
    pdf = office.convert(path, "pdf", tmp_path)
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout
    page = "".join(first.split())
    cut = [r.hint for r in workbook_layout(fmt).forms[SHEET_COVER] if "".join(r.hint.split()) not in page]
    assert cut == []


def test_xlsm_note_names_what_libreoffice_shows(tmp_path):
    from xlreport.workbook import macros

    path = write_workbook(tmp_path / "m.xlsm", V2021, {"meta.year": 2024}, vba=macros.MacroParts())
    ws = openpyxl.load_workbook(path)["校验"]
    [note] = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "仅 Windows 版 Excel" in c.value]
    assert "#VALUE!" in note and "LibreOffice" in note


@pytest.mark.parametrize("fmt", [V2019, V2021], ids=["2019", "2021"])
def test_cover_notes_wrap_inside_their_column(tmp_path, fmt):
    """Excel prints the used columns only: a note that ran on past column C was cut at the page edge."""
    from xlreport.workbook.styles import lines_needed

    path = write_workbook(tmp_path / "b.xlsx", fmt, consistent_data(fmt, 2))
    ws = openpyxl.load_workbook(path)[SHEET_COVER]
    width = ws.column_dimensions["C"].width
    for r in workbook_layout(fmt).forms[SHEET_COVER]:
        cell = ws.cell(r.pos.row + 1, 3)
        assert cell.value == r.hint and cell.alignment.wrap_text
        assert ws.row_dimensions[r.pos.row + 1].height >= lines_needed(r.hint, width - 1) * 13
