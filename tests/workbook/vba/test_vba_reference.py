"""Compare our vbaProject.bin, record by record, with the VBA projects of two
workbooks shipped inside the installed xlwings package, in the spirit of
XlsxWriter's comparison tests.

* ``quickstart.xlsm`` was saved by Excel itself (test_which_program_saved_the_references):
  ThisWorkbook, Sheet1, Module1, Sheet2, as Excel 2016+ writes them.  We build the
  same modules and compare (the ``excel_*`` tests below).
* ``quickstart_standalone.xlsm`` has the modules our workbook has (ThisWorkbook,
  Sheet1, Sheet2, Module1, xlwings, Dictionary), but it is *not* Excel's output:
  xlwings' release re-writes the package with another program.  Its app.xml still
  says "Microsoft Excel", yet its XML is serialised differently (``<Template />``),
  its zip entries carry the build date, its VBA project has no PROJECTCOMPATVERSION
  record (Excel 2016+ writes one) and stores the xlwings module with LF line ends
  (the VBA editor writes CRLF).  It is a reference for the module set, not proof of
  what Excel writes.

What may legitimately differ, and is therefore excluded from the equality checks below:

* PROJECTVERSION (0x0009): a version stamp Excel bumps on every save.
* PROJECTCOMPATVERSION (0x004A): optional (MS-OVBA 2.3.4.2.1.2); Excel 2016+ writes
  it, we leave it out by default like the standalone reference (tested both ways).
* References: Excel's files reference MSForms (a REFERENCECONTROL, because a
  UserForm was once added), Office and (quickstart.xlsm) the xlwings add-in; we
  write the references of a new workbook, stdole and Office.  The Office record
  must be identical.
* PROJECTCOOKIE / MODULECOOKIE (0x0013 / 0x002C): MS-OVBA says "MUST be 0xFFFF
  on write"; Excel stores its own values.
* MODULEOFFSET (0x0031): Excel stores compiled p-code before the source of
  some modules; we store source only, so the offset is 0.
* _VBA_PROJECT: Excel's holds a performance cache; ours says "none, recompile".
* Module order in dir/PROJECT/PROJECTwm: Excel keeps creation order; we put
  document modules first.  The set of modules and each module's records match.
* PROJECT stream: the ID GUID, the CMG/DPB/GC obfuscation seeds and the
  [Workspace] window positions.
* Compressed bytes: Excel's compressor picks other (equally valid) copy
  tokens, so streams are compared after decompression.
* Source text of the standalone reference: the xlwings module with LF line ends,
  and the VBA editor re-cases identifiers (``err.Raise`` -> ``Err.Raise``);
  both are compared modulo that.
"""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import olefile
import pytest
import xlwings

from xlreport.workbook.vba import (
    VbaModule,
    build_vba_project,
    decompress,
    default_document_modules,
    module_from_file_text,
    parse_dir_records,
)

XLWINGS_DIR = Path(xlwings.__file__).parent
STANDALONE_XLSM = XLWINGS_DIR / "quickstart_standalone.xlsm"  # re-written by xlwings' release tooling
EXCEL_XLSM = XLWINGS_DIR / "quickstart.xlsm"  # saved by Excel

REFERENCE_IDS = {0x0016, 0x003E, 0x000D, 0x000E, 0x002F, 0x0030, 0x0033}
MAY_DIFFER_IN_INFORMATION = {0x0009}  # PROJECTVERSION
MAY_DIFFER_IN_MODULE = {0x0031, 0x002C}  # MODULEOFFSET, MODULECOOKIE


def _project_ole(path: Path) -> olefile.OleFileIO:
    with zipfile.ZipFile(path) as archive:
        return olefile.OleFileIO(archive.read("xl/vbaProject.bin"))


def not_saved_by_excel(path: Path) -> list[str]:
    """Why the package at `path` is not as Excel saves it (empty: it is).

    Excel writes every zip entry without a date (1980-01-01 00:00), a CRLF after
    each XML declaration, and empty elements as "<x/>".  docProps/app.xml's
    <Application> alone proves nothing: a program that re-writes a package copies it.
    """
    reasons = []
    with zipfile.ZipFile(path) as archive:
        if b"<Application>Microsoft Excel</Application>" not in archive.read("docProps/app.xml"):
            reasons.append("docProps/app.xml names another application")
        if any(info.date_time != (1980, 1, 1, 0, 0, 0) for info in archive.infolist()):
            reasons.append("zip entries carry dates")
        xml = [archive.read(n) for n in archive.namelist() if n.endswith((".xml", ".rels"))]
        if any(b" />" in part for part in xml):
            reasons.append("XML empty elements written as ' />'")
        if not all(part.startswith(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n') for part in xml):
            reasons.append("XML declarations without the CRLF Excel writes")
    return reasons


def _dir_records(ole: olefile.OleFileIO) -> list[tuple[int, bytes]]:
    return parse_dir_records(decompress(ole.openstream("VBA/dir").read()))


def _split(records: list[tuple[int, bytes]]) -> dict:
    """PROJECTINFORMATION / PROJECTREFERENCES / PROJECTMODULES parts."""
    first_ref = next(i for i, (rid, _) in enumerate(records) if rid in REFERENCE_IDS or rid == 0x000F)
    modules_at = next(i for i, (rid, _) in enumerate(records) if rid == 0x000F)
    references: list[list[tuple[int, bytes]]] = []
    for record in records[first_ref:modules_at]:
        # A REFERENCE starts with its REFERENCENAME (0x0016); the only nested
        # name is REFERENCECONTROL's NameRecordExtended, right after 0x002F.
        if record[0] == 0x0016 and not (references and references[-1][-1][0] == 0x002F):
            references.append([])
        references[-1].append(record)
    modules: dict[str, list[tuple[int, bytes]]] = {}
    order: list[str] = []
    current: list[tuple[int, bytes]] = []
    for record in records[modules_at + 2 : -1]:
        current.append(record)
        if record[0] == 0x002B:  # MODULE Terminator
            name = current[0][1].decode("cp1252")
            modules[name] = current
            order.append(name)
            current = []
    assert not current
    return dict(
        information=records[:first_ref],
        references=references,
        count=records[modules_at],
        cookie=records[modules_at + 1],
        modules=modules,
        order=order,
        terminator=records[-1],
    )


def _stored_source(ole: olefile.OleFileIO, name: str, records: dict) -> str:
    offset = struct.unpack("<I", dict(records["modules"][name])[0x0031])[0]
    return decompress(ole.openstream(f"VBA/{name}").read()[offset:]).decode("cp1252")


@pytest.fixture(scope="module")
def standalone() -> dict:
    """The standalone reference (not saved by Excel: see the module docstring)."""
    ole = _project_ole(STANDALONE_XLSM)
    parts = _split(_dir_records(ole))
    return dict(ole=ole, parts=parts)


@pytest.fixture(scope="module")
def ours(standalone: dict) -> dict:
    module1_body = _stored_source(standalone["ole"], "Module1", standalone["parts"]).split("\r\n", 1)[1]
    modules = [
        *default_document_modules(2),
        VbaModule("Module1", "standard", module1_body),
        module_from_file_text("xlwings", "standard", (XLWINGS_DIR / "xlwings.bas").read_bytes().decode("ascii")),
        module_from_file_text(None, "class", (XLWINGS_DIR / "addin" / "Dictionary.cls").read_bytes().decode("ascii")),
    ]
    ole = olefile.OleFileIO(io.BytesIO(build_vba_project(modules)))
    return dict(ole=ole, parts=_split(_dir_records(ole)))


def test_same_streams(standalone: dict, ours: dict) -> None:
    assert sorted(standalone["ole"].listdir()) == sorted(ours["ole"].listdir())
    assert ours["ole"].openstream("VBA/_VBA_PROJECT").read() == standalone["ole"].openstream("VBA/_VBA_PROJECT").read()


def test_project_information_records(standalone: dict, ours: dict) -> None:
    ref, mine = standalone["parts"]["information"], ours["parts"]["information"]
    # SYSKIND, LCID, LCIDINVOKE, CODEPAGE, NAME, DOCSTRING(+0x40), HELPFILEPATH(+0x3D),
    # HELPCONTEXT, LIBFLAGS, VERSION, CONSTANTS(+0x3C) -- same ids in the same order
    assert [rid for rid, _ in mine] == [rid for rid, _ in ref] == [
        0x01, 0x02, 0x14, 0x03, 0x04, 0x05, 0x40, 0x06, 0x3D, 0x07, 0x08, 0x09, 0x0C, 0x3C,
    ]  # fmt: skip
    for (rid, payload), (_, ref_payload) in zip(mine, ref):
        if rid not in MAY_DIFFER_IN_INFORMATION:
            assert payload == ref_payload, f"record {rid:#06x}"
    assert dict(mine)[0x0001] == struct.pack("<I", 3)  # SYSKIND: 64-bit Windows
    assert dict(mine)[0x0003] == struct.pack("<H", 1252)  # CODEPAGE
    assert dict(mine)[0x0004] == b"VBAProject"


def test_reference_records(standalone: dict, ours: dict) -> None:
    def by_name(references: list) -> dict:
        return {ref[0][1].decode(): ref for ref in references}

    ref, mine = by_name(standalone["parts"]["references"]), by_name(ours["parts"]["references"])
    assert list(ref) == ["MSForms", "Office"]
    assert list(mine) == ["stdole", "Office"]
    assert mine["Office"] == ref["Office"]  # REFERENCENAME + REFERENCEREGISTERED, byte for byte
    assert [rid for rid, _ in mine["stdole"]] == [0x0016, 0x003E, 0x000D]
    libid_size = struct.unpack_from("<I", mine["stdole"][2][1])[0]
    assert mine["stdole"][2][1][4 : 4 + libid_size].startswith(b"*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#")


def test_module_records(standalone: dict, ours: dict) -> None:
    ref, mine = standalone["parts"], ours["parts"]
    assert mine["count"] == ref["count"] == (0x000F, struct.pack("<H", 6))
    assert mine["cookie"] == (0x0013, b"\xff\xff")  # MS-OVBA: 0xFFFF on write
    assert set(mine["modules"]) == set(ref["modules"])
    assert mine["order"] == ["ThisWorkbook", "Sheet1", "Sheet2", "Module1", "xlwings", "Dictionary"]
    for name, records in mine["modules"].items():
        ref_records = ref["modules"][name]
        # MODULENAME, MODULENAMEUNICODE, MODULESTREAMNAME(+0x32), MODULEDOCSTRING(+0x48),
        # MODULEOFFSET, MODULEHELPCONTEXT, MODULECOOKIE, MODULETYPE, Terminator
        assert [rid for rid, _ in records] == [rid for rid, _ in ref_records], name
        for (rid, payload), (_, ref_payload) in zip(records, ref_records):
            if rid not in MAY_DIFFER_IN_MODULE:
                assert payload == ref_payload, f"{name}: record {rid:#06x}"
        assert dict(records)[0x0031] == b"\x00\x00\x00\x00"  # source only, no p-code
    types = {name: records[-2][0] for name, records in mine["modules"].items()}
    assert types == {
        "ThisWorkbook": 0x0022, "Sheet1": 0x0022, "Sheet2": 0x0022,  # document
        "Module1": 0x0021, "xlwings": 0x0021,  # procedural
        "Dictionary": 0x0022,  # class
    }  # fmt: skip
    assert mine["terminator"] == ref["terminator"] == (0x0010, b"")


def project_shape(ole: olefile.OleFileIO) -> tuple[list[str], set[str], set[str]]:
    """The PROJECT stream's keys in order (module lines collapsed), its module lines, its workspace names."""
    lines = ole.openstream("PROJECT").read().decode("cp1252").rstrip("\r\n").split("\r\n")
    keys = [line.split("=", 1)[0] if "=" in line else line for line in lines]
    modules = {line for line in lines if line.startswith(("Document=", "Module=", "Class="))}
    workspace = {line.split("=")[0] for line in lines[lines.index("[Workspace]") + 1 :]}
    # collapse the module lines (their order may differ) to one marker
    collapsed = [k for i, k in enumerate(keys) if k not in ("Document", "Module", "Class") or i == 1]
    collapsed = collapsed[: collapsed.index("[Workspace]") + 1]
    return collapsed, modules, workspace


def test_project_stream_structure(standalone: dict, ours: dict) -> None:
    assert project_shape(ours["ole"]) == project_shape(standalone["ole"])
    host = "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000"
    assert host in ours["ole"].openstream("PROJECT").read().decode()


def projectwm_names(ole: olefile.OleFileIO) -> list[str]:
    data = ole.openstream("PROJECTwm").read()
    assert data.endswith(b"\x00\x00")
    names, pos = [], 0
    while data[pos : pos + 2] != b"\x00\x00":
        end = data.index(b"\x00", pos)
        name = data[pos:end].decode("cp1252")
        unicode_end = end + 1 + 2 * len(name)
        assert data[end + 1 : unicode_end].decode("utf-16-le") == name
        assert data[unicode_end : unicode_end + 2] == b"\x00\x00"
        names.append(name)
        pos = unicode_end + 2
    assert pos == len(data) - 2
    return names


def test_projectwm(standalone: dict, ours: dict) -> None:
    assert sorted(projectwm_names(ours["ole"])) == sorted(projectwm_names(standalone["ole"]))


def test_module_sources(standalone: dict, ours: dict) -> None:
    for name in ["ThisWorkbook", "Sheet1", "Sheet2", "Module1"]:
        assert decompress(ours["ole"].openstream(f"VBA/{name}").read()).decode() == _stored_source(
            standalone["ole"], name, standalone["parts"]
        ), name
    ours_xlwings = decompress(ours["ole"].openstream("VBA/xlwings").read()).decode()
    ref_xlwings = _stored_source(standalone["ole"], "xlwings", standalone["parts"])
    assert ours_xlwings == ref_xlwings.replace("\r\n", "\n").replace("\n", "\r\n")
    ours_dictionary = decompress(ours["ole"].openstream("VBA/Dictionary").read()).decode()
    ref_dictionary = _stored_source(standalone["ole"], "Dictionary", standalone["parts"])
    # identical header (incl. VB_Description), body equal up to the editor's re-casing
    header_length = ours_dictionary.index("''\r\n")
    assert ours_dictionary[:header_length] == ref_dictionary[:header_length]
    assert ours_dictionary.lower() == ref_dictionary.lower()


# --------------------------------------------------------------------------
# which program saved the two references


def test_which_program_saved_the_references() -> None:
    """quickstart.xlsm is Excel's own file; quickstart_standalone.xlsm, despite the
    "Microsoft Excel" in its app.xml, was re-written by another program.  If a new
    xlwings changes this, the names and the docstring above must change too."""
    assert EXCEL_XLSM.exists(), "the installed xlwings no longer ships quickstart.xlsm: replace the excel_* tests"
    assert not_saved_by_excel(EXCEL_XLSM) == []
    assert not_saved_by_excel(STANDALONE_XLSM) == [
        "zip entries carry dates",
        "XML empty elements written as ' />'",
        "XML declarations without the CRLF Excel writes",
    ]
    # and its VBA project: no PROJECTCOMPATVERSION, the xlwings module with LF line ends
    ole = _project_ole(STANDALONE_XLSM)
    parts = _split(_dir_records(ole))
    assert 0x004A not in dict(parts["information"])
    source = _stored_source(ole, "xlwings", parts)
    assert "\n" in source and "\r\n" not in source


# --------------------------------------------------------------------------
# against the project Excel saved (quickstart.xlsm)


@pytest.fixture(scope="module")
def excel_saved() -> dict:
    ole = _project_ole(EXCEL_XLSM)
    return dict(ole=ole, parts=_split(_dir_records(ole)))


@pytest.fixture(scope="module")
def ours_as_excel(excel_saved: dict) -> dict:
    """Our project with Excel's modules, and PROJECTCOMPATVERSION as Excel 2016+ writes it."""
    module1_body = _stored_source(excel_saved["ole"], "Module1", excel_saved["parts"]).split("\r\n", 1)[1]
    modules = [*default_document_modules(2), VbaModule("Module1", "standard", module1_body)]
    ole = olefile.OleFileIO(io.BytesIO(build_vba_project(modules, compat_version=5)))
    return dict(ole=ole, parts=_split(_dir_records(ole)))


def test_excel_information_records(excel_saved: dict, ours_as_excel: dict) -> None:
    ref, mine = excel_saved["parts"]["information"], ours_as_excel["parts"]["information"]
    assert [rid for rid, _ in mine] == [rid for rid, _ in ref]
    assert dict(ref)[0x004A] == struct.pack("<I", 5)  # Excel's PROJECTCOMPATVERSION
    for (rid, payload), (_, ref_payload) in zip(mine, ref):
        if rid not in MAY_DIFFER_IN_INFORMATION:
            assert payload == ref_payload, f"record {rid:#06x}"


def test_excel_office_reference(excel_saved: dict, ours_as_excel: dict) -> None:
    def by_name(references: list) -> dict:
        return {ref[0][1].decode(): ref for ref in references}

    ref, mine = by_name(excel_saved["parts"]["references"]), by_name(ours_as_excel["parts"]["references"])
    assert list(ref) == ["MSForms", "Office", "xlwings"]  # xlwings: the add-in, which we do not use
    assert mine["Office"] == ref["Office"]


def test_excel_module_records_and_sources(excel_saved: dict, ours_as_excel: dict) -> None:
    ref, mine = excel_saved["parts"], ours_as_excel["parts"]
    assert mine["count"] == ref["count"] == (0x000F, struct.pack("<H", 4))
    assert set(mine["modules"]) == set(ref["modules"]) == {"ThisWorkbook", "Sheet1", "Sheet2", "Module1"}
    for name, records in mine["modules"].items():
        ref_records = ref["modules"][name]
        assert [rid for rid, _ in records] == [rid for rid, _ in ref_records], name
        for (rid, payload), (_, ref_payload) in zip(records, ref_records):
            if rid not in MAY_DIFFER_IN_MODULE:
                assert payload == ref_payload, f"{name}: record {rid:#06x}"
        ours_source = decompress(ours_as_excel["ole"].openstream(f"VBA/{name}").read()).decode("cp1252")
        assert ours_source == _stored_source(excel_saved["ole"], name, ref), name
    assert mine["terminator"] == ref["terminator"]


def test_excel_project_stream_and_projectwm(excel_saved: dict, ours_as_excel: dict) -> None:
    assert project_shape(ours_as_excel["ole"]) == project_shape(excel_saved["ole"])
    assert sorted(projectwm_names(ours_as_excel["ole"])) == sorted(projectwm_names(excel_saved["ole"]))
