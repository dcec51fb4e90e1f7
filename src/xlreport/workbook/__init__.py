"""The locked workbook, read top-down: styles.py
(cell formats, shared with the audit workbook), writer.py (write_workbook and the
sheets), checksheet.py (the 校验 sheet and the table status lines), reader.py
(read_workbook: back to a Report), macros.py and vba/ (the .xlsm). Where every key
lives in the workbook is model/layout.py (the checks' formulas need it too).

Nothing is imported here, so that importing one module does not load the writer and
the reader."""
