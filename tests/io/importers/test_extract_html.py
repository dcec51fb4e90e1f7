"""Extraction of saved web pages (issue 12): the damage of published-reports.md -> exact grids."""

from __future__ import annotations

import pytest

from xlreport.errors import InputError
from xlreport.io.importers import Paragraph, Table, extract, sniff
from xlreport.io.importers import html as html_mod
from xlreport.io.importers.html import decode, read_html

NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

# Word-pasted table 三 (head and a few rows): the 3x3 note cell, 「三、本年度办理结果」 split across
# spans and <p>s with markup line breaks, a number split 「20」「23」, &nbsp; padding, <o:p>, <font>.
TABLE3 = """
<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0>
 <tr style='height:20pt'>
  <td width=200 rowspan=3 colspan=3 valign=top><p class=MsoNormal><span lang=EN-US>（本列数据的勾稽关系为：第一项加第二项之和，</span><span>
  等于第三项加第四项之和）</span><o:p></o:p></p></td>
  <td colspan=7><p class=MsoNormal align=center><span>申请人情况<o:p></o:p></span></p></td>
 </tr>
 <tr>
  <td rowspan=2><p class=MsoNormal><span>自然人</span></p></td>
  <td colspan=5><p class=MsoNormal><span>法人或其他组织</span></p></td>
  <td rowspan=2><p class=MsoNormal><span>总计</span></p></td>
 </tr>
 <tr>
  <td><p class=MsoNormal><span>商业</span></p><p class=MsoNormal><span>企业</span></p></td>
  <td><p class=MsoNormal><span>科研</span><span>机构</span></p></td>
  <td>社会公益组织</td><td>法律服务机构</td><td><font face="宋体">其他</font></td>
 </tr>
 <tr>
  <td colspan=3><p class=MsoNormal><span>一、本年新收政府信息公开申请数量</span></p></td>
  <td><p class=MsoNormal align=center><span lang=EN-US>20</span><span lang=EN-US>23<o:p></o:p></span></p></td>
  <td>&nbsp;0&nbsp;</td><td><span>0</span></td><td>0</td><td>0</td><td>&nbsp;<o:p> </o:p></td><td>2023</td>
 </tr>
 <tr>
  <td rowspan=3><p class=MsoNormal><span>三、本</span></p><p class=MsoNormal><span>年度办</span></p>
   <p class=MsoNormal><span>理结果</span></p></td>
  <td colspan=2><span>（一）</span><span>予以公开</span></td>
  <td>5</td><td>0</td><td>0</td><td>0</td><td>0</td><td>1</td><td>6</td>
 </tr>
 <tr>
  <td rowspan=2><span>（三）不予</span>
  <span>公开</span></td>
  <td>1.属于国家秘密</td>
  <td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>1</td>
 </tr>
 <tr>
  <td><span>2.其他法律行政</span><span>法规禁止公开</span></td>
  <td>-</td><td>—</td><td>/</td><td></td><td>　</td><td>0</td><td>0</td>
 </tr>
 <![if !supportMisalignedColumns]>
 <tr height=0><td width=60 style='border:none'></td><td width=60 style='border:none'></td></tr>
 <![endif]>
</table>
"""

EXPECTED3 = [
    [NOTE] * 3 + ["申请人情况"] * 7,
    [NOTE] * 3 + ["自然人"] + ["法人或其他组织"] * 5 + ["总计"],
    [NOTE] * 3 + ["自然人", "商业\n企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"],
    ["一、本年新收政府信息公开申请数量"] * 3 + ["2023", "0", "0", "0", "0", "", "2023"],
    ["三、本\n年度办\n理结果"] + ["（一）予以公开"] * 2 + ["5", "0", "0", "0", "0", "1", "6"],
    ["三、本\n年度办\n理结果", "（三）不予公开", "1.属于国家秘密", "1", "0", "0", "0", "0", "0", "1"],
    ["三、本\n年度办\n理结果", "（三）不予公开", "2.其他法律行政法规禁止公开", "-", "—", "/", "", "", "0", "0"],
]


def page(body: str, head: str = '<meta charset="utf-8"><title>网页标题</title>') -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def write(tmp_path, text: str, name: str = "report.html", encoding: str = "utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def test_word_pasted_table_three_gives_the_exact_grid(tmp_path):
    doc = extract(write(tmp_path, page(TABLE3)))
    assert doc.kind == "html"
    (t,) = doc.tables
    assert (t.index, t.n_rows, t.n_cols, t.page, t.row_pages) == (1, 7, 10, None, ())
    assert t.rows() == EXPECTED3


def test_merged_cells_appear_once_with_their_spans(tmp_path):
    (t,) = extract(write(tmp_path, page(TABLE3))).tables
    note = [c for c in t.cells if c.text.startswith("（本列")]
    assert [(c.row, c.col, c.rowspan, c.colspan) for c in note] == [(0, 0, 3, 3)]
    label = [c for c in t.cells if c.text.startswith("三、本")]
    assert [(c.row, c.col, c.rowspan, c.colspan) for c in label] == [(4, 0, 3, 1)]
    grid = t.grid()
    assert grid[2][1] is note[0] and grid[6][0] is label[0]
    assert len(t.cells) == len({id(c) for row in grid for c in row if c is not None})


def test_gbk_page_is_decoded_as_declared(tmp_path):
    # 「喆」 is in GBK but not in GB2312: pages that declare gb2312 use GBK, so GB18030 decodes them.
    body = "<p>某某县人民政府办公室（喆）</p>" + TABLE3
    head = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>某县2023年政府信息公开工作年度报告</title>'
    p = write(tmp_path, page(body, head), "t20240308_87885.htm", encoding="gbk")
    doc = extract(p)
    assert doc.title == "某县2023年政府信息公开工作年度报告"
    assert doc.paragraphs[0].text == "某某县人民政府办公室（喆）"
    assert doc.tables[0].rows() == EXPECTED3


def test_decode_falls_back_when_nothing_is_declared():
    text = "<p>淮安市2024年</p>"
    assert decode(text.encode("utf-8")) == text
    assert decode(text.encode("gb18030")) == text
    assert decode(b"\xef\xbb\xbf" + text.encode("utf-8")) == text


def test_malformed_markup_still_gives_the_grid(tmp_path):
    body = """<div><p>二、主动公开政府信息情况<span>
    <table border=1>
    <tr><td colspan=4>第二十条第（一）项
    <tr><td>信息内容<td>本年制发件数<td>本年废止件数<td>现行有效件数
    <tr><td><p>规章<td><b>0</td><td>0<td>3</i>
    <tr><td>行政规范性文件<td>5<td><span>1<td>22（其中修订16件）</tr></tbody>
    </table></div></div><p>三、收到和处理<b>政府信息公开申请情况"""
    doc = extract(write(tmp_path, page(body)))
    (t,) = doc.tables
    assert t.rows() == [
        ["第二十条第（一）项"] * 4,
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", "0", "0", "3"],
        ["行政规范性文件", "5", "1", "22（其中修订16件）"],
    ]
    texts = [b.text if isinstance(b, Paragraph) else "TABLE" for b in doc.blocks]
    assert texts == ["二、主动公开政府信息情况", "TABLE", "三、收到和处理政府信息公开申请情况"]


def test_layout_tables_are_containers_and_blocks_keep_reading_order(tmp_path):
    body = """<table width=100%><tr><td><h1>某局2023年政府信息公开工作年度报告</h1>
    <p>一、总体情况</p><p>本年度<br>新收申请&nbsp;&nbsp;21件。</p>
    <table border=1><tr><td>行政许可</td><td>550</td></tr></table>
    <p>　　五、存在的主要问题及改进情况</p></td></tr></table><script>var x = "<table>";</script>"""
    head = '<meta charset="utf-8"><meta name="ArticleTitle" content="某局2023年政府信息公开工作年度报告"><title>首页 - 某局</title>'
    doc = extract(write(tmp_path, page(body, head)))
    assert doc.title == "某局2023年政府信息公开工作年度报告"
    kinds = [(type(b).__name__, getattr(b, "text", None), getattr(b, "style", None)) for b in doc.blocks]
    assert kinds == [
        ("Paragraph", "某局2023年政府信息公开工作年度报告", "h1"),
        ("Paragraph", "一、总体情况", ""),
        ("Paragraph", "本年度", ""),
        ("Paragraph", "新收申请 21件。", ""),
        ("Table", None, None),
        ("Paragraph", "五、存在的主要问题及改进情况", ""),
    ]
    assert doc.tables[0].rows() == [["行政许可", "550"]]


def test_spans_past_the_table_are_clamped(tmp_path):
    body = '<table><tr><td rowspan=40 colspan="2">a</td><td>b</td></tr><tr><td>c</td></tr></table>'
    (t,) = extract(write(tmp_path, page(body))).tables
    assert (t.n_rows, t.n_cols) == (2, 3)
    assert t.rows() == [["a", "a", "b"], ["a", "a", "c"]]


def test_mht_single_file_page(tmp_path):
    html = page("<table><tr><td>行政许可</td><td>550</td></tr></table>", '<meta charset="gb2312">')
    import base64
    payload = base64.encodebytes(html.encode("gbk")).decode("ascii")
    mht = ("MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"B\"\r\n\r\n--B\r\n"
           "Content-Type: text/html; charset=\"gb2312\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
           f"{payload}\r\n--B--\r\n")
    p = tmp_path / "report.mht"
    p.write_text(mht, encoding="ascii")
    assert extract(p).tables[0].rows() == [["行政许可", "550"]]


def test_the_content_decides_the_reader(tmp_path):
    (tmp_path / "a.doc").write_text(page("<p>x</p>"), encoding="utf-8")      # Word "save as web page" named .doc
    (tmp_path / "b.htm").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)   # a Word 97 file named .htm
    (tmp_path / "c.html").write_bytes(b"%PDF-1.7\n")
    assert [sniff(tmp_path / n) for n in ("a.doc", "b.htm", "c.html")] == ["html", "doc", "pdf"]
    assert extract(tmp_path / "a.doc").paragraphs == [Paragraph("x")]


def test_bad_html_input_is_a_chinese_input_error(tmp_path, monkeypatch):
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="空文件"):
        extract(empty)
    with pytest.raises(InputError, match="找不到"):
        extract(tmp_path / "missing.html")
    big = write(tmp_path, page("<p>x</p>" * 100), "big.html")
    monkeypatch.setattr(html_mod, "MAX_BYTES", 500)
    with pytest.raises(InputError, match="不像年度报告网页"):
        read_html(big)


def test_a_page_without_tables_has_no_tables(tmp_path):
    doc = extract(write(tmp_path, page("<p>正文</p>")))
    assert doc.tables == [] and [p.text for p in doc.paragraphs] == ["正文"]
    assert all(isinstance(b, (Paragraph, Table)) for b in doc.blocks)


def test_a_caption_is_a_paragraph_before_its_table(tmp_path):
    doc = extract(write(tmp_path, page("<table><caption>表四 <b>行政复议</b></caption><tr><td>10</td></tr></table>")))
    assert [(type(b).__name__, getattr(b, "text", ""), getattr(b, "style", "")) for b in doc.blocks] == [
        ("Paragraph", "表四 行政复议", "caption"), ("Table", "", "")]
    assert doc.tables[0].rows() == [["10"]]
