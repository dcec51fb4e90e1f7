"""Extraction of .docx (issue 12): gridSpan/vMerge merges, split runs, the WPS-made template."""

from __future__ import annotations

import copy
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from xlreport.errors import InputError
from xlreport.io.importers import extract
from xlreport.io.importers.docx import read_docx

from conftest import SHARED

WPS_TEMPLATE = SHARED / "fixtures" / "published" / "template_v2021_wps_blank.docx"


def split_runs(paragraph, *pieces: str) -> None:
    for piece in pieces:
        paragraph.add_run(piece)


def make_report(path: Path) -> Path:
    d = docx.Document()
    d.core_properties.title = "某局2023年政府信息公开工作年度报告"
    d.add_heading("一、总体情况", level=1)
    split_runs(d.add_paragraph(), "本年度", "新收", "申请", "2", "1", "件。")
    t = d.add_table(rows=5, cols=5)
    t.cell(0, 0).merge(t.cell(1, 1))             # a 2x2 note cell: gridSpan + vMerge restart/continue
    t.cell(0, 0).paragraphs[0].add_run("（本列数据")
    t.cell(0, 0).paragraphs[0].add_run("的勾稽关系）")
    t.cell(0, 2).merge(t.cell(0, 4))             # gridSpan 3
    t.cell(0, 2).text = "申请人情况"
    t.cell(1, 2).text = "自然人"
    c = t.cell(1, 3)
    c.text = "商业"
    c.add_paragraph("企业")                       # header label split across paragraphs
    t.cell(1, 4).text = "总计"
    t.cell(2, 0).merge(t.cell(4, 0))             # vMerge over three rows
    split_runs(t.cell(2, 0).paragraphs[0], "三、本", "年度办", "理结果")
    t.cell(2, 1).text = "（一）予以公开"
    split_runs(t.cell(2, 2).paragraphs[0], "20", "23")
    t.cell(2, 3).text = "0"
    t.cell(2, 4).text = "2023"
    t.cell(3, 1).text = "（二）部分公开"
    t.cell(3, 2).paragraphs[0].add_run("\u3000 7 ")
    t.cell(4, 1).text = "（七）总计"
    d.add_paragraph("五、存在的主要问题及改进情况")
    d.save(path)
    return path


def test_python_docx_merges_and_split_runs_give_the_exact_grid(tmp_path):
    doc = extract(make_report(tmp_path / "r.docx"))
    assert doc.kind == "docx" and doc.title == "某局2023年政府信息公开工作年度报告"
    assert [(type(b).__name__, getattr(b, "text", "")) for b in doc.blocks] == [
        ("Paragraph", "一、总体情况"), ("Paragraph", "本年度新收申请21件。"), ("Table", ""),
        ("Paragraph", "五、存在的主要问题及改进情况")]
    assert doc.paragraphs[0].style == "heading 1"   # the style name as stored (Word shows "Heading 1")
    (t,) = doc.tables
    assert (t.index, t.n_rows, t.n_cols) == (1, 5, 5)
    note = "（本列数据的勾稽关系）"
    assert t.rows() == [
        [note, note, "申请人情况", "申请人情况", "申请人情况"],
        [note, note, "自然人", "商业\n企业", "总计"],
        ["三、本年度办理结果", "（一）予以公开", "2023", "0", "2023"],
        ["三、本年度办理结果", "（二）部分公开", "7", "", ""],
        ["三、本年度办理结果", "（七）总计", "", "", ""],
    ]
    spans = {c.text: (c.row, c.col, c.rowspan, c.colspan) for c in t.cells if c.text}
    assert spans[note] == (0, 0, 2, 2)
    assert spans["申请人情况"] == (0, 2, 1, 3)
    assert spans["三、本年度办理结果"] == (2, 0, 3, 1)
    assert len(t.cells) == 2 + 3 + 5 + 4 + 4   # anchor cells per row: a merged cell once, in its first row


def test_grid_before_and_vmerge_without_restart_value(tmp_path):
    """w:gridBefore shifts a row; <w:vMerge/> (no w:val) continues the cell above, as Word writes it."""
    path = make_report(tmp_path / "r.docx")
    d = docx.Document(path)
    tbl = d.tables[0]._tbl
    last = tbl.tr_lst[-1]
    first_tc = last.tc_lst[0]
    vm = first_tc.tcPr.find(qn("w:vMerge"))
    assert vm is not None and vm.get(qn("w:val")) is None   # python-docx writes continue as a bare vMerge
    extra = copy.deepcopy(last)
    extra.remove(extra.tc_lst[0])                  # the row starts one grid column in
    trpr = extra.get_or_add_trPr()
    gb = trpr.makeelement(qn("w:gridBefore"), {qn("w:val"): "1"})
    trpr.append(gb)
    extra.tc_lst[0].clear_content()
    extra.tc_lst[0].append(extra.tc_lst[0].makeelement(qn("w:p"), {}))
    tbl.append(extra)
    d.save(path)
    (t,) = read_docx(path).tables
    assert t.n_rows == 6
    assert t.grid()[5][0] is None                   # nothing at the gridBefore position
    assert t.rows()[5] == ["", "", "", "", ""]
    assert t.grid()[4][0].text == "三、本年度办理结果"


@pytest.fixture
def wps_template() -> Path:
    if not WPS_TEMPLATE.is_file():
        pytest.skip(f"the shared fixtures are not beside the repository ({WPS_TEMPLATE})")
    return WPS_TEMPLATE


def test_wps_template_gives_tables_two_three_four_with_every_value_blank(wps_template):
    doc = extract(wps_template)
    tables = doc.tables
    assert [(t.n_rows, t.n_cols) for t in tables] == [(14, 4), (28, 10), (4, 15)]
    two, three, four = (t.rows() for t in tables)
    # table 二: title rows are one merged cell; the value cells of the data rows are empty
    assert two[0] == ["第二十条第（一）项"] * 4
    data_rows = [r for r in two if r[0] in ("规章", "行政规范性文件", "行政许可", "行政处罚", "行政强制", "行政事业性收费")]
    assert len(data_rows) == 6 and all(v == "" for r in data_rows for v in r[1:])
    # table 三: 28 rows, header labels split across paragraphs, the 3x3 note, 三 spanning 22 rows
    assert three[2][3:] == ["自然人", "商业\n企业", "科研\n机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    note = tables[1].grid()[0][0]
    assert (note.rowspan, note.colspan) == (3, 3) and note.text.startswith("（本列数据的勾稽关系为")
    outcome = tables[1].grid()[5][0]
    assert outcome.text == "三、本年度办理结果" and (outcome.row, outcome.rowspan) == (5, 22)
    assert all(v == "" for r in three[3:] for v in r[3:])
    assert three[-1][0] == "四、结转下年度继续办理"
    # table 四: 4 x 15, the value row empty
    assert four[0][:5] == ["行政复议"] * 5 and four[3] == [""] * 15
    # the placeholders are paragraphs, not table cells
    assert "（文字描述）" in [p.text for p in doc.paragraphs]


def test_damaged_and_wrong_docx_are_input_errors(tmp_path):
    good = make_report(tmp_path / "good.docx").read_bytes()
    cut = tmp_path / "cut.docx"
    cut.write_bytes(good[: len(good) // 2])
    with pytest.raises(InputError, match="已损坏"):
        extract(cut)
    text = tmp_path / "text.docx"
    text.write_text("hello", encoding="utf-8")
    with pytest.raises(InputError):
        read_docx(text)
    book = tmp_path / "book.docx"
    with zipfile.ZipFile(book, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(InputError, match="Excel 工作簿"):
        extract(book)
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<a/>" + b" " * (300 * 1024 * 1024))
    with pytest.raises(InputError, match="异常"):
        extract(bomb)
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(broken, "w") as z:
        z.writestr("word/document.xml", "<w:document><w:body>")
    with pytest.raises(InputError, match="不是有效的 XML"):
        extract(broken)


def test_deleted_text_is_not_read_and_a_text_box_is_read_once(tmp_path):
    from lxml import etree
    mc = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
    path = make_report(tmp_path / "r.docx")
    d = docx.Document(path)
    p = d.paragraphs[1]._p
    moved = etree.SubElement(p, qn("w:moveFrom"))
    etree.SubElement(etree.SubElement(moved, qn("w:r")), qn("w:t")).text = "移走的"
    # a text box in a cell, as Word writes it: the drawing, and a VML copy for old readers
    cell_p = d.tables[0].cell(3, 3)._tc.p_lst[0]
    alt = etree.SubElement(etree.SubElement(cell_p, qn("w:r")), mc + "AlternateContent")
    for branch, holder in ((mc + "Choice", "w:drawing"), (mc + "Fallback", "w:pict")):
        box = etree.SubElement(etree.SubElement(etree.SubElement(alt, branch), qn(holder)), qn("w:txbxContent"))
        etree.SubElement(etree.SubElement(etree.SubElement(box, qn("w:p")), qn("w:r")), qn("w:t")).text = "框内"
    d.save(path)
    doc = read_docx(path)
    assert doc.paragraphs[1].text == "本年度新收申请21件。"
    assert doc.tables[0].grid()[3][3].text == "框内"


@pytest.mark.office
def test_doc_and_wps_are_read_through_libreoffice(tmp_path):
    """A Word 97 .doc (made here by LibreOffice from our .docx) and the same bytes named .wps."""
    from conftest import soffice_or_skip
    from xlreport.io.office import convert
    soffice_or_skip()
    source = make_report(tmp_path / "r.docx")
    (tmp_path / "out").mkdir()
    doc_file = convert(source, "doc:MS Word 97", tmp_path / "out")
    wps_file = tmp_path / "r.wps"
    wps_file.write_bytes(doc_file.read_bytes())
    want = read_docx(source).tables[0].rows()
    for f in (doc_file, wps_file):
        got = extract(f)
        assert got.kind == "doc" and got.path == str(f)
        assert got.tables[0].rows() == want
        assert [p.text for p in got.paragraphs][:2] == ["一、总体情况", "本年度新收申请21件。"]


def test_doc_without_libreoffice_says_what_to_do(tmp_path, monkeypatch):
    from xlreport.errors import MissingProgram
    from xlreport.io import office
    f = tmp_path / "old.doc"
    f.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024)
    monkeypatch.setattr(office, "find_soffice", lambda: None)
    with pytest.raises(MissingProgram, match="需要 LibreOffice.*另存为.*docx"):  # the program is missing, not the file wrong
        extract(f)


@pytest.mark.office
def test_damaged_doc_is_an_input_error(tmp_path):
    from conftest import soffice_or_skip
    soffice_or_skip()
    f = tmp_path / "broken.doc"
    f.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8)
    with pytest.raises(InputError, match="LibreOffice 无法打开|已损坏|不是"):
        extract(f)


NUMBERING = """<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:abstractNum w:abstractNumId="7">
 <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
 <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
 <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="8"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl></w:abstractNum>
<w:num w:numId="3"><w:abstractNumId w:val="7"/></w:num>
<w:num w:numId="4"><w:abstractNumId w:val="8"/></w:num>
</w:numbering>"""


def test_automatic_list_numbers_are_part_of_the_text(tmp_path):
    """Headings and row labels numbered by Word (「一、」「（一）」「1.」) are not in the runs: they are generated."""
    d = docx.Document()
    items = [("总体情况", 0), ("主动公开", 1), ("依申请公开", 1), ("主动公开政府信息情况", 0), ("一项", 2), ("二项", 2),
             ("收到和处理政府信息公开申请情况", 0), ("要点", None)]
    for text, level in items:
        para = d.add_paragraph(text)
        num_pr = para._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = level or 0
        num_pr.get_or_add_numId().val = 4 if level is None else 3
    t = d.add_table(rows=2, cols=2)
    for r in range(2):
        cell_p = t.cell(r, 0).paragraphs[0]
        cell_p.add_run("属于国家秘密" if r == 0 else "其他法律行政法规禁止公开")
        num_pr = cell_p._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = 2
        num_pr.get_or_add_numId().val = 3
    path = tmp_path / "numbered.docx"
    d.save(path)
    # python-docx's default template has its own numbering part: replace it with ours
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["word/numbering.xml"] = NUMBERING.encode("utf-8")
    with zipfile.ZipFile(path, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)
    doc = read_docx(path)
    assert [p.text for p in doc.paragraphs] == [
        "一、总体情况", "（一）主动公开", "（二）依申请公开", "二、主动公开政府信息情况", "1.一项", "2.二项",
        "三、收到和处理政府信息公开申请情况", "要点"]
    # 「三、」 restarted the third level: the rows count from 1 again
    assert [r[0] for r in doc.tables[0].rows()] == ["1.属于国家秘密", "2.其他法律行政法规禁止公开"]
