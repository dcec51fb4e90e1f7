"""The version of xlreport: one line, read by the package (`xlreport.__version__`), the
workbook's marker sheet, the web page, the audit workbook and pyproject.toml."""

__version__ = "0.2.0"
