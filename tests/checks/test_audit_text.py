"""Rule `text-repeated` (内容雷同): a section copied from last year's report of the same agency.

Real prose comes from the transcriptions in ../shared/fixtures/reports (.txt, read by the importer).
"""

from __future__ import annotations

import json

from xlreport.checks import check
from xlreport.model.numbers import evaluate
from xlreport.cli.main import main
from xlreport.io.previous import attach_previous
from xlreport.io.jsonfile import dumps
from xlreport.io.readers import load_report
from xlreport.checks.repeated import PREVIOUS_TEXT, THRESHOLD


def repeated(report):
    return [p for p in report.problems + check(report.data, report.fmt, report.cells) if p.rule == "text-repeated"]


def pair(fixtures_dir, agency):
    this = load_report(fixtures_dir / f"2024_{agency}.txt")
    last = load_report(fixtures_dir / f"2023_{agency}.txt")
    attach_previous(this, last)
    return this, last


def test_copied_section_fires_with_its_place(fixtures_dir):
    this, last = pair(fixtures_dir, "suqian_city")
    assert repeated(this) == []  # the real consecutive reports: every section rewritten
    this.data["text.problems"] = last.data["text.problems"]  # 五 copied from last year
    found = repeated(this)
    assert [p.keys for p in found] == [("text.problems",)]
    assert found[0].cells == (this.cells["text.problems"],)
    assert found[0].actual >= THRESHOLD and "雷同" in found[0].message


def test_copy_with_this_years_figures_still_fires(fixtures_dir):
    this, last = pair(fixtures_dir, "suqian_city")
    this.data["text.problems"] = last.data["text.problems"].replace("2023", "2024").replace("2024年", "2025年")
    assert [p.keys for p in repeated(this)] == [("text.problems",)]


def test_real_hongze_pair_flags_only_its_near_copy(fixtures_dir):
    """Hongze 2024's （三）政府信息管理 is 2023's paragraph with two phrases added (82%); the rest differs."""
    this, _ = pair(fixtures_dir, "hongze_qzf")
    assert [p.keys for p in repeated(this)] == [("text.overview.management",)]


def test_short_sections_are_not_compared(fixtures_dir):
    this, last = pair(fixtures_dir, "suqian_city")
    this.data["text.other"] = this.data[PREVIOUS_TEXT + "text.other"] = "本年度未收取信息处理费。"  # the same each year
    assert repeated(this) == []


def test_headings_and_customary_lines_do_not_count(fixtures_dir):
    this, _ = pair(fixtures_dir, "suqian_city")
    customary = ("一、总体情况\n本报告根据《中华人民共和国政府信息公开条例》要求编制。本报告中所列数据的统计期限自2024年1月1日起"
                 "至12月31日止。本报告电子版可在宿迁市人民政府门户网站（https://www.suqian.gov.cn）查阅。如对本报告有疑问，"
                 "请与宿迁市人民政府办公室联系，联系电话：0527-84368888。")
    this.data["text.overview"] = customary + "本年度新建了依申请公开办理系统。"
    this.data[PREVIOUS_TEXT + "text.overview"] = customary.replace("2024", "2023") + "上年度的工作重点是规范文件。"
    assert repeated(this) == []


def test_generated_sentences_do_not_count(fixtures_dir):
    from xlreport.model.sentences import on_request_sentence

    this, _ = pair(fixtures_dir, "suqian_city")
    generated = on_request_sentence(evaluate(this.data, this.fmt).numbers, this.fmt)
    this.data["text.overview.on_request"] = generated + "本年度新建了依申请公开办理系统。"
    this.data[PREVIOUS_TEXT + "text.overview.on_request"] = generated + "上年度重点规范了答复文书。"
    assert repeated(this) == []


def test_no_previous_no_rule(fixtures_dir):
    this = load_report(fixtures_dir / "2024_suqian_city.txt")
    this.data["text.problems"] = load_report(fixtures_dir / "2023_suqian_city.txt").data["text.problems"]
    assert repeated(this) == []


def test_last_years_texts_are_not_written_to_a_data_file(fixtures_dir):
    this, _ = pair(fixtures_dir, "suqian_city")
    assert any(k.startswith(PREVIOUS_TEXT) for k in this.data)
    assert PREVIOUS_TEXT not in dumps(this.data, this.fmt)


def test_check_previous_reports_it(fixtures_dir, tmp_path, capsys):
    last = load_report(fixtures_dir / "2023_suqian_city.txt")
    this = load_report(fixtures_dir / "2024_suqian_city.txt")
    this.data["text.problems"] = last.data["text.problems"]
    copied = tmp_path / "copied.json"
    copied.write_text(dumps(this.data, this.fmt), encoding="utf-8")
    main(["check", str(copied), "--previous", str(fixtures_dir / "2023_suqian_city.txt"), "--json"])
    problems = json.loads(capsys.readouterr().out)[0]["problems"]
    assert [p["keys"] for p in problems if p["rule"] == "text-repeated"] == [["text.problems"]]
