"""Batch import in the API (`api.import_files`, like `check_files`), used by `xlreport import DIR
--out-dir OUT`; and `BatchResult` supports len() and iteration (issue 18, item 5)."""

from __future__ import annotations

import json
import shutil

import pytest

from xlreport import api
from xlreport.errors import Exists, OutputError, UsageError


@pytest.fixture
def folder(fixtures_dir, tmp_path):
    out = tmp_path / "published"
    out.mkdir()
    shutil.copy(fixtures_dir / "2024_huaian_szf.pdf", out / "2024_huaian_szf.pdf")
    (out / "说明.txt").write_text("这是说明，不是报告", encoding="utf-8")  # a folder walk leaves text files out, saying so
    (out / "broken.docx").write_bytes(b"PK\x03\x04 not a whole archive")
    shutil.copy(fixtures_dir / "2024_huaian_szf.json", out / "data.json")  # a data file is not a published report
    return out


def test_batch_result_has_a_length_and_iterates(fixtures_dir):
    files = [fixtures_dir / "2023_suqian_city.json", fixtures_dir / "2024_suqian_city.json"]
    batch = api.check_files(files)
    assert len(batch) == 2 and list(batch) == batch.results and [r.file for r in batch] == [str(f) for f in files]


def test_import_files_writes_each_report_and_lists_the_rest(folder, fixtures_dir, tmp_path):
    named = fixtures_dir / "2023_hongze_qzf.txt"  # a text file named explicitly is read
    out = tmp_path / "out"
    out.mkdir()
    batch = api.import_files([folder, named], out)
    by_name = {r.file.rsplit("/", 1)[-1]: r for r in batch}
    assert len(batch) == 5 and set(by_name) == {"2024_huaian_szf.pdf", "说明.txt", "broken.docx", "data.json",
                                                "2023_hongze_qzf.txt"}
    pdf = by_name["2024_huaian_szf.pdf"]
    assert pdf.error is None and pdf.output == out / "2024_huaian_szf.json" and pdf.format == "2021"
    written = json.loads(pdf.output.read_text(encoding="utf-8"))
    expected = json.loads((fixtures_dir / "2024_huaian_szf.json").read_text(encoding="utf-8"))
    assert written["values"]["t3.new.total"] == expected["values"]["t3.new.total"]
    assert by_name["2023_hongze_qzf.txt"].output == out / "2023_hongze_qzf.json"
    assert by_name["broken.docx"].error_code == "damaged" and by_name["broken.docx"].output is None
    assert by_name["说明.txt"].not_checked and by_name["data.json"].not_checked and "已发布的报告" in by_name["data.json"].error
    assert sorted(p.name for p in out.iterdir()) == ["2023_hongze_qzf.json", "2024_huaian_szf.json"]


def test_import_files_refuses_before_reading(folder, tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "2024_huaian_szf.json").write_text("{}", encoding="utf-8")
    read = []
    monkeypatch.setattr(api, "load", lambda path: read.append(path))
    with pytest.raises(Exists):
        api.import_files(folder, out)
    with pytest.raises(OutputError):
        api.import_files(folder, tmp_path / "missing")
    shutil.copy(folder / "2024_huaian_szf.pdf", tmp_path / "2024_huaian_szf.pdf")
    with pytest.raises(UsageError, match="同名"):
        api.import_files([folder, tmp_path / "2024_huaian_szf.pdf"], out, force=True)
    assert read == [] and (out / "2024_huaian_szf.json").read_text(encoding="utf-8") == "{}"


def test_the_command_line_imports_a_folder_through_the_api(folder, tmp_path, monkeypatch, capsys):
    from xlreport.cli.main import main

    calls = []
    real = api.import_files
    monkeypatch.setattr(api, "import_files", lambda *a, **k: calls.append(a) or real(*a, **k))
    out = tmp_path / "out"
    out.mkdir()
    code = main(["import", str(folder), "--out-dir", str(out)])
    err = capsys.readouterr().err
    assert len(calls) == 1 and code == 2  # broken.docx could not be read; 说明.txt and data.json not imported
    assert "已导入" in err and "2024_huaian_szf.json" in err and "broken.docx: 无法导入" in err
    assert "说明.txt: 未导入" in err and "data.json: 未导入" in err
    assert (out / "2024_huaian_szf.json").exists()


def test_files_import_does_not_take_are_refused_in_its_own_words(folder, tmp_path):
    """A picture, an old .xls, a workbook and a data file in the folder: each says it is not a
    published report and what import takes — not check's 「只能检查…」/「…后再检查」; the data file
    and the workbook are told they need no import. An .ofd keeps its own advice."""
    (folder / "图.png").write_bytes(b"\x89PNG")
    (folder / "旧表.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (folder / "表.xlsx").write_bytes(b"PK")
    (folder / "报告.ofd").write_bytes(b"PK")
    out = tmp_path / "out"
    out.mkdir()
    why = {r.file.rsplit("/", 1)[-1]: r.error for r in api.import_files([folder], out) if r.not_checked}
    for name in ("图.png", "旧表.xls", "表.xlsx", "data.json"):
        assert why[name].startswith(f"“{name}”不是已发布的报告：只能导入 .html"), why[name]
        assert "检查" not in why[name]
    assert all("无需导入" in why[n] for n in ("表.xlsx", "data.json")) and "无需导入" not in why["图.png"]
    assert "OFD" in why["报告.ofd"]
