"""The committed report templates (report.xlsx, report.xlsm, report.docx), shipped as package data."""
