"""xlreport: the 政府信息公开工作年度报告 in the national format, with correct cross-sums.

The Python API (docs/api.md); the command line `xlreport` and the Excel functions
are thin layers over these names:

    import xlreport
    result = xlreport.check("2024年报表.xlsx", previous="2023年报表.xlsx")
    print(result.ok, len(result.errors), len(result.warnings))
"""

from xlreport.model._version import __version__

import importlib

# The subpackage xlreport/audit/ is loaded first: loading a subpackage sets the attribute of its
# name on this package, so loaded later it would replace the function `audit` imported below.
importlib.import_module("xlreport.audit")

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
    "check", "check_file", "check_files", "export_json", "format_for_year", "formats", "load", "new_workbook",
    "render_docx", "render_html", "upgrade_workbook",
]
