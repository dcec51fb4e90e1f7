"""The sentences the report generates from the figures, in the words of a published report.

* `contact_sentence`: 如对本报告有疑问，请与…联系（地址：…，邮编：…，电话：…，电子邮箱：…）。
  (the end of the opening paragraph);
* `on_request_sentence`: the data paragraph of 一（二）依申请公开, from table 三;
* `review_sentence`: the data paragraph of 四, from table 四;
* `fee_sentence`: V2021 六, the 信息处理费 sentence ("" where the format has no fee).

Only what happened is said. Every number comes from `model.numbers.evaluate(data,
fmt).numbers`, the numbers the tables print, so the prose cannot contradict a
table. The groups the sentences list are the format's declarations
(`ReportFormat.outcomes` for 三, `review_groups` and `review_parts` for 四);
what is written here is only wording that is no format fact (「作其他处理」,
「结果均为维持」). `format_number` (how every figure prints) lives here because
the sentences print figures too; context.py uses it for the tables.
"""

from __future__ import annotations

from typing import Any

from xlreport.model.spec import Group, ReportFormat

__all__ = ["format_number", "contact_sentence", "on_request_sentence", "review_sentence", "fee_sentence",
           "t3_outcomes"]

INCOMPLETE = "（{table}数据不完整，未生成本段数字，请补全后重新生成）"


def format_number(value: Any, type_: str = "int") -> str:
    """A number as printed: ints as ints, decimals as entered without float noise.

    Whole-valued floats print as integers whatever the field type (`type_` is
    accepted for callers that know it); other floats print with at most 15
    significant digits and never in exponent notation.
    """
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        from decimal import Decimal  # here: a fraction is rare, and `check` starts without it

        text = format(Decimal(format(value, ".15g")), "f")  # 15 significant digits, no exponent
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    return str(value)


# Words that make an office name complete on its own (市人民政府办公室, 某某局办公室, 政务公开办).
PLACE_WORDS = ("省", "市", "县", "区", "州", "盟", "旗", "镇", "乡", "街道", "政府", "局", "委", "厅", "部", "署", "院", "中心")


def _generic_office(office: str) -> bool:
    """办公室, 综合科 … need the agency's name in front; 淮安市人民政府办公室 does not."""
    return not any(word in office for word in PLACE_WORDS)


def contact_name(agency: str, office: str) -> str:
    """The office to contact as a reader needs it: 办公室 needs the agency in front (淮安市人民政府办公室),
    unless the agency's name already ends with it (测试局办公室 + 办公室 must not read 测试局办公室办公室)
    or the office names itself in full."""
    if office and agency.endswith(office):
        return agency
    return office if agency in office or not _generic_office(office) else f"{agency}{office}"


def contact_sentence(meta: dict[str, str]) -> str:
    pairs = [(label, meta.get(name, "")) for name, label in
             (("address", "地址"), ("postcode", "邮编"), ("phone", "电话"), ("email", "电子邮箱"))]
    details = [f"{label}：{value}" for label, value in pairs if value.strip()]
    office = meta.get("office", "").strip()
    agency = meta.get("agency", "").strip()
    if not office and not details:
        return ""
    who = contact_name(agency, office)
    sentence = f"如对本报告有疑问，请与{who}联系"
    if details:
        sentence += "（" + "，".join(details) + "）"
    return sentence + "。"


def _n(value: Any) -> str:
    return format_number(value)


def t3_outcomes(numbers: dict[str, Any], fmt: ReportFormat) -> dict[str, Any] | None:
    """The 总计-column figures of table 三 that the prose quotes; None if any is blank.

    new, carried_over, total (办结), carried_forward, and one figure per declared
    outcome group (`fmt.outcomes`: granted … other_handling), the sum of its rows."""
    out = {row: numbers.get(f"t3.{row}.total") for row in ("new", "carried_over", "total", "carried_forward")}
    for group in fmt.outcomes:
        values = [numbers.get(key) for key in group.keys]
        out[group.key] = None if not values or any(v is None for v in values) else sum(v for v in values if v is not None)
    return None if any(v is None for v in out.values()) else out


# Wording of the sentences that is no format fact, keyed by the declared keys.
# An outcome group is named by its declared name (`Group.name`: 予以公开 … ) except:
OUTCOME_WORDS = {"other_handling": "作其他处理"}  # （六）其他处理: 「…，作其他处理1件」
# One result part of table 四 that covers every case: 「…3件，结果均为维持」 (one case: 「，结果维持」)
ALL_SAME = {"upheld": "结果均为维持", "corrected": "结果均为纠正", "other": "均为其他结果", "pending": "均尚未审结"}
# one case: 「被申请行政复议1件，结果维持」, but 「…1件，结果为其他」 (not 「…1件，其他结果」)
ONE_CASE = {"other": "结果为其他"}
REVIEW = "review"  # 四's group of 行政复议; the other groups are 行政诉讼, told apart by their label's （…）


def _listing(items: list[tuple[str, Any]]) -> str:
    """「予以公开2件，无法提供1件」 — only the items that occurred."""
    return "，".join(f"{label}{_n(value)}件" for label, value in items if value)


def on_request_sentence(numbers: dict[str, Any], fmt: ReportFormat) -> str:
    """一（二）的数据段落, in the words of a report: only what happened is said."""
    o = t3_outcomes(numbers, fmt)
    if o is None:
        return INCOMPLETE.format(table="表三")
    new, carried, done, forward = o["new"], o["carried_over"], o["total"], o["carried_forward"]
    if not (new or carried or done or forward):
        return "本年度未收到政府信息公开申请，也没有上年结转的政府信息公开申请。"
    if new:
        text = f"本年度新收政府信息公开申请{_n(new)}件"
        if carried:
            text += f"，上年结转{_n(carried)}件"
    else:
        text = f"本年度未新收政府信息公开申请，上年结转{_n(carried)}件"
    if done and not forward and done == new + carried:
        text += "，均已办结"
    elif done:
        text += f"，办结{_n(done)}件"
    if forward:
        text += f"{'，' if done else '，均在办理中，'}结转下年度继续办理{_n(forward)}件"
    text += "。"
    outcomes = [(OUTCOME_WORDS.get(g.key, g.name), o[g.key]) for g in fmt.outcomes]
    shown = [(label, value) for label, value in outcomes if value]
    if len(shown) == 1 and shown[0][1] == done:
        text += f"办结的申请均{shown[0][0]}。"
    elif shown:
        text += f"办结的申请中，{_listing(outcomes)}。"
    return text


def _how(group: Group) -> str:
    """行政诉讼（未经复议直接起诉） → 未经复议直接起诉: how a suit came, from the declared label."""
    return group.label.split("（", 1)[1].rstrip("）") if "（" in group.label else group.label


def review_sentence(numbers: dict[str, Any], fmt: ReportFormat) -> str:
    """四's data paragraph: the 复议 and 诉讼 counts and their results, as table 四 has them."""
    groups = fmt.review_groups
    if any(numbers.get(k) is None for g in groups for k in (*g.keys, g.total)):
        return INCOMPLETE.format(table="表四")
    n = numbers
    review = next(g for g in groups if g.key == REVIEW)
    suit_groups = [g for g in groups if g.key != REVIEW]

    def any_case(*chosen: Group) -> bool:
        return any(n[k] for g in chosen for k in (*g.keys, g.total))

    def results(total: Any, parts: list[tuple[str, str, Any]]) -> str:
        shown = [(key, label, value) for key, label, value in parts if value]
        if len(shown) == 1 and shown[0][2] == total:
            key, label, _ = shown[0]
            return f"，{ALL_SAME[key] if total > 1 else ONE_CASE.get(key, label)}"
        return f"，其中{_listing([(label, value) for _, label, value in parts])}" if shown else ""

    def parts(chosen: list[Group]) -> list[tuple[str, str, Any]]:
        """(part key, label, figure) of 维持 … 尚未审结, summed over the chosen groups."""
        return [(key, label, sum(n[g.keys[i]] for g in chosen)) for i, (key, label) in enumerate(fmt.review_parts)]

    if not any_case(*groups):  # every cell, not only the totals
        return "本年度未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况。"
    total = n[review.total]
    if any_case(review):
        first = f"本年度因政府信息公开工作被申请行政复议{_n(total)}件" + results(total, parts([review]))
    else:
        first = "本年度未发生因政府信息公开工作被申请行政复议的情况"
    counts = [(_how(g), n[g.total]) for g in suit_groups]
    suits = sum(value for _, value in counts)
    if any_case(*suit_groups):
        shown = [(how, value) for how, value in counts if value]
        split = ("（" + "，".join(f"{how}{_n(value)}件" for how, value in shown) + "）" if len(shown) > 1
                 else f"（均为{shown[0][0]}）" if shown else "")
        second = f"被提起行政诉讼{_n(suits)}件{split}" + results(suits, parts(suit_groups))
    else:
        second = "未发生因政府信息公开工作被提起行政诉讼的情况"
    return f"{first}；{second}。"


def fee_sentence(numbers: dict[str, Any], fmt: ReportFormat, data: dict[str, Any]) -> str:
    """V2021 六: the 信息处理费 sentence from fee.count / fee.amount_yuan ("" in V2019).

    Only what the clerk entered is stated: with a figure blank there is no
    sentence (the checks warn: text-missing or fee-consistency), and the
    clerk's own words in 六 stand alone.
    """
    if not fmt.has("fee.count"):
        return ""
    count, amount = numbers.get("fee.count"), numbers.get("fee.amount_yuan")
    if count is None or amount is None:
        return ""
    if not count and not amount:
        return "本年度未收取信息处理费。"
    if count:
        return f"本年度共对{_n(count)}件政府信息公开申请收取信息处理费，合计{format_number(amount, 'decimal')}元。"
    return f"本年度收取信息处理费合计{format_number(amount, 'decimal')}元。"
