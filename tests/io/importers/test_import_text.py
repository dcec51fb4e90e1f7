"""`xlreport import` of published reports given as text, and the matcher on the real reports.

The real reports are in ../shared/fixtures/reports (skipped where that folder is absent;
CI forbids skips): each `.txt` transcription must import to its `.json` — every table
value equal, blanks blank, the cover equal.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FIXTURES

from xlreport.cli.main import main
from xlreport.io.importers.match import import_report, match_document, parse_value
from xlreport.io.importers.text import parse_text

TXT = sorted(FIXTURES.glob("*.txt")) if FIXTURES.is_dir() else []


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def table_values(data: dict) -> dict:
    return {k: v for k, v in data.items() if k.startswith(("t2.", "t3.", "t4."))}


def test_the_fixtures_are_there(fixtures_dir):
    assert len(list(fixtures_dir.glob("*.txt"))) >= 5


@pytest.mark.parametrize("txt", TXT, ids=[p.stem for p in TXT])
def test_each_transcription_imports_to_its_data_file(txt):
    expected = json.loads(txt.with_suffix(".json").read_text(encoding="utf-8"))
    report = import_report(txt)
    assert report.fmt.version == expected["format"]
    got = table_values(report.data)
    assert got == expected["values"]  # every value equal (and blanks blank), nothing extra
    for name, value in expected["meta"].items():
        if name == "agency":  # the name as the title prints it: 「宿迁市」, never with an added 人民政府 (issue 17.3)
            assert value.startswith(report.data["meta.agency"]), name
            continue
        assert report.data[f"meta.{name}"] == value, name
    assert any("按机关名称推断" in n for n in report.notes)  # agency kind is marked as inferred
    for key in got:  # every value knows where it was printed
        assert report.cells[key].startswith(key.split(".")[0].replace("t2", "表二").replace("t3", "表三")
                                            .replace("t4", "表四"))


@pytest.mark.parametrize("txt", TXT, ids=[p.stem for p in TXT])
def test_each_transcription_gives_the_six_sections(txt):
    report = import_report(txt)
    for key in ("text.overview.proactive", "text.overview.on_request", "text.overview.management",
                "text.overview.platform", "text.overview.supervision", "text.problems", "text.other"):
        assert report.data.get(key), key
    assert "信息处理费" in report.data["text.other"]
    assert not any(line.startswith("SOURCE") for line in report.data["text.overview"].splitlines())


def test_check_on_hongze_2023_finds_its_two_wrong_table_4_totals(fixtures_dir, capsys):
    code, out, err = run(capsys, "check", fixtures_dir / "2023_hongze_qzf.txt", "--json")
    (result,) = json.loads(out)
    assert code == 1
    sums = [p for p in result["problems"] if p["rule"] == "t4-sum"]
    assert sorted(p["keys"][-1] for p in sums) == ["t4.review.total", "t4.suit_after_review.total"]
    by_key = {p["keys"][-1]: p for p in sums}
    assert "表四 行政复议 总计" in " ".join(by_key["t4.review.total"]["cells"])
    assert "表四 行政诉讼 复议后起诉 总计" in " ".join(by_key["t4.suit_after_review.total"]["cells"])
    # the only other error: the V2019 single row （六）其他处理 in a 2023 (V2021) table
    others = [p for p in result["problems"] if p["severity"] == "error" and p["rule"] != "t4-sum"]
    assert [p["rule"] for p in others] == ["format-version"]
    assert "（六）其他处理" in others[0]["message"] and "2019" in others[0]["message"]
    assert result["notes"]


def test_check_on_suqian_2024_flags_the_prose_that_contradicts_table_4(fixtures_dir, capsys):
    code, out, _ = run(capsys, "check", fixtures_dir / "2024_suqian_city.txt", "--json")
    (result,) = json.loads(out)
    figures = [p for p in result["problems"] if p["rule"] == "text-figures"]
    assert code == 0 and {p["actual"] for p in figures} == {134, 57}  # common-errors.md E8
    assert all(any(c.startswith("正文") for c in p["cells"]) for p in figures)


def test_import_writes_the_data_file_and_explains(fixtures_dir, tmp_path, capsys):
    out = tmp_path / "hz.json"
    code, _, err = run(capsys, "import", fixtures_dir / "2024_hongze_qzf.txt", "-o", out, "--explain")
    assert code == 0 and out.exists()
    doc = json.loads(out.read_text(encoding="utf-8"))
    expected = json.loads((fixtures_dir / "2024_hongze_qzf.json").read_text(encoding="utf-8"))
    assert {k: v for k, v in doc["values"].items() if k.startswith(("t2", "t3", "t4"))} == expected["values"]
    assert "说明：表三 “2.其他法律行政止公开”按官方的“2.其他法律行政法规禁止公开”读入" in err
    assert "注意：" in err and "format-version" not in err  # the problem in words
    before = out.read_bytes()
    code, _, err = run(capsys, "import", fixtures_dir / "2023_hongze_qzf.txt", "-o", out)
    assert code == 2 and "已存在" in err and err.count("\n") == 1 and out.read_bytes() == before
    code, _, _ = run(capsys, "import", fixtures_dir / "2023_hongze_qzf.txt", "-o", out, "--force")
    assert code == 0 and json.loads(out.read_text(encoding="utf-8"))["meta"]["year"] == 2023


def test_import_many_needs_an_output_folder(fixtures_dir, tmp_path, capsys):
    files = [fixtures_dir / "2023_suqian_city.txt", fixtures_dir / "2024_suqian_city.txt"]
    code, _, err = run(capsys, "import", *files)
    assert code == 2 and "--out-dir" in err
    code, _, err = run(capsys, "import", *files, "--out-dir", tmp_path)
    assert code == 0 and sorted(p.name for p in tmp_path.iterdir()) == ["2023_suqian_city.json", "2024_suqian_city.json"]


def test_every_reading_command_accepts_a_published_report(fixtures_dir, tmp_path, capsys):
    last = fixtures_dir / "2023_suqian_city.txt"
    code, out, _ = run(capsys, "export", last)
    assert code == 0 and json.loads(out)["values"]["t3.carried_forward.total"] == 121
    code, out, _ = run(capsys, "check", fixtures_dir / "2024_suqian_city.txt", "--previous", last, "--json")
    assert code == 0 and not [p for p in json.loads(out)[0]["problems"] if p["rule"] == "t3-carry-continuity"]
    code, _, err = run(capsys, "new", "--year", "2025", "--previous", fixtures_dir / "2024_suqian_city.txt",
                       "-o", tmp_path / "2025.xlsx")
    assert code == 0, err
    from xlreport.io.readers import load_report

    book = load_report(tmp_path / "2025.xlsx")
    assert book.data["t3.carried_over.natural_person"] == 118 and book.data["previous.t2.normative_docs.in_force"] == 420


def test_damaged_and_foreign_text_files_exit_2_with_one_chinese_line(tmp_path, capsys):
    cases = {"empty.txt": b"", "binary.txt": b"\x00\x01PK" * 100, "notes.md": "会议纪要\n下周再议".encode(),
             "gbk-garbage.txt": b"\xff\xfe\xfd" * 10}
    for name, content in cases.items():
        (tmp_path / name).write_bytes(content)
        for command in ("check", "import", "export"):
            code, out, err = run(capsys, command, tmp_path / name)
            assert code == 2 and out == "", (name, command)
            assert err.startswith("错误：") and err.count("\n") == 1 and "Traceback" not in err, (name, err)


def test_unsupported_extractor_is_a_chinese_error(tmp_path, capsys, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "xlreport.io.importers.pdf", None)  # as if not installed
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4")
    code, _, err = run(capsys, "check", tmp_path / "a.pdf")
    assert code == 2 and err.count("\n") == 1 and ".pdf" in err


# ---------------------------------------------------------------------------
# The pieces


@pytest.mark.parametrize("raw,value,status,note", [
    ("12", 12, "number", ""),
    ("1,234", 1234, "number", ""),
    ("１２３", 123, "number", ""),
    ("−18", -18, "number", ""),
    ("7730.28", 7730.28, "number", ""),
    ("73802895.90元", 73802895.90, "number", "单位“元”"),
    ("22（其中修订16件）", 22, "number", "其中修订16件"),
    ("55(含自然失效29件)", 55, "number", "含自然失效29件"),
    ("", None, "blank", ""),
    ("-", None, "empty-mark", "按空白读入"),
    ("—", None, "empty-mark", "按空白读入"),
    ("/", None, "empty-mark", "按空白读入"),
    ("无", None, "empty-mark", "按空白读入"),
    ("若干", "若干", "text", "不是数字"),
])
def test_cell_values(raw, value, status, note):
    v = parse_value(raw)
    assert (v.value, v.status) == (value, status) and note in v.note


def test_text_tables_markdown_tabs_and_source_line():
    text = ("SOURCE: somewhere\n某县某局2021年政府信息公开工作年度报告\n"
            "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n|---|---|---|---|\n| 规章 | 0 | 0 | 0 |\n"
            "| 规范性文件 | 3 | 1 | 22（其中修订16件） |\n正文\n行政许可\t5\n")
    doc = parse_text(text, "x.txt")
    assert doc.notes == ("来源说明：somewhere",) and doc.title.startswith("某县某局")
    md, tabs = doc.tables
    assert (md.n_rows, md.n_cols) == (3, 4) and [c.text for c in md.cells if c.row == 2] == ["规范性文件", "3", "1",
                                                                                              "22（其中修订16件）"]
    assert [c.text for c in tabs.cells] == ["行政许可", "5"]
    result = match_document(doc)
    assert result.data["meta.agency"] == "某县某局" and result.data["meta.year"] == 2021
    assert result.data["t2.normative_docs.in_force"] == 22 and result.data["t2.licensing.decisions"] == 5
    assert any("其中修订16件" in n for n in result.notes)
    assert result.data["meta.agency_kind"] == "department" and result.data["meta.can_make_rules"] is False


def test_local_variants_and_typos_of_the_labels():
    rows = Path(FIXTURES / "2024_huaian_szf.txt").read_text(encoding="utf-8") if FIXTURES.is_dir() else None
    if rows is None:
        pytest.skip("the shared fixtures are not beside the repository")
    variants = rows.replace("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "(二) 部分公开（区分处理的，只计这一情况）") \
        .replace("5.属于三类内部事务信息", "5.属于三类内容事务信息").replace("行政规范性文件 |", "规范性文件 |") \
        .replace("三、本年度办理结果 |", "三、本 年度办 理结果 |") \
        .replace("\n2.重复申请", "\n（五）不予处理 | 2.重复申请")  # a group label repeated
    result = match_document(parse_text(variants, "v.txt"))
    expected = json.loads((FIXTURES / "2024_huaian_szf.json").read_text(encoding="utf-8"))["values"]
    assert table_values(result.data) == expected
    assert any("三类内容事务信息" in n for n in result.notes)


def test_unknown_rows_and_text_cells_are_explained_not_dropped_silently():
    text = ("某市某局2022年政府信息公开工作年度报告\n"
            "一、本年新收政府信息公开申请数量 | 1 | 0 | 0 | 0 | 0 | 0 | 1\n"
            "二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0\n"
            "三、本年度办理结果 | （一）予以公开 | 1 | 若干 | 0 | 0 | 0 | 0 | 1\n"
            "其中：网上申请 | 1 | 0 | 0 | 0 | 0 | 0 | 1\n")
    result = match_document(parse_text(text, "x.txt"))
    assert result.data["t3.granted.business"] == "若干"  # kept as printed: check says value-not-integer
    assert any("“若干”不是数字" in n for n in result.notes)
    assert any("其中：网上申请" in n and "未" in n for n in result.notes)
    from xlreport.checks import check

    problems = check(result.data, result.fmt, result.cells)
    bad = [p for p in problems if p.rule == "value-not-integer"]
    assert bad and "表三 “（一）予以公开” 商业企业（第1张表第3行）" in bad[0].cells


def test_a_v2019_table_2_in_a_2022_report_is_a_format_version_problem():
    text = ("某区某局2022年政府信息公开工作年度报告\n第二十条第（五）项\n"
            "信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量\n行政许可 | 12 | −2 | 30\n")
    result = match_document(parse_text(text, "x.txt"))
    assert result.fmt.version == "2021"
    assert result.data["t2.licensing.decisions"] == 30  # the same meaning in both versions
    assert "t2.licensing.last_year" not in result.data
    (p,) = [p for p in result.problems if p.rule != "table-incomplete"]  # (the text stops inside 表二)
    assert p.rule == "format-version" and "上一年项目数量" in p.message and "本年增/减" in p.message
    assert any("上一年项目数量（12）是 2019 版格式的项目" in n for n in result.notes)


def test_provenance_names_the_page_for_a_pdf_and_the_table_row_otherwise():
    from xlreport.io.importers.document import Cell, Document, Paragraph, Table

    values = [str(v) for v in (1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0)]
    header = ["行政复议", "行政诉讼"]
    cells = tuple([Cell(t, 0, i * 5, 1, 5 if i == 0 else 10) for i, t in enumerate(header)]
                  + [Cell(v, 1, i) for i, v in enumerate(values)])
    for page, expected in ((3, "第3页 表四 行政复议 总计"), (None, "表四 行政复议 总计（第1张表第2行）")):
        table = Table(1, cells, 2, 15, page=page, row_pages=(page, page) if page else ())
        doc = Document("x", "pdf" if page else "html",
                       (Paragraph("某区人民政府2023年政府信息公开工作年度报告"), table))
        result = match_document(doc)
        assert result.cells["t4.review.total"] == expected
        assert result.data["t4.review.upheld"] == 1 and result.data["t4.review.total"] == 0


def _t3_lines(fmt_version: str, values: dict, skip: tuple[str, ...] = ()) -> list[str]:
    from xlreport.model.formats import FORMATS

    fmt = FORMATS[fmt_version]
    lines, seen = [], set()
    for f in fmt.fields:
        if f.key.startswith("t3.") and f.key.endswith(".natural_person"):
            row = f.key[3:-len(".natural_person")]
            if row in skip:
                continue
            labels = [x for x in f.row[:-1] if x not in seen] + [f.row[-1]]
            seen.update(f.row)
            lines.append(" | ".join(labels + [str(values.get(row, 0))] + ["0"] * 5 + [str(values.get(row, 0))]))
    return lines


def test_a_table_split_over_pages_continues_its_groups():
    lines = _t3_lines("2021", {"unable.needs_creation": 4, "denied.prohibited_by_law": 2})
    cut = next(i for i, line in enumerate(lines) if line.startswith("2.没有现成信息"))
    garbled = lines[cut].replace("2.没有现成信息需要另行制作", "2.某某某某某某某某某某")  # only its number is legible
    text = ("某县某局2022年政府信息公开工作年度报告\n" + "\n".join(lines[:cut]) + "\n— 3 —\n" + garbled + "\n"
            + "\n".join(lines[cut + 1:]))
    result = match_document(parse_text(text, "x.txt"))
    assert result.data["t3.unable.needs_creation.natural_person"] == 4  # not （三）2. nor （五）2.
    assert result.data["t3.denied.prohibited_by_law.natural_person"] == 2
    # the page footer between two rows does not split the table (issue 17): still its first table
    assert f"第1张表第{cut + 1}行" in result.cells["t3.unable.needs_creation.total"]


def test_v2021_rows_in_a_2020_report_are_summed_and_reported():
    lines = _t3_lines("2021", {"other_handling.no_correction": 2, "other_handling.other": 3})
    result = match_document(parse_text("某县某局2020年政府信息公开工作年度报告\n" + "\n".join(lines), "x.txt"))
    assert result.fmt.version == "2019" and result.data["t3.other_handling.natural_person"] == 5
    assert [p.rule for p in result.problems] == ["format-version"]
    assert "2021 版格式" in result.problems[0].message


@pytest.mark.parametrize("heading,key", [
    ("四、政府信息公开行政法复议、行政诉讼情况", None),
    ("五、存在的主要问题及整改措施", "text.problems"),
    ("五、存在的主要问题及改进情况", "text.problems"),
    ("六、其他需要报告的事项", "text.other"),
])
def test_section_headings_with_typos_and_variants(heading, key):
    text = f"某县某局2022年政府信息公开工作年度报告\n一、总体情况\n综述。\n{heading}\n本节正文。\n"
    result = match_document(parse_text(text, "x.txt"))
    assert result.data["text.overview"] == "综述。"
    if key:
        assert result.data[key] == "本节正文。"
    else:  # 四 has no text of its own: its prose is not taken into 一
        assert "本节正文" not in " ".join(v for k, v in result.data.items() if k.startswith("text."))


def test_title_with_the_year_first_and_a_local_section_order():
    text = ("2023年度某市某局政府信息公开工作年度报告\n五、存在的主要问题及改进情况\n问题。\n"
            "一、总体情况\n（一）主动公开方面。主动公开了文件。\n（二）依申请公开方面。受理申请。\n")
    result = match_document(parse_text(text, "x.txt"))
    assert (result.data["meta.agency"], result.data["meta.year"]) == ("某市某局", 2023)
    assert result.data["text.problems"] == "问题。"
    assert result.data["text.overview.proactive"] == "主动公开了文件。"
    assert result.data["text.overview.on_request"] == "受理申请。"


def test_an_amount_in_yuan_under_a_wan_yuan_header_is_converted_and_noted():
    text = "某县某局2022年政府信息公开工作年度报告\n第二十条第（八）项\n信息内容 | 本年收费金额（单位：万元）\n行政事业性收费 | 73802895.90元\n"
    result = match_document(parse_text(text, "x.txt"))
    assert result.data["t2.fees.amount"] == 7380.28959  # the column's unit: a figure in 元 there is 10000 times too large
    assert any("写的是“73802895.9元”，表头的单位是“万元”，已换算为 7380.28959万元" in n for n in result.notes)


def test_the_format_version_problem_points_at_the_row_of_the_other_version(fixtures_dir):
    report = import_report(fixtures_dir / "2023_hongze_qzf.txt")
    (p,) = [p for p in report.problems if p.rule != "label-altered"]  # 「2.其他法律行政止公开」: its own warning
    assert p.rule == "format-version" and p.cells == ("表三 “（六）其他处理”（第5张表第24行）",)


def test_a_group_label_on_its_own_line_and_a_wrong_numbered_row():
    lines = _t3_lines("2021", {"other_handling.no_correction": 2, "not_processed.petition": 7})
    at = next(i for i, line in enumerate(lines) if line.startswith("（六）其他处理"))
    lines[at] = lines[at].replace("（六）其他处理 | ", "")
    lines.insert(at, "（六）其他处理 | | | | | | |")  # the merged label extracted as a row of its own
    lines.append("1.本行是当地增加的说明 | 9 | 0 | 0 | 0 | 0 | 0 | 9")  # numbered, but no official row
    result = match_document(parse_text("某县某局2022年政府信息公开工作年度报告\n" + "\n".join(lines), "x.txt"))
    assert result.data["t3.other_handling.no_correction.natural_person"] == 2
    assert result.data["t3.not_processed.petition.natural_person"] == 7
    assert any("当地增加的说明" in n and "未读入" in n for n in result.notes)


# ---------------------------------------------------------------------------
# Review findings (numbered lists, merged numbers, fees from the prose, damaged files, text pages)

NUMBERED_LIST = "主动公开情况如下：\n一、加强政策解读。\n二、做好信息发布。\n三、完善公开平台。"
OVERVIEW = {"text.overview.proactive": ("（一）主动公开", NUMBERED_LIST),
            "text.overview.on_request": ("（二）依申请公开", "受理申请。"),
            "text.overview.management": ("（三）政府信息管理", "管理制度。"),
            "text.overview.platform": ("（四）政府信息公开平台建设", "平台建设。"),
            "text.overview.supervision": ("（五）监督保障", "监督考核。")}


def _report_text(other: str = "其他事项。") -> str:
    lines = ["某县某局2022年政府信息公开工作年度报告", "一、总体情况", "综述。"]
    for heading, body in OVERVIEW.values():
        lines += [heading, body]
    lines += ["二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况",
              "五、存在的主要问题及改进情况", "问题。", "六、其他需要报告的事项", other]
    return "\n".join(lines) + "\n"


def test_a_numbered_list_inside_a_section_stays_its_text(tmp_path):
    (tmp_path / "r.txt").write_text(_report_text(), encoding="utf-8")
    report = import_report(tmp_path / "r.txt")
    assert {k: report.data.get(k) for k in OVERVIEW} == {k: body for k, (_, body) in OVERVIEW.items()}
    assert report.data["text.problems"] == "问题。" and report.data["text.other"] == "其他事项。"
    assert not any("按官方的“二、主动公开政府信息情况”" in n for n in report.notes)
    # a numbered line that could be taken for the next section's heading is noted as text, not silently
    assert any("二、做好信息发布" in n and "正文" in n for n in report.notes)


def test_a_doubtful_section_heading_in_its_place_is_read_with_a_note():
    text = _report_text().replace("五、存在的主要问题及改进情况", "五、存在的主要问题及下一步工作") \
        .replace("三、收到和处理政府信息公开申请情况", "三、依申请公开情况") \
        .replace("平台建设。", "平台建设。\n五、存在的不足及改进方向")  # as loose, but not the next section
    result = match_document(parse_text(text, "x.txt"))
    assert result.data["text.problems"] == "问题。"
    assert any("五、存在的主要问题及下一步工作" in n and "按官方的" in n for n in result.notes)
    assert "依申请公开情况" not in result.data["text.overview.supervision"]
    assert result.data["text.overview.platform"] == "平台建设。\n五、存在的不足及改进方向"
    assert any("五、存在的不足及改进方向" in n and "（四）政府信息公开平台建设" in n for n in result.notes)


@pytest.mark.parametrize("raw", ["1 2", "1\n2", "3 940", "12 0"])
def test_two_numbers_in_one_cell_are_kept_as_printed(raw):
    v = parse_value(raw)
    assert (v.value, v.status) == (raw.strip(), "text") and "两个数" in v.note


@pytest.mark.parametrize("raw", ["1,234", "1，234", "1, 234"])
def test_thousands_separators_stay_numbers(raw):
    assert parse_value(raw).value == 1234


def test_a_merged_cell_of_two_numbers_is_noted_and_checked():
    text = "某县某局2022年政府信息公开工作年度报告\n第二十条第（一）项\n信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数\n规章 | 1 2 | 0 | 5\n"
    result = match_document(parse_text(text, "x.txt"))
    assert result.data["t2.rules.issued"] == "1 2"
    assert any("1 2" in n and "两个数" in n for n in result.notes)


def test_check_reports_a_merged_cell_of_two_numbers(tmp_path, capsys):
    text = "某县某局2022年政府信息公开工作年度报告\n第二十条第（一）项\n信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数\n规章 | 1 2 | 0 | 5\n"
    (tmp_path / "r.txt").write_text(text, encoding="utf-8")
    (result,) = json.loads(run(capsys, "check", tmp_path / "r.txt", "--json")[1])
    assert any(p["rule"] == "value-not-integer" and p["keys"] == ["t2.rules.issued"] for p in result["problems"])


@pytest.mark.parametrize("sentence,count,amount", [
    ("本年度共收取信息处理费0元。", 0, 0),
    ("全年未收取任何信息处理费。", 0, 0),
    ("全年共受理申请120件，未收取信息处理费。", 0, 0),
    ("2024年，市政府收取信息处理费3940元。", None, 3940),
    ("本年度对12件申请收取信息处理费，合计3600元。", 12, 3600),
    ("2024年有3件政府信息公开申请案件收取信息处理费2230元。其中，甲局1件，收取880元。", 3, 2230),
    ("本年度收取信息处理费1.5万元。", None, 15000),
    ("本年度收取信息处理费2950.5元。", None, 2950.5),
])
def test_fee_figures_are_read_from_the_prose_of_six(sentence, count, amount):
    result = match_document(parse_text(_report_text(sentence), "x.txt"))
    assert (result.data.get("fee.count"), result.data.get("fee.amount_yuan")) == (count, amount)
    assert result.cells["fee.amount_yuan"].endswith("正文 六、其他需要报告的事项")
    assert any("信息处理费" in n and "六、其他需要报告的事项" in n for n in result.notes)
    assert result.data["text.other"] == sentence  # the clerk's words stay


@pytest.mark.parametrize("sentence", [
    "严格执行信息处理费有关规定。",                                   # no figure
    "甲局收取信息处理费880元，乙局收取信息处理费1080元。",             # two figures, no total
    "信息处理费按件计收，收取标准为每件100元。",                       # a rate, not a total
    "本年度未收取信息处理费。此前收取的信息处理费300元已退还。",       # said both ways
    "对3件申请未收取信息处理费。",                                     # of some, not of all
])
def test_fee_figures_are_not_guessed(sentence):
    result = match_document(parse_text(_report_text(sentence), "x.txt"))
    assert "fee.amount_yuan" not in result.data and "fee.count" not in result.data


def test_fee_figures_of_the_real_reports(fixtures_dir):
    expected = {"2024_huaian_szf": (None, 3940), "2023_hongze_qzf": (0, 0), "2024_hongze_qzf": (0, 0),
                "2024_suqian_city": (3, 2230), "2023_suqian_city": (25, 2950)}
    for stem, figures in expected.items():
        report = import_report(fixtures_dir / f"{stem}.txt")
        assert (report.data.get("fee.count"), report.data.get("fee.amount_yuan")) == figures, stem


@pytest.mark.parametrize("name,content,kind", [
    ("empty.pdf", b"x", "PDF"), ("notes.docx", "会议纪要\n下周再议".encode(), "Word"),
])
def test_a_file_named_as_a_supported_kind_with_other_content_is_damaged(tmp_path, capsys, name, content, kind):
    from xlreport.errors import InputError
    from xlreport.io.importers import extract

    (tmp_path / name).write_bytes(content)
    with pytest.raises(InputError) as info:
        extract(tmp_path / name)
    assert info.value.code == "damaged"
    assert f"“{name}”已损坏或不是 {kind} 文件" in info.value.message and "不是能导入的报告格式" not in info.value.message
    code, out, err = run(capsys, "check", tmp_path / name)
    assert code == 2 and out == "" and "已损坏" in err and err.count("\n") == 1


def test_text_provenance_names_the_page_where_the_document_has_pages():
    from xlreport.io.importers.document import Document, Paragraph

    lines = _report_text().splitlines()
    second = lines.index("五、存在的主要问题及改进情况")  # page 2 starts there
    paragraphs = [Paragraph(line, page=1 if i < second else 2) for i, line in enumerate(lines)]
    result = match_document(Document("x.pdf", "pdf", tuple(paragraphs)))
    assert result.cells["text.overview.on_request"] == "第1页 正文 （二）依申请公开"
    assert result.cells["text.other"] == "第2页 正文 六、其他需要报告的事项"
    plain = match_document(parse_text(_report_text(), "x.txt"))
    assert plain.cells["text.overview.on_request"] == "正文 （二）依申请公开"


def test_a_cut_pdf_and_a_zip_named_docx_are_damaged(tmp_path):
    import zipfile

    from xlreport.errors import InputError
    from xlreport.io.importers import extract

    (tmp_path / "cut.pdf").write_bytes(b"%PDF-1.4 garbage")
    with zipfile.ZipFile(tmp_path / "z.docx", "w") as z:
        z.writestr("a.txt", "hi")
    for name in ("cut.pdf", "z.docx"):
        with pytest.raises(InputError) as info:
            extract(tmp_path / name)
        assert info.value.code == "damaged", name
