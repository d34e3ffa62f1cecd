from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bimtek.errors import ValidationError
from bimtek.registration.identity import (
    Nik,
    clean_text,
    format_nip,
    identity_warnings,
    normalise_phone,
    parse_gender,
    parse_nik,
    parse_nip,
)

TODAY = date(2024, 10, 28)
# Kutai Timur (64.08), Muara Ancalong (01): a man born 28 Sep 1986 and a woman born 26 Sep 1986.
NIK_MAN = "6408012809860001"
NIK_WOMAN = "6408016609860002"


def nik_with(birth: str, serial: str = "0001", region: str = "640801") -> str:
    return region + birth + serial


def refused(parser, value, field: str) -> str:
    with pytest.raises(ValidationError) as caught:
        parser(value)
    assert caught.value.field == field
    return caught.value.message


# NIK

def test_a_nik_is_read_into_its_parts():
    assert parse_nik(NIK_MAN, today=TODAY) == Nik(
        digits=NIK_MAN, province="64", regency="08", district="01",
        birth_date=date(1986, 9, 28), gender="L", serial="0001")
    assert parse_nik(NIK_MAN).region_code == "64.08.01"


def test_women_have_40_added_to_the_day_of_birth():
    nik = parse_nik(NIK_WOMAN, today=TODAY)
    assert (nik.birth_date, nik.gender) == (date(1986, 9, 26), "P")
    assert parse_nik(nik_with("710186")).birth_date == date(1986, 1, 31)
    assert parse_nik(nik_with("410186")).birth_date == date(1986, 1, 1)


@pytest.mark.parametrize("typed", [
    6408012809860001,
    "64 08 01 280986 0001",
    "64.08.01.280986.0001",
    "6408-0128-0986-0001",
    "\u00a06408012809860001 \u00a0",
    "'6408012809860001",
    "\ufeff6408012809860001\u200b",
])
def test_a_nik_is_read_however_it_was_typed_or_pasted(typed):
    assert parse_nik(typed).digits == NIK_MAN


@pytest.mark.parametrize("excel_value", [
    6.40801e15,
    6408012809860001.0,
    "6.40801E+15",
    "6,40801E+15",
    "6408012809860001.0",
    "'6408012809860000,00",
    "6.408.012.809.860.000",
    "6,408,012,809,860,000",
])
def test_a_nik_excel_stored_as_a_float_is_refused_with_the_fix(excel_value):
    message = refused(parse_nik, excel_value, "nik")
    assert "Excel" in message and "float" in message and "Text" in message


@pytest.mark.parametrize("typed", [None, "", "   ", "'"])
def test_a_nik_is_required(typed):
    refused(parse_nik, typed, "nik")


@pytest.mark.parametrize("typed", [
    "640801280986001", "64080128098600011", "64080128O9860001", "6408012809860001x", True,
    "６４０８０１２８０９８６０００１", "640801280986000₁",
])
def test_a_nik_must_be_16_digits(typed):
    refused(parse_nik, typed, "nik")


def test_a_negative_number_is_not_a_nik():
    refused(parse_nik, -6408012809860001, "nik")


@pytest.mark.parametrize("province", ["00", "01", "10"])
def test_the_province_code_is_11_to_99(province):
    refused(parse_nik, province + NIK_MAN[2:], "nik")


def test_the_lowest_and_highest_province_codes_are_accepted():
    assert parse_nik("11" + NIK_MAN[2:]).province == "11"
    assert parse_nik("99" + NIK_MAN[2:]).province == "99"


@pytest.mark.parametrize("birth", ["000186", "320186", "400186", "720186", "990186"])
def test_the_day_of_birth_is_1_to_31_or_41_to_71(birth):
    refused(parse_nik, nik_with(birth), "nik")


@pytest.mark.parametrize("birth", ["010086", "011386", "019986"])
def test_the_month_of_birth_is_1_to_12(birth):
    refused(parse_nik, nik_with(birth), "nik")


@pytest.mark.parametrize("birth", ["310486", "300286", "290201", "690201"])
def test_the_date_of_birth_must_exist(birth):
    refused(parse_nik, nik_with(birth), "nik")


def test_29_february_00_is_read_as_2000():
    assert parse_nik(nik_with("290200"), today=TODAY).birth_date == date(2000, 2, 29)


@pytest.mark.parametrize(("birth", "born"), [
    ("010186", date(1986, 1, 1)),
    ("280924", date(2024, 9, 28)),
    ("281024", date(2024, 10, 28)),
    ("291024", date(1924, 10, 29)),
    ("010199", date(1999, 1, 1)),
    ("010100", date(2000, 1, 1)),
])
def test_the_century_is_the_latest_that_is_not_in_the_future(birth, born):
    assert parse_nik(nik_with(birth), today=TODAY).birth_date == born


def test_the_serial_starts_at_0001():
    refused(parse_nik, nik_with("280986", serial="0000"), "nik")
    assert parse_nik(nik_with("280986", serial="9999")).serial == "9999"


# NIP

def test_a_civil_servants_nip_is_read_from_its_usual_spaced_form():
    nip = parse_nip("19860926 201505 1 001")
    assert nip.digits == "198609262015051001"
    assert (nip.kind, nip.birth_date, nip.start_year, nip.start_month) == (
        "pns", date(1986, 9, 26), 2015, 5)
    assert (nip.contract_number, nip.gender, nip.serial) == (None, "L", "001")


def test_a_nip_is_read_unspaced_or_as_a_number():
    nip = parse_nip("197206012005011008")
    assert (nip.birth_date, nip.start_year, nip.start_month, nip.serial) == (
        date(1972, 6, 1), 2005, 1, "008")
    assert parse_nip(197206012005011008) == nip
    assert parse_nip("'1972 0601 2005 01 1 008\u00a0") == nip


def test_a_womans_nip_has_gender_digit_2():
    assert parse_nip("198609262015052001").gender == "P"


def test_a_pppk_number_is_accepted_although_digits_13_to_14_are_not_a_month():
    nip = parse_nip("199001012021211001")
    assert (nip.kind, nip.birth_date, nip.start_year) == ("pppk", date(1990, 1, 1), 2021)
    assert (nip.start_month, nip.contract_number, nip.gender, nip.serial) == (
        None, 1, "L", "001")
    assert parse_nip("199505152022292123").contract_number == 9


@pytest.mark.parametrize("typed", [None, "", "  ", "\u00a0", "-", "'"])
def test_an_empty_nip_is_none(typed):
    assert parse_nip(typed) is None


@pytest.mark.parametrize("excel_value", [
    1.98609262015051e17, 198609262015051001.0, "1.98609E+17", "198609262015051001.0",
    "198.609.262.015.051.000",
])
def test_a_nip_excel_stored_as_a_float_is_refused_with_the_fix(excel_value):
    message = refused(parse_nip, excel_value, "nip")
    assert "Excel" in message and "Text" in message


@pytest.mark.parametrize("typed", ["198609262015131001", "198609262015001001"])
def test_a_pns_start_month_outside_1_to_12_is_refused(typed):
    refused(parse_nip, typed, "nip")


def test_a_pppk_contract_number_is_1_to_9():
    refused(parse_nip, "199001012021201001", "nip")


@pytest.mark.parametrize("typed", [
    "19860926201505100", "1986092620150510011", "19860926 201505 1 0O1",
    "198613262015051001",  # month of birth 13
    "198602302015051001",  # 30 February
    "000001012015051001",  # year 0
    "198609262000051001",  # appointed at 13
    "199001012004211001",  # PPPK appointed at 14
    "198609262015053001",  # gender digit 3
    "198609262015050001",  # gender digit 0
    "198609262015051000",  # serial 000
])
def test_an_invalid_nip_is_refused(typed):
    refused(parse_nip, typed, "nip")


def test_appointment_at_15_is_accepted():
    assert parse_nip("198609262001051001").start_year == 2001


@pytest.mark.parametrize(("digits", "formatted"), [
    ("198609262015051001", "19860926 201505 1 001"),
    ("199001012021211001", "19900101 202121 1 001"),
    ("12345", "12345"),
    ("", ""),
])
def test_a_nip_is_formatted_8_6_1_3(digits, formatted):
    assert format_nip(digits) == formatted


def test_a_nip_formats_itself():
    assert parse_nip(197206012005011008).formatted == "19720601 200501 1 008"


# Warnings

def test_matching_numbers_and_gender_give_no_warnings():
    nik = parse_nik("6408012609860001")
    assert identity_warnings(nik, parse_nip("19860926 201505 1 001"), "L") == []
    assert identity_warnings(nik, None, None) == []


def test_different_dates_of_birth_are_a_warning():
    warnings = identity_warnings(parse_nik(NIK_MAN), parse_nip("198609262015051001"), "L")
    assert len(warnings) == 1
    assert "28-09-1986" in warnings[0] and "26-09-1986" in warnings[0]


def test_a_gender_disagreeing_with_the_nik_is_a_warning():
    man = parse_nik("6408012609860001")
    woman = parse_nik("6408016609860001")
    assert len(identity_warnings(man, parse_nip("198609262015052001"), None)) == 1
    assert len(identity_warnings(woman, None, "L")) == 1
    assert len(identity_warnings(woman, parse_nip("198609262015051001"), "L")) == 2


# Phone

@pytest.mark.parametrize("typed", [
    "0812-3456-7890",
    "+62 812 3456 7890",
    "62 812 3456 7890",
    "812345678 90",
    "(0812) 3456.7890",
    "+62 (0)812-3456-7890",
    "0062 812 3456 7890",
    "'081234567890",
    "\u00a00812 3456 7890\u00a0 ",
    81234567890,
    81234567890.0,
    "81234567890.0",
    "+6281234567890",
])
def test_a_phone_number_is_normalised_to_plus_62(typed):
    assert normalise_phone(typed) == "+6281234567890"


def test_a_landline_is_normalised_too():
    assert normalise_phone("(0541) 741234") == "+62541741234"
    assert normalise_phone("021-5550-1234") == "+622155501234"


@pytest.mark.parametrize("typed", [None, "", "  ", "-", "'"])
def test_an_empty_phone_is_none(typed):
    assert normalise_phone(typed) is None


@pytest.mark.parametrize("typed", [
    "0812-3456-789O", "0812 3456 7890 ext 5", "0812/0813", "+1 555 0100 2000", "0812345",
    "08123456789012345", "0112345678", "+62 112 3456 7890", "812.5", 812.5, float("nan"),
])
def test_what_is_not_an_indonesian_phone_number_is_refused(typed):
    refused(normalise_phone, typed, "phone")


def test_a_phone_excel_wrote_in_scientific_notation_is_refused_with_the_fix():
    assert "Excel" in refused(normalise_phone, "8.12346E+11", "phone")


# Gender and text

@pytest.mark.parametrize(("typed", "gender"), [
    ("L", "L"), ("p", "P"), ("Laki-laki", "L"), ("laki laki", "L"), ("PEREMPUAN", "P"),
    ("Pria", "L"), ("wanita", "P"), ("M", "L"), ("F", "P"), ("Male", "L"), ("female", "P"),
    (" Lk. ", "L"), ("Pr", "P"), ("\u00a0L\u00a0", "L"),
])
def test_gender_words_are_read_as_l_or_p(typed, gender):
    assert parse_gender(typed) == gender


@pytest.mark.parametrize("typed", [None, "", "X", "LP", "1", 1])
def test_an_unknown_gender_is_refused(typed):
    refused(parse_gender, typed, "gender")


@pytest.mark.parametrize(("typed", "clean"), [
    ("  Rizali \u00a0 Hadi\t\n", "Rizali Hadi"),
    ("'Kesbangpol", "Kesbangpol"),
    (" ' 0812", "0812"),
    (None, ""),
    (12, "12"),
])
def test_clean_text_collapses_whitespace_and_drops_excels_text_marker(typed, clean):
    assert clean_text(typed) == clean


# Properties

number_like_text = st.text(alphabet="0123456789 .,-+'eE()\u00a0", max_size=25)
anything = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(),
                     number_like_text)


@pytest.mark.parametrize("parser", [parse_nik, parse_nip, normalise_phone, parse_gender])
@given(value=anything)
def test_parsers_raise_nothing_but_validation_error(parser, value):
    try:
        parser(value)
    except ValidationError as error:
        assert error.field and error.message


@given(value=anything)
def test_clean_text_never_raises(value):
    assert clean_text(value) == clean_text(clean_text(value))


@st.composite
def nik_parts(draw):
    return {
        "province": f"{draw(st.integers(11, 99)):02d}",
        "regency": f"{draw(st.integers(0, 99)):02d}",
        "district": f"{draw(st.integers(0, 99)):02d}",
        # the century rule reads back exactly the hundred years up to today
        "birth_date": draw(st.dates(date(1924, 10, 29), TODAY)),
        "gender": draw(st.sampled_from("LP")),
        "serial": f"{draw(st.integers(1, 9999)):04d}",
    }


nik_layouts = st.sampled_from([
    lambda d: d,
    lambda d: f"'{d}",
    lambda d: f"{d[:2]}.{d[2:4]}.{d[4:6]}.{d[6:12]}.{d[12:]}",
    lambda d: f" {d[:6]}\u00a0{d[6:12]} {d[12:]} ",
    int,
])


@given(parts=nik_parts(), layout=nik_layouts)
def test_every_valid_nik_round_trips(parts, layout):
    born = parts["birth_date"]
    day = born.day + (40 if parts["gender"] == "P" else 0)
    digits = (parts["province"] + parts["regency"] + parts["district"]
              + f"{day:02d}{born:%m%y}" + parts["serial"])
    assert parse_nik(layout(digits), today=TODAY) == Nik(digits=digits, **parts)


@given(born=st.dates(date(1940, 1, 1), date(2005, 12, 31)),
       years_later=st.integers(15, 40), pppk=st.booleans(),
       month_or_contract=st.integers(1, 9), gender=st.sampled_from("12"),
       serial=st.integers(1, 999))
def test_every_valid_nip_round_trips_through_its_formatted_form(
        born, years_later, pppk, month_or_contract, gender, serial):
    middle = f"2{month_or_contract}" if pppk else f"{month_or_contract:02d}"
    digits = f"{born:%Y%m%d}{born.year + years_later}{middle}{gender}{serial:03d}"
    nip = parse_nip(format_nip(digits))
    assert (nip.digits, nip.birth_date, nip.kind) == (digits, born, "pppk" if pppk else "pns")
    assert nip.start_year == born.year + years_later
    assert nip.gender == {"1": "L", "2": "P"}[gender]


phone_like = st.builds(
    "{}{} {}".format,
    st.sampled_from(["0", "+62", "62", "", "+62 (0)", "0062"]),
    st.sampled_from(["8", "21", "541"]),
    st.text(alphabet="0123456789 -", min_size=5, max_size=14),
)


@given(value=st.one_of(phone_like, anything))
def test_normalise_phone_is_idempotent_on_its_output(value):
    try:
        normalised = normalise_phone(value)
    except ValidationError:
        return
    if normalised is not None:
        assert normalised.startswith("+62")
        assert normalise_phone(normalised) == normalised
