"""`xlreport render`'s pipeline: check, then render (moves to xlreport.api).

Temporary home of `render_file`, moved here unchanged from the Word module; the
integrator replaces it with the Python API (`xlreport.api.render_docx`).
"""

from __future__ import annotations

import os
from pathlib import Path

from xlreport.errors import XlreportError
from xlreport.io.files import check_target
from xlreport.report.docx import render_report
from xlreport.report.pdf import convert_pdf

__all__ = ["render_file"]


def render_file(path: str | os.PathLike, output: str | os.PathLike, pdf: bool = False,
                template: str | os.PathLike | None = None, force: bool = False,
                previous: str | os.PathLike | None = None, ignore_errors: bool = False,
                fragment: bool = False) -> int:
    """`xlreport render`: check, then render the Word report (and a PDF), or the web page
    (OUT.html, webpage.py; `fragment`: only the article body). Returns the exit code.

    0 written; 1 the data has errors: nothing written, or, with ignore_errors,
    written with the figures as entered. `force` only allows overwriting.
    Raises XlreportError (exit 2) when a file cannot be read or written or
    LibreOffice is missing.
    """
    from xlreport.checks.engine import check, has_errors
    from xlreport.cli.console import print_problems
    from xlreport.io.data import attach_previous, load_report

    report = load_report(path)
    if previous is not None:
        for warning in attach_previous(report, load_report(previous)):  # another agency's, or blank
            print(f"注意：{warning}")
    problems = report.problems + check(report.data, report.fmt, report.cells)
    name = str(path)
    if problems:
        print_problems(name, problems)
    errors = has_errors(problems)
    if errors and not ignore_errors:
        print(f"{name}：数据有错误，未生成报告。请改正后重新生成，"
              f"或加 --ignore-errors 照原样生成（报告中将照原样印出这些数字）")
        return 1
    target = Path(output)
    if target.suffix.lower() in (".html", ".htm") or fragment:  # the output kind follows the extension
        from xlreport.report.webpage import render_file_html

        code = render_file_html(report, target, pdf=pdf, template=template, force=force, fragment=fragment)
        if code == 0 and errors:
            print(f"{name}：数据有错误（--ignore-errors），网页中照原样印出了这些数字，请改正后重新生成")
            return 1
        return code
    pdf_target = target.with_suffix(".pdf")
    if pdf:
        from xlreport.io.office import find_soffice

        check_target(pdf_target, force)
        if find_soffice() is None:  # fail before writing anything
            raise XlreportError("未找到 LibreOffice（soffice），无法转换为 PDF；请安装 LibreOffice，"
                                "或去掉 --pdf 只生成 Word 文件")
    result = render_report(report.data, report.fmt, target, template=template, force=force)
    for warning in result.warnings:
        print(f"警告：{warning}")
    print(f"已生成 Word 报告：{Path(result.path).resolve()}")
    if pdf:
        pdf_result = convert_pdf(result.path, pdf_target, force)
        for warning in pdf_result.warnings:
            print(f"提示：{warning}")
        print(f"已生成 PDF：{Path(pdf_result.path).resolve()}")
    if errors:
        print(f"{name}：数据有错误（--ignore-errors），报告中照原样印出了这些数字，请改正后重新生成")
        return 1
    return 0
