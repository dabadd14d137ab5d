"""parse_date, parse_phone and text: messy spreadsheet cells, accepted when unambiguous."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from lingtouyang.people.normalize import (
    CellError,
    Precision,
    parse_date,
    parse_phone,
    parse_region_code,
    text,
)

MARCH_1 = date(1985, 3, 1)



# parse_date -------------------------------------------------------------------------------

@pytest.mark.parametrize("cell", ["1985-03-01", "1985-3-1", "1985/3/1", "1985/03/01", "1985.3.1", "19850301",
                                  "1985年3月1日", "1985年03月01日", "1985年3月1", " 1985-03-01 ", "１９８５-０３-０１",
                                  "１９８５年３月１日", "1985\u3000-03-01"])
def test_it_reads_a_day(cell):
    assert parse_date(cell) == (MARCH_1, Precision.DAY)


@pytest.mark.parametrize("cell", ["1985.3", "1985.03", "1985-3", "1985/03", "1985年3月", "1985年03月", "198503",
                                  1985.3, 1985.03, "１９８５.３"])
def test_it_reads_a_month(cell):
    assert parse_date(cell) == (MARCH_1, Precision.MONTH)


def test_it_reads_december_and_november_typed_as_numbers():
    assert parse_date(1985.12) == (date(1985, 12, 1), Precision.MONTH)
    assert parse_date(1985.11) == (date(1985, 11, 1), Precision.MONTH)


@pytest.mark.parametrize("cell", [31107, 31107.0, 31107.75, "31107"])
def test_it_reads_an_excel_serial_number(cell):
    assert parse_date(cell) == (MARCH_1, Precision.DAY)


def test_it_reads_a_later_excel_serial_number():
    assert parse_date(44270) == (date(2021, 3, 15), Precision.DAY)


def test_it_takes_dates_and_datetimes_as_they_are():
    assert parse_date(MARCH_1) == (MARCH_1, Precision.DAY)
    assert parse_date(datetime(1985, 3, 1, 23, 59)) == (MARCH_1, Precision.DAY)  # noqa: DTZ001 - spreadsheet cells are naive


def test_it_rejects_1985_1_typed_as_a_number_as_ambiguous():
    # Excel shows 1985.10 as 1985.1: January or October cannot be told apart.
    with pytest.raises(CellError) as exc:
        parse_date(1985.1)
    assert "ambiguous" in exc.value.message
    assert "January or October" in exc.value.message


def test_it_reads_1985_1_typed_as_text_as_january():
    assert parse_date("1985.1") == (date(1985, 1, 1), Precision.MONTH)
    assert parse_date("1985.10") == (date(1985, 10, 1), Precision.MONTH)


@pytest.mark.parametrize("cell", ["85-03-01", "85.3", "85年3月", "85/3/1"])
def test_it_rejects_a_two_digit_year(cell):
    with pytest.raises(CellError) as exc:
        parse_date(cell)
    assert "not a date we can read unambiguously" in exc.value.message
    assert "1985-03-01" in exc.value.message


def test_it_rejects_a_two_digit_year_run_together():
    # 850301 reads as year 8503, month 01: out of range, so rejected rather than guessed.
    with pytest.raises(CellError) as exc:
        parse_date("850301")
    assert "8503" in exc.value.message


@pytest.mark.parametrize("cell", ["3/1/1985", "01/03/1985", "1-3-1985"])
def test_it_rejects_day_and_month_before_the_year(cell):
    with pytest.raises(CellError) as exc:
        parse_date(cell)
    assert cell in exc.value.message


@pytest.mark.parametrize("cell", ["garbage", "一九八五年三月", "1985-03-01x", "yesterday", "1985--03"])
def test_it_rejects_garbage(cell):
    with pytest.raises(CellError) as exc:
        parse_date(cell)
    assert "write it as 1985-03-01" in exc.value.message


@pytest.mark.parametrize("cell", [1985, 1985.0, "1985"])
def test_it_rejects_a_bare_year(cell):
    with pytest.raises(CellError) as exc:
        parse_date(cell)
    assert "1985" in exc.value.message
    assert "write it as 1985-03-01" in exc.value.message


@pytest.mark.parametrize("cell", ["1985-02-30", "1985-13-01", "1985年13月", 1985.13, "19850230"])
def test_it_rejects_a_date_that_does_not_exist(cell):
    with pytest.raises(CellError) as exc:
        parse_date(cell)
    assert exc.value.message == "there is no such date"


@pytest.mark.parametrize("cell", [1985.001, 1985.999, 1985.123, 1985.5001])
def test_it_rejects_a_number_with_more_than_a_month_after_the_point(cell):
    with pytest.raises(CellError) as exc:
        parse_date(cell)
    assert "is not a date" in exc.value.message


@pytest.mark.parametrize("cell", ["1850-03-01", "2150-01-01"])
def test_it_rejects_a_year_out_of_range(cell):
    with pytest.raises(CellError) as exc:
        parse_date(cell)
    assert "out of range" in exc.value.message


@pytest.mark.parametrize("cell", ["", "  ", None, "\u3000"])
def test_it_asks_for_a_missing_date(cell):
    with pytest.raises(CellError) as exc:
        parse_date(cell)
    assert exc.value.message == "a date is required"


def test_it_rejects_a_boolean():
    with pytest.raises(CellError):
        parse_date(True)


def test_date_messages_follow_the_active_language():
    with translation.override("zh-hans"), pytest.raises(CellError) as exc:
        parse_date(1985.1)
    assert "1月还是10月" in exc.value.message


days = st.dates(min_value=date(1930, 1, 1), max_value=date(2030, 12, 31))


@given(day=days)
def test_an_iso_date_parses_back_to_itself(day):
    assert parse_date(day.isoformat()) == (day, Precision.DAY)


@given(day=days)
def test_a_chinese_date_parses_back_to_itself(day):
    assert parse_date(f"{day.year}年{day.month}月{day.day}日") == (day, Precision.DAY)


@given(day=days, fraction=st.floats(min_value=0, max_value=0.999))
def test_an_excel_serial_parses_back_to_itself(day, fraction):
    serial = (day - date(1899, 12, 30)).days  # Excel's 1900 date system, after its 1900-02-29 bug
    assert parse_date(serial) == (day, Precision.DAY)
    assert parse_date(serial + fraction) == (day, Precision.DAY)


@given(day=days)
def test_an_excel_serial_is_one_more_each_day(day):
    assert parse_date((day - date(1899, 12, 30)).days + 1)[0] == day + timedelta(days=1)


@given(year=st.integers(1930, 2030), month=st.sampled_from([2, 3, 4, 5, 6, 7, 8, 9, 11, 12]))
def test_a_month_typed_as_a_number_parses_back_to_itself(year, month):
    assert parse_date(float(f"{year}.{month}")) == (date(year, month, 1), Precision.MONTH)


@given(year=st.integers(1930, 2030))
def test_a_number_ending_in_point_1_is_always_ambiguous(year):
    with pytest.raises(CellError):
        parse_date(float(f"{year}.1"))


# parse_phone ------------------------------------------------------------------------------

@pytest.mark.parametrize("cell", ["13800000000", "138 0000 0000", "138-0000-0000", "+86 138 0000 0000", "+8613800000000",
                                  "+86-13800000000", "１３８００００００００", 13800000000, 13800000000.0, "\u300013800000000"])
def test_it_reads_a_mobile_number(cell):
    assert parse_phone(cell) == "13800000000"


@pytest.mark.parametrize("cell, expected", [
    ("0830-1234567", "0830-1234567"),
    ("08301234567", "0830-1234567"),
    ("0830－1234567", "0830-1234567"),
    ("０８３０-１２３４５６７", "0830-1234567"),
    ("010-12345678", "010-12345678"),
    ("+86 0830-1234567", "0830-1234567"),
])
def test_it_reads_a_landline(cell, expected):
    assert parse_phone(cell) == expected


@pytest.mark.parametrize("cell", ["12345", "1380000000", "138000000000", "12800000000", "23800000000", "phone",
                                  "+1 555 123 4567", "0830-123", "830-1234567", "", None])
def test_it_rejects_what_is_not_a_phone_number(cell):
    with pytest.raises(CellError) as exc:
        parse_phone(cell)
    assert "not a mobile number" in exc.value.message
    assert "0830-1234567" in exc.value.message


# text and region codes --------------------------------------------------------------------

def test_text_folds_full_width_characters_and_drops_all_spaces():
    assert text("ＡＢＣ１２３") == "ABC123"
    assert text(" 张\u3000三 ") == "张三"
    assert text("党组织书记\n村委会主任\t") == "党组织书记村委会主任"
    assert text("（社区）") == "(社区)"


def test_text_writes_whole_floats_as_integers():
    assert text(510521102237.0) == "510521102237"
    assert text(1985.5) == "1985.5"
    assert text(None) == ""


def test_region_codes_have_12_digits():
    assert parse_region_code("５１０５２１１０２２３７") == "510521102237"
    assert parse_region_code(510521102237.0) == "510521102237"
    for bad in ("51052110223", "5105211022370", "51052110223A", ""):
        with pytest.raises(CellError):
            parse_region_code(bad)


# Dates typed into number cells as digits --------------------------------------------------

@pytest.mark.parametrize("cell", [19850301, 19850301.0])
def test_it_reads_yyyymmdd_typed_into_a_number_cell(cell):
    assert parse_date(cell) == (MARCH_1, Precision.DAY)


@pytest.mark.parametrize("cell", [198503, 198503.0])
def test_it_reads_yyyymm_typed_into_a_number_cell(cell):
    assert parse_date(cell) == (MARCH_1, Precision.MONTH)


@pytest.mark.parametrize("cell, message", [(19850230, "there is no such date"), (198513, "there is no such date"),
                                           (850301, "out of range"), (18500301, "out of range"),
                                           (19850301.5, "is not a date"), (1985030, "is not a date")])
def test_it_rejects_numbers_shaped_like_dates_that_are_none(cell, message):
    with pytest.raises(CellError) as exc:
        parse_date(cell)
    assert message in exc.value.message


@given(day=days)
def test_digits_in_a_number_cell_read_as_the_same_text_does(day):
    digits = int(f"{day:%Y%m%d}")
    assert parse_date(digits) == parse_date(str(digits)) == (day, Precision.DAY)
    assert parse_date(float(digits // 100)) == parse_date(str(digits // 100)) == (day.replace(day=1), Precision.MONTH)
