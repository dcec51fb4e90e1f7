"""How results are told to people at a terminal: severity words, the per-file listing,
the batch summary, the progress bar. Used by the command line, the demo and the Excel
button's messages, so that each says it the same way."""

from __future__ import annotations

import sys
from typing import Iterable

from xlreport.model.rules import SEVERITY_LABEL
from xlreport.model.spec import key_table


BLANKS_SHOWN = 5  # a table with more blank cells than this gets one line for them (unless --all)


def print_problems(name: str, problems, every: bool = False) -> None:
    """One line per problem, then the verdict. `problems`: Problem objects or their dicts.
    A table with more than BLANKS_SHOWN cells not filled in (value-missing: a workbook checked
    half-way) gets one line for them, with the first few cells, instead of a screenful;
    `every` (--all) lists each."""
    problems = [p if isinstance(p, dict) else p.to_dict() for p in problems]
    blanks: dict[str, list[dict]] = {}
    for p in problems:
        if p["rule"] == "value-missing" and len(p["keys"]) == 1 and not every:
            blanks.setdefault(key_table(p["keys"][0]), []).append(p)
    grouped = {table: ps for table, ps in blanks.items() if len(ps) > BLANKS_SHOWN}
    told: set[str] = set()
    for p in problems:
        table = key_table(p["keys"][0]) if p["keys"] else ""
        if p["rule"] == "value-missing" and table in grouped and len(p["keys"]) == 1:
            if table not in told:
                told.add(table)
                print(_blank_cells(name, table, grouped[table]))
            continue
        where = f" [{', '.join(p['cells'])}]" if p["cells"] else ""
        print(f"{name}: [{SEVERITY_LABEL[p['severity']]}] {p['message']} ({p['rule']}){where}")
    errors = sum(p["severity"] == "error" for p in problems)
    warnings = len(problems) - errors
    verdict = "未通过" if errors else "通过"
    print(f"{name}: {verdict}（{errors} 个错误，{warnings} 个警告）")


def _blank_cells(name: str, table: str, problems: list[dict]) -> str:
    from xlreport.model.formats import V2021

    label = V2021.table(table).name if table in ("t2", "t3", "t4") else "其他"
    first = [p["cells"][0] if p["cells"] else p["message"].split("：")[0] for p in problems[:3]]
    severity = SEVERITY_LABEL["error" if any(p["severity"] == "error" for p in problems) else "warning"]
    from xlreport.checks import NOT_FOUND

    if all(NOT_FOUND in p["message"] for p in problems):  # a published report: cells not found, not left blank
        return (f"{name}: [{severity}] {label}有 {len(problems)} 个格在报告中没有找到（没有印出或未能读出）："
                f"{'、'.join(first)} 等 (value-missing；逐格列出请加 --all)")
    return (f"{name}: [{severity}] {label}有 {len(problems)} 个格未填写，没有的请填 0："
            f"{'、'.join(first)} 等 (value-missing；逐格列出请加 --all)")


# The library's messages name no command-line option (they serve the API and the Excel button
# too); where the advice is an option, the command line says it in its own terms.
CLI_TERMS = (
    ("如需覆盖请选择覆盖已有文件", "如需覆盖请加 --force"),
    ("或不转换 PDF、只生成 Word 文件", "或去掉 --pdf 只生成 Word 文件"),
    ("请核对上年报告是否是本机关上一年的报告", "请核对 --previous 是否是本机关上一年的报告"),
    ("请改用填好的上年报告", "请用填好的上年报告作为 --previous"),
    ("请作为上年报告给出", "请用 --previous"),
    ("（上年报告的文件夹只用于逐年对比）", "（--previous-dir 只用于上年报告）"),
    ("请核对审查年度", "请核对审查年度（--year）"),
    ("请检查目标平台和 Python 版本的写法", "请检查 --platform 和 --python 的写法"),
    ("请以目标平台 win_amd64 生成", "请用 --platform win_amd64 生成"),
    ("应报送单位名单应是 ", "请用 --roster 指定应报送单位名单："),
)


def in_cli_terms(message: str) -> str:
    """A library message with the command line's options where its advice is one."""
    from xlreport.errors import reworded

    return reworded(message, CLI_TERMS)


def print_notices(notices: Iterable[str], stream=None) -> None:
    """Each distinct notice once, as 「注意：…」 (the same one may hold for every file of a batch)."""
    for notice in dict.fromkeys(notices):
        print(f"注意：{in_cli_terms(notice)}", file=stream or sys.stdout)


def warn(message: str) -> None:
    """Tell the person at the terminal (stderr), in one line."""
    from xlreport.errors import shown

    print(f"注意：{shown(message)}", file=sys.stderr)


def progress_bar(done: int, total: int) -> None:
    width = 30
    filled = width * done // total
    print(f"\r校验中 [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", end="", file=sys.stderr, flush=True)


def print_batch(results, ignored: int = 0) -> None:
    """One line per file (api.FileResult), then the totals (for supervisors checking many
    reports). `ignored`: how many files were left out on purpose (files.ignored_on_purpose)."""
    from xlreport.io.files import IGNORED_WHAT

    passed = failed = unreadable = not_checked = 0
    for r in results:
        if r.error is not None:
            if r.not_checked:
                not_checked += 1
                print(f"{r.file}: 未检查：{r.error}")
            else:
                unreadable += 1
                print(f"{r.file}: 无法读取：{r.error}")
            continue
        errors = [p for p in r.problems if p.severity == "error"]
        warnings = len(r.problems) - len(errors)
        if errors:
            failed += 1
            print(f"{r.file}: 未通过（{len(errors)} 个错误，{warnings} 个警告）首个错误：{errors[0].message}")
        else:
            passed += 1
            print(f"{r.file}: 通过（0 个错误，{warnings} 个警告）")
    print_notices(n for r in results for n in r.notices)
    print(f"共 {len(results)} 个文件：{passed} 个通过，{failed} 个未通过，{unreadable} 个无法读取，{not_checked} 个未检查")
    if ignored:
        print(f"另有 {ignored} 个文件按约定不检查：{IGNORED_WHAT}")
