"""Every real layout read (issue 17 item 4), on texts built from the patterns of real pages: Markdown
from PDF converters, page footers between rows, notes under a table, units in count cells, an
amount of 0 without a unit, sub-headings of 一 in a report's own words, fee sentences."""

from __future__ import annotations

import pytest
from factories import consistent_data

from xlreport import api
from xlreport.io.importers.fees import read_fees
from xlreport.io.importers.match import match_document
from xlreport.io.importers.text import parse_text
from xlreport.model.formats import V2021

DATA = consistent_data(V2021, seed=9, distinct=True, with_totals=True)
T3_COLS = [f.col_key for f in V2021.fields if f.table == "t3" and f.row_key == ("new",)]
T3_ROWS = list(dict.fromkeys(f.row_key for f in V2021.fields if f.table == "t3" and f.row))


def values(row_key) -> list[str]:
    return [str(DATA["t3." + ".".join(row_key) + "." + c]) for c in T3_COLS]


def expected_t3() -> dict:
    return {f"t3.{'.'.join(r)}.{c}": DATA[f"t3.{'.'.join(r)}.{c}"] for r in T3_ROWS for c in T3_COLS}


def markdown_t3() -> list[str]:
    """Table 三 as a PDF converter writes it: a group label as a heading over its rows' own table,
    a one-row table under a heading, page footers and blank lines between rows."""
    lines = ["## 三、收到和处理政府信息公开申请情况", "",
             "| 本列数据的勾稽关系 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |",
             "|---|---|---|---|---|---|---|---|"]
    group = None
    for i, r in enumerate(T3_ROWS):
        path = V2021.field("t3." + ".".join(r) + ".total").row
        if len(path) == 3 and path[1] != group:  # a new group: its label as a heading over its own table
            group = path[1]
            lines += ["", f"### {group}", "", "| 项目 | " + " | ".join(["数量"] * 7) + " |", "|---|" + "---|" * 7]
        label = path[-1]
        lines.append("| " + label + " | " + " | ".join(values(r)) + " |")
        if i == 5:
            lines += ["", "— 2 —", ""]  # a page footer between two rows
    return lines


def report(lines_t3: list[str], six: str = "本年度未收取信息处理费。", overview: list[str] | None = None) -> str:
    head = ["# 某市某局2022年政府信息公开工作年度报告", "## 一、总体情况"]
    head += overview if overview is not None else ["本局认真落实条例。"]
    return "\n".join(head + lines_t3 + ["注：本表数据含上年结转。", "## 五、存在的主要问题及改进情况",
                                        "公开内容还不够全面，下一步将加强培训。", "## 六、其他需要报告的事项", six]) + "\n"


def test_markdown_from_a_pdf_converter_keeps_every_row_and_section():
    result = match_document(parse_text(report(markdown_t3()), "x.md"))
    assert {k: v for k, v in result.data.items() if k.startswith("t3.")} == expected_t3()
    assert result.data["meta.agency"] == "某市某局" and result.data["meta.year"] == 2022
    assert result.data["text.problems"].startswith("公开内容还不够全面")
    assert result.data["text.overview"] == "本局认真落实条例。"
    assert "— 2 —" not in result.data["text.overview"] and any("页码" in n for n in result.notes)
    assert result.data["fee.count"] == 0 and result.data["fee.amount_yuan"] == 0


def test_sub_headings_of_one_by_number_and_words_and_one_notice_for_own_ones():
    own = ["（一）突出重点，落实责任", "本局突出重点。", "（二）拓宽渠道，健全矩阵", "本局拓宽渠道。",
           "（五）及时回应关切，自觉接受监督", "本局接受社会监督。"]
    result = match_document(parse_text(report(markdown_t3(), overview=own), "x.md"))
    assert result.data["text.overview.supervision"] == "本局接受社会监督。"  # （五）… 监督 is 监督保障
    notices = [n for n in result.notes if "未按 2021 版的五个方面分列" in n]
    assert len(notices) == 1 and "（一）突出重点，落实责任" in notices[0] and "（二）拓宽渠道，健全矩阵" in notices[0]
    assert not any("不是官方的五个小标题之一" in n for n in result.notes)


@pytest.mark.parametrize("sentence,count,amount", [
    ("2022年，本机关未发生收费情况。", 0, 0),
    ("本年度没有产生信息公开处理费。", 0, 0),
    ("收取信息处理费共计380元，其中民政局1件。", 1, 380),
])
def test_fee_sentences_of_real_reports(sentence, count, amount):
    reading = read_fees(sentence, "六、其他需要报告的事项")
    assert (reading.count, reading.amount) == (count, amount)
    assert reading.notes  # every figure read is quoted in a note


def test_a_unit_in_a_count_cell_and_an_amount_of_zero_without_a_unit(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text("某市某局2020年度政府信息公开工作年度报告\n二、主动公开政府信息情况\n第二十条第（九）项\n"
                    "信息内容 | 采购项目数量 | 采购总金额\n政府集中采购 | 3笔 | 0\n"
                    "五、存在的主要问题及改进情况\n公开工作还需加强，下一步改进。\n", encoding="utf-8")
    result = api.check(path)
    assert result.report.data["t2.procurement.projects"] == 3
    assert any("去掉单位“笔”" in n for n in result.report.notes)
    assert not [p for p in result.problems if any(k.startswith("t2.procurement") for k in p.keys)]


def test_a_published_report_with_its_own_sub_headings_gets_one_warning_not_five(tmp_path):
    own = ["（一）突出重点，落实责任", "本局突出重点。", "（二）拓宽渠道，健全矩阵", "本局拓宽渠道。"]
    path = tmp_path / "own.md"
    path.write_text(report(markdown_t3(), overview=own), encoding="utf-8")
    missing = [p for p in api.check(path).problems if p.rule == "text-missing" and p.keys[0].startswith("text.overview.")]
    assert len(missing) == 1
    assert "未按 2021 版的五个方面分列" in missing[0].message and missing[0].cells == ("正文 一、总体情况",)


def test_own_sub_headings_of_a_2019_report_are_no_defect(fixtures_dir):
    """The 试行 format (V2019) asks for no sub-headings in 一: a 2019 report's own ones are noted as
    read, not told to follow 「五个小标题」 that format does not have."""
    from xlreport.io.importers.match import import_report

    report = import_report(fixtures_dir.parent / "published" / "2019_pingtan_gwhbgs.txt")
    assert report.fmt.version == "2019"
    told = [n for n in report.notes if "（一）高度重视，及时行动" in n]
    assert len(told) == 1 and "是报告自己的小标题" in told[0] and "五个" not in told[0]
