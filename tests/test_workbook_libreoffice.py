"""Differential test: the workbook's native formulas, recalculated by a real
spreadsheet engine (LibreOffice headless), against the Python checker.

Each case writes a workbook (consistent data, or data with a planted error —
values a clerk could paste past the validation), LibreOffice recalculates and
saves it, and for every case the 校验 sheet's verdicts — xlreport_status,
xlreport_errors and the failure count of every line — must equal what the
Python checker finds in the same workbook.
"""

from __future__ import annotations

import pytest
from python_calamine import CalamineWorkbook

from factories import consistent_data, edited_copy
from xlreport.checks import check
from xlreport.formats import V2019, V2021
from xlreport.layout import SHEET_CHECKS, workbook_layout
from xlreport.native import all_lines, python_count
from xlreport.office import convert_many
from xlreport.rules import RULE_BY_ID
from xlreport.layout import TABLE_STATUS_ROW
from xlreport.workbook import (
    CHECK_HEADER_ROW, FAILS_FIRST_ROW, FAILS_MORE_ROW, FAILS_SHOWN, cells_text, line_cells, read_workbook,
    write_workbook,
)

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


EDITS = {  # case -> change to the written workbook (openpyxl), as after 撤销工作表保护
    "total-typed-over": lambda wb: wb["表四"].__setitem__(workbook_layout(V2021).positions["t4.review.total"].cell, 0),  # the real 洪泽 2023 defect
    "choice-typed-as-boolean": lambda wb: wb["封面"].__setitem__("B6", True),
}
CASES.update({name: (lambda fmt, d: d) for name in EDITS})


def all_cases():
    for fmt, extra in ((V2019, V2019_CASES), (V2021, V2021_CASES)):
        for name, change in {**CASES, **extra}.items():
            yield fmt, name, change


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    from conftest import soffice_or_skip

    soffice_or_skip()
    folder = tmp_path_factory.mktemp("diff")
    made = []
    for i, (fmt, name, change) in enumerate(all_cases()):
        data = change(fmt, consistent_data(fmt, 100 + i))
        path = folder / f"{fmt.version}-{name}.xlsx"
        write_workbook(path, fmt, data)
        if name in EDITS:
            edited_copy(path, path, EDITS[name])
        made.append((fmt, name, path))
    outs = convert_many([p for _, _, p in made], "xlsx:Calc MS Excel 2007 XML", folder / "recalc",
                        profile=folder / "profile")
    return [(fmt, name, path, out) for (fmt, name, path), out in zip(made, outs)]


def test_enough_cases_across_every_rule_family():
    cases = list(all_cases())
    assert len(cases) >= 30
    from xlreport.rules import RULES

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
    lines = [(r[0], r[5], r[6], r[8]) for r in rows[CHECK_HEADER_ROW + 1:] if r and r[0]]
    return status, errors, warnings, lines


def native_block(out, fmt):
    """The failing-checks block of 校验 and each table sheet's status line, as recalculated."""
    book = CalamineWorkbook.from_path(str(out))
    rows = book.get_sheet_by_name(SHEET_CHECKS).to_python(skip_empty_area=False)
    block = [(r[0], r[1], r[2], r[3], r[6]) for r in rows[FAILS_FIRST_ROW:FAILS_FIRST_ROW + FAILS_SHOWN]]
    statuses = {t.name: book.get_sheet_by_name(t.name).to_python(skip_empty_area=False)[TABLE_STATUS_ROW][0]
                for t in fmt.tables}
    return block, rows[FAILS_MORE_ROW][0], statuses


def test_native_verdicts_equal_the_python_checker(recalculated):
    mismatches = []
    for fmt, name, original, out in recalculated:
        report = read_workbook(original)
        problems = check(report.data, report.fmt, report.cells)
        status, errors, warnings, native = native_results(out)
        lines = all_lines(fmt, workbook_layout(fmt))
        assert len(native) == len(lines), name
        problems = [p for p in problems if RULE_BY_ID[p.rule].native]  # the 校验 sheet's rules
        py_errors = sum(p.severity == "error" for p in problems)
        py_warnings = len(problems) - py_errors
        if (errors, warnings) != (py_errors, py_warnings):
            mismatches.append((fmt.version, name, "totals", (errors, warnings), (py_errors, py_warnings)))
        expected_status = "通过" if py_errors == 0 else f"未通过：{py_errors} 个错误"
        if status != expected_status:
            mismatches.append((fmt.version, name, "status", status, expected_status))
        layout = workbook_layout(fmt)
        for line, (rule, verdict, count, cells) in zip(lines, native):
            assert rule == line.rule and cells == cells_text(line_cells(layout, line))
            want = python_count(line, problems)
            if count != want:
                mismatches.append((fmt.version, name, rule, keys[:60], count, want))
    assert mismatches == []


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


def test_failing_block_lists_exactly_the_failing_lines(recalculated):
    """After LibreOffice recalculates, the block at the top of 校验 lists the failing lines
    (the Python checker's, in sheet order, the first FAILS_SHOWN), each with its cells, and
    every table sheet's status line counts the problems on that sheet."""
    from xlreport.messages import SEVERITY_LABEL

    seen_failing = seen_more = 0
    for fmt, name, original, out in recalculated:
        report = read_workbook(original)
        problems = [p for p in check(report.data, report.fmt, report.cells) if RULE_BY_ID[p.rule].native]
        layout = workbook_layout(fmt)
        lines = all_lines(fmt, layout)
        counts = [python_count(line, problems) for line in lines]
        failing = [(line, n) for line, n in zip(lines, counts) if n]
        want = [(line.rule, SEVERITY_LABEL[line.severity], line.description, cells_text(line_cells(layout, line)), n)
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
    assert seen_failing >= 20 and seen_more >= 2  # blank-many, in both versions


# --------------------------------------------------------------------------
# the pages as LibreOffice shows and prints them (issue 9, items 11, 13, 14)


@pytest.fixture(scope="module")
def demo_in_libreoffice(tmp_path_factory):
    """The demo workbook (long multi-paragraph texts), printed to PDF and saved again by LibreOffice."""
    from conftest import soffice_or_skip
    from xlreport.data import parse_document
    from xlreport.demo import demo_document
    from xlreport.office import convert

    soffice_or_skip()
    folder = tmp_path_factory.mktemp("demo")
    fmt, data, _ = parse_document(demo_document(), "demo")
    book = folder / "demo.xlsx"
    write_workbook(book, fmt, data)
    pdf = convert(book, "pdf", folder / "pdf", profile=folder / "profile")
    resaved = convert(book, "xlsx:Calc MS Excel 2007 XML", folder / "lo", profile=folder / "profile")
    return fmt, data, book, pdf, resaved


def pdf_pages(pdf):
    import subprocess

    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def test_prefilled_texts_print_whole(demo_in_libreoffice):
    fmt, data, _, pdf, _ = demo_in_libreoffice
    printed = "".join("".join(page.split()) for page in pdf_pages(pdf))
    texts = [data[t.key] for t in fmt.texts if data.get(t.key)]
    assert any(len(t) > 150 and "\n" in t for t in texts)  # the demo has long multi-paragraph text
    for text in texts:
        for paragraph in text.split("\n"):
            assert "".join(paragraph.split()) in printed, paragraph[:30]


def test_printed_pages_carry_agency_sheet_and_page(demo_in_libreoffice):
    fmt, data, _, pdf, _ = demo_in_libreoffice
    pages = pdf_pages(pdf)
    for n, page in enumerate(pages, 1):
        assert data["meta.agency"] in page and f"第 {n} 页，共 {len(pages)} 页" in page, n
    t3 = next(p for p in pages if fmt.table("t3").heading in p)
    assert "社会公益组" not in t3 and "法律服务机" not in t3  # 社会公益|组织, never 社会公益组|织
    assert "社会公益" in t3 and "组织" in t3


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
