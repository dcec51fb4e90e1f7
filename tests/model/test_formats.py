"""The format declarations against the reference text of both official formats.

The expected labels are parsed out of shared/reference/format.md, not copied
into this file, so a typo in a declaration (or in the reference) shows here.
"""

from __future__ import annotations

import re

import pytest

from xlreport.model.formats import V2019, V2021, format_for_year
from xlreport.model.spec import ReportFormat


def section(text: str, start: str, end: str) -> str:
    i = text.index(start)
    return text[i:text.index(end, i + len(start))]


def md_rows(block: str) -> list[list[str]]:
    rows = []
    for line in block.splitlines():
        if line.startswith("|") and not re.match(r"^\|[-| ]+\|$", line):
            rows.append([c.strip() for c in line.strip().strip("|").split("|")])
    return rows


def t3_leaf_labels(block: str) -> list[str]:
    """Row labels of a table-三 spec table: `| # | label | layout |`, leaf of a ' / ' path."""
    out = []
    for cells in md_rows(block):
        if cells[0].isdigit():
            out.append(cells[1].split(" / ")[-1])
    return out


def declared_t3_leaves(fmt: ReportFormat) -> list[str]:
    t3 = fmt.table("t3")
    by_row: dict[int, str] = {}
    for c in t3.cells:
        if c.role == "label":
            by_row[c.row] = c.text  # the right-most label of a row is its leaf
    return [by_row[r] for r in sorted(by_row)]


@pytest.fixture
def fmt_md(reference_dir) -> str:
    return (reference_dir / "format.md").read_text(encoding="utf-8")


def test_table3_rows_match_reference(fmt_md):
    v2019_rows = t3_leaf_labels(section(fmt_md, "### 2.4 Table 三", "### 2.5"))
    v2021_changes = t3_leaf_labels(section(fmt_md, "### 3.4 Table 三", "### 3.5"))
    assert len(v2019_rows) == 23 and len(v2021_changes) == 5
    assert declared_t3_leaves(V2019) == v2019_rows
    assert declared_t3_leaves(V2021) == v2019_rows[:20] + v2021_changes
    assert len([c for c in V2019.table("t3").value_cells()]) == 23 * 7
    assert len([c for c in V2021.table("t3").value_cells()]) == 25 * 7


def test_table3_curly_quotes_and_note(fmt_md):
    for fmt in (V2019, V2021):
        texts = [c.text for c in fmt.table("t3").cells]
        assert "3.危及\u201c三安全一稳定\u201d" in texts  # full-width curly quotes “ ”
        note = re.search(r"「(（本列数据的勾稽关系为：[^」]+）)」", fmt_md).group(1)
        assert note in texts


def test_table3_headers_and_merges():
    for fmt, results_span in ((V2019, 20), (V2021, 22)):
        t3 = fmt.table("t3")
        spans = {c.text: (c.rowspan, c.colspan) for c in t3.cells if c.role != "value"}
        assert spans["三、本年度办理结果"] == (results_span, 1)
        assert spans["（三）不予公开"] == (8, 1)
        assert spans["（四）无法提供"] == (3, 1)
        assert spans["（五）不予处理"] == (5, 1)
        assert spans["一、本年新收政府信息公开申请数量"] == (1, 3)
        assert spans["（七）总计"] == (1, 2)
        assert spans["申请人情况"] == (1, 7)
        assert spans["法人或其他组织"] == (1, 5)
        assert spans["自然人"] == (2, 1) and spans["总计"] == (2, 1)
        assert spans[t3.cells[0].text] == (3, 3)  # the 勾稽 note in the corner
    assert {c.text: c.rowspan for c in V2021.table("t3").cells}["（六）其他处理"] == 3
    assert {c.text: c.colspan for c in V2019.table("t3").cells}["（六）其他处理"] == 2


def test_grids_are_tiled_exactly():
    """Every grid position is covered by exactly one cell (no gaps, no overlaps)."""
    for fmt in (V2019, V2021):
        for t in fmt.tables:
            seen = {}
            for c in t.cells:
                for r in range(c.row, c.row + c.rowspan):
                    for k in range(c.col, c.col + c.colspan):
                        assert (r, k) not in seen, (fmt.version, t.id, r, k)
                        seen[(r, k)] = c
            assert len(seen) == t.n_rows * t.n_cols, (fmt.version, t.id)


def t2_blocks(block: str) -> list[tuple[str, list[str], list[str]]]:
    """(title, value headers, item labels) of each 第二十条 sub-table in the reference."""
    out = []
    for m in re.finditer(r"\*\*(第二十条第（[一二三四五六七八九]）项)\*\*\n((?:\|.*\n)+)", block):
        rows = md_rows(m.group(2))
        out.append((m.group(1), rows[0][1:], [r[0] for r in rows[1:]]))
    return out


def declared_t2_blocks(fmt: ReportFormat) -> list[tuple[str, list[str], list[str]]]:
    t2 = fmt.table("t2")
    out = []
    for c in sorted(t2.cells, key=lambda c: (c.row, c.col)):
        if c.role == "title":
            out.append((c.text, [], []))
        elif c.role == "header" and c.col > 0:
            out[-1][1].append(c.text)
        elif c.role == "label":
            out[-1][2].append(c.text)
    return out


def test_table2_matches_reference(fmt_md):
    assert declared_t2_blocks(V2019) == t2_blocks(section(fmt_md, "### 2.3 Table 二", "### 2.4"))
    assert declared_t2_blocks(V2021) == t2_blocks(section(fmt_md, "### 3.3 Table 二", "### 3.4"))
    assert len(V2019.table("t2").value_cells()) == 22
    assert len(V2021.table("t2").value_cells()) == 10
    # V2021 （五）（六）（八）: the single value column spans the three of （一）
    spans = [c.colspan for c in V2021.table("t2").value_cells() if c.key.endswith((".decisions", ".amount"))]
    assert spans == [3, 3, 3, 3]


def test_table4_matches_reference(fmt_md):
    rows = md_rows(section(fmt_md, "### 2.5 Table 四", "Merges:"))
    expected_headers = [c for row in rows[:3] for c in row if c]
    for fmt in (V2019, V2021):
        t4 = fmt.table("t4")
        headers = [c.text for c in sorted(t4.cells, key=lambda c: (c.row, c.col)) if c.role == "header"]
        assert headers == expected_headers
        assert len(t4.value_cells()) == 15
        assert [c.colspan for c in t4.cells if c.text in ("行政复议", "行政诉讼")] == [5, 10]


def test_value_types():
    for fmt in (V2019, V2021):
        types = {f.key: f.type for f in fmt.value_fields}
        assert all(types[k] == "int" for k in types if k.startswith(("t3.", "t4.")))
    changes = [k for k, f in ((f.key, f) for f in V2019.fields) if k.endswith(".change")]
    assert len(changes) == 5 and all(V2019.field(k).type == "signed" for k in changes)
    assert V2021.field("t2.fees.amount").type == "decimal" and V2021.field("t2.fees.amount").unit == "万元"
    assert V2019.field("t2.procurement.amount").type == "decimal"
    assert not any(f.type == "signed" for f in V2021.fields)


def test_derived_values():
    for fmt in (V2019, V2021):
        derived = {f.key for f in fmt.value_fields if f.derived}
        n_rows = 23 if fmt is V2019 else 25
        assert {k for k in derived if k.startswith("t3.")} == (
            {f"t3.{r}.total" for r in _row_keys(fmt)} | {k for k in (f.key for f in fmt.fields)
                                                          if k.startswith("t3.total.")})
        assert len([k for k in derived if k.startswith("t3.") and k.endswith(".total")]) == n_rows
        assert {k for k in derived if k.startswith("t4.")} == {
            "t4.review.total", "t4.suit_direct.total", "t4.suit_after_review.total"}
        assert not any(k.startswith("t2.") for k in derived)


def _row_keys(fmt):
    return {c.key.rsplit(".", 1)[0].removeprefix("t3.") for c in fmt.table("t3").value_cells()}


def test_keys_follow_data_model(reference_dir):
    """Every key in data-model.md §2.3–2.5 exists in the version it names."""
    text = (reference_dir / "data-model.md").read_text(encoding="utf-8")
    t3_rows = re.findall(r"^\| `([a-z_.]+)` \| ", section(text, "### 2.4", "### 2.5"), re.M)
    assert len(t3_rows) == 26
    for fmt in (V2019, V2021):
        declared = _row_keys(fmt)
        assert declared <= set(t3_rows)
    assert "other_handling" in _row_keys(V2019) and "other_handling.other" in _row_keys(V2021)
    for key in ("t2.rules.issued", "t2.normative_docs.in_force", "t2.fees.amount"):
        assert V2021.has(key) and not V2019.has(key)
    for key in ("t2.rules.made", "t2.other_services.change", "t2.procurement.amount_unit", "t2.fees.last_year"):
        assert V2019.has(key) and not V2021.has(key)


def test_sections_and_version_switch():
    for fmt in (V2019, V2021):
        assert [s.heading for s in fmt.sections] == [
            "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    assert [t.label for t in V2021.texts][1:6] == [
        "（一）主动公开", "（二）依申请公开", "（三）政府信息管理", "（四）政府信息公开平台建设", "（五）监督保障"]
    assert format_for_year(2019) is V2019 and format_for_year(2020) is V2019
    assert format_for_year(2021) is V2021 and format_for_year(2030) is V2021


@pytest.mark.parametrize("fmt", [V2019, V2021], ids=["2019", "2021"])
def test_fields_carry_their_printed_labels_whole(fmt):
    """place / row / column are the labels of the printed grid, not a second copy:
    every table field's row labels are the label cells of its grid row, and its
    column path the header cells above its column."""
    for table in fmt.tables:
        labels_by_row: dict[int, list[str]] = {}
        for c in table.cells:
            if c.role in ("label", "title"):
                for r in range(c.row, c.row + c.rowspan):
                    labels_by_row.setdefault(r, []).append(c.text)
        for cell in table.value_cells():
            f = fmt.field(cell.key)
            assert f.place == table.name
            above = tuple(h.text for h in sorted(table.cells, key=lambda h: h.row)
                          if h.role == "header" and h.row < table.header_rows
                          and h.col <= cell.col < h.col + h.colspan)
            if table.id == "t2":  # stacked sub-tables: the header row of the cell's own block
                assert f.row[0] in labels_by_row.get(cell.row, []) or f.row[0] in [
                    c.text for c in table.cells if c.role == "title"]
                assert f.row[-1] in labels_by_row[cell.row]
            else:
                assert f.column == above, (cell.key, f.column, above)
                assert tuple(labels_by_row.get(cell.row, [])) == f.row, cell.key
            # the message text names the leaf labels
            assert (f.row[-1] if f.row else f.column[-2]) in f.where or f.column[-1] in f.where


@pytest.mark.parametrize("fmt", [V2019, V2021], ids=["2019", "2021"])
def test_groups_are_derived_from_the_rows(fmt):
    t3_rows = {f.row[1] for f in fmt.fields if f.table == "t3" and len(f.row) > 1}
    assert [g.label for g in fmt.outcomes] == [r for r in (
        "（一）予以公开", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "（三）不予公开",
        "（四）无法提供", "（五）不予处理", "（六）其他处理") if r in t3_rows]
    assert [g.name for g in fmt.outcomes] == ["予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "其他处理"]
    rows = [k.rsplit(".", 1)[0] for g in fmt.outcomes for k in g.keys]  # every result row, once, in order
    assert rows == [k.rsplit(".", 1)[0] for k in fmt.field("t3.total.natural_person").derived_from]
    for g in fmt.review_groups:
        assert fmt.field(f"t4.{g.key}.total").derived_from == g.keys
    assert [label for _, label in fmt.review_parts] == ["结果维持", "结果纠正", "其他结果", "尚未审结"]
    assert fmt.overview_subheadings == ("when-filled" if fmt is V2019 else "always")
