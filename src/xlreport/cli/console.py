"""How results are told to people at a terminal: severity words, the per-file listing,
the batch summary, the progress bar. Used by the command line, the demo and the Excel
button's messages, so that each says it the same way."""

from __future__ import annotations

import sys
from typing import Iterable

from xlreport.model.rules import SEVERITY_LABEL


def print_problems(name: str, problems) -> None:
    """One line per problem, then the verdict. `problems`: Problem objects or their dicts."""
    problems = [p if isinstance(p, dict) else p.to_dict() for p in problems]
    for p in problems:
        where = f" [{', '.join(p['cells'])}]" if p["cells"] else ""
        print(f"{name}: [{SEVERITY_LABEL[p['severity']]}] {p['message']} ({p['rule']}){where}")
    errors = sum(p["severity"] == "error" for p in problems)
    warnings = len(problems) - errors
    verdict = "未通过" if errors else "通过"
    print(f"{name}: {verdict}（{errors} 个错误，{warnings} 个警告）")


def print_notices(notices: Iterable[str], stream=None) -> None:
    """Each distinct notice once, as 「注意：…」 (the same one may hold for every file of a batch)."""
    for notice in dict.fromkeys(notices):
        print(f"注意：{notice}", file=stream or sys.stdout)


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
