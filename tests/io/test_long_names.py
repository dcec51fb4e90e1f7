"""A long Chinese file name that the system accepts is accepted (issue 18, bug 7): 80 characters
and .json are 245 bytes in UTF-8, under Linux's 255 (NAME_MAX); the temporary file beside the
target must not push it over."""

from __future__ import annotations

import json
import sys

import pytest

from factories import consistent_data
from xlreport.cli.main import main
from xlreport.io.jsonfile import document
from xlreport.model.formats import V2021

LONG = "政府信息公开工作年度报告" * 6 + "报" * 8  # 80 characters


@pytest.mark.skipif(sys.platform != "linux", reason="NAME_MAX of 255 bytes: Linux file systems")
@pytest.mark.parametrize("command,suffix", [(["export", "{src}"], ".json"), (["new", "--year", "2024"], ".xlsx"),
                                            (["render", "{src}"], ".docx")])
def test_output_name_of_245_bytes(tmp_path, capsys, command, suffix):
    src = tmp_path / "r.json"
    src.write_text(json.dumps(document(consistent_data(V2021, 1), V2021), ensure_ascii=False), "utf-8")
    out = tmp_path / f"{LONG}{suffix}"
    assert len(out.name.encode("utf-8")) >= 245
    args = [str(src) if a == "{src}" else a for a in command]
    assert main([*args, "-o", str(out)]) == 0, capsys.readouterr().err
    assert out.is_file()
