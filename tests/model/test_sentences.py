"""The generated sentences of the Word report: only what happened is said, in report style."""

from __future__ import annotations

import dataclasses

import pytest

from xlreport.model.numbers import evaluate
from xlreport.model.formats import V2019, V2021
from xlreport.report.context import build_context
from xlreport.model.sentences import contact_sentence, on_request_sentence, review_sentence


def numbers(fmt=V2021, **cells):
    data = {f.key: 0 for f in fmt.input_fields if f.key.startswith(("t3.", "t4."))}
    data.update({k.replace("__", "."): v for k, v in cells.items()})
    return evaluate(data, fmt).numbers


@pytest.mark.parametrize("fmt", [V2019, V2021], ids=lambda f: f.version)
@pytest.mark.parametrize("cells,sentence", [
    ({}, "本年度未收到政府信息公开申请，也没有上年结转的政府信息公开申请。"),
    ({"t3__new__natural_person": 3, "t3__granted__natural_person": 2, "t3__unable__not_held__natural_person": 1},
     "本年度新收政府信息公开申请3件，均已办结。办结的申请中，予以公开2件，无法提供1件。"),
    ({"t3__carried_over__natural_person": 2, "t3__granted__natural_person": 2},
     "本年度未新收政府信息公开申请，上年结转2件，均已办结。办结的申请均予以公开。"),
    ({"t3__new__natural_person": 2, "t3__carried_forward__natural_person": 2},
     "本年度新收政府信息公开申请2件，均在办理中，结转下年度继续办理2件。"),
    ({"t3__new__natural_person": 5, "t3__carried_over__business": 1, "t3__granted__natural_person": 3,
      "t3__carried_forward__natural_person": 2, "t3__partly_granted__business": 1},
     "本年度新收政府信息公开申请5件，上年结转1件，办结4件，结转下年度继续办理2件。办结的申请中，予以公开3件，部分公开1件。"),
])
def test_on_request_sentence(fmt, cells, sentence):
    assert on_request_sentence(numbers(fmt, **cells), fmt) == sentence


@pytest.mark.parametrize("cells,sentence", [
    ({}, "本年度未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况。"),
    ({"t4__review__upheld": 1}, "本年度因政府信息公开工作被申请行政复议1件，结果维持；未发生因政府信息公开工作被提起行政诉讼的情况。"),
    ({"t4__review__upheld": 72, "t4__review__corrected": 64, "t4__suit_direct__upheld": 3,
      "t4__suit_after_review__pending": 2},
     "本年度因政府信息公开工作被申请行政复议136件，其中结果维持72件，结果纠正64件；"
     "被提起行政诉讼5件（未经复议直接起诉3件，复议后起诉2件），其中结果维持3件，尚未审结2件。"),
    ({"t4__suit_after_review__upheld": 5},
     "本年度未发生因政府信息公开工作被申请行政复议的情况；被提起行政诉讼5件（均为复议后起诉），结果均为维持。"),
])
def test_review_sentence(cells, sentence):
    assert review_sentence(numbers(**cells), V2021) == sentence


@pytest.mark.parametrize("meta,who", [
    ({"agency": "淮安市人民政府", "office": "市人民政府办公室"}, "市人民政府办公室"),
    ({"agency": "某市某局", "office": "办公室"}, "某市某局办公室"),
    ({"agency": "某市某局", "office": "某市某局办公室"}, "某市某局办公室"),
])
def test_contact_sentence_names_the_office_once(meta, who):
    assert contact_sentence(meta) == f"如对本报告有疑问，请与{who}联系。"


# The sentences and the context read the format's declarations (issue 11): a changed
# declaration changes the report, with no list of groups or version test in report/.

def test_outcome_groups_are_the_declared_ones():
    renamed = tuple(dataclasses.replace(g, name="不予公开（测试）") if g.key == "denied" else g for g in V2021.outcomes)
    fmt = dataclasses.replace(V2021, outcomes=renamed)
    cells = {"t3__new__natural_person": 3, "t3__granted__natural_person": 2,
             "t3__denied__state_secret__natural_person": 1}
    assert on_request_sentence(numbers(fmt, **cells), fmt).endswith("予以公开2件，不予公开（测试）1件。")
    without = tuple(g for g in V2021.outcomes if g.key != "granted")  # a group the format does not declare
    fmt = dataclasses.replace(V2021, outcomes=without)
    assert on_request_sentence(numbers(fmt, **cells), fmt).endswith("办结的申请中，不予公开1件。")


def test_review_parts_are_the_declared_ones():
    fmt = dataclasses.replace(V2021, review_parts=tuple((k, f"{label}（测试）") for k, label in V2021.review_parts))
    cells = {"t4__review__upheld": 2, "t4__review__corrected": 1}
    assert review_sentence(numbers(fmt, **cells), fmt).startswith(
        "本年度因政府信息公开工作被申请行政复议3件，其中结果维持（测试）2件，结果纠正（测试）1件；")


@pytest.mark.parametrize("fmt", [V2019, V2021], ids=lambda f: f.version)
@pytest.mark.parametrize("rule,shown", [("always", True), ("when-filled", False)])
def test_overview_subheadings_follow_the_declaration(fmt, rule, shown):
    context = build_context({}, dataclasses.replace(fmt, overview_subheadings=rule))
    assert context["text"]["overview"].proactive.show_heading is shown


def test_one_case_with_another_result_reads_as_a_sentence():
    """「被申请行政复议1件，结果为其他」, not 「…1件，其他结果」 (a reviewer's wording)."""
    from xlreport.model.numbers import evaluate
    from xlreport.model.formats import V2021
    from xlreport.model.sentences import review_sentence

    data = {f"t4.{g}.{c}": 0 for g in ("review", "suit_direct", "suit_after_review")
            for c in ("upheld", "corrected", "other", "pending")}
    data["t4.review.other"] = 1
    text = review_sentence(evaluate(data, V2021).numbers, V2021)
    assert "被申请行政复议1件，结果为其他" in text and "其他结果" not in text
