"""Breaks found by an adversarial review of the importer (issue 17): inputs built from the patterns
of real pages (published-reports.md), each once read wrong or named wrong by the importer.
"""

from __future__ import annotations

import re

import pytest
from conftest import SHARED
from factories import consistent_data

from xlreport import api
from xlreport.cli.main import main
from xlreport.io.importers.document import Document, Paragraph
from xlreport.io.importers.match import import_report, match_document
from xlreport.io.importers.name import find_agency
from xlreport.io.importers.text import parse_text
from xlreport.model.formats import V2021

TAIL = ["一、总体情况", "本年度，我局认真贯彻落实《条例》。"]


@pytest.mark.parametrize("title,name,year", [
    ("某县某局二〇二三年度政府信息公开工作年度报告", "某县某局", 2023),
    ("某县某局二○二三年政府信息公开工作年度报告", "某县某局", 2023),  # ○ (U+25CB) for 〇
    ("某县某局二零二零年度政府信息公开工作年度报告", "某县某局", 2020),
    ("二〇二四年度某县人民政府政府信息公开工作年度报告", "某县人民政府", 2024),
])
def test_a_title_with_the_year_in_chinese_numerals_gives_the_name_and_year(title, name, year):
    found = find_agency([title, *TAIL])
    assert (found.name, found.year) == (name, year)


def test_a_2020_report_titled_in_chinese_numerals_is_read_in_the_2019_format():
    doc = Document("x.txt", "text", (Paragraph("某县某局二〇二〇年度政府信息公开工作年度报告"),
                                     *(Paragraph(t) for t in TAIL)))
    out = match_document(doc)
    assert (out.data.get("meta.year"), out.fmt.version, out.data.get("meta.agency")) == (2020, "2019", "某县某局")


# --------------------------------------------------------------------------- two reports in one file

def _t3_text(data: dict) -> str:
    rows = list(dict.fromkeys(f.row_key for f in V2021.fields if f.table == "t3" and f.row))
    cols = [f.col_key for f in V2021.fields if f.table == "t3" and f.row_key == ("new",)]
    lines = ["三、收到和处理政府信息公开申请情况",
             "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） | 申请人情况",
             "| 自然人 | 法人或其他组织 | 总计",
             "| | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 |"]
    for r in rows:
        key = "t3." + ".".join(r)
        lines.append(" | ".join([*V2021.field(key + ".total").row, *(str(data[f"{key}.{c}"]) for c in cols)]))
    return "\n".join(lines)


def test_two_reports_in_one_file_with_different_figures_are_not_passed_silently():
    first = consistent_data(V2021, seed=3, distinct=True, with_totals=True)
    assert first["t3.new.total"]
    second = {k: v * 2 if isinstance(v, int) else v for k, v in first.items()}  # another year's figures
    text = "\n".join(["某县某局2023年度政府信息公开工作年度报告", *TAIL, _t3_text(first),
                      "某县某局2022年度政府信息公开工作年度报告", *TAIL, _t3_text(second)])
    out = match_document(parse_text(text))
    assert out.data["t3.new.total"] == first["t3.new.total"]
    twice = [p for p in out.problems if "又印了一次" in p.message]
    assert len(twice) == 1 and twice[0].rule == "table-incomplete" and "第2张表" in twice[0].message
    same = match_document(parse_text("\n".join(["某县某局2023年度政府信息公开工作年度报告", *TAIL,
                                                _t3_text(first), _t3_text(first)])))
    assert not [p for p in same.problems if "又印了一次" in p.message]  # printed twice alike: a note only


# --------------------------------------------------------------------------- a file that is no report

WORK_POINTS = """某市人民政府办公室关于印发某市2023年政务公开工作要点的通知
各县（区）人民政府，市各委办局：
现将《某市2023年政务公开工作要点》印发给你们，请结合实际认真贯彻落实。
一、加强政策发布解读
（一）做好政策文件公开。全年主动公开规范性文件不少于50件。
二、推进重点领域信息公开
三、强化政务公开平台建设
"""
BULLETIN = """某市2023年国民经济和社会发展统计公报
一、综合
全年全市地区生产总值 1234.5 亿元，比上年增长 5.2%。
| 指标 | 单位 | 绝对数 | 比上年增长（%）
| 地区生产总值 | 亿元 | 1234.5 | 5.2
二、农业
"""


@pytest.mark.parametrize("text", [WORK_POINTS, BULLETIN], ids=["work-points", "bulletin"])
def test_a_file_of_another_kind_with_a_year_is_refused_not_read_as_a_blank_report(tmp_path, capsys, text):
    path = tmp_path / "doc.txt"
    path.write_text(text, encoding="utf-8")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "“doc.txt”" in err and "不像政府信息公开工作年度报告" in err and "value-missing" not in err


def test_a_report_whose_tables_are_images_is_still_read():
    text = "某县某局2023年度政府信息公开工作年度报告\n一、总体情况\n本年度，我局认真贯彻落实《条例》。\n" \
           "二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n"
    path_free = parse_text(text)
    assert match_document(path_free).data["meta.agency"] == "某县某局"
    headings_only = text.replace("某县某局2023年度政府信息公开工作年度报告\n", "统计期限自2023年1月1日起至2023年12月31日止。\n")
    assert any(k.startswith("text.") for k in match_document(parse_text(headings_only)).data)


# --------------------------------------------------------------------------- a row not read is not 0

def test_a_row_that_could_not_be_placed_is_not_used_as_zero_by_the_prose_check(tmp_path):
    data = consistent_data(V2021, seed=3, distinct=True, with_totals=True)
    lines = _t3_text(data).splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("三、本年度办理结果 | （一）予以公开"))
    lines[at] = lines[at].rsplit(" | ", 2)[0] + " | " + lines[at].rsplit(" | ", 1)[1]  # a PDF dropped a cell
    text = "\n".join(["某县某局2023年度政府信息公开工作年度报告", "一、总体情况",
                      f"（二）依申请公开。本年度予以公开{data['t3.granted.total']}件。", *lines,
                      "五、存在的主要问题及改进情况", "信息发布的及时性有待提高。"])
    path = tmp_path / "dropped.txt"
    path.write_text(text, encoding="utf-8")
    problems = api.check(path).problems
    unplaced = [p for p in problems if p.rule == "table-incomplete"]
    assert len(unplaced) == 1 and "（一）予以公开" in unplaced[0].message
    assert not [p for p in problems if set(p.keys) & set(unplaced[0].keys) and p is not unplaced[0]]


# --------------------------------------------------------------------------- PDF text: labels on their own line

def _t3_expected(data: dict) -> dict:
    return {k: v for k, v in data.items() if k.startswith("t3.")}


def _label_and_values(line: str) -> tuple[str, str]:
    parts = line.split(" | ")
    labels = [p for p in parts if not p.strip().isdigit()]
    return " ".join(labels), " | ".join(parts[len(labels):])


@pytest.mark.parametrize("layout", ["one-cell", "own-line"])
def test_table_three_rows_from_pdf_text_labels_in_one_cell_or_on_their_own_line(layout):
    data = consistent_data(V2021, seed=3, distinct=True, with_totals=True)
    lines = []
    for line in _t3_text(data).splitlines():
        label, values = _label_and_values(line)
        if not values:  # the headings and header rows
            lines.append(line)
        elif layout == "one-cell":  # 「三、本年度办理结果 （一）予以公开 | 5 | 0 | …」
            lines.append(f"{label} | {values}")
        else:  # 「（七）总计」 / 「5 | 0 | …」
            lines += [label, values]
    text = "\n".join(["某县某局2023年度政府信息公开工作年度报告", *TAIL, *lines, "五、存在的主要问题及改进情况", "无。"])
    out = match_document(parse_text(text))
    assert {k: v for k, v in out.data.items() if k.startswith("t3.")} == _t3_expected(data)
    assert not out.problems


# --------------------------------------------------------------------------- no year: the format by the tables

@pytest.mark.parametrize("name", ["2019_pingtan_gwhbgs", "2020_pingtan_czj", "2022_pingtan_gaj"])
def test_without_a_readable_year_the_format_is_that_of_the_tables_not_a_false_format_error(tmp_path, name):
    source = SHARED / "fixtures" / "published" / f"{name}.txt"
    if not source.is_file():
        pytest.skip(f"the shared published reports are not beside the repository ({source})")
    lines = source.read_text(encoding="utf-8").splitlines()
    # the title and the statistics period printed without the year (a copy that lost its heading)
    path = tmp_path / "report.txt"
    path.write_text("\n".join(re.sub(r"20\d\d\s*年度?", "本年度", line) if i < 12 else line
                              for i, line in enumerate(lines)), encoding="utf-8")
    whole, cut = import_report(source), import_report(path)
    assert "meta.year" not in cut.data
    assert cut.fmt.version == whole.fmt.version
    assert {k: v for k, v in cut.data.items() if k[:3] in ("t2.", "t3.", "t4.")} == \
        {k: v for k, v in whole.data.items() if k[:3] in ("t2.", "t3.", "t4.")}
    assert not [p for p in cut.problems if p.rule == "format-version"]


# --------------------------------------------------------------------------- names from a page's head

@pytest.mark.parametrize("head,name", [
    # a Hanweb page's metadata table before the article's title: never 「某县教育局某县教育局」
    (["索引号：000014349/2024-00012", "发布机构：某县教育局", "某县教育局2023年政府信息公开工作年度报告"], "某县教育局"),
    (["某县教育局", "某县教育局2023年政府信息公开工作年度报告"], "某县教育局"),  # a by-line over the title
    # a PDF's cover: the title without a name, the agency on the line under it
    (["2023年度政府信息公开工作年度报告", "某县教育局", "2024年1月20日"], "某县教育局"),
    (["二〇二三年度政府信息公开工作年度报告", "（2024年1月20日）", "某县人民政府办公室"], "某县人民政府办公室"),
])
def test_the_name_from_the_head_of_a_page_or_a_pdf_cover(head, name):
    found = find_agency([*head, *TAIL])
    assert (found.name, found.year) == (name, 2023)


def test_a_sentence_under_a_title_without_a_name_is_no_name():
    assert find_agency(["2023年度政府信息公开工作年度报告", "本报告由某县教育局编制", *TAIL]).name is None


# --------------------------------------------------------------------------- an amount in 元 under 万元

@pytest.mark.parametrize("printed,amount", [("961716000元", 96171.6), ("96171.6万元", 96171.6), ("1,234.5", 1234.5)])
def test_the_fee_amount_is_in_the_unit_of_its_column(printed, amount):
    text = "\n".join(["某县某局2023年度政府信息公开工作年度报告", *TAIL, "二、主动公开政府信息情况", "第二十条第（八）项",
                      "信息内容 | 本年收费金额（单位：万元）", f"行政事业性收费 | {printed}"])
    out = match_document(parse_text(text))
    assert out.data["t2.fees.amount"] == amount


def test_a_title_with_guanyu_before_the_year_gives_the_name():
    found = find_agency(["某县某局关于2023年度政府信息公开工作年度报告", *TAIL])
    assert (found.name, found.year) == ("某县某局", 2023)


def test_cells_separated_by_the_full_width_bar_are_read():
    data = consistent_data(V2021, seed=3, distinct=True, with_totals=True)
    text = "\n".join(["某县某局2023年度政府信息公开工作年度报告", *TAIL, _t3_text(data).replace(" | ", "｜"),
                      "五、存在的主要问题及改进情况", "无。"])
    out = match_document(parse_text(text))
    assert {k: v for k, v in out.data.items() if k.startswith("t3.")} == _t3_expected(data)


def test_a_blank_template_is_refused_saying_its_tables_are_empty():
    from xlreport.errors import NotAReport

    with pytest.raises(NotAReport) as refused:
        import_report(SHARED / "fixtures" / "published" / "template_v2021_wps_blank.docx")
    message = str(refused.value)
    assert "找到了年度报告的表格" in message and "数值全部为空" in message and "空白的报告模板" in message
    assert "既没有找到年度报告的表格" not in message


def test_the_agency_not_found_note_asks_for_the_name_in_the_report_title():
    doc = parse_text("\n".join(["政府信息公开工作情况", *TAIL]))
    notes = match_document(doc, year_hint=2023).notes
    assert any(n.startswith("未能识别机关名称") and "报告标题中写明机关全称" in n and "meta.agency" not in n
               for n in notes)
