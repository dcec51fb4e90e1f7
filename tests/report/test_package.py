"""The publication package (report.package.publish_package): per approved report its .docx, .html and, where
LibreOffice is installed, .pdf, named after the report's title, zipped, and nothing else in the zip."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document

from factories import consistent_data
from xlreport import api
from xlreport.io.jsonfile import dumps
from xlreport.model.formats import format_for_year
from xlreport.report.package import manifest_text, publish_package

FMT = format_for_year(2024)
TITLE_A = "某市甲局2024年政府信息公开工作年度报告"
TITLE_B = "某市乙局2024年政府信息公开工作年度报告"


def write_report(folder, name, agency, year=2024, error=False):
    fmt = format_for_year(year)
    data = consistent_data(fmt, seed=len(name))
    data["meta.agency"], data["meta.year"] = agency, year
    if error:
        data["t3.new.natural_person"] += 5
    path = folder / name
    path.write_text(dumps(data, fmt), encoding="utf-8")
    return path


@pytest.fixture
def reports(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    return [write_report(folder, "a.json", "某市甲局"), write_report(folder, "b.json", "某市乙局"),
            write_report(folder, "c.json", "某市丙局", error=True),
            write_report(folder, "d.json", "某市丁局", year=2023)]


def no_libreoffice(monkeypatch):
    import xlreport.io.office

    monkeypatch.setattr(xlreport.io.office, "find_soffice", lambda: None)


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def test_package_without_libreoffice_says_why_pdf_is_missing(reports, tmp_path, monkeypatch):
    no_libreoffice(monkeypatch)
    out = tmp_path / "发布包.zip"
    package = publish_package(reports, year=2024, out=out)
    assert package.path == out and out.read_bytes() == package.data
    files = members(package.data)
    assert sorted(files) == sorted([f"{TITLE_A}.docx", f"{TITLE_A}.html",
                                    f"{TITLE_B}.docx", f"{TITLE_B}.html"])
    doc = Document(io.BytesIO(files[f"{TITLE_A}.docx"]))
    assert doc.paragraphs[0].text.replace("\n", "") == TITLE_A  # the title on two lines
    assert f"<title>{TITLE_B}</title>" in files[f"{TITLE_B}.html"].decode("utf-8")
    manifest = manifest_text(package.entries)  # beside the zip, never in it (data-model.md §6)
    assert "缺少PDF：本机未安装 LibreOffice" in manifest
    assert "某市丙局" in manifest and "处错误，未生成" in manifest
    assert "某市丁局" in manifest and "2023 年度" in manifest
    by_source = {e.source: e for e in package.entries}
    assert by_source[str(reports[2])].files == [] and by_source[str(reports[0])].files == [f"{TITLE_A}.docx",
                                                                                          f"{TITLE_A}.html"]


def test_pdf_required_without_libreoffice_is_refused(reports, monkeypatch):
    no_libreoffice(monkeypatch)
    with pytest.raises(api.MissingProgram):
        publish_package(reports, pdf=True)


def test_package_refuses_existing_and_wrong_output_before_rendering(reports, tmp_path, monkeypatch):
    out = tmp_path / "包.zip"
    out.write_bytes(b"old")
    monkeypatch.setattr("xlreport.report.package.build_package", lambda *a, **k: pytest.fail("rendered"))
    with pytest.raises(api.OutputError) as exc:
        publish_package(reports, out=out)
    assert exc.value.code == "exists" and out.read_bytes() == b"old"
    with pytest.raises(api.OutputError) as exc:
        publish_package(reports, out=tmp_path / "包.docx")
    assert exc.value.code == "wrong-extension"


def test_same_title_twice_gets_distinct_names(tmp_path, monkeypatch):
    no_libreoffice(monkeypatch)
    paths = [write_report(tmp_path, "x.json", "某市/甲局"), write_report(tmp_path, "y.json", "某市/甲局")]
    names = sorted(members(publish_package(paths, pdf=False).data))
    assert names == sorted(["某市_甲局2024年政府信息公开工作年度报告.docx",
                            "某市_甲局2024年政府信息公开工作年度报告.html",
                            "某市_甲局2024年政府信息公开工作年度报告(2).docx",
                            "某市_甲局2024年政府信息公开工作年度报告(2).html"])


@pytest.mark.office
def test_package_with_libreoffice_has_the_pdfs(reports, soffice):
    package = publish_package(reports[:2], year=2024)
    files = members(package.data)
    for title in (TITLE_A, TITLE_B):
        assert files[f"{title}.pdf"].startswith(b"%PDF")
    assert all(not any(what == "PDF" for what, _ in e.missing) for e in package.entries)


def test_a_file_that_cannot_be_read_costs_only_its_own_entry(reports, tmp_path, monkeypatch):
    no_libreoffice(monkeypatch)
    broken = tmp_path / "坏.json"
    broken.write_text("{", encoding="utf-8")
    package = publish_package([broken, reports[0]], year=2024)
    assert sorted(members(package.data)) == sorted([f"{TITLE_A}.docx", f"{TITLE_A}.html"])
    manifest = manifest_text(package.entries)
    assert "坏.json" in manifest and "缺少Word 文件：无法读取" in manifest
    with pytest.raises(api.UsageError):
        publish_package([reports[0], 3])
