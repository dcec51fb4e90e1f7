"""Fuzzing with hypothesis, bounded so it runs in every test run:
the checker never raises and reports exactly the planted violations; the
workbook reader never raises on random cell contents; the renderer always
yields a .docx that reopens with the text intact."""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factories import consistent_data, derived_closure
from xlreport.checks import check
from xlreport.model.formats import V2019, V2021
from xlreport.workbook.reader import read_workbook
from xlreport.workbook.writer import write_workbook

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


@pytest.fixture(scope="module")
def good_workbook(tmp_path_factory):
    """good_workbook(seed): a consistent V2021 workbook of that seed, written once per module and
    made read-only (the tests read or copy it; the examples must not pay a write each)."""
    folder = tmp_path_factory.mktemp("good")
    made = {}

    def get(seed):
        if seed not in made:
            made[seed] = write_workbook(folder / f"good-{seed}.xlsx", V2021, consistent_data(V2021, seed))
            os.chmod(made[seed], 0o444)
        return made[seed]
    return get


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
def test_reader_on_damaged_sheet_xml(tmp_path_factory, good_workbook, data):
    """Random damage to a table sheet's XML: a report or a Chinese InputError, nothing else."""
    import io
    import zipfile

    from xlreport.errors import InputError
    from xlreport.io.guards import sheet_members

    folder = tmp_path_factory.mktemp("damaged")
    with zipfile.ZipFile(good_workbook(1)) as z:
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

    from xlreport.io.jsonfile import parse_document
    from xlreport.cli.demo import demo_document
    from xlreport.report.docx import render_report

    fmt, data, _ = parse_document(demo_document(), "demo")
    data["text.problems"] = "开头" + text + "结尾"
    with tempfile.TemporaryDirectory() as tmp:
        result = render_report(data, fmt, Path(tmp) / "r.docx")
        body = "\n".join(p.text for p in docx.Document(result.path).paragraphs)
    text = text.replace("\x0b", "\n")  # Word's manual line break starts a new paragraph
    expected = ILLEGAL.sub("", "开头" + text + "结尾")
    lines = [line.strip() for line in expected.splitlines() if line.strip()]
    for line in lines:
        assert line in body
    assert bool(ILLEGAL.search(text)) == bool(result.warnings)


# --- what other programs hand us (issue 10) ------------------------------------------

def _doc_with(where: str, text: str) -> dict:
    from xlreport.io.jsonfile import document

    doc = document(consistent_data(V2021, 2), V2021)
    if where == "text":
        doc["text"]["text.problems"] = text
    elif where == "meta":
        doc["meta"]["agency"] = text
    elif where == "value":
        doc["values"]["t3.new.business"] = text
    else:
        doc["values"][text] = 1
    return doc


@settings(max_examples=60, **SETTINGS)
@given(where=st.sampled_from(["text", "meta", "value", "key"]), text=st.text(max_size=20),
       at=st.integers(0, 20), surrogate=st.integers(0xD800, 0xDFFF))
def test_json_with_a_lone_surrogate(capsys, where, text, at, surrogate):
    """What JavaScript writes when it cuts an emoji: refused in one Chinese line, never a crash;
    in a folder the --json output stays valid."""
    import json

    from xlreport.cli.main import main

    text = text[:at] + chr(surrogate) + text[at:]  # one surrogate alone: it cannot pair up
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "a.json"
        path.write_text(json.dumps(_doc_with(where, text), ensure_ascii=True), encoding="utf-8")
        capsys.readouterr()
        assert main(["check", str(path)]) == 2
        out, err = capsys.readouterr()
        assert err.startswith("错误：") and err.count("\n") == 1 and "不完整的字符" in err, err
        assert main(["check", tmp, "--json"]) == 2
        out, err = capsys.readouterr()
        assert "不完整的字符" in json.loads(out)[0]["error"]
        (out + err).encode("utf-8")


NAME_BYTES = st.binary(min_size=1, max_size=30).filter(
    lambda b: b"/" not in b and b"\0" not in b and not b.startswith((b".", b"~$")))


@settings(max_examples=25, **SETTINGS)
@given(name=NAME_BYTES, kind=st.sampled_from([".xlsx", ".json", ".xlsx-broken"]))
def test_file_names_with_undecodable_bytes(tmp_path_factory, good_workbook, capsys, name, kind):
    """A file name in any bytes (GBK from a Windows zip, or worse) is read like any other and
    printed readably; the --json output stays valid."""
    import json
    import shutil

    from xlreport.cli.main import main
    from xlreport.io.jsonfile import document

    folder = tmp_path_factory.mktemp("names")
    good = good_workbook(5)
    inside = folder / "in"
    inside.mkdir()
    target = os.path.join(os.fsencode(inside), name + (b".json" if kind == ".json" else b".xlsx"))
    if kind == ".xlsx":
        shutil.copy(good, target)
    elif kind == ".json":
        with open(target, "w", encoding="utf-8") as fh:
            json.dump(document(consistent_data(V2021, 5), V2021), fh)
    else:
        with open(target, "wb") as fh:
            fh.write(b"PK\x03\x04broken")
    expected = 2 if kind == ".xlsx-broken" else 0
    capsys.readouterr()
    for argv in ([os.fsdecode(target)], [str(inside)], [str(inside), "--json"]):
        assert main(["check", *argv]) == expected
        out, err = capsys.readouterr()
        assert "Traceback" not in err and "内部错误" not in out + err
        assert "\\ud" not in out + err  # shown as text or \x escapes, never as raw surrogates
        (out + err).encode("utf-8")
        if "--json" in argv:
            assert len(json.loads(out)) == 1
