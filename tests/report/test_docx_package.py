"""The parts of the rendered .docx (issue 19.6): its own application name, no Word 2010
stylesWithEffects.xml, no unstyled paragraph in a table cell."""

from __future__ import annotations

import zipfile

import pytest
from lxml import etree
from test_word_support import distinct

from xlreport.model.formats import V2019, V2021
from xlreport.report.docx import default_template, render_report

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.mark.parametrize("fmt", [V2019, V2021], ids=["2019", "2021"])
def test_report_names_xlreport_and_carries_no_mac_word_parts(tmp_path, fmt):
    path = render_report(distinct(fmt), fmt, tmp_path / "r.docx").path
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        app = etree.fromstring(zf.read("docProps/app.xml"))
        types = zf.read("[Content_Types].xml").decode("utf-8")
        rels = zf.read("word/_rels/document.xml.rels").decode("utf-8")
    ns = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
    assert app.findtext(f"{ns}Application") == "xlreport"
    assert "Macintosh" not in etree.tostring(app).decode("utf-8")
    assert not [n for n in names if "stylesWithEffects" in n]
    assert "stylesWithEffects" not in types + rels
    assert path.stat().st_size < 100_000


@pytest.mark.parametrize("fmt", [V2019, V2021], ids=["2019", "2021"])
def test_every_paragraph_in_a_table_cell_has_a_style(tmp_path, fmt):
    path = render_report(distinct(fmt), fmt, tmp_path / "r.docx").path
    with zipfile.ZipFile(path) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    paragraphs = [p for tc in root.iter(f"{W}tc") for p in tc.findall(f"{W}p")]
    unstyled = [p for p in paragraphs if p.find(f"{W}pPr/{W}pStyle") is None]
    assert paragraphs and unstyled == []


def test_template_has_no_styles_with_effects():
    with zipfile.ZipFile(default_template()) as zf:
        assert "word/stylesWithEffects.xml" not in zf.namelist()
