"""`api.check(report, previous=…)` leaves the caller's Report as it was (issue 18, bug 2)."""

from __future__ import annotations

import copy

import xlreport
from xlreport.cli.demo import demo_document
from xlreport.io.jsonfile import parse_document
from xlreport.model.report import Report


def reports() -> tuple[Report, Report]:
    fmt, data, _ = parse_document(demo_document(), "demo")
    last = dict(data, **{"meta.year": data["meta.year"] - 1})  # last year's texts, word for word
    last["t3.carried_over.natural_person"] = (data.get("t3.carried_over.natural_person") or 0) + 7
    return Report("this.json", fmt, data), Report("last.json", fmt, last)


def test_check_with_previous_does_not_change_the_callers_report():
    this, last = reports()
    before = copy.deepcopy(this.data)
    alone_before = [p.to_dict() for p in xlreport.check(this).problems]
    with_last = xlreport.check(this, previous=last)
    assert "text-repeated" in {p.rule for p in with_last.problems}  # last year's report was used …
    assert this.data == before  # … in a copy
    assert [p.to_dict() for p in xlreport.check(this).problems] == alone_before  # a later check without it
