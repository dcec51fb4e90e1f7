"""Extraction of text PDFs (issue 12): the real published PDFs, a PDF we render, scanned and damaged PDFs."""

from __future__ import annotations

import json
import re
import struct
import zlib
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm

from xlreport.errors import InputError
from xlreport.io.importers import Table, extract
from xlreport.io.importers import pdf as pdf_mod
from xlreport.io.importers.pdf import PAGE_NUMBER

from conftest import FIXTURES, soffice_or_skip

# All its tests on one xdist worker (--dist loadgroup): its module fixture (the PDFs of one LibreOffice run)
# is made once, not once per worker.
pytestmark = pytest.mark.xdist_group("extract_pdf")

REAL = ["2023_hongze_qzf", "2024_hongze_qzf", "2024_huaian_szf"]
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def numeric_rows(table: Table) -> list[tuple[float, ...]]:
    """Each grid row's anchor cells that are numbers, in order; rows without numbers left out."""
    out = []
    for r in range(table.n_rows):
        row = tuple(float(c.text) for c in sorted(table.cells, key=lambda c: c.col) if c.row == r and NUMBER.match(c.text))
        if row:
            out.append(row)
    return out


def json_rows(values: dict, table: str) -> list[tuple[float, ...]]:
    """The data file's values of one table, grouped by printed row (key without its last part), in key order."""
    rows: dict[str, list[float]] = {}
    for key, v in values.items():
        if key.startswith(table + ".") and v is not None:
            rows.setdefault(key.rsplit(".", 1)[0] if table != "t4" else "t4", []).append(float(v))
    return [tuple(r) for r in rows.values()]


@pytest.fixture(scope="module")
def real_docs():
    if not FIXTURES.is_dir():
        pytest.skip(f"the shared fixtures are not beside the repository ({FIXTURES})")
    return {name: extract(FIXTURES / f"{name}.pdf") for name in REAL}


@pytest.mark.parametrize("name", REAL)
def test_real_pdf_tables_hold_the_numbers_of_the_data_file(real_docs, name):
    doc = real_docs[name]
    values = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))["values"]
    assert doc.kind == "pdf" and len(doc.tables) == 3
    two, three, four = doc.tables
    assert (two.n_cols, three.n_cols, four.n_cols) == (4, 10, 15)
    # table 二 and 四: every printed number, row by row, equals the data file's values in order
    assert [v for row in numeric_rows(two) for v in row] == [v for row in json_rows(values, "t2") for v in row]
    assert numeric_rows(four) == json_rows(values, "t4")
    assert len(numeric_rows(four)[0]) == 15          # incl. the printed 0 totals of 2023 Hongze
    # table 三: every printed row is a row of the data file, in order; the data file may have rows
    # the report did not print (Hongze's single （六）其他处理 row is counted as （六）3.其他), all zero
    printed, wanted = numeric_rows(three), json_rows(values, "t3")
    i = 0
    skipped = []
    for row in wanted:
        if i < len(printed) and printed[i] == row:
            i += 1
        else:
            skipped.append(row)
    assert i == len(printed), f"printed row {i} {printed[i] if i < len(printed) else ''} not in the data file"
    assert len(skipped) <= 2 and all(v == 0 for row in skipped for v in row)
    assert all(len(r) == 7 for r in printed)


def test_real_pdf_labels_and_merges(real_docs):
    doc = real_docs["2024_huaian_szf"]
    three = doc.tables[1]
    assert three.n_rows == 28
    note = three.grid()[0][0]
    assert (note.rowspan, note.colspan) == (3, 3) and note.text.startswith("（本列数据的勾稽关系为")
    # the group cell 「（四）无法提供」 is cut by the page break (「（四）无」 | 「法提供」) and joined again
    groups = {c.text for c in three.cells if c.col == 1}
    assert "（四）无法提供" in groups and "法提供" not in groups
    outcome = [c for c in three.cells if c.text.startswith("三、本年度办理结果")]
    assert len(outcome) == 1 and outcome[0].rowspan == 22
    assert doc.title == "政府信息公开工作年度报告"
    assert real_docs["2023_hongze_qzf"].title == "洪泽区人民政府2023年政府信息公开工作年度报告"


def test_real_pdf_pages_and_footers(real_docs):
    doc = real_docs["2023_hongze_qzf"]
    two, three, four = doc.tables
    # table 二 runs from page 2 onto page 3, table 三 from page 3 onto page 4
    assert two.page == 2 and set(two.row_pages) == {2, 3} and len(two.row_pages) == two.n_rows
    assert three.page == 3 and set(three.row_pages) == {3, 4} and len(three.row_pages) == three.n_rows
    assert list(three.row_pages) == sorted(three.row_pages)
    assert four.page == 4 and set(four.row_pages) == {4}
    # the footers 「- 3 -」 are neither in a table nor a paragraph; every paragraph knows its page
    for d in real_docs.values():
        assert not any(PAGE_NUMBER.match(c.text) and "-" in c.text for t in d.tables for c in t.cells)
        assert not any(PAGE_NUMBER.match(p.text) for p in d.paragraphs)
        assert all(p.page for p in d.paragraphs)
    texts = [p.text for p in doc.paragraphs]
    assert "二、主动公开政府信息情况" in texts and "六、其他需要报告的事项" in texts
    # reading order: the heading of section 三 comes between tables 二 and 三
    order = [b.index if isinstance(b, Table) else b.text for b in doc.blocks]
    assert order.index(1) < order.index("三、收到和处理政府信息公开申请情况") < order.index(2)
    # a paragraph cut by a page break is one paragraph
    (cut,) = [p for p in doc.paragraphs if p.text.startswith("加强区政府门户网站")]
    assert cut.page == 1 and cut.text.endswith("未经审核的信息一律不准发布。")   # it ends on page 2


# ------------------------------------------------------------------ PDFs we make

def page_field(paragraph) -> None:
    """「— N —」 with a PAGE field, as report footers print it."""
    paragraph.add_run("— ")
    fld = paragraph._p.makeelement(qn("w:fldSimple"), {qn("w:instr"): "PAGE"})
    r = fld.makeelement(qn("w:r"), {})
    t = r.makeelement(qn("w:t"), {})
    t.text = "1"
    r.append(t)
    fld.append(r)
    paragraph._p.append(fld)
    paragraph.add_run(" —")
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


ROWS = 70   # enough to run onto a second A4 page


def make_long_table_docx(path: Path) -> Path:
    d = docx.Document()
    sec = d.sections[0]
    sec.page_height, sec.page_width = Mm(297), Mm(210)
    page_field(sec.footer.paragraphs[0])
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    t = d.add_table(rows=ROWS + 2, cols=4)
    t.style = "Table Grid"
    t.cell(0, 0).merge(t.cell(1, 1)).text = "（本列数据的勾稽关系）"
    t.cell(0, 2).merge(t.cell(0, 3)).text = "申请人情况"
    t.cell(1, 2).text = "自然人"
    t.cell(1, 3).text = "总计"
    t.cell(2, 0).merge(t.cell(ROWS + 1, 0)).text = "三、本年度办理结果"   # one label down both pages
    for row in t.rows[:2]:   # "repeat as header row": the heading is printed again on page 2
        row._tr.get_or_add_trPr().append(row._tr.makeelement(qn("w:tblHeader"), {}))
    for i in range(ROWS):
        t.cell(i + 2, 1).text = f"{i + 1}.情形"
        t.cell(i + 2, 2).text = str(100 + i)
        t.cell(i + 2, 3).text = str(1000 + i)
    d.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    d.save(path)
    return path


def png_bytes(width: int = 120, height: int = 60) -> bytes:
    raw = b"".join(b"\0" + bytes([(x * 2) % 256 for x in range(width)]) for _ in range(height))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def make_picture_docx(path: Path) -> Path:
    img = path.with_suffix(".png")
    img.write_bytes(png_bytes())
    d = docx.Document()
    d.add_picture(str(img), width=Mm(150))
    d.save(path)
    return path


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """One LibreOffice run: the long merged table and the picture-only page, as PDFs."""
    soffice_or_skip()
    from xlreport.io.jsonfile import parse_document
    from xlreport.cli.demo import demo_document
    from xlreport.io.office import convert_many
    from xlreport.report.docx import render_report
    folder = tmp_path_factory.mktemp("rendered")
    fmt, data, _ = parse_document(demo_document(), "demo")
    report = render_report(data, fmt, folder / "report.docx").path
    sources = [make_long_table_docx(folder / "long.docx"), make_picture_docx(folder / "scan.docx"), report]
    long_pdf, scan_pdf, report_pdf = convert_many(sources, "pdf", folder)
    (folder / "locked").mkdir()
    locked = convert_many([sources[0]], 'pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},'
                          '"DocumentOpenPassword":{"type":"string","value":"secret"}}', folder / "locked")[0]
    return {"long": long_pdf, "scan": scan_pdf, "locked": locked, "report": report, "report_pdf": report_pdf}


@pytest.mark.office
def test_rendered_table_across_two_pages_is_one_table_with_row_pages(rendered):
    doc = extract(rendered["long"])
    (t,) = doc.tables
    assert (t.n_rows, t.n_cols, t.page) == (ROWS + 2, 4, 1)
    assert len(t.row_pages) == t.n_rows and t.row_pages[0] == 1 and t.row_pages[-1] == 2
    assert list(t.row_pages) == sorted(t.row_pages)
    rows = t.rows()
    assert rows[0] == ["（本列数据的勾稽关系）"] * 2 + ["申请人情况"] * 2
    assert rows[1] == ["（本列数据的勾稽关系）"] * 2 + ["自然人", "总计"]
    assert rows[2:] == [["三、本年度办理结果", f"{i + 1}.情形", str(100 + i), str(1000 + i)] for i in range(ROWS)]
    label = t.grid()[2][0]
    assert (label.row, label.rowspan) == (2, ROWS)          # the merged label is joined across the page break
    # the footers 「— 1 —」 「— 2 —」 are in no table cell and no paragraph
    assert not any("—" in c.text for c in t.cells)
    assert [p.text for p in doc.paragraphs] == ["三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况"]
    assert [p.page for p in doc.paragraphs] == [1, 2]


@pytest.mark.office
def test_our_rendered_report_reads_the_same_from_pdf_as_from_docx(rendered):
    """xlreport's own report (repeated heading rows, tables across pages): the PDF's grids equal the .docx's."""
    from_docx = extract(rendered["report"])
    from_pdf = extract(rendered["report_pdf"])
    assert len(from_pdf.tables) == len(from_docx.tables) == 3
    for a, b in zip(from_docx.tables, from_pdf.tables):
        assert b.rows() == a.rows()
        assert [(c.row, c.col, c.rowspan, c.colspan) for c in b.cells] == [(c.row, c.col, c.rowspan, c.colspan) for c in a.cells]
        assert len(b.row_pages) == b.n_rows and b.row_pages[0] == b.page
    assert any(len(set(t.row_pages)) > 1 for t in from_pdf.tables)   # at least one table runs across a page break


@pytest.mark.office
def test_picture_only_pdf_is_refused_as_scanned(rendered):
    with pytest.raises(InputError, match="没有文字层"):
        extract(rendered["scan"])


@pytest.mark.office
def test_password_protected_pdf_says_so(rendered):
    with pytest.raises(InputError, match="设置了打开密码"):
        extract(rendered["locked"])


@pytest.mark.office
def test_damaged_rendered_pdf_is_an_input_error(rendered, tmp_path):
    data = rendered["long"].read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: len(data) // 3])
    with pytest.raises(InputError):
        extract(cut)


def minimal_pdf(*contents: bytes) -> bytes:
    """A PDF with one page per content stream (Helvetica as /F1; valid xref)."""
    n = len(contents)
    kids = b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(n))
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    for i, content in enumerate(contents):
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >>"
                    b" /Contents %d 0 R >>" % (5 + 2 * i))
        objs.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    out = b"%PDF-1.4\n"
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return out


def test_pdf_without_text_layer_is_refused_with_a_chinese_message(tmp_path):
    p = tmp_path / "scan.pdf"
    p.write_bytes(minimal_pdf(b"0.5 g 50 50 400 600 re f"))   # a page with only a drawing (as a scan has an image)
    with pytest.raises(InputError, match="没有文字层.*扫描件") as err:
        extract(p)
    assert "\n" not in err.value.message


def test_damaged_and_wrong_pdfs_are_input_errors(tmp_path, monkeypatch):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 20)
    with pytest.raises(InputError, match="损坏"):
        extract(bad)
    notpdf = tmp_path / "notpdf.pdf"
    notpdf.write_bytes(b"\x00\x01binary")
    with pytest.raises(InputError):
        extract(notpdf)
    from xlreport.io.importers.pdf import read_pdf
    with pytest.raises(InputError, match="不是 PDF"):
        read_pdf(notpdf)
    ok = tmp_path / "ok.pdf"
    ok.write_bytes(minimal_pdf(b"0.5 g 50 50 400 600 re f"))
    monkeypatch.setattr(pdf_mod, "MAX_PAGES", 0)
    with pytest.raises(InputError, match="不像年度报告"):
        read_pdf(ok)


def test_an_image_only_page_among_text_pages_is_noted(tmp_path):
    text = b"BT /F1 12 Tf 72 700 Td (Annual report 2023) Tj ET BT /F1 12 Tf 290 40 Td (- 1 -) Tj ET"
    p = tmp_path / "mixed.pdf"
    p.write_bytes(minimal_pdf(text, b"0.5 g 50 50 400 600 re f"))
    doc = extract(p)
    assert [(x.text, x.page) for x in doc.paragraphs] == [("Annual report 2023", 1)]   # the footer 「- 1 -」 dropped
    assert doc.notes == ("第2页没有文字（可能是扫描图片），未读取",)


def text_line(text: str, x: float, top: float, size: float = 16.0) -> list[dict]:
    """Characters of one printed line: CJK glyphs `size` wide and high; digits and Latin letters half as
    wide, with a shorter box (another font), as LibreOffice's PDFs of our report have them."""
    import unicodedata
    out = []
    for ch in text:
        wide = unicodedata.east_asian_width(ch) in ("W", "F")
        w, h = (size, size) if wide else (size / 2, 0.65 * size)
        out.append({"text": ch, "x0": x, "x1": x + w, "top": top + size - h, "bottom": top + size, "size": h,
                    "base": top + 0.88 * size})
        x += w
    return out


def full_line(tail: str, x: float, right: float = 520.0) -> str:
    """The text of a line starting at `x` that fills the text width up to `right` and ends with `tail`."""
    width = text_line(tail, 0, 0)[-1]["x1"]
    return "某" * int((right - x - width) // 16) + tail


def test_paragraphs_use_the_documents_margins_and_never_keep_a_wrapped_line():
    """The layout of our 2021 report (28 characters a line, indent 2, no hanging punctuation), in primitives:
    a wrapped line of digits (smaller boxes) continues its paragraph; 「0000-」 wraps without a space; a
    numbered heading at the left margin after a finished sentence starts a paragraph; and on a page of only
    short indented paragraphs the sub-heading 「（五）监督保障」 is its own paragraph (the page alone
    has no full line to show the margins)."""
    from xlreport.io.importers.pdf import PagePrimitives, build_document
    # (x, text, size) of each printed line; None separates the paragraphs expected
    page1 = [(112, full_line("，电话：0000-", 112), 16), (80, "1234567）。", 16), None,
             (112, full_line("合计", 112), 16), (80, "1570.5元。", 16), None,
             (112, full_line("。", 112), 16), (80, full_line("完。", 80), 16), None,
             (80, "（三）政府信息管理", 15), None, (112, "（三）政府信息管理方面的工作情况。", 16)]
    page2 = [(112, "（四）政府信息公开平台建设方面的工作情况。", 16), None,
             (112, "（五）监督保障", 15), None, (112, "（五）监督保障方面的工作情况。", 16)]
    pages, expected = [], []
    for n, lines in ((1, page1), (2, page2)):
        chars, para, top = [], "", 100
        for line in lines + [None]:
            if line is None:
                expected.append(para)
                para = ""
                continue
            x, text, size = line
            chars += text_line(text, x, top, size)
            para += text
            top += 29   # the line pitch: no gap between paragraphs
        pages.append(PagePrimitives(n, 595.3, 841.9, chars, []))
    doc = build_document(Path("synthetic.pdf"), pages)
    assert "电话：0000-1234567）。" in expected[0] and expected[1].endswith("合计1570.5元。")
    assert [p.text for p in doc.paragraphs] == expected
