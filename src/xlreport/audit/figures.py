"""The key figures a reviewer looks at first (汇总, 逐年对比), each the sum of some keys as
printed (a published total counts as printed, else its parts), and the notes on a printed
total that contradicts its parts. Group keys come from the format declarations
(fmt.outcomes, fmt.review_groups). Everything here works on the report's numbers as
computed once (checks.values.evaluate)."""

from __future__ import annotations

import math
from typing import Any

from xlreport.model.spec import ReportFormat

Number = float | int | None

FIGURES = (  # (id, column header)
    ("new", "本年新收"), ("carried_over", "上年结转"), ("handled", "办结（七）总计"),
    ("carried_forward", "结转下年度"), ("granted", "予以公开"), ("granted_share", "予以公开占办结"),
    ("denied", "不予公开"), ("unable", "无法提供"), ("review", "行政复议"), ("review_corrected", "复议纠正率"),
    ("suit", "行政诉讼"), ("suit_corrected", "诉讼纠正率"), ("fee", "信息处理费（元）"),
)
SHARES = {"granted_share", "review_corrected", "suit_corrected"}
COMPARED = ("new", "carried_over", "handled", "carried_forward", "granted", "denied", "unable", "review", "suit",
            "fee")  # side by side in 逐年对比
SUM_RULES = ("t3-results-sum", "t3-row-sum", "t4-sum")  # a printed total against its parts


def figure_keys(fmt: ReportFormat) -> dict[str, tuple[str, ...]]:
    groups = {g.key: g.keys for g in fmt.outcomes}
    suits = [g for g in fmt.review_groups if g.key != "review"]
    return {
        "new": ("t3.new.total",), "carried_over": ("t3.carried_over.total",), "handled": ("t3.total.total",),
        "carried_forward": ("t3.carried_forward.total",), "granted": groups["granted"],
        "denied": groups["denied"], "unable": groups["unable"], "review": ("t4.review.total",),
        "review_corrected_part": ("t4.review.corrected",),
        "suit": tuple(f"t4.{g.key}.total" for g in suits),
        "suit_corrected_part": tuple(f"t4.{g.key}.corrected" for g in suits),
        "fee": ("fee.amount_yuan",) if fmt.has("fee.amount_yuan") else (),
    }


def key_figures(numbers: dict[str, Number], fmt: ReportFormat) -> dict[str, Number]:
    """The key figures from the report's numbers (None where a part is missing)."""
    sums: dict[str, Number] = {}
    for name, keys in figure_keys(fmt).items():
        values = [numbers.get(k) for k in keys]
        sums[name] = None if not keys or any(v is None or not math.isfinite(v) for v in values) \
            else sum(v for v in values if v is not None)
    out: dict[str, Number] = {name: sums.get(name) for name, _ in FIGURES if name not in SHARES}
    out["granted_share"] = _share(sums["granted"], sums["handled"])
    out["review_corrected"] = _share(sums["review_corrected_part"], sums["review"])
    out["suit_corrected"] = _share(sums["suit_corrected_part"], sums["suit"])
    return out


def figure_notes(data: dict[str, Any], numbers: dict[str, Number], fmt: ReportFormat) -> dict[str, str]:
    """For each key figure holding a printed total that contradicts its parts (Hongze 2023:
    行政复议 总计 printed 0, parts 11): a note 「总计印为 0，各项合计 11」. The figure itself
    stays as printed (sortable); the note goes beside it."""
    from xlreport.checks.arithmetic import run_check
    from xlreport.model.report import number_text

    can_make_rules = data.get("meta.can_make_rules") is True
    wrong: dict[str, tuple] = {}  # printed total key -> (expected, actual)
    for c in fmt.all_checks():
        if c.rule in SUM_RULES and len(c.actual) == 1:
            ok, expected, actual = run_check(c, numbers, can_make_rules)
            if ok is False:
                wrong.setdefault(c.actual[0].key, (expected, actual))
    notes = {}
    for name, keys in figure_keys(fmt).items():
        found = [(fmt.field(k).where if fmt.has(k) else k, *wrong[k]) for k in keys if k in wrong]
        if found and name in dict(FIGURES):
            notes[name] = "；".join(f"{where}印为 {number_text(a)}，各项合计 {number_text(e)}" if len(keys) > 1
                                    else f"总计印为 {number_text(a)}，各项合计 {number_text(e)}"
                                    for where, e, a in found)
    return notes


def _share(part: Number, whole: Number) -> float | None:
    return None if part is None or not whole else part / whole
