"""Build an Excel ``vbaProject.bin`` from VBA text sources, in pure Python.

Follows the public specifications [MS-OVBA] (Office VBA File Format
Structure) and [MS-CFB] (Compound File Binary File Format).  No Excel is
needed and no binary blob is committed: the project is regenerated from the
text sources every time.

Typical use with XlsxWriter::

    from xlreport.workbook.vba import VbaModule, build_vba_project, default_document_modules

    modules = default_document_modules(sheet_count=2) + [
        VbaModule("xlreport", "standard", "Sub GenerateReport()\\n    MsgBox 1\\nEnd Sub\\n"),
    ]
    workbook.add_vba_project(io.BytesIO(build_vba_project(modules)), is_stream=True)
    workbook.set_vba_name("ThisWorkbook")
    worksheet.set_vba_name("Sheet1")
"""

from xlreport.workbook.vba.cfb import write_cfb
from xlreport.workbook.vba.compression import compress, decompress
from xlreport.workbook.vba.ovba import (
    DEFAULT_REFERENCES,
    Reference,
    VbaModule,
    build_vba_project,
    default_document_modules,
    module_from_file_text,
    parse_dir_records,
    project_streams,
    stored_module_source,
)

__all__ = [
    "VbaModule",
    "Reference",
    "DEFAULT_REFERENCES",
    "compress",
    "decompress",
    "build_vba_project",
    "project_streams",
    "write_cfb",
    "module_from_file_text",
    "default_document_modules",
    "parse_dir_records",
    "stored_module_source",
]
