"""The locked workbook, read top-down: layout.py (where every key lives), styles.py
(cell formats, shared with the audit workbook), writer.py (write_workbook and the
sheets), checksheet.py (the 校验 sheet and the table status lines), reader.py
(read_workbook: back to a Report), macros.py and vba/ (the .xlsm).

Nothing is imported here, so that `xlreport.workbook.layout` (used by the checks)
does not load the writer and the reader."""
