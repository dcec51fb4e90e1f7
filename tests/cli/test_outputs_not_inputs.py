"""Every output a command writes — the .pdf beside -o too — is compared with every input before
anything is read, with or without --force (issue 18, bug 3)."""

from __future__ import annotations

import json

import pytest

from factories import consistent_data
from xlreport.cli.main import main
from xlreport.io.jsonfile import document
from xlreport.model.formats import V2021
from xlreport.model.report import Report
from xlreport.workbook.writer import write_workbook


@pytest.fixture
def no_libreoffice_needed(monkeypatch):
    """Reading and the PDF conversion stand-ins: an input named .pdf reads as a report, and the
    "conversion" writes its bytes where the PDF goes (as LibreOffice would, with --force)."""
    import xlreport.io.office
    import xlreport.report.pdf
    from xlreport.report.docx import RenderResult

    real_load = xlreport.api.load

    def load(path):
        if str(path).endswith(".pdf"):
            return Report(str(path), V2021, consistent_data(V2021, 1))
        return real_load(path)

    def convert_pdf(docx, target, force=False):
        with open(target, "wb") as fh:
            fh.write(b"%PDF- converted")
        return RenderResult(target, [])

    monkeypatch.setattr(xlreport.api, "load", load)
    monkeypatch.setattr(xlreport.io.office, "find_soffice", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(xlreport.report.pdf, "convert_pdf", convert_pdf)


def test_render_pdf_beside_the_output_is_not_the_input(tmp_path, capsys, no_libreoffice_needed):
    source = tmp_path / "X.pdf"
    source.write_bytes(b"%PDF- the published report")
    assert main(["render", str(source), "-o", str(tmp_path / "X.docx"), "--pdf", "--force"]) == 2
    assert source.read_bytes() == b"%PDF- the published report"
    assert "就是输入文件" in capsys.readouterr().err
    assert not (tmp_path / "X.docx").exists()  # refused before anything was read or written


def test_render_pdf_beside_the_output_is_not_last_years_report(tmp_path, capsys, no_libreoffice_needed):
    data = tmp_path / "this.json"
    data.write_text(json.dumps(document(consistent_data(V2021, 2), V2021), ensure_ascii=False), "utf-8")
    last = tmp_path / "last.pdf"
    last.write_bytes(b"%PDF- last year")
    assert main(["render", str(data), "-o", str(tmp_path / "last.docx"), "--pdf", "--force",
                 "--previous", str(last)]) == 2
    assert last.read_bytes() == b"%PDF- last year"
    assert "就是输入文件" in capsys.readouterr().err


def test_import_output_is_not_the_input(tmp_path, capsys):
    source = tmp_path / "r.txt"
    source.write_text("不是报告", "utf-8")
    assert main(["import", str(source), "-o", str(source), "--force"]) == 2
    assert source.read_text("utf-8") == "不是报告"
    assert "就是输入文件" in capsys.readouterr().err


def test_audit_output_is_not_a_report_under_review(tmp_path, capsys):
    book = write_workbook(tmp_path / "a.xlsx", V2021, consistent_data(V2021, 3))
    before = book.read_bytes()
    assert main(["audit", str(tmp_path), "-o", str(book), "--force"]) == 2
    assert book.read_bytes() == before
    assert "就是输入文件" in capsys.readouterr().err
