"""Badge codes a desk officer can type: the alphabet, the check character, case and dash
folding, the code printed under the QR, and the badges printed before (the migration)."""
import itertools
from datetime import date, datetime, time, timedelta
from io import BytesIO

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from pypdf import PdfReader

from bimtek.attendance.scanning import CheckInResult, check_in
from bimtek.courses.agenda import SessionInput, add_session
from bimtek.courses.models import SessionKind
from bimtek.extensions import db
from bimtek.institutions.services import save_institution
from bimtek.registration import services
from bimtek.registration.badge_codes import (
    ALPHABET,
    LENGTH,
    grouped,
    is_valid,
    new_badge_code,
    read_badge,
)
from bimtek.registration.badges import badge_selection, badges_pdf
from bimtek.registration.models import Registration
from tests.factories import make_course
from tests.registration.factories import participant
from tests.support.apps import build_app

MONDAY_0755_WITA = datetime(2024, 10, 27, 23, 55)


def test_codes_use_no_look_alikes_and_never_start_like_a_formula():
    assert not set("0O1IL=+-@") & set(ALPHABET) and len(ALPHABET) == 31
    codes = [new_badge_code() for _ in range(2000)]
    assert len(set(codes)) == len(codes)
    for code in codes:
        assert len(code) == LENGTH and set(code) <= set(ALPHABET) and is_valid(code)
        printed = grouped(code)
        assert printed == f"{code[:5]}-{code[5:]}" and printed[0] not in "=+-@"


def test_every_single_typo_and_swap_of_neighbours_is_caught():
    code = new_badge_code()
    for position, character in itertools.product(range(LENGTH), ALPHABET):
        if character != code[position]:
            typo = code[:position] + character + code[position + 1:]
            assert not is_valid(typo) and read_badge(typo).mistyped, typo
    for position in range(LENGTH - 1):
        swapped = code[:position] + code[position + 1] + code[position] + code[position + 2:]
        if swapped != code:
            assert not is_valid(swapped), swapped


@pytest.mark.parametrize("typed", ["{0}{1}", "{2}{3}", "{2}-{3}", " {2} - {3} ", "{0} {3}",
                                   "{2}\t{1}"])
def test_case_spaces_and_dashes_do_not_matter(typed):
    code = new_badge_code()
    text = typed.format(code[:5], code[5:], code.lower()[:5], code.lower()[5:])
    assert read_badge(text).code == code and not read_badge(text).mistyped


def test_other_text_is_neither_a_code_nor_a_typo():
    for text in ("KARTU-PALSU-ADA", "5U-W_5HQKahMdx88", "x", "ÅÅÅÅÅÅÅÅÅÅ"):
        typed = read_badge(text)
        assert typed.code is None and not typed.mistyped, text
    assert read_badge(" 5U-W_5HQKahMdx88 ").as_scanned == "5U-W_5HQKahMdx88"


@pytest.fixture
def course(app_context):
    course = make_course("KSP-KUTIM-2024")
    add_session(course, SessionInput(
        day=date(2024, 10, 28), starts_at=time(8, 0), ends_at=time(9, 30),
        title="Kebijakan tahapan Pilkada", kind=SessionKind.MATERIAL))
    ppk = save_institution(None, name="Panitia Pemilihan Kecamatan", short_name="PPK").id
    services.register(course, participant(1, ppk, name="Ahmad Fauzi"))
    services.register(course, participant(2, ppk, name="Nurul Hidayah"))
    return course


def test_a_code_typed_in_lower_case_without_its_dash_checks_in(course):
    first = db.session.scalar(sa.select(Registration).where(Registration.number == 1))
    typed = first.badge_code.lower()
    outcome = check_in(course, typed, scanned_at=MONDAY_0755_WITA)
    assert (outcome.result, outcome.registration.name) == (CheckInResult.OK, "Ahmad Fauzi")


def test_a_typo_is_answered_as_a_typo_not_as_another_participant(course):
    first = db.session.scalar(sa.select(Registration).where(Registration.number == 1))
    code = first.badge_code
    wrong = next(c for c in ALPHABET if c != code[3])
    outcome = check_in(course, f"{code[:3]}{wrong}{code[4:5]}-{code[5:]}",
                       scanned_at=MONDAY_0755_WITA)
    assert outcome.result == CheckInResult.MISTYPED_BADGE and outcome.registration is None
    assert check_in(course, "KARTU-PALSU-SEKALI", scanned_at=MONDAY_0755_WITA).result == \
        CheckInResult.UNKNOWN_BADGE


def test_the_code_is_printed_under_the_qr(course):
    people = badge_selection(course)
    document = badges_pdf(course, people)
    text = " ".join(PdfReader(BytesIO(document)).pages[0].extract_text().split())
    for registration in people:
        assert registration.printed_badge_code in text


def test_an_older_badge_keeps_working_until_it_is_reissued(course):
    first = db.session.scalar(sa.select(Registration).where(Registration.number == 1))
    first.legacy_badge_code = "-5U-W_5HQKahMdx8"  # printed before codes were typeable
    db.session.commit()
    assert check_in(course, "-5U-W_5HQKahMdx8", scanned_at=MONDAY_0755_WITA).result == \
        CheckInResult.OK
    assert check_in(course, "-5u-w_5hqkahmdx8", scanned_at=MONDAY_0755_WITA).result == \
        CheckInResult.UNKNOWN_BADGE, "an old code stays case-sensitive"
    services.reissue_badge(first)
    db.session.commit()  # as the organiser's request does at its end
    assert first.legacy_badge_code is None
    assert check_in(course, "-5U-W_5HQKahMdx8", scanned_at=MONDAY_0755_WITA + timedelta(
        minutes=1)).result == CheckInResult.UNKNOWN_BADGE


def test_the_migration_gives_every_badge_a_typeable_code_and_keeps_the_old_one(
        database_factory, tmp_path):
    app = build_app(database_factory.create(), tmp_path)
    with app.app_context():
        upgrade(revision="0010")
        old_codes = ["-5U-W_5HQKahMdx8", "=aB3_xYz9Qw2Lm0p", "K7Q4M9XD2Pqqqqqq"]
        with db.engine.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO institution (name, short_name) VALUES ('PPK', 'PPK')"))
            connection.execute(sa.text(
                "INSERT INTO course (code, title, programme, batch, venue, city, starts_on, "
                "ends_on, timezone, capacity, min_attendance_percent, signatory_position, "
                "signatory_name, signatory_nip, status, agenda_version, late_after_minutes, "
                "registration_open, last_participant_number) VALUES ('KSP-KUTIM-2024', "
                "'Mitigasi', '', 1, '', '', '2024-10-28', '2024-11-01', 'Asia/Makassar', "
                "400, 80, '', '', '', 'published', 0, 15, FALSE, 3)"))
            for number, code in enumerate(old_codes, start=1):
                connection.execute(sa.text(
                    "INSERT INTO registration (course_id, number, front_titles, name, "
                    "back_titles, gender, nik, rank, position, institution_id, unit, phone, "
                    "email, status, badge_code, personal_token, created_at) SELECT course.id, "
                    ":number, '', :name, '', 'L', :nik, '', '', institution.id, 'PPK', '', "
                    "'', 'registered', :code, :token, '2024-10-01 08:00:00' FROM course, "
                    "institution"), {"number": number, "name": f"Peserta {number}",
                                     "nik": f"640801010190000{number}", "code": code,
                                     "token": f"token-{number}"})
        upgrade()
        rows = db.session.execute(sa.select(Registration.badge_code,
                                            Registration.legacy_badge_code)
                                  .order_by(Registration.number)).all()
        assert [legacy for _code, legacy in rows] == old_codes
        assert all(is_valid(code) for code, _legacy in rows)
        assert len({code for code, _legacy in rows}) == 3
        db.session.remove()
        db.engine.dispose()
