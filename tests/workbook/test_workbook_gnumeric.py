"""The differential test again, with Gnumeric (`ssconvert --recalc`) as the engine.

Gnumeric's formula engine is independent of LibreOffice's and of Excel's; it is
the nearest stand-in here for the engines we cannot run (WPS, older Excel). The
cases are test_workbook_libreoffice.py's: every planted workbook is recalculated
by Gnumeric, and its 校验 sheet must agree with the Python checker line by line,
reading the workbook as written and as Gnumeric saved it.
"""

from __future__ import annotations

import os
import re
import shutil
import zipfile

import pytest

from factories import consistent_data
from test_workbook_libreoffice import (
    in_parallel, mismatches, native_cover_verdicts, native_results, planted_workbooks,
)
from xlreport.model.formats import V2021
from xlreport.io.office import find_ssconvert, recalculate_gnumeric
from xlreport.io.guards import sheet_members
from xlreport.workbook.writer import write_workbook

pytestmark = pytest.mark.xdist_group("planted")  # one worker writes the planted workbooks once

# Differences left as they are (README, "Where the two check engines can differ"):
# (case, which file the checker reads) -> the one rule whose count differs; the totals
# and the status on 校验 then differ by that count too.
GNUMERIC_DIFFERENCES = {
    # "是 " with a trailing space: Gnumeric's own formulas see it (meta-invalid), but it
    # saves text without xml:space="preserve", so whoever reads its file gets 是.
    ("cover-can_make_rules-padded", "recalculated"): "meta-invalid",
}


def known(m) -> bool:
    """A mismatch that is one of GNUMERIC_DIFFERENCES (or the totals and status it moves)."""
    rule = GNUMERIC_DIFFERENCES.get((m[1], m[2]))
    return rule is not None and m[3] in (rule, "totals", "status")


def ssconvert_or_skip() -> str:
    path = find_ssconvert()
    if path is None:
        if os.environ.get("XLREPORT_REQUIRE_LIBREOFFICE"):
            pytest.fail("Gnumeric (ssconvert) is required here (XLREPORT_REQUIRE_LIBREOFFICE is set) but missing")
        pytest.skip("Gnumeric (ssconvert) is not installed; .ci/run installs it")
    return path


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    """test_workbook_libreoffice.py's planted workbooks (written once), recalculated file by file,
    one Gnumeric process per core at a time."""
    ssconvert_or_skip()
    made = planted_workbooks(tmp_path_factory)
    folder = tmp_path_factory.mktemp("gnumeric")
    outs = in_parallel(lambda case: recalculate_gnumeric(case[2], folder / case[2].name), made)
    return [(fmt, name, path, out) for (fmt, name, path), out in zip(made, outs)]


@pytest.mark.office
def test_gnumeric_verdicts_equal_the_python_checker(recalculated):
    found = []
    for fmt, name, original, out in recalculated:
        found += [m for m in mismatches(fmt, name, original, out) if not known(m)]
    assert found == []
    assert len(recalculated) >= 150


@pytest.mark.office
def test_the_known_differences_still_exist(recalculated):
    """Each documented difference is real: when one disappears, the README must change."""
    seen = set()
    for fmt, name, original, out in recalculated:
        seen |= {(m[1], m[2], m[3]) for m in mismatches(fmt, name, original, out)}
    assert {(*case, rule) for case, rule in GNUMERIC_DIFFERENCES.items()} <= seen


@pytest.mark.office
def test_cover_plantings_get_their_verdict_natively(recalculated):
    assert [v for v in native_cover_verdicts(recalculated) if v[1] != v[2]] == []


@pytest.mark.office
def test_gnumeric_really_recalculates(tmp_path):
    """The cached results a library wrote are replaced: a bogus cached verdict on 校验
    does not survive, so agreement above is Gnumeric's own arithmetic."""
    ssconvert_or_skip()
    path = tmp_path / "bogus.xlsx"
    write_workbook(path, V2021, consistent_data(V2021, 7))
    with zipfile.ZipFile(path) as z:
        member = sheet_members(z)["校验"]
        items = [(i, z.read(i.filename)) for i in z.infolist()]
    doctored = tmp_path / "doctored.xlsx"
    with zipfile.ZipFile(doctored, "w", zipfile.ZIP_DEFLATED) as z:
        for info, content in items:
            if info.filename == member:  # every cached count on 校验 says 7 failures
                content, n = re.subn(rb"(<c r=\"G\d+\"[^>]*><f>[^<]*</f><v>)0(</v>)", rb"\g<1>7\2", content)
                assert n > 50
            z.writestr(info, content)
    assert native_results(doctored)[3][0][2] == 7
    out = recalculate_gnumeric(doctored, tmp_path / "out.xlsx")
    status, errors, warnings, lines = native_results(out)
    assert (status, errors, warnings) == ("通过", 0, 0)
    assert all(count == 0 for _, _, count, _ in lines)


def test_missing_gnumeric_is_a_chinese_error(tmp_path, monkeypatch):
    from xlreport.errors import XlreportError

    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(XlreportError, match="未找到 Gnumeric"):
        recalculate_gnumeric(tmp_path / "a.xlsx", tmp_path / "b.xlsx")
