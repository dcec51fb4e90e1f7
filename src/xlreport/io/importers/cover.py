"""Importer stage: the cover — the year (statistics period) and the contact data (the agency's name:
name.py)."""

from __future__ import annotations

import re

from xlreport.io.importers.document import Paragraph
from xlreport.io.importers.tables import Imported

_YEAR = re.compile(r"(20\d\d)\s*年(?:度)?")
_PERIOD = re.compile(r"自\s*(20\d\d)\s*年\s*1\s*月\s*1\s*日[^。；]{0,6}?至\s*(20\d\d)\s*年\s*12\s*月\s*31\s*日")
# 「如对本报告有疑问，请与…联系（地址：…）」, or the details in the next sentence: 「如对本报告有任何疑问、
# 意见，请与…联系。通讯地址：…；邮编：…；电话：…。」
_CONTACT = re.compile(r"如对本报告有(?:任何)?疑问[^，,。（(]{0,8}?[，,]?请与(?P<who>[^（(。]+?)联系"
                      r"(?:[（(](?P<details>[^）)]*)[）)]|[。：:]?(?P<after>[^。]*))")
_CONTACT_FIELDS = {"地址": "meta.address", "通讯地址": "meta.address", "联系地址": "meta.address",
                   "邮编": "meta.postcode", "邮政编码": "meta.postcode",
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
        for part in re.split(r"[，,；;]", m.group("details") or m.group("after") or ""):
            label, sep, value = part.partition("：") if "：" in part else part.partition(":")
            key = _CONTACT_FIELDS.get(label.strip())
            if sep and key and value.strip():
                out.data[key] = value.strip()
                out.cells[key] = "正文 联系方式"
        return


# The sentences `xlreport render` writes itself (report/sentences.py): a report it made is read back
# without them, and 六's fee sentence gives back fee.count / fee.amount_yuan. They are compared
# without whitespace (a PDF may put a space or a line break into a wrapped sentence), and a
