"""An agency name longer than a Word core property holds (255 characters; issue 18, bug 6):
the report renders, the property is shortened, the text keeps the name whole."""

from __future__ import annotations

import re
import zipfile

from factories import consistent_data
from xlreport.model.formats import V2021
from xlreport.report.docx import render_report


def test_agency_over_236_characters_renders_with_the_name_whole(tmp_path):
    agency = "某某市" + "人民政府办公室信息公开科" * 22  # 267 characters
    data = dict(consistent_data(V2021, 1), **{"meta.agency": agency})
    out = render_report(data, V2021, tmp_path / "r.docx").path
    with zipfile.ZipFile(out) as z:
        core = z.read("docProps/core.xml").decode("utf-8")
        body = z.read("word/document.xml").decode("utf-8")
    assert agency in "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", body))  # the text: whole
    assert agency not in core and agency[:200] in core  # the properties: shortened
