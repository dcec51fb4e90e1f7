"""LibreOffice opens an .xlsm made by XlsxWriter with our vbaProject.bin,
imports every module and binds the button to our macro.

Skipped only when soffice is not installed (and not skipped at all when
XLREPORT_REQUIRE_LIBREOFFICE is set, as in CI)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
import xlwings

from xlreport.workbook.vba import (
    VbaModule,
    build_vba_project,
    default_document_modules,
    module_from_file_text,
)

XLWINGS_DIR = Path(xlwings.__file__).parent
SCRIPT_NS = "http://openoffice.org/2000/script"  # Basic/*.xml
ODF_SCRIPT_NS = "urn:oasis:names:tc:opendocument:xmlns:script:1.0"  # content.xml
ODF_FORM_NS = "urn:oasis:names:tc:opendocument:xmlns:form:1.0"
LIBRARY_NS = "http://openoffice.org/2000/library"
XLINK_NS = "http://www.w3.org/1999/xlink"

OWN_SOURCE = """Option Explicit

Public Sub GenerateReport()
    RunPython "import xlreport; xlreport.generate()"
End Sub
"""

# All its tests on one xdist worker (--dist loadgroup): its module fixture (the workbook LibreOffice saved)
# is made once, not once per worker.
pytestmark = [pytest.mark.office, pytest.mark.xdist_group("vba_libreoffice")]


def _soffice() -> str:
    path = shutil.which("soffice")
    if path is None:
        if os.environ.get("XLREPORT_REQUIRE_LIBREOFFICE"):
            pytest.fail("soffice is required (XLREPORT_REQUIRE_LIBREOFFICE is set) but not on PATH")
        pytest.skip("LibreOffice (soffice) is not on PATH")
    return path


def _modules() -> list[VbaModule]:
    return [
        *default_document_modules(2),
        VbaModule("xlreport", "standard", OWN_SOURCE),
        module_from_file_text("xlwings", "standard", (XLWINGS_DIR / "xlwings.bas").read_bytes().decode("ascii")),
        module_from_file_text(None, "class", (XLWINGS_DIR / "addin" / "Dictionary.cls").read_bytes().decode("ascii")),
    ]


@pytest.fixture(scope="module")
def ods(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    soffice = _soffice()
    tmp = tmp_path_factory.mktemp("vba_lo")
    xlsm = tmp / "report.xlsm"
    workbook = xlsxwriter.Workbook(str(xlsm))
    first = workbook.add_worksheet("Report")
    workbook.add_worksheet("Data")
    workbook.add_vba_project(io.BytesIO(build_vba_project(_modules())), is_stream=True)
    workbook.set_vba_name("ThisWorkbook")
    for n, sheet in enumerate(workbook.worksheets(), 1):
        sheet.set_vba_name(f"Sheet{n}")
    first.write("A1", "xlreport")
    first.insert_button("B3", {"macro": "GenerateReport", "caption": "Generate report", "width": 160, "height": 30})
    workbook.close()

    outdir = tmp / "out"
    profile = (tmp / "profile").as_uri()
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
         "--convert-to", "ods", "--outdir", str(outdir), str(xlsm)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    converted = outdir / "report.ods"
    assert converted.exists(), f"LibreOffice did not convert the file:\n{result.stdout}\n{result.stderr}"
    with zipfile.ZipFile(converted) as archive:
        yield archive


def _module_xml(ods: zipfile.ZipFile, name: str) -> ET.Element:
    return ET.fromstring(ods.read(f"Basic/VBAProject/{name}.xml"))


def test_all_modules_are_imported(ods: zipfile.ZipFile) -> None:
    library = ET.fromstring(ods.read("Basic/VBAProject/script-lb.xml"))
    names = {element.get(f"{{{LIBRARY_NS}}}name") for element in library}
    assert names == {m.name for m in _modules()}
    module_types = {m.name: _module_xml(ods, m.name).get(f"{{{SCRIPT_NS}}}moduleType") for m in _modules()}
    assert module_types == {
        "ThisWorkbook": "document",
        "Sheet1": "document",
        "Sheet2": "document",
        "xlreport": "normal",
        "xlwings": "normal",
        "Dictionary": "class",
    }


def test_module_code_is_imported(ods: zipfile.ZipFile) -> None:
    own = _module_xml(ods, "xlreport").text
    assert "Public Sub GenerateReport()" in own
    assert 'RunPython "import xlreport; xlreport.generate()"' in own
    xlwings_code = _module_xml(ods, "xlwings").text
    assert f'Public Const XLWINGS_VERSION As String = "{xlwings.__version__}"' in xlwings_code
    assert "Public Property Get Item(Key As Variant) As Variant" in _module_xml(ods, "Dictionary").text


def test_button_is_bound_to_the_macro(ods: zipfile.ZipFile) -> None:
    content = ET.fromstring(ods.read("content.xml"))
    listeners = [
        element.get(f"{{{XLINK_NS}}}href")
        for button in content.iter(f"{{{ODF_FORM_NS}}}button")
        if button.get(f"{{{ODF_FORM_NS}}}label") == "Generate report"
        for element in button.iter(f"{{{ODF_SCRIPT_NS}}}event-listener")
        if element.get(f"{{{ODF_SCRIPT_NS}}}event-name") == "form:performaction"
    ]
    assert listeners == ["vnd.sun.star.script:VBAProject.xlreport.GenerateReport?language=Basic&location=document"]
