"""The printed layout shared by the Word template and the web page (runtime, no docx import).

* page and type: GB/T 9704-2012 page, margins and text width, and the named
  paragraph styles with their fonts and sizes (`STYLES`);
* `column_widths(table)`: the width of every column of an official table
  filling the text width, `vertical_columns(table)`: the group-label columns
  printed one character per line;
* `opening_sentence(fmt)` and `PERIOD_WORDS`: the first paragraph of the report.

The generator of templates/report.docx (tools/word_template.py) builds the
template from these; webpage.py prints the same widths and the same opening.
"""

from __future__ import annotations

from xlreport.model.spec import ReportFormat, Table

__all__ = ["STYLES", "TEXT_WIDTH_MM", "column_widths", "vertical_columns", "opening_sentence", "PERIOD_WORDS"]

# --- page and type (GB/T 9704-2012) -----------------------------------------
PAGE_W_MM, PAGE_H_MM = 210, 297
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
TEXT_WIDTH_MM = PAGE_W_MM - MARGINS_MM["left"] - MARGINS_MM["right"]  # 156 mm
FOOTER_MM = 23  # page number 7 mm below the type area (35 − 7 − one 4号 line ≈ 23)
LATIN = "Times New Roman"

TWIPS_PER_MM = 1440 / 25.4

# style key -> (styleId, name shown in Word, east-Asian font, latin font, size pt)
STYLES = {
    "title": ("xlTitle", "报告标题", "方正小标宋简体", LATIN, 22),
    "body": ("xlBody", "报告正文", "仿宋_GB2312", LATIN, 16),
    "h1": ("xlHeading1", "一级标题", "黑体", LATIN, 16),
    "h2": ("xlHeading2", "二级标题", "楷体_GB2312", LATIN, 16),
    "cell": ("xlCell", "表格文字", "宋体", LATIN, 10),
    "cell_label": ("xlCellLabel", "表格标签", "宋体", LATIN, 10),
    "page": ("xlPageNumber", "页码", "宋体", "宋体", 14),
    "control": ("xlControl", "模板控制", "宋体", "Consolas", 9),
}
CELL_PT = STYLES["cell"][4]

CELL_MARGIN_TWIPS = 57  # left and right (the template's w:tblCellMar)
# A header word is not broken inside: every column under a one-column header is at
# least this many characters wide (商业企业, 社会公益/组织, 法律服务/机构), and wide
# enough for its header when that is shorter (自然人).
HEADER_WORD_CHARS = 4


def _chars_twips(chars: int) -> int:
    """Width of a column that holds `chars` table characters on a line (with a little slack)."""
    return chars * CELL_PT * 20 + 2 * CELL_MARGIN_TWIPS + 40


def vertical_columns(table: Table) -> set[int]:
    """Columns that hold only group labels spanning several rows (三、本年度办理结果,
    （三）不予公开 …): printed one character per line, as in the published reports."""
    cols: dict[int, bool] = {}
    for c in table.cells:
        if c.colspan == 1:
            ok = c.role == "label" and c.rowspan > 1
            cols[c.col] = cols.get(c.col, True) and ok
    return {col for col, ok in cols.items() if ok}


def column_widths(table: Table) -> list[int]:
    """Column widths in twips filling 156 mm: group-label columns one character wide,
    header columns wide enough for their words (where the table leaves room: not
    table 四's fifteen columns), the rest proportional to the declared widths."""
    total = round(TEXT_WIDTH_MM * TWIPS_PER_MM)
    weights = list(table.col_widths) or [1] * table.n_cols
    fixed = {col: _chars_twips(1) for col in vertical_columns(table)}
    minimum = {c.col: _chars_twips(max(3, min(HEADER_WORD_CHARS, len(c.text))))
               for c in table.cells if c.role == "header" and c.colspan == 1}
    if sum(minimum.values()) + sum(fixed.values()) > total * 0.8:  # table 四: 15 narrow columns
        minimum = {}
    while True:
        free = [i for i in range(table.n_cols) if i not in fixed]
        rest = total - sum(fixed.values())
        share = {i: rest * weights[i] / sum(weights[j] for j in free) for i in free}
        short = [i for i in free if share[i] < minimum.get(i, 0)]
        if not short:
            break
        fixed.update({i: minimum[i] for i in short})
    widths = [int(fixed[i]) if i in fixed else int(share[i]) for i in range(table.n_cols)]
    widths[free[-1] if free else -1] += total - sum(widths)
    return widths


# The statistics period of the opening paragraph: 自<year>年1月1日起至<year>年12月31日止。
PERIOD_WORDS = ("本报告中所列数据的统计期限自", "年1月1日起至", "年12月31日止。")


def opening_sentence(fmt: ReportFormat) -> str:
    """The first sentence of the report (legal basis and its parts), the same in the
    Word template and the web page (webpage.py): each part in its heading's own words
    (四 「政府信息公开行政复议、行政诉讼情况」)."""
    parts = "、".join(s.heading.split("、", 1)[1] for s in fmt.sections)
    return (f"本报告根据《中华人民共和国政府信息公开条例》第五十条规定编制，全文包括{parts}"
            f"{'一二三四五六七八九'[len(fmt.sections) - 1]}个部分。")
