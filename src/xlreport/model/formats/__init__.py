"""The official formats, one module per version, and how to pick one."""

from __future__ import annotations

from xlreport.model.spec import ReportFormat
from xlreport.model.formats.v2019 import FORMAT as V2019
from xlreport.model.formats.v2021 import FORMAT as V2021

FORMATS: dict[str, ReportFormat] = {V2019.version: V2019, V2021.version: V2021}


FIRST_YEAR = min(f.first_year for f in FORMATS.values())  # no national format before this year


def format_for_year(year: int) -> ReportFormat:
    """The version follows from the report year (data-model.md §1): ≤ 2020 → 2019, ≥ 2021 → 2021.
    Years before the first format get the first one (the checks then say the year is invalid)."""
    for fmt in FORMATS.values():
        if fmt.covers(year):
            return fmt
    return V2019 if year < FIRST_YEAR else V2021
