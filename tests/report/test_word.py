"""The Word report: context, tables in their official cells, sentences, styles, safety, files."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Mm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from test_word_support import (
    REPO, TEXTS_2021, W, demo, distinct, docx_part, make_docx, need_fixtures, numbers_in, paragraphs, printed,
)
from xlreport.report import docx as word
from xlreport.report.context import ILLEGAL_CHARS, LINE_BREAK, build_context, format_number, split_paragraphs
from xlreport.report.lint import lint_template
from factories import with_texts, render_file
from xlreport.model.numbers import evaluate
from xlreport.io.readers import load_report
from xlreport.errors import InputError, OutputError, XlreportError
from xlreport.model.formats import V2019, V2021

FORMATS = [V2019, V2021]


def render(tmp_path: Path, fmt, data, name: str = "report.docx", **kw) -> word.RenderResult:
    return word.render_report(data, fmt, tmp_path / name, **kw)


# --- context ----------------------------------------------------------------


def test_import_is_light():
    modules = ", ".join(f"xlreport.report.{m}" for m in ("context", "layout", "engine", "lint", "docx", "pdf",
                                                          "webpage"))
    code = f"import sys, {modules}; print(any(m in sys.modules for m in ('docxtpl', 'docx', 'jinja2')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(REPO / "src")})
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("value, expected", [
    (7730.28, "7730.28"), (59237.2449, "59237.2449"), (0.1 + 0.2, "0.3"), (5.0, "5"), (12, "12"),
    (-8, "-8"), (1e16, "10000000000000000"), (1e-7, "0.0000001"), (-0.0, "0"), (96171.6, "96171.6"),
])
def test_format_number(value, expected):
    assert format_number(value, "decimal") == expected


def test_context_nested_lookups_and_texts():
    fmt = V2021
    data = distinct(fmt)
    ctx = build_context(data, fmt)
    assert ctx["fmt"] == "2021"
    assert ctx["t3"]["new"]["natural_person"] == printed(fmt, data, "t3.new.natural_person")
    assert ctx["t3"]["total"]["total"] == printed(fmt, data, "t3.total.total")  # computed total
    overview = ctx["text"]["overview"]
    assert overview == TEXTS_2021["text.overview"]  # a string …
    assert overview.proactive.paragraphs == ["主动公开各类信息5500余条。", "第二段。"]  # … and a parent
    assert ctx["text"]["problems"].paragraphs == ["一是问题一。", "二是问题二。"]
    assert [s["heading"] for s in ctx["sections"]] == [s.heading for s in fmt.sections]
    assert ctx["title"] == "某市某局2024年政府信息公开工作年度报告"
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
    out = env.from_string("{{ t3.new.natural_person }}|{{ text.overview.on_request }}|{{ fee.amount_yuan }}").render(ctx)
    assert out == f"{ctx['t3']['new']['natural_person']}|依申请公开工作规范有序。|{data['fee.amount_yuan']}"


def test_context_blank_values_print_empty():
    ctx = build_context({"meta.agency": "某局", "meta.year": 2024}, V2021)
    assert ctx["t3"]["new"]["business"] == ""
    assert ctx["t3"]["total"]["total"] == ""
    assert "不完整" in ctx["sentences"]["on_request"]


def test_procurement_amount_printed_with_unit():
    fmt, data = demo()
    data = {**data, "t2.procurement.amount": 251000, "t2.procurement.amount_unit": "元"}
    ctx = build_context(data, fmt)
    assert ctx["t2"]["procurement"]["amount"] + ctx["t2"]["procurement"]["amount_unit"] == "251000元"


# --- tables: every figure in its official cell -------------------------------


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.version)
def test_tables_every_figure_in_its_official_cell(tmp_path, fmt):
    data = distinct(fmt)
    path = render(tmp_path, fmt, data).path
    doc = Document(str(path))
    assert len(doc.tables) == len(fmt.tables)
    for decl, table in zip(fmt.tables, doc.tables):
        assert len(table.rows) == decl.n_rows, decl.name
        assert len(table.columns) == decl.n_cols, decl.name
        origins = []  # the elements themselves (ids of lxml proxies are reused once freed)
        covered: dict[tuple[int, int], object] = {}
        for cell in decl.cells:
            origin = table.cell(cell.row, cell.col)
            assert not any(o is origin._tc for o in origins), \
                f"{decl.name} ({cell.row},{cell.col}) merged into another cell"
            origins.append(origin._tc)
            for r in range(cell.row, cell.row + cell.rowspan):
                for c in range(cell.col, cell.col + cell.colspan):
                    assert table.cell(r, c)._tc is origin._tc, f"{decl.name} ({r},{c}) not merged with {cell}"
                    covered[(r, c)] = cell
            expected = printed(fmt, data, cell.key) if cell.role == "value" else cell.text
            assert origin.text == expected, f"{decl.name} {cell.key or cell.text} at ({cell.row},{cell.col})"
        assert len(covered) == decl.n_rows * decl.n_cols
        header = [i for i, row in enumerate(table.rows) if row._tr.trPr is not None
                  and row._tr.trPr.find(f"{W}tblHeader") is not None]
        assert header == list(range(decl.header_rows))
        assert all(row._tr.trPr.find(f"{W}cantSplit") is not None for row in table.rows)


def test_a_swapped_cell_would_be_caught(tmp_path):
    """The distinct data really distinguishes neighbouring cells."""
    fmt = V2021
    data = distinct(fmt)
    values = [printed(fmt, data, c.key) for c in fmt.table("t3").value_cells()]
    inputs = [printed(fmt, data, f.key) for f in fmt.input_fields if f.table == "t3"]
    assert len(set(inputs)) == len(inputs)
    assert len(set(values)) > len(values) * 0.9


def test_table3_fits_the_text_width(tmp_path):
    path = render(tmp_path, V2021, distinct(V2021)).path
    doc = Document(str(path))
    for table in doc.tables:
        grid = table._tbl.tblGrid.findall(f"{W}gridCol")
        width_mm = sum(int(g.get(f"{W}w")) for g in grid) / 1440 * 25.4
        assert abs(width_mm - 156) < 0.5
        borders = table._tbl.tblPr.find(f"{W}tblBorders")
        assert {b.get(f"{W}val") for b in borders} == {"single"}
        assert len(borders) == 6


# --- text: title, headings, sentences ------------------------------------------


def headings(path: Path, style: str) -> list[str]:
    return [text for s, text in paragraphs(path) if s == style]


def test_v2021_layout_title_headings_subheadings(tmp_path):
    fmt = V2021
    data = distinct(fmt)
    path = render(tmp_path, fmt, data).path
    pars = paragraphs(path)
    assert pars[0][0] == "报告标题"
    assert pars[0][1].replace("\n", "") == "某市某局2024年政府信息公开工作年度报告"
    opening = pars[1][1]
    assert "《中华人民共和国政府信息公开条例》第五十条" in opening
    assert "本报告中所列数据的统计期限自2024年1月1日起至2024年12月31日止" in opening
    assert "办公室联系（地址：某路1号，邮编：223001，电话：0517-1234567，电子邮箱：gk@example.gov.cn）" in opening
    assert headings(path, "一级标题") == [s.heading for s in fmt.sections]
    assert headings(path, "二级标题") == [t.label for t in fmt.texts if t.key.startswith("text.overview.")]
    texts = [t for _, t in pars]
    # the data paragraph opens （二）, the clerk's text follows it
    i = texts.index("（二）依申请公开")
    assert texts[i + 1].startswith("本年度新收政府信息公开申请")
    assert texts[i + 2] == TEXTS_2021["text.overview.on_request"]
    assert texts[texts.index("五、存在的主要问题及改进情况") + 1: texts.index("六、其他需要报告的事项")] == \
        ["一是问题一。", "二是问题二。"]


def test_v2021_subheadings_printed_even_when_empty(tmp_path):
    data = {k: v for k, v in distinct(V2021).items() if not k.startswith("text.overview.")}
    path = render(tmp_path, V2021, data).path
    assert len(headings(path, "二级标题")) == 5


def test_v2019_demo_layout(tmp_path):
    fmt, data = demo()
    path = render(tmp_path, fmt, data).path
    pars = paragraphs(path)
    texts = [t for _, t in pars]
    assert texts[0] == "枣庄市峄城区科学技术局\n2020年政府信息公开工作年度报告"
    assert headings(path, "一级标题") == [s.heading for s in fmt.sections]
    assert headings(path, "二级标题") == []  # V2019: only filled sub-texts get a heading
    # the data paragraph closes 一, right before 二
    j = texts.index("二、主动公开政府信息情况")
    assert texts[j - 1] == "本年度未收到政府信息公开申请，也没有上年结转的政府信息公开申请。"
    assert texts[j - 2] == data["text.overview"].splitlines()[-1]
    assert texts[-1] == "无。"
    assert not any("信息处理费" in t for t in texts)  # V2021 only


def test_v2019_subheadings_only_when_filled(tmp_path):
    fmt, data = demo()
    data = {**data, "text.overview.management": "建立健全信息管理制度。"}
    path = render(tmp_path, fmt, data).path
    # （二） appears too: the data paragraph is its content once sub-headings are used
    assert headings(path, "二级标题") == ["（二）依申请公开", "（三）政府信息管理"]


def on_request_numbers(fmt, data) -> dict[str, int]:
    n = evaluate(data, fmt).numbers
    rows = [f.key[3:-6] for f in fmt.fields if f.table == "t3" and f.key.endswith(".total")]

    def group(g):
        return sum(n[f"t3.{r}.total"] for r in rows if r == g or r.startswith(g + "."))

    return {"新收政府信息公开申请": n["t3.new.total"], "上年结转": n["t3.carried_over.total"],
            "办结": n["t3.total.total"], "结转下年度继续办理": n["t3.carried_forward.total"],
            "予以公开": group("granted"), "部分公开": group("partly_granted"), "不予公开": group("denied"),
            "无法提供": group("unable"), "不予处理": group("not_processed"), "其他处理": group("other_handling")}


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.version)
def test_generated_sentences_use_the_table_numbers(tmp_path, fmt):
    data = distinct(fmt)
    texts = [t for _, t in paragraphs(render(tmp_path, fmt, data).path)]
    sentence = next(t for t in texts if t.startswith("本年度新收政府信息公开申请"))
    for label, value in on_request_numbers(fmt, data).items():
        assert re.search(f"{label}{value}件", sentence), (label, value, sentence)
    assert "条" not in sentence
    n = evaluate(data, fmt).numbers
    review = next(t for t in texts if "行政复议" in t and t.startswith("本年度"))
    assert f"行政复议{n['t4.review.total']}件" in review
    suits = n["t4.suit_direct.total"] + n["t4.suit_after_review.total"]
    assert (f"行政诉讼{suits}件（未经复议直接起诉{n['t4.suit_direct.total']}件，"
            f"复议后起诉{n['t4.suit_after_review.total']}件）") in review
    upheld = n["t4.suit_direct.upheld"] + n["t4.suit_after_review.upheld"]
    assert review.count("结果维持") == 2 and f"结果维持{upheld}件" in review
    # the same figures are in the tables
    table_text = " ".join(c.text for t in Document(str(tmp_path / "report.docx")).tables for c in t._cells)
    for value in on_request_numbers(fmt, data).values():
        if value:
            assert str(value) in numbers_in(table_text) or str(value) in sentence


def test_v2021_fee_sentence(tmp_path):
    data = {**distinct(V2021), "fee.count": 3, "fee.amount_yuan": 150.5}
    texts = [t for _, t in paragraphs(render(tmp_path, V2021, data).path)]
    i = texts.index("六、其他需要报告的事项")
    assert texts[i + 1] == "本年度共对3件政府信息公开申请收取信息处理费，合计150.5元。"
    assert texts[i + 2] == TEXTS_2021["text.other"]
    data = {**data, "fee.count": 0, "fee.amount_yuan": 0, "text.other": "无。"}
    texts = [t for _, t in paragraphs(render(tmp_path, V2021, data, name="b.docx").path)]
    assert texts[texts.index("六、其他需要报告的事项") + 1:] == ["本年度未收取信息处理费。"]
    # a blank figure: nothing is stated that the clerk did not enter (the checks warn instead)
    no_fees = {k: v for k, v in data.items() if not k.startswith("fee.")}
    assert build_context(no_fees, V2021)["sentences"]["fee"] == ""
    assert build_context({**no_fees, "fee.count": 3}, V2021)["sentences"]["fee"] == ""
    no_fees["text.other"] = "本年度收取信息处理费20元。"
    assert build_context(no_fees, V2021)["sentences"]["fee"] == ""  # the clerk's own words stand


def test_review_sentence_looks_at_every_cell_not_only_totals():
    """A 总计 printed as 0 (rendered with --force) must not become 「未发生…」 while cases are listed."""
    data = {**distinct(V2021)}
    for group in ("review", "suit_direct", "suit_after_review"):
        for col in ("upheld", "corrected", "other", "pending", "total"):
            data[f"t4.{group}.{col}"] = 0
    data["t4.review.upheld"] = 10
    sentence = build_context(data, V2021)["sentences"]["review"]
    assert "未发生因政府信息公开工作被申请行政复议、提起行政诉讼" not in sentence
    assert "结果维持10件" in sentence


@pytest.mark.parametrize("name", ["2024_huaian_szf", "2024_suqian_city"])
def test_real_v2021_reports_render(tmp_path, name):
    paths = {p.stem: p for p in need_fixtures()}
    report = load_report(paths[name])
    path = word.render_report(report.data, report.fmt, tmp_path / "r.docx").path
    doc = Document(str(path))
    assert doc.paragraphs[0].text.replace("\n", "") == f"{report.data['meta.agency']}{report.data['meta.year']}年政府信息公开工作年度报告"
    t3 = doc.tables[1]
    cell = report.fmt.table("t3").cell_for("t3.new.total")
    assert t3.cell(cell.row, cell.col).text == str(evaluate(report.data, report.fmt).numbers["t3.new.total"])
    sentence = next(p.text for p in doc.paragraphs if p.text.startswith("本年度新收政府信息公开申请"))
    for label, value in on_request_numbers(report.fmt, report.data).items():
        assert f"{label}{value}件" in sentence


# --- 公文 style ---------------------------------------------------------------


def test_page_size_and_margins(tmp_path):
    fmt, data = demo()
    section = Document(str(render(tmp_path, fmt, data).path)).sections[0]
    for value, mm in ((section.page_width, 210), (section.page_height, 297), (section.top_margin, 37),
                      (section.bottom_margin, 35), (section.left_margin, 28), (section.right_margin, 26)):
        assert abs(value - Mm(mm)) < Mm(0.1)


def test_styles_east_asian_fonts(tmp_path):
    from lxml import etree

    fmt, data = demo()
    path = render(tmp_path, fmt, data).path
    root = etree.fromstring(docx_part(path, "word/styles.xml").encode())
    styles = {s.find(f"{W}name").get(f"{W}val"): s for s in root.iter(f"{W}style")}
    expected = {"报告标题": ("方正小标宋简体", 44), "报告正文": ("仿宋_GB2312", 32), "一级标题": ("黑体", 32),
                "二级标题": ("楷体_GB2312", 32), "页码": ("宋体", 28)}
    for name, (font, size) in expected.items():
        rpr = styles[name].find(f"{W}rPr")
        fonts = rpr.find(f"{W}rFonts")
        assert fonts.get(f"{W}eastAsia") == font, name
        assert fonts.get(f"{W}ascii") and fonts.get(f"{W}hAnsi"), name
        assert rpr.find(f"{W}sz").get(f"{W}val") == str(size), name
        assert rpr.find(f"{W}lang").get(f"{W}eastAsia") == "zh-CN", name
    table_size = int(styles["表格文字"].find(f"{W}rPr/{W}sz").get(f"{W}val"))
    assert 20 <= table_size <= 21
    body = styles["报告正文"].find(f"{W}pPr")
    spacing = body.find(f"{W}spacing")
    assert spacing.get(f"{W}lineRule") == "exact" and 560 <= int(spacing.get(f"{W}line")) <= 580
    assert body.find(f"{W}ind").get(f"{W}firstLineChars") == "200"
    assert styles["报告标题"].find(f"{W}pPr/{W}jc").get(f"{W}val") == "center"
    defaults = root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    assert defaults.get(f"{W}eastAsia") == "仿宋_GB2312"


def test_footer_page_number(tmp_path):
    fmt, data = demo()
    path = render(tmp_path, fmt, data).path
    footers = [docx_part(path, n) for n in ("word/footer1.xml", "word/footer2.xml")]
    for xml in footers:
        assert "PAGE" in xml and "— " in xml and " —" in xml
        assert 'w:pStyle w:val="xlPageNumber"' in xml


# --- hostile text -----------------------------------------------------------

HOSTILE = ["{{ 7*7 }}", "{% for x in y %}", "{{ ''.__class__ }}", "<w:p>", "&amp;", "\"双引号\" '单引号' “弯引号”",
           "emoji 😀🇨🇳", "{%p if true %}", "{_{ x }_}", "]]><![CDATA[", "a\tb"]


def test_hostile_text_renders_verbatim(tmp_path):
    fmt = V2021
    long_text = ("长" * 16383) + "x" * 16384  # 32,767 characters
    data = {**distinct(fmt), "meta.agency": "<某局&\"{{ 1 }}\">", "text.overview.proactive": "\n".join(HOSTILE),
            "text.problems": long_text, "meta.address": "{% raw %}路"}
    result = render(tmp_path, fmt, data)
    assert result.warnings == []
    texts = [t for _, t in paragraphs(result.path)]
    for h in HOSTILE:
        assert h in texts, h
    assert long_text in texts
    assert texts[0].startswith("<某局&\"{{ 1 }}\">\n")
    assert "地址：{% raw %}路" in texts[1]
    assert "49" not in texts


def test_control_characters_removed_with_warning(tmp_path):
    fmt = V2021
    data = {**distinct(fmt), "text.problems": "问题\x00一\x07。\x1f\x0e\ud800", "meta.agency": "某\x08局"}
    result = render(tmp_path, fmt, data)
    texts = [t for _, t in paragraphs(result.path)]
    assert "问题一。" in texts
    assert texts[0].startswith("某局\n")
    assert len(result.warnings) == 2
    assert any("五、存在的主要问题及改进情况" in w and "5 个" in w for w in result.warnings)
    assert all("已删除" in w for w in result.warnings)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=200))
def test_any_text_renders_and_reads_back(tmp_path, text):
    data = {**distinct(V2021), "text.other": text}
    out = tmp_path / "h.docx"
    result = word.render_report(data, V2021, out, force=True)
    texts = [t for _, t in paragraphs(result.path)]
    i = texts.index("六、其他需要报告的事项")
    text = text.replace(LINE_BREAK, "\n")  # Word's manual line break: a new paragraph
    expected = split_paragraphs(ILLEGAL_CHARS.sub("", text))
    assert texts[i + 2:] == expected
    assert bool(result.warnings) == bool(ILLEGAL_CHARS.search(text))


# --- custom templates -------------------------------------------------------


def test_default_template_lints_clean():
    assert lint_template(word.default_template()) == []


def test_custom_template_with_unknown_variables_is_refused(tmp_path):
    tpl = make_docx(["{{ title }}", "{{ t3.new.natral_person }}", "{{ agency_name }}", "{{ t3.new.total }}"],
                    tmp_path / "my.docx")
    messages = lint_template(tpl)
    assert len(messages) == 2
    assert any("t3.new.natral_person" in m and "t3.new.natural_person" in m for m in messages)
    assert any("agency_name" in m for m in messages)
    assert all("不存在" in m for m in messages)
    fmt, data = demo()
    with pytest.raises(InputError) as exc:
        word.render_report(data, fmt, tmp_path / "out.docx", template=tpl)
    assert "t3.new.natral_person" in exc.value.message and "agency_name" in exc.value.message
    assert not (tmp_path / "out.docx").exists()


def test_custom_template_for_both_versions(tmp_path):
    tpl = make_docx(["{{ title }}", "新收{{ t3.new.total }}件", '{%p if fmt == "2021" %}', "{{ fee.count }}",
                     "{%p endif %}", "{% for line in text.problems.paragraphs %}{{ line }}{% endfor %}"],
                    tmp_path / "my.docx")
    assert lint_template(tpl) == []
    fmt, data = demo()
    out = word.render_report(data, fmt, tmp_path / "a.docx", template=tpl).path
    texts = [t for _, t in paragraphs(out)]
    assert texts[:2] == ["枣庄市峄城区科学技术局2020年政府信息公开工作年度报告", "新收0件"]
    data21 = {**distinct(V2021), "fee.count": 4}
    out = word.render_report(data21, V2021, tmp_path / "b.docx", template=tpl).path
    assert "4" in [t for _, t in paragraphs(out)]


@pytest.mark.parametrize("content", [b"not a word file", b"PK\x03\x04garbage", b""])
def test_non_docx_template_is_refused(tmp_path, content):
    bad = tmp_path / "bad.docx"
    bad.write_bytes(content)
    with pytest.raises(InputError) as exc:
        lint_template(bad)
    assert "不是有效的 Word 文档" in exc.value.message
    fmt, data = demo()
    with pytest.raises(InputError):
        word.render_report(data, fmt, tmp_path / "out.docx", template=bad)


def test_template_syntax_error_is_a_chinese_one_liner(tmp_path):
    tpl = make_docx(["{{ t3.new.total ", "{% if fmt %}没有结束"], tmp_path / "broken.docx")
    with pytest.raises(InputError) as exc:
        lint_template(tpl)
    assert "语法错误" in exc.value.message and "\n" not in exc.value.message


def test_template_cannot_reach_python_internals(tmp_path):
    tpl = make_docx(["{{ title.__class__.__mro__ }}"], tmp_path / "evil.docx")
    fmt, data = demo()
    with pytest.raises(InputError):
        word.render_report(data, fmt, tmp_path / "out.docx", template=tpl)
    assert not (tmp_path / "out.docx").exists()


def test_missing_template(tmp_path):
    fmt, data = demo()
    with pytest.raises(InputError):
        word.render_report(data, fmt, tmp_path / "out.docx", template=tmp_path / "nope.docx")


# --- files ------------------------------------------------------------------


def test_no_overwrite_without_force(tmp_path):
    fmt, data = demo()
    out = tmp_path / "r.docx"
    out.write_bytes(b"keep me")
    with pytest.raises(OutputError):
        word.render_report(data, fmt, out)
    assert out.read_bytes() == b"keep me"
    word.render_report(data, fmt, out, force=True)
    Document(str(out))


def test_output_must_be_docx(tmp_path):
    fmt, data = demo()
    with pytest.raises(OutputError):
        word.render_report(data, fmt, tmp_path / "r.doc")


def test_failure_leaves_no_files(tmp_path, monkeypatch):
    import errno

    import docxtpl

    def broken_save(self, filename, *a, **kw):
        Path(filename).write_bytes(b"half")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(docxtpl.DocxTemplate, "save", broken_save)
    fmt, data = demo()
    with pytest.raises(OutputError) as exc:
        word.render_report(data, fmt, tmp_path / "r.docx")
    assert "磁盘已满" in exc.value.message and "原文件未改动" in exc.value.message
    assert "No space" not in exc.value.message  # the reason in Chinese, never the system's English
    assert list(tmp_path.iterdir()) == []


def write_demo_json(tmp_path: Path) -> Path:
    from xlreport.cli.demo import demo_document

    path = tmp_path / "demo.json"
    path.write_text(json.dumps(demo_document(), ensure_ascii=False), encoding="utf-8")
    return path


def test_render_file_writes_and_reports(tmp_path, capsys):
    src = write_demo_json(tmp_path)
    assert render_file(src, tmp_path / "out.docx") == 0
    out = capsys.readouterr().out
    assert "已生成 Word 报告" in out and str(tmp_path / "out.docx") in out
    Document(str(tmp_path / "out.docx"))
    if os.name == "posix":  # readable like any saved file, not 0600 from mkstemp
        mask = os.umask(0)
        os.umask(mask)
        assert (tmp_path / "out.docx").stat().st_mode & 0o777 == 0o666 & ~mask
    assert render_file(src, tmp_path / "out.docx", force=True) == 0
    with pytest.raises(OutputError):
        render_file(src, tmp_path / "out.docx")


def test_render_file_refuses_data_with_errors(tmp_path, capsys):
    src = write_demo_json(tmp_path)
    doc = json.loads(src.read_text("utf-8"))
    doc["values"]["t3.new.natural_person"] = 5  # breaks t3-balance and t3-row-sum
    src.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert render_file(src, tmp_path / "out.docx") == 1
    out = capsys.readouterr().out
    assert "[错误]" in out and "未生成报告" in out
    assert not (tmp_path / "out.docx").exists()
    assert render_file(src, tmp_path / "out.docx", ignore_errors=True) == 1  # rendered, still exit 1
    out = capsys.readouterr().out
    assert "[错误]" in out and "已生成 Word 报告" in out and "有错误" in out
    assert (tmp_path / "out.docx").exists()


def test_render_file_force_only_overwrites(tmp_path, capsys):
    """--force allows overwriting, never rendering a report with errors (issue 10.5)."""
    src = write_demo_json(tmp_path)
    doc = json.loads(src.read_text("utf-8"))
    doc["values"]["t3.new.natural_person"] = 5
    src.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out.docx"
    out.write_bytes(b"last good report")
    assert render_file(src, out, force=True) == 1
    assert out.read_bytes() == b"last good report"
    assert "未生成报告" in capsys.readouterr().out
    with pytest.raises(OutputError):  # --ignore-errors does not overwrite either
        render_file(src, out, ignore_errors=True)
    assert out.read_bytes() == b"last good report"
    assert render_file(src, out, force=True, ignore_errors=True) == 1
    Document(str(out))


def test_render_file_real_report_with_published_errors(tmp_path):
    paths = {p.stem: p for p in need_fixtures()}
    assert render_file(paths["2023_hongze_qzf"], tmp_path / "h.docx") == 1
    assert not (tmp_path / "h.docx").exists()
    assert render_file(with_texts(paths["2024_suqian_city"], tmp_path / "2024.json"), tmp_path / "s.docx",
                            previous=paths["2023_suqian_city"]) == 0


def test_render_file_pdf_target_checked_before_writing(tmp_path):
    src = write_demo_json(tmp_path)
    (tmp_path / "out.pdf").write_bytes(b"old")
    with pytest.raises(OutputError):
        render_file(src, tmp_path / "out.docx", pdf=True)
    assert not (tmp_path / "out.docx").exists()
    assert (tmp_path / "out.pdf").read_bytes() == b"old"


def test_render_file_without_libreoffice(tmp_path, monkeypatch):
    import xlreport.io.office

    monkeypatch.setattr(xlreport.io.office, "find_soffice", lambda: None)
    src = write_demo_json(tmp_path)
    with pytest.raises(XlreportError) as exc:
        render_file(src, tmp_path / "out.docx", pdf=True)
    assert "LibreOffice" in exc.value.message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.json"]  # nothing written


def test_failed_pdf_conversion_leaves_no_half_pdf(tmp_path, monkeypatch):
    import xlreport.io.office

    def broken_convert(source, target_format, outdir, *a, **kw):
        (Path(outdir) / "out.pdf").write_bytes(b"%PDF-half")
        raise XlreportError("LibreOffice 转换“out.docx”失败：崩溃")

    monkeypatch.setattr(xlreport.io.office, "find_soffice", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(xlreport.io.office, "convert", broken_convert)
    src = write_demo_json(tmp_path)
    with pytest.raises(XlreportError):
        render_file(src, tmp_path / "out.docx", pdf=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.json", "out.docx"]


