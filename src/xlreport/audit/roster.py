"""The roster (`xlreport audit --roster`): the units that should report, read from a workbook or
a text file, compared with the reports of the year under review; and our own audit workbooks,
known so that they are never read as a report or a roster."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import Any

from xlreport.audit.names import PLACE_ENDS, is_place_suffix, match_names, name_key, variant_key
from xlreport.audit.results import UNKNOWN_AGENCY, AuditedReport, RosterRow
from xlreport.errors import InputError

# Our own audit workbooks carry this custom document property (book.py writes it); those
# of earlier versions are known by their title. Either marks a workbook never to read as a
# report or a roster.
AUDIT_MARKER = "xlreport-audit"
AUDIT_TITLE = "政府信息公开工作年度报告审查结果"
ROSTER_HEADERS = ("单位", "单位名称", "机关", "机关名称", "机关全称", "名称", "部门", "部门名称")


def read_roster(path: str | os.PathLike) -> list[str]:
    """Unit names: the first column of the first sheet of an .xlsx, or one name a line of a
    .txt (UTF-8, or GBK as Windows Notepad saves it). Blank lines and a header row are skipped."""
    from xlreport.io.files import regular_file

    p = regular_file(path, "名单文件", 20 * 2**20)  # a roster of a few hundred units is well under 1 MB
    suffix = p.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        import io

        from python_calamine import CalamineWorkbook

        from xlreport.model.layout import SHEET_MARKER

        if is_audit_workbook(p):
            raise InputError(f"“{p.name}”是 xlreport audit 生成的审查结果，不是名单；应报送单位名单应是"
                             f" .xlsx（第一列为单位名称）或 .txt（每行一个单位）")
        try:
            book = CalamineWorkbook.from_filelike(io.BytesIO(p.read_bytes()))
            sheet_names = list(book.sheet_names)
            rows = book.get_sheet_by_index(0).to_python()
        except BaseException as exc:  # calamine's errors, or a Rust panic
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            raise InputError(f"无法打开名单“{p.name}”：文件已损坏或不是 Excel 工作簿") from None
        if SHEET_MARKER in sheet_names:
            raise InputError(f"“{p.name}”是年度报告工作簿，不是名单，它应放在审查的文件夹中；"
                             f"应报送单位名单应是 .xlsx（第一列为单位名称）或 .txt（每行一个单位）")
        names = [_cell_name(row[0]) for row in rows if row]
    elif suffix == ".txt":
        raw = p.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:  # pragma: no cover (gb18030 decodes any bytes but a few)
            raise InputError(f"名单“{p.name}”不是 UTF-8 或 GBK 编码的文本，请另存为 UTF-8 后重试")
        names = [line.strip() for line in text.splitlines()]
    else:
        raise InputError(f"名单“{p.name}”应是 Excel 工作簿（.xlsx，第一列为单位名称）或文本文件（.txt，每行一个单位）")
    names = [n for n in names if n]
    if names and name_key(names[0]) in ROSTER_HEADERS:
        names = names[1:]
    if not names:
        raise InputError(f"名单“{p.name}”中没有单位名称（.xlsx 读第一列，.txt 每行一个单位）")
    return list(dict.fromkeys(names))


def is_audit_workbook(path: str | os.PathLike) -> bool:
    """Whether a file is an audit workbook of ours (the marker property, or the title that
    every version wrote). Reads two small parts of the archive, never the sheets."""
    try:
        with zipfile.ZipFile(path) as z:
            for part in ("docProps/custom.xml", "docProps/core.xml"):
                try:
                    info = z.getinfo(part)
                except KeyError:
                    continue
                if info.file_size < 1 << 20:
                    text = z.read(info).decode("utf-8", "replace")
                    if AUDIT_MARKER in text or AUDIT_TITLE in text:
                        return True
    except (OSError, zipfile.BadZipFile, EOFError, ValueError, RuntimeError):
        return False
    return False


def _cell_name(value: Any) -> str:
    return str(value).strip() if value not in (None, "") else ""


def roster_rows(roster: list[str], records: list[AuditedReport], year: int | None) -> list[RosterRow]:
    """未报送 (on the roster, no report of `year`), 名单外 (a report of `year` from a unit not on
    it), 名称不一致 (matched by a variant of the name or without its place prefix: worth
    correcting) and 多份报告 (a unit that sent more than one report: counted as reported)."""
    groups: dict[str, list[AuditedReport]] = {}
    for r in sorted(records, key=lambda r: r.file):  # the first by file name counts in 合计 (one_per_agency)
        if r.year == year and r.agency:
            groups.setdefault(variant_key(r.agency), []).append(r)  # 「宿迁市」 and 「宿迁市人民政府」: one unit
    agencies = list(groups.values())
    matches, missing, extra = match_names(roster, [g[0].agency or "" for g in agencies], suffix=True)
    unnamed = [r for r in records if not r.agency and r.year in (year, None)]
    by_file, rows = {}, []
    for r in unnamed:  # a report whose agency was not found: its file name may still name a roster unit
        i = unit_in_file_name([roster[i] for i in missing], r.path)
        unit = None if i is None else missing[i]
        if unit is not None and unit not in by_file:
            by_file[unit] = r
            rows.append(RosterRow(UNKNOWN_AGENCY, roster[unit], None, r.file,
                                  f"报告中未能识别机关名称，按文件名对应名单中的“{roster[unit]}”；请核对，"
                                  f"并请该单位在报告标题中写明机关全称"))
        else:
            rows.append(RosterRow(UNKNOWN_AGENCY, None, None, r.file,
                                  "报告中未能识别机关名称，无法与名单对应；名单中“未报送”的单位可能有一个就是它，"
                                  "请核对，并请该单位在报告标题中写明机关全称"))
    rows = [RosterRow("未报送", roster[i], None, None,
                      f"名单中有，未找到 {year} 年度的报告" if year is not None else "名单中有，未找到其报告")
            for i in missing if i not in by_file] + rows
    rows += [RosterRow("名单外", None, r.agency, r.file, "报告的机关不在名单中（或名单中有同名的多个单位），请核对")
             for j in extra for r in agencies[j]]
    for i, j, variant in matches:
        group = agencies[j]
        first = group[0]
        if variant and not any(name_key(r.agency or "") == name_key(roster[i]) for r in group):
            short = variant_key(roster[i]) == variant_key(first.agency or "")
            roster_short = is_place_suffix(variant_key(roster[i]), variant_key(first.agency or ""))
            rows.append(RosterRow("名称不一致", roster[i], first.agency, first.file,
                                  "按简称与全称对应，请核对报告中的机关全称" if short else
                                  "名单中的名称没有地名前缀，按报告中机关全称的末尾对应，请核对" if roster_short else
                                  "报告中的机关名称没有地名前缀，按名单中名称的末尾对应，请核对报告中的机关全称"))
        if len(group) > 1:
            rows.append(RosterRow("多份报告", roster[i], first.agency, "；".join(r.file for r in group),
                                  f"报送了 {len(group)} 份，请核对（合计只计入第一份：{first.file}）"))
    return rows


def unit_in_file_name(units: list[str], path: str) -> int | None:
    """The one roster unit (index in `units`) whose name — or, without its place prefix, the
    rest of it down to a place (「淮安市洪泽区人民政府」 → 「洪泽区人民政府」) — is in the file's name
    (「洪泽区人民政府2024年报.pdf」); None when none or several fit."""
    stem = variant_key(Path(path).stem)
    fits = []
    for i, unit in enumerate(units):
        key = variant_key(unit)
        forms = {key, *(key[k + 1:] for k, c in enumerate(key) if c in PLACE_ENDS
                        and any(d in PLACE_ENDS for d in key[k + 1:]))}
        found = [f for f in forms if len(f) >= 3 and f in stem]
        if found:
            fits.append((i, max(len(f) for f in found)))
    if not fits:
        return None
    longest = max(n for _, n in fits)
    best = [i for i, n in fits if n == longest]
    return best[0] if len(best) == 1 else None
