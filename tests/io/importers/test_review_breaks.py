"""Breaks found by an adversarial review of the importer (issue 17): inputs built from the patterns
of real pages (published-reports.md), each once read wrong or named wrong by the importer.
"""

from __future__ import annotations

import pytest

from xlreport.io.importers.document import Document, Paragraph
from xlreport.io.importers.match import match_document
from xlreport.io.importers.name import find_agency

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
