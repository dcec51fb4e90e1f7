"""Smaller commands and options: `xlreport template`, `new --data` of another year."""

from __future__ import annotations

import json
import sys

import pytest

from factories import consistent_data
from xlreport.cli.main import main
from xlreport.io.jsonfile import document
from xlreport.model.formats import V2021
from xlreport.report.docx import default_template
from xlreport.report.lint import lint_template


def test_template_copies_the_built_in_template(tmp_path, capsys):
    out = tmp_path / "我局模板.docx"
    assert main(["template", "-o", str(out)]) == 0
    assert out.read_bytes() == default_template().read_bytes()
    assert lint_template(out) == []
    assert "--template" in capsys.readouterr().out
    out.write_bytes(b"my restyled template")
    assert main(["template", "-o", str(out)]) == 2
    assert out.read_bytes() == b"my restyled template"
    assert main(["template", "-o", str(tmp_path / "t.doc")]) == 2


def test_new_refuses_data_of_another_year(tmp_path, capsys):
    data = consistent_data(V2021, 3)
    data["meta.year"] = 2023
    src = tmp_path / "2023.json"
    src.write_text(json.dumps(document(data, V2021), ensure_ascii=False), encoding="utf-8")
    assert main(["new", "--year", "2024", "--data", str(src), "-o", str(tmp_path / "a.xlsx")]) == 2
    assert "2023 年度" in capsys.readouterr().err and not (tmp_path / "a.xlsx").exists()


def test_template_syntax_error_names_the_paragraph(tmp_path, capsys):
    import docx

    from xlreport.cli.demo import demo_document

    tpl = docx.Document(str(default_template()))
    tpl.add_paragraph("落款之前：{{ t3.new. }}")
    tpl.save(tmp_path / "bad.docx")
    src = tmp_path / "demo.json"
    src.write_text(json.dumps(demo_document(), ensure_ascii=False), encoding="utf-8")
    code = main(["render", str(src), "-o", str(tmp_path / "out.docx"), "--template", str(tmp_path / "bad.docx")])
    err = capsys.readouterr().err
    assert code == 2 and "落款之前" in err and "语法错误" in err
    assert not any(ch.isascii() and ch.isalpha() for ch in err.split("（")[1].split("，出错")[0])  # no English
    assert not (tmp_path / "out.docx").exists()


def test_new_refuses_years_before_the_national_format(tmp_path, capsys):
    assert main(["new", "--year", "2018", "-o", str(tmp_path / "a.xlsx")]) == 2
    assert "2019 年度起" in capsys.readouterr().err and not (tmp_path / "a.xlsx").exists()


def test_new_refuses_text_longer_than_a_cell(tmp_path, capsys):
    data = consistent_data(V2021, 3)
    data["text.problems"] = "长" * 40000
    src = tmp_path / "long.json"
    src.write_text(json.dumps(document(data, V2021), ensure_ascii=False), encoding="utf-8")
    assert main(["new", "--year", "2024", "--data", str(src), "-o", str(tmp_path / "a.xlsx")]) == 2
    assert "40000" in capsys.readouterr().err and not (tmp_path / "a.xlsx").exists()


def test_new_says_where_published_totals_disagree(tmp_path, capsys, fixtures_dir):
    out = tmp_path / "hz.xlsx"
    assert main(["new", "--year", "2023", "--data", str(fixtures_dir / "2023_hongze_qzf.json"), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "表四 行政复议 总计为 0，与各项之和 11 不一致" in err


def test_new_with_non_finite_numbers_writes_them_as_text(tmp_path, capsys):
    doc = document(consistent_data(V2021, 3), V2021)
    src = tmp_path / "nan.json"
    src.write_text(json.dumps(doc, ensure_ascii=False).replace('"t3.new.business": ' + str(doc["values"]["t3.new.business"]),
                                                              '"t3.new.business": NaN'), encoding="utf-8")
    out = tmp_path / "a.xlsx"
    assert main(["new", "--year", "2024", "--data", str(src), "-o", str(out)]) == 0
    capsys.readouterr()
    assert main(["check", str(out), "--json"]) == 1
    problems = json.loads(capsys.readouterr().out)[0]["problems"]
    assert ("value-not-integer", ["t3.new.business"]) in [(p["rule"], p["keys"]) for p in problems]


def test_export_of_a_date_in_a_count_cell(tmp_path, capsys):
    import datetime as dt

    from factories import edited_copy
    from xlreport.model.layout import workbook_layout
    from xlreport.workbook.writer import write_workbook

    book = tmp_path / "a.xlsx"
    write_workbook(book, V2021, consistent_data(V2021, 3))
    cell = workbook_layout(V2021).positions["t3.new.business"].cell
    edited_copy(book, book, lambda wb: wb["表三"].__setitem__(cell, dt.datetime(2024, 3, 1)))
    assert main(["export", str(book)]) == 0
    assert json.loads(capsys.readouterr().out)["values"]["t3.new.business"] == "2024-03-01"


def test_demo_refuses_a_file_as_its_folder(tmp_path, capsys):
    f = tmp_path / "x.json"
    f.write_text("{}", encoding="utf-8")
    assert main(["demo", "-o", str(f)]) == 2
    assert "是一个文件" in capsys.readouterr().err and f.read_text() == "{}"


def test_usage_errors_and_help_are_chinese(capsys):
    import pytest

    for argv, words in ((["check"], "缺少必需的参数"), (["bogus"], "没有“bogus”这个命令"),
                        (["new", "--year", "abc", "-o", "x.xlsx"], "不是整数")):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith("错误：命令用法有误：") and words in err, err
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("用法：") and "选项：" in out and "显示本帮助" in out and "options" not in out


def test_render_force_and_ignore_errors_are_separate(tmp_path, capsys):
    """`render --force` only overwrites; `--ignore-errors` renders despite errors and exits 1."""
    data = consistent_data(V2021, 3)
    data["t3.new.business"] += 1  # breaks t3-balance and t3-row-sum
    src = tmp_path / "bad.json"
    src.write_text(json.dumps(document(data, V2021), ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out.docx"
    out.write_bytes(b"old")
    assert main(["render", str(src), "-o", str(out), "--force"]) == 1
    assert out.read_bytes() == b"old" and "--ignore-errors" in capsys.readouterr().out
    assert main(["render", str(src), "-o", str(out), "--ignore-errors"]) == 2  # exists, no --force
    assert out.read_bytes() == b"old" and "已存在" in capsys.readouterr().err
    assert main(["render", str(src), "-o", str(out), "--ignore-errors", "--force"]) == 1
    printed = capsys.readouterr().out
    assert "[错误]" in printed and "已生成 Word 报告" in printed
    assert out.read_bytes()[:2] == b"PK"
    options = {o: a.help for a in render_parser()._actions for o in a.option_strings}
    assert "有错误" in options["--ignore-errors"] and "有错误" not in options["--force"]


def render_parser():
    from xlreport.cli.main import build_parser

    return build_parser()._subparsers._group_actions[0].choices["render"]


def test_version(capsys):
    import xlreport

    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"xlreport {xlreport.__version__}\n"


def test_new_and_render_warn_of_a_previous_of_another_agency(tmp_path, capsys):
    last = consistent_data(V2021, 7)
    last["meta.year"], last["meta.agency"] = 2023, "某县另一局"
    src = tmp_path / "2023.json"
    src.write_text(json.dumps(document(last, V2021), ensure_ascii=False), encoding="utf-8")
    assert main(["new", "--year", "2024", "--agency", "某县某局", "--previous", str(src),
                 "-o", str(tmp_path / "a.xlsx")]) == 0
    err = capsys.readouterr().err
    assert "注意：" in err and "某县另一局" in err and "某县某局" in err
    this = tmp_path / "2024.json"
    this.write_text(json.dumps(document(consistent_data(V2021, 8), V2021), ensure_ascii=False), encoding="utf-8")
    assert main(["render", str(this), "--previous", str(src), "-o", str(tmp_path / "r.docx")]) == 0
    assert "注意：上年数据“2023.json”是“某县另一局”的报告" in capsys.readouterr().out


def test_new_with_previous_carries_the_cover_over(tmp_path, capsys):
    """Last year's 机关全称, 机关类型 and contact details fill this year's cover where it is blank;
    --agency still decides the name."""
    from xlreport.io.readers import load_report

    last = consistent_data(V2021, 7)
    last.update({"meta.year": 2023, "meta.agency": "某县某局", "meta.agency_kind": "department",
                 "meta.phone": "0517-1234567", "meta.office": "某县某局办公室"})
    src = tmp_path / "2023.json"
    src.write_text(json.dumps(document(last, V2021), ensure_ascii=False), encoding="utf-8")
    assert main(["new", "--year", "2024", "--previous", str(src), "-o", str(tmp_path / "a.xlsx")]) == 0
    data = load_report(tmp_path / "a.xlsx").data
    assert (data["meta.agency"], data["meta.agency_kind"], data["meta.phone"], data["meta.office"]) == (
        "某县某局", "department", "0517-1234567", "某县某局办公室")
    assert main(["new", "--year", "2024", "--agency", "某县另一局", "--previous", str(src), "-o",
                 str(tmp_path / "b.xlsx")]) == 0
    assert load_report(tmp_path / "b.xlsx").data["meta.agency"] == "某县另一局"


@pytest.mark.parametrize("command", ["export", "import"])
def test_without_o_at_a_terminal_it_says_nothing_was_saved(fixtures_dir, capsys, monkeypatch, command):
    """Without -o the data file goes to standard output: in a pipe that is all; at a terminal the
    clerk is told it was not saved and how to save it."""
    source = fixtures_dir / ("2024_suqian_city.json" if command == "export" else "2024_suqian_city.txt")
    assert main([command, str(source)]) == 0
    piped, said = capsys.readouterr()
    assert json.loads(piped)["values"] and "未保存" not in said
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert main([command, str(source)]) == 0
    shown, said = capsys.readouterr()
    assert json.loads(shown)["values"] and "未保存；要保存请加 -o 文件名.json" in said
