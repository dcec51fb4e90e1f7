"""build_vba_project: the result read back by olevba (strict mode) and the
individual MS-OVBA streams."""

from __future__ import annotations

import io
import re
import struct
from pathlib import Path

import olefile
import pytest
import xlsxwriter
import xlwings
from oletools.olevba import VBA_Parser

from xlreport.workbook.vba import (
    VbaModule,
    build_vba_project,
    decompress,
    default_document_modules,
    module_from_file_text,
    parse_dir_records,
    project_streams,
    stored_module_source,
)
from xlreport.workbook.vba.ovba import decrypt_data, encrypt_data

XLWINGS_DIR = Path(xlwings.__file__).parent
XLWINGS_BAS = XLWINGS_DIR / "xlwings.bas"
DICTIONARY_CLS = XLWINGS_DIR / "addin" / "Dictionary.cls"

OWN_SOURCE = """Option Explicit

Sub GenerateReport()
    RunPython "import xlreport; xlreport.main()"
End Sub
"""


def _read(path: Path) -> str:
    return path.read_bytes().decode("ascii")  # keep the file's CRLFs


def _modules() -> list[VbaModule]:
    return [
        *default_document_modules(2),
        VbaModule("xlreport", "standard", OWN_SOURCE),
        module_from_file_text("xlwings", "standard", _read(XLWINGS_BAS)),
        module_from_file_text("Dictionary", "class", _read(DICTIONARY_CLS)),
    ]


def _strip_header(code: str) -> str:
    """Normalise an extracted module: LF line ends, no leading Attribute lines."""
    lines = code.replace("\r\n", "\n").split("\n")
    while lines and lines[0].startswith("Attribute VB_"):
        lines.pop(0)
    return "\n".join(lines)


def _normalised_source(module: VbaModule) -> str:
    body = module.source.replace("\r\n", "\n")
    return body if body.endswith("\n") or not body else body + "\n"


def _extract(data: bytes, filename: str) -> dict[str, tuple[str, str]]:
    parser = VBA_Parser(filename, data=data, relaxed=False)
    try:
        assert parser.detect_vba_macros()
        return {vba_filename: (stream_path, code) for _, stream_path, vba_filename, code in parser.extract_macros()}
    finally:
        parser.close()


@pytest.fixture(scope="module")
def vba_bin() -> bytes:
    return build_vba_project(_modules())


@pytest.fixture(scope="module")
def xlsm_bytes(vba_bin: bytes) -> bytes:
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    for _ in range(2):
        workbook.add_worksheet()
    workbook.add_vba_project(io.BytesIO(vba_bin), is_stream=True)
    workbook.set_vba_name("ThisWorkbook")
    for n, sheet in enumerate(workbook.worksheets(), 1):
        sheet.set_vba_name(f"Sheet{n}")
    workbook.close()
    return out.getvalue()


@pytest.mark.parametrize("container", ["bin", "xlsm"])
def test_olevba_reads_back_exact_modules(container: str, vba_bin: bytes, xlsm_bytes: bytes) -> None:
    data, name = (vba_bin, "vbaProject.bin") if container == "bin" else (xlsm_bytes, "report.xlsm")
    extracted = _extract(data, name)
    modules = _modules()
    expected_files = {
        m.name + (".bas" if m.kind == "standard" else ".cls") for m in modules
    }  # olevba names files from the PROJECT stream's Module=/Class=/Document= lines
    assert set(extracted) == expected_files
    for module in modules:
        filename = module.name + (".bas" if module.kind == "standard" else ".cls")
        stream_path, code = extracted[filename]
        assert stream_path.endswith(f"VBA/{module.name}")
        # exactly one header, and it names the module
        assert code.startswith(f'Attribute VB_Name = "{module.name}"\r\n')
        assert len(re.findall(r"^Attribute VB_Name", code, re.MULTILINE)) == 1
        assert _strip_header(code) == _normalised_source(module)
        assert code == stored_module_source(module)


def test_xlwings_module_matches_installed_xlwings(vba_bin: bytes) -> None:
    _, code = _extract(vba_bin, "vbaProject.bin")["xlwings.bas"]
    match = re.search(r'^Public Const XLWINGS_VERSION As String = "([^"]+)"\r$', code, re.MULTILINE)
    assert match and match.group(1) == xlwings.__version__
    # the BSD licence comment inside the module body is kept intact
    assert "'xlwings is distributed under a BSD 3-clause license.\r\n" in code
    assert "'Copyright (C) 2014-present, Zoomer Analytics LLC.\r\n'All rights reserved.\r\n" in code
    licence = _read(XLWINGS_BAS).replace("\r\n", "\n")
    start = licence.index("'xlwings is distributed")
    end = licence.index("\n\n", start)
    assert licence[start:end].replace("\n", "\r\n") in code


def test_class_module_header_keeps_exported_attributes() -> None:
    module = module_from_file_text(None, "class", _read(DICTIONARY_CLS))
    assert module.name == "Dictionary"
    text = stored_module_source(module)
    header = text.split("\r\n")[:9]
    assert header == [
        'Attribute VB_Name = "Dictionary"',
        'Attribute VB_Base = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"',
        "Attribute VB_GlobalNameSpace = False",
        "Attribute VB_Creatable = False",
        "Attribute VB_PredeclaredId = False",
        "Attribute VB_Exposed = True",  # from the .cls file (default would be False)
        "Attribute VB_TemplateDerived = False",
        "Attribute VB_Customizable = False",
        header[8],
    ]
    assert header[8].startswith('Attribute VB_Description = "Drop-in replacement')
    assert "VERSION 1.0 CLASS" not in text and "MultiUse" not in text
    # procedure attributes inside the body are code, not header
    assert "Attribute Item.VB_UserMemId = 0" in text
    assert module.docstring().startswith("Drop-in replacement for Scripting.Dictionary on Mac\r\n\r\n")


def test_document_module_headers() -> None:
    workbook, sheet = default_document_modules(1)
    assert stored_module_source(workbook).split("\r\n") == [
        'Attribute VB_Name = "ThisWorkbook"',
        'Attribute VB_Base = "0{00020819-0000-0000-C000-000000000046}"',
        "Attribute VB_GlobalNameSpace = False",
        "Attribute VB_Creatable = False",
        "Attribute VB_PredeclaredId = True",
        "Attribute VB_Exposed = True",
        "Attribute VB_TemplateDerived = False",
        "Attribute VB_Customizable = True",
        "",
    ]
    assert 'Attribute VB_Base = "0{00020820-0000-0000-C000-000000000046}"' in stored_module_source(sheet)


def test_standard_module_header_and_line_endings() -> None:
    module = VbaModule("Tools", "standard", "Sub A()\nEnd Sub")  # LF, no final newline
    assert stored_module_source(module) == 'Attribute VB_Name = "Tools"\r\nSub A()\r\nEnd Sub\r\n'
    same = VbaModule("Tools", "standard", "Sub A()\r\nEnd Sub\r\n")
    assert stored_module_source(same) == stored_module_source(module)


def test_module_from_file_text_for_bas() -> None:
    module = module_from_file_text("xlwings", "standard", _read(XLWINGS_BAS))
    assert module.source.startswith("#Const App = ")
    assert module.attributes == ()
    with pytest.raises(ValueError, match="differs"):
        module_from_file_text("Other", "standard", _read(XLWINGS_BAS))
    with pytest.raises(ValueError, match="class module"):
        module_from_file_text("Dictionary", "standard", _read(DICTIONARY_CLS))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(name="Tools", kind="standard", source="' caf\u00e9\n"), "non-ASCII"),
        (dict(name="Caf\u00e9", kind="standard", source=""), "identifier"),
        (dict(name="1abc", kind="standard", source=""), "identifier"),
        (dict(name="x" * 32, kind="standard", source=""), "identifier"),
        (dict(name="Tools", kind="form", source=""), "kind"),
        (dict(name="Tools", kind="standard", source='Attribute VB_Name = "Tools"\nSub A()\nEnd Sub\n'), "header"),
        (dict(name="Tools", kind="standard", source="", attributes=(("VB_Name", '"x"'),)), "VB_Name"),
    ],
)
def test_invalid_modules_are_rejected(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        VbaModule(**kwargs)


def test_project_level_validation() -> None:
    tools = VbaModule("Tools", "standard", "")
    with pytest.raises(ValueError, match="ThisWorkbook"):
        build_vba_project([tools])
    with pytest.raises(ValueError, match="duplicate"):
        build_vba_project([*default_document_modules(1), tools, VbaModule("TOOLS", "class", "")])
    with pytest.raises(ValueError, match="dir"):
        build_vba_project([*default_document_modules(1), VbaModule("dir", "standard", "")])
    with pytest.raises(ValueError, match="project name"):
        build_vba_project(default_document_modules(1), project_name="VBA Project")


def test_document_modules_come_first_and_thisworkbook_leads() -> None:
    tools = VbaModule("Tools", "standard", "")
    sheet1, sheet2 = default_document_modules(2)[1:]
    streams = project_streams([tools, sheet1, VbaModule("ThisWorkbook", "document", ""), sheet2])
    names = [p.decode() for p in parse_names(decompress(streams["VBA/dir"]))]
    assert names == ["ThisWorkbook", "Sheet1", "Sheet2", "Tools"]
    project = streams["PROJECT"].decode("ascii").split("\r\n")
    assert project[1:5] == [
        "Document=ThisWorkbook/&H00000000",
        "Document=Sheet1/&H00000000",
        "Document=Sheet2/&H00000000",
        "Module=Tools",
    ]


def parse_names(dir_plain: bytes) -> list[bytes]:
    return [payload for rid, payload in parse_dir_records(dir_plain) if rid == 0x0019]


def test_streams_of_the_project(vba_bin: bytes) -> None:
    ole = olefile.OleFileIO(io.BytesIO(vba_bin))
    paths = sorted("/".join(p) for p in ole.listdir())
    names = [m.name for m in _modules()]
    assert paths == sorted(["PROJECT", "PROJECTwm", "VBA/_VBA_PROJECT", "VBA/dir", *[f"VBA/{n}" for n in names]])
    # MS-OVBA 2.3.4.1: Reserved1, Version 0xFFFF, Reserved2, Reserved3; no PerformanceCache
    assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("CC61FFFF000100")
    # MS-OVBA 2.3.3 PROJECTwm
    expected = b"".join(n.encode() + b"\x00" + n.encode("utf-16-le") + b"\x00\x00" for n in names) + b"\x00\x00"
    assert ole.openstream("PROJECTwm").read() == expected
    # module streams are pure compressed source (MODULEOFFSET 0)
    for module in _modules():
        assert decompress(ole.openstream(f"VBA/{module.name}").read()) == stored_module_source(module).encode()


def test_project_stream_text(vba_bin: bytes) -> None:
    ole = olefile.OleFileIO(io.BytesIO(vba_bin))
    text = ole.openstream("PROJECT").read().decode("ascii")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    lines = text.split("\r\n")
    project_id = re.fullmatch(r'ID="(\{[0-9A-F-]{36}\})"', lines[0]).group(1)
    assert lines[1:7] == [
        "Document=ThisWorkbook/&H00000000",
        "Document=Sheet1/&H00000000",
        "Document=Sheet2/&H00000000",
        "Module=xlreport",
        "Module=xlwings",
        "Class=Dictionary",
    ]
    assert lines[7:10] == ['Name="VBAProject"', 'HelpContextID="0"', 'VersionCompatible32="393222000"']
    values = dict(line.split("=", 1) for line in lines[10:13])
    # MS-OVBA 2.4.3.3: decrypt, check ProjKey and the unprotected values
    project_key = sum(project_id.encode()) & 0xFF
    assert decrypt_data(values["CMG"].strip('"')) == (project_key, bytes(4))  # not protected
    assert decrypt_data(values["DPB"].strip('"')) == (project_key, b"\x00")  # no password
    assert decrypt_data(values["GC"].strip('"')) == (project_key, b"\xff")  # visible
    assert lines[13:17] == [
        "",
        "[Host Extender Info]",
        "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
        "",
    ]
    assert lines[17] == "[Workspace]"
    assert lines[18:] == [f"{m.name}=0, 0, 0, 0, C" for m in _modules()] + [""]


def test_data_encryption_matches_excel() -> None:
    """The CMG/DPB/GC values in xlwings' quickstart_standalone.xlsm decrypt with our
    MS-OVBA 2.4.3.3 implementation, and re-encrypting with the same seed and
    ignored bytes gives the same text back."""
    project_id = "{5CF9CDAB-B77B-4FE4-BD7E-D29900070E1B}"
    key = sum(project_id.encode()) & 0xFF
    for text, data in [
        ("8D8FA61394EA98EA98EA98EA98", bytes(4)),
        ("8D8FA61394EF95EF95EF", b"\x00"),
        ("8D8FA61394EF95EF9510", b"\xff"),
    ]:
        assert decrypt_data(text) == (key, data)
        assert encrypt_data(project_id, data, seed=0x8D, ignored=bytes.fromhex("A9DB")) == text
    # the values Excel itself wrote into xlwings' quickstart.xlsm (ID {E2E0E410-...})
    key = sum(b"{E2E0E410-BF04-4DC5-BDD2-D3FBBA8B7D37}") & 0xFF
    assert decrypt_data("A7A58C2B7CDD73E173E173E173E1") == (key, bytes(4))  # CMG: no protection
    assert decrypt_data("A2A089308531853185") == (key, b"\x00")  # DPB: no password
    assert decrypt_data("9D9FB6314A2D4B2D4BD2") == (key, b"\xff")  # GC: visible


def test_build_is_deterministic() -> None:
    assert build_vba_project(_modules()) == build_vba_project(_modules())
    other = build_vba_project([*_modules()[:3], VbaModule("xlreport", "standard", OWN_SOURCE + "' x\n")])
    assert other != build_vba_project(_modules()[:4])


def test_dir_module_records(vba_bin: bytes) -> None:
    ole = olefile.OleFileIO(io.BytesIO(vba_bin))
    records = parse_dir_records(decompress(ole.openstream("VBA/dir").read()))
    modules = _modules()
    count = next(p for r, p in records if r == 0x000F)
    assert struct.unpack("<H", count)[0] == len(modules)
    types = [r for r, _ in records if r in (0x0021, 0x0022)]
    assert types == [0x0021 if m.kind == "standard" else 0x0022 for m in modules]
    offsets = [struct.unpack("<I", p)[0] for r, p in records if r == 0x0031]
    assert offsets == [0] * len(modules)
    docstrings = [p for r, p in records if r == 0x001C]
    assert docstrings[-1].startswith(b"Drop-in replacement for Scripting.Dictionary on Mac\r\n")
    assert docstrings[:-1] == [b""] * (len(modules) - 1)
    assert records[-1] == (0x0010, b"")


def test_optional_compat_version_record() -> None:
    """PROJECTCOMPATVERSION (MS-OVBA 2.3.4.2.1.2) is optional; newer Excel
    writes it right after PROJECTSYSKIND.  Off by default (like xlwings' standalone
    file), available as an option, and strict olevba accepts both."""
    modules = default_document_modules(1)
    default = parse_dir_records(decompress(project_streams(modules)["VBA/dir"]))
    assert [rid for rid, _ in default[:2]] == [0x0001, 0x0002]
    streams = project_streams(modules, compat_version=5)
    records = parse_dir_records(decompress(streams["VBA/dir"]))
    assert records[:3] == [(0x0001, struct.pack("<I", 3)), (0x004A, struct.pack("<I", 5)), (0x0002, b"\x09\x04\x00\x00")]
    blob = build_vba_project(modules, compat_version=5)
    assert set(_extract(blob, "vbaProject.bin")) == {"ThisWorkbook.cls", "Sheet1.cls"}
