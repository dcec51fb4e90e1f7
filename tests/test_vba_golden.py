"""Compare our vbaProject.bin with the one Excel wrote for xlwings'
quickstart_standalone.xlsm (shipped inside the installed xlwings package),
record by record, in the spirit of XlsxWriter's comparison tests.

We build the same project as the golden file (ThisWorkbook, Sheet1, Sheet2,
Module1, xlwings, Dictionary) and compare.  What may legitimately differ,
and is therefore excluded from the equality checks below:

* PROJECTVERSION (0x0009): a version stamp Excel bumps on every save.
* References: Excel's file references MSForms (a REFERENCECONTROL, because a
  UserForm was once added) and Office; we write the references of a new
  workbook, stdole and Office.  The Office record must be identical.
* PROJECTCOOKIE / MODULECOOKIE (0x0013 / 0x002C): MS-OVBA says "MUST be 0xFFFF
  on write"; Excel stores its own values.
* MODULEOFFSET (0x0031): Excel stores compiled p-code before the source of
  some modules; we store source only, so the offset is 0.
* Module order in dir/PROJECT/PROJECTwm: Excel keeps creation order; we put
  document modules first.  The set of modules and each module's records match.
* PROJECT stream: the ID GUID, the CMG/DPB/GC obfuscation seeds and the
  [Workspace] window positions.
* Compressed bytes: Excel's compressor picks other (equally valid) copy
  tokens, so streams are compared after decompression.
* Source text: xlwings' own build wrote the xlwings module with LF line ends,
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

from xlreport.vba import (
    VbaModule,
    build_vba_project,
    decompress,
    default_document_modules,
    module_from_file_text,
    parse_dir_records,
)

XLWINGS_DIR = Path(xlwings.__file__).parent
GOLDEN_XLSM = XLWINGS_DIR / "quickstart_standalone.xlsm"

REFERENCE_IDS = {0x0016, 0x003E, 0x000D, 0x000E, 0x002F, 0x0030, 0x0033}
MAY_DIFFER_IN_INFORMATION = {0x0009}  # PROJECTVERSION
MAY_DIFFER_IN_MODULE = {0x0031, 0x002C}  # MODULEOFFSET, MODULECOOKIE


def _golden_ole() -> olefile.OleFileIO:
    with zipfile.ZipFile(GOLDEN_XLSM) as archive:
        return olefile.OleFileIO(archive.read("xl/vbaProject.bin"))


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


def _golden_source(ole: olefile.OleFileIO, name: str, records: dict) -> str:
    offset = struct.unpack("<I", dict(records["modules"][name])[0x0031])[0]
    return decompress(ole.openstream(f"VBA/{name}").read()[offset:]).decode("cp1252")


@pytest.fixture(scope="module")
def golden() -> dict:
    ole = _golden_ole()
    parts = _split(_dir_records(ole))
    return dict(ole=ole, parts=parts)


@pytest.fixture(scope="module")
def ours(golden: dict) -> dict:
    module1_body = _golden_source(golden["ole"], "Module1", golden["parts"]).split("\r\n", 1)[1]
    modules = [
        *default_document_modules(2),
        VbaModule("Module1", "standard", module1_body),
        module_from_file_text("xlwings", "standard", (XLWINGS_DIR / "xlwings.bas").read_bytes().decode("ascii")),
        module_from_file_text(None, "class", (XLWINGS_DIR / "addin" / "Dictionary.cls").read_bytes().decode("ascii")),
    ]
    ole = olefile.OleFileIO(io.BytesIO(build_vba_project(modules)))
    return dict(ole=ole, parts=_split(_dir_records(ole)))


def test_same_streams(golden: dict, ours: dict) -> None:
    assert sorted(golden["ole"].listdir()) == sorted(ours["ole"].listdir())
    assert ours["ole"].openstream("VBA/_VBA_PROJECT").read() == golden["ole"].openstream("VBA/_VBA_PROJECT").read()


def test_project_information_records(golden: dict, ours: dict) -> None:
    gold, mine = golden["parts"]["information"], ours["parts"]["information"]
    # SYSKIND, LCID, LCIDINVOKE, CODEPAGE, NAME, DOCSTRING(+0x40), HELPFILEPATH(+0x3D),
    # HELPCONTEXT, LIBFLAGS, VERSION, CONSTANTS(+0x3C) -- same ids in the same order
    assert [rid for rid, _ in mine] == [rid for rid, _ in gold] == [
        0x01, 0x02, 0x14, 0x03, 0x04, 0x05, 0x40, 0x06, 0x3D, 0x07, 0x08, 0x09, 0x0C, 0x3C,
    ]  # fmt: skip
    for (rid, payload), (_, golden_payload) in zip(mine, gold):
        if rid not in MAY_DIFFER_IN_INFORMATION:
            assert payload == golden_payload, f"record {rid:#06x}"
    assert dict(mine)[0x0001] == struct.pack("<I", 3)  # SYSKIND: 64-bit Windows
    assert dict(mine)[0x0003] == struct.pack("<H", 1252)  # CODEPAGE
    assert dict(mine)[0x0004] == b"VBAProject"


def test_reference_records(golden: dict, ours: dict) -> None:
    def by_name(references: list) -> dict:
        return {ref[0][1].decode(): ref for ref in references}

    gold, mine = by_name(golden["parts"]["references"]), by_name(ours["parts"]["references"])
    assert list(gold) == ["MSForms", "Office"]
    assert list(mine) == ["stdole", "Office"]
    assert mine["Office"] == gold["Office"]  # REFERENCENAME + REFERENCEREGISTERED, byte for byte
    assert [rid for rid, _ in mine["stdole"]] == [0x0016, 0x003E, 0x000D]
    libid_size = struct.unpack_from("<I", mine["stdole"][2][1])[0]
    assert mine["stdole"][2][1][4 : 4 + libid_size].startswith(b"*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#")


def test_module_records(golden: dict, ours: dict) -> None:
    gold, mine = golden["parts"], ours["parts"]
    assert mine["count"] == gold["count"] == (0x000F, struct.pack("<H", 6))
    assert mine["cookie"] == (0x0013, b"\xff\xff")  # MS-OVBA: 0xFFFF on write
    assert set(mine["modules"]) == set(gold["modules"])
    assert mine["order"] == ["ThisWorkbook", "Sheet1", "Sheet2", "Module1", "xlwings", "Dictionary"]
    for name, records in mine["modules"].items():
        golden_records = gold["modules"][name]
        # MODULENAME, MODULENAMEUNICODE, MODULESTREAMNAME(+0x32), MODULEDOCSTRING(+0x48),
        # MODULEOFFSET, MODULEHELPCONTEXT, MODULECOOKIE, MODULETYPE, Terminator
        assert [rid for rid, _ in records] == [rid for rid, _ in golden_records], name
        for (rid, payload), (_, golden_payload) in zip(records, golden_records):
            if rid not in MAY_DIFFER_IN_MODULE:
                assert payload == golden_payload, f"{name}: record {rid:#06x}"
        assert dict(records)[0x0031] == b"\x00\x00\x00\x00"  # source only, no p-code
    types = {name: records[-2][0] for name, records in mine["modules"].items()}
    assert types == {
        "ThisWorkbook": 0x0022, "Sheet1": 0x0022, "Sheet2": 0x0022,  # document
        "Module1": 0x0021, "xlwings": 0x0021,  # procedural
        "Dictionary": 0x0022,  # class
    }  # fmt: skip
    assert mine["terminator"] == gold["terminator"] == (0x0010, b"")


def test_project_stream_structure(golden: dict, ours: dict) -> None:
    def shape(ole: olefile.OleFileIO) -> tuple[list[str], set[str], set[str]]:
        lines = ole.openstream("PROJECT").read().decode("cp1252").rstrip("\r\n").split("\r\n")
        keys = [line.split("=", 1)[0] if "=" in line else line for line in lines]
        modules = {line for line in lines if line.startswith(("Document=", "Module=", "Class="))}
        workspace = {line.split("=")[0] for line in lines[lines.index("[Workspace]") + 1 :]}
        # collapse the module lines (their order may differ) to one marker
        collapsed = [k for i, k in enumerate(keys) if k not in ("Document", "Module", "Class") or i == 1]
        collapsed = collapsed[: collapsed.index("[Workspace]") + 1]
        return collapsed, modules, workspace

    assert shape(ours["ole"]) == shape(golden["ole"])
    host = "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000"
    assert host in ours["ole"].openstream("PROJECT").read().decode()


def test_projectwm(golden: dict, ours: dict) -> None:
    def pairs(ole: olefile.OleFileIO) -> list[str]:
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

    assert sorted(pairs(ours["ole"])) == sorted(pairs(golden["ole"]))


def test_module_sources(golden: dict, ours: dict) -> None:
    for name in ["ThisWorkbook", "Sheet1", "Sheet2", "Module1"]:
        assert decompress(ours["ole"].openstream(f"VBA/{name}").read()).decode() == _golden_source(
            golden["ole"], name, golden["parts"]
        ), name
    ours_xlwings = decompress(ours["ole"].openstream("VBA/xlwings").read()).decode()
    gold_xlwings = _golden_source(golden["ole"], "xlwings", golden["parts"])
    assert ours_xlwings == gold_xlwings.replace("\r\n", "\n").replace("\n", "\r\n")
    ours_dictionary = decompress(ours["ole"].openstream("VBA/Dictionary").read()).decode()
    gold_dictionary = _golden_source(golden["ole"], "Dictionary", golden["parts"])
    # identical header (incl. VB_Description), body equal up to the editor's re-casing
    header_length = ours_dictionary.index("''\r\n")
    assert ours_dictionary[:header_length] == gold_dictionary[:header_length]
    assert ours_dictionary.lower() == gold_dictionary.lower()
