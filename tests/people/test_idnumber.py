"""parse_id_number and mask: GB 11643-1999 numbers as people type them."""

from datetime import date, timedelta

import pytest
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from lingtouyang.people.codes import Gender
from lingtouyang.people.idnumber import PROVINCE_CODES, IdNumberError, mask, parse_id_number


def with_check(body: str) -> str:
    """A 17-digit body completed with its correct MOD 11-2 check character."""
    assert len(body) == 17
    return body + ric.calc_check_digit(body + "0")



def test_it_accepts_a_valid_number():
    info = parse_id_number("510502198503011235")
    assert info.number == "510502198503011235"
    assert info.birth_date == date(1985, 3, 1)
    assert info.gender == Gender.MALE


def test_it_accepts_the_x_check_character():
    info = parse_id_number("11010519491231002X")
    assert info.number == "11010519491231002X"
    assert info.birth_date == date(1949, 12, 31)
    assert info.gender == Gender.FEMALE


def test_it_accepts_a_lowercase_x():
    assert parse_id_number("11010519491231002x").number == "11010519491231002X"


def test_it_accepts_full_width_digits_and_spaces():
    typed = "５１０５０２\u3000１９８５０３０１ 123５\t"
    info = parse_id_number(typed)
    assert info.number == "510502198503011235"
    assert info.birth_date == date(1985, 3, 1)


def test_it_accepts_a_full_width_x():
    assert parse_id_number("11010519491231002Ｘ").number == "11010519491231002X"


@pytest.mark.parametrize("raw, length", [("51050219850301123", 17), ("5105021985030112355", 19), ("", 0), (None, 0)])
def test_it_rejects_a_wrong_length(raw, length):
    with pytest.raises(IdNumberError) as exc:
        parse_id_number(raw)
    assert "18 characters" in exc.value.message
    assert f"has {length}" in exc.value.message


@pytest.mark.parametrize("raw", ["51050219850301123A", "5105021985O3011235", "X10502198503011235", "51050219850301X235"])
def test_it_rejects_letters(raw):
    with pytest.raises(IdNumberError) as exc:
        parse_id_number(raw)
    assert "17 digits followed by a digit or X" in exc.value.message


def test_it_rejects_digits_of_other_scripts_that_do_not_fold_to_ascii():
    # Arabic-Indic 1 2 3 are digits to str.isdigit() and int() and NFKC leaves them alone, so
    # 510502198503011235 would be stored (and blind-indexed) apart from the same number in ASCII.
    typed = "51050219850301" + "\u0661\u0662\u0663" + "5"
    with pytest.raises(IdNumberError):
        parse_id_number(typed)


@pytest.mark.parametrize("province", ["00", "10", "19", "55", "66", "99"])
def test_it_rejects_a_bad_province_code(province):
    number = with_check(f"{province}0502" "19850301" "123")
    with pytest.raises(IdNumberError) as exc:
        parse_id_number(number)
    assert "province code" in exc.value.message


def test_it_rejects_a_wrong_check_character():
    good = "510502198503011235"
    for wrong in "012346789X":
        with pytest.raises(IdNumberError) as exc:
            parse_id_number(good[:17] + wrong)
        assert "check character is wrong" in exc.value.message


@pytest.mark.parametrize("birth", ["19850230", "19851301", "19850001", "19850100", "19000229", "00000101"])
def test_it_rejects_an_impossible_birth_date(birth):
    number = with_check(f"510502{birth}123")
    with pytest.raises(IdNumberError) as exc:
        parse_id_number(number)
    assert "no valid birth date" in exc.value.message


def test_it_rejects_a_birth_date_in_the_future():
    tomorrow = timezone.localdate() + timedelta(days=1)
    number = with_check(f"510502{tomorrow:%Y%m%d}123")
    with pytest.raises(IdNumberError) as exc:
        parse_id_number(number)
    assert "no valid birth date" in exc.value.message


def test_it_accepts_the_leap_day():
    assert parse_id_number(with_check("51050220000229123")).birth_date == date(2000, 2, 29)


@pytest.mark.parametrize("digit, gender", [("1", Gender.MALE), ("3", Gender.MALE), ("9", Gender.MALE),
                                           ("0", Gender.FEMALE), ("2", Gender.FEMALE), ("8", Gender.FEMALE)])
def test_it_reads_the_gender_from_the_17th_digit(digit, gender):
    assert parse_id_number(with_check(f"5105021985030112{digit}")).gender == gender


def test_mask_keeps_the_county_and_the_last_four():
    assert mask("51050219850301123X") == "510502********123X"
    assert parse_id_number("11010519491231002X").masked == "110105********002X"


def test_mask_hides_all_of_a_malformed_number():
    assert mask("5105021985") == "**********"
    assert mask("") == ""


def test_the_message_follows_the_active_language():
    with translation.override("zh-hans"), pytest.raises(IdNumberError) as exc:
        parse_id_number("510502198503011236")
    assert "校验" in exc.value.message  # 公民身份号码校验位不正确…


# Properties -------------------------------------------------------------------------------

counties = st.builds(lambda p, rest: p + rest, st.sampled_from(sorted(PROVINCE_CODES)),
                     st.from_regex(r"\A[0-9]{4}\Z"))
births = st.dates(min_value=date(1900, 1, 1), max_value=date(2024, 12, 31))
sequences = st.integers(min_value=0, max_value=999)


@given(county=counties, born=births, seq=sequences)
def test_a_computed_number_parses_back_to_its_birth_date_and_gender(county, born, seq):
    number = with_check(f"{county}{born:%Y%m%d}{seq:03d}")
    info = parse_id_number(number)
    assert info.number == number
    assert info.birth_date == born
    assert info.gender == (Gender.MALE if seq % 2 else Gender.FEMALE)


@given(county=counties, born=births, seq=sequences, position=st.integers(0, 17), data=st.data())
def test_changing_any_single_character_is_rejected(county, born, seq, position, data):
    number = with_check(f"{county}{born:%Y%m%d}{seq:03d}")
    alphabet = "0123456789X" if position == 17 else "0123456789"
    other = data.draw(st.sampled_from([c for c in alphabet if c != number[position]]))
    changed = number[:position] + other + number[position + 1 :]
    with pytest.raises(IdNumberError):
        parse_id_number(changed)


# Typed into a number cell -----------------------------------------------------------------

@pytest.mark.parametrize("raw", [5.105021985030112e17, 510502198503011235, 510502198503011200.0, "5.10502198503011E+17",
                                 "5.10502E+17", " 5.105021985030112e+17 ", 1.1010519491231002e17])
def test_a_number_stored_by_excel_is_explained(raw):
    with pytest.raises(IdNumberError) as exc:
        parse_id_number(raw)
    assert "Excel stored the ID number as a number" in exc.value.message
    assert "format the column as text" in exc.value.message


def test_text_that_merely_contains_e_is_not_taken_for_a_number():
    with pytest.raises(IdNumberError) as exc:
        parse_id_number("51050219850301E235")
    assert "17 digits followed by a digit or X" in exc.value.message
