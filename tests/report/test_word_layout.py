"""The report as a 公文 (issue 9, items 4–9): punctuation, the 28 × 22 grid, fonts,
document properties, table 三's labels, the opening paragraph.

The PDF tests share one LibreOffice conversion (module fixture)."""

from __future__ import annotations

import collections
import datetime as dt
import re
import shutil
import subprocess

import pytest

from test_word_support import REPO, distinct, docx_part, paragraphs
from xlreport.report import docx as word
from xlreport.report.pdf import convert_pdf
from xlreport.model.formats import V2019, V2021
from xlreport.io.office import find_soffice
from xlreport.report.layout import MARGINS_MM, PAGE_H_MM, STYLES, TEXT_WIDTH_MM, column_widths

# All its tests on one xdist worker (--dist loadgroup): its module fixture (the report's PDF)
# is made once, not once per worker.
pytestmark = pytest.mark.xdist_group("word_layout")

TEMPLATE = REPO / "templates" / "report.docx"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MARKS = "，。、；：”）"


def punctuation_text(mark: str) -> str:
    """A mark after 1, 2, … 30 characters: over the lines it falls on every column."""
    return "".join("研" * n + mark for n in range(1, 31))


def report_data() -> dict:
    data = distinct(V2021)
    data["text.problems"] = "\n".join(punctuation_text(m) for m in MARKS)
    return data


# --- the .docx ---------------------------------------------------------------


def _style(xml: str, style_id: str) -> str:
    return re.search(rf'<w:style [^>]*w:styleId="{style_id}".*?</w:style>', xml).group(0)


def test_body_does_not_hang_punctuation():
    body = _style(docx_part(TEMPLATE, "word/styles.xml"), STYLES["body"][0])
    assert '<w:overflowPunct w:val="0"/>' in body


def test_document_grid_is_28_characters_by_22_lines():
    xml = docx_part(TEMPLATE, "word/document.xml")
    grid = re.search(r"<w:docGrid [^>]*/>", xml).group(0)
    assert 'w:type="linesAndChars"' in grid
    pitch = int(re.search(r'w:linePitch="(-?\d+)"', grid).group(1)) / 20
    char_space = int(re.search(r'w:charSpace="(-?\d+)"', grid).group(1))
    text_width_pt = TEXT_WIDTH_MM / 25.4 * 72
    type_area_pt = (PAGE_H_MM - MARGINS_MM["top"] - MARGINS_MM["bottom"]) / 25.4 * 72
    assert int(text_width_pt // (16 + char_space / 4096)) == 28  # ECMA-376 §17.6.5
    assert int(type_area_pt // pitch) == 22


def test_not_opened_in_compatibility_mode():
    settings = docx_part(TEMPLATE, "word/settings.xml")
    assert re.search(r'<w:compatSetting w:name="compatibilityMode" w:uri="[^"]+" w:val="15"/>', settings)


def test_report_properties(tmp_path):
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    path = word.render_report(distinct(V2021), V2021, tmp_path / "r.docx").path
    from docx import Document

    props = Document(str(path)).core_properties
    assert props.title == "某市某局2024年政府信息公开工作年度报告"
    assert props.author == props.last_modified_by == "某市某局"
    assert props.comments == props.keywords == ""
    created = props.created.replace(tzinfo=dt.timezone.utc)  # core.xml holds UTC
    assert before <= created <= dt.datetime.now(dt.timezone.utc)
    assert props.modified == props.created
    core = docx_part(path, "docProps/core.xml")
    assert "2025" not in core and "模板" not in core


@pytest.mark.parametrize("fmt", [V2019, V2021], ids=["2019", "2021"])
def test_opening_names_every_part_in_its_heading_words(tmp_path, fmt):
    data = distinct(fmt)
    path = word.render_report(data, fmt, tmp_path / "r.docx").path
    opening = next(text for style, text in paragraphs(path) if text.startswith("本报告根据"))
    for section in fmt.sections:
        assert section.heading.split("、", 1)[1] in opening  # 四: 「政府信息公开行政复议、行政诉讼情况」


def test_table_three_labels_one_character_wide_and_header_words_whole():
    for fmt in (V2019, V2021):
        table = fmt.table("t3")
        widths = column_widths(table)
        one_char, margins = STYLES["cell"][4] * 20, 2 * 57
        for col in (0, 1):
            assert one_char + margins <= widths[col] < 2 * one_char + margins
        for cell in table.cells:
            if cell.role == "header" and cell.colspan == 1:  # 自然人 on one line, 社会公益/组织
                assert widths[cell.col] >= min(4, len(cell.text)) * one_char + margins


# --- the PDF -----------------------------------------------------------------

needs_pdf = pytest.mark.skipif(find_soffice() is None or not shutil.which("pdftotext"),
                               reason="LibreOffice (soffice) or poppler-utils are not installed")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    if find_soffice() is None or not shutil.which("pdftotext"):
        pytest.skip("LibreOffice (soffice) or poppler-utils are not installed")
    folder = tmp_path_factory.mktemp("layout")
    docx = word.render_report(report_data(), V2021, folder / "r.docx").path
    result = convert_pdf(docx, folder / "r.pdf")
    return docx, result


def _run(*cmd) -> str:
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def _cjk(text: str) -> collections.Counter:
    return collections.Counter(c for c in text if ord(c) > 0x2000 and not c.isspace())


@needs_pdf
@pytest.mark.office
def test_pdf_loses_no_character(rendered):
    docx, result = rendered
    text = "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", docx_part(docx, "word/document.xml")))
    lost = _cjk(text) - _cjk(_run("pdftotext", str(result.path), "-"))
    assert not lost


def _body_lines(pdf) -> dict[int, list[str]]:
    """Lines of the punctuation paragraphs (only 研 and marks) per page."""
    pages: dict[int, list[str]] = {}
    for number, page in enumerate(_run("pdftotext", "-layout", str(pdf), "-").split("\f"), 1):
        pages[number] = [line.strip() for line in page.splitlines()
                         if line.strip() and set(line.strip()) <= set("研" + MARKS)]
    return pages


@needs_pdf
@pytest.mark.office
def test_pdf_has_28_characters_a_line_and_22_lines_a_page(rendered):
    pages = _body_lines(rendered[1].path)
    lines = [line for page in pages.values() for line in page]
    assert len(lines) > 60
    counts = collections.Counter(len(line) for line in lines)
    assert counts.most_common(1)[0][0] == 28, counts
    # a line may end in one squeezed mark, and never holds more than 28 characters before it
    assert max(len(line.rstrip(MARKS)) for line in lines) == 28
    assert max(len(page) for page in pages.values()) == 22


@needs_pdf
@pytest.mark.office
def test_pdf_fonts_and_properties(rendered):
    pdf = rendered[1].path
    fonts = _run("pdffonts", str(pdf))
    info = _run("pdfinfo", str(pdf))
    assert "Title:           某市某局2024年政府信息公开工作年度报告" in info
    assert re.search(r"Author:\s+某市某局", info)
    assert re.search(r"Fang", fonts) and re.search(r"Kai", fonts)  # 仿宋 body, 楷体 （一）…（五）
    [line] = rendered[1].warnings
    assert "仿宋_GB2312→FandolFang" in line and "楷体_GB2312→AR PL UKai CN" in line and "\n" not in line


@needs_pdf
@pytest.mark.office
def test_pdf_table_three_labels_one_character_a_line(rendered):
    """Read by position (pdftotext -bbox), not in pdftotext's reading order, which interleaves the
    label with the rows beside it once the PDF's table is split before a group (report/pdf.py)."""
    text = _run("pdftotext", str(rendered[1].path), "-")
    label = next(c.text for c in V2021.table("t3").cells if c.text.startswith("三、"))
    words = [(float(x), float(y), w) for x, y, w in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>',
        _run("pdftotext", "-bbox", str(rendered[1].path), "-"))]
    stacks = collections.defaultdict(list)  # one column of single characters: x -> [(y, character)]
    for x, y, w in words:
        if len(w) == 1:
            stacks[round(x)].append((y, w))
    assert any(label in "".join(w for _, w in sorted(stack)) for stack in stacks.values())
    assert "自然人" in text and "社会公益" in text


@needs_pdf
@pytest.mark.office
def test_pdf_keeps_the_comma_at_a_line_end_in_real_prose(tmp_path):
    """The reported case (「…进行研判」 / 「探索从源头上」 where the report has 「研判，探索」): prose whose
    commas and full stops fall at every position of a line, shifted one character a paragraph.
    0.1.0 lost one comma here (a hanging comma LibreOffice does not draw); none may be lost."""
    from xlreport.cli.demo import demo_document
    from xlreport.io.jsonfile import parse_document

    fmt, data, _ = parse_document(demo_document(), "demo")
    sentence = "进行研判，探索从源头上解决问题。加强政府信息公开工作，推进政务公开标准化规范化建设。"
    paragraphs_ = ["甲" * shift + sentence * 3 for shift in range(30)]
    data["text.problems"] = "\n".join(paragraphs_)
    docx = word.render_report(data, fmt, tmp_path / "r.docx").path
    pdf = convert_pdf(docx, tmp_path / "r.pdf").path
    text = "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", docx_part(docx, "word/document.xml")))
    lost = _cjk(text) - _cjk(_run("pdftotext", str(pdf), "-"))
    assert not lost
