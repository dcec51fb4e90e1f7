"""Importer stage: the cover — agency, year, agency kind and the contact data."""

from __future__ import annotations

import re

from xlreport.io.importers.document import Paragraph
from xlreport.io.importers.labels import nfkc
from xlreport.io.importers.tables import Imported

_YEAR = re.compile(r"(20\d\d)\s*年(?:度)?")
_PERIOD = re.compile(r"自\s*(20\d\d)\s*年\s*1\s*月\s*1\s*日[^。；]{0,6}?至\s*(20\d\d)\s*年\s*12\s*月\s*31\s*日")
_TITLE = re.compile(r"^(?P<agency>.*?)(?:《)?\s*(?P<year>20\d\d)\s*年(?:度)?(?:政府)?信息公开(?:工作)?年(?:度)?报(?:告)?")
_TITLE_YEAR_FIRST = re.compile(r"^(?P<year>20\d\d)\s*年(?:度)?(?P<agency>[^\d]{2,30}?)(?:政府)?信息公开(?:工作)?年(?:度)?报")
_PLACE_END = ("省", "市", "自治区", "自治州", "州", "盟", "区", "县", "旗", "乡", "镇", "街道")
_STOP = set("由是的和与报告据在为对向及了本")


def _title_parts(paragraphs: list[Paragraph]) -> tuple[str, int | None, int]:
    """(agency as printed in the title, year, index of the title's last paragraph)."""
    head = paragraphs[:4]
    for i, p in enumerate(head):
        text = re.sub(r"\s+", "", nfkc(p.text))
        m = _TITLE.match(text) or _TITLE_YEAR_FIRST.match(text)
        if m:
            agency = m.group("agency").strip("《》“”")
            if not agency and i > 0 and len(head[i - 1].text) <= 40:
                agency = re.sub(r"\s+", "", head[i - 1].text)
            return agency, int(m.group("year")), i
    return "", None, -1


def _full_agency(name: str, paragraphs: list[Paragraph]) -> str:
    """洪泽区人民政府 in the title, 淮安市洪泽区人民政府办公室 in the text → 淮安市洪泽区人民政府."""
    if not name:
        return name
    text = "".join(p.text for p in paragraphs[:8])
    best = name
    for m in re.finditer(re.escape(name), text):
        i = m.start()
        j = i
        while j > 0 and "\u4e00" <= text[j - 1] <= "\u9fff" and text[j - 1] not in _STOP and i - j < 8:
            j -= 1
        prefix = text[j:i]
        if prefix and prefix.endswith(_PLACE_END[:6]) and len(prefix) + len(name) > len(best):
            best = prefix + name
    return best


def agency_kind(agency: str) -> tuple[str | None, bool | None]:
    """(meta.agency_kind, meta.can_make_rules) inferred from the name.

    条例 / 立法法 第九十三条: 规章 are made by 国务院部门 and by the 人民政府 of 省、自治区、
    直辖市 and 设区的市、自治州 — so a government whose name stops at 市 or 州 (no 区/县
    below it) or at 省/自治区 may make them; a district, county or town may not.
    A 县级市 cannot be told from a 设区的市 by its name: the note says it is inferred.
    """
    if not agency:
        return None, None
    if agency.endswith("人民政府"):
        place = agency[: -len("人民政府")]
        lower = re.search(r"(区|县|旗|乡|镇|街道|办事处)$", place)
        upper = re.search(r"(省|自治区|市|自治州|州|盟)$", place)
        return "government", bool(upper and not lower)
    if re.search(r"(局|厅|委员会|委|办公室|办|署|中心|院)$", agency):
        return "department", False
    return "other", False


_CONTACT = re.compile(r"如对本报告有疑问，?请与(?P<who>[^（(]+?)联系[（(](?P<details>[^）)]*)[）)]")
_CONTACT_FIELDS = {"地址": "meta.address", "邮编": "meta.postcode", "邮政编码": "meta.postcode",
                   "电话": "meta.phone", "联系电话": "meta.phone", "电子邮箱": "meta.email", "邮箱": "meta.email"}


def _contact(paragraphs: list[Paragraph], out: Imported) -> None:
    """The cover's contact data from 「如对本报告有疑问，请与…联系（地址：…，邮编：…）」."""
    for p in paragraphs:
        m = _CONTACT.search(p.text)
        if not m:
            continue
        who = m.group("who").strip()
        agency = out.data.get("meta.agency") or ""
        office = who[len(agency):] if agency and who.startswith(agency) and len(who) > len(agency) else who
        out.data["meta.office"] = office
        out.cells["meta.office"] = "正文 联系方式"
        for part in re.split(r"[，,；;]", m.group("details")):
            label, sep, value = part.partition("：") if "：" in part else part.partition(":")
            key = _CONTACT_FIELDS.get(label.strip())
            if sep and key and value.strip():
                out.data[key] = value.strip()
                out.cells[key] = "正文 联系方式"
        return


# The sentences `xlreport render` writes itself (report/sentences.py): a report it made is read back
# without them, and 六's fee sentence gives back fee.count / fee.amount_yuan. They are compared
# without whitespace (a PDF may put a space or a line break into a wrapped sentence), and a
