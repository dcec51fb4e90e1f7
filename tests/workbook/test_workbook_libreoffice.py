"""Differential test: the workbook's native formulas, recalculated by a real
spreadsheet engine (LibreOffice headless), against the Python checker.

Each case writes a workbook (consistent data, or data with a planted error —
values a clerk could paste past the validation, on the tables and on every
cover cell), LibreOffice recalculates and saves it, and for every case the 校验
sheet's verdicts — xlreport_status, xlreport_errors and the failure count of
every line — must equal what the Python checker finds, both in the workbook as
written and in the recalculated file. test_workbook_gnumeric.py runs the same
cases through Gnumeric, a second, independent engine.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from python_calamine import CalamineWorkbook

from factories import consistent_data, edited_copy
from xlreport.checks import check
from xlreport.model.formats import V2019, V2021
from xlreport.model.layout import SHEET_CHECKS, workbook_layout
from xlreport.checks import all_lines
from xlreport.checks.formula import python_count
from xlreport.io.office import convert_many
from xlreport.model.rules import RULE_BY_ID
from xlreport.model.layout import TABLE_STATUS_ROW
from xlreport.io.guards import sheet_members
from xlreport.workbook.checksheet import (
    first_failing,
    rule_label,
    CHECK_HEADER_ROW,
    FAILS_FIRST_ROW,
    FAILS_MORE_ROW,
    FAILS_SHOWN,
    cells_text,
    line_cells,
)
from xlreport.workbook.reader import read_workbook
from xlreport.workbook.writer import write_workbook

# The planted workbooks are written once for both engines (planted_workbooks): under pytest-xdist
# this module and test_workbook_gnumeric.py run in the same worker (--dist loadgroup).
pytestmark = pytest.mark.xdist_group("planted")

COLS = ("natural_person", "business", "research", "social_welfare", "legal_service", "other_org")


def with_previous(fmt, data):
    for c in COLS:
        data[f"previous.t3.carried_forward.{c}"] = data[f"t3.carried_over.{c}"]
    if fmt is V2021:
        for item in ("rules", "normative_docs"):
            data[f"previous.t2.{item}.in_force"] = (data[f"t2.{item}.in_force"] - data[f"t2.{item}.issued"]
                                                   + data[f"t2.{item}.repealed"])
    else:
        for item in ("licensing", "other_services", "penalty", "coercion", "fees"):
            data[f"previous.t2.{item}.last_year"] = data[f"t2.{item}.last_year"] - 1
            data[f"previous.t2.{item}.change"] = 1
    return data


def rules_figures(fmt, d, allowed):
    d["meta.can_make_rules"] = allowed
    d["t2.rules.issued" if fmt is V2021 else "t2.rules.made"] = 2
    return d


def setter(**changes):
    def apply(fmt, d):
        for k, v in changes.items():
            k = k.replace("__", ".")
            d[k] = v(d) if callable(v) else v
        return d
    return apply


def drop(*keys):
    def apply(fmt, d):
        for k in keys:
            d.pop(k, None)
        return d
    return apply


def both(*changes):
    def apply(fmt, d):
        for c in changes:
            d = c(fmt, d)
        return d
    return apply


CASES = {
    "consistent": lambda fmt, d: d,
    "consistent-with-previous": lambda fmt, d: with_previous(fmt, d),
    "blank": lambda fmt, d: {"meta.year": d["meta.year"]},
    # more failing lines than the 校验 block shows (workbook.FAILS_SHOWN)
    "blank-many": lambda fmt, d: {"meta.year": d["meta.year"], "meta.agency_kind": "某某", "meta.can_make_rules": "也许",
                                  "t3.new.natural_person": -1, "t4.review.upheld": "x"},
    "missing-input": drop("t3.granted.business", "t4.review.upheld"),
    "text-digit": setter(t3__new__research="5"),
    "fullwidth-digit": setter(t3__new__research="５"),
    "digit-with-unit": setter(t3__denied__state_secret__natural_person="5件"),
    "padded-digit": setter(t4__review__other=" 5 "),
    "spaces-only": setter(t4__review__other="   "),
    "decimal-in-count": setter(t3__carried_forward__other_org=2.5),
    # Not here: TRUE in a count cell. Excel and WPS keep it a boolean (ISNUMBER is FALSE,
    # so it is value-not-integer, as in Python), but LibreOffice has no boolean cell
    # type and loads it as the number 1. test_checks covers TRUE for the checker.
    "huge": setter(t3__new__natural_person=1e20),
    "negative": setter(t3__not_processed__repeated__legal_service=-2),
    "balance": setter(t3__carried_forward__business=lambda d: d["t3.carried_forward.business"] + 3),
    "balance-two-columns": setter(t3__new__natural_person=lambda d: d["t3.new.natural_person"] + 1,
                                  t3__carried_over__research=lambda d: d["t3.carried_over.research"] + 2),
    "rules-authority": lambda fmt, d: rules_figures(fmt, d, allowed=False),
    "rules-authority-allowed": lambda fmt, d: rules_figures(fmt, d, allowed=True),
    "agency-missing": drop("meta.agency"),
    "agency-kind-invalid": setter(meta__agency_kind="某某"),
    "year-text": setter(meta__year="二〇二四"),
    "government-silent": setter(meta__agency_kind="government"),
    "government-reports-it": setter(meta__agency_kind="government", text__overview__supervision="开展年度考核。"),
    "problems-none": setter(text__problems="无"),
    "problems-empty": drop("text.problems"),
    "carry-mismatch": both(lambda fmt, d: with_previous(fmt, d),
                           setter(previous__t3__carried_forward__research=lambda d: d["t3.carried_over.research"] + 1)),
    "blank-agency-fullwidth-space": setter(meta__agency="\u3000\n"),
    "problems-none-indented": setter(text__problems="\u3000\u3000无。\n"),
    "many-errors": both(drop("t3.granted.other_org"), setter(t3__new__business="x", t4__suit_direct__pending=-1,
                                                             meta__agency="")),
}
V2021_CASES = {
    "in-force-mismatch": both(lambda fmt, d: with_previous(fmt, d),
                              setter(previous__t2__normative_docs__in_force=lambda d:
                                     d["previous.t2.normative_docs.in_force"] + 4)),
    "fee-unstated": drop("fee.count", "fee.amount_yuan"),
    "fee-in-text": both(drop("fee.count", "fee.amount_yuan"), setter(text__other="本年度未收取信息处理费。")),
    "amount-text": setter(t2__fees__amount="12万元"),
    "fee-half-filled": drop("fee.amount_yuan"),
    "fee-zero-count-with-amount": setter(fee__count=0, fee__amount_yuan=50),
    "amount-negative": setter(t2__fees__amount=-0.5),
    "format-version": setter(meta__year=2020),
}
V2019_CASES = {
    "stock-negative": setter(t2__penalty__change=lambda d: -d["t2.penalty.last_year"] - 2),
    "published-exceeds": setter(t2__normative_docs__published=lambda d: d["t2.normative_docs.public_total"] + 1),
    "items-mismatch": both(lambda fmt, d: with_previous(fmt, d), setter(previous__t2__fees__change=5)),
    "signed-change-ok": setter(t2__licensing__last_year=4, t2__licensing__change=-4),
    "change-decimal": setter(t2__coercion__change=-1.5),
    "procurement-unit-invalid": setter(t2__procurement__amount_unit="美元"),
    "procurement-unit-missing": drop("t2.procurement.amount_unit"),
    "format-version": setter(meta__year=2023),
}


def type_into(key, value, as_text=False):
    """An edit that types `value` into the cell of `key`, as a clerk would after 撤销工作表保护:
    "=…" is a formula never calculated, "#N/A", "#VALUE!" … are error values unless `as_text`
    (a typed '#N/A), a datetime is a date. The cell is rewritten in the sheet's XML (fast);
    a date, which needs a date format, goes through openpyxl."""
    pos = COVER[key]

    def edit(path):
        if isinstance(value, dt.datetime):
            return edited_copy(path, path, lambda wb: wb[pos.sheet].__setitem__(pos.cell, value))
        if value is None:
            body = ""
        elif isinstance(value, bool):
            body = f' t="b"><v>{int(value)}</v></c>'
        elif isinstance(value, (int, float)):
            body = f"><v>{value!r}</v></c>"
        elif value.startswith("="):
            body = f"><f>{escape(value[1:])}</f></c>"
        elif value.startswith("#") and not as_text:
            body = f' t="e"><v>{escape(value)}</v></c>'
        else:
            body = f' t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'
        set_cell_xml(path, pos, body)
    return edit


def set_cell_xml(path, pos, body):
    """Replace cell `pos` in the sheet XML by `<c r=… s=…` + `body` (empty: a blank cell)."""
    with zipfile.ZipFile(path) as z:
        member = sheet_members(z)[pos.sheet]
        items = [(i, z.read(i.filename)) for i in z.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info, content in items:
            if info.filename == member:
                xml = content.decode("utf-8")
                cell = re.search(rf'<c r="{pos.cell}"( s="\d+")?[^>]*?(/>|>.*?</c>)', xml, re.S)
                new = f'<c r="{pos.cell}"{cell.group(1) or ""}' + (body or "/>")
                content = (xml[:cell.start()] + new + xml[cell.end():]).encode("utf-8")
            z.writestr(info, content)
    Path(path).write_bytes(out.getvalue())


COVER = workbook_layout(V2021).positions  # the cover is laid out alike in both versions
COVER_KEYS = tuple(f.key for f in V2021.meta_fields)
assert all(workbook_layout(V2019).positions[k] == COVER[k] for k in COVER_KEYS)

# Typed into every cover cell in turn: name -> (value, as text)
COVER_PLANTINGS = {
    "div0": ("=1/0", False), "na": ("=NA()", False), "value-error": ("#VALUE!", False),
    "na-typed-as-text": ("#N/A", True), "blank": (None, False), "spaces": (" \u3000 ", False),
    "true": (True, False), "false": (False, False), "number": (123, False),
}
YEAR_PLANTINGS = {  # and into 报告年度
    "text": "2024", "fullwidth": "２０２４", "padded": " 2024 ", "float": 2024.5,
    "date": dt.datetime(2024, 5, 1), "before-2019": 1990, "after-2100": 2101,
}
CHOICE_PLANTINGS = {  # and into 机关类型 / 有规章制定权: unknown or near-miss choices
    "meta.agency_kind": {"unknown": "其它", "padded": "政府部门\u3000", "as-text-formula": '="政府部门"'},
    "meta.can_make_rules": {"unknown": "有", "padded": "是 ", "as-text-formula": '="是"'},
}


def cover_verdict(key, planting):
    """The decided verdict for a planting: the rules reported on that cover cell.
    An error value is never read as blank or as a valid choice: it is meta-invalid."""
    field = V2021.field(key)
    if planting in ("div0", "na", "value-error", "true", "false"):
        return {"meta-invalid"}
    if planting in ("blank", "spaces"):
        return {"meta-missing"} if key in ("meta.agency", "meta.year") else set()
    if planting == "as-text-formula":
        return set()  # a formula's value counts (the file read after recalculation)
    return set() if field.type == "text" else {"meta-invalid"}  # typed text, a number, a near miss


def _cover_edits():
    edits = {}
    for key in COVER_KEYS:
        short = key.split(".")[1]
        for name, (value, as_text) in COVER_PLANTINGS.items():
            edits[f"cover-{short}-{name}"] = (key, name, value, type_into(key, value, as_text))
        for name, value in (YEAR_PLANTINGS if key == "meta.year" else CHOICE_PLANTINGS.get(key, {})).items():
            edits[f"cover-{short}-{name}"] = (key, name, value, type_into(key, value))
    return edits


COVER_EDITS = _cover_edits()  # case -> (key, planting, value, edit); the cover is alike in both versions
def openpyxl_edit(change):
    return lambda path: edited_copy(path, path, change)


EDITS = {  # case -> change to the written workbook file, as after 撤销工作表保护
    "total-typed-over": openpyxl_edit(lambda wb: wb["表四"].__setitem__(
        workbook_layout(V2021).positions["t4.review.total"].cell, 0)),  # the real 洪泽 2023 defect
    "choice-typed-as-boolean": type_into("meta.can_make_rules", True),
    # an error value in 有规章制定权 is not 是: the 规章 figures are still checked
    "rules-authority-error": type_into("meta.can_make_rules", "=NA()"),
    **{name: edit for name, (*_, edit) in COVER_EDITS.items()},
}
CASES.update({name: (lambda fmt, d: d) for name in EDITS})
CASES["rules-authority-error"] = lambda fmt, d: rules_figures(fmt, d, allowed=True)
V2019_ONLY_EDITS = {  # a table cell chosen from a list, outside the cover: the same reading
    "procurement-unit-error": openpyxl_edit(lambda wb: wb["表二"].__setitem__(
        workbook_layout(V2019).positions["t2.procurement.amount_unit"].cell, "=NA()")),
}
EDITS.update(V2019_ONLY_EDITS)
V2019_CASES.update({name: (lambda fmt, d: d) for name in V2019_ONLY_EDITS})


def all_cases():
    for fmt, extra in ((V2019, V2019_CASES), (V2021, V2021_CASES)):
        for name, change in {**CASES, **extra}.items():
            # the cover plantings run once, on V2021, but those of 报告年度 in both versions
            if name.startswith("cover-") and fmt is V2019 and not name.startswith("cover-year-"):
                continue
            yield fmt, name, change


def write_cases(folder):
    """Every case as a workbook in `folder`: [(fmt, name, path)]. The cover plantings
    are made on one consistent workbook per version (written once, copied)."""
    made, bases = [], {}
    for i, (fmt, name, change) in enumerate(all_cases()):
        path = folder / f"{fmt.version}-{name}.xlsx"
        if name in COVER_EDITS:
            if fmt not in bases:
                bases[fmt] = write_workbook(folder / f"{fmt.version}-cover-base.xlsx", fmt, consistent_data(fmt, 99))
            shutil.copy(bases[fmt], path)
        else:
            write_workbook(path, fmt, change(fmt, consistent_data(fmt, 100 + i)))
        if name in EDITS:
            EDITS[name](path)
        made.append((fmt, name, path))
    return made


_PLANTED: list = []  # this test session's planted workbooks (test_workbook_gnumeric.py uses them too)


def planted_workbooks(tmp_path_factory) -> list:
    """write_cases, once per test session: both engines recalculate the same files."""
    if not _PLANTED:
        _PLANTED.extend(write_cases(tmp_path_factory.mktemp("planted")))
    return _PLANTED


def in_parallel(function, items) -> list:
    """[function(item) for item in items], one at a time per core: the engines are outside
    programs, so threads run them side by side."""
    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        return list(pool.map(function, items))


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    from conftest import soffice_or_skip

    soffice_or_skip()
    made = planted_workbooks(tmp_path_factory)
    folder = tmp_path_factory.mktemp("libreoffice")
    # one LibreOffice process (with its own profile) per core, each converting its share of the files
    n = max(1, min(len(made), os.cpu_count() or 1))
    shares = [made[i::n] for i in range(n)]

    def convert_share(i):
        return convert_many([p for _, _, p in shares[i]], "xlsx:Calc MS Excel 2007 XML", folder / f"recalc{i}",
                            profile=folder / f"profile{i}")

    outs = {path: out for i, converted in enumerate(in_parallel(convert_share, range(n)))
            for (_, _, path), out in zip(shares[i], converted)}
    return [(fmt, name, path, outs[path]) for fmt, name, path in made]


def test_enough_cases_across_every_rule_family():
    cases = list(all_cases())
    assert len(cases) >= 30
    from xlreport.model.rules import RULES

    # every rule that has native lines is exercised by some planted case (checked in the next test's results)
    assert {r.id for r in RULES if r.native} <= covered_rules(cases)


def covered_rules(cases):
    rules = set()
    for i, (fmt, name, change) in enumerate(cases):
        data = change(fmt, consistent_data(fmt, 100 + i))
        rules |= {p.rule for p in check(data, fmt)}
    rules |= {"t3-row-sum", "t3-results-sum", "t4-sum"}  # formulas in a workbook: evaluated, always pass
    return rules


def native_results(out):
    book = CalamineWorkbook.from_path(str(out))
    rows = book.get_sheet_by_name(SHEET_CHECKS).to_python(skip_empty_area=False)
    status, errors, warnings = rows[2][1], rows[3][1], rows[4][1]
    # column A: the rule id, its Chinese name on a second line (issue 19.4)
    lines = [(r[0].split("\n")[0], r[5], r[6], r[8]) for r in rows[CHECK_HEADER_ROW + 1:] if r and r[0]]
    return status, errors, warnings, lines


def native_block(out, fmt):
    """The failing-checks block of 校验 and each table sheet's status line, as recalculated."""
    book = CalamineWorkbook.from_path(str(out))
    rows = book.get_sheet_by_name(SHEET_CHECKS).to_python(skip_empty_area=False)
    block = [(r[0], r[1], r[2], r[3], r[6]) for r in rows[FAILS_FIRST_ROW:FAILS_FIRST_ROW + FAILS_SHOWN]]
    statuses = {t.name: book.get_sheet_by_name(t.name).to_python(skip_empty_area=False)[TABLE_STATUS_ROW][0]
                for t in fmt.tables}
    return block, rows[FAILS_MORE_ROW][0], statuses


def test_cover_plantings_read_by_the_checker(tmp_path):
    """Without any engine: each cover planting, read from the workbook as written, gets its
    verdict on its own cell. Formulas there were never calculated: the checker says so."""
    base = write_workbook(tmp_path / "base.xlsx", V2021, consistent_data(V2021, 99))
    wrong = []
    for name, (key, planting, value, edit) in COVER_EDITS.items():
        path = Path(shutil.copy(base, tmp_path / f"{name}.xlsx"))
        edit(path)
        mine = [p for p in python_problems(path) if p.keys == (key,)]
        want = cover_verdict(key, planting)
        if isinstance(value, str) and value.startswith("="):
            want = {"meta-invalid"}
            if not all("未计算的公式" in p.message for p in mine):
                wrong.append((name, [p.message for p in mine]))
        if planting == "value-error" and not all("错误值 #VALUE!" in p.message for p in mine):
            wrong.append((name, [p.message for p in mine]))
        if {p.rule for p in mine} != want or any(p.cells != (COVER[key].a1,) for p in mine):
            wrong.append((name, [(p.rule, p.message) for p in mine], want))
    assert wrong == []


def python_problems(path):
    """The Python checker's problems in a workbook file, limited to the 校验 sheet's rules."""
    report = read_workbook(path)
    return [p for p in check(report.data, report.fmt, report.cells) if RULE_BY_ID[p.rule].native]


# A formula never calculated is reported by the checker (it cannot compute it), so a
# formula whose value is valid is compared only in the recalculated file.
UNCALCULATED_OK = {name for name in EDITS if name.endswith("-as-text-formula")}


_MISMATCHES: dict[tuple[str, str, str, str], list] = {}


def mismatches(fmt, name, original, out):
    """Where the recalculated file `out`'s 校验 sheet and the Python checker differ, the checker
    reading the workbook as written and as the engine saved it:
    [(version, case, source, what: a rule, "totals" or "status", keys, native, python)].
    Compared once per file pair (the planted files are never changed after they are made)."""
    key = (fmt.version, name, str(original), str(out))
    if key not in _MISMATCHES:
        _MISMATCHES[key] = _mismatches(fmt, name, original, out)
    return list(_MISMATCHES[key])


def _mismatches(fmt, name, original, out):
    status, errors, warnings, native = native_results(out)
    lines = all_lines(fmt, workbook_layout(fmt))
    assert len(native) == len(lines), name
    found = []
    sources = (("recalculated", out),) if name in UNCALCULATED_OK else (("written", original), ("recalculated", out))
    for source, path in sources:
        problems = python_problems(path)
        py_errors = sum(p.severity == "error" for p in problems)
        py_warnings = len(problems) - py_errors
        if (errors, warnings) != (py_errors, py_warnings):
            found.append((fmt.version, name, source, "totals", "", (errors, warnings), (py_errors, py_warnings)))
        expected_status = "通过" if py_errors == 0 else f"未通过：{py_errors} 个错误"
        if status != expected_status:
            found.append((fmt.version, name, source, "status", "", status, expected_status))
        layout = workbook_layout(fmt)
        for line, (rule, verdict, count, cells) in zip(lines, native):
            assert rule == line.rule and cells == cells_text(line_cells(layout, line))
            want = python_count(line, problems)
            if count != want:
                found.append((fmt.version, name, source, rule, cells[:60], count, want))
    return found


# TRUE or FALSE typed into a text cell of the cover. The cover's text cells are formatted
# as text (@), so that 010020 keeps its zero; LibreOffice has no boolean cell type and
# loads a boolean into a text-formatted cell as the number 1 or 0, which its own 校验
# lines then take as text typed there (and it saves the number). Excel and WPS keep the
# boolean (ISLOGICAL is TRUE: meta-invalid), as the Python checker reading the file does.
LIBREOFFICE_DIFFERENCES = {
    (f"cover-{f.key.split('.')[1]}-{b}", "written"): "meta-invalid"
    for f in V2021.meta_fields if f.type == "text" for b in ("true", "false")
}
LIBREOFFICE_DIFFERENT_CASES = {name for name, _ in LIBREOFFICE_DIFFERENCES}


def libreoffice_known(m) -> bool:
    """A mismatch that is one of LIBREOFFICE_DIFFERENCES (or the totals and status it moves)."""
    rule = LIBREOFFICE_DIFFERENCES.get((m[1], m[2]))
    return rule is not None and m[3] in (rule, "totals", "status")


@pytest.mark.office
def test_native_verdicts_equal_the_python_checker(recalculated):
    found = []
    for fmt, name, original, out in recalculated:
        found += [m for m in mismatches(fmt, name, original, out) if not libreoffice_known(m)]
    assert found == []


@pytest.mark.office
def test_the_known_libreoffice_differences_still_exist(recalculated):
    """Each documented difference is real: when one disappears, docs/engines.md must change."""
    seen = set()
    for fmt, name, original, out in recalculated:
        if name in LIBREOFFICE_DIFFERENT_CASES:
            seen |= {(m[1], m[2], m[3]) for m in mismatches(fmt, name, original, out)}
    assert {(*case, rule) for case, rule in LIBREOFFICE_DIFFERENCES.items()} <= seen


def native_cover_verdicts(recalculated):
    """[(case, rules failing on the 校验 lines of the planted cover cell, the decided verdict)]."""
    by_name = {(fmt.version, name): out for fmt, name, _, out in recalculated}
    found = []
    for name, (key, planting, *_) in COVER_EDITS.items():
        native = native_results(by_name[("2021", name)])[3]
        cell = COVER[key].a1  # the 校验 line names its cells (column I)
        rules = {rule for rule, _, count, cells in native if cells == cell and count > 0}
        found.append((name, rules, cover_verdict(key, planting)))
    return found


@pytest.mark.office
def test_cover_plantings_get_their_verdict_natively(recalculated):
    """The engine's own 校验 lines give each cover planting its decided verdict (and the
    comparison above holds the Python checker to the same)."""
    assert [v for v in native_cover_verdicts(recalculated)
            if v[1] != v[2] and v[0] not in LIBREOFFICE_DIFFERENT_CASES] == []


@pytest.mark.office
def test_planted_cases_fail_natively(recalculated):
    """The comparison is not vacuous: planted errors do make the native checks fail."""
    verdicts = {(fmt.version, name): native_results(out)[:2] for fmt, name, _, out in recalculated}
    assert verdicts[("2021", "consistent")] == ("通过", 0)
    assert verdicts[("2019", "consistent-with-previous")] == ("通过", 0)
    assert verdicts[("2021", "balance")][0].startswith("未通过")
    assert verdicts[("2019", "stock-negative")][0].startswith("未通过")
    assert verdicts[("2021", "blank")][1] > 150
    failing = sum(1 for v in verdicts.values() if v[1] > 0)
    assert failing >= 20


@pytest.mark.office
def test_failing_block_lists_exactly_the_failing_lines(recalculated):
    """After LibreOffice recalculates, the block at the top of 校验 lists the failing lines
    (the Python checker's, in sheet order, the first FAILS_SHOWN), each with its cells, and
    every table sheet's status line counts the problems on that sheet."""
    from xlreport.model.rules import SEVERITY_LABEL

    seen_failing = seen_more = 0
    for fmt, name, original, out in recalculated:
        if name in LIBREOFFICE_DIFFERENT_CASES:
            continue
        report = read_workbook(out if name in UNCALCULATED_OK else original)  # a formula counts by its value
        problems = [p for p in check(report.data, report.fmt, report.cells) if RULE_BY_ID[p.rule].native]
        layout = workbook_layout(fmt)
        lines = all_lines(fmt, layout)
        counts = [python_count(line, problems) for line in lines]
        failing = [(line, n) for line, n in zip(lines, counts) if n]
        # a value line's 位置 is its first failing cell (issue 19.4), any other line's its cells
        want = [(rule_label(line.rule), SEVERITY_LABEL[line.severity], line.description,
                 first_failing(layout, line, problems) if line.first else cells_text(line_cells(layout, line)), n)
                for line, n in failing[:FAILS_SHOWN]]
        want += [("", "", "没有未通过的检查。" if not failing and not i else "", "", "")
                 for i in range(FAILS_SHOWN - len(want))]
        block, more, statuses = native_block(out, fmt)
        assert [tuple("" if v is None else v for v in row) for row in block] == want, (fmt.version, name)
        extra = len(failing) - FAILS_SHOWN
        assert (more or "").startswith(f"另有 {extra} 条") if extra > 0 else not more, (fmt.version, name)
        for table in fmt.tables:
            n = sum(c for line, c in zip(lines, counts) if any(layout.positions[k].sheet == table.name
                                                                for k in line.keys))
            assert statuses[table.name] == ("本表校验：通过" if n == 0 else f"本表有 {n} 处问题，见校验表"), (name, table.id)
        seen_failing += bool(failing)
        seen_more += extra > 0
    # blank-many: an empty 一 is one error, not five warnings (issue 19.2), so V2019's 12 failing lines fit the block
    assert seen_failing >= 20 and seen_more >= 1


# --------------------------------------------------------------------------
# the pages as LibreOffice shows and prints them (issue 9, items 11, 13, 14)


@pytest.fixture(scope="module")
def demo_in_libreoffice(tmp_path_factory):
    """The demo workbook (long multi-paragraph texts), printed to PDF and saved again by LibreOffice."""
    from conftest import soffice_or_skip
    from xlreport.io.jsonfile import parse_document
    from xlreport.cli.demo import demo_document
    from xlreport.io.office import convert

    soffice_or_skip()
    folder = tmp_path_factory.mktemp("demo")
    fmt, data, _ = parse_document(demo_document(), "demo")
    book = folder / "demo.xlsx"
    write_workbook(book, fmt, data)
    pdf, resaved = in_parallel(lambda job: convert(book, job[0], folder / job[1], profile=folder / f"profile-{job[1]}"),
                               [("pdf", "pdf"), ("xlsx:Calc MS Excel 2007 XML", "lo")])
    return fmt, data, book, pdf, resaved


def pdf_pages(pdf):
    import subprocess

    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


@pytest.mark.office
def test_prefilled_texts_print_whole(demo_in_libreoffice):
    fmt, data, _, pdf, _ = demo_in_libreoffice
    printed = "".join("".join(page.split()) for page in pdf_pages(pdf))
    texts = [data[t.key] for t in fmt.texts if data.get(t.key)]
    assert any(len(t) > 150 and "\n" in t for t in texts)  # the demo has long multi-paragraph text
    for text in texts:
        for paragraph in text.split("\n"):
            assert "".join(paragraph.split()) in printed, paragraph[:30]


@pytest.mark.office
def test_printed_pages_carry_agency_sheet_and_page(demo_in_libreoffice):
    fmt, data, _, pdf, _ = demo_in_libreoffice
    pages = pdf_pages(pdf)
    for n, page in enumerate(pages, 1):
        assert data["meta.agency"] in page and f"第 {n} 页，共 {len(pages)} 页" in page, n
    t3 = next(p for p in pages if fmt.table("t3").heading in p)
    assert "社会公益组" not in t3 and "法律服务机" not in t3  # 社会公益|组织, never 社会公益组|织
    assert "社会公益" in t3 and "组织" in t3


@pytest.mark.office
def test_libreoffice_keeps_no_structure_lock_but_the_workbook_still_reads(demo_in_libreoffice):
    """LibreOffice's OOXML import never reads <workbookProtection> (sc/source/filter/oox/
    workbookfragment.cxx handles fileSharing, workbookPr and calcPr only, whatever the
    attributes: lockStructure="1" or "true", a workbookPassword or a SHA-512 hash were all
    tried), has no 'very hidden' sheet state, and writes both back weakened. What docs/workbook.md
    states; should this start failing, LibreOffice holds the lock and docs/workbook.md must change."""
    import zipfile

    _, _, book, _, resaved = demo_in_libreoffice
    with zipfile.ZipFile(book) as z:
        ours = z.read("xl/workbook.xml").decode()
    with zipfile.ZipFile(resaved) as z:
        theirs = z.read("xl/workbook.xml").decode()
    assert '<workbookProtection lockStructure="1"/>' in ours and 'state="veryHidden"' in ours
    assert "lockStructure" not in theirs and 'state="hidden"' in theirs
    assert read_workbook(resaved).data == read_workbook(book).data
