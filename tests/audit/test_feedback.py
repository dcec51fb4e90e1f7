"""审查意见 letters (`audit --feedback DIR`, audit.feedback.unit_feedback / feedback_zip): one per reviewed unit,
with its planted problems in words, their places and what to do, and the verdict."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from docx import Document
from factories import consistent_data

from xlreport import api
from xlreport.audit.feedback import (
    UnitReview,
    feedback_docx,
    feedback_name,
    feedback_zip,
    place_words,
    reviews,
    unit_feedback,
)
from xlreport.cli.main import main
from xlreport.errors import UnknownUnit
from xlreport.io.files import safe_file_name
from xlreport.io.jsonfile import dumps
from xlreport.model.formats import format_for_year

FMT = format_for_year(2024)


def write_report(folder, name, agency, change=None, year=2024):
    data = consistent_data(FMT, seed=len(name))
    data["meta.agency"], data["meta.year"] = agency, year
    if change:
        change(data)
    path = folder / name
    path.write_text(dumps(data, FMT), encoding="utf-8")
    return path


def plant_balance_error(data):
    data["t3.new.natural_person"] += 5  # 一 + 二 no longer equals 三 + 四 in that column


@pytest.fixture
def folder(tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    write_report(reports, "a.json", "某市甲局", plant_balance_error)
    write_report(reports, "b.json", "某市乙局")
    return reports


def text_of(data: bytes) -> tuple[list[str], list[list[str]]]:
    doc = Document(io.BytesIO(data))
    rows = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    return [p.text for p in doc.paragraphs], rows


def test_letter_states_unit_year_problems_places_and_verdict(folder):
    audited = api.audit([folder])
    letter = unit_feedback(audited.result, "某市甲局")
    paragraphs, rows = text_of(letter)
    assert paragraphs[0] == "关于某市甲局2024年政府信息公开工作年度报告的审查意见"
    assert "某市甲局：" in paragraphs
    assert any(p.startswith("审查结论：未通过") for p in paragraphs)
    where = FMT.field("t3.new.natural_person").where
    planted = [r for r in rows if "t3" not in r[2] and where in r[1]]
    assert planted, rows  # the planted t3-balance error with the place the format names
    expected = next(p for p in api.check(folder / "a.json").problems if p.rule == "t3-balance")
    assert any(r[2] == expected.message and "必须更正" in r[3] for r in rows)
    doc = Document(io.BytesIO(letter))  # in the report's 公文 styles
    assert doc.paragraphs[0].style.name == "报告标题"
    assert {p.style.name for p in doc.paragraphs} <= {"报告标题", "报告正文", "一级标题"}


def test_clean_unit_gets_a_passing_letter_and_zip_holds_one_per_unit(folder):
    audited = api.audit([folder])
    paragraphs, rows = text_of(unit_feedback(audited.result, "某市 乙局"))  # spaces do not matter
    assert any(p.startswith("审查结论：通过") for p in paragraphs) and rows == []
    with zipfile.ZipFile(io.BytesIO(feedback_zip(audited.result))) as z:
        assert sorted(z.namelist()) == ["某市乙局2024年政府信息公开工作年度报告审查意见.docx",
                                        "某市甲局2024年政府信息公开工作年度报告审查意见.docx"]
        assert "未通过" in "".join(text_of(z.read(z.namelist()[0]))[0] + text_of(z.read(z.namelist()[1]))[0])
    with zipfile.ZipFile(io.BytesIO(feedback_zip(audited.result, only_problems=True))) as z:
        assert z.namelist() == ["某市甲局2024年政府信息公开工作年度报告审查意见.docx"]


def test_unit_found_without_its_place_prefix_and_unknown_unit_refused(tmp_path):
    write_report(tmp_path, "c.json", "淮安市洪泽区人民政府")
    audited = api.audit([tmp_path])
    assert text_of(unit_feedback(audited.result, "洪泽区政府"))[0][1] == "淮安市洪泽区人民政府："
    by_file = unit_feedback(audited.result, str(tmp_path / "c.json"))  # the service knows the file it stored
    assert text_of(by_file)[0][1] == "淮安市洪泽区人民政府："
    with pytest.raises(UnknownUnit) as exc:
        unit_feedback(audited.result, "某县某局")
    assert exc.value.code == "unknown-unit" and "某县某局" in exc.value.message


def test_command_writes_letters_and_refuses_to_overwrite(folder, tmp_path, capsys):
    out, letters = tmp_path / "审查结果.xlsx", tmp_path / "审查意见"
    assert main(["audit", str(folder), "--feedback", str(letters), "--signer", "某县政务公开办"]) == 1
    names = sorted(p.name for p in letters.iterdir())
    assert names == ["某市乙局2024年政府信息公开工作年度报告审查意见.docx", "某市甲局2024年政府信息公开工作年度报告审查意见.docx"]
    assert "某县政务公开办" in text_of((letters / names[1]).read_bytes())[0]
    assert "已写审查意见 2 份" in capsys.readouterr().out
    before = (letters / names[0]).read_bytes()
    assert main(["audit", str(folder), "-o", str(out), "--feedback", str(letters)]) == 2
    assert "未写入任何审查意见" in capsys.readouterr().err
    assert not out.exists()  # refused before the workbook too: all or nothing
    assert main(["audit", str(folder), "-o", str(out), "--feedback", str(letters), "--force"]) == 1
    assert out.exists() and (letters / names[0]).read_bytes() != before  # rewritten (its date and time)


def test_letters_in_the_audited_folder_are_not_read_as_reports(folder, capsys):
    letters = folder / "审查意见"
    assert main(["audit", str(folder), "--feedback", str(letters)]) == 1
    capsys.readouterr()
    assert main(["audit", str(folder), "--json", "--feedback", str(letters), "--force"]) == 1  # not 2
    skipped = json.loads(capsys.readouterr().out)["skipped"]
    assert len(skipped) == 2 and all("审查意见" in s["reason"] for s in skipped)


def test_feedback_folder_that_is_a_file_is_refused_before_reading(folder, tmp_path, capsys):
    blocker = tmp_path / "审查意见"
    blocker.write_text("x")
    assert main(["audit", str(folder), "--feedback", str(blocker)]) == 2
    assert "不是文件夹" in capsys.readouterr().err


def test_signer_without_feedback_is_a_usage_error(folder, capsys):
    assert main(["audit", str(folder), "--json", "--signer", "某办"]) == 2
    assert "--feedback" in capsys.readouterr().err


def test_two_reports_of_one_unit_make_one_letter_naming_each_file(folder):
    write_report(folder, "a2.json", "某市甲局")
    review = next(r for r in reviews(api.audit([folder]).result) if r.agency == "某市甲局")
    assert sorted(review.files) == sorted([str(folder / "a.json"), str(folder / "a2.json")])
    _, rows = text_of(feedback_docx(review))
    assert all(r[1].startswith(("a.json：", "a2.json：")) for r in rows[1:] if r[0] != "序号")


def test_places_in_words_and_safe_names():
    assert place_words("表三!E7") == "工作簿“表三”表 E7 格"
    assert place_words("表三!$E$7；表三!F7") == "工作簿“表三”表 E7 格；工作簿“表三”表 F7 格"
    assert place_words("") == "整份报告"
    review = UnitReview('某市"规划/建设"局:', 2024, ["x.json"], "通过")
    assert feedback_name(review) == "某市_规划_建设_局_2024年政府信息公开工作年度报告审查意见.docx"
    unknown = UnitReview(None, 2024, ["/d/2024 报告.txt"], "未通过")
    assert feedback_name(unknown) == "未能识别机关_2024 报告审查意见.docx"
    assert safe_file_name("CON") == "_CON" and safe_file_name(" .. ") == "_"
    assert len(safe_file_name("局" * 200, ".docx").encode()) <= 205


def test_letter_with_hostile_text_stays_text():
    review = UnitReview("某局<w:p/>\x01", 2024, ["a.json"], "有警告")
    data = feedback_docx(review, signer="{{ x }}", day=dt.date(2025, 3, 1))
    paragraphs, _ = text_of(data)
    assert paragraphs[1] == "某局<w:p/>：" and "{{ x }}" in paragraphs and "2025年3月1日" in paragraphs


def test_date_and_signer_keep_with_the_last_line_of_text(folder):
    # GB/T 9704: the 落款 and the date never stand alone on a page; a letter whose findings end near
    # the bottom of a page put the date alone on the next one (seen on the Hongze reports)
    for unit, signer in (("某市甲局", "某县人民政府办公室"), ("某市乙局", None)):
        doc = Document(io.BytesIO(unit_feedback(api.audit([folder]).result, unit, signer=signer)))
        paragraphs = doc.paragraphs
        closing = 2 if signer else 1  # the signer and the date
        last_text = max(i for i, p in enumerate(paragraphs[:-closing]) if p.text.strip())
        assert paragraphs[-1].text.endswith("日")
        assert all(p.paragraph_format.keep_with_next for p in paragraphs[last_text:-1]), unit


@pytest.mark.office
def test_letter_converts_to_pdf(folder, tmp_path, soffice):
    import pypdfium2

    from xlreport.io.office import convert

    letter = tmp_path / "意见.docx"
    letter.write_bytes(unit_feedback(api.audit([folder]).result, "某市甲局"))
    pdf = pypdfium2.PdfDocument(convert(letter, "pdf", tmp_path))
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "某市甲局" in text and "审查结论" in text


def test_a_unit_titled_by_its_place_alone_gets_one_letter_under_its_fullest_name(tmp_path):
    write_report(tmp_path, "a.json", "宿迁市", lambda data: data.update({"t2.rules.issued": 99}))  # two reports
    write_report(tmp_path, "b.json", "宿迁市人民政府")
    [review] = reviews(api.audit([tmp_path]).result)
    assert review.agency == "宿迁市人民政府" and len(review.files) == 2
    assert feedback_name(review) == "宿迁市人民政府2024年政府信息公开工作年度报告审查意见.docx"


def test_a_unit_titled_by_its_place_alone_is_addressed_by_its_roster_name(tmp_path):
    """The report says 「宿迁市」, the roster 「宿迁市人民政府」: the letter goes to 宿迁市人民政府 (the
    fuller name); a roster without the place prefix does not shorten the report's full name."""
    folder = tmp_path / "reports"
    folder.mkdir()
    write_report(folder, "a.json", "宿迁市")
    write_report(folder, "b.json", "淮安市洪泽区人民政府")
    roster = tmp_path / "名单.txt"
    roster.write_text("宿迁市人民政府\n洪泽区政府\n", "utf-8")
    found = {r.files[0].rsplit("/", 1)[-1]: r for r in reviews(api.audit([folder], roster=roster).result)}
    assert found["a.json"].agency == "宿迁市人民政府"
    assert feedback_name(found["a.json"]) == "宿迁市人民政府2024年政府信息公开工作年度报告审查意见.docx"
    assert found["b.json"].agency == "淮安市洪泽区人民政府"


def test_letter_for_a_report_without_a_title_asks_for_one(fixtures_dir):
    # A published report whose agency could not be found (no title line, no page or file title)
    # has no problem saying so — only an import note — so the letter itself must tell the unit.
    report = fixtures_dir.parent / "published" / "2022_pingtan_gaj.txt"
    audited = api.audit([report])
    [review] = reviews(audited.result)
    assert not review.agency
    paragraphs, _ = text_of(feedback_docx(review))
    asks = [p for p in paragraphs if "未能识别机关名称" in p]
    assert asks and "2022年政府信息公开工作年度报告" in asks[0] and "标题" in asks[0]


def test_one_finding_in_several_files_of_one_unit_is_listed_once_with_each_file(folder):
    def another_version(data):  # the same slip in a report that differs elsewhere (not one report in two files)
        plant_balance_error(data)
        data["t2.normative_docs.repealed"] += 1

    write_report(folder, "c.json", "某市甲局", another_version)
    audited = api.audit([folder]).result
    per_file = {r.file: [p.message for p in r.problems if p.severity == "error"] for r in audited.reports
                if r.agency == "某市甲局"}
    review = next(r for r in reviews(audited) if r.agency == "某市甲局")
    assert len(review.errors) == len(per_file[str(folder / "a.json")]) > 0
    assert [f.message for f in review.errors] == per_file[str(folder / "c.json")]
    _, rows = text_of(feedback_docx(review))
    placed = [r[1] for r in rows[1:] if r[0] != "序号"]
    assert all("a.json" in p and "c.json" in p for p in placed)


def test_a_letter_cites_the_format_by_the_document_that_issued_it(fixtures_dir):
    """洪泽 2024 prints 表三 （六） in the 2019 way: its letter says 「2019 版」 and 「2021 版」 in the
    finding and names each document once; a letter that cites no format names none."""
    [review] = reviews(api.audit([fixtures_dir / "2024_hongze_qzf.txt"]).result)
    paragraphs, rows = text_of(feedback_docx(review))
    assert any("2021 版" in cell for row in rows for cell in row)
    cited = [p for p in paragraphs if p.startswith("本意见中")]
    assert cited == ["本意见中“2019 版格式”指国办公开办函〔2019〕60号《中华人民共和国政府信息公开工作年度报告格式（试行）》，"
                     "“2021 版格式”指国办公开办函〔2021〕30号《中华人民共和国政府信息公开工作年度报告格式》。"]
    [clean] = reviews(api.audit([fixtures_dir / "2024_suqian_city.json"]).result)
    assert not [p for p in text_of(feedback_docx(clean))[0] if p.startswith("本意见中")]
