"""templates/report.docx is generated from the format declarations and committed: keep it in step."""

from __future__ import annotations

import dataclasses
import re

from test_word_support import REPO, docx_part
from xlreport.model.formats import V2019, V2021
from word_template import build_template, repo_template_path, template_parts

COMMITTED = REPO / "templates" / "report.docx"


def test_committed_template_matches_the_generator():
    assert repo_template_path() == COMMITTED
    assert COMMITTED.exists(), "run: python tools/make_docx_template.py"
    committed, generated = template_parts(COMMITTED), template_parts(build_template())
    assert committed.keys() == generated.keys()
    for name in generated:
        assert committed[name] == generated[name], (
            f"{name} of templates/report.docx is out of date: run python tools/make_docx_template.py and commit it")


def test_generation_is_deterministic():
    assert build_template() == build_template()


def test_a_changed_declaration_changes_the_template():
    """The comparison above can fail: a label changed in a format shows up in document.xml."""
    t3 = V2021.table("t3")
    cells = tuple(dataclasses.replace(c, text="四、结转下年度") if c.text == "四、结转下年度继续办理" else c
                  for c in t3.cells)
    changed = dataclasses.replace(V2021, tables=tuple(dataclasses.replace(t, cells=cells) if t.id == "t3" else t
                                                       for t in V2021.tables))
    parts = template_parts(build_template(formats=[V2019, changed]))
    assert parts["word/document.xml"] != template_parts(COMMITTED)["word/document.xml"]


def test_labels_come_from_the_declarations():
    xml = docx_part(COMMITTED, "word/document.xml")
    text = re.sub(r"<[^>]+>", "", xml)
    for fmt in (V2019, V2021):
        for section in fmt.sections:
            assert section.heading in text
        for table in fmt.tables:
            for cell in table.cells:
                if cell.role == "value":
                    assert "{{ " + cell.key + " }}" in text
                else:
                    assert cell.text in text
    # tables 二 and 三 differ between the versions, 四 does not: 3 + 3 + 1 tables
    assert xml.count("<w:tbl>") == 5
    assert '{%p if fmt == "2019" %}' in text and '{%p elif fmt == "2021" %}' in text


def test_named_styles_for_the_clerk():
    styles = docx_part(COMMITTED, "word/styles.xml")
    for name in ("报告标题", "报告正文", "一级标题", "二级标题", "表格文字", "表格标签", "页码"):
        assert f'<w:name w:val="{name}"/>' in styles
