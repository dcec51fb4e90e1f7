"""No English inside the Chinese messages (issue 18, bug 7): Jinja's messages of a custom
template, Python's exception names (AssertionError …), nan/inf, 「而不是null」."""

from __future__ import annotations

import json
import re

import pytest

from factories import consistent_data
from xlreport.cli.main import main
from xlreport.io.jsonfile import document
from xlreport.model.formats import V2021


def english(message: str) -> list[str]:
    """The Latin words of `message`, leaving out what it quotes (“…”: the person's own text or
    names), template tags ({{ }}, {% %}), file names and the options and commands it names."""
    text = re.sub(r"“[^”]*”|\{\{.*?\}\}|\{%.*?%\}|\S+\.(?:docx|json|xlsx|md)\b|--[\w-]+|xlreport \w+", "", message)
    return re.findall(r"[A-Za-z]{2,}", text)


def template(tmp_path, line: str):
    from docx import Document

    doc = Document()
    doc.add_paragraph("{{ title }}")
    doc.add_paragraph(line)
    doc.save(tmp_path / "t.docx")
    return tmp_path / "t.docx"


def data_file(tmp_path, text: str | None = None, **values):
    doc = document(consistent_data(V2021, 1), V2021)
    doc["values"].update(values)
    out = json.dumps(doc, ensure_ascii=False)
    if text is not None:
        out = text(out)
    (tmp_path / "r.json").write_text(out, "utf-8")
    return tmp_path / "r.json"


@pytest.mark.parametrize("line", ["{{ ''.__class__ }}", "{{ (title|list)[100000] }}", "{% set d = {} %}{{ d.x.y }}",
                                  "{{ {}|dictsort(by='x') }}", "{{ title|truncate(-5) }}"],
                         ids=["unsafe", "no-element", "no-attribute", "jinja-error", "assertion"])
def test_template_errors_are_said_in_chinese(tmp_path, capsys, line):
    src = data_file(tmp_path)
    assert main(["render", str(src), "-o", str(tmp_path / "out.docx"), "--template", str(template(tmp_path, line))]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：模板") and english(err) == [], err


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_nan_and_infinity_are_said_in_chinese(tmp_path, capsys, constant):
    key = next(iter(document(consistent_data(V2021, 1), V2021)["values"]))
    src = data_file(tmp_path, lambda text: re.sub(rf'("{re.escape(key)}": )[^,}}]+', rf"\g<1>{constant}", text, count=1))
    main(["check", str(src)])
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "value-not-integer" in x).split(": ", 1)[1]  # after the file name
    assert not re.search(r"nan|inf", line, re.I) and english(line.replace("(value-not-integer)", "")) == [], line


def test_null_where_an_object_belongs_is_said_in_chinese(tmp_path, capsys):
    src = tmp_path / "r.json"
    src.write_text("null", "utf-8")  # valid JSON, but not the object of a data file
    assert main(["check", str(src)]) == 2
    err = capsys.readouterr().err
    assert "而不是" in err and "null" not in err.split("而不是")[1], err
