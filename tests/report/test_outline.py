"""The report's outline (ReportFormat.outline) is declared once: the Word template and the
web page lay the report out from it (issue 18 item 4)."""

from __future__ import annotations

import dataclasses
import re

import lxml.html

from factories import consistent_data
from test_word_support import docx_part
from word_template import build_template
from xlreport.model.formats import V2019, V2021
from xlreport.model.spec import TextField
from xlreport.report.webpage import html_report

EXTRA = TextField("text.problems.rectification", "（一）上年问题整改情况", section="五", name="rectification",
                  parent="text.problems")
# a format whose 五 has a sub-heading: no code knows of it, only the declaration
CHANGED = dataclasses.replace(V2021, texts=(*V2021.texts, EXTRA))


def _outline_headings(fmt) -> list[str]:
    return [h for section, subs in fmt.outline for h in (section.heading, *(t.label for t in subs))]


def test_web_page_follows_the_outline():
    for fmt in (V2021, CHANGED):
        data = consistent_data(fmt)
        data["text.problems.rectification"] = "整改了三项。"
        page, _ = html_report(data, fmt)
        tree = lxml.html.fromstring(page)
        headings = [h.text_content() for h in tree.iter("h2", "h3")]
        assert headings == _outline_headings(fmt)
    assert "整改了三项。" in page


def test_word_template_follows_the_outline(tmp_path):
    path = tmp_path / "t.docx"
    build_template(path, formats=[V2019, CHANGED])
    text = re.sub(r"<[^>]+>", "", docx_part(path, "word/document.xml"))
    assert "（一）上年问题整改情况" in text and "text.problems.rectification.paragraphs" in text
    # each section's heading and sub-headings in the declared order
    at = [text.index(h) for h in _outline_headings(CHANGED)]
    assert at == sorted(at)
