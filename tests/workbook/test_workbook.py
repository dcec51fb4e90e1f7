"""The locked workbook: structure (reopened with openpyxl), round trip, reading back."""

from __future__ import annotations

import json
import zipfile

import openpyxl
import pytest

from conftest import REPO
from factories import consistent_data, edited_copy
from xlreport.checks import check
from xlreport.cli.main import main
from xlreport.io.jsonfile import document
from xlreport.io.readers import load_report
from xlreport.errors import InputError
from xlreport.model.formats import V2019, V2021
from xlreport.model.layout import SHEET_MARKER, workbook_layout
from xlreport.workbook.reader import read_workbook
from xlreport.workbook.writer import write_workbook

FORMATS = [V2019, V2021]


def full_data(fmt, seed=1):
    data = consistent_data(fmt, seed, with_totals=True)
    data["text.overview"] = "第一段。\n第二段，含“引号”和 <尖括号> & 符号。"
    for t in fmt.texts:
        data.setdefault(t.key, f"{t.label}的内容。")
    for f in fmt.previous:
        if not f.derived:
            data[f.key] = 1
    return data


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    folder = tmp_path_factory.mktemp("books")
    out = {}
    for fmt in FORMATS:
        path = folder / f"{fmt.version}.xlsx"
        write_workbook(path, fmt, full_data(fmt))
        out[fmt.version] = path
    return out


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.version)
def test_round_trip_data_new_export(tmp_path, capsys, fmt):
    data = full_data(fmt, seed=5)
    src = tmp_path / "in.json"
    src.write_text(json.dumps(document(data, fmt), ensure_ascii=False), encoding="utf-8")
    book = tmp_path / "book.xlsx"
    assert main(["new", "--year", str(data["meta.year"]), "--data", str(src), "-o", str(book)]) == 0
    assert main(["export", str(book), "-o", str(tmp_path / "out.json")]) == 0
    assert json.loads((tmp_path / "out.json").read_text("utf-8")) == json.loads(src.read_text("utf-8"))


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.version)
def test_every_sheet_protected_and_exactly_inputs_unlocked(books, fmt):
    wb = openpyxl.load_workbook(books[fmt.version])
    layout = workbook_layout(fmt)
    assert wb.sheetnames == list(layout.sheets)
    assert wb.security.lockStructure
    input_cells = {(p.sheet, p.cell) for k, p in layout.positions.items()
                   if not (fmt.has(k) and fmt.field(k).derived)}
    unlocked = set()
    for ws in wb.worksheets:
        if ws.title == SHEET_MARKER:
            assert ws.sheet_state == "veryHidden"
            continue
        assert ws.protection.sheet, ws.title
        for row in ws.iter_rows():
            for cell in row:
                if cell.protection and not cell.protection.locked and not isinstance(cell, openpyxl.cell.cell.MergedCell):
                    unlocked.add((ws.title, cell.coordinate))
    assert unlocked == input_cells


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.version)
def test_validation_on_every_input(books, fmt):
    wb = openpyxl.load_workbook(books[fmt.version])
    layout = workbook_layout(fmt)
    covered: dict[tuple[str, str], str] = {}
    for ws in wb.worksheets:
        for dv in ws.data_validations.dataValidation:
            for rng in dv.sqref.ranges:
                for row in ws[rng.coord] if ":" in rng.coord else [[ws[rng.coord]]]:
                    for cell in row:
                        covered[(ws.title, cell.coordinate)] = dv
    for key, pos in layout.positions.items():
        if fmt.has(key) and fmt.field(key).derived:
            continue
        dv = covered.get((pos.sheet, pos.cell))
        assert dv is not None, key
        if fmt.has(key):
            f = fmt.field(key)
            expected = {"int": "whole", "signed": "whole", "decimal": "decimal", "choice": "list", "bool": "list",
                        "text": "textLength"}[f.type]
            assert dv.type == expected, key
            if f.type == "int" and key != "meta.year":
                assert dv.formula1 == "0"
            if f.type == "signed":
                assert int(dv.formula1) < 0
            assert dv.error and dv.errorTitle  # Chinese message when refused
        else:
            assert dv.type == "textLength"


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.version)
def test_labels_and_merges_follow_the_declarations(books, fmt):
    wb = openpyxl.load_workbook(books[fmt.version])
    layout = workbook_layout(fmt)
    for pos, text in layout.labels:
        # headers too wide for their column are written on two lines (workbook.fit_header)
        assert wb[pos.sheet].cell(pos.row + 1, pos.col + 1).value.replace("\n", "") == text
    for table in fmt.tables:
        ws = wb[table.name]
        merges = {str(r) for r in ws.merged_cells.ranges}
        origin = layout.table_origin[table.id]
        for c in table.cells:
            if c.rowspan > 1 or c.colspan > 1:
                from openpyxl.utils import get_column_letter as L

                r0, c0 = origin.row + c.row + 1, origin.col + c.col + 1
                ref = f"{L(c0)}{r0}:{L(c0 + c.colspan - 1)}{r0 + c.rowspan - 1}"
                assert ref in merges, (table.id, c.text or c.key, ref)


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.version)
def test_derived_cells_are_locked_formulas(books, fmt):
    wb = openpyxl.load_workbook(books[fmt.version])
    layout = workbook_layout(fmt)
    for f in fmt.value_fields:
        if f.derived:
            pos = layout.positions[f.key]
            cell = wb[pos.sheet][pos.cell]
            assert str(cell.value).startswith("=IF(COUNT("), f.key
            assert cell.protection.locked


def test_defined_names_and_marker(books):
    wb = openpyxl.load_workbook(books["2021"])
    names = {n: wb.defined_names[n].attr_text for n in ("xlreport_status", "xlreport_errors")}
    assert names == {"xlreport_status": "'校验'!$B$3", "xlreport_errors": "'校验'!$B$4"}
    marker = wb[SHEET_MARKER]
    assert marker["B1"].value == "2021" and marker["B2"].value == workbook_layout(V2021).fingerprint


def test_cached_values_are_the_python_verdict(books):
    """Readers of cached values (previews, calamine) see the right numbers before any recalculation."""
    wb = openpyxl.load_workbook(books["2021"], data_only=True)
    assert wb["校验"]["B3"].value == "通过" and wb["校验"]["B4"].value == 0
    data = full_data(V2021)
    pos = workbook_layout(V2021).positions["t3.total.total"]
    assert wb[pos.sheet][pos.cell].value == data["t3.total.total"]


def test_problems_carry_cells(tmp_path):
    data = full_data(V2021)
    data["t3.carried_forward.business"] += 1
    path = tmp_path / "b.xlsx"
    write_workbook(path, V2021, data)
    report = read_workbook(path)
    problems = check(report.data, report.fmt, report.cells)
    bal = [p for p in problems if p.rule == "t3-balance"]
    assert [p.cells for p in bal][0] == ("表三!E7", "表三!E8", "表三!E30", "表三!E31")
    assert all(p.cells for p in problems)


def test_workbook_reads_text_numbers_and_choices(tmp_path):
    data = full_data(V2019)
    data["t3.new.business"] = "５"
    data["t2.procurement.amount"] = 79000.1
    path = tmp_path / "c.xlsx"
    write_workbook(path, V2019, data)
    report = read_workbook(path)
    assert report.data["t3.new.business"] == "５"
    assert report.data["t2.procurement.amount"] == 79000.1
    assert report.data["meta.agency_kind"] == "department" and report.data["meta.can_make_rules"] is False
    assert report.data["text.overview"].split("\n")[1].startswith("第二段")
    assert ("value-not-integer", ("t3.new.business",)) in {(p.rule, p.keys) for p in check(report.data, report.fmt)}


@pytest.mark.parametrize("change,reason", [
    (lambda wb: setattr(wb["表三"], "title", "表3"), "缺少工作表“表三”"),
    (lambda wb: wb.remove(wb["表四"]), "缺少工作表“表四”"),
    (lambda wb: wb["表三"].insert_rows(10), "结构被改动"),
    (lambda wb: wb["表二"].insert_cols(2), "结构被改动"),
    (lambda wb: wb.remove(wb[SHEET_MARKER]), "不是用 xlreport 生成"),
    (lambda wb: wb[SHEET_MARKER].__setitem__("B2", "0000"), "另一版本的 xlreport"),
])
def test_changed_structure_is_refused(books, tmp_path, change, reason):
    path = edited_copy(books["2021"], tmp_path / "m.xlsx", change)
    with pytest.raises(InputError) as exc:
        read_workbook(path)
    assert reason in exc.value.message


def test_foreign_workbook_is_refused(tmp_path, capsys):
    path = tmp_path / "other.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = 1
    wb.save(path)
    assert main(["check", str(path)]) == 2
    assert "不是用 xlreport 生成的工作簿" in capsys.readouterr().err


def test_new_with_previous_prefills(tmp_path, capsys):
    last = full_data(V2021, seed=2)
    last["meta.year"] = 2023
    last_path = tmp_path / "2023.json"
    last_path.write_text(json.dumps(document(last, V2021), ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "2024.xlsx"
    assert main(["new", "--year", "2024", "--agency", "某局", "--previous", str(last_path), "-o", str(out)]) == 0
    report = load_report(out)
    for col in ("natural_person", "business", "research", "social_welfare", "legal_service", "other_org"):
        assert report.data[f"t3.carried_over.{col}"] == last[f"t3.carried_forward.{col}"]
        assert report.data[f"previous.t3.carried_forward.{col}"] == last[f"t3.carried_forward.{col}"]
    assert report.data["previous.t2.normative_docs.in_force"] == last["t2.normative_docs.in_force"]
    assert "t3-carry-continuity" not in {p.rule for p in check(report.data, report.fmt)}


def test_new_refuses_bad_requests(tmp_path, capsys):
    out = tmp_path / "a.xlsx"
    assert main(["new", "--year", "2024", "-o", str(out)]) == 0
    assert main(["new", "--year", "2024", "-o", str(out)]) == 2
    assert "已存在" in capsys.readouterr().err
    assert main(["new", "--year", "2024", "-o", str(out), "--force"]) == 0
    assert main(["new", "--year", "2024", "-o", str(tmp_path / "a.xls")]) == 2
    assert main(["new", "--year", "2024", "-o", str(tmp_path / "nodir" / "a.xlsx")]) == 2
    v2019 = tmp_path / "v.json"
    v2019.write_text(json.dumps(document(full_data(V2019), V2019), ensure_ascii=False), encoding="utf-8")
    assert main(["new", "--year", "2024", "--data", str(v2019), "-o", str(tmp_path / "b.xlsx")]) == 2
    assert "2019 版格式" in capsys.readouterr().err
    assert not (tmp_path / "b.xlsx").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx", "v.json"]  # no temp files left


def test_export_to_stdout_and_refusals(books, tmp_path, capsys):
    assert main(["export", str(books["2021"])]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["format"] == "2021" and doc["values"]["t3.total.total"] == full_data(V2021)["t3.total.total"]
    target = tmp_path / "x.json"
    target.write_text("keep", encoding="utf-8")
    assert main(["export", str(books["2021"]), "-o", str(target)]) == 2
    assert target.read_text(encoding="utf-8") == "keep"


def test_committed_template_matches_the_code(tmp_path):
    from build_templates import build

    built = {p.name: p for p in build(tmp_path)}
    for name, path in built.items():
        committed = REPO / "templates" / name
        assert committed.exists(), f"templates/{name} is missing: run python tools/build_templates.py"
        with zipfile.ZipFile(committed) as a, zipfile.ZipFile(path) as b:
            assert a.namelist() == b.namelist()
            for member in a.namelist():
                assert a.read(member) == b.read(member), f"{name}:{member} differs; run python tools/build_templates.py"


def test_template_is_a_blank_current_format_workbook():
    report = read_workbook(REPO / "templates" / "report.xlsx")
    assert report.fmt is V2021
    assert not any(k.startswith(("t2.", "t3.", "t4.")) for k in report.data)
