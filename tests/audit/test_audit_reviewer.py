"""Issue 17 item 8: the audit as a reviewer uses it — a folder of saved pages and notes, 合计 in one
unit, names with or without their place prefix, a unit's whole series, files whose agency was not
found, the unit's contact details, the wording of the notes."""

from __future__ import annotations

import json

import openpyxl
import pytest

from factories import consistent_data
from xlreport import api
from xlreport.cli.main import main
from xlreport.io.jsonfile import dumps
from xlreport.model.formats import format_for_year


def write(folder, name, agency, year=2024, **changes):
    fmt = format_for_year(year)
    data = consistent_data(fmt, seed=year)
    data["meta.year"] = year
    if agency is None:
        data.pop("meta.agency")
    else:
        data["meta.agency"] = agency
    data.update(changes)
    path = folder / name
    path.write_text(dumps(data, fmt), encoding="utf-8")
    return path


def sheet(path, name, first_row=1):
    """The rows of a list sheet as dicts (header in row 1; the data from `first_row` + 1 on)."""
    ws = openpyxl.load_workbook(path)[name]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    return [dict(zip(rows[0], r)) for r in rows[first_row:] if any(v is not None for v in r)]


def test_totals_sum_amounts_in_one_unit(tmp_path):
    write(tmp_path, "a.json", "某县甲局", 2020, **{"t2.procurement.amount": 50000, "t2.procurement.amount_unit": "元"})
    write(tmp_path, "b.json", "某县乙局", 2020, **{"t2.procurement.amount": 3, "t2.procurement.amount_unit": "万元"})
    [total] = api.audit([tmp_path]).result.totals
    value = next(v for v in total.values if v.key == "t2.procurement.amount")
    assert value.total == 8 and "万元" in value.where  # 5 万元 + 3 万元, not 50003
    assert not [p for p in total.problems if "amount_unit" in "".join(p.keys)]  # no false unit error


def test_pairs_and_roster_match_with_the_place_prefix_on_either_side(tmp_path):
    write(tmp_path, "2023.json", "洪泽区人民政府", 2023)
    write(tmp_path, "2024.json", "淮安市洪泽区人民政府", 2024)
    roster = tmp_path / "名单.txt"
    roster.write_text("淮安市洪泽区人民政府\n", encoding="utf-8")
    result = api.audit([tmp_path], roster=roster).result
    assert [(p.agency, p.last_agency) for p in result.pairs] == [("淮安市洪泽区人民政府", "洪泽区人民政府")]
    assert result.roster.rows == []
    write(tmp_path, "2024.json", "洪泽区人民政府", 2024)  # the report without the prefix, the roster with it
    [row] = api.audit([tmp_path], roster=roster).result.roster.rows
    assert row.kind == "名称不一致" and row.unit == "淮安市洪泽区人民政府"  # not 未报送 + 名单外
    assert "报告中的机关名称没有地名前缀" in row.note


def test_reports_without_an_agency_are_listed_not_left_as_missing_units(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    write(folder, "洪泽区政府2024年报.json", None)
    write(folder, "扫描件.json", None)
    write(folder, "c.json", "某县丙局")
    roster = tmp_path / "名单.txt"
    roster.write_text("淮安市洪泽区人民政府\n某县丁局\n某县丙局\n", encoding="utf-8")
    out = tmp_path / "审查结果.xlsx"
    assert main(["audit", str(folder), "-o", str(out), "--roster", str(roster)]) == 1  # meta-missing errors
    rows = sheet(out, "未报送")
    by_kind = sorted((r["类别"], r["名单中的单位"] or "", (r["文件"] or "").rsplit("/", 1)[-1]) for r in rows)
    assert by_kind == sorted([("未能识别机关", "", "扫描件.json"), ("未能识别机关", "淮安市洪泽区人民政府", "洪泽区政府2024年报.json"),
                              ("未报送", "某县丁局", "")])
    assert {r["机关"] for r in sheet(out, "汇总")} == {"未能识别机关", "某县丙局"}


def test_a_saved_page_with_its_folder_reads_as_one_report(tmp_path):
    folder = tmp_path / "年报"
    folder.mkdir()
    api.render_html(write(tmp_path, "src.json", "某县甲局"), folder / "某县甲局2024年年报.html")
    resources = folder / "某县甲局2024年年报_files"
    resources.mkdir()
    (resources / "style.css").write_text("p{}", encoding="utf-8")
    (resources / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (resources / "note.txt").write_text("页面附带的文字", encoding="utf-8")
    result = api.audit([folder]).result
    assert [r.agency for r in result.reports] == ["某县甲局"] and result.not_read == []
    assert result.ignored >= 2 and [n.file.rsplit("/", 1)[-1] for n in result.not_reports] == ["note.txt"]
    assert result.exit_code == 0


def test_contact_details_in_the_summary(tmp_path):
    write(tmp_path, "a.json", "某县甲局", **{"meta.phone": "0517-1234567", "meta.email": "gk@hz.gov.cn",
                                            "meta.address": "某县某路1号", "meta.postcode": "223100"})
    out = tmp_path / "审查结果.xlsx"
    api.audit([tmp_path / "a.json"], output=out)
    [row] = sheet(out, "汇总")
    assert row["联系电话"] == "0517-1234567" and row["电子邮箱"] == "gk@hz.gov.cn"
    # 联系机构 as the report's sentence names it: the cover's 「办公室」 is 某县甲局's
    assert row["通讯地址"] == "某县某路1号，邮编 223100" and row["联系机构"] == "某县甲局办公室"
    assert api.audit([tmp_path / "a.json"]).result.to_dict()["reports"][0]["contact"]["phone"] == "0517-1234567"


def test_a_printed_total_note_never_reads_total_total(tmp_path):
    fmt = format_for_year(2023)
    data = consistent_data(fmt, seed=3, with_totals=True)
    data["meta.agency"], data["meta.year"] = "某县甲局", 2023
    data["t3.total.total"] += 4  # the printed （七）总计 contradicts its parts
    (tmp_path / "2023.json").write_text(dumps(data, fmt), encoding="utf-8")
    write(tmp_path, "2024.json", "某县甲局", 2024)
    out = tmp_path / "审查结果.xlsx"
    api.audit([tmp_path], output=out)
    detail = sheet(out, "逐年对比", first_row=2)[0]["跨年度问题"]
    assert "上年“办结（七）总计”：总计印为" in detail and "总计总计" not in detail


def test_a_units_whole_series(tmp_path, capsys):
    write(tmp_path, "2022.json", "洪泽区人民政府", 2022)
    write(tmp_path, "2023.json", "洪泽区人民政府", 2023)
    write(tmp_path, "2024.json", "淮安市洪泽区人民政府", 2024)
    write(tmp_path, "other.json", "某县乙局", 2024)
    out = tmp_path / "审查结果.xlsx"
    assert main(["audit", str(tmp_path), "-o", str(out), "--unit", "洪泽区政府"]) == 0
    printed = capsys.readouterr().out
    assert "淮安市洪泽区人民政府 历年（3 份报告）" in printed
    assert [line.split("年")[0].strip() for line in printed.splitlines()[2:5]] == ["2022", "2023", "2024"]
    rows = [r for r in sheet(out, "历年") if r["单位"] == "淮安市洪泽区人民政府"]
    assert [(r["年度"], r["审查"]) for r in rows] == [(2022, "只用于对比"), (2023, "只用于对比"), (2024, "本次审查")]
    assert main(["audit", str(tmp_path), "--json", "--unit", "某县丙局"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["series"] and "没有“某县丙局”的报告" in captured.err


@pytest.mark.parametrize("name", ["说明.txt", "readme.md"])
def test_notes_in_a_folder_do_not_fail_the_run(tmp_path, name, capsys):
    write(tmp_path, "a.json", "某县甲局")
    (tmp_path / name).write_text("2024年度报告报送说明：请各单位于1月31日前报送。\n", encoding="utf-8")
    assert main(["audit", str(tmp_path), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert [n["file"].rsplit("/", 1)[-1] for n in result["not_reports"]] == [name] and result["not_read"] == []
    assert "没有找到年度报告的表格" in result["not_reports"][0]["reason"]  # it has a year, but no table


def test_the_pairs_run_the_public_total_continuity_rule(tmp_path):
    # i17names' cross-year rule (V2019 对外公开总数量 growing with nothing newly published) runs on the pairs
    from xlreport.model.formats import V2019

    last = consistent_data(V2019, 1)
    this = consistent_data(V2019, 1)
    last.update({"meta.year": 2019, "meta.agency": "某县甲局", "t2.rules.public_total": 0})
    this.update({"meta.year": 2020, "meta.agency": "某县甲局", "t2.rules.public_total": 7, "t2.rules.published": 0,
                 "t2.rules.made": 0})
    this["meta.can_make_rules"] = last["meta.can_make_rules"] = True
    (tmp_path / "2019.json").write_text(dumps(last, V2019), encoding="utf-8")
    (tmp_path / "2020.json").write_text(dumps(this, V2019), encoding="utf-8")
    [pair] = api.audit([tmp_path]).result.pairs
    assert [p.rule for p in pair.problems if p.rule == "t2-public-total-continuity"] == ["t2-public-total-continuity"]


def test_several_reports_name_the_same_counted_file_on_the_cover_and_the_roster(tmp_path):
    # 「宿迁市」 (title by place) sorts before 「宿迁市人民政府」 by name, but its file after by file name:
    # the 未报送 sheet's 多份报告 row and 说明's list must name the same report as counted in 合计.
    write(tmp_path, "b.json", "宿迁市", **{"t2.rules.issued": 99})  # two reports: their figures differ
    write(tmp_path, "a.json", "宿迁市人民政府")
    roster = tmp_path / "名单.txt"
    roster.write_text("宿迁市人民政府\n", encoding="utf-8")
    result = api.audit([tmp_path], roster=roster).result
    [duplicate] = result.duplicates
    [row] = result.roster.rows
    assert row.kind == "多份报告"
    assert duplicate.counted.endswith("a.json")
    assert row.note.endswith(f"合计只计入第一份：{duplicate.counted}）")


def test_the_summary_shows_the_import_notes_it_counts(fixtures_dir, tmp_path):
    # 汇总's 说明 says 「n 条读入说明」: the reviewer must be able to read them in the workbook
    # (a cell comment), not only through another command.
    out = tmp_path / "审查结果.xlsx"
    main(["audit", str(fixtures_dir / "2024_hongze_qzf.txt"), "-o", str(out)])
    [report] = api.audit([fixtures_dir / "2024_hongze_qzf.txt"]).result.reports
    assert report.notes
    ws = openpyxl.load_workbook(out)["汇总"]
    header = [c.value for c in ws[1]]
    cell = ws.cell(2, header.index("说明") + 1)
    assert f"{len(report.notes)} 条读入说明" in cell.value
    assert cell.comment is not None
    assert all(note in cell.comment.text for note in report.notes)


def test_an_inferred_agency_kind_is_placed_on_the_cover_not_named_as_a_place(fixtures_dir, tmp_path):
    # The importer marks the inferred 机关类型 with 「按机关名称推断」 in place of a cell; the
    # 位置 column must still name a place (the cover's 机关类型), saying it was inferred. (Under a
    # short name: 「…人民政府」 in full leaves no doubt, and the problem does not point at the cover.)
    short = tmp_path / "洪泽区2023.txt"
    short.write_text((fixtures_dir / "2023_hongze_qzf.txt").read_text("utf-8").replace("洪泽区人民政府", "洪泽区"),
                     "utf-8")
    [report] = api.audit([short]).result.reports
    assert report.agency and not report.agency.endswith("人民政府")
    [p] = [p for p in report.problems if "meta.agency_kind" in p.keys]
    parts = p.where.split("；")
    assert "按机关名称推断" not in parts
    assert f"{format_for_year(2023).field('meta.agency_kind').where}（按机关名称推断）" in parts


def test_a_unit_that_cannot_be_paired_gets_one_note_naming_its_files(tmp_path):
    # Three copies of one unit's report (json, pdf, txt) make one 未配对 line, not three.
    write(tmp_path, "2023.json", "某县甲局", 2023)
    for n, name in enumerate(("a.json", "b.json", "c.json")):
        write(tmp_path, name, "某县甲局", 2024, **{"t2.rules.issued": 90 + n})  # three reports, not one in three files
    result = api.audit([tmp_path]).result
    assert result.pairs == []
    [note] = result.pair_notes
    assert all(name in note for name in ("a.json", "b.json", "c.json"))
