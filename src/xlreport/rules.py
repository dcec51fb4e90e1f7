"""The rule catalogue of data-model.md §4: every rule id, declared once.

Formats refer to these ids when they declare checks; the README's rule table
and the 校验 sheet's descriptions are generated from this list.
"""

from __future__ import annotations

from .spec import Rule

RULES: tuple[Rule, ...] = (
    Rule("value-missing", "error", "an input (or a published total) is blank"),
    Rule("value-not-integer", "error",
         'text ("5", "５", "5件"), a decimal, a date or TRUE/FALSE where a whole number '
         "belongs (for amounts: anything that is not a number)"),
    Rule("value-negative", "error", "below zero (all but V2019 `*.change`)"),
    Rule("t3-balance", "error", "table 三, per column: 一 + 二 = （七）总计 + 四 (the rule printed in the table)"),
    Rule("t3-results-sum", "error", "table 三, per column: （七）总计 = sum of every result row"),
    Rule("t3-row-sum", "error", "table 三, per row: 总计 = the six applicant columns"),
    Rule("t4-sum", "error", "table 四, per group: 总计 = 维持 + 纠正 + 其他 + 尚未审结"),
    Rule("t2-stock-negative", "error", "V2019: 上一年项目数量 + 本年增/减 < 0"),
    Rule("t2-published-exceeds-total", "warning", "V2019: 本年新公开数量 > 对外公开总数量"),
    Rule("t2-rules-authority", "warning", "规章 figures non-zero while `meta.can_make_rules` is false"),
    Rule("t3-carry-continuity", "warning", "per column: 上年结转 ≠ last year's 结转下年度 (needs last year's figures)"),
    Rule("t2-in-force-continuity", "warning", "V2021: 现行有效 ≠ last year's 现行有效 + 制发 − 废止"),
    Rule("t2-items-continuity", "warning", "V2019: 上一年项目数量 ≠ last year's 上一年项目数量 + 本年增/减"),
    Rule("format-version", "error", "the layout's version does not match the report year"),
    Rule("meta-missing", "error", "`meta.agency` or `meta.year` is blank"),
    Rule("meta-invalid", "error",
         "a cover value is not one of its choices (agency kind, 有规章制定权) or the year is not a year"),
    Rule("text-missing", "warning", "五 is empty or only 「无」; V2021 六 says nothing about 信息处理费"),
    Rule("unknown-key", "error", "a JSON key that is not in the contract", native=False),
)

RULE_BY_ID = {r.id: r for r in RULES}


def severity(rule_id: str) -> str:
    return RULE_BY_ID[rule_id].severity
