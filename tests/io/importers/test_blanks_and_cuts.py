"""Blank is not zero and not computed (issue 17 item 2), a truncated report (item 5), nothing lost
between commands (item 6): on reports built from the patterns of real pages."""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES
from factories import as_page, consistent_data

from xlreport import api
from xlreport.cli.main import main
from xlreport.io.importers.match import match_document
from xlreport.io.importers.text import parse_text
from xlreport.model.formats import V2021

DATA = consistent_data(V2021, seed=5, distinct=True, with_totals=True)
T3_COLS = [f.col_key for f in V2021.fields if f.table == "t3" and f.row_key == ("new",)]
T3_ROWS = list(dict.fromkeys(f.row_key for f in V2021.fields if f.table == "t3" and f.row))
T4_KEYS = [c.key for c in sorted(V2021.table("t4").value_cells(), key=lambda c: c.col) if c.key]


def t3_key(row_key, col) -> str:
    return "t3." + ".".join(row_key) + "." + col


def report_text(t3_cell=lambda key: str(DATA[key]), t4_lines=None, stop_after_row: int | None = None) -> str:
    lines = ["某市某局2022年政府信息公开工作年度报告", "一、总体情况", "本局认真落实条例。",
             "三、收到和处理政府信息公开申请情况",
             "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） | 申请人情况",
             "| 自然人 | 法人或其他组织 | 总计", "| | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 |"]
    for i, r in enumerate(T3_ROWS):
        labels = list(V2021.field(t3_key(r, "total")).row)
        lines.append(" | ".join(labels + [t3_cell(t3_key(r, c)) for c in T3_COLS]))
        if stop_after_row is not None and i == stop_after_row:
            return "\n".join(lines) + "\n"
    lines += ["四、政府信息公开行政复议、行政诉讼情况"]
    lines += t4_lines if t4_lines is not None else [
        "行政复议 | 行政诉讼", "结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | 复议后起诉",
        "| | | | | " + " | ".join(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2),
        " | ".join(str(DATA[k]) for k in T4_KEYS)]
    lines += ["五、存在的主要问题及改进情况", "公开内容还不够全面，下一步将加强培训。",
              "六、其他需要报告的事项", "本年度未收取信息处理费。"]
    return "\n".join(lines) + "\n"


def problems_of(result) -> list[tuple]:
    return sorted((p.rule, p.keys, p.message, p.cells) for p in result.problems)


# --------------------------------------------------------------------------- item 2


def test_a_blank_total_column_is_reported_and_kept_blank_in_the_data_file(tmp_path, capsys):
    path = tmp_path / "blank_totals.txt"
    path.write_text(report_text(lambda key: "" if key.endswith(".total") else str(DATA[key])), encoding="utf-8")
    result = api.check(path)
    missing = [p for p in result.problems if p.rule == "value-missing"]
    totals = [t3_key(r, "total") for r in T3_ROWS]
    # every blank total, nothing else of table 三 (the report has no table 二: those are missing too)
    assert sorted(k for p in missing for k in p.keys if k.startswith("t3.")) == sorted(totals)
    first = next(p for p in missing if p.keys == ("t3.new.total",))
    assert first.cells == ("表三 “一、本年新收政府信息公开申请数量” 总计（第1张表第4行）",)
    assert not [p for p in result.problems if p.rule == "t3-row-sum"]  # a blank total is not computed
    # import keeps it blank ("": printed blank) instead of writing a computed total
    out = tmp_path / "blank_totals.json"
    assert main(["import", str(path), "-o", str(out)]) == 0
    values = json.loads(out.read_text(encoding="utf-8"))["values"]
    assert all(values[k] == "" for k in totals)
    assert problems_of(api.check(out)) == problems_of(result)  # and check of the data file says the same
    # --explain shows, per table, what was found and printed blank, and the stage of each note
    capsys.readouterr()
    assert main(["import", str(path), "-o", str(out), "--force", "--explain"]) == 0
    err = capsys.readouterr().err
    assert f"表三：读入 {len(T3_ROWS) * 7} 个数值（其中印为空白 {len(T3_ROWS)} 个），没有读到 0 个" in err
    assert "表三 “一、本年新收政府信息公开申请数量” 总计（第1张表第4行）：空白（没有的应填 0）〔表三〕" in err


def test_an_all_blank_row_is_printed_blank_not_missing():
    text = report_text(lambda key: "" if key.startswith("t3.partly_granted.") else str(DATA[key]))
    result = match_document(parse_text(text, "x.txt"))
    keys = [t3_key(("partly_granted",), c) for c in T3_COLS]
    assert all(k in result.cells for k in keys)  # read, as printed: blank
    assert [result.data[k] for k in keys] == [None] * 6 + [""]
    assert any("部分公开" in n and "空白（没有的应填 0）" in n for n in result.notes)
    assert not any("没有在表格中找到" in n for n in result.notes)


def test_table_four_printed_with_blanks_for_zero_is_recognised():
    printed = ["5", "", "", "2", "7", "8", "", "", "1", "9", "", "", "", "", ""]
    lines = ["行政复议 | 行政诉讼", "结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | 复议后起诉",
             "| | | | | " + " | ".join(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2),
             " | ".join(printed)]
    result = match_document(parse_text(report_text(t4_lines=lines), "x.txt"))
    got = [result.data.get(k, "absent") for k in T4_KEYS]
    assert got == [5, None, None, 2, 7, 8, None, None, 1, 9, None, None, None, None, ""]


T4_HEADER = ["行政复议 | 行政诉讼", "结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | 复议后起诉",
             "| | | | | " + " | ".join(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2)]


@pytest.mark.parametrize("mark", ["", "—", "/"], ids=["blank", "dash", "slash"])
def test_table_four_printed_without_a_figure_is_recognised_and_read_blank(tmp_path, mark):
    """表四 with every cell blank (or 「—」): it is 表四, read blank with each cell's place, and every
    cell is reported 「未填写，没有的请填 0」 — not 「没有找到表四」 with cells nobody can find."""
    text = report_text(t4_lines=[*T4_HEADER, " | ".join([mark] * 15)])
    result = match_document(parse_text(text, "x.txt"))
    assert {result.data.get(k, "absent") for k in T4_KEYS} <= {None, ""}  # blank: "" for a total, kept blank
    assert all("第2张表第4行" in result.cells[k] for k in T4_KEYS)
    assert not any("没有找到表四" in n or "未能识别" in n for n in result.notes)
    path = tmp_path / "t4_blank.txt"
    path.write_text(text, encoding="utf-8")
    missing = [p for p in api.check(path).problems if p.rule == "value-missing" and p.keys[0].startswith("t4.")]
    assert sorted(k for p in missing for k in p.keys) == sorted(T4_KEYS)
    assert all(p.cells and "第2张表第4行" in p.cells[0] for p in missing)


def test_table_four_in_three_markdown_tables_under_headings():
    head = "| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |\n|---|---|---|---|---|"
    groups = [("### 行政复议", T4_KEYS[:5]), ("### 行政诉讼（未经复议直接起诉）", T4_KEYS[5:10]),
              ("### 行政诉讼（复议后起诉）", T4_KEYS[10:])]
    lines = []
    for heading, keys in groups:
        lines += [heading, head, "| " + " | ".join(str(DATA[k]) for k in keys) + " |"]
    result = match_document(parse_text(report_text(t4_lines=lines), "x.md"))
    assert {k: result.data.get(k) for k in T4_KEYS} == {k: DATA[k] for k in T4_KEYS}


# --------------------------------------------------------------------------- item 5


def test_a_report_cut_off_inside_table_three_is_one_problem_naming_where_it_stops(tmp_path):
    path = tmp_path / "cut.txt"
    path.write_text(report_text(stop_after_row=13), encoding="utf-8")  # stops after （四）无法提供 2.
    result = api.check(path)
    cut = [p for p in result.problems if p.rule == "table-incomplete"]
    assert len(cut) == 1
    assert "没有现成信息需要另行制作" in cut[0].cells[0] and "第1张表第17行" in cut[0].cells[0]
    assert "报告在表格中中断" in cut[0].message and "表三、表四" in cut[0].message
    # no line per missing cell of 表三 or 表四, nor for 五 and 六 (the report has no table 二: that is missing)
    assert not [p for p in result.problems if p.rule in ("value-missing", "text-missing")
                and any(k.startswith(("t3.", "t4.", "fee.", "text.problems", "text.other")) for k in p.keys)]


def test_a_table_three_without_its_total_row_is_reported_not_computed_silently(tmp_path):
    """The （七）总计 row left out of the published table: the checker computes the totals from their
    parts (so every sum agrees), but the report lacks a row of the official table: one problem."""
    text = report_text()
    total_row = next(line for line in text.splitlines() if "| （七）总计 |" in line)
    path = tmp_path / "no_total_row.txt"
    path.write_text(text.replace(total_row + "\n", ""), encoding="utf-8")
    result = api.check(path)
    [p] = [p for p in result.problems if p.rule == "table-incomplete"]
    assert p.severity == "error" and p.cells == ("表三",)
    assert set(p.keys) == {t3_key(("total",), c) for c in T3_COLS}
    assert "表三缺少合计格" in p.message and "“（七）总计” 自然人" in p.message and "等 7 格" in p.message
    # nothing else in 表三 is wrong: the totals are computed from their parts (this report has no 表二)
    assert [q.rule for q in result.problems if q.severity == "error" and not q.keys[0].startswith("t2.")] == [
        "table-incomplete"]
    out = tmp_path / "no_total_row.json"  # and the data file says the same
    assert main(["import", str(path), "-o", str(out)]) == 0
    assert problems_of(api.check(out)) == problems_of(result)


@pytest.mark.parametrize("label", ["七、总计", "7.总计", "7、总计", "合计", "共计", "（7）合计"])
def test_a_total_row_numbered_or_worded_otherwise_is_read_as_the_total(tmp_path, label):
    """The words of a total name table 三's （七）总计 whatever its numbering (「七、总计」, 「7.总计」) or
    word (「合计」): its figures are read, with a note, and checked (a wrong one is a sum error)."""
    key = "t3.total.natural_person"
    text = report_text(t3_cell=lambda k: str(DATA[k] + (1 if k == key else 0))).replace("| （七）总计 |", f"| {label} |")
    path = tmp_path / "total_label.txt"
    path.write_text(text, encoding="utf-8")
    imported = match_document(parse_text(text, path.name))
    assert imported.data[key] == DATA[key] + 1
    assert any(f"“{label}”按官方的“（七）总计”读入" in n for n in imported.notes)
    result = api.check(path)
    assert [p.rule for p in result.problems if p.rule == "table-incomplete"] == []
    assert any(p.rule == "t3-results-sum" and key in p.keys for p in result.problems)
    [altered] = [p for p in result.problems if p.rule == "label-altered"]  # RV.3: said, as a warning
    assert altered.severity == "warning" and key in altered.keys
    assert f"行名“{label}”与官方格式的“（七）总计”不一致" in altered.message and "第1张表第27行" in altered.cells[0]


def test_a_mistyped_row_label_is_read_and_said(fixtures_dir):
    """洪泽's 「2.其他法律行政止公开」 (format RV.3, common error E7): the row is read as 「2.其他法律行政法规禁止
    公开」 and one label-altered warning names it at its place; 「（二）部分公开」 without its annotation in
    brackets, or the official label in other spaces and punctuation, is not such a case."""
    result = api.check(fixtures_dir / "2024_hongze_qzf.txt")
    [p] = [p for p in result.problems if p.rule == "label-altered"]
    assert "行名“2.其他法律行政止公开”与官方格式的“2.其他法律行政法规禁止公开”不一致" in p.message
    assert p.keys[0].startswith("t3.denied.prohibited_by_law.") and "第5张表第9行" in p.cells[0]
    clean = report_text().replace("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "（二） 部分公开")
    assert not [p for p in match_document(parse_text(clean, "x.txt")).problems if p.rule == "label-altered"]


@pytest.mark.parametrize("suffix", [".txt", ".html"])
def test_an_official_label_wrapped_over_two_rows_is_not_altered(tmp_path, suffix):
    """「4.无正当理由大量」 with figures and 「反复申请」 on the row below without any (a wrapped row of
    a web page or a Word table) is the official label: no label-altered warning, the figures read;
    the file and its data file give the same problems."""
    row = next(r for r in T3_ROWS if V2021.field(t3_key(r, "total")).row[-1] == "4.无正当理由大量反复申请")
    lines = report_text().splitlines()
    at = next(i for i, line in enumerate(lines) if "4.无正当理由大量反复申请" in line)
    lines[at] = lines[at].replace("4.无正当理由大量反复申请", "4.无正当理由大量")
    lines.insert(at + 1, " | ".join(["", "反复申请"] + [""] * len(T3_COLS)))
    text = "\n".join(lines) + "\n"
    path = tmp_path / f"wrapped{suffix}"
    path.write_text(text if suffix == ".txt" else as_page(text), encoding="utf-8")
    result = api.check(path)
    assert not [p for p in result.problems if p.rule == "label-altered"], result.problems
    assert api.load(path).data[t3_key(row, "total")] == DATA[t3_key(row, "total")]
    out = tmp_path / "wrapped.json"
    assert main(["import", str(path), "-o", str(out)]) == 0
    assert problems_of(api.check(out)) == problems_of(result)


@pytest.mark.parametrize("suffix", [".txt", ".html"])
def test_a_label_wrapped_with_its_figures_on_the_second_line_is_one_row(tmp_path, suffix):
    """「4.无正当理由大量」 printed blank and 「反复申请 | 109 | …」 below it (a PDF converter puts the
    figures beside the label's last line): one row, its figures read, no label-altered warning and no
    「又印了一次」 error; the file and its data file give the same problems."""
    row = next(r for r in T3_ROWS if V2021.field(t3_key(r, "total")).row[-1] == "4.无正当理由大量反复申请")
    lines = report_text().splitlines()
    at = next(i for i, line in enumerate(lines) if "4.无正当理由大量反复申请" in line)
    labels, figures = lines[at].split(" | ")[:3], lines[at].split(" | ")[3:]
    lines[at:at + 1] = [" | ".join(labels[:2] + ["4.无正当理由大量"] + [""] * len(figures)),
                        " | ".join(["反复申请", *figures])]
    text = "\n".join(lines) + "\n"
    path = tmp_path / f"wrapped_below{suffix}"
    path.write_text(text if suffix == ".txt" else as_page(text), encoding="utf-8")
    result = api.check(path)
    assert not [p for p in result.problems if p.rule in ("label-altered", "table-incomplete")], result.problems
    read = api.load(path).data
    assert [read[t3_key(row, c)] for c in T3_COLS] == [DATA[t3_key(row, c)] for c in T3_COLS]
    out = tmp_path / "wrapped_below.json"
    assert main(["import", str(path), "-o", str(out)]) == 0
    assert problems_of(api.check(out)) == problems_of(result)


def test_a_total_row_under_a_label_not_read_is_named_in_the_problem(tmp_path):
    """「汇总」 for （七）总计: the row is not read (a note says so), its figures are not checked, and the
    problem says which printed row was not taken instead of claiming the row is absent."""
    text = report_text().replace("| （七）总计 |", "| 汇总 |")
    path = tmp_path / "sum_label.txt"
    path.write_text(text, encoding="utf-8")
    [p] = [p for p in api.check(path).problems if p.rule == "table-incomplete"]
    assert "第1张表第27行“三、本年度办理结果”不是官方的行或列，未读入" in p.message  # the row as the importer saw it
    assert "没有这一行或这一列" not in p.message


def _without_line(text: str, words: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if words not in line)


H5 = "结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计"


@pytest.mark.parametrize("text,unread", [
    (_without_line(report_text(), "5.要求行政机关确认"), "t3.not_processed.reconfirm."),
    (_without_line(report_text(), "四、结转下年度继续办理"), "t3.carried_forward."),
    # 表四 printed as its parts, only that of 行政复议 (the two 行政诉讼 parts not read)
    (report_text(t4_lines=["行政复议", H5, " | ".join(str(DATA[k]) for k in T4_KEYS[:5])]), "t4.suit_"),
], ids=["t3-row", "t3-row-four", "t4-one-part"])
def test_a_total_whose_parts_were_not_read_either_is_no_missing_total(tmp_path, text, unread):
    """A row (or a group of 表四) not read at all: its values are value-missing; its total is not
    「缺少合计格 … 已按各分项之和计算」 as well, for there is nothing to compute it from."""
    path = tmp_path / "unread_row.txt"
    path.write_text(text, encoding="utf-8")
    result = api.check(path)
    missing = {k for p in result.problems if p.rule == "value-missing" for k in p.keys}
    assert any(k.startswith(unread) for k in missing)  # the row (the group) is reported
    assert [p.message for p in result.problems if p.rule == "table-incomplete"] == []


def test_a_cell_not_found_is_said_not_found_and_a_blank_one_blank(tmp_path, capsys):
    """A published report's row left out: its cells are value-missing 「报告中没有找到这一格」 (nobody
    left them blank that the reader saw); a row printed blank: 「未填写，没有的请填 0」 at its place.
    The console's line for a table of them says the same."""
    left_out = tmp_path / "left_out.txt"
    left_out.write_text(_without_line(report_text(), "5.要求行政机关确认"), encoding="utf-8")
    missing = [p for p in api.check(left_out).problems if p.rule == "value-missing" and
               p.keys[0].startswith("t3.not_processed.reconfirm.")]
    assert len(missing) == 6 and all("报告中没有找到这一格" in p.message and not p.cells for p in missing)  # 总计: computed
    assert main(["check", str(left_out)]) == 1
    assert "表三有 6 个格在报告中没有找到（没有印出或未能读出）" in capsys.readouterr().out
    blank = tmp_path / "blank.txt"
    blank.write_text(report_text(lambda key: "" if key.startswith("t3.partly_granted.") else str(DATA[key])),
                     encoding="utf-8")
    printed = [p for p in api.check(blank).problems if p.rule == "value-missing" and
               p.keys[0].startswith("t3.partly_granted.")]
    assert printed and all("未填写，没有的请填 0" in p.message and p.cells for p in printed)


def test_no_real_report_lacks_a_total():
    """None of the real reports (whole, as published) gets the problem above."""
    files = sorted(FIXTURES.glob("*.txt")) + sorted((FIXTURES.parent / "published").glob("*.txt"))
    assert len(files) >= 9
    told = {f.name: [p.message for p in api.check(f).problems if "缺少合计格" in p.message] for f in files}
    assert told == {f.name: [] for f in files}


# --------------------------------------------------------------------------- item 6


def test_check_of_a_published_file_and_of_its_data_file_give_the_same_problems(tmp_path):
    published = FIXTURES / "2023_hongze_qzf.txt"  # its 表三 has the V2019 row （六）其他处理: format-version
    direct = api.check(published)
    assert any(p.rule == "format-version" for p in direct.problems)
    out = tmp_path / "hz.json"
    assert main(["import", str(published), "-o", str(out)]) == 0
    assert problems_of(api.check(out)) == problems_of(direct)


def test_a_problem_carried_in_the_data_file_goes_when_its_cells_are_filled_in(tmp_path):
    """A row of 表三 with one figure more than the header has columns is not read (table-incomplete,
    not guessed); the data file carries that problem (check of it says what check of the page says).
    Once the user fills that row in the data file, the problem is about the published page, not this
    data: it is left out; changing another cell leaves it."""
    row = " | ".join(V2021.field(t3_key(("granted",), "total")).row)
    text = report_text()
    printed = next(line for line in text.splitlines() if line.startswith(row + " |"))
    page = tmp_path / "extra_cell.txt"
    page.write_text(text.replace(printed, printed + " | 5"), encoding="utf-8")
    out = tmp_path / "extra_cell.json"
    assert main(["import", str(page), "-o", str(out)]) == 0
    assert problems_of(api.check(out)) == problems_of(api.check(page))
    doc = json.loads(out.read_text("utf-8"))
    [carried] = [p for p in doc["source"]["problems"] if p["rule"] == "table-incomplete"]
    assert set(carried["as_read"]) == set(carried["keys"]) and carried["keys"][0].startswith("t3.granted.")
    other = json.loads(out.read_text("utf-8"))
    other["values"]["t2.rules.issued"] = 99  # another cell: the problem stays
    out.write_text(json.dumps(other, ensure_ascii=False), "utf-8")
    assert [p for p in api.check(out).problems if p.rule == "table-incomplete"]
    for key in carried["keys"]:
        doc["values"][key] = DATA[key]
    out.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    assert not [p for p in api.check(out).problems if p.rule == "table-incomplete"]


def test_audit_reports_a_blank_total_column_too(tmp_path):
    path = tmp_path / "blank_totals.txt"
    path.write_text(report_text(lambda key: "" if key.endswith(".total") else str(DATA[key])), encoding="utf-8")
    (record,) = api.audit([path]).result.reports
    missing = {k for p in record.problems if p.rule == "value-missing" for k in p.keys}
    assert {t3_key(r, "total") for r in T3_ROWS} <= missing
    assert not [p for p in record.problems if p.rule == "t3-row-sum"]
