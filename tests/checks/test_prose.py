"""Rule `text-figures`: figures quoted in the clerk's text against the tables.

The phrasing corpus below is one assertion per phrase: either the rule stays
silent on a figure it cannot pin to one table value, or it flags exactly one
contradiction with the right expected value. Each phrase is tried with a wrong
figure, and each phrase that is checked also with the right one.
"""

from __future__ import annotations

import pytest

from factories import consistent_data
from xlreport.checks import check
from xlreport.model.numbers import evaluate
from xlreport.model.formats import V2019, V2021
from xlreport.checks.figures import quoted_figures

WRONG = 987654  # a figure no table of the tests holds


def figures(data, fmt):
    return [p for p in check(data, fmt) if p.rule == "text-figures"]


def table_value(n, parts):
    """The sum of `parts`: full keys, or prefixes ending in "." meaning their rows' 总计."""
    return sum(n[p] if not p.endswith(".") else
               sum(v for k, v in n.items() if k.startswith(p) and k.endswith(".total")) for p in parts)


def sentence_data(fmt, seed=1):
    data = consistent_data(fmt, seed, distinct=True)
    n = evaluate(data, fmt).numbers
    for k in [t.key for t in fmt.texts]:
        data[k] = "无。" if k in ("text.other",) else data[k]
    return data, n


# --- the phrasing corpus ----------------------------------------------------------------------
# (phrase with {} for the figure, the table value it means: keys/prefixes summed).
# Official words come from published reports (fixtures, common-errors.md E8) and the issue.
NEW = ("t3.new.total",)
CHECKED = [
    ("本年度共受理政府信息公开申请{}件", NEW),
    ("全市全年共收办政府信息公开申请案件{}件", NEW),  # 宿迁 2023/2024
    ("区政府办代表区政府受理政府信息公开申请{}件", NEW),  # 洪泽 2024
    ("收到依申请公开申请{}件", NEW),
    ("共受理依申请公开{}件", NEW),
    ("新收政府信息公开申请数量为{}件", NEW),
    ("本年度新收{}件", NEW),
    ("共受理各类政府信息公开申请{}件", NEW),
    ("受理政府信息公开申请{}件，同比增长1.05%", NEW),  # the count is this year's; the % is not read
    ("答复{}件", ("t3.total.total",)),
    ("办结政府信息公开申请{}件", ("t3.total.total",)),
    ("（含上年度结转申请{}件）", ("t3.carried_over.total",)),
    ("另有{}件顺延到下年度答复", ("t3.carried_forward.total",)),
    ("转下年度办理{}件", ("t3.carried_forward.total",)),
    ("结转下一年度继续办理{}件", ("t3.carried_forward.total",)),
    ("予以公开{}件", ("t3.granted.total",)),
    ("其中予以公开{}件", ("t3.granted.total",)),
    ("部分公开{}件", ("t3.partly_granted.total",)),
    ("不予公开{}件", ("t3.denied.",)),
    ("无法提供{}件", ("t3.unable.",)),
    ("不予处理{}件", ("t3.not_processed.",)),
    ("作其他处理（含申请人主动撤回申请）{}件", ("t3.other_handling.",)),
    ("予以公开及部分公开{}件", ("t3.granted.total", "t3.partly_granted.total")),  # 上海 2019 (E8)
    ("予以公开、部分公开共{}件", ("t3.granted.total", "t3.partly_granted.total")),
    ("不予公开和无法提供{}件", ("t3.denied.", "t3.unable.")),
    ("予以公开或部分公开的{}件", ("t3.granted.total", "t3.partly_granted.total")),
    ("行政复议{}件", ("t4.review.total",)),
    ("备案政府信息依申请公开领域行政复议案件{}件", ("t4.review.total",)),  # 宿迁 2024
    ("被申请行政复议{}件", ("t4.review.total",)),
    ("行政诉讼案件{}件", ("t4.suit_direct.total", "t4.suit_after_review.total")),
    ("被提起行政诉讼{}件", ("t4.suit_direct.total", "t4.suit_after_review.total")),
    ("复议、诉讼{}件", ("t4.review.total", "t4.suit_direct.total", "t4.suit_after_review.total")),
    ("行政复议和行政诉讼案件共{}件", ("t4.review.total", "t4.suit_direct.total", "t4.suit_after_review.total")),
]
SILENT = [
    "较上年收到申请{}件",  # last year's figure (issue 10)
    "上年度受理政府信息公开申请{}件",
    "去年受理政府信息公开申请{}件",
    "2019年受理政府信息公开申请{}件",  # another year than the report's
    "2019年，全市受理政府信息公开申请{}件",
    "去年，受理政府信息公开申请{}件",
    "与2019年相比，受理政府信息公开申请{}件",
    "受理政府信息公开申请同比增加{}件",  # a change, not a count
    "比上年减少{}件",
    "受理政府信息公开申请同比增长{}%",  # a percentage
    "1-6月受理政府信息公开申请{}件",  # part of the year
    "累计受理政府信息公开申请{}件",
    "受理自然人申请{}件",  # one applicant column (issue 10)
    "受理法人或其他组织申请{}件",
    "受理商业企业申请{}件",
    "直接提起行政诉讼{}件",  # one part of a group (issue 10)
    "未经复议直接起诉{}件",
    "复议后起诉{}件",
    "经复议后提起行政诉讼{}件",
    "行政复议结果维持{}件",
    "其中结果纠正{}件",
    "尚未审结{}件",
    "不予公开（属于国家秘密）{}件",
    "无法提供中本机关不掌握相关政府信息{}件",
    "不予处理中重复申请{}件",
    "其中市本级受理政府信息公开申请{}件",  # part of the whole
    "行政复议、行政诉讼各{}件",  # each, not the sum
    "复议、诉讼分别为{}件",
    "答复人大代表建议{}件",  # not an application
    "办理政府信息公开申请{}件",  # received or answered: cannot tell
    "受理政府信息公开申请{}件左右",  # approximate
    "（市政府{}件、",  # a breakdown by agency
    "网上受理政府信息公开申请{}件",  # one channel
    "信函申请{}件",
    "行政复议答复{}件",  # two terms: whose figure?
    "作出予以公开答复{}件",
    "受理、办结政府信息公开申请{}件",
    "行政复议决定{}件",
    "撤回申请{}件",
    "受理政府信息公开申请，共计{}件",  # the term is in the clause before
    "受理涉及征地拆迁的申请{}件",  # a kind of application
    "书面答复{}件",  # a manner of answering
    "按时答复{}件",
    "本机关收到行政复议申请{}件（含政府信息公开类12件）",  # more than the report's subject
]


@pytest.mark.parametrize("fmt", [V2019, V2021], ids=lambda f: f.version)
@pytest.mark.parametrize("phrase,parts", CHECKED, ids=[p for p, _ in CHECKED])
def test_checked_phrase_flags_a_wrong_figure_once(fmt, phrase, parts):
    data, n = sentence_data(fmt)
    data["text.overview"] = phrase.format(WRONG)
    found = figures(data, fmt)
    assert [(p.expected, p.actual) for p in found] == [(table_value(n, parts), WRONG)]
    p = found[0]
    assert p.keys[0] == "text.overview" and p.severity == "warning"
    assert all(k in p.keys for k in parts if not k.endswith("."))
    assert str(WRONG) in p.message and "不一致" in p.message


@pytest.mark.parametrize("fmt", [V2019, V2021], ids=lambda f: f.version)
@pytest.mark.parametrize("phrase,parts", CHECKED, ids=[p for p, _ in CHECKED])
def test_checked_phrase_with_the_right_figure_passes(fmt, phrase, parts):
    data, n = sentence_data(fmt)
    data["text.overview"] = phrase.format(table_value(n, parts))
    assert figures(data, fmt) == []


@pytest.mark.parametrize("fmt", [V2019, V2021], ids=lambda f: f.version)
@pytest.mark.parametrize("phrase", SILENT)
def test_figure_that_cannot_be_pinned_is_left_alone(fmt, phrase):
    data, _ = sentence_data(fmt)
    data["text.overview"] = phrase.format(WRONG)
    assert figures(data, fmt) == []


def test_new_plus_carried_over_is_accepted():
    data, n = sentence_data(V2021)
    data["text.overview.on_request"] = f"全年共收办政府信息公开申请案件{n['t3.new.total'] + n['t3.carried_over.total']}件。"
    assert figures(data, V2021) == []


def test_published_total_or_its_parts_are_both_table_values():
    """洪泽 2023 prints table 四's totals as 0 over parts that sum to 11: either reading is in the table
    (the arithmetic rules report the table's own contradiction)."""
    data, n = sentence_data(V2021)
    parts = sum(n[f"t4.review.{c}"] for c in ("upheld", "corrected", "other", "pending"))
    data["t4.review.total"] = parts + 5
    for said in (parts, parts + 5):
        data["text.overview"] = f"行政复议{said}件。"
        assert figures(data, V2021) == []
    data["text.overview"] = f"行政复议{parts + 6}件。"
    assert [p.expected for p in figures(data, V2021)] == [parts + 5]


def test_shanghai_2019_sums_are_compared_with_their_sums():
    """common-errors.md E8: 「予以公开及部分公开258件」 against 275, 「无法提供265件」 against 337."""
    data, _ = sentence_data(V2019)
    data["meta.year"] = 2019
    cols = [f.key.rsplit(".", 1)[1] for f in V2019.input_fields if f.key.startswith("t3.granted.")]
    for row, first in (("granted", 200), ("partly_granted", 75), ("unable.not_held", 300),
                       ("unable.needs_creation", 37), ("unable.still_unclear", 0)):
        for i, col in enumerate(cols):
            data[f"t3.{row}.{col}"] = first if i == 0 else 0
    data["text.overview"] = "全年予以公开及部分公开258件，无法提供265件。"
    assert sorted((p.actual, p.expected) for p in figures(data, V2019)) == [(258, 275), (265, 337)]
    data["text.overview"] = "全年予以公开及部分公开275件，无法提供337件。"
    assert figures(data, V2019) == []


# --- one warning per contradiction ----------------------------------------------------------------

def test_the_same_wrong_figure_quoted_twice_is_one_warning():
    data, n = sentence_data(V2021)
    data["text.overview"] = f"全年受理政府信息公开申请{WRONG}件。"
    data["text.overview.on_request"] = f"本年度受理政府信息公开申请{WRONG}件，受理政府信息公开申请{WRONG}件。"
    found = figures(data, V2021)
    assert [(p.keys[0], p.actual) for p in found] == [("text.overview", WRONG)]


def test_a_sum_quoted_in_another_order_is_the_same_warning():
    data, n = sentence_data(V2021)
    data["text.overview"] = f"予以公开及部分公开{WRONG}件，部分公开、予以公开{WRONG}件。"
    assert [p.actual for p in figures(data, V2021)] == [WRONG]


def test_different_wrong_figures_or_meanings_are_separate_warnings():
    data, n = sentence_data(V2021)
    data["text.overview"] = f"受理政府信息公开申请{WRONG}件，受理政府信息公开申请{WRONG + 1}件，行政复议{WRONG}件。"
    assert sorted((p.expected, p.actual) for p in figures(data, V2021)) == sorted([
        (n["t3.new.total"], WRONG), (n["t3.new.total"], WRONG + 1), (n["t4.review.total"], WRONG)])


# --- blank cells: published reports mean 0 -----------------------------------------------------------

def blank_review(fmt=V2021):
    data, n = sentence_data(fmt)
    data["t4.review.corrected"] = None  # blank where a published report means 0
    data.pop("t4.review.total", None)  # the total is computed
    right = sum(n[f"t4.review.{c}"] for c in ("upheld", "other", "pending"))
    return data, right


def test_blank_cells_count_as_zero_and_the_contradiction_is_still_found():
    data, right = blank_review()
    data["text.overview"] = f"行政复议{WRONG}件。"
    problems = check(data, V2021)
    found = [p for p in problems if p.rule == "text-figures"]
    assert [(p.expected, p.actual) for p in found] == [(right, WRONG)]
    assert "空白" in found[0].message and "按 0" in found[0].message and "结果纠正" in found[0].message
    assert "t4.review.corrected" in found[0].keys
    # and the blank itself is reported as a blank
    assert [p.keys for p in problems if p.rule == "value-missing"] == [("t4.review.corrected",)]


def test_blank_cells_counted_as_zero_agree_with_prose_that_means_zero():
    data, right = blank_review()
    data["text.overview"] = f"行政复议{right}件。"
    assert figures(data, V2021) == []


def test_unusable_table_values_are_not_evaluated():
    data, _ = sentence_data(V2021)
    data["t4.review.upheld"] = "5件"  # not a number: what it means is unknown (value-not-integer says so)
    data.pop("t4.review.total", None)
    data["text.overview"] = f"行政复议{WRONG}件。"
    assert figures(data, V2021) == []


def test_numbers_that_are_not_these_figures_are_left_alone():
    data, _ = sentence_data(V2021)
    data["text.overview"] = ("收到公众意见75条，答复人大代表建议15件，开展解读98期；"
                             "归集政策文件10219件，其中市级文件8140件。主动公开政府信息14万余条。")
    assert figures(data, V2021) == []


def test_labels_come_from_the_format_declarations():
    """A phrase named by a table label follows the declaration, not a copy of it."""
    import dataclasses

    from xlreport.checks import figures as prose

    t3 = V2021.table("t3")
    cells = tuple(dataclasses.replace(c, text=c.text.replace("无法提供", "不能提供")) for c in t3.cells)
    fmt = dataclasses.replace(V2021, tables=tuple(dataclasses.replace(t, cells=cells) if t.id == "t3" else t
                                                  for t in V2021.tables))
    data, n = sentence_data(V2021)
    data["text.overview"] = f"不能提供{WRONG}件。无法提供{WRONG}件。"
    assert [p.expected for p in figures(data, fmt)] == [table_value(n, ("t3.unable.",))]
    assert prose.meanings(fmt) is not prose.meanings(V2021)


# --- the real prose ----------------------------------------------------------------------------------

def transcription_prose(path):
    lines = path.read_text(encoding="utf-8").splitlines()[1:]  # first line: SOURCE
    return "\n".join(line for line in lines if " | " not in line)  # table rows have " | "


REAL = [
    ("2024_huaian_szf", set()),  # prose matches the tables
    ("2023_suqian_city", set()),
    ("2023_hongze_qzf", set()),
    ("2024_suqian_city", {("行政复议案件134件", 170), ("行政诉讼案件57件", 77)}),  # contradicts table 四
    ("2024_hongze_qzf", {("受理政府信息公开申请17件", 95)}),  # 「受理…17件」 vs 95 in table 三
]


def real_report(fixtures_dir, name):
    from xlreport.io.readers import load_report

    report = load_report(fixtures_dir / f"{name}.json")
    report.data["text.overview"] = transcription_prose(fixtures_dir / f"{name}.txt")
    return report


def quoted(problem):
    return problem.message.split("中写“")[1].split("”")[0]


@pytest.mark.parametrize("name,expected", REAL)
def test_real_reports(fixtures_dir, name, expected):
    report = real_report(fixtures_dir, name)
    found = {(quoted(p), p.expected) for p in check(report.data, report.fmt) if p.rule == "text-figures"}
    assert found == expected


@pytest.mark.parametrize("name,_", REAL)
def test_real_reports_with_blanks_for_zeros(fixtures_dir, name, _):
    """The same prose over tables that leave every 0 blank (and print no totals): the same verdicts."""
    report = real_report(fixtures_dir, name)
    expected = {(quoted(p), p.expected) for p in check(report.data, report.fmt) if p.rule == "text-figures"}
    data = dict(report.data)
    blanks = [f.key for f in report.fmt.input_fields if data.get(f.key) == 0]
    for k in blanks:
        data[k] = None
    for f in report.fmt.value_fields:
        if f.derived and f.table in ("t3", "t4"):
            data.pop(f.key, None)
    problems = check(data, report.fmt)
    found = [p for p in problems if p.rule == "text-figures"]
    assert {(quoted(p), p.expected) for p in found} == expected
    assert {k for p in problems if p.rule == "value-missing" for k in p.keys} >= set(blanks)


@pytest.mark.parametrize("phrase", ["较上年收到申请3511件", "受理自然人申请3440件", "直接提起行政诉讼25件",
                                    "全年受理政府信息公开申请3525件，同比增长1.05%"])
def test_issue_phrasings_on_the_real_report_are_silent(fixtures_dir, phrase):
    report = real_report(fixtures_dir, "2024_suqian_city")
    report.data["text.overview"] = phrase
    assert [p for p in check(report.data, report.fmt) if p.rule == "text-figures"] == []


def test_known_contradictions_are_flagged_once_when_quoted_twice(fixtures_dir):
    report = real_report(fixtures_dir, "2024_suqian_city")
    report.data["text.problems"] = "全年备案行政复议案件134件，行政诉讼案件57件。"
    found = [(quoted(p), p.expected) for p in check(report.data, report.fmt) if p.rule == "text-figures"]
    assert sorted(found) == sorted([("行政复议案件134件", 170), ("行政诉讼案件57件", 77)])


def test_every_quoted_figure_of_the_real_prose_is_examined(fixtures_dir):
    """Every 「N件」 of the real prose is read (docs/checking.md gives the counts); the ones pinned to a table
    value include every figure of the five reports' 依申请公开 and 复议/诉讼 sentences."""
    import re

    pinned = []
    for name, _ in REAL:
        report = real_report(fixtures_dir, name)
        text = report.data["text.overview"]
        figs = quoted_figures(text, report.fmt, report.data.get("meta.year"))
        assert len(figs) == len(re.findall(r"\d件", text))
        pinned += [f.phrase for f in figs if f.meaning is not None]
    for phrase in ("受理政府信息公开申请21件", "收办政府信息公开申请案件3607件", "其他处理（含申请人主动撤回申请）341件",
                   "答复3050件", "上年度结转申请34件", "103件顺延到下年度", "行政诉讼46件", "转下年度办理125件"):
        assert phrase in pinned
