"""`xlreport check` on JSON data files: output, exit codes, real reports, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from factories import consistent_data, with_texts
from xlreport.cli.main import main
from xlreport.io.jsonfile import document
from xlreport.io.readers import load_report
from xlreport.model.formats import V2019, V2021


def write(tmp_path, name, doc):
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def run(argv, capsys):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("fmt", [V2019, V2021], ids=lambda f: f.version)
def test_clean_file_exits_0(tmp_path, capsys, fmt):
    path = write(tmp_path, "ok.json", document(consistent_data(fmt, 1), fmt))
    code, out, err = run(["check", path], capsys)
    assert code == 0 and err == ""
    assert out.strip().endswith("通过（0 个错误，0 个警告）")


def test_problem_lines_and_exit_1(tmp_path, capsys):
    data = consistent_data(V2021, 2)
    data["t3.carried_forward.business"] += 1
    path = write(tmp_path, "bad.json", document(data, V2021, with_derived=False))
    code, out, _ = run(["check", path], capsys)
    assert code == 1
    lines = out.strip().splitlines()
    assert lines[0].startswith(f"{path}: [错误] 表三 商业企业列：第一项加第二项之和")
    assert lines[0].endswith("(t3-balance)")
    assert lines[-1] == f"{path}: 未通过（2 个错误，0 个警告）"


def test_a_half_filled_report_gets_one_line_per_table_of_blank_cells(tmp_path, capsys):
    """A table with more than five cells not filled in: one line with the count and the first
    cells, not a screenful; a table with five or fewer gets one line each; --all lists every cell;
    --json lists every problem. The same in render's refusal."""
    fmt = V2021
    data = consistent_data(fmt, 1)
    t3 = [k for k in data if k.startswith("t3.")]
    t4 = [k for k in data if k.startswith("t4.")][:4]
    for k in t3 + t4:
        data[k] = None
    path = write(tmp_path, "half.json", document(data, fmt))
    code, out, _ = run(["check", "--json", path], capsys)
    problems = json.loads(out)[0]["problems"]
    missing = {t: [p for p in problems if p["rule"] == "value-missing" and p["keys"][0].startswith(t)] for t in ("t3", "t4")}
    assert len(missing["t3"]) > 5 and len(missing["t4"]) == 4
    code, out, _ = run(["check", path], capsys)
    lines = out.splitlines()
    t3_lines = [line for line in lines if "表三" in line and "value-missing" in line]
    assert t3_lines == [f"{path}: [错误] 表三有 {len(missing['t3'])} 个格未填写，没有的请填 0："
                        f"{'、'.join(p['message'].split('：')[0] for p in missing['t3'][:3])} 等 (value-missing；逐格列出请加 --all)"]
    assert len([line for line in lines if "表四" in line and "value-missing" in line]) == 4  # five or fewer: each
    assert code == 1 and lines[-1].endswith(f"未通过（{len(problems)} 个错误，0 个警告）")
    code, every, _ = run(["check", "--all", path], capsys)
    assert len([line for line in every.splitlines() if "(value-missing)" in line]) == len(missing["t3"]) + 4
    code, rendered, _ = run(["render", path, "-o", tmp_path / "r.docx"], capsys)
    assert code == 1 and t3_lines[0] in rendered.splitlines()


def test_json_output_follows_contract(tmp_path, capsys):
    data = consistent_data(V2021, 2)
    data["t3.carried_forward.business"] += 1
    path = write(tmp_path, "bad.json", document(data, V2021, with_derived=False))
    code, out, _ = run(["check", path, "--json"], capsys)
    assert code == 1
    result = json.loads(out)
    assert [r["file"] for r in result] == [str(path)] and result[0]["format"] == "2021"
    p = result[0]["problems"][0]
    assert set(p) == {"rule", "severity", "keys", "cells", "expected", "actual", "message"}
    assert p["rule"] == "t3-balance" and p["severity"] == "error" and p["cells"] == []
    assert p["keys"] == ["t3.new.business", "t3.carried_over.business", "t3.total.business",
                         "t3.carried_forward.business"]
    assert p["actual"] == p["expected"] + 1


def test_warnings_only_exit_0(tmp_path, capsys):
    data = consistent_data(V2021, 3)
    data["text.overview.platform"] = ""  # one aspect of 一 missing: a warning
    code, out, _ = run(["check", write(tmp_path, "w.json", document(data, V2021))], capsys)
    assert code == 0 and "[警告]" in out and "(text-missing)" in out


@pytest.mark.parametrize("fmt", [V2019, V2021], ids=["2019", "2021"])
@pytest.mark.parametrize("emptied", ["overview", "problems", "other"])
def test_an_empty_section_is_an_error(tmp_path, capsys, fmt, emptied):
    """Issue 19.2: an empty 一 (all its parts), an empty 五 or nothing at all in 六 fail the check."""
    data = consistent_data(fmt, 3)
    if emptied == "overview":
        data.update({t.key: "" for t in fmt.texts if t.key.startswith("text.overview")})
    elif emptied == "problems":
        data["text.problems"] = "无"
    else:
        data["text.other"] = ""
        data.pop("fee.count", None), data.pop("fee.amount_yuan", None)
    code, out, _ = run(["check", write(tmp_path, "e.json", document(data, fmt)), "--json"], capsys)
    problems = json.loads(out)[0]["problems"]
    assert code == 1
    assert [p["severity"] for p in problems if p["rule"] == "text-missing"] == ["error"]


def test_render_refuses_a_report_with_all_texts_empty(tmp_path, capsys):
    data = consistent_data(V2021, 3)
    data.update({t.key: "" for t in V2021.texts})
    data.pop("fee.count", None), data.pop("fee.amount_yuan", None)
    src = write(tmp_path, "empty.json", document(data, V2021))
    code, out, err = run(["render", src, "-o", str(tmp_path / "r.docx")], capsys)
    assert code == 1 and not (tmp_path / "r.docx").exists()
    code, _, _ = run(["render", src, "-o", str(tmp_path / "r.docx"), "--ignore-errors"], capsys)
    assert code == 1 and (tmp_path / "r.docx").exists()  # rendered, and still exit 1 (data-model.md)


def test_real_consistent_report_has_no_figure_errors(fixtures_dir, capsys):
    """The fixture holds the figures only: its one kind of error is the empty sections (issue 19.2)."""
    code, out, _ = run(["check", fixtures_dir / "2024_huaian_szf.json", "--json"], capsys)
    assert code == 1
    assert {p["rule"] for p in json.loads(out)[0]["problems"] if p["severity"] == "error"} == {"text-missing"}


def test_real_report_with_zero_totals_flags_exactly_those(fixtures_dir, capsys):
    code, out, _ = run(["check", fixtures_dir / "2023_hongze_qzf.json", "--json"], capsys)
    assert code == 1
    errors = [p for p in json.loads(out)[0]["problems"] if p["severity"] == "error" and p["rule"] != "text-missing"]
    assert [(p["rule"], p["keys"][-1], p["expected"], p["actual"]) for p in errors] == [
        ("t4-sum", "t4.review.total", 11, 0),
        ("t4-sum", "t4.suit_after_review.total", 5, 0),
    ]


def test_previous_year_from_real_reports(fixtures_dir, tmp_path, capsys):
    code, out, _ = run(["check", with_texts(fixtures_dir / "2024_suqian_city.json", tmp_path / "2024.json"),
                        "--previous", fixtures_dir / "2023_suqian_city.json", "--json"], capsys)
    assert code == 0
    rules = {p["rule"] for p in json.loads(out)[0]["problems"]}
    assert "t3-carry-continuity" not in rules  # 2024's 上年结转 equals 2023's 结转下年度
    report = load_report(fixtures_dir / "2024_suqian_city.json")
    assert "previous.t3.carried_forward.total" not in report.data


def test_previous_planted_mismatch(tmp_path, capsys):
    last = consistent_data(V2021, 7)
    last["meta.year"] = 2023
    this = consistent_data(V2021, 8)
    last_path = write(tmp_path, "2023.json", document(last, V2021))
    this_path = write(tmp_path, "2024.json", document(this, V2021))
    code, out, _ = run(["check", this_path, "--previous", last_path, "--json"], capsys)
    got = {(p["rule"], p["keys"][-1]) for p in json.loads(out)[0]["problems"]}
    differ = [c for c in ("natural_person", "business", "research", "social_welfare", "legal_service", "other_org")
              if last[f"t3.carried_forward.{c}"] != this[f"t3.carried_over.{c}"]]
    assert differ
    assert {("t3-carry-continuity", f"t3.carried_over.{c}") for c in differ} <= got
    assert code == 0  # warnings only


def test_previous_across_the_format_change_uses_only_table3(tmp_path, capsys):
    last = consistent_data(V2019, 9)
    last["meta.year"] = 2020
    this = consistent_data(V2021, 10)
    this["meta.year"] = 2021
    for c in ("natural_person", "business", "research", "social_welfare", "legal_service", "other_org"):
        this[f"t3.carried_over.{c}"] = last[f"t3.carried_forward.{c}"] + 1
    last_path = write(tmp_path, "2020.json", document(last, V2019))
    this_path = write(tmp_path, "2021.json", document(this, V2021, with_derived=False))
    code, out, _ = run(["check", this_path, "--previous", last_path, "--json"], capsys)
    rules = {p["rule"] for p in json.loads(out)[0]["problems"]}
    assert "t3-carry-continuity" in rules
    assert "t2-in-force-continuity" not in rules and "t2-items-continuity" not in rules


def test_previous_of_the_wrong_year_is_refused(tmp_path, capsys):
    last = consistent_data(V2021, 7)
    last["meta.year"] = 2021
    this = consistent_data(V2021, 8)  # 2024
    code, _, err = run(["check", write(tmp_path, "a.json", document(this, V2021)), "--previous",
                        write(tmp_path, "b.json", document(last, V2021))], capsys)
    assert code == 2 and "不是 2024 年的上一年" in err


def test_unknown_and_other_version_keys(tmp_path, capsys):
    doc = document(consistent_data(V2021, 1), V2021)
    doc["values"]["t3.other_handling.total"] = 0
    doc["values"]["t3.other_handling.natural_person"] = 0
    doc["values"]["t9.bogus"] = 1
    doc["extra"] = True
    code, out, _ = run(["check", write(tmp_path, "u.json", doc), "--json"], capsys)
    problems = json.loads(out)[0]["problems"]
    unknown = {p["keys"][0] for p in problems if p["rule"] == "unknown-key"}
    assert unknown == {"t3.other_handling.total", "t3.other_handling.natural_person", "t9.bogus", "extra"}
    assert code == 1
    assert any("属于 2019 版格式" in p["message"] for p in problems)


def test_wrong_format_for_the_year(tmp_path, capsys):
    doc = document(consistent_data(V2019, 1), V2019)
    doc["meta"]["year"] = 2023
    code, out, _ = run(["check", write(tmp_path, "f.json", doc), "--json"], capsys)
    assert code == 1
    assert [p["rule"] for p in json.loads(out)[0]["problems"]] == ["format-version"]


def test_format_follows_the_year_when_omitted(tmp_path):
    doc = document(consistent_data(V2019, 1), V2019)
    del doc["format"]
    assert load_report(write(tmp_path, "y.json", doc)).fmt is V2019


BAD_FILES = [
    ("missing.json", None, "找不到文件"),
    ("empty.json", b"", "空文件"),
    ("invalid.json", b"{\"meta\": ", "不是有效的 JSON"),
    ("latin1.json", "{\"meta\": {\"agency\": \"é\"}}".encode("latin-1"), "不是 UTF-8"),
    ("list.json", b"[1, 2]", "JSON 对象"),
    ("values-list.json", b"{\"meta\": {\"year\": 2024}, \"values\": [1]}", "应是一个 JSON 对象"),
    ("noyear.json", b"{\"meta\": {\"agency\": \"x\"}}", "无法确定格式版本"),
    ("badformat.json", b"{\"format\": \"2030\", \"meta\": {\"year\": 2024}}", "只能是"),
    ("nested.json", b"{\"meta\": {\"year\": 2024}, \"values\": {\"t3.new.business\": [1]}}", "应是数字"),
    ("report.odt", b"PK\x03\x04", "不支持的文件类型"),
    ("photo.png", b"\x89PNG", "不支持的文件类型"),
    ("old.xls", b"\xd0\xcf\x11\xe0", "另存为"),
]


@pytest.mark.parametrize("name,content,reason", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_unreadable_files_exit_2_with_one_chinese_line(tmp_path, capsys, name, content, reason):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    code, out, err = run(["check", path], capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("错误：") and reason in err
    assert "Traceback" not in err


def test_directory_and_usage_errors(tmp_path, capsys):
    code, _, err = run(["check"], capsys)
    assert code == 2 and err.startswith("错误：命令用法有误")
    code, _, err = run(["bogus"], capsys)
    assert code == 2 and "命令用法有误" in err


def test_one_bad_file_does_not_stop_the_others(tmp_path, capsys):
    good = write(tmp_path, "good.json", document(consistent_data(V2021, 1), V2021))
    code, out, err = run(["check", tmp_path / "nope.json", good, "--json"], capsys)
    result = json.loads(out)
    assert code == 2 and [r["file"] for r in result] == [str(tmp_path / "nope.json"), str(good)]
    assert "error" in result[0] and result[1]["problems"] == []


@pytest.mark.parametrize("kind", ["json", "xlsx"])
def test_check_stays_lean(tmp_path, kind):
    """`xlreport check` imports none of the heavy libraries, for data files and workbooks alike."""
    from xlreport.workbook.writer import write_workbook

    data = consistent_data(V2021, 1)
    path = tmp_path / f"r.{kind}"
    if kind == "json":
        path.write_text(json.dumps(document(data, V2021), ensure_ascii=False), encoding="utf-8")
    else:
        write_workbook(path, V2021, data)
    code = (
        "import sys; from xlreport.cli.main import main; "
        f"rc = main(['check', {str(path)!r}]); "
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'docxtpl', 'docx', 'xlwings', 'openpyxl', 'xlsxwriter', 'jinja2'}); "
        "print(rc, heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "0 []"


def test_check_of_a_data_file_loads_only_what_it_needs(tmp_path):
    """`xlreport check FILE.json` (issue 18 item 7): nothing of the workbook (its layout
    included: only the formula forms of the rules use it), the report, the audit or the
    importers, no writing machinery (tempfile), and not shutil (argparse imports it for the
    help's width; the help is not shown)."""
    path = tmp_path / "r.json"
    path.write_text(json.dumps(document(consistent_data(V2021, 1), V2021), ensure_ascii=False), encoding="utf-8")
    code = (
        "import sys; before = set(sys.modules); from xlreport.cli.main import main; "  # (site may load tempfile)
        f"rc = main(['check', {str(path)!r}]); "
        "print(rc, sorted(m for m in set(sys.modules) - before if m in ('tempfile', 'shutil') or m.startswith(("
        "'xlreport.workbook', 'xlreport.report', 'xlreport.audit', 'xlreport.io.importers', 'xlreport.model.layout'))))"
    )
    # -S: no site, so that no .pth file of this machine imports them first; the package found
    # where it is installed (the folder holding xlreport/)
    import xlreport

    env = {**os.environ, "PYTHONPATH": str(Path(xlreport.__file__).resolve().parents[1])}
    out = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, check=True, env=env).stdout
    assert out.strip().splitlines()[-1] == "0 []"


def test_only_the_command_run_gets_its_parser():
    """`main` builds the parser of the command it runs, not all twelve (issue 18 item 7); help
    without a command, and a command that does not exist, still list every command."""
    from xlreport.cli.main import build_parser

    def commands(parser):
        return set(parser._subparsers._group_actions[0].choices)

    everything = commands(build_parser())
    assert {"check", "new", "render", "audit", "serve", "accounts"} <= everything
    assert commands(build_parser("check")) == {"check"}
    assert commands(build_parser("serve")) == {"serve"}
    assert commands(build_parser("nonsense")) == everything


def test_a_command_that_does_not_exist_lists_every_command(capsys):
    code, _, err = run(["chek", "x.json"], capsys)
    assert code == 2 and "没有“chek”这个命令" in err and "accounts" in err and "render" in err


def test_module_entry_point(fixtures_dir):
    result = subprocess.run([sys.executable, "-m", "xlreport", "check", str(fixtures_dir / "2023_hongze_qzf.json")],
                            capture_output=True, text=True)
    assert result.returncode == 1 and "(t4-sum)" in result.stdout


@pytest.mark.office
def test_demo_runs(tmp_path, capsys):
    code, out, _ = run(["demo", "-o", tmp_path / "demo"], capsys)
    assert code == 0
    assert "枣庄市峄城区科学技术局" in out and "通过" in out
    assert (tmp_path / "demo" / "demo-2020.json").exists()


# --- batch checking (supervisors) --------------------------------------------

def make_batch(tmp_path, n_good=18):
    from xlreport.workbook.writer import write_workbook

    root = tmp_path / "reports"
    (root / "县局" / "乡镇").mkdir(parents=True)
    good = root / "县局" / "good-0.xlsx"
    write_workbook(good, V2021, consistent_data(V2021, 1))
    import shutil

    for i in range(1, n_good):
        shutil.copy(good, root / ("县局" if i % 2 else "县局/乡镇") / f"good-{i}.xlsx")
    bad = consistent_data(V2019, 2)
    bad["t3.carried_forward.research"] += 1
    (root / "bad.json").write_text(json.dumps(document(bad, V2019, with_derived=False), ensure_ascii=False),
                                   encoding="utf-8")
    (root / "县局" / "broken.xlsx").write_bytes(b"not a workbook")
    (root / "notes.txt").write_text("ignored", encoding="utf-8")
    (root / "~$good-0.xlsx").write_bytes(b"excel lock file")
    return root


def test_batch_folder_one_line_per_file(tmp_path, capsys):
    root = make_batch(tmp_path)
    code, out, err = run(["check", root], capsys)
    lines = out.strip().splitlines()
    assert code == 2  # one unreadable file, one not checked
    assert len(lines) == 18 + 3 + 2  # one line per file, then the total and the files skipped on purpose
    assert lines[-2] == "共 21 个文件：18 个通过，1 个未通过，1 个无法读取，1 个未检查"
    assert lines[-1].startswith("另有 1 个文件按约定不检查：Office 锁定文件")
    assert any(line.startswith(str(root / "bad.json") + ": 未通过（2 个错误") and "首个错误：表三" in line
               for line in lines)
    assert any("broken.xlsx: 无法读取：" in line for line in lines)
    assert any(line.startswith(str(root / "notes.txt") + ": 未检查：") for line in lines)
    assert not any("~$good" in line for line in lines)


def test_batch_json_and_parallel_equal_sequential(tmp_path, capsys):
    from xlreport.api import check_file
    from xlreport.batch import find_reports, run_many

    root = make_batch(tmp_path)
    found = find_reports([str(root)])
    assert len(found.entries) == 21 and found.ignored == 1
    files = [name for name, reason in found.entries if reason is None]
    assert len(files) == 20
    parallel = run_many(check_file, files)  # ≥ 16 files: a process pool
    assert parallel == [check_file(f) for f in files]
    code, out, _ = run(["check", root, "--json"], capsys)
    result = json.loads(out)
    assert [r["file"] for r in result] == [name for name, _ in found.entries]
    assert sum("error" in r for r in result) == 2


def test_batch_progress_bar_on_a_terminal(tmp_path, capsys, monkeypatch):
    root = make_batch(tmp_path, n_good=3)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    code = main(["check", str(root)])
    out, err = capsys.readouterr()
    assert code == 2
    assert "\r校验中 [" in err and err.rstrip().endswith("5/5")
    assert "校验中" not in out


def test_progress_bar_text(capsys):
    from xlreport.cli.main import progress_bar

    progress_bar(5, 20)
    err = capsys.readouterr().err
    assert err.startswith("\r校验中 [") and err.endswith("5/20")


# --- nothing silently left out (issue 10) ---------------------------------------

def test_folder_lists_every_file_it_does_not_check(tmp_path, capsys, monkeypatch):
    """Files of other kinds and folders that cannot be opened are listed with a reason and
    counted; the exit code is 2. Office lock files and hidden files are skipped on purpose
    and counted."""
    import os

    root = tmp_path / "部门年报"
    (root / "乡镇").mkdir(parents=True)
    (root / "锁定").mkdir()
    write(root, "good.json", document(consistent_data(V2021, 1), V2021))
    others = {"old.xls": "另存为", "sheet.ods": "LibreOffice", "book.et": "WPS",
              "notes.txt": "单独写出", "photo.png": "不支持"}
    # published reports are read (importers): a lookalike is unreadable, with its reason
    lookalikes = ["doc.wps", "乡镇/report.docx", "乡镇/report.doc", "report.pdf"]
    for name in [*others, *lookalikes]:
        (root / name).write_bytes(b"x")
    (root / "~$good.xlsx").write_bytes(b"lock")
    (root / ".DS_Store").write_bytes(b"mac")
    real_scandir = os.scandir

    def scandir(path="."):
        if os.fspath(path) == str(root / "锁定"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    code, out, err = run(["check", root], capsys)
    assert code == 2, err
    lines = out.strip().splitlines()
    for name, reason in others.items():
        [line] = [x for x in lines if x.startswith(str(root / name) + ": ")]
        assert "未检查：" in line and reason in line, line
    for name in lookalikes:
        [line] = [x for x in lines if x.startswith(str(root / name) + ": ")]
        assert "无法读取：" in line, line
    [locked] = [x for x in lines if x.startswith(str(root / "锁定"))]
    assert "未检查：" in locked and "文件夹" in locked
    assert any(x.startswith(str(root / "good.json") + ": 通过") for x in lines)
    assert not any("~$good" in x or ".DS_Store" in x for x in lines)
    assert "共 11 个文件：1 个通过，0 个未通过，4 个无法读取，6 个未检查" in out
    assert "另有 2 个文件按约定不检查" in out

    code, out, _ = run(["check", root, "--json"], capsys)
    result = json.loads(out)
    assert code == 2 and len(result) == 11 and sum("error" in r for r in result) == 10


def test_a_folder_of_only_lock_files_is_refused(tmp_path, capsys):
    (tmp_path / "~$a.xlsx").write_bytes(b"lock")
    code, out, err = run(["check", tmp_path], capsys)
    assert code == 2 and out == "" and "没有可检查" in err and "1 个" in err


def test_ods_is_told_to_use_libreoffice(tmp_path, capsys):
    path = tmp_path / "报表.ods"
    path.write_bytes(b"PK\x03\x04")
    code, _, err = run(["check", path], capsys)
    assert code == 2 and "LibreOffice" in err and "Excel 或 WPS" not in err


@pytest.mark.parametrize("argv", [["check", ""], ["check", "a.json", ""], ["check", "a.json", "--previous", ""]])
def test_an_empty_file_name_is_a_usage_error(tmp_path, capsys, monkeypatch, argv):
    """`xlreport check ""` would otherwise check the current folder recursively."""
    write(tmp_path, "a.json", document(consistent_data(V2021, 1), V2021))
    monkeypatch.chdir(tmp_path)
    code, out, err = run(argv, capsys)
    assert code == 2 and out == ""
    assert err.startswith("错误：命令用法有误") and "为空" in err


def _last_year(tmp_path, agency):
    last = consistent_data(V2021, 7)
    last["meta.year"], last["meta.agency"] = 2023, agency
    return write(tmp_path, "2023.json", document(last, V2021))


def test_previous_of_another_agency_warns(tmp_path, capsys):
    this = write(tmp_path, "2024.json", document(consistent_data(V2021, 8), V2021))  # 某市某局
    code, out, _ = run(["check", this, "--previous", _last_year(tmp_path, "某市另一局")], capsys)
    assert code == 0
    assert "注意：" in out and "某市另一局" in out and "--previous" in out
    code, out, _ = run(["check", this, "--previous", _last_year(tmp_path, "某市另一局"), "--json"], capsys)
    [result] = json.loads(out)
    assert any("某市另一局" in w for w in result["warnings"])
    # the same agency written with full-width letters and spaces is the same agency
    code, out, _ = run(["check", this, "--previous", _last_year(tmp_path, " 某市　某局 "), "--json"], capsys)
    assert json.loads(out)[0]["warnings"] == []


def test_blank_previous_workbook_warns(tmp_path, capsys):
    from xlreport.workbook.writer import write_workbook

    blank = tmp_path / "2023年报表.xlsx"
    write_workbook(blank, V2021, {"meta.year": 2023, "meta.agency": "某市某局"})
    this = write(tmp_path, "2024.json", document(consistent_data(V2021, 8), V2021))
    code, out, _ = run(["check", this, "--previous", blank], capsys)
    assert code == 0 and "注意：" in out and "跨年度校验" in out and "2023年报表.xlsx" in out
    code, out, _ = run(["check", this, "--previous", blank, "--json"], capsys)
    assert any("跨年度校验" in w for w in json.loads(out)[0]["warnings"])
    last = consistent_data(V2021, 7)
    last["meta.year"], last["t3.carried_forward.business"] = 2023, None
    partly = write(tmp_path, "2023.json", document(last, V2021, with_derived=False))
    code, out, _ = run(["check", this, "--previous", partly, "--json"], capsys)
    assert [w for w in json.loads(out)[0]["warnings"] if "1 项数字未填写" in w]
    code, out, _ = run(["check", this, "--previous", _last_year(tmp_path, "某市某局"), "--json"], capsys)
    assert json.loads(out)[0]["warnings"] == []


def _children(pid):
    import os

    kids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    stat = fh.read()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                kids.append(int(entry))
    return kids


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("signame,said", [("SIGTERM", "已停止"), ("SIGHUP", "已停止"), ("SIGINT", "已取消")])
def test_stopping_a_batch_leaves_no_worker(tmp_path, signame, said):
    import os
    import signal
    import time

    root = tmp_path / "many"
    root.mkdir()
    first = write(root, "r-00000.json", document(consistent_data(V2021, 1), V2021))
    # about 15 s of checking on 2 idle cores (2.8 s for 6,000 files): on a loaded machine the
    # batch must still be running when the signal comes; it is stopped long before its end
    for i in range(1, 30000):
        os.link(first, root / f"r-{i:05}.json")
    log = tmp_path / "stderr.txt"
    with open(log, "w") as stderr:  # a file, not a pipe: a surviving worker would hold a pipe open
        proc = subprocess.Popen([sys.executable, "-m", "xlreport", "check", str(root)],
                                stdout=subprocess.DEVNULL, stderr=stderr)
    workers = []
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and proc.poll() is None:
            workers = _children(proc.pid)
            if len(workers) >= min(2, os.cpu_count() or 1):
                break
            time.sleep(0.02)
        assert workers and proc.poll() is None, "the batch ended before it could be stopped"
        time.sleep(0.3)
        proc.send_signal(getattr(signal, signame))
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        time.sleep(0.3)
        alive = []
        for pid in workers:
            try:
                with open(f"/proc/{pid}/stat") as fh:
                    if fh.read().rsplit(")", 1)[1].split()[0] != "Z":
                        alive.append(pid)
                os.kill(pid, signal.SIGKILL)  # never leave them behind, even when the test fails
            except (OSError, ProcessLookupError):
                pass
    err = log.read_text(encoding="utf-8")
    assert alive == [], err
    assert proc.returncode == 2 and said in err and "Traceback" not in err, err
