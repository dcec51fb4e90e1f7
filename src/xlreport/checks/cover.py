"""Cover rules (meta-missing, meta-invalid, format-version) and values chosen from a list
(meta-invalid on the cover, value-not-choice in the tables). Python form:
`check_cover`; formula form: `cover_lines`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from xlreport.checks.formula import Line, blank
from xlreport.model.formats import FIRST_YEAR, format_for_year
from xlreport.model.report import CellError, Problem, Uncalculated, is_blank, jsonable, problem, quote
from xlreport.model.spec import ReportFormat

if TYPE_CHECKING:  # the workbook's layout: only the formula forms use it, not `check`
    from xlreport.model.layout import Layout

LAST_YEAR = 2100  # a sanity bound for a typed year
# The place of meta.agency_kind / meta.can_make_rules when the importer inferred them from the
# agency's name (a published report prints neither): the rules that use them say so.
INFERRED = "按机关名称推断"


def inferred(key: str, cells: dict[str, str] | None) -> bool:
    """Whether the cover value `key` was inferred from the agency's name (not printed, not typed)."""
    return bool(cells) and cells.get(key) == INFERRED  # type: ignore[union-attr]


def check_cover(data: dict[str, Any], fmt: ReportFormat, cells: dict[str, str] | None,
                published: bool = False) -> list[Problem]:
    """The cover's problems. A published report (`published`) whose agency could not be read
    has no cover to fill in: the importer's notice (未能识别机关名称) says so, not an error."""
    out = []
    agency = data.get("meta.agency")
    if is_blank(agency) and not published:
        out.append(problem("meta-missing", ["meta.agency"], "封面“机关全称”未填写，请填写报告标题中的机关全称", cells))
    year = data.get("meta.year")
    if isinstance(year, float) and year.is_integer():
        year = int(year)
    if is_blank(year):
        out.append(problem("meta-missing", ["meta.year"], "封面“报告年度”未填写，请填写四位数年份，如 2024", cells))
    elif isinstance(year, bool) or not isinstance(year, int) or not 1000 <= year <= 9999:
        out.append(problem("meta-invalid", ["meta.year"], f"封面“报告年度”{quote(year)}不是有效年份，请填写四位数年份，如 2024",
                           cells, actual=jsonable(year)))
    elif not FIRST_YEAR <= year <= LAST_YEAR:
        out.append(problem("meta-invalid", ["meta.year"], f"封面“报告年度”{year_not_covered(year)}", cells, actual=year))
    elif not fmt.covers(year):
        right = format_for_year(year).version
        out.append(problem(
            "format-version", ["meta.year"],
            f"报告年度为 {year} 年，应使用 {right} 版格式，但本文件是 {fmt.version} 版格式（{fmt.source}），"
            f"请用 xlreport new --year {year} 生成正确版本的工作簿后重新填写",
            cells, expected=right, actual=fmt.version))
    for f in fmt.meta_fields:
        raw = data.get(f.key)
        # a text cell holding an error value (#N/A), a formula never calculated or TRUE/FALSE
        # is not text: never taken as a name, nor as blank
        not_text = not isinstance(raw, str) or isinstance(raw, (CellError, Uncalculated))
        if f.type == "text" and raw is not None and not_text:
            out.append(problem("meta-invalid", [f.key], f"{f.where}：{quote(raw)}不是文字，请直接填写{f.label}", cells,
                               actual=jsonable(raw)))
    out += check_choices(data, fmt, cells)
    return out


def year_not_covered(year: int) -> str:
    """Why there is no format for `year` (shared by the checker and `xlreport new`)."""
    first = format_for_year(FIRST_YEAR)
    return (f"为 {year} 年，不在 {FIRST_YEAR}—{LAST_YEAR} 之间：全国统一的年度报告格式从 {FIRST_YEAR} 年度起施行"
            f"（{first.source.split('《')[0]}），请填写正确的四位数年份")


def check_choices(data: dict[str, Any], fmt: ReportFormat, cells: dict[str, str] | None) -> list[Problem]:
    """Values chosen from a list: the cover's (meta-invalid) and the tables' (value-not-choice)."""
    out = []
    for f in fmt.fields:
        if f.type not in ("choice", "bool"):
            continue
        raw = data.get(f.key)
        allowed = [v for v, _ in f.choices]
        labels = "、".join(label for _, label in f.choices)
        on_cover = f.table == "meta"
        if is_blank(raw):
            if not on_cover and f.required:
                out.append(problem("value-missing", [f.key], f"{f.where}：未选择，请选择{labels}之一", cells))
        elif type(raw) is not type(allowed[0]) or raw not in allowed:
            out.append(problem("meta-invalid" if on_cover else "value-not-choice", [f.key],
                               f"{f.where}：{quote(raw)}不是可选值，请选择{labels}之一", cells, actual=jsonable(raw)))
    return out


def cover_lines(fmt: ReportFormat, layout: Layout) -> list[Line]:
    """The cover's rules and the choices (cover and tables) as 校验 lines."""
    p = layout.positions
    agency, year = p["meta.agency"].ref, p["meta.year"].ref
    valid_year = f"AND({year}=INT({year}),{year}>={FIRST_YEAR},{year}<={LAST_YEAR})"
    last = fmt.last_year or LAST_YEAR
    # An error value in a cover cell is meta-invalid (as in the checker, which reads it as
    # checks.CellError), never blank and never a valid choice.
    lines = [
        Line("meta-missing", "封面“机关全称”应填写", ("meta.agency",),
             f"IF(ISERROR({agency}),0,IF({blank(agency)},1,0))"),
        Line("meta-missing", "封面“报告年度”应填写", ("meta.year",),
             f"IF(ISERROR({year}),0,IF({blank(year)},1,0))"),
        Line("meta-invalid", "封面“报告年度”应为有效年份", ("meta.year",),
             f"IF(ISERROR({year}),1,IF({blank(year)},0,IF(ISNUMBER({year}),IF({valid_year},0,1),1)))"),
        Line("format-version", f"报告年度应在本工作簿格式（{fmt.version} 版）的适用年度内", ("meta.year",),
             f"IF(ISNUMBER({year}),IF({valid_year},IF(AND({year}>={fmt.first_year},{year}<={last}),0,1),0),0)"),
    ]
    for f in fmt.fields:
        if f.type not in ("choice", "bool"):
            continue
        ref = p[f.key].ref
        options = ",".join(f'{ref}="{label}"' for _, label in f.choices)
        if f.table == "meta":
            rule, what = "meta-invalid", f"{f.where}应为可选值之一"
        else:
            rule, what = "value-not-choice", f"{f.where}应从下拉列表中选择"
            lines.append(Line("value-missing", f"{f.where}应选择", (f.key,),
                              f"IF(ISERROR({ref}),0,IF({blank(ref)},1,0))"))
        lines.append(Line(rule, what, (f.key,), f"IF(ISERROR({ref}),1,IF({blank(ref)},0,IF(OR({options}),0,1)))"))
    for f in fmt.meta_fields:  # text cells (机关全称, the contact details): no error value, no TRUE/FALSE
        if f.type == "text":
            ref = p[f.key].ref
            lines.append(Line("meta-invalid", f"{f.where}应为文字（不能是错误值或 TRUE/FALSE）", (f.key,),
                              f"IF(OR(ISERROR({ref}),ISLOGICAL({ref})),1,0)"))
    return lines


