"""The published PDFs of ../shared/fixtures/reports imported with i12a's PDF extractor.

Skipped until `xlreport.io.importers.pdf` (branch i12a) is merged; then, like the .txt
transcriptions, each PDF must import to its .json, and `check` on the 2023 Hongze PDF
must find its two wrong table-四 totals, naming the page.
"""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES

from xlreport.cli.main import main

PDF = sorted(FIXTURES.glob("*.pdf")) if FIXTURES.is_dir() else []


@pytest.fixture(autouse=True)
def pdf_extractor():
    pytest.importorskip("xlreport.io.importers.pdf", reason="the PDF extractor (i12a) is not merged yet")


@pytest.mark.parametrize("pdf", PDF, ids=[p.stem for p in PDF])
def test_each_pdf_imports_to_its_data_file(pdf):
    from xlreport.io.importers.match import import_report

    expected = json.loads(pdf.with_suffix(".json").read_text(encoding="utf-8"))
    report = import_report(pdf)
    got = {k: v for k, v in report.data.items() if k.startswith(("t2.", "t3.", "t4."))}
    assert got == expected["values"]
    for name, value in expected["meta"].items():
        assert report.data[f"meta.{name}"] == value, name


def test_check_on_the_hongze_2023_pdf_names_the_two_wrong_totals(fixtures_dir, capsys):
    code = main(["check", str(fixtures_dir / "2023_hongze_qzf.pdf"), "--json"])
    (result,) = json.loads(capsys.readouterr().out)
    assert code == 1
    sums = {p["keys"][-1]: p for p in result["problems"] if p["rule"] == "t4-sum"}
    assert sorted(sums) == ["t4.review.total", "t4.suit_after_review.total"]
    review = " ".join(sums["t4.review.total"]["cells"])
    assert "表四 行政复议 总计" in review and review.startswith("第")  # 「第3页 表四 行政复议 总计」
