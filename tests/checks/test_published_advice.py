"""The advice of a check speaks of what the unit corrects: the report for a published report (and a
data file imported from one), the data file or workbook otherwise."""

from __future__ import annotations

from conftest import FIXTURES
from factories import consistent_data

from xlreport.checks import check
from xlreport.checks.cover import INFERRED
from xlreport.io.importers.match import import_report
from xlreport.model.formats import format_for_year

DATA_FILE = "数据文件"


def messages(report, published: bool, rule: str) -> list[str]:
    return [p.message for p in check(report.data, report.fmt, report.cells, published=published) if p.rule == rule]


def test_inferred_agency_kind_advice_speaks_of_the_report_when_published():
    report = import_report(FIXTURES / "2023_hongze_qzf.txt")
    assert report.data["meta.agency"].endswith("人民政府")  # the full name leaves no doubt: no advice
    assert not [m for m in messages(report, True, "text-missing") if "按机关名称推断" in m]
    report.data["meta.agency"] = "淮安市洪泽区"  # a name that leaves the kind in doubt
    published = [m for m in messages(report, True, "text-missing") if "按机关名称推断" in m]
    data_file = [m for m in messages(report, False, "text-missing") if "按机关名称推断" in m]
    assert published and all(DATA_FILE not in m and "报告标题中写明机关全称" in m for m in published)
    assert data_file and all("数据文件的“机关类型”中更正" in m for m in data_file)


def test_inferred_rule_authority_advice_speaks_of_the_report_when_published():
    fmt = format_for_year(2024)
    data = consistent_data(fmt, seed=3)
    data["meta.can_make_rules"] = False
    key = next(k for k in data if k.startswith("t2.") and "rules" in k and isinstance(data[k], int))
    data[key] += 1
    cells = {"meta.can_make_rules": INFERRED}
    found = {pub: [p.message for p in check(data, fmt, cells, published=pub) if "规章制定权" in p.message]
             for pub in (True, False)}
    assert found[True] and all(DATA_FILE not in m and "在报告中" in m for m in found[True])
    assert found[False] and all("数据文件的“有规章制定权”中更正" in m for m in found[False])


def test_fee_with_only_the_amount_asks_the_report_to_state_the_count():
    report = import_report(FIXTURES / "2024_huaian_szf.txt")
    published = messages(report, True, "fee-consistency")
    assert published and all("报告写了收取信息处理费的金额（3940 元），没有写申请件数；建议" in m
                             and "“六、其他需要报告的事项”" in m and "未填写" not in m for m in published)
    assert all("“申请件数”未填写" in m for m in messages(report, False, "fee-consistency"))


def test_a_sub_heading_not_printed_is_told_apart_from_one_left_empty(tmp_path):
    """平潭管委会办公室 2024 writes 一 under four sub-headings, none of them （三）政府信息管理: it is
    told to give that part a sub-heading of its own (it may be written under another), not that it
    has no content; the same report with the sub-heading printed and nothing under it: no content."""
    from xlreport import api

    source = FIXTURES.parent / "published" / "2024_pingtan_gwhbgs.txt"
    [told] = [p.message for p in api.check(source).problems if "（三）政府信息管理" in p.message]
    assert "没有单列“（三）政府信息管理”这一小标题" in told and "没有内容" not in told
    lines = source.read_text("utf-8").splitlines()
    at = next(n for n, line in enumerate(lines) if line.startswith("（三）平台建设方面"))
    lines[at] = lines[at].replace("（三）", "（四）", 1)
    lines = [line.replace("（四）监督保障方面", "（五）监督保障方面", 1) for line in lines]
    lines.insert(at, "（三）政府信息管理")
    empty = tmp_path / "空的小标题.txt"
    empty.write_text("\n".join(lines), "utf-8")
    [told] = [p.message for p in api.check(empty).problems if "（三）政府信息管理" in p.message]
    assert "“（三）政府信息管理”没有内容" in told


def test_a_published_report_whose_agency_is_not_found_gets_no_rule_authority_warning(tmp_path):
    """Without the agency's name, whether it may make 规章 is not known: no warning that claims the
    cover says 「有规章制定权」 is 「否」 (a published report has no cover; the notes say the name was
    not found). A data file keeps the contract's default (false)."""
    lines = (FIXTURES / "2024_huaian_szf.txt").read_text("utf-8").splitlines()
    path = tmp_path / "report.txt"
    path.write_text("\n".join(line for line in lines[1:] if line not in ("淮安市人民政府", "2024年政府信息公开工作年度报告")),
                    "utf-8")
    report = import_report(path)
    assert "meta.agency" not in report.data and report.data["t2.rules.in_force"] > 0
    assert not messages(report, True, "t2-rules-authority")
    assert messages(report, False, "t2-rules-authority")
