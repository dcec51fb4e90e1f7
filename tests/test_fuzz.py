"""Fuzzing with hypothesis, bounded so it runs in every test run:
the checker never raises and reports exactly the planted violations; the
workbook reader never raises on random cell contents; the renderer always
yields a .docx that reopens with the text intact."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factories import consistent_data, derived_closure
from xlreport.checks import check
from xlreport.formats import V2019, V2021
from xlreport.workbook import read_workbook, write_workbook

FORMATS = [V2019, V2021]
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# what a clerk (or a paste from another system) can put into a cell
JUNK = st.one_of(
    st.none(),
    st.integers(-10**6, 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.booleans(),
    st.text(max_size=12),
    st.sampled_from(["５", "5件", " 5 ", "-", "/", "—", "无", "1,000", "1e3", "0x10", "#REF!", "=1+1"]),
    st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2100, 1, 1)),
)

BAD = {  # a planted value -> the rule it must raise
    "": "value-missing",
    "5件": "value-not-integer",
    "５": "value-not-integer",
    2.5: "value-not-integer",
    -4: "value-negative",
}


@settings(max_examples=120, **SETTINGS)
@given(fmt=st.sampled_from(FORMATS), seed=st.integers(0, 10**6), data=st.data())
def test_checker_reports_exactly_the_planted_violations(fmt, seed, data):
    base = consistent_data(fmt, seed)
    count_fields = [f for f in fmt.input_fields if f.type == "int" and f.required]
    planted = data.draw(st.dictionaries(st.sampled_from([f.key for f in count_fields]),
                                        st.sampled_from(list(BAD)), min_size=1, max_size=5), label="planted")
    base.update(planted)
    problems = check(base, fmt)
    value_problems = {(p.rule, p.keys[0]) for p in problems if p.rule.startswith("value-")}
    assert value_problems == {(BAD[v], k) for k, v in planted.items()}
    involved = set(planted)
    for k in planted:
        involved |= derived_closure(fmt, k)
    for p in problems:
        assert involved & set(p.keys), p


@settings(max_examples=150, **SETTINGS)
@given(fmt=st.sampled_from(FORMATS), data=st.data())
def test_checker_never_raises(fmt, data):
    keys = [f.key for f in (*fmt.fields, *fmt.previous)] + [t.key for t in fmt.texts]
    values = data.draw(st.dictionaries(st.sampled_from(keys), JUNK, max_size=40), label="values")
    for p in check(values, fmt):
        assert p.rule and p.message and p.severity in ("error", "warning")


@settings(max_examples=25, **SETTINGS)
@given(fmt=st.sampled_from(FORMATS), data=st.data())
def test_reader_never_raises_on_random_cells(fmt, data):
    inputs = [f for f in (*fmt.input_fields, *fmt.meta_fields) if f.key != "meta.year"]
    values = data.draw(st.dictionaries(st.sampled_from([f.key for f in inputs]), JUNK, max_size=30), label="cells")
    values["meta.year"] = data.draw(st.sampled_from([fmt.first_year, 2035, 1999]), label="year")
    values = {k: (v.replace("\x00", "") if isinstance(v, str) else v) for k, v in values.items()}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.xlsx"
        write_workbook(path, fmt, values)
        report = read_workbook(path)
        check(report.data, report.fmt, report.cells)
    for key, written in values.items():
        got = report.data.get(key)
        if isinstance(written, str) and written.strip() and fmt.field(key).type == "int":
            assert got == written  # text stays text: the checker quotes it to the clerk
        if isinstance(written, int) and not isinstance(written, bool) and fmt.field(key).type == "int":
            assert got == written


# What a Word file cannot hold, as documented (control characters, C1 controls, lone surrogates)
@settings(max_examples=40, **SETTINGS)
@given(data=st.data())
def test_reader_on_damaged_sheet_xml(tmp_path_factory, data):
    """Random damage to a table sheet's XML: a report or a Chinese InputError, nothing else."""
    import io
    import zipfile

    from xlreport.errors import InputError
    from xlreport.workbook import sheet_members

    folder = tmp_path_factory.mktemp("damaged")
    good = folder / "good.xlsx"
    write_workbook(good, V2021, consistent_data(V2021, 1))
    with zipfile.ZipFile(good) as z:
        member = sheet_members(z)[data.draw(st.sampled_from(["表二", "表三", "表四", "封面", "_xlreport"]))]
        parts = [(i, z.read(i.filename)) for i in z.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info, content in parts:
            if info.filename == member:
                content = bytearray(content)
                for _ in range(data.draw(st.integers(1, 8), label="edits")):
                    at = data.draw(st.integers(0, len(content) - 1), label="at")
                    content[at:at + data.draw(st.integers(0, 6))] = data.draw(st.binary(max_size=6), label="bytes")
                content = bytes(content)
            z.writestr(info, content)
    damaged = folder / "damaged.xlsx"
    damaged.write_bytes(out.getvalue())
    try:
        report = read_workbook(damaged)
    except InputError as exc:
        assert exc.message
    else:
        check(report.data, report.fmt, report.cells)


ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


@settings(max_examples=30, **SETTINGS)
@given(text=st.text(min_size=1, max_size=300))
def test_renderer_keeps_any_text(text):
    import docx

    from xlreport.data import parse_document
    from xlreport.demo import demo_document
    from xlreport.word import render_report

    fmt, data, _ = parse_document(demo_document(), "demo")
    data["text.problems"] = "开头" + text + "结尾"
    with tempfile.TemporaryDirectory() as tmp:
        result = render_report(data, fmt, Path(tmp) / "r.docx")
        body = "\n".join(p.text for p in docx.Document(result.path).paragraphs)
    expected = ILLEGAL.sub("", "开头" + text + "结尾")
    lines = [line.strip() for line in expected.splitlines() if line.strip()]
    for line in lines:
        assert line in body
    assert bool(ILLEGAL.search(text)) == bool(result.warnings)
