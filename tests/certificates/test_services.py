"""Eligibility by JP, number patterns, numbering order and verification codes."""
from datetime import date

import pytest

from bimtek.attendance.marking import mark
from bimtek.attendance.models import AttendanceStatus
from bimtek.certificates import services
from bimtek.certificates.eligibility import clear_override, eligibility, override_eligibility
from bimtek.certificates.models import DEFAULT_NUMBER_PATTERN, new_verification_code
from bimtek.certificates.settings import check_number_pattern, format_number, settings_for
from bimtek.errors import ValidationError
from bimtek.extensions import db
from bimtek.registration import services as registration_services
from tests.certificates.factories import MATERIAL_JP, finished_course, participants_of


@pytest.mark.parametrize(("pattern", "number"), [
    ("{seq:03}/BIMTEK-PKS/{month_roman}/{year}", "007/BIMTEK-PKS/XI/2024"),
    ("800/{seq}/BKPSDM/{year}", "800/7/BKPSDM/2024"),
    ("{course}-{month}-{seq:04}", "KSP-11-0007"),
])
def test_number_patterns(pattern, number):
    assert check_number_pattern(f" {pattern} ") == pattern
    assert format_number(pattern, 7, "KSP", date(2024, 11, 1)) == number


@pytest.mark.parametrize(("pattern", "message"), [
    ("BIMTEK/{year}", "{seq}"),
    ("{seq}/{tahun}", "{tahun}"),
    ("{seq/{year}", "kurung kurawal"),
    ("{seq:xyz}", "{seq:03}"),
])
def test_unusable_number_patterns_are_refused_with_the_reason(app_context, pattern, message):
    with pytest.raises(ValidationError) as error:
        check_number_pattern(pattern)
    assert error.value.field == "number_pattern" and message in error.value.message


def test_eligibility_counts_jp_of_the_whole_agenda(app_context):
    course = finished_course(3)
    rows = eligibility(course)
    assert [r.eligible for r in rows] == [True, True, False]
    last = rows[-1]
    assert (last.attended_jp, last.total_jp) == (3, MATERIAL_JP)
    assert last.summary == "3 dari 15 JP, 20%"


def test_excused_absence_counts_only_when_the_course_says_so(app_context):
    course = finished_course(2)
    person = participants_of(course)[0]
    material = [s for s in course.sessions if s.jp > 0]
    mark(person, material[-1], AttendanceStatus.IZIN, reason="Dinas luar")  # 11 of 15 JP
    assert [r.eligible for r in eligibility(course)] == [False, False]
    course.izin_counts = True
    db.session.commit()
    assert eligibility(course)[0].attended_jp == MATERIAL_JP


def test_overrides_need_a_reason_and_win_either_way(app_context):
    course = finished_course(2)
    first, last = participants_of(course)
    with pytest.raises(ValidationError) as error:
        override_eligibility(last, True, "  ")
    assert error.value.field == "reason"
    override_eligibility(last, True, "Tugas negara, materi diganti laporan")
    override_eligibility(first, False, "Identitas tidak sesuai")
    assert [r.eligible for r in eligibility(course)] == [False, True]
    clear_override(first)
    assert [r.eligible for r in eligibility(course)] == [True, True]


def test_numbers_follow_participant_numbers_and_are_never_reused(app_context):
    course = finished_course(4)
    settings_for(course).number_pattern = "{seq:03}/BIMTEK-PKS/{month_roman}/{year}"
    db.session.commit()
    issued = services.assign_certificates(course)
    assert [c.registration.number for c in issued] == [1, 2, 3]
    assert [c.number for c in issued] == ["001/BIMTEK-PKS/XI/2024", "002/BIMTEK-PKS/XI/2024",
                                          "003/BIMTEK-PKS/XI/2024"]
    assert services.assign_certificates(course) == issued  # nothing new to number
    services.revoke(issued[1], "Salah nama")
    with pytest.raises(ValidationError):
        services.revoke(issued[1], "Lagi")
    people = participants_of(course)
    override_eligibility(people[3], True, "Sakit, diganti tugas")
    again = services.assign_certificates(course)
    assert [(c.registration.number, c.seq) for c in again] == [(1, 1), (3, 3), (2, 4), (4, 5)]
    assert services.find_by_number("002/BIMTEK-PKS/XI/2024").revoked_reason == "Salah nama"


def test_a_cancelled_participant_gets_no_certificate(app_context):
    course = finished_course(3)
    registration_services.cancel(participants_of(course)[0])
    assert [c.registration.number for c in services.assign_certificates(course)] == [2]


def test_verification_codes_are_random_and_typeable(app_context):
    codes = {new_verification_code() for _ in range(500)}
    assert len(codes) == 500
    code = codes.pop()
    assert len(code) == 14 and code.count("-") == 2
    assert not set(code.replace("-", "")) & set("01OIL")
    course = finished_course(2)
    certificate = services.assign_certificates(course)[0]
    typed = certificate.verification_code.lower().replace("-", " ")
    assert services.find_by_code(typed) == certificate
    assert services.find_by_code("AAAA-AAAA-AAAA") is None
    assert services.find_by_code("'; drop table certificate; --") is None


def test_a_number_another_course_already_gave_is_refused(app_context):
    first, second = finished_course(2, code="KSP-A"), finished_course(2, code="KSP-B")
    for course in (first, second):
        settings_for(course).number_pattern = "{seq:03}/BIMTEK/{month_roman}/{year}"
    db.session.commit()
    services.assign_certificates(first)
    with pytest.raises(ValidationError) as error:
        services.assign_certificates(second)
    assert "001/BIMTEK/XI/2024" in error.value.message and "{course}" in error.value.message
    assert services.valid_certificates(second) == []
    settings_for(second).number_pattern = DEFAULT_NUMBER_PATTERN
    db.session.commit()
    assert services.assign_certificates(second)[0].number == "001/KSP-B/XI/2024"
