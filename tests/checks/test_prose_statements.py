"""More of what reviewers check in the prose (issue 17 item 7) and the clerk's figures printed twice
(issue 19 item 3): checks/figures.py and checks/prose.py, on texts built from the patterns of real
reports; the shared real reports keep their verdicts (no new warning on their prose)."""

from __future__ import annotations

import pytest
from conftest import SHARED
from factories import consistent_data

from xlreport.checks import check
from xlreport.checks.figures import normalise_figures
from xlreport.model.numbers import evaluate
from xlreport.model.formats import V2019, V2021

WRONG = 987654


def base(fmt=V2021, seed=3):
    data = consistent_data(fmt, seed, distinct=True)
    return data, evaluate(data, fmt).numbers


def found(data, fmt=V2021, rule="text-figures", published=False):
    return [p for p in check(data, fmt, None, published) if p.rule == rule]


# --- table 二 figures --------------------------------------------------------------------------

T2_PHRASES = [
    (V2021, "全市现行有效行政规范性文件{}件", "t2.normative_docs.in_force"),  # 「现行有效行政规范性文件393件」 vs 470
    (V2021, "本年度制发规范性文件{}件", "t2.normative_docs.issued"),
    (V2021, "废止行政规范性文件{}件", "t2.normative_docs.repealed"),
    (V2021, "作出行政许可决定{}件", "t2.licensing.decisions"),
    (V2021, "全年作出行政处罚决定{}件", "t2.penalty.decisions"),
    (V2019, "新制作规范性文件{}件", "t2.normative_docs.made"),
    (V2019, "行政许可处理决定{}件", "t2.licensing.decisions"),
]


@pytest.mark.parametrize("fmt,phrase,key", T2_PHRASES)
def test_table_two_figures_in_the_prose(fmt, phrase, key):
    data, n = base(fmt)
    data["text.overview"] = phrase.format(WRONG) + "。"
    [p] = found(data, fmt)
    assert p.expected == n[key] and p.actual == WRONG and key in p.keys
    assert "表二" in p.message and "请核对" in p.message
    data["text.overview"] = phrase.format(n[key]) + "。"
    assert found(data, fmt) == []


# --- figures with spaces, in Chinese numerals --------------------------------------------------

def test_spaced_and_chinese_numeral_figures_are_read():
    assert normalise_figures("受理申请 14 件") == "受理申请14件"
    assert normalise_figures("受理申请十四件，办结二十件，一百零五件") == "受理申请14件，办结20件，105件"
    data, n = base()
    assert n["t3.new.total"] != 14
    for text in ("本年度受理政府信息公开申请 14 件。", "本年度受理政府信息公开申请十四件。", "本年度受理政府信息公开申请\u300014\u3000件。"):
        data["text.overview"] = text
        [p] = found(data)
        assert p.actual == 14 and p.expected == n["t3.new.total"]


@pytest.mark.parametrize("text", ["高质高效办理好每一件依申请公开案件。", "努力做到“办结一件申请、解决一个问题”。",
                                  "做到件件有回音，逐一件落实。"])
def test_a_lone_chinese_one_is_no_count(text):
    data, _ = base()
    data["text.overview"] = text
    assert found(data) == []


# --- percentages against their parts -----------------------------------------------------------

def test_a_share_of_an_outcome_group_against_the_totals():
    data, n = base()
    granted, done = n["t3.granted.total"], n["t3.total.total"]
    right = f"{100 * granted / done:.1f}"
    data["text.overview.on_request"] = f"其中予以公开{granted}件，占{right}%。"
    assert found(data) == []
    data["text.overview.on_request"] = f"其中予以公开{granted}件，占比{float(right) + 7:.1f}%。"
    [p] = found(data)
    assert p.actual == pytest.approx(float(right) + 7) and p.expected == pytest.approx(float(right), abs=0.05)
    assert "百分比" in p.message and "（二）依申请公开" in p.message


# --- 「均获维持」 while table 四 has other results ---------------------------------------------------

def test_all_upheld_while_table_four_has_pending_cases():
    data, _n = base()
    for part in ("corrected", "other", "pending"):
        data[f"t4.review.{part}"] = 0
    data["t4.review.upheld"] = 3
    data["t4.suit_direct.pending"] = 2  # a suit is pending: the sentence about 复议 is still right
    data["text.overview.supervision"] = "本年度发生的行政复议案件均获维持。"
    assert found(data) == []
    data["t4.review.pending"] = 1
    [p] = found(data)
    assert "尚未审结" in p.message and "均获维持" in p.message and "t4.review.pending" in p.keys
    data["text.overview.supervision"] = "行政复议和行政诉讼案件均获维持。"
    [p] = found(data)
    assert "t4.suit_direct.pending" in p.keys


# --- 六: 「未收取信息处理费」 while the fee figures are not 0 -----------------------------------------

def test_no_fee_said_while_the_fee_figures_are_not_zero():
    data, _ = base()
    data["fee.count"], data["fee.amount_yuan"] = 2, 380
    data["text.other"] = "本年度未收取信息处理费。"
    [p] = found(data)
    assert "380" in p.message and "六、其他需要报告的事项" in p.message and p.keys[0] == "text.other"
    data["text.other"] = "本年度收取信息处理费共计380元。其余单位未收取信息处理费。"
    assert found(data) == []
    data["text.other"] = "本年度收取信息处理费共计400元。"
    [p] = found(data)
    assert p.actual == 400 and p.expected == 380
    data["fee.count"], data["fee.amount_yuan"] = 0, 0
    data["text.other"] = "本年度未收取信息处理费。"
    assert found(data) == []


# --- issue 19.3: the clerk's own figures printed twice -------------------------------------------

def test_the_clerks_figures_repeating_the_generated_paragraph():
    data, n = base()
    new, done = n["t3.new.total"], n["t3.total.total"]
    data["text.overview.on_request"] = f"全市共受理政府信息公开申请{new}件，答复{done}件。我们加强了沟通。"
    [p] = found(data, rule="text-figures-twice")
    assert p.keys == ("text.overview.on_request",) and p.severity == "warning"
    assert f"受理政府信息公开申请{new}件" in p.message and f"答复{done}件" in p.message
    assert "（二）依申请公开" in p.message and "请删去" in p.message
    assert found(data, rule="text-figures-twice", published=True) == []  # a published report prints its text alone
    data["text.overview.on_request"] = "我们加强了与申请人的沟通。"
    assert found(data, rule="text-figures-twice") == []


def test_the_clerks_fee_sentence_repeating_the_generated_one():
    data, _ = base()
    data["fee.count"], data["fee.amount_yuan"] = 0, 0
    data["text.other"] = "本年度未收取信息处理费。"
    [p] = found(data, rule="text-figures-twice")
    assert "六、其他需要报告的事项" in p.message and "本年度未收取信息处理费" in p.message
    data["fee.count"], data["fee.amount_yuan"] = 2, 380
    data["text.other"] = "全年收取政府信息公开信息处理费380元。"
    [p] = found(data, rule="text-figures-twice")
    assert "合计380元" in p.message
    data["text.other"] = "无。"
    assert found(data, rule="text-figures-twice") == []


def test_a_long_quoted_sentence_is_cut_visibly():
    # a sentence cut at 40 characters without a mark read as the program mangling the clerk's text
    data, _ = base()
    data["fee.count"], data["fee.amount_yuan"] = 0, 0
    long = "2024年，区政府严格落实《政府信息公开信息处理费管理办法》，全年收取政府信息公开信息处理费0元"
    data["text.other"] = long + "。"
    [p] = found(data, rule="text-figures-twice")
    assert f"“{long[:40]}…”" in p.message and long not in p.message
    data["text.other"] = "本年度未收取信息处理费。"
    [p] = found(data, rule="text-figures-twice")
    assert "“本年度未收取信息处理费”" in p.message  # a short one whole, no mark


# --- the real prose: the known contradictions, nothing else --------------------------------------

KNOWN = {"2024_suqian_city.txt": {("text-figures", 170), ("text-figures", 77)},
         "2024_hongze_qzf.txt": {("text-figures", 95)}}


@pytest.mark.parametrize("name", ["reports/2023_hongze_qzf.txt", "reports/2024_hongze_qzf.txt",
                                  "reports/2024_huaian_szf.txt", "reports/2023_suqian_city.txt",
                                  "reports/2024_suqian_city.txt", "published/2019_pingtan_gwhbgs.txt",
                                  "published/2020_pingtan_czj.txt", "published/2022_pingtan_gaj.txt",
                                  "published/2024_pingtan_gwhbgs.txt"])
def test_real_prose_gives_only_the_known_contradictions(name):
    import xlreport

    path = SHARED / "fixtures" / name
    if not path.exists():
        pytest.skip(f"the shared fixtures are not beside the repository ({path})")
    result = xlreport.check(path)
    got = {(p.rule, p.expected) for p in result.problems if p.rule.startswith("text-figures")}
    assert got == KNOWN.get(path.name, set())
    # as a data file (what `import` writes, then rendered): the same contradictions, and a repeat
    # only where the clerk's figure is one the generated paragraph prints
    report = result.report
    problems = check(report.data, report.fmt, report.cells, False)
    assert {(p.rule, p.expected) for p in problems if p.rule == "text-figures"} == KNOWN.get(path.name, set())
    for p in problems:
        if p.rule == "text-figures-twice":
            assert "重复" in p.message
