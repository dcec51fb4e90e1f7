"""What `xlreport audit` found, as typed records: one `AuditedReport` per report read, one
`Pair` per agency's consecutive years, one `Total` per year and format version, the `Roster`
comparison, and `AuditResult` holding them all. audit/book.py writes the workbook from
these, and `AuditResult.to_dict()` is the object of `xlreport audit --json` (its field names
are public: docs/audit.md).

Errors and warnings are counted in one place (`Tally.of`): a report's, a pair's and a
total's verdict, the console's and the 说明 sheet's counts and the exit code all come from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from xlreport.io.jsonfile import _plain
from xlreport.model.report import Problem

VERDICT_ERRORS, VERDICT_WARNINGS, VERDICT_CLEAN, VERDICT_UNREADABLE = "未通过", "有警告", "通过", "无法读取"
UNKNOWN_AGENCY = "未能识别机关"  # a report whose agency's name was not found (importer: 未能识别机关名称)

Number = float | int | None
CONTACT = ("office", "address", "postcode", "phone", "email")  # the cover's contact keys, meta.<key>


@dataclass(frozen=True)
class PlacedProblem(Problem):
    """A problem with `where`: its cells (表三!E7, or the place in a published report), or for a
    data file the places of its keys as the format names them."""

    where: str = ""

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["expected"], out["actual"] = _plain(self.expected), _plain(self.actual)
        out["where"] = self.where
        return out


@dataclass(frozen=True)
class Tally:
    """The errors and warnings among some problems, and the verdict they give."""

    errors: int = 0
    warnings: int = 0

    @classmethod
    def of(cls, problems: Sequence[Problem]) -> Tally:
        errors = sum(p.severity == "error" for p in problems)
        return cls(errors, len(problems) - errors)

    @property
    def verdict(self) -> str:
        return VERDICT_ERRORS if self.errors else VERDICT_WARNINGS if self.warnings else VERDICT_CLEAN


@dataclass
class AuditedReport:
    """One report read and checked (by api.check_file) for the audit. `data`, `cells` and
    `numbers` (every numeric key's value, computed once) serve the pairs and totals; they are
    not part of the JSON."""

    file: str  # the name as given, printable
    path: str  # the name as given, to open
    agency: str | None
    year: int | None
    format: str  # the format version
    problems: list[PlacedProblem]
    figures: dict[str, Number]  # the key figures (figures.FIGURES), as printed
    figure_notes: dict[str, str]  # a printed total that contradicts its parts, per key figure
    notes: list[str]  # what the importer of a published report could not read or inferred
    data: dict[str, Any] = field(default_factory=dict, repr=False)
    cells: dict[str, str] = field(default_factory=dict, repr=False)
    numbers: dict[str, Number] = field(default_factory=dict, repr=False)
    comparison_only: bool = False  # another year's report, or from --previous-dir: only for the pairs
    previous_file: str | None = None  # last year's report it was paired with

    @property
    def tally(self) -> Tally:
        return Tally.of(self.problems)

    @property
    def contact(self) -> dict[str, str]:
        """The unit's contact details from the cover (联系机构, 地址, 邮编, 电话, 邮箱), as filled; 联系机构 as the
        report's sentence names it (「办公室」 of 淮安市人民政府 is 淮安市人民政府办公室)."""
        from xlreport.model.sentences import contact_name

        found = {key: str(self.data[f"meta.{key}"]).strip() for key in CONTACT
                 if isinstance(self.data.get(f"meta.{key}"), (str, int)) and str(self.data[f"meta.{key}"]).strip()}
        if "office" in found:
            found["office"] = contact_name(str(self.agency or "").strip(), found["office"])
        return found

    @property
    def errors(self) -> int:
        return self.tally.errors

    @property
    def warnings(self) -> int:
        return self.tally.warnings

    @property
    def verdict(self) -> str:
        return self.tally.verdict

    def to_dict(self) -> dict[str, Any]:
        tally = self.tally
        out: dict[str, Any] = {
            "file": self.file, "agency": self.agency, "year": self.year, "format": self.format,
            "problems": [p.to_dict() for p in self.problems], "figures": dict(self.figures),
            "figure_notes": dict(self.figure_notes), "notes": list(self.notes),
            "errors": tally.errors, "warnings": tally.warnings, "verdict": tally.verdict,
            "comparison_only": self.comparison_only, "contact": self.contact}
        if self.previous_file is not None:
            out["previous_file"] = self.previous_file
        return out


@dataclass
class ReadFailure:
    """A file that could not be read or checked (what api.check_file said)."""

    file: str
    reason: str
    code: str | None = None


@dataclass
class NotRead:
    """A file the audit did not read (`read` False: not a report, an empty folder) or could not
    read (`read` True: damaged, not a report of ours …), with the reason in the audit's terms."""

    file: str
    reason: str
    read: bool
    code: str | None = None  # the error's stable code (docs/api.md) when the file was read

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"file": self.file, "reason": self.reason, "read": self.read}
        if self.code is not None:
            out["code"] = self.code
        return out


@dataclass
class Skipped:
    """A file left out on purpose (an audit workbook of ours)."""

    file: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Side:
    """One figure or note of a pair: last year's and this year's."""

    last: Any = None
    this: Any = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Pair:
    """This year's report of an agency beside last year's, with the cross-year checks' findings
    (`problems`) and notices (`warnings`: last year's report is blank …)."""

    agency: str
    last_agency: str
    by_variant: bool  # paired by a variant of the name (区政府办 / 区人民政府办公室)
    year: int
    last_year: int
    file: str
    last_file: str
    problems: list[PlacedProblem]
    warnings: list[str]
    figures: dict[str, Side]  # the compared key figures (figures.COMPARED)
    figure_notes: dict[str, Side]

    @property
    def verdict(self) -> str:
        return Tally.of(self.problems).verdict

    def to_dict(self) -> dict[str, Any]:
        return {"agency": self.agency, "last_agency": self.last_agency, "by_variant": self.by_variant,
                "year": self.year, "last_year": self.last_year, "file": self.file, "last_file": self.last_file,
                "problems": [p.to_dict() for p in self.problems], "warnings": list(self.warnings),
                "verdict": self.verdict, "figures": {k: v.to_dict() for k, v in self.figures.items()},
                "figure_notes": {k: v.to_dict() for k, v in self.figure_notes.items()}}


@dataclass
class Duplicate:
    """An agency with more than one report of a year: the first by file name counts in 合计."""

    agency: str
    year: int
    files: list[str]
    counted: str
    left_out: list[str]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SameReport:
    """One report in several files (its PDF and its web page, or a transcription): the same agency,
    year and table figures. It is reviewed once, from `kept`; `others` are named, not reviewed again."""

    agency: str
    year: int
    kept: str
    others: list[str]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class RosterRow:
    """未报送, 名单外, 名称不一致 or 多份报告 (`kind`), with the unit on the roster and the agency
    of the report as far as there are."""

    kind: str
    unit: str | None
    agency: str | None
    file: str | None
    note: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Roster:
    file: str
    units: int
    rows: list[RosterRow]

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "units": self.units, "rows": [r.to_dict() for r in self.rows]}


@dataclass
class TotalValue:
    """One numeric key summed over the reports: `counted` reports had it, `missing` did not."""

    key: str
    table: str
    where: str
    total: Number
    counted: int
    missing: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Total:
    """The sum of a year's reports of one format version, and the checks run on the sum."""

    year: int
    format: str
    reports: int
    problems: list[PlacedProblem]
    values: list[TotalValue]

    @property
    def tally(self) -> Tally:
        return Tally.of(self.problems)

    @property
    def verdict(self) -> str:
        return self.tally.verdict

    def to_dict(self) -> dict[str, Any]:
        return {"year": self.year, "format": self.format, "reports": self.reports, "verdict": self.verdict,
                "problems": [p.to_dict() for p in self.problems], "values": [v.to_dict() for v in self.values]}


@dataclass
class SeriesEntry:
    """One year of a unit's series (历年): every report read of the agency, this year's and the
    earlier ones, linked through the pairs (so a unit whose name changed stays one series)."""

    unit: str  # the series' name: the agency as its latest report names it
    year: int | None
    agency: str | None  # as this year's report names it
    file: str
    format: str
    verdict: str
    errors: int
    warnings: int
    figures: dict[str, Number]
    under_review: bool  # of the year under review (else read for the comparison only)

    def to_dict(self) -> dict[str, Any]:
        return {"unit": self.unit, "year": self.year, "agency": self.agency, "file": self.file,
                "format": self.format, "verdict": self.verdict, "errors": self.errors, "warnings": self.warnings,
                "figures": dict(self.figures), "under_review": self.under_review}


@dataclass
class AuditResult:
    """Everything the audit read and found: the content of the audit workbook."""

    xlreport: str  # the version that made it
    generated: str  # ISO time
    generated_text: str  # 「2025年3月1日 10:00」
    inputs: list[str]
    previous_dirs: list[str]
    year: int | None  # the year under review
    year_given: bool
    reports: list[AuditedReport]  # the reports under review
    comparison_only: list[str]  # the files of reports only used as last year's
    not_read: list[NotRead]
    ignored: int  # files left out by convention (Office lock files, hidden files)
    skipped: list[Skipped]
    pairs: list[Pair]
    pair_notes: list[str]
    duplicates: list[Duplicate]
    roster: Roster | None
    totals: list[Total]
    not_reports: list[NotRead] = field(default_factory=list)  # files found in folders, read, not reports (no exit 2)
    series: list[SeriesEntry] = field(default_factory=list)  # every report read, by unit and year (历年)
    same_report: list[SameReport] = field(default_factory=list)  # one report in several files, reviewed once

    def series_of(self, unit: str) -> list[SeriesEntry]:
        """One unit's series, found by its name as the roster is matched (spaces, 政府/人民政府, a
        place prefix do not matter; the name of any year counts); [] when none or several fit."""
        from xlreport.audit.names import match_names, name_key

        names: dict[str, set[str]] = {}
        for e in self.series:
            names.setdefault(e.unit, {e.unit}).add(e.agency or e.unit)
        fits = [u for u, known in names.items() if any(name_key(n) == name_key(unit) for n in known)]
        if len(fits) != 1:
            fits = [u for u, known in names.items() if any(match_names([unit], [n], suffix=True)[0] for n in known)]
        return [e for e in self.series if e.unit == fits[0]] if len(fits) == 1 else []

    @property
    def roster_year(self) -> int | None:
        return self.year

    @property
    def left_out_of_totals(self) -> list[str]:
        return [f for d in self.duplicates for f in d.left_out]

    @property
    def exit_code(self) -> int:
        """0 no errors, 1 errors found in a report under review, 2 a file could not be read (as `check`)."""
        if self.not_read:
            return 2
        return 1 if any(r.errors for r in self.reports) else 0

    def counts_text(self) -> str:
        """「3 个：1 个未通过，2 个有警告，0 个通过」 — the one wording of the console and the 说明 sheet."""
        verdicts = [r.verdict for r in self.reports]
        return (f"{len(verdicts)} 个：{verdicts.count(VERDICT_ERRORS)} 个{VERDICT_ERRORS}，"
                f"{verdicts.count(VERDICT_WARNINGS)} 个{VERDICT_WARNINGS}，{verdicts.count(VERDICT_CLEAN)} 个{VERDICT_CLEAN}")


    def to_dict(self) -> dict[str, Any]:
        """The object of `xlreport audit --json`: the same content as the workbook, without each
        report's raw data."""
        return {
            "xlreport": self.xlreport, "generated": self.generated, "generated_text": self.generated_text,
            "inputs": list(self.inputs), "previous_dirs": list(self.previous_dirs), "year": self.year,
            "year_given": self.year_given, "roster_year": self.roster_year,
            "reports": [r.to_dict() for r in self.reports], "comparison_only": list(self.comparison_only),
            "not_read": [n.to_dict() for n in self.not_read], "not_reports": [n.to_dict() for n in self.not_reports],
            "ignored": self.ignored,
            "skipped": [s.to_dict() for s in self.skipped], "pairs": [p.to_dict() for p in self.pairs],
            "pair_notes": list(self.pair_notes), "duplicates": [d.to_dict() for d in self.duplicates],
            "roster": None if self.roster is None else self.roster.to_dict(),
            "series": [e.to_dict() for e in self.series],
            "same_report": [s.to_dict() for s in self.same_report],
            "totals": [t.to_dict() for t in self.totals], "left_out_of_totals": self.left_out_of_totals,
        }
