"""The report workbook's cell styles and sizes, shared by the writer, the 校验 sheet,
the macro workbook (macros.py) and the audit workbook (audit/book.py).

XlsxWriter writes only the formats a cell uses (identical ones once), so a style
defined here and not used by a workbook does not appear in it.
"""

from __future__ import annotations

import math
import unicodedata

FONT = "宋体"
INPUT_FILL = "#FFF2CC"
DERIVED_FILL = "#EDEDED"
HEADER_FILL = "#D9E1F2"
HINT_COLOUR = "#595959"
BAD_FILL, BAD_FONT = "#FFC7CE", "#9C0006"  # errors: red
WARN_FILL, WARN_FONT = "#F8CBAD", "#843C0C"  # warnings: orange (the inputs are already yellow)
GOOD_FILL, GOOD_FONT = "#C6EFCE", "#006100"
MAX_CELL_TEXT = 32767  # characters a cell can hold (Excel specifications and limits)


class Formats:
    """One workbook's cell formats (`Formats(wb)` for an XlsxWriter workbook)."""

    def __init__(self, wb):
        base = {"font_name": FONT, "font_size": 11, "valign": "vcenter", "text_wrap": True}
        border = {"border": 1}

        def add(**kw):
            return wb.add_format({**base, **kw})

        self.title = add(bold=True, font_size=16, text_wrap=False)
        self.hint = add(font_color=HINT_COLOUR, font_size=10, text_wrap=False)
        self.hint_wrap = add(font_color=HINT_COLOUR, font_size=10, valign="top")
        self.table_status = add(bold=True, text_wrap=False)
        self.header = add(**border, bold=True, align="center", bg_color=HEADER_FILL)
        self.label = add(**border, align="left")
        self.label_center = add(**border, align="center")
        self.note = add(**border, align="center", font_size=10)
        self.section = add(**border, bold=True, align="left", bg_color=HEADER_FILL)
        self.input = add(**border, align="center", locked=False, bg_color=INPUT_FILL)
        # amounts as entered (96171.6, 0), the way the report prints them: General
        self.input_decimal = add(**border, align="center", locked=False, bg_color=INPUT_FILL)
        # '@' (Text): what is typed stays text, so 邮编 010020 keeps its leading zero
        self.input_text = add(**border, align="left", valign="top", locked=False, bg_color=INPUT_FILL, num_format="@")
        self.derived = add(**border, align="center", bg_color=DERIVED_FILL)
        self.cell = add(**border)
        self.link = add(**border, font_color="#0563C1", underline=1)
        self.cell_nowrap = add(**border, text_wrap=False)
        self.cell_center = add(**border, align="center")
        self.status = add(**border, bold=True, font_size=14, align="center")
        self.bad = wb.add_format({"bg_color": BAD_FILL, "font_color": BAD_FONT})
        self.warn = wb.add_format({"bg_color": WARN_FILL, "font_color": WARN_FONT})
        self.good = wb.add_format({"bg_color": GOOD_FILL, "font_color": GOOD_FONT})
        # The Python block on 校验 in the macro workbook (macros.py): unwrapped. Made without
        # the text_wrap key, XlsxWriter keeps `udf_hint` a style apart from `hint` (same look).
        plain = {k: v for k, v in base.items() if k != "text_wrap"}
        self.udf_label = wb.add_format({**plain, **border, "bold": True, "align": "center", "bg_color": HEADER_FILL})
        self.udf_status = wb.add_format({**plain, **border, "bold": True, "font_size": 14, "align": "center"})
        self.udf_hint = wb.add_format({**plain, "font_color": HINT_COLOUR, "font_size": 10})


# Row heights. XlsxWriter does not autofit and Excel does not autofit on opening, so
# rows holding wrapped text get the height their text needs: CJK characters are ~2
# width units (a column's width counts the digit '0'), a line of 11 pt text ~16 pt
# (LibreOffice's CJK fonts are taller than Excel's 宋体). Excel's limit is 409 pt.
LINE_PT = 16.0
MAX_ROW_PT = 409.0


def text_units(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def lines_needed(text: str, width: float) -> int:
    usable = max(1.0, width - 1)  # the cell's padding
    return sum(max(1, math.ceil(text_units(par) / usable)) for par in str(text).split("\n"))


def row_height(text: str, width: float, line_pt: float = LINE_PT, minimum: float = 0) -> float:
    return min(MAX_ROW_PT, max(minimum, lines_needed(text, width) * line_pt + 4))


def fit_header(text: str, width: float) -> str:
    """A header too wide for its column breaks before its last two characters — the head
    noun of the official headers (社会公益|组织, 法律服务|机构, 结果|维持) — never inside a word."""
    if "\n" in text or len(text) < 4 or text_units(text) <= width - 1:
        return text
    return f"{text[:-2]}\n{text[-2:]}"
