"""Columns from the header, never from the right end (issue 17 item 1): tables 三 and 四 with extra
leading, trailing or middle empty cells, a 「备注」 column and rows of different lengths, in text,
HTML, Word and PDF, are read under their printed headers; a row that cannot be placed is reported
with its place (table-incomplete), not guessed.
"""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from factories import consistent_data

from xlreport.io.importers import extract
from xlreport.io.importers.match import match_document
from xlreport.io.importers.text import parse_text
from xlreport.io.office import convert
from xlreport.model.formats import V2021

DATA = consistent_data(V2021, seed=11, distinct=True, with_totals=True)
T3_COLS = [f.col_key for f in V2021.fields if f.table == "t3" and f.row_key == ("new",)]
T3_ROWS = list(dict.fromkeys(f.row_key for f in V2021.fields if f.table == "t3" and f.row))
T4_KEYS = [c.key for c in sorted(V2021.table("t4").value_cells(), key=lambda c: c.col) if c.key]
TITLE = "某市某局2022年政府信息公开工作年度报告"
NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


def t3_values(row_key: tuple[str, ...]) -> list[str]:
    return [str(DATA["t3." + ".".join(row_key) + "." + c]) for c in T3_COLS]


def t3_path(row_key: tuple[str, ...]) -> tuple[str, ...]:
    return V2021.field("t3." + ".".join(row_key) + ".total").row


def expected_t3() -> dict:
    return {f"t3.{'.'.join(r)}.{c}": DATA[f"t3.{'.'.join(r)}.{c}"] for r in T3_ROWS for c in T3_COLS}


def expected_t4() -> dict:
    return {k: DATA[k] for k in T4_KEYS}


def read_values(result, prefix: str) -> dict:
    return {k: v for k, v in result.data.items() if k.startswith(prefix)}


# --------------------------------------------------------------------------- text


def text_report(row, header2="| 自然人 | 法人或其他组织 | 总计", header3="| | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 |",
                t4_header=None, t4_row=None) -> str:
    lines = [TITLE, "三、收到和处理政府信息公开申请情况", f"{NOTE} | 申请人情况", header2, header3]
    for i, r in enumerate(T3_ROWS):
        lines.append(row(i, list(t3_path(r)), t3_values(r)))
    lines += ["四、政府信息公开行政复议、行政诉讼情况", "行政复议 | 行政诉讼",
              t4_header or "结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | 复议后起诉",
              "| | | | | " + " | ".join(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2)]
    values = [str(DATA[k]) for k in T4_KEYS]
    lines.append(t4_row(values) if t4_row else " | ".join(values))
    return "\n".join(lines) + "\n"


TEXT_CASES = {
    # a trailing 「|」 on every row (one more, empty cell at the end)
    "trailing": dict(row=lambda i, labels, values: " | ".join(labels + values) + " |",
                     t4_row=lambda values: " | ".join(values) + " |"),
    # an extra empty cell before the values
    "leading": dict(row=lambda i, labels, values: " | ".join(labels + [""] + values),
                    t4_row=lambda values: "| " + " | ".join(values)),
    # a 备注 column, filled in some rows and missing in others (rows of different lengths)
    "remarks": dict(row=lambda i, labels, values: " | ".join(labels + values + ([["含上年结转"], [""], []][i % 3])),
                    header2="| 自然人 | 法人或其他组织 | 总计 | 备注",
                    t4_header="结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | 复议后起诉 | 备注",
                    t4_row=lambda values: " | ".join(values + ["注：含上年度结转"])),
    # an empty spacer column before 总计, in the header and in every row
    "middle": dict(row=lambda i, labels, values: " | ".join(labels + values[:6] + [""] + values[6:]),
                   header2="| 自然人 | 法人或其他组织 | | 总计"),
    # some rows with a trailing 「|」, some with two, some without
    "ragged": dict(row=lambda i, labels, values: " | ".join(labels + values) + [" |", "", " | |"][i % 3]),
}


@pytest.mark.parametrize("case", sorted(TEXT_CASES))
def test_text_tables_are_read_under_their_headers(case):
    result = match_document(parse_text(text_report(**TEXT_CASES[case]), "x.txt"))
    assert read_values(result, "t3.") == expected_t3()
    assert read_values(result, "t4.") == expected_t4()
    assert not [p for p in result.problems if p.rule == "table-incomplete"]


def test_a_remark_column_is_noted_not_read():
    result = match_document(parse_text(text_report(**TEXT_CASES["remarks"]), "x.txt"))
    assert any("“含上年结转”不在官方的列中，未读入" in n for n in result.notes)
    assert any("“注：含上年度结转”不在官方的列中，未读入" in n for n in result.notes)


def test_a_row_that_cannot_be_placed_is_reported_with_its_place_not_guessed():
    def row(i, labels, values):
        if labels[-1].startswith("（二）部分公开"):  # one value too many, not empty at either end
            return " | ".join(labels + values + ["3"])
        if labels[-1].startswith("2.重复申请"):  # one value missing
            return " | ".join(labels + values[:6])
        return " | ".join(labels + values)

    result = match_document(parse_text(text_report(row), "x.txt"))
    problems = [p for p in result.problems if p.rule == "table-incomplete"]
    assert len(problems) == 2
    assert {p.keys[0] for p in problems} == {"t3.partly_granted.natural_person", "t3.not_processed.repeated.natural_person"}
    assert "第1张表第" in problems[0].cells[0] and "部分公开" in problems[0].cells[0]
    assert "有 8 个数值格，表头只有 7 列" in problems[0].message
    for p in problems:  # nothing of the row is guessed
        assert not any(k in result.data for k in p.keys)
    assert read_values(result, "t3.new.") == {k: v for k, v in expected_t3().items() if k.startswith("t3.new.")}


# --------------------------------------------------------------------------- HTML, Word, PDF


def grid_report() -> list[tuple[str, list[list[tuple[str, int, int]]]]]:
    """Table 三 and 四 as grids of (text, rowspan, colspan), with a 备注 column."""
    t3 = [[(NOTE, 3, 3), ("申请人情况", 1, 7), ("备注", 3, 1)],
          [("自然人", 2, 1), ("法人或其他组织", 1, 5), ("总计", 2, 1)],
          [(x, 1, 1) for x in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")]]
    for i, r in enumerate(T3_ROWS):
        path = t3_path(r)
        labels = [(path[0], 1, 3)] if len(path) == 1 else \
            [(path[0], 1, 1), (path[1], 1, 2)] if len(path) == 2 else [(p, 1, 1) for p in path]
        t3.append(labels + [(v, 1, 1) for v in t3_values(r)] + [("含上年结转" if i == 4 else "", 1, 1)])
    leaves = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    t4 = [[("行政复议", 1, 5), ("行政诉讼", 1, 10), ("备注", 3, 1)],
          [(x, 2, 1) for x in leaves] + [("未经复议直接起诉", 1, 5), ("复议后起诉", 1, 5)],
          [(x, 1, 1) for x in leaves * 2],
          [(str(DATA[k]), 1, 1) for k in T4_KEYS] + [("", 1, 1)]]
    return [("三、收到和处理政府信息公开申请情况", t3), ("四、政府信息公开行政复议、行政诉讼情况", t4)]


def write_html(path: Path, trailing: bool) -> None:
    parts = [f"<html><head><meta charset='utf-8'><title>{TITLE}</title></head><body><p>{TITLE}</p>"]
    for heading, rows in grid_report():
        parts.append(f"<p>{heading}</p><table border='1'>")
        for r, row in enumerate(rows):
            cells = "".join(f"<td rowspan='{rs}' colspan='{cs}'><p><span>{html.escape(t)}</span></p></td>"
                            for t, rs, cs in row)
            extra = "<td><p><o:p>&nbsp;</o:p></p></td>" if trailing and r >= 3 else ""  # an empty cell past the header
            parts.append(f"<tr>{cells}{extra}</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    path.write_text("".join(parts), encoding="utf-8")


def write_docx(path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_paragraph(TITLE)
    for heading, rows in grid_report():
        d.add_paragraph(heading)
        n_cols = sum(cs for _, _, cs in rows[0])
        table = d.add_table(rows=len(rows), cols=n_cols)
        table.style = "Table Grid"
        taken: set[tuple[int, int]] = set()
        for r, row in enumerate(rows):
            c = 0
            for text, rs, cs in row:
                while (r, c) in taken:
                    c += 1
                cell = table.cell(r, c)
                if rs > 1 or cs > 1:
                    cell = cell.merge(table.cell(r + rs - 1, c + cs - 1))
                cell.text = text
                taken |= {(r + i, c + j) for i in range(rs) for j in range(cs)}
                c += cs
    d.save(str(path))


def check_grid_values(path: Path) -> None:
    result = match_document(extract(path))
    assert read_values(result, "t3.") == expected_t3()
    assert read_values(result, "t4.") == expected_t4()
    assert not [p for p in result.problems if p.rule == "table-incomplete"]
    assert any("“含上年结转”" in n and "不是官方的列，未读入" in n for n in result.notes), result.notes


@pytest.mark.parametrize("trailing", [False, True], ids=["remarks", "remarks-and-trailing-td"])
def test_html_tables_with_a_remark_column_and_empty_cells(tmp_path, trailing):
    path = tmp_path / "report.html"
    write_html(path, trailing)
    check_grid_values(path)


def test_word_tables_with_a_remark_column(tmp_path):
    path = tmp_path / "report.docx"
    write_docx(path)
    check_grid_values(path)


@pytest.mark.office
def test_pdf_tables_with_a_remark_column(tmp_path, soffice):
    path = tmp_path / "report.docx"
    write_docx(path)
    check_grid_values(convert(path, "pdf", tmp_path))  # its own LibreOffice profile: runs beside other workers
