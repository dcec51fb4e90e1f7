# Over 500 lines on purpose: one developer tool building one document (styles, page, tables, content), not shipped.
"""Build `templates/report.docx`, the Word template of the report, from the format declarations.

A developer tool, not part of the installed package: `tools/make_docx_template.py`
calls `build_template()`; the generated file is
committed, and `tests/report/test_word_template.py` fails when the committed file no
longer matches what this module would generate (`template_parts()` gives the
normalised XML that is compared).

One template serves both versions
---------------------------------
The report has one layout: the same title, opening paragraph, six headings,
sub-headings of 一 and styles in both versions; only tables 二 and 三 (and the
信息处理费 sentence of 六, which is empty in V2019) differ. A clerk restyles one
file (organisation header, signature block, fonts) instead of keeping two in
step. Wherever a part differs between versions, the part is written once per
version inside control paragraphs::

    {%p if fmt == "2019" %}   … V2019 table 二 …
    {%p elif fmt == "2021" %} … V2021 table 二 …
    {%p endif %}

and wherever it is identical (table 四, every heading) it is written once. The
decision is made by comparing the declarations, not by hand, so a future
format that changes table 四 gets its own block automatically.

Where things come from
----------------------
* Headings: `fmt.sections`; sub-headings of 一: `fmt.texts` labels.
* Tables: `fmt.tables[*].cells` — one Word table cell per GridCell, merged with
  python-docx `cell.merge` (rowspan/colspan), label text from `GridCell.text`,
  value cells hold `{{ <data key> }}` (the key is also the Jinja lookup path).
  A value whose field names a `unit_key` (an input of its table) prints the unit after
  it (V2019 采购总金额, e.g. 「251000元」).
* Styles: GB/T 9704-2012 公文 layout, named paragraph styles (below) with the
  east-Asian font in `w:rFonts/@w:eastAsia` and `w:lang/@w:eastAsia="zh-CN"`.

Paragraph styles (names as shown in Word/WPS): 报告标题, 报告正文, 一级标题,
二级标题, 表格文字, 表格标签, 页码, 模板控制 (the `{%p … %}` lines; they
disappear when the report is rendered). The body style is not called 「正文」
because that is the Chinese display name of Word's built-in Normal style.
"""

from __future__ import annotations

import copy
import datetime as _dt
import io
import math
import zipfile
from pathlib import Path
from typing import Callable, Iterable, Sequence

from xlreport.model.formats import FORMATS
from xlreport.model.spec import GridCell, ReportFormat, Section, Table
from xlreport.report.layout import (
    CELL_MARGIN_TWIPS,
    FOOTER_MM,
    LATIN,
    MARGINS_MM,
    PAGE_H_MM,
    PAGE_W_MM,
    PERIOD_WORDS,
    STYLES,
    TEXT_WIDTH_MM,
    TWIPS_PER_MM,
    column_widths,
    opening_sentence,
)

# --- page and type (GB/T 9704-2012): page, margins, styles and column widths are in
# xlreport/report/layout.py (the web page uses them too)
# GB/T 9704-2012 §5.2.1: 每面排 22 行，每行排 28 个字. A document grid ("lines and
# characters", w:docGrid) makes Word and LibreOffice lay the body out that way:
# the line pitch is 225 mm / 22 (579 twips = 28.95 pt; 29 pt would leave room for
# only 21 lines), the character pitch is the 156 mm text width / 28, given as
# w:charSpace = (pitch − the 16 pt body size) × 4096 (ECMA-376 §17.6.5), i.e.
# −849 → 15.793 pt, the figure in the usual 公文 templates.
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
LINE_TWIPS = 579
LINE_PT = LINE_TWIPS / 20
CONDENSE_TWENTIETHS = -10  # −0.5 pt a character, see _styles
BODY_PT = 16
CELL_LINE_PT = 13  # exact, so that table 三 fits on one page whatever the font's ascent

# Word substitutes these when the 公文 fonts are missing (fontTable altName).
FONT_TABLE = (
    ("方正小标宋简体", "宋体", "86", "roman", "variable"),
    ("仿宋_GB2312", "仿宋", "86", "modern", "fixed"),
    ("楷体_GB2312", "楷体", "86", "modern", "fixed"),
    ("黑体", "SimHei", "86", "modern", "fixed"),
    ("宋体", "SimSun", "86", "auto", "variable"),
)

KEEP_STYLE_IDS = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList", "Header", "Footer",
                  "HeaderChar", "FooterChar", "TableGrid"}

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WORD_URI = "http://schemas.microsoft.com/office/word"
# Word 2013 and later: without this the report opens in 兼容模式 (compatibility mode).
COMPATIBILITY_MODE = 15
FIXED_DATE = _dt.datetime(2025, 1, 1, 0, 0, 0)


def repo_template_path() -> Path:
    return Path(__file__).resolve().parents[1] / "templates" / "report.docx"


# ---------------------------------------------------------------------------
# Versions: write a part once when it is the same in every format, else once per
# format inside {%p if fmt == … %} blocks.


def _groups(formats: Sequence[ReportFormat], identity: Callable[[ReportFormat], object]):
    groups: list[tuple[object, list[ReportFormat]]] = []
    for fmt in formats:
        ident = identity(fmt)
        for key, members in groups:
            if key == ident:
                members.append(fmt)
                break
        else:
            groups.append((ident, [fmt]))
    return [members for _, members in groups]


def _condition(members: list[ReportFormat]) -> str:
    if len(members) == 1:
        return f'fmt == "{members[0].version}"'
    return "fmt in (" + ", ".join(f'"{m.version}"' for m in members) + ")"


class _Builder:
    def __init__(self, formats: Sequence[ReportFormat]):
        from docx import Document

        self.formats = list(formats)
        self.doc = Document()
        body = self.doc.element.body
        for child in list(body):
            if child.tag != _w("sectPr"):
                body.remove(child)

    # -- paragraphs --------------------------------------------------------
    def par(self, style: str, *parts: str | None):
        """A paragraph of `style`; each part is a run, None is a line break."""
        p = self.doc.add_paragraph(style=STYLES[style][1])
        for part in parts:
            if part is None:
                p.add_run().add_break()
            elif part:
                p.add_run(part)
        return p

    def control(self, tag: str) -> None:
        self.par("control", "{%p " + tag + " %}")

    def versioned(self, identity: Callable[[ReportFormat], object], emit: Callable[[ReportFormat], None]) -> None:
        groups = _groups(self.formats, identity)
        if len(groups) == 1:
            emit(groups[0][0])
            return
        for i, members in enumerate(groups):
            self.control(("if " if i == 0 else "elif ") + _condition(members))
            emit(members[0])
        self.control("endif")

    def lines(self, expr: str) -> None:
        """One body paragraph per line of a text (`expr` is a list of strings)."""
        self.control(f"for line in {expr}")
        self.par("body", "{{ line }}")
        self.control("endfor")

    # -- tables ------------------------------------------------------------
    def table(self, table: Table, fmt: ReportFormat) -> None:
        from docx.enum.table import WD_ALIGN_VERTICAL

        doc_table = self.doc.add_table(rows=table.n_rows, cols=table.n_cols)
        widths = column_widths(table)
        _table_properties(doc_table, widths)
        for cell in sorted(table.cells, key=lambda c: (c.row, c.col)):
            word_cell = doc_table.cell(cell.row, cell.col)
            if cell.rowspan > 1 or cell.colspan > 1:
                word_cell = word_cell.merge(
                    doc_table.cell(cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1))
            paragraph = word_cell.paragraphs[0]
            paragraph.style = self.doc.styles[STYLES["cell_label" if cell.role == "label" else "cell"][1]]
            paragraph.add_run(_cell_text(cell, table, fmt))
        for row in doc_table.rows:
            for word_cell in row.cells:
                word_cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
        for tc in doc_table._tbl.iter(_w("tc")):  # a merged-away cell keeps an empty paragraph: style it too
            for p in tc.findall(_w("p")):
                if p.find(f"{_w('pPr')}/{_w('pStyle')}") is None:
                    p.get_or_add_pPr().get_or_add_pStyle().set(_w("val"), STYLES["cell"][0])
        _cell_widths(doc_table, widths)
        _row_properties(doc_table, table.header_rows)
        _keep_together(doc_table, table)


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


def _cell_text(cell: GridCell, table: Table, fmt: ReportFormat) -> str:
    if cell.role != "value":
        return cell.text
    text = "{{ " + cell.key + " }}"
    unit_key = fmt.field(cell.key).unit_key
    if unit_key:
        text += "{{ " + unit_key + " }}"
    return text


def _table_properties(doc_table, widths: list[int]) -> None:
    from docx.oxml import parse_xml

    tbl = doc_table._tbl
    borders = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
                      for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    tbl_pr = parse_xml(
        f'<w:tblPr xmlns:w="{W_NS}">'
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
        f"<w:tblBorders>{borders}</w:tblBorders>"
        '<w:tblLayout w:type="fixed"/>'
        f'<w:tblCellMar><w:top w:w="28" w:type="dxa"/><w:left w:w="{CELL_MARGIN_TWIPS}" w:type="dxa"/>'
        f'<w:bottom w:w="28" w:type="dxa"/><w:right w:w="{CELL_MARGIN_TWIPS}" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
        'w:noHBand="1" w:noVBand="1"/>'
        "</w:tblPr>")
    tbl.replace(tbl.tblPr, tbl_pr)
    for grid_col, width in zip(tbl.tblGrid.findall(_w("gridCol")), widths):
        grid_col.set(_w("w"), str(width))


def _cell_widths(doc_table, widths: list[int]) -> None:
    from docx.shared import Twips

    for tr in doc_table._tbl.tr_lst:
        col = 0
        for tc in tr.tc_lst:
            span = tc.grid_span
            tc.width = Twips(sum(widths[col:col + span]))
            col += span


def _row_properties(doc_table, header_rows: int) -> None:
    from docx.oxml import parse_xml

    for i, tr in enumerate(doc_table._tbl.tr_lst):
        tr_pr = tr.get_or_add_trPr()
        tr_pr.append(parse_xml(f'<w:cantSplit xmlns:w="{W_NS}"/>'))
        if i < header_rows:  # repeat the header rows on every page
            tr_pr.append(parse_xml(f'<w:tblHeader xmlns:w="{W_NS}"/>'))


SMALL_TABLE_ROWS = 8


def _keep_together(doc_table, table: Table) -> None:
    """Rows without figures (titles, headers) stay with the row below, and the rows of
    a group (e.g. the eight rows of （三）不予公开) stay together, so that a page break
    never leaves a group's rows without their label. Table 三 does not fit on one
    page under its heading; it breaks between groups (the page's header rows
    repeat). Only 「三、本年度办理结果」, which spans 20–22 rows, continues on the
    next page without its text.

    Done with "keep with next" on the cell paragraphs, which Word and WPS honour
    for table rows. LibreOffice does not: report/pdf.py measures its PDF and splits
    the table before a group that it would break.
    """
    value_rows = {c.row for c in table.cells if c.role == "value"}
    grouped = {r for c in table.cells if c.role == "label" and 1 < c.rowspan <= SMALL_TABLE_ROWS
               for r in range(c.row, c.row + c.rowspan - 1)}
    for i, row in enumerate(doc_table.rows):
        last = i == table.n_rows - 1
        if last or (i in value_rows and i not in grouped):
            continue
        seen = set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True


# ---------------------------------------------------------------------------
# Styles, page setup, footer.


def _rpr_xml(east_asia: str, latin: str, size_pt: float, bold: bool = False, color: str | None = None) -> str:
    half = int(round(size_pt * 2))
    return (f'<w:rPr xmlns:w="{W_NS}">'
            f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{east_asia}" w:cs="{latin}"/>'
            + ("<w:b/><w:bCs/>" if bold else "")
            + (f'<w:color w:val="{color}"/>' if color else "")
            + f'<w:kern w:val="0"/><w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'
            '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr>')


def _styles(doc) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml import parse_xml
    from docx.shared import Pt

    styles_el = doc.styles.element
    for style in list(styles_el.findall(_w("style"))):
        if style.get(_w("styleId")) not in KEEP_STYLE_IDS:
            styles_el.remove(style)
    defaults = styles_el.find(_w("docDefaults"))
    new_defaults = parse_xml(
        f'<w:docDefaults xmlns:w="{W_NS}"><w:rPrDefault>{_rpr_xml("仿宋_GB2312", LATIN, 16)}</w:rPrDefault>'
        '<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault>'
        "</w:docDefaults>")
    styles_el.replace(defaults, new_defaults)

    def set_rpr(style, east_asia, latin, size, bold=False, color=None):
        el = style.element
        old = el.find(_w("rPr"))
        if old is not None:
            el.remove(old)
        el.append(parse_xml(_rpr_xml(east_asia, latin, size, bold, color)))

    normal = doc.styles["Normal"]
    set_rpr(normal, "仿宋_GB2312", LATIN, 16)
    for name in ("Header", "Footer"):
        set_rpr(doc.styles[name], "宋体", LATIN, 9)

    def add(key: str, base: str = "Normal"):
        style_id, name, east_asia, latin, size = STYLES[key]
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.element.set(_w("styleId"), style_id)
        style.base_style = doc.styles[base]
        style.quick_style = True
        set_rpr(style, east_asia, latin, size, color="808080" if key == "control" else None)
        return style

    def two_chars(style, size_pt: float) -> None:
        pf = style.paragraph_format
        pf.first_line_indent = Pt(size_pt * 2)
        style.element.get_or_add_pPr().find(_w("ind")).set(_w("firstLineChars"), "200")

    title = add("title")
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    title.paragraph_format.line_spacing = Pt(36)
    title.paragraph_format.space_after = Pt(LINE_PT)
    title.paragraph_format.keep_with_next = True

    body = add("body")
    body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    body.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    body.paragraph_format.line_spacing = Pt(LINE_PT)
    body.paragraph_format.widow_control = False
    two_chars(body, BODY_PT)
    body.next_paragraph_style = body
    # No hanging punctuation: a ，or 。 that falls after the 28th character goes to
    # the next line with the character before it (w:kinsoku stays on). Hung into
    # the margin, LibreOffice's PDF export drops it. No extra space between
    # Chinese and Latin letters or digits either, so that every character keeps
    # its place on the grid (Word: 允许标点溢出边界, 自动调整中文与西文/数字的间距 off).
    # LibreOffice gives a character that is wider than the grid pitch two grid
    # cells (14 a line); condensed by 0.25 pt, the 16 pt character fits one.
    body.element.find(_w("rPr")).find(_w("kern")).addprevious(
        parse_xml(f'<w:spacing xmlns:w="{W_NS}" w:val="{CONDENSE_TWENTIETHS}"/>'))
    body_ppr = body.element.get_or_add_pPr()
    for tag in ("overflowPunct", "autoSpaceDE", "autoSpaceDN", "snapToGrid"):
        body_ppr.append(parse_xml(f'<w:{tag} xmlns:w="{W_NS}" w:val="0"/>'))

    for key in ("h1", "h2"):
        heading = add(key, base=STYLES["body"][1])
        heading.paragraph_format.keep_with_next = True
        heading.next_paragraph_style = body
        # outline level: the headings show in Word's navigation pane
        heading.element.get_or_add_pPr().append(
            parse_xml(f'<w:outlineLvl xmlns:w="{W_NS}" w:val="{0 if key == "h1" else 1}"/>'))

    cell = add("cell")
    cell.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    cell.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    cell.paragraph_format.line_spacing = Pt(CELL_LINE_PT)
    cell_label = add("cell_label", base=STYLES["cell"][1])
    cell_label.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT

    page = add("page", base="Footer")
    page.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE

    control = add("control")
    control.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    # Only the body text (and its headings) sits on the 28 × 22 grid: the title,
    # tables, footer and control lines keep their own type size and spacing.
    for el in (title, cell, page, control):
        el.element.get_or_add_pPr().append(parse_xml(f'<w:snapToGrid xmlns:w="{W_NS}" w:val="0"/>'))
    for el in (title, body, doc.styles[STYLES["h1"][1]], doc.styles[STYLES["h2"][1]], cell, page, control):
        _sort_ppr(el.element.get_or_add_pPr())


# CT_PPrBase child order (ECMA-376 §17.3.1.26); python-docx appends some out of order.
PPR_ORDER = ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
             "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
             "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
             "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
             "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
             "sectPr", "pPrChange"]


def _sort_ppr(ppr) -> None:
    children = list(ppr)
    order = {_w(t): i for i, t in enumerate(PPR_ORDER)}
    children.sort(key=lambda el: order.get(el.tag, len(order)))
    for child in children:
        ppr.remove(child)
        ppr.append(child)


def _page(doc) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    section = doc.sections[0]
    section.page_width, section.page_height = Mm(PAGE_W_MM), Mm(PAGE_H_MM)
    section.top_margin = Mm(MARGINS_MM["top"])
    section.bottom_margin = Mm(MARGINS_MM["bottom"])
    section.left_margin = Mm(MARGINS_MM["left"])
    section.right_margin = Mm(MARGINS_MM["right"])
    section.header_distance = Mm(15)
    section.footer_distance = Mm(FOOTER_MM)
    section.gutter = 0
    grid = section._sectPr.find(_w("docGrid"))
    if grid is None:
        grid = section._sectPr.makeelement(_w("docGrid"), {})
        section._sectPr.append(grid)
    char_pitch_twips = TEXT_WIDTH_MM * TWIPS_PER_MM / CHARS_PER_LINE
    grid.set(_w("type"), "linesAndChars")
    grid.set(_w("linePitch"), str(LINE_TWIPS))
    grid.set(_w("charSpace"), str(math.floor((char_pitch_twips / 20 - BODY_PT) * 4096)))
    # GB/T 9704 §7.5: 单页码居右空一字，双页码居左空一字.
    doc.settings.odd_and_even_pages_header_footer = True
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
                          (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.style = doc.styles[STYLES["page"][1]]
        p.alignment = align
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            p.paragraph_format.right_indent = Pt(14)
        else:
            p.paragraph_format.left_indent = Pt(14)
        _page_field(p)


def _page_field(paragraph) -> None:
    from docx.oxml import parse_xml

    def run(inner: str):
        paragraph._p.append(parse_xml(f'<w:r xmlns:w="{W_NS}">{inner}</w:r>'))

    run('<w:t xml:space="preserve">— </w:t>')
    run('<w:fldChar w:fldCharType="begin"/>')
    run('<w:instrText xml:space="preserve"> PAGE </w:instrText>')
    run('<w:fldChar w:fldCharType="separate"/>')
    run("<w:t>1</w:t>")
    run('<w:fldChar w:fldCharType="end"/>')
    run('<w:t xml:space="preserve"> —</w:t>')


def _settings(doc) -> None:
    settings = doc.settings.element
    lang = settings.find(_w("themeFontLang"))
    if lang is not None:
        lang.set(_w("eastAsia"), "zh-CN")
    rsids = settings.find(_w("rsids"))
    if rsids is not None:
        settings.remove(rsids)
    for setting in settings.iter(_w("compatSetting")):
        if setting.get(_w("name")) == "compatibilityMode":
            setting.set(_w("val"), str(COMPATIBILITY_MODE))


def _font_table(doc) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import parse_xml

    part = doc.part.part_related_by(RT.FONT_TABLE)
    root = parse_xml(part.blob)
    names = {f.get(_w("name")) for f in root.findall(_w("font"))}
    for name, alt, charset, family, pitch in FONT_TABLE:
        if name in names:
            continue
        root.append(parse_xml(
            f'<w:font xmlns:w="{W_NS}" w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="{charset}"/>'
            f'<w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>'))
    from lxml import etree

    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _package(doc) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    props = doc.core_properties
    props.author = "xlreport"
    props.last_modified_by = "xlreport"
    props.comments = "政府信息公开工作年度报告模板（由 tools/make_docx_template.py 生成）"
    props.title = "政府信息公开工作年度报告"
    props.created = props.modified = FIXED_DATE
    props.revision = 1
    rels = doc.part.package.rels
    for r_id, rel in list(rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            rels.pop(r_id)
        elif rel.reltype == RT.EXTENDED_PROPERTIES:  # python-docx's default says 「Microsoft Macintosh Word」
            rel.target_part._blob = APP_XML.encode("utf-8")
    # python-docx's default template carries Word 2010's stylesWithEffects.xml (438 KB of
    # built-in styles no report uses); Word rebuilds what it needs from styles.xml.
    for r_id, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            doc.part.drop_rel(r_id)


# docProps/app.xml: the application that made the file (ECMA-376 Part 1 §22.2).
APP_XML = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Application>xlreport</Application><DocSecurity>0</DocSecurity></Properties>")


# ---------------------------------------------------------------------------
# The document.


def _content(b: _Builder) -> None:
    # title 「<机关全称><年份>年政府信息公开工作年度报告」, broken after the agency
    b.par("title", "{{ meta.agency }}", None, "{{ meta.year }}年政府信息公开工作年度报告")

    def opening(fmt: ReportFormat) -> None:
        start, since, until = PERIOD_WORDS
        b.par("body", opening_sentence(fmt) + start, "{{ meta.year }}", since, "{{ meta.year }}",
              until, "{{ sentences.contact }}")

    b.versioned(lambda f: tuple(s.heading for s in f.sections), opening)

    def heading(number: str) -> Callable[[ReportFormat], None]:
        def emit(fmt: ReportFormat) -> None:
            b.par("h1", fmt.section(number).heading)
        return emit

    def section_heading(number: str) -> None:
        b.versioned(lambda f: f.section(number).heading, heading(number))

    def subheadings(fmt: ReportFormat, section: Section) -> None:
        for text in fmt.subheadings(section):
            b.control(f"if {text.key}.show_heading")
            b.par("h2", text.label)
            b.control("endif")
            if text.key == "text.overview.on_request":
                b.par("body", "{{ sentences.on_request }}")
            b.lines(f"{text.key}.paragraphs")

    # The outline as the formats declare it (ReportFormat.outline): each section's heading, its
    # own text, its sub-headings with theirs, its table; the generated sentences where they belong.
    numbers = [s.number for s in b.formats[0].sections]
    assert all([s.number for s in f.sections] == numbers for f in b.formats), "one outline numbering"
    for number in numbers:
        section = b.formats[0].section(number)
        section_heading(number)
        if number == "四":
            b.par("body", "{{ sentences.review }}").paragraph_format.keep_with_next = True
        if number == "六":
            b.control("if sentences.fee")
            b.par("body", "{{ sentences.fee }}")
            b.control("endif")
        if section.text_key:
            b.lines(f"{section.text_key}.paragraphs")
        if any(f.subheadings(f.section(number)) for f in b.formats):
            b.versioned(lambda f, n=number: tuple((t.key, t.label) for t in f.subheadings(f.section(n))),
                        lambda f, n=number: subheadings(f, f.section(n)))
        if section.table:
            b.versioned(lambda f, n=number: _table_identity(f.table(f.section(n).table)),
                        lambda f, n=number: b.table(f.table(f.section(n).table), f))


def _table_identity(table: Table) -> object:
    return table.cells, table.col_widths, table.extras, table.header_rows


def _preserve_space(doc) -> None:
    """Runs that receive a value keep the value's spaces (xml:space="preserve")."""
    xml_space = "{http://www.w3.org/XML/1998/namespace}space"
    for t in doc.element.body.iter(_w("t")):
        if t.text and "{{" in t.text:
            t.set(xml_space, "preserve")


def build_template(path: str | Path | None = None, formats: Iterable[ReportFormat] | None = None) -> bytes:
    """Generate the template; write it to `path` if given. Returns the .docx bytes."""
    b = _Builder(list(formats) if formats is not None else list(FORMATS.values()))
    _styles(b.doc)
    _page(b.doc)
    _settings(b.doc)
    _font_table(b.doc)
    _package(b.doc)
    _content(b)
    _preserve_space(b.doc)
    buf = io.BytesIO()
    b.doc.save(buf)
    data = _deterministic_zip(buf.getvalue())
    if path is not None:
        Path(path).write_bytes(data)
    return data


def _deterministic_zip(data: bytes) -> bytes:
    """Same bytes for the same content: fixed timestamps and member order."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            new = zipfile.ZipInfo(info.filename, date_time=(2025, 1, 1, 0, 0, 0))
            new.compress_type = zipfile.ZIP_DEFLATED
            new.external_attr = 0o644 << 16
            dst.writestr(new, src.read(info.filename))
    return out.getvalue()


# ---------------------------------------------------------------------------
# Comparison of a template with what would be generated.

COMPARED_PARTS = ("word/document.xml", "word/styles.xml", "word/settings.xml", "word/fontTable.xml", "docProps/app.xml")


def template_parts(source: str | Path | bytes) -> dict[str, str]:
    """The normalised XML of the parts that matter (document, styles, settings, fonts, footers).

    Volatile parts (core properties: dates, author; rsid attributes; XML
    declarations and whitespace between tags) are normalised away; the rest is
    compared as canonical XML text.
    """
    from lxml import etree

    raw = source if isinstance(source, bytes) else Path(source).read_bytes()
    out: dict[str, str] = {}
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        names = [n for n in zf.namelist()
                 if n in COMPARED_PARTS or (n.startswith("word/footer") or n.startswith("word/header"))]
        for name in sorted(names):
            root = etree.fromstring(zf.read(name))
            for el in root.iter():
                for attr in list(el.attrib):
                    if etree.QName(attr).localname.startswith("rsid"):
                        del el.attrib[attr]
                if el.text is not None and not el.text.strip() and len(el):
                    el.text = None
                if el.tail is not None and not el.tail.strip():
                    el.tail = None
            out[name] = etree.tostring(copy.deepcopy(root), method="c14n").decode("utf-8")
    return out
