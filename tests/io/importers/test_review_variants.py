"""An adversarial review of what the importer reads from variants of the real reports (issue: review
of the importer and the audit): the figures of `../shared/fixtures/reports/2024_huaian_szf.json`
printed as publishers print them (columns in another order, a table split over two <table>s, last
year's tables for comparison, a title whose year differs from the statistics period …). Each figure
must be read right or reported as not read with its place, never read from another column.
"""

from __future__ import annotations

import html
import json
import re

import pytest
from conftest import FIXTURES
from factories import as_page

from xlreport.io.importers.match import import_report
from xlreport.io.importers.name import find_agency
from xlreport.io.importers.values import parse_value
from xlreport.model.formats import V2021

NAME = "2024_huaian_szf"
NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_COLS = ["natural_person", "business", "research", "social_welfare", "legal_service", "other_org", "total"]
T3_HEADS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
T3_ROWS = list(dict.fromkeys(f.row_key for f in V2021.fields if f.table == "t3" and f.row))
T4_KEYS = [c.key for c in sorted(V2021.table("t4").value_cells(), key=lambda c: c.col) if c.key]
LEAVES = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
TITLE = ["淮安市人民政府", "2024年政府信息公开工作年度报告",
         "本报告由淮安市人民政府办公室根据《条例》规定编制。报告所列统计期限自2024年1月1日至2024年12月31日。",
         "一、总体情况", "2024年，我市认真贯彻落实《条例》。"]
TAIL = ["五、存在的主要问题及改进情况", "信息发布的及时性有待提高。", "六、其他需要报告的事项", "本年度未收取信息处理费。"]


@pytest.fixture(scope="module")
def values() -> dict:
    if not FIXTURES.is_dir():
        pytest.skip(f"the shared fixtures are not beside the repository ({FIXTURES})")
    return json.loads((FIXTURES / f"{NAME}.json").read_text("utf-8"))["values"]


def shown(v) -> str:
    return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)


Grid = list[list[tuple[str, int, int]]]  # rows of (text, rowspan, colspan)


def t3_grid(values: dict, order: list[int]) -> Grid:
    """Table 三 as printed, its seven value columns in `order` (indices of the official ones)."""
    top: list[tuple[str, int, int]] = []
    org: list[tuple[str, int, int]] = []
    for i in order:
        if 1 <= i <= 5:
            if not org:
                top.append(("法人或其他组织", 1, 5))
            org.append((T3_HEADS[i], 1, 1))
        else:
            top.append((T3_HEADS[i], 2, 1))
    grid: Grid = [[(NOTE, 3, 3), ("申请人情况", 1, 7)], top, org]
    paths = [V2021.field(f"t3.{'.'.join(r)}.total").row for r in T3_ROWS]
    seen: set[tuple[str, ...]] = set()
    for row_key, path in zip(T3_ROWS, paths):
        labels = []
        for depth, label in enumerate(path[:-1]):
            if path[: depth + 1] not in seen:
                seen.add(path[: depth + 1])
                labels.append((label, sum(1 for p in paths if p[: depth + 1] == path[: depth + 1]), 1))
        labels.append((path[-1], 1, 4 - len(path)))
        row = [shown(values[f"t3.{'.'.join(row_key)}.{c}"]) for c in T3_COLS]
        grid.append(labels + [(row[i], 1, 1) for i in order])
    return grid


def t4_grid(values: dict, litigation_first: bool) -> Grid:
    figures = [(shown(values[k]), 1, 1) for k in T4_KEYS]
    if not litigation_first:
        return [[("行政复议", 1, 5), ("行政诉讼", 1, 10)],
                [(x, 2, 1) for x in LEAVES] + [("未经复议直接起诉", 1, 5), ("复议后起诉", 1, 5)],
                [(x, 1, 1) for x in LEAVES * 2], figures]
    return [[("行政诉讼", 1, 10), ("行政复议", 1, 5)],
            [("未经复议直接起诉", 1, 5), ("复议后起诉", 1, 5)] + [(x, 2, 1) for x in LEAVES],
            [(x, 1, 1) for x in LEAVES * 2], figures[5:] + figures[:5]]


def html_table(grid: Grid) -> str:
    rows = ("".join(f"<td rowspan='{rs}' colspan='{cs}'>{html.escape(t)}</td>" for t, rs, cs in row) for row in grid)
    return "<table border='1'>" + "".join(f"<tr>{r}</tr>" for r in rows) + "</table>"


def text_table(grid: Grid) -> list[str]:
    """As a page is copied to text: a merged cell once, cells between 「 | 」."""
    return [" | ".join(t for t, _, _ in row) for row in grid]


def write(tmp_path, kind: str, tables: list[tuple[str, Grid]]) -> object:
    """A report of the title and texts above and `tables` under their headings, as .html or .txt."""
    if kind == "html":
        body = "".join(f"<p>{html.escape(t)}</p>" for t in TITLE)
        body += "".join(f"<p>{html.escape(h)}</p>{html_table(g)}" for h, g in tables)
        body += "".join(f"<p>{html.escape(t)}</p>" for t in TAIL)
        path = tmp_path / "report.html"
        path.write_text(f"<html><head><meta charset='utf-8'></head><body>{body}</body></html>", "utf-8")
    else:
        lines = [*TITLE, *(x for h, g in tables for x in (h, *text_table(g))), *TAIL]
        path = tmp_path / "report.txt"
        path.write_text("\n".join(lines), "utf-8")
    return path


def t3_expected(values: dict) -> dict:
    return {k: v for k, v in values.items() if k.startswith("t3.")}


def read(report, prefix: str) -> dict:
    return {k: v for k, v in report.data.items() if k.startswith(prefix) and k in report.cells}


# --------------------------------------------------------------------------- columns in another order

ORDERS = {"org-reversed": [0, 5, 4, 3, 2, 1, 6], "total-first": [6, 0, 1, 2, 3, 4, 5],
          "organisations-first": [1, 2, 3, 4, 5, 0, 6]}


@pytest.mark.parametrize("kind", ["html", "txt"])
@pytest.mark.parametrize("order", ORDERS.values(), ids=ORDERS.keys())
def test_table_three_columns_in_another_order_are_read_under_their_headers(tmp_path, values, kind, order):
    path = write(tmp_path, kind, [("三、收到和处理政府信息公开申请情况", t3_grid(values, order))])
    report = import_report(path)
    assert read(report, "t3.") == t3_expected(values)
    assert any("各列的顺序与官方格式不同" in n for n in report.notes)


@pytest.mark.parametrize("kind", ["html", "txt"])
def test_table_four_groups_in_another_order_are_read_under_their_headers(tmp_path, values, kind):
    path = write(tmp_path, kind, [("四、政府信息公开行政复议、行政诉讼情况", t4_grid(values, litigation_first=True))])
    report = import_report(path)
    assert read(report, "t4.") == {k: values[k] for k in T4_KEYS}


def test_a_header_whose_order_cannot_be_told_is_reported_not_read_in_the_official_order(tmp_path, values):
    """The organisations' line names three of its five columns, out of order: which figure is whose
    cannot be told, so no row is read (one table-incomplete problem per row, with its place)."""
    grid = t3_grid(values, [0, 1, 2, 3, 4, 5, 6])
    grid[2] = [("商业企业", 1, 1), ("其他", 1, 1), ("科研机构", 1, 1)]
    path = write(tmp_path, "txt", [("三、收到和处理政府信息公开申请情况", grid)])
    report = import_report(path)
    assert not read(report, "t3.")
    unplaced = [p for p in report.problems if p.rule == "table-incomplete" and "表头中的列与官方格式不同" in p.message]
    assert len(unplaced) == len(T3_ROWS)
    assert "表三 “（一）予以公开”（第1张表第6行）" in unplaced[2].message


# --------------------------------------------------------------------------- a table split after its first rows


def test_table_three_split_after_its_first_two_rows_is_read_whole(tmp_path, values):
    grid = t3_grid(values, list(range(7)))
    first, rest = grid[:5], grid[5:]
    path = tmp_path / "report.html"
    body = "".join(f"<p>{t}</p>" for t in TITLE) + "<p>三、收到和处理政府信息公开申请情况</p>"
    body += html_table(first) + "<p>— 3 —</p>" + html_table(rest) + "".join(f"<p>{t}</p>" for t in TAIL)
    path.write_text(f"<html><head><meta charset='utf-8'></head><body>{body}</body></html>", "utf-8")
    report = import_report(path)
    assert read(report, "t3.") == t3_expected(values)


# --------------------------------------------------------------------------- table 二


def test_a_table_two_value_printed_with_spaces_is_kept_as_printed_with_its_place(tmp_path, values):
    """「447 228」 (a space as thousands separator, or two cells run together) is not read as a
    number, nor as a header line: it is kept as printed, and `check` names it (value-not-integer)."""
    licensing = f"{values['t2.licensing.decisions']:,}".replace(",", " ")
    text = "\n".join([*TITLE, "二、主动公开政府信息情况", "第二十条第（五）项", "信息内容 | 本年处理决定数量",
                      f"行政许可 | {licensing}", *TAIL])
    path = tmp_path / "report.txt"
    path.write_text(text, "utf-8")
    report = import_report(path)
    assert report.data["t2.licensing.decisions"] == licensing
    assert "行政许可" in report.cells["t2.licensing.decisions"]


# --------------------------------------------------------------------------- two years' tables on one page


def test_last_years_tables_printed_for_comparison_are_not_read_over_this_years(tmp_path, values):
    """The real report with its tables printed again below as last year's (other figures): every
    figure read is this year's; 表三 and 表四 printed twice are each a table-incomplete problem, and 表二's
    second printing, after 「三、…」, is not taken for 表二 (a note says so)."""
    lines = (FIXTURES / f"{NAME}.txt").read_text("utf-8").splitlines()[1:]
    start = lines.index("二、主动公开政府信息情况")
    end = next(i for i, line in enumerate(lines) if line.startswith("五、"))
    last_year = [re.sub(r"(?<= )\d+(?= |$)", lambda m: str(int(m.group(0)) + 1), line) for line in lines[start + 1:end]]
    path = tmp_path / "report.txt"
    path.write_text("\n".join([*lines[:end], "附：2023年度数据（供对比）", *last_year, *lines[end:]]), "utf-8")
    report = import_report(path)
    assert {k: report.data.get(k) for k in values} == values
    twice = [p for p in report.problems if p.rule == "table-incomplete" and "又印了一次" in p.message]
    assert {p.message[:2] for p in twice} == {"表三", "表四"}
    assert any("在“三、收到和处理政府信息公开申请情况”之后，不是表二，未读入" in n for n in report.notes)


# --------------------------------------------------------------------------- the year


def test_a_title_year_other_than_the_statistics_period_is_noted(tmp_path):
    lines = [TITLE[0], TITLE[1].replace("2024", "2023"), *TITLE[2:], *TAIL]
    path = tmp_path / "report.txt"
    path.write_text("\n".join(lines), "utf-8")
    report = import_report(path)
    assert report.data["meta.year"] == 2024
    assert any("标题中的年度（2023 年）与统计期限的年度（2024 年）不同" in n for n in report.notes)


# --------------------------------------------------------------------------- cell values


@pytest.mark.parametrize("printed", ["12①", "12¹", "⑫", "1,2345", "1，2345"])
def test_a_figure_with_a_note_mark_or_a_misplaced_separator_is_kept_as_printed(printed):
    """NFKC makes 「①」 and 「¹」 the digit 1 (「12①」 was read as 121); 「1,2345」 is no thousands
    separator (it was read as 12345). Each is kept as printed, so `check` names it."""
    value = parse_value(printed)
    assert (value.status, value.value) == ("text", printed)


def test_markdown_line_breaks_in_cells_are_spaces_not_text(tmp_path, values):
    """A PDF converter's Markdown writes a line break in a cell as 「<br>」: 「1288<br>」 is 1288, a
    label broken over two lines is one label, and 「\\|」 is a bar inside a cell."""
    grid = t3_grid(values, list(range(7)))
    rows = [[(f"{t}<br>" if t.isdigit() else t.replace("（区分", "<br>（区分").replace("，", "\\|"), rs, cs)
             for t, rs, cs in row] for row in grid]
    lines = ["| " + " | ".join(t for t, _, _ in row) + " |" for row in rows]
    lines.insert(1, "|" + "---|" * 10)
    path = tmp_path / "report.md"
    path.write_text("\n".join([*TITLE, "## 三、收到和处理政府信息公开申请情况", *lines, *TAIL]), "utf-8")
    report = import_report(path)
    assert read(report, "t3.") == t3_expected(values)


# --------------------------------------------------------------------------- the agency


@pytest.mark.parametrize("lines", [
    ["2024年政府信息公开工作年度报告", "淮安市政务公开办公室"],
    ["淮安市政务公开办公室", "2024年政府信息公开工作年度报告"],
    ["2024年政府信息公开工作年度报告", "淮安市人民政府政务公开办公室", "2025年1月20日"],
], ids=["by-line", "above", "by-line-and-date"])
def test_the_office_that_publishes_the_report_is_not_taken_for_its_agency(lines):
    """A title without a name over or under the 政务公开办 that published it: that office is not the
    agency whose report it is, so no name is read (and the notes say so), never the wrong one."""
    found = find_agency([*lines, "一、总体情况", "2024年，本机关认真贯彻落实《条例》。"])
    assert found.name is None and found.notes[0].startswith("未能识别机关名称")


def test_a_notice_issued_by_the_publishing_office_still_names_the_reports_agency():
    found = find_agency(["某县政务公开办公室关于公布《某县交通运输局2024年度政府信息公开工作年度报告》的公告",
                         "一、总体情况"])
    assert (found.name, found.year) == ("某县交通运输局", 2024)


# --------------------------------------------------------------------------- what a page shows


def test_a_note_number_and_hidden_text_in_a_cell_are_not_part_of_the_figure(tmp_path, values):
    """「1288<sup>1</sup>」 (a note's number) was read as 12881 and a figure with Word's hidden text
    (「29<span style='mso-hide:all'>99</span>32」) as 299932; in Word, a superscript run and a hidden
    run (w:vanish) likewise. The hidden text is left out; a figure with a note's number is kept as
    printed, so `check` names it."""
    import docx

    granted, total = shown(values["t3.granted.natural_person"]), shown(values["t3.total.natural_person"])
    grid = t3_grid(values, list(range(7)))
    page = html_table(grid).replace(f">{granted}<", f">{granted}<sup>1</sup><", 1) \
        .replace(f">{total}<", f">{total[:2]}<span style='mso-hide:all'>99</span>{total[2:]}<", 1)
    path = tmp_path / "report.html"
    path.write_text("<html><head><meta charset='utf-8'></head><body>" + "".join(f"<p>{t}</p>" for t in TITLE)
                    + page + "".join(f"<p>{t}</p>" for t in TAIL) + "</body></html>", "utf-8")
    d = docx.Document()
    for t in TITLE:
        d.add_paragraph(t)
    table = d.add_table(rows=1 + len(T3_ROWS), cols=10)
    table.cell(0, 0).text = NOTE
    for c, head in enumerate(T3_HEADS, 3):
        table.cell(0, c).text = head
    for r, row_key in enumerate(T3_ROWS, 1):
        for c, label in enumerate(V2021.field(f"t3.{'.'.join(row_key)}.total").row):
            table.cell(r, c).text = label
        for c, col in enumerate(T3_COLS, 3):
            table.cell(r, c).text = shown(values[f"t3.{'.'.join(row_key)}.{col}"])
    cell = table.cell(T3_ROWS.index(("total",)) + 1, 3).paragraphs[0]
    cell.add_run("99").font.hidden = True
    cell.add_run("2").font.superscript = True
    for t in TAIL:
        d.add_paragraph(t)
    d.save(str(tmp_path / "report.docx"))
    from_html = import_report(path)
    assert from_html.data["t3.granted.natural_person"] == f"{granted}¹"
    assert from_html.data["t3.total.natural_person"] == values["t3.total.natural_person"]
    assert import_report(tmp_path / "report.docx").data["t3.total.natural_person"] == f"{total}²"


def test_a_subtotal_column_under_the_organisations_is_left_out_in_text(tmp_path, values):
    """「法人或其他组织」 with a 「小计」 of its own after 「其他」: the header line of the organisations
    names it, so it is an extra column (not read, noted), and every official column is read."""
    grid = t3_grid(values, list(range(7)))
    grid[2] = [*grid[2], ("小计", 1, 1)]
    for row in grid[3:]:
        row.insert(len(row) - 1, (str(sum(int(t) for t, _, _ in row[-6:-1])), 1, 1))
    path = write(tmp_path, "txt", [("三、收到和处理政府信息公开申请情况", grid)])
    report = import_report(path)
    assert read(report, "t3.") == t3_expected(values)
    assert any("表头中有 1 个不是官方的列" in n for n in report.notes)


@pytest.mark.parametrize("kind", ["html", "txt"])
def test_an_amount_under_a_header_in_yuan_is_converted_to_wan_yuan(tmp_path, values, kind):
    """「本年收费金额（单位：元）」 over 961716000: the figure is in 元 (it was read as 961716000 万元)."""
    yuan = round(values["t2.fees.amount"] * 10000)
    grid = [[("第二十条第（八）项", 1, 2)], [("信息内容", 1, 1), ("本年收费金额（单位：元）", 1, 1)],
            [("行政事业性收费", 1, 1), (str(yuan), 1, 1)]]
    report = import_report(write(tmp_path, kind, [("二、主动公开政府信息情况", grid)]))
    assert report.data["t2.fees.amount"] == values["t2.fees.amount"]
    assert any("表头的单位是“元”，官方格式的单位是“万元”，已换算" in n for n in report.notes)


@pytest.mark.parametrize("kind", ["html", "txt"])
@pytest.mark.parametrize("order", [[0, 1, 2], [2, 0, 1]], ids=["official-order", "after-review-first"])
def test_table_four_printed_one_group_a_row_is_read_by_each_rows_label(tmp_path, values, kind, order):
    """表四 as three rows (行政复议 / 行政诉讼 未经复议直接起诉 / 复议后起诉) under one header of five:
    each row is its own label's group (only the first row was read, and by position)."""
    labels = [[("行政复议", 1, 2)], [("行政诉讼", 1, 1), ("未经复议直接起诉", 1, 1)], [("行政诉讼", 1, 1), ("复议后起诉", 1, 1)]]
    figures = [[(shown(values[k]), 1, 1) for k in T4_KEYS[5 * g:5 * g + 5]] for g in range(3)]
    grid = [[("", 1, 2), *((x, 1, 1) for x in LEAVES)], *(labels[g] + figures[g] for g in order)]
    report = import_report(write(tmp_path, kind, [("四、政府信息公开行政复议、行政诉讼情况", grid)]))
    assert read(report, "t4.") == {k: values[k] for k in T4_KEYS}


def test_a_raised_note_number_in_a_pdf_cell_is_not_joined_to_the_figure():
    """A PDF (here as Chromium prints 「1288<sup>1</sup>」) sets the note's 1 smaller and higher: its
    own line, joined before the figure as 「11288」. It is written as a superscript, so the figure is
    kept as printed (value-not-integer), not read as 11288; digits of one size stay a number."""
    from xlreport.io.importers.pdf import _text_of

    def char(text, x, top, size):
        return {"text": text, "x0": x, "x1": x + 6, "top": top, "bottom": top + size, "size": size, "base": top + size - 2.6}

    figure = [char(d, 350 + 6 * i, 374.3, 13.3) for i, d in enumerate("1288")]
    assert parse_value(_text_of([*figure, char("1", 374, 371.3, 11.1)])).status == "text"
    assert _text_of(figure) == "1288"
    assert _text_of([*figure, char("5", 374, 375.0, 12.6)]) == "12885"  # a digit of about the same size and line


def test_a_page_without_colspans_reads_as_the_text_it_was_made_from(tmp_path, values):
    """The real report's rows as an HTML page whose merged headers are single cells (「行政复议 |
    行政诉讼」 over fifteen columns): a group header that does not stand over its columns says
    nothing of them, so 表四's columns are still the official ones in order (once read as 结果纠正 of
    未经复议直接起诉 because 「行政诉讼」 stood in the second column)."""
    lines = (FIXTURES / f"{NAME}.txt").read_text("utf-8").splitlines()[1:]
    path = tmp_path / "report.html"
    path.write_text(as_page("\n".join(lines)), "utf-8")
    report = import_report(path)
    assert {k: report.data.get(k) for k in values} == values


@pytest.mark.parametrize("head,year", [
    (["发布日期：2025年1月20日"], 2024),  # a publication date is no report year
    (["淮安市人民政府", "（2025年1月20日）"], None),
    (["根据2023年修订的规定编制本报告。"], 2024),  # nor a year inside a sentence
    (["2024年度"], 2024),
])
def test_without_a_title_or_period_the_year_is_never_a_date_and_is_said_to_be_inferred(tmp_path, values, head, year):
    """The title is an image and no statistics period is printed: the year was the first 「20xx年」 in
    the first lines (the publication date gave 2025, silently). Now only 「2024年度」 or the body's
    opening 「2024年，」, with a note; else no year, and the notes say so."""
    path = tmp_path / "report.txt"
    t4 = ["四、政府信息公开行政复议、行政诉讼情况", *text_table(t4_grid(values, litigation_first=False))]
    path.write_text("\n".join([*head, "一、总体情况", "2024年，我市认真贯彻落实《条例》。", *t4, *TAIL]), "utf-8")
    report = import_report(path)
    assert report.data.get("meta.year") == year
    if year:
        assert any(n.startswith("报告中没有带年度的标题和统计期限，报告年度按开头的“2024年") for n in report.notes)
    else:
        assert any(n.startswith("未能从标题或统计期限中读出报告年度") for n in report.notes)


def test_links_to_other_reports_give_no_name_or_year(tmp_path, values):
    """A page whose own title is an image, under a list of links to other reports (a site's
    「相关报告」): the links' titles were read as this report's (year 2023 from the second link).
    A paragraph that is all one link's text names another page."""
    links = "".join(f"<li><a href='/a/{i}.html'>{t}</a></li>" for i, t in enumerate(
        ["淮安市人民政府2024年政府信息公开工作年度报告", "淮安市交通运输局2023年政府信息公开工作年度报告"]))
    body = f"<ul>{links}</ul><p><img src='title.png'></p><p>一、总体情况</p><p>2024年，我局认真贯彻落实《条例》。</p>"
    body += "<p>四、政府信息公开行政复议、行政诉讼情况</p>" + html_table(t4_grid(values, litigation_first=False))
    body += "<p>详见<a href='/f.pdf'>附件</a>。</p>" + "".join(f"<p>{t}</p>" for t in TAIL)
    path = tmp_path / "report.html"
    path.write_text(f"<html><head><meta charset='utf-8'></head><body>{body}</body></html>", "utf-8")
    report = import_report(path)
    assert "meta.agency" not in report.data and report.data["meta.year"] == 2024
    assert any(n.startswith("未能识别机关名称") for n in report.notes)
    assert any(n.startswith("报告中没有带年度的标题和统计期限") for n in report.notes)


@pytest.mark.parametrize("kind", ["html", "txt"])
def test_table_four_with_last_years_row_first_reads_the_row_of_the_report_year(tmp_path, values, kind):
    """表四 with a row per year for comparison, 「2023年」 above 「2024年」: the first (last year's)
    was read silently. The row labelled with the report's year is read, the other noted; two rows
    without such labels are a table-incomplete problem (which is this year's cannot be told)."""
    grid = t4_grid(values, litigation_first=False)
    this = grid.pop()
    last = [(str(int(t) + 1), 1, 1) for t, _, _ in this]
    labelled = [[("年度", 3, 1), *grid[0]], *grid[1:], [("2023年", 1, 1), *last], [("2024年", 1, 1), *this]]
    report = import_report(write(tmp_path, kind, [("四、政府信息公开行政复议、行政诉讼情况", labelled)]))
    assert read(report, "t4.") == {k: values[k] for k in T4_KEYS}
    assert any("未读入（不是本报告年度的数字）：2023年" in n for n in report.notes)
    unlabelled = import_report(write(tmp_path, kind, [("四、政府信息公开行政复议、行政诉讼情况", [*grid, this, last])]))
    assert read(unlabelled, "t4.") == {k: values[k] for k in T4_KEYS}
    assert [p.message[:2] for p in unlabelled.problems if p.rule == "table-incomplete" and "又印了一次" in p.message] == ["表四"]


@pytest.mark.parametrize("kind", ["html", "txt"])
def test_a_column_of_last_years_totals_is_not_read_as_the_total(tmp_path, values, kind):
    """「上年总计」 printed before 「总计」 for comparison was taken for the 总计 column (its words hold
    总计), and this year's totals left out. A header of another year is never an official column."""
    grid = t3_grid(values, list(range(7)))
    grid[0][1] = ("申请人情况", 1, 8)
    grid[1].insert(2, ("上年总计", 2, 1))
    for row in grid[3:]:
        row.insert(len(row) - 1, (str(int(row[-1][0]) + 7), 1, 1))
    report = import_report(write(tmp_path, kind, [("三、收到和处理政府信息公开申请情况", grid)]))
    assert read(report, "t3.") == t3_expected(values)


def test_a_group_label_whose_rowspan_is_too_short_does_not_shift_the_last_rows_figures(tmp_path, values):
    """「（三）不予公开」 with rowspan 7 for its 8 rows (and 「三、本年度办理结果」 two short): the rows after
    it begin one column to the left, a figure where the labels are and nothing under 总计. Their
    figures were read one column off (自然人's 105 as 其他); the row is read in its printed order."""
    grid = t3_grid(values, list(range(7)))
    for row in grid:
        for i, (text, rs, cs) in enumerate(row):
            if text in ("（三）不予公开", "三、本年度办理结果"):
                row[i] = (text, rs - (1 if text.startswith("（") else 2), cs)
    report = import_report(write(tmp_path, "html", [("三、收到和处理政府信息公开申请情况", grid)]))
    got = read(report, "t3.")
    assert {k: v for k, v in got.items() if v != values[k]} == {}
    assert "t3.denied.query_matters.natural_person" in got and "t3.total.natural_person" in got


def test_a_page_row_with_a_cell_left_out_is_reported_not_read_one_column_off(tmp_path, values):
    """A row of the page's table with one <td> left out (科研机构's): its later figures stood one
    column to the left (社会公益组织 read 法律服务机构's, 总计 blank). It is one table-incomplete
    problem naming the row, and no figure of it is read."""
    grid = t3_grid(values, list(range(7)))
    row = grid[3]  # 一、本年新收政府信息公开申请数量
    del row[1 + 2]
    report = import_report(write(tmp_path, "html", [("三、收到和处理政府信息公开申请情况", grid)]))
    assert not [k for k in read(report, "t3.new.")]
    short = [p for p in report.problems if p.rule == "table-incomplete"]
    assert len(short) == 1 and "“一、本年新收政府信息公开申请数量”（第1张表第4行）：只有 6 个数值格" in short[0].message
    assert {k: v for k, v in read(report, "t3.").items()} == {k: v for k, v in t3_expected(values).items()
                                                              if not k.startswith("t3.new.")}


# --------------------------------------------------------------------------- 信息处理费 in the report's words


@pytest.mark.parametrize("sentence", [
    "2023年收取信息处理费500元，2024年未收取。",  # last year's figure was read as this year's
    "全年收取信息处理费约3000元。",  # an amount about so much is no amount
    "全年收取信息处理费3000元左右。",
    "全年收取信息处理费300元/件。",  # a rate, not a total
])
def test_a_fee_amount_not_stated_exactly_is_not_read(sentence):
    from xlreport.io.importers.fees import read_fees

    reading = read_fees(sentence, "六、其他需要报告的事项")
    assert (reading.count, reading.amount) == (None, None) and reading.notes


def test_a_fee_amount_beside_last_years_is_still_read():
    from xlreport.io.importers.fees import read_fees

    assert read_fees("全年共收取政府信息公开信息处理费3940元（上年2950元）。", "六").amount == 3940
    assert read_fees("全年收取信息处理费0元，较上年减少3940元。", "六").amount == 0


def test_a_table_of_other_figures_with_table_twos_items_is_not_read_as_table_two(tmp_path, values):
    """A table in 一's text (「主动公开信息统计」 with rows 行政许可 | 1200) comes before 「二、主动公开政府信息
    情况」: it is not 表二 and is not read (a note says so). The same table in 六 was read over 表二's
    figures without a word; after 「三、…」 it is not 表二 either."""
    lines = (FIXTURES / f"{NAME}.txt").read_text("utf-8").splitlines()[1:]
    extra = ["主动公开信息统计", "行政许可 | 1200", "行政处罚 | 356"]
    at = next(i for i, line in enumerate(lines) if line.startswith("（二）依申请公开"))
    path = tmp_path / "report.txt"
    path.write_text("\n".join([*lines[:at], *extra, *lines[at:]]), "utf-8")
    report = import_report(path)
    assert {k: report.data.get(k) for k in values} == values
    assert not [p for p in report.problems if p.rule == "table-incomplete"]
    assert any("在“二、主动公开政府信息情况”之前，不是表二，未读入" in n for n in report.notes)
    path.write_text("\n".join([*lines, *extra]), "utf-8")
    report = import_report(path)
    assert {k: report.data.get(k) for k in values} == values
    assert not [p for p in report.problems if p.rule == "table-incomplete"]
    assert any("在“三、收到和处理政府信息公开申请情况”之后，不是表二，未读入" in n for n in report.notes)


@pytest.mark.parametrize("kind", ["html", "txt"])
def test_a_total_column_headed_otherwise_is_read_or_reported_never_shifted(tmp_path, values, kind):
    """The total column first, headed 「合计」 (read as 总计, with a note) or 「申请总数」 (a header that is
    no official column: which figure is whose cannot be told, each row is table-incomplete). Both were
    read in the official order: the totals as 自然人, every figure one column off."""
    grid = t3_grid(values, [6, 0, 1, 2, 3, 4, 5])
    grid[1][0] = ("合计", 2, 1)
    report = import_report(write(tmp_path, kind, [("三、收到和处理政府信息公开申请情况", grid)]))
    assert read(report, "t3.") == t3_expected(values)
    assert any("表头中的“合计”按官方的“总计”读入" in n for n in report.notes)
    grid[1][0] = ("申请总数", 2, 1)
    report = import_report(write(tmp_path, kind, [("三、收到和处理政府信息公开申请情况", grid)]))
    assert not read(report, "t3.")
    assert len([p for p in report.problems if p.rule == "table-incomplete" and "表头中的列与官方格式不同" in p.message]) \
        == len(T3_ROWS)


def test_a_table_of_contents_listing_the_headings_does_not_hide_table_two(tmp_path, values):
    """A 目录 with 「二、…」 and 「三、…」 at the top: 表二 is after the last 「二、…」 before it, and the
    sections' texts are those under the report's own headings (the 目录's 「一、总体情况」 had started an
    empty 一, and 五 was read empty: two false text-missing errors)."""
    lines = (FIXTURES / f"{NAME}.txt").read_text("utf-8").splitlines()[1:]
    contents = ["目录", "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    path = tmp_path / "report.txt"
    path.write_text("\n".join([*lines[:3], *contents, *lines[3:]]), "utf-8")
    report = import_report(path)
    assert {k: report.data.get(k) for k in values} == values
    plain = import_report(FIXTURES / f"{NAME}.txt")
    texts = {k: v for k, v in plain.data.items() if k.startswith("text.")}
    assert texts and {k: v for k, v in report.data.items() if k.startswith("text.")} == texts


@pytest.mark.parametrize("kind", ["html", "txt"])
def test_a_column_headed_in_its_own_words_is_read_only_in_its_official_place(tmp_path, values, kind):
    """「公民」 for 自然人: in 自然人's place (the only column not named) it is that column; printed after
    the organisations, the official order would read every figure one column off (it did): each row
    is table-incomplete instead."""
    grid = t3_grid(values, list(range(7)))
    grid[1][0] = ("公民", 2, 1)
    report = import_report(write(tmp_path, kind, [("三、收到和处理政府信息公开申请情况", grid)]))
    assert read(report, "t3.") == t3_expected(values)
    moved = t3_grid(values, [1, 2, 3, 4, 5, 0, 6])
    moved[1][1] = ("公民", 2, 1)
    report = import_report(write(tmp_path, kind, [("三、收到和处理政府信息公开申请情况", moved)]))
    assert not read(report, "t3.")
    assert len([p for p in report.problems if p.rule == "table-incomplete"]) == len(T3_ROWS)
