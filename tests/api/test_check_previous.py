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


def test_a_file_that_fails_is_said_in_chinese_without_python_names(monkeypatch):
    """check_file of a batch (issue 18, bug 7): a missing reader package is said as such, a bug as
    one Chinese line; neither carries Python's exception name or its English message."""
    import xlreport.api

    def missing(name):
        raise ModuleNotFoundError("No module named 'pdfplumber'", name="pdfplumber")

    def broken(name):
        raise ValueError("could not convert string to float: 'x'")

    monkeypatch.setattr(xlreport.api, "load", missing)
    result = xlreport.api.check_file("r.pdf")
    assert result.error_code == "missing-program" and "程序包未安装" in result.error and ".pdf" in result.error
    assert "Error" not in result.error and "pdfplumber" not in result.error
    monkeypatch.setattr(xlreport.api, "load", broken)
    result = xlreport.api.check_file("r.pdf")
    assert "维护人员" in result.error and "Error" not in result.error and "float" not in result.error
