"""`xlreport audit`: a folder of reports as one workbook (汇总, 问题清单, 逐年对比, 未报送, 合计) and JSON.

Real data: the shared fixtures (Hongze and Suqian 2023/2024, Huai'an 2024), as data files (.json) and as
the transcriptions of the published reports (.txt, read by the importer, with page/table/row places).
"""

from __future__ import annotations

import json
import shutil

import openpyxl
import pytest
from factories import consistent_data, with_texts

from xlreport.audit.names import match_names, variant_key
from xlreport.audit.results import AuditedReport
from xlreport.audit.roster import roster_rows
from xlreport.model.numbers import evaluate
from xlreport.cli.main import main
from xlreport.io.jsonfile import document, dumps
from xlreport.io.readers import load_report
from xlreport.model.formats import V2021

YEARS = {"hongze_qzf": (2023, 2024), "suqian_city": (2023, 2024), "huaian_szf": (2024,)}


def names(suffix):
    return [f"{y}_{a}{suffix}" for a, years in YEARS.items() for y in years]


@pytest.fixture
def json_folder(fixtures_dir, tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    for name in names(".json"):
        with_texts(fixtures_dir / name, folder / name)
    return folder


def run(argv, capsys):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def sheets(path):
    wb = openpyxl.load_workbook(path)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb}


def table(rows, first_header="机关"):
    """The rows of a list sheet as dicts, from its header row on."""
    start = next(i for i, r in enumerate(rows) if r and r[0] == first_header)
    head = rows[start]
    return [dict(zip(head, r)) for r in rows[start + 1:] if any(v is not None for v in r)]


def audit_json(argv, capsys):
    code, out, _ = run([*argv, "--json"], capsys)
    return code, json.loads(out)


def test_folder_of_data_files(json_folder, tmp_path, capsys):
    out, out23 = tmp_path / "审查结果.xlsx", tmp_path / "2023.xlsx"
    assert run(["audit", json_folder, "-o", out], capsys)[0] == 0  # 2024 (the latest year): no errors
    code, stdout, _ = run(["audit", json_folder, "-o", out23, "--year", "2023"], capsys)
    assert code == 1  # Hongze 2023 has errors
    book, book23 = sheets(out), sheets(out23)
    assert list(book) == ["说明", "汇总", "问题清单", "逐年对比", "历年", "合计"]
    summary = table(book["汇总"]) + table(book23["汇总"])
    assert sorted((r["机关"], r["年度"]) for r in summary) == sorted(
        (load_report(json_folder / n).data["meta.agency"], int(n[:4])) for n in names(".json"))
    hongze = next(r for r in summary if r["年度"] == 2023 and "洪泽" in r["机关"])
    assert hongze["结论"] == "未通过" and hongze["错误"] == 2
    report = load_report(json_folder / "2024_suqian_city.json")
    numbers = evaluate(report.data, report.fmt).numbers
    suqian = next(r for r in summary if r["年度"] == 2024 and "宿迁" in r["机关"])
    assert suqian["本年新收"] == numbers["t3.new.total"]
    assert suqian["予以公开占办结"] == pytest.approx(numbers["t3.granted.total"] / numbers["t3.total.total"])
    assert suqian["信息处理费（元）"] == numbers["fee.amount_yuan"]
    # the Hongze 2023 table-四 errors, with their place (a data file: the place the format names)
    found = [r for r in table(book23["问题清单"]) if "洪泽" in r["机关"] and r["规则"] == "t4-sum"]
    assert len(found) == 2 and all(r["级别"] == "错误" and r["位置"].startswith("表四") for r in found)
    assert {r["实际"] for r in found} == {0}  # the totals printed as 0


def test_published_reports_place_and_pairs(fixtures_dir, tmp_path, capsys):
    out, out23 = tmp_path / "审查结果.xlsx", tmp_path / "2023.xlsx"
    code, result = audit_json(["audit", *(fixtures_dir / n for n in names(".txt")), "-o", out], capsys)
    run(["audit", *(fixtures_dir / n for n in names(".txt")), "-o", out23, "--year", "2023"], capsys)
    book = sheets(out)
    t4 = [r for r in table(sheets(out23)["问题清单"]) if r["规则"] == "t4-sum" and r["年度"] == 2023]
    assert t4 and all("第6张表" in r["位置"] and "表四" in r["位置"] for r in t4)  # page/table/row of the published report
    pairs = [r for r in table(book["逐年对比"]) if r["机关"]]  # below the two header rows
    assert sorted(r["机关"] for r in pairs) == ["宿迁市", "淮安市洪泽区人民政府"]  # as the titles print them
    assert all((r["上年度"], r["本年度"]) == (2023, 2024) for r in pairs)
    # the cross-year rules ran on each pair: Suqian's carry-over agrees; Hongze's 三 near-copy is reported
    by_agency = {p["agency"]: p for p in result["pairs"]}
    assert by_agency["宿迁市"]["problems"] == []
    assert [p["rule"] for p in by_agency["淮安市洪泽区人民政府"]["problems"]] == ["text-repeated"]
    repeated = [r for r in table(book["问题清单"]) if r["规则"] == "text-repeated"]
    assert [r["位置"] for r in repeated] == ["正文 （三）政府信息管理"]


def test_cross_year_rules_run_on_each_pair(json_folder, tmp_path, capsys):
    report = load_report(json_folder / "2024_suqian_city.json")
    report.data["t3.carried_over.natural_person"] += 1
    report.data["t3.new.natural_person"] -= 1  # balance kept: only last year's figure disagrees
    (json_folder / "2024_suqian_city.json").write_text(dumps(report.data, report.fmt), encoding="utf-8")
    _, result = audit_json(["audit", json_folder], capsys)
    suqian = next(p for p in result["pairs"] if "宿迁" in p["agency"])
    assert [p["rule"] for p in suqian["problems"]] == ["t3-carry-continuity"]
    this = next(r for r in result["reports"] if r["file"].endswith("2024_suqian_city.json"))
    assert "t3-carry-continuity" in [p["rule"] for p in this["problems"]]


def test_copied_section_is_flagged_in_the_audit(fixtures_dir, tmp_path, capsys):
    last = load_report(fixtures_dir / "2023_suqian_city.txt")
    this = load_report(fixtures_dir / "2024_suqian_city.txt")
    this.data["text.problems"] = last.data["text.problems"]
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "2024.json").write_text(dumps(this.data, this.fmt), encoding="utf-8")
    (folder / "2023.json").write_text(dumps(last.data, last.fmt), encoding="utf-8")
    _, result = audit_json(["audit", folder], capsys)
    found = [p for r in result["reports"] for p in r["problems"] if p["rule"] == "text-repeated"]
    assert [p["keys"] for p in found] == [["text.problems"]]


def test_totals_equal_the_sum_of_the_parts(json_folder, tmp_path, capsys):
    outs = {year: tmp_path / f"{year}.xlsx" for year in (2023, 2024)}
    for year, out in outs.items():
        run(["audit", json_folder, "-o", out, "--year", year], capsys)
    for year in (2023, 2024):
        rows = table(sheets(outs[year])["合计"], first_header="年度")
        parts = [load_report(p) for p in sorted(json_folder.glob(f"{year}_*.json"))]
        expected: dict[str, float] = {}
        for r in parts:
            for key, value in evaluate(r.data, r.fmt).numbers.items():
                if value is not None and not key.startswith("previous."):
                    expected[key] = expected.get(key, 0) + value
        shown = {r["数据项（key）"]: r["合计"] for r in rows if r["年度"] == year and r["合计"] is not None}
        assert shown.keys() == expected.keys()
        assert all(shown[k] == pytest.approx(v) for k, v in expected.items())
    # the checks ran on the sum: Hongze 2023's table-四 totals printed as 0 make the 2023 sum fail
    text = "\n".join(str(r[0]) for out in outs.values() for r in sheets(out)["合计"] if r[0])
    assert "2023 年（2021 版格式，2 个报告）合计校验：未通过" in text
    assert "2024 年（2021 版格式，3 个报告）合计校验：通过" in text


def test_roster_missing_and_extra_units(json_folder, tmp_path, capsys):
    roster = tmp_path / "名单.txt"
    roster.write_text("单位名称\n宿迁市人民政府\n淮安市洪泽区政府\n泗阳县人民政府\n", encoding="gbk")  # as Notepad saves
    out = tmp_path / "审查结果.xlsx"
    run(["audit", json_folder, "-o", out, "--roster", roster], capsys)
    rows = table(sheets(out)["未报送"], first_header="类别")
    kinds = {(r["类别"], r["名单中的单位"] or r["报告中的机关"]) for r in rows}
    assert kinds == {("未报送", "泗阳县人民政府"), ("名单外", "淮安市人民政府"), ("名称不一致", "淮安市洪泽区政府")}


def test_roster_without_a_year_names_no_year():
    # no --year and no report with a year (found by the type checker: the year may be None)
    report = AuditedReport(file="a.json", path="a.json", agency="泗阳县人民政府", year=2023, format="2021",
                           problems=[], figures={}, figure_notes={}, notes=[])
    rows = roster_rows(["宿迁市人民政府"], [report], None)
    assert [r.kind for r in rows] == ["未报送"]
    assert "None" not in rows[0].note and "年度" not in rows[0].note, rows[0].note


def test_roster_as_a_workbook_and_year(json_folder, tmp_path, capsys):
    roster = tmp_path / "名单.xlsx"
    wb = openpyxl.Workbook()
    for name in ("机关名称", "宿迁市人民政府", "淮安市人民政府", "淮安市洪泽区人民政府"):
        wb.active.append([name, "备注"])
    wb.save(roster)
    _, result = audit_json(["audit", json_folder, "--roster", roster, "--year", "2023"], capsys)
    assert result["roster_year"] == 2023
    assert {(r["kind"], r["unit"] or r["agency"]) for r in result["roster"]["rows"]} == {("未报送", "淮安市人民政府")}
    assert {r["year"] for r in result["reports"]} == {2023}  # --year: the others only for comparison
    assert len(result["comparison_only"]) == 3


def test_a_year_without_reports_writes_nothing(json_folder, tmp_path, capsys):
    out = tmp_path / "审查结果.xlsx"
    code, _, err = run(["audit", json_folder, "-o", out, "--year", "2019"], capsys)
    assert code == 2 and "--year" in err and not out.exists()


def test_bad_files_are_listed_not_fatal(json_folder, tmp_path, capsys):
    (json_folder / "broken.xlsx").write_bytes(b"not a workbook")
    (json_folder / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (json_folder / "half.json").write_text('{"meta": {', encoding="utf-8")
    out = tmp_path / "审查结果.xlsx"
    code, stdout, err = run(["audit", json_folder, "-o", out], capsys)
    assert code == 2 and "Traceback" not in err
    book = sheets(out)
    assert len(table(book["汇总"])) == 6  # 3 reports of 2024 + 3 files not read
    cover = "\n".join(str(v) for r in book["说明"] for v in r if v)
    for name in ("broken.xlsx", "old.xls", "half.json"):
        assert name in cover
    _, result = audit_json(["audit", json_folder], capsys)
    assert sorted(n["file"].rsplit("/", 1)[-1] for n in result["not_read"]) == ["broken.xlsx", "half.json", "old.xls"]
    assert all(n["reason"] for n in result["not_read"]) and len(result["reports"]) == 3


def test_many_files_through_the_process_pool(json_folder, tmp_path, capsys):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(24):  # more than cli.POOL_FROM: the pool is used
        shutil.copy(json_folder / "2024_suqian_city.json", folder / f"{i:02}.json")
    (folder / "13b.json").write_text("[", encoding="utf-8")
    _, result = audit_json(["audit", folder], capsys)
    assert [n["file"][-8:] for n in result["not_read"]] == ["13b.json"]
    # the same report 24 times: reviewed once, the 23 other files named on the cover
    [same] = result["same_report"]
    assert len(result["reports"]) == 1 and len(same["others"]) == 23 and result["duplicates"] == []


def test_output_refused_before_reading_and_left_out_of_the_folder(json_folder, capsys):
    out = json_folder / "审查结果.xlsx"
    assert run(["audit", json_folder, "-o", out, "--year", "2023"], capsys)[0] == 1
    code, _, err = run(["audit", json_folder, "-o", out, "--year", "2023"], capsys)
    assert code == 2 and "--force" in err
    code, _, err = run(["audit", json_folder, "-o", out, "--force", "--year", "2023"], capsys)
    assert code == 1, err  # the earlier audit workbook in the folder is not read as a report
    code, _, err = run(["audit", json_folder, "-o", json_folder / "x.json"], capsys)
    assert code == 2 and ".xlsx" in err
    code, _, err = run(["audit", json_folder], capsys)
    assert code == 2 and "-o" in err


def test_nothing_readable_writes_nothing(tmp_path, capsys):
    (tmp_path / "a.xlsx").write_bytes(b"x")
    out = tmp_path / "out.xlsx"
    code, _, err = run(["audit", tmp_path, "-o", out], capsys)
    assert code == 2 and "没有读到任何报告" in err and not out.exists()


def test_name_variants_pair_only_where_unambiguous():
    assert variant_key("洪泽区政府办") == variant_key("洪泽区人民政府办公室") == variant_key("洪泽区 人民政府办")
    matches, left, right = match_names(["洪泽区人民政府办公室"], ["洪泽区政府办"])
    assert matches == [(0, 0, True)]
    # two reports last year fit the same name: no pair, rather than a guess
    matches, left, right = match_names(["洪泽区人民政府办公室"], ["洪泽区政府办", "洪泽区人民政府办"])
    assert matches == [] and left == [0]
    # the exact name wins over a variant
    matches, _, _ = match_names(["洪泽区政府办", "洪泽区人民政府办公室"], ["洪泽区人民政府办公室"])
    assert matches == [(1, 0, False)]


def test_variant_names_pair_in_the_audit(json_folder, capsys):
    for name, agency in (("2023_hongze_qzf.json", "淮安市洪泽区政府"), ("2024_hongze_qzf.json", "淮安市洪泽区人民政府")):
        doc = json.loads((json_folder / name).read_text(encoding="utf-8"))
        doc["meta"]["agency"] = agency
        (json_folder / name).write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    _, result = audit_json(["audit", json_folder], capsys)
    hongze = next(p for p in result["pairs"] if "洪泽" in p["agency"])
    assert hongze["by_variant"] and hongze["last_agency"] == "淮安市洪泽区政府"


def test_previous_dir_is_for_comparison_only(fixtures_dir, tmp_path, capsys):
    this, last = tmp_path / "2024", tmp_path / "2023"
    this.mkdir()
    last.mkdir()
    for name in names(".json"):
        shutil.copy(fixtures_dir / name, (this if name.startswith("2024") else last) / name)
    _, result = audit_json(["audit", this, "--previous-dir", last], capsys)
    assert {r["year"] for r in result["reports"]} == {2024} and len(result["pairs"]) == 2
    assert {t["year"] for t in result["totals"]} == {2024}
    out = tmp_path / "审查结果.xlsx"
    run(["audit", this, "--previous-dir", last, "-o", out], capsys)
    cover = "\n".join(str(v) for r in sheets(out)["说明"] for v in r if v)
    assert all(name in cover for name in names(".json") if name.startswith("2023"))  # read, and said so


@pytest.mark.office
def test_workbook_opens_in_libreoffice(json_folder, tmp_path, capsys, soffice):
    from xlreport.io.office import convert

    out = tmp_path / "审查结果.xlsx"
    roster = tmp_path / "名单.txt"
    roster.write_text("宿迁市人民政府\n泗阳县人民政府\n", encoding="utf-8")
    run(["audit", json_folder, "-o", out, "--roster", roster], capsys)
    back = convert(out, "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo")
    ours, theirs = sheets(out), sheets(back)
    assert list(theirs) == list(ours)
    for name in ("汇总", "问题清单"):  # LibreOffice keeps 15 significant digits
        assert rounded(table(theirs[name])) == rounded(table(ours[name])) != []
    assert rounded(table(theirs["合计"], "年度")) == rounded(table(ours["合计"], "年度"))


def rounded(rows):
    return [{k: round(v, 9) if isinstance(v, float) else v for k, v in r.items()} for r in rows]


def test_workbook_problems_name_their_cell(fixtures_dir, tmp_path, capsys):
    import re

    from xlreport.workbook.writer import write_workbook

    report = load_report(fixtures_dir / "2024_suqian_city.json")
    report.data["t3.new.business"] = None  # a blank input
    write_workbook(tmp_path / "宿迁.xlsx", report.fmt, report.data)
    _, result = audit_json(["audit", tmp_path / "宿迁.xlsx"], capsys)
    missing = [p for p in result["reports"][0]["problems"] if p["rule"] == "value-missing"]
    assert len(missing) == 1 and re.fullmatch(r"表三![A-Z]+\d+", missing[0]["where"])


# --- the review of the 政务公开办 reviewer and the adversarial tester ---------------------

def test_default_year_is_the_latest_read(json_folder, tmp_path, capsys):
    out = tmp_path / "审查结果.xlsx"
    code, stdout, _ = run(["audit", json_folder, "-o", out], capsys)
    assert code == 0  # Hongze 2023's errors do not count: 2023 is only last year's
    book = sheets(out)
    assert {r["年度"] for r in table(book["汇总"])} == {2024}
    assert {r["年度"] for r in table(book["问题清单"])} <= {2024}
    assert {r["年度"] for r in table(book["合计"], "年度")} == {2024}
    cover = {r[0]: r[1] for r in book["说明"] if r[0]}
    assert cover["审查年度"].startswith("2024 年（读到的最近年度")
    assert len(table(book["逐年对比"])) >= 2  # 2023 still serves for the pairs
    _, result = audit_json(["audit", json_folder], capsys)
    assert result["year"] == 2024 and len(result["comparison_only"]) == 2 and len(result["pairs"]) == 2


def test_the_same_file_is_read_once(json_folder, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(json_folder.parent)
    y = json_folder.name
    _, result = audit_json(["audit", y, y, f"{y}/2024_hongze_qzf.json", f"./{y}/../{y}"], capsys)
    assert len(result["reports"]) == 3 and len(result["comparison_only"]) == 2 and result["duplicates"] == []
    assert len(result["pairs"]) == 2 and result["totals"][0]["reports"] == 3
    # the same file under the arguments and --previous-dir: read once, under review
    _, result = audit_json(["audit", f"{y}/2024_hongze_qzf.json", "--previous-dir", y], capsys)
    assert [r["file"] for r in result["reports"]] == [f"{y}/2024_hongze_qzf.json"]
    assert len(result["pairs"]) == 1 and result["duplicates"] == []


def test_a_text_file_named_and_in_the_folder_is_read_once(fixtures_dir, json_folder, capsys):
    txt = json_folder / "2024_suqian_city.txt"
    shutil.copy(fixtures_dir / txt.name, txt)
    (json_folder / "2024_suqian_city.json").unlink()
    code, result = audit_json(["audit", json_folder, txt], capsys)
    assert result["not_read"] == [] and code == 0
    assert sum(r["file"].endswith("2024_suqian_city.txt") for r in result["reports"]) == 1


def test_text_files_in_a_folder_are_read_and_notes_listed_without_failing(fixtures_dir, json_folder, capsys):
    # issue 17 item 8: the audit reads a .txt/.md in a folder (check leaves them alone); one that is
    # not a report is listed with its reason and does not set exit code 2
    (json_folder / "2024_suqian_city.json").unlink()
    shutil.copy(fixtures_dir / "2024_suqian_city.txt", json_folder / "宿迁.txt")
    (json_folder / "说明.md").write_text("# 说明\n\n本文件夹存放各单位报送的年度报告。\n", encoding="utf-8")
    code, result = audit_json(["audit", json_folder], capsys)
    assert code == 0 and result["not_read"] == []
    assert [r["agency"][:3] for r in result["reports"] if r["file"].endswith("宿迁.txt")] == ["宿迁市"]  # as titled
    [item] = result["not_reports"]
    assert item["file"].endswith("说明.md") and "不像政府信息公开工作年度报告" in item["reason"]


def test_two_reports_of_one_agency_and_year(fixtures_dir, json_folder, tmp_path, capsys):
    # the text with one figure of 表二 other than the data file's: two reports, not one in two files
    text = (fixtures_dir / "2024_suqian_city.txt").read_text("utf-8")
    other = text.replace("行政规范性文件 | 50 | 227 | 420", "行政规范性文件 | 51 | 227 | 420", 1)
    assert other != text
    (json_folder / "2024_suqian_city.txt").write_text(other, "utf-8")
    roster = tmp_path / "名单.txt"
    roster.write_text("宿迁市人民政府\n淮安市人民政府\n淮安市洪泽区人民政府\n", encoding="utf-8")
    out = tmp_path / "审查结果.xlsx"
    _, result = audit_json(["audit", json_folder, json_folder / "2024_suqian_city.txt", "--roster", roster,
                            "-o", out], capsys)
    rows = result["roster"]["rows"]
    assert [(r["kind"], r["unit"]) for r in rows] == [("多份报告", "宿迁市人民政府")]
    assert "报送了 2 份，请核对" in rows[0]["note"]
    # 合计: one report per agency and year, the first by file name (the .json)
    assert result["totals"][0]["reports"] == 3
    assert [f.rsplit("/", 1)[-1] for f in result["left_out_of_totals"]] == ["2024_suqian_city.txt"]
    counted = [load_report(json_folder / f"2024_{a}.json") for a in ("hongze_qzf", "suqian_city", "huaian_szf")]
    expected = sum(evaluate(r.data, r.fmt).numbers["t3.new.total"] for r in counted)
    assert next(v["total"] for v in result["totals"][0]["values"] if v["key"] == "t3.new.total") == expected
    cover = "\n".join(str(v) for r in sheets(out)["说明"] for v in r if v)
    assert "未计入合计：" in cover and "2024_suqian_city.txt" in cover


def test_roster_names_without_the_city_prefix(json_folder, tmp_path, capsys):
    roster = tmp_path / "名单.txt"
    roster.write_text("宿迁市人民政府\n淮安市人民政府\n洪泽区政府\n", encoding="utf-8")
    _, result = audit_json(["audit", json_folder, "--roster", roster], capsys)
    assert [(r["kind"], r["unit"], r["agency"]) for r in result["roster"]["rows"]] == [
        ("名称不一致", "洪泽区政府", "淮安市洪泽区人民政府")]
    # ambiguous: two reports end with the roster's name — no guess
    matches, left, right = match_names(["洪泽区人民政府"], ["淮安市洪泽区人民政府", "宿迁市洪泽区人民政府"], suffix=True)
    assert matches == [] and left == [0]
    # only after a place prefix: 「民政府」 does not end 「淮安市人民政府」 as a name
    assert match_names(["民政府"], ["淮安市人民政府"], suffix=True)[0] == []


def test_printed_total_that_contradicts_its_parts_is_marked(json_folder, tmp_path, capsys):
    out = tmp_path / "审查结果.xlsx"
    run(["audit", json_folder, "-o", out, "--year", "2023"], capsys)
    wb = openpyxl.load_workbook(out)
    ws = wb["汇总"]
    head = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value and "洪泽" in r[0].value)
    review = row[head.index("行政复议")]
    assert review.value == 0  # the number as printed, sortable
    assert review.comment is not None and "11" in review.comment.text
    assert "行政复议：总计印为 0，各项合计 11" in row[head.index("说明")].value
    # 逐年对比: the 2024 audit shows Hongze 2023 (last year's) figure with its note
    out24 = tmp_path / "2024.xlsx"
    run(["audit", json_folder, "-o", out24], capsys)
    ws = openpyxl.load_workbook(out24)["逐年对比"]
    row = next(r for r in ws.iter_rows(min_row=3) if r[0].value and "洪泽" in r[0].value)
    marked = [c for c in row if c.comment is not None]
    assert [c.value for c in marked] == [0, 0] and "各项合计 11" in marked[0].comment.text  # 行政复议, 行政诉讼
    assert "上年“行政复议”：总计印为 0，各项合计 11" in row[4].value


def test_earlier_audit_workbooks_are_skipped(json_folder, tmp_path, capsys):
    first = tmp_path / "first.xlsx"
    run(["audit", json_folder, "-o", first], capsys)
    shutil.copy(first, json_folder / "上次的结果.xlsx")  # any name
    code, result = audit_json(["audit", json_folder], capsys)
    assert code == 0 and result["not_read"] == []
    assert [s["file"].rsplit("/", 1)[-1] for s in result["skipped"]] == ["上次的结果.xlsx"]
    code, _, err = run(["audit", json_folder, "-o", tmp_path / "second.xlsx"], capsys)
    assert code == 0 and "不读取" in err and "上次的结果.xlsx" in err


def test_roster_that_is_not_a_roster_is_refused(json_folder, tmp_path, capsys):
    from xlreport.workbook.writer import write_workbook

    result_book = tmp_path / "审查结果.xlsx"
    run(["audit", json_folder, "-o", result_book], capsys)
    report = load_report(json_folder / "2024_suqian_city.json")
    report_book = tmp_path / "宿迁.xlsx"
    write_workbook(report_book, report.fmt, report.data)
    for roster, what in ((result_book, "是 xlreport audit 生成的审查结果"), (report_book, "是年度报告工作簿")):
        code, out, err = run(["audit", json_folder, "--roster", roster, "--json"], capsys)
        assert code == 2 and what in err
        assert "名单" in err and "Traceback" not in err and out == ""


def test_wording_time_counts_and_no_check_command(json_folder, tmp_path, capsys):
    import re

    out = tmp_path / "审查结果.xlsx"
    _, stdout, _ = run(["audit", json_folder, "-o", out], capsys)
    cover = {r[0]: r[1] for r in sheets(out)["说明"] if r[0]}
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d", cover["生成时间"])
    assert cover["审查的报告"] in stdout  # one wording for the counts
    assert re.fullmatch(r"\d+ 个：\d+ 个未通过，\d+ 个有警告，\d+ 个通过", cover["审查的报告"])


def test_variant_pair_warning_in_audit_terms(json_folder, capsys):
    doc = json.loads((json_folder / "2023_hongze_qzf.json").read_text(encoding="utf-8"))
    doc["meta"]["agency"] = "淮安市洪泽区政府"
    (json_folder / "2023_hongze_qzf.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    _, result = audit_json(["audit", json_folder], capsys)
    hongze = next(p for p in result["pairs"] if "洪泽" in p["agency"])
    assert hongze["warnings"] and not any("--previous " in w or w.endswith("--previous") for w in hongze["warnings"])


def test_files_the_audit_does_not_read_are_told_in_its_own_words(json_folder, tmp_path, capsys):
    """A picture or an old .xls in the folder: 「只能审查…」 / 「…后再审查」, not check's words."""
    folder = tmp_path / "报告"
    shutil.copytree(json_folder, folder)
    (folder / "图.png").write_bytes(b"\x89PNG")
    (folder / "旧表.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    code, out, err = run(["audit", folder, "-o", tmp_path / "审查.xlsx"], capsys)
    told = [line for line in (out + err).splitlines() if "图.png" in line or "旧表.xls" in line]
    assert len(told) == 2 and all("检查" not in line for line in told), told
    assert any("只能审查数据文件" in line for line in told) and any("后再审查" in line for line in told)


def test_one_report_in_two_files_is_reviewed_once(fixtures_dir, tmp_path, capsys):
    """The same report as a transcription and as Markdown (same agency, year and figures): one
    report in 汇总, the letters and the counts, from the fuller file; the other named on 说明;
    and it is paired with last year's. A copy whose figures differ is a second report."""
    files = [tmp_path / "洪泽2024.txt", tmp_path / "洪泽2024.md", tmp_path / "洪泽2023.txt"]
    text = (fixtures_dir / "2024_hongze_qzf.txt").read_text("utf-8")
    files[0].write_text(text, "utf-8")
    files[1].write_text(text, "utf-8")
    shutil.copy(fixtures_dir / "2023_hongze_qzf.txt", files[2])
    code, result = audit_json(["audit", *files, "-o", tmp_path / "a.xlsx"], capsys)
    assert [r["file"] for r in result["reports"]] == [str(files[0])]
    assert result["same_report"] == [{"agency": "淮安市洪泽区人民政府", "year": 2024, "kept": str(files[0]),
                                      "others": [str(files[1])]}]
    assert [(p["file"], p["last_file"]) for p in result["pairs"]] == [(str(files[0]), str(files[2]))]
    assert result["duplicates"] == []
    book = sheets(tmp_path / "a.xlsx")
    said = [" ".join(str(c) for c in row if c is not None) for row in book["说明"]]
    assert any(f"审查：{files[0]}；同一报告的其他文件：{files[1]}" in line for line in said)

    new = "一、本年新收政府信息公开申请数量 | 95 | 0 | 0 | 0 | 0 | 0 | 95"
    assert new in text
    files[1].write_text(text.replace(new, new.replace("| 95 |", "| 96 |").replace("| 95", "| 96")), "utf-8")
    code, result = audit_json(["audit", *files, "-o", tmp_path / "b.xlsx"], capsys)
    assert sorted(r["file"] for r in result["reports"]) == sorted(map(str, files[:2]))
    assert result["same_report"] == [] and len(result["duplicates"]) == 1


def test_a_workbook_and_its_exported_data_file_are_one_report(tmp_path, capsys):
    """A filled workbook (its totals are formulas: not in its data) and the data file exported from
    it (totals written) are the same report: reviewed once, from the workbook, not two reports of
    one agency with one left out of 合计."""
    data = tmp_path / "in.json"
    data.write_text(json.dumps(document(consistent_data(V2021, 5), V2021), ensure_ascii=False), "utf-8")
    folder = tmp_path / "报告"
    folder.mkdir()
    book, exported = folder / "某局2024.xlsx", folder / "某局2024.json"
    assert main(["new", "--year", "2024", "--agency", "某县某局", "--data", str(data), "-o", str(book)]) == 0
    assert main(["export", str(book), "-o", str(exported)]) == 0
    capsys.readouterr()
    code, result = audit_json(["audit", folder, "-o", tmp_path / "a.xlsx"], capsys)
    assert [r["file"] for r in result["reports"]] == [str(book)]
    assert result["same_report"] == [{"agency": "某县某局", "year": 2024, "kept": str(book), "others": [str(exported)]}]
    assert result["duplicates"] == [] and result["left_out_of_totals"] == []
