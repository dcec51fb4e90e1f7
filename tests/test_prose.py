"""Rule `text-figures`: figures quoted in the clerk's text against the tables."""

from __future__ import annotations

import pytest

from factories import consistent_data
from xlreport.checks import check, evaluate
from xlreport.formats import V2019, V2021


def figures(data, fmt):
    return [p for p in check(data, fmt) if p.rule == "text-figures"]


def sentence_data(fmt, seed=1):
    data = consistent_data(fmt, seed)
    n = evaluate(data, fmt).numbers
    group = lambda prefix: sum(v for k, v in n.items() if k.startswith(prefix) and k.endswith(".total"))  # noqa: E731
    data["text.overview"] = (
        f"本年度共受理政府信息公开申请{n['t3.new.total']}件，答复{n['t3.total.total']}件"
        f"（含上年度结转申请{n['t3.carried_over.total']}件，另有{n['t3.carried_forward.total']}件顺延到下年度答复），"
        f"其中予以公开{n['t3.granted.total']}件、部分公开{n['t3.partly_granted.total']}件、"
        f"不予公开{group('t3.denied.')}件、无法提供{group('t3.unable.')}件、不予处理{group('t3.not_processed.')}件、"
        f"作其他处理（含撤回）{group('t3.other_handling')}件。\n"
        f"发生政府信息公开行政复议{n['t4.review.total']}件，行政诉讼"
        f"{n['t4.suit_direct.total'] + n['t4.suit_after_review.total']}件。"
    )
    return data, n


@pytest.mark.parametrize("fmt", [V2019, V2021], ids=lambda f: f.version)
def test_consistent_prose_passes(fmt):
    data, _ = sentence_data(fmt)
    assert figures(data, fmt) == []


@pytest.mark.parametrize("fmt", [V2019, V2021], ids=lambda f: f.version)
@pytest.mark.parametrize("phrase,key", [
    ("受理政府信息公开申请{}件", "t3.new.total"),
    ("答复{}件", "t3.total.total"),
    ("含上年度结转申请{}件", "t3.carried_over.total"),
    ("另有{}件顺延到下年度", "t3.carried_forward.total"),
    ("予以公开{}件", "t3.granted.total"),
    ("部分公开{}件", "t3.partly_granted.total"),
    ("不予公开{}件", None),
    ("无法提供{}件", None),
    ("不予处理{}件", None),
    ("其他处理（含撤回）{}件", None),
    ("行政复议{}件", "t4.review.total"),
    ("行政诉讼{}件", "t4.suit_direct.total"),
])
def test_each_phrase_flags_a_wrong_figure(fmt, phrase, key):
    data, n = sentence_data(fmt)
    data["text.overview"] = phrase.format(987654)
    found = figures(data, fmt)
    assert len(found) == 1
    p = found[0]
    assert p.keys[0] == "text.overview" and p.actual == 987654 and p.severity == "warning"
    if key:
        assert key in p.keys
    assert "987654" in p.message and "不一致" in p.message


def test_new_plus_carried_over_is_accepted():
    data, n = sentence_data(V2021)
    data["text.overview.on_request"] = f"全年共收办政府信息公开申请案件{n['t3.new.total'] + n['t3.carried_over.total']}件。"
    assert figures(data, V2021) == []


def test_blank_table_figures_are_not_evaluated():
    data, _ = sentence_data(V2021)
    data["t4.review.upheld"] = None
    data["text.overview"] = "行政复议987654件。"
    assert figures(data, V2021) == []


def test_numbers_that_are_not_these_figures_are_left_alone():
    data, _ = sentence_data(V2021)
    data["text.overview"] = ("收到公众意见75条，答复人大代表建议15件，开展解读98期；"
                             "归集政策文件10219件，其中市级文件8140件。主动公开政府信息14万余条。")
    assert figures(data, V2021) == []


def transcription_prose(path):
    lines = path.read_text(encoding="utf-8").splitlines()[1:]  # first line: SOURCE
    return "\n".join(line for line in lines if " | " not in line)  # table rows have " | "


@pytest.mark.parametrize("name,expected", [
    ("2024_huaian_szf", set()),  # prose matches the tables
    ("2023_suqian_city", set()),
    ("2023_hongze_qzf", set()),
    ("2024_suqian_city", {("行政复议案件134件", 170), ("行政诉讼案件57件", 77)}),  # contradicts table 四
    ("2024_hongze_qzf", {("受理政府信息公开申请17件", 95)}),  # 「受理…17件」 vs 95 in table 三
])
def test_real_reports(fixtures_dir, name, expected):
    from xlreport.data import load_report

    report = load_report(fixtures_dir / f"{name}.json")
    report.data["text.overview"] = transcription_prose(fixtures_dir / f"{name}.txt")
    found = {(p.message.split("中写“")[1].split("”")[0], p.expected)
             for p in check(report.data, report.fmt) if p.rule == "text-figures"}
    assert found == expected
