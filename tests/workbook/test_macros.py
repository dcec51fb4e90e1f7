"""The macro workbook (`xlreport new --macros`, templates/report.xlsm), checked without Excel:

- its VBA project read back by olevba: exactly our module and xlwings'
  standalone module of the installed version, document modules matching the
  sheet code names in the workbook XML;
- the VBA wrappers against the Python UDFs (names, arities, and the text
  xlwings' own generator would write);
- the xlwings.conf sheet, the buttons (bound to GenerateReport, covering no
  input), the UDF formulas (their ranges are what the Python side expects);
- `xlreport check` / `export` on .xlsm files; the layout sheets untouched;
- LibreOffice opens it, sees the modules and binds both buttons;
- the committed templates/report.xlsm is what build_templates builds.
"""

from __future__ import annotations

import importlib.metadata
import inspect
import json
import re
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.worksheet.formula import ArrayFormula
import pytest
from oletools.olevba import VBA_Parser
from python_calamine import CalamineWorkbook

from conftest import REPO
from factories import consistent_data
from xlreport import excel
from xlreport.workbook import macros
from xlreport.cli.main import main
from xlreport.io.jsonfile import document
from xlreport.model.formats import V2019, V2021
from xlreport.workbook.vba import module_from_file_text
from xlreport.model.layout import SHEET_CHECKS, SHEET_COVER, SHEET_MARKER, workbook_layout
from xlreport.workbook.reader import read_workbook
from xlreport.workbook.writer import write_workbook

# All its tests on one xdist worker (--dist loadgroup): its module fixtures (the workbooks, their LibreOffice conversion)
# are made once, not once per worker.
pytestmark = pytest.mark.xdist_group("macros")

OUR_BAS = REPO / "src" / "xlreport" / "workbook" / "vba" / "src" / "xlreport.bas"
XLWINGS_VERSION = importlib.metadata.version("xlwings")
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
FORMATS = [V2019, V2021]
N_SHEETS = len(workbook_layout(V2021).sheets) + 1  # + xlwings.conf


def filled(fmt):
    data = consistent_data(fmt, 7)
    data["text.other"] = "本年度没有其他需要报告的事项。"  # the fee sentence is generated from fee.*
    return data


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("xlsm")
    out = {}
    for fmt in FORMATS:
        out[fmt.version] = write_workbook(folder / f"{fmt.version}.xlsm", fmt, filled(fmt), vba=macros.MacroParts())
        out[fmt.version + "x"] = write_workbook(folder / f"{fmt.version}.xlsx", fmt, filled(fmt))
    out["blank"] = write_workbook(folder / "blank.xlsm", V2021, {}, vba=macros.MacroParts())
    return out


def vba_code(path: Path) -> dict[str, str]:
    parser = VBA_Parser(str(path), relaxed=False)
    try:
        assert parser.detect_vba_macros()
        return {name: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def body(code: str) -> str:
    """Module text without the Attribute header, LF line ends."""
    lines = code.replace("\r\n", "\n").split("\n")
    while lines and lines[0].startswith("Attribute VB_"):
        lines.pop(0)
    return "\n".join(lines).rstrip("\n")


def sheet_parts(path: Path) -> dict[str, str]:
    """sheet name -> part name (xl/worksheets/sheetN.xml), from workbook.xml and its rels."""
    with zipfile.ZipFile(path) as z:
        wb = ET.fromstring(z.read("xl/workbook.xml"))
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    target = {r.get("Id"): "xl/" + r.get("Target").lstrip("/").removeprefix("xl/") for r in rels.iter(PKG_REL)}
    return {s.get("name"): target[s.get(f"{{{REL_NS}}}id")] for s in wb.iterfind("m:sheets/m:sheet", NS)}


def part(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read(name)


# --------------------------------------------------------------------------
# the VBA project


@pytest.mark.parametrize("which", ["2021", "2019", "blank"])
def test_vba_project_holds_exactly_our_module_and_the_installed_xlwings(books, which):
    code = vba_code(books[which])
    documents = {"ThisWorkbook.cls", *(f"Sheet{n}.cls" for n in range(1, N_SHEETS + 1))}
    assert set(code) == documents | {"xlreport.bas", "xlwings.bas", "Dictionary.cls"}

    assert body(code["xlreport.bas"]) == body(OUR_BAS.read_text("ascii"))
    xlwings_dir = macros.xlwings_dir()
    assert body(code["xlwings.bas"]) == body((xlwings_dir / "xlwings.bas").read_text("ascii"))
    assert f'Public Const XLWINGS_VERSION As String = "{XLWINGS_VERSION}"' in code["xlwings.bas"]
    assert f'Lib "xlwings64-{XLWINGS_VERSION}.dll"' in code["xlwings.bas"]
    assert "Redistribution and use in source and binary forms" in code["xlwings.bas"]  # BSD notice kept
    dictionary = module_from_file_text(None, "class", (xlwings_dir / "addin" / "Dictionary.cls").read_text("ascii"))
    assert body(code["Dictionary.cls"]) == body(dictionary.source)
    for name in documents:
        assert body(code[name]) == "", name


def test_document_modules_match_the_code_names_in_the_workbook_xml(books):
    path = books["2021"]
    code = vba_code(path)
    wb = ET.fromstring(part(path, "xl/workbook.xml"))
    assert wb.find("m:workbookPr", NS).get("codeName") == "ThisWorkbook"
    assert 'VB_Base = "0{00020819-0000-0000-C000-000000000046}"' in code["ThisWorkbook.cls"]
    names = {}
    for sheet, xml in sheet_parts(path).items():
        pr = ET.fromstring(part(path, xml)).find("m:sheetPr", NS)
        names[sheet] = pr.get("codeName")
        assert f'Attribute VB_Name = "{names[sheet]}"' in code[f"{names[sheet]}.cls"]
        assert 'VB_Base = "0{00020820-0000-0000-C000-000000000046}"' in code[f"{names[sheet]}.cls"]
    assert list(names) == [*workbook_layout(V2021).sheets, macros.CONF_SHEET]
    assert sorted(names.values()) == sorted(f"Sheet{n}" for n in range(1, N_SHEETS + 1))


def test_the_xlwings_pin_is_the_installed_version():
    import tomllib

    deps = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]["dependencies"]
    assert f"xlwings=={XLWINGS_VERSION}" in deps
    assert f"xlwings=={XLWINGS_VERSION}" in (REPO / "docs" / "excel.md").read_text("utf-8")


def lowest_python(specifier: str) -> str:
    """The lowest Python 3.x a Requires-Python specifier admits."""
    from packaging.specifiers import SpecifierSet

    return next(v for v in (f"3.{minor}" for minor in range(40)) if v in SpecifierSet(specifier))


def test_requires_python_agrees_with_the_pinned_xlwings():
    """pip refuses xlreport where it refuses its xlwings pin: promise no Python it cannot install on."""
    import tomllib

    ours = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]["requires-python"]
    theirs = importlib.metadata.metadata("xlwings")["Requires-Python"]
    assert lowest_python(ours) == lowest_python(theirs), (ours, theirs)
    # and the README and docs/ promise the same Python everywhere they name one
    docs = "\n".join(p.read_text("utf-8") for p in [REPO / "README.md", *(REPO / "docs").glob("*.md")])
    promised = {m for pattern in (r"Python ≥ (3\.\d+)", r"Python (3\.\d+) or later", r"Python (3\.\d+) 或更新")
                for m in re.findall(pattern, docs)}
    assert promised == {lowest_python(ours)}
    assert f"Python {lowest_python(ours)} 或更新" in (REPO / "README.md").read_text("utf-8")  # the clerks' part


def excel_section() -> str:
    """The Excel reference (docs/excel.md; the README's Excel paragraph links to it)."""
    return (REPO / "docs" / "excel.md").read_text("utf-8")


def test_xlwings_config_create_keeps_an_existing_config_without_force(tmp_path, monkeypatch):
    """Why docs/excel.md says --force: xlwings' own `config create` (xlwings/cli.py) silently
    leaves an existing user config alone, so the clerk's Python would not be recorded."""
    import argparse

    import xlwings
    from xlwings import cli

    conf = tmp_path / ".xlwings" / "xlwings.conf"
    conf.parent.mkdir()
    old = '"INTERPRETER_WIN","C:\\Python39\\pythonw.exe"\n'
    conf.write_text(old)
    monkeypatch.setattr(xlwings, "USER_CONFIG_FILE", str(conf))
    monkeypatch.delenv("CONDA_DEFAULT_ENV", raising=False)  # else it records the conda env instead
    monkeypatch.delenv("CONDA_EXE", raising=False)
    key = "INTERPRETER_MAC" if sys.platform == "darwin" else "INTERPRETER_WIN"
    cli.config_create(argparse.Namespace(force=False))
    assert conf.read_text() == old
    cli.config_create(argparse.Namespace(force=True))
    assert conf.read_text() == f'"{key}","{sys.executable}"\n'


def test_readme_excel_setup_works_over_an_existing_xlwings_config():
    docs = [REPO / "README.md", *(REPO / "docs").glob("*.md")]
    commands = re.findall(r"xlwings config create[^\n`]*", "\n".join(p.read_text("utf-8") for p in docs))
    assert re.search(r"xlwings config create --force", excel_section())
    assert commands and all("--force" in c for c in commands), commands


def test_readme_says_when_the_udfs_cannot_load_their_dll():
    """The UDFs (not the button: `Use UDF Server` is off, RunPython starts python itself) need
    the xlwings DLL, which xlwings' VBA looks for only next to the configured Python and one
    folder up. docs/excel.md names the DLL and the installs where it is elsewhere or missing."""
    bas = (macros.xlwings_dir() / "xlwings.bas").read_text("ascii")
    dlls = [f"xlwings64-{XLWINGS_VERSION}.dll", f"xlwings32-{XLWINGS_VERSION}.dll"]
    assert all(f'Const XLPyDLLName As String = "{dll}"' in bas for dll in dlls)
    loads = re.findall(r'LoadLibrary\((.*?) \+ "\\" \+ XLPyDLLName\)', bas)
    assert loads == ["ParentFolder(PYTHON_WIN)", "ParentFolder(ParentFolder(PYTHON_WIN))"]
    assert dict(macros.CONFIG)["Use UDF Server"] is False
    text = excel_section()
    assert all(dll in text for dll in dlls)
    for case in ("pip install --user", "Microsoft Store", "32-bit", "ARM64", "win_amd64"):
        assert case in text, case


def test_our_vba_sources_are_ascii_and_shipped():
    sources = macros.own_sources()
    assert list(sources) == ["xlreport.bas"]
    OUR_BAS.read_bytes().decode("ascii")
    assert '#Const App = "Microsoft Excel"' in sources["xlreport.bas"]  # module-scoped: the wrappers test it


PROCEDURE = re.compile(r"^[ \t]*(?:(?:Public|Private|Friend)[ \t]+)?(?:Static[ \t]+)?(?:Declare[ \t]+(?:PtrSafe[ \t]+)?)?"
                       r"(?:Function|Sub|Property[ \t]+(?:Get|Let|Set))[ \t]+(\w+)", re.M | re.I)


def defined_names(path: Path) -> set[str]:
    wb = ET.fromstring(part(path, "xl/workbook.xml"))
    return {d.get("name") for d in wb.iterfind("m:definedNames/m:definedName", NS)}


@pytest.mark.parametrize("which", ["2021", "2019", "committed"])
def test_no_vba_procedure_shares_its_name_with_a_defined_name(books, which):
    """Defined names and VBA procedures share one name table, compared without case:
    a formula =XLREPORT_STATUS(...) next to the name xlreport_status binds to the name
    (LibreOffice shows Err:509, Excel an error or a repair prompt)."""
    path = REPO / "templates" / "report.xlsm" if which == "committed" else books[which]
    names = defined_names(path)
    assert {"xlreport_status", "xlreport_errors", "xlreport_warnings"} <= names  # the documented names stay
    procedures = {name for code in vba_code(path).values() for name in PROCEDURE.findall(code)}
    assert set(bas_functions()) <= procedures and "RunPython" in procedures
    clashes = {p for p in procedures if p.lower() in {n.lower() for n in names}}
    assert clashes == set()


# --------------------------------------------------------------------------
# the VBA wrappers against the Python side


def bas_functions() -> dict[str, list[str]]:
    text = OUR_BAS.read_text("ascii")
    return {m.group(1): [a.strip() for a in m.group(2).split(",") if a.strip()]
            for m in re.finditer(r"^Function (\w+)\(([^)]*)\)", text, re.M)}


# The VBA of workbooks made by xlreport 0.1.0 (its vba/src/xlreport.bas): the
# Python functions it names in CallUDF must stay in xlreport.excel.
OLD_BAS = REPO / "tests" / "data" / "xlreport-0.1.0.bas"


def udf_calls(text: str) -> dict[tuple[str, str], int]:
    """(module, Python function) -> number of arguments, for every XLPy.CallUDF in a VBA text."""
    return {(m, f): len([a for a in args.split(",") if a.strip()])
            for m, f, args in re.findall(r'XLPy\.CallUDF\("([\w.]+)", "(\w+)", Array\(([^)]*)\)', text)}


def test_wrapper_names_and_arities_match_the_python_udfs():
    wrappers = bas_functions()
    assert set(wrappers) == {macros.STATUS_UDF, macros.CHECK_UDF} == {"XLREPORT_VERDICT", "XLREPORT_CHECK"}
    text = OUR_BAS.read_text("ascii")
    for name, params in wrappers.items():
        assert params == list(inspect.signature(getattr(excel, name)).parameters), name
        call = f'{name} = XLPy.CallUDF("{macros.UDF_MODULE}", "{name}", Array({", ".join(params)}), ThisWorkbook, Application.Caller)'
        assert call in text
    # the formulas on 校验 pass one range per parameter
    layout = workbook_layout(V2021)
    assert len(macros.udf_arguments(layout).split(",")) == len(wrappers[macros.STATUS_UDF])


GENERATE = textwrap.dedent("""
    import io, importlib.util, sys, types
    # xlwings.udfs imports pywin32 at the top; the generator itself does not use it
    for name in ("pythoncom", "pywintypes", "win32com", "win32com.client"):
        sys.modules[name] = types.ModuleType(name)
    sys.modules["pythoncom"].CoInitialize = None
    sys.modules["win32com.client"].Dispatch = None
    import xlwings, xlwings.udfs as udfs
    xlwings.func, xlwings.arg, xlwings.ret = udfs.xlfunc, udfs.xlarg, udfs.xlret  # the Windows decorators
    spec = importlib.util.find_spec("xlreport.excel")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    class Book:
        Name = "report.xlsm"
    out = io.StringIO()
    udfs.generate_vba_wrapper("xlreport.excel", module, out, Book())
    # what xlwings' call_udf looks up: getattr(module, name).__xlfunc__
    options = {name: [a["options"] for a in f.__xlfunc__["args"]]
               for name, f in vars(module).items() if hasattr(f, "__xlfunc__")}
    print(repr(options))
    print(out.getvalue())
""")


@pytest.fixture(scope="module")
def generated() -> tuple[dict[str, list[dict]], str]:
    """Run xlwings' own generator (xlwings/udfs.py generate_vba_wrapper) with its
    Windows decorators over xlreport.excel, in a child process with pywin32 stubbed:
    (each UDF's argument options, the VBA it generates)."""
    result = subprocess.run([sys.executable, "-c", GENERATE], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    options_line, text = result.stdout.split("\n", 1)
    return eval(options_line), text  # noqa: S307 - our own child's repr of plain dicts


def vba_blocks(text: str) -> dict[str, str]:
    found = re.findall(r"^(Function (\w+)\(.*?^End Function)", text.replace("\r\n", "\n"), re.M | re.S)
    return {name: block.strip() for block, name in found}


def test_wrappers_are_what_xlwings_import_functions_would_generate(generated):
    options, text = generated
    for name, args in options.items():
        assert args and all(a == {"ndim": 2} for a in args), name  # every range arrives as a 2-D list
    ours = vba_blocks(OUR_BAS.read_text("ascii"))
    assert ours == {name: block for name, block in vba_blocks(text).items() if name in ours}


@pytest.mark.parametrize("bas", [OUR_BAS, OLD_BAS], ids=["current", "0.1.0"])
def test_every_calludf_names_a_udf_of_xlreport_excel(generated, bas):
    """What xlwings' call_udf does with CallUDF(module, name, args): getattr(module, name),
    which must be a UDF taking that many arguments -- for our VBA and for 0.1.0's."""
    options, _ = generated
    calls = udf_calls(bas.read_text("ascii"))
    assert calls, bas
    for (module, name), count in calls.items():
        assert module == macros.UDF_MODULE
        assert len(options.get(name, [])) == count, name
    assert {name for _, name in udf_calls(OLD_BAS.read_text("ascii"))} == {"XLREPORT_STATUS", "XLREPORT_CHECK"}


def test_generate_report_sub_runs_the_python_entry_point(monkeypatch):
    text = OUR_BAS.read_text("ascii")
    sub = re.search(r"^Sub (\w+)\(\)\n(.*?)^End Sub", text, re.M | re.S)
    assert sub.group(1) == macros.MACRO
    command = re.fullmatch(r'\s*RunPython "([^"]*)"\s*', sub.group(2)).group(1)
    called = []
    monkeypatch.setattr(excel, "generate_report", lambda: called.append(True))
    exec(command, {})  # noqa: S102 - the command RunPython hands to python -c
    assert called == [True]


# --------------------------------------------------------------------------
# the workbook parts


def test_xlwings_conf_sheet(books):
    wb = openpyxl.load_workbook(books["2021"])
    ws = wb[macros.CONF_SHEET]
    assert ws.sheet_state == "hidden"
    settings = {}
    for row in range(1, ws.max_row + 1):  # what GetConfigFromSheet reads: A1 down to the first empty row
        key = ws.cell(row, 1).value
        if key in (None, ""):
            break
        settings[key.upper()] = ws.cell(row, 2).value
    assert settings == {"UDF MODULES": "xlreport.excel", "SHOW CONSOLE": False, "USE UDF SERVER": False,
                        "ADD_WORKBOOK_TO_PYTHONPATH": False}
    assert not any(k.startswith("INTERPRETER") for k in settings)  # left to the user's config / PATH
    import importlib

    module = importlib.import_module(settings["UDF MODULES"])
    assert all(callable(getattr(module, name)) for name in bas_functions())


def vml_buttons(path: Path) -> dict[str, list[dict]]:
    """sheet -> its form buttons: caption, macro, anchor (col1, row1, col2, row2; 0-based)."""
    out: dict[str, list[dict]] = {}
    with zipfile.ZipFile(path) as z:
        for sheet, xml in sheet_parts(path).items():
            rels_name = xml.replace("worksheets/", "worksheets/_rels/") + ".rels"
            if rels_name not in z.namelist():
                continue
            for rel in ET.fromstring(z.read(rels_name)).iter(PKG_REL):
                if not rel.get("Type").endswith("/vmlDrawing"):
                    continue
                vml = z.read("xl/" + rel.get("Target").removeprefix("../")).decode("utf-8")
                for shape in re.findall(r"<v:shape .*?</v:shape>", vml, re.S):
                    if 'ObjectType="Button"' not in shape:
                        continue
                    a = [int(x) for x in re.search(r"<x:Anchor>(.*?)</x:Anchor>", shape).group(1).split(",")]
                    out.setdefault(sheet, []).append({
                        "caption": re.sub(r"<[^>]+>", "", re.search(r"<v:textbox.*?</v:textbox>", shape, re.S).group(0)).strip(),
                        "macro": re.search(r"<x:FmlaMacro>(.*?)</x:FmlaMacro>", shape).group(1),
                        "anchor": (a[0], a[2], a[4], a[6])})
    return out


@pytest.mark.parametrize("which", ["2021", "2019"])
def test_buttons_on_cover_and_checks_bound_to_generate_report_covering_no_input(books, which):
    path = books[which]
    buttons = vml_buttons(path)
    assert set(buttons) == {SHEET_COVER, SHEET_CHECKS}
    fmt = V2021 if which == "2021" else V2019
    layout = workbook_layout(fmt)
    wb = openpyxl.load_workbook(path)
    for sheet, found in buttons.items():
        [button] = found
        assert button["caption"] == macros.BUTTON_CAPTION
        assert button["macro"] == f"[0]!{macros.MACRO}"
        c0, r0, c1, r1 = button["anchor"]
        covered = {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
        keys = [k for k, p in layout.positions.items() if p.sheet == sheet and (p.row, p.col) in covered]
        assert keys == [], (sheet, keys)
        ws = wb[sheet]
        filled_cells = [ws.cell(r + 1, c + 1).coordinate for r, c in covered if ws.cell(r + 1, c + 1).value is not None]
        assert filled_cells == [], (sheet, filled_cells)


def formula(path: Path, sheet: str, cell: str) -> tuple[str, str | None]:
    """(formula text, its t attribute) of one cell, straight from the sheet XML."""
    xml = part(path, sheet_parts(path)[sheet]).decode("utf-8")
    m = re.search(rf'<c r="{cell}"[^>]*>(<f[^>]*>)(.*?)</f>', xml)
    t = re.search(r't="(\w+)"', m.group(1))
    return m.group(2).replace("&apos;", "'").replace("&quot;", '"'), t.group(1) if t else None


def test_udf_cells_on_the_checks_sheet(books):
    path = books["2021"]
    args = macros.udf_arguments(workbook_layout(V2021))
    col = lambda n: chr(65 + n)  # noqa: E731
    label = f"{col(macros.UDF_COL)}{macros.UDF_LABEL_ROW + 1}"
    status = f"{col(macros.UDF_COL + 1)}{macros.UDF_LABEL_ROW + 1}"
    table = f"{col(macros.UDF_COL)}{macros.UDF_TABLE_ROW + 1}"
    assert openpyxl.load_workbook(path)[SHEET_CHECKS][label].value == "Python 校验（Excel）"
    assert formula(path, SHEET_CHECKS, status) == (f"XLREPORT_VERDICT({args})", None)
    assert formula(path, SHEET_CHECKS, table) == (f"XLREPORT_CHECK({args})", "array")
    xml = part(path, sheet_parts(path)[SHEET_CHECKS]).decode("utf-8")
    assert re.search(rf'<c r="{table}"[^>]* cm="1"', xml), "a dynamic array (spills in Excel 365/2021)"
    assert "xl/metadata.xml" in zipfile.ZipFile(path).namelist()
    # the spill area (3 columns, down from the anchor) is empty, else Excel shows #SPILL!
    ws = openpyxl.load_workbook(path)[SHEET_CHECKS]
    spill = [ws.cell(r, c).coordinate for r in range(macros.UDF_TABLE_ROW + 1, ws.max_row + 50)
             for c in range(macros.UDF_COL + 1, macros.UDF_COL + 1 + len(macros.CHECK_HEADER))
             if ws.cell(r, c).value is not None and (r, c) != (macros.UDF_TABLE_ROW + 1, macros.UDF_COL + 1)]
    assert spill == []


def ranges_of(text: str) -> list[tuple[str, int, int]]:
    """'表三'!$A$1:$J$30 -> ("表三", 30, 10) for each argument of a UDF formula."""
    out = []
    for sheet, col, row in re.findall(r"'([^']+)'!\$A\$1:\$([A-Z]+)\$(\d+)", text):
        out.append((sheet, int(row), sum((ord(ch) - 64) * 26**i for i, ch in enumerate(reversed(col)))))
    return out


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.version)
def test_the_udf_formula_ranges_feed_the_python_udfs(tmp_path, fmt):
    """Evaluate the formula by hand: take its ranges from the file, call the Python UDF."""
    data = filled(fmt)
    data["t3.carried_over.research"] += 1
    path = write_workbook(tmp_path / "b.xlsm", fmt, data, vba=macros.MacroParts())
    text, _ = formula(path, SHEET_CHECKS, f"{chr(65 + macros.UDF_COL + 1)}{macros.UDF_LABEL_ROW + 1}")
    refs = ranges_of(text)
    assert [s for s, _, _ in refs] == [SHEET_MARKER, *macros.udf_sheets(workbook_layout(fmt))]
    book = CalamineWorkbook.from_path(str(path))
    args = []
    for sheet, rows, cols in refs:
        grid = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        args.append([[(grid[r][c] if r < len(grid) and c < len(grid[r]) and grid[r][c] != "" else None)
                      for c in range(cols)] for r in range(rows)])
    report = read_workbook(path)
    from xlreport.checks import check

    problems = check(report.data, report.fmt, report.cells)
    errors = sum(p.severity == "error" for p in problems)
    assert errors
    assert excel.XLREPORT_VERDICT(*args) == f"{errors} 个错误，{len(problems) - errors} 个警告"
    assert excel.XLREPORT_STATUS(*args) == excel.XLREPORT_VERDICT(*args)  # the 0.1.0 name
    assert excel.XLREPORT_CHECK(*args)[1:] == [[p.rule, " ".join(p.cells), p.message] for p in problems]


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.version)
def test_layout_sheets_are_untouched(books, fmt):
    """The same data with and without macros: every layout sheet has the same cells,
    except the UDF block right of the native checks."""
    with_macros = openpyxl.load_workbook(books[fmt.version])
    plain = openpyxl.load_workbook(books[fmt.version + "x"])
    assert with_macros.sheetnames == [*plain.sheetnames, macros.CONF_SHEET]
    def cells(ws):
        return {(c.row, c.column): (c.value.ref, c.value.text) if isinstance(c.value, ArrayFormula) else c.value
                for row in ws.iter_rows() for c in row if c.value is not None}

    for name in plain.sheetnames:
        a, b = with_macros[name], plain[name]
        cells_a, cells_b = cells(a), cells(b)
        if name == SHEET_CHECKS:
            cells_a = {k: v for k, v in cells_a.items() if k[1] <= macros.UDF_COL}
        assert cells_a == cells_b, name
        assert a.protection.sheet == b.protection.sheet and a.sheet_state == b.sheet_state
    assert with_macros.security.lockStructure


# --------------------------------------------------------------------------
# the command line


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.version)
def test_new_macros_then_check_and_export_round_trip(tmp_path, capsys, fmt):
    data = filled(fmt)
    src = tmp_path / "in.json"
    src.write_text(json.dumps(document(data, fmt), ensure_ascii=False), encoding="utf-8")
    book = tmp_path / "填报.xlsm"
    year = str(data["meta.year"])
    assert main(["new", "--year", year, "--data", str(src), "--macros", "-o", str(book)]) == 0
    assert vba_code(book)  # really a macro workbook
    capsys.readouterr()
    assert main(["check", str(book), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["problems"] == []
    assert main(["export", str(book), "-o", str(tmp_path / "out.json")]) == 0
    assert json.loads((tmp_path / "out.json").read_text("utf-8")) == json.loads(src.read_text("utf-8"))


def test_check_reports_problems_in_an_xlsm(tmp_path, capsys):
    data = filled(V2021)
    data["t4.review.upheld"] = "3件"
    path = write_workbook(tmp_path / "bad.xlsm", V2021, data, vba=macros.MacroParts())
    assert main(["check", str(path), "--json"]) == 1
    problems = json.loads(capsys.readouterr().out)[0]["problems"]
    assert [(p["rule"], p["keys"]) for p in problems] == [("value-not-integer", ["t4.review.upheld"])]
    assert problems[0]["cells"] == [workbook_layout(V2021).positions["t4.review.upheld"].a1]


def test_new_macros_wants_xlsm(tmp_path, capsys):
    assert main(["new", "--year", "2024", "--macros", "-o", str(tmp_path / "a.xlsx")]) == 2
    assert ".xlsm" in capsys.readouterr().err


# --------------------------------------------------------------------------
# LibreOffice: a real office suite opens the file, imports the modules, binds the buttons

SCRIPT_NS = "urn:oasis:names:tc:opendocument:xmlns:script:1.0"
FORM_NS = "urn:oasis:names:tc:opendocument:xmlns:form:1.0"
TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
LIBRARY_NS = "http://openoffice.org/2000/library"
BASIC_NS = "http://openoffice.org/2000/script"
XLINK = "{http://www.w3.org/1999/xlink}href"


@pytest.fixture(scope="module")
def ods_files(books, tmp_path_factory) -> dict[str, Path]:
    """The 2021 and 2019 books and the committed template, opened and saved as .ods by LibreOffice."""
    from conftest import soffice_or_skip
    from xlreport.io.office import convert_many

    soffice_or_skip()
    tmp = tmp_path_factory.mktemp("xlsm_lo")
    sources = {"2021": books["2021"], "2019": books["2019"], "committed": REPO / "templates" / "report.xlsm"}
    out = convert_many(list(sources.values()), "ods", tmp / "out", profile=tmp / "profile")
    return dict(zip(sources, out))


@pytest.mark.parametrize("which", ["2021", "2019", "committed"])
@pytest.mark.office
def test_libreoffice_keeps_every_udf_call_a_function_call(ods_files, which):
    """After import every UDF is still called as written. LibreOffice rewrites a call it
    bound to a defined name in that name's case (=xlreport_status(...), Err:509)."""
    with zipfile.ZipFile(ods_files[which]) as z:
        content = ET.fromstring(z.read("content.xml"))
    formulas = [c.get(f"{{{TABLE_NS}}}formula") for c in content.iter(f"{{{TABLE_NS}}}table-cell")
                if c.get(f"{{{TABLE_NS}}}formula")]
    called = {name for f in formulas for name in re.findall(r"([A-Za-z_][\w.]*)\(", f)}
    for udf in bas_functions():
        assert {name for name in called if name.upper() == udf.upper()} == {udf}, udf


@pytest.mark.office
def test_libreoffice_sees_the_modules_and_binds_both_buttons(ods_files):
    with zipfile.ZipFile(ods_files["2021"]) as z:
        library = ET.fromstring(z.read("Basic/VBAProject/script-lb.xml"))
        names = {e.get(f"{{{LIBRARY_NS}}}name") for e in library}
        assert names == {"ThisWorkbook", *(f"Sheet{n}" for n in range(1, N_SHEETS + 1)),
                         "xlreport", "xlwings", "Dictionary"}
        own = ET.fromstring(z.read("Basic/VBAProject/xlreport.xml")).text
        assert 'RunPython "import xlreport.excel as x; x.generate_report()"' in own
        assert "Function XLREPORT_VERDICT(" in own and "Function XLREPORT_CHECK(" in own
        xlwings_code = ET.fromstring(z.read("Basic/VBAProject/xlwings.xml")).text
        assert f'XLWINGS_VERSION As String = "{XLWINGS_VERSION}"' in xlwings_code
        content = ET.fromstring(z.read("content.xml"))
    bound: dict[str, list[str]] = {}
    for table in content.iter(f"{{{TABLE_NS}}}table"):
        for button in table.iter(f"{{{FORM_NS}}}button"):
            if button.get(f"{{{FORM_NS}}}label") != macros.BUTTON_CAPTION:
                continue
            for listener in button.iter(f"{{{SCRIPT_NS}}}event-listener"):
                if listener.get(f"{{{SCRIPT_NS}}}event-name") == "form:performaction":
                    bound.setdefault(table.get(f"{{{TABLE_NS}}}name"), []).append(listener.get(XLINK))
    target = f"vnd.sun.star.script:VBAProject.xlreport.{macros.MACRO}?language=Basic&location=document"
    assert bound == {SHEET_COVER: [target], SHEET_CHECKS: [target]}


# --------------------------------------------------------------------------
# the committed template


def test_committed_xlsm_template_is_blank_and_carries_our_vba():
    """(That it equals the build byte for byte: test_workbook.test_committed_template_matches_the_code.)"""
    committed = REPO / "templates" / "report.xlsm"
    assert committed.exists(), "templates/report.xlsm is missing: run python tools/build_templates.py"
    report = read_workbook(committed)
    assert report.fmt is V2021 and not any(k.startswith(("t2.", "t3.", "t4.")) for k in report.data)
    assert body(vba_code(committed)["xlreport.bas"]) == body(OUR_BAS.read_text("ascii"))


def test_rebuilding_is_byte_identical(tmp_path):
    from build_templates import build

    first = {p.name: p.read_bytes() for p in build(tmp_path / "a")}
    second = {p.name: p.read_bytes() for p in build(tmp_path / "b")}
    assert first == second
