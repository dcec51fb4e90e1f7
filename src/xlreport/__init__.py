"""xlreport: the 政府信息公开工作年度报告 in the national format, with correct cross-sums.

The Python API (docs/api.md); the command line `xlreport` and the Excel functions
are thin layers over these names:

    import xlreport
    result = xlreport.check("2024年报表.xlsx", previous="2023年报表.xlsx")
    print(result.ok, len(result.errors), len(result.warnings))
"""

import sys
import types

from xlreport.model._version import __version__

from xlreport.api import (  # noqa: E402
    Audited,
    BatchResult,
    FileResult,
    Rendered,
    Written,
    attach_previous,
    audit,
    bundle,
    check,
    check_file,
    check_files,
    copy_template,
    export_json,
    formats,
    import_files,
    load,
    new_workbook,
    render_docx,
    render_html,
    upgrade_workbook,
)
from xlreport.errors import (  # noqa: E402
    InputError, MissingProgram, OutputError, TemplateError, UsageError, XlreportError,
)
from xlreport.model.formats import FORMATS, V2019, V2021, format_for_year  # noqa: E402
from xlreport.model.report import CheckResult, Problem, Report  # noqa: E402
from xlreport.model.spec import ReportFormat  # noqa: E402

__all__ = [
    "Audited", "audit", "bundle", "copy_template",
    "BatchResult", "CheckResult", "FORMATS", "FileResult", "InputError", "MissingProgram", "OutputError", "TemplateError", "UsageError", "Problem", "Rendered",
    "Report", "ReportFormat", "V2019", "V2021", "Written", "XlreportError", "__version__", "attach_previous",
    "check", "check_file", "check_files", "export_json", "format_for_year", "formats", "import_files", "load", "new_workbook",
    "render_docx", "render_html", "upgrade_workbook",
]


class _Package(types.ModuleType):
    """This package's module object. The functions `audit` and `bundle` share their names with
    xlreport/audit/ and xlreport/bundle.py; importing a submodule sets the package's attribute of
    its name, which here is left out, so `xlreport.audit` stays the function (the submodules are
    imported by their full names as before)."""

    def __setattr__(self, name: str, value: object) -> None:
        if name in ("audit", "bundle") and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
