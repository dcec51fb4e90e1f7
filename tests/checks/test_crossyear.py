"""Rule t2-public-total-continuity (issue 17 item 7): V2019 对外公开总数量 that grows with nothing
newly published, against last year's report (`check --previous`, the pairs of `audit`)."""

from __future__ import annotations

from factories import consistent_data

from xlreport.io.jsonfile import write_json
from xlreport.model.formats import V2019


def pair(tmp_path, last_total, this_total, published):
    import xlreport

    last = consistent_data(V2019, 1)
    last["meta.year"] = 2019
    last["t2.rules.public_total"] = last_total
    this = consistent_data(V2019, 1)
    this["meta.year"] = 2020
    this["t2.rules.public_total"], this["t2.rules.published"], this["t2.rules.made"] = this_total, published, published
    this["meta.can_make_rules"] = last["meta.can_make_rules"] = True
    write_json(tmp_path / "2019.json", last, V2019, force=True)
    write_json(tmp_path / "2020.json", this, V2019, force=True)
    return xlreport.check(tmp_path / "2020.json", previous=tmp_path / "2019.json")


def test_public_total_growing_with_nothing_published(tmp_path):
    result = pair(tmp_path, 0, 7, 0)  # 规章 0 → 7, nothing newly published
    [p] = [p for p in result.problems if p.rule == "t2-public-total-continuity"]
    assert p.severity == "warning" and p.keys == ("t2.rules.public_total", "t2.rules.published")
    assert (p.expected, p.actual) == (0, 7)
    assert "“规章”" in p.message and "从上年报告的 0 增加到 7" in p.message and "请核对" in p.message


def test_public_total_growing_by_what_was_published_passes(tmp_path):
    assert [p for p in pair(tmp_path, 3, 7, 4).problems if p.rule == "t2-public-total-continuity"] == []
    assert [p for p in pair(tmp_path, 9, 7, 0).problems if p.rule == "t2-public-total-continuity"] == []


def test_without_last_year_the_rule_is_silent(tmp_path):
    import xlreport

    data = consistent_data(V2019, 1)
    data["t2.normative_docs.public_total"] = 10**6
    write_json(tmp_path / "a.json", data, V2019)
    assert [p for p in xlreport.check(tmp_path / "a.json").problems if p.rule == "t2-public-total-continuity"] == []
