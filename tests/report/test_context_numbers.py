"""The check computes a report's numbers once; the Word report and the web page made after it
read them from CheckResult.numbers instead of computing them again (issue 18 item 1)."""

from __future__ import annotations

import pytest

from factories import consistent_data
from xlreport import api
from xlreport.model.formats import V2019, V2021
from xlreport.model.numbers import evaluate
from xlreport.model.report import Report


@pytest.mark.parametrize("fmt", [V2019, V2021], ids=lambda f: f.version)
def test_check_result_carries_the_numbers(fmt):
    data = consistent_data(fmt, seed=3)
    data.pop("t3.total.total", None)  # a total the file leaves out: computed
    result = api.check(Report("a.json", fmt, dict(data)))
    assert result.numbers == evaluate(data, fmt).numbers
    assert result.numbers["t3.total.total"] == sum(result.numbers[k] for k in fmt.field("t3.total.total").derived_from)


def test_rendering_does_not_compute_the_numbers_again(tmp_path, monkeypatch):
    report = Report("a.json", V2021, consistent_data(V2021, seed=4))

    def again(*args, **kwargs):
        raise AssertionError("the numbers were computed again")

    monkeypatch.setattr("xlreport.report.context.evaluate", again)
    assert api.render_html(report, tmp_path / "r.html").path == tmp_path / "r.html"
    assert api.render_docx(report, tmp_path / "r.docx").path == tmp_path / "r.docx"
