"""Roster import (SPEC 2.1): all or nothing. Good and messy files go in; every bad cell is reported
with its row, column, value and reason, and a file with any problem writes nothing at all."""

import io
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from lingtouyang.audit.models import AuditEvent
from lingtouyang.core import crypto
from lingtouyang.people import roster_format as fmt
from lingtouyang.people import services
from lingtouyang.people.codes import Gender, Post
from lingtouyang.people.importer import ImportResult, Problem, import_roster
from lingtouyang.people.models import Appointment, ImportJob, Person
from lingtouyang.regions.models import Region
from tests import factories
from tests.people.conftest import counts
from tests.people.xlsx_files import corrupt_sheet, row, truncate, write_roster, write_text_as_xlsx

COMMUNITY_IN_YUSI = "510521102005"  # 兴顺社区, 喻寺镇
UNKNOWN_VILLAGE = "510521102999"

pytestmark = pytest.mark.django_db




def masked(number: str) -> str:
    return number[:6] + "********" + number[14:]


def rejected(path: Path, user=None) -> ImportResult:
    """Imports a file that must fail, and checks that nothing at all was written."""
    before = counts()
    result = import_roster(path, acting_user=user)
    assert not result.ok
    assert result.people == result.appointments == 0
    assert counts() == before
    return result


def problem_at(result: ImportResult, row: int, column: str) -> Problem:
    found = [p for p in result.problems if p.row == row and p.column == column]
    assert len(found) == 1, result.problems
    return found[0]


def file_problem(result: ImportResult) -> str:
    assert len(result.problems) == 1, result.problems
    p = result.problems[0]
    assert (p.row, p.column, p.value) == (0, "", "")
    return p.reason


# A good file ------------------------------------------------------------------------------

def test_a_good_file_imports_every_person_and_appointment(tmp_path, users):
    rows = [
        row(name="马仕彬", posts="党组织书记、村委会主任", start_date="2021-03-15", born=date(1978, 5, 20)),
        row(name="李秀英", gender="2", born=date(1990, 10, 2), posts="村委会委员", start_date="2021-03-15",
            political_status="群众", education="高中", source="大学生", phone="0830-1234567"),
        row(factories.OTHER_YUSI_VILLAGE, name="王德", born=date(1969, 12, 31), ethnicity="苗族", source="退役军人"),
    ]
    path = write_roster(tmp_path / "roster.xlsx", rows)
    before = counts()
    result = import_roster(path, acting_user=users["township"])
    assert result.ok, result.problems
    assert (result.people, result.appointments, result.rows) == (3, 3, 3)
    assert result.summary() == "Imported 3 people, 3 appointments."
    assert counts() == (before[0] + 3, before[1] + 3, before[2] + 1)  # one audit event for the import

    ma = Person.objects.get(name="马仕彬")
    assert ma.region_id == factories.TANBA
    assert (ma.gender, ma.birth_date, ma.ethnicity, ma.political_status, ma.education) == (
        Gender.MALE, date(1978, 5, 20), "01", "01", "30")
    assert (ma.phone_number(), ma.source) == ("13800000000", "migrant_worker")
    assert (ma.name_pinyin, ma.name_initials) == ("mashibin", "msb")
    number = rows[0][fmt.ID_NUMBER]
    assert ma.full_id_number() == number
    assert ma.id_masked == masked(number)
    assert ma.id_index == crypto.blind_index(number)
    # 一肩挑: one cell, two posts, both current.
    posts = Appointment.objects.current().filter(person=ma)
    assert sorted(posts.values_list("post", flat=True)) == ["party_secretary", "village_director"]
    assert {(a.term, a.start_date, a.region_id) for a in posts} == {(2021, date(2021, 3, 15), factories.TANBA)}

    li = Person.objects.get(name="李秀英")
    assert (li.gender, li.political_status, li.education, li.source, li.phone_number()) == (
        Gender.FEMALE, "13", "60", "graduate", "0830-1234567")
    wang = Person.objects.get(name="王德")
    assert (wang.region_id, wang.ethnicity, wang.source) == (factories.OTHER_YUSI_VILLAGE, "06", "veteran")
    assert not wang.appointments.exists()

    summary = AuditEvent.objects.get(action="roster.import")
    assert summary.actor == users["township"]
    # It names every person it created, by id range.
    ranges = summary.changes.pop("person_ids")
    assert summary.changes == {"file": "roster.xlsx", "people": 3, "appointments": 3}
    assert {pk for first, last in ranges for pk in range(first, last + 1)} == {p.pk for p in (ma, li, wang)}
    for event in AuditEvent.objects.all():
        assert number not in str(event.changes)


def test_an_imported_person_can_then_be_edited_through_the_services(tmp_path, users):
    path = write_roster(tmp_path / "roster.xlsx", [row(name="马仕彬")])
    assert import_roster(path, acting_user=users["township"]).ok
    person = Person.objects.get(name="马仕彬")
    services.person_update(acting_user=users["township"], person=person, phone="13900000000")
    person.refresh_from_db()
    assert person.phone_number() == "13900000000"


def test_messy_but_unambiguous_cells_are_accepted(tmp_path, users):
    number = factories.id_number("510521", date(1985, 3, 1), Gender.MALE)
    full_width = number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    spaced = f" {full_width[:6]} {full_width[6:14]}\u3000{full_width[14:]} "
    second = factories.id_number("510521", date(1979, 11, 8), Gender.FEMALE)
    third = factories.id_number("510521", date(1992, 6, 30), Gender.MALE)
    headers = ["姓名", "性别", "民族", "身份证号", "出生日期", "政治面貌", "文化程度", "所在村（社区）代码", "现任职务",
               "任职时间", "手机号码", "人员来源"]
    rows = [
        row(name=" 张 三 ", id_number=spaced, birth_date=1985.3, gender_cell=" 男 ", ethnicity="汉",
            political_status="党员", education="大专", region_code=int(factories.TANBA),
            posts=" 党组织书记 、 村委会主任 ", start_date=44270, phone="１３８ ００００ ００００", source="返乡农民工"),
        row(name="李四", id_number=second.lower(), birth_date="1979年11月", gender_cell="女", education="本科",
            posts="村委会委员", start_date="2021年3月", phone=13912345678, source=""),
        row(name="王五", id_number=third, birth_date=datetime(1992, 6, 30), posts="监委会主任",  # noqa: DTZ001 - spreadsheet cells are naive
            start_date=date(2021, 4, 2), political_status="中共预备党员", phone="+86 137 0000 0000"),
    ]
    path = write_roster(tmp_path / "messy.xlsx", rows, headers=headers, titles=["喻寺镇村（社区）干部花名册"])
    result = import_roster(path, acting_user=users["township"])
    assert result.ok, result.problems
    assert (result.people, result.appointments) == (3, 4)

    zhang = Person.objects.get(name="张三")
    assert zhang.full_id_number() == number
    assert (zhang.birth_date, zhang.phone_number(), zhang.political_status, zhang.education, zhang.source) == (
        date(1985, 3, 1), "13800000000", "01", "30", "migrant_worker")
    assert {a.post: a.start_date for a in zhang.appointments.all()} == {
        Post.PARTY_SECRETARY: date(2021, 3, 15), Post.VILLAGE_DIRECTOR: date(2021, 3, 15)}
    li = Person.objects.get(name="李四")
    assert (li.full_id_number(), li.gender, li.education, li.phone_number(), li.source) == (
        second, Gender.FEMALE, "20", "13912345678", "other")
    assert li.appointments.get().start_date == date(2021, 3, 1)
    wang = Person.objects.get(name="王五")
    assert (wang.political_status, wang.phone_number()) == ("02", "13700000000")
    assert wang.appointments.get().post == Post.SUPERVISION_CHAIR


def test_posts_may_be_separated_by_spaces_or_line_breaks(tmp_path, users):
    rows = [row(name="甲", posts="党组织书记 村委会主任", start_date="2021-03-15"),
            row(factories.OTHER_YUSI_VILLAGE, name="乙", posts="党组织书记\n村委会主任", start_date="2021-03-15"),
            row(name="丙", posts="党组织副书记，村委会副主任；监委会委员", start_date="2021-03-15")]
    result = import_roster(write_roster(tmp_path / "posts.xlsx", rows), acting_user=users["township"])
    assert result.ok, result.problems
    assert result.appointments == 7
    assert set(Person.objects.get(name="丙").appointments.values_list("post", flat=True)) == {
        "party_deputy", "village_deputy", "supervision_member"}


def test_blank_rows_between_people_are_skipped(tmp_path, users):
    rows = [row(name="甲"), {}, row(name="乙")]
    result = import_roster(write_roster(tmp_path / "gaps.xlsx", rows), acting_user=users["township"])
    assert result.ok, result.problems
    assert (result.people, result.rows) == (2, 2)


def test_the_downloadable_template_imports_nothing_and_says_so(tmp_path, client, users):
    client.force_login(users["township"])
    response = client.get(reverse("people:import_template"))
    path = tmp_path / "template.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    with translation.override("en"):  # the request left its own language active
        result = rejected(path, users["township"])
    assert "headers but no rows" in file_problem(result)


def test_the_templates_headers_and_example_row_import(tmp_path):
    from lingtouyang.people.template import EXAMPLE, write_template

    template = tmp_path / "template.xlsx"
    write_template(template)
    book = openpyxl.load_workbook(template)
    assert [c.value for c in book.worksheets[0][1]] == fmt.HEADERS
    # Someone will copy the example into the data sheet: it must be a row the importer takes.
    example = dict(zip(fmt.HEADERS, EXAMPLE, strict=True))
    result = import_roster(write_roster(tmp_path / "example.xlsx", [example]))
    assert result.ok, result.problems
    assert Person.objects.get().region_id == example[fmt.REGION_CODE]


# Bad files --------------------------------------------------------------------------------

def test_it_rejects_a_text_file(tmp_path):
    result = rejected(write_text_as_xlsx(tmp_path / "roster.xlsx", "姓名\t公民身份号码\n张三\t510502198503011235\n"))
    assert "not an .xlsx file" in file_problem(result)


def test_it_rejects_a_renamed_csv(tmp_path):
    content = ",".join(fmt.HEADERS) + "\n" + ",".join(str(v) for v in row().values()) + "\n"
    result = rejected(write_text_as_xlsx(tmp_path / "roster.csv.xlsx", content))
    assert "not an .xlsx file" in file_problem(result)


def test_it_rejects_an_empty_file(tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    assert "not an .xlsx file" in file_problem(rejected(path))


def test_it_rejects_a_truncated_zip(tmp_path):
    good = write_roster(tmp_path / "good.xlsx", [row()])
    result = rejected(truncate(good, tmp_path / "cut.xlsx"))
    assert "damaged" in file_problem(result)


def test_it_rejects_a_zip_with_garbled_data(tmp_path):
    good = write_roster(tmp_path / "good.xlsx", [row(name=f"人{i}", seq=i) for i in range(30)])
    result = rejected(corrupt_sheet(good, tmp_path / "garbled.xlsx"))
    assert "damaged" in file_problem(result)


def test_it_rejects_a_zip_that_is_not_a_workbook(tmp_path):
    import zipfile

    path = tmp_path / "document.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    assert "damaged" in file_problem(rejected(path))


def test_it_rejects_an_empty_workbook(tmp_path):
    path = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(path)
    assert "No header row found" in file_problem(rejected(path))


def test_it_rejects_headers_without_rows(tmp_path):
    path = write_roster(tmp_path / "headers.xlsx", [])
    assert "headers but no rows" in file_problem(rejected(path))


def test_it_rejects_missing_required_headers(tmp_path):
    headers = [h for h in fmt.HEADERS if h not in (fmt.POLITICAL_STATUS, fmt.EDUCATION)]
    reason = file_problem(rejected(write_roster(tmp_path / "missing.xlsx", [row()], headers=headers)))
    assert "Required columns are missing" in reason
    assert fmt.POLITICAL_STATUS in reason and fmt.EDUCATION in reason


def test_it_rejects_a_file_without_the_name_or_id_header(tmp_path):
    headers = [h for h in fmt.HEADERS if h != fmt.ID_NUMBER]
    reason = file_problem(rejected(write_roster(tmp_path / "noid.xlsx", [row()], headers=headers)))
    assert "No header row found" in reason


@pytest.mark.parametrize("extra", [fmt.PHONE, "身份证号"])
def test_it_rejects_a_duplicated_header(tmp_path, extra):
    headers = [*fmt.HEADERS, extra]
    reason = file_problem(rejected(write_roster(tmp_path / "twice.xlsx", [row()], headers=headers)))
    assert "appears twice" in reason
    assert fmt.ALIASES.get(extra, extra) in reason


def test_it_rejects_too_many_rows(tmp_path, settings):
    settings.IMPORT_MAX_ROWS = 3
    rows = [row(name=f"人{i}", seq=i) for i in range(4)]
    reason = file_problem(rejected(write_roster(tmp_path / "big.xlsx", rows)))
    assert "at most 3 can be imported" in reason


def test_it_accepts_exactly_the_most_rows(tmp_path, settings, users):
    settings.IMPORT_MAX_ROWS = 3
    rows = [row(name=f"人{i}", seq=i) for i in range(3)]
    result = import_roster(write_roster(tmp_path / "full.xlsx", rows), acting_user=users["township"])
    assert result.ok, result.problems
    assert result.people == 3


def test_it_rejects_a_formula(tmp_path):
    def formula(sheet):
        sheet["K3"] = "=\"138\"&\"00000000\""

    path = write_roster(tmp_path / "formula.xlsx", [row(), row(name="李四")], tweak=formula)
    reason = file_problem(rejected(path))
    assert "K3 holds a formula" in reason


def test_it_rejects_merged_cells(tmp_path):
    def merge(sheet):
        sheet.merge_cells("H2:H3")

    rows = [row(name="甲"), row(name="乙", region_code=None)]
    reason = file_problem(rejected(write_roster(tmp_path / "merged.xlsx", rows, tweak=merge)))
    assert "merged cells (e.g. at row 2)" in reason


# Bad cells --------------------------------------------------------------------------------

def test_it_rejects_an_id_number_twice_in_the_file(tmp_path, users):
    first = row(name="甲")
    rows = [first, row(name="乙"), row(name="丙", id_number=" " + first[fmt.ID_NUMBER].lower())]
    result = rejected(write_roster(tmp_path / "dup.xlsx", rows), users["township"])
    p = problem_at(result, 4, fmt.ID_NUMBER)
    assert p.value == masked(first[fmt.ID_NUMBER])
    assert p.reason == "the same ID number is on row 2"
    assert len(result.problems) == 1


def test_it_rejects_an_id_number_already_on_the_roster(tmp_path, users):
    existing = factories.make_person(factories.TANBA, name="张三", born=date(1980, 1, 1))
    number = existing.full_id_number()
    result = rejected(write_roster(tmp_path / "again.xlsx", [row(name="甲"), row(id_number=number, born=date(1980, 1, 1))]),
                      users["township"])
    p = problem_at(result, 3, fmt.ID_NUMBER)
    assert p.value == masked(number)
    assert p.reason == "a person with this ID number is already on the roster"


@pytest.mark.parametrize("code, reason", [
    (UNKNOWN_VILLAGE, "no such village or community"),
    (factories.YUSI, "this region is not a village or community"),
    ("510521000000", "this region is not a village or community"),
])
def test_it_rejects_a_code_that_is_not_a_known_village(tmp_path, users, code, reason):
    result = rejected(write_roster(tmp_path / "code.xlsx", [row(), row(name="李四", region_code=code)]), users["township"])
    p = problem_at(result, 3, fmt.REGION_CODE)
    assert (p.value, p.reason) == (code, reason)


@pytest.mark.parametrize("code", ["51052110223", "5105211022377", "51052110223A"])
def test_it_rejects_a_code_that_is_not_12_digits(tmp_path, users, code):
    result = rejected(write_roster(tmp_path / "code.xlsx", [row(region_code=code)]), users["township"])
    assert problem_at(result, 2, fmt.REGION_CODE).reason == "a village or community code has 12 digits"


def test_it_rejects_a_village_outside_the_users_jurisdiction(tmp_path, users):
    rows = [row(), row(factories.GULIN_VILLAGE, name="古蔺人")]
    result = rejected(write_roster(tmp_path / "gulin.xlsx", rows), users["township"])
    p = problem_at(result, 3, fmt.REGION_CODE)
    assert (p.value, p.reason) == (factories.GULIN_VILLAGE, "this village or community is outside your jurisdiction")
    assert len(result.problems) == 1


def test_it_rejects_a_user_who_may_not_import(tmp_path, users):
    result = rejected(write_roster(tmp_path / "roster.xlsx", [row()]), users["village"])
    assert "may not import" in file_problem(result)


def test_it_rejects_a_villagers_committee_post_in_a_community(tmp_path, users):
    rows = [row(COMMUNITY_IN_YUSI, posts="党组织书记、村委会主任", start_date="2021-03-15")]
    result = rejected(write_roster(tmp_path / "post.xlsx", rows), users["township"])
    p = problem_at(result, 2, fmt.POSTS)
    assert (p.value, p.reason) == ("村委会主任", "a community has a residents' committee, not a villagers' committee")


def test_it_rejects_a_residents_committee_post_in_a_village(tmp_path, users):
    rows = [row(posts="居委会主任", start_date="2021-03-15")]
    result = rejected(write_roster(tmp_path / "post.xlsx", rows), users["township"])
    p = problem_at(result, 2, fmt.POSTS)
    assert (p.value, p.reason) == ("居委会主任", "a village has a villagers' committee, not a residents' committee")


def test_it_rejects_two_party_secretaries_for_one_village(tmp_path, users):
    rows = [row(name="甲", posts="党组织书记", start_date="2021-03-15"),
            row(factories.OTHER_YUSI_VILLAGE, name="乙", posts="党支部书记", start_date="2021-03-15"),
            row(name="丙", posts="村委会委员、党支部书记", start_date="2021-03-15")]
    result = rejected(write_roster(tmp_path / "two.xlsx", rows), users["township"])
    p = problem_at(result, 4, fmt.POSTS)
    assert (p.value, p.reason) == ("党组织书记", "row 2 already gives this village this post")
    assert len(result.problems) == 1


def test_it_rejects_a_secretary_where_the_village_already_has_one(tmp_path, users):
    incumbent = factories.make_person(factories.TANBA, name="马仕彬", born=date(1978, 5, 20))
    services.appointment_create(acting_user=None, person=incumbent, region=Region.objects.get(code=factories.TANBA),
                                post=Post.PARTY_SECRETARY, start_date=date(2021, 3, 1))
    rows = [row(name="新书记", posts="党组织书记", start_date="2024-01-02")]
    result = rejected(write_roster(tmp_path / "second.xlsx", rows), users["township"])
    p = problem_at(result, 2, fmt.POSTS)
    assert (p.value, p.reason) == ("党组织书记", "this village already has a holder of this post on or after this start date")


@pytest.mark.parametrize("column, value, reason", [
    (fmt.POSTS, "村长", "not a post we know"),
    (fmt.POLITICAL_STATUS, "党外人士", "not a political status we know"),
    (fmt.EDUCATION, "大学肄业", "not an education level we know"),
    (fmt.ETHNICITY, "火星族", "not one of the 56 ethnic groups"),
    (fmt.SOURCE, "外来务工", "not a source we know"),
    (fmt.GENDER, "M", "write 男 or 女"),
])
def test_it_rejects_an_unknown_code(tmp_path, users, column, value, reason):
    cells = {column: value, fmt.START_DATE: "2021-03-15"}
    result = rejected(write_roster(tmp_path / "code.xlsx", [row(), row(name="李四", **cells)]), users["township"])
    p = problem_at(result, 3, column)
    assert p.value == value
    assert reason in p.reason


def test_it_rejects_a_post_listed_twice_in_one_cell(tmp_path, users):
    rows = [row(posts="村委会委员、村民委员会委员", start_date="2021-03-15")]
    result = rejected(write_roster(tmp_path / "twice.xlsx", rows), users["township"])
    assert problem_at(result, 2, fmt.POSTS).reason == "this post is listed twice"


def test_it_rejects_a_start_date_in_the_future(tmp_path, users):
    tomorrow = timezone.localdate() + timedelta(days=1)
    rows = [row(posts="村委会委员", start_date=tomorrow.isoformat())]
    result = rejected(write_roster(tmp_path / "future.xlsx", rows), users["township"])
    p = problem_at(result, 2, fmt.START_DATE)
    assert (p.value, p.reason) == (tomorrow.isoformat(), "the start date is in the future")


def test_it_rejects_a_start_date_before_the_birth_date(tmp_path, users):
    rows = [row(born=date(1985, 3, 1), posts="村委会委员", start_date="1984-01-01")]
    result = rejected(write_roster(tmp_path / "early.xlsx", rows), users["township"])
    assert problem_at(result, 2, fmt.START_DATE).reason == "the start date is before the birth date"


def test_it_rejects_a_post_without_a_start_date(tmp_path, users):
    rows = [row(posts="村委会委员", start_date="")]
    result = rejected(write_roster(tmp_path / "nostart.xlsx", rows), users["township"])
    p = problem_at(result, 2, fmt.START_DATE)
    assert (p.value, p.reason) == ("", "a start date is required when a post is given")


def test_it_rejects_an_ambiguous_start_date(tmp_path, users):
    rows = [row(posts="村委会委员", start_date=2021.1)]
    result = rejected(write_roster(tmp_path / "ambiguous.xlsx", rows), users["township"])
    p = problem_at(result, 2, fmt.START_DATE)
    assert p.value == "2021.1"
    assert "ambiguous (January or October?)" in p.reason


@pytest.mark.parametrize("column", [fmt.NAME, fmt.POLITICAL_STATUS, fmt.EDUCATION, fmt.REGION_CODE])
def test_it_rejects_an_empty_required_cell(tmp_path, users, column):
    result = rejected(write_roster(tmp_path / "empty.xlsx", [row(**{column: "  "})]), users["township"])
    p = problem_at(result, 2, column)
    assert (p.value, p.reason) == ("", "this cell is required")


def test_it_rejects_a_wrong_check_character_and_shows_the_number_masked(tmp_path, users):
    good = factories.id_number("510521", date(1985, 3, 1))
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    result = rejected(write_roster(tmp_path / "check.xlsx", [row(id_number=wrong)]), users["township"])
    p = problem_at(result, 2, fmt.ID_NUMBER)
    assert p.value == masked(wrong)
    assert "check character is wrong" in p.reason
    assert wrong not in "\n".join(result.report_lines())


def test_it_masks_an_id_number_typed_into_another_column(tmp_path, users):
    number = factories.id_number("510521", date(1985, 3, 1))
    spaced = f"{number[:6]} {number[6:14]} {number[14:]}"
    result = rejected(write_roster(tmp_path / "shifted.xlsx", [row(phone=spaced, source=number)]), users["township"])
    assert problem_at(result, 2, fmt.PHONE).value == masked(number)
    assert problem_at(result, 2, fmt.SOURCE).value == masked(number)
    assert number[6:14] not in "\n".join(result.report_lines())


def test_it_masks_an_id_number_of_the_wrong_length_entirely(tmp_path, users):
    short = factories.id_number("510521")[:17]
    result = rejected(write_roster(tmp_path / "short.xlsx", [row(id_number=short)]), users["township"])
    assert problem_at(result, 2, fmt.ID_NUMBER).value == "*" * 17


def test_it_rejects_a_birth_date_or_gender_that_disagrees_with_the_id_number(tmp_path, users):
    rows = [row(born=date(1985, 3, 1), birth_date="1985-03-02"),
            row(name="李四", born=date(1985, 3, 1), birth_date="1985.4"),
            row(name="王五", gender="1", gender_cell="女")]
    result = rejected(write_roster(tmp_path / "disagree.xlsx", rows), users["township"])
    assert "does not agree with the ID number (1985-03-01)" in problem_at(result, 2, fmt.BIRTH_DATE).reason
    assert "does not agree with the ID number (1985-03-01)" in problem_at(result, 3, fmt.BIRTH_DATE).reason
    assert problem_at(result, 4, fmt.GENDER).reason == "the gender does not agree with the ID number"


def test_it_rejects_an_implausible_age(tmp_path, users):
    born = timezone.localdate().replace(month=1, day=1) - timedelta(days=365 * 10)
    number = factories.id_number("510521", born)
    result = rejected(write_roster(tmp_path / "child.xlsx", [row(id_number=number, birth_date="")]), users["township"])
    p = problem_at(result, 2, fmt.ID_NUMBER)
    assert p.value == masked(number)
    assert "not plausible for a cadre" in p.reason


def test_it_rejects_a_bad_phone(tmp_path, users):
    result = rejected(write_roster(tmp_path / "phone.xlsx", [row(phone="1380000")]), users["township"])
    p = problem_at(result, 2, fmt.PHONE)
    assert p.value == "1380000"
    assert "not a mobile number" in p.reason


def test_it_reports_every_bad_cell_of_a_row(tmp_path, users):
    rows = [row(id_number="51052119850301123", birth_date="yesterday", education="幼儿园", phone="12",
                posts="村长", start_date="someday")]
    result = rejected(write_roster(tmp_path / "bad.xlsx", rows), users["township"])
    columns = {p.column for p in result.problems if p.row == 2}
    assert columns == {fmt.ID_NUMBER, fmt.BIRTH_DATE, fmt.EDUCATION, fmt.PHONE, fmt.POSTS, fmt.START_DATE}


def test_it_reports_the_rows_as_excel_numbers_them(tmp_path, users):
    rows = [row(name="甲"), row(name="乙", education="未知")]
    path = write_roster(tmp_path / "offset.xlsx", rows, leading_blank_rows=1, titles=["花名册", "2024年"])
    result = rejected(path, users["township"])
    # blank row 1, titles on rows 2-3, headers on row 4: 乙 is on row 6
    assert problem_at(result, 6, fmt.EDUCATION).value == "未知"


def test_problems_of_many_rows_are_all_reported(tmp_path, users):
    rows = [row(name=f"人{i}", seq=i, education="未知" if i % 2 else "高中") for i in range(10)]
    result = rejected(write_roster(tmp_path / "many.xlsx", rows), users["township"])
    assert [p.row for p in result.problems] == [3, 5, 7, 9, 11]
    assert result.summary() == "Nothing was imported: 5 problems found."
    lines = result.report_lines()
    assert len(lines) == 6
    assert lines[1] == f"row 3, {fmt.EDUCATION} «未知»: not an education level we know (e.g. 大专, 高中)"


# Languages --------------------------------------------------------------------------------

def test_messages_are_in_english_when_english_is_active(tmp_path, users):
    path = write_roster(tmp_path / "gulin.xlsx", [row(factories.GULIN_VILLAGE)])
    with translation.override("en"):
        result = rejected(path, users["township"])
    assert problem_at(result, 2, fmt.REGION_CODE).reason == "this village or community is outside your jurisdiction"
    assert result.summary() == "Nothing was imported: 1 problem found."


def test_messages_are_in_chinese_when_chinese_is_active(tmp_path, users):
    path = write_roster(tmp_path / "gulin.xlsx", [row(factories.GULIN_VILLAGE)])
    with translation.override("zh-hans"):
        result = rejected(path, users["township"])
        lines = result.report_lines()
    # The catalogue translates this message now ("该村(社区)不在您的管辖范围内"); should it lose the
    # translation, the English text comes back and this fails, as it should.
    assert "管辖" in problem_at(result, 2, fmt.REGION_CODE).reason
    # The summary became plural-aware (ngettext) and its Chinese is not in the catalogue yet, so only
    # the count is checked; once translated, assert "未导入" in lines[0] here.
    assert "1" in lines[0]
    # The column is the format's own Chinese header whatever the language.
    assert fmt.REGION_CODE in lines[1]


def test_file_level_messages_follow_the_language_too(tmp_path):
    path = write_text_as_xlsx(tmp_path / "roster.xlsx", "not a workbook")
    with translation.override("zh-hans"):
        reason = file_problem(rejected(path))
    assert ".xlsx" in reason and "Excel" in reason
    assert "not an .xlsx file" not in reason


# The web upload ---------------------------------------------------------------------------

def _upload(client, path: Path):
    with path.open("rb") as fh:
        return client.post(reverse("people:import"), {"file": fh}, follow=True)


def test_the_upload_page_imports_a_good_file_and_shows_the_result(tmp_path, client, users, upload_dir):
    client.force_login(users["township"])
    path = write_roster(tmp_path / "roster.xlsx", [row(name="马仕彬", posts="党组织书记、村委会主任",
                                                       start_date="2021-03-15"), row(name="李秀英", gender="2")])
    response = _upload(client, path)
    assert response.status_code == 200
    job = ImportJob.objects.get()
    assert response.redirect_chain == [(reverse("people:import_status", args=[job.pk]), 302)]
    assert job.status == ImportJob.Status.DONE
    assert (job.people, job.appointments, job.created_by) == (2, 2, users["township"])
    body = response.content.decode()
    assert 'id="import-result"' in body
    assert job.report[0] in body
    with translation.override(job.language):
        expected = ImportResult(people=2, appointments=2).summary()
    assert job.report[0] == expected
    assert set(Person.objects.values_list("name", flat=True)) == {"马仕彬", "李秀英"}
    assert list(upload_dir.glob("import-*")) == []  # the upload holds full ID numbers: not kept
    summary = AuditEvent.objects.get(action="roster.import")
    assert summary.actor == users["township"]
    assert summary.changes["file"] == "roster.xlsx"  # as the officer named it, not as stored


def test_the_upload_page_lists_the_problems_of_a_bad_file(tmp_path, client, users, upload_dir):
    client.force_login(users["township"])
    bad = factories.id_number("510521")
    bad = bad[:17] + ("0" if bad[17] != "0" else "1")
    rows = [row(id_number=bad), row(name="李四", education="未知")]
    before = counts()
    response = _upload(client, write_roster(tmp_path / "bad.xlsx", rows))
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    assert counts() == before
    body = response.content.decode()
    assert 'id="import-problems"' in body
    assert len(job.report) == 3
    for line in job.report:
        assert escape(line) in body
    assert masked(bad) in body
    assert bad not in body


def test_the_upload_page_rejects_a_text_file_with_a_message(tmp_path, client, users, upload_dir):
    client.force_login(users["township"])
    response = _upload(client, write_text_as_xlsx(tmp_path / "roster.xlsx", "姓名,公民身份号码\n"))
    # Refused at the upload by its content: no job, nothing stored, the reason on the page.
    assert response.status_code == 200 and not ImportJob.objects.exists()
    assert ".xlsx" in response.content.decode()
    assert list(upload_dir.glob("import-*")) == []


def test_the_upload_page_is_refused_to_roles_that_may_not_import(tmp_path, client, users, upload_dir):
    client.force_login(users["village"])
    response = _upload(client, write_roster(tmp_path / "roster.xlsx", [row()]))
    assert response.status_code == 403
    assert not ImportJob.objects.exists()
    assert not Person.objects.exists()


# The command line -------------------------------------------------------------------------

def test_the_import_command_imports_and_prints_the_summary(tmp_path):
    path = write_roster(tmp_path / "roster.xlsx", [row(posts="党组织书记、村委会主任", start_date="2021-03-15"),
                                                   row(factories.GULIN_VILLAGE, name="古蔺人")])
    out = io.StringIO()
    call_command("import_roster", str(path), stdout=out)
    assert out.getvalue().strip() == "Imported 2 people, 2 appointments."
    assert Person.objects.count() == 2
    event = AuditEvent.objects.get(action="roster.import")
    assert (event.actor, event.actor_name) == (None, "cli")


def test_the_import_command_exits_1_and_prints_every_problem(tmp_path):
    rows = [row(education="未知"), row(name="李四", phone="12"), row(name="王五", posts="村长", start_date="2021-03-15")]
    path = write_roster(tmp_path / "bad.xlsx", rows)
    out, err = io.StringIO(), io.StringIO()
    before = counts()
    with pytest.raises(SystemExit) as exc:
        call_command("import_roster", str(path), stdout=out, stderr=err)
    assert exc.value.code == 1
    assert counts() == before
    printed = err.getvalue()
    assert "Nothing was imported: 3 problems found." in printed
    assert f"row 2, {fmt.EDUCATION} «未知»" in printed
    assert f"row 3, {fmt.PHONE} «12»" in printed
    assert f"row 4, {fmt.POSTS} «村长»" in printed
    assert out.getvalue() == ""


def test_the_import_command_applies_the_jurisdiction_of_as(tmp_path, users):
    path = write_roster(tmp_path / "roster.xlsx", [row(factories.GULIN_VILLAGE)])
    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("import_roster", str(path), "--as", "township", stderr=err)
    assert "outside your jurisdiction" in err.getvalue()
    assert not Person.objects.exists()


# Export, and back -------------------------------------------------------------------------

def _read_xlsx(path: Path) -> list[list]:
    book = openpyxl.load_workbook(path, read_only=True)
    return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]


@pytest.fixture
def roster(tmp_path, users):
    rows = [
        row(name="马仕彬", born=date(1978, 5, 20), posts="党组织书记、村委会主任", start_date="2021-03-15"),
        row(name="李秀英", gender="2", born=date(1990, 10, 2), posts="村委会委员", start_date="2022-01-04",
            education="高中", political_status="群众", source="大学生", phone="0830-1234567"),
        row(factories.OTHER_YUSI_VILLAGE, name="王德", born=date(1969, 12, 31), ethnicity="苗族"),
        row(factories.GULIN_VILLAGE, name="古蔺人"),
    ]
    assert import_roster(write_roster(tmp_path / "roster.xlsx", rows)).ok
    return rows


def test_the_export_command_masks_id_numbers(tmp_path, roster):
    path = tmp_path / "export.xlsx"
    out = io.StringIO()
    call_command("export_roster", "--region", "510521102", "-o", str(path), stdout=out)
    assert out.getvalue().startswith("3 people")
    sheet = _read_xlsx(path)
    assert sheet[0] == fmt.HEADERS
    numbers = {r[fmt.HEADERS.index(fmt.ID_NUMBER)] for r in sheet[1:]}
    assert numbers == {masked(r[fmt.ID_NUMBER]) for r in roster[:3]}
    assert {r[0] for r in sheet[1:]} == {"马仕彬", "李秀英", "王德"}  # 古蔺县 is not in 喻寺镇
    event = AuditEvent.objects.get(action="export.people")
    assert event.changes["full_id"] is False


def test_the_export_command_writes_full_numbers_only_when_asked(tmp_path, roster):
    path = tmp_path / "export.xlsx"
    call_command("export_roster", "--region", factories.YUSI, "-o", str(path), "--full-id", stdout=io.StringIO())
    sheet = _read_xlsx(path)
    assert {r[fmt.HEADERS.index(fmt.ID_NUMBER)] for r in sheet[1:]} == {r[fmt.ID_NUMBER] for r in roster[:3]}
    assert AuditEvent.objects.get(action="export.people").changes["full_id"] is True


def test_an_exported_file_imports_again_into_an_empty_roster(tmp_path, roster, users):
    path = tmp_path / "export.xlsx"
    call_command("export_roster", "--region", factories.YUSI, "-o", str(path), "--full-id", stdout=io.StringIO())
    fields = ["name", "gender", "ethnicity", "birth_date", "id_index", "political_status", "education", "region_id",
              "phone_masked", "source"]
    people = sorted(Person.objects.within("510521102").values_list(*fields))
    posts = sorted(Appointment.objects.within("510521102").values_list("person__name", "post", "start_date", "term"))
    Appointment.objects.all().delete()
    Person.objects.all().delete()

    result = import_roster(path, acting_user=users["township"])
    assert result.ok, result.problems
    assert sorted(Person.objects.values_list(*fields)) == people
    assert sorted(Appointment.objects.values_list("person__name", "post", "start_date", "term")) == posts


def test_a_masked_export_cannot_be_imported_by_mistake(tmp_path, roster, users):
    path = tmp_path / "export.xlsx"
    call_command("export_roster", "--region", factories.YUSI, "-o", str(path), stdout=io.StringIO())
    Appointment.objects.all().delete()
    Person.objects.all().delete()
    result = rejected(path, users["township"])
    assert {p.column for p in result.problems} == {fmt.ID_NUMBER}
    assert all(p.value == "*" * 18 or "********" in p.value for p in result.problems)


# ID numbers typed into number cells -------------------------------------------------------

def test_an_id_number_in_a_number_cell_is_explained_and_masked(tmp_path, users):
    number = next(n for n in (factories.id_number("510521", date(1985, 3, 1)) for _ in range(20)) if n[-1] != "X")
    rows = [row(id_number=int(number), birth_date=""), row(name="李四", birth_date=int(number)),
            row(name="王五", posts="村委会委员", start_date=float(number)), row(name="赵六", phone=int(number))]
    result = rejected(write_roster(tmp_path / "numbers.xlsx", rows), users["township"])
    p = problem_at(result, 2, fmt.ID_NUMBER)
    assert "Excel stored the ID number as a number" in p.reason
    assert p.value.startswith(number[:6] + "********")
    for r, column in ((3, fmt.BIRTH_DATE), (4, fmt.START_DATE), (5, fmt.PHONE)):
        p = problem_at(result, r, column)
        assert p.value.startswith(number[:6] + "********"), p
        assert "********" in p.reason, p
    report = "\n".join(result.report_lines())
    # Neither the birth date nor the digits around it, in any form: 19850301, 5.1052119850301…e+17.
    assert number[6:14] not in report
    assert "e+17" not in report.lower()


def _former_secretary(end: date) -> None:
    incumbent = factories.make_person(factories.TANBA, name="马仕彬", born=date(1978, 5, 20))
    services.appointment_create(acting_user=None, person=incumbent, region=Region.objects.get(code=factories.TANBA),
                                post=Post.PARTY_SECRETARY, start_date=date(2016, 3, 1), end_date=end, end_reason="换届")


def test_it_rejects_a_secretary_starting_before_the_former_one_ended(tmp_path, users):
    _former_secretary(date(2021, 3, 1))
    rows = [row(name="新书记", posts="党组织书记", start_date="2020-01-02")]
    result = rejected(write_roster(tmp_path / "early.xlsx", rows), users["township"])
    p = problem_at(result, 2, fmt.POSTS)
    assert (p.value, p.reason) == ("党组织书记", "this village already has a holder of this post on or after this start date")


def test_a_secretary_may_start_the_day_the_former_one_ended(tmp_path, users):
    _former_secretary(date(2021, 3, 1))
    rows = [row(name="新书记", posts="党组织书记", start_date="2021-03-01")]
    result = import_roster(write_roster(tmp_path / "successor.xlsx", rows), acting_user=users["township"])
    assert result.ok, result.problems


def test_id_ranges_compress_consecutive_ids():
    from lingtouyang.people.importer import id_ranges

    assert id_ranges([5, 3, 4, 9, 10, 12]) == [[3, 5], [9, 10], [12, 12]]
    assert id_ranges(list(range(1, 100_001))) == [[1, 100_000]]
    assert id_ranges([]) == []
