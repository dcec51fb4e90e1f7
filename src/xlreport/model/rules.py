"""The rule catalogue of data-model.md §4: every rule id, declared once.

Formats refer to these ids when they declare checks; the rule table of docs/rules.md
and the 校验 sheet's descriptions are generated from this list.
"""

from __future__ import annotations

from xlreport.model.spec import Rule

# How people read a severity (the console, the 校验 sheet, the Excel pane, the audit workbook).
SEVERITY_LABEL = {"error": "错误", "warning": "警告"}

RULES: tuple[Rule, ...] = (
    Rule("value-missing", "error", "an input (or a published total) is blank; a published report's cell that "
         "was not found at all is said so (「报告中没有找到这一格」), not 「未填写」",
         "输入格不能为空（没有的填 0）"),
    Rule("value-not-integer", "error",
         'text ("5", "５", "5件"), a decimal, a date or TRUE/FALSE where a whole number belongs; '
         "for amounts anything that is not a number; values of 10^12 or more",
         "件数只能是整数，金额只能是数字"),
    Rule("value-negative", "error", "below zero (all but V2019 `*.change`)",
         "数字不能为负数"),
    Rule("t3-balance", "error", "table 三, per column: 一 + 二 = （七）总计 + 四 (the rule printed in the table)",
         "第一项加第二项之和应等于第三项加第四项之和"),
    Rule("t3-results-sum", "error", "table 三, per column: （七）总计 = sum of every result row",
         "（七）总计应等于各项办理结果之和"),
    Rule("t3-row-sum", "error", "table 三, per row: 总计 = the six applicant columns",
         "总计应等于六类申请人之和"),
    Rule("t4-sum", "error", "table 四, per group: 总计 = 维持 + 纠正 + 其他 + 尚未审结",
         "总计应等于结果维持、结果纠正、其他结果、尚未审结之和"),
    Rule("t2-stock-negative", "error", "V2019: 上一年项目数量 + 本年增/减 < 0",
         "上一年项目数量加本年增/减不能小于 0"),
    Rule("t2-published-exceeds-total", "warning", "V2019: 本年新公开数量 > 对外公开总数量",
         "本年新公开数量不应大于对外公开总数量"),
    Rule("t2-rules-authority", "warning", "规章 figures non-zero while `meta.can_make_rules` is false",
         "无规章制定权的机关，规章数字应为 0"),
    Rule("t3-carry-continuity", "warning", "per column: 上年结转 ≠ last year's 结转下年度 (needs last year's figures)",
         "上年结转应等于上年报告的结转下年度继续办理"),
    Rule("t2-in-force-continuity", "warning", "V2021: 现行有效 ≠ last year's 现行有效 + 制发 − 废止",
         "现行有效件数应等于上年现行有效件数加本年制发件数减本年废止件数"),
    Rule("t2-items-continuity", "warning", "V2019: 上一年项目数量 ≠ last year's 上一年项目数量 + 本年增/减",
         "上一年项目数量应等于上年报告的上一年项目数量加本年增/减"),
    Rule("t2-public-total-continuity", "warning",
         "V2019: 对外公开总数量 of 规章/规范性文件 grew over last year's by more than 本年新公开数量 (规章 0 → 7 with "
         "nothing newly published); needs last year's report (`--previous`, or both years in `xlreport audit`)",
         "对外公开总数量的增加不应超过本年新公开数量", native=False),
    Rule("format-version", "error", "the layout's version does not match the report year",
         "报告年度应与工作簿的格式版本一致"),
    Rule("table-incomplete", "error",
         "a published report's table could not be read whole: the text stops inside a table (one problem naming "
         "where it stops, instead of a value-missing per cell), or a row's cells cannot be placed under the "
         "table's header (more or fewer cells than columns), or a row or column of totals is not printed at all; "
         "the values concerned are not reported again as blank",
         "已发布报告的表格应完整（合计行、合计列都要印出），每行的格应与表头的列对应", native=False),
    Rule("label-altered", "warning",
         "a published report prints a row of table 三 under a label other than the official one — a typo "
         "(「2.其他法律行政止公开」), other words (「合计」 for （七）总计) or another numbering (「七、总计」) — and the "
         "row is read as the official row it matches (its figures are checked); one per row. Annotations in "
         "brackets left out, spaces, punctuation, full-width characters and a label wrapped over two rows (its "
         "rest below, without a figure) do not count",
         "表格的行名应与官方格式一致", native=False),
    Rule("meta-missing", "error", "`meta.agency` or `meta.year` is blank",
         "机关全称和报告年度必须填写"),
    Rule("meta-invalid", "error",
         "a cover value is not one of its choices (agency kind, 有规章制定权), the year is not a year, or a "
         "cover cell holds an error value (#N/A …) or, where text belongs, TRUE/FALSE",
         "封面数据应为有效值"),
    Rule("value-not-choice", "error", "a value to be chosen from a list (V2019 采购总金额单位: 元 or 万元) is something else",
         "只能从下拉列表中选择"),
    Rule("fee-consistency", "warning",
         "V2021 信息处理费: only one of 件数 and 金额 is filled, or one is 0 while the other is not",
         "信息处理费的件数和金额应同时填写，且同为 0 或同不为 0"),
    Rule("text-missing", "warning",
         "一 has no text (V2021: any of its five sub-topics （一）–（五） is empty, one instance each; V2019: 一 and "
         "its sub-texts are all empty); 五 is empty or only 「无」; V2021 六 says nothing about 信息处理费; the report "
         "of a government (各级人民政府) has none of 考核, 评议, 追究 in any text (条例 第五十条: 工作考核、社会评议和责任追究结果). "
         "A warning, except three instances that are errors (`render` refuses them without --ignore-errors): "
         "一 empty in all its parts, 五 empty or only 「无」, and 六 printing nothing at all (no text and, V2021, no fee figures)",
         "一及其各分项应有内容；五应写明问题和改进；2021 版六应说明信息处理费；各级人民政府应报告工作考核、社会评议和责任追究结果"),
    Rule("text-figures", "warning",
         "a figure quoted in the clerk's own text (受理/答复/结转 …件, 予以公开 …件 and the other outcome "
         "groups, 行政复议/行政诉讼 …件, sums such as 予以公开及部分公开, 复议、诉讼, and table 二's 现行有效/制发/"
         "废止 …规范性文件/规章 …件, 行政许可/行政处罚/行政强制决定 …件; also written 「申请 14 件」 or 「十四件」) "
         "matches none of the table values it can mean (blank cells count as 0); a share 「…件，占N%」 of an "
         "outcome group that fits none of 办结/新收 (+上年结转); 「均获维持」 while table 四 has other results in "
         "that group; 六 saying no 信息处理费 was charged while the fee figures are not 0, or quoting another "
         "amount; silent on figures it cannot pin to one value (上年/同比, one applicant column, one part of a "
         "group); one warning per phrase and figure",
         "正文中引用的数字应与表格一致", native=False),
    Rule("text-figures-twice", "warning",
         "the clerk's own text repeats a figure that the Word report already prints in the same place from the "
         "tables: 一（二）'s generated data paragraph (新收/上年结转/办结/结转下年度, the outcome groups) followed by "
         "the clerk's 「受理…件，答复…件」, or 六's generated 信息处理费 sentence followed by the clerk's own; "
         "workbooks and data files only (a published report prints its own text alone); a figure that "
         "contradicts the tables is `text-figures`",
         "正文不应重复报告已按表格自动生成的数字", native=False),
    Rule("unknown-key", "error", "a JSON key that is not in the contract",
         "数据文件中不应有约定以外的项目", native=False),
    Rule("text-repeated", "warning",
         "a narrative section (any text of 一, 五, 六) is largely last year's text of the same agency (「内容雷同」, "
         "30号): ≥ 80% of its character 5-grams occur in last year's same section, after dropping the format's "
         "headings, the Word report's generated sentences and customary lines (条例/统计期限/网址/联系方式) and "
         "writing every number as #; sections under 50 characters are not compared; needs last year's report "
         "(`--previous`, or both years in `xlreport audit`)",
         "各部分文字不应与上年报告雷同", native=False),
)

RULE_BY_ID = {r.id: r for r in RULES}

# A short Chinese name of every rule, shown beside its id on the 校验 sheet.
RULE_NAMES = {
    "value-missing": "未填写", "value-not-integer": "不是整数", "value-negative": "负数",
    "t3-balance": "表三收支平衡", "t3-results-sum": "表三办理结果合计", "t3-row-sum": "表三申请人合计",
    "t4-sum": "表四合计", "t2-stock-negative": "表二项目数为负", "t2-published-exceeds-total": "表二新公开多于总数",
    "t2-rules-authority": "无规章制定权", "t3-carry-continuity": "上年结转衔接", "t2-in-force-continuity": "现行有效件数衔接",
    "t2-items-continuity": "项目数量衔接", "t2-public-total-continuity": "对外公开总数衔接",
    "format-version": "格式版本", "table-incomplete": "表格不全", "label-altered": "行名不符", "meta-missing": "封面未填",
    "meta-invalid": "封面无效", "value-not-choice": "不在选项中", "fee-consistency": "信息处理费",
    "text-missing": "正文缺项", "text-figures": "正文数字", "text-figures-twice": "正文重复表格数字", "unknown-key": "未知项目", "text-repeated": "正文雷同",
}
assert set(RULE_NAMES) == set(RULE_BY_ID)


def severity(rule_id: str) -> str:
    return RULE_BY_ID[rule_id].severity
