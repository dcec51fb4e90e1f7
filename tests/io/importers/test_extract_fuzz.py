"""Damaged input of every extractor gives a Document or a one-line Chinese InputError, never another exception."""

from __future__ import annotations

import io
import zipfile

import docx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xlreport.errors import InputError
from xlreport.io.importers import Document, extract

from factories import zip_version_raised
from test_extract_pdf import minimal_pdf

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def outcome(path) -> str:
    try:
        doc = extract(path)
    except InputError as exc:
        assert exc.message and "\n" not in exc.message and "Traceback" not in exc.message
        return "error"
    assert isinstance(doc, Document)
    for t in doc.tables:   # grids are consistent whatever the damage
        assert all(0 <= c.row < t.n_rows and 0 <= c.col < t.n_cols for c in t.cells)
        t.grid()
    return "ok"


def docx_bytes() -> bytes:
    d = docx.Document()
    d.add_paragraph("一、总体情况")
    t = d.add_table(rows=3, cols=3)
    t.cell(0, 0).merge(t.cell(1, 1)).text = "合并"
    t.cell(2, 2).text = "21"
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


DOCX = docx_bytes()
PDF = minimal_pdf(b"0 0 0 RG 1 w 50 700 m 300 700 l S 50 650 m 300 650 l S 50 600 m 300 600 l S "
                  b"50 600 m 50 700 l S 175 600 m 175 700 l S 300 600 m 300 700 l S "
                  b"BT /F1 12 Tf 60 670 Td (21) Tj ET BT /F1 12 Tf 190 620 Td (3) Tj ET")


def test_the_fuzz_seed_pdf_has_a_ruled_table(tmp_path):
    p = tmp_path / "t.pdf"
    p.write_bytes(PDF)
    (t,) = extract(p).tables
    assert t.rows() == [["21", ""], ["", "3"]]


TOKENS = list("<>/=\"' tdrhablepsn&;#x0123456789一二三、（）") + [
    "<td>", "<tr>", "<table>", "</table>", "rowspan=", "colspan=", "<br>", "&nbsp;", "<o:p>", "<p>", "</td>"]


@FUZZ
@given(st.lists(st.sampled_from(TOKENS), max_size=200).map("".join))
def test_any_markup_reads(tmp_path, markup):
    p = tmp_path / "f.html"
    p.write_text(markup, encoding="utf-8")
    assert outcome(p) in ("ok", "error")


def mutate(data: bytes, edits) -> bytes:
    b = bytearray(data)
    for pos, val in edits:
        b[pos % len(b)] = val
    return bytes(b)


@FUZZ
@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=8),
       st.integers(0, 100))
def test_damaged_docx_reads_or_fails_cleanly(tmp_path, edits, cut):
    p = tmp_path / "f.docx"
    data = mutate(DOCX, edits)
    p.write_bytes(data[: max(8, len(data) * (100 - cut) // 100)] if cut > 90 else data)
    assert outcome(p) in ("ok", "error")


def test_docx_of_an_unsupported_zip_version_fails_cleanly(tmp_path):
    p = tmp_path / "f.docx"
    p.write_bytes(zip_version_raised(DOCX))
    assert outcome(p) == "error"


@FUZZ
@given(st.lists(st.tuples(st.integers(0, 10**4), st.integers(0, 255)), min_size=1, max_size=8),
       st.integers(0, 100))
def test_damaged_pdf_reads_or_fails_cleanly(tmp_path, edits, cut):
    p = tmp_path / "f.pdf"
    data = mutate(PDF, [(pos + 9, v) for pos, v in edits])    # keep the %PDF- header
    p.write_bytes(data[: max(16, len(data) * (100 - cut) // 100)] if cut > 80 else data)
    assert outcome(p) in ("ok", "error")


def test_docx_members_of_absurd_count_are_refused(tmp_path):
    p = tmp_path / "many.docx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("word/document.xml", "<a/>")
        for i in range(2100):
            z.writestr(f"x/{i}", "")
    assert outcome(p) == "error"
