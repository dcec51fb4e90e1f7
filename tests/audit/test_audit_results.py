"""The audit on the API (issue 18): each file read and checked once by `api.check_file`, its numbers
computed once, and typed results (audit/results.py) from which the workbook and `--json` are made."""

from __future__ import annotations


import pytest
from factories import with_texts

import xlreport
from xlreport import api
from xlreport.audit.results import (
    AuditedReport,
    AuditResult,
    NotRead,
    Pair,
    Tally,
    Total,
)
from xlreport.model.report import Problem

# The public field names of `xlreport audit --json` (docs/audit.md)
TOP = {"xlreport", "generated", "generated_text", "inputs", "previous_dirs", "year", "year_given", "roster_year",
       "reports", "comparison_only", "not_read", "ignored", "skipped", "pairs", "pair_notes", "duplicates",
       "roster", "totals", "left_out_of_totals", "not_reports", "series", "same_report"}
REPORT = {"file", "agency", "year", "format", "problems", "figures", "figure_notes", "notes", "errors", "warnings",
          "verdict", "comparison_only", "contact"}
PROBLEM = {"rule", "severity", "keys", "cells", "expected", "actual", "message", "where"}
PAIR = {"agency", "last_agency", "by_variant", "year", "last_year", "file", "last_file", "problems", "warnings",
        "verdict", "figures", "figure_notes"}
TOTAL = {"year", "format", "reports", "verdict", "problems", "values"}
VALUE = {"key", "table", "where", "total", "counted", "missing"}


@pytest.fixture
def folder(fixtures_dir, tmp_path):
    out = tmp_path / "reports"
    out.mkdir()
    for name in ("2023_hongze_qzf", "2024_hongze_qzf", "2023_suqian_city", "2024_suqian_city", "2024_huaian_szf"):
        with_texts(fixtures_dir / f"{name}.json", out / f"{name}.json")  # figures only: empty sections are errors
    (out / "broken.json").write_text("[", encoding="utf-8")
    return out


def test_each_file_is_read_and_checked_once_through_the_api(folder, monkeypatch):
    import xlreport.checks
    import xlreport.io.previous  # noqa: F401
    from xlreport.model import numbers as values
    from xlreport.io import readers

    checked, loaded, evaluated = [], [], []
    real_check_file, real_load, real_evaluate = api.check_file, readers.load_report, values.evaluate
    monkeypatch.setattr(api, "check_file", lambda path, *a, **k: checked.append(path) or real_check_file(path, *a, **k))
    monkeypatch.setattr(readers, "load_report", lambda path, *a, **k: loaded.append(path) or real_load(path, *a, **k))
    monkeypatch.setattr(values, "evaluate", lambda *a, **k: evaluated.append(a) or real_evaluate(*a, **k))
    result = api.audit([folder]).result
    files = sorted(str(p) for p in folder.iterdir())
    assert sorted(checked) == files  # every file through the API's check, once
    assert sorted(loaded) == files  # read once
    assert evaluated == []  # the audit computes no numbers of its own: the check's serve figures, notes, totals
    one = next(r for r in result.reports if r.file.endswith("2024_huaian_szf.json"))
    assert one.numbers == api.check(folder / "2024_huaian_szf.json").numbers and one.numbers
    assert len(result.reports) + len(result.comparison_only) == 5 and len(result.not_read) == 1


def test_results_are_typed_and_the_json_is_made_from_them(folder, capsys):
    import json

    from xlreport.cli.main import main

    audited = api.audit([folder], year=2024)
    result = audited.result
    assert isinstance(result, AuditResult) and all(isinstance(r, AuditedReport) for r in result.reports)
    assert all(isinstance(p, Pair) for p in result.pairs) and all(isinstance(t, Total) for t in result.totals)
    assert [type(n) for n in result.not_read] == [NotRead] and result.not_read[0].code == "bad-json"
    out = result.to_dict()
    assert set(out) == TOP
    assert json.loads(json.dumps(out, ensure_ascii=False, allow_nan=False)) == out
    for r in out["reports"]:
        assert REPORT <= set(r) <= REPORT | {"previous_file"}
        assert all(set(p) == PROBLEM for p in r["problems"])
    assert out["pairs"] and all(set(p) == PAIR for p in out["pairs"])
    assert out["totals"] and all(set(t) == TOTAL and all(set(v) == VALUE for v in t["values"]) for t in out["totals"])
    # the command line prints the same object
    assert main(["audit", str(folder), "--year", "2024", "--json"]) == 2  # broken.json not read
    printed = json.loads(capsys.readouterr().out)
    assert {k: v for k, v in printed.items() if not k.startswith("generated")} == \
        {k: v for k, v in out.items() if not k.startswith("generated")}
    assert audited.ok is False and result.exit_code == 2


def test_errors_and_warnings_are_counted_in_one_place(folder):
    result = api.audit([folder], year=2023).result
    hongze = next(r for r in result.reports if "洪泽" in (r.agency or ""))
    errors = [p for p in hongze.problems if p.severity == "error"]
    assert hongze.tally == Tally(len(errors), len(hongze.problems) - len(errors)) and errors
    assert hongze.errors == len(errors) and hongze.verdict == "未通过"
    counts = result.counts_text()
    assert counts.startswith(f"{len(result.reports)} 个：") and "1 个未通过" in counts
    warning = Problem("text-missing", "warning", ("text.other",), "…")
    assert Tally.of([warning]).verdict == "有警告" and Tally.of([]).verdict == "通过"
    assert Tally.of([warning, Problem("t4-sum", "error", (), "…")]) == Tally(1, 1)


def test_check_file_keeps_the_report_a_batch_does_not(folder):
    one = xlreport.check_file(folder / "2024_huaian_szf.json")
    assert one.report is not None and one.report.data["meta.year"] == 2024
    batch = xlreport.check_files([folder])
    assert all(r.report is None for r in batch.results)  # results cross process boundaries: no report data
