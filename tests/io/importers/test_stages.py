"""Each stage of the importer's pipeline on its own (issue 17 item 9): labels, cell values, columns,
tables, cover, sections, fees."""

from __future__ import annotations

from xlreport.io.importers.columns import Columns
from xlreport.io.importers.cover import _contact
from xlreport.io.importers.document import Cell, Paragraph, Table
from xlreport.io.importers.labels import parse_label, similarity
from xlreport.io.importers.sections import _heading_label, _same_topic
from xlreport.io.importers.table3 import t3_official
from xlreport.io.importers.table4 import t4_official
from xlreport.io.importers.tables import Imported, _classify, tag
from xlreport.io.importers.values import parse_value
from xlreport.model.formats import V2021


def text_table(rows: list[list[str]]) -> Table:
    cells = tuple(Cell(text, r, c) for r, row in enumerate(rows) for c, text in enumerate(row))
    return Table(1, cells, len(rows), max(len(r) for r in rows))


def test_labels_split_the_numbering_and_compare_the_words():
    label = parse_label("（三）不予公开")
    assert (label.kind, label.number, label.words) == ("paren", 3, "不予公开")
    assert similarity(parse_label("2.其他法律行政止公开"), parse_label("2.其他法律行政法规禁止公开")) >= 0.6


def test_cell_values_drop_units_of_counts_and_keep_blank_blank():
    assert (parse_value("2笔").value, parse_value("2笔").unit) == (2, "笔")
    assert parse_value("").status == "blank" and parse_value("—").status == "empty-mark"


def test_columns_follow_the_header_line_that_names_them_all():
    header = text_table([["", "自然人", "法人或其他组织", "总计", "备注"],
                         ["", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""]])
    cols = Columns.from_header(header.grid(), t3_official(V2021), aligned=False)
    assert cols is not None and cols.sequence == [0, 1, 2, 3, 4, 5, 6, None]  # 备注 is an extra column
    row = text_table([["一、本年新收", "1", "2", "3", "4", "5", "6", "21", "含结转"]]).grid()[0]
    placed = cols.place(row, lambda c: c.text.startswith("一"))
    assert placed.values is not None and placed.values["total"].text == "21"
    assert any("含结转" in n for n in placed.notes)


def test_table_four_has_fifteen_columns_and_five_per_group():
    assert len(t4_official(V2021).keys) == 15
    assert t4_official(V2021, "review").keys == tuple(f"t4.review.{c}" for c in
                                                      ("upheld", "corrected", "other", "pending", "total"))


def test_tables_recognise_table_four_printed_with_blanks():
    table = text_table([["行政复议", "行政诉讼"], ["5", "", "", "2", "7", "8", "", "", "1", "9", "", "", "", "", ""]])
    assert _classify(table) == "t4"


def test_the_stage_of_each_note_is_kept():
    out = Imported(V2021)
    out.notes.append("a")
    tag(out, "封面和机关名称")
    out.notes += ["b", "c"]
    tag(out, "表三")
    assert out.stages == ["封面和机关名称", "表三", "表三"]


def test_cover_reads_the_contact_sentence():
    out = Imported(V2021)
    out.data["meta.agency"] = "某市某局"
    _contact([Paragraph("如对本报告有疑问，请与某市某局办公室联系（地址：某路1号，邮编：350000，电话：0591-1234567）。")], out)
    assert (out.data["meta.office"], out.data["meta.postcode"]) == ("办公室", "350000")


def test_cover_reads_contact_details_written_after_the_sentence():
    # 「如对本报告有任何疑问、意见，请与…联系。通讯地址：…；邮编：…；电话：…。」 (a common layout)
    out = Imported(V2021)
    out.data["meta.agency"] = "某区某局"
    _contact([Paragraph("本报告的电子版可在网站下载。如对本报告有任何疑问、意见，请与某区某局办公室联系。"
                        "通讯地址：某路7号14层；邮编：350400；电话：0591-1234567。")], out)
    assert [out.data.get(f"meta.{k}") for k in ("office", "address", "postcode", "phone")] == [
        "办公室", "某路7号14层", "350400", "0591-1234567"]


def test_sections_take_a_sub_heading_of_one_by_number_and_a_shared_word():
    subs = [(t, _heading_label(t.label)) for t in V2021.texts if t.parent == "text.overview"]
    assert _same_topic(_heading_label("（五）及时回应关切，自觉接受监督"), subs)
    assert not _same_topic(_heading_label("（二）规范管理，完善公开机制"), subs)  # 依申请公开 shares no word
