"""The four 平潭 department reports of ../shared/fixtures/published (text copies of real pages): every
printed table value is read exactly. The expected values below were read by hand from each text
(every value not listed is printed as 0); they are not the importer's output.
"""

from __future__ import annotations

import pytest
from conftest import SHARED

from xlreport.io.importers.match import import_report
from xlreport.model.formats import FORMATS

PUBLISHED = SHARED / "fixtures" / "published"

# Read by hand from the texts: the values that are not 0.
BY_HAND = {
    "2019_pingtan_gwhbgs": ("2019", {
        "t2.normative_docs.made": 22, "t2.normative_docs.published": 22, "t2.normative_docs.public_total": 33,
        "t2.licensing.change": 1, "t2.licensing.decisions": 1,  # printed 「0 | +1 | 1」
        "t2.procurement.projects": 21, "t2.procurement.amount": 5419886, "t2.procurement.amount_unit": "元",
        "t3.new.natural_person": 12, "t3.new.total": 12,
        "t3.granted.natural_person": 4, "t3.granted.total": 4,
        "t3.partly_granted.natural_person": 1, "t3.partly_granted.total": 1,
        "t3.unable.still_unclear.natural_person": 3, "t3.unable.still_unclear.total": 3,
        "t3.not_processed.repeated.natural_person": 2, "t3.not_processed.repeated.total": 2,
        "t3.other_handling.natural_person": 2, "t3.other_handling.total": 2,
        "t3.total.natural_person": 12, "t3.total.total": 12,
    }),
    "2020_pingtan_czj": ("2019", {
        "t2.normative_docs.made": 6, "t2.normative_docs.published": 4, "t2.normative_docs.public_total": 11,
        "t2.licensing.change": 1,
        "t2.procurement.projects": 2,  # printed 「2笔」
        "t2.procurement.amount": 984361, "t2.procurement.amount_unit": "元",
    }),
    "2022_pingtan_gaj": ("2021", {
        "t2.normative_docs.issued": 4, "t2.normative_docs.repealed": 1, "t2.normative_docs.in_force": 7,
        "t2.penalty.decisions": 157,
        "t3.new.natural_person": 1, "t3.new.total": 1,
        "t3.carried_over.natural_person": 1, "t3.carried_over.total": 1,
        "t3.partly_granted.natural_person": 1, "t3.partly_granted.total": 1,
        "t3.other_handling.no_correction.natural_person": 1, "t3.other_handling.no_correction.total": 1,
        "t3.total.natural_person": 2, "t3.total.total": 2,
    }),
    "2024_pingtan_gwhbgs": ("2021", {
        "t2.normative_docs.issued": 11, "t2.normative_docs.repealed": 4, "t2.normative_docs.in_force": 251,
        "t3.new.natural_person": 19, "t3.new.total": 19,
        "t3.granted.natural_person": 8, "t3.granted.total": 8,
        "t3.partly_granted.natural_person": 7, "t3.partly_granted.total": 7,
        "t3.unable.not_held.natural_person": 4, "t3.unable.not_held.total": 4,
        "t3.total.natural_person": 19, "t3.total.total": 19,
    }),
}


@pytest.fixture
def published_dir():
    if not PUBLISHED.is_dir():
        pytest.skip(f"the shared published reports are not beside the repository ({PUBLISHED})")
    return PUBLISHED


@pytest.mark.parametrize("name", sorted(BY_HAND))
def test_every_printed_value_of_the_pingtan_reports_is_read_exactly(published_dir, name):
    version, not_zero = BY_HAND[name]
    fmt = FORMATS[version]
    expected = {f.key: 0 for f in fmt.input_fields if f.table in ("t2", "t3", "t4") and f.numeric}
    expected.update({f.key: 0 for f in fmt.value_fields if f.derived})
    expected.update(not_zero)
    report = import_report(published_dir / f"{name}.txt")
    assert report.fmt.version == version
    got = {k: v for k, v in report.data.items() if fmt.has(k) and fmt.field(k).table in ("t2", "t3", "t4")}
    assert got == expected


def test_a_unit_in_a_count_cell_is_read_with_a_note(published_dir):
    report = import_report(published_dir / "2020_pingtan_czj.txt")
    assert report.data["t2.procurement.projects"] == 2
    assert any("2笔" not in n and "去掉单位“笔”" in n for n in report.notes)
