"""The official formats, one module per version, and how to pick one."""

from __future__ import annotations

from ..spec import ReportFormat
from .v2019 import FORMAT as V2019
from .v2021 import FORMAT as V2021

FORMATS: dict[str, ReportFormat] = {V2019.version: V2019, V2021.version: V2021}


def format_for_year(year: int) -> ReportFormat:
    """The version follows from the report year (data-model.md §1): ≤ 2020 → 2019, ≥ 2021 → 2021."""
    return V2019 if year <= V2019.last_year else V2021


def get_format(version: str) -> ReportFormat:
    return FORMATS[version]
