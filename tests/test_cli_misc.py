"""Smaller commands and options: `xlreport template`, `new --data` of another year."""

from __future__ import annotations

import json

from factories import consistent_data
from xlreport.cli import main
from xlreport.data import document
from xlreport.formats import V2021
from xlreport.word import default_template, lint_template


def test_template_copies_the_built_in_template(tmp_path, capsys):
    out = tmp_path / "我局模板.docx"
    assert main(["template", "-o", str(out)]) == 0
    assert out.read_bytes() == default_template().read_bytes()
    assert lint_template(out) == []
    assert "--template" in capsys.readouterr().out
    out.write_bytes(b"my restyled template")
    assert main(["template", "-o", str(out)]) == 2
    assert out.read_bytes() == b"my restyled template"
    assert main(["template", "-o", str(tmp_path / "t.doc")]) == 2


def test_new_refuses_data_of_another_year(tmp_path, capsys):
    data = consistent_data(V2021, 3)
    data["meta.year"] = 2023
    src = tmp_path / "2023.json"
    src.write_text(json.dumps(document(data, V2021), ensure_ascii=False), encoding="utf-8")
    assert main(["new", "--year", "2024", "--data", str(src), "-o", str(tmp_path / "a.xlsx")]) == 2
    assert "2023 年度" in capsys.readouterr().err and not (tmp_path / "a.xlsx").exists()
