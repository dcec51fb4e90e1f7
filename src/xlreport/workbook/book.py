"""Temporary, removed by the integrator: the old names still imported by cli/main.py,
cli/demo.py, excel.py (being rewritten) and io/data.py. Everything else imports the new modules."""

from xlreport.workbook.reader import layout_from_marker, read_workbook, report_from_grids
from xlreport.workbook.writer import write_workbook

__all__ = ["layout_from_marker", "read_workbook", "report_from_grids", "write_workbook"]
