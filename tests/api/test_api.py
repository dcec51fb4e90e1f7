"""The Python API (docs/api.md): every job of the command line as a function, nothing printed,
errors with stable codes."""

from __future__ import annotations

import json
import zipfile

import pytest

import xlreport
from factories import consistent_data
from xlreport.io.jsonfile import document


def write(path, data, fmt):
    path.write_text(json.dumps(document(data, fmt), ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def good(tmp_path):
    return write(tmp_path / "good.json", consistent_data(xlreport.V2021, 5), xlreport.V2021)


@pytest.fixture
def bad(tmp_path):
    data = consistent_data(xlreport.V2021, 6)
    data["t3.new.business"] += 1  # t3-balance and t3-row-sum fail
    return write(tmp_path / "bad.json", data, xlreport.V2021)


def test_check_a_path_or_a_report(good, bad, capsys):
    result = xlreport.check(good)
    assert isinstance(result, xlreport.CheckResult) and result.ok and result.errors == []
    assert result.report.fmt is xlreport.V2021 and result.report.data["meta.agency"]
    failed = xlreport.check(xlreport.load(bad))
    assert not failed.ok and "t3-balance" in {p.rule for p in failed.errors}
    assert all(isinstance(p, xlreport.Problem) for p in failed.problems)
    assert failed.warnings == [p for p in failed.problems if p.severity == "warning"]
    assert capsys.readouterr() == ("", "")  # the library prints nothing


def test_previous_of_another_agency_is_a_notice(tmp_path, good):
    last = consistent_data(xlreport.V2021, 7)
    last["meta.year"], last["meta.agency"] = 2023, "另一个局"
    result = xlreport.check(good, previous=write(tmp_path / "last.json", last, xlreport.V2021))
    assert any("另一个局" in n for n in result.notices)
    assert result.to_dict()["warnings"] == result.notices


def test_check_files_lists_every_file(tmp_path, good, bad):
    (tmp_path / "notes.xls").write_bytes(b"x")
    batch = xlreport.check_files([tmp_path])
    by_name = {r.file.rsplit("/", 1)[-1]: r for r in batch.results}
    assert by_name["good.json"].ok and not by_name["bad.json"].ok
    assert by_name["notes.xls"].not_checked and "另存为" in by_name["notes.xls"].error
    assert not batch.ok


def test_write_jobs(tmp_path, good, capsys):
    book = xlreport.new_workbook(tmp_path / "a.xlsx", 2024, data=good)
    assert book.path.exists() and zipfile.is_zipfile(book.path)
    assert xlreport.check(book.path).report.data["meta.agency"] == xlreport.load(good).data["meta.agency"]
    text = xlreport.export_json(book.path)
    assert json.loads(text)["format"] == "2021"
    written = xlreport.export_json(book.path, tmp_path / "b.json")
    assert json.loads(written.path.read_text("utf-8")) == json.loads(text)
    rendered = xlreport.render_docx(good, tmp_path / "r.docx")
    assert rendered.path.exists() and not rendered.blocked and rendered.result.ok
    page = xlreport.render_html(good, tmp_path / "r.html", fragment=True)
    assert "<table" in page.path.read_text("utf-8")
    assert capsys.readouterr() == ("", "")


def test_errors_block_rendering_unless_ignored(tmp_path, bad):
    blocked = xlreport.render_docx(bad, tmp_path / "r.docx")
    assert blocked.blocked and not (tmp_path / "r.docx").exists() and blocked.result.errors
    forced = xlreport.render_docx(bad, tmp_path / "r.docx", ignore_errors=True)
    assert forced.path.exists() and forced.result.errors


@pytest.mark.parametrize("case,cls,code", [
    ("missing", "InputError", "not-found"),
    ("png", "InputError", "unsupported-type"),
    ("invalid-json", "InputError", "bad-json"),
    ("workbook-not-ours", "InputError", "not-xlreport"),
    ("exists", "OutputError", "exists"),
    ("wrong-extension", "OutputError", "wrong-extension"),
    ("same-as-input", "OutputError", "same-as-input"),
    ("bad-template", "TemplateError", "template"),
])
def test_errors_carry_stable_codes(tmp_path, good, case, cls, code):
    import xlsxwriter

    from xlreport import errors

    def run():
        if case == "missing":
            xlreport.load(tmp_path / "nope.json")
        elif case == "png":
            (tmp_path / "a.png").write_bytes(b"\x89PNG")
            xlreport.load(tmp_path / "a.png")
        elif case == "invalid-json":
            (tmp_path / "x.json").write_text("{", encoding="utf-8")
            xlreport.load(tmp_path / "x.json")
        elif case == "workbook-not-ours":
            wb = xlsxwriter.Workbook(str(tmp_path / "other.xlsx"))
            wb.add_worksheet().write(0, 0, "x")
            wb.close()
            xlreport.load(tmp_path / "other.xlsx")
        elif case == "exists":
            (tmp_path / "r.docx").write_bytes(b"old")
            xlreport.render_docx(good, tmp_path / "r.docx")
        elif case == "wrong-extension":
            xlreport.export_json(good, tmp_path / "out.xlsx")
        elif case == "same-as-input":
            xlreport.export_json(good, good)
        elif case == "bad-template":
            (tmp_path / "t.docx").write_bytes(b"not a zip")
            xlreport.render_docx(good, tmp_path / "r.docx", template=tmp_path / "t.docx")

    with pytest.raises(getattr(errors, cls)) as exc:
        run()
    assert exc.value.code == code and exc.value.message


def test_the_public_names():
    for name in ("load", "check", "check_files", "new_workbook", "render_docx", "render_html", "export_json",
                 "Report", "Problem", "CheckResult", "V2019", "V2021", "FORMATS", "XlreportError", "InputError",
                 "OutputError"):
        assert hasattr(xlreport, name), name
        assert getattr(xlreport, name).__doc__, name  # documented
