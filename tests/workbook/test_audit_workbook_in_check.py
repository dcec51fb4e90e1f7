"""`check` of a folder that holds an audit workbook says what that file is, instead of advising
`xlreport new` (issue 18, bug 7)."""

from __future__ import annotations

import json

from factories import consistent_data
from xlreport.cli.main import main
from xlreport.io.jsonfile import document
from xlreport.model.formats import V2021


def test_check_of_a_folder_with_an_audit_workbook(tmp_path, capsys):
    (tmp_path / "r.json").write_text(json.dumps(document(consistent_data(V2021, 1), V2021), ensure_ascii=False), "utf-8")
    assert main(["audit", str(tmp_path), "-o", str(tmp_path / "审查结果.xlsx")]) in (0, 1)
    capsys.readouterr()
    main(["check", str(tmp_path)])
    out, err = capsys.readouterr()
    line = next(x for x in (out + err).splitlines() if "审查结果.xlsx" in x)
    assert "审查结果" in line.split("审查结果.xlsx", 1)[1] and "xlreport new" not in line, line
