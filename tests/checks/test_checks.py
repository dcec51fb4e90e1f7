"""Every rule of data-model.md §4, in both formats: one case that passes and one
that fails on exactly the planted key; plus property tests over random data."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factories import consistent_data, derived_closure
from xlreport.checks import check
from xlreport.model.numbers import evaluate
from xlreport.model.formats import V2019, V2021
from xlreport.model.rules import RULES

FORMATS = [V2019, V2021]


def rules_of(problems):
    return sorted({p.rule for p in problems})


def pairs(problems):
    return {(p.rule, k) for p in problems for k in p.keys}


def plant(fmt, changes, with_totals=False, seed=3):
    data = consistent_data(fmt, seed, with_totals=with_totals)
    assert check(data, fmt) == [], "the base case must pass"
    for key, value in changes.items():
        if value is DELETE:
            data.pop(key, None)
        else:
            data[key] = value(data) if callable(value) else value
    return check(data, fmt)


DELETE = object()


def bump(key, by=1):
    return {key: lambda d: d[key] + by}


def published(fmt, key, delta=1):
    """Publish a derived total that is off by `delta`."""
    def value(d):
        return evaluate(d, fmt).numbers[key] + delta
    return {key: value}


# (rule, format versions, changes) — each must raise `rule` on the planted key
CASES = [
    ("value-missing", "both", {"t3.granted.business": DELETE}, "t3.granted.business"),
    ("value-missing", "both", {"t4.review.upheld": "  "}, "t4.review.upheld"),
    ("value-not-integer", "both", {"t3.new.research": "５"}, "t3.new.research"),
    ("value-not-integer", "both", {"t3.new.research": "5件"}, "t3.new.research"),
    ("value-not-integer", "both", {"t3.new.research": " 5 "}, "t3.new.research"),
    ("value-not-integer", "both", {"t3.new.research": "5"}, "t3.new.research"),
    ("value-not-integer", "both", {"t4.review.other": 1.5}, "t4.review.other"),
    ("value-not-integer", "both", {"t4.review.other": True}, "t4.review.other"),
    ("value-not-integer", "both", {"t4.review.other": 1e20}, "t4.review.other"),
    ("value-not-integer", "2021", {"t2.fees.amount": "12万"}, "t2.fees.amount"),
    ("value-negative", "both", {"t3.unable.not_held.other_org": -1}, "t3.unable.not_held.other_org"),
    ("value-negative", "2019", {"t2.licensing.last_year": -2}, "t2.licensing.last_year"),
    ("t3-balance", "both", bump("t3.carried_forward.legal_service"), "t3.carried_forward.legal_service"),
    ("t3-balance", "both", bump("t3.new.natural_person"), "t3.new.natural_person"),
    ("t3-results-sum", "both", {}, "t3.total.social_welfare"),  # published total, see below
    ("t3-row-sum", "both", {}, "t3.new.total"),
    ("t4-sum", "both", {}, "t4.suit_after_review.total"),
    ("t2-stock-negative", "2019", {"t2.penalty.change": lambda d: -d["t2.penalty.last_year"] - 1},
     "t2.penalty.change"),
    ("t2-published-exceeds-total", "2019",
     {"t2.normative_docs.published": lambda d: d["t2.normative_docs.public_total"] + 1},
     "t2.normative_docs.published"),
    ("t2-rules-authority", "2021", {"t2.rules.in_force": 2}, "t2.rules.in_force"),
    ("t2-rules-authority", "2019", {"t2.rules.made": 1}, "t2.rules.made"),
    ("meta-missing", "both", {"meta.agency": DELETE}, "meta.agency"),
    ("meta-missing", "both", {"meta.year": None}, "meta.year"),
    ("meta-invalid", "both", {"meta.agency_kind": "bureau"}, "meta.agency_kind"),
    ("meta-invalid", "both", {"meta.can_make_rules": 1}, "meta.can_make_rules"),
    ("meta-invalid", "both", {"meta.year": "二〇二四"}, "meta.year"),
    ("meta-missing", "both", {"meta.agency": "\u3000\n"}, "meta.agency"),
    ("meta-invalid", "both", {"meta.agency": {"a": 1}}, "meta.agency"),
    ("meta-invalid", "2019", {"meta.year": 2018}, "meta.year"),
    ("value-not-choice", "2019", {"t2.procurement.amount_unit": "美元"}, "t2.procurement.amount_unit"),
    ("value-missing", "2019", {"t2.procurement.amount_unit": DELETE}, "t2.procurement.amount_unit"),
    ("fee-consistency", "2021", {"fee.count": 3, "fee.amount_yuan": DELETE}, "fee.amount_yuan"),
    ("fee-consistency", "2021", {"fee.count": 0, "fee.amount_yuan": 50}, "fee.count"),
    ("text-missing", "both", {"text.problems": "无"}, "text.problems"),
    ("text-missing", "both", {"text.problems": "\u3000\u3000无。\n"}, "text.problems"),
    ("text-missing", "2021", {"fee.count": DELETE, "fee.amount_yuan": DELETE}, "text.other"),
    ("text-missing", "both", {"meta.agency_kind": "government"}, "meta.agency_kind"),
    ("format-version", "2019", {"meta.year": 2024}, "meta.year"),
    ("format-version", "2021", {"meta.year": 2020}, "meta.year"),
]
PUBLISHED_TOTALS = {"t3-results-sum", "t3-row-sum", "t4-sum"}


def expand(cases):
    for rule, versions, changes, key in cases:
        for fmt in FORMATS:
            if versions in ("both", fmt.version):
                yield pytest.param(fmt, rule, changes, key, id=f"{fmt.version}-{rule}-{key}")


@pytest.mark.parametrize("fmt,rule,changes,key", list(expand(CASES)))
def test_rule_fails_on_planted_key(fmt, rule, changes, key):
    if rule in PUBLISHED_TOTALS:
        changes = published(fmt, key)
    problems = plant(fmt, changes, with_totals=rule in PUBLISHED_TOTALS)
    assert (rule, key) in pairs(problems), problems
    # nothing is blamed on anything else: every problem involves the planted key
    # or a total derived from it
    involved = {key} | derived_closure(fmt, key)
    for p in problems:
        assert involved & set(p.keys), p


def test_rules_authority_passes_with_rule_making_power():
    data = consistent_data(V2021, 1)
    data["t2.rules.issued"] = 3
    assert rules_of(check(data, V2021)) == ["t2-rules-authority"]
    data["meta.can_make_rules"] = True
    assert check(data, V2021) == []


def test_negative_change_is_allowed_in_v2019():
    data = consistent_data(V2019, 1)
    data["t2.licensing.last_year"], data["t2.licensing.change"] = 5, -5
    assert check(data, V2019) == []


def test_text_missing_passes_when_fee_is_stated_in_text():
    data = consistent_data(V2021, 1)
    del data["fee.count"], data["fee.amount_yuan"]
    data["text.other"] = "本年度未收取信息处理费。"
    assert check(data, V2021) == []


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.version)
def test_government_must_report_assessment_review_and_accountability(fmt):
    """条例 第五十条第（四）项: 各级人民政府 report 工作考核、社会评议和责任追究结果 (issue 9.10)."""
    data = consistent_data(fmt, 7)
    data["meta.agency_kind"] = "government"
    [p] = check(data, fmt)
    assert (p.rule, p.severity) == ("text-missing", "warning")
    assert p.keys == ("meta.agency_kind", *(t.key for t in fmt.texts))
    for words in ("各级人民政府", "工作考核、社会评议和责任追究结果", "“考核”“评议”“追究”", "（五）监督保障"):
        assert words in p.message
    for key, words in (("text.overview.supervision", "将政务公开纳入绩效考核。"), ("text.problems", "开展社会评议。"),
                       ("text.other", "未发生责任追究情况。"), ("text.overview", "无责任追究。")):
        assert check({**data, key: words}, fmt) == [], key  # any one of them, in any text
    assert check({**data, "meta.agency_kind": "department"}, fmt) == []
    assert check({**data, "meta.agency_kind": "other"}, fmt) == []
    del data["meta.agency_kind"]
    assert check(data, fmt) == []


def test_blank_values_skip_the_rules_that_touch_them():
    data = consistent_data(V2021, 2)
    data["t3.new.business"] = None
    data["t3.carried_forward.business"] += 7  # would break the balance, but 一 is blank
    problems = check(data, V2021)
    assert pairs(problems) >= {("value-missing", "t3.new.business")}
    assert "t3-balance" not in {p.rule for p in problems if "t3.new.business" not in p.keys
                                and "t3.new.total" not in p.keys}
    assert not any(p.rule == "t3-balance" and "t3.carried_forward.business" in p.keys for p in problems)


def test_message_names_table_row_column_and_numbers():
    data = consistent_data(V2021, 4)
    data["t3.carried_forward.business"] += 1
    p = next(p for p in check(data, V2021) if p.rule == "t3-balance")
    assert p.message.startswith("表三 商业企业列：第一项加第二项之和（")
    assert f"（{p.expected}）" in p.message and f"（{p.actual}）" in p.message
    assert p.actual == p.expected + 1
    assert p.severity == "error" and p.cells == ()
    data = consistent_data(V2021, 4)
    data["t3.new.research"] = "5件"
    p = next(p for p in check(data, V2021) if p.rule == "value-not-integer")
    assert "“5件”" in p.message and "科研机构" in p.message and "一、本年新收政府信息公开申请数量" in p.message


def test_cross_year_rules():
    data = consistent_data(V2021, 5)
    for col in ("natural_person", "business", "research", "social_welfare", "legal_service", "other_org"):
        data[f"previous.t3.carried_forward.{col}"] = data[f"t3.carried_over.{col}"]
    data["previous.t2.rules.in_force"] = 0
    data["previous.t2.normative_docs.in_force"] = (
        data["t2.normative_docs.in_force"] - data["t2.normative_docs.issued"] + data["t2.normative_docs.repealed"])
    assert check(data, V2021) == []
    data["previous.t3.carried_forward.research"] += 1
    data["previous.t2.normative_docs.in_force"] += 1
    got = pairs(check(data, V2021))
    assert ("t3-carry-continuity", "t3.carried_over.research") in got
    assert ("t3-carry-continuity", "t3.carried_over.total") in got  # previous total is computed
    assert ("t2-in-force-continuity", "t2.normative_docs.in_force") in got
    assert all(sev == "warning" for sev in {p.severity for p in check(data, V2021)})


def test_items_continuity_v2019():
    data = consistent_data(V2019, 6)
    for item in ("licensing", "other_services", "penalty", "coercion", "fees"):
        data[f"previous.t2.{item}.last_year"] = data[f"t2.{item}.last_year"] + 1
        data[f"previous.t2.{item}.change"] = -1
    assert check(data, V2019) == []
    data["previous.t2.coercion.change"] = 0
    assert pairs(check(data, V2019)) >= {("t2-items-continuity", "t2.coercion.last_year")}
    assert rules_of(check(data, V2019)) == ["t2-items-continuity"]


def test_every_rule_has_a_failing_case():
    planted = {rule for rule, *_ in CASES} | {"t3-carry-continuity", "t2-in-force-continuity",
                                              "t2-items-continuity", "unknown-key",
                                              "text-figures",  # text-figures: tests/checks/test_prose.py
                                              "text-figures-twice",  # tests/checks/test_prose_statements.py
                                              "t2-public-total-continuity",  # tests/checks/test_crossyear.py
                                              "table-incomplete",  # tests/io/importers/test_blanks_and_cuts.py
                                              "label-altered",  # tests/io/importers/test_blanks_and_cuts.py
                                              "text-repeated"}  # text-repeated: tests/checks/test_audit_text.py
    assert planted == {r.id for r in RULES}


# --- properties ------------------------------------------------------------

@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10**6), fmt=st.sampled_from(FORMATS), totals=st.booleans())
def test_random_consistent_data_has_no_problems(seed, fmt, totals):
    assert check(consistent_data(fmt, seed, with_totals=totals), fmt) == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10**6), fmt=st.sampled_from(FORMATS), data=st.data())
def test_changing_one_input_blames_only_that_input(seed, fmt, data):
    base = consistent_data(fmt, seed)
    numeric = [f for f in fmt.input_fields if f.numeric]
    f = data.draw(st.sampled_from(numeric), label="field")
    new = data.draw(st.one_of(st.integers(-3, 50), st.sampled_from(["", "x", "５", 2.5, None])), label="value")
    base[f.key] = new
    involved = {f.key} | derived_closure(fmt, f.key)
    for p in check(base, fmt):
        assert involved & set(p.keys), (f.key, new, p)


def test_a_government_without_accountability_is_told_where_to_write_it(fixtures_dir):
    """淮安市人民政府's report says nothing of 考核/评议/追究: the problem points at （五）监督保障 alone (not
    at every section searched), and, the name ending in 人民政府, asks nothing about the agency kind."""
    from xlreport import api

    [p] = [p for p in api.check(fixtures_dir / "2024_huaian_szf.txt").problems
           if p.rule == "text-missing" and "考核" in p.message]
    assert len(p.cells) == 1 and "（五）监督保障" in p.cells[0]
    assert "如本机关不是人民政府" not in p.message
