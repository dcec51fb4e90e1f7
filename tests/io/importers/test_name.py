"""The agency's name of a published report (issue 17, item 3): io/importers/name.py and its use.

Inputs are built from the patterns of real pages (published-reports.md); the shared real reports
are read from ../shared (each name checked by hand against the file's title line).
"""

from __future__ import annotations

import pytest
from conftest import SHARED

from xlreport.cli.main import main
from xlreport.io.importers.document import Document, Paragraph
from xlreport.io.importers.match import match_document
from xlreport.io.importers.name import NOT_FOUND, agency_kind, find_agency

TAIL = ["一、总体情况", "2023年，我局认真贯彻落实《条例》。"]


@pytest.mark.parametrize("lines,name,year", [
    (["某县某局2023年度政府信息公开工作年度报告"], "某县某局", 2023),
    (["某县某局2023年政府信息公开工作年度报告"], "某县某局", 2023),
    (["某县某局2023年政府信息公开年度报告"], "某县某局", 2023),  # without 工作
    (["某县某局 2023 年度 政府信息公开 工作年度报告"], "某县某局", 2023),  # spaces
    (["某县\u3000某局2023年度政府信息公开工作年度报告"], "某县某局", 2023),
    (["《某县某局2023年度政府信息公开工作年度报告》"], "某县某局", 2023),
    (["2023年度某县某局政府信息公开工作年度报告"], "某县某局", 2023),  # the year first
    (["某市人民政府信息公开工作年度报告（2023年）"], "某市人民政府", 2023),  # the year after, in brackets
    (["某县某局2023年度", "政府信息公开工作年度报告"], "某县某局", 2023),  # over two lines
    (["某县人民政府", "2023年政府信息公开工作年度报告"], "某县人民政府", 2023),
    (["某县", "某局2023年度", "政府信息公开工作年度报告"], "某县某局", 2023),  # three short lines
    (["首页 > 政务公开 > 年度报告", "某县某局2023年度政府信息公开工作年度报告", "发布时间：2024-01-20"],
     "某县某局", 2023),  # a saved page's breadcrumb before the title
    (["某县某局2023年度政府信息公开工作年度报告（全文）"], "某县某局", 2023),
    (["某市政府信息公开工作2023年度报告"], "某市", 2023),  # the year inside the title words
    (["# 某县某局2023年度政府信息公开工作年度报告"], "某县某局", 2023),  # a Markdown heading (PDF converters)
    (["某县某局2023年度政府信息公开工作报告"], "某县某局", 2023),  # 工作报告
    (["某县某局2023年政府信息公开年报"], "某县某局", 2023),
    (["某县某局2023年度政府信息公开工作年度报告 2024-01-20"], "某县某局", 2023),  # the date on the title's line
    (["**某县某局2023年度政府信息公开工作年度报告**"], "某县某局", 2023),
    # published inside a notice: the quoted title's agency, not the issuer's
    (["关于公布《某县某局2023年度政府信息公开工作年度报告》的公告"], "某县某局", 2023),
    (["某县人民政府办公室关于印发《某县2023年政府信息公开工作年度报告》的通知"], "某县", 2023),
    (["某县某局关于", "《某县某局2023年度政府信息公开工作年度报告》的公告"], "某县某局", 2023),  # over two lines
])
def test_title_line_in_the_text(lines, name, year):
    found = find_agency(lines + TAIL)
    assert (found.name, found.year, found.source) == (name, year, "标题")
    assert "报" in lines[found.line]  # the body starts after the title's last line


@pytest.mark.parametrize("line", [
    "根据《中华人民共和国政府信息公开条例》要求，编制本机关2023年度政府信息公开工作年度报告。",
    "本报告由某县人民政府办公室根据《条例》编制。现将某县2023年度政府信息公开工作年度报告公布如下",
    "<!-- 某某区人民政府2023年度政府信息公开工作年度报告 -->",
    "<!-- image -->",
    "如对本报告有疑问，请与某县某局办公室联系（电话：0000-1234567）。",
    "2023年政府信息公开工作年度报告",  # a title without an agency: 「政府」 is no name
    "附件：某县某局2023年度政府信息公开工作年度报告.pdf",
    # 《…》 quoted in a sentence, or a notice about something else than publishing it
    "按照《国务院办公厅2023年政府信息公开工作年度报告》的格式编制本报告。",
    "关于《某县某局2023年度政府信息公开工作年度报告》的解读",
    # a notice's title after a sentence's or a link's words: no issuer's name before 关于
    "根据县政府办公室关于印发《某县2023年政府信息公开工作年度报告》的通知",
    "上一篇 关于公布《某县某局2022年度政府信息公开工作年度报告》的公告",
    "相关阅读 关于公布《某县某局2022年度政府信息公开工作年度报告》的公告",
])
def test_never_a_sentence_a_comment_or_a_contact_office(line):
    found = find_agency([line] + TAIL)
    assert found.name is None and found.source == "" and found.line == -1
    assert found.notes and found.notes[0].startswith(NOT_FOUND)


def test_a_metadata_label_fused_with_the_title_is_dropped():
    found = find_agency(["索引号：000-2024-00001", "名称沭阳县发展和改革局2023年度政府信息公开工作年度报告"] + TAIL)
    assert found.name == "沭阳县发展和改革局"
    assert find_agency(["标题：某县某局2023年度政府信息公开工作年度报告"] + TAIL).name == "某县某局"
    assert find_agency(["发布机构沭阳县发展和改革局"] + TAIL).name is None


def test_no_suffix_is_ever_invented():
    """「平潭综合实验区」 is printed: 「平潭综合实验区人民政府」 is no such body and is never made up."""
    found = find_agency(["某某综合实验区2022年度政府信息公开工作年度报告"] + TAIL)
    assert found.name == "某某综合实验区" and found.notes == ()
    doc = Document("x.txt", "text", tuple(Paragraph(t) for t in ["某某综合实验区2022年度政府信息公开工作年度报告"] + TAIL))
    result = match_document(doc)
    assert result.data["meta.agency"] == "某某综合实验区"
    assert not any("某某综合实验区人民政府" in n for n in result.notes)
    # a place name printed alone: still the report of that place's government, and said to be inferred
    assert result.data["meta.agency_kind"] == "government"
    assert result.cells["meta.agency_kind"] == result.cells["meta.can_make_rules"] == "按机关名称推断"


def test_the_place_printed_in_the_text_completes_a_name():
    lines = ["洪泽区人民政府", "2023年政府信息公开工作年度报告", "本报告由淮安市洪泽区人民政府办公室根据《条例》编制。"]
    found = find_agency(lines)
    assert found.name == "淮安市洪泽区人民政府" and "补全" in found.notes[0]


def test_the_title_nearest_the_body_wins_over_a_list_of_other_reports():
    lines = ["某县某局2022年度政府信息公开工作年度报告", "某县某局2021年度政府信息公开工作年度报告",
             "某县某局2023年度政府信息公开工作年度报告", "一、总体情况", "某县某局2024年度政府信息公开工作年度报告"]
    assert (find_agency(lines).name, find_agency(lines).year) == ("某县某局", 2023)


@pytest.mark.parametrize("titles,file_name,name,source", [
    ((("网页的文章标题（ArticleTitle）", "某县某局2023年度政府信息公开工作年度报告"),), "", "某县某局",
     "网页的文章标题（ArticleTitle）"),
    ((("网页标题", "某县某局2023年度政府信息公开工作年度报告_年度报告_某县人民政府门户网站"),), "", "某县某局", "网页标题"),
    ((("网页标题", "某县人民政府门户网站 - 某县某局2023年政府信息公开工作年度报告"),), "", "某县某局", "网页标题"),
    ((("网页标题", "某县人民政府门户网站"), ("网页的文章标题（ucaptitle）", "某县某局2023年度政府信息公开年度报告")), "",
     "某县某局", "网页的文章标题（ucaptitle）"),
    ((("PDF 文档属性中的标题", "Microsoft Word - 某县某局2023年度政府信息公开工作年度报告.docx"),), "", "某县某局",
     "PDF 文档属性中的标题"),
    ((), "/下载/平潭综合实验区2022年度政府信息公开工作年度报告.txt", "平潭综合实验区", "文件名"),
    ((), "某县某局2023年度政府信息公开工作年度报告_某县人民政府门户网站.html", "某县某局", "文件名"),
    ((), "某县某局2023年度政府信息公开工作年度报告 (1).pdf", "某县某局", "文件名"),
    ((("网页标题", "某县某局2023年度政府信息公开工作年度报告-某县人民政府"),), "", "某县某局", "网页标题"),
    ((("网页标题", "某县人民政府门户网站"),), "t20240308_87885.htm", None, ""),
    ((("PDF 文档属性中的标题", "untitled"),), "2023_report.pdf", None, ""),
])
def test_titles_and_file_name_when_the_text_has_no_title(titles, file_name, name, source):
    found = find_agency(["根据《中华人民共和国政府信息公开条例》，编制本报告。"] + TAIL, titles, file_name)
    assert (found.name, found.source) == (name, source)
    assert found.line == -1
    if name:
        assert found.year in (2022, 2023) and source in found.notes[0]


def test_the_text_title_comes_before_the_page_title_and_the_file_name():
    found = find_agency(["某县甲局2023年度政府信息公开工作年度报告"] + TAIL, (("网页标题", "某县乙局2023年度政府信息公开工作年度报告"),),
                        "某县丙局2023年度政府信息公开工作年度报告.txt")
    assert found.name == "某县甲局"
    found = find_agency(TAIL, (("网页标题", "某县乙局2023年度政府信息公开工作年度报告"),), "某县丙局2023年度政府信息公开工作年度报告.txt")
    assert found.name == "某县乙局"


PAGE = """<html><head><meta charset="utf-8"><title>{title}</title>{meta}</head><body>
<div class="crumb">首页 &gt; 信息公开 &gt; 年度报告</div><!-- 某某区人民政府 -->
{body}<p>根据《中华人民共和国政府信息公开条例》，编制本报告。</p><p>一、总体情况</p><p>2023年，我局……</p>
</body></html>"""


def test_a_web_page_without_a_title_line_takes_the_cms_title(tmp_path):
    from xlreport.io.importers.html import read_html

    page = tmp_path / "t20240308_87885.htm"
    page.write_text(PAGE.format(title="某县人民政府门户网站", meta="", body="<ucaptitle>某县某局2023年度政府信息公开工作年度报告</ucaptitle>"),
                    encoding="utf-8")
    assert match_document(read_html(page)).data["meta.agency"] == "某县某局"
    page.write_text(PAGE.format(title="某县人民政府门户网站",
                                meta='<meta name="ArticleTitle" content="某县乙局2023年政府信息公开工作年度报告">', body=""),
                    encoding="utf-8")
    result = match_document(read_html(page))
    assert result.data["meta.agency"] == "某县乙局" and result.data["meta.year"] == 2023
    assert result.cells["meta.agency"] == "网页的文章标题（ArticleTitle）"
    page.write_text(PAGE.format(title="某县人民政府门户网站", meta="", body=""), encoding="utf-8")
    result = match_document(read_html(page))
    assert "meta.agency" not in result.data  # never the comment's 某某区人民政府
    assert any(n.startswith(NOT_FOUND) for n in result.notes)


def test_a_word_file_without_a_title_line_takes_its_document_title(tmp_path):
    import docx

    from xlreport.io.importers.docx import read_docx

    d = docx.Document()
    d.add_paragraph("根据《中华人民共和国政府信息公开条例》，编制本报告。")
    d.add_paragraph("一、总体情况")
    d.core_properties.title = "某县某局2023年度政府信息公开工作年度报告"
    path = tmp_path / "report.docx"
    d.save(str(path))
    result = match_document(read_docx(path))
    assert result.data["meta.agency"] == "某县某局" and result.cells["meta.agency"] == "Word 文档属性中的标题"


def test_a_text_file_named_by_the_browser(tmp_path):
    from xlreport.io.importers.match import import_report

    path = tmp_path / "某某综合实验区2022年度政府信息公开工作年度报告.txt"
    path.write_text("根据《中华人民共和国政府信息公开条例》，编制本报告。\n一、总体情况\n2022年，我区……\n"
                    "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n| 规章 | 0 | 0 | 0 |\n", encoding="utf-8")
    report = import_report(path)
    assert report.data["meta.agency"] == "某某综合实验区" and report.data["meta.year"] == 2022


# --- check: a published report has no cover to fill in ---------------------------------------

def test_a_published_report_without_a_name_gets_a_notice_not_an_error(tmp_path):
    import xlreport
    from xlreport.io.jsonfile import write_json

    path = tmp_path / "report.txt"
    path.write_text("根据《中华人民共和国政府信息公开条例》，编制本机关2023年度报告。\n一、总体情况\n2023年，我局……\n"
                    "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n| 规章 | 0 | 0 | 0 |\n", encoding="utf-8")
    result = xlreport.check(path)
    assert "meta.agency" not in result.report.data
    assert not [p for p in result.problems if p.rule == "meta-missing" and "meta.agency" in p.keys]
    assert any(n.startswith(NOT_FOUND) for n in result.notes)
    assert [n for n in result.notices if n.startswith(NOT_FOUND)]  # printed as 「注意：…」, in --json "warnings"
    # the same report as a data file: the clerk can fill the name in, so it stays an error
    data_file = tmp_path / "report.json"
    write_json(data_file, result.report.data, result.report.fmt)
    again = xlreport.check(data_file)
    assert [p.rule for p in again.problems if "meta.agency" in p.keys] == ["meta-missing"]


def test_rules_using_an_inferred_agency_kind_say_so():
    from factories import consistent_data

    from xlreport.checks import check
    from xlreport.model.formats import FORMATS

    fmt = FORMATS["2021"]
    data = consistent_data(fmt, 1)
    data.update({"t2.rules.issued": 2, "t2.rules.in_force": 2, "meta.can_make_rules": False,
                 "meta.agency_kind": "government", "text.overview.supervision": "加强监督。"})
    for k in ("text.overview", "text.overview.active", "text.overview.on_request", "text.overview.management",
              "text.overview.platforms", "text.problems", "text.other"):
        data[k] = "认真做好。"
    typed = {p.rule: p.message for p in check(data, fmt, {})}
    cells = {"meta.agency_kind": "按机关名称推断", "meta.can_make_rules": "按机关名称推断"}
    said = {p.rule: p.message for p in check(data, fmt, cells)}
    for rule in ("t2-rules-authority", "text-missing"):
        assert "推断" not in typed[rule] and "按机关名称推断" in said[rule]


def test_agency_kind_from_the_name():
    assert agency_kind("某市人民政府") == ("government", True)
    assert agency_kind("某市某区人民政府") == ("government", False)
    assert agency_kind("某某综合实验区") == ("government", False)
    assert agency_kind("宿迁市") == ("government", True)
    assert agency_kind("某县某局") == ("department", False)
    assert agency_kind("某某综合实验区管委会办公室") == ("department", False)


# --- the shared real reports (names checked by hand against each file's title lines) ----------

REAL_NAMES = [
    ("reports/2023_hongze_qzf.txt", "淮安市洪泽区人民政府"),  # 「洪泽区人民政府」 / 「2023年…」, 淮安市 from the text
    ("reports/2023_hongze_qzf.pdf", "淮安市洪泽区人民政府"),
    ("reports/2024_hongze_qzf.txt", "淮安市洪泽区人民政府"),
    ("reports/2024_hongze_qzf.pdf", "淮安市洪泽区人民政府"),
    ("reports/2024_huaian_szf.txt", "淮安市人民政府"),
    ("reports/2024_huaian_szf.pdf", "淮安市人民政府"),
    ("reports/2023_suqian_city.txt", "宿迁市"),  # the title says 宿迁市: no 人民政府 added
    ("reports/2024_suqian_city.txt", "宿迁市"),
    ("published/2019_pingtan_gwhbgs.txt", "平潭综合实验区管委会办公室"),
    ("published/2020_pingtan_czj.txt", "平潭综合实验区财政金融局"),  # the title over two lines
    ("published/2022_pingtan_gaj.txt", None),  # no title line, no contact sentence: 未能识别机关名称
    ("published/2024_pingtan_gwhbgs.txt", "平潭综合实验区管委会办公室"),
]


@pytest.mark.parametrize("name,agency", REAL_NAMES)
def test_real_reports_names(name, agency):
    import xlreport

    path = SHARED / "fixtures" / name
    if not path.exists():
        pytest.skip(f"the shared fixtures are not beside the repository ({path})")
    result = xlreport.check(path)
    assert result.report.data.get("meta.agency") == agency
    assert not [p for p in result.problems if p.rule == "meta-missing" and "meta.agency" in p.keys]
    if agency is None:
        assert any(n.startswith(NOT_FOUND) for n in result.notes)


NOTICE = ["关于公布《某县某局2023年度政府信息公开工作年度报告》的公告",
          "根据《中华人民共和国政府信息公开条例》规定，现将《某县某局2023年度政府信息公开工作年度报告》予以公布。"]


@pytest.mark.parametrize("attachment", ["详见附件。", "附件：某县某局2023年度政府信息公开工作年度报告.pdf"])
def test_a_notice_page_whose_report_is_an_attachment_is_refused_not_read_as_an_empty_report(tmp_path, capsys,
                                                                                          attachment):
    """The notice's page alone (the report in its attachment): no tables, no sections. Its title
    gives a name and a year, but the page is no report: refused, saying where the report is."""
    path = tmp_path / "notice.txt"
    path.write_text("\n".join([*NOTICE, attachment, "某县某局", "2024年1月20日"]), encoding="utf-8")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "发布《某县某局2023年度政府信息公开工作年度报告》的公告或通知" in err and "请导入附件" in err
    assert "value-missing" not in err


def test_a_notice_page_with_the_report_in_it_is_read(tmp_path):
    path = tmp_path / "notice.txt"
    path.write_text("\n".join([*NOTICE, *TAIL]), encoding="utf-8")
    assert main(["check", str(path)]) == 1  # read (the report has no tables: errors), not refused
    out = match_document(Document("notice.txt", "text", tuple(Paragraph(t) for t in [*NOTICE, *TAIL])))
    assert out.data["meta.agency"] == "某县某局" and out.data["meta.year"] == 2023
