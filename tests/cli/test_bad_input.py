"""The catalogue of bad inputs (issue 6): each item with its expected outcome —
one Chinese line and exit 2, or the right problem and exit 1 — never a
traceback, and nothing half-written or overwritten."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from factories import consistent_data, derived_closure, edited_copy
from xlreport.cli.main import main
from xlreport.io.jsonfile import document
from xlreport.model.formats import V2019, V2021
from xlreport.model.layout import workbook_layout
from xlreport.workbook.writer import write_workbook


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def one_chinese_line(err: str) -> bool:
    return err.count("\n") == 1 and err.startswith("错误：")


@pytest.fixture(scope="module")
def good_book(tmp_path_factory):
    path = tmp_path_factory.mktemp("good") / "good.xlsx"
    data = consistent_data(V2021, 11)
    write_workbook(path, V2021, data)
    return path


# --- files ------------------------------------------------------------------

def _bytes(content: bytes):
    def make(tmp, good):
        (tmp / "x.xlsx").write_bytes(content)
        return tmp / "x.xlsx"
    return make


def _truncated(tmp, good):
    data = good.read_bytes()
    (tmp / "t.xlsx").write_bytes(data[: len(data) // 2])
    return tmp / "t.xlsx"


def _docx_renamed(tmp, good):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    (tmp / "d.xlsx").write_bytes(buf.getvalue())
    return tmp / "d.xlsx"


def _xls(tmp, good):
    (tmp / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    return tmp / "old.xls"


def _xls_named_xlsx(tmp, good):
    (tmp / "old.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    return tmp / "old.xlsx"


def _password(tmp, good):
    from msoffcrypto.format.ooxml import OOXMLFile

    with open(good, "rb") as src, open(tmp / "locked.xlsx", "wb") as out:
        OOXMLFile(src).encrypt("secret", out)
    return tmp / "locked.xlsx"


def _foreign(tmp, good):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "某局自制表格"
    wb.save(tmp / "foreign.xlsx")
    return tmp / "foreign.xlsx"


def _edited(change):
    return lambda tmp, good: edited_copy(good, tmp / "edited.xlsx", change)


def _zip_bomb(tmp, good):
    with zipfile.ZipFile(tmp / "bomb.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    return tmp / "bomb.xlsx"


def _many_members(tmp, good):
    with zipfile.ZipFile(tmp / "many.xlsx", "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        for i in range(3000):
            z.writestr(f"xl/m{i}.xml", "")
    return tmp / "many.xlsx"


def _zip_version(tmp, good):
    from factories import zip_version_raised

    (tmp / "v.xlsx").write_bytes(zip_version_raised(good.read_bytes()))
    return tmp / "v.xlsx"


UNREADABLE = [
    ("missing path", lambda tmp, good: tmp / "nope.xlsx", "找不到文件"),
    ("empty file", _bytes(b""), "空文件"),
    ("random bytes named .xlsx", _bytes(os.urandom(3000)), "不是 Excel 工作簿"),
    ("truncated .xlsx", _truncated, "已损坏"),
    (".docx renamed .xlsx", _docx_renamed, "是 Word 文档"),
    ("old .xls", _xls, "另存为"),
    ("old .xls renamed .xlsx", _xls_named_xlsx, "另存为"),
    ("password-protected .xlsx", _password, "密码"),
    ("workbook not made by xlreport", _foreign, "不是用 xlreport 生成"),
    ("sheet renamed", _edited(lambda wb: setattr(wb["表二"], "title", "主动公开")), "缺少工作表“表二”"),
    ("sheet deleted", _edited(lambda wb: wb.remove(wb["封面"])), "缺少工作表“封面”"),
    ("rows inserted into a table", _edited(lambda wb: wb["表三"].insert_rows(8, 2)), "结构被改动"),
    ("a label overwritten", _edited(lambda wb: wb["表三"].__setitem__("A7", "一、新收")), "结构被改动"),
    ("a cell far outside the tables", _edited(lambda wb: wb["表三"].__setitem__("XFD1048576", 1)), "很远处有内容"),
    ("a cell far down a form", _edited(lambda wb: wb["封面"].__setitem__("B5000", "x")), "很远处有内容"),
    ("zip bomb", _zip_bomb, "拒绝读取"),
    ("absurd member count", _many_members, "拒绝读取"),
    ("zip of an unsupported version", _zip_version, "已损坏"),
]


@pytest.mark.parametrize("name,make,reason", UNREADABLE, ids=[u[0] for u in UNREADABLE])
@pytest.mark.parametrize("command", ["check", "export", "render"])
def test_unreadable_file(tmp_path, capsys, good_book, name, make, reason, command):
    path = make(tmp_path, good_book)
    before = sorted(p.name for p in tmp_path.iterdir())
    argv = {"check": ["check", path], "export": ["export", path, "-o", tmp_path / "out.json"],
            "render": ["render", path, "-o", tmp_path / "out.docx"]}[command]
    code, out, err = run(capsys, *argv)
    assert code == 2 and one_chinese_line(err) and reason in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written


def test_a_far_cell_does_not_stop_a_batch(tmp_path, capsys, good_book):
    """calamine would abort the whole process on such a sheet; the guard refuses it first."""
    folder = tmp_path / "batch"
    folder.mkdir()
    edited_copy(good_book, folder / "far.xlsx", lambda wb: wb["表四"].__setitem__("AAA1", "x"))
    shutil.copy(good_book, folder / "ok.xlsx")
    code, out, _ = run(capsys, "check", folder)
    assert code == 2
    assert "far.xlsx: 无法读取" in out and "ok.xlsx: 通过" in out


def test_a_directory_as_input(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = run(capsys, "check", empty)
    assert code == 2 and one_chinese_line(err) and "没有可检查的数据文件" in err
    code, _, err = run(capsys, "export", empty)
    assert code == 2 and "是一个文件夹" in err


def test_an_empty_folder_does_not_stop_the_other_inputs(tmp_path, capsys, good_book):
    empty = tmp_path / "empty"
    empty.mkdir()
    code, out, _ = run(capsys, "check", empty, good_book, "--json")
    result = json.loads(out)
    assert code == 2
    assert "error" in result[0] and result[1]["problems"] == []


def test_json_output_for_a_single_unreadable_file(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    code, out, err = run(capsys, "check", bad, "--json")
    assert code == 2 and one_chinese_line(err)
    assert json.loads(out) == [{"file": str(bad), "format": None, "error": err[3:].strip(), "code": "bad-json",
                                "problems": []}]


@pytest.mark.parametrize("values,reason", [
    ('{"meta": {"year": 2024}, "values": {"t3.new.business": 53, "t3.new.business": 54}}', "出现了不止一次"),
    ('{"meta": {"agency": "a", "meta.agency": "b", "year": 2024}}', "写了两次"),
    ('{"meta": {"year": 2024}, "values": {"t3.new.business": 1' + "0" * 5000 + '}}', "位数过多"),
], ids=["duplicate value key", "duplicate meta key", "5000 digits"])
def test_json_duplicates_and_absurd_numbers(tmp_path, capsys, values, reason):
    path = tmp_path / "d.json"
    path.write_text(values, encoding="utf-8")
    code, _, err = run(capsys, "check", path)
    assert code == 2 and one_chinese_line(err) and reason in err, err


def test_huge_and_overflowing_numbers_are_problems_not_crashes(tmp_path, capsys):
    doc = document(consistent_data(V2021, 1), V2021, with_derived=False)
    doc["values"]["t3.new.business"] = int("1" + "0" * 400)
    doc["values"]["t3.carried_over.research"] = 1e308
    doc["values"]["t3.new.research"] = 1e308
    path = tmp_path / "huge.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    code, out, _ = run(capsys, "check", path, "--json")
    assert code == 1
    problems = json.loads(out)[0]["problems"]  # strict JSON: json.loads would accept Infinity, so look
    assert "Infinity" not in out and "NaN" not in out
    assert {("value-not-integer", "t3.new.business"), ("value-not-integer", "t3.new.research")} <= {
        (p["rule"], p["keys"][0]) for p in problems}
    assert any("401 位数" in p["message"] for p in problems)


def test_misplaced_keys_say_where_they_belong(tmp_path, capsys):
    doc = document(consistent_data(V2021, 1), V2021)
    doc["values"]["previous.t3.carried_forward.business"] = 1
    doc["values"]["meta.agency"] = "x"
    path = tmp_path / "m.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    code, out, _ = run(capsys, "check", path, "--json")
    messages = {p["keys"][0]: p["message"] for p in json.loads(out)[0]["problems"] if p["rule"] == "unknown-key"}
    assert "“previous”部分" in messages["previous.t3.carried_forward.business"]
    assert "“meta”部分" in messages["meta.agency"]


def test_other_format_version_workbook(tmp_path, capsys):
    data = consistent_data(V2019, 3)
    path = tmp_path / "v2019.xlsx"
    write_workbook(path, V2019, data)
    wb = openpyxl.load_workbook(path)
    wb["封面"][workbook_layout(V2019).positions["meta.year"].cell] = 2022
    wb.save(path)
    code, out, _ = run(capsys, "check", path, "--json")
    assert code == 1
    assert [p["rule"] for p in json.loads(out)[0]["problems"] if p["severity"] == "error"] == ["format-version"]


@pytest.mark.office
def test_saved_by_libreoffice(tmp_path, capsys, good_book, soffice):
    from xlreport.io.office import convert

    resaved = convert(good_book, "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo")
    assert resaved.read_bytes() != good_book.read_bytes()
    code, out, _ = run(capsys, "check", resaved)
    assert code == 0, out
    run(capsys, "export", good_book, "-o", tmp_path / "a.json")
    run(capsys, "export", resaved, "-o", tmp_path / "b.json")
    assert json.loads((tmp_path / "a.json").read_text("utf-8")) == json.loads((tmp_path / "b.json").read_text("utf-8"))


# --- cells pasted past the validation ------------------------------------------

KEY = "t3.denied.process_info.research"


def _paste(value):
    def apply(ws, cell):
        ws[cell] = value
    return apply


CELLS = [
    ('"5" stored as text', _paste("5"), "value-not-integer", "“5”"),
    ('"５" full width', _paste("５"), "value-not-integer", "“５”"),
    ('"5件"', _paste("5件"), "value-not-integer", "“5件”"),
    ('" 5 "', _paste(" 5 "), "value-not-integer", "“ 5 ”"),
    ("a formula =1+1 never calculated", _paste("=1+1"), "value-not-integer", "未计算的公式“=1+1”"),
    ("1e20", _paste(1e20), "value-not-integer", "过大"),
    ("a date", _paste(dt.datetime(2024, 3, 1)), "value-not-integer", "日期"),
    ("TRUE", _paste(True), "value-not-integer", "TRUE"),
    ("an error value #REF!", _paste("=#REF!"), "value-not-integer", "#REF!"),
    ("a decimal in an integer field", _paste(2.5), "value-not-integer", "2.5"),
    ("a negative number", _paste(-3), "value-negative", "-3"),
    ("a blank", _paste(None), "value-missing", "未填写"),
]


@pytest.mark.parametrize("name,paste,rule,quoted", CELLS, ids=[c[0] for c in CELLS])
def test_pasted_cell_values(tmp_path, capsys, good_book, name, paste, rule, quoted):
    path = tmp_path / "pasted.xlsx"
    shutil.copy(good_book, path)
    pos = workbook_layout(V2021).positions[KEY]
    wb = openpyxl.load_workbook(path)
    paste(wb[pos.sheet], pos.cell)
    wb.save(path)
    code, out, _ = run(capsys, "check", path, "--json")
    assert code == 1
    problems = json.loads(out)[0]["problems"]
    mine = [p for p in problems if p["keys"] == [KEY]]
    assert [p["rule"] for p in mine] == [rule]
    assert mine[0]["cells"] == [pos.a1] and quoted in mine[0]["message"]
    # nothing else is blamed: other problems involve the pasted cell or totals derived from it
    involved = {KEY} | derived_closure(V2021, KEY)
    for p in problems:
        assert involved & set(p["keys"]), p


def test_formula_calculated_counts_by_its_value(tmp_path, capsys):
    """A formula that Excel calculated counts by its computed value."""

    data = consistent_data(V2021, 12)
    path = tmp_path / "f.xlsx"
    write_workbook(path, V2021, data)
    pos = workbook_layout(V2021).positions["t3.new.business"]
    with zipfile.ZipFile(path) as z:
        items = [(i, z.read(i.filename)) for i in z.infolist()]
    value = data["t3.new.business"]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info, content in items:
            if info.filename == "xl/worksheets/sheet4.xml":
                text = content.decode()
                import re

                text, n = re.subn(rf'<c r="{pos.cell}"([^>]*?)(/>|><v>[^<]*</v></c>)',
                                  rf'<c r="{pos.cell}"\1><f>{value}+0</f><v>{value}</v></c>', text)
                assert n == 1
                content = text.encode()
            z.writestr(info, content)
    path.write_bytes(out.getvalue())
    code, out_, _ = run(capsys, "check", path)
    assert code == 0, out_


# --- JSON ----------------------------------------------------------------------

def test_json_wrong_types_are_problems(tmp_path, capsys):
    doc = document(consistent_data(V2021, 1), V2021)
    doc["values"]["t3.new.business"] = "3"
    doc["values"]["t4.review.upheld"] = True
    doc["meta"]["can_make_rules"] = "否"
    path = tmp_path / "types.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    code, out, _ = run(capsys, "check", path, "--json")
    got = {(p["rule"], p["keys"][0]) for p in json.loads(out)[0]["problems"]}
    assert code == 1
    assert {("value-not-integer", "t3.new.business"), ("value-not-integer", "t4.review.upheld"),
            ("meta-invalid", "meta.can_make_rules")} <= got


@pytest.mark.parametrize("content,reason", [
    (b"{not json", "不是有效的 JSON"),
    ("{\"meta\": {\"agency\": \"局\"}}".encode("gbk"), "不是 UTF-8"),
    (b"[]", "JSON 对象"),
    (b"{\"meta\": {\"year\": 2024}, \"values\": {\"t3.new.business\": {\"a\": 1}}}", "应是数字"),
    (b"{\"meta\": {\"year\": 2024}, \"text\": {\"text.problems\": [1]}}", "应是字符串"),
    (b"[" * 100000 + b"]" * 100000, "嵌套层数过多"),
], ids=["invalid", "gbk", "list", "object value", "list text", "deep nesting"])
def test_json_unreadable(tmp_path, capsys, content, reason):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    code, _, err = run(capsys, "check", path)
    assert code == 2 and one_chinese_line(err) and reason in err, err


def test_json_unknown_keys_are_reported(tmp_path, capsys):
    doc = document(consistent_data(V2021, 1), V2021)
    doc["values"]["t3.new.totl"] = 1
    doc["text"] = {**doc["text"], "text.summary": "x"}
    path = tmp_path / "u.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    code, out, _ = run(capsys, "check", path, "--json")
    assert code == 1
    assert {p["keys"][0] for p in json.loads(out)[0]["problems"] if p["rule"] == "unknown-key"} == {
        "t3.new.totl", "text.summary"}


# --- text ------------------------------------------------------------------------

HOSTILE = {
    "text.overview": "A&B <w:p> \"引号\" ‘单引号’ 😀🇨🇳 {{ 7*7 }} {% for x in y %} {#c#} ${x}",
    "text.problems": "问题" * 16383 + "完",  # 32,767 characters, the most a cell holds
    "text.other": "控制字符\x01\x02\x0b结束",
}


def test_hostile_text_through_the_workbook_and_the_report(tmp_path, capsys):
    import docx

    data = consistent_data(V2021, 4)
    data.update(HOSTILE)
    book = tmp_path / "h.xlsx"
    write_workbook(book, V2021, data)
    code, out, err = run(capsys, "render", book, "-o", tmp_path / "h.docx")
    assert code == 0, out + err
    assert "控制字符" in out and "警告" in out  # control characters removed, with a warning
    text = "\n".join(p.text for p in docx.Document(tmp_path / "h.docx").paragraphs)
    assert HOSTILE["text.overview"] in text
    assert "问题" * 16383 + "完" in text
    assert "控制字符\n结束" in text  # U+000B is Word's line break: a new paragraph, not deleted
    run(capsys, "export", book, "-o", tmp_path / "h.json")
    back = json.loads((tmp_path / "h.json").read_text("utf-8"))["text"]
    assert back["text.overview"] == HOSTILE["text.overview"]
    assert back["text.problems"] == HOSTILE["text.problems"]


# --- output ----------------------------------------------------------------------

@pytest.mark.parametrize("command", ["new", "export", "render"])
def test_output_exists_is_not_overwritten(tmp_path, capsys, good_book, command):
    target = tmp_path / {"new": "a.xlsx", "export": "a.json", "render": "a.docx"}[command]
    target.write_bytes(b"precious")
    argv = {"new": ["new", "--year", "2024", "-o", target], "export": ["export", good_book, "-o", target],
            "render": ["render", good_book, "-o", target]}[command]
    code, _, err = run(capsys, *argv)
    assert code == 2 and one_chinese_line(err) and "已存在" in err and "--force" in err
    assert target.read_bytes() == b"precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


@pytest.mark.parametrize("target,reason", [
    ("missing-folder/a.xlsx", "不存在"),
    ("/proc/xlreport-test.xlsx", "无法在"),  # a read-only place, even for root
], ids=["folder missing", "read-only"])
def test_output_folder_unusable(tmp_path, capsys, target, reason):
    path = tmp_path / target if not target.startswith("/") else Path(target)
    code, _, err = run(capsys, "new", "--year", "2024", "-o", path)
    assert code == 2 and one_chinese_line(err) and reason in err, err


def test_locked_target_gets_a_numbered_name(tmp_path, capsys, good_book, monkeypatch):
    """Word on Windows keeps an open report locked: write beside it and say so."""
    target = tmp_path / "报告.docx"
    target.write_bytes(b"open in Word")
    real_replace = os.replace

    def locked(src, dst):
        if Path(dst) == target:
            raise PermissionError(13, "locked")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", locked)
    code, out, err = run(capsys, "render", good_book, "-o", target, "--force")
    assert code == 0
    assert (tmp_path / "报告(2).docx").exists() and target.read_bytes() == b"open in Word"
    assert "报告(2).docx" in err and "正被其他程序打开" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["报告(2).docx", "报告.docx"]


# --- nothing silently wrong (issue 10) ----------------------------------------------

def _json_file(tmp_path, change, name="s.json"):
    doc = document(consistent_data(V2021, 1), V2021)
    change(doc)
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=True), encoding="utf-8")  # \ud800 as JavaScript writes it
    return path


LONE_SURROGATES = {
    "in a text": lambda doc: doc["text"].__setitem__("text.problems", "改进😀" + "\ud83d"),
    "in the agency": lambda doc: doc["meta"].__setitem__("agency", "测试局\ud800"),
    "in a value": lambda doc: doc["values"].__setitem__("t3.new.business", "\udc00"),
    "in a key": lambda doc: doc["values"].__setitem__("t3.new.\ud800", 1),
}


@pytest.mark.parametrize("where", LONE_SURROGATES)
def test_lone_surrogate_in_json(tmp_path, capsys, where):
    path = _json_file(tmp_path, LONE_SURROGATES[where])
    for argv in (["check", path], ["new", "--year", 2021, "--data", path, "-o", tmp_path / "n.xlsx"],
                 ["render", path, "-o", tmp_path / "r.docx"], ["export", path, "-o", tmp_path / "e.json"]):
        code, out, err = run(capsys, *argv)
        assert code == 2 and one_chinese_line(err) and "不完整的字符" in err, (argv, err)
        assert "内部错误" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.json"]


def test_lone_surrogate_in_a_folder_keeps_the_json_output_valid(tmp_path, capsys, good_book):
    folder = tmp_path / "batch"
    folder.mkdir()
    _json_file(folder, LONE_SURROGATES["in a text"], "a.json")
    shutil.copy(good_book, folder / "b.xlsx")
    code, out, err = run(capsys, "check", folder, "--json")
    result = json.loads(out)
    assert code == 2 and "内部错误" not in out + err
    assert "不完整的字符" in result[0]["error"] and result[1]["problems"] == []
    out.encode("utf-8")  # strict: no lone surrogate reaches the output


GBK_NAME = "年报.xlsx".encode("gbk")  # a zip made on Chinese Windows, unpacked on Linux


def test_workbook_name_not_utf8(tmp_path, capsys, good_book):
    folder = os.fsencode(tmp_path)
    shutil.copy(good_book, os.path.join(folder, GBK_NAME))
    name = os.fsdecode(os.path.join(folder, GBK_NAME))
    code, out, err = run(capsys, "check", name)
    assert code == 0 and "年报.xlsx: 通过" in out, out + err
    code, out, err = run(capsys, "check", tmp_path, "--json")
    assert code == 0 and json.loads(out)[0]["file"].endswith("年报.xlsx")
    (out + err).encode("utf-8")  # printable as strict UTF-8
    code, out, err = run(capsys, "export", name)
    assert code == 0 and json.loads(out)["format"] == "2021"


def test_names_not_utf8_never_break_the_output(tmp_path):
    """A broken workbook with such a name, printed by a process whose output is strict UTF-8."""
    import subprocess
    import sys

    folder = os.fsencode(tmp_path)
    with open(os.path.join(folder, GBK_NAME), "wb") as fh:
        fh.write(b"PK\x03\x04 not really a zip")
    with open(os.path.join(folder, b"\xff\xfe.json"), "wb") as fh:
        fh.write(b"{")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}  # errors=strict, as on a zh_CN.UTF-8 desktop
    for argv in ([os.path.join(folder, GBK_NAME)], [folder, "--json"], [folder]):
        proc = subprocess.run([sys.executable, "-m", "xlreport", "check", *argv], capture_output=True, env=env)
        out, err = proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")
        assert proc.returncode == 2 and "Traceback" not in err and "内部错误" not in out + err, err
        assert "年报.xlsx" in out + err
        if "--json" in argv:
            assert {r["file"].rsplit("/", 1)[-1] for r in json.loads(out)} == {"年报.xlsx", "\\xff\\xfe.json"}


def test_one_unreadable_file_in_a_folder_is_not_reported_as_passed(tmp_path, capsys):
    folder = tmp_path / "one"
    folder.mkdir()
    (folder / "bad.json").write_text("{", encoding="utf-8")
    code, out, err = run(capsys, "check", folder)
    assert code == 2 and "bad.json: 通过" not in out and "不是有效的 JSON" in out + err


def _check_in_a_subprocess(path):
    """calamine aborts the whole process on a sheet it cannot hold: run where that cannot hurt."""
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "xlreport", "check", str(path)], capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize("cell", ["A5000", "XFD1048576", "AAA1"])
def test_formatting_far_below_the_tables_is_accepted(tmp_path, good_book, cell):
    from openpyxl.styles import Font, PatternFill

    def style(wb):
        wb["表三"][cell].font = Font(bold=True)
        wb["表三"][cell].fill = PatternFill("solid", fgColor="FFFF00")
        wb["封面"][cell].font = Font(bold=True)

    path = edited_copy(good_book, tmp_path / "styled.xlsx", style)
    with zipfile.ZipFile(path) as z:
        assert any(f'r="{cell}"'.encode() in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))
    proc = _check_in_a_subprocess(path)
    assert proc.returncode == 0 and "通过" in proc.stdout, proc.stdout + proc.stderr


def test_a_value_far_below_formatting_is_still_refused(tmp_path, good_book):
    from openpyxl.styles import Font

    def change(wb):
        wb["表三"]["A5000"].font = Font(bold=True)
        wb["表三"]["XFD1048576"] = "x"

    path = edited_copy(good_book, tmp_path / "far.xlsx", change)
    proc = _check_in_a_subprocess(path)
    assert proc.returncode == 2 and "很远处有内容（XFD1048576）" in proc.stderr, proc.stderr


def _with_member(good, target, name, content, compression=zipfile.ZIP_STORED):
    shutil.copy(good, target)
    with zipfile.ZipFile(target, "a") as z:
        z.writestr(zipfile.ZipInfo(name), content, compress_type=compression)
    return target


def test_a_large_picture_is_not_a_zip_bomb(tmp_path, capsys, good_book):
    path = _with_member(good_book, tmp_path / "logo.xlsx", "xl/media/image1.png",
                        b"\x89PNG\r\n\x1a\n" + os.urandom(55 * 1024 * 1024))
    assert path.stat().st_size > 50 * 1024 * 1024
    code, out, err = run(capsys, "check", path)
    assert code == 0, out + err


@pytest.mark.parametrize("name,size,limit", [
    ("xl/worksheets/sheet99.xml", 60 * 1024 * 1024, "50 MB 的上限"),
    ("xl/media/image1.png", 1024 * 1024, None),  # a bomb among the pictures is never unpacked
    ("xl/sharedStrings2.xml", 20 * 1024 * 1024, "200:1 的上限"),
])
def test_zip_bomb_messages_name_the_limit(tmp_path, capsys, good_book, name, size, limit):
    path = _with_member(good_book, tmp_path / "b.xlsx", name, b"\0" * size, zipfile.ZIP_DEFLATED)
    code, out, err = run(capsys, "check", path)
    if limit is None:
        assert code == 0, err
    else:
        assert code == 2 and one_chinese_line(err) and limit in err and "拒绝读取" in err, err


@pytest.mark.parametrize("argv,same", [
    (["export", "{book}", "-o", "{book}", "--force"], None),  # refused by its extension first
    (["export", "{book}", "-o", "{dir}/a.docx"], None),
    (["export", "{json}", "-o", "{json}", "--force"], "json"),
    (["render", "{book}", "-o", "{dir}/r.json"], None),
    (["render", "{book}", "-o", "{dir}/r.xlsx"], None),
    (["render", "{book}", "-o", "{tpl}", "--template", "{tpl}", "--force"], "tpl"),
    (["new", "--year", "2021", "-o", "{dir}/n.json"], None),
    (["new", "--year", "2021", "--macros", "-o", "{dir}/n.xlsx"], None),
    (["new", "--year", "2021", "--previous", "{book}", "-o", "{book}", "--force"], "book"),
    (["new", "--year", "2021", "--data", "{json}", "-o", "{dir}/n.xlsm"], None),
    (["template", "-o", "{dir}/t.xlsx"], None),
], ids=["export over its workbook", "export to .docx", "export over its json", "render to .json",
        "render to .xlsx", "render over its template", "new to .json", "new --macros to .xlsx",
        "new over --previous", "new without --macros to .xlsm", "template to .xlsx"])
def test_output_name_must_fit_what_is_written(tmp_path, capsys, good_book, argv, same):
    files = {"book": tmp_path / "wb.xlsx", "json": tmp_path / "d.json", "tpl": tmp_path / "t.docx"}
    shutil.copy(good_book, files["book"])
    files["json"].write_text(json.dumps(document(consistent_data(V2021, 11), V2021)), encoding="utf-8")
    main(["template", "-o", str(files["tpl"])])
    capsys.readouterr()
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    code, out, err = run(capsys, *[a.format(dir=tmp_path, **files) for a in argv])
    assert code == 2 and one_chinese_line(err), err
    assert ("就是输入文件" in err) if same else ("应以" in err and "结尾" in err), err
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def _enospc(*args, **kwargs):
    import errno

    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("command", ["new", "export", "render", "template"])
def test_full_disk(tmp_path, capsys, good_book, monkeypatch, command):
    import builtins

    target = tmp_path / {"new": "n.xlsx", "export": "e.json", "render": "r.docx", "template": "t.docx"}[command]
    argv = {"new": ["new", "--year", 2021], "export": ["export", good_book], "render": ["render", good_book],
            "template": ["template"]}[command]
    real_open = builtins.open

    class FullDisk:  # a file in the output folder whose every write fails
        def __init__(self, fh):
            self.fh = fh

        def write(self, data):
            _enospc()

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def __getattr__(self, name):
            return getattr(self.fh, name)

    def full_disk_open(file, mode="r", *args, **kwargs):
        fh = real_open(file, mode, *args, **kwargs)
        return FullDisk(fh) if "w" in mode and str(tmp_path) in str(file) else fh

    monkeypatch.setattr(zipfile.ZipFile, "writestr", _enospc)  # XlsxWriter and docx zip their parts
    monkeypatch.setattr(zipfile.ZipFile, "write", _enospc)
    monkeypatch.setattr(builtins, "open", full_disk_open)
    code, out, err = run(capsys, *argv, "-o", target)
    monkeypatch.undo()
    assert code == 2 and one_chinese_line(err) and "磁盘已满" in err, err
    assert "内部错误" not in err and "No space" not in err
    assert list(tmp_path.iterdir()) == []  # no partial file, no temporary file


def test_no_write_permission(tmp_path, capsys, monkeypatch):
    import errno
    import tempfile

    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", denied)  # root ignores a read-only folder: simulate one
    code, _, err = run(capsys, "new", "--year", 2021, "-o", tmp_path / "n.xlsx")
    assert code == 2 and one_chinese_line(err) and "没有写入权限" in err and "Permission" not in err, err


def test_demo_in_a_read_only_place(tmp_path, capsys):
    code, out, err = run(capsys, "demo", "-o", "/sys/xlreport-demo")  # read-only even for root
    assert code == 2 and one_chinese_line(err) and "没有写入权限" in err, err
    assert "内部错误" not in err and "Operation" not in err


def test_permission_error_reading_is_told_in_chinese(tmp_path, capsys, good_book, monkeypatch):
    import errno

    data = _json_file(tmp_path, lambda doc: None)
    real_read_bytes = Path.read_bytes

    def denied(self):
        if self == data:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", denied)
    code, _, err = run(capsys, "check", data)
    assert code == 2 and one_chinese_line(err) and "没有读取权限" in err, err
    assert not any("a" <= ch.lower() <= "z" for ch in err.replace(str(data), "")), err


def test_an_unreadable_folder_is_not_called_empty(tmp_path, capsys, good_book, monkeypatch):
    import errno

    locked = tmp_path / "locked"
    locked.mkdir()
    shutil.copy(good_book, locked / "a.xlsx")
    shutil.copy(good_book, tmp_path / "b.xlsx")
    real_scandir, real_listdir = os.scandir, os.listdir

    def guard(real):
        def call(path="."):
            if Path(os.fsdecode(path)) == locked:  # root may read anything: simulate chmod 000
                raise PermissionError(errno.EACCES, "Permission denied", os.fsdecode(path))
            return real(path)
        return call

    monkeypatch.setattr(os, "scandir", guard(real_scandir))
    monkeypatch.setattr(os, "listdir", guard(real_listdir))
    code, _, err = run(capsys, "check", locked)
    assert code == 2 and "没有读取权限" in err and "没有可检查" not in err, err
    code, out, _ = run(capsys, "check", tmp_path)
    assert code == 2 and "locked: 未检查" in out and "没有读取权限" in out and "b.xlsx: 通过" in out, out


def test_agency_with_a_line_break(tmp_path, capsys):
    from xlreport.io.readers import load_report
    from xlreport.report.context import build_context

    def change(doc):
        doc["meta"].update(agency=" 测试局\n办公室 ", office="办公室")

    report = load_report(_json_file(tmp_path, change))
    assert report.data["meta.agency"] == "测试局办公室"
    context = build_context(report.data, report.fmt)
    assert "请与测试局办公室联系" in context["sentences"]["contact"]
    assert context["title"].startswith("测试局办公室20")
    # the same through the workbook
    book = tmp_path / "a.xlsx"
    write_workbook(book, V2021, {**consistent_data(V2021, 1), "meta.agency": "测试局\n办公室", "meta.office": "办公室"})
    report = load_report(book)
    assert report.data["meta.agency"] == "测试局办公室"
    assert "请与测试局办公室联系" in build_context(report.data, report.fmt)["sentences"]["contact"]


def test_words_manual_line_break_starts_a_new_paragraph(tmp_path, capsys):
    import docx

    data = consistent_data(V2021, 4)
    data["text.problems"] = "第一个问题。\x0b第二个问题。"  # Shift+Enter in Word, pasted into the cell
    book = tmp_path / "t.xlsx"
    write_workbook(book, V2021, data)
    code, out, err = run(capsys, "render", book, "-o", tmp_path / "t.docx")
    assert code == 0, out + err
    paragraphs = [p.text for p in docx.Document(tmp_path / "t.docx").paragraphs]
    assert "第一个问题。" in paragraphs and "第二个问题。" in paragraphs
    assert "控制字符" not in out + err


def test_no_float_noise_in_messages(tmp_path, capsys):
    def change(doc):
        doc["values"]["t3.new.business"] = 43.000000001000004

    import re

    code, out, _ = run(capsys, "check", _json_file(tmp_path, change), "--json")
    problems = json.loads(out)[0]["problems"]
    mine = [p["message"] for p in problems if p["keys"] == ["t3.new.business"]]
    assert code == 1 and any("43.000000001 不是整数" in m for m in mine), mine
    for p in problems:  # sums with it too: at most 15 significant digits, as a spreadsheet shows
        for number in re.findall(r"\d+\.\d+", p["message"]):
            assert len(number.replace(".", "").lstrip("0")) <= 15, p["message"]


def test_a_number_in_a_text_formatted_cell(tmp_path, capsys, good_book):
    pos = workbook_layout(V2021).positions[KEY]

    def text_cell(wb):
        wb[pos.sheet][pos.cell] = "0"
        wb[pos.sheet][pos.cell].number_format = "@"

    path = edited_copy(good_book, tmp_path / "text.xlsx", text_cell)
    code, out, _ = run(capsys, "check", path, "--json")
    mine = [p for p in json.loads(out)[0]["problems"] if p["keys"] == [KEY]]
    assert code == 1 and [p["rule"] for p in mine] == ["value-not-integer"]
    assert "“0”是以文本形式保存的数字" in mine[0]["message"] and "数值" in mine[0]["message"], mine
    assert "如 5" not in mine[0]["message"]



def test_a_number_in_quotes_in_a_data_file(tmp_path, capsys):
    code, out, _ = run(capsys, "check", _json_file(tmp_path, lambda doc: doc["values"].__setitem__(KEY, "0")), "--json")
    mine = [p for p in json.loads(out)[0]["problems"] if p["keys"] == [KEY]]
    assert code == 1 and [p["rule"] for p in mine] == ["value-not-integer"]
    assert "去掉引号" in mine[0]["message"] and "如 5" not in mine[0]["message"], mine
