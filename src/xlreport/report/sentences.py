"""The sentences the report generates from the figures, in the words of a published report.

* `contact_sentence`: 如对本报告有疑问，请与…联系（地址：…，邮编：…，电话：…，电子邮箱：…）。
  (the end of the opening paragraph);
* `on_request_sentence`: the data paragraph of 一（二）依申请公开, from table 三;
* `review_sentence`: the data paragraph of 四, from table 四;
* `fee_sentence`: V2021 六, the 信息处理费 sentence ("" where the format has no fee).

Only what happened is said. Every number comes from `checks.engine.evaluate(data,
fmt).numbers`, the numbers the tables print, so the prose cannot contradict a
table. The groups the sentences list are the format's declarations
(`ReportFormat.outcomes` for 三, `review_groups` and `review_parts` for 四);
what is written here is only wording that is no format fact (「作其他处理」,
「结果均为维持」). `format_number` (how every figure prints) lives here because
the sentences print figures too; context.py uses it for the tables.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from xlreport.model.spec import ReportFormat

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


def contact_sentence(meta: dict[str, str]) -> str:
    details = [(label, meta.get(name, "")) for name, label in
               (("address", "地址"), ("postcode", "邮编"), ("phone", "电话"), ("email", "电子邮箱"))]
    details = [f"{label}：{value}" for label, value in details if value.strip()]
    office = meta.get("office", "").strip()
    agency = meta.get("agency", "").strip()
    if not office and not details:
        return ""
    # 办公室 needs the agency in front, unless the agency's name already ends with it
    # (测试局办公室 + 办公室 must not read 测试局办公室办公室)
    if office and agency.endswith(office):
        who = agency
    else:
        who = office if agency in office or not _generic_office(office) else f"{agency}{office}"
    sentence = f"如对本报告有疑问，请与{who}联系"
    if details:
        sentence += "（" + "，".join(details) + "）"
    return sentence + "。"


def _n(value: Any) -> str:
    return format_number(value)


def t3_outcomes(numbers: dict[str, Any], fmt: ReportFormat) -> dict[str, Any] | None:
    """The 总计-column figures of table 三 that the prose quotes; None if any is blank."""
    rows = [f.key[len("t3."):-len(".total")] for f in fmt.fields
            if f.table == "t3" and f.key.endswith(".total")]

    def total(row: str):
        return numbers.get(f"t3.{row}.total")

    def group(name: str):
        values = [total(r) for r in rows if r == name or r.startswith(name + ".")]
        return None if not values or any(v is None for v in values) else sum(values)

    out = {
        "new": total("new"), "carried_over": total("carried_over"), "total": total("total"),
        "carried_forward": total("carried_forward"), "granted": group("granted"),
        "partly_granted": group("partly_granted"), "denied": group("denied"), "unable": group("unable"),
        "not_processed": group("not_processed"), "other_handling": group("other_handling"),
    }
    return None if any(v is None for v in out.values()) else out


OUTCOMES = (("granted", "予以公开"), ("partly_granted", "部分公开"), ("denied", "不予公开"), ("unable", "无法提供"),
            ("not_processed", "不予处理"), ("other_handling", "作其他处理"))


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
    outcomes = [(label, o[key]) for key, label in OUTCOMES]
    shown = [(label, value) for label, value in outcomes if value]
    if len(shown) == 1 and shown[0][1] == done:
        text += f"办结的申请均{shown[0][0]}。"
    elif shown:
        text += f"办结的申请中，{_listing(outcomes)}。"
    return text


T4_PARTS = (("upheld", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"), ("pending", "尚未审结"))


ALL_SAME = {"结果维持": "结果均为维持", "结果纠正": "结果均为纠正", "其他结果": "均为其他结果", "尚未审结": "均尚未审结"}


def review_sentence(numbers: dict[str, Any]) -> str:
    """四's data paragraph: the 复议 and 诉讼 counts and their results, as table 四 has them."""
    keys = [f"t4.{g}.{c}" for g in ("review", "suit_direct", "suit_after_review")
            for c in ("upheld", "corrected", "other", "pending", "total")]
    if any(numbers.get(k) is None for k in keys):
        return INCOMPLETE.format(table="表四")
    n = numbers

    def any_case(*groups: str) -> bool:
        return any(n[f"t4.{g}.{c}"] for g in groups for c in ("upheld", "corrected", "other", "pending", "total"))

    def results(total: Any, parts: list[tuple[str, Any]]) -> str:
        shown = [(label, value) for label, value in parts if value]
        if len(shown) == 1 and shown[0][1] == total:
            return f"，{ALL_SAME[shown[0][0]] if total > 1 else shown[0][0]}"
        return f"，其中{_listing(parts)}" if shown else ""

    if not any_case("review", "suit_direct", "suit_after_review"):  # every cell, not only the totals
        return "本年度未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况。"
    review = n["t4.review.total"]
    if any_case("review"):
        first = f"本年度因政府信息公开工作被申请行政复议{_n(review)}件" + results(
            review, [(label, n[f"t4.review.{c}"]) for c, label in T4_PARTS])
    else:
        first = "本年度未发生因政府信息公开工作被申请行政复议的情况"
    direct, after = n["t4.suit_direct.total"], n["t4.suit_after_review.total"]
    suits = direct + after
    if any_case("suit_direct", "suit_after_review"):
        how = "、".join(part for part, value in (("未经复议直接起诉", direct), ("复议后起诉", after)) if value)
        split = (f"（未经复议直接起诉{_n(direct)}件，复议后起诉{_n(after)}件）" if direct and after
                 else f"（均为{how}）" if how else "")
        second = f"被提起行政诉讼{_n(suits)}件{split}" + results(
            suits, [(label, n[f"t4.suit_direct.{c}"] + n[f"t4.suit_after_review.{c}"]) for c, label in T4_PARTS])
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
